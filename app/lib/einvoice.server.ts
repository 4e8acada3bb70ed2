/**
 * Node side of e-invoice intake: bytes of an uploaded file → XML text → business terms and
 * findings (app/domain/einvoice). A PDF (starts with "%PDF-") is treated as ZUGFeRD / Factur-X:
 * the embedded CII XML is taken from the catalog's /Names /EmbeddedFiles name tree or the /AF
 * array (pdf-lib's low-level objects; nothing is rendered or executed), preferring the file
 * names the standards use (factur-x.xml, zugferd-invoice.xml, xrechnung.xml), else the first
 * attachment ending in .xml. Bytes that are not UTF-8 are refused with XML-SYNTAX.
 */
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFStream,
  PDFString,
  type PDFObject,
} from "pdf-lib";
import { readAndCheck, type BusinessTerms, type Finding, type InvoiceSyntax, DEFAULT_MAX_BYTES } from "~/domain/einvoice";

export type InvoiceForm = "ubl" | "cii" | "zugferd";

export interface InvoiceFileResult {
  /** What the file was: null when it could not be recognised at all. */
  form: InvoiceForm | null;
  xml: string | null;
  syntax: InvoiceSyntax | null;
  terms: BusinessTerms | null;
  findings: Finding[];
  valid: boolean;
}

/** Attachment names of ZUGFeRD 1/2, Factur-X and XRechnung-in-PDF, in order of preference. */
export const ZUGFERD_NAMES = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "zugferd_invoice.xml"];

const MAX_PDF_BYTES = 50 * 1024 * 1024;

export interface EmbeddedFile {
  name: string;
  bytes: Uint8Array;
}

function nameOf(obj: PDFObject | undefined): string | null {
  if (obj instanceof PDFString || obj instanceof PDFHexString) return obj.decodeText();
  return null;
}

function fileSpecToFile(doc: PDFDocument, spec: PDFObject | undefined): EmbeddedFile | null {
  const dict = spec ? doc.context.lookup(spec) : undefined;
  if (!(dict instanceof PDFDict)) return null;
  const name = nameOf(dict.lookup(PDFName.of("UF"))) ?? nameOf(dict.lookup(PDFName.of("F")));
  const ef = dict.lookup(PDFName.of("EF"));
  if (!name || !(ef instanceof PDFDict)) return null;
  const stream = ef.lookup(PDFName.of("F")) ?? ef.lookup(PDFName.of("UF"));
  if (stream instanceof PDFRawStream) return { name, bytes: decodePDFRawStream(stream).decode() };
  if (stream instanceof PDFStream) return { name, bytes: stream.getContents() };
  return null;
}

/** Walk a name tree (/Names pairs and /Kids) collecting the file specifications. */
function walkNameTree(doc: PDFDocument, node: PDFObject | undefined, out: EmbeddedFile[], depth = 0): void {
  const dict = node ? doc.context.lookup(node) : undefined;
  if (!(dict instanceof PDFDict) || depth > 32) return;
  const names = dict.lookup(PDFName.of("Names"));
  if (names instanceof PDFArray) {
    for (let i = 1; i < names.size(); i += 2) {
      const file = fileSpecToFile(doc, names.get(i));
      if (file) out.push(file);
    }
  }
  const kids = dict.lookup(PDFName.of("Kids"));
  if (kids instanceof PDFArray) {
    for (let i = 0; i < kids.size(); i++) walkNameTree(doc, kids.get(i), out, depth + 1);
  }
}

/** Every embedded file of a PDF (EmbeddedFiles name tree first, then /AF), names unique. */
export async function embeddedFiles(pdf: Uint8Array): Promise<EmbeddedFile[]> {
  const doc = await PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  const out: EmbeddedFile[] = [];
  const names = doc.catalog.lookup(PDFName.of("Names"));
  if (names instanceof PDFDict) walkNameTree(doc, names.get(PDFName.of("EmbeddedFiles")), out);
  const af = doc.catalog.lookup(PDFName.of("AF"));
  if (af instanceof PDFArray) {
    for (let i = 0; i < af.size(); i++) {
      const file = fileSpecToFile(doc, af.get(i));
      if (file && !out.some((f) => f.name === file.name)) out.push(file);
    }
  }
  return out;
}

/** The invoice XML attachment of a ZUGFeRD / Factur-X PDF, or null. */
export async function extractZugferdXml(pdf: Uint8Array): Promise<EmbeddedFile | null> {
  const files = await embeddedFiles(pdf);
  for (const wanted of ZUGFERD_NAMES) {
    const hit = files.find((f) => f.name.toLowerCase() === wanted);
    if (hit) return hit;
  }
  return files.find((f) => f.name.toLowerCase().endsWith(".xml")) ?? null;
}

function startsWith(bytes: Uint8Array, ascii: string, offset = 0): boolean {
  if (bytes.length < offset + ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[offset + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/** "%PDF-" within the first 1024 bytes (the PDF specification allows leading junk). */
export function isPdf(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length - 5, 1024);
  for (let i = 0; i <= limit; i++) if (bytes[i] === 0x25 && startsWith(bytes, "%PDF-", i)) return true;
  return false;
}

/** UTF-8 text (BOM removed) or null when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return null;
  }
}

function failed(form: InvoiceForm | null, rule: string, message: string): InvoiceFileResult {
  return { form, xml: null, syntax: null, terms: null, findings: [{ rule, message }], valid: false };
}

function fromXml(form: "zugferd" | null, bytes: Uint8Array, where: string, maxBytes: number): InvoiceFileResult {
  if (bytes.length > maxBytes) {
    return failed(form, "XML-SIZE", `Die Rechnung${where} ist größer als ${Math.round(maxBytes / 1024 / 1024)} MB und wird nicht gelesen.`);
  }
  const xml = decodeUtf8(bytes);
  if (xml === null) {
    return failed(form, "XML-SYNTAX", `Die Datei${where} ist nicht UTF-8-kodiert oder kein Text; eine XRechnung muss UTF-8-kodiertes XML sein.`);
  }
  const result = readAndCheck(xml, { maxBytes });
  return { form: form ?? result.syntax, xml, ...result };
}

/** Read an uploaded invoice file (UBL, CII or ZUGFeRD PDF). Never throws on bad input. */
export async function readInvoiceFile(bytes: Uint8Array, filename?: string, opts: { maxBytes?: number } = {}): Promise<InvoiceFileResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const label = filename ? ` „${filename}“` : "";
  if (isPdf(bytes)) {
    if (bytes.length > MAX_PDF_BYTES) return failed("zugferd", "XML-SIZE", `Die PDF-Datei${label} ist größer als 50 MB und wird nicht gelesen.`);
    let embedded: EmbeddedFile | null;
    try {
      embedded = await extractZugferdXml(bytes);
    } catch (error) {
      // The parser's own words (a JavaScript error) mean nothing to the sender; the file is simply unreadable.
      void error;
      return failed("zugferd", "ZUGFERD-PDF", `Die PDF-Datei${label} ist beschädigt und konnte nicht gelesen werden. Bitte erzeugen Sie sie neu oder senden Sie die XRechnung als XML.`);
    }
    if (!embedded) {
      return failed(
        "zugferd",
        "ZUGFERD-NO-XML",
        `Die PDF-Datei${label} enthält keine E-Rechnungsdaten (keine eingebettete ZUGFeRD-/Factur-X-XML-Datei). Sie ist keine E-Rechnung; die Rechnung kann von Hand erfasst werden.`,
      );
    }
    return fromXml("zugferd", embedded.bytes, ` „${embedded.name}“ aus der PDF-Datei${label}`, maxBytes);
  }
  return fromXml(null, bytes, label, maxBytes);
}
