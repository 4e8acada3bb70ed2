/**
 * The provider comparison (issue 12, DOMAIN.md § 5): from pseudonymous facts (one per
 * participation or assignment) to the figures per provider — every rate with its n and 95 %
 * interval, small cells suppressed (primary and secondary), actual against expected given the
 * clients (logistic regression, else indirect standardisation over strata), and the funnel plot's
 * points and limits. Pure: the service loads the facts (app/services/outcome-comparison.server.ts).
 */
import { addDays, addMonths, isIsoDate, parseDate } from "./time";
import { ageOn } from "./places";
import {
  auc,
  calibrationTable,
  fitLogistic,
  fixedUnknowns,
  funnelLimits,
  isSmall,
  median,
  predictLogistic,
  rateInterval,
  ratePosition,
  ratioFunnelLimits,
  ratioInterval,
  ratioPosition,
  cellKey,
  hosmerLemeshow,
  randomRound,
  recordKey,
  stratumRates,
  suppressColumn,
  type FunnelPosition,
  type LogisticFit,
} from "./outcome-stats";

// ---------------------------------------------------------------------------------------------
// Measures

export type MeasureKey = "integration" | "sustainability" | "dropout" | "exam" | "cost_per_integration" | "placement" | "days_to_placement" | "second_instalment" | "cost_per_lasting";
export type Line = "places" | "brokers";

export const PLACE_MEASURES: readonly MeasureKey[] = ["integration", "sustainability", "dropout", "exam", "cost_per_integration"];
export const BROKER_MEASURES: readonly MeasureKey[] = ["placement", "days_to_placement", "second_instalment", "cost_per_lasting"];
/** Measures that are a share k ÷ n (with an interval and a risk adjustment). */
export const RATE_MEASURES: readonly MeasureKey[] = ["integration", "sustainability", "dropout", "exam", "placement", "second_instalment"];
export const MEASURE_KEYS: readonly MeasureKey[] = [...PLACE_MEASURES, ...BROKER_MEASURES];

export const MEASURE_LABELS: Record<MeasureKey, string> = {
  integration: "Integrationsquote",
  sustainability: "Nachhaltigkeit (Verbleib nach sechs Monaten)",
  dropout: "Abbruchquote",
  exam: "Prüfungserfolg",
  cost_per_integration: "Kosten je Integration",
  placement: "Vermittlungsquote",
  days_to_placement: "Tage bis zur Vermittlung (Median)",
  second_instalment: "Anteil mit zweiter Rate",
  cost_per_lasting: "Kosten je Vermittlung über sechs Monate",
};

/** Plain-German definitions shown in the method section. */
export const MEASURE_DEFINITIONS: Record<MeasureKey, string> = {
  integration:
    "Austritte im Zeitraum, nach denen binnen sechs Monaten eine versicherungspflichtige Beschäftigung, eine Berufsausbildung oder eine Selbständigkeit begann, geteilt durch alle Austritte im Zeitraum. Gezählt werden nur Austritte, deren sechs Monate am Datenstand vorbei sind (der letzte Tag der sechs Monate ist abgelaufen): wer erst vor Kurzem ausgetreten ist, kann noch eine Arbeit finden und zählt deshalb noch nicht mit.",
  sustainability:
    "Integrationen (wie oben), bei denen sechs Monate später noch Beschäftigung, Ausbildung oder Selbständigkeit bestand, geteilt durch die Integrationen, deren Sechs-Monats-Verbleib erfasst ist. Gezählt werden nur Integrationen, deren Beginn am Datenstand mindestens sechs volle Monate zurückliegt.",
  dropout: "Eintritte im Zeitraum, die vorzeitig ohne Integration endeten (Abbruch), geteilt durch alle Eintritte im Zeitraum. Gezählt werden nur Teilnahmen, deren geplantes Ende am Datenstand vorbei ist: eine laufende Teilnahme kann noch abgebrochen werden.",
  exam: "Teilnehmende mit einer Prüfung im Zeitraum, die bestanden haben, geteilt durch alle Prüfungsteilnehmenden.",
  cost_per_integration:
    "Ausgezahlte Beträge für die Plätze des Trägers mit Austritt im Zeitraum (nur Austritte, deren sechs Monate am Datenstand vorbei sind), geteilt durch deren Integrationen. Ist für einen Träger im Zeitraum keine Zahlung erfasst, steht dort „keine Zahlungen erfasst“ statt 0 €; der Gesamtwert rechnet nur über die Träger mit erfassten Zahlungen.",
  placement: "Vermittlungsgutscheine und Zuweisungen mit Ausgabe im Zeitraum, zu denen ein anerkannter Vermittlungsnachweis vorliegt, geteilt durch alle Zuweisungen im Zeitraum.",
  days_to_placement: "Der Median der Tage von der Zuweisung bis zum Arbeitsvertrag, über die Vermittlungen (ohne Intervall; n = Zahl der Vermittlungen).",
  second_instalment: "Vermittlungen, deren zweite Rate (nach sechs Monaten Beschäftigung) erreicht wurde, geteilt durch alle Vermittlungen.",
  cost_per_lasting:
    "Ausgezahlte Vermittlungsvergütungen, geteilt durch die Vermittlungen, die sechs Monate gehalten haben (zweite Rate erreicht). Ist für einen Träger im Zeitraum keine Zahlung erfasst, steht dort „keine Zahlungen erfasst“; der Gesamtwert rechnet nur über die Träger mit erfassten Zahlungen.",
};

export function measuresOf(line: Line): readonly MeasureKey[] {
  return line === "places" ? PLACE_MEASURES : BROKER_MEASURES;
}
export function lineOf(measure: MeasureKey): Line {
  return PLACE_MEASURES.includes(measure) ? "places" : "brokers";
}
export function isMeasureKey(v: unknown): v is MeasureKey {
  return typeof v === "string" && (MEASURE_KEYS as readonly string[]).includes(v);
}

// ---------------------------------------------------------------------------------------------
// Covariates

export type AgeGroup = "u25" | "25to49" | "50plus" | "unknown";
export type UnemploymentBand = "lt12" | "12to23" | "24plus" | "unknown";
export type QualificationLevel = "none" | "vocational" | "academic" | "unknown";

export interface Covariates {
  ageGroup: AgeGroup;
  unemployment: UnemploymentBand;
  qualification: QualificationLevel;
  severelyDisabled: boolean;
  languageNeeds: boolean;
  /** The unemployment rate of the client's region in per cent (setting), null when not known. */
  regionalRate: number | null;
}

/** The qualification level from the free text of the client record. */
export function qualificationLevel(text: string | null | undefined): QualificationLevel {
  const t = (text ?? "").trim();
  if (t === "") return "unknown";
  if (/ohne\s+(berufs)?abschluss/i.test(t)) return "none";
  if (/studium|diplom|bachelor|master|ingenieur|hochschul/i.test(t)) return "academic";
  return "vocational";
}

export function ageGroup(birthDate: string | null, on: string): AgeGroup {
  if (!birthDate) return "unknown";
  const age = ageOn(birthDate, on);
  return age < 25 ? "u25" : age < 50 ? "25to49" : "50plus";
}

/** Months of unemployment on a day: under 12, 12–23, 24 and more, or unknown. */
export function unemploymentBand(since: string | null, on: string): UnemploymentBand {
  if (!since || since > on) return "unknown";
  if (addMonths(since, 12) > on) return "lt12";
  if (addMonths(since, 24) > on) return "12to23";
  return "24plus";
}

export interface ClientFacts {
  birthDate: string | null;
  unemployedSince: string | null;
  qualification: string;
  targetGroups: readonly string[];
  region: string;
}

export function covariatesOf(c: ClientFacts, on: string, regionalRates: ReadonlyMap<string, number>): Covariates {
  return {
    ageGroup: ageGroup(c.birthDate, on),
    unemployment: unemploymentBand(c.unemployedSince, on),
    qualification: qualificationLevel(c.qualification),
    severelyDisabled: c.targetGroups.includes("severely_disabled"),
    languageNeeds: c.targetGroups.includes("language_needs"),
    regionalRate: regionalRates.get(c.region.trim().toLowerCase()) ?? null,
  };
}

export { parseRegionalRates } from "./regional-rates";

// ---------------------------------------------------------------------------------------------
// Facts (pseudonymous: ids and dates, no names)

export interface PlaceFact {
  /** The participation's id (the record key of the perturbed counts; absent: derived from the fields). */
  id?: number;
  providerId: number;
  typeCode: string;
  region: string;
  entryDate: string | null;
  /** The planned end of the place; the drop-out rate counts an entry once it is over (absent: counted). */
  plannedEnd?: string | null;
  /** Null when the exit is not (yet) known at the data's date. */
  exitDate: string | null;
  /** Left early without an integration. */
  droppedOut: boolean;
  /** An integration within six months after the exit. */
  integrated: boolean;
  /** The day the integration began (null/absent: not known, the exit date stands in). */
  integratedOn?: string | null;
  /** Still integrated six months later: null when not recorded (yet). */
  sustained: boolean | null;
  /** Date of the (last) exam, null without one; passed: any exam passed. */
  examDate: string | null;
  examPassed: boolean;
  paidCents: number;
  covariates: Covariates;
}

export interface BrokerFact {
  /** The assignment's id (the record key of the perturbed counts; absent: derived from the fields). */
  id?: number;
  providerId: number;
  region: string;
  issuedOn: string;
  /** The contract date of the accepted placement, null when none. */
  placedOn: string | null;
  secondInstalment: boolean;
  paidCents: number;
  covariates: Covariates;
}

export interface Facts {
  places: PlaceFact[];
  brokers: BrokerFact[];
}

/** A region as the filter compares it (filterFacts): trimmed, lower case. */
function regionKey(r: string): string {
  return r.trim().toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Periods

export type PeriodKind = "year" | "rolling12" | "rolling24";
export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
  label: string;
}

const de = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

/** A calendar year, or the 12 / 24 months ending on `end` (inclusive). */
export function resolvePeriod(kind: PeriodKind, value: { year?: number; end?: string }): Period {
  if (kind === "year") {
    const y = value.year!;
    return { kind, from: `${y}-01-01`, to: `${y}-12-31`, label: `Kalenderjahr ${y}` };
  }
  const months = kind === "rolling12" ? 12 : 24;
  const to = value.end!;
  const from = addDays(addMonths(to, -months), 1);
  return { kind, from, to, label: `${months} Monate vom ${de(from)} bis ${de(to)}` };
}

export function inPeriod(date: string | null, p: { from: string; to: string }): boolean {
  return date !== null && date >= p.from && date <= p.to;
}

// ---------------------------------------------------------------------------------------------
// The query of the page (GET form)

export type AdjustMode = "raw" | "adjusted";
export interface ComparisonQuery {
  line: Line;
  measure: MeasureKey;
  typeCode: string | null;
  region: string | null;
  period: Period;
  adjust: AdjustMode;
}

export interface QueryInput {
  line?: string | null;
  measure?: string | null;
  type?: string | null;
  region?: string | null;
  period?: string | null;
  year?: string | null;
  end?: string | null;
  adjust?: string | null;
}

/**
 * The filters from the URL: defaults for what is empty, a German message for what is invalid
 * (the invalid value is replaced by its default so the page still shows figures). `errors` are
 * the page's messages (the problem and what is shown instead); `problems` the same per query
 * field without the replacement, for the API, which answers 400 instead of replacing.
 */
export function parseComparisonQuery(
  input: QueryInput,
  defaults: { period: PeriodKind; today: string; minYear: number },
): { query: ComparisonQuery; errors: string[]; problems: Partial<Record<keyof QueryInput, string>> } {
  const errors: string[] = [];
  const problems: Partial<Record<keyof QueryInput, string>> = {};
  const fail = (field: keyof QueryInput, problem: string, instead = "") => {
    errors.push(instead ? `${problem} ${instead}` : problem);
    problems[field] = problem;
  };
  const s = (v: string | null | undefined) => (v ?? "").trim();
  const line: Line = s(input.line) === "brokers" ? "brokers" : "places";
  if (s(input.line) && !["places", "brokers"].includes(s(input.line))) fail("line", "Unbekannter Bereich.", "Es werden Plätze und Maßnahmen gezeigt.");
  let measure: MeasureKey = measuresOf(line)[0];
  if (s(input.measure)) {
    if (isMeasureKey(s(input.measure))) {
      // A measure of the other line: the user switched the line, its first measure is shown.
      if (lineOf(s(input.measure) as MeasureKey) === line) measure = s(input.measure) as MeasureKey;
    } else fail("measure", `Die Kennzahl „${s(input.measure).slice(0, 40)}“ gibt es für diesen Bereich nicht.`, `Gezeigt wird die ${MEASURE_LABELS[measure]}.`);
  }
  const currentYear = Number(defaults.today.slice(0, 4));
  // A year without a period kind means that calendar year (as in the API), not the default window.
  let kind: PeriodKind = !s(input.period) && s(input.year) ? "year" : defaults.period;
  const rawKind = s(input.period);
  if (rawKind) {
    if (rawKind === "year" || rawKind === "rolling12" || rawKind === "rolling24") kind = rawKind;
    else fail("period", "Unbekannter Zeitraum: bitte Kalenderjahr, 12 oder 24 Monate wählen.");
  }
  let period: Period;
  if (kind === "year") {
    let year = currentYear - 1;
    const raw = s(input.year);
    if (raw) {
      if (!/^\d{4}$/.test(raw)) fail("year", `„${raw.slice(0, 40)}“ ist keine Jahreszahl.`, `Gezeigt wird ${year}.`);
      else if (Number(raw) > currentYear) fail("year", `${raw} liegt in der Zukunft.`, `Gezeigt wird ${year}.`);
      else if (Number(raw) < defaults.minYear) fail("year", `Für ${raw} gibt es keine Daten (erfasst ab ${defaults.minYear}).`, `Gezeigt wird ${year}.`);
      else year = Number(raw);
    }
    period = resolvePeriod("year", { year });
  } else {
    let end = defaults.today;
    const raw = s(input.end);
    if (raw) {
      const parsed = parseDate(raw);
      if (!parsed || !isIsoDate(parsed)) fail("end", `„${raw.slice(0, 40)}“ ist kein Datum (TT.MM.JJJJ).`, "Der Zeitraum endet heute.");
      else if (parsed > defaults.today) fail("end", "Das Ende des Zeitraums liegt in der Zukunft.", "Der Zeitraum endet heute.");
      else if (Number(parsed.slice(0, 4)) < defaults.minYear) fail("end", `Für ${parsed.slice(0, 4)} gibt es keine Daten (erfasst ab ${defaults.minYear}).`, "Der Zeitraum endet heute.");
      else end = parsed;
    }
    period = resolvePeriod(kind, { end });
  }
  if (s(input.adjust) && s(input.adjust) !== "raw" && s(input.adjust) !== "adjusted") fail("adjust", `Die Darstellung „${s(input.adjust).slice(0, 40)}“ gibt es nicht.`, "Gezeigt wird die tatsächliche Quote.");
  const adjust: AdjustMode = s(input.adjust) === "adjusted" && RATE_MEASURES.includes(measure) ? "adjusted" : "raw";
  if (s(input.adjust) === "adjusted" && adjust === "raw") fail("adjust", "Diese Kennzahl ist kein Anteil.", "Sie wird ohne Risikoadjustierung gezeigt.");
  return { query: { line, measure, typeCode: line === "places" ? s(input.type) || null : null, region: s(input.region) || null, period, adjust }, errors, problems };
}

// ---------------------------------------------------------------------------------------------
// Units of a measure: one per person in its denominator

export interface Unit {
  /** The record's id (its fact's id): the perturbed counts' record key. */
  id: number;
  providerId: number;
  /** 1/0 for a rate; the value (days) for days_to_placement. */
  y: number;
  /** Cents paid (cost measures). */
  cents: number;
  /** For cost measures: counts in the denominator (an integration / a lasting placement). */
  counts: boolean;
  /** The measure type (places): cost measures count a type's cases only where its payments are recorded; suppression works per type. */
  group?: string;
  /** The region as the filter compares it (trimmed, lower case): suppression works per region. */
  region?: string;
  covariates: Covariates;
}

const derivedIds = new WeakMap<object, number>();
/** A fact's id, or (facts built without one, e.g. in tests) a 32-bit hash of its fields. */
function factId(f: PlaceFact | BrokerFact): number {
  if (f.id !== undefined) return f.id;
  let id = derivedIds.get(f);
  if (id === undefined) {
    const text = JSON.stringify(f);
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    derivedIds.set(f, (id = h >>> 0));
  }
  return id;
}

/**
 * Whether a six-month window that began on `start` is over on the data's day `asOf` (DOMAIN.md
 * § 1.5: a period is complete only when its last day is over — start 16.04. → complete on 16.10.).
 */
export function sixMonthsOver(start: string, asOf: string): boolean {
  const same = addMonths(start, 6);
  // No corresponding day (31.03. → no 31.09.): the period ends with the month's last day (§ 188 Abs. 3 BGB), complete the day after.
  const complete = same.slice(8) === start.slice(8) ? same : addDays(same, 1);
  return complete <= asOf.slice(0, 10);
}

/**
 * The units of one measure in the period (facts already filtered by type and region). `asOf` is
 * the data's day (YYYY-MM-DD): an exit counts in the integration rate (and its cost) only when
 * its six months are over by then, an integration in the sustainability only when six months
 * after its start are over — otherwise recent exits would count as failures (censoring).
 */
export function unitsOf(measure: MeasureKey, facts: Facts, period: { from: string; to: string }, asOf: string, rules: { dropoutCountsRunning?: boolean } = {}): Unit[] {
  const u = (f: PlaceFact | BrokerFact, y: number, cents = 0, counts = false, group?: string): Unit => ({ id: factId(f), providerId: f.providerId, y, cents, counts, covariates: f.covariates, group, region: regionKey(f.region) });
  // sixMonthsOver once per distinct day (a few hundred days against thousands of participations).
  const overBy = new Map<string, boolean>();
  const over = (start: string) => {
    let v = overBy.get(start);
    if (v === undefined) overBy.set(start, (v = sixMonthsOver(start, asOf)));
    return v;
  };
  const exits = () => facts.places.filter((f) => inPeriod(f.exitDate, period) && over(f.exitDate!));
  const issued = () => facts.brokers.filter((f) => inPeriod(f.issuedOn, period));
  switch (measure) {
    case "integration":
      return exits().map((f) => u(f, f.integrated ? 1 : 0, 0, false, f.typeCode));
    case "sustainability":
      return facts.places
        .filter((f) => inPeriod(f.exitDate, period) && f.integrated && f.sustained !== null && over(f.integratedOn ?? f.exitDate!))
        .map((f) => u(f, f.sustained ? 1 : 0, 0, false, f.typeCode));
    case "dropout":
      // Only participations whose planned end is past the data's day: one still running may yet
      // end early, so counting it as "no drop-out" would make providers with recent entries look
      // better (the selection is by the plan, not by the outcome, so early drop-outs do not
      // weigh more either).
      return facts.places
        .filter((f) => inPeriod(f.entryDate, period) && (rules.dropoutCountsRunning || f.plannedEnd == null || f.plannedEnd < asOf))
        .map((f) => u(f, f.droppedOut ? 1 : 0, 0, false, f.typeCode));
    case "exam":
      return facts.places.filter((f) => inPeriod(f.examDate, period)).map((f) => u(f, f.examPassed ? 1 : 0, 0, false, f.typeCode));
    case "cost_per_integration":
      return exits().map((f) => u(f, 0, f.paidCents, f.integrated, f.typeCode));
    case "placement":
      return issued().map((f) => u(f, f.placedOn ? 1 : 0));
    case "days_to_placement":
      return issued()
        .filter((f) => f.placedOn)
        .map((f) => u(f, Math.max(0, Math.round((Date.parse(f.placedOn!) - Date.parse(f.issuedOn)) / 86400000))));
    case "second_instalment":
      return issued()
        .filter((f) => f.placedOn)
        .map((f) => u(f, f.secondInstalment ? 1 : 0));
    case "cost_per_lasting":
      return issued().map((f) => u(f, 0, f.paidCents, f.placedOn !== null && f.secondInstalment));
  }
}

// ---------------------------------------------------------------------------------------------
// Cells

export type Suppression = null | "small" | "secondary";
export interface Cell {
  /** Events (rates), cents paid (cost measures), placements (days). */
  k: number;
  /** The persons in the denominator (shown as n). */
  n: number;
  /** Share 0..1, cents per unit, or days; null when n = 0 or suppressed. */
  rate: number | null;
  low: number | null;
  high: number | null;
  method: "wilson" | "exact" | "median" | "ratio" | "none";
  suppressed: Suppression;
  /** Cost measures: no payment at all recorded for the provider(s) in the period — not "0 €" (rate null, k and n 0). */
  noPayments?: boolean;
}

/** The unsuppressed cell of a measure over some units. */
export function cellOf(measure: MeasureKey, units: readonly Unit[]): Cell {
  if (measure === "cost_per_integration" || measure === "cost_per_lasting") {
    // Only providers with payments recorded: a provider without any is not "0 €" (its costs are
    // simply not in the system), so its integrations would make everyone else look cheaper.
    // Per provider and measure type: over all types, a type without payments (youth measures paid
    // by others) must not add its integrations to the costs of another type.
    const key = (x: Unit) => `${x.providerId}|${x.group ?? ""}`;
    const paying = new Set<string>();
    for (const x of units) if (x.cents > 0) paying.add(key(x));
    const mine = units.filter((x) => paying.has(key(x)));
    if (units.length > 0 && mine.length === 0) return { k: 0, n: 0, rate: null, low: null, high: null, method: "ratio", suppressed: null, noPayments: true };
    const k = mine.reduce((a, x) => a + x.cents, 0);
    const n = mine.filter((x) => x.counts).length;
    // Paid without an integration: the amount is never shown (it is suppressed as a small cell).
    return { k, n, rate: n ? k / n : null, low: null, high: null, method: "ratio", suppressed: null };
  }
  if (measure === "days_to_placement") {
    return { k: units.length, n: units.length, rate: median(units.map((x) => x.y)), low: null, high: null, method: "median", suppressed: null };
  }
  const n = units.length;
  const k = units.reduce((a, x) => a + (x.y ? 1 : 0), 0);
  if (n === 0) return { k, n, rate: null, low: null, high: null, method: "none", suppressed: null };
  const ci = rateInterval(k, n);
  return { k, n, rate: k / n, low: ci.low, high: ci.high, method: ci.method, suppressed: null };
}

function hideCell(c: Cell, why: Suppression): Cell {
  return { ...c, k: 0, n: 0, rate: null, low: null, high: null, suppressed: why, noPayments: undefined };
}

/**
 * Whether a cell is a primary (small) cell by itself: fewer than minCell persons; a rate whose
 * numerator is 1 or 2 persons (0 < k < minCell: "1 of 15 placed" names the person as well as
 * n = 1 would) or whose complement is (0 < n − k < minCell: "14 of 15 placed" names the one who
 * was not); a cost cell with an amount paid but no integration / lasting placement (n = 0).
 * With `group` (the setting comparison.groupDisclosure), also a rate of 0 % or 100 %: "6 of 6
 * integrated" tells the outcome of every one of the six, and of every withheld cell inside it
 * (group disclosure, docs/decisions/0023).
 */
export function isPrimary(c: Cell, minCell: number, group = false): boolean {
  if (isSmall(c.n, minCell)) return true;
  const rate = c.method === "wilson" || c.method === "exact";
  if (rate && (isSmall(c.k, minCell) || isSmall(c.n - c.k, minCell))) return true;
  if (group && rate && c.n > 0 && (c.k === 0 || c.k === c.n)) return true;
  return c.method === "ratio" && c.n === 0 && c.k > 0;
}

/**
 * Primary and secondary suppression of one column (one measure over the providers) whose total is
 * published: primary cells (isPrimary) and the cells in `linked` (hidden because the base cell
 * they derive from is hidden) go through suppressColumn over the person counts n, which adds the
 * secondary ones; `totalLinked` hides the total as well. With `group`, 0 % and 100 % are primary
 * and the withheld cells of a rate must together be neither (isPrimary, suppressColumn). With
 * `insiders`, no withheld provider gets another's figure by subtracting its own (suppressColumn).
 */
export function suppressCells(cells: readonly Cell[], total: Cell, minCell: number, linked: ReadonlySet<number> = new Set(), totalLinked = false, group = false, insiders = true): { cells: Cell[]; total: Cell } {
  const primary = new Set<number>(linked);
  cells.forEach((c, i) => {
    if (isPrimary(c, minCell, group)) primary.add(i);
  });
  const { hidden, totalHidden } = suppressColumn(
    cells.map((c) => c.n),
    minCell,
    primary,
    group && isRateCell(total) ? cells.map((c) => c.k) : undefined,
    insiders,
  );
  const totalPrimary = isPrimary(total, minCell, group);
  return {
    // "< 3" only where the person count itself is small; a cell hidden for its numerator, its base
    // cell or as a complement is "gesperrt" (its n is not below 3, and the page must not say so).
    cells: cells.map((c, i) => (hidden.has(i) ? hideCell(c, isSmall(c.n, minCell) ? "small" : "secondary") : c)),
    total: totalHidden || totalPrimary || totalLinked ? hideCell(total, isSmall(total.n, minCell) ? "small" : "secondary") : total,
  };
}

/** A proportion (k of n persons), as opposed to a cost ratio or a median. */
function isRateCell(c: Cell): boolean {
  return c.method === "wilson" || c.method === "exact";
}

/** The rounding base of perturbed counts: every published count of a rolling period is a multiple of it. */
export const PERTURBATION_BASE = 3;

/**
 * A published cell of a rolling period with its counts perturbed (DOMAIN.md § 4; docs/decisions/
 * 0023): overlapping periods can be subtracted from each other and from calendar years, so a count
 * withheld in one period would follow from two others published exactly. The events and the
 * non-events are each randomly rounded to a multiple of PERTURBATION_BASE, driven by the cell key
 * of their records (the same persons, the same figure, in every view); n is their sum, rate and
 * interval follow from the rounded counts. Cost measures round the number of integrations and keep
 * the amount per integration (the sum paid becomes amount × rounded n). Days to placement: n is
 * rounded, the median stays. Withheld and empty cells stay as they are.
 */
export function perturbCell(measure: MeasureKey, c: Cell, units: readonly Unit[], salt: number, base = PERTURBATION_BASE): Cell {
  if (c.suppressed !== null || c.n === 0) return c;
  const keyOf = (us: readonly Unit[]) => cellKey(us.map((x) => recordKey(x.id, salt)));
  if (c.method === "ratio") {
    // The integrations counted in n (cellOf: those of a provider and type with payments recorded).
    const group = (x: Unit) => `${x.providerId}|${x.group ?? ""}`;
    const paying = new Set(units.filter((x) => x.cents > 0).map(group));
    const n = randomRound(c.n, keyOf(units.filter((x) => x.counts && paying.has(group(x)))), base);
    return { ...c, n, k: c.rate === null ? c.k : Math.round(c.rate * n) };
  }
  if (c.method === "median") {
    const n = randomRound(c.n, keyOf(units), base);
    return { ...c, n, k: n };
  }
  const k = randomRound(c.k, keyOf(units.filter((x) => x.y)), base);
  const n = k + randomRound(c.n - c.k, keyOf(units.filter((x) => !x.y)), base);
  // Only an unsuppressed small cell (suppress: false) can round to nothing.
  if (n === 0) return { ...c, k, n, rate: null, low: null, high: null };
  const ci = rateInterval(k, n);
  return { ...c, k, n, rate: k / n, low: ci.low, high: ci.high, method: ci.method };
}

/**
 * The model's counts in a perturbed view: its n and events are the published overall; the
 * calibration groups' and strata's counts are randomly rounded as well (each with its own key
 * from the records' cell key), so their sums do not give the exact total back.
 */
function perturbModel(model: ModelSummary, overall: Cell, units: readonly Unit[], salt: number, scale: number): ModelSummary {
  const seed = Math.floor(cellKey(units.map((x) => recordKey(x.id, salt))) * 4294967296);
  const r = (count: number, i: number) => randomRound(count, recordKey(i, seed), PERTURBATION_BASE);
  const calibration = model.calibration.map((g, i) => {
    const n = r(g.n, 2 * i);
    const expected = g.expected * scale;
    return { n, observed: r(g.observed, 2 * i + 1), expected, meanPredicted: n > 0 ? expected / n : g.meanPredicted };
  });
  return {
    ...model,
    // The reason in words with the published counts, not the exact ones.
    reason: modelReason(model.basis, overall.n, overall.k, true),
    n: overall.n,
    events: overall.k,
    calibration,
    // The test from the published table (from the exact one it would be a further exact figure).
    hosmerLemeshow: model.hosmerLemeshow ? (({ hosmerLemeshow: statistic, df, pValue }) => ({ statistic, df, pValue }))(hosmerLemeshow(calibration)) : null,
    strata: model.strata.map((st, i) => {
      const n = r(st.n, 1000 + 2 * i);
      const events = Math.min(n, r(st.events, 1001 + 2 * i));
      return { ...st, n, events, rate: n > 0 ? events / n : 0 };
    }),
  };
}

/**
 * Cells derived from a base cell of the same provider: hidden whenever the base cell is hidden
 * (the base is computed first; links chain). The cost per lasting placement counts the
 * placements that reached the second instalment, so its n is the second-instalment figure's k:
 * published beside a withheld second-instalment cell it gave that cell away (a user walk solved
 * 17 such cells, e.g. placement 3 of 28, cost n = 3, so the second instalment was 3 of 3).
 */
export const LINKED_TO: Partial<Record<MeasureKey, MeasureKey>> = {
  sustainability: "integration",
  cost_per_integration: "integration",
  days_to_placement: "placement",
  second_instalment: "placement",
  cost_per_lasting: "second_instalment",
};

// ---------------------------------------------------------------------------------------------
// Risk adjustment

interface Variable {
  label: string;
  value: (c: Covariates) => number;
}

/** Every variable the model knows (reference groups: 25–49 years, under 12 months, vocational qualification). */
function modelVariables(units: readonly Unit[]): Variable[] {
  const known = units.map((x) => x.covariates.regionalRate).filter((r): r is number => r !== null);
  const meanRate = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  const vars: Variable[] = [
    { label: "Alter unter 25 Jahren", value: (c) => (c.ageGroup === "u25" ? 1 : 0) },
    { label: "Alter 50 Jahre und älter", value: (c) => (c.ageGroup === "50plus" ? 1 : 0) },
    { label: "arbeitslos 12 bis 23 Monate", value: (c) => (c.unemployment === "12to23" ? 1 : 0) },
    { label: "arbeitslos 24 Monate und länger", value: (c) => (c.unemployment === "24plus" ? 1 : 0) },
    { label: "Dauer der Arbeitslosigkeit unbekannt", value: (c) => (c.unemployment === "unknown" ? 1 : 0) },
    { label: "ohne Berufsabschluss", value: (c) => (c.qualification === "none" ? 1 : 0) },
    { label: "Hochschulabschluss", value: (c) => (c.qualification === "academic" ? 1 : 0) },
    { label: "Qualifikation unbekannt", value: (c) => (c.qualification === "unknown" ? 1 : 0) },
    { label: "schwerbehindert", value: (c) => (c.severelyDisabled ? 1 : 0) },
    { label: "Sprachförderbedarf", value: (c) => (c.languageNeeds ? 1 : 0) },
  ];
  if (known.length) vars.push({ label: "Arbeitslosenquote der Region (Prozentpunkte über dem Mittel)", value: (c) => (c.regionalRate ?? meanRate) - meanRate });
  return vars;
}

function varies(v: Variable, units: readonly Unit[]): boolean {
  const first = units.length ? v.value(units[0].covariates) : 0;
  return units.some((x) => v.value(x.covariates) !== first);
}

/** The model's candidate variables: a variable that does not vary among the units cannot be estimated. */
export function candidateVariables(units: readonly Unit[]): Variable[] {
  return modelVariables(units).filter((v) => varies(v, units));
}

/** The model's variables left out because every case has the same value (the "unknown" groups not counted: all known is normal). */
export function constantVariables(units: readonly Unit[]): string[] {
  if (!units.length) return [];
  return modelVariables(units)
    .filter((v) => !v.label.includes("unbekannt") && !varies(v, units))
    .map((v) => v.label);
}

export function stratumKey(c: Covariates): string {
  const age = { u25: "unter 25", "25to49": "25–49", "50plus": "50+", unknown: "Alter unbekannt" }[c.ageGroup];
  const un = { lt12: "< 12 Monate arbeitslos", "12to23": "12–23 Monate arbeitslos", "24plus": "24+ Monate arbeitslos", unknown: "Dauer unbekannt" }[c.unemployment];
  return `${age} · ${un}`;
}

/** Minimum events (the rarer outcome) per model variable before a regression is trusted. */
export const EVENTS_PER_VARIABLE = 10;

/** Why the model is what it is, as data (the reason's words are built from it: modelReason). */
export type ModelBasis =
  | { kind: "regression"; constant: string[]; expectedSum: number }
  | { kind: "noVariation" }
  | { kind: "tooFewEvents"; variables: number }
  | { kind: "notEstimable" };

export interface ModelSummary {
  method: "regression" | "strata";
  basis: ModelBasis;
  reason: string;
  variables: { label: string; coef: number; se: number; oddsRatio: number }[];
  intercept: number | null;
  /** Standard error of the intercept (regression only): with the coefficients an auditor can reproduce expected values. */
  interceptSe?: number | null;
  auc: number | null;
  calibration: { n: number; expected: number; observed: number; meanPredicted: number }[];
  hosmerLemeshow: { statistic: number; df: number; pValue: number } | null;
  strata: { key: string; n: number; events: number; rate: number }[];
  n: number;
  events: number;
}

/**
 * The model's reason in words, from its basis and the counts it names. Rounded (rolling periods):
 * the published counts, said to be rounded, and no note that would need the exact number of events.
 */
export function modelReason(b: ModelBasis, n: number, events: number, rounded = false): string {
  switch (b.kind) {
    case "regression": {
      const constant = b.constant.length ? ` Nicht im Modell, weil bei allen Fällen gleich: ${b.constant.join(", ")}.` : "";
      if (rounded) return `Logistische Regression mit Firth-Korrektur über alle Fälle des Zeitraums (${n} Fälle, ${events} Ereignisse, beide zufällig auf Vielfache von ${PERTURBATION_BASE} gerundet; die erwarteten Werte sind auf diese Zahl der Ereignisse umgerechnet).${constant}`;
      // Firth's estimates are not exactly "mean-preserving": say how far the expected total is off.
      const firth = Math.abs(b.expectedSum - events) >= 0.05 ? ` Die Summe der Erwartungen (${b.expectedSum.toFixed(1).replace(".", ",")}) weicht wegen der Firth-Korrektur leicht von den ${events} beobachteten Ereignissen ab.` : "";
      return `Logistische Regression mit Firth-Korrektur über alle ${n} Fälle des Zeitraums (${events} Ereignisse).${constant}${firth}`;
    }
    case "noVariation":
      return "Die Merkmale der Kundinnen und Kunden unterscheiden sich nicht; es wird über Schichten standardisiert.";
    case "tooFewEvents":
      return `Zu wenige Ereignisse für ein Regressionsmodell (${Math.min(events, n - events)} bei ${b.variables} Merkmalen; nötig sind mindestens ${EVENTS_PER_VARIABLE} je Merkmal): indirekte Standardisierung über Schichten.`;
    case "notEstimable":
      return "Das Regressionsmodell ließ sich nicht schätzen (Merkmale trennen die Ergebnisse vollständig oder sind voneinander abhängig): indirekte Standardisierung über Schichten.";
  }
}

/** Each unit's expected probability, and the model used to get it. */
export function riskAdjust(units: readonly Unit[]): { predicted: number[]; model: ModelSummary } {
  const y = units.map((u) => (u.y ? 1 : 0));
  const events = y.reduce<number>((a, b) => a + b, 0);
  const rarer = Math.min(events, units.length - events);
  const vars = candidateVariables(units);
  let fit: LogisticFit | null = null;
  let x: number[][] | null = null;
  let basis: ModelBasis = { kind: "noVariation" };
  if (vars.length > 0 && rarer < EVENTS_PER_VARIABLE * vars.length) basis = { kind: "tooFewEvents", variables: vars.length };
  else if (vars.length > 0) {
    x = units.map((u) => vars.map((v) => v.value(u.covariates)));
    fit = fitLogistic(x, y, { firth: true });
    if (!fit || !fit.converged) {
      fit = null;
      basis = { kind: "notEstimable" };
    }
  }
  if (fit) {
    const predicted = x!.map((row) => predictLogistic(fit!.coef, row));
    const cal = calibrationTable(predicted, y);
    const regression: ModelBasis = { kind: "regression", constant: constantVariables(units), expectedSum: predicted.reduce((a, b) => a + b, 0) };
    return {
      predicted,
      model: {
        method: "regression",
        basis: regression,
        reason: modelReason(regression, units.length, events),
        variables: vars.map((v, j) => ({ label: v.label, coef: fit!.coef[j + 1], se: fit!.se[j + 1], oddsRatio: Math.exp(fit!.coef[j + 1]) })),
        intercept: fit.coef[0],
        interceptSe: fit.se[0],
        auc: auc(predicted, y),
        calibration: cal.groups,
        hosmerLemeshow: { statistic: cal.hosmerLemeshow, df: cal.df, pValue: cal.pValue },
        strata: [],
        n: units.length,
        events,
      },
    };
  }
  const keys = units.map((u) => stratumKey(u.covariates));
  const strata = stratumRates(keys, y);
  const predicted = keys.map((k) => strata.get(k)!.rate);
  return {
    predicted,
    model: {
      method: "strata",
      basis,
      reason: modelReason(basis, units.length, events),
      variables: [],
      intercept: null,
      auc: units.length ? auc(predicted, y) : null,
      calibration: [],
      hosmerLemeshow: null,
      strata: [...strata.entries()].map(([key, s]) => ({ key, ...s })).sort((a, b) => a.key.localeCompare(b.key, "de")),
      n: units.length,
      events,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// compare()

export interface ProviderRow {
  providerId: number;
  /** Every measure of the line as a cell (suppressed where needed). */
  cells: Partial<Record<MeasureKey, Cell>>;
  /** The selected measure: expected events, O/E ratio and its interval (null without adjustment or when suppressed). */
  expected: number | null;
  expectedRate: number | null;
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  /** Position on the funnel plot of the selected view (null: not plotted). */
  position: FunnelPosition | null;
}

export interface FunnelPoint {
  providerId: number;
  x: number;
  y: number;
  n: number;
  limits: { low95: number; high95: number; low998: number; high998: number };
  position: FunnelPosition;
}

export interface FunnelData {
  kind: "rate" | "ratio";
  /** The centre line: the overall rate, or 1 for ratios. */
  centre: number;
  points: FunnelPoint[];
  curve: { x: number; low95: number; high95: number; low998: number; high998: number }[];
  /** Providers outside the 95 % (and 99.8 %) limits. */
  outside: { providerId: number; position: FunnelPosition }[];
  /** Providers not plotted because their cell is suppressed (not the ones without cases). */
  notPlotted: number;
  /** Providers without any case for the measure (they appear only for other measures of the line). */
  noCases: number;
}

export interface Comparison {
  measure: MeasureKey;
  line: Line;
  period: { from: string; to: string };
  rows: ProviderRow[];
  overall: Partial<Record<MeasureKey, Cell>>;
  adjustment: "regression" | "strata" | "none";
  model: ModelSummary | null;
  funnel: FunnelData | null;
  /** There are cases for the measure, but every provider's cell is suppressed: the figures are withheld because of small numbers (not "no data"). */
  allSuppressed: boolean;
}

export interface CompareOptions {
  measure: MeasureKey;
  period: { from: string; to: string };
  typeCode?: string | null;
  region?: string | null;
  adjust: AdjustMode;
  minCell: number;
  /** Skip suppression (internal use, e.g. the tender's past performance computes points itself). */
  suppress?: boolean;
  /** The data's day (YYYY-MM-DD; an ISO instant's date part is used): six-month windows not over by then are not counted. */
  asOf: string;
  /** Skip the funnel's limit curves (figures only, e.g. past performance). */
  funnel?: boolean;
  /** The drop-out rate as defined before 07.12.2026 (every entry counts): for tenders frozen with that definition. */
  dropoutCountsRunning?: boolean;
  /** Perturb the published counts (rolling periods: perturbCell) with this installation's secret salt. */
  perturbSalt?: number;
  /** Withhold rates of 0 % and 100 % and uniform groups of withheld cells (the setting comparison.groupDisclosure; isPrimary). */
  groupDisclosure?: boolean;
  /** Protect withheld cells against a withheld provider subtracting its own figure (the setting comparison.insiderProtection; suppressColumn). Undefined: on. */
  insiders?: boolean;
}

/** ~60 x values from 1 to max, spaced evenly on a square-root scale (dense where the funnel bends). */
export function curveXs(max: number, count = 60, min = 1): number[] {
  const top = Math.max(max, min + 1);
  const xs: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = i / (count - 1);
    xs.push((Math.sqrt(min) + t * (Math.sqrt(top) - Math.sqrt(min))) ** 2);
  }
  return xs;
}

export function filterFacts(facts: Facts, f: { typeCode?: string | null; region?: string | null }): Facts {
  const region = (r: string) => !f.region || regionKey(r) === regionKey(f.region);
  return {
    places: facts.places.filter((p) => (!f.typeCode || p.typeCode === f.typeCode) && region(p.region)),
    brokers: facts.brokers.filter((b) => region(b.region)),
  };
}

/** The regions with records in the facts (one spelling per region as the filter compares them) and the chosen one, sorted: the region filter's choices. */
export function regionsOf(facts: Facts, chosen: string | null = null): string[] {
  const byKey = new Map<string, string>(chosen ? [[regionKey(chosen), chosen]] : []);
  for (const f of [...facts.places, ...facts.brokers]) if (f.region.trim() && !byKey.has(regionKey(f.region))) byKey.set(regionKey(f.region), f.region.trim());
  return [...byKey.values()].sort((a, b) => a.localeCompare(b, "de"));
}

/** "All types" / "all regions" in tableSuppression's keys. */
const ALL = "*";
/** What tableSuppression withholds in one view (a type or all, a region or all): providers and the view's total. */
export interface ViewHidden {
  providers: Set<number>;
  total: boolean;
}

/**
 * Suppression across the views (measure type × region × provider): a provider's figure over all
 * types is the sum of its figures per type, and its figure over all regions the sum of its figures
 * per region, so one withheld cell could be worked out as "all minus the others" (a user walk
 * found 34 such cells by type in 2006–2008, e.g. BaE 2 of 12 = 9/78 − 3/16 − 4/50; regions add
 * up the same way). The table of every provider (and the totals' row) × every type (and all) ×
 * every region (and all) is therefore suppressed as a whole: primary cells, then secondary ones on
 * every line of the table — each view's providers with its total, each provider's types with its
 * figure over all types, its regions with its figure over all regions — until nothing changes,
 * and no withheld cell may be a bridge in any two-dimensional slice of the table (breakBridge).
 * Every view then withholds at least what this table withholds, so all views agree. The brokers'
 * line has no types, so its table is provider × region; with a single region the region views are
 * the all-regions view. Overlapping periods are not covered: their counts are perturbed
 * (perturbCell, docs/decisions/0023).
 */
export function tableSuppression(
  all: Facts,
  o: Pick<CompareOptions, "period" | "asOf" | "minCell" | "dropoutCountsRunning" | "groupDisclosure" | "insiders">,
  line: Line,
  measures: readonly MeasureKey[],
): { view: (measure: MeasureKey, typeCode: string | null | undefined, region: string | null | undefined) => ViewHidden | undefined } {
  const facts: Facts = line === "places" ? { places: all.places, brokers: [] } : { places: [], brokers: all.brokers };
  const types = line === "places" ? [...new Set(all.places.map((p) => p.typeCode))].sort() : [];
  const regionsPresent = [...new Set((line === "places" ? all.places : all.brokers).map((f) => regionKey(f.region)))].sort();
  // One region (or none recorded): every region view is the all-regions view.
  const regions = regionsPresent.length > 1 ? regionsPresent : [];
  const tcols = [ALL, ...types];
  const rcols = [ALL, ...regions];
  const rowOf = (p: number | "T") => String(p);
  const key = (row: string, t: string, r: string) => `${row}\u0002${t}\u0002${r}`;
  const result = new Map<MeasureKey, Map<string, ViewHidden>>();
  for (const m of measures) {
    // The units once, each in every cell it counts in: its provider and the totals' row × its type and all × its region and all.
    const units = unitsOf(m, facts, o.period, o.asOf, o);
    const unitsBy = new Map<string, Unit[]>();
    const providers = new Set<number>();
    for (const u of units) {
      providers.add(u.providerId);
      for (const row of [rowOf(u.providerId), "T"])
        for (const t of types.length ? [u.group ?? "", ALL] : [ALL])
          for (const r of regions.length ? [u.region ?? "", ALL] : [ALL]) {
            const k = key(row, t, r);
            (unitsBy.get(k) ?? unitsBy.set(k, []).get(k)!).push(u);
          }
    }
    const rows = [...[...providers].sort((a, b) => a - b).map(rowOf), "T"];
    const cells = new Map<string, Cell>([...unitsBy].map(([k, us]) => [k, cellOf(m, us)]));
    const n = (k: string) => cells.get(k)!.n;
    const events = (k: string) => cells.get(k)!.k;
    const group = !!o.groupDisclosure;
    const groupRate = group && RATE_MEASURES.includes(m);
    const hidden = new Set<string>();
    // The slices to look at again for bridges: those holding a cell withheld since their last look.
    const dirty = new Set<number>();
    const slicesOf = new Map<string, number[]>();
    const hide = (k: string) => {
      if (hidden.has(k)) return false;
      hidden.add(k);
      slicesOf.get(k)?.forEach((i) => dirty.add(i));
      return true;
    };
    const base = LINKED_TO[m] ? result.get(LINKED_TO[m]!) : undefined;
    for (const [k, c] of cells) {
      const [row, t, r] = k.split("\u0002");
      const b = base?.get(`${t}\u0002${r}`);
      if (isPrimary(c, o.minCell, group) || (row === "T" ? b?.total : b?.providers.has(Number(row)))) hide(k);
    }
    // The lines: members adding up to a total. A provider's line whose total is withheld gives nothing away by itself (the slices' bridges cover it).
    // `insiders`: the members are different providers, each knowing its own figure (suppressColumn).
    const lines: { members: string[]; total: string; skipWhenTotalHidden: boolean; insiders: boolean }[] = [];
    const present = (ks: string[]) => ks.filter((k) => cells.has(k));
    for (const t of tcols)
      for (const r of rcols) {
        const total = key("T", t, r);
        if (cells.has(total)) lines.push({ members: present(rows.filter((x) => x !== "T").map((row) => key(row, t, r))), total, skipWhenTotalHidden: false, insiders: o.insiders !== false });
      }
    for (const row of rows) {
      if (types.length)
        for (const r of rcols) {
          const total = key(row, ALL, r);
          if (cells.has(total)) lines.push({ members: present(types.map((t) => key(row, t, r))), total, skipWhenTotalHidden: true, insiders: false });
        }
      if (regions.length)
        for (const t of tcols) {
          const total = key(row, t, ALL);
          if (cells.has(total)) lines.push({ members: present(regions.map((r) => key(row, t, r))), total, skipWhenTotalHidden: true, insiders: false });
        }
    }
    // The two-dimensional slices (one axis fixed), each with its margins.
    const slices: { a: string; b: string; key: string }[][] = [];
    const slice = (pairs: [string, string, string][]) => slices.push(pairs.filter(([, , k]) => cells.has(k)).map(([a, b, k]) => ({ a, b, key: k })));
    if (types.length) for (const r of rcols) slice(rows.flatMap((row) => tcols.map((t): [string, string, string] => [row, t, key(row, t, r)])));
    if (regions.length) for (const t of tcols) slice(rows.flatMap((row) => rcols.map((r): [string, string, string] => [row, r, key(row, t, r)])));
    if (types.length && regions.length) for (const row of rows) slice(tcols.flatMap((t) => rcols.map((r): [string, string, string] => [t, r, key(row, t, r)])));
    slices.forEach((s, i) => {
      dirty.add(i);
      for (const x of s) (slicesOf.get(x.key) ?? slicesOf.set(x.key, []).get(x.key)!).push(i);
    });
    // One bridge per slice and pass (each slice against the cells withheld so far); a slice without a bridge is looked at again only once a cell of it is withheld.
    const bridgeOnce = () => {
      let any = false;
      for (const i of [...dirty].sort((x, y) => x - y)) {
        dirty.delete(i);
        const k = breakBridge(slices[i].map((x) => ({ ...x, n: n(x.key), hidden: hidden.has(x.key) })));
        k.forEach(hide);
        if (k.length) any = true;
      }
      return any;
    };
    // The line rule and the slices' bridges, until nothing changes.
    const settle = () => {
      for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
        changed = false;
        if (rounds > 0 && bridgeOnce()) changed = true;
        for (const l of lines) {
          if (l.skipWhenTotalHidden && hidden.has(l.total)) continue;
          const { hidden: idx, totalHidden } = suppressColumn(
            l.members.map(n),
            o.minCell,
            new Set(l.members.flatMap((k, i) => (hidden.has(k) ? [i] : []))),
            groupRate ? l.members.map(events) : undefined,
            l.insiders,
          );
          for (const i of idx) if (hide(l.members[i])) changed = true;
          if (totalHidden && hide(l.total)) changed = true;
        }
      }
      // The line rule has settled: one more look for a cell a linear solve would give away.
      while (bridgeOnce()) {
        /* each pass withholds one cell more; the loop ends because the cells are finite */
      }
    };
    settle();
    // Three dimensions (types and regions): no graph rule is exact, so an audit solves the table as an
    // attacker would (every line an equation, the withheld cells the unknowns); for each withheld cell
    // it fixes, the smallest published cell on one of its lines is withheld too, until none is fixed.
    if (types.length && regions.length) {
      const linesOf = new Map<string, number[]>();
      lines.forEach((l, i) => [...l.members, l.total].forEach((k) => (linesOf.get(k) ?? linesOf.set(k, []).get(k)!).push(i)));
      for (let pass = 0; pass < 100; pass++) {
        const unknown = [...hidden];
        const index = new Map(unknown.map((k, i) => [k, i]));
        const equations = lines.map((l) => {
          const eq = new Map<number, number>();
          for (const k of l.members) if (index.has(k)) eq.set(index.get(k)!, 1);
          if (index.has(l.total)) eq.set(index.get(l.total)!, -1);
          return eq;
        });
        const fixed = fixedUnknowns(equations.filter((eq) => eq.size > 0));
        if (fixed.size === 0) break;
        for (const i of fixed) {
          const next = (linesOf.get(unknown[i]) ?? [])
            .flatMap((li) => [...lines[li].members, lines[li].total])
            .filter((k) => !hidden.has(k))
            .sort((a, b) => n(a) - n(b) || a.localeCompare(b))[0];
          if (next) hide(next);
        }
        settle();
      }
    }
    const views = new Map<string, ViewHidden>();
    for (const t of tcols) for (const r of rcols) views.set(`${t}\u0002${r}`, { providers: new Set(), total: hidden.has(key("T", t, r)) });
    for (const k of hidden) {
      const [row, t, r] = k.split("\u0002");
      if (row !== "T") views.get(`${t}\u0002${r}`)?.providers.add(Number(row));
    }
    result.set(m, views);
  }
  return {
    // A region without records has nothing withheld (its view is empty); with one region only, its view is the all-regions view.
    view: (measure, typeCode, region) =>
      region && !regionsPresent.includes(regionKey(region)) ? undefined : result.get(measure)?.get(`${types.length && typeCode ? typeCode : ALL}\u0002${regions.length && region ? regionKey(region) : ALL}`),
  };
}

/**
 * A two-dimensional table with its margins (e.g. provider × type with each provider's all-types
 * figure, each type's total and the grand total) as a bipartite graph: one node per row value
 * (a), one per column value (b), one edge per withheld cell. A withheld cell is worked out exactly
 * from the published ones by a linear solve if and only if its edge lies on no cycle — it is a
 * bridge (Gusfield 1988; a user walk solved 44 cells of one year this way). For the first bridge
 * found, the smallest published cell that closes a cycle through it is to be withheld too (a cell
 * joining the bridge's two sides). Returns the keys of the cells to withhold (none: no bridge).
 */
function breakBridge(cells: readonly { a: string; b: string; key: string; n: number; hidden: boolean }[]): string[] {
  const rowNode = (x: { a: string }) => `r:${x.a}`;
  const colNode = (x: { b: string }) => `c:${x.b}`;
  const edges = cells.filter((x) => x.hidden);
  if (edges.length === 0) return [];
  const adj = new Map<string, { to: string; edge: number }[]>();
  edges.forEach((e, i) => {
    const [r, c] = [rowNode(e), colNode(e)];
    (adj.get(r) ?? adj.set(r, []).get(r)!).push({ to: c, edge: i });
    (adj.get(c) ?? adj.set(c, []).get(c)!).push({ to: r, edge: i });
  });
  // Bridges (Tarjan's low-link, iterative).
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  let bridge = -1;
  for (const start of adj.keys()) {
    if (order.has(start) || bridge >= 0) continue;
    const stack: { node: string; via: number; next: number }[] = [{ node: start, via: -1, next: 0 }];
    order.set(start, order.size);
    low.set(start, order.get(start)!);
    while (stack.length && bridge < 0) {
      const top = stack[stack.length - 1];
      const list = adj.get(top.node)!;
      if (top.next < list.length) {
        const { to, edge } = list[top.next++];
        if (edge === top.via) continue;
        if (order.has(to)) low.set(top.node, Math.min(low.get(top.node)!, order.get(to)!));
        else {
          order.set(to, order.size);
          low.set(to, order.get(to)!);
          stack.push({ node: to, via: edge, next: 0 });
        }
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) {
          low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
          if (low.get(top.node)! > order.get(parent.node)!) bridge = top.via;
        }
      }
    }
  }
  if (bridge < 0) return [];
  // The bridge's two sides: the nodes reachable from one end without crossing it.
  const e = edges[bridge];
  const reach = (from: string) => {
    const seen = new Set<string>([from]);
    const queue = [from];
    while (queue.length) {
      const node = queue.pop()!;
      for (const { to, edge } of adj.get(node)!) if (edge !== bridge && !seen.has(to)) seen.add(to), queue.push(to);
    }
    return seen;
  };
  const side = reach(rowNode(e));
  const other = reach(colNode(e));
  const joins = cells
    .filter((x) => !x.hidden && ((side.has(rowNode(x)) && other.has(colNode(x))) || (other.has(rowNode(x)) && side.has(colNode(x)))))
    .sort((x, y) => x.n - y.n || rowNode(x).localeCompare(rowNode(y)) || colNode(x).localeCompare(colNode(y)));
  if (joins.length > 0) return [joins[0].key];
  // No published cell joins the two sides (cannot happen while the margins are present): withhold every published cell of the bridge's row.
  return cells.filter((x) => !x.hidden && x.a === e.a).map((x) => x.key);
}

const tables = new WeakMap<Facts, Map<string, ReturnType<typeof tableSuppression>>>();
/** tableSuppression, kept with the facts: every view (type, region, measure) of the same facts and period shares one table. */
function tableSuppressionOf(all: Facts, o: CompareOptions, line: Line, measures: readonly MeasureKey[]): ReturnType<typeof tableSuppression> {
  const key = JSON.stringify([line, o.period.from, o.period.to, o.asOf, o.minCell, !!o.dropoutCountsRunning, !!o.groupDisclosure, o.insiders !== false]);
  let byKey = tables.get(all);
  if (!byKey) tables.set(all, (byKey = new Map()));
  let t = byKey.get(key);
  if (!t) {
    if (byKey.size >= 16) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, (t = tableSuppression(all, o, line, measures)));
  }
  return t;
}

export function compare(all: Facts, o: CompareOptions): Comparison {
  const facts = filterFacts(all, o);
  const line = lineOf(o.measure);
  const measures = measuresOf(line);
  const suppress = o.suppress !== false;
  const matrix = suppress ? tableSuppressionOf(all, o, line, measures) : null;
  const unitsBy = new Map(measures.map((m) => [m, unitsOf(m, facts, o.period, o.asOf, o)] as const));
  const providerIds = [...new Set(measures.flatMap((m) => unitsBy.get(m)!.map((u) => u.providerId)))].sort((a, b) => a - b);
  const cells = new Map<number, Partial<Record<MeasureKey, Cell>>>(providerIds.map((id) => [id, {}]));
  const overall: Partial<Record<MeasureKey, Cell>> = {};
  for (const m of measures) {
    const units = unitsBy.get(m)!;
    const byProvider = new Map<number, Unit[]>(providerIds.map((id) => [id, []]));
    for (const u of units) byProvider.get(u.providerId)!.push(u);
    const raw = providerIds.map((id) => cellOf(m, byProvider.get(id)!));
    const total = cellOf(m, units);
    const base = LINKED_TO[m];
    const linked = new Set<number>();
    if (base) providerIds.forEach((id, i) => cells.get(id)![base]?.suppressed && linked.add(i));
    // Withheld across the types and regions, too: what the whole table withholds in this view.
    const across = matrix?.view(m, o.typeCode, o.region);
    if (across) providerIds.forEach((id, i) => across.providers.has(id) && linked.add(i));
    const out = suppress ? suppressCells(raw, total, o.minCell, linked, !!(base && overall[base]?.suppressed) || !!across?.total, !!o.groupDisclosure, o.insiders !== false) : { cells: raw, total };
    const salt = o.perturbSalt;
    providerIds.forEach((id, i) => (cells.get(id)![m] = salt === undefined ? out.cells[i] : perturbCell(m, out.cells[i], byProvider.get(id)!, salt)));
    overall[m] = salt === undefined ? out.total : perturbCell(m, out.total, units, salt);
  }

  const selected = unitsBy.get(o.measure)!;
  const isRate = RATE_MEASURES.includes(o.measure);
  // Perturbed: the published overall (the centre line and the expected counts must not give the exact total back).
  const perturbed = o.perturbSalt !== undefined && overall[o.measure]!.suppressed === null && overall[o.measure]!.n > 0;
  const overallCell = perturbed ? overall[o.measure]! : cellOf(o.measure, selected);
  let model: ModelSummary | null = null;
  const expectedBy = new Map<number, number>();
  if (isRate && selected.length > 0) {
    const adj = riskAdjust(selected);
    // Perturbed: the expected counts scaled to the published total (their sum would be the exact one).
    const events = selected.reduce((a, x) => a + (x.y ? 1 : 0), 0);
    const scale = perturbed && events > 0 ? overallCell.k / events : 1;
    model = perturbed ? perturbModel(adj.model, overallCell, selected, o.perturbSalt!, scale) : adj.model;
    selected.forEach((u, i) => expectedBy.set(u.providerId, (expectedBy.get(u.providerId) ?? 0) + adj.predicted[i] * scale));
  }

  const rows: ProviderRow[] = providerIds.map((id) => {
    const cell = cells.get(id)![o.measure]!;
    const e = expectedBy.get(id) ?? null;
    const visible = cell.suppressed === null && cell.n > 0;
    const ratio = visible && e !== null && e > 0 ? cell.k / e : null;
    const ri = visible && e !== null && e > 0 ? ratioInterval(cell.k, e) : null;
    return {
      providerId: id,
      cells: cells.get(id)!,
      expected: visible ? e : null,
      expectedRate: visible && e !== null ? e / cell.n : null,
      ratio,
      ratioLow: ri?.low ?? null,
      ratioHigh: ri?.high ?? null,
      position: null,
    };
  });

  let funnel: FunnelData | null = null;
  if (o.funnel !== false && isRate && overallCell.n > 0 && overallCell.rate !== null) {
    const p0 = overallCell.rate;
    const plotted = rows.filter((r) => r.cells[o.measure]!.suppressed === null && r.cells[o.measure]!.n > 0);
    if (o.adjust === "adjusted") {
      const pts = plotted.filter((r) => r.expected !== null && r.expected > 0 && r.ratio !== null);
      const points = pts.map((r) => {
        const limits = ratioFunnelLimits(r.expected!);
        return { providerId: r.providerId, x: r.expected!, y: r.ratio!, n: r.cells[o.measure]!.n, limits, position: ratioPosition(r.cells[o.measure]!.k, r.expected!) };
      });
      const maxE = Math.max(1, ...points.map((p) => p.x));
      const minE = Math.min(1, ...points.map((p) => p.x));
      funnel = {
        kind: "ratio",
        centre: 1,
        points,
        curve: curveXs(maxE * 1.1, 60, Math.max(0.5, minE * 0.8)).map((x) => {
          const l = ratioFunnelLimits(x);
          return { x, low95: l.low95, high95: l.high95, low998: l.low998, high998: l.high998 };
        }),
        outside: [],
        notPlotted: rows.filter((r) => r.cells[o.measure]!.suppressed !== null).length,
        noCases: rows.filter((r) => r.cells[o.measure]!.suppressed === null && r.cells[o.measure]!.n === 0).length,
      };
    } else {
      const points = plotted.map((r) => {
        const c = r.cells[o.measure]!;
        const l = funnelLimits(p0, c.n);
        return { providerId: r.providerId, x: c.n, y: c.rate!, n: c.n, limits: l, position: ratePosition(c.k, c.n, p0) };
      });
      const maxN = Math.max(2, ...points.map((p) => p.x));
      // The curves from the smallest n plotted (smaller cells are suppressed, limits there say nothing).
      const minN = Math.max(1, Math.min(maxN, ...points.map((p) => p.x)));
      funnel = {
        kind: "rate",
        centre: p0,
        points,
        // Binomial limits exist at whole numbers of cases only.
        curve: [...new Set(curveXs(maxN * 1.1, 60, minN).map((x) => Math.max(1, Math.round(x))))].map((x) => {
          const l = funnelLimits(p0, x);
          return { x, low95: l.low95, high95: l.high95, low998: l.low998, high998: l.high998 };
        }),
        outside: [],
        notPlotted: rows.filter((r) => r.cells[o.measure]!.suppressed !== null).length,
        noCases: rows.filter((r) => r.cells[o.measure]!.suppressed === null && r.cells[o.measure]!.n === 0).length,
      };
    }
    funnel.outside = funnel.points.filter((p) => p.position !== "within").map((p) => ({ providerId: p.providerId, position: p.position }));
    const pos = new Map(funnel.points.map((p) => [p.providerId, p.position]));
    for (const r of rows) r.position = pos.get(r.providerId) ?? null;
  }

  return {
    measure: o.measure,
    line,
    period: o.period,
    rows,
    overall,
    adjustment: !isRate || !model ? "none" : model.method,
    model,
    funnel,
    allSuppressed: rows.some((r) => r.cells[o.measure]!.suppressed !== null) && rows.every((r) => r.cells[o.measure]!.suppressed !== null || r.cells[o.measure]!.n === 0),
  };
}

/** The limits at one provider's n (rates, around the overall rate) or expected count (O/E ratios). */
export function funnelLimitsFor(adjust: AdjustMode, result: Comparison, n: number, expected: number | null): { low95: number; high95: number; low998: number; high998: number } | null {
  const overall = result.overall[result.measure];
  if (adjust === "adjusted") return expected !== null && expected > 0 ? ratioFunnelLimits(expected) : null;
  if (!overall || overall.rate === null || n <= 0) return null;
  const l = funnelLimits(overall.rate, n);
  return { low95: l.low95, high95: l.high95, low998: l.low998, high998: l.high998 };
}

/** Where a provider's cell lies against the overall (rate) or its expected count (adjusted ratio); null without a comparison. */
export function positionFor(adjust: AdjustMode, result: Comparison, cell: Cell, expected: number | null): FunnelPosition | null {
  const overall = result.overall[result.measure];
  if (cell.n <= 0) return null;
  if (adjust === "adjusted") return expected !== null && expected > 0 ? ratioPosition(cell.k, expected) : null;
  return overall && overall.rate !== null ? ratePosition(cell.k, cell.n, overall.rate) : null;
}

export { POSITION_LABELS, formatPercent, formatRateCell, formatNumber, formatRatio } from "./outcome-format";
