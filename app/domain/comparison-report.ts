/**
 * From the comparison (app/domain/outcome-comparison.ts, already suppressed) to the neutral
 * export model of comparison-export.ts: the staff's CSV and Beirat report (all providers by
 * name) and the provider's own view (its own row only, the overall rate anonymised). Pure.
 */
import { funnelLimits, isSmall, ratePosition, suppressColumn, type FunnelPosition } from "./outcome-stats";
import type { ExportFigure, ExportReport, ExportUnit } from "./comparison-export";
import { MEASURE_DEFINITIONS, MEASURE_LABELS, RATE_MEASURES, type Cell, type MeasureKey, type ModelSummary } from "./outcome-comparison";
import { GROUP_DISCLOSURE_NOTE, PERTURBATION_NOTE } from "./outcome-format";

export function unitOf(measure: MeasureKey): ExportUnit {
  return measure === "cost_per_integration" || measure === "cost_per_lasting" ? "cents" : measure === "days_to_placement" ? "days" : "rate";
}

function figure(label: string, cell: Cell | undefined, extra: Partial<ExportFigure> = {}): ExportFigure {
  const c = cell ?? { k: 0, n: 0, rate: null, low: null, high: null, method: "none", suppressed: null };
  if (c.suppressed) {
    return { label, ...(extra.key ? { key: extra.key } : {}), k: null, n: null, rate: null, low: null, high: null, expected: null, ratio: null, ratioLow: null, ratioHigh: null, limits: null, position: null, ratioPosition: null, suppression: c.suppressed };
  }
  // A cost cell without an integration / lasting placement (n = 0) never carries the amount paid.
  const k = c.method === "ratio" && c.n === 0 ? null : c.k;
  return { label, k, n: c.n, rate: c.rate, low: c.low, high: c.high, expected: null, ratio: null, ratioLow: null, ratioHigh: null, limits: null, position: null, ratioPosition: null, suppression: "none", ...(c.noPayments ? { noPayments: true } : {}), ...extra };
}

/** The limits around the overall rate at n and the position of `rate` (rate measures only). */
function rateFunnel(measure: MeasureKey, overall: Cell | undefined, cell: Cell | undefined) {
  if (!RATE_MEASURES.includes(measure) || !overall || overall.suppressed || overall.rate === null || !cell || cell.suppressed || cell.n <= 0 || cell.rate === null) return { limits: null, position: null };
  const l = funnelLimits(overall.rate, cell.n);
  const limits = { low95: l.low95, high95: l.high95, low998: l.low998, high998: l.high998 };
  return { limits, position: ratePosition(cell.k, cell.n, overall.rate) };
}

/** The method in words, one "Schritt: Text" line each (the report's method table). */
export function methodLines(measure: MeasureKey, model: ModelSummary | null, minCell: number, perturbed = false, groupDisclosure = false, insiders = false): string[] {
  const de = (v: number, d = 2) => v.toFixed(d).replace(".", ",");
  const lines: string[] = [];
  if (RATE_MEASURES.includes(measure)) {
    lines.push("Vertrauensbereich: 95-%-Bereich nach Wilson; bei weniger als 10 Fällen der exakte Bereich nach Clopper und Pearson.");
    lines.push("Trichterdiagramm: Grenzen um den Gesamtwert nach Spiegelhalter (2005), aus der Binomialverteilung bei der Fallzahl des Trägers, 95 % und 99,8 %.");
  } else {
    lines.push(`Kennzahl ohne Vertrauensbereich: ${measure === "days_to_placement" ? "der Median der Tage" : "ein Betrag je Fall"}; sie wird nicht risikoadjustiert und nicht im Trichterdiagramm gezeigt.`);
  }
  if (model) {
    lines.push(`Risikoadjustierung: ${model.reason}`);
    if (model.method === "regression") {
      lines.push(`Merkmale des Modells: ${model.variables.map((v) => `${v.label} (Chancenverhältnis ${de(v.oddsRatio)})`).join("; ") || "keine"}.`);
      if (model.auc !== null) lines.push(`Trennschärfe: AUC ${de(model.auc)} (0,5 = Zufall, 1 = vollständige Trennung).`);
      if (model.hosmerLemeshow) lines.push(`Kalibrierung: Hosmer-Lemeshow-Test über ${model.calibration.length} Gruppen, χ² = ${de(model.hosmerLemeshow.statistic)}, ${model.hosmerLemeshow.df} Freiheitsgrade, p = ${de(model.hosmerLemeshow.pValue, 3)}.`);
    } else {
      lines.push(`Schichten: ${model.strata.length} ${model.strata.length === 1 ? "Schicht" : "Schichten"} nach Altersgruppe und Dauer der Arbeitslosigkeit; erwartet ist die Quote der Schicht über alle Träger, summiert über die Fälle des Trägers.`);
    }
    lines.push("Verhältnis: tatsächliche ÷ erwartete Ereignisse; 95-%-Bereich nach Byar (Poisson).");
  }
  lines.push(`Sperrung: Fallzahlen unter ${minCell} werden nicht ausgewiesen, ebenso Quoten, bei denen nur 1 bis ${minCell - 1} Personen das Ereignis hatten oder nicht hatten (etwa 1 oder 14 von 15), dazu sekundär weitere Werte, wenn sich die gesperrte Zahl sonst aus Summen und übrigen Werten errechnen ließe, auch über Maßnahmearten und Regionen hinweg${insiders ? " und auch von einem gesperrten Träger, der seine eigenen Zahlen abzieht" : ""}. Alle gesperrten Werte stehen gleich als „gesperrt“, damit die Kennzeichnung nicht verrät, ob ein Wert unter ${minCell} liegt.`);
  if (groupDisclosure && RATE_MEASURES.includes(measure)) lines.push(`Gruppenoffenlegung: ${GROUP_DISCLOSURE_NOTE}`);
  if (perturbed) lines.push(`Rundung: ${PERTURBATION_NOTE}`);
  return lines;
}

export interface ReportMeta {
  periodLabel: string;
  asOf: string;
  filters: { label: string; value: string }[];
  minCell: number;
  /** A rolling period: the counts are perturbed (the method and the CSV say so). */
  perturbed?: boolean;
  /** Rates of 0 % and 100 % withheld (the setting comparison.groupDisclosure). */
  groupDisclosure?: boolean;
  /** Protected against a withheld provider subtracting its own figure (the setting comparison.insiderProtection). */
  insiderProtection?: boolean;
}

/** What the staff view gives (app/services/outcome-comparison.server.ts ComparisonView), as far as the files need it. */
export interface StaffComparison {
  measure: MeasureKey;
  period: { from: string; to: string };
  overall: Partial<Record<MeasureKey, Cell>>;
  rows: { providerId: number; name: string; key?: string; cells: Partial<Record<MeasureKey, Cell>>; expectedRate: number | null; ratio: number | null; ratioLow: number | null; ratioHigh: number | null; position: FunnelPosition | null }[];
  funnel: { kind: "rate" | "ratio"; points: { providerId: number; limits: { low95: number; high95: number; low998: number; high998: number }; position: FunnelPosition }[] } | null;
  model: ModelSummary | null;
}

/** Staff: every provider by name (sorted by name, never by rate), with the page's funnel positions. */
export function reportFromComparison(c: StaffComparison, meta: ReportMeta): ExportReport {
  const m = c.measure;
  const overallCell = c.overall[m];
  const points = new Map((c.funnel?.points ?? []).map((p) => [p.providerId, p]));
  const providers = c.rows
    .map((r) => {
      const cell = r.cells[m];
      const point = points.get(r.providerId);
      // The rate funnel's limits and position as the page plots them; on the ratio funnel the
      // page's position is the risk-adjusted one and the rate's limits are computed here.
      const rate = c.funnel?.kind === "rate" && point ? { limits: point.limits, position: point.position } : rateFunnel(m, overallCell, cell);
      return figure(r.name, cell, {
        key: r.key,
        expected: r.expectedRate,
        ratio: r.ratio,
        ratioLow: r.ratioLow,
        ratioHigh: r.ratioHigh,
        ...rate,
        ratioPosition: c.funnel?.kind === "ratio" ? r.position : null,
      });
    })
    .sort((a, b) => a.label.localeCompare(b.label, "de"));
  return {
    measure: m,
    measureLabel: MEASURE_LABELS[m],
    definition: MEASURE_DEFINITIONS[m],
    unit: unitOf(m),
    from: c.period.from,
    to: c.period.to,
    periodLabel: meta.periodLabel,
    asOf: meta.asOf,
    filters: meta.filters,
    overall: figure("Alle Träger (gesamt)", overallCell),
    providers,
    method: methodLines(m, c.model, meta.minCell, meta.perturbed, meta.groupDisclosure, meta.insiderProtection),
    minCell: meta.minCell,
    perturbed: !!meta.perturbed,
    groupDisclosure: !!meta.groupDisclosure,
    insiderProtection: !!meta.insiderProtection,
  };
}

/** One measure of the provider's own view (portal page and API): its own cell, the overall RATE only. */
export interface OwnItem {
  measure: MeasureKey;
  measureLabel: string;
  definition: string;
  unit: ExportUnit;
  suppressed: "none" | "small" | "secondary";
  suppressedLabel: string | null;
  k: number | null;
  n: number | null;
  value: number | null;
  low: number | null;
  high: number | null;
  expected: number | null;
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  overall: number | null;
  limits: { low95: number; high95: number; low998: number; high998: number } | null;
  position: FunnelPosition | null;
  positionLabel: string | null;
}

/**
 * The own figure against the anonymised overall: only the overall rate is given (never its k or
 * n: total − own would be the others' counts), the limits at the own n, and the position. An own
 * cell below the minimum is shown as "< 3" like everywhere else (so a screenshot or a forwarded
 * file never carries a small count); a hidden overall hides the comparison, not the own figure.
 */
export function ownItem(
  measure: MeasureKey,
  own: Cell | undefined,
  overall: Cell | undefined,
  adjusted: { expectedRate: number | null; ratio: number | null; ratioLow: number | null; ratioHigh: number | null } | null,
  minCell: number,
  positionWords: Record<FunnelPosition, string>,
): OwnItem {
  const base = { measure, measureLabel: MEASURE_LABELS[measure], definition: MEASURE_DEFINITIONS[measure], unit: unitOf(measure) };
  const c = own ?? { k: 0, n: 0, rate: null, low: null, high: null, method: "none" as const, suppressed: null };
  const overallRate = overall && !overall.suppressed ? overall.rate : null;
  const hidden = c.suppressed ?? (c.n > 0 && c.n < minCell ? "small" : null);
  if (hidden) {
    return { ...base, suppressed: hidden, suppressedLabel: hidden === "small" ? `< ${minCell}` : "gesperrt", k: null, n: null, value: null, low: null, high: null, expected: null, ratio: null, ratioLow: null, ratioHigh: null, overall: overallRate, limits: null, position: null, positionLabel: null };
  }
  const funnel = overallRate === null ? { limits: null, position: null } : rateFunnel(measure, overall, c);
  const a = overallRate === null ? null : adjusted;
  return {
    ...base,
    suppressed: "none",
    suppressedLabel: null,
    k: c.method === "ratio" && c.n === 0 ? null : c.k,
    n: c.n,
    value: c.rate,
    low: c.low,
    high: c.high,
    expected: a?.expectedRate ?? null,
    ratio: a?.ratio ?? null,
    ratioLow: a?.ratioLow ?? null,
    ratioHigh: a?.ratioHigh ?? null,
    overall: overallRate,
    limits: funnel.limits,
    position: funnel.position,
    positionLabel: funnel.position ? positionWords[funnel.position] : null,
  };
}

/** Each id → its name, with " (key)" appended where the name is not unique among the given ones. */
export function distinctNames(rows: readonly { id: number; name: string; key: string }[]): Map<number, { name: string; key: string }> {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.name.trim().toLocaleLowerCase("de"), (count.get(r.name.trim().toLocaleLowerCase("de")) ?? 0) + 1);
  return new Map(rows.map((r) => [r.id, { name: (count.get(r.name.trim().toLocaleLowerCase("de")) ?? 0) > 1 ? `${r.name} (${r.key})` : r.name, key: r.key }]));
}

/**
 * Which cells of a model table (strata, calibration groups: persons n and events per row, both
 * with a published total) must be hidden: small counts and, secondarily, what would give them away
 * (suppressColumn per column). A hidden n hides its row's events and rate as well. Events are
 * hidden like a provider's rate: 1 or 2 with or without the event ("11 of 12"), and with `group`
 * (the setting comparison.groupDisclosure) 0 % and 100 % ("0 of 5"), the hidden rows together
 * being neither.
 */
export function modelTableHidden(rows: readonly { n: number; events: number }[], minCell: number, group = false): { n: boolean; events: boolean }[] {
  const ns = rows.map((r) => r.n);
  const es = rows.map((r) => r.events);
  const n = suppressColumn(ns, minCell).hidden;
  let events = new Set<number>(n);
  rows.forEach((r, i) => {
    if (isSmall(r.n - r.events, minCell) || (group && r.n > 0 && (r.events === 0 || r.events === r.n))) events.add(i);
  });
  // Both conditions until neither hides more (each pass only adds, so this ends).
  for (let size = -1; size !== events.size; ) {
    size = events.size;
    events = suppressColumn(es, minCell, events).hidden;
    if (group) events = suppressColumn(ns, minCell, events, es).hidden;
  }
  return rows.map((_, i) => ({ n: n.has(i), events: n.has(i) || events.has(i) }));
}
