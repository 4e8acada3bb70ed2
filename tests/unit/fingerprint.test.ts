import { unstable_parseMultipartFormData } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { canonicalJson, fingerprintForm, fingerprintJson } from "~/lib/fingerprint.server";
import { expectedPartsHandler } from "~/lib/uploads.server";
import { isFinalStatus } from "~/services/idempotency.server";
import { minimalPdf } from "../fixtures/pdf";

/** Request-body fingerprints for Idempotency-Key (ADR 0016). */

type Part = { name: string; value: string } | { name: string; filename: string; type: string; bytes: Uint8Array };

/** A multipart body written by hand, so that the boundary and the part order are ours to choose. */
function multipart(boundary: string, parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ("value" in p) chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`));
      chunks.push(Buffer.from(p.bytes), Buffer.from("\r\n"));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Parsed as the placement API parses it (Remix's multipart parser with the expected-parts handler). */
async function parse(boundary: string, parts: Part[]): Promise<FormData> {
  const request = new Request("http://localhost/api/v1/placements", {
    method: "POST",
    headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
    body: new Uint8Array(multipart(boundary, parts)),
  });
  return unstable_parseMultipartFormData(request, expectedPartsHandler({ maxPartSize: 1048576, files: ["placement", "employmentContract", "employerConfirmation"] }));
}

const PLACEMENT = JSON.stringify({ assignmentId: 7, employerName: "Kamenzer Logistik GmbH", weeklyHours: 38.5 });
const contract = minimalPdf("arbeitsvertrag");
const confirmation = minimalPdf("bestaetigung");

function claimParts(contractBytes: Uint8Array = contract): Part[] {
  return [
    { name: "placement", value: PLACEMENT },
    { name: "employmentContract", filename: "vertrag.pdf", type: "application/pdf", bytes: contractBytes },
    { name: "employerConfirmation", filename: "bestaetigung.pdf", type: "application/pdf", bytes: confirmation },
  ];
}

describe("fingerprintJson", () => {
  it("does not depend on the order of object keys, at any depth", () => {
    const a = { assignmentId: 7, employer: { name: "A GmbH", city: "Kamenz" }, hours: [38.5, 40], note: null };
    const b = { note: null, hours: [38.5, 40], employer: { city: "Kamenz", name: "A GmbH" }, assignmentId: 7 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(b)).toBe('{"assignmentId":7,"employer":{"city":"Kamenz","name":"A GmbH"},"hours":[38.5,40],"note":null}');
    expect(fingerprintJson(a)).toBe(fingerprintJson(b));
    expect(fingerprintJson(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not depend on the whitespace of the text the client sent", () => {
    expect(fingerprintJson(JSON.parse('{ "a" : 1,\n "b": [1, 2] }'))).toBe(fingerprintJson(JSON.parse('{"b":[1,2],"a":1}')));
  });

  it("tells different content apart: a value, array order, a type, a missing key, a null", () => {
    const base = fingerprintJson({ a: 1, b: [1, 2], c: "x" });
    expect(fingerprintJson({ a: 2, b: [1, 2], c: "x" })).not.toBe(base);
    expect(fingerprintJson({ a: 1, b: [2, 1], c: "x" })).not.toBe(base);
    expect(fingerprintJson({ a: "1", b: [1, 2], c: "x" })).not.toBe(base);
    expect(fingerprintJson({ a: 1, b: [1, 2] })).not.toBe(base);
    expect(fingerprintJson({ a: 1, b: [1, 2], c: null })).not.toBe(base);
    // An undefined member is left out, as JSON.stringify does: it was never sent.
    expect(fingerprintJson({ a: 1, b: [1, 2], c: "x", d: undefined })).toBe(base);
  });

  it("a JSON body and a form with the same text are different requests", async () => {
    const form = new FormData();
    form.set("a", "1");
    expect(await fingerprintForm(form)).not.toBe(fingerprintJson({ a: "1" }));
  });
});

describe("fingerprintForm", () => {
  it("is the same for a retry with another multipart boundary and another part order", async () => {
    const first = await fingerprintForm(await parse("----boundaryA1", claimParts()));
    const retry = await fingerprintForm(await parse("xYz-0123456789-other", [...claimParts()].reverse()));
    expect(retry).toBe(first);
  });

  it("differs when one byte of a PDF differs (the different PDF is not dropped as a retry)", async () => {
    const changed = Uint8Array.from(contract);
    const at = changed.indexOf("a".charCodeAt(0));
    changed[at] = "b".charCodeAt(0);
    expect(changed.length).toBe(contract.length);
    const first = await fingerprintForm(await parse("b1", claimParts()));
    expect(await fingerprintForm(await parse("b1", claimParts(changed)))).not.toBe(first);
  });

  it("differs for another file name, content type or text value", async () => {
    const first = await fingerprintForm(await parse("b1", claimParts()));
    const renamed = claimParts();
    (renamed[1] as { filename: string }).filename = "vertrag-2.pdf";
    expect(await fingerprintForm(await parse("b1", renamed))).not.toBe(first);
    const retyped = claimParts();
    (retyped[1] as { type: string }).type = "application/octet-stream";
    expect(await fingerprintForm(await parse("b1", retyped))).not.toBe(first);
    const edited = claimParts();
    edited[0] = { name: "placement", value: PLACEMENT.replace("38.5", "39") };
    expect(await fingerprintForm(await parse("b1", edited))).not.toBe(first);
  });

  it("keeps the order of parts with the same name, and tells text from a file", async () => {
    const ab = new FormData();
    ab.append("tag", "a");
    ab.append("tag", "b");
    const ba = new FormData();
    ba.append("tag", "b");
    ba.append("tag", "a");
    expect(await fingerprintForm(ab)).not.toBe(await fingerprintForm(ba));
    const text = new FormData();
    text.set("x", "hello");
    const file = new FormData();
    file.set("x", new File(["hello"], "", { type: "" }));
    expect(await fingerprintForm(text)).not.toBe(await fingerprintForm(file));
  });
});

describe("which answers are stored for a replay", () => {
  it("final answers: carried out (2xx, a form's redirect) or decided (409, 422)", () => {
    for (const status of [200, 201, 202, 204, 303, 409, 422]) expect(isFinalStatus(status), String(status)).toBe(true);
  });

  it("answers after which nothing happened free the key: 400, 401, 403, 404, 405, 413, 415, 429, 5xx", () => {
    for (const status of [400, 401, 403, 404, 405, 413, 415, 429, 500, 502, 503]) expect(isFinalStatus(status), String(status)).toBe(false);
  });
});
