import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AFRelationship, PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { afterAll, describe, expect, it } from "vitest";
import { readAndCheck, readInvoice } from "~/domain/einvoice";
import { decodeUtf8, embeddedFiles, isPdf, readInvoiceFile } from "~/lib/einvoice.server";
import { invoiceViewData, renderInvoicePdf } from "~/lib/invoice-pdf.server";
import { InvoiceView } from "~/ui/invoice-view";
import { CII_0101, read, root, suiteDir, UBL_0101 } from "./einvoice-suite";

const run = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "einvoice-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const COMPREHENSIVE_CII = "technical-cases/cius/01.01_comprehensive_test_uncefact.xml";
const COMPREHENSIVE_UBL = "technical-cases/cius/01.01_comprehensive_test_ubl.xml";

async function pdfWith(attachments: { name: string; bytes: Uint8Array; rel?: AFRelationship }[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage();
  page.drawText("Rechnung", { font: await doc.embedFont(StandardFonts.Helvetica) });
  for (const a of attachments) await doc.attach(a.bytes, a.name, { mimeType: "text/xml", afRelationship: a.rel ?? AFRelationship.Alternative });
  return doc.save();
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("readInvoiceFile: ZUGFeRD / Factur-X", () => {
  it("reads the CII invoice embedded as factur-x.xml exactly like the CII file itself", async () => {
    const xml = read(COMPREHENSIVE_CII);
    const pdf = await pdfWith([{ name: "factur-x.xml", bytes: utf8(xml) }]);
    const result = await readInvoiceFile(pdf, "rechnung.pdf");
    expect(result.form).toBe("zugferd");
    expect(result.syntax).toBe("cii");
    expect(result.xml).toBe(xml.replace(/^\uFEFF/, ""));
    expect(result.findings).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.terms).toEqual(readInvoice(xml).terms);
  });

  it("prefers the standard attachment name over other XML attachments", async () => {
    const pdf = await pdfWith([
      { name: "anlage.xml", bytes: utf8("<Anlage/>"), rel: AFRelationship.Supplement },
      { name: "zugferd-invoice.xml", bytes: utf8(read(CII_0101)) },
    ]);
    const result = await readInvoiceFile(pdf);
    expect(result.terms?.number).toBe("123456XX");
    expect((await embeddedFiles(pdf)).map((f) => f.name).sort()).toEqual(["anlage.xml", "zugferd-invoice.xml"]);
  });

  it("takes the first XML attachment when none has a standard name, and checks it (broken copy → its rule)", async () => {
    const broken = read(CII_0101).replace(/<ram:BuyerReference>.*<\/ram:BuyerReference>/, "");
    const pdf = await pdfWith([{ name: "Rechnung-4711.XML", bytes: utf8(broken) }]);
    const result = await readInvoiceFile(pdf);
    expect(result.form).toBe("zugferd");
    expect(result.findings.map((f) => f.rule)).toEqual(["BR-DE-15"]);
  });

  it("finds the file through /AF when the EmbeddedFiles name tree is missing", async () => {
    const doc = await PDFDocument.load(await pdfWith([{ name: "factur-x.xml", bytes: utf8(read(CII_0101)) }]));
    doc.catalog.delete(PDFName.of("Names"));
    const pdf = await doc.save();
    const result = await readInvoiceFile(pdf);
    expect(result.terms?.number).toBe("123456XX");
  });

  it("a PDF without embedded XML is ZUGFERD-NO-XML (may be registered by hand)", async () => {
    const result = await readInvoiceFile(await pdfWith([]), "scan.pdf");
    expect(result).toMatchObject({ form: "zugferd", xml: null, terms: null, valid: false });
    expect(result.findings.map((f) => f.rule)).toEqual(["ZUGFERD-NO-XML"]);
    expect(result.findings[0].message).toMatch(/keine E-Rechnungsdaten.*von Hand/);
  });

  it("a damaged PDF is a finding, not an exception", async () => {
    const result = await readInvoiceFile(utf8("%PDF-1.7\nkaputt"));
    expect(result.valid).toBe(false);
    expect(result.findings).toHaveLength(1);
    expect(["ZUGFERD-PDF", "ZUGFERD-NO-XML"]).toContain(result.findings[0].rule);
  });

  it("a DOCTYPE inside the embedded XML is refused as well", async () => {
    const evil = read(CII_0101).replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "böse">]>');
    const result = await readInvoiceFile(await pdfWith([{ name: "factur-x.xml", bytes: utf8(evil) }]));
    expect(result.findings.map((f) => f.rule)).toEqual(["XML-DOCTYPE"]);
  });
});

describe("readInvoiceFile: XML files and bytes", () => {
  it("reads UBL and CII files by content, not by name", async () => {
    const ubl = await readInvoiceFile(fs.readFileSync(path.join(suiteDir, UBL_0101)), "rechnung.pdf");
    expect(ubl).toMatchObject({ form: "ubl", syntax: "ubl", valid: true });
    const cii = await readInvoiceFile(fs.readFileSync(path.join(suiteDir, CII_0101)));
    expect(cii).toMatchObject({ form: "cii", syntax: "cii", valid: true });
    expect(cii.xml).toBe(read(CII_0101));
  });

  it("removes a UTF-8 byte order mark", async () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...fs.readFileSync(path.join(suiteDir, UBL_0101))]);
    expect((await readInvoiceFile(withBom)).valid).toBe(true);
  });

  it("bytes that are not UTF-8 (Latin-1 umlauts, binary garbage) are XML-SYNTAX", async () => {
    const latin1 = Buffer.from(read(UBL_0101).replace("[Seller name]", "Müller"), "latin1");
    expect(decodeUtf8(latin1)).toBeNull();
    const r1 = await readInvoiceFile(latin1, "latin1.xml");
    expect(r1.findings.map((f) => f.rule)).toEqual(["XML-SYNTAX"]);
    expect(r1.findings[0].message).toMatch(/UTF-8/);
    const garbage = new Uint8Array(256).map((_, i) => (i * 37 + 200) % 256);
    expect((await readInvoiceFile(garbage)).findings.map((f) => f.rule)).toEqual(["XML-SYNTAX"]);
  });

  it("respects the size limit on bytes", async () => {
    const bytes = fs.readFileSync(path.join(suiteDir, UBL_0101));
    expect((await readInvoiceFile(bytes, "x.xml", { maxBytes: bytes.length - 1 })).findings.map((f) => f.rule)).toEqual(["XML-SIZE"]);
    expect((await readInvoiceFile(bytes, "x.xml", { maxBytes: bytes.length })).valid).toBe(true);
  });

  it("recognises PDFs by their header, also after leading bytes", () => {
    expect(isPdf(utf8("%PDF-1.4\n"))).toBe(true);
    expect(isPdf(utf8("\n\n%PDF-1.7"))).toBe(true);
    expect(isPdf(utf8("<?xml?><x>%PDF-</x>".padStart(2000, " ")))).toBe(false);
    expect(isPdf(utf8("%PD"))).toBe(false);
  });
});

describe("CLI invoice:check", () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run("npx", ["tsx", "scripts/cli.ts", "invoice:check", ...args], { cwd: root, env: { ...process.env, ...env } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("a valid suite file: exit 0, 'gültig', and no database or data directory is created", async () => {
    const dataDir = path.join(tmp, "data-never-created");
    const file = path.join(suiteDir, UBL_0101);
    const r = await cli([file], { DATA_DIR: dataDir, DATABASE_URL: "" });
    expect(r.stdout.trim()).toBe(`${file}: gültig`);
    expect(r.code).toBe(0);
    expect(fs.existsSync(dataDir)).toBe(false);
  }, 60000);

  it("a broken copy: exit 1 with its rule id and message; an unreadable file: exit 2", async () => {
    const broken = path.join(tmp, "ohne-leitweg.xml");
    fs.writeFileSync(broken, read(UBL_0101).replace(/<cbc:BuyerReference>.*<\/cbc:BuyerReference>/, ""));
    const r = await cli([path.join(suiteDir, CII_0101), broken], { DATA_DIR: path.join(tmp, "d2") });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(": gültig");
    expect(r.stdout).toContain(`${broken}: ungültig (BR-DE-15)`);
    expect(r.stdout).toMatch(/ {2}BR-DE-15: Die Käuferreferenz \(BT-10/);
    const missing = await cli([broken, path.join(tmp, "gibt-es-nicht.xml")], { DATA_DIR: path.join(tmp, "d3") });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/gibt-es-nicht\.xml: nicht lesbar/);
  }, 60000);
});

describe("readable views of an invoice", () => {
  it.each([
    ["UBL", COMPREHENSIVE_UBL],
    ["CII", COMPREHENSIVE_CII],
  ])("renders a PDF for the %s comprehensive test file", async (_s, file) => {
    const terms = readAndCheck(read(file)).terms!;
    const pdf = await renderInvoicePdf(terms);
    expect(pdf.length).toBeGreaterThan(2000);
    expect(Buffer.from(pdf.slice(0, 5)).toString("latin1")).toBe("%PDF-");
    const data = invoiceViewData(terms);
    expect(data.number).toBe("1234567");
    expect(data.ibans).toBe("DE79 0000 0000 1234 5678 90\nDE16 0000 0000 2345 6789 01");
    expect((data.lines as unknown[]).length).toBe(terms.lines.length);
  });

  it("InvoiceView shows parties, references with their BT numbers, lines, totals, VAT and formatted IBAN", () => {
    const terms = readInvoice(read(UBL_0101)).terms!;
    const html = renderToStaticMarkup(createElement(InvoiceView, { terms }));
    expect(html).toContain("[Seller name]");
    expect(html).toContain("[Buyer name]");
    expect(html).toContain("04011000-12345-03");
    expect(html).toContain('<dt>Leitweg-ID / Käuferreferenz<small class="muted"> (BT-10)</small></dt><dd>04011000-12345-03</dd>');
    expect(html).toContain("04.04.2016");
    expect(html).toContain("288,79 €");
    expect(html).toContain("336,90 €");
    expect(html).toContain("22,04 €");
    expect(html).toContain("DE79 0000 0000 1234 5678 90");
    expect(html).toContain("SEPA-Überweisung (58)");
    expect(html.match(/<tr>/g)!.length).toBeGreaterThanOrEqual(2 + 1);
  });
});
