import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { BodyMeter, BodyTooLargeError, bodyRule, FORM_BYTES, JSON_BYTES, MAX_PARTS, multipartBoundary } from "~/lib/body-limit.server";
import { multipartBudget } from "~/lib/uploads.server";

const MB = 1048576;

/** Runs `chunks` through a meter; resolves with the bytes that came out, or the refusal. */
async function meter(rule: ReturnType<typeof bodyRule>, chunks: Buffer[]): Promise<{ out: number; error: BodyTooLargeError | null }> {
  let out = 0;
  try {
    await pipeline(Readable.from(chunks), new BodyMeter(rule), async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) out += c.length;
    });
    return { out, error: null };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { out, error };
    throw error;
  }
}

describe("bodyRule: the limit by content type", () => {
  it("forms and unknown types: 512 KB", () => {
    expect(bodyRule("/login", "application/x-www-form-urlencoded", 20 * MB)).toMatchObject({ kind: "form", maxBytes: FORM_BYTES });
    expect(bodyRule("/login", "text/plain", 20 * MB)).toMatchObject({ kind: "other", maxBytes: FORM_BYTES });
    expect(bodyRule("/login", undefined, 20 * MB)).toMatchObject({ kind: "other", maxBytes: 512 * 1024 });
    expect(bodyRule("/login", undefined, 20 * MB).tooLarge).toBe("Die gesendeten Daten sind zu groß (höchstens 512 KB).");
  });

  it("a raw e-invoice to POST /api/v1/invoices (XML or PDF as the body): the upload limit, as multipart would allow", () => {
    expect(bodyRule("/api/v1/invoices", "application/pdf", 20 * MB)).toMatchObject({ kind: "other", maxBytes: 20 * MB });
    expect(bodyRule("/api/v1/invoices", "application/xml; charset=utf-8", 20 * MB)).toMatchObject({ maxBytes: 20 * MB, tooLarge: "Die Datei ist größer als 20 MB." });
    // Other routes keep the form limit; a form post to the route keeps it too.
    expect(bodyRule("/api/v1/invoices/7", "application/pdf", 20 * MB)).toMatchObject({ maxBytes: FORM_BYTES });
    expect(bodyRule("/api/v1/invoices", "application/x-www-form-urlencoded", 20 * MB)).toMatchObject({ kind: "form", maxBytes: FORM_BYTES });
  });

  it("JSON: 1 MB, also with a charset or as +json; the offer API (concept in base64) gets 4/3 of the file limit plus 64 KB", () => {
    expect(bodyRule("/api/v1/placements", "application/json; charset=utf-8", 20 * MB)).toMatchObject({ kind: "json", maxBytes: JSON_BYTES, tooLarge: "Die Angaben sind größer als 1 MB." });
    expect(bodyRule("/api/v1/placements", "application/merge-patch+json", 20 * MB).maxBytes).toBe(MB);
    expect(bodyRule("/api/v1/tenders/7/offers", "application/json", 3 * MB).maxBytes).toBe(4 * MB + 65536);
    expect(bodyRule("/api/v1/tenders/7/offers/x", "application/json", 3 * MB).maxBytes).toBe(MB);
  });

  it("multipart: the budget of a three-file form (as readUploadForm reads it) plus 1 MB for part headers, 200 parts, the boundary from the header", () => {
    const rule = bodyRule("/portal/placements/new", 'multipart/form-data; boundary="----abc"', 20 * MB);
    expect(rule).toMatchObject({ kind: "multipart", maxBytes: multipartBudget(20 * MB, 3) + MB, boundary: "----abc", maxParts: MAX_PARTS });
    expect(rule.maxBytes).toBe(82 * MB);
    expect(rule.tooLarge).toBe("Die gesendeten Daten sind zu groß (höchstens 20 MB je Datei und 82 MB insgesamt).");
    expect(multipartBoundary("multipart/form-data; boundary=WebKitFormBoundaryX1; charset=utf-8")).toBe("WebKitFormBoundaryX1");
    expect(multipartBoundary("multipart/form-data")).toBeNull();
  });
});

describe("BodyMeter", () => {
  const json = bodyRule("/api/v1/placements", "application/json", 20 * MB);

  it("passes a body of exactly the limit through unchanged and refuses one byte more, handing nothing beyond the limit on", async () => {
    const exact = await meter(json, [Buffer.alloc(MB - 10), Buffer.alloc(10)]);
    expect(exact).toEqual({ out: MB, error: null });
    const over = await meter(json, [Buffer.alloc(MB - 10), Buffer.alloc(11)]);
    expect(over.error?.detail).toBe("Die Angaben sind größer als 1 MB.");
    expect(over.out).toBeLessThanOrEqual(MB);
  });

  it("counts multipart parts, also when a delimiter is split across chunks: 200 parts pass, 201 are refused", async () => {
    const rule = bodyRule("/x", "multipart/form-data; boundary=grenze", 20 * MB);
    const body = (parts: number) => {
      let text = "";
      for (let i = 0; i < parts; i++) text += `--grenze\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`;
      return Buffer.from(`${text}--grenze--\r\n`);
    };
    // chunks of 5 bytes split every "--grenze" somewhere
    const split = (b: Buffer) => Array.from({ length: Math.ceil(b.length / 5) }, (_, i) => b.subarray(i * 5, i * 5 + 5));
    expect((await meter(rule, split(body(200)))).error).toBeNull();
    expect((await meter(rule, split(body(201)))).error?.detail).toBe("Die Anfrage hat zu viele Teile (höchstens 200).");
    expect((await meter(rule, [body(201)])).error).not.toBeNull();
  });
});
