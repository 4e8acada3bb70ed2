/**
 * The rule table: EN 16931 core rules (BR-nn), calculation rules (BR-CO-nn), code lists
 * (BR-CL-nn) and the XRechnung 3.0 CIUS rules (BR-DE-nn) that can be decided from the business
 * terms alone. Every rule carries its official id, the business term it is about and the
 * German message; `check` returns one entry per failure (empty = rule holds), and the message
 * builder turns such an entry into the text shown to staff. Amounts are compared in exact cents.
 *
 * Left out on purpose: rules that need the XML itself (schema, cardinalities beyond the terms),
 * the VAT category rules BR-S/Z/E/AE/…, and BR-DE-22 (attachment file names).
 */
import { formatCents } from "../money";
import { formatIban, ibanMod97, normalizeIban } from "../iban";
import { isCurrencyCode } from "./currencies";
import type { BusinessTerms, Finding, InvoiceLine, InvoiceSyntax } from "./terms";

export interface Rule<C = unknown> {
  id: string;
  term?: string;
  /** One context value per failure; empty when the rule holds. */
  check(t: BusinessTerms, syntax: InvoiceSyntax): C[];
  message(context: C, t: BusinessTerms): string;
}

/** XRechnung 3.0 specification identifier (BT-24); extensions and CVD append `#…`. */
export const XRECHNUNG_3_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
export const XRECHNUNG_3_EXTENSION_ID = `${XRECHNUNG_3_ID}#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0`;

/** BR-DE-17: invoice type codes XRechnung allows. */
export const XRECHNUNG_TYPE_CODES = ["326", "380", "384", "389", "381", "875", "876", "877"];

/** VAT categories for which BR-DE-16 asks for the seller's VAT id or tax number. */
const VAT_CATEGORIES_NEEDING_ID = new Set(["S", "Z", "E", "AE", "K", "G", "L", "M"]);

/** BR-DE-18: a payment-terms line starting with "#" must be a Skonto or Verzug line. */
const SKONTO_LINE = /^#(SKONTO|VERZUG)#TAGE=[0-9]+#PROZENT=[0-9]+\.[0-9]{2}(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$/;

export function money(cents: number | null, currency: string | null): string {
  if (cents === null) return "–";
  if (!currency || currency === "EUR") return formatCents(cents);
  return `${formatCents(cents).replace(" €", "")} ${currency}`;
}

const once = (failed: boolean): true[] => (failed ? [true] : []);
const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === "";
const sum = (values: (number | null)[]): number => values.reduce<number>((a, b) => a + (b ?? 0), 0);
const lineName = (l: InvoiceLine, i: number): string => (l.id ? `Position „${l.id}“` : `Position ${i + 1}`);

/** A rule "term must be present". */
function required(id: string, term: string, label: string, get: (t: BusinessTerms) => string | null | undefined): Rule<true> {
  return { id, term, check: (t) => once(blank(get(t))), message: () => `${id}: ${label} (${term}) fehlt.` };
}

function requiredAmount(id: string, term: string, label: string, get: (t: BusinessTerms) => number | null): Rule<true> {
  return { id, term, check: (t) => once(get(t) === null), message: () => `${id}: ${label} (${term}) fehlt.` };
}

/** A rule over every line: `bad(line)` true → one finding naming the line. */
function perLine(id: string, term: string, text: string, bad: (l: InvoiceLine) => boolean): Rule<string> {
  return {
    id,
    term,
    check: (t) => t.lines.flatMap((l, i) => (bad(l) ? [lineName(l, i)] : [])),
    message: (where) => `${id}: ${where}: ${text} (${term}).`,
  };
}

const allVatCategories = (t: BusinessTerms): string[] =>
  [...t.vatBreakdown.map((v) => v.categoryCode), ...t.lines.map((l) => l.vatCategoryCode), ...t.allowances.map((a) => a.vatCategoryCode), ...t.charges.map((c) => c.vatCategoryCode)].filter(
    (c): c is string => c !== null,
  );

function ibanProblem(raw: string): string | null {
  const iban = normalizeIban(raw);
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return "ist keine IBAN (Ländercode, zwei Prüfziffern, 11 bis 30 Zeichen)";
  if (ibanMod97(iban) !== 1) return "hat falsche Prüfziffern";
  return null;
}

export const RULES: Rule<any>[] = [
  // ---- core: presence -------------------------------------------------------------------
  required("BR-01", "BT-24", "Die Spezifikationskennung", (t) => t.specificationId),
  required("BR-02", "BT-1", "Die Rechnungsnummer", (t) => t.number),
  required("BR-03", "BT-2", "Das Rechnungsdatum", (t) => t.issueDate),
  required("BR-04", "BT-3", "Der Rechnungstyp", (t) => t.typeCode),
  required("BR-05", "BT-5", "Der Währungscode", (t) => t.currency),
  required("BR-06", "BT-27", "Der Name des Verkäufers", (t) => t.sellerName),
  required("BR-07", "BT-44", "Der Name des Käufers", (t) => t.buyerName),
  { id: "BR-08", term: "BG-5", check: (t) => once(t.sellerAddress === null), message: () => "BR-08: Die Postanschrift des Verkäufers (BG-5) fehlt." },
  required("BR-09", "BT-40", "Der Ländercode in der Anschrift des Verkäufers", (t) => t.sellerAddress?.country),
  { id: "BR-10", term: "BG-8", check: (t) => once(t.buyerAddress === null), message: () => "BR-10: Die Postanschrift des Käufers (BG-8) fehlt." },
  required("BR-11", "BT-55", "Der Ländercode in der Anschrift des Käufers", (t) => t.buyerAddress?.country),
  requiredAmount("BR-12", "BT-106", "Die Summe der Nettobeträge der Positionen", (t) => t.lineNetTotalCents),
  requiredAmount("BR-13", "BT-109", "Der Rechnungsbetrag ohne Umsatzsteuer", (t) => t.netTotalCents),
  requiredAmount("BR-14", "BT-112", "Der Rechnungsbetrag mit Umsatzsteuer", (t) => t.grossTotalCents),
  requiredAmount("BR-15", "BT-115", "Der fällige Zahlbetrag", (t) => t.dueAmountCents),
  { id: "BR-16", term: "BG-25", check: (t) => once(t.lines.length === 0), message: () => "BR-16: Die Rechnung hat keine Rechnungsposition (BG-25)." },

  // ---- core: lines ----------------------------------------------------------------------
  perLine("BR-21", "BT-126", "Die Positionsnummer fehlt", (l) => blank(l.id)),
  perLine("BR-22", "BT-129", "Die Menge fehlt", (l) => blank(l.quantity)),
  perLine("BR-23", "BT-130", "Die Mengeneinheit fehlt", (l) => blank(l.unitCode)),
  perLine("BR-24", "BT-131", "Der Nettobetrag der Position fehlt", (l) => l.netCents === null),
  perLine("BR-25", "BT-153", "Die Artikelbezeichnung fehlt", (l) => blank(l.name)),
  perLine("BR-26", "BT-146", "Der Nettopreis des Artikels fehlt", (l) => blank(l.price)),
  perLine("BR-27", "BT-146", "Der Nettopreis des Artikels ist negativ", (l) => l.price !== null && l.price.startsWith("-")),

  // ---- calculations (exact cents) --------------------------------------------------------
  {
    id: "BR-CO-10",
    term: "BT-106",
    check: (t) => {
      // a line without net amount is BR-24's finding, not a wrong sum
      if (t.lineNetTotalCents === null || t.lines.some((l) => l.netCents === null)) return [];
      const s = sum(t.lines.map((l) => l.netCents));
      return s === t.lineNetTotalCents ? [] : [s];
    },
    message: (s: number, t) =>
      `BR-CO-10: Die Summe der Nettobeträge der Positionen (BT-106, ${money(t.lineNetTotalCents, t.currency)}) ist nicht die Summe der ${t.lines.length} Positionsbeträge (BT-131, ${money(s, t.currency)}).`,
  },
  {
    id: "BR-CO-11",
    term: "BT-107",
    check: (t) => {
      const s = sum(t.allowances.map((a) => a.amountCents));
      return s === t.allowanceTotalCents ? [] : [s];
    },
    message: (s: number, t) =>
      `BR-CO-11: Die Summe der Nachlässe (BT-107, ${money(t.allowanceTotalCents, t.currency)}) ist nicht die Summe der einzelnen Nachlässe auf Dokumentebene (BT-92, ${money(s, t.currency)}).`,
  },
  {
    id: "BR-CO-12",
    term: "BT-108",
    check: (t) => {
      const s = sum(t.charges.map((a) => a.amountCents));
      return s === t.chargeTotalCents ? [] : [s];
    },
    message: (s: number, t) =>
      `BR-CO-12: Die Summe der Zuschläge (BT-108, ${money(t.chargeTotalCents, t.currency)}) ist nicht die Summe der einzelnen Zuschläge auf Dokumentebene (BT-99, ${money(s, t.currency)}).`,
  },
  {
    id: "BR-CO-13",
    term: "BT-109",
    check: (t) => {
      if (t.netTotalCents === null || t.lineNetTotalCents === null) return [];
      return once(t.netTotalCents !== t.lineNetTotalCents - t.allowanceTotalCents + t.chargeTotalCents);
    },
    message: (_c, t) =>
      `BR-CO-13: Der Rechnungsbetrag ohne Umsatzsteuer (BT-109, ${money(t.netTotalCents, t.currency)}) ist nicht die Summe der Positionen (BT-106, ${money(t.lineNetTotalCents, t.currency)}) abzüglich Nachlässe (BT-107, ${money(t.allowanceTotalCents, t.currency)}) zuzüglich Zuschläge (BT-108, ${money(t.chargeTotalCents, t.currency)}).`,
  },
  {
    id: "BR-CO-14",
    term: "BT-110",
    check: (t) => {
      if (t.vatTotalCents === null) return [];
      const s = sum(t.vatBreakdown.map((v) => v.taxCents));
      return s === t.vatTotalCents ? [] : [s];
    },
    message: (s: number, t) =>
      `BR-CO-14: Die Umsatzsteuer gesamt (BT-110, ${money(t.vatTotalCents, t.currency)}) ist nicht die Summe der Steuerbeträge je Kategorie (BT-117, ${money(s, t.currency)}).`,
  },
  {
    id: "BR-CO-15",
    term: "BT-112",
    check: (t) => {
      if (t.grossTotalCents === null || t.netTotalCents === null) return [];
      return once(t.grossTotalCents !== t.netTotalCents + (t.vatTotalCents ?? 0));
    },
    message: (_c, t) =>
      `BR-CO-15: Der Rechnungsbetrag mit Umsatzsteuer (BT-112, ${money(t.grossTotalCents, t.currency)}) ist nicht die Summe aus Nettobetrag (BT-109, ${money(t.netTotalCents, t.currency)}) und Umsatzsteuer (BT-110, ${money(t.vatTotalCents ?? 0, t.currency)}).`,
  },
  {
    id: "BR-CO-16",
    term: "BT-115",
    check: (t) => {
      if (t.dueAmountCents === null || t.grossTotalCents === null) return [];
      // XRechnung extension (BR-DEX-09): third-party payments are added to the amount due.
      const thirdParty = sum(t.thirdPartyPayments.map((p) => p.amountCents));
      return once(t.dueAmountCents !== t.grossTotalCents - t.prepaidCents + t.roundingCents + thirdParty);
    },
    message: (_c, t) => {
      const thirdParty = sum(t.thirdPartyPayments.map((p) => p.amountCents));
      const extra = t.thirdPartyPayments.length ? ` zuzüglich Zahlungen an Dritte (BG-DEX-09, ${money(thirdParty, t.currency)})` : "";
      return `BR-CO-16: Der fällige Zahlbetrag (BT-115, ${money(t.dueAmountCents, t.currency)}) ist nicht der Rechnungsbetrag mit Umsatzsteuer (BT-112, ${money(t.grossTotalCents, t.currency)}) abzüglich bereits gezahlter Beträge (BT-113, ${money(t.prepaidCents, t.currency)}) zuzüglich Rundung (BT-114, ${money(t.roundingCents, t.currency)})${extra}.`;
    },
  },
  {
    id: "BR-CO-25",
    term: "BT-9",
    check: (t) => once(t.dueAmountCents !== null && t.dueAmountCents > 0 && blank(t.dueDate) && blank(t.paymentTerms)),
    message: (_c, t) =>
      `BR-CO-25: Bei einem positiven Zahlbetrag (BT-115, ${money(t.dueAmountCents, t.currency)}) muss ein Fälligkeitsdatum (BT-9) oder eine Zahlungsbedingung (BT-20) angegeben sein.`,
  },

  // ---- code lists -----------------------------------------------------------------------
  {
    id: "BR-CL-04",
    term: "BT-5",
    check: (t) => (t.currency !== null && !isCurrencyCode(t.currency) ? [t.currency] : []),
    message: (code: string) => `BR-CL-04: Der Währungscode „${code}“ (BT-5) ist kein Code aus ISO 4217.`,
  },
  {
    id: "BR-CL-05",
    term: "BT-6",
    check: (t) => (t.taxCurrency !== null && !isCurrencyCode(t.taxCurrency) ? [t.taxCurrency] : []),
    message: (code: string) => `BR-CL-05: Der Code der Steuerwährung „${code}“ (BT-6) ist kein Code aus ISO 4217.`,
  },

  // ---- XRechnung 3.0 (BR-DE) ---------------------------------------------------------------
  { id: "BR-DE-1", term: "BG-16", check: (t) => once(blank(t.paymentMeansCode)), message: () => "BR-DE-1: Die Zahlungsanweisungen (BG-16) fehlen: Es ist keine Zahlungsart (BT-81) angegeben." },
  { id: "BR-DE-2", term: "BG-6", check: (t) => once(t.sellerContact === null), message: () => "BR-DE-2: Der Kontakt des Verkäufers (BG-6) fehlt." },
  required("BR-DE-3", "BT-37", "Der Ort in der Anschrift des Verkäufers", (t) => t.sellerAddress?.city),
  required("BR-DE-4", "BT-38", "Die Postleitzahl in der Anschrift des Verkäufers", (t) => t.sellerAddress?.postCode),
  required("BR-DE-5", "BT-41", "Der Ansprechpartner des Verkäufers", (t) => t.sellerContact?.name),
  required("BR-DE-6", "BT-42", "Die Telefonnummer des Verkäufers", (t) => t.sellerContact?.phone),
  required("BR-DE-7", "BT-43", "Die E-Mail-Adresse des Verkäufers", (t) => t.sellerContact?.email),
  required("BR-DE-8", "BT-52", "Der Ort in der Anschrift des Käufers", (t) => t.buyerAddress?.city),
  required("BR-DE-9", "BT-53", "Die Postleitzahl in der Anschrift des Käufers", (t) => t.buyerAddress?.postCode),
  {
    id: "BR-DE-15",
    term: "BT-10",
    check: (t) => once(blank(t.buyerReference)),
    message: () => "BR-DE-15: Die Käuferreferenz (BT-10, bei Behörden die Leitweg-ID) fehlt.",
  },
  {
    id: "BR-DE-16",
    term: "BT-31",
    check: (t) => {
      const cats = allVatCategories(t).filter((c) => VAT_CATEGORIES_NEEDING_ID.has(c));
      if (cats.length === 0 || !blank(t.sellerVatId) || !blank(t.sellerTaxId) || !blank(t.taxRepresentativeVatId)) return [];
      return [[...new Set(cats)].join(", ")];
    },
    message: (cats: string) =>
      `BR-DE-16: Die Rechnung weist Umsatzsteuer aus (Kategorie ${cats}), nennt aber weder die Umsatzsteuer-Identifikationsnummer (BT-31) noch die Steuernummer des Verkäufers (BT-32) noch einen Steuervertreter (BG-11).`,
  },
  {
    id: "BR-DE-17",
    term: "BT-3",
    check: (t) => (t.typeCode !== null && !XRECHNUNG_TYPE_CODES.includes(t.typeCode) ? [t.typeCode] : []),
    message: (code: string) => `BR-DE-17: Der Rechnungstyp „${code}“ (BT-3) ist in der XRechnung nicht zugelassen (erlaubt: ${XRECHNUNG_TYPE_CODES.join(", ")}).`,
  },
  {
    id: "BR-DE-18",
    term: "BT-20",
    check: (t) =>
      (t.paymentTerms ?? "")
        .split(/\r\n|\r|\n/)
        .map((l) => l.trim())
        .filter((l) => l.startsWith("#") && !SKONTO_LINE.test(l)),
    message: (line: string) =>
      `BR-DE-18: Die Skonto-Angabe „${line}“ in den Zahlungsbedingungen (BT-20) hat nicht das Format #SKONTO#TAGE=n#PROZENT=n.nn# (optional #BASISBETRAG=n.nn#).`,
  },
  {
    id: "BR-DE-19",
    term: "BT-84",
    check: (t) => (t.paymentMeansCode === "58" ? t.ibans.flatMap((iban) => { const p = ibanProblem(iban); return p ? [{ iban, p }] : []; }) : []),
    message: (c: { iban: string; p: string }) => `BR-DE-19: Die IBAN ${formatIban(c.iban)} (BT-84) für die SEPA-Überweisung ${c.p}.`,
  },
  {
    id: "BR-DE-21",
    term: "BT-24",
    check: (t) => (t.specificationId !== null && t.specificationId !== XRECHNUNG_3_ID && !t.specificationId.startsWith(`${XRECHNUNG_3_ID}#`) ? [t.specificationId] : []),
    message: (id: string) => `BR-DE-21: Die Spezifikationskennung „${id}“ (BT-24) ist keine XRechnung-3.0-Kennung (erwartet: ${XRECHNUNG_3_ID}).`,
  },
  {
    id: "BR-DE-23",
    term: "BG-17",
    check: (t) => once((t.paymentMeansCode === "30" || t.paymentMeansCode === "58") && (t.accounts.length === 0 || t.cardNumber !== null || t.mandateId !== null)),
    message: (_c, t) => `BR-DE-23: Bei Zahlung per Überweisung (Code ${t.paymentMeansCode}, BT-81) muss eine Bankverbindung (BG-17) angegeben sein, aber keine Karte (BG-18) und kein Lastschriftmandat (BG-19).`,
  },
  {
    id: "BR-DE-24",
    term: "BG-18",
    check: (t) => once(["48", "54", "55"].includes(t.paymentMeansCode ?? "") && (t.cardNumber === null || t.accounts.length > 0 || t.mandateId !== null)),
    message: (_c, t) => `BR-DE-24: Bei Zahlung per Karte (Code ${t.paymentMeansCode}, BT-81) müssen die Kartendaten (BG-18) angegeben sein, aber keine Bankverbindung (BG-17) und kein Lastschriftmandat (BG-19).`,
  },
  {
    id: "BR-DE-25",
    term: "BG-19",
    check: (t) => once(t.paymentMeansCode === "59" && (t.mandateId === null || t.accounts.length > 0 || t.cardNumber !== null)),
    message: () => "BR-DE-25: Bei Zahlung per SEPA-Lastschrift (Code 59, BT-81) muss das Lastschriftmandat (BG-19) angegeben sein, aber keine Bankverbindung (BG-17) und keine Karte (BG-18).",
  },
];

export function checkInvoice(terms: BusinessTerms, syntax: InvoiceSyntax): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    for (const context of rule.check(terms, syntax)) {
      const f: Finding = { rule: rule.id, message: rule.message(context, terms) };
      if (rule.term) f.term = rule.term;
      findings.push(f);
    }
  }
  return findings;
}
