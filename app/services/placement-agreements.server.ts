/**
 * Placement agreements (Vermittlungsvereinbarungen): fee schedules, standard terms, open
 * admission (offer to many brokers at once), renewal, acceptance in the portal, agreement PDF.
 */
import { In, type EntityManager } from "typeorm";
import { AgreementTerms, BankAccount, Certification, Document, FeeSchedule, PlacementAgreement, Provider, User } from "../../entities";
import { ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { formatCents, parseEuroToCents } from "~/domain/money";
import {
  admissionProblem,
  endWithinLegalBasis,
  legalBasisProblem,
  parseLegalBasisPeriods,
  AGREEMENT_STATE_LABELS,
  AGREEMENT_STATES,
  feeFor,
  isLegalBasis,
  isTargetGroup,
  LEGAL_BASIS_LABELS,
  LEGAL_BASES,
  scheduleProblems,
  TARGET_GROUP_LABELS,
  type AgreementState,
  type FeeRate,
  type FeeScheduleData,
  type InstalmentRule,
  type LegalBasis,
} from "~/domain/placement";
import { agreementMachine, type AgreementEvent } from "~/domain/placement-agreement.machine";
import { addDays, addMonths, berlinDate, formatDate, formatDateTime, parseDate } from "~/domain/time";
import { toCsv } from "~/domain/csv";
import { parseOrThrow } from "~/domain/validation";
import { completeQuery, type ListQuery } from "~/domain/list";
import { providerChoiceLabel } from "~/domain/provider";
import { AGREEMENT_LIST, OWN_AGREEMENT_LIST } from "~/domain/list-specs";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { paginate } from "~/lib/list.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { prepareDocument, storeRendered, type GenerateDocumentInput, type PreparedDocument } from "~/lib/documents.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { signatory } from "./letters.server";
import { AGREEMENTS, nextReference, ownBrokerId, requireCan } from "./placement-common.server";
import { transition, tryTransition } from "./transition.server";
import { offerSchema, reasonSchema, scheduleSchema, termsSchema } from "~/domain/placement.schema";

// ---------------------------------------------------------------------------------------------
// Fee schedules

export function scheduleData(s: FeeSchedule): FeeScheduleData {
  return { legalBasis: s.legalBasis as LegalBasis, validFrom: s.validFrom, instalments: s.instalments as InstalmentRule[], rates: s.rates as FeeRate[] };
}

/** The schedule of a legal basis in force on a date (latest validFrom ≤ date). */
export async function scheduleFor(m: EntityManager, basis: LegalBasis, on: string): Promise<FeeSchedule | null> {
  const rows = await m.getRepository(FeeSchedule).find({ where: { legalBasis: basis }, order: { validFrom: "DESC" } });
  return rows.find((s) => s.validFrom <= on) ?? null;
}

export async function listFeeSchedules(user: CurrentUser) {
  requireCan(user, "read:placement:any");
  const m = await em();
  const rows = await m.getRepository(FeeSchedule).find({ order: { validFrom: "DESC", code: "ASC" } });
  return rows.map((s) => ({
    id: s.id,
    code: s.code,
    name: s.name,
    legalBasis: s.legalBasis,
    legalBasisLabel: LEGAL_BASIS_LABELS[s.legalBasis as LegalBasis] ?? s.legalBasis,
    validFrom: s.validFrom,
    instalments: (s.instalments as InstalmentRule[]).map((i) => ({
      ...i,
      amount: i.amountCents === null ? "Restbetrag" : formatCents(i.amountCents),
      condition: i.afterDays !== null ? `nach ${i.afterDays} Tagen Beschäftigung` : `nach ${i.afterMonths} Monaten Beschäftigung${i.sameEmployer ? " beim selben Arbeitgeber" : ""}`,
    })),
    rates: (s.rates as FeeRate[]).map((r) => ({ ...r, group: r.targetGroup ? TARGET_GROUP_LABELS[r.targetGroup] : "alle (Grundbetrag)", amount: formatCents(r.totalCents) })),
  }));
}


/** Rates as text, one per line: `Zielgruppe;Betrag;gültig ab` with "alle" for the base rate. */
export function parseRates(text: string): { rates: FeeRate[]; error: string | null } {
  const rates: FeeRate[] = [];
  const byLabel = new Map<string, string>(Object.entries(TARGET_GROUP_LABELS).map(([k, v]) => [v.toLowerCase(), k]));
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const [group, amount, from] = line.split(";").map((p) => p.trim());
    const key = (group ?? "").toLowerCase();
    const targetGroup = key === "alle" || key === "" ? null : isTargetGroup(key) ? key : byLabel.get(key) ?? undefined;
    const cents = parseEuroToCents(amount ?? "");
    const validFrom = parseDate(from ?? "");
    if (targetGroup === undefined) return { rates, error: `Zeile ${i + 1}: unbekannte Zielgruppe „${group}“ (erlaubt: alle, ${Object.values(TARGET_GROUP_LABELS).join(", ")}).` };
    if (cents === null || cents <= 0) return { rates, error: `Zeile ${i + 1}: Betrag „${amount ?? ""}“ ist ungültig.` };
    if (!validFrom) return { rates, error: `Zeile ${i + 1}: Datum „${from ?? ""}“ ist ungültig.` };
    rates.push({ targetGroup: targetGroup as FeeRate["targetGroup"], totalCents: cents, validFrom });
  }
  return { rates, error: null };
}

export async function createFeeSchedule(user: CurrentUser, raw: unknown) {
  requireCan(user, "manage:agreement:any");
  const input = parseOrThrow(scheduleSchema, raw);
  const { rates, error } = parseRates(input.rates);
  if (error) throw new ValidationError(error, { rates: error });
  const data: FeeScheduleData = {
    legalBasis: input.legalBasis as LegalBasis,
    validFrom: input.validFrom,
    instalments: [
      { number: 1, label: `1. Rate nach ${input.firstDays} Tagen Beschäftigung`, amountCents: input.firstAmount, afterDays: input.firstDays, afterMonths: null, sameEmployer: false },
      { number: 2, label: `2. Rate nach ${input.secondMonths} Monaten${input.secondSameEmployer ? " beim selben Arbeitgeber" : ""}`, amountCents: null, afterDays: null, afterMonths: input.secondMonths, sameEmployer: !!input.secondSameEmployer },
    ],
    rates,
  };
  const problems = scheduleProblems(data);
  if (problems.length) throw new ValidationError(problems.join(" "));
  return tx(async (m) => {
    if (await m.getRepository(FeeSchedule).exist({ where: { code: input.code } })) throw new ValidationError("Dieses Kürzel ist bereits vergeben.", { code: "Dieses Kürzel ist bereits vergeben." });
    const row = await m.getRepository(FeeSchedule).save(m.getRepository(FeeSchedule).create({ code: input.code, name: input.name, ...data, createdAt: nowIso(), createdById: user.id }));
    await appendAudit(m, actorOf(user), { action: "fee-schedule.create", summary: `Vergütungsregelung ${row.code} angelegt (gültig ab ${formatDate(row.validFrom)})`, entityType: "fee-schedule", entityId: String(row.id), details: { code: row.code, legalBasis: row.legalBasis, rates, instalments: data.instalments } });
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// Standard terms

export async function listTerms(user: CurrentUser) {
  requireCan(user, "read:placement:any");
  const m = await em();
  const rows = await m.getRepository(AgreementTerms).find({ order: { id: "DESC" } });
  const schedules = new Map((await m.getRepository(FeeSchedule).find()).map((s) => [s.id, s]));
  return rows.map((t) => ({ ...t, legalBasisLabel: LEGAL_BASIS_LABELS[t.legalBasis as LegalBasis], schedule: schedules.get(t.feeScheduleId)?.code ?? "–" }));
}

/** The published terms a broker can read before accepting (open admission). */
export async function publishedTerms(user: CurrentUser) {
  if (!can(user.role, "read:agreement:own") && !can(user.role, "read:placement:any")) throw new ForbiddenError();
  const m = await em();
  const rows = await m.getRepository(AgreementTerms).find({ order: { id: "DESC" } });
  return rows.filter((t) => t.publishedAt).map((t) => ({ id: t.id, title: t.title, legalBasisLabel: LEGAL_BASIS_LABELS[t.legalBasis as LegalBasis], termMonths: t.termMonths, body: t.body, publishedAt: t.publishedAt }));
}


/**
 * Publish standard terms (open admission): from now on new offers under this legal basis use them.
 * Published terms are never edited; a change is a new version.
 */
export async function publishTerms(user: CurrentUser, raw: unknown) {
  requireCan(user, "manage:agreement:any");
  const input = parseOrThrow(termsSchema, raw);
  return tx(async (m) => {
    const schedule = await m.getRepository(FeeSchedule).findOneBy({ id: input.feeScheduleId });
    if (!schedule || schedule.legalBasis !== input.legalBasis) throw new ValidationError("Die Vergütungsregelung passt nicht zur Rechtsgrundlage.", { feeScheduleId: "Passt nicht zur Rechtsgrundlage." });
    const at = nowIso();
    const t = await m.getRepository(AgreementTerms).save(m.getRepository(AgreementTerms).create({ ...input, publishedAt: at, createdAt: at }));
    await appendAudit(m, actorOf(user), { action: "agreement-terms.publish", summary: `Zulassungsbedingungen „${t.title}“ veröffentlicht (${LEGAL_BASIS_LABELS[t.legalBasis as LegalBasis]})`, entityType: "agreement-terms", entityId: String(t.id), details: { feeSchedule: schedule.code, termMonths: t.termMonths } });
    return t;
  });
}

async function termsFor(m: EntityManager, basis: LegalBasis): Promise<AgreementTerms | null> {
  const rows = await m.getRepository(AgreementTerms).find({ where: { legalBasis: basis }, order: { id: "DESC" } });
  return rows.find((t) => t.publishedAt) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Lists and details

export type AgreementQuery = Partial<ListQuery<(typeof AGREEMENT_LIST)["filters"], (typeof AGREEMENT_LIST)["sorts"][number]>>;

/** One page of agreements (AGREEMENT_LIST: current ones first); `all` for counts and exports. */
export async function listAgreements(user: CurrentUser, raw: AgreementQuery, options: { all?: boolean } = {}) {
  requireCan(user, "read:placement:any");
  const query = completeQuery(AGREEMENT_LIST, raw);
  const m = await em();
  const settings = await getSettings(m);
  const day = today();
  const qb = m.getRepository(PlacementAgreement).createQueryBuilder("a").innerJoin(Provider, "p", "p.id = a.providerId").select(["a"]).addSelect("p.name", "provider_name");
  if (query.q) qb.andWhere("(LOWER(p.name) LIKE :q OR LOWER(a.reference) LIKE :q)", { q: `%${query.q.toLowerCase()}%` });
  if (query.status) qb.andWhere("a.status = :status", { status: query.status });
  if (query.legalBasis) qb.andWhere("a.legalBasis = :lb", { lb: query.legalBasis });
  if (query.provider) qb.andWhere("a.providerId = :pid", { pid: query.provider });
  if (query.expiring) qb.andWhere("a.status = 'active' AND a.validUntil >= :day AND a.validUntil <= :until", { day, until: addDays(day, settings["placement.renewalWindowDays"]) });
  const { rows: entities, raw: rawRows, ...page } = await paginate(qb, query, {
    sortColumns: { validUntil: "a.validUntil", validFrom: "a.validFrom", reference: "a.reference", provider: "p.name", status: "a.status" },
    tieBreaker: "a.id",
    all: options.all,
  });
  const names = new Map(rawRows.map((r) => [Number(r.a_id), String(r.provider_name)]));
  const successors = new Set(
    (await m.getRepository(PlacementAgreement).find({ where: { renewedFromId: In(entities.map((a) => a.id).concat(0)) }, select: { renewedFromId: true } })).map((a) => a.renewedFromId),
  );
  return {
    rows: entities.map((a) => ({
      id: a.id,
      reference: a.reference,
      providerId: a.providerId,
      providerName: names.get(a.id) ?? "",
      legalBasis: a.legalBasis,
      legalBasisLabel: LEGAL_BASIS_LABELS[a.legalBasis as LegalBasis] ?? a.legalBasis,
      validFrom: a.validFrom,
      validUntil: a.validUntil,
      status: a.status,
      statusLabel: AGREEMENT_STATE_LABELS[a.status as AgreementState] ?? a.status,
      acceptedAt: a.acceptedAt,
      renewed: successors.has(a.id),
      expiringSoon: a.status === "active" && a.validUntil >= day && a.validUntil <= addDays(day, settings["placement.renewalWindowDays"]),
    })),
    ...page,
  };
}

/** The agreements of the list (its filters and order, every page) as CSV for staff. */
export async function agreementsCsv(user: CurrentUser, query: AgreementQuery): Promise<string> {
  const { rows } = await listAgreements(user, query, { all: true });
  return toCsv(
    ["Vereinbarung", "Vermittler", "Rechtsgrundlage", "gültig ab", "gültig bis", "Status", "angenommen am", "verlängert"],
    rows.map((r) => [r.reference, r.providerName, r.legalBasisLabel, formatDate(r.validFrom), formatDate(r.validUntil), r.statusLabel, r.acceptedAt ? formatDate(berlinDate(r.acceptedAt)) : "", r.renewed ? "ja" : "nein"]),
  );
}

async function loadAdmissionFacts(m: EntityManager, providerIds: number[]) {
  const providers = await m.getRepository(Provider).find({ where: { id: In(providerIds.concat(0)) } });
  const certs = await m.getRepository(Certification).find({ where: { providerId: In(providerIds.concat(0)) } });
  return providers.map((p) => ({ provider: p, certifications: certs.filter((c) => c.providerId === p.id) }));
}

function admissionOf(basis: LegalBasis, f: { provider: Provider; certifications: Certification[] }, on: string) {
  return admissionProblem(basis, { kind: f.provider.kind, active: f.provider.active, tradeRegistrationDate: f.provider.tradeRegistrationDate, certifications: f.certifications }, on);
}

export async function getAgreement(user: CurrentUser, id: number) {
  const m = await em();
  const a = await m.getRepository(PlacementAgreement).findOne({ where: { id } });
  if (!a) throw new NotFoundError("Die Vereinbarung wurde nicht gefunden.");
  if (user.role === "provider") {
    await ownBrokerId(user);
    if (a.providerId !== user.providerId || a.status === "draft") throw new NotFoundError("Die Vereinbarung wurde nicht gefunden.");
  } else requireCan(user, "read:placement:any");
  const [provider, schedule, terms, facts] = await Promise.all([
    m.getRepository(Provider).findOneByOrFail({ id: a.providerId }),
    m.getRepository(FeeSchedule).findOneBy({ id: a.feeScheduleId }),
    a.termsId ? m.getRepository(AgreementTerms).findOneBy({ id: a.termsId }) : null,
    loadAdmissionFacts(m, [a.providerId]),
  ]);
  const users = await m.getRepository(User).find({ where: { id: In([a.offeredById ?? 0, a.acceptedById ?? 0]) } });
  const nameOf = (uid: number | null) => users.find((u) => u.id === uid)?.name ?? null;
  const day = today();
  const admission = facts[0] ? admissionOf(a.legalBasis as LegalBasis, facts[0], day) : null;
  const state = a.status as AgreementState;
  const events = agreementMachine.eventsFrom(state).filter((e) => e !== "expire" && e !== "offer");
  return {
    agreement: { ...a, statusLabel: AGREEMENT_STATE_LABELS[state], legalBasisLabel: LEGAL_BASIS_LABELS[a.legalBasis as LegalBasis], offeredByName: nameOf(a.offeredById) },
    provider: { id: provider.id, name: provider.name, city: provider.city, tradeRegistrationDate: provider.tradeRegistrationDate },
    schedule: schedule ? { code: schedule.code, name: schedule.name, ...scheduleSummary(schedule) } : null,
    terms: terms ? { title: terms.title, body: terms.body } : null,
    admissionProblem: admission,
    events: user.role === "provider" ? (state === "offered" ? (["accept"] as AgreementEvent[]) : []) : events.filter((e) => e !== "accept"),
  };
}

function scheduleSummary(s: FeeSchedule) {
  const data = scheduleData(s);
  const base = feeFor(data, [], addDays(s.validFrom, 0)) ?? 0;
  return {
    base: formatCents(base),
    instalments: data.instalments.map((i) => `${i.label}: ${i.amountCents === null ? "Restbetrag" : formatCents(i.amountCents)}`),
    rates: data.rates.map((r) => `${r.targetGroup ? TARGET_GROUP_LABELS[r.targetGroup] : "Grundbetrag"}: ${formatCents(r.totalCents)} ab ${formatDate(r.validFrom)}`),
  };
}

/** Brokers and whether they can be admitted under a legal basis today (for the bulk offer form). */
export async function admissionCandidates(user: CurrentUser, basis: LegalBasis) {
  requireCan(user, "manage:agreement:any");
  const m = await em();
  const day = today();
  const brokers = await m.getRepository(Provider).find({ where: { kind: "broker" }, order: { name: "ASC" } });
  const facts = await loadAdmissionFacts(m, brokers.map((b) => b.id));
  const current = await m
    .getRepository(PlacementAgreement)
    .createQueryBuilder("a")
    .where("a.status IN ('offered','active','suspended') AND a.validUntil >= :day", { day })
    .getMany();
  const hasCurrent = new Map(current.map((a) => [a.providerId, a]));
  return facts.map((f) => ({
    id: f.provider.id,
    name: f.provider.name,
    city: f.provider.city,
    label: providerChoiceLabel(f.provider),
    problem: admissionOf(basis, f, day),
    current: hasCurrent.get(f.provider.id) ? { reference: hasCurrent.get(f.provider.id)!.reference, status: AGREEMENT_STATE_LABELS[hasCurrent.get(f.provider.id)!.status as AgreementState] } : null,
  }));
}

// ---------------------------------------------------------------------------------------------
// Offer (bulk), renew, accept, other transitions


export interface OfferResult {
  offered: { reference: string; providerName: string }[];
  skipped: { providerName: string; reason: string }[];
}

/** The legal bases' periods of validity (a dated setting). */
async function legalBasisPeriods(m: EntityManager) {
  const parsed = parseLegalBasisPeriods((await getSettings(m))["placement.legalBasisPeriods"]);
  return parsed.ok ? parsed.periods : [];
}

/** Refuse an agreement whose legal basis is not in force on its first day (ValidationError on the date field). */
async function requireLegalBasisInForce(m: EntityManager, basis: LegalBasis, validFrom: string) {
  const problem = legalBasisProblem(basis, await legalBasisPeriods(m), validFrom);
  if (problem) throw new ValidationError(problem, { validFrom: problem });
}

/** The agreement a provider would be offered at `at` under `reference` (not saved), with what its letter needs, or why it cannot be offered. */
async function draftOffered(m: EntityManager, user: CurrentUser | null, provider: Provider, basis: LegalBasis, validFrom: string, renewedFromId: number | null, at: string, reference: string): Promise<OfferDraft | string> {
  const periods = await legalBasisPeriods(m);
  const basisProblem = legalBasisProblem(basis, periods, validFrom);
  if (basisProblem) return basisProblem;
  const schedule = await scheduleFor(m, basis, validFrom);
  if (!schedule) return `Für ${LEGAL_BASIS_LABELS[basis]} gibt es keine Vergütungsregelung, die am ${formatDate(validFrom)} gilt.`;
  const terms = await termsFor(m, basis);
  const settings = await getSettings(m);
  const months = terms?.termMonths ?? settings["placement.agreementTermMonths"];
  // An agreement cannot outlast its legal basis.
  const validUntil = endWithinLegalBasis(basis, periods, validFrom, addDays(addMonths(validFrom, months), -1));
  const repo = m.getRepository(PlacementAgreement);
  const a = repo.create({
    reference,
    providerId: provider.id,
    termsId: terms?.id ?? null,
    legalBasis: basis,
    feeScheduleId: schedule.id,
    validFrom,
    validUntil,
    status: "draft",
    offeredAt: null,
    offeredById: null,
    acceptedAt: null,
    acceptedById: null,
    acceptedByName: "",
    statusReason: "",
    documentId: null,
    renewedFromId,
    createdAt: at,
    updatedAt: at,
  });
  const certs = await m.getRepository(Certification).find({ where: { providerId: provider.id } });
  const problem = admissionOf(basis, { provider, certifications: certs }, today());
  const to = agreementMachine.check("offer", { state: "draft", today: today(), validUntil, admissionProblem: problem });
  if (!to.ok) return to.reason;
  a.status = to.to;
  a.offeredAt = at;
  a.offeredById = user?.id ?? null;
  return { a, schedule, terms };
}

interface OfferDraft {
  a: PlacementAgreement;
  schedule: FeeSchedule;
  terms: AgreementTerms | null;
}

/** Offer an agreement inside the caller's transaction; its letter comes from `ahead` when it was rendered before with the same content. */
async function createOffered(m: EntityManager, user: CurrentUser | null, provider: Provider, basis: LegalBasis, validFrom: string, renewedFromId: number | null, at: string, ahead: Map<string, PreparedDocument>): Promise<PlacementAgreement | string> {
  const draft = await draftOffered(m, user, provider, basis, validFrom, renewedFromId, at, await nextReference(m, PlacementAgreement, "VV", validFrom.slice(0, 4), 4));
  if (typeof draft === "string") return draft;
  const { a, schedule, terms } = draft;
  const repo = m.getRepository(PlacementAgreement);
  await repo.save(a);
  const doc = await storeRendered(m, await agreementInput(m, a, provider, schedule, terms), ahead.get(offerKey(provider.id, renewedFromId)));
  a.documentId = doc.id;
  await repo.save(a);
  await appendAudit(m, user ? actorOf(user) : SYSTEM, {
    action: renewedFromId ? "agreement.renew" : "agreement.offer",
    summary: `Vermittlungsvereinbarung ${a.reference} ${renewedFromId ? "zur Verlängerung " : ""}angeboten (${provider.name}, ${formatDate(validFrom)}–${formatDate(a.validUntil)})`,
    entityType: "placement-agreement",
    entityId: String(a.id),
    providerId: provider.id,
    details: { legalBasis: basis, feeSchedule: schedule.code, renewedFromId },
  });
  if (provider.email)
    await enqueueTemplateMail(m, {
      to: provider.email,
      template: "mail-agreement-offered",
      data: { reference: a.reference, legalBasis: LEGAL_BASIS_LABELS[basis], validFrom: formatDate(validFrom), validUntil: formatDate(a.validUntil) },
      attachmentDocumentId: doc.id,
    });
  return a;
}

async function agreementInput(m: EntityManager, a: PlacementAgreement, provider: Provider, schedule: FeeSchedule, terms: AgreementTerms | null): Promise<GenerateDocumentInput> {
  const s = scheduleSummary(schedule);
  const sender = await signatory(m, a.offeredById, "other");
  return {
    template: "placement-agreement",
    data: {
      reference: a.reference,
      providerName: provider.name,
      providerAddress: [provider.street, `${provider.postalCode} ${provider.city}`.trim()].filter(Boolean).join("\n") || "–",
      legalBasis: LEGAL_BASIS_LABELS[a.legalBasis as LegalBasis],
      validFrom: formatDate(a.validFrom),
      validUntil: formatDate(a.validUntil),
      schedule: `${schedule.name} (${schedule.code})`,
      instalments: s.instalments.map((line) => ({ line })),
      rates: s.rates.map((line) => ({ line })),
      terms: terms?.body ?? "Es gelten die veröffentlichten Zulassungsbedingungen.",
      offeredAt: formatDateTime(a.offeredAt),
      letterDate: formatDate(berlinDate(a.offeredAt ?? nowIso())),
      officialName: sender.officialName,
      officialPhone: sender.officialPhone,
      officialEmail: sender.officialEmail,
      closing: sender.closing,
      signatureNote: sender.signatureNote,
    },
    title: `Vermittlungsvereinbarung ${a.reference}`,
    filename: `Vermittlungsvereinbarung-${a.reference}`,
    entityType: "placement-agreement",
    entityId: String(a.id),
    providerId: a.providerId,
    createdById: a.offeredById,
  };
}

/** The brokers chosen for a bulk offer (by name), each with its current agreement that overlaps the new one's start, if any. */
async function offerTargets(m: EntityManager, providerIds: number[], validFrom: string) {
  const providers = await m.getRepository(Provider).find({ where: { id: In(providerIds) }, order: { name: "ASC" } });
  const current = await m.getRepository(PlacementAgreement).find({ where: { providerId: In(providerIds), status: In(["offered", "active", "suspended"]) } });
  return providers.map((provider) => ({ provider, overlapping: current.find((a) => a.providerId === provider.id && a.validUntil >= validFrom) }));
}

/** One offer of a bulk run: a broker, and the agreement it renews if any (a broker may renew two). */
const offerKey = (providerId: number, renewedFromId: number | null) => `${providerId}/${renewedFromId ?? ""}`;

interface PlannedOffer {
  provider: Provider;
  basis: LegalBasis;
  validFrom: string;
  renewedFromId: number | null;
}

/**
 * The agreement letters rendered before the offering transaction (DESIGN.md § 7), by offerKey:
 * each as it will read when offered at `at`, under the reference it is expected to get (the next
 * free ones, in the order of `planned`). A letter whose content differs by then (another
 * agreement took the reference) is rendered in the transaction after all.
 */
async function lettersAhead(user: CurrentUser, at: string, planned: (m: EntityManager) => Promise<PlannedOffer[]>): Promise<Map<string, PreparedDocument>> {
  const m = await em();
  const ahead = new Map<string, PreparedDocument>();
  const last = new Map<string, string>(); // year → the reference given last in this plan
  for (const o of await planned(m)) {
    const year = o.validFrom.slice(0, 4);
    const previous = last.get(year);
    const reference = previous ? `${previous.slice(0, -4)}${String(Number(previous.slice(-4)) + 1).padStart(4, "0")}` : await nextReference(m, PlacementAgreement, "VV", year, 4);
    const draft = await draftOffered(m, user, o.provider, o.basis, o.validFrom, o.renewedFromId, at, reference);
    if (typeof draft === "string") continue; // not offered: the reference stays free
    last.set(year, reference);
    ahead.set(offerKey(o.provider.id, o.renewedFromId), await prepareDocument(await agreementInput(m, draft.a, o.provider, draft.schedule, draft.terms), m));
  }
  return ahead;
}

/** Offer the standard agreement to many brokers at once; brokers that do not meet the conditions are listed, not offered. */
export async function offerAgreements(user: CurrentUser, raw: unknown): Promise<OfferResult> {
  requireCan(user, "manage:agreement:any");
  const input = parseOrThrow(offerSchema, raw);
  const basis = input.legalBasis as LegalBasis;
  const at = nowIso();
  const ahead = await lettersAhead(user, at, async (m) => (await offerTargets(m, input.providerIds, input.validFrom)).filter((t) => !t.overlapping).map((t) => ({ provider: t.provider, basis, validFrom: input.validFrom, renewedFromId: null })));
  return tx(async (m) => {
    await requireLegalBasisInForce(m, basis, input.validFrom);
    const result: OfferResult = { offered: [], skipped: [] };
    for (const { provider: p, overlapping } of await offerTargets(m, input.providerIds, input.validFrom)) {
      if (overlapping) {
        result.skipped.push({ providerName: p.name, reason: `hat bereits die Vereinbarung ${overlapping.reference} (${AGREEMENT_STATE_LABELS[overlapping.status as AgreementState]}, bis ${formatDate(overlapping.validUntil)}).` });
        continue;
      }
      const a = await createOffered(m, user, p, basis, input.validFrom, null, at, ahead);
      if (typeof a === "string") result.skipped.push({ providerName: p.name, reason: a });
      else result.offered.push({ reference: a.reference, providerName: p.name });
    }
    if (!result.offered.length && !result.skipped.length) throw new ValidationError("Die ausgewählten Vermittler wurden nicht gefunden.");
    return result;
  });
}

/** Open admission in one step: offer the standard agreement to every broker that meets the conditions today and has no current agreement. */
export async function offerAgreementsToAllEligible(user: CurrentUser, raw: unknown): Promise<OfferResult> {
  const basis = String((raw as Record<string, unknown> | null)?.legalBasis ?? "");
  if (!isLegalBasis(basis)) return offerAgreements(user, { ...(raw as object), providerIds: [] }); // the schema names the missing basis
  const validFrom = parseDate(String((raw as Record<string, unknown>).validFrom ?? ""));
  if (validFrom) await requireLegalBasisInForce(await em(), basis, validFrom);
  const ids = (await admissionCandidates(user, basis)).filter((c) => !c.problem && !c.current).map((c) => c.id);
  if (ids.length === 0) throw new ValidationError("Es gibt keinen zulassungsfähigen Vermittler ohne laufende Vereinbarung.");
  return offerAgreements(user, { ...(raw as object), providerIds: ids });
}

/** Active agreements ending within the renewal window without a follow-up yet (soonest first), each with its broker. */
async function renewalTargets(m: EntityManager) {
  const settings = await getSettings(m);
  const day = today();
  const expiring = await m
    .getRepository(PlacementAgreement)
    .createQueryBuilder("a")
    .where("a.status = 'active' AND a.validUntil >= :day AND a.validUntil <= :until", { day, until: addDays(day, settings["placement.renewalWindowDays"]) })
    .andWhere('NOT EXISTS (SELECT 1 FROM placement_agreements n WHERE n."renewedFromId" = a.id)')
    .orderBy("a.validUntil", "ASC")
    .addOrderBy("a.id", "ASC") // the same order when read again (the references follow it)
    .getMany();
  const providers = new Map((await m.getRepository(Provider).find({ where: { id: In(expiring.map((a) => a.providerId).concat(0)) } })).map((p) => [p.id, p]));
  return expiring.map((old) => ({ old, provider: providers.get(old.providerId)! }));
}

/** Offer a follow-up agreement to every active agreement that ends within the renewal window and has none yet. */
export async function renewExpiring(user: CurrentUser): Promise<OfferResult> {
  requireCan(user, "manage:agreement:any");
  const at = nowIso();
  const ahead = await lettersAhead(user, at, async (m) => (await renewalTargets(m)).map(({ old, provider }) => ({ provider, basis: old.legalBasis as LegalBasis, validFrom: addDays(old.validUntil, 1), renewedFromId: old.id })));
  return tx(async (m) => {
    const result: OfferResult = { offered: [], skipped: [] };
    for (const { old, provider: p } of await renewalTargets(m)) {
      const a = await createOffered(m, user, p, old.legalBasis as LegalBasis, addDays(old.validUntil, 1), old.id, at, ahead);
      if (typeof a === "string") result.skipped.push({ providerName: p.name, reason: a });
      else result.offered.push({ reference: a.reference, providerName: p.name });
    }
    return result;
  });
}


/** Tell the broker the agreement's new state and why. */
async function notifyBroker(m: EntityManager, a: PlacementAgreement, provider: Provider, reason: string) {
  if (!provider.email) return;
  const state = AGREEMENT_STATE_LABELS[a.status as AgreementState];
  await enqueueTemplateMail(m, { to: provider.email, template: "mail-agreement-status", data: { reference: a.reference, state, reasonLine: reason ? `\nBegründung: ${reason}` : "" } });
}

/** Side effects after a staff transition of an agreement, per event. */
const AFTER: Partial<Record<AgreementEvent, (m: EntityManager, a: PlacementAgreement, provider: Provider, reason: string) => Promise<void>>> = {
  withdraw_offer: notifyBroker,
  suspend: notifyBroker,
  resume: notifyBroker,
  terminate: notifyBroker,
};

/** Staff transitions: withdraw an offer, suspend, resume, terminate. */
export async function transitionAgreement(user: CurrentUser, id: number, event: AgreementEvent, raw: unknown) {
  if (!["withdraw_offer", "suspend", "resume", "terminate"].includes(event)) throw new ForbiddenError();
  requireCan(user, "manage:agreement:any");
  const { reason } = parseOrThrow(reasonSchema, raw);
  return tx(async (m) => {
    const a = await m.getRepository(PlacementAgreement).findOne({ where: { id } });
    if (!a) throw new NotFoundError("Die Vereinbarung wurde nicht gefunden.");
    const [facts] = await loadAdmissionFacts(m, [a.providerId]);
    await transition(m, AGREEMENTS, {
      entity: a,
      event,
      facts: { state: a.status as AgreementState, today: today(), validUntil: a.validUntil, admissionProblem: admissionOf(a.legalBasis as LegalBasis, facts, today()), reason },
      actor: user,
      set: { statusReason: reason },
      audit: { details: { reason } },
    });
    await AFTER[event]?.(m, a, facts.provider, reason);
    return a;
  });
}

/** The broker accepts an offered agreement in the portal; who and when are recorded. */
export async function acceptAgreement(user: CurrentUser, id: number) {
  requireCan(user, "accept:agreement:own");
  const providerId = await ownBrokerId(user);
  return tx(async (m) => {
    const a = await m.getRepository(PlacementAgreement).findOne({ where: { id, providerId } });
    if (!a || a.status === "draft") throw new NotFoundError("Die Vereinbarung wurde nicht gefunden.");
    const [facts] = await loadAdmissionFacts(m, [providerId]);
    const at = nowIso();
    await transition(m, AGREEMENTS, {
      entity: a,
      event: "accept",
      facts: { state: a.status as AgreementState, today: today(), validUntil: a.validUntil, admissionProblem: admissionOf(a.legalBasis as LegalBasis, facts, today()) },
      actor: user,
      set: { acceptedAt: at, acceptedById: user.id, acceptedByName: user.name, updatedAt: at },
      audit: { summary: `Vermittlungsvereinbarung ${a.reference} angenommen durch ${user.name}` },
    });
    return a;
  });
}

/** The agreement PDF (generated when offered; older agreements get theirs on first request, then it is kept). */
export async function agreementDocument(user: CurrentUser, id: number): Promise<Document> {
  await getAgreement(user, id); // access check
  const letter = async (m: EntityManager, a: PlacementAgreement) => {
    const provider = await m.getRepository(Provider).findOneByOrFail({ id: a.providerId });
    const schedule = await m.getRepository(FeeSchedule).findOneByOrFail({ id: a.feeScheduleId });
    const terms = a.termsId ? await m.getRepository(AgreementTerms).findOneBy({ id: a.termsId }) : null;
    return agreementInput(m, a, provider, schedule, terms);
  };
  const manager = await em();
  const before = await manager.getRepository(PlacementAgreement).findOneByOrFail({ id });
  if (before.documentId) return manager.getRepository(Document).findOneByOrFail({ id: before.documentId });
  const ahead = await prepareDocument(await letter(manager, before), manager); // rendered outside the transaction
  return tx(async (m) => {
    const a = await m.getRepository(PlacementAgreement).findOneByOrFail({ id });
    if (a.documentId) return m.getRepository(Document).findOneByOrFail({ id: a.documentId }); // stored meanwhile
    const doc = await storeRendered(m, await letter(m, a), ahead);
    a.documentId = doc.id;
    await m.getRepository(PlacementAgreement).save(a);
    return doc;
  });
}

export type OwnAgreementQuery = Partial<ListQuery<(typeof OWN_AGREEMENT_LIST)["filters"], (typeof OWN_AGREEMENT_LIST)["sorts"][number]>>;

/** Offered (waiting for the broker), active, suspended: the agreements that matter now. */
const CURRENT_RANK: Record<string, number> = { offered: 0, active: 1, suspended: 2 };

/**
 * The own broker organisation's agreements (never drafts), in OWN_AGREEMENT_LIST order: by
 * default the current ones first, within each group the latest end first. A broker has only a
 * few agreements, so they are sorted here, not paged.
 */
export async function ownAgreements(user: CurrentUser, raw: OwnAgreementQuery = {}) {
  requireCan(user, "read:agreement:own");
  const providerId = await ownBrokerId(user);
  const query = completeQuery(OWN_AGREEMENT_LIST, raw);
  const m = await em();
  const rows = await m.getRepository(PlacementAgreement).find({ where: { providerId, status: In(["offered", "active", "suspended", "terminated", "expired"]) }, order: { id: "DESC" } });
  const sign = query.dir === "desc" ? -1 : 1;
  const byEnd = (a: PlacementAgreement, b: PlacementAgreement) => b.validUntil.localeCompare(a.validUntil) || b.id - a.id;
  const compare: Record<typeof query.sort, (a: PlacementAgreement, b: PlacementAgreement) => number> = {
    current: (a, b) => sign * ((CURRENT_RANK[a.status] ?? 3) - (CURRENT_RANK[b.status] ?? 3)) || byEnd(a, b),
    validUntil: (a, b) => sign * a.validUntil.localeCompare(b.validUntil) || b.id - a.id,
    validFrom: (a, b) => sign * a.validFrom.localeCompare(b.validFrom) || b.id - a.id,
    reference: (a, b) => sign * a.reference.localeCompare(b.reference),
  };
  rows.sort(compare[query.sort]);
  return {
    sort: query.sort,
    dir: query.dir,
    rows: rows.map((a) => ({ id: a.id, reference: a.reference, legalBasisLabel: LEGAL_BASIS_LABELS[a.legalBasis as LegalBasis], validFrom: a.validFrom, validUntil: a.validUntil, status: a.status, statusLabel: AGREEMENT_STATE_LABELS[a.status as AgreementState], acceptedAt: a.acceptedAt, acceptedByName: a.acceptedByName })),
  };
}

/** Daily job: agreements past their term expire (same machine as every other transition). */
export async function expireAgreements(m: EntityManager, day: string): Promise<number> {
  const rows = await m.getRepository(PlacementAgreement).createQueryBuilder("a").where("a.status IN ('offered','active','suspended') AND a.validUntil < :day", { day }).getMany();
  for (const a of rows) {
    await tryTransition(m, AGREEMENTS, {
      entity: a,
      event: "expire",
      facts: { state: a.status as AgreementState, today: day, validUntil: a.validUntil, admissionProblem: null },
      actor: "system",
      audit: { summary: `Vermittlungsvereinbarung ${a.reference} abgelaufen (${formatDate(a.validUntil)})` },
    });
  }
  return rows.length;
}

/** The broker's current bank account (for payable items). */
export async function currentBankAccount(m: EntityManager, providerId: number) {
  return m.getRepository(BankAccount).findOne({ where: { providerId, current: true }, order: { id: "DESC" } });
}

export const LEGAL_BASIS_OPTIONS = LEGAL_BASES.map((b) => ({ value: b, label: LEGAL_BASIS_LABELS[b] }));
