import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { AttendanceMonth, AuditEvent, Client, Measure, Outcome, PlaceBill, PlacementClaim, PlacePurchase, User } from "../../entities";
import { em } from "../setup/db";
import { setClock } from "~/lib/clock.server";
import { seedDemoData, DEMO_PASSWORD } from "~/demo/demo-data.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import type { PersonUser } from "~/services/auth.server";
import { login } from "~/services/auth.server";
import { sessionCookieHeader } from "~/lib/session.server";
import {
  clientOutcomes,
  outcomesDue,
  participationOf,
  recordOutcome,
  reportAttendance,
  reportEntry,
  reportExam,
  reportExit,
  reportFromForm,
} from "~/services/participation.server";
import { action as portalReport } from "~/routes/portal.purchases.$id.report";
import { action as staffReport } from "~/routes/purchases.$id.report";
import { action as outcomeAction } from "~/routes/purchases.$id.outcome";
import { OUTCOME_DUE_WITHIN_MONTHS } from "~/domain/participation";
import { addDays, addMonths } from "~/domain/time";

/**
 * Participation through the services (issue 11, points 6–7): entry, attendance, exams and exit
 * at their boundaries, outcomes at exit and six months later, what a provider never sees, and
 * the report routes refusing another organisation's purchase. The clock is fixed: today is
 * 10.05.2026 unless a test moves it.
 */

const TODAY = "2026-05-10";
const CTX = { nonce: "", clientAddress: "127.0.0.1" };
let caseManager: PersonUser;
let provider: PersonUser; // traeger@ (DEMO-T-0001)
let otherProvider: PersonUser; // angebote@demo-t-0002 (another training provider)
let procurement: PersonUser;
let measureId: number;
let clientId: number;
let seq = 0;

async function person(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

async function purchase(over: Partial<PlacePurchase> = {}): Promise<PlacePurchase> {
  const repo = (await em()).getRepository(PlacePurchase);
  seq++;
  return repo.save(
    repo.create({
      reference: `PK-T-${String(seq).padStart(5, "0")}`,
      measureId,
      providerId: provider.providerId,
      clientId,
      startDate: "2026-04-20",
      endDate: "2029-04-19",
      status: "confirmed",
      priceModel: "place_month",
      priceCents: 150000,
      proRata: "days",
      eventFees: [],
      hours: null,
      estimatedCents: 5400000,
      budgetLineId: null,
      approvalNeeded: false,
      consentAt: null,
      note: "",
      requestedById: caseManager.id,
      requestedAt: "2026-03-01T09:00:00.000Z",
      // Ordered (a provider sees a purchase only once it was ordered).
      orderedAt: "2026-03-01T10:00:00.000Z",
      statusReason: "",
      entryDate: null,
      exitDate: null,
      exitReason: null,
      exitNote: "",
      createdAt: "2026-03-01T09:00:00.000Z",
      updatedAt: "2026-03-01T09:00:00.000Z",
      ...over,
    }),
  );
}

const reload = async (id: number) => (await em()).getRepository(PlacePurchase).findOneByOrFail({ id });

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a refusal");
}

function fieldError(error: Error, field: string): string {
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError & { status: number }).status).toBe(422);
  const message = (error as ValidationError).fieldErrors[field];
  expect(message, JSON.stringify((error as ValidationError).fieldErrors)).toBeTruthy();
  return message;
}

async function cookieOf(email: string): Promise<string> {
  const result = await login(email, DEMO_PASSWORD, "127.0.0.1");
  if (!result.ok) throw new Error(result.error);
  return (await sessionCookieHeader(new Request("http://localhost/"), result.token, result.expiresAt)).split(";")[0];
}

function formRequest(url: string, cookie: string, values: Record<string, string>): Request {
  return new Request(`http://localhost${url}`, { method: "POST", headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(values).toString() });
}

async function status(p: Promise<Response>): Promise<number> {
  try {
    return (await p).status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  caseManager = await person("fallmanagement@asz-kamenz.example");
  provider = await person("traeger@bildungswerk-lausitz.example");
  otherProvider = await person("angebote@demo-t-0002.example");
  procurement = await person("vergabe@asz-kamenz.example");
  const m = await em();
  const clients = m.getRepository(Client);
  clientId = (
    await clients.save(
      clients.create({ reference: "KD-T-0001", firstName: "Kevin", lastName: "Teilnehmer", birthDate: "2005-02-01", targetGroups: ["youth"], monthlyBenefitCents: 56300, householdSize: 3, healthNotes: "Rückenleiden", caseManagerId: null, createdAt: "2026-01-01T09:00:00.000Z", updatedAt: "2026-01-01T09:00:00.000Z" }),
    )
  ).id;
  const measures = m.getRepository(Measure);
  measureId = (
    await measures.save(
      measures.create({
        reference: "MK-T-0001",
        providerId: provider.providerId,
        typeCode: "bae",
        title: "BaE Tischler (Test)",
        origin: "ba",
        format: "individual",
        entryMode: "continuous",
        startDates: [],
        duration: 36,
        durationUnit: "month",
        weeklyHours: 3900,
        capacity: 10,
        priceModel: "place_month",
        priceCents: 150000,
        proRata: "days",
        eventFees: [],
        targetGroups: [],
        validFrom: "2020-01-01",
        validUntil: "2035-12-31",
        status: "active",
        createdAt: "2026-01-01T09:00:00.000Z",
        updatedAt: "2026-01-01T09:00:00.000Z",
      }),
    )
  ).id;
  setClock(`${TODAY}T10:00:00.000Z`);
}, 180_000);

describe("entry", () => {
  it("today is fine, tomorrow is refused; 30 days before the planned start is fine, 31 are refused", async () => {
    // Planned start 30 days after today: an entry today is exactly 30 days early.
    const thirty = await purchase({ startDate: "2026-06-09" });
    const thirtyOne = await purchase({ startDate: "2026-06-10" });
    expect(fieldError(await refusal(reportEntry(provider, thirtyOne.id, { entryDate: "2026-05-11" })), "entryDate")).toMatch(/in der Zukunft/);
    expect(fieldError(await refusal(reportEntry(provider, thirtyOne.id, { entryDate: TODAY })), "entryDate")).toMatch(/mehr als 30 Tage vor dem geplanten Beginn \(10\.06\.2026\); frühestens möglich ist der 11\.05\.2026/);
    expect((await reload(thirtyOne.id)).status).toBe("confirmed");
    const started = await reportEntry(provider, thirty.id, { entryDate: TODAY });
    expect(started.status).toBe("running");
    expect(await reload(thirty.id)).toMatchObject({ status: "running", entryDate: TODAY });
    const audit = await (await em()).getRepository(AuditEvent).findOneOrFail({ where: { action: "purchase.start", entityId: String(thirty.id) } });
    expect(audit.details).toMatchObject({ entryDate: TODAY, channel: "portal" });
    // Once running, a second entry is a state conflict.
    expect(await refusal(reportEntry(provider, thirty.id, { entryDate: TODAY }))).toBeInstanceOf(ConflictError);
  });

  it("another organisation's purchase is not found; staff report with channel staff; procurement may not", async () => {
    const p = await purchase();
    expect(await refusal(reportEntry(otherProvider, p.id, { entryDate: "2026-04-20" }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(reportEntry(procurement, p.id, { entryDate: "2026-04-20" }))).toBeInstanceOf(ForbiddenError);
    await reportEntry(caseManager, p.id, { entryDate: "2026-04-20" });
    const audit = await (await em()).getRepository(AuditEvent).findOneOrFail({ where: { action: "purchase.start", entityId: String(p.id) } });
    expect(audit.details).toMatchObject({ channel: "staff" });
  });

  it("an employer measure without a provider: staff report entry and exit", async () => {
    const p = await purchase({ providerId: null });
    expect(await refusal(reportEntry(provider, p.id, { entryDate: "2026-04-20" }))).toBeInstanceOf(NotFoundError);
    await reportEntry(caseManager, p.id, { entryDate: "2026-04-20" });
    await reportExit(caseManager, p.id, { exitDate: "2026-05-05", kind: "dropped_out", reason: "employment" });
    expect(await reload(p.id)).toMatchObject({ status: "dropped_out", exitReason: "employment" });
  });
});

describe("monthly attendance", () => {
  let p: PlacePurchase;
  beforeAll(async () => {
    p = await purchase();
    await reportEntry(provider, p.id, { entryDate: "2026-04-20" });
  });

  it("before the entry (state confirmed) is a conflict", async () => {
    const waiting = await purchase();
    const error = await refusal(reportAttendance(provider, waiting.id, { month: "2026-04", daysPresent: 1, daysExcused: 0, daysUnexcused: 0 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/zuerst den Eintritt/);
  });

  it("entry on the 20th of a 30-day month: 11 days are the most; 12 are refused naming the maximum", async () => {
    const over = await refusal(reportAttendance(provider, p.id, { month: "2026-04", daysPresent: 10, daysExcused: 1, daysUnexcused: 1 }));
    expect(fieldError(over, "daysPresent")).toBe(
      "Im April 2026 liegen 11 Tage der Teilnahme (20.04.2026 bis 30.04.2026): anwesend, entschuldigt und unentschuldigt zusammen höchstens 11 Tage, gemeldet sind 12.",
    );
    const row = await reportAttendance(provider, p.id, { month: "2026-04", daysPresent: 9, daysExcused: 1, daysUnexcused: 1 });
    expect(row).toMatchObject({ month: "2026-04", daysPresent: 9, daysExcused: 1, daysUnexcused: 1, daysInParticipation: 11, channel: "portal", billed: false });
  });

  it("the month before the entry and a future month are refused; the current month is fine", async () => {
    expect(fieldError(await refusal(reportAttendance(provider, p.id, { month: "2026-03", daysPresent: 0, daysExcused: 0, daysUnexcused: 0 })), "month")).toMatch(/vor dem Eintritt/);
    expect(fieldError(await refusal(reportAttendance(provider, p.id, { month: "2026-06", daysPresent: 0, daysExcused: 0, daysUnexcused: 0 })), "month")).toMatch(/in der Zukunft/);
    expect(fieldError(await refusal(reportAttendance(provider, p.id, { month: "2026-05", daysPresent: -1, daysExcused: "x", daysUnexcused: 1.5 })), "daysExcused")).toMatch(/ganze Zahl/);
    // May (today the 10th): 10 days up to today, not the 31 of the month (review fix).
    expect(fieldError(await refusal(reportAttendance(provider, p.id, { month: "2026-05", daysPresent: 10, daysExcused: 1, daysUnexcused: 0 })), "daysPresent")).toMatch(/bis heute 10 Tage.*höchstens 10 Tage/);
    expect(await reportAttendance(provider, p.id, { month: "2026-05", daysPresent: "6", daysExcused: "0", daysUnexcused: "0" })).toMatchObject({ daysPresent: 6, daysInParticipation: 10 });
  });

  it("a correction updates the month and keeps the previous values in the audit trail", async () => {
    await reportAttendance(caseManager, p.id, { month: "2026-04", daysPresent: 8, daysExcused: 2, daysUnexcused: 1 });
    const rows = await (await em()).getRepository(AttendanceMonth).find({ where: { purchaseId: p.id, month: "2026-04" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ daysPresent: 8, daysExcused: 2, channel: "staff" });
    const audits = await (await em()).getRepository(AuditEvent).find({ where: { action: "attendance.report", entityId: String(p.id) }, order: { id: "DESC" } });
    expect(audits[0].details).toMatchObject({ month: "2026-04", daysPresent: 8, previous: { daysPresent: 9, daysExcused: 1, daysUnexcused: 1, channel: "portal" } });
  });

  it("a month with a confirmed bill can no longer be corrected; a proposed bill does not stop it", async () => {
    const bills = (await em()).getRepository(PlaceBill);
    const bill = (month: string, status: string) =>
      bills.save(
        bills.create({
          reference: `AB-T-${month}`,
          purchaseId: p.id,
          providerId: provider.providerId!,
          kind: "month",
          billKey: `month:${month}`,
          periodStart: `${month}-01`,
          periodEnd: `${month}-28`,
          event: null,
          calculation: "Test",
          amountCents: 100,
          status,
          invoiceId: null,
          confirmedById: null,
          confirmedAt: null,
          createdAt: "2026-05-01T09:00:00.000Z",
          updatedAt: "2026-05-01T09:00:00.000Z",
        }),
      );
    await bill("2026-05", "proposed");
    await reportAttendance(provider, p.id, { month: "2026-05", daysPresent: 7, daysExcused: 0, daysUnexcused: 0 });
    await bill("2026-04", "confirmed");
    const error = await refusal(reportAttendance(provider, p.id, { month: "2026-04", daysPresent: 9, daysExcused: 1, daysUnexcused: 1 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/April 2026 ist bereits abgerechnet \(Abrechnung AB-T-2026-04\)/);
    const data = await participationOf(provider, p.id);
    expect(data.attendance.map((r) => [r.month, r.billed, r.daysPresent])).toEqual([
      ["2026-04", true, 8],
      ["2026-05", false, 7],
    ]);
  });
});

describe("exams and exit", () => {
  it("exam dates: not before the entry, not in the future; a result is stored", async () => {
    const p = await purchase();
    expect(await refusal(reportExam(provider, p.id, { examName: "Zwischenprüfung", examDate: "2026-05-01", passed: true }))).toBeInstanceOf(ConflictError);
    await reportEntry(provider, p.id, { entryDate: "2026-04-20" });
    expect(fieldError(await refusal(reportExam(provider, p.id, { examName: "Zwischenprüfung", examDate: "2026-04-19", passed: true })), "examDate")).toMatch(/vor dem Eintritt/);
    expect(fieldError(await refusal(reportExam(provider, p.id, { examName: "Zwischenprüfung", examDate: "2026-05-11", passed: true })), "examDate")).toMatch(/in der Zukunft/);
    expect(await reportExam(provider, p.id, { examName: "Zwischenprüfung", examDate: "2026-04-20", passed: false, grade: "5" })).toMatchObject({ passed: false, grade: "5" });
    expect((await participationOf(provider, p.id)).exams).toHaveLength(1);
  });

  it("exit before the entry, in the future, or an early exit without reason are refused; the entry day itself is fine", async () => {
    const p = await purchase();
    await reportEntry(provider, p.id, { entryDate: "2026-04-20" });
    expect(fieldError(await refusal(reportExit(provider, p.id, { exitDate: "2026-04-19", kind: "completed" })), "exitDate")).toMatch(/vor dem Eintritt/);
    expect(fieldError(await refusal(reportExit(provider, p.id, { exitDate: "2026-05-11", kind: "completed" })), "exitDate")).toMatch(/in der Zukunft/);
    expect(fieldError(await refusal(reportExit(provider, p.id, { exitDate: "2026-05-01", kind: "dropped_out" })), "reason")).toMatch(/Grund/);
    expect(fieldError(await refusal(reportExit(provider, p.id, { exitDate: "2026-05-01", kind: "dropped_out", reason: "other", note: "kurz" })), "note")).toMatch(/mindestens 10/);
    expect(await refusal(reportExit(otherProvider, p.id, { exitDate: "2026-05-01", kind: "dropped_out", reason: "illness" }))).toBeInstanceOf(NotFoundError);
    await reportExit(provider, p.id, { exitDate: "2026-04-20", kind: "dropped_out", reason: "illness", note: "Langzeiterkrankung" });
    expect(await reload(p.id)).toMatchObject({ status: "dropped_out", exitDate: "2026-04-20", exitReason: "illness", exitNote: "Langzeiterkrankung" });
    // After the exit the month after is closed.
    expect(fieldError(await refusal(reportAttendance(provider, p.id, { month: "2026-05", daysPresent: 0, daysExcused: 0, daysUnexcused: 0 })), "month")).toMatch(/nach dem Austritt/);
    expect(await reportAttendance(provider, p.id, { month: "2026-04", daysPresent: 1, daysExcused: 0, daysUnexcused: 0 })).toMatchObject({ daysInParticipation: 1 });
  });

  it("the form asks whether a completion before the planned end was an early exit (the API too, see participation-api); an internal service call does not", async () => {
    const p = await purchase();
    await reportEntry(provider, p.id, { entryDate: "2026-04-20" });
    const asked = await refusal(reportFromForm(provider, p.id, { intent: "exit", exitDate: "2026-05-08", kind: "completed" }));
    expect((asked as ValidationError).fieldErrors.earlyCompletionConfirmed).toMatch(/vor dem geplanten Ende \(19\.04\.2029\)/);
    expect(await reportFromForm(provider, p.id, { intent: "exit", exitDate: "08.05.2026", kind: "completed", earlyCompletionConfirmed: "1" })).toBe("Abschluss am 08.05.2026 gemeldet.");
    const q = await purchase();
    await reportEntry(provider, q.id, { entryDate: "2026-04-20" });
    expect((await reportExit(provider, q.id, { exitDate: "2026-05-08", kind: "completed" })).status).toBe("completed");
  });
});

describe("outcomes", () => {
  let exited: PlacePurchase;
  beforeAll(async () => {
    exited = await purchase({ status: "completed", startDate: "2025-08-01", endDate: "2025-11-10", entryDate: "2025-08-01", exitDate: "2025-11-10" });
  });

  it("only after the exit, only staff with record:outcome:any", async () => {
    const running = await purchase({ status: "running", entryDate: "2026-04-20" });
    expect(await refusal(recordOutcome(caseManager, running.id, { checkpoint: "exit", status: "none", asOf: TODAY }))).toBeInstanceOf(ConflictError);
    expect(await refusal(recordOutcome(provider, exited.id, { checkpoint: "exit", status: "none", asOf: TODAY }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(recordOutcome(procurement, exited.id, { checkpoint: "exit", status: "none", asOf: TODAY }))).toBeInstanceOf(ForbiddenError);
  });

  it("employment needs employer, start and hours; a start more than six months after the exit is no integration", async () => {
    const base = { checkpoint: "exit", status: "employment", asOf: "2025-11-20" };
    const missing = await refusal(recordOutcome(caseManager, exited.id, { ...base, startDate: "2025-11-15", weeklyHours: "39,5" }));
    expect(fieldError(missing, "employerName")).toBe("Bitte den Arbeitgeber angeben.");
    expect(fieldError(await refusal(recordOutcome(caseManager, exited.id, { ...base, employerName: "Tischlerei Lehmann", startDate: "2025-11-15" })), "weeklyHours")).toMatch(/Wochenstunden/);
    // Exit 10.11.2025 + 6 months = 10.05.2026: that day counts, the next does not.
    expect(fieldError(await refusal(recordOutcome(caseManager, exited.id, { ...base, employerName: "Tischlerei Lehmann", startDate: "2026-05-11", weeklyHours: "39,5" })), "startDate")).toMatch(
      /mehr als 6 Monate nach dem Austritt.*„keine Integration“/,
    );
    // A job found during the measure may start before the exit.
    const row = await recordOutcome(caseManager, exited.id, { ...base, employerName: "Tischlerei Lehmann", startDate: "2025-11-01", weeklyHours: "39,5" });
    expect(row).toMatchObject({ checkpoint: "exit", status: "employment", employerName: "Tischlerei Lehmann", startDate: "2025-11-01", weeklyHours: 3950 });
  });

  it("six months later: one day before exit + 6 months is refused, on the day it is recorded", async () => {
    setClock("2026-05-09T10:00:00.000Z");
    try {
      const early = await refusal(recordOutcome(caseManager, exited.id, { checkpoint: "six_months", status: "employment", employerName: "Tischlerei Lehmann", startDate: "2025-11-01", weeklyHours: "39,5", asOf: "2026-05-09" }));
      expect(fieldError(early, "checkpoint")).toMatch(/ab dem 10\.05\.2026/);
      expect((await outcomesDue(caseManager)).all.some((r) => r.purchaseId === exited.id && r.kind === "six_months")).toBe(false);
      // On the day itself the follow-up is listed.
      setClock("2026-05-10T10:00:00.000Z");
      expect((await outcomesDue(caseManager)).all.find((r) => r.purchaseId === exited.id && r.kind === "six_months")).toMatchObject({ dueOn: "2026-05-10", overdueDays: 0 });
    } finally {
      setClock(`${TODAY}T10:00:00.000Z`);
    }
    const due = await outcomesDue(caseManager, { kind: "six_months" });
    expect(due.all.find((r) => r.purchaseId === exited.id)).toMatchObject({ kind: "six_months", dueOn: "2026-05-10", exitDate: "2025-11-10" });
    await recordOutcome(caseManager, exited.id, { checkpoint: "six_months", status: "employment", employerName: "Tischlerei Lehmann", startDate: "2025-11-01", weeklyHours: "39,5", asOf: TODAY });
    expect((await outcomesDue(caseManager)).all.some((r) => r.purchaseId === exited.id)).toBe(false);
  });

  it("one row per checkpoint: a correction updates it and keeps the old values in the audit trail", async () => {
    await recordOutcome(caseManager, exited.id, { checkpoint: "six_months", status: "none", asOf: TODAY, note: "Arbeitsverhältnis in der Probezeit beendet" });
    const rows = await (await em()).getRepository(Outcome).find({ where: { purchaseId: exited.id } });
    expect(rows.map((r) => [r.checkpoint, r.status, r.employerName, r.weeklyHours]).sort()).toEqual([
      ["exit", "employment", "Tischlerei Lehmann", 3950],
      ["six_months", "none", "", null],
    ]);
    const audit = await (await em()).getRepository(AuditEvent).findOneOrFail({ where: { action: "outcome.record", entityId: String(exited.id) }, order: { id: "DESC" } });
    expect(audit.details).toMatchObject({ checkpoint: "six_months", status: "none", previous: { status: "employment", employerName: "Tischlerei Lehmann", weeklyHours: 3950 } });
  });

  it("the provider never gets outcomes; staff do", async () => {
    const forProvider = await participationOf(provider, exited.id);
    expect(forProvider.outcomes).toEqual([]);
    expect(forProvider.canRecordOutcome).toBe(false);
    expect(JSON.stringify(forProvider)).not.toMatch(/Tischlerei Lehmann/);
    const forStaff = await participationOf(caseManager, exited.id);
    expect(forStaff.outcomes.map((o) => o.checkpoint).sort()).toEqual(["exit", "six_months"]);
    expect(forStaff.canRecordOutcome).toBe(true);
    expect(await refusal(participationOf(otherProvider, exited.id))).toBeInstanceOf(NotFoundError);
  });

  it("the worklist: exits without an outcome first by due date, filters, paging", async () => {
    const a = await purchase({ status: "dropped_out", entryDate: "2026-01-05", exitDate: "2026-02-01", exitReason: "illness", startDate: "2026-01-05" });
    const b = await purchase({ status: "completed", entryDate: "2026-01-05", exitDate: "2026-03-01", startDate: "2026-01-05" });
    const list = await outcomesDue(caseManager, { q: "PK-T-" });
    const mine = list.all.filter((r) => [a.id, b.id].includes(r.purchaseId));
    expect(mine.map((r) => [r.purchaseId, r.kind, r.dueOn])).toEqual([
      [a.id, "exit", "2026-02-01"],
      [b.id, "exit", "2026-03-01"],
    ]);
    expect((await outcomesDue(caseManager, { exit: "dropped_out" })).all.every((r) => r.exitKind === "dropped_out")).toBe(true);
    const paged = await outcomesDue(caseManager, { pageSize: 1, page: 2 });
    expect(paged.rows).toHaveLength(1);
    expect(paged.rows[0].key).toBe(paged.all[1].key);
    expect(await refusal(outcomesDue(provider))).toBeInstanceOf(ForbiddenError);
  });

  it("clientOutcomes lists the place outcomes and the accepted placements of the client", async () => {
    const m = await em();
    const claims = m.getRepository(PlacementClaim);
    const claim = await claims.save(
      claims.create({
        reference: "VN-T-0001",
        assignmentId: 1,
        clientId,
        providerId: otherProvider.providerId!,
        legalBasis: "voucher",
        employerName: "Spedition Kamenz",
        abroad: false,
        contractDate: "2026-03-20",
        jobStart: "2026-04-01",
        weeklyHours: 4000,
        insured: true,
        fixedTermEnd: null,
        occupation: "Lagerist",
        claimedFeeCents: 200000,
        status: "accepted",
        ruleResults: [],
        flagged: false,
        severeDisabilityException: false,
        channel: "portal",
        submittedAt: "2026-04-02T09:00:00.000Z",
        decidedAt: "2026-04-10T09:00:00.000Z",
        createdAt: "2026-04-02T09:00:00.000Z",
        updatedAt: "2026-04-10T09:00:00.000Z",
      } as Partial<PlacementClaim>),
    );
    await claims.save(claims.create({ ...claim, id: undefined, reference: "VN-T-0002", status: "submitted", employerName: "Nicht angenommen GmbH" }));
    const cid = clientId;
    const p = await purchase({ clientId: cid, status: "completed", entryDate: "2026-01-05", exitDate: "2026-03-01", startDate: "2026-01-05" });
    await recordOutcome(caseManager, p.id, { checkpoint: "exit", status: "training", employerName: "Autohaus Kamenz", startDate: "2026-04-01", asOf: "2026-03-15" });
    const rows = await clientOutcomes(caseManager, cid);
    expect(rows.find((r) => r.reference === p.reference)).toMatchObject({ source: "place", reference: p.reference, status: "training", integration: true, employerName: "Autohaus Kamenz" });
    expect(rows.filter((r) => r.source === "placement")).toHaveLength(1);
    expect(rows.find((r) => r.source === "placement")).toMatchObject({ reference: claim.reference, status: "employment", employerName: claim.employerName, startDate: "2026-04-01", weeklyHours: 4000, integration: true });
    expect(await refusal(clientOutcomes(provider, cid))).toBeInstanceOf(ForbiddenError);
  });
});

describe("the report routes", () => {
  it("portal: another organisation's purchase is 404; a bad report comes back with its message and values; a good one redirects with a flash", async () => {
    const p = await purchase();
    const other = await cookieOf("angebote@demo-t-0002.example");
    const own = await cookieOf("traeger@bildungswerk-lausitz.example");
    const url = `/portal/purchases/${p.id}/report`;
    expect(await status(portalReport({ request: formRequest(url, other, { intent: "entry", entryDate: "2026-04-20" }), params: { id: String(p.id) }, context: CTX }))).toBe(404);
    const bad = await portalReport({ request: formRequest(url, own, { intent: "entry", entryDate: "2026-05-11" }), params: { id: String(p.id) }, context: CTX });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.fieldErrors.entryDate).toMatch(/in der Zukunft/);
    expect(body.values).toMatchObject({ entryDate: "2026-05-11" });
    const ok = await portalReport({ request: formRequest(url, own, { intent: "entry", entryDate: "20.04.2026" }), params: { id: String(p.id) }, context: CTX });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe(`/portal/purchases/${p.id}`);
    expect((await reload(p.id)).status).toBe("running");
    // Staff may not use the portal route; the provider may not use the staff routes.
    const staff = await cookieOf("fallmanagement@asz-kamenz.example");
    expect(await status(portalReport({ request: formRequest(url, staff, { intent: "attendance" }), params: { id: String(p.id) }, context: CTX }))).toBe(403);
    expect(await status(staffReport({ request: formRequest(`/purchases/${p.id}/report`, own, { intent: "attendance" }), params: { id: String(p.id) }, context: CTX }))).toBe(403);
    expect(await status(outcomeAction({ request: formRequest(`/purchases/${p.id}/outcome`, own, {}), params: { id: String(p.id) }, context: CTX }))).toBe(403);
    // The staff route: attendance on the provider's behalf.
    const done = await staffReport({ request: formRequest(`/purchases/${p.id}/report`, staff, { intent: "attendance", month: "2026-04", daysPresent: "11", daysExcused: "0", daysUnexcused: "0" }), params: { id: String(p.id) }, context: CTX });
    expect(done.headers.get("Location")).toBe(`/purchases/${p.id}`);
    expect((await (await em()).getRepository(AttendanceMonth).findOneByOrFail({ purchaseId: p.id, month: "2026-04" })).channel).toBe("staff");
  });
});

describe("review fixes: the outcomes worklist only holds recent exits", () => {
  it(`an exit exactly ${OUTCOME_DUE_WITHIN_MONTHS} months ago is due; one day earlier is history`, async () => {
    setClock(`${TODAY}T10:00:00.000Z`);
    const edge = addMonths(TODAY, -OUTCOME_DUE_WITHIN_MONTHS); // 2024-11-10
    const inside = await purchase({ status: "completed", startDate: "2024-01-02", endDate: edge, entryDate: "2024-01-02", exitDate: edge });
    const outside = await purchase({ status: "completed", startDate: "2024-01-02", endDate: addDays(edge, -1), entryDate: "2024-01-02", exitDate: addDays(edge, -1) });
    const all = (await outcomesDue(caseManager, { q: "PK-T-" })).all;
    expect(all.filter((r) => r.purchaseId === inside.id).map((r) => r.kind).sort()).toEqual(["exit", "six_months"]);
    expect(all.some((r) => r.purchaseId === outside.id)).toBe(false);
  });
});

describe("review fixes: exit boundaries", () => {
  it("an exit after the planned end is refused; on the planned end it is fine", async () => {
    const p = await purchase({ startDate: "2026-04-20", endDate: "2026-05-05" });
    await reportEntry(provider, p.id, { entryDate: "2026-04-20" });
    expect(fieldError(await refusal(reportExit(provider, p.id, { exitDate: "2026-05-06", kind: "completed" })), "exitDate")).toMatch(/Die Teilnahme endet planmäßig am 05\.05\.2026/);
    expect((await reportExit(provider, p.id, { exitDate: "2026-05-05", kind: "completed" })).status).toBe("completed");
  });

  it("an exit before a month with reported attendance is refused naming the month; in that month it is fine", async () => {
    const p = await purchase({ startDate: "2026-03-20", endDate: "2029-03-19" });
    await reportEntry(provider, p.id, { entryDate: "2026-03-20" });
    await reportAttendance(provider, p.id, { month: "2026-04", daysPresent: 3, daysExcused: 0, daysUnexcused: 0 });
    await reportAttendance(provider, p.id, { month: "2026-05", daysPresent: 0, daysExcused: 0, daysUnexcused: 0 });
    const error = await refusal(reportExit(provider, p.id, { exitDate: "2026-03-31", kind: "dropped_out", reason: "illness" }));
    expect(fieldError(error, "exitDate")).toMatch(/Für April 2026 ist Anwesenheit gemeldet/);
    expect((await reload(p.id)).status).toBe("running");
    // May holds no days: it does not stop an exit in April.
    expect((await reportExit(provider, p.id, { exitDate: "2026-04-01", kind: "dropped_out", reason: "illness" })).status).toBe("dropped_out");
  });
});

describe("review fixes: reports on an ended place", () => {
  it("attendance and exams until exit + 6 months; a day later refused; no reportable months then", async () => {
    const p = await purchase({ status: "dropped_out", startDate: "2025-09-01", endDate: "2028-08-31", entryDate: "2025-09-01", exitDate: "2025-11-10", exitReason: "illness" });
    // Exit 10.11.2025 + 6 months = 10.05.2026 = today: still fine.
    expect(await reportAttendance(provider, p.id, { month: "2025-11", daysPresent: 10, daysExcused: 0, daysUnexcused: 0 })).toMatchObject({ daysInParticipation: 10 });
    expect((await participationOf(provider, p.id)).reportableMonths.map((r) => r.value)).toEqual(["2025-11", "2025-10", "2025-09"]);
    setClock("2026-05-11T10:00:00.000Z");
    try {
      const late = await refusal(reportAttendance(provider, p.id, { month: "2025-11", daysPresent: 9, daysExcused: 0, daysUnexcused: 0 }));
      expect(late).toBeInstanceOf(ConflictError);
      expect(late.message).toMatch(/endete am 10\.11\.2025.*bis 10\.05\.2026/);
      expect(await refusal(reportExam(provider, p.id, { examName: "Zwischenprüfung", examDate: "2025-11-01", passed: true }))).toBeInstanceOf(ConflictError);
      expect((await participationOf(provider, p.id)).reportableMonths).toEqual([]);
    } finally {
      setClock(`${TODAY}T10:00:00.000Z`);
    }
  });
});
