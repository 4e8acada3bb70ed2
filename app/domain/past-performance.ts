import { EXAM_TYPES } from "./participation";
import { addDays, addMonths, berlinDate, formatDate } from "./time";

/**
 * Past performance as an award criterion (issue 12 point 7; DOMAIN.md § 2.3: § 65 Abs. 5 VgV,
 * § 49 Abs. 2 UVgO). The method is chosen in the draft with the other criteria, frozen at
 * publication and published in words; at evaluation the points follow from the provider's
 * figures at the offer deadline by the rules here (pure).
 */

export const CRITERION_KINDS = ["quality", "past_performance"] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];
export const CRITERION_KIND_LABELS: Record<CriterionKind, string> = { quality: "Qualität (bewertet)", past_performance: "Vorleistung (berechnet)" };

export const PP_MEASURES = ["integration", "sustainability", "dropout", "exam", "placement"] as const;
export type PastPerformanceMeasure = (typeof PP_MEASURES)[number];
export const PP_MEASURE_LABELS: Record<PastPerformanceMeasure, string> = {
  integration: "Integrationsquote",
  sustainability: "Nachhaltigkeitsquote",
  dropout: "Abbruchquote",
  exam: "Prüfungserfolgsquote",
  placement: "Vermittlungsquote",
};
/** The measure's definition in plain German (as published). */
export const PP_MEASURE_DEFINITIONS: Record<PastPerformanceMeasure, string> = {
  integration: "Teilnehmende in sozialversicherungspflichtiger Beschäftigung, Ausbildung oder Selbständigkeit binnen sechs Monaten nach dem Austritt ÷ Austritte",
  sustainability: "Integrationen, die sechs Monate später noch bestehen ÷ Integrationen",
  dropout: "vorzeitige Austritte ohne Integration ÷ Eintritte, deren geplantes Ende vorbei ist",
  exam: "bestandene Abschlussprüfungen ÷ Prüfungsteilnehmende",
  placement: "Vermittlungen in Arbeit ÷ Vermittlungsaufträge",
};
/**
 * The measure types whose figures the comparison holds (the catalogue of the place line,
 * migrations/1764600000000-places.ts, without the employer-based training, which has no
 * provider). The earlier contracts a tender looks at are chosen from these, not from the
 * tender's own types: MAE and Reha-BaE are not tendered here, but they are earlier contracts.
 */
export const FIGURE_TYPES = [
  // plannedMonths: how long a place of the type runs at most (the drop-out rate counts an entry only once its planned end is over).
  { code: "bae", label: "BaE – Berufsausbildung in außerbetrieblichen Einrichtungen", plannedMonths: 36 },
  { code: "reha_bae", label: "Reha-BaE", plannedMonths: 36 },
  { code: "p421i", label: "Vermittlungsmaßnahme nach § 421i SGB III a.F." },
  { code: "p37", label: "Vermittlung durch Dritte nach § 37 SGB III a.F. (Vermittlungsgutscheine und -aufträge)" },
  { code: "training", label: "Trainingsmaßnahme (§§ 48–52 SGB III a.F.)" },
  { code: "fbw", label: "Berufliche Weiterbildung (FbW) mit Bildungsgutschein" },
  { code: "mae", label: "Arbeitsgelegenheit (MAE, § 16 Abs. 3 SGB II a.F.)" },
  { code: "qal", label: "QAL „Chemnitzer Modell“" },
  { code: "youth", label: "Jugendberufshilfe" },
  { code: "other", label: "Sonstige Maßnahme" },
] as const;
const FIGURE_TYPE_CODES: readonly string[] = FIGURE_TYPES.map((t) => t.code);
/** The placement line: the brokers' assignments (their figures have no measure type). */
const BROKER_TYPE = "p37";

/**
 * The figures' type for a stored method: methods saved before the catalogue was used hold the
 * tender's code (placement_421i, placement_37), which the comparison does not know.
 */
export function figureTypeOf(code: string | null): string | null {
  if (code === null) return null;
  return ({ placement_421i: "p421i", placement_37: "p37" } as Record<string, string>)[code] ?? code;
}

export function figureTypeLabel(code: string): string {
  const c = figureTypeOf(code);
  return FIGURE_TYPES.find((t) => t.code === c)?.label ?? code;
}

/** The default figures' type for a tender of the given type (null: all types). */
export function figureTypeForTender(tenderType: string): string | null {
  const c = figureTypeOf(tenderType)!;
  return FIGURE_TYPE_CODES.includes(c) && c !== "other" ? c : null;
}

/**
 * The definitions a method was frozen with. Version 2 (since 07.12.2026): the drop-out rate
 * counts an entry once its planned end is past. A method stored before has no version and keeps
 * version 1 (every entry of the period counts), as published: a frozen criterion must be scored
 * by the formula the bidders were told.
 */
export const DEFINITIONS_VERSION = 2;
export function definitionsOf(method: Pick<PastPerformanceMethod, "definitions">): 1 | 2 {
  return method.definitions === 2 ? 2 : 1;
}
/** The measure's definition in plain German, as the method's version published it. */
export function measureDefinition(method: Pick<PastPerformanceMethod, "measure" | "definitions">): string {
  if (method.measure === "dropout" && definitionsOf(method) === 1) return "vorzeitige Austritte ohne Integration ÷ Eintritte";
  return PP_MEASURE_DEFINITIONS[method.measure];
}

/** For the drop-out rate a lower figure is better. */
export function lowerIsBetter(measure: PastPerformanceMeasure): boolean {
  return measure === "dropout";
}

/** Which measures the earlier contracts of the given type (null: all types) have. */
export function measuresFor(figureType: string | null): PastPerformanceMeasure[] {
  if (figureType === null) return [...PP_MEASURES];
  if (figureType === BROKER_TYPE) return ["placement"];
  return ["integration", "sustainability", "dropout", ...(EXAM_TYPES.includes(figureType) ? (["exam"] as const) : [])];
}

export interface Band {
  /** A rate (0–1) or a ratio, in the basis' unit. */
  threshold: number;
  points: number;
}

export interface PastPerformanceMethod {
  measure: PastPerformanceMeasure;
  /** The measure type whose figures count; null = all types. */
  typeCode: string | null;
  /** "months": the `length` months before the offer deadline; "calendar_years": the last `length` completed calendar years. */
  periodKind: "months" | "calendar_years";
  periodLength: number;
  /** "rate": the raw rate; "ratio": actual ÷ expected (risk-adjusted). */
  basis: "rate" | "ratio";
  scoring: "linear" | "bands";
  /** Linear: the figure that gets 0 points and the one that gets the full points. */
  zeroAt: number | null;
  fullAt: number | null;
  bands: Band[];
  /** Fewer cases than this (or a suppressed figure): the neutral points. */
  minN: number;
  neutralPoints: number;
  /** "significant": a figure whose 95 % interval contains the reference counts as the reference. */
  interval: "ignore" | "significant";
  /** The definitions' version the method was saved with (absent: 1, see DEFINITIONS_VERSION). */
  definitions?: number;
}

export const DEFAULT_METHOD = (tenderType: string, maxPoints: number): PastPerformanceMethod => ({
  measure: measuresFor(figureTypeForTender(tenderType))[0],
  typeCode: figureTypeForTender(tenderType),
  periodKind: "months",
  periodLength: 24,
  basis: "ratio",
  scoring: "linear",
  zeroAt: 0.8,
  fullAt: 1.2,
  bands: [],
  minN: 10,
  neutralPoints: maxPoints / 2,
  interval: "ignore",
  definitions: DEFINITIONS_VERSION,
});

const round2 = (x: number) => Math.round(x * 100 + Number.EPSILON * 100) / 100;

/** German number with the given decimals. */
export function de(x: number, decimals = 2): string {
  return x.toLocaleString("de-DE", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
/** Points as published: "1,5", "3", "2,25". */
export function pointsText(p: number): string {
  return p.toLocaleString("de-DE", { minimumFractionDigits: 0, maximumFractionDigits: 2 });
}
/** A figure in the basis' unit: a rate as percent, a ratio with two decimals. */
export function figureText(basis: PastPerformanceMethod["basis"], x: number | null | undefined): string {
  if (x === null || x === undefined) return "–";
  return basis === "rate" ? `${de(x * 100, 1)} %` : de(x, 2);
}

/**
 * Problems of a method, per form field, in German. `maxPoints` is the tender's scale. The
 * measure must exist for the earlier contracts' type (exams only where there are exams, the
 * placement rate only for brokers).
 */
export function methodProblems(method: PastPerformanceMethod, ctx: { maxPoints: number }): Record<string, string> {
  const e: Record<string, string> = {};
  const figureType = figureTypeOf(method.typeCode);
  if (!PP_MEASURES.includes(method.measure)) e["pp-measure"] = "Bitte wählen Sie die Kennzahl.";
  if (figureType !== null && !FIGURE_TYPE_CODES.includes(figureType)) e["pp-typeCode"] = "Bitte wählen Sie die Maßnahmeart der früheren Aufträge.";
  if (!e["pp-measure"] && !e["pp-typeCode"] && !measuresFor(figureType).includes(method.measure)) {
    const possible = measuresFor(figureType).map((m) => PP_MEASURE_LABELS[m]);
    e["pp-measure"] =
      method.measure === "placement"
        ? `Die Vermittlungsquote gibt es nur für die Vermittlung durch Dritte (Maßnahmeart „${figureTypeLabel(BROKER_TYPE)}“ oder alle Maßnahmearten), nicht für „${figureTypeLabel(figureType!)}“; dort möglich: ${possible.join(", ")}.`
        : `Die ${PP_MEASURE_LABELS[method.measure]} gibt es für die Maßnahmeart „${figureTypeLabel(figureType!)}“ nicht; möglich: ${possible.join(", ")}.`;
  }
  if (method.periodKind === "months") {
    if (!Number.isInteger(method.periodLength) || method.periodLength < 12 || method.periodLength > 60) e["pp-periodLength"] = "Zeitraum: 12 bis 60 Monate vor dem Ende der Angebotsfrist.";
  } else if (method.periodKind === "calendar_years") {
    if (!Number.isInteger(method.periodLength) || method.periodLength < 1 || method.periodLength > 5) e["pp-periodLength"] = "Zeitraum: 1 bis 5 abgeschlossene Kalenderjahre.";
  } else e["pp-periodKind"] = "Bitte wählen Sie den Zeitraum.";
  // The drop-out rate of a long measure: an entry counts once its planned end is over, so a period
  // shorter than the measure holds no counted entry at all — every bidder would get the neutral points.
  const planned = FIGURE_TYPES.find((t) => t.code === figureType);
  const plannedMonths = planned && "plannedMonths" in planned ? planned.plannedMonths : null;
  if (method.measure === "dropout" && plannedMonths && !e["pp-measure"] && !e["pp-periodLength"] && !e["pp-periodKind"]) {
    const minMonths = plannedMonths + 12;
    const minYears = Math.ceil(plannedMonths / 12) + 1;
    const tooShort = method.periodKind === "months" ? method.periodLength < minMonths : method.periodLength < minYears;
    if (tooShort)
      e["pp-periodLength"] = `Die Abbruchquote zählt einen Eintritt erst, wenn sein geplantes Ende vorbei ist; Plätze der Art „${figureTypeLabel(figureType!)}“ laufen bis zu ${plannedMonths} Monate. In diesem Zeitraum hätte kaum ein Bieter gezählte Eintritte und fast alle bekämen die Punkte für zu wenige Daten. Bitte mindestens ${minMonths} Monate oder ${minYears} Kalenderjahre wählen, oder eine andere Kennzahl.`;
  }
  if (method.basis !== "rate" && method.basis !== "ratio") e["pp-basis"] = "Bitte wählen Sie, ob die Quote oder das risikobereinigte Verhältnis gewertet wird.";
  const unitOk = (x: number) => Number.isFinite(x) && x >= 0 && (method.basis === "ratio" ? x <= 10 : x <= 1);
  const unitText = method.basis === "ratio" ? "ein Verhältnis zwischen 0 und 10" : "eine Quote zwischen 0 und 100 %";
  const lower = lowerIsBetter(method.measure);
  if (method.scoring === "linear") {
    if (method.zeroAt === null || !unitOk(method.zeroAt)) e["pp-zeroAt"] = `Wert für 0 Punkte: bitte ${unitText}.`;
    if (method.fullAt === null || !unitOk(method.fullAt)) e["pp-fullAt"] = `Wert für die volle Punktzahl: bitte ${unitText}.`;
    if (!e["pp-zeroAt"] && !e["pp-fullAt"]) {
      if (!lower && method.zeroAt! >= method.fullAt!) e["pp-fullAt"] = "Die Ankerwerte sind nicht in der richtigen Reihenfolge: der Wert für die volle Punktzahl muss über dem Wert für 0 Punkte liegen.";
      if (lower && method.zeroAt! <= method.fullAt!) e["pp-fullAt"] = `Bei der ${PP_MEASURE_LABELS[method.measure]} ist ein niedrigerer Wert besser: der Wert für die volle Punktzahl muss unter dem Wert für 0 Punkte liegen.`;
    }
  } else if (method.scoring === "bands") {
    const b = method.bands;
    if (b.length < 1 || b.length > 8) e["pp-bands"] = "Stufen: bitte 1 bis 8 Stufen angeben, je „Schwelle=Punkte“.";
    else if (b.some((x) => !unitOk(x.threshold))) e["pp-bands"] = `Stufen: jede Schwelle ist ${unitText}.`;
    else if (b.some((x) => !Number.isFinite(x.points) || x.points < 0 || x.points > ctx.maxPoints || round2(x.points) !== x.points)) e["pp-bands"] = `Stufen: Punkte von 0 bis ${ctx.maxPoints} (höchstens zwei Nachkommastellen).`;
    else if (b.some((x, i) => i > 0 && x.threshold <= b[i - 1].threshold)) e["pp-bands"] = "Stufen: die Schwellen müssen aufsteigend geordnet sein, ohne doppelte Werte.";
    else if (b.some((x, i) => i > 0 && (lower ? x.points > b[i - 1].points : x.points < b[i - 1].points)))
      e["pp-bands"] = lower ? "Stufen: bei der Abbruchquote ist weniger besser – höhere Schwellen dürfen nicht mehr Punkte geben." : "Stufen: höhere Schwellen dürfen nicht weniger Punkte geben.";
  } else e["pp-scoring"] = "Bitte wählen Sie, wie aus der Kennzahl Punkte werden.";
  // Quotas are entered in percent: anchors all under 1 % were almost certainly meant as 0,4 = 40 %.
  const anchors = method.scoring === "linear" ? [method.zeroAt, method.fullAt] : method.bands.map((b) => b.threshold);
  const field = method.scoring === "linear" ? "pp-fullAt" : "pp-bands";
  if (method.basis === "rate" && !e[field] && !e["pp-zeroAt"] && anchors.length && anchors.every((x) => x !== null && x < 0.01)) {
    // The largest anchor as entered (0.004 was typed as "0,4"): say what it means and what was meant.
    const typed = Math.max(...anchors.map((x) => x ?? 0)) * 100;
    const de = (v: number) => new Intl.NumberFormat("de-DE", { maximumFractionDigits: 4 }).format(v);
    e[field] =
      typed > 0
        ? `Quoten werden in Prozent angegeben: ${de(typed)} bedeutet ${de(typed)} %, nicht ${de(typed * 100)} %. Bitte z. B. ${de(typed * 100)} für ${de(typed * 100)} % eingeben.`
        : "Quoten werden in Prozent angegeben: bitte z. B. 40 für 40 % eingeben.";
  }
  if (!Number.isInteger(method.minN) || method.minN < 3) e["pp-minN"] = "Mindestfallzahl: eine ganze Zahl ab 3 (kleinere Zahlen werden nach den Datenschutzregeln ohnehin unterdrückt).";
  else if (method.minN > 1000) e["pp-minN"] = "Mindestfallzahl: höchstens 1.000.";
  if (!Number.isFinite(method.neutralPoints) || method.neutralPoints < 0 || method.neutralPoints > ctx.maxPoints || round2(method.neutralPoints) !== method.neutralPoints)
    e["pp-neutralPoints"] = `Punkte bei zu wenigen Daten: 0 bis ${ctx.maxPoints} (höchstens zwei Nachkommastellen).`;
  if (method.interval !== "ignore" && method.interval !== "significant") e["pp-interval"] = "Bitte wählen Sie, wie das Intervall berücksichtigt wird.";
  return e;
}

/** The evaluated period for an offer deadline (ISO instant): dates of exit / assignment, inclusive. */
export function methodPeriod(method: Pick<PastPerformanceMethod, "periodKind" | "periodLength">, offersUntil: string): { from: string; to: string } {
  const deadline = berlinDate(offersUntil);
  if (method.periodKind === "months") return { from: addMonths(deadline, -method.periodLength), to: addDays(deadline, -1) };
  const year = Number(deadline.slice(0, 4));
  return { from: `${year - method.periodLength}-01-01`, to: `${year - 1}-12-31` };
}

export function periodInWords(method: Pick<PastPerformanceMethod, "periodKind" | "periodLength">): string {
  if (method.periodKind === "months") return `in den ${method.periodLength} Monaten vor dem Ende der Angebotsfrist`;
  return method.periodLength === 1 ? "im letzten abgeschlossenen Kalenderjahr vor dem Ende der Angebotsfrist" : `in den letzten ${method.periodLength} abgeschlossenen Kalenderjahren vor dem Ende der Angebotsfrist`;
}

function scoringInWords(method: PastPerformanceMethod, maxPoints: number): string {
  const f = (x: number | null) => figureText(method.basis, x);
  const what = method.basis === "ratio" ? "einem Verhältnis von" : "einer Quote von";
  if (method.scoring === "linear")
    return `Punkte: linear von 0 Punkten bei ${what} ${f(method.zeroAt)} bis ${pointsText(maxPoints)} Punkten bei ${f(method.fullAt)}; dazwischen anteilig (auf zwei Nachkommastellen gerundet), jenseits der Ankerwerte 0 bzw. ${pointsText(maxPoints)} Punkte.`;
  const lower = lowerIsBetter(method.measure);
  const steps = method.bands.map((b) => `${lower ? "bis" : "ab"} ${f(b.threshold)}: ${pointsText(b.points)} ${b.points === 1 ? "Punkt" : "Punkte"}`).join("; ");
  return `Punkte nach Stufen: ${steps}; ${lower ? "darüber" : "darunter"} 0 Punkte.`;
}

/** The method as one German paragraph, published in the tender documents next to the criterion. */
export function methodInWords(method: PastPerformanceMethod, maxPoints: number): string {
  const type = method.typeCode ? `in Maßnahmen der Art „${figureTypeLabel(method.typeCode)}“` : "in Maßnahmen aller Arten";
  const basis =
    method.basis === "ratio"
      ? "risikobereinigt als Verhältnis der tatsächlichen zur erwarteten Quote (erwartet nach der Zusammensetzung der Teilnehmenden: Altersgruppe, Dauer der Arbeitslosigkeit, Qualifikation, Schwerbehinderung, Sprachförderbedarf und regionale Arbeitslosenquote, soweit bekannt; 1,00 = wie erwartet)"
      : "als unbereinigte Quote";
  const lower = lowerIsBetter(method.measure) ? " Eine niedrigere Quote ist besser." : "";
  const interval =
    method.interval === "significant"
      ? ` Nur statistisch gesicherte Abweichungen zählen: liegt ${method.basis === "ratio" ? "der Wert 1,00" : "die Gesamtquote aller Träger"} im 95-%-Konfidenzintervall des Bieters, wird der Bieter so gewertet, als läge er genau dort.`
      : " Gewertet wird der Punktschätzer; das 95-%-Konfidenzintervall wird mit angegeben.";
  return (
    `Vorleistung (Leistungsbilanz aus früheren Aufträgen, § 65 Abs. 5 VgV bzw. § 49 Abs. 2 UVgO): Gewertet wird die ${PP_MEASURE_LABELS[method.measure]} des Bieters (${measureDefinition(method)}) ${type} ${periodInWords(method)}, nach dem Datenstand am Ende der Angebotsfrist, ${basis}.${lower} ` +
    `${scoringInWords(method, maxPoints)}${interval} Bieter mit weniger als ${method.minN} gewerteten Fällen oder ohne Daten erhalten ${pointsText(method.neutralPoints)} Punkte.`
  );
}

/** The source figure as the comparison delivers it (the service's ProviderFigure extends it). */
export interface FigureInput {
  k: number;
  n: number;
  rate: number | null;
  low: number | null;
  high: number | null;
  /** The expected number of events given the provider's clients (Σ predicted); the expected rate is expected ÷ n. */
  expected: number | null;
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  overallRate: number | null;
  suppressed: boolean;
}

export interface PastPerformanceResult {
  points: number;
  /** "scored" from the figure, or "neutral" (too little data). */
  status: "scored" | "neutral";
  /** The figure the points were computed from (the reference, when the deviation was not significant). */
  valueUsed: number | null;
  reason: string;
}

/** Points from a figure by the method (pure; rounded to two decimals). */
export function pastPerformancePoints(method: PastPerformanceMethod, figure: FigureInput | null, maxPoints: number): PastPerformanceResult {
  const neutral = (why: string): PastPerformanceResult => ({ points: method.neutralPoints, status: "neutral", valueUsed: null, reason: `${why} – zu wenige Daten: ${pointsText(method.neutralPoints)} Punkte (festgelegter Wert).` });
  if (!figure) return neutral("Keine Daten des Bieters im Zeitraum");
  if (figure.suppressed) return neutral("Wert wegen kleiner Fallzahl unterdrückt");
  if (figure.n < method.minN) return neutral(`Nur ${figure.n} Fälle, Mindestfallzahl ${method.minN}`);
  const value = method.basis === "ratio" ? figure.ratio : figure.rate;
  if (value === null) return neutral(method.basis === "ratio" ? "Kein erwarteter Wert für die Risikobereinigung" : "Keine Quote");
  let used = value;
  // The points follow from the exact figure, so the note gives it with the digits that decide them.
  let note = `${method.basis === "ratio" ? "Verhältnis" : "Quote"} ${method.basis === "ratio" ? de(value, 4) : `${de(value * 100, 2)} %`}`;
  if (method.interval === "significant") {
    const reference = method.basis === "ratio" ? 1 : figure.overallRate;
    const lo = method.basis === "ratio" ? figure.ratioLow : figure.low;
    const hi = method.basis === "ratio" ? figure.ratioHigh : figure.high;
    if (reference === null || lo === null || hi === null) return neutral("Intervall oder Bezugswert fehlt, die Abweichung lässt sich nicht prüfen");
    if (lo <= reference && reference <= hi) {
      used = reference;
      note += `; Intervall ${figureText(method.basis, lo)}–${figureText(method.basis, hi)} enthält den Bezugswert ${figureText(method.basis, reference)}: nicht gesichert abweichend, gewertet mit ${figureText(method.basis, reference)}`;
    } else note += `; Intervall ${figureText(method.basis, lo)}–${figureText(method.basis, hi)} schließt den Bezugswert ${figureText(method.basis, reference)} aus: gesicherte Abweichung`;
  }
  let points: number;
  if (method.scoring === "linear") {
    const z = method.zeroAt!;
    const f = method.fullAt!;
    const share = Math.min(1, Math.max(0, (used - z) / (f - z)));
    points = round2(maxPoints * share);
    note += `; linear zwischen ${figureText(method.basis, z)} (0 Punkte) und ${figureText(method.basis, f)} (${pointsText(maxPoints)} Punkte)`;
  } else {
    const lower = lowerIsBetter(method.measure);
    // Thresholds are ascending; compare on the rounded-to-1e-9 value so that "exactly at" counts.
    const eps = 1e-9;
    const band = lower ? method.bands.find((b) => used <= b.threshold + eps) : [...method.bands].reverse().find((b) => used >= b.threshold - eps);
    points = band ? band.points : 0;
    note += band ? `; Stufe ${lower ? "bis" : "ab"} ${figureText(method.basis, band.threshold)}` : `; ${lower ? "über der höchsten" : "unter der niedrigsten"} Stufe`;
  }
  return { points, status: "scored", valueUsed: used, reason: `${note}: ${pointsText(points)} Punkte.` };
}

/** Period text for display: "01.01.2025–31.12.2026". */
export function periodText(from: string, to: string): string {
  return `${formatDate(from)}–${formatDate(to)}`;
}

/** Criteria-level problems of the kinds: at most one past-performance criterion, not the price, with a valid method. */
export function criteriaKindProblems(criteria: { name: string; isPrice: boolean; kind?: string; method?: PastPerformanceMethod | null }[], ctx: { maxPoints: number }): string[] {
  const pp = criteria.filter((c) => c.kind === "past_performance");
  const problems: string[] = [];
  if (pp.length > 1) problems.push("Höchstens ein Kriterium kann die Vorleistung sein.");
  if (pp.some((c) => c.isPrice)) problems.push("Der Preis kann nicht zugleich das Kriterium Vorleistung sein.");
  for (const c of pp) {
    if (!c.method) problems.push(`Für „${c.name}“ ist die Methode der Vorleistungswertung nicht festgelegt.`);
    else {
      const e = methodProblems(c.method, ctx);
      if (Object.keys(e).length) problems.push(`Vorleistung „${c.name}“: ${Object.values(e).join(" ")}`);
    }
  }
  return problems;
}
