/** Reading context shared by the UBL and CII readers: amounts and dates with their findings. */
import type { Finding } from "./terms";
import { decimalToCents, toIsoDate } from "./xml";

/** EN 16931 rules limiting amounts to two decimals (BR-DEC-nn), keyed by business term. */
const DECIMAL_RULES: Record<string, string> = {
  "BT-92": "BR-DEC-01", "BT-93": "BR-DEC-02", "BT-99": "BR-DEC-05", "BT-100": "BR-DEC-06",
  "BT-106": "BR-DEC-09", "BT-107": "BR-DEC-10", "BT-108": "BR-DEC-11", "BT-109": "BR-DEC-12",
  "BT-110": "BR-DEC-13", "BT-112": "BR-DEC-14", "BT-111": "BR-DEC-15", "BT-113": "BR-DEC-16",
  "BT-114": "BR-DEC-17", "BT-115": "BR-DEC-18", "BT-116": "BR-DEC-19", "BT-117": "BR-DEC-20",
  "BT-131": "BR-DEC-23",
};

export class ReadContext {
  readonly findings: Finding[] = [];

  add(rule: string, message: string, term?: string): void {
    this.findings.push(term ? { rule, message, term } : { rule, message });
  }

  /** Integer cents of an amount element's text; findings for non-numbers and > 2 decimals. */
  amount(raw: string | null, term: string, where = ""): number | null {
    if (raw === null) return null;
    const parsed = decimalToCents(raw);
    if (!parsed) {
      this.add("XML-AMOUNT", `Der Betrag „${raw}“ in ${term}${where} ist keine Dezimalzahl.`, term);
      return null;
    }
    const rule = DECIMAL_RULES[term];
    if (rule && parsed.decimals > 2) {
      this.add(rule, `Der Betrag ${term}${where} („${raw}“) hat mehr als zwei Nachkommastellen.`, term);
    }
    return parsed.cents;
  }

  date(raw: string | null, term: string): string | null {
    if (raw === null) return null;
    const iso = toIsoDate(raw);
    if (!iso) this.add("XML-DATE", `Das Datum „${raw}“ in ${term} ist kein gültiges Datum.`, term);
    return iso;
  }
}
