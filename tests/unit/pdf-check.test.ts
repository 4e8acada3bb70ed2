import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { isReadablePdf } from "~/lib/pdf-check.server";
import { minimalPdf } from "../fixtures/pdf";

const text = (s: string) => new TextEncoder().encode(s);

describe("isReadablePdf: an upload must load as a PDF with at least one page", () => {
  it("a PDF made by pdf-lib and the small test fixture load", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    expect(await isReadablePdf(await doc.save())).toBe(true);
    expect(await isReadablePdf(minimalPdf("Arbeitsvertrag"))).toBe(true);
  });

  it("an HTML page behind a PDF header is refused", async () => {
    expect(await isReadablePdf(text("%PDF-1.7\n<html><body><h1>Arbeitsvertrag</h1></body></html>\n"))).toBe(false);
  });

  it("a bare header, a catalog without pages, a page tree with no page, a truncated file and plain text are refused", async () => {
    expect(await isReadablePdf(text("%PDF-1.4\n%%EOF\n"))).toBe(false);
    expect(await isReadablePdf(text("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"))).toBe(false);
    expect(
      await isReadablePdf(text("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")),
    ).toBe(false);
    const doc = await PDFDocument.create();
    doc.addPage();
    const bytes = await doc.save();
    expect(await isReadablePdf(bytes.slice(0, 200))).toBe(false);
    expect(await isReadablePdf(text("Dies ist kein PDF."))).toBe(false);
    expect(await isReadablePdf(new Uint8Array())).toBe(false);
  });
});
