/**
 * Participation (issue 11, point 6): what the provider reports (entry, monthly attendance, exams,
 * exit) and the outcomes the case manager records after exit and six months later.
 *
 * Who may report: a provider user (report:participation:own) for its own organisation's
 * purchases, through the portal or the API; staff with buy:place:any for every purchase (employer
 * measures have no provider user). Outcomes are staff only (record:outcome:any) and never reach a
 * provider (DOMAIN.md § 4, rule 15).
 */
import { In, type EntityManager } from "typeorm";
import { AttendanceMonth, Client, ExamResult, Measure, Outcome, PlaceBill, PlacementClaim, PlacePurchase, Provider } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { completeQuery, pageBounds, type ListQuery } from "~/domain/list";
import {
  attendanceProblems,
  EXAM_TYPES,
  EXIT_KIND_LABELS,
  examProblems,
  EXITED_STATES,
  entryProblems,
  exitProblems,
  followUpDue,
  formatMonth,
  outcomeProblems,
  OUTCOME_DUE_KIND_LABELS,
  OUTCOME_DUE_LIST,
  OUTCOME_DUE_WITHIN_MONTHS,
  participationDaysIn,
  lateReportProblem,
  participationLast,
  reportableLast,
  REPORTING_STATES,
  type ExitKind,
  type FieldErrors,
  type OutcomeDueKind,
  type OutcomeInput,
} from "~/domain/participation";
import { toCsv } from "~/domain/csv";
import { formatCents } from "~/domain/money";
import { billedSpan, termsOf } from "~/domain/place-bills";
import { can } from "~/domain/permissions";
import { EXIT_REASON_LABELS, monthBill, OUTCOME_CHECKPOINT_LABELS, OUTCOME_STATUS_LABELS, PURCHASE_STATE_LABELS, type ExitReason, type OutcomeCheckpoint, type OutcomeStatus, type PurchaseState } from "~/domain/places";
import { addDays, addMonths, formatDate, parseDate } from "~/domain/time";
import { appendAudit } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { databaseKind, em, isUniqueViolation, tx } from "~/lib/db.server";
import { getSetting } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { PLACE_PURCHASES, purchaseFacts, reachablePurchase } from "./place-common.server";
import { transition } from "./transition.server";

export interface AttendanceRow {
  month: string;
  daysPresent: number;
  daysExcused: number;
  daysUnexcused: number;
  channel: string;
  reportedAt: string;
  /** German month name ("März 2026"). */
  monthLabel: string;
  /** Days of the month in the participation (entry to exit or planned end): the most that can be reported. */
  daysInParticipation: number;
  /** A confirmed or invoiced bill of the month exists: no more corrections. */
  billed: boolean;
}
export interface ExamRow {
  id: number;
  examName: string;
  examDate: string;
  passed: boolean;
  grade: string;
}
export interface OutcomeRow {
  id: number;
  checkpoint: string;
  checkpointLabel: string;
  status: string;
  statusLabel: string;
  employerName: string;
  startDate: string | null;
  weeklyHours: number | null;
  asOf: string;
  note: string;
}
export interface ParticipationData {
  attendance: AttendanceRow[];
  exams: ExamRow[];
  /** Staff only; empty for provider users. */
  outcomes: OutcomeRow[];
  /** May the user report entry/attendance/exams/exit now (state and permission)? */
  canReport: boolean;
  /** May the user record an outcome now (staff after exit)? */
  canRecordOutcome: boolean;
  /** The purchase's reference, state and dates as the forms need them. */
  reference: string;
  status: string;
  startDate: string;
  endDate: string;
  entryDate: string | null;
  exitDate: string | null;
  exitReason: string | null;
  exitReasonLabel: string;
  exitNote: string;
  /** The measure type: the form offers exam results for BaE, Reha-BaE, FbW and QAL. */
  typeCode: string;
  showExams: boolean;
  /** Months that can be reported now (entry month to exit month or this month), newest first. */
  reportableMonths: { value: string; label: string; maxDays: number }[];
  /** From when the six-month outcome can be recorded (null before the exit). */
  followUpFrom: string | null;
  followUpMonths: number;
  today: string;
}

/** A rule broken by well-formed input: 422 with field errors (API) or the form with its messages. */
export class ParticipationRuleError extends ValidationError {
  constructor(message: string, fieldErrors: FieldErrors) {
    super(message, fieldErrors);
    (this as unknown as { status: number }).status = 422;
  }
}

function refuse(errors: FieldErrors): void {
  const messages = Object.values(errors);
  if (messages.length) throw new ParticipationRuleError(messages.length === 1 ? messages[0] : `Bitte prüfen Sie die Angaben: ${messages.join(" ")}`, errors);
}

/** Where the report came from. */
export function channelOf(user: CurrentUser): "portal" | "api" | "staff" {
  if (user.apiToken) return "api";
  return user.role === "provider" ? "portal" : "staff";
}

function mayReport(user: CurrentUser, p: PlacePurchase): boolean {
  if (can(user.role, "report:participation:own")) return user.providerId !== null && p.providerId === user.providerId;
  return can(user.role, "buy:place:any");
}

/** The purchase the user may report on, locked for the write (PostgreSQL), or 404/403. */
async function reportable(m: EntityManager, user: CurrentUser, id: number, lock = true): Promise<PlacePurchase> {
  if (!can(user.role, "report:participation:own") && !can(user.role, "buy:place:any")) throw new ForbiddenError();
  if (lock && databaseKind() === "postgres" && Number.isSafeInteger(id) && id > 0) await m.query("SELECT id FROM place_purchases WHERE id = $1 FOR UPDATE", [id]);
  const p = await reachablePurchase(m, user, id);
  if (!mayReport(user, p)) throw new NotFoundError("Der Platzkauf wurde nicht gefunden.");
  return p;
}

function needsEntry(p: PlacePurchase): string {
  return p.status === "confirmed" || p.status === "ordered"
    ? "Bitte melden Sie zuerst den Eintritt; vorher gibt es keine Anwesenheit und keine Prüfungen."
    : `Für einen Platzkauf im Status „${p.status}“ kann nichts gemeldet werden.`;
}

// ---- Provider reports ----------------------------------------------------------------------

/** Entry: confirmed → running, with the entry date stored on the purchase. */
export async function reportEntry(user: CurrentUser, purchaseId: number, input: { entryDate: string }): Promise<PlacePurchase> {
  return tx(async (m) => {
    const p = await reportable(m, user, purchaseId);
    if (p.status !== "confirmed")
      throw new ConflictError(p.status === "ordered" ? "Bitte bestätigen Sie zuerst die Platzbestellung; danach kann der Eintritt gemeldet werden." : `Der Eintritt ist bereits gemeldet oder nicht mehr möglich (Status „${p.status}“).`);
    refuse(entryProblems({ entryDate: input.entryDate ?? "", today: today(), startDate: p.startDate }));
    const entryDate = input.entryDate.trim();
    await transition(m, PLACE_PURCHASES, {
      entity: p,
      event: "start",
      facts: purchaseFacts(p, user, { entryDate }),
      actor: user,
      set: { entryDate },
      audit: { summary: `Platzkauf ${p.reference}: Eintritt am ${formatDate(entryDate)} gemeldet`, details: { entryDate, channel: channelOf(user) } },
    });
    p.entryDate = entryDate;
    return p;
  });
}

/** Attendance of one month (upsert); refused once the month is billed (confirmed or invoiced). */
export async function reportAttendance(
  user: CurrentUser,
  purchaseId: number,
  input: { month: string; daysPresent: unknown; daysExcused: unknown; daysUnexcused: unknown },
): Promise<AttendanceRow> {
  try {
    return await tx(async (m) => {
      const p = await reportable(m, user, purchaseId);
      if (!REPORTING_STATES.includes(p.status) || !p.entryDate) throw new ConflictError(needsEntry(p));
      const late = lateReportProblem(p.exitDate, today());
      if (late) throw new ConflictError(late);
      const month = (input.month ?? "").trim();
      const checked = attendanceProblems({ ...input, month }, { entryDate: p.entryDate, exitDate: p.exitDate, endDate: p.endDate, today: today() });
      refuse(checked.errors);
      const days = checked.days!;
      const bill = await m.getRepository(PlaceBill).findOne({ where: { purchaseId: p.id, billKey: `month:${month}`, status: In(["confirmed", "invoiced"]) } });
      if (bill) throw new ConflictError(`${formatMonth(month)} ist bereits abgerechnet (Abrechnung ${bill.reference}); die Anwesenheit kann nicht mehr geändert werden. Wenden Sie sich bei Fehlern bitte an das Jobcenter.`);
      const repo = m.getRepository(AttendanceMonth);
      const previous = await repo.findOne({ where: { purchaseId: p.id, month } });
      const now = nowIso();
      const values = { daysPresent: days.present, daysExcused: days.excused, daysUnexcused: days.unexcused, channel: channelOf(user), reportedById: user.id, reportedAt: now };
      let row: AttendanceMonth;
      if (previous) {
        await repo.update({ id: previous.id }, values);
        row = { ...previous, ...values };
      } else row = await repo.save(repo.create({ purchaseId: p.id, month, ...values }));
      await appendAudit(m, actorOf(user), {
        action: "attendance.report",
        summary: `Platzkauf ${p.reference}: Anwesenheit ${formatMonth(month)} ${previous ? "korrigiert" : "gemeldet"} (${days.present} anwesend, ${days.excused} entschuldigt, ${days.unexcused} unentschuldigt)`,
        entityType: "place-purchase",
        entityId: p.id,
        providerId: p.providerId,
        details: {
          month,
          daysPresent: days.present,
          daysExcused: days.excused,
          daysUnexcused: days.unexcused,
          channel: values.channel,
          previous: previous ? { daysPresent: previous.daysPresent, daysExcused: previous.daysExcused, daysUnexcused: previous.daysUnexcused, channel: previous.channel, reportedAt: previous.reportedAt } : null,
        },
      });
      return attendanceRow(row, p, false);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("Dieser Monat wurde gerade gleichzeitig gemeldet; bitte laden Sie die Seite neu und prüfen Sie die Angaben.");
    throw error;
  }
}

/** An exam result (any measure type; the form offers it for BaE, Reha-BaE, FbW and QAL). */
export async function reportExam(user: CurrentUser, purchaseId: number, input: { examName: string; examDate: string; passed: boolean; grade?: string | null }): Promise<ExamRow> {
  return tx(async (m) => {
    const p = await reportable(m, user, purchaseId);
    if (!REPORTING_STATES.includes(p.status) || !p.entryDate) throw new ConflictError(needsEntry(p));
    const late = lateReportProblem(p.exitDate, today());
    if (late) throw new ConflictError(late);
    const grade = (input.grade ?? "").trim();
    refuse(examProblems({ examName: input.examName ?? "", examDate: input.examDate ?? "", grade }, { entryDate: p.entryDate, today: today(), exitDate: p.exitDate }));
    const repo = m.getRepository(ExamResult);
    const row = await repo.save(
      repo.create({ purchaseId: p.id, examName: input.examName.trim(), examDate: input.examDate.trim(), passed: !!input.passed, grade, channel: channelOf(user), reportedById: user.id, reportedAt: nowIso() }),
    );
    await appendAudit(m, actorOf(user), {
      action: "exam.report",
      summary: `Platzkauf ${p.reference}: Prüfung „${row.examName}“ am ${formatDate(row.examDate)} ${row.passed ? "bestanden" : "nicht bestanden"}`,
      entityType: "place-purchase",
      entityId: p.id,
      providerId: p.providerId,
      details: { examId: row.id, examName: row.examName, examDate: row.examDate, passed: row.passed, grade, channel: row.channel },
    });
    return examRow(row);
  });
}

/** Exit: completion (running → completed) or early exit with its reason (running → dropped_out). */
export async function reportExit(
  user: CurrentUser,
  purchaseId: number,
  input: { exitDate: string; kind: string; reason?: string | null; note?: string | null; earlyCompletionConfirmed?: boolean },
  opts: { askEarly?: boolean | "api" } = {},
): Promise<PlacePurchase> {
  return tx(async (m) => {
    const p = await reportable(m, user, purchaseId);
    if (p.status !== "running" || !p.entryDate) throw new ConflictError(p.status === "confirmed" ? "Bitte melden Sie zuerst den Eintritt." : `Der Austritt ist bereits gemeldet oder nicht möglich (Status „${p.status}“).`);
    refuse(exitProblems({ ...input, exitDate: input.exitDate ?? "", kind: input.kind ?? "" }, { entryDate: p.entryDate, endDate: p.endDate, today: today(), askEarly: opts.askEarly ?? false }));
    const exitDate = input.exitDate.trim();
    const kind = input.kind as ExitKind;
    const exitReason = kind === "dropped_out" ? (input.reason as string) : null;
    const exitNote = (input.note ?? "").trim();
    // Attendance reported for a month after the exit month: the provider corrects it first.
    const attended = await m
      .getRepository(AttendanceMonth)
      .createQueryBuilder("a")
      .where("a.purchaseId = :p AND a.month > :m", { p: p.id, m: exitDate.slice(0, 7) })
      .andWhere("(a.daysPresent + a.daysExcused + a.daysUnexcused) > 0")
      .orderBy("a.month", "DESC")
      .getOne();
    if (attended)
      throw new ParticipationRuleError(`Für ${formatMonth(attended.month)} ist Anwesenheit gemeldet; ein Austritt am ${formatDate(exitDate)} liegt davor. Bitte korrigieren Sie zuerst die Anwesenheit (0 Tage) oder wählen Sie ein späteres Austrittsdatum.`, {
        exitDate: `Für ${formatMonth(attended.month)} ist Anwesenheit gemeldet; bitte zuerst die Anwesenheit korrigieren.`,
      });
    await transition(m, PLACE_PURCHASES, {
      entity: p,
      event: kind === "completed" ? "complete" : "drop_out",
      facts: purchaseFacts(p, user, { exitDate, exitReason }),
      actor: user,
      set: { exitDate, exitReason, exitNote },
      audit: {
        summary: `Platzkauf ${p.reference}: ${EXIT_KIND_LABELS[kind]} am ${formatDate(exitDate)}${exitReason ? ` (${EXIT_REASON_LABELS[exitReason as ExitReason]})` : ""}`,
        details: { exitDate, exitReason, channel: channelOf(user) },
      },
    });
    Object.assign(p, { exitDate, exitReason, exitNote });
    await stopBillingAt(m, user, p, exitDate);
    return p;
  });
}

/**
 * An exit stops billing, also back-dated: proposed month bills after the exit are cancelled, the
 * proposed bill of the exit month is recomputed up to the exit. A month already billed (confirmed
 * or invoiced) reaching past the exit refuses the exit (the transaction rolls back). The checks
 * run after the conditional updates, so a confirmation racing the exit is seen either way.
 * Cancelled bills keep their key: the daily job never proposes the month again (it lies after the exit).
 */
async function stopBillingAt(m: EntityManager, user: CurrentUser, p: PlacePurchase, exitDate: string): Promise<void> {
  const repo = m.getRepository(PlaceBill);
  const at = nowIso();
  const proposed = await repo.find({ where: { purchaseId: p.id, kind: "month", status: "proposed" }, order: { periodStart: "ASC" } });
  const { from, to } = billedSpan(p);
  for (const b of proposed) {
    if (b.periodEnd <= exitDate) continue; // ends by the exit: unchanged
    const month = b.billKey.slice("month:".length);
    const recomputed = b.periodStart <= exitDate ? monthBill(termsOf(p), from, to, month) : null;
    if (recomputed && recomputed.periodEnd === b.periodEnd && recomputed.amountCents === b.amountCents) continue;
    if (recomputed) {
      const r = await repo
        .createQueryBuilder()
        .update()
        .set({ periodStart: recomputed.periodStart, periodEnd: recomputed.periodEnd, amountCents: recomputed.amountCents, calculation: recomputed.calculation.slice(0, 500), updatedAt: at })
        .where("id = :id AND status = 'proposed'", { id: b.id })
        .execute();
      if (r.affected)
        await appendAudit(m, actorOf(user), {
          action: "bill.cancel",
          summary: `Abrechnungsvorschlag ${b.reference} nach dem Austritt am ${formatDate(exitDate)} neu berechnet: ${formatCents(recomputed.amountCents)} statt ${formatCents(b.amountCents)} (${recomputed.calculation})`,
          entityType: "place-bill",
          entityId: String(b.id),
          providerId: p.providerId,
          details: { purchaseId: p.id, exitDate, recomputed: true, previous: { periodEnd: b.periodEnd, amountCents: b.amountCents, calculation: b.calculation }, amountCents: recomputed.amountCents },
        });
    } else {
      const r = await repo.createQueryBuilder().update().set({ status: "cancelled", updatedAt: at }).where("id = :id AND status = 'proposed'", { id: b.id }).execute();
      if (r.affected)
        await appendAudit(m, actorOf(user), {
          action: "bill.cancel",
          summary: `Abrechnungsvorschlag ${b.reference} (${formatMonth(month)}, ${formatCents(b.amountCents)}) aufgehoben: Austritt am ${formatDate(exitDate)}`,
          entityType: "place-bill",
          entityId: String(b.id),
          providerId: p.providerId,
          details: { purchaseId: p.id, exitDate, amountCents: b.amountCents },
        });
    }
  }
  const billed = await repo
    .createQueryBuilder("b")
    .where("b.purchaseId = :p AND b.kind = 'month' AND b.status IN ('confirmed', 'invoiced') AND b.periodEnd > :d", { p: p.id, d: exitDate })
    .orderBy("b.periodEnd", "DESC")
    .getOne();
  if (billed) {
    const month = formatMonth(billed.billKey.slice("month:".length));
    const verb = billed.status === "confirmed" ? "bereits bestätigt" : "bereits mit eigener Rechnung abgerechnet";
    throw new ParticipationRuleError(
      `Für ${month} ist die Abrechnung ${billed.reference} ${verb}; ein Austritt davor ist nicht möglich (frühestens am ${formatDate(billed.periodEnd)}). Ist der Austritt wirklich früher gewesen, wenden Sie sich bitte an das Jobcenter, damit die Abrechnung berichtigt wird.`,
      { exitDate: `Für ${month} ist die Abrechnung ${billed.reference} ${verb}; frühestens möglich ist der ${formatDate(billed.periodEnd)}.` },
    );
  }
}

// ---- Outcomes (staff) ----------------------------------------------------------------------

/** Record (or correct) the outcome at a checkpoint; a correction keeps the old values in the audit trail. */
export async function recordOutcome(user: CurrentUser, purchaseId: number, input: OutcomeInput): Promise<OutcomeRow> {
  if (!can(user.role, "record:outcome:any")) throw new ForbiddenError();
  const followUpMonths = await getSetting("places.outcomeFollowUpMonths");
  try {
    return await tx(async (m) => {
      const p = await reachablePurchase(m, user, purchaseId);
      if (!EXITED_STATES.includes(p.status) || !p.exitDate) throw new ConflictError("Der Verbleib wird nach dem Austritt erfasst; für diesen Platzkauf ist noch kein Austritt gemeldet.");
      const { errors, clean } = outcomeProblems(input, { exitDate: p.exitDate, today: today(), followUpMonths, from: p.entryDate ?? p.startDate });
      refuse(errors);
      const c = clean!;
      const repo = m.getRepository(Outcome);
      const previous = await repo.findOne({ where: { purchaseId: p.id, checkpoint: c.checkpoint } });
      const values = { status: c.status, employerName: c.employerName, startDate: c.startDate, weeklyHours: c.weeklyHours, asOf: c.asOf, note: c.note, recordedById: user.id, recordedAt: nowIso() };
      let row: Outcome;
      if (previous) {
        await repo.update({ id: previous.id }, values);
        row = { ...previous, ...values };
      } else row = await repo.save(repo.create({ clientId: p.clientId, purchaseId: p.id, checkpoint: c.checkpoint, ...values }));
      await appendAudit(m, actorOf(user), {
        action: "outcome.record",
        summary: `Platzkauf ${p.reference}: Verbleib ${OUTCOME_CHECKPOINT_LABELS[c.checkpoint]} ${previous ? "korrigiert" : "erfasst"}: ${OUTCOME_STATUS_LABELS[c.status as OutcomeStatus]}`,
        entityType: "place-purchase",
        entityId: p.id,
        details: {
          checkpoint: c.checkpoint,
          status: c.status,
          employerName: c.employerName,
          startDate: c.startDate,
          weeklyHours: c.weeklyHours,
          asOf: c.asOf,
          previous: previous ? { status: previous.status, employerName: previous.employerName, startDate: previous.startDate, weeklyHours: previous.weeklyHours, asOf: previous.asOf, note: previous.note } : null,
        },
      });
      if (c.checkpoint === "exit") await followOutcome(m, user, p, c.status);
      return outcomeRow(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("Dieser Verbleib wurde gerade gleichzeitig erfasst; bitte laden Sie die Seite neu.");
    throw error;
  }
}

/**
 * The exit outcome decides the success and transfer bills: corrected to "none" (or, for the
 * transfer, to anything but training) their proposals are cancelled; corrected back, a cancelled
 * proposal is proposed again (its key stays, so the daily job would not create it anew).
 */
async function followOutcome(m: EntityManager, user: CurrentUser, p: PlacePurchase, status: string): Promise<void> {
  const integration = status !== "none";
  const cancel = [...(integration ? [] : ["event:success"]), ...(status === "training" ? [] : ["event:transfer"])];
  const revive = [...(integration ? ["event:success"] : []), ...(status === "training" && p.exitReason === "training" ? ["event:transfer"] : [])];
  const repo = m.getRepository(PlaceBill);
  const at = nowIso();
  for (const [keys, from, to] of [
    [cancel, "proposed", "cancelled"],
    [revive, "cancelled", "proposed"],
  ] as const) {
    if (!keys.length) continue;
    const bills = await repo.find({ where: { purchaseId: p.id, billKey: In([...keys]), status: from } });
    for (const b of bills) {
      const r = await repo.createQueryBuilder().update().set({ status: to, updatedAt: at }).where("id = :id AND status = :from", { id: b.id, from }).execute();
      if (!r.affected) continue;
      await appendAudit(m, actorOf(user), {
        action: "bill.cancel",
        summary:
          to === "cancelled"
            ? `Abrechnungsvorschlag ${b.reference} (${formatCents(b.amountCents)}) aufgehoben: Verbleib nach Austritt berichtigt auf „${OUTCOME_STATUS_LABELS[status as OutcomeStatus] ?? status}“`
            : `Abrechnungsvorschlag ${b.reference} (${formatCents(b.amountCents)}) wieder zur Bestätigung: Verbleib nach Austritt berichtigt auf „${OUTCOME_STATUS_LABELS[status as OutcomeStatus] ?? status}“`,
        entityType: "place-bill",
        entityId: String(b.id),
        providerId: p.providerId,
        details: { purchaseId: p.id, billKey: b.billKey, outcome: status, status: to },
      });
    }
  }
}

// ---- Reading -------------------------------------------------------------------------------

function attendanceRow(a: AttendanceMonth, p: PlacePurchase, billed: boolean): AttendanceRow {
  return {
    month: a.month,
    monthLabel: formatMonth(a.month),
    daysPresent: a.daysPresent,
    daysExcused: a.daysExcused,
    daysUnexcused: a.daysUnexcused,
    channel: a.channel,
    reportedAt: a.reportedAt,
    daysInParticipation: p.entryDate ? participationDaysIn(a.month, p.entryDate, reportableLast(p, today())).days : 0,
    billed,
  };
}

function examRow(e: ExamResult): ExamRow {
  return { id: e.id, examName: e.examName, examDate: e.examDate, passed: e.passed, grade: e.grade };
}

function outcomeRow(o: Outcome): OutcomeRow {
  return {
    id: o.id,
    checkpoint: o.checkpoint,
    checkpointLabel: OUTCOME_CHECKPOINT_LABELS[o.checkpoint as OutcomeCheckpoint] ?? o.checkpoint,
    status: o.status,
    statusLabel: OUTCOME_STATUS_LABELS[o.status as OutcomeStatus] ?? o.status,
    employerName: o.employerName,
    startDate: o.startDate,
    weeklyHours: o.weeklyHours,
    asOf: o.asOf,
    note: o.note,
  };
}

async function attendanceRows(m: EntityManager, p: PlacePurchase): Promise<AttendanceRow[]> {
  const rows = await m.getRepository(AttendanceMonth).find({ where: { purchaseId: p.id }, order: { month: "ASC" } });
  const billed = new Set(
    (await m.getRepository(PlaceBill).find({ where: { purchaseId: p.id, kind: "month", status: In(["confirmed", "invoiced"]) }, select: { billKey: true } })).map((b) => b.billKey),
  );
  return rows.map((a) => attendanceRow(a, p, billed.has(`month:${a.month}`)));
}

/** The months of one purchase (API GET), for whoever may see the purchase. */
export async function attendanceOf(user: CurrentUser, purchaseId: number): Promise<{ purchase: PlacePurchase; months: AttendanceRow[] }> {
  const m = await em();
  const p = await reachablePurchase(m, user, purchaseId);
  return { purchase: p, months: await attendanceRows(m, p) };
}

/** The participation of one purchase as the user may see it (the purchase must be reachable for the user). */
export async function participationOf(user: CurrentUser, purchaseId: number): Promise<ParticipationData> {
  const m = await em();
  const p = await reachablePurchase(m, user, purchaseId);
  const staff = can(user.role, "read:place:any");
  const measure = await m.getRepository(Measure).findOne({ where: { id: p.measureId }, select: { id: true, typeCode: true } });
  const followUpMonths = await getSetting("places.outcomeFollowUpMonths");
  const t = today();
  const exams = await m.getRepository(ExamResult).find({ where: { purchaseId: p.id }, order: { examDate: "ASC", id: "ASC" } });
  // Providers never see outcomes (DOMAIN.md § 4, rule 15).
  const outcomes = staff ? await m.getRepository(Outcome).find({ where: { purchaseId: p.id }, order: { id: "ASC" } }) : [];
  const reportableMonths: { value: string; label: string; maxDays: number }[] = [];
  if (p.entryDate && REPORTING_STATES.includes(p.status) && !lateReportProblem(p.exitDate, t)) {
    const last = (p.exitDate ?? t).slice(0, 7);
    const lastDay = reportableLast(p, t);
    for (let mo = last; mo >= p.entryDate.slice(0, 7); mo = prevMonth(mo)) {
      const maxDays = participationDaysIn(mo, p.entryDate, lastDay).days;
      if (mo <= t.slice(0, 7) && maxDays > 0) reportableMonths.push({ value: mo, label: formatMonth(mo), maxDays });
      if (reportableMonths.length >= 60) break;
    }
  }
  const exited = EXITED_STATES.includes(p.status) && !!p.exitDate;
  return {
    attendance: await attendanceRows(m, p),
    exams: exams.map(examRow),
    outcomes: outcomes.map(outcomeRow),
    canReport: mayReport(user, p) && (can(user.role, "report:participation:own") || can(user.role, "buy:place:any")) && ["confirmed", ...REPORTING_STATES].includes(p.status),
    canRecordOutcome: can(user.role, "record:outcome:any") && exited,
    reference: p.reference,
    status: p.status,
    startDate: p.startDate,
    endDate: p.endDate,
    entryDate: p.entryDate,
    exitDate: p.exitDate,
    exitReason: p.exitReason,
    exitReasonLabel: p.exitReason ? (EXIT_REASON_LABELS[p.exitReason as ExitReason] ?? p.exitReason) : "",
    exitNote: p.exitNote,
    typeCode: measure?.typeCode ?? "",
    showExams: EXAM_TYPES.includes(measure?.typeCode ?? ""),
    reportableMonths,
    followUpFrom: exited ? followUpDue(p.exitDate!, followUpMonths) : null,
    followUpMonths,
    today: t,
  };
}

function prevMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const mo = Number(month.slice(5, 7));
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, "0")}`;
}

// ---- The client's outcomes (client page) ---------------------------------------------------

export interface ClientOutcomeRow {
  source: "place" | "placement";
  /** The purchase or claim reference. */
  reference: string;
  href: string;
  checkpointLabel: string;
  status: string;
  statusLabel: string;
  integration: boolean;
  employerName: string;
  startDate: string | null;
  weeklyHours: number | null;
  asOf: string;
}

/** What became of a client: the place outcomes and the accepted broker placements (read-only, staff). */
export async function clientOutcomes(user: CurrentUser, clientId: number): Promise<ClientOutcomeRow[]> {
  if (!can(user.role, "read:place:any")) throw new ForbiddenError();
  const m = await em();
  const outcomes = await m.getRepository(Outcome).find({ where: { clientId }, order: { asOf: "DESC", id: "DESC" } });
  const purchases = outcomes.length ? await m.getRepository(PlacePurchase).find({ where: { id: In([...new Set(outcomes.map((o) => o.purchaseId))]) }, select: { id: true, reference: true } }) : [];
  const refOf = new Map(purchases.map((p) => [p.id, p.reference]));
  const claims = await m.getRepository(PlacementClaim).find({ where: { clientId, status: "accepted" }, order: { jobStart: "DESC" } });
  const rows: ClientOutcomeRow[] = [
    ...outcomes.map((o) => ({
      source: "place" as const,
      reference: refOf.get(o.purchaseId) ?? String(o.purchaseId),
      href: `/purchases/${o.purchaseId}`,
      checkpointLabel: OUTCOME_CHECKPOINT_LABELS[o.checkpoint as OutcomeCheckpoint] ?? o.checkpoint,
      status: o.status,
      statusLabel: OUTCOME_STATUS_LABELS[o.status as OutcomeStatus] ?? o.status,
      integration: o.status !== "none",
      employerName: o.employerName,
      startDate: o.startDate,
      weeklyHours: o.weeklyHours,
      asOf: o.asOf,
    })),
    ...claims.map((c) => ({
      source: "placement" as const,
      reference: c.reference,
      href: `/placements/${c.id}`,
      checkpointLabel: "Vermittlung (Vermittlungsgutschein)",
      status: "employment",
      statusLabel: OUTCOME_STATUS_LABELS.employment,
      integration: true,
      employerName: c.employerName,
      startDate: c.jobStart,
      weeklyHours: c.weeklyHours,
      asOf: (c.decidedAt ?? c.submittedAt).slice(0, 10),
    })),
  ];
  return rows.sort((a, b) => (b.startDate ?? b.asOf).localeCompare(a.startDate ?? a.asOf));
}

// ---- The worklist „Verbleib erfassen“ ------------------------------------------------------

export type OutcomeDueQuery = ListQuery<(typeof OUTCOME_DUE_LIST)["filters"], (typeof OUTCOME_DUE_LIST)["sorts"][number]>;

export interface OutcomeDueRow {
  key: string;
  purchaseId: number;
  reference: string;
  kind: OutcomeDueKind;
  kindLabel: string;
  dueOn: string;
  exitDate: string;
  exitKind: string;
  exitLabel: string;
  client: string;
  clientReference: string;
  measure: string;
  provider: string;
  overdueDays: number;
}

/** Exits without an exit outcome and six-month follow-ups due (exit + follow-up months reached, none recorded). */
export async function outcomesDue(user: CurrentUser, partial: Partial<OutcomeDueQuery> = {}): Promise<{ rows: OutcomeDueRow[]; total: number; page: number; pages: number; pageSize: number; query: OutcomeDueQuery; all: OutcomeDueRow[] }> {
  if (!can(user.role, "record:outcome:any")) throw new ForbiddenError();
  const q = completeQuery(OUTCOME_DUE_LIST, partial) as OutcomeDueQuery;
  const m = await em();
  const t = today();
  const followUpMonths = await getSetting("places.outcomeFollowUpMonths");
  // The follow-up is due once its months after the exit are over: the latest exit date for which
  // that is so today (followUpDue grows with the exit date, so everything up to it is due).
  let lastFollowUpExit = t;
  while (followUpDue(lastFollowUpExit, followUpMonths) > t) lastFollowUpExit = addDays(lastFollowUpExit, -1);
  // Only the exits that miss an outcome, with the two checks as index probes (one query; reading
  // every exit of the period and its outcomes took 180 ms at ten years of data).
  const has = (checkpoint: string) => `EXISTS (SELECT 1 FROM outcomes o_${checkpoint} WHERE o_${checkpoint}."purchaseId" = p.id AND o_${checkpoint}.checkpoint = '${checkpoint}')`;
  const exited = await m
    .getRepository(PlacePurchase)
    .createQueryBuilder("p")
    .select(["p.id AS id", "p.reference AS reference", "p.exitDate AS exit_date", "p.status AS status", "p.clientId AS client_id", "p.measureId AS measure_id", "p.providerId AS provider_id"])
    .addSelect(has("exit"), "has_exit")
    .addSelect(has("six_months"), "has_six")
    // The state is checked below: in SQL, SQLite would walk the state index (nearly every purchase
    // of ten years is completed) instead of the exit dates of the period (a few thousand).
    .where("p.exitDate IS NOT NULL")
    .andWhere("p.exitDate <= :t", { t })
    .andWhere("p.exitDate >= :since", { since: addMonths(t, -OUTCOME_DUE_WITHIN_MONTHS) })
    .andWhere(`(NOT ${has("exit")} OR (p.exitDate <= :lastFollowUpExit AND NOT ${has("six_months")}))`, { lastFollowUpExit })
    .getRawMany<{ id: number; reference: string; exit_date: string; status: string; client_id: number; measure_id: number; provider_id: number | null; has_exit: boolean | number; has_six: boolean | number }>();
  const yes = (v: boolean | number | string) => v === true || Number(v) === 1;
  const candidates: { p: Pick<PlacePurchase, "id" | "reference" | "exitDate" | "status" | "clientId" | "measureId" | "providerId">; kind: OutcomeDueKind; dueOn: string }[] = [];
  for (const r of exited) {
    if (!(EXITED_STATES as readonly string[]).includes(r.status)) continue;
    const p = { id: Number(r.id), reference: r.reference, exitDate: r.exit_date, status: r.status, clientId: Number(r.client_id), measureId: Number(r.measure_id), providerId: r.provider_id === null ? null : Number(r.provider_id) } as Pick<PlacePurchase, "id" | "reference" | "exitDate" | "status" | "clientId" | "measureId" | "providerId">;
    if (!yes(r.has_exit)) candidates.push({ p, kind: "exit", dueOn: p.exitDate! });
    const due = followUpDue(p.exitDate!, followUpMonths);
    if (due <= t && !yes(r.has_six)) candidates.push({ p, kind: "six_months", dueOn: due });
  }
  const clientIds = [...new Set(candidates.map((c) => c.p.clientId))];
  const measureIds = [...new Set(candidates.map((c) => c.p.measureId))];
  const providerIds = [...new Set(candidates.map((c) => c.p.providerId).filter((x): x is number => x !== null))];
  const clients = new Map((await loadInChunks(clientIds, (ids) => m.getRepository(Client).find({ where: { id: In(ids) }, select: { id: true, reference: true, firstName: true, lastName: true } }))).map((c) => [c.id, c]));
  const measures = new Map((await loadInChunks(measureIds, (ids) => m.getRepository(Measure).find({ where: { id: In(ids) }, select: { id: true, title: true, hostName: true } }))).map((x) => [x.id, x]));
  const providers = new Map((await loadInChunks(providerIds, (ids) => m.getRepository(Provider).find({ where: { id: In(ids) }, select: { id: true, name: true } }))).map((x) => [x.id, x]));
  let rows: OutcomeDueRow[] = candidates.map(({ p, kind, dueOn }) => {
    const c = clients.get(p.clientId);
    const measure = measures.get(p.measureId);
    return {
      key: `${p.id}:${kind}`,
      purchaseId: p.id,
      reference: p.reference,
      kind,
      kindLabel: OUTCOME_DUE_KIND_LABELS[kind],
      dueOn,
      exitDate: p.exitDate!,
      exitKind: p.status,
      exitLabel: EXIT_KIND_LABELS[p.status as ExitKind] ?? p.status,
      client: c ? `${c.lastName}, ${c.firstName}` : "",
      clientReference: c?.reference ?? "",
      measure: measure?.title ?? "",
      provider: p.providerId ? (providers.get(p.providerId)?.name ?? "") : measure?.hostName || "Arbeitgeber",
      overdueDays: Math.max(0, Math.round((Date.parse(t) - Date.parse(dueOn)) / 86400000)),
    };
  });
  if (q.kind) rows = rows.filter((r) => r.kind === q.kind);
  if (q.exit) rows = rows.filter((r) => r.exitKind === q.exit);
  if (q.q) {
    const needle = q.q.toLowerCase();
    rows = rows.filter((r) => [r.reference, r.client, r.clientReference, r.measure, r.provider].some((v) => v.toLowerCase().includes(needle)));
  }
  const key: Record<string, (r: OutcomeDueRow) => string> = { dueOn: (r) => r.dueOn, exitDate: (r) => r.exitDate, reference: (r) => r.reference, client: (r) => r.client.toLowerCase(), provider: (r) => r.provider.toLowerCase() };
  const k = key[q.sort] ?? key.dueOn;
  const sign = q.dir === "desc" ? -1 : 1;
  rows.sort((a, b) => sign * k(a).localeCompare(k(b)) || a.dueOn.localeCompare(b.dueOn) || a.key.localeCompare(b.key));
  const { page, pages, offset } = pageBounds(rows.length, q.page, q.pageSize);
  return { rows: rows.slice(offset, offset + q.pageSize), total: rows.length, page, pages, pageSize: q.pageSize, query: q, all: rows };
}

async function loadInChunks<T>(ids: number[], load: (ids: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...(await load(ids.slice(i, i + 500))));
  return out;
}

// ---- Forms (portal and staff page) ---------------------------------------------------------

/** A date from a form: ISO or German; what cannot be read stays as typed (the rule names it). */
function formDate(value: string | undefined): string {
  const v = (value ?? "").trim();
  return parseDate(v) ?? v;
}

/**
 * One report from the portal or staff form (intent entry | attendance | exam | exit); answers the
 * flash message. The purchase is checked first, so another organisation's purchase is 404
 * whatever the form holds.
 */
export async function reportFromForm(user: CurrentUser, purchaseId: number, values: Record<string, string>): Promise<string> {
  await reportable(await em(), user, purchaseId, false);
  switch (values.intent) {
    case "entry": {
      const p = await reportEntry(user, purchaseId, { entryDate: formDate(values.entryDate) });
      return `Eintritt am ${formatDate(p.entryDate)} gemeldet.`;
    }
    case "attendance": {
      const row = await reportAttendance(user, purchaseId, { month: values.month ?? "", daysPresent: values.daysPresent ?? "", daysExcused: values.daysExcused ?? "", daysUnexcused: values.daysUnexcused ?? "" });
      return `Anwesenheit ${row.monthLabel} gespeichert.`;
    }
    case "exam": {
      if (values.passed !== "yes" && values.passed !== "no") throw new ValidationError("Bitte geben Sie an, ob die Prüfung bestanden wurde.", { passed: "Bitte „bestanden“ oder „nicht bestanden“ wählen." });
      const row = await reportExam(user, purchaseId, { examName: values.examName ?? "", examDate: formDate(values.examDate), passed: values.passed === "yes", grade: values.grade ?? "" });
      return `Prüfungsergebnis „${row.examName}“ gespeichert.`;
    }
    case "exit": {
      const p = await reportExit(
        user,
        purchaseId,
        { exitDate: formDate(values.exitDate), kind: values.kind ?? "", reason: values.reason || null, note: values.note ?? "", earlyCompletionConfirmed: values.earlyCompletionConfirmed === "1" },
        { askEarly: true },
      );
      return p.status === "completed" ? `Abschluss am ${formatDate(p.exitDate)} gemeldet.` : `Vorzeitiger Austritt am ${formatDate(p.exitDate)} gemeldet.`;
    }
    default:
      throw new ValidationError("Unbekannte Aktion.");
  }
}

/** The outcome form of the staff page; answers the flash message. */
export async function recordOutcomeFromForm(user: CurrentUser, purchaseId: number, values: Record<string, string>): Promise<string> {
  const row = await recordOutcome(user, purchaseId, {
    checkpoint: values.checkpoint ?? "",
    status: values.status ?? "",
    employerName: values.employerName ?? "",
    startDate: formDate(values.startDate),
    weeklyHours: values.weeklyHours ?? "",
    asOf: formDate(values.asOf),
    note: values.note ?? "",
  });
  return `Verbleib ${row.checkpointLabel} gespeichert: ${row.statusLabel}.`;
}

/** A purchase's participation dates and state as the API answers them. */
export function purchaseParticipation(p: PlacePurchase) {
  return {
    id: p.id,
    reference: p.reference,
    status: p.status,
    statusLabel: PURCHASE_STATE_LABELS[p.status as PurchaseState] ?? p.status,
    startDate: p.startDate,
    endDate: p.endDate,
    entryDate: p.entryDate,
    exitDate: p.exitDate,
    exitReason: p.exitReason,
  };
}

/** The worklist as CSV (the same selection as the page, every row). */
export async function outcomesDueCsv(user: CurrentUser, query: OutcomeDueQuery): Promise<string> {
  const { all } = await outcomesDue(user, { ...query, page: 1 });
  return toCsv(
    ["Platzkauf", "Erfassen", "fällig seit", "Tage überfällig", "Austritt", "Art des Austritts", "Kunde", "Kundennummer", "Maßnahme", "Träger"],
    all.map((r) => [r.reference, r.kindLabel, formatDate(r.dueOn), r.overdueDays, formatDate(r.exitDate), r.exitLabel, r.client, r.clientReference, r.measure, r.provider]),
  );
}
