/**
 * The provider comparison as files (issue 12, point 5) and the provider's own view (point 6):
 * pure formatting of figures that the comparison service has already computed and suppressed.
 *
 * The one rule of this module: a figure marked as suppressed prints only its mark ("gesperrt",
 * the same for a small cell and for one hidden so that a small one cannot be worked out) in
 * EVERY numeric column — never the count, the rate, the interval or the limits at its
 * n (the limits at n would give n away). The input keeps the numbers (the service has them);
 * the output never does.
 */
import type { FunnelPosition } from "./outcome-stats";
import { formatDateTime } from "./time";
import { GROUP_DISCLOSURE_NOTE, PERTURBATION_SHORT, WITHHELD } from "./outcome-format";

export type ExportUnit = "rate" | "cents" | "days";
export type Suppression = "none" | "small" | "secondary";

/** One row: a provider's (or the overall) figure for one measure, as computed by the comparison. */
export interface ExportFigure {
  /** Provider name, "Alle Träger (gesamt)", or "Ihre Organisation" in the provider's own view. */
  label: string;
  /** The provider's key (Provider.externalKey or "Nr. <id>"); the CSV's column "Kennung" (empty for the overall row). */
  key?: string;
  k: number | null;
  n: number | null;
  rate: number | null;
  low: number | null;
  high: number | null;
  expected: number | null;
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  limits: { low95: number; high95: number; low998: number; high998: number } | null;
  position: FunnelPosition | null;
  /** Position on the funnel of actual ÷ expected (risk-adjusted), when the page shows that one. */
  ratioPosition?: FunnelPosition | null;
  suppression: Suppression;
  /** Cost measures: no payment recorded at all in the period (printed as such, never as 0 €). */
  noPayments?: boolean;
}

/** Everything a CSV or the Beirat report says about one measure under the chosen filters. */
export interface ExportReport {
  measure: string;
  measureLabel: string;
  /** The definition in plain German (what is counted, over what). */
  definition: string;
  unit: ExportUnit;
  from: string;
  to: string;
  periodLabel: string;
  /** Data date: what was recorded by this instant counts (ISO). */
  asOf: string;
  /** The filters as the page shows them, e.g. [{ label: "Maßnahmeart", value: "BaE" }]. */
  filters: { label: string; value: string }[];
  overall: ExportFigure;
  providers: ExportFigure[];
  /** The method in words (model, variables, fit), one line each. */
  method: string[];
  /** A rolling period: the counts are perturbed. */
  perturbed?: boolean;
  minCell: number;
  /** Rates of 0 % and 100 % withheld (the setting comparison.groupDisclosure). */
  groupDisclosure?: boolean;
  /** Protected against a withheld provider subtracting its own figure (the setting comparison.insiderProtection). */
  insiderProtection?: boolean;
}

/** One mark for both reasons (outcome-format.ts WITHHELD: two marks would bound the withheld value). */
export const SUPPRESSION_TEXT: Record<Exclude<Suppression, "none">, string> = { small: WITHHELD, secondary: WITHHELD };

/** Position on the funnel plot in words (neutral about whether high is good: for drop-outs it is not). */
export const POSITION_WORDS: Record<FunnelPosition, string> = {
  above998: "über der 99,8-%-Grenze (deutlich auffällig)",
  above95: "über der 95-%-Grenze",
  within: "im Bereich des Erwartbaren",
  below95: "unter der 95-%-Grenze",
  below998: "unter der 99,8-%-Grenze (deutlich auffällig)",
};

/** German decimal: 2 digits → "0,87"; no thousands separator (Excel reads it as a number). */
export function decimal(value: number | null, digits: number): string {
  if (value === null || !Number.isFinite(value)) return "";
  return value.toFixed(digits).replace(".", ",");
}

/** A share as percent with one decimal, German: 0.8312 → "83,1". */
export function percentNumber(value: number | null): string {
  return decimal(value === null ? null : value * 100, 1);
}

/** A value of the measure's unit for a page or PDF: "83,1 %", "1.234,56 €", "42 Tage". */
export function formatValue(value: number | null, unit: ExportUnit): string {
  if (value === null || !Number.isFinite(value)) return "–";
  if (unit === "rate") return `${percentNumber(value)} %`;
  if (unit === "cents") {
    const euros = Math.round(value) / 100;
    const [int, frac] = euros.toFixed(2).split(".");
    return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ".")},${frac} €`;
  }
  return `${decimal(value, value % 1 === 0 ? 0 : 1)} Tage`;
}

/** A value of the measure's unit for a CSV cell: a bare German number (the unit is in the header). */
export function csvValue(value: number | null, unit: ExportUnit): string {
  if (value === null || !Number.isFinite(value)) return "";
  if (unit === "rate") return percentNumber(value);
  if (unit === "cents") return decimal(Math.round(value) / 100, 2);
  return decimal(value, value % 1 === 0 ? 0 : 1);
}

export function unitHeader(unit: ExportUnit): string {
  return unit === "rate" ? "in %" : unit === "cents" ? "in Euro" : "in Tagen";
}

export function formatDateDe(iso: string): string {
  const d = iso.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}` : iso;
}

/** The data date as Germans read it: "06.12.2026, 13:05 Uhr" (Berlin time) for an instant, "31.12.2007" for a date. */
export function formatAsOf(iso: string): string {
  return /T\d{2}:\d{2}/.test(iso) ? formatDateTime(iso) : formatDateDe(iso);
}

/** The cells of one figure, each either the formatted number or the suppression mark. */
export interface FigureCells {
  k: string;
  n: string;
  rate: string;
  interval: string;
  expected: string;
  ratio: string;
  limits95: string;
  limits998: string;
  position: string;
}

export const NO_PAYMENTS_TEXT = "keine Zahlungen erfasst";

export function figureCells(f: ExportFigure, unit: ExportUnit): FigureCells {
  if (f.suppression !== "none") {
    const mark = SUPPRESSION_TEXT[f.suppression];
    // Every other number of the row would narrow the withheld one down.
    return { k: mark, n: mark, rate: mark, interval: mark, expected: mark, ratio: mark, limits95: mark, limits998: mark, position: mark };
  }
  const v = (x: number | null) => formatValue(x, unit);
  const range = (a: number | null, b: number | null, fmt: (x: number | null) => string) => (a === null || b === null ? "–" : `${fmt(a)} – ${fmt(b)}`);
  const r2 = (x: number | null) => (x === null ? "–" : decimal(x, 2));
  return {
    k: f.k === null ? "–" : unit === "cents" ? formatValue(f.k, "cents") : String(f.k),
    n: f.n === null ? "–" : String(f.n),
    rate: f.noPayments ? NO_PAYMENTS_TEXT : v(f.rate),
    interval: range(f.low, f.high, v),
    expected: v(f.expected),
    ratio: f.ratio === null ? "–" : `${r2(f.ratio)} (${range(f.ratioLow, f.ratioHigh, r2)})${f.ratioPosition ? `, ${POSITION_WORDS[f.ratioPosition]}` : ""}`,
    limits95: f.limits ? range(f.limits.low95, f.limits.high95, v) : "–",
    limits998: f.limits ? range(f.limits.low998, f.limits.high998, v) : "–",
    position: f.position ? POSITION_WORDS[f.position] : "–",
  };
}

export const CSV_HEADER = (unit: ExportUnit): string[] => [
  "Kennzahl",
  "Träger",
  "Kennung",
  "Zeitraum von",
  "Zeitraum bis",
  "Datenstand",
  "Filter",
  unit === "cents" ? "ausgezahlt in Euro" : "Ereignisse (k)",
  "Fälle (n)",
  `Wert ${unitHeader(unit)}`,
  `95-%-Intervall unten ${unitHeader(unit)}`,
  `95-%-Intervall oben ${unitHeader(unit)}`,
  `erwartet ${unitHeader(unit)}`,
  "Verhältnis tatsächlich/erwartet",
  "Verhältnis 95-%-Intervall unten",
  "Verhältnis 95-%-Intervall oben",
  `95-%-Grenze unten ${unitHeader(unit)}`,
  `95-%-Grenze oben ${unitHeader(unit)}`,
  `99,8-%-Grenze unten ${unitHeader(unit)}`,
  `99,8-%-Grenze oben ${unitHeader(unit)}`,
  "Lage im Trichterdiagramm",
  "Lage nach Risikoadjustierung",
  "Hinweis",
];

/** The rows of the CSV: the overall figure first, then each provider; suppressed cells carry only their mark. */
export function csvRows(report: ExportReport): unknown[][] {
  const filters = report.filters.map((f) => `${f.label}: ${f.value}`).join(", ");
  const meta = [report.measureLabel];
  const tail = [formatDateDe(report.from), formatDateDe(report.to), formatAsOf(report.asOf), filters];
  return [report.overall, ...report.providers].map((f) => {
    const head = [...meta, f.label, f.key ?? "", ...tail];
    if (f.suppression !== "none") {
      const mark = SUPPRESSION_TEXT[f.suppression];
      // The same note for both reasons: which one applies would bound the value.
      const note = `gesperrt (Sozialdatenschutz): weniger als ${report.minCell} Personen${report.groupDisclosure && report.unit === "rate" ? ", eine Quote von 0 % oder 100 %" : ""}, oder damit sich eine solche Zahl nicht errechnen lässt`;
      return [...head, ...Array.from({ length: 13 }, () => mark), "", "", note];
    }
    const v = (x: number | null) => csvValue(x, report.unit);
    return [
      ...head,
      f.k === null ? "" : report.unit === "cents" ? csvValue(f.k, "cents") : f.k,
      f.n ?? "",
      v(f.rate),
      v(f.low),
      v(f.high),
      v(f.expected),
      decimal(f.ratio, 2),
      decimal(f.ratioLow, 2),
      decimal(f.ratioHigh, 2),
      v(f.limits?.low95 ?? null),
      v(f.limits?.high95 ?? null),
      v(f.limits?.low998 ?? null),
      v(f.limits?.high998 ?? null),
      f.position ? POSITION_WORDS[f.position] : "",
      f.ratioPosition ? POSITION_WORDS[f.ratioPosition] : "",
      f.noPayments ? NO_PAYMENTS_TEXT : f.n === 0 ? "keine Fälle im Zeitraum" : report.perturbed ? PERTURBATION_SHORT : "",
    ];
  });
}

/** File name part for the filters: "bae-2007". */
export function fileSlug(report: Pick<ExportReport, "measure" | "from" | "to">): string {
  const year = report.from.slice(0, 4) === report.to.slice(0, 4) && report.from.slice(5) === "01-01" && report.to.slice(5) === "12-31" ? report.from.slice(0, 4) : `${report.from}-bis-${report.to}`;
  return `${report.measure.replace(/_/g, "-")}-${year}`;
}

/** Outliers of the funnel named in words (only unsuppressed providers outside the 95 % limits). */
export function outlierText(report: ExportReport): string {
  const out = report.providers.filter((p) => p.suppression === "none" && p.position && p.position !== "within");
  if (!out.length) return "keiner der ausgewiesenen Träger.";
  return out.map((p) => `${p.label} (${POSITION_WORDS[p.position!]})`).join("; ") + ".";
}

/** The data of templates/comparison-report.md. */
export function reportTemplateData(report: ExportReport, generatedAt: string, terms: { term: string; meaning: string }[]) {
  const overall = figureCells(report.overall, report.unit);
  const rows = report.providers.map((p) => ({ label: p.label, ...figureCells(p, report.unit) }));
  const filters = report.filters.map((f) => `${f.label}: ${f.value}`).join(", ");
  return {
    measureLabel: report.measureLabel,
    period: report.periodLabel,
    asOf: formatAsOf(report.asOf),
    filters: filters || "alle",
    generatedAt,
    definition: report.definition,
    terms,
    valueLabel: report.unit === "rate" ? "Quote" : report.unit === "cents" ? "Betrag" : "Tage",
    overallK: overall.k,
    overallN: overall.n,
    overallRate: overall.rate,
    overallInterval: overall.interval,
    // Counted as the page counts them: providers with cases of this measure (shown or withheld).
    providerCount: String(report.providers.filter((p) => p.suppression !== "none" || (p.n ?? 0) > 0).length),
    providers: rows.map((r) => ({ label: r.label, k: r.k, n: r.n, rate: r.rate, interval: r.interval, expected: r.expected, ratio: r.ratio })),
    funnel: rows.map((r) => ({ label: r.label, n: r.n, rate: r.rate, limits95: r.limits95, limits998: r.limits998, position: r.position })),
    outliers: outlierText(report),
    method: report.method.map((text, i) => {
      const m = /^([^:]{2,40}):\s*(.+)$/.exec(text);
      return m ? { step: m[1], text: m[2] } : { step: String(i + 1), text };
    }),
    minCell: String(report.minCell),
    groupDisclosure: report.groupDisclosure && report.unit === "rate" ? ` ${GROUP_DISCLOSURE_NOTE}` : "",
    insiders: report.insiderProtection ? ", auch von einem gesperrten Träger, der seine eigenen Zahlen kennt und abzieht" : "",
  };
}
