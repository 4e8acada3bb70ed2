/**
 * Fee instalments (1./2. Rate): proof uploads, early end of employment, the daily job that
 * moves instalments when their dates pass (same transition table as the UI), the factual
 * certification (sachlich richtig) and the payable items handed to finance.
 */
import { In, IsNull, type EntityManager } from "typeorm";
import { BankAccount, BudgetLine, ClaimDocument, Client, EmploymentSpell, FeeInstalment, PaymentItem, PlacementClaim, Provider, Assignment } from "../../entities";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { INSTALMENT_STATE_LABELS, reminderDue, type InstalmentEvent, type InstalmentFacts, type InstalmentState } from "~/domain/fee-instalment.machine";
import { formatIban } from "~/domain/iban";
import { formatCents } from "~/domain/money";
import { durationReachedOn } from "~/domain/placement";
import type { RuleResult } from "~/domain/placement-rules";
import { toCsv } from "~/domain/csv";
import { addDays, berlinDate, formatDate } from "~/domain/time";
import { parseOrThrow } from "~/domain/validation";
import { completeQuery, type ListQuery } from "~/domain/list";
import { paginate } from "~/lib/list.server";
import { appendAudit, SYSTEM, type Actor } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { storeDocument } from "~/lib/documents.server";
import { isReadablePdf } from "~/lib/pdf-check.server";
import { enqueueMail } from "~/lib/mailer.server";
import { sniffContentType } from "~/lib/files.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { expireAgreements } from "./placement-agreements.server";
import { expireAssignments } from "./clients.server";
import { INSTALMENTS, knowClaimReference, ownBrokerId, requireCan } from "./placement-common.server";
import { commitmentFor } from "./budget.server";
import { createPaymentItem, itemFacts, paidOnByInstalment, PAYMENT_ITEMS } from "./payment-items.server";
import { planTransition, tryTransition } from "./transition.server";
import { correctionSchema, endSchema, proofSchema } from "~/domain/placement.schema";

function facts(i: FeeInstalment, claim: Pick<PlacementClaim, "jobStart" | "employmentEndedOn">, day: string, proof?: InstalmentFacts["proof"], reason?: string): InstalmentFacts {
  return { state: i.status as InstalmentState, today: day, number: i.number, jobStart: claim.jobStart, earliestOn: i.earliestOn, deadlineOn: i.deadlineOn, sameEmployerRequired: i.sameEmployer, employmentEndedOn: claim.employmentEndedOn, proof, reason };
}

/** The timestamp each event writes (each event has one target state). */
const STAMP: Partial<Record<InstalmentEvent, keyof FeeInstalment>> = { reach_duration: "dueAt", prove: "earnedAt", certify: "certifiedAt", end_employment: "closedAt", lapse: "closedAt", revoke: "closedAt" };

/** One instalment move for transition()/tryTransition(): the event's timestamp, the claim's reference in the audit entry. */
function step(i: FeeInstalment, claimRef: string, event: InstalmentEvent, facts: InstalmentFacts, actor: CurrentUser | "system", extra: Partial<FeeInstalment> = {}, details: Record<string, unknown> = {}) {
  const at = nowIso();
  const stamp = STAMP[event];
  const set: Partial<FeeInstalment> = { updatedAt: at, ...(stamp ? { [stamp]: at } : {}), ...extra };
  return { entity: i, event, facts, actor, set, audit: { about: `${claimRef}, ${i.number}. Rate (${formatCents(i.amountCents)})`, details: { claim: claimRef, ...details } } };
}

/** Move one claim's instalments for a day: duration reached, exclusion period over. */
export async function advanceClaimInstalments(m: EntityManager, claimOrId: number | Pick<PlacementClaim, "id" | "reference" | "jobStart" | "employmentEndedOn">, day: string): Promise<number> {
  // The caller's claim, when it holds it (its reference and dates do not change in a decision).
  const claim = typeof claimOrId === "number" ? await m.getRepository(PlacementClaim).findOneByOrFail({ id: claimOrId }) : claimOrId;
  const claimId = claim.id;
  knowClaimReference(m, claim);
  const rows = await m.getRepository(FeeInstalment).find({ where: { claimId, status: In(["pending", "due"]) } });
  let moved = 0;
  for (const i of rows) moved += await advanceOne(m, i, claim, day);
  return moved;
}

async function advanceOne(m: EntityManager, i: FeeInstalment, claim: Pick<PlacementClaim, "reference" | "jobStart" | "employmentEndedOn">, day: string): Promise<number> {
  let moved = 0;
  for (const event of ["lapse", "reach_duration"] as const) {
    if (await tryTransition(m, INSTALMENTS, step(i, claim.reference, event, facts(i, claim, day), "system"))) {
      moved++;
      if (event === "lapse") break;
    }
  }
  return moved;
}

export interface DayReport {
  day: string;
  agreementsExpired: number;
  assignmentsExpired: number;
  instalmentsMoved: number;
  reminders: number;
}

/**
 * The daily job. Idempotent: a second run on the same day finds nothing left to do (conditional
 * updates; reminders remember the day they were sent).
 */
export async function runPlacementDay(day: string = today()): Promise<DayReport> {
  const report: DayReport = { day, agreementsExpired: 0, assignmentsExpired: 0, instalmentsMoved: 0, reminders: 0 };
  // A usual day is ONE transaction: expiries, the instalments (in batches of 500, so a long
  // backlog does not hold one huge transaction; a full batch asks for the next) and the reminders
  // once no instalment is left to move.
  let more = true;
  let first = true;
  while (more) {
    await tx(async (m) => {
      if (first) {
        report.agreementsExpired = await expireAgreements(m, day);
        report.assignmentsExpired = await expireAssignments(m, day);
      }
      const batch = await advanceInstalments(m, day);
      report.instalmentsMoved += batch.moved;
      more = batch.full && batch.moved > 0;
      if (!more) report.reminders = await sendReminders(m, day);
    });
    first = false;
  }
  return report;
}

const INSTALMENT_BATCH = 500;

/** One batch of instalments that become due or lapse on `day`; `full` when there may be more. */
async function advanceInstalments(m: EntityManager, day: string): Promise<{ moved: number; full: boolean }> {
  const rows = await m
    .getRepository(FeeInstalment)
    .createQueryBuilder("i")
    .where("(i.status = 'pending' AND (i.earliestOn <= :day OR i.deadlineOn < :day)) OR (i.status = 'due' AND i.deadlineOn < :day)", { day })
    .orderBy("i.id", "ASC")
    .limit(INSTALMENT_BATCH)
    .getMany();
  if (!rows.length) return { moved: 0, full: false };
  const claims = new Map((await m.getRepository(PlacementClaim).find({ where: { id: In(rows.map((r) => r.claimId)) }, select: { id: true, reference: true, jobStart: true, employmentEndedOn: true } })).map((c) => [c.id, c]));
  for (const c of claims.values()) knowClaimReference(m, c); // the feed events name the claim without reading it again
  let moved = 0;
  for (const i of rows) moved += await advanceOne(m, i, claims.get(i.claimId)!, day);
  return { moved, full: rows.length === INSTALMENT_BATCH };
}

/** Reminders for due instalments whose proof is missing, every `placement.reminderIntervalDays`. */
async function sendReminders(m: EntityManager, day: string): Promise<number> {
  const interval = (await getSettings(m))["placement.reminderIntervalDays"];
  const rows = await m
    .getRepository(FeeInstalment)
    .createQueryBuilder("i")
    .where("i.status = 'due' AND (i.lastReminderOn IS NULL OR i.lastReminderOn <= :last)", { last: addDays(day, -interval) })
    .getMany();
  const due = rows.filter((i) => reminderDue(i.status as InstalmentState, day, i.earliestOn, i.lastReminderOn, interval));
  if (!due.length) return 0;
  const claims = new Map((await m.getRepository(PlacementClaim).find({ where: { id: In(due.map((r) => r.claimId)) } })).map((c) => [c.id, c]));
  const providers = new Map((await m.getRepository(Provider).find({ where: { id: In(due.map((r) => r.providerId)) } })).map((p) => [p.id, p]));
  let sent = 0;
  for (const i of due) {
    const res = await m.getRepository(FeeInstalment).update({ id: i.id, lastReminderOn: i.lastReminderOn === null ? IsNull() : i.lastReminderOn }, { lastReminderOn: day });
    if (!res.affected) continue;
    const p = providers.get(i.providerId);
    const c = claims.get(i.claimId)!;
    if (p?.email)
      await enqueueTemplateMail(m, {
        to: p.email,
        template: "mail-instalment-reminder",
        data: { reference: c.reference, number: i.number, amount: formatCents(i.amountCents), lastDay: formatDate(addDays(i.earliestOn, -1)), deadline: formatDate(i.deadlineOn) },
      });
    sent++;
  }
  if (sent) await appendAudit(m, SYSTEM, { action: "instalment.remind", summary: `${sent} Erinnerung(en) an fehlende Arbeitgeberbestätigungen`, entityType: "fee-instalment", entityId: "", details: { day, count: sent } });
  return sent;
}

// ---------------------------------------------------------------------------------------------
// Broker: proof of duration, early end


/** Upload the employer's confirmation for an instalment; if the machine agrees, it is earned. */
export async function proveInstalment(user: CurrentUser, instalmentId: number, raw: unknown, file: { filename: string; bytes: Uint8Array } | null) {
  requireCan(user, "submit:placement:own");
  const providerId = await ownBrokerId(user);
  const input = parseOrThrow(proofSchema, raw);
  const maxBytes = (await getSettings())["uploads.maxMegabytes"] * 1048576;
  if (!file || !file.bytes.length) throw new ValidationError("Bitte laden Sie die Bestätigung des Arbeitgebers als PDF hoch.", { file: "Bitte eine PDF-Datei wählen." });
  if (file.bytes.length > maxBytes) throw new ValidationError(`Die Datei ist größer als ${Math.round(maxBytes / 1048576)} MB.`, { file: "Datei zu groß." });
  if (!(await isReadablePdf(file.bytes))) throw new ValidationError("Die Bestätigung muss eine PDF-Datei sein (der Inhalt ist kein PDF).", { file: "Kein PDF." });
  return tx(async (m) => {
    const i = await m.getRepository(FeeInstalment).findOne({ where: { id: instalmentId, providerId } });
    if (!i) throw new NotFoundError("Die Rate wurde nicht gefunden.");
    const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: i.claimId });
    const planned = planTransition(INSTALMENTS, { entity: i, event: "prove", facts: facts(i, claim, today(), input), actor: user });
    const kind = i.sameEmployer ? "confirmation_6_months" : "confirmation_42_days";
    const doc = await storeDocument(m, { origin: "upload", title: `Arbeitgeberbestätigung ${i.number}. Rate – ${claim.reference}`, filename: file.filename || `${kind}.pdf`, contentType: "application/pdf", bytes: file.bytes, entityType: "placement-claim", entityId: String(claim.id), providerId, createdById: user.id });
    await m.getRepository(ClaimDocument).insert({ claimId: claim.id, instalmentId: i.id, documentId: doc.id, kind, uploadedAt: nowIso(), uploadedById: user.id });
    await planned.commit(m, step(i, claim.reference, "prove", facts(i, claim, today(), input), user, { confirmedUntil: input.confirmedUntil }, { confirmedUntil: input.confirmedUntil }));
    return i;
  });
}


/**
 * The employment ended early (reported by the broker or by staff): instalments not yet earned
 * whose duration was not reached are cancelled; an end just after a threshold is flagged.
 */
export async function reportEmploymentEnd(user: CurrentUser, claimId: number, raw: unknown) {
  const staff = user.role !== "provider";
  requireCan(user, staff ? "decide:placement:any" : "submit:placement:own");
  const { endedOn } = parseOrThrow(endSchema, raw);
  return tx(async (m) => {
    const claim = await m.getRepository(PlacementClaim).findOne({ where: staff ? { id: claimId } : { id: claimId, providerId: await ownBrokerId(user, m) } });
    if (!claim) throw new NotFoundError("Der Vermittlungsnachweis wurde nicht gefunden.");
    if (claim.status !== "accepted") throw new ConflictError("Ein Ende der Beschäftigung kann nur zu einem anerkannten Nachweis gemeldet werden.");
    if (endedOn < claim.jobStart) throw new ValidationError("Das Ende liegt vor dem Beschäftigungsbeginn.", { endedOn: "Vor dem Beschäftigungsbeginn." });
    if (claim.employmentEndedOn && claim.employmentEndedOn <= endedOn) throw new ConflictError(`Das Ende der Beschäftigung ist bereits zum ${formatDate(claim.employmentEndedOn)} gemeldet.`);
    const settings = await getSettings(m);
    claim.employmentEndedOn = endedOn;
    const window = settings["placement.suspiciousEndWindowDays"];
    const results = [...(claim.ruleResults as RuleResult[])];
    for (const [label, reached] of [
      ["sechs Wochen", durationReachedOn(claim.jobStart, { afterDays: 42, afterMonths: null })],
      ["sechs Monaten", durationReachedOn(claim.jobStart, { afterDays: null, afterMonths: 6 })],
    ] as const)
      if (endedOn >= reached && endedOn <= addDays(reached, window))
        results.push({ code: "R8-ended-after-threshold", severity: "flag", message: `Die Beschäftigung endete am ${formatDate(endedOn)}, kurz nach ${label} (${formatDate(reached)}); Mitnahme prüfen.` });
    claim.ruleResults = results;
    claim.flagged = results.some((r) => r.severity === "flag");
    claim.updatedAt = nowIso();
    await m.getRepository(PlacementClaim).save(claim);
    await m.getRepository(EmploymentSpell).update({ clientId: claim.clientId, source: "placement", fromDate: claim.jobStart, employerName: claim.employerName }, { toDate: endedOn });
    await appendAudit(m, actorOf(user), { action: "placement.employment-end", summary: `${claim.reference}: Beschäftigung endete am ${formatDate(endedOn)}`, entityType: "placement-claim", entityId: String(claim.id), providerId: claim.providerId, details: { endedOn } });
    const open = await m.getRepository(FeeInstalment).find({ where: { claimId: claim.id, status: In(["pending", "due"]) } });
    let cancelled = 0;
    for (const i of open) {
      if (await tryTransition(m, INSTALMENTS, step(i, claim.reference, "end_employment", facts(i, claim, today()), user, { closeReason: `Beschäftigung endete am ${formatDate(endedOn)}, vor Erreichen der Dauer` }))) cancelled++;
    }
    return { cancelled };
  });
}

// ---------------------------------------------------------------------------------------------
// Staff corrections


/**
 * Staff correct a reported end of employment (a later date, or no end at all): instalments that
 * were cancelled because of the wrong end are reinstated when the corrected employment reached
 * their duration; open ones whose duration is no longer reached are cancelled.
 */
export async function correctEmploymentEnd(user: CurrentUser, claimId: number, raw: unknown) {
  requireCan(user, "decide:placement:any");
  const { endedOn, reason } = parseOrThrow(correctionSchema, raw);
  return tx(async (m) => {
    const claim = await m.getRepository(PlacementClaim).findOne({ where: { id: claimId } });
    if (!claim) throw new NotFoundError("Der Vermittlungsnachweis wurde nicht gefunden.");
    if (claim.status !== "accepted") throw new ConflictError("Nur bei einem anerkannten Nachweis kann das Ende der Beschäftigung korrigiert werden.");
    if (endedOn && endedOn < claim.jobStart) throw new ValidationError("Das Ende liegt vor dem Beschäftigungsbeginn.", { endedOn: "Vor dem Beschäftigungsbeginn." });
    const before = claim.employmentEndedOn;
    claim.employmentEndedOn = endedOn;
    claim.updatedAt = nowIso();
    await m.getRepository(PlacementClaim).save(claim);
    await m.getRepository(EmploymentSpell).update({ clientId: claim.clientId, source: "placement", fromDate: claim.jobStart, employerName: claim.employerName }, { toDate: endedOn });
    await appendAudit(m, actorOf(user), {
      action: "placement.employment-end-correct",
      summary: `${claim.reference}: Ende der Beschäftigung korrigiert (${before ? formatDate(before) : "keins"} → ${endedOn ? formatDate(endedOn) : "keins"})`,
      entityType: "placement-claim",
      entityId: String(claim.id),
      providerId: claim.providerId,
      details: { before, after: endedOn, reason },
    });
    const day = today();
    let reinstated = 0;
    let cancelled = 0;
    for (const i of await m.getRepository(FeeInstalment).find({ where: { claimId: claim.id }, order: { number: "ASC" } })) {
      if (i.status === "cancelled") {
        if (await tryTransition(m, INSTALMENTS, step(i, claim.reference, "reinstate", facts(i, claim, day, null, reason), user, { closedAt: null, closeReason: "" }, { reason }))) reinstated++;
      } else if (i.status === "pending" || i.status === "due") {
        if (await tryTransition(m, INSTALMENTS, step(i, claim.reference, "end_employment", facts(i, claim, day), user, { closeReason: `Beschäftigung endete am ${formatDate(endedOn)}, vor Erreichen der Dauer` }, { reason }))) cancelled++;
      }
    }
    await advanceClaimInstalments(m, claim.id, day);
    return { reinstated, cancelled };
  });
}

/** Staff revoke an earned or certified instalment that is not owed after all (before payment); an open payable item is withdrawn. */
export async function revokeInstalment(user: CurrentUser, claimId: number, instalmentId: number, raw: unknown) {
  requireCan(user, "decide:placement:any");
  const { reason } = parseOrThrow(correctionSchema.pick({ reason: true }), raw);
  return tx(async (m) => {
    const i = await m.getRepository(FeeInstalment).findOne({ where: { id: instalmentId, claimId } });
    if (!i) throw new NotFoundError("Die Rate wurde nicht gefunden.");
    const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: claimId });
    const from = i.status;
    const planned = planTransition(INSTALMENTS, { entity: i, event: "revoke", facts: facts(i, claim, today(), null, reason), actor: user });
    if (from === "payable") await withdrawInstalmentItem(m, i.id, reason);
    await planned.commit(m, step(i, claim.reference, "revoke", facts(i, claim, today(), null, reason), user, { closeReason: `Widerrufen: ${reason}`.slice(0, 500) }, { reason }));
    return i;
  });
}

// ---------------------------------------------------------------------------------------------
// Staff: sachlich richtig → payable item

export async function certifyInstalment(user: PersonUser, instalmentId: number, claimId?: number) {
  requireCan(user, "certify:instalment:any");
  return tx(async (m) => {
    const i = await m.getRepository(FeeInstalment).findOne({ where: claimId ? { id: instalmentId, claimId } : { id: instalmentId } });
    if (!i) throw new NotFoundError("Die Rate wurde nicht gefunden.");
    const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: i.claimId });
    const planned = planTransition(INSTALMENTS, { entity: i, event: "certify", facts: facts(i, claim, today()), actor: user });
    const account = await m.getRepository(BankAccount).findOne({ where: { providerId: i.providerId, current: true }, order: { id: "DESC" } });
    if (!account) throw new ValidationError("Für den Vermittler ist keine Bankverbindung hinterlegt; die Rate kann nicht an die Kasse übergeben werden.");
    // Four-eyes: nobody certifies a payment whose bank data they made effective (DOMAIN.md § 3).
    if (account.changedById === user.id) throw new ValidationError("Sie haben die Bankverbindung dieses Vermittlers geändert und dürfen die Zahlung deshalb nicht sachlich richtig zeichnen.");
    const provider = await m.getRepository(Provider).findOneByOrFail({ id: i.providerId });
    const settings = await getSettings(m);
    await planned.commit(m, step(i, claim.reference, "certify", facts(i, claim, today(), undefined), user, { certifiedById: user.id }));
    // The certification is the factual check (sachlich richtig) of the payment item handed to finance.
    const line = await m.getRepository(BudgetLine).findOne({ where: { number: settings["placement.budgetLine"] } });
    const commitment = claim.assignmentId ? await commitmentFor(m, "voucher", claim.assignmentId, Number(today().slice(0, 4))) : null;
    await createPaymentItem(m, user, {
      sourceType: "instalment",
      instalmentId: i.id,
      providerId: i.providerId,
      payeeName: account.holder || provider.name,
      iban: account.iban,
      bic: account.bic,
      bankAccountId: account.id,
      amountCents: i.amountCents,
      dueOn: addDays(today(), settings["finance.paymentTermDays"]),
      purpose: `Vermittlungsverguetung ${claim.reference} ${i.number}. Rate`,
      budgetLineId: commitment?.budgetLineId ?? line?.id ?? null,
      commitmentId: commitment?.id ?? null,
      factualBy: { id: user.id, at: nowIso() },
    });
    return i;
  });
}

/** A revoked instalment takes its open payment item with it (a paid one is a matter of recovery for the cash office). */
async function withdrawInstalmentItem(m: EntityManager, instalmentId: number, reason: string) {
  const item = await m.getRepository(PaymentItem).findOne({ where: { instalmentId }, order: { id: "DESC" } });
  if (!item) return;
  const moved = await tryTransition(m, PAYMENT_ITEMS, {
    entity: item,
    event: "withdraw",
    facts: await itemFacts(m, item, "system"),
    actor: "system",
    set: { cancelledAt: nowIso(), cancelReason: `Rate widerrufen: ${reason}`.slice(0, 500) },
    audit: { details: { reason } },
  });
  if (!moved) throw new ConflictError("Die Zahlung ist nicht mehr offen (im Zahllauf oder bereits ausgezahlt); eine Rückforderung ist Sache der Kasse.");
}

/** Staff worklist: earned instalments waiting for the factual certification. */
export async function instalmentsToCertify(user: CurrentUser) {
  requireCan(user, "read:placement:any");
  const m = await em();
  const rows = await m.getRepository(FeeInstalment).find({ where: { status: "earned" }, order: { earnedAt: "ASC" }, take: 200 });
  const claims = new Map((await m.getRepository(PlacementClaim).find({ where: { id: In(rows.map((r) => r.claimId).concat(0)) } })).map((c) => [c.id, c]));
  const providers = new Map((await m.getRepository(Provider).find({ where: { id: In(rows.map((r) => r.providerId).concat(0)) } })).map((p) => [p.id, p.name]));
  return rows.map((i) => ({ id: i.id, claimId: i.claimId, claim: claims.get(i.claimId)?.reference ?? "", provider: providers.get(i.providerId) ?? "", number: i.number, amountCents: i.amountCents, confirmedUntil: i.confirmedUntil, earnedAt: i.earnedAt }));
}

// ---------------------------------------------------------------------------------------------
// Broker figures

export async function brokerFigures(m: EntityManager, providerId: number) {
  const [assignments, claims, instalments] = await Promise.all([
    m.getRepository(Assignment).count({ where: { providerId } }),
    m.getRepository(PlacementClaim).find({ where: { providerId }, select: { id: true, status: true, submittedAt: true, jobStart: true } }),
    m.getRepository(FeeInstalment).find({ where: { providerId }, select: { id: true, number: true, status: true, amountCents: true, claimId: true } }),
  ]);
  const accepted = claims.filter((c) => c.status === "accepted");
  const sum = (states: string[]) => instalments.filter((i) => states.includes(i.status)).reduce((s, i) => s + i.amountCents, 0);
  const second = instalments.filter((i) => i.number === 2);
  const secondDecided = second.filter((i) => ["earned", "payable", "paid", "cancelled", "lapsed"].includes(i.status));
  const secondReached = secondDecided.filter((i) => ["earned", "payable", "paid"].includes(i.status));
  return {
    assignments,
    claims: claims.length,
    accepted: accepted.length,
    rejected: claims.filter((c) => c.status === "rejected").length,
    open: claims.filter((c) => c.status === "submitted" || c.status === "documents_requested").length,
    placementsPerAssignment: assignments ? accepted.length / assignments : null,
    secondInstalmentShare: secondDecided.length ? secondReached.length / secondDecided.length : null,
    secondInstalmentBase: secondDecided.length,
    earnedCents: sum(["earned", "payable"]),
    paidCents: sum(["paid"]),
    pendingCents: sum(["pending", "due"]),
  };
}

export async function ownFigures(user: CurrentUser) {
  requireCan(user, "submit:placement:own");
  return brokerFigures(await em(), await ownBrokerId(user));
}

/** One of the broker's own instalments, addressed by claim and number (API). */
export async function ownInstalment(user: CurrentUser, claimId: number, number: number) {
  requireCan(user, "submit:placement:own");
  const providerId = await ownBrokerId(user);
  const m = await em();
  const i = await m.getRepository(FeeInstalment).findOne({ where: { claimId, number, providerId } });
  if (!i) throw new NotFoundError("Die Rate wurde nicht gefunden.");
  const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: claimId });
  const paid = await paidOnByInstalment(m, [i.id]);
  return instalmentForProvider({ ...i, paidOn: paid.get(i.id) ?? null }, claim.reference);
}

/** An instalment as its broker sees it (the API's Instalment), alone or within its claim. */
export function instalmentForProvider(
  i: Pick<FeeInstalment, "id" | "number" | "label" | "amountCents" | "earliestOn" | "deadlineOn" | "sameEmployer" | "confirmedUntil" | "status"> & { paidOn?: string | null },
  claimReference: string,
) {
  return {
    id: i.id,
    claim: claimReference,
    number: i.number,
    label: i.label,
    amountCents: i.amountCents,
    earliestOn: i.earliestOn,
    deadlineOn: i.deadlineOn,
    sameEmployerRequired: i.sameEmployer,
    confirmedUntil: i.confirmedUntil,
    status: i.status,
    statusLabel: instalmentStatusLabel(i.status, i.paidOn ?? null),
    paidOn: i.paidOn ?? null,
  };
}

/** "ausgezahlt am 14.03.2007" once the payment is booked; otherwise the machine's label. */
export function instalmentStatusLabel(status: string, paidOn: string | null): string {
  return status === "paid" && paidOn ? `ausgezahlt am ${formatDate(paidOn)}` : INSTALMENT_STATE_LABELS[status as InstalmentState];
}

export async function ownInstalments(user: CurrentUser) {
  requireCan(user, "submit:placement:own");
  const providerId = await ownBrokerId(user);
  const m = await em();
  const rows = await m.getRepository(FeeInstalment).find({ where: { providerId }, order: { earliestOn: "DESC" }, take: 500 });
  const claims = new Map((await m.getRepository(PlacementClaim).find({ where: { id: In(rows.map((r) => r.claimId).concat(0)) } })).map((c) => [c.id, c]));
  const clients = new Map((await m.getRepository(Client).find({ where: { id: In([...claims.values()].map((c) => c.clientId).concat(0)) }, select: { id: true, reference: true } })).map((c) => [c.id, c.reference]));
  const paid = await paidOnByInstalment(m, rows.filter((r) => r.status === "paid").map((r) => r.id));
  return rows.map((i) => ({ id: i.id, claimId: i.claimId, claim: claims.get(i.claimId)?.reference ?? "", client: clients.get(claims.get(i.claimId)?.clientId ?? 0) ?? "", number: i.number, amountCents: i.amountCents, earliestOn: i.earliestOn, deadlineOn: i.deadlineOn, status: i.status, paidOn: paid.get(i.id) ?? null, statusLabel: instalmentStatusLabel(i.status, paid.get(i.id) ?? null) }));
}
