/**
 * German formatting of the comparison's figures (pure, no statistics imports: also used by the
 * page's components in the browser bundle).
 */
import type { FunnelPosition } from "./outcome-stats";

type MeasureKey = "integration" | "sustainability" | "dropout" | "exam" | "cost_per_integration" | "placement" | "days_to_placement" | "second_instalment" | "cost_per_lasting";
interface CellLike {
  k: number;
  n: number;
  rate: number | null;
  low: number | null;
  high: number | null;
  suppressed: null | "small" | "secondary";
  noPayments?: boolean;
}

export const POSITION_LABELS: Record<FunnelPosition, string> = {
  above998: "über der 99,8-%-Grenze",
  above95: "über der 95-%-Grenze",
  within: "innerhalb der Grenzen",
  below95: "unter der 95-%-Grenze",
  below998: "unter der 99,8-%-Grenze",
};

// ---------------------------------------------------------------------------------------------
// Formatting (German)

/** One Intl.NumberFormat per option set (toLocaleString builds a new one on every call; the comparison page formats thousands of numbers). */
const formats = new Map<string, Intl.NumberFormat>();
function de(v: number, options: Intl.NumberFormatOptions = {}): string {
  const key = JSON.stringify(options);
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat("de-DE", options)));
  return f.format(v);
}

export function formatPercent(v: number | null, digits = 1): string {
  if (v === null) return "–";
  return `${de(v * 100, { minimumFractionDigits: digits, maximumFractionDigits: digits })} %`;
}

/** The one mark of a withheld figure on the staff page and in its files. */
export const WITHHELD = "gesperrt";

/** "31,2 % (24,0–39,4 %; n = 122)", or the suppression text. */
export function formatRateCell(c: CellLike, measure: MeasureKey, minCell = 3): string {
  // One mark for every withheld cell: "< 3" beside "gesperrt" would tell that a cell lies at 1 or 2
  // (or at 3 and more), a bound a linear program uses to pin withheld cells down (user walk).
  if (c.suppressed) return WITHHELD;
  if (c.noPayments) return "keine Zahlungen erfasst";
  const n = `n = ${de(c.n)}`;
  if (c.rate === null) return c.n === 0 ? "–" : `– (${n})`;
  if (measure === "cost_per_integration" || measure === "cost_per_lasting") return `${de(c.rate / 100, { style: "currency", currency: "EUR" })} (${n})`;
  if (measure === "days_to_placement") return `${de(c.rate, { maximumFractionDigits: 1 })} Tage (${n})`;
  const pct = (v: number) => de(v * 100, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return `${pct(c.rate)} % (${pct(c.low!)}–${pct(c.high!)} %; ${n})`;
}

export function formatNumber(v: number | null, digits = 1): string {
  return v === null ? "–" : de(v, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "0,85 (0,62–1,14)" */
export function formatRatio(ratio: number | null, low: number | null, high: number | null): string {
  if (ratio === null) return "–";
  const f = (v: number) => de(v, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return low !== null && high !== null ? `${f(ratio)} (${f(low)}–${f(high)})` : f(ratio);
}

/** Rolling periods: why and how their counts are perturbed (outcome-comparison.ts perturbCell). */
export const PERTURBATION_NOTE =
  "Gleitende Zeiträume überschneiden sich untereinander und mit den Kalenderjahren. Damit sich ein gesperrter Wert nicht als Differenz zweier Zeiträume errechnen lässt, ist hier jede Fallzahl zufällig auf ein Vielfaches von 3 gerundet (Zellschlüsselverfahren wie beim Zensus 2022: dieselben Personen ergeben immer dieselbe Rundung, im Mittel weicht sie nicht ab). Quoten, Intervalle und erwartete Werte sind aus den gerundeten Zahlen berechnet; die Gesamtzahl kann von der Summe der Zeilen abweichen, und 12 Monate bis zum 31.12. können andere Zahlen zeigen als dasselbe Kalenderjahr. Kalenderjahre werden nicht gerundet.";
export const PERTURBATION_SHORT = "Fallzahlen zufällig auf Vielfache von 3 gerundet (gleitender Zeitraum)";

/** The rule of the setting comparison.groupDisclosure in words (page, PDF, CSV). */
export const GROUP_DISCLOSURE_NOTE =
  "Quoten von 0 % und 100 % werden ebenfalls gesperrt: sie verraten das Ergebnis jeder Person darin, auch in gesperrten Teilwerten; gesperrte Werte ergeben zusammen nie genau 0 % oder 100 % (in 12- und 24-Monats-Zeiträumen kann die Rechnung mit den gerundeten Zahlen es ergeben, ohne dass es zutrifft).";
