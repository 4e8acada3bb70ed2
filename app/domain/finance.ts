/**
 * Budget and payment rules that need no database (DOMAIN.md § 3.1–3.3, rules 11–12): how an
 * order's cost is spread over the years it runs, what is available on a budget line, the
 * payment term and due date of an invoice, and what a contract allows for a billed period.
 */
import { formatCents } from "./money";
import { addDays, addMonths, daysBetween, formatDate } from "./time";

/** § 271a Abs. 2 BGB: a public buyer never agrees a payment term over 60 days. */
export const MAX_PAYMENT_TERM_DAYS = 60;

/** The due date of an invoice: receipt plus the agreed term (never over 60 days). */
export function dueDate(receivedOn: string, termDays: number): string {
  return addDays(receivedOn, checkedTerm(termDays));
}

export function paymentTermProblem(termDays: number): string | null {
  if (!Number.isInteger(termDays) || termDays < 1) return "Das Zahlungsziel muss mindestens ein Tag sein.";
  if (termDays > MAX_PAYMENT_TERM_DAYS) return `Ein Zahlungsziel über ${MAX_PAYMENT_TERM_DAYS} Tage darf eine öffentliche Auftraggeberin nicht vereinbaren (§ 271a Abs. 2 BGB); angegeben: ${termDays} Tage.`;
  return null;
}

function checkedTerm(termDays: number): number {
  const problem = paymentTermProblem(termDays);
  if (problem) throw new RangeError(problem);
  return termDays;
}

/** Days from `today` to `dueOn` (negative when overdue). */
export function daysLeft(today: string, dueOn: string): number {
  return daysBetween(today, dueOn);
}

export type DueState = "overdue" | "due_soon" | "open";
export function dueState(today: string, dueOn: string, warnDays: number): DueState {
  const left = daysLeft(today, dueOn);
  if (left < 0) return "overdue";
  return left <= warnDays ? "due_soon" : "open";
}

export interface YearShare {
  year: number;
  amountCents: number;
}

/**
 * An amount spread over the calendar years of [start, end] in proportion to the days in each
 * year; the cents add up exactly (largest remainders go to the earliest years).
 */
export function spreadOverYears(amountCents: number, start: string, end: string): YearShare[] {
  if (end < start) throw new RangeError("Das Ende liegt vor dem Beginn.");
  const total = daysBetween(start, end) + 1;
  const shares: { year: number; days: number }[] = [];
  for (let y = Number(start.slice(0, 4)); y <= Number(end.slice(0, 4)); y++) {
    const from = y === Number(start.slice(0, 4)) ? start : `${y}-01-01`;
    const to = y === Number(end.slice(0, 4)) ? end : `${y}-12-31`;
    shares.push({ year: y, days: daysBetween(from, to) + 1 });
  }
  const raw = shares.map((s) => ({ year: s.year, exact: (amountCents * s.days) / total }));
  const out = raw.map((r) => ({ year: r.year, amountCents: Math.floor(r.exact) }));
  let rest = amountCents - out.reduce((a, s) => a + s.amountCents, 0);
  const order = raw.map((r, i) => ({ i, frac: r.exact - Math.floor(r.exact) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const o of order) {
    if (rest <= 0) break;
    out[o.i].amountCents++;
    rest--;
  }
  return out.filter((s) => s.amountCents > 0);
}

export type PriceUnitLike = "place_month" | "participant" | "participant_success" | string;

/** What a tendered contract binds: places × price × months, or participants × (price + success fee). */
export function contractValueCents(c: { priceUnit: PriceUnitLike; quantity: number; unitPriceCents: number; successFeeCents: number | null; startDate: string; endDate: string }): number {
  if (c.priceUnit === "place_month") return c.quantity * c.unitPriceCents * contractMonths(c.startDate, c.endDate);
  return c.quantity * (c.unitPriceCents + (c.successFeeCents ?? 0));
}

/** Whole months of a term [start, end] (a term ending the day before a month anniversary counts that month). */
export function contractMonths(start: string, end: string): number {
  let months = 0;
  while (addDays(addMonths(start, months + 1), -1) <= end) months++;
  return Math.max(months, 1);
}

/** The period a voucher's fee can fall due in: from its issue until six months after its last valid day plus the claim period (§ 1.1). */
export function voucherPeriod(issuedOn: string, validUntil: string): { start: string; end: string } {
  return { start: issuedOn, end: addMonths(validUntil, 9) };
}

/** For a place-and-month contract: the most it allows for an invoicing period (all places, whole period). */
export function allowedForPeriod(c: { priceUnit: PriceUnitLike; quantity: number; unitPriceCents: number; startDate: string; endDate: string }, periodStart: string, periodEnd: string): number | null {
  if (c.priceUnit !== "place_month") return null;
  const from = periodStart < c.startDate ? c.startDate : periodStart;
  const to = periodEnd > c.endDate ? c.endDate : periodEnd;
  if (to < from) return 0;
  // Months begun in the period, pro rata by days within a month (30-day months, as usual in such contracts).
  const days = daysBetween(from, to) + 1;
  return Math.round((c.quantity * c.unitPriceCents * days) / 30);
}

export interface LineYearFigures {
  appropriationCents: number;
  authorisationCents: number;
  /** Commitments: amount minus released. */
  committedCents: number;
  /** Paid out of commitments (consumed). */
  consumedCents: number;
  /** Paid without a commitment. */
  uncoveredCents: number;
}

/** Available = appropriation (or, before the budget is adopted, the commitment authorisation) − commitments − payments not covered by a commitment (§ 3.1). */
export function availableCents(f: LineYearFigures): number {
  const limit = f.appropriationCents > 0 ? f.appropriationCents : f.authorisationCents;
  return limit - f.committedCents - f.uncoveredCents;
}

export function paidCents(f: LineYearFigures): number {
  return f.consumedCents + f.uncoveredCents;
}

/** The German refusal when a commitment does not fit: names the line, the year and the shortfall (rule 11). */
export function shortfallMessage(lineNumber: string, lineTitle: string, year: number, neededCents: number, availableNow: number): string {
  return `Keine ausreichenden Haushaltsmittel: Haushaltsstelle ${lineNumber} (${lineTitle}), Haushaltsjahr ${year}: benötigt ${formatCents(neededCents)}, verfügbar ${formatCents(Math.max(availableNow, 0))}, es fehlen ${formatCents(neededCents - Math.max(availableNow, 0))}.`;
}

/** A date shown with its distance ("fällig am 03.01.2027, in 5 Tagen" / "seit 2 Tagen überfällig"). */
export function dueLabel(today: string, dueOn: string): string {
  const left = daysLeft(today, dueOn);
  if (left < 0) return `${formatDate(dueOn)}, seit ${-left} ${-left === 1 ? "Tag" : "Tagen"} überfällig`;
  if (left === 0) return `${formatDate(dueOn)}, heute fällig`;
  return `${formatDate(dueOn)}, in ${left} ${left === 1 ? "Tag" : "Tagen"}`;
}

/** The end-to-end id of a payment item in SEPA files (≤ 35 characters, SEPA character set). */
export function endToEndId(reference: string): string {
  return `VT-${reference}`.replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, "-").slice(0, 35);
}
