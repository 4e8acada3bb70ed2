/**
 * The fee instalment's transition table (1./2. Rate). The daily job fires the "system" events
 * with the same guards the services use.
 */
import { defineMachine } from "./machine";
import { addDays, daysBetween, formatDate } from "./time";

export const INSTALMENT_STATES = ["pending", "due", "earned", "payable", "paid", "cancelled", "lapsed"] as const;
export type InstalmentState = (typeof INSTALMENT_STATES)[number];
export const INSTALMENT_STATE_LABELS: Record<InstalmentState, string> = {
  pending: "Beschäftigungsdauer noch nicht erreicht",
  due: "Nachweis fehlt",
  earned: "verdient (Nachweis liegt vor)",
  payable: "sachlich richtig, an Kasse übergeben",
  paid: "ausgezahlt",
  cancelled: "entfallen",
  lapsed: "Ausschlussfrist versäumt",
};

export type InstalmentEvent = "reach_duration" | "prove" | "certify" | "end_employment" | "lapse" | "reinstate" | "revoke" | "pay";

export interface InstalmentFacts {
  state: InstalmentState;
  today: string;
  number: number;
  jobStart: string;
  /**
   * First day the instalment is due and can be proven: the day after the period's last day (day 43,
   * or the 6-month anniversary); a period is complete only when its last day is over (DOMAIN.md § 1.5).
   */
  earliestOn: string;
  deadlineOn: string;
  sameEmployerRequired: boolean;
  /** Reported last day of employment, if it ended. */
  employmentEndedOn: string | null;
  /** The employer's confirmation being uploaded (prove). */
  proof?: { confirmedUntil: string; sameEmployer: boolean; uninterrupted: boolean } | null;
  /** Staff corrections (reinstate, revoke) need a reason. */
  reason?: string | null;
}

const needsReason = (f: InstalmentFacts) => (f.reason && f.reason.trim().length >= 10 ? null : "Bitte begründen Sie die Korrektur (mindestens 10 Zeichen).");

/** The period's last day (day 42, or the day before the 6-month anniversary): the day before earliestOn. */
export function periodLastDay(f: Pick<InstalmentFacts, "earliestOn">): string {
  return addDays(f.earliestOn, -1);
}

/** The employment day count, the job start being day 1. */
export function employmentDay(jobStart: string, on: string): number {
  return daysBetween(jobStart, on) + 1;
}

function proofProblem(f: InstalmentFacts): string | null {
  const lastDay = periodLastDay(f);
  if (f.today < f.earliestOn)
    return `Die Beschäftigungsdauer für die ${f.number}. Rate ist erst mit Ablauf des ${formatDate(lastDay)} erreicht; die Bestätigung des Arbeitgebers kann ab dem ${formatDate(f.earliestOn)} eingereicht werden.`;
  if (f.today > f.deadlineOn) return `Die Ausschlussfrist für die ${f.number}. Rate ist am ${formatDate(f.deadlineOn)} abgelaufen (§ 326 SGB III).`;
  if (f.employmentEndedOn && f.employmentEndedOn < lastDay) return `Die Beschäftigung endete am ${formatDate(f.employmentEndedOn)}, vor Erreichen der Dauer für die ${f.number}. Rate.`;
  const p = f.proof;
  if (!p) return "Bitte laden Sie die Bestätigung des Arbeitgebers hoch.";
  if (!p.uninterrupted) return "Vergütet wird nur eine ununterbrochene Beschäftigung; der Arbeitgeber bestätigt keine ununterbrochene Beschäftigung.";
  if (f.sameEmployerRequired && !p.sameEmployer)
    return "Die 2. Rate setzt sechs Monate Beschäftigung beim selben Arbeitgeber voraus (BSG, Urteil vom 6.5.2014, B 11 AL 1/14 R).";
  if (p.confirmedUntil < lastDay)
    return `Der Arbeitgeber bestätigt die Beschäftigung bis ${formatDate(p.confirmedUntil)}, das ist Tag ${employmentDay(f.jobStart, p.confirmedUntil)}; für die ${f.number}. Rate ist Tag ${employmentDay(f.jobStart, lastDay)} (${formatDate(lastDay)}) nötig.`;
  if (p.confirmedUntil > f.today) return "Die Bestätigung kann die Beschäftigung nur bis heute bestätigen.";
  return null;
}

export const instalmentMachine = defineMachine<InstalmentState, InstalmentEvent, InstalmentFacts>(INSTALMENT_STATE_LABELS, [
  {
    event: "reach_duration",
    from: ["pending"],
    to: "due",
    permission: "system",
    guard: (f) => (f.today >= f.earliestOn ? null : "Die Beschäftigungsdauer ist noch nicht erreicht."),
  },
  { event: "prove", from: ["pending", "due"], to: "earned", permission: "submit:placement:own", guard: proofProblem },
  { event: "certify", from: ["earned"], to: "payable", permission: "certify:instalment:any" },
  {
    event: "end_employment",
    from: ["pending", "due"],
    to: "cancelled",
    permission: ["submit:placement:own", "decide:placement:any"],
    guard: (f) => (f.employmentEndedOn && f.employmentEndedOn < periodLastDay(f) ? null : "Die Beschäftigung hat die nötige Dauer erreicht; die Rate entfällt nicht."),
  },
  { event: "lapse", from: ["pending", "due"], to: "lapsed", permission: "system", guard: (f) => (f.today > f.deadlineOn ? null : "Die Ausschlussfrist läuft noch.") },
  // Corrections by staff, each with a reason: an end of employment reported wrongly (reinstate),
  // or an earned instalment that turns out not to be owed (revoke, before it is paid).
  {
    event: "reinstate",
    from: ["cancelled"],
    to: "pending",
    permission: "decide:placement:any",
    guard: (f) =>
      f.employmentEndedOn && f.employmentEndedOn < periodLastDay(f) ? `Die Beschäftigung endete am ${formatDate(f.employmentEndedOn)}, vor Erreichen der Dauer; die Rate bleibt entfallen.` : needsReason(f),
  },
  { event: "revoke", from: ["earned", "payable"], to: "cancelled", permission: "decide:placement:any", guard: needsReason },
  // Its payment item was booked as paid (bank statement or by hand in the finance line).
  { event: "pay", from: ["payable"], to: "paid", permission: "book:payment:any" },
]);

/** When should the broker be reminded of a missing proof? Every `intervalDays` while due, starting on the day it became due. */
export function reminderDue(state: InstalmentState, today: string, earliestOn: string, lastReminderOn: string | null, intervalDays: number): boolean {
  if (state !== "due" || today < earliestOn) return false;
  return !lastReminderOn || today >= addDays(lastReminderOn, intervalDays);
}
