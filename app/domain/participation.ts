/**
 * Participation rules (issue 11, points 6–7), pure: what a provider may report (entry, monthly
 * attendance, exams, exit) and what the case manager records as the outcome. Each function
 * answers field errors in German (empty object: fine); the service decides the status code.
 */
import { choice, listSpec, text } from "./list";
import { parseHours } from "./placement";
import { EXIT_REASONS, OUTCOME_CHECKPOINTS, OUTCOME_STATUSES, type OutcomeCheckpoint } from "./places";
import { addDays, addMonths, daysBetween, formatDate, isIsoDate } from "./time";

export type FieldErrors = Record<string, string>;

/** The entry may be reported at most this many days before the planned start (not earlier). */
export const ENTRY_EARLIEST_DAYS_BEFORE_START = 30;
/** An employment (training, self-employment) counts as an integration when it starts at most this many months after the exit. */
export const INTEGRATION_WITHIN_MONTHS = 6;
/**
 * The outcomes worklist counts exits of the last this many months as work (exit outcome or the
 * six-month follow-up due); older exits are history, not work (the demo holds exits back to 2005).
 * A named constant rather than a setting: it only bounds a worklist, it decides nothing.
 */
export const OUTCOME_DUE_WITHIN_MONTHS = 18;
/** Weekly hours of an employment outcome: at least 1, at most 60 (plausibility). */
export const EMPLOYMENT_HOURS_MIN = 1;
export const EMPLOYMENT_HOURS_MAX = 60;
/** States in which attendance and exams can be reported (after the entry). */
export const REPORTING_STATES: readonly string[] = ["running", "completed", "dropped_out"];
/** States after the exit (outcomes). */
export const EXITED_STATES: readonly string[] = ["completed", "dropped_out"];
export const EXIT_KINDS = ["completed", "dropped_out"] as const;
export type ExitKind = (typeof EXIT_KINDS)[number];
export const EXIT_KIND_LABELS: Record<ExitKind, string> = { completed: "regulär abgeschlossen", dropped_out: "vorzeitiger Austritt" };
/** Measure types whose report form offers exam results (other types may still report them through the API). */
export const EXAM_TYPES: readonly string[] = ["bae", "reha_bae", "fbw", "qal"];

const MONTH_NAMES = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

/** "2026-03" → "März 2026". */
export function formatMonth(month: string): string {
  const m = Number(month.slice(5, 7));
  return `${MONTH_NAMES[m - 1] ?? month} ${month.slice(0, 4)}`;
}

export function isMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

function monthFirst(month: string): string {
  return `${month}-01`;
}
function monthLast(month: string): string {
  return addDays(addMonths(monthFirst(month), 1), -1);
}

/** A whole number of days ≥ 0 from a form ("12") or JSON (12); null when it is not one. */
export function toDays(value: unknown): number | null {
  // Up to 99: more days than the month has are named by the sum rule with the maximum.
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 && value <= 99 ? value : null;
  if (typeof value === "string" && /^\s*\d{1,2}\s*$/.test(value)) return toDays(Number(value));
  return null;
}

/** The last day of the participation: the exit, else the planned end. */
export function participationLast(p: { exitDate: string | null; endDate: string }): string {
  return p.exitDate ?? p.endDate;
}

/**
 * The last day that can be reported now: the exit (or planned end), but never after today —
 * days that have not happened yet cannot be reported.
 */
export function reportableLast(p: { exitDate: string | null; endDate: string }, today: string): string {
  const last = participationLast(p);
  return last < today ? last : today;
}

/** Attendance and exams of an ended place can be reported up to this many months after the exit. */
export const REPORTS_AFTER_EXIT_MONTHS = 6;

/** After the exit: the last day reports are accepted (exit + REPORTS_AFTER_EXIT_MONTHS). */
export function reportsUntil(exitDate: string): string {
  return addMonths(exitDate, REPORTS_AFTER_EXIT_MONTHS);
}

/** A report on an ended place more than six months after the exit is refused; null while it is allowed. */
export function lateReportProblem(exitDate: string | null, today: string): string | null {
  if (!exitDate || today <= reportsUntil(exitDate)) return null;
  return `Die Teilnahme endete am ${formatDate(exitDate)}; Anwesenheit und Prüfungsergebnisse können bis ${REPORTS_AFTER_EXIT_MONTHS} Monate danach (bis ${formatDate(reportsUntil(exitDate))}) gemeldet werden. Bitte wenden Sie sich an das Jobcenter.`;
}

/** The days of `month` that fall in the participation [entry, exit or planned end], with the first and last such day. */
export function participationDaysIn(month: string, entryDate: string, last: string): { days: number; from: string; to: string } {
  const from = entryDate > monthFirst(month) ? entryDate : monthFirst(month);
  const to = last < monthLast(month) ? last : monthLast(month);
  return { days: to < from ? 0 : daysBetween(from, to) + 1, from, to };
}

// ---- Entry ---------------------------------------------------------------------------------

/** Entry: not in the future; not more than 30 days before the planned start (rule of this product). */
export function entryProblems(input: { entryDate: string; today: string; startDate: string }): FieldErrors {
  const d = input.entryDate.trim();
  if (!d) return { entryDate: "Bitte geben Sie das Eintrittsdatum an." };
  if (!isIsoDate(d)) return { entryDate: "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)." };
  if (d > input.today) return { entryDate: `Der Eintritt am ${formatDate(d)} liegt in der Zukunft; melden Sie ihn am Tag des Eintritts oder danach.` };
  const earliest = addDays(input.startDate, -ENTRY_EARLIEST_DAYS_BEFORE_START);
  if (d < earliest)
    return {
      entryDate: `Der Eintritt am ${formatDate(d)} liegt mehr als ${ENTRY_EARLIEST_DAYS_BEFORE_START} Tage vor dem geplanten Beginn (${formatDate(input.startDate)}); frühestens möglich ist der ${formatDate(earliest)}. Bei einem früheren Beginn klären Sie den Platz bitte mit dem Jobcenter.`,
    };
  return {};
}

// ---- Attendance ----------------------------------------------------------------------------

export interface AttendanceInput {
  month: string;
  daysPresent: unknown;
  daysExcused: unknown;
  daysUnexcused: unknown;
}

export interface AttendanceContext {
  entryDate: string;
  exitDate: string | null;
  endDate: string;
  today: string;
}

/**
 * Monthly attendance: the month within [entry month, exit month or today's month], days whole
 * numbers ≥ 0, and present + excused + unexcused at most the days of the month in the participation.
 */
export function attendanceProblems(input: AttendanceInput, ctx: AttendanceContext): { errors: FieldErrors; days: { present: number; excused: number; unexcused: number } | null; maxDays: number } {
  const errors: FieldErrors = {};
  const month = input.month.trim();
  let maxDays = 0;
  if (!isMonth(month)) errors.month = "Bitte den Monat im Format JJJJ-MM angeben.";
  else {
    const thisMonth = ctx.today.slice(0, 7);
    const entryMonth = ctx.entryDate.slice(0, 7);
    const lastMonth = ctx.exitDate ? ctx.exitDate.slice(0, 7) : thisMonth;
    if (month > thisMonth) errors.month = `${formatMonth(month)} liegt in der Zukunft; melden Sie einen Monat frühestens in diesem Monat.`;
    else if (month < entryMonth) errors.month = `${formatMonth(month)} liegt vor dem Eintritt (${formatDate(ctx.entryDate)}).`;
    else if (month > lastMonth) errors.month = `${formatMonth(month)} liegt nach dem Austritt (${formatDate(ctx.exitDate)}).`;
    else {
      maxDays = participationDaysIn(month, ctx.entryDate, reportableLast(ctx, ctx.today)).days;
      if (maxDays === 0) errors.month = `${formatMonth(month)} liegt nach dem geplanten Ende der Teilnahme (${formatDate(ctx.endDate)}).`;
    }
  }
  const present = toDays(input.daysPresent);
  const excused = toDays(input.daysExcused);
  const unexcused = toDays(input.daysUnexcused);
  const bad = "Bitte eine ganze Zahl ab 0 angeben.";
  if (present === null) errors.daysPresent = bad;
  if (excused === null) errors.daysExcused = bad;
  if (unexcused === null) errors.daysUnexcused = bad;
  if (!errors.month && present !== null && excused !== null && unexcused !== null) {
    const sum = present + excused + unexcused;
    if (sum > maxDays) {
      const { from, to } = participationDaysIn(month, ctx.entryDate, reportableLast(ctx, ctx.today));
      const soFar = to === ctx.today && to < participationLast(ctx) ? " bis heute" : "";
      errors.daysPresent = `Im ${formatMonth(month)} liegen${soFar} ${maxDays} Tage der Teilnahme (${formatDate(from)} bis ${formatDate(to)}): anwesend, entschuldigt und unentschuldigt zusammen höchstens ${maxDays} Tage, gemeldet sind ${sum}.`;
    }
  }
  return { errors, days: present !== null && excused !== null && unexcused !== null ? { present, excused, unexcused } : null, maxDays };
}

/** Attendance rate in percent (present of all reported days), null without days. */
export function attendanceRate(present: number, reported: number): number | null {
  return reported > 0 ? Math.round((present / reported) * 1000) / 10 : null;
}

// ---- Exams ---------------------------------------------------------------------------------

export function examProblems(input: { examName: string; examDate: string; grade: string }, ctx: { entryDate: string; today: string; exitDate?: string | null }): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.examName.trim()) errors.examName = "Bitte die Prüfung benennen (z. B. Gesellenprüfung Tischler).";
  else if (input.examName.trim().length > 200) errors.examName = "Höchstens 200 Zeichen.";
  const d = input.examDate.trim();
  if (!d) errors.examDate = "Bitte das Prüfungsdatum angeben.";
  else if (!isIsoDate(d)) errors.examDate = "Bitte ein gültiges Datum angeben (TT.MM.JJJJ).";
  else if (d > ctx.today) errors.examDate = `Die Prüfung am ${formatDate(d)} liegt in der Zukunft; melden Sie das Ergebnis nach der Prüfung.`;
  else if (d < ctx.entryDate) errors.examDate = `Die Prüfung am ${formatDate(d)} liegt vor dem Eintritt (${formatDate(ctx.entryDate)}).`;
  else if (ctx.exitDate && d > reportsUntil(ctx.exitDate))
    errors.examDate = `Die Prüfung am ${formatDate(d)} liegt mehr als ${REPORTS_AFTER_EXIT_MONTHS} Monate nach dem Austritt (${formatDate(ctx.exitDate)}); gemeldet werden Prüfungen bis zum ${formatDate(reportsUntil(ctx.exitDate))}.`;
  if (input.grade.trim().length > 50) errors.grade = "Höchstens 50 Zeichen.";
  return errors;
}

// ---- Exit ----------------------------------------------------------------------------------

export interface ExitInput {
  exitDate: string;
  kind: string;
  reason?: string | null;
  note?: string | null;
  /** The form asks whether a completion before the planned end was an early exit; the API does not. */
  earlyCompletionConfirmed?: boolean;
}

/**
 * `askEarly`: a completion before the planned end needs `earlyCompletionConfirmed` — the form asks
 * with a checkbox ("form"), the API with the body field (`"api"`, the message names the field);
 * false only for internal callers (demo data, tests of the service).
 */
export function exitProblems(input: ExitInput, ctx: { entryDate: string; endDate: string; today: string; askEarly: boolean | "api" }): FieldErrors {
  const errors: FieldErrors = {};
  if (!(EXIT_KINDS as readonly string[]).includes(input.kind)) errors.kind = "Bitte wählen Sie: regulär abgeschlossen oder vorzeitiger Austritt.";
  const d = input.exitDate.trim();
  if (!d) errors.exitDate = "Bitte geben Sie das Austrittsdatum an.";
  else if (!isIsoDate(d)) errors.exitDate = "Bitte ein gültiges Datum angeben (TT.MM.JJJJ).";
  else if (d > ctx.today) errors.exitDate = `Der Austritt am ${formatDate(d)} liegt in der Zukunft; melden Sie ihn am Tag des Austritts oder danach.`;
  else if (d < ctx.entryDate) errors.exitDate = `Der Austritt (${formatDate(d)}) liegt vor dem Eintritt (${formatDate(ctx.entryDate)}).`;
  else if (d > ctx.endDate)
    errors.exitDate = `Die Teilnahme endet planmäßig am ${formatDate(ctx.endDate)}; ein Austritt am ${formatDate(d)} liegt danach. Melden Sie den Abschluss bitte zum ${formatDate(ctx.endDate)} oder früher; eine Verlängerung klären Sie mit dem Jobcenter.`;
  if (input.kind === "dropped_out") {
    if (!input.reason || !(EXIT_REASONS as readonly string[]).includes(input.reason)) errors.reason = "Bitte geben Sie den Grund des vorzeitigen Austritts an.";
    else if (input.reason === "other" && (input.note ?? "").trim().length < 10) errors.note = "Bei „sonstiger Grund“ bitte den Grund beschreiben (mindestens 10 Zeichen).";
  }
  if ((input.note ?? "").length > 1000) errors.note = "Höchstens 1000 Zeichen.";
  if (input.kind === "completed" && !errors.exitDate && d && d < ctx.endDate && ctx.askEarly && !input.earlyCompletionConfirmed)
    errors.earlyCompletionConfirmed =
      ctx.askEarly === "api"
        ? `Der Abschluss am ${formatDate(d)} liegt vor dem geplanten Ende (${formatDate(ctx.endDate)}). War es ein vorzeitiger Austritt, melden Sie bitte kind "dropped_out" mit reason; ein regulärer Abschluss vor dem geplanten Ende braucht "earlyCompletionConfirmed": true.`
        : `Der Abschluss am ${formatDate(d)} liegt vor dem geplanten Ende (${formatDate(ctx.endDate)}). War es ein vorzeitiger Austritt, wählen Sie bitte „vorzeitiger Austritt“ mit dem Grund; sonst bestätigen Sie den regulären Abschluss.`;
  return errors;
}

// ---- Outcomes ------------------------------------------------------------------------------

/** The day the follow-up outcome (checkpoint six_months) may be recorded from. */
export function followUpDue(exitDate: string, followUpMonths: number): string {
  return addMonths(exitDate, followUpMonths);
}

export interface OutcomeInput {
  checkpoint: string;
  status: string;
  employerName?: string | null;
  startDate?: string | null;
  weeklyHours?: string | null;
  asOf: string;
  note?: string | null;
}

export interface CleanOutcome {
  checkpoint: OutcomeCheckpoint;
  status: string;
  employerName: string;
  startDate: string | null;
  weeklyHours: number | null;
  asOf: string;
  note: string;
}

/**
 * The outcome at a checkpoint: `exit` from the exit day, `six_months` from exit + the follow-up
 * months. Employment needs employer, start and weekly hours; training and self-employment a
 * start. A start more than six months after the exit is no integration by the measure.
 */
export function outcomeProblems(input: OutcomeInput, ctx: { exitDate: string; today: string; followUpMonths: number; from?: string | null }): { errors: FieldErrors; clean: CleanOutcome | null } {
  const errors: FieldErrors = {};
  const checkpoint = input.checkpoint as OutcomeCheckpoint;
  if (!(OUTCOME_CHECKPOINTS as readonly string[]).includes(checkpoint)) errors.checkpoint = "Bitte den Zeitpunkt wählen (nach Austritt oder sechs Monate später).";
  else if (checkpoint === "six_months") {
    const due = followUpDue(ctx.exitDate, ctx.followUpMonths);
    if (ctx.today < due) errors.checkpoint = `Der Verbleib ${ctx.followUpMonths} Monate nach dem Austritt (${formatDate(ctx.exitDate)}) kann ab dem ${formatDate(due)} erfasst werden.`;
  }
  if (!(OUTCOME_STATUSES as readonly string[]).includes(input.status)) errors.status = "Bitte den Verbleib wählen.";
  const asOf = input.asOf.trim();
  if (!asOf) errors.asOf = "Bitte den Stand (Datum der Feststellung) angeben.";
  else if (!isIsoDate(asOf)) errors.asOf = "Bitte ein gültiges Datum angeben (TT.MM.JJJJ).";
  else if (asOf > ctx.today) errors.asOf = `Der Stand ${formatDate(asOf)} liegt in der Zukunft.`;
  else if (asOf < ctx.exitDate) errors.asOf = `Der Stand ${formatDate(asOf)} liegt vor dem Austritt (${formatDate(ctx.exitDate)}).`;
  else if (checkpoint === "six_months" && !errors.checkpoint && asOf < followUpDue(ctx.exitDate, ctx.followUpMonths))
    errors.asOf = `Der Stand für den Verbleib ${ctx.followUpMonths} Monate später muss am oder nach dem ${formatDate(followUpDue(ctx.exitDate, ctx.followUpMonths))} liegen.`;

  const integration = input.status !== "none" && !errors.status;
  const employerName = (input.employerName ?? "").trim();
  const start = (input.startDate ?? "").trim();
  const hoursRaw = (input.weeklyHours ?? "").trim();
  let weeklyHours: number | null = null;
  if (integration) {
    if (input.status === "employment" && !employerName) errors.employerName = "Bitte den Arbeitgeber angeben.";
    if (input.status === "training" && !employerName) errors.employerName = "Bitte den Ausbildungsbetrieb angeben.";
    if (employerName.length > 200) errors.employerName = "Höchstens 200 Zeichen.";
    if (!start) errors.startDate = "Bitte den Beginn angeben.";
    else if (!isIsoDate(start)) errors.startDate = "Bitte ein gültiges Datum angeben (TT.MM.JJJJ).";
    else {
      const latest = addMonths(ctx.exitDate, INTEGRATION_WITHIN_MONTHS);
      if (start > latest)
        errors.startDate = `Ein Beginn am ${formatDate(start)} liegt mehr als ${INTEGRATION_WITHIN_MONTHS} Monate nach dem Austritt (${formatDate(ctx.exitDate)}) und zählt nicht als Integration durch die Maßnahme. Bitte erfassen Sie „keine Integration“ und vermerken Sie die spätere Aufnahme in der Notiz.`;
      else if (start > ctx.today) errors.startDate = `Der Beginn am ${formatDate(start)} liegt in der Zukunft; erfassen Sie den Verbleib, wenn die Aufnahme erfolgt ist.`;
      else if (ctx.from && start < ctx.from)
        errors.startDate = `Der Beginn am ${formatDate(start)} liegt vor dem Eintritt in die Maßnahme (${formatDate(ctx.from)}); als Integration zählt nur eine Aufnahme während oder nach der Maßnahme.`;
    }
    if (input.status === "employment") {
      if (!hoursRaw) errors.weeklyHours = "Bitte die Wochenstunden angeben (z. B. 39,5).";
      else {
        weeklyHours = parseHours(hoursRaw);
        if (weeklyHours === null) errors.weeklyHours = "Bitte die Wochenstunden als Zahl angeben (z. B. 39,5; höchstens 80).";
        else if (weeklyHours < EMPLOYMENT_HOURS_MIN * 100 || weeklyHours > EMPLOYMENT_HOURS_MAX * 100)
          errors.weeklyHours = `Eine Beschäftigung hat zwischen ${EMPLOYMENT_HOURS_MIN} und ${EMPLOYMENT_HOURS_MAX} Wochenstunden; bitte prüfen Sie die Angabe.`;
      }
    } else if (hoursRaw) {
      weeklyHours = parseHours(hoursRaw);
      if (weeklyHours === null) errors.weeklyHours = "Bitte die Wochenstunden als Zahl angeben (z. B. 39,5; höchstens 80).";
    }
  }
  const note = (input.note ?? "").trim();
  if (note.length > 1000) errors.note = "Höchstens 1000 Zeichen.";
  if (Object.keys(errors).length) return { errors, clean: null };
  return {
    errors,
    clean: {
      checkpoint,
      status: input.status,
      employerName: integration ? employerName : "",
      startDate: integration ? start : null,
      weeklyHours: integration ? weeklyHours : null,
      asOf,
      note,
    },
  };
}

// ---- The outcomes worklist -----------------------------------------------------------------

export const OUTCOME_DUE_KINDS = ["exit", "six_months"] as const;
export type OutcomeDueKind = (typeof OUTCOME_DUE_KINDS)[number];
export const OUTCOME_DUE_KIND_LABELS: Record<OutcomeDueKind, string> = { exit: "Verbleib nach Austritt", six_months: "Verbleib sechs Monate später" };

/** „Verbleib erfassen“: exits without an outcome and follow-ups due; the oldest due first. */
export const OUTCOME_DUE_LIST = listSpec({
  filters: { q: text(), kind: choice(OUTCOME_DUE_KINDS), exit: choice(EXIT_KINDS) },
  sorts: ["dueOn", "exitDate", "reference", "client", "provider"],
  default: ["dueOn", "asc"],
  firstDir: { exitDate: "desc" },
  pageSize: 50,
});
