/**
 * Placement claims (Vermittlungsnachweise): submitted by brokers (portal or API), checked
 * against DOMAIN.md § 7 rules 1–10 on submission and again on every staff decision, decided by
 * letter (an administrative act, with instructions on the right to object), audited.
 */
import { In, IsNull, LessThanOrEqual, Not, type EntityManager } from "typeorm";
import { z } from "zod";
import { Assignment, AuditEvent, BankAccount, Certification, ClaimDocument, Client, ContactPerson, Document, EmploymentSpell, FeeInstalment, FeeSchedule, PlacementAgreement, PlacementClaim, Provider, User } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { formatCents } from "~/domain/money";
import { CLAIM_DOCUMENT_KINDS, formatHours, LEGAL_BASIS_LABELS, type ClaimDocumentKind, planInstalments, RULE_SETS, type InstalmentRule, type LegalBasis } from "~/domain/placement";
import { claimMachine, CLAIM_STATE_LABELS, CLAIM_STATES, type ClaimEvent, type ClaimState } from "~/domain/placement-claim.machine";
import { checkPlacementRules, hasErrors, type ClaimInput, type RuleFacts, type RuleResult } from "~/domain/placement-rules";
import { INSTALMENT_STATE_LABELS, instalmentMachine, type InstalmentState } from "~/domain/fee-instalment.machine";
import { berlinDate, formatDate, formatDateTime } from "~/domain/time";
import { toCsv } from "~/domain/csv";
import { parseOrThrow } from "~/domain/validation";
import { completeQuery, type ListQuery } from "~/domain/list";
import { CLAIM_LIST } from "~/domain/list-specs";
import { paginate } from "~/lib/list.server";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { prepareDocument, storeDocument, storePrepared, type GenerateDocumentInput } from "~/lib/documents.server";
import { isReadablePdf } from "~/lib/pdf-check.server";
import { enqueueMail } from "~/lib/mailer.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { recordEvent } from "./events.server";
import { advanceClaimInstalments, instalmentStatusLabel } from "./instalments.server";
import { paidOnByInstalment } from "./payment-items.server";
import { signatory } from "./letters.server";
import { assignmentMachine } from "~/domain/assignment.machine";
import { sniffContentType, storeBytes, type StoredFile } from "~/lib/files.server";
import { renderMail } from "~/lib/mail-template.server";
import { ASSIGNMENTS, CLAIMS, nextReference, ownBrokerId, requireCan } from "./placement-common.server";
import { planTransition, transition } from "./transition.server";
import type { AssignmentState } from "~/domain/placement";
import { claimSchema, decideSchema } from "~/domain/placement.schema";

export { CLAIM_DOCUMENT_KINDS, claimSchema, type ClaimDocumentKind };

export interface UploadedFile {
  filename: string;
  bytes: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Input


export type ClaimFormInput = z.input<ReturnType<typeof claimSchema>>;

/** A document's name as the messages need it: the object of "Bitte laden Sie … hoch" and the subject of a sentence. */
interface UploadLabel {
  accusative: string;
  nominative: string;
}

async function checkUpload(file: UploadedFile | null | undefined, field: string, label: UploadLabel, required: boolean, errors: Record<string, string>, maxBytes: number) {
  if (!file || file.bytes.length === 0) {
    if (required) errors[field] = `Bitte laden Sie ${label.accusative} als PDF hoch.`;
    return;
  }
  if (file.bytes.length > maxBytes) errors[field] = `${label.nominative}: Die Datei ist größer als ${Math.round(maxBytes / 1048576)} MB.`;
  else if (!(await isReadablePdf(file.bytes))) errors[field] = `${label.nominative} muss eine PDF-Datei sein (der Inhalt ist kein PDF).`;
}

/** Uploads into the file store before the transaction (hashing and writing must not hold the write gate, DESIGN.md § 7). */
async function storeUploads<K extends string>(files: Partial<Record<K, UploadedFile | null | undefined>>): Promise<Partial<Record<K, StoredFile>>> {
  const out: Partial<Record<K, StoredFile>> = {};
  for (const [key, file] of Object.entries(files) as [K, UploadedFile | null | undefined][]) if (file?.bytes.length) out[key] = await storeBytes(file.bytes);
  return out;
}

async function attach(m: EntityManager, claim: PlacementClaim, kind: ClaimDocumentKind, file: UploadedFile, user: CurrentUser | null, stored: StoredFile | undefined, instalmentId: number | null = null) {
  const doc = await storeDocument(m, {
    stored,
    origin: "upload",
    title: `${CLAIM_DOCUMENT_KINDS[kind]} – ${claim.reference}`,
    filename: file.filename || `${kind}.pdf`,
    contentType: "application/pdf",
    bytes: file.bytes,
    entityType: "placement-claim",
    entityId: String(claim.id),
    providerId: claim.providerId,
    createdById: user?.id ?? null,
  });
  await m.getRepository(ClaimDocument).insert({ claimId: claim.id, instalmentId, documentId: doc.id, kind, uploadedAt: nowIso(), uploadedById: user?.id ?? null });
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Facts for the rules

function claimInput(c: PlacementClaim): ClaimInput {
  return {
    employerName: c.employerName,
    employerStreet: c.employerStreet,
    employerPostalCode: c.employerPostalCode,
    employerCity: c.employerCity,
    employerVatId: c.employerVatId,
    employerIban: c.employerIban,
    employerManager: c.employerManager,
    abroad: c.abroad,
    contractDate: c.contractDate,
    jobStart: c.jobStart,
    weeklyHours: c.weeklyHours,
    insured: c.insured,
    fixedTermEnd: c.fixedTermEnd,
    occupation: c.occupation,
    brokerContractDate: c.brokerContractDate,
    jobOfferDate: c.jobOfferDate,
    claimedFeeCents: c.claimedFeeCents,
  };
}

/** Everything the rules look at, loaded fresh (on submission and at every decision). */
export async function loadRuleFacts(m: EntityManager, claim: ClaimInput, assignment: Assignment, opts: { claimId: number | null; submittedOn: string; severeDisabilityException: boolean }): Promise<RuleFacts> {
  const [provider, accounts, contacts, certs, spells, otherClaims, otherAssignments, agreement, settings] = await Promise.all([
    m.getRepository(Provider).findOneByOrFail({ id: assignment.providerId }),
    m.getRepository(BankAccount).find({ where: { providerId: assignment.providerId } }),
    m.getRepository(ContactPerson).find({ where: { providerId: assignment.providerId } }),
    m.getRepository(Certification).find({ where: { providerId: assignment.providerId } }),
    m.getRepository(EmploymentSpell).find({ where: { clientId: assignment.clientId } }),
    m.getRepository(PlacementClaim).find({ where: { clientId: assignment.clientId } }),
    m.getRepository(Assignment).find({ where: { clientId: assignment.clientId, status: In(["active", "redeemed"]) } }),
    m.getRepository(PlacementAgreement).findOneByOrFail({ id: assignment.agreementId }),
    getSettings(m),
  ]);
  const schedule = await m.getRepository(FeeSchedule).findOneByOrFail({ id: agreement.feeScheduleId });
  const first = [...(schedule.instalments as InstalmentRule[])].sort((a, b) => a.number - b.number)[0];
  const others = otherClaims.filter((c) => c.id !== opts.claimId);
  return {
    claim,
    broker: {
      id: provider.id,
      name: provider.name,
      street: provider.street,
      postalCode: provider.postalCode,
      vatId: provider.vatId,
      ibans: accounts.map((a) => a.iban),
      managers: contacts.map((c) => c.name),
      tradeRegistrationDate: provider.tradeRegistrationDate,
      certifications: certs.map((c) => ({ validFrom: c.validFrom, validUntil: c.validUntil })),
    },
    assignment: { id: assignment.id, providerId: assignment.providerId, legalBasis: assignment.legalBasis as LegalBasis, issuedOn: assignment.issuedOn, validFrom: assignment.validFrom, validUntil: assignment.validUntil, maxFeeCents: assignment.maxFeeCents },
    // The spell an accepted claim itself recorded is not "previous" employment.
    history: spells
      .filter((s) => !(s.source === "placement" && s.fromDate === claim.jobStart && s.employerName === claim.employerName))
      .map((s) => ({ employerName: s.employerName, from: s.fromDate, to: s.toDate, insured: s.insured })),
    severeDisabilityException: opts.severeDisabilityException,
    otherClaims: others.map((c) => ({ id: c.id, reference: c.reference, providerId: c.providerId, assignmentId: c.assignmentId, status: c.status, employerName: c.employerName, jobStart: c.jobStart })),
    otherBrokerAssignments: otherAssignments
      .filter((a) => a.providerId !== assignment.providerId && a.validFrom <= assignment.validUntil && assignment.validFrom <= a.validUntil)
      .map((a) => ({ reference: a.reference, providerId: a.providerId })),
    firstInstalment: first ?? { afterDays: 42, afterMonths: null },
    submittedOn: opts.submittedOn,
    settings: { suspiciousEndWindowDays: settings["placement.suspiciousEndWindowDays"], sameSpellWindowDays: settings["placement.sameSpellWindowDays"] },
  };
}

// ---------------------------------------------------------------------------------------------
// Submission

export interface SubmitResult {
  /**
   * @deprecated Always false. Retries are recognised by their Idempotency-Key (API) or the
   * form's submission key (portal), no longer by their content (ADR 0016); remove once the API
   * route no longer reads it.
   */
  id: number;
  reference: string;
  status: ClaimState;
  statusLabel: string;
  /** The failed rules; review flags are internal to the authority and not shown to brokers. */
  errors: RuleResult[];
}

export async function submitClaim(
  user: CurrentUser,
  raw: unknown,
  files: { employmentContract?: UploadedFile | null; employerConfirmation?: UploadedFile | null; brokerContract?: UploadedFile | null },
  channel: "portal" | "api",
  options: { requireFiles?: boolean; jsonInput?: boolean } = {},
): Promise<SubmitResult> {
  requireCan(user, "submit:placement:own");
  const providerId = await ownBrokerId(user);
  const input = parseOrThrow(claimSchema(today(), { json: options.jsonInput }), raw);
  const settings = await getSettings();
  const maxBytes = settings["uploads.maxMegabytes"] * 1048576;
  const errors: Record<string, string> = {};
  const requireFiles = options.requireFiles ?? true;
  await checkUpload(files.employmentContract, "employmentContract", { accusative: "den Arbeitsvertrag", nominative: "Der Arbeitsvertrag" }, requireFiles, errors, maxBytes);
  await checkUpload(files.employerConfirmation, "employerConfirmation", { accusative: "die Bestätigung des Arbeitgebers", nominative: "Die Bestätigung des Arbeitgebers" }, requireFiles, errors, maxBytes);
  await checkUpload(files.brokerContract, "brokerContract", { accusative: "den schriftlichen Vermittlungsvertrag mit dem Kunden", nominative: "Der schriftliche Vermittlungsvertrag mit dem Kunden" }, requireFiles, errors, maxBytes);
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die hochgeladenen Dateien.", errors);
  const stored = await storeUploads(files);

  // The rules are checked on committed data read before the write transaction (through the read
  // connection, so the gate is not held for a dozen reads). Inside it, what another submission at
  // the same moment could change — the client's claims (one voucher, one placement) and the
  // assignment's state — is read again; if anything differs, or the day turned, all facts are read
  // again inside the transaction and the rules run on those.
  const r = await em();
  const readAssignment = async (m: EntityManager) => {
    const assignment = await m.getRepository(Assignment).findOne({ where: { id: input.assignmentId, providerId } });
    if (!assignment) throw new ValidationError("Die Zuweisung wurde nicht gefunden.", { assignmentId: "Die Zuweisung wurde nicht gefunden." });
    if (assignment.status === "withdrawn") throw new ConflictError(`Die Zuweisung ${assignment.reference} wurde zurückgenommen.`);
    return assignment;
  };
  const claimInputOf = (assignment: Assignment): ClaimInput => ({
    employerName: input.employerName,
    employerStreet: input.employerStreet,
    employerPostalCode: input.employerPostalCode,
    employerCity: input.employerCity,
    employerVatId: input.employerVatId,
    employerIban: input.employerIban,
    employerManager: input.employerManager,
    abroad: input.abroad,
    contractDate: input.contractDate,
    jobStart: input.jobStart,
    weeklyHours: input.weeklyHours,
    insured: input.insured,
    fixedTermEnd: input.fixedTermEnd,
    occupation: input.occupation,
    brokerContractDate: input.brokerContractDate,
    jobOfferDate: input.jobOfferDate,
    claimedFeeCents: input.claimedFee ?? assignment.maxFeeCents,
  });
  const read = await readAssignment(r);
  const readOn = berlinDate(nowIso());
  const readFacts = await loadRuleFacts(r, claimInputOf(read), read, { claimId: null, submittedOn: readOn, severeDisabilityException: false });
  const client = await r.getRepository(Client).findOneByOrFail({ id: read.clientId });
  const claimsKey = (claims: { id: number; status: string }[]) => claims.map((c) => `${c.id}:${c.status}`).sort().join(",");

  const result = await tx(async (m) => {
    // PostgreSQL: submissions for the same client wait for each other here, so the second sees the
    // first's claim (one voucher, one placement); references are guarded by lockCounter (SQLite's
    // gate serialises every transaction already).
    if (m.connection.options.type === "postgres") await m.query("SELECT id FROM clients WHERE id = $1 FOR UPDATE", [read.clientId]);
    const assignment = await readAssignment(m);
    const at = nowIso();
    const submittedOn = berlinDate(at);
    const claimInputValue = claimInputOf(assignment);
    const clientClaims = await m.getRepository(PlacementClaim).find({ where: { clientId: assignment.clientId }, select: { id: true, status: true } });
    const unchanged = submittedOn === readOn && assignment.status === read.status && assignment.clientId === read.clientId && claimsKey(clientClaims) === claimsKey(readFacts.otherClaims);
    // Every submission is a new claim: a retry of the same submission is recognised by its
    // Idempotency-Key (API) or the form's submission key (portal) before this runs (ADR 0016).
    const facts = unchanged ? readFacts : await loadRuleFacts(m, claimInputValue, assignment, { claimId: null, submittedOn, severeDisabilityException: false });
    const results = checkPlacementRules(facts);
    const rejected = hasErrors(results);
    const claim = await m.getRepository(PlacementClaim).save(
      m.getRepository(PlacementClaim).create({
        reference: await nextReference(m, PlacementClaim, "VN", submittedOn.slice(0, 4), 5),
        assignmentId: assignment.id,
        clientId: assignment.clientId,
        providerId,
        legalBasis: assignment.legalBasis,
        ...claimInputValue,
        status: rejected ? "rejected" : "submitted",
        ruleResults: results,
        flagged: results.some((r) => r.severity === "flag"),
        severeDisabilityException: false,
        channel,
        submittedAt: at,
        submittedById: user.id,
        submittedByApiTokenId: user.apiToken?.id ?? null,
        decidedAt: rejected ? at : null,
        decidedById: null,
        decisionNote: rejected ? results.filter((r) => r.severity === "error").map((r) => r.message).join("\n") : "",
        decisionDocumentId: null,
        // A refusal on receipt is a decision: its letter is rendered after this transaction.
        letterDue: rejected ? "reject" : null,
        employmentEndedOn: null,
        updatedAt: at,
      }),
    );
    if (files.employmentContract?.bytes.length) await attach(m, claim, "employment_contract", files.employmentContract, user, stored.employmentContract);
    if (files.employerConfirmation?.bytes.length) await attach(m, claim, "employer_confirmation", files.employerConfirmation, user, stored.employerConfirmation);
    if (files.brokerContract?.bytes.length) await attach(m, claim, "broker_contract", files.brokerContract, user, stored.brokerContract);
    await appendAudit(m, actorOf(user), {
      action: rejected ? "placement.refused" : "placement.submit",
      summary: rejected
        ? `Vermittlungsnachweis ${claim.reference} für ${client.reference} bei Eingang abgelehnt: ${results.filter((r) => r.severity === "error").map((r) => r.code).join(", ")}`
        : `Vermittlungsnachweis ${claim.reference} für ${client.reference} eingereicht (${channel === "api" ? "API" : "Portal"})${claim.flagged ? " – mit Prüfhinweisen" : ""}`,
      entityType: "placement-claim",
      entityId: String(claim.id),
      providerId,
      details: { assignment: assignment.reference, results: results.map((r) => ({ code: r.code, severity: r.severity })) },
    });
    await recordEvent(m, { type: rejected ? "placement.rejected" : "placement.submitted", providerId, entityType: "placement", entityId: claim.id, reference: claim.reference, status: claim.status });
    return claim;
  });
  if (result.letterDue) await letterAfterDecision(result);
  const results = result.ruleResults as RuleResult[];
  return {
    id: result.id,
    reference: result.reference,
    status: result.status as ClaimState,
    statusLabel: CLAIM_STATE_LABELS[result.status as ClaimState],
    errors: results.filter((r) => r.severity === "error"),
  };
}

// ---------------------------------------------------------------------------------------------
// Decisions


async function documentKinds(m: EntityManager, claimId: number): Promise<string[]> {
  return (await m.getRepository(ClaimDocument).find({ where: { claimId }, select: { kind: true } })).map((d) => d.kind);
}

/** Re-run the rules on a claim with today's data; stores and returns the results. */
async function recheck(m: EntityManager, claim: PlacementClaim, assignment: Assignment): Promise<RuleResult[]> {
  const facts = await loadRuleFacts(m, claimInput(claim), assignment, { claimId: claim.id, submittedOn: berlinDate(claim.submittedAt), severeDisabilityException: claim.severeDisabilityException });
  const results = checkPlacementRules(facts);
  claim.ruleResults = results;
  claim.flagged = results.some((r) => r.severity === "flag");
  return results;
}

/** Staff: accept, reject (with reasons) or ask for missing documents. */
export async function decideClaim(user: CurrentUser, claimId: number, event: Extract<ClaimEvent, "accept" | "reject" | "request_documents">, raw: unknown) {
  requireCan(user, "decide:placement:any");
  const input = parseOrThrow(decideSchema, raw);
  // Read and check outside the write transaction, on committed data: the claim, the re-run
  // rules, the documents, the instalment plan. The transaction then only writes, each write
  // conditional on what was read (the claim's state, the voucher still active), so a concurrent
  // decision or a second claim on the voucher redeemed meanwhile is refused, not overwritten.
  // The letter and its mail are rendered before it, outside the write gate (DESIGN.md § 7), from
  // the decision as it will be written (everything in the letter is fixed by the decision: date,
  // signatory, reasons, the planned instalments), and stored in the same transaction, so one
  // short transaction holds the gate. If rendering fails, the decision is still taken and
  // `letterDue` marks the letter as owed to the background job.
  const r = await em();
  const claim = await r.getRepository(PlacementClaim).findOne({ where: { id: claimId } });
  if (!claim) throw new NotFoundError("Der Vermittlungsnachweis wurde nicht gefunden.");
  const assignment = await r.getRepository(Assignment).findOneByOrFail({ id: claim.assignmentId });
  if (input.severeDisabilityException !== undefined && event === "accept") claim.severeDisabilityException = input.severeDisabilityException;
  const results = await recheck(r, claim, assignment);
  const planned = planTransition(CLAIMS, { entity: claim, event, facts: { state: claim.status as ClaimState, results, note: input.note, documentKinds: await documentKinds(r, claim.id) }, actor: user });
  if (input.severeDisabilityException && event === "accept") {
    const client = await r.getRepository(Client).findOneByOrFail({ id: claim.clientId });
    if (!client.targetGroups.includes("severely_disabled"))
      throw new ValidationError("Für den Kunden ist keine Schwerbehinderung erfasst; die Ausnahme für befristete Beschäftigung schwerbehinderter Menschen kann nicht angewandt werden.", { severeDisabilityException: "Keine Schwerbehinderung erfasst." });
  }
  const plan = event === "accept" ? await instalmentPlan(r, claim, assignment) : null;
  const at = nowIso();
  const letter = await letterAhead(r, { ...claim, status: planned.to, decidedAt: at, decidedById: user.id, decisionNote: input.note } as PlacementClaim, event, plan ?? []);
  return tx(async (m) => {
    // The letter's row first: the decision refers to it (all of it is rolled back together).
    const doc = letter ? await storePrepared(m, letter.prepared) : null;
    await planned.commit(m, {
      // The re-run rules (and the exception) are kept with the decision.
      set: { decidedAt: at, decidedById: user.id, decisionNote: input.note, ruleResults: claim.ruleResults, flagged: claim.flagged, severeDisabilityException: claim.severeDisabilityException, decisionDocumentId: doc?.id ?? null, letterDue: doc ? null : event, updatedAt: at },
      audit: { details: { note: input.note, results: results.map((r) => ({ code: r.code, severity: r.severity })), severeDisabilityException: claim.severeDisabilityException } },
    });
    // On acceptance: the instalments and the redeemed voucher, in the same transaction.
    if (plan) await onAccepted(m, claim, assignment, user, plan, berlinDate(at));
    if (doc && letter?.mail) await enqueueMail(m, { to: letter.mail.to, ...letter.mail.rendered, attachmentDocumentId: doc.id });
    return claim;
  });
}

/**
 * A decision's letter and mail, rendered before its transaction from the claim as the decision
 * will leave it. Null if rendering failed: the decision is taken all the same and the letter owed.
 */
async function letterAhead(m: EntityManager, decided: PlacementClaim, event: LetterEvent, instalments: LetterInstalment[]) {
  try {
    const { input, mail } = await decisionLetter(m, decided, event, instalments);
    const prepared = await prepareDocument(input, m);
    return { prepared, mail: mail ? { to: mail.to, rendered: await renderMail(mail.template, mail.data) } : null };
  } catch (error) {
    console.error(`Bescheid zum Vermittlungsnachweis ${decided.reference} nicht erstellt, er wird nachgeholt: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** The instalments an acceptance creates, from the agreement's fee schedule (read outside the transaction). */
async function instalmentPlan(m: EntityManager, claim: PlacementClaim, assignment: Assignment) {
  const agreement = await m.getRepository(PlacementAgreement).findOneByOrFail({ id: assignment.agreementId });
  const schedule = await m.getRepository(FeeSchedule).findOneByOrFail({ id: agreement.feeScheduleId });
  const rs = RULE_SETS[claim.legalBasis as LegalBasis];
  return planInstalments(schedule.instalments as InstalmentRule[], Math.min(claim.claimedFeeCents, assignment.maxFeeCents), claim.jobStart, rs.claimPeriodMonths);
}

/** `day`: the decision's day in Berlin (the letter's date), also for the voucher and the instalments. */
async function onAccepted(m: EntityManager, claim: PlacementClaim, assignment: Assignment, user: CurrentUser, plan: ReturnType<typeof planInstalments>, day: string) {
  const at = nowIso();
  // Not read back (insert() would select each row again on SQLite): the move below reads them.
  await m.createQueryBuilder().insert().into(FeeInstalment).updateEntity(false).values(
    plan.map((p) => ({
      claimId: claim.id,
      providerId: claim.providerId,
      number: p.number,
      label: p.label,
      amountCents: p.amountCents,
      sameEmployer: p.sameEmployer,
      earliestOn: p.earliestOn,
      deadlineOn: p.deadlineOn,
      status: "pending",
      confirmedUntil: null,
      dueAt: null,
      earnedAt: null,
      certifiedAt: null,
      certifiedById: null,
      closedAt: null,
      closeReason: "",
      lastReminderOn: null,
      updatedAt: at,
    })),
  ).execute();
  // One voucher, one placement: the assignment is redeemed with the acceptance.
  await transition(m, ASSIGNMENTS, {
    entity: assignment,
    event: "redeem",
    facts: { state: assignment.status as AssignmentState, today: day, validUntil: assignment.validUntil },
    actor: user,
    set: { updatedAt: at },
    audit: { summary: `Zuweisung ${assignment.reference} eingelöst (Vermittlungsnachweis ${claim.reference})`, details: { claim: claim.reference } },
  });
  await m.getRepository(EmploymentSpell).insert({ clientId: claim.clientId, employerName: claim.employerName, fromDate: claim.jobStart, toDate: claim.employmentEndedOn, insured: claim.insured, source: "placement", createdAt: at });
  // Instalments whose duration already passed move at once (the same machine as the daily job).
  // Usually none can (a claim is decided within weeks of the job's start): the machine says so
  // from the plan, and the rows just written need not be read back.
  const movable = plan.some((p) => (["reach_duration", "lapse"] as const).some((event) => instalmentMachine.check(event, { state: "pending", today: day, number: p.number, jobStart: claim.jobStart, earliestOn: p.earliestOn, deadlineOn: p.deadlineOn, sameEmployerRequired: p.sameEmployer, employmentEndedOn: claim.employmentEndedOn }).ok));
  if (movable) await advanceClaimInstalments(m, claim, day);
}

const DECISION_TITLES: Record<string, string> = {
  accept: "Bescheid über die Anerkennung des Vermittlungsnachweises",
  reject: "Bescheid über die Ablehnung des Vermittlungsnachweises",
  request_documents: "Anforderung fehlender Unterlagen",
};

type LetterEvent = "accept" | "reject" | "request_documents";
/** What a letter says of each instalment (stored ones, or planned ones before they are written). */
type LetterInstalment = Pick<FeeInstalment, "label" | "amountCents" | "earliestOn" | "deadlineOn">;
const LETTER_EVENTS: readonly string[] = ["accept", "reject", "request_documents"];

/**
 * What the decision letter says and the mail to the broker that carries it, from the committed
 * claim (read outside any transaction). Everything in it is fixed by the decision (the date is the
 * decision's, the signatory the decider), so a letter produced later by the job is the same letter.
 */
async function decisionLetter(m: EntityManager, claim: PlacementClaim, event: LetterEvent, planned?: LetterInstalment[]): Promise<{ input: GenerateDocumentInput; mail: { to: string; template: string; data: Record<string, string> } | null }> {
  const [provider, client, assignment, instalments] = await Promise.all([
    m.getRepository(Provider).findOneByOrFail({ id: claim.providerId }),
    m.getRepository(Client).findOneByOrFail({ id: claim.clientId }),
    m.getRepository(Assignment).findOneByOrFail({ id: claim.assignmentId }),
    planned ?? m.getRepository(FeeInstalment).find({ where: { claimId: claim.id }, order: { number: "ASC" } }),
  ]);
  const results = claim.ruleResults as RuleResult[];
  const reasons =
    event === "reject"
      ? results.filter((r) => r.severity === "error").map((r) => ({ text: r.message }))
      : event === "accept"
        ? [{ text: "Die Voraussetzungen für die Vergütung sind erfüllt (Gültigkeit der Zuweisung, Arbeitszeit und Versicherungspflicht, Dauer, Vorbeschäftigung, Unabhängigkeit von Vermittler und Arbeitgeber, Vermittlungsvertrag, Gewerbeanzeige bzw. Zulassung, Ausschlussfrist)." }]
        : [{ text: claim.decisionNote }];
  if (event === "reject" && claim.decisionNote && !reasons.some((r) => claim.decisionNote.includes(r.text))) reasons.unshift({ text: claim.decisionNote });
  const body =
    event === "accept"
      ? "Ihr Vermittlungsnachweis wird anerkannt. Die Vergütung wird in Raten gezahlt, sobald die jeweilige Beschäftigungsdauer durch eine Bestätigung des Arbeitgebers nachgewiesen ist. Die Nachweise sind bis zum jeweils genannten Tag einzureichen (§ 326 SGB III)."
      : event === "reject"
        ? "Ihr Vermittlungsnachweis wird abgelehnt. Ein Vergütungsanspruch besteht nicht; die Gründe sind nachstehend ausgeführt."
        : "Für die Entscheidung über Ihren Vermittlungsnachweis fehlen Unterlagen. Bitte reichen Sie die nachstehend genannten Unterlagen im Trägerportal nach.";
  const settings = await getSettings(m);
  const sender = await signatory(m, claim.decidedById ?? null);
  const decidedOn = berlinDate(claim.decidedAt ?? nowIso());
  const input: GenerateDocumentInput = {
    // The acceptance carries the instalment plan; rejections and requests for documents do not.
    template: event === "accept" ? "placement-decision" : "placement-notice",
    data: {
      title: DECISION_TITLES[event],
      providerName: provider.name,
      providerAddress: [provider.street, `${provider.postalCode} ${provider.city}`.trim()].filter(Boolean).join("\n") || "–",
      reference: claim.reference,
      assignment: assignment.reference,
      client: client.reference,
      legalBasis: LEGAL_BASIS_LABELS[claim.legalBasis as LegalBasis],
      employer: `${claim.employerName}, ${claim.employerPostalCode} ${claim.employerCity}`,
      contractDate: formatDate(claim.contractDate),
      jobStart: formatDate(claim.jobStart),
      hours: formatHours(claim.weeklyHours),
      claimedFee: formatCents(claim.claimedFeeCents),
      body,
      claimDate: formatDate(berlinDate(claim.submittedAt)),
      reasonsHeading: event === "request_documents" ? "Fehlende Unterlagen" : "Begründung",
      reasonsText: reasons.length === 1 ? reasons[0].text : reasons.map((r, i) => `${i + 1}. ${r.text}`).join("\n"),
      remedyHeading: event === "request_documents" ? "Hinweis" : "Rechtsbehelfsbelehrung",
      instalments: instalments.map((i) => ({ label: i.label, amount: formatCents(i.amountCents), earliest: formatDate(i.earliestOn), deadline: formatDate(i.deadlineOn) })),
      remedy:
        event === "request_documents"
          ? "Bis zum Eingang der Unterlagen ruht die Entscheidung."
          : `Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form (§ 36a Abs. 2 SGB I) oder zur Niederschrift einzulegen bei: ${settings["letters.objectionAddress"].replace(/\s*\n\s*/g, ", ")}.`,
      letterDate: formatDate(decidedOn),
      officialName: sender.officialName,
      officialPhone: sender.officialPhone,
      officialEmail: sender.officialEmail,
      closing: sender.closing,
      signatureNote: sender.signatureNote,
    },
    title: `${DECISION_TITLES[event]} ${claim.reference}`,
    filename: `Bescheid-${claim.reference}-${event}`,
    entityType: "placement-claim",
    entityId: String(claim.id),
    providerId: claim.providerId,
    createdById: claim.decidedById ?? null,
  };
  const mail = provider.email
    ? { to: provider.email, template: "mail-placement-decision", data: { title: DECISION_TITLES[event], reference: claim.reference, client: client.reference, state: CLAIM_STATE_LABELS[claim.status as ClaimState] } }
    : null;
  return { input, mail };
}

/** Another process (or the job) stored the letter first, or the claim was decided anew meanwhile. */
class LetterNoLongerDue extends Error {}

/**
 * Produce the owed decision letter of a claim: described and rendered outside any transaction,
 * its bytes written to the file store, then in one short transaction the document row, the
 * claim's reference to it and the mail with the letter attached. Conditional on the claim still
 * owing that letter for that decision, so a letter is stored and mailed once, whoever renders it.
 * Returns the letter's document id (null if none is owed).
 */
export async function renderDecisionLetter(claimId: number): Promise<number | null> {
  const m0 = await em();
  const claim = await m0.getRepository(PlacementClaim).findOne({ where: { id: claimId } });
  if (!claim) return null;
  const event = claim.letterDue;
  if (!event || !LETTER_EVENTS.includes(event)) return claim.decisionDocumentId;
  const { input, mail } = await decisionLetter(m0, claim, event as LetterEvent);
  const prepared = await prepareDocument(input, m0);
  const rendered = mail ? await renderMail(mail.template, mail.data) : null;
  try {
    return await tx(async (m) => {
      const doc = await storePrepared(m, prepared);
      const res = await m.getRepository(PlacementClaim).update({ id: claim.id, letterDue: event, decidedAt: claim.decidedAt ?? IsNull() }, { decisionDocumentId: doc.id, letterDue: null });
      if (!res.affected) throw new LetterNoLongerDue();
      if (mail && rendered) await enqueueMail(m, { to: mail.to, ...rendered, attachmentDocumentId: doc.id });
      return doc.id;
    });
  } catch (error) {
    if (!(error instanceof LetterNoLongerDue)) throw error;
    return (await m0.getRepository(PlacementClaim).findOneOrFail({ where: { id: claimId } })).decisionDocumentId;
  }
}

/**
 * Right after a decision committed: its letter. A failure here does not undo the decision (it is
 * taken and audited); the letter stays owed and the background job produces it.
 */
async function letterAfterDecision(claim: PlacementClaim) {
  try {
    claim.decisionDocumentId = await renderDecisionLetter(claim.id);
    claim.letterDue = null;
  } catch (error) {
    console.error(`Bescheid zum Vermittlungsnachweis ${claim.reference} nicht erstellt, er wird nachgeholt: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The background job's part: letters owed by decisions taken at least `olderThanSeconds` ago (a
 * process stopped between a decision and its letter). At most 100 a pass.
 */
export async function renderMissingDecisionLetters(olderThanSeconds = 60): Promise<number> {
  const m = await em();
  const before = new Date(Date.parse(nowIso()) - olderThanSeconds * 1000).toISOString();
  const rows = await m.getRepository(PlacementClaim).find({ where: { letterDue: Not(IsNull()), decidedAt: LessThanOrEqual(before) }, select: { id: true, reference: true }, order: { id: "ASC" }, take: 100 });
  let done = 0;
  for (const row of rows) {
    try {
      if ((await renderDecisionLetter(row.id)) !== null) done++;
    } catch (error) {
      console.error(`Bescheid zum Vermittlungsnachweis ${row.reference} nicht erstellt: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return done;
}


// ---------------------------------------------------------------------------------------------
// Broker actions after submission

/** Upload missing documents; a claim waiting for documents goes back to review. */
export async function addClaimDocuments(user: CurrentUser, claimId: number, uploads: { kind: ClaimDocumentKind; file: UploadedFile }[]) {
  requireCan(user, "submit:placement:own");
  const providerId = await ownBrokerId(user);
  const maxBytes = (await getSettings())["uploads.maxMegabytes"] * 1048576;
  const errors: Record<string, string> = {};
  const present = uploads.filter((u) => u.file.bytes.length);
  if (!present.length) throw new ValidationError("Bitte wählen Sie mindestens eine PDF-Datei aus.", { file: "Bitte eine Datei wählen." });
  for (const u of present) await checkUpload(u.file, u.kind, { accusative: `die Unterlage „${CLAIM_DOCUMENT_KINDS[u.kind]}“`, nominative: `Die Unterlage „${CLAIM_DOCUMENT_KINDS[u.kind]}“` }, true, errors, maxBytes);
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die hochgeladenen Dateien.", errors);
  const stored = await Promise.all(present.map((u) => storeBytes(u.file.bytes)));
  return tx(async (m) => {
    const claim = await m.getRepository(PlacementClaim).findOne({ where: { id: claimId, providerId } });
    if (!claim) throw new NotFoundError("Der Vermittlungsnachweis wurde nicht gefunden.");
    if (!["submitted", "documents_requested"].includes(claim.status)) throw new ConflictError(`Der Nachweis ist ${CLAIM_STATE_LABELS[claim.status as ClaimState]}; Unterlagen zu Raten laden Sie bei der jeweiligen Rate hoch.`);
    for (const [i, u] of present.entries()) await attach(m, claim, u.kind, u.file, user, stored[i]);
    const from = claim.status as ClaimState;
    const audit = {
      action: "placement.documents",
      summary: `Vermittlungsnachweis ${claim.reference}: ${present.length} Unterlage(n) nachgereicht${from === "documents_requested" ? ", wieder zur Prüfung" : ""}`,
      details: { kinds: present.map((u) => u.kind) },
    };
    if (from === "documents_requested") {
      // The upload is the resubmission: one audit entry with from/to.
      const assignment = await m.getRepository(Assignment).findOneByOrFail({ id: claim.assignmentId });
      const results = await recheck(m, claim, assignment);
      await transition(m, CLAIMS, { entity: claim, event: "resubmit", facts: { state: from, results, documentKinds: await documentKinds(m, claim.id) }, actor: user, audit });
      await m.getRepository(PlacementClaim).save(claim);
    } else {
      await appendAudit(m, actorOf(user), { ...audit, entityType: "placement-claim", entityId: String(claim.id), providerId });
    }
  });
}

export async function withdrawClaim(user: CurrentUser, claimId: number) {
  requireCan(user, "submit:placement:own");
  const providerId = await ownBrokerId(user);
  return tx(async (m) => {
    const claim = await m.getRepository(PlacementClaim).findOne({ where: { id: claimId, providerId } });
    if (!claim) throw new NotFoundError("Der Vermittlungsnachweis wurde nicht gefunden.");
    await transition(m, CLAIMS, {
      entity: claim,
      event: "withdraw",
      facts: { state: claim.status as ClaimState, results: claim.ruleResults as RuleResult[], documentKinds: [] },
      actor: user,
      audit: { summary: `Vermittlungsnachweis ${claim.reference} zurückgezogen` },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export type ClaimQuery = Partial<ListQuery<(typeof CLAIM_LIST)["filters"], (typeof CLAIM_LIST)["sorts"][number]>> & { providerId?: number };

/** Staff list (any broker) or, for a provider user, the own organisation's claims only. Newest first (CLAIM_LIST). */
export async function listClaims(user: CurrentUser, raw: ClaimQuery, options: { all?: boolean } = {}) {
  const own = user.role === "provider";
  if (own) requireCan(user, "submit:placement:own");
  else requireCan(user, "read:placement:any");
  const query = completeQuery(CLAIM_LIST, { ...raw, provider: raw.provider ?? raw.providerId });
  const m = await em();
  const qb = m.getRepository(PlacementClaim).createQueryBuilder("c").innerJoin(Provider, "p", "p.id = c.providerId").innerJoin(Client, "k", "k.id = c.clientId").select(["c"]).addSelect("p.name", "provider_name").addSelect("k.reference", "client_ref");
  if (own) qb.andWhere("c.providerId = :own", { own: await ownBrokerId(user) });
  else if (query.provider) qb.andWhere("c.providerId = :pid", { pid: query.provider });
  if (query.status && (CLAIM_STATES as readonly string[]).includes(query.status)) qb.andWhere("c.status = :status", { status: query.status });
  if (query.flagged && !own) qb.andWhere("c.flagged = :t", { t: true });
  if (query.year) qb.andWhere("c.contractDate >= :y0 AND c.contractDate <= :y1", { y0: `${query.year}-01-01`, y1: `${query.year}-12-31` });
  const q = query.q?.trim().toLowerCase();
  if (q) qb.andWhere("(LOWER(c.reference) LIKE :q OR LOWER(c.employerName) LIKE :q OR LOWER(k.reference) LIKE :q OR LOWER(p.name) LIKE :q)", { q: `%${q}%` });
  const { rows: entities, raw: rawRows, ...page } = await paginate(qb, query, {
    sortColumns: { submittedAt: "c.submittedAt", reference: "c.reference", contractDate: "c.contractDate", provider: "p.name", status: "c.status" },
    tieBreaker: "c.id",
    all: options.all,
    // Every claim has exactly one provider and one client; only the text search looks at them.
    countWithoutJoins: !q,
  });
  const extra = new Map(rawRows.map((r) => [Number(r.c_id), { provider: String(r.provider_name), client: String(r.client_ref) }]));
  return {
    rows: entities.map((c) => ({
      id: c.id,
      reference: c.reference,
      providerName: extra.get(c.id)?.provider ?? "",
      client: extra.get(c.id)?.client ?? "",
      employerName: c.employerName,
      contractDate: c.contractDate,
      jobStart: c.jobStart,
      submittedAt: c.submittedAt,
      status: c.status,
      statusLabel: CLAIM_STATE_LABELS[c.status as ClaimState],
      // Review flags are internal to the authority.
      flagged: own ? false : c.flagged,
      errors: (c.ruleResults as RuleResult[]).filter((r) => r.severity === "error").length,
      claimedFeeCents: c.claimedFeeCents,
    })),
    ...page,
  };
}

/** The claims of the list (its filters and order, every page) as CSV for staff. */
export async function claimsCsv(user: CurrentUser, query: ClaimQuery): Promise<string> {
  requireCan(user, "read:placement:any");
  const { rows } = await listClaims(user, query, { all: true });
  return toCsv(
    ["Nachweis", "Vermittler", "Kunde (Kennzeichen)", "Arbeitgeber", "Arbeitsvertrag vom", "Beschäftigungsbeginn", "eingereicht am", "Status", "verletzte Prüfregeln", "zur Prüfung markiert", "Vergütung (EUR)"],
    rows.map((r) => [r.reference, r.providerName, r.client, r.employerName, formatDate(r.contractDate), formatDate(r.jobStart), formatDate(berlinDate(r.submittedAt)), r.statusLabel, String(r.errors), r.flagged ? "ja" : "nein", (r.claimedFeeCents / 100).toFixed(2).replace(".", ",")]),
  );
}

/** One claim with its rule results (re-run live for open claims), documents and instalments. */
export async function getClaim(user: CurrentUser, claimId: number) {
  const own = user.role === "provider";
  if (own) requireCan(user, "submit:placement:own");
  else requireCan(user, "read:placement:any");
  const m = await em();
  const claim = await m.getRepository(PlacementClaim).findOne({ where: own ? { id: claimId, providerId: await ownBrokerId(user) } : { id: claimId } });
  if (!claim) throw new NotFoundError("Der Vermittlungsnachweis wurde nicht gefunden.");
  const [assignment, provider, client, docs, instalments] = await Promise.all([
    m.getRepository(Assignment).findOneByOrFail({ id: claim.assignmentId }),
    m.getRepository(Provider).findOneByOrFail({ id: claim.providerId }),
    m.getRepository(Client).findOneByOrFail({ id: claim.clientId }),
    m.getRepository(ClaimDocument).find({ where: { claimId }, order: { id: "ASC" } }),
    m.getRepository(FeeInstalment).find({ where: { claimId }, order: { number: "ASC" } }),
  ]);
  const documents = await m.getRepository(Document).find({ where: { id: In(docs.map((d) => d.documentId).concat(claim.decisionDocumentId ?? 0)) } });
  const docById = new Map(documents.map((d) => [d.id, d]));
  const paidOn = await paidOnByInstalment(m, instalments.filter((i) => i.status === "paid").map((i) => i.id));
  let liveResults: RuleResult[] | null = null;
  if (!own && (claim.status === "submitted" || claim.status === "documents_requested")) {
    const facts = await loadRuleFacts(m, claimInput(claim), assignment, { claimId: claim.id, submittedOn: berlinDate(claim.submittedAt), severeDisabilityException: claim.severeDisabilityException });
    liveResults = checkPlacementRules(facts);
  }
  const consent = !!assignment.consentAt && !assignment.consentWithdrawnAt;
  // For staff and auditors: the claim's history from the audit trail (who, when, what).
  const history = own
    ? []
    : await m
        .getRepository(AuditEvent)
        .createQueryBuilder("e")
        .where("(e.entityType = 'placement-claim' AND e.entityId = :cid) OR (e.entityType = 'fee-instalment' AND e.entityId IN (:...iids))", { cid: String(claim.id), iids: instalments.map((i) => String(i.id)).concat("-") })
        .orderBy("e.seq", "ASC")
        .getMany();
  const deciderName = claim.decidedById ? (await m.getRepository(User).findOneBy({ id: claim.decidedById }))?.name ?? null : null;
  const decisionDocs = await m.getRepository(Document).find({ where: { entityType: "placement-claim", entityId: String(claim.id), origin: "generated" }, order: { id: "ASC" } });
  return {
    claim: {
      ...claim,
      // For brokers: no internal review data (flags, the severe-disability exception).
      ...(own
        ? {
            ruleResults: (claim.ruleResults as RuleResult[]).filter((r) => r.severity === "error"),
            flagged: false,
            severeDisabilityException: false,
            // The reviewer's note on an acceptance is internal (it documents how flags were checked).
            decisionNote: claim.status === "accepted" ? "" : claim.decisionNote,
          }
        : {}),
      statusLabel: CLAIM_STATE_LABELS[claim.status as ClaimState],
      legalBasisLabel: LEGAL_BASIS_LABELS[claim.legalBasis as LegalBasis],
      hours: formatHours(claim.weeklyHours),
    },
    // Brokers see the failed rules only: review flags are the authority's internal suspicions
    // and may touch protected data (e.g. the severe-disability exception).
    results: ((liveResults ?? claim.ruleResults) as RuleResult[]).filter((r) => !own || r.severity === "error"),
    live: !!liveResults,
    assignment: { id: assignment.id, reference: assignment.reference, validFrom: assignment.validFrom, validUntil: assignment.validUntil, maxFeeCents: assignment.maxFeeCents, issuedOn: assignment.issuedOn },
    provider: { id: provider.id, name: provider.name },
    // Staff see the person (case managers: name); brokers the pseudonym and, with consent, the name.
    client: { id: own ? null : client.id, reference: client.reference, name: (own ? consent && assignment.status === "active" : can(user.role, "read:client-personal:any")) ? `${client.firstName} ${client.lastName}` : null },
    documents: docs.map((d) => ({ id: d.documentId, kind: d.kind, kindLabel: CLAIM_DOCUMENT_KINDS[d.kind as ClaimDocumentKind] ?? d.kind, filename: docById.get(d.documentId)?.filename ?? "", uploadedAt: d.uploadedAt, instalmentId: d.instalmentId })),
    letters: decisionDocs.map((d) => ({ id: d.id, title: d.title, createdAt: d.createdAt })),
    instalments: instalments.map((i) => ({ ...i, paidOn: paidOn.get(i.id) ?? null, statusLabel: instalmentStatusLabel(i.status, paidOn.get(i.id) ?? null) })),
    events: claimMachine.eventsFrom(claim.status as ClaimState),
    decidedByName: own ? null : deciderName,
    history: history.map((e) => ({ seq: e.seq, at: e.at, actor: e.actorLabel, action: e.action, summary: e.summary })),
  };
}

/** Accepted employment contracts through brokers per year of the contract date (the report's figure). */
export async function contractsPerYear(user: CurrentUser) {
  requireCan(user, "read:placement:any");
  const m = await em();
  const rows = await m
    .getRepository(PlacementClaim)
    .createQueryBuilder("c")
    .select("SUBSTR(c.contractDate, 1, 4)", "year")
    .addSelect("SUM(CASE WHEN c.status = 'accepted' THEN 1 ELSE 0 END)", "accepted")
    .addSelect("SUM(CASE WHEN c.status = 'rejected' THEN 1 ELSE 0 END)", "rejected")
    .addSelect("SUM(CASE WHEN c.flagged = :t THEN 1 ELSE 0 END)", "flagged")
    .addSelect("COUNT(*)", "total")
    .setParameter("t", true)
    .groupBy("SUBSTR(c.contractDate, 1, 4)")
    .orderBy("year", "DESC")
    .getRawMany<{ year: string; accepted: string; rejected: string; flagged: string; total: string }>();
  return rows.map((r) => ({ year: Number(r.year), accepted: Number(r.accepted), rejected: Number(r.rejected), flagged: Number(r.flagged), total: Number(r.total) }));
}

export function assertOwnOrStaff(user: CurrentUser, providerId: number) {
  if (user.role === "provider" && user.providerId !== providerId) throw new ForbiddenError();
}
