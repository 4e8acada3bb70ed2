/**
 * German labels and formatting shared by the HTML view (app/ui/invoice-view.tsx) and the PDF
 * view (app/lib/invoice-pdf.server.ts) of an invoice's business terms.
 */
import { formatIban } from "../iban";
import { formatDate } from "../time";
import { money } from "./rules";
import type { BusinessTerms, PostalAddress } from "./terms";

/** UNTDID 1001 invoice type codes used in XRechnung (BT-3). */
export const TYPE_CODE_LABELS: Record<string, string> = {
  "326": "Teilrechnung",
  "380": "Rechnung",
  "381": "Gutschrift",
  "384": "Rechnungskorrektur",
  "389": "Selbst ausgestellte Rechnung (Gutschriftverfahren)",
  "875": "Teilrechnung (Bauleistung)",
  "876": "Teilschlussrechnung (Bauleistung)",
  "877": "Schlussrechnung (Bauleistung)",
};

/** UNTDID 4461 payment means (BT-81), the ones seen in practice. */
export const PAYMENT_MEANS_LABELS: Record<string, string> = {
  "1": "nicht festgelegt",
  "10": "Barzahlung",
  "20": "Scheck",
  "30": "Überweisung (nicht SEPA)",
  "31": "Auslandsüberweisung",
  "42": "Zahlung auf Bankkonto",
  "48": "Kartenzahlung",
  "49": "Lastschrift",
  "54": "Kreditkarte",
  "55": "Debitkarte",
  "57": "Dauerauftrag",
  "58": "SEPA-Überweisung",
  "59": "SEPA-Lastschrift",
  "97": "Verrechnung",
  ZZZ: "gegenseitig vereinbart",
};

/** UNTDID 5305 VAT category codes (BT-118, BT-151). */
export const VAT_CATEGORY_LABELS: Record<string, string> = {
  S: "Normalsatz",
  Z: "Nullsatz",
  E: "steuerbefreit",
  AE: "Steuerschuldnerschaft des Leistungsempfängers",
  K: "innergemeinschaftliche Lieferung",
  G: "Ausfuhr",
  O: "nicht steuerbar",
  L: "IGIC (Kanaren)",
  M: "IPSI (Ceuta/Melilla)",
};

/** UN/ECE Rec. 20 unit codes (BT-130) seen in German invoices. */
export const UNIT_LABELS: Record<string, string> = {
  C62: "Stück",
  H87: "Stück",
  XPP: "Stück",
  HUR: "Stunde",
  DAY: "Tag",
  WEE: "Woche",
  MON: "Monat",
  ANN: "Jahr",
  MIN: "Minute",
  KGM: "kg",
  MTR: "m",
  LTR: "l",
  KMT: "km",
  MTK: "m²",
  LS: "pauschal",
  P1: "Prozent",
};

export const typeLabel = (code: string | null) => (code ? `${TYPE_CODE_LABELS[code] ?? "Rechnung"} (${code})` : "–");
export const paymentMeansLabel = (code: string | null) => (code ? `${PAYMENT_MEANS_LABELS[code] ?? "Zahlungsart"} (${code})` : "–");
export const vatCategoryLabel = (code: string | null) => (code ? `${VAT_CATEGORY_LABELS[code] ?? code} (${code})` : "–");
export const unitLabel = (code: string | null) => (code ? (UNIT_LABELS[code] ?? code) : "–");
export const date = (d: string | null) => (d ? formatDate(d) : "–");

/** "1234.5" → "1.234,5" (decimals kept as written). */
export function decimalDe(value: string | null): string {
  if (value === null) return "–";
  const [whole, frac] = value.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${sign}${digits}${frac ? `,${frac}` : ""}`;
}

export const percent = (rate: string | null) => (rate === null ? "–" : `${decimalDe(rate)} %`);

/** Address lines: street lines, "PLZ Ort", country code (only when not DE). */
export function addressLines(a: PostalAddress | null): string[] {
  if (!a) return [];
  const cityLine = [a.postCode, a.city].filter(Boolean).join(" ");
  return [a.line1, a.line2, a.line3, cityLine || null, a.subdivision, a.country && a.country !== "DE" ? a.country : null].filter(
    (l): l is string => Boolean(l),
  );
}

export function period(start: string | null, end: string | null): string {
  if (!start && !end) return "–";
  return `${date(start)} bis ${date(end)}`;
}

export const ibanDisplay = (iban: string) => (/^[A-Z]{2}\d{2}/.test(iban.replace(/\s/g, "").toUpperCase()) ? formatIban(iban) : iban);

/** The totals in the order of the standard, with their business terms. */
export function totalsRows(t: BusinessTerms): { label: string; term: string; value: string; strong?: boolean }[] {
  const m = (c: number | null) => money(c, t.currency);
  const rows: { label: string; term: string; value: string; strong?: boolean }[] = [{ label: "Summe der Positionen", term: "BT-106", value: m(t.lineNetTotalCents) }];
  if (t.allowanceTotalCents) rows.push({ label: "abzüglich Nachlässe", term: "BT-107", value: m(t.allowanceTotalCents) });
  if (t.chargeTotalCents) rows.push({ label: "zuzüglich Zuschläge", term: "BT-108", value: m(t.chargeTotalCents) });
  rows.push({ label: "Rechnungsbetrag ohne Umsatzsteuer", term: "BT-109", value: m(t.netTotalCents) });
  rows.push({ label: "Umsatzsteuer", term: "BT-110", value: m(t.vatTotalCents) });
  rows.push({ label: "Rechnungsbetrag mit Umsatzsteuer", term: "BT-112", value: m(t.grossTotalCents) });
  if (t.prepaidCents) rows.push({ label: "bereits gezahlt", term: "BT-113", value: m(t.prepaidCents) });
  if (t.roundingCents) rows.push({ label: "Rundung", term: "BT-114", value: m(t.roundingCents) });
  for (const p of t.thirdPartyPayments) rows.push({ label: `Zahlung an Dritte: ${p.description ?? p.type ?? ""}`.trim(), term: "BT-DEX-002", value: m(p.amountCents) });
  rows.push({ label: "Zahlbetrag", term: "BT-115", value: m(t.dueAmountCents), strong: true });
  return rows;
}
