/**
 * E-invoice reading and checking (XRechnung 3.0 in UBL 2.1 and UN/CEFACT CII D16B, EN 16931).
 *
 *   readInvoice(xml)           size limit → DOCTYPE/ENTITY refusal (no parsing at all) → parse →
 *                              root detection → business terms. Never throws.
 *   checkInvoice(terms, syn)   the rule table of ./rules (official rule ids, German messages).
 *   readAndCheck(xml)          both; valid when no finding at all.
 *
 * Pure: no node APIs. ZUGFeRD PDFs are unpacked in app/lib/einvoice.server.ts.
 */
import { readCii } from "./cii";
import { ReadContext } from "./context";
import { checkInvoice } from "./rules";
import type { BusinessTerms, Finding, InvoiceSyntax } from "./terms";
import { first, hasDoctype, parseXml, rootElement, utf8Length } from "./xml";
import { readUbl } from "./ubl";

export type { AllowanceCharge, BusinessTerms, Contact, Finding, InvoiceLine, InvoiceSyntax, PaymentAccount, PostalAddress, ThirdPartyPayment, VatBreakdown } from "./terms";
export { checkInvoice, money, RULES, XRECHNUNG_3_EXTENSION_ID, XRECHNUNG_3_ID, XRECHNUNG_TYPE_CODES } from "./rules";
export { isCurrencyCode } from "./currencies";

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export const NAMESPACES = {
  ublInvoice: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
  ublCreditNote: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
  cii: "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
} as const;

export interface ReadResult {
  syntax: InvoiceSyntax | null;
  terms: BusinessTerms | null;
  findings: Finding[];
}

export interface ReadOptions {
  maxBytes?: number;
}

function refused(rule: string, message: string): ReadResult {
  return { syntax: null, terms: null, findings: [{ rule, message }] };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB`;
}

export function readInvoice(xml: string, opts: ReadOptions = {}): ReadResult {
  try {
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    if (typeof xml !== "string") return refused("XML-SYNTAX", "Die Datei enthält keinen Text.");
    if (xml.length > maxBytes || (xml.length * 3 > maxBytes && utf8Length(xml) > maxBytes)) {
      return refused("XML-SIZE", `Die Rechnung ist größer als ${megabytes(maxBytes)} und wird nicht gelesen.`);
    }
    if (hasDoctype(xml)) {
      return refused(
        "XML-DOCTYPE",
        "Die Rechnung enthält eine Dokumenttyp- oder Entity-Deklaration (<!DOCTYPE/<!ENTITY). Solche Dateien werden aus Sicherheitsgründen nicht gelesen; eine XRechnung braucht keine.",
      );
    }
    const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
    if (text.trim() === "") return refused("XML-SYNTAX", "Die Datei ist leer.");
    const parsed = parseXml(text);
    if (!parsed.ok) {
      return refused("XML-SYNTAX", `Die Datei ist kein wohlgeformtes XML${parsed.line ? ` (Zeile ${parsed.line})` : ""}: ${parsed.error}`);
    }
    const root = rootElement(text);
    const ns = root?.namespace ?? null;
    const ctx = new ReadContext();
    let syntax: InvoiceSyntax;
    let terms: BusinessTerms;
    if (root?.localName === "Invoice" && ns === NAMESPACES.ublInvoice) {
      syntax = "ubl";
      terms = readUbl(first(parsed.doc, "Invoice"), false, ctx);
    } else if (root?.localName === "CreditNote" && ns === NAMESPACES.ublCreditNote) {
      syntax = "ubl";
      terms = readUbl(first(parsed.doc, "CreditNote"), true, ctx);
    } else if (root?.localName === "CrossIndustryInvoice" && ns === NAMESPACES.cii) {
      syntax = "cii";
      terms = readCii(first(parsed.doc, "CrossIndustryInvoice"), ctx);
    } else {
      const found = root ? `${root.localName}${ns ? ` (Namensraum ${ns})` : " ohne Namensraum"}` : "kein Element";
      return refused(
        "XML-ROOT",
        `Die Datei ist keine E-Rechnung: Das Wurzelelement ist ${found}; erwartet wird Invoice oder CreditNote (UBL 2.1) oder CrossIndustryInvoice (UN/CEFACT CII).`,
      );
    }
    return { syntax, terms, findings: ctx.findings };
  } catch (error) {
    return refused("XML-SYNTAX", `Die Datei konnte nicht gelesen werden: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface CheckResult extends ReadResult {
  valid: boolean;
}

/** Read and check: the reader's findings (XML-…, BR-DEC-…) followed by the rule findings. */
export function readAndCheck(xml: string, opts: ReadOptions = {}): CheckResult {
  const read = readInvoice(xml, opts);
  const findings = read.terms && read.syntax ? [...read.findings, ...checkInvoice(read.terms, read.syntax)] : read.findings;
  return { ...read, findings, valid: findings.length === 0 };
}
