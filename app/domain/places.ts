/**
 * Individual places (Einzelplatzeinkauf): the measure catalogue's vocabulary, the rules a purchase
 * must pass (capacity, fit, certification, approval), what a place costs per year, and the bills
 * of a place. Pure: no I/O. DOMAIN.md §§ 2.1, 3.1, 4, 6; validation rules 11 and 15.
 */
import type { YearShare } from "./finance";
import { formatCents } from "./money";
import { periodEndAfterMonths } from "./placement";
import { addDays, addMonths, daysBetween, formatDate } from "./time";

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const MEASURE_ORIGINS = ["contract", "ba", "certified", "employer"] as const;
export type MeasureOrigin = (typeof MEASURE_ORIGINS)[number];
export const MEASURE_ORIGIN_LABELS: Record<MeasureOrigin, string> = {
  contract: "aus eigener Vergabe (Vertrag)",
  ba: "Plätze der BA (§ 108 Abs. 6 GWB, ohne eigene Vergabe)",
  certified: "zugelassene Maßnahme eines Trägers (AZAV)",
  employer: "beim Arbeitgeber",
};

export const PRICE_MODELS = ["participant", "place_month", "hour", "mae_month", "none"] as const;
export type PriceModel = (typeof PRICE_MODELS)[number];
export const PRICE_MODEL_LABELS: Record<PriceModel, string> = {
  participant: "je Teilnehmer",
  place_month: "je Platz und Monat",
  hour: "je Stunde",
  mae_month: "Pauschale je Teilnehmer und Monat (MAE)",
  none: "ohne Vergütung",
};
/** Models billed month by month (a bill proposal per provider, purchase and month). */
export const MONTHLY_MODELS: readonly string[] = ["place_month", "mae_month"];

export const PRO_RATA_RULES = ["days", "full", "from_16th"] as const;
export type ProRata = (typeof PRO_RATA_RULES)[number];
export const PRO_RATA_LABELS: Record<ProRata, string> = {
  days: "anteilig nach Kalendertagen",
  full: "angefangener Monat voll",
  from_16th: "Stichtag 15.: Monat voll, wenn die Teilnahme am 15. besteht, sonst nicht",
};

export const BILL_EVENTS = ["entry", "completion", "success", "transfer"] as const;
export type BillEvent = (typeof BILL_EVENTS)[number];
export const BILL_EVENT_LABELS: Record<BillEvent, string> = {
  entry: "bei Eintritt",
  completion: "bei Abschluss",
  success: "bei Integration (Erfolg)",
  transfer: "Übergangsprämie (Wechsel in betriebliche Ausbildung)",
};

export const MEASURE_FORMATS = ["group", "individual"] as const;
export const MEASURE_FORMAT_LABELS: Record<(typeof MEASURE_FORMATS)[number], string> = { group: "Gruppenmaßnahme", individual: "Einzelplatz" };

export const ENTRY_MODES = ["dates", "continuous"] as const;
export const ENTRY_MODE_LABELS: Record<(typeof ENTRY_MODES)[number], string> = { dates: "feste Starttermine", continuous: "laufender Einstieg" };

export const DURATION_UNITS = ["month", "week", "day"] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export const DURATION_UNIT_LABELS: Record<DurationUnit, [string, string]> = { month: ["Monat", "Monate"], week: ["Woche", "Wochen"], day: ["Tag", "Tage"] };

export const MEASURE_STATES = ["proposed", "active", "rejected", "closed"] as const;
export type MeasureState = (typeof MEASURE_STATES)[number];
export const MEASURE_STATE_LABELS: Record<MeasureState, string> = { proposed: "vorgeschlagen", active: "im Katalog", rejected: "abgelehnt", closed: "geschlossen" };

/** Target groups a measure can be limited to (client attributes; youth follows from the age limits). */
export const MEASURE_TARGET_GROUPS = ["long_term_unemployed", "severely_disabled", "rehab", "youth", "single_parent", "language_needs"] as const;
/** The groups as people ("für Langzeitarbeitslose"), for sentences. */
export const MEASURE_TARGET_GROUP_PEOPLE: Record<string, string> = {
  long_term_unemployed: "Langzeitarbeitslose",
  severely_disabled: "schwerbehinderte Menschen",
  rehab: "Rehabilitanden",
  youth: "Jugendliche unter 25",
  single_parent: "Alleinerziehende",
  language_needs: "Menschen mit Sprachförderbedarf",
};
export const MEASURE_TARGET_GROUP_LABELS: Record<string, string> = {
  long_term_unemployed: "langzeitarbeitslos",
  severely_disabled: "schwerbehindert",
  rehab: "Rehabilitand (berufliche Reha)",
  youth: "Jugendliche (unter 25)",
  single_parent: "alleinerziehend",
  language_needs: "Sprachförderbedarf",
};

export const PURCHASE_STATES = ["requested", "approved", "ordered", "confirmed", "declined", "running", "completed", "dropped_out", "cancelled"] as const;
export type PurchaseState = (typeof PURCHASE_STATES)[number];
export const PURCHASE_STATE_LABELS: Record<PurchaseState, string> = {
  requested: "beantragt",
  approved: "genehmigt",
  ordered: "bestellt",
  confirmed: "vom Träger bestätigt",
  declined: "vom Träger abgelehnt",
  running: "läuft",
  completed: "abgeschlossen",
  dropped_out: "abgebrochen",
  cancelled: "storniert",
};
/** States that hold a place (capacity) and a commitment. */
export const HOLDING_STATES: readonly PurchaseState[] = ["requested", "approved", "ordered", "confirmed", "running"];
/** States a provider sees (an order reached it). */
export const PROVIDER_VISIBLE_STATES: readonly PurchaseState[] = ["ordered", "confirmed", "declined", "running", "completed", "dropped_out", "cancelled"];

export const EXIT_REASONS = ["employment", "training", "illness", "moved", "no_show", "dismissed", "own_wish", "other"] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];
export const EXIT_REASON_LABELS: Record<ExitReason, string> = {
  employment: "Arbeitsaufnahme",
  training: "Aufnahme einer Ausbildung",
  illness: "Krankheit",
  moved: "Umzug",
  no_show: "Nichtantritt / unentschuldigtes Fehlen",
  dismissed: "Ausschluss durch den Träger",
  own_wish: "auf eigenen Wunsch",
  other: "sonstiger Grund",
};

export const OUTCOME_CHECKPOINTS = ["exit", "six_months"] as const;
export type OutcomeCheckpoint = (typeof OUTCOME_CHECKPOINTS)[number];
export const OUTCOME_CHECKPOINT_LABELS: Record<OutcomeCheckpoint, string> = { exit: "nach Austritt", six_months: "sechs Monate später" };
export const OUTCOME_STATUSES = ["employment", "training", "self_employment", "none"] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];
export const OUTCOME_STATUS_LABELS: Record<OutcomeStatus, string> = {
  employment: "versicherungspflichtige Beschäftigung",
  training: "Berufsausbildung",
  self_employment: "Selbständigkeit",
  none: "keine Integration",
};
/** Outcomes that count as an integration (DOMAIN.md § 5). */
export const INTEGRATION_STATUSES: readonly string[] = ["employment", "training", "self_employment"];

// ---------------------------------------------------------------------------------------------
// Periods and ages

/** Last day of a participation that starts on `start` and lasts `duration` units (§ 1.5 counting). */
export function placeEnd(start: string, duration: number, unit: DurationUnit | string): string {
  if (!(duration >= 1)) throw new RangeError("Die Dauer muss mindestens 1 sein.");
  if (unit === "month") return periodEndAfterMonths(start, duration);
  if (unit === "week") return addDays(start, duration * 7 - 1);
  return addDays(start, duration - 1);
}

/** Full years of age on a day; a birthday's year is reached at the start of the birthday (§ 187 Abs. 2 S. 2 BGB). */
export function ageOn(birthDate: string, on: string): number {
  let years = Math.max(0, Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4)) - 1);
  while (on > periodEndAfterMonths(birthDate, (years + 1) * 12)) years++;
  return years;
}

export function overlaps(a: { start: string; end: string }, b: { start: string; end: string }): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * The most places held at the same time during [start, end] by the given periods: capacity is a
 * number of places at once, so two places one after the other occupy one place.
 */
export function peakOccupancy(periods: readonly { start: string; end: string }[], start: string, end: string): number {
  const inside = periods.filter((p) => overlaps(p, { start, end }));
  const points: [string, number][] = [];
  for (const p of inside) {
    points.push([p.start < start ? start : p.start, 1]);
    points.push([addDays(p.end, 1), -1]);
  }
  points.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  let now = 0;
  let peak = 0;
  for (const [, d] of points) {
    now += d;
    peak = Math.max(peak, now);
  }
  return peak;
}

// ---------------------------------------------------------------------------------------------
// Fit: what a purchase must pass (each a specific German message)

export interface FitInput {
  measure: {
    title: string;
    status: string;
    validFrom: string;
    validUntil: string;
    entryMode: string;
    startDates: readonly string[];
    targetGroups: readonly string[];
    minAge: number | null;
    maxAge: number | null;
    origin: string;
    azavNumber: string;
    azavValidFrom: string | null;
    azavValidUntil: string | null;
  };
  client: { reference: string; birthDate: string | null; targetGroups: readonly string[] };
  start: string;
  end: string;
  /** The client's other participations that hold a place (planned or running), with their periods. */
  otherParticipations: readonly { reference: string; title: string; start: string; end: string }[];
  /** The provider's AZAV Trägerzulassung periods (certified measures need one on the start date). */
  providerCertifications: readonly { validFrom: string; validUntil: string }[];
  /** Today: a place is bought before it starts (a purchase that began in the past could neither be cancelled nor run). */
  today?: string;
}

/** Every reason the client cannot get this place from this start (empty: the place fits). */
export function fitProblems(f: FitInput): string[] {
  const out: string[] = [];
  const m = f.measure;
  if (f.today && f.start < f.today) out.push(`Ein Beginn am ${formatDate(f.start)} liegt in der Vergangenheit; ein Platz wird vor seinem Beginn gekauft (frühestens ab heute, ${formatDate(f.today)}).`);
  if (m.status !== "active") out.push(`Die Maßnahme „${m.title}“ ist nicht im Katalog freigegeben.`);
  if (f.start < m.validFrom || f.start > m.validUntil) out.push(`Ein Beginn am ${formatDate(f.start)} liegt außerhalb des Zeitraums, für den die Maßnahme eingekauft werden kann (${formatDate(m.validFrom)} bis ${formatDate(m.validUntil)}).`);
  if (m.entryMode === "dates" && !m.startDates.includes(f.start)) out.push(`Die Maßnahme hat feste Starttermine; der ${formatDate(f.start)} ist keiner davon (${m.startDates.map(formatDate).join(", ") || "keine Termine eingetragen"}).`);
  if (m.minAge !== null || m.maxAge !== null) {
    if (!f.client.birthDate) out.push(`Die Maßnahme hat eine Altersgrenze; für ${f.client.reference} ist kein Geburtsdatum erfasst.`);
    else {
      const age = ageOn(f.client.birthDate, f.start);
      if (m.minAge !== null && age < m.minAge) out.push(`${f.client.reference} ist am ${formatDate(f.start)} ${age} Jahre alt; die Maßnahme setzt ein Alter von mindestens ${m.minAge} Jahren voraus.`);
      if (m.maxAge !== null && age > m.maxAge) out.push(`${f.client.reference} ist am ${formatDate(f.start)} ${age} Jahre alt; die Maßnahme ist für Teilnehmende bis ${m.maxAge} Jahre.`);
    }
  }
  const groups = m.targetGroups.filter((g) => g !== "youth");
  if (groups.length > 0 && !groups.some((g) => f.client.targetGroups.includes(g))) {
    out.push(`Die Maßnahme ist für ${groups.map((g) => MEASURE_TARGET_GROUP_PEOPLE[g] ?? g).join(" oder ")}; ${f.client.reference} gehört keiner dieser Zielgruppen an.`);
  }
  for (const o of f.otherParticipations) {
    if (overlaps(o, { start: f.start, end: f.end })) out.push(`${f.client.reference} nimmt vom ${formatDate(o.start)} bis ${formatDate(o.end)} an „${o.title}“ (${o.reference}) teil; die Zeiträume überschneiden sich.`);
  }
  if (m.origin === "certified") {
    if (!m.azavValidFrom || !m.azavValidUntil || f.start < m.azavValidFrom || f.start > m.azavValidUntil) {
      out.push(`Die Maßnahmezulassung ${m.azavNumber || "(ohne Nummer)"} gilt am ${formatDate(f.start)} nicht${m.azavValidFrom && m.azavValidUntil ? ` (gültig ${formatDate(m.azavValidFrom)} bis ${formatDate(m.azavValidUntil)})` : ""}.`);
    }
    if (!f.providerCertifications.some((c) => c.validFrom <= f.start && f.start <= c.validUntil)) out.push(`Der Träger hat am ${formatDate(f.start)} keine gültige AZAV-Trägerzulassung.`);
  }
  return out;
}

/** A capacity refusal: no free place for the whole period. */
export function capacityProblem(capacity: number, held: number, title: string): string | null {
  return held >= capacity ? `In „${title}“ ist für diesen Zeitraum kein Platz mehr frei (${capacity} von ${capacity} Plätzen belegt).` : null;
}

/** A second person approves purchases above the amount (exactly the amount needs no second approval). */
export function needsApproval(estimatedCents: number, approvalAboveCents: number): boolean {
  return estimatedCents > approvalAboveCents;
}

// ---------------------------------------------------------------------------------------------
// Money: bills and the cost of a place per year

export interface PriceTerms {
  priceModel: string;
  priceCents: number;
  proRata: string;
  eventFees: readonly { event: string; label: string; amountCents: number }[];
  hours?: number | null;
}

export interface MonthBill {
  month: string; // YYYY-MM
  periodStart: string;
  periodEnd: string;
  days: number;
  amountCents: number;
  calculation: string;
}

function monthFirst(month: string): string {
  return `${month}-01`;
}
function monthLast(month: string): string {
  return addDays(addMonths(monthFirst(month), 1), -1);
}

/** The months [from, to] touches, as YYYY-MM. */
export function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = addMonths(monthFirst(m), 1).slice(0, 7)) out.push(m);
  return out;
}

/**
 * The bill of one month for a place held [from, to] (entry to exit or planned end), by the
 * pro-rata rule. Null when the month is not billed (outside the period, or the from_16th rule).
 */
export function monthBill(terms: PriceTerms, from: string, to: string, month: string): MonthBill | null {
  if (!MONTHLY_MODELS.includes(terms.priceModel)) return null;
  const first = monthFirst(month);
  const last = monthLast(month);
  const start = from > first ? from : first;
  const end = to < last ? to : last;
  if (end < start) return null;
  const days = daysBetween(start, end) + 1;
  const inMonth = daysBetween(first, last) + 1;
  const price = formatCents(terms.priceCents);
  let amount: number;
  let calculation: string;
  if (days === inMonth) {
    amount = terms.priceCents;
    calculation = `voller Monat: ${price}`;
  } else if (terms.proRata === "full") {
    amount = terms.priceCents;
    calculation = `angefangener Monat (${days} von ${inMonth} Tagen) voll: ${price}`;
  } else if (terms.proRata === "from_16th") {
    const the15th = `${month}-15`;
    if (!(start <= the15th && the15th <= end)) return null;
    amount = terms.priceCents;
    calculation = `Teilnahme am 15. (${days} von ${inMonth} Tagen), Monat voll: ${price}`;
  } else {
    amount = Math.round((terms.priceCents * days) / inMonth);
    calculation = `${days} von ${inMonth} Tagen × ${price} = ${formatCents(amount)}`;
  }
  return { month, periodStart: start, periodEnd: end, days, amountCents: amount, calculation };
}

/** Every monthly bill of a place held [from, to]. */
export function monthBills(terms: PriceTerms, from: string, to: string): MonthBill[] {
  return monthsOf(from, to)
    .map((m) => monthBill(terms, from, to, m))
    .filter((b): b is MonthBill => b !== null);
}

/**
 * What an event bills. A participant price (priceModel participant) is billed at entry; hours
 * (priceModel hour) at exit; the event fees (the success part of a § 421i fee, the BaE transfer
 * bonus, …) on the event they name. This returns the event fees only.
 */
export function eventAmount(terms: PriceTerms, event: string): number {
  return terms.eventFees.filter((f) => f.event === event).reduce((a, f) => a + f.amountCents, 0);
}

/**
 * The expected cost of a place over [start, end], per calendar year (rule 11: committed in every
 * year it runs). Monthly models: the month bills in their months. A participant price is billed
 * at entry (start year); hours (price × hours) at exit (end year). Event fees fall due in the start
 * year (entry) or the end year (completion, success, transfer).
 */
export function costByYear(terms: PriceTerms, start: string, end: string): YearShare[] {
  const byYear = new Map<number, number>();
  const add = (year: number, cents: number) => {
    if (cents > 0) byYear.set(year, (byYear.get(year) ?? 0) + cents);
  };
  const startYear = Number(start.slice(0, 4));
  const endYear = Number(end.slice(0, 4));
  if (MONTHLY_MODELS.includes(terms.priceModel)) {
    for (const b of monthBills(terms, start, end)) add(Number(b.month.slice(0, 4)), b.amountCents);
  } else if (terms.priceModel === "participant") {
    add(startYear, terms.priceCents);
  } else if (terms.priceModel === "hour") {
    add(endYear, terms.priceCents * (terms.hours ?? 0));
  }
  for (const f of terms.eventFees) add(f.event === "entry" ? startYear : endYear, f.amountCents);
  return [...byYear.entries()].sort((a, b) => a[0] - b[0]).map(([year, amountCents]) => ({ year, amountCents }));
}

export function totalOf(shares: readonly YearShare[]): number {
  return shares.reduce((a, s) => a + s.amountCents, 0);
}

/** A cancellation is possible only before the place starts (then the commitment is released). */
export function cancelProblem(today: string, startDate: string): string | null {
  return today < startDate ? null : `Der Platz hat am ${formatDate(startDate)} begonnen; eine Stornierung ist nur vor Beginn möglich. Melden Sie stattdessen einen Abbruch.`;
}
