/**
 * Pseudonymised clients, their employment history, and assignments (vouchers) to brokers.
 * Name and contact are visible to case managers and, with recorded consent, to the assigned
 * broker only; benefit, household and health data never leave the case manager's view (DOMAIN.md § 4).
 */
import { commitFunds, releaseCommitments } from "./budget.server";
import { spreadOverYears, voucherPeriod } from "~/domain/finance";
import { In, LessThan, type EntityManager } from "typeorm";
import { z } from "zod";
import { Assignment, Certification, Client, EmploymentSpell, FeeSchedule, PlacementAgreement, PlacementClaim, Provider, User } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { formatCents } from "~/domain/money";
import {
  ASSIGNMENT_STATE_LABELS,
  assignmentValidUntil,
  clientReference,
  feeFor,
  isTargetGroup,
  LEGAL_BASIS_LABELS,
  periodsOverlap,
  RULE_SETS,
  TARGET_GROUP_LABELS,
  targetGroupsOn,
  type AssignmentState,
  type LegalBasis,
} from "~/domain/placement";
import { CLAIM_STATE_LABELS, type ClaimState } from "~/domain/placement-claim.machine";
import { addDays, berlinDate, formatDate } from "~/domain/time";
import { parseOrThrow } from "~/domain/validation";
import { appendAudit } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, lockCounter, tx } from "~/lib/db.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { scheduleData } from "./placement-agreements.server";
import { ASSIGNMENTS, nextReference, ownBrokerId, requireCan } from "./placement-common.server";
import { transition, tryTransition } from "./transition.server";
import { completeQuery, type ListQuery } from "~/domain/list";
import { CLIENT_LIST, OWN_ASSIGNMENT_LIST, VOUCHER_WARNING_DAYS } from "~/domain/list-specs";
import { providerChoiceLabel } from "~/domain/provider";
import { paginate } from "~/lib/list.server";
import { assignmentMachine } from "~/domain/assignment.machine";
import { assignSchema, clientSchema, spellSchema } from "~/domain/placement.schema";


// ---------------------------------------------------------------------------------------------
// Clients (case managers)


export type ClientQuery = Partial<ListQuery<(typeof CLIENT_LIST)["filters"], (typeof CLIENT_LIST)["sorts"][number]>>;

/** Case managers' client list: newest first; filter on whether a voucher/assignment is valid today. */
const RECORDED_CLIENT_GROUPS: readonly string[] = ["long_term_unemployed", "severely_disabled", "rehab", "single_parent", "language_needs"];

export async function listClients(user: CurrentUser, raw: ClientQuery) {
  requireCan(user, "manage:client:any");
  const query = completeQuery(CLIENT_LIST, raw);
  const m = await em();
  const day = today();
  const qb = m.getRepository(Client).createQueryBuilder("c");
  const q = query.q?.trim().toLowerCase();
  if (q) qb.where("(LOWER(c.reference) LIKE :q OR LOWER(c.lastName) LIKE :q OR LOWER(c.firstName) LIKE :q)", { q: `%${q}%` });
  if (query.voucher) {
    const valid = (a: string, extra = "") =>
      qb.subQuery().select("1").from(Assignment, a).where(`${a}.clientId = c.id AND ${a}.status = 'active' AND ${a}.validFrom <= :vday AND ${a}.validUntil >= :vday${extra.replaceAll("@", a)}`).getQuery();
    qb.setParameters({ vday: day, vwarn: addDays(day, VOUCHER_WARNING_DAYS) });
    if (query.voucher === "none") qb.andWhere(`NOT EXISTS ${valid("va")}`);
    else if (query.voucher === "valid") qb.andWhere(`EXISTS ${valid("va")}`);
    // Running out: a valid one ends within the warning window and no other valid one lasts longer.
    else qb.andWhere(`EXISTS ${valid("va", " AND @.validUntil <= :vwarn")}`).andWhere(`NOT EXISTS ${valid("vb", " AND @.validUntil > :vwarn")}`);
  }
  const { rows, ...page } = await paginate(qb, query, { sortColumns: { createdAt: "c.createdAt", reference: "c.reference", lastName: "c.lastName" }, tieBreaker: "c.id" });
  const active = await m.getRepository(Assignment).find({ where: { clientId: In(rows.map((c) => c.id).concat(0)), status: "active" } });
  const providers = new Map((await m.getRepository(Provider).find({ where: { id: In(active.map((a) => a.providerId).concat(0)) } })).map((p) => [p.id, p.name]));
  return {
    rows: rows.map((c) => ({
      id: c.id,
      reference: c.reference,
      name: `${c.lastName}, ${c.firstName}`,
      city: c.city,
      targetOccupation: c.targetOccupation,
      createdOn: berlinDate(c.createdAt),
      groups: targetGroupsOn(c.targetGroups, c.birthDate, day).map((g) => TARGET_GROUP_LABELS[g]),
      assignedTo: active.filter((a) => a.clientId === c.id && a.validFrom <= day && a.validUntil >= day).map((a) => ({ provider: providers.get(a.providerId) ?? "?", validUntil: a.validUntil })),
    })),
    ...page,
  };
}

/**
 * The client list's two quick-filter counts, the same as `listClients(user, { voucher })` totals
 * would give, but counted from the assignments (a few thousand valid ones) instead of testing
 * every client (NOT EXISTS over ten years of clients took half a second).
 *   withoutVoucher: clients without an active assignment valid today;
 *   expiring: clients whose valid assignments all end within VOUCHER_WARNING_DAYS.
 */
export async function clientVoucherCounts(user: CurrentUser): Promise<{ withoutVoucher: number; expiring: number }> {
  requireCan(user, "manage:client:any");
  const m = await em();
  const day = today();
  const warn = addDays(day, VOUCHER_WARNING_DAYS);
  const valid = m
    .getRepository(Assignment)
    .createQueryBuilder("a")
    .select("a.clientId", "clientId")
    .addSelect("MAX(a.validUntil)", "until")
    .where("a.status = 'active' AND a.validFrom <= :day AND a.validUntil >= :day", { day })
    .groupBy("a.clientId");
  const [clients, holders] = await Promise.all([
    m.getRepository(Client).createQueryBuilder("c").select("COUNT(*)", "n").getRawOne<{ n: string | number }>(),
    valid.getRawMany<{ clientId: number; until: string }>(),
  ]);
  return { withoutVoucher: Number(clients?.n ?? 0) - holders.length, expiring: holders.filter((h) => h.until <= warn).length };
}

export async function getClient(user: CurrentUser, id: number) {
  requireCan(user, "manage:client:any");
  const m = await em();
  const c = await m.getRepository(Client).findOne({ where: { id } });
  if (!c) throw new NotFoundError("Der Kunde wurde nicht gefunden.");
  const [spells, assignments, claims] = await Promise.all([
    m.getRepository(EmploymentSpell).find({ where: { clientId: id }, order: { fromDate: "DESC" } }),
    m.getRepository(Assignment).find({ where: { clientId: id }, order: { validFrom: "DESC" } }),
    m.getRepository(PlacementClaim).find({ where: { clientId: id }, order: { submittedAt: "DESC" } }),
  ]);
  const providers = new Map((await m.getRepository(Provider).find({ where: { id: In([...assignments, ...claims].map((a) => a.providerId).concat(0)) } })).map((p) => [p.id, p.name]));
  const day = today();
  return {
    client: { ...c, groups: targetGroupsOn(c.targetGroups, c.birthDate, day).map((g) => TARGET_GROUP_LABELS[g]) },
    spells,
    assignments: assignments.map((a) => ({
      id: a.id,
      reference: a.reference,
      providerName: providers.get(a.providerId) ?? "",
      legalBasisLabel: LEGAL_BASIS_LABELS[a.legalBasis as LegalBasis],
      issuedOn: a.issuedOn,
      validFrom: a.validFrom,
      validUntil: a.validUntil,
      region: a.region,
      maxFee: formatCents(a.maxFeeCents),
      status: a.status,
      statusLabel: ASSIGNMENT_STATE_LABELS[a.status as AssignmentState],
      consent: !!a.consentAt && !a.consentWithdrawnAt,
      consentAt: a.consentAt,
      consentWithdrawnAt: a.consentWithdrawnAt,
      flag: a.flag,
    })),
    claims: claims.map((cl) => ({ id: cl.id, reference: cl.reference, providerName: providers.get(cl.providerId) ?? "", employerName: cl.employerName, jobStart: cl.jobStart, statusLabel: CLAIM_STATE_LABELS[cl.status as ClaimState], flagged: cl.flagged })),
  };
}

function clientValues(input: z.output<ReturnType<typeof clientSchema>>) {
  return {
    firstName: input.firstName,
    lastName: input.lastName,
    birthDate: input.birthDate,
    street: input.street,
    postalCode: input.postalCode,
    city: input.city,
    phone: input.phone,
    email: input.email,
    region: input.region,
    // Recorded attributes: the fee groups long-term unemployed and severely disabled (age groups follow
    // from the birth date) and the entry conditions of measures (rehab, single parent, language needs).
    targetGroups: input.targetGroups.filter((g) => RECORDED_CLIENT_GROUPS.includes(g)),
    qualification: input.qualification,
    targetOccupation: input.targetOccupation,
    monthlyBenefitCents: input.monthlyBenefit,
    householdSize: input.householdSize,
    healthNotes: input.healthNotes,
  };
}

export async function createClient(user: CurrentUser, raw: unknown) {
  requireCan(user, "manage:client:any");
  const input = parseOrThrow(clientSchema(today()), raw);
  return tx(async (m) => {
    await lockCounter(m, "reference:client");
    const max = await m.getRepository(Client).createQueryBuilder("c").select("MAX(c.reference)", "max").getRawOne<{ max: string | null }>();
    const next = max?.max ? Number(max.max.slice(2)) + 1 : 1;
    const at = nowIso();
    const c = await m.getRepository(Client).save(m.getRepository(Client).create({ reference: clientReference(next), ...clientValues(input), caseManagerId: user.id, createdAt: at, updatedAt: at }));
    // Only the pseudonym goes into the audit trail.
    await appendAudit(m, actorOf(user), { action: "client.create", summary: `Kunde ${c.reference} angelegt`, entityType: "client", entityId: String(c.id) });
    return c;
  });
}

export async function updateClient(user: CurrentUser, id: number, raw: unknown) {
  requireCan(user, "manage:client:any");
  const input = parseOrThrow(clientSchema(today()), raw);
  return tx(async (m) => {
    const c = await m.getRepository(Client).findOne({ where: { id } });
    if (!c) throw new NotFoundError("Der Kunde wurde nicht gefunden.");
    const values = clientValues(input);
    const changed = Object.keys(values).filter((k) => JSON.stringify((c as unknown as Record<string, unknown>)[k]) !== JSON.stringify((values as Record<string, unknown>)[k]));
    Object.assign(c, values, { updatedAt: nowIso() });
    await m.getRepository(Client).save(c);
    await appendAudit(m, actorOf(user), { action: "client.update", summary: `Kunde ${c.reference} geändert (${changed.length} Felder)`, entityType: "client", entityId: String(c.id), details: { fields: changed } });
    return c;
  });
}


export async function addEmploymentSpell(user: CurrentUser, clientId: number, raw: unknown) {
  requireCan(user, "manage:client:any");
  const input = parseOrThrow(spellSchema(today()), raw);
  return tx(async (m) => {
    const c = await m.getRepository(Client).findOne({ where: { id: clientId } });
    if (!c) throw new NotFoundError("Der Kunde wurde nicht gefunden.");
    const s = await m.getRepository(EmploymentSpell).save(
      m.getRepository(EmploymentSpell).create({ clientId, employerName: input.employerName, fromDate: input.fromDate, toDate: input.toDate, insured: input.insured === "on" || input.insured === "true", source: "history", createdAt: nowIso() }),
    );
    await appendAudit(m, actorOf(user), { action: "client.spell-add", summary: `Erwerbsbiografie von ${c.reference}: Beschäftigung ergänzt`, entityType: "client", entityId: String(c.id), details: { spellId: s.id } });
    return s;
  });
}

export async function removeEmploymentSpell(user: CurrentUser, clientId: number, spellId: number, reason: string) {
  requireCan(user, "manage:client:any");
  if (reason.trim().length < 10) throw new ValidationError("Bitte begründen Sie das Löschen (mindestens 10 Zeichen).", { reason: "Mindestens 10 Zeichen." });
  return tx(async (m) => {
    const s = await m.getRepository(EmploymentSpell).findOne({ where: { id: spellId, clientId } });
    if (!s) throw new NotFoundError("Der Eintrag wurde nicht gefunden.");
    if (s.source !== "history") throw new ConflictError("Beschäftigungen aus anerkannten Vermittlungen können nicht gelöscht werden.");
    // Evidence for decided claims (rule 4) stays.
    const decided = await m.getRepository(PlacementClaim).count({ where: { clientId, status: In(["accepted", "rejected"]) } });
    if (decided) throw new ConflictError("Zu diesem Kunden sind Vermittlungsnachweise entschieden; die Erwerbsbiografie war Grundlage der Prüfung und kann nicht mehr gelöscht werden.");
    await m.getRepository(EmploymentSpell).delete({ id: spellId });
    const c = await m.getRepository(Client).findOneByOrFail({ id: clientId });
    // Deletions are logged (DOMAIN.md § 4).
    await appendAudit(m, actorOf(user), { action: "client.spell-remove", summary: `Erwerbsbiografie von ${c.reference}: Beschäftigung gelöscht`, entityType: "client", entityId: String(clientId), details: { spellId, employer: s.employerName, from: s.fromDate, to: s.toDate, reason } });
  });
}

// ---------------------------------------------------------------------------------------------
// Assignments


/** Brokers with an agreement active on a date (for the assignment form). */
export async function assignableBrokers(on: string) {
  const m = await em();
  const rows = await m
    .getRepository(PlacementAgreement)
    .createQueryBuilder("a")
    .innerJoin(Provider, "p", "p.id = a.providerId")
    .select(["a.id AS id", "a.providerId AS provider_id", "a.reference AS reference", "a.legalBasis AS legal_basis", "p.name AS name", "p.city AS city", "p.legalForm AS legal_form"])
    .where("a.status = 'active' AND a.validFrom <= :on AND a.validUntil >= :on", { on })
    .orderBy("p.name", "ASC")
    .getRawMany<{ id: number; provider_id: number; reference: string; legal_basis: string; name: string; city: string; legal_form: string | null }>();
  return rows.map((r) => ({
    providerId: Number(r.provider_id),
    name: r.name,
    city: r.city,
    label: providerChoiceLabel({ id: Number(r.provider_id), name: r.name, legalForm: r.legal_form, city: r.city }),
    agreement: r.reference,
    legalBasisLabel: LEGAL_BASIS_LABELS[r.legal_basis as LegalBasis],
  }));
}

export async function assignClient(user: PersonUser, clientId: number, raw: unknown) {
  requireCan(user, "assign:client:any");
  const input = parseOrThrow(assignSchema, raw);
  return tx(async (m) => {
    const settings = await getSettings(m);
    const client = await m.getRepository(Client).findOne({ where: { id: clientId } });
    if (!client) throw new NotFoundError("Der Kunde wurde nicht gefunden.");
    const provider = await m.getRepository(Provider).findOne({ where: { id: input.providerId } });
    if (!provider || provider.kind !== "broker") throw new ValidationError("Bitte einen Vermittler wählen.", { providerId: "Bitte einen Vermittler wählen." });
    const agreement = await m
      .getRepository(PlacementAgreement)
      .createQueryBuilder("a")
      .where("a.providerId = :pid AND a.status = 'active' AND a.validFrom <= :on AND a.validUntil >= :on", { pid: provider.id, on: input.validFrom })
      .getOne();
    if (!agreement) throw new ValidationError(`${provider.name} hat am ${formatDate(input.validFrom)} keine aktive Vermittlungsvereinbarung.`, { providerId: "Keine aktive Vermittlungsvereinbarung an diesem Tag." });
    const basis = agreement.legalBasis as LegalBasis;
    const validUntil = input.validUntil ?? assignmentValidUntil(input.validFrom, settings["placement.assignmentValidityMonths"]);
    const longest = assignmentValidUntil(input.validFrom, RULE_SETS[basis].maxValidityMonths);
    if (validUntil > longest)
      throw new ValidationError(`Eine Zuweisung nach ${LEGAL_BASIS_LABELS[basis]} gilt höchstens ${RULE_SETS[basis].maxValidityMonths} Monate, also bis ${formatDate(longest)}.`, { validUntil: `Höchstens bis ${formatDate(longest)}.` });
    if (validUntil > agreement.validUntil)
      throw new ValidationError(`Die Vermittlungsvereinbarung ${agreement.reference} endet am ${formatDate(agreement.validUntil)}; die Zuweisung kann nicht länger gelten.`, { validUntil: `Höchstens bis ${formatDate(agreement.validUntil)}.` });
    const period = { validFrom: input.validFrom, validUntil };
    const others = await m.getRepository(Assignment).find({ where: { clientId, status: "active" } });
    const sameBroker = others.find((a) => a.providerId === provider.id && periodsOverlap(a, period));
    if (sameBroker) throw new ConflictError(`Der Kunde ist ${provider.name} bereits mit ${sameBroker.reference} bis ${formatDate(sameBroker.validUntil)} zugewiesen.`);
    const parallel = others.filter((a) => a.providerId !== provider.id && periodsOverlap(a, period));
    let flag = "";
    if (parallel.length) {
      const strict = [basis, ...parallel.map((a) => a.legalBasis as LegalBasis)].some((b) => RULE_SETS[b].parallelAssignments === "refuse");
      const refs = parallel.map((a) => `${a.reference} (bis ${formatDate(a.validUntil)})`).join(", ");
      if (strict) throw new ConflictError(`Der Kunde hat bereits eine gültige Zuweisung an einen anderen Vermittler: ${refs}. Ein Vermittlungsgutschein gilt nur für einen Vermittler (${RULE_SETS[basis].validityCitation}).`);
      flag = `Zugleich gültige Zuweisung an andere Vermittler: ${refs}`;
    }
    const schedule = await m.getRepository(FeeSchedule).findOneByOrFail({ id: agreement.feeScheduleId });
    const fee = feeFor(scheduleData(schedule), targetGroupsOn(client.targetGroups, client.birthDate, input.validFrom), input.validFrom);
    if (fee === null) throw new ValidationError(`Die Vergütungsregelung ${schedule.code} gilt am ${formatDate(input.validFrom)} noch nicht.`);
    const at = nowIso();
    const consent = input.consent === "on" || input.consent === "true";
    const a = await m.getRepository(Assignment).save(
      m.getRepository(Assignment).create({
        reference: await nextReference(m, Assignment, "VG", input.validFrom.slice(0, 4), 6),
        clientId,
        providerId: provider.id,
        agreementId: agreement.id,
        legalBasis: basis,
        issuedOn: today(),
        validFrom: input.validFrom,
        validUntil,
        region: input.region,
        maxFeeCents: fee,
        status: "active",
        consentAt: consent ? at : null,
        consentRecordedById: consent ? user.id : null,
        consentWithdrawnAt: null,
        flag,
        createdById: user.id,
        createdAt: at,
        updatedAt: at,
      }),
    );
    // Rule 11: the voucher amount is committed before the voucher exists, over the years its fee can fall due in.
    const feePeriod = voucherPeriod(a.issuedOn, a.validUntil);
    await commitFunds(m, user, {
      budgetLineNumber: settings["placement.budgetLine"],
      sourceType: "voucher",
      sourceId: a.id,
      providerId: provider.id,
      description: `Vermittlungsgutschein ${a.reference} (${provider.name})`,
      shares: spreadOverYears(fee, feePeriod.start, feePeriod.end),
    });
    await appendAudit(m, actorOf(user), {
      action: "assignment.create",
      summary: `Kunde ${client.reference} an ${provider.name} zugewiesen (${a.reference}, ${formatDate(a.validFrom)}–${formatDate(a.validUntil)})${flag ? " – Prüfhinweis" : ""}`,
      entityType: "assignment",
      entityId: String(a.id),
      providerId: provider.id,
      details: { client: client.reference, agreement: agreement.reference, maxFeeCents: fee, consent, flag },
    });
    // The mail names only the pseudonym; personal data are in the portal (with consent).
    if (provider.email)
      await enqueueTemplateMail(m, {
        to: provider.email,
        template: "mail-assignment-created",
        data: { reference: a.reference, client: client.reference, legalBasis: LEGAL_BASIS_LABELS[basis], validFrom: formatDate(a.validFrom), validUntil: formatDate(a.validUntil), regionPart: a.region ? `, Region ${a.region}` : "", maxFee: formatCents(fee) },
      });
    return a;
  });
}

export async function setConsent(user: CurrentUser, clientId: number, assignmentId: number, given: boolean) {
  requireCan(user, "assign:client:any");
  return tx(async (m) => {
    const a = await m.getRepository(Assignment).findOne({ where: { id: assignmentId, clientId } });
    if (!a) throw new NotFoundError("Die Zuweisung wurde nicht gefunden.");
    const at = nowIso();
    if (given) Object.assign(a, { consentAt: at, consentRecordedById: user.id, consentWithdrawnAt: null });
    else {
      if (!a.consentAt || a.consentWithdrawnAt) throw new ConflictError("Es liegt keine Einwilligung vor.");
      a.consentWithdrawnAt = at;
    }
    a.updatedAt = at;
    await m.getRepository(Assignment).save(a);
    await appendAudit(m, actorOf(user), { action: given ? "assignment.consent" : "assignment.consent-withdraw", summary: `${a.reference}: Einwilligung zur Datenweitergabe ${given ? "erfasst" : "widerrufen"}`, entityType: "assignment", entityId: String(a.id), providerId: a.providerId });
  });
}

export async function withdrawAssignment(user: CurrentUser, clientId: number, assignmentId: number, reason: string) {
  requireCan(user, "assign:client:any");
  return tx(async (m) => {
    const a = await m.getRepository(Assignment).findOne({ where: { id: assignmentId, clientId } });
    if (!a) throw new NotFoundError("Die Zuweisung wurde nicht gefunden.");
    await transition(m, ASSIGNMENTS, {
      entity: a,
      event: "withdraw",
      facts: { state: a.status as AssignmentState, today: today(), validUntil: a.validUntil, reason },
      actor: user,
      audit: { summary: `Zuweisung ${a.reference} zurückgenommen`, details: { reason } },
    });
    await releaseCommitments(m, user, "voucher", a.id, `Zuweisung ${a.reference} zurückgenommen`);
  });
}

/** Daily job: assignments past their validity expire (asked of the same table). Returns the number changed. */
export async function expireAssignments(m: EntityManager, day: string): Promise<number> {
  const candidates = await m.getRepository(Assignment).find({ where: { status: "active", validUntil: LessThan(day) } });
  let affected = 0;
  for (const a of candidates) {
    const moved = await tryTransition(m, ASSIGNMENTS, {
      entity: a,
      event: "expire",
      facts: { state: a.status as AssignmentState, today: day, validUntil: a.validUntil },
      actor: "system",
      audit: { summary: `Zuweisung ${a.reference} abgelaufen (gültig bis ${formatDate(a.validUntil)})`, details: { day } },
    });
    if (moved) affected++;
  }
  return affected;
}

// ---------------------------------------------------------------------------------------------
// What a broker sees (portal and API)

export interface BrokerClientView {
  assignmentId: number;
  assignment: string;
  client: string;
  /** Only with active consent. */
  name: string | null;
  contact: { street: string; postalCode: string; city: string; phone: string; email: string } | null;
  qualification: string;
  targetOccupation: string;
  region: string;
  validFrom: string;
  validUntil: string;
  maxFeeCents: number;
  status: string;
  statusLabel: string;
  legalBasis: string;
}

/** The one place that decides which client fields a broker sees (DOMAIN.md § 4, rule 15). */
export function brokerView(a: Assignment, c: Client): BrokerClientView {
  // Name and contact only with the client's consent and only while the assignment is valid (rule 15).
  const consent = !!a.consentAt && !a.consentWithdrawnAt && a.status === "active";
  return {
    assignmentId: a.id,
    assignment: a.reference,
    client: c.reference,
    name: consent ? `${c.firstName} ${c.lastName}` : null,
    contact: consent ? { street: c.street, postalCode: c.postalCode, city: c.city, phone: c.phone, email: c.email } : null,
    qualification: c.qualification,
    targetOccupation: c.targetOccupation,
    region: a.region,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    maxFeeCents: a.maxFeeCents,
    status: a.status,
    statusLabel: ASSIGNMENT_STATE_LABELS[a.status as AssignmentState],
    legalBasis: a.legalBasis,
  };
}

export type OwnAssignmentQuery = Partial<ListQuery<(typeof OWN_ASSIGNMENT_LIST)["filters"], (typeof OWN_ASSIGNMENT_LIST)["sorts"][number]>>;

/**
 * The portal's assigned clients, one page (OWN_ASSIGNMENT_LIST: valid ones, ending soonest
 * first). Only the own broker organisation's assignments; every row through brokerView, and
 * the search finds a name only where the broker may see it (consent, valid assignment).
 */
export async function listOwnAssignments(user: CurrentUser, raw: OwnAssignmentQuery) {
  if (!can(user.role, "read:assignment:own")) throw new ForbiddenError();
  const providerId = await ownBrokerId(user);
  const query = completeQuery(OWN_ASSIGNMENT_LIST, raw);
  const m = await em();
  const qb = m.getRepository(Assignment).createQueryBuilder("a").innerJoin(Client, "k", "k.id = a.clientId").where("a.providerId = :providerId", { providerId });
  if (query.status !== "all") qb.andWhere("a.status = :status", { status: "active" });
  const q = query.q?.trim().toLowerCase();
  if (q) {
    const consent = "a.consentAt IS NOT NULL AND a.consentWithdrawnAt IS NULL AND a.status = 'active'";
    qb.andWhere(`(LOWER(k.reference) LIKE :q OR LOWER(a.reference) LIKE :q OR (${consent} AND (LOWER(k.firstName) LIKE :q OR LOWER(k.lastName) LIKE :q OR LOWER(k.firstName || ' ' || k.lastName) LIKE :q)))`, { q: `%${q}%` });
  }
  const { rows, raw: _raw, ...page } = await paginate(qb, query, {
    sortColumns: { validUntil: "a.validUntil", validFrom: "a.validFrom", client: "k.reference", assignment: "a.reference", status: "a.status" },
    tieBreaker: "a.id",
  });
  const clients = new Map((await m.getRepository(Client).find({ where: { id: In(rows.map((a) => a.clientId).concat(0)) } })).map((c) => [c.id, c]));
  return { rows: rows.map((a) => brokerView(a, clients.get(a.clientId)!)), ...page };
}

/** Every assignment of the own broker organisation (API, the claim form's chooser), latest end first. */
export async function ownAssignments(user: CurrentUser, query: { status?: string; q?: string } = {}) {
  if (!can(user.role, "read:assignment:own")) throw new ForbiddenError();
  const providerId = await ownBrokerId(user);
  const m = await em();
  const where: Record<string, unknown> = { providerId };
  if (query.status && query.status !== "all") where.status = query.status;
  const rows = await m.getRepository(Assignment).find({ where, order: { validUntil: "DESC" }, take: 500 });
  const clients = new Map((await m.getRepository(Client).find({ where: { id: In(rows.map((a) => a.clientId).concat(0)) } })).map((c) => [c.id, c]));
  const views = rows.map((a) => brokerView(a, clients.get(a.clientId)!));
  const q = query.q?.trim().toLowerCase();
  return q ? views.filter((v) => v.client.toLowerCase().includes(q) || v.assignment.toLowerCase().includes(q) || (v.name ?? "").toLowerCase().includes(q)) : views;
}

export async function ownAssignment(user: CurrentUser, assignmentId: number): Promise<BrokerClientView> {
  const providerId = await ownBrokerId(user);
  const m = await em();
  const a = await m.getRepository(Assignment).findOne({ where: { id: assignmentId, providerId } });
  if (!a) throw new NotFoundError("Die Zuweisung wurde nicht gefunden.");
  return brokerView(a, await m.getRepository(Client).findOneByOrFail({ id: a.clientId }));
}

/** For staff selects: the case manager's users by id. */
export async function userNames(m: EntityManager, ids: (number | null)[]) {
  const rows = await m.getRepository(User).find({ where: { id: In(ids.filter((x): x is number => !!x).concat(0)) } });
  return new Map(rows.map((u) => [u.id, u.name]));
}

