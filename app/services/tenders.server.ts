import { In, type EntityManager } from "typeorm";
import { AwardCriterion, Contract, Document, Lot, Offer, OpeningConfirmation, Provider, Tender, TenderQuestion, User } from "../../entities";
import { completeQuery, type ListQuery } from "~/domain/list";
import { TENDER_LIST } from "~/domain/list-specs";
import { paginate } from "~/lib/list.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import {
  criteriaProblems,
  decideRegime,
  lotSchema,
  lotValueCents,
  measureTypeLabel,
  offerPeriodProblem,
  parseThresholds,
  PRICE_UNIT_LABELS,
  PROCEDURE_LABELS,
  tenderSchema,
  tenderValueCents,
  type CriterionInput,
  type PriceUnit,
  type ProcedureType,
  type Regime,
} from "~/domain/tender";
import { criteriaKindProblems, methodInWords, methodProblems, type CriterionKind, type PastPerformanceMethod } from "~/domain/past-performance";
import { TENDER_EVENT_TYPES, tenderMoveIsPublic } from "~/domain/events";
import { TENDER_STATE_LABELS, tenderMachine, type TenderEvent, type TenderFacts, type TenderState } from "~/domain/tender.machine";
import { berlinDate, formatDate, formatDateTime } from "~/domain/time";
import { parseOrThrow } from "~/domain/validation";
import { appendAudit } from "~/lib/audit.server";
import { nowIso, today as berlinToday } from "~/lib/clock.server";
import { em, lockCounter, tx } from "~/lib/db.server";
import { prepareDocument, type PreparedDocument } from "~/lib/documents.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { newWrappedDataKey } from "~/lib/sealing.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { createTenderDescription, tenderDescriptionInput } from "./tender-description.server";
import { storedMachine, transition, tryTransition } from "./transition.server";

/** Which provider service categories a measure type concerns (for "new tender" mails). */
const MEASURE_CATEGORIES: Record<string, string[]> = {
  bae: ["bae"],
  placement_421i: ["placement", "activation"],
  activation_45: ["activation", "placement"],
  placement_37: ["placement"],
  training: ["training", "activation"],
  fbw: ["fbw"],
  qal: ["qal"],
  youth: ["youth"],
  other: [],
};

export async function requireTender(m: EntityManager, id: number): Promise<Tender> {
  const tender = await m.getRepository(Tender).findOne({ where: { id } });
  if (!tender) throw new NotFoundError("Die Ausschreibung wurde nicht gefunden.");
  return tender;
}

/**
 * Load the tender and hold it for the rest of the transaction: on PostgreSQL a row lock (FOR
 * UPDATE) serialises offers, opening confirmations and the deadline job per tender; on SQLite
 * the transaction gate already does.
 */
export async function lockTender(m: EntityManager, id: number): Promise<Tender> {
  if (m.connection.options.type === "postgres") await m.query(`SELECT id FROM tenders WHERE id = $1 FOR UPDATE`, [id]);
  return requireTender(m, id);
}

function requireDraft(tender: Tender) {
  if (tender.status !== "draft") throw new ConflictError("Nach der Veröffentlichung sind Lose, Zuschlagskriterien, Gewichtungen und Fristen eingefroren und können nicht mehr geändert werden.");
}

async function nextReference(m: EntityManager): Promise<string> {
  const year = berlinToday().slice(0, 4);
  await lockCounter(m, "reference:V");
  const rows = await m.getRepository(Tender).createQueryBuilder("t").select("t.reference", "reference").where("t.reference LIKE :p", { p: `V-${year}-%` }).getRawMany<{ reference: string }>();
  const max = rows.reduce((n, r) => Math.max(n, Number(r.reference.split("-")[2]) || 0), 0);
  return `V-${year}-${String(max + 1).padStart(3, "0")}`;
}

/** The regime the current lots lead to (shown live in the draft, fixed at publication). */
async function regimeFor(m: EntityManager, lots: Lot[]) {
  const settings = await getSettings(m);
  const parsed = parseThresholds(settings["procurement.thresholds"]);
  if (!parsed.ok) throw new ValidationError(parsed.error);
  const value = tenderValueCents(lots.map((l) => ({ ...l, priceUnit: l.priceUnit as PriceUnit })));
  return decideRegime(value, parsed.thresholds, berlinToday());
}

async function refreshValue(m: EntityManager, tender: Tender) {
  const lots = await m.getRepository(Lot).find({ where: { tenderId: tender.id } });
  const decision = await regimeFor(m, lots);
  await m.getRepository(Tender).update({ id: tender.id }, { estimatedValueCents: decision.valueCents, regime: decision.regime, regimeReason: decision.reason, updatedAt: nowIso() });
}

export async function createTender(user: PersonUser, raw: unknown): Promise<Tender> {
  const input = parseOrThrow(tenderSchema, raw);
  return tx(async (m) => {
    const settings = await getSettings(m);
    const at = nowIso();
    const tender = await m.getRepository(Tender).save(
      m.getRepository(Tender).create({
        ...input,
        reference: await nextReference(m),
        regime: "national",
        estimatedValueCents: 0,
        regimeReason: "",
        maxPoints: settings["procurement.maxPoints"],
        status: "draft",
        questionsUntil: null,
        offersUntil: null,
        bindingUntil: null,
        publishedAt: null,
        closedAt: null,
        openedAt: null,
        evaluatedAt: null,
        awardDecidedAt: null,
        informedAt: null,
        standstillEndsAt: null,
        awardedAt: null,
        cancelledAt: null,
        cancelReason: "",
        wrappedDataKey: newWrappedDataKey(),
        recordNotes: {},
        retainUntil: null,
        createdById: user.id,
        createdAt: at,
        updatedAt: at,
      }),
    );
    await appendAudit(m, actorOf(user), { action: "tender.create", summary: `Ausschreibung ${tender.reference} „${tender.title}“ angelegt`, entityType: "tender", entityId: tender.id, details: { after: input } });
    return tender;
  });
}

export async function updateTender(user: CurrentUser, id: number, raw: unknown): Promise<void> {
  const input = parseOrThrow(tenderSchema, raw);
  await tx(async (m) => {
    const tender = await requireTender(m, id);
    requireDraft(tender);
    await m.getRepository(Tender).update({ id }, { ...input, updatedAt: nowIso() });
    await appendAudit(m, actorOf(user), { action: "tender.update", summary: `Ausschreibung ${tender.reference} geändert`, entityType: "tender", entityId: id, details: { before: { title: tender.title, measureType: tender.measureType, legalBasis: tender.legalBasis, procedureType: tender.procedureType }, after: input } });
  });
}

export async function saveLot(user: CurrentUser, tenderId: number, lotId: number | null, raw: unknown): Promise<void> {
  const input = parseOrThrow(lotSchema, raw);
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    requireDraft(tender);
    const repo = m.getRepository(Lot);
    if (lotId) {
      const lot = await repo.findOne({ where: { id: lotId, tenderId } });
      if (!lot) throw new NotFoundError("Das Los wurde nicht gefunden.");
      await repo.update({ id: lotId }, input);
    } else {
      const count = await repo.count({ where: { tenderId } });
      await repo.save(repo.create({ ...input, tenderId, number: count + 1, awardedOfferId: null, awardDecision: "", awardReasons: "" }));
    }
    await refreshValue(m, tender);
    await appendAudit(m, actorOf(user), { action: lotId ? "tender.lot_update" : "tender.lot_add", summary: `Los „${input.title}“ ${lotId ? "geändert" : "angelegt"} (${tender.reference})`, entityType: "tender", entityId: tenderId, details: { lot: input } });
  });
}

export async function removeLot(user: CurrentUser, tenderId: number, lotId: number): Promise<void> {
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    requireDraft(tender);
    const lot = await m.getRepository(Lot).findOne({ where: { id: lotId, tenderId } });
    if (!lot) throw new NotFoundError("Das Los wurde nicht gefunden.");
    await m.getRepository(Lot).delete({ id: lotId });
    const rest = await m.getRepository(Lot).find({ where: { tenderId }, order: { number: "ASC" } });
    for (const [i, l] of rest.entries()) if (l.number !== i + 1) await m.getRepository(Lot).update({ id: l.id }, { number: i + 1 });
    await refreshValue(m, tender);
    await appendAudit(m, actorOf(user), { action: "tender.lot_remove", summary: `Los „${lot.title}“ entfernt (${tender.reference})`, entityType: "tender", entityId: tenderId });
  });
}

/**
 * Replace the award criteria (draft only). Weights must add up to 100 with the price among them;
 * at most one criterion is past performance, with a valid method (issue 12 point 7).
 */
export async function setCriteria(user: CurrentUser, tenderId: number, criteria: (CriterionInput & { description?: string; kind?: string; method?: PastPerformanceMethod | null })[]): Promise<void> {
  const clean = criteria
    .filter((c) => c.name.trim())
    .map((c) => {
      const kind: CriterionKind = c.kind === "past_performance" ? "past_performance" : "quality";
      return { name: c.name.trim().slice(0, 200), weight: c.weight, isPrice: c.isPrice, description: (c.description ?? "").trim().slice(0, 1000), kind, method: kind === "past_performance" ? (c.method ?? null) : null };
    });
  const problems = criteriaProblems(clean);
  if (problems.length) throw new ValidationError(problems.join(" "), { criteria: problems.join(" ") });
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    requireDraft(tender);
    const pp = clean.find((c) => c.kind === "past_performance");
    if (pp?.method) {
      const fieldErrors = methodProblems(pp.method, { maxPoints: tender.maxPoints });
      const count = Object.keys(fieldErrors).length;
      // The fields show each problem; the message only points to them (the API has fieldErrors).
      if (count) throw new ValidationError(`Die Methode der Vorleistungswertung enthält ${count === 1 ? "eine fehlerhafte Angabe" : `${count} fehlerhafte Angaben`}; ${count === 1 ? "sie ist" : "sie sind"} am Feld beschrieben.`, fieldErrors);
    }
    const kindProblems = criteriaKindProblems(clean, { maxPoints: tender.maxPoints });
    if (kindProblems.length) throw new ValidationError(kindProblems.join(" "), { criteria: kindProblems.join(" ") });
    const before = await m.getRepository(AwardCriterion).find({ where: { tenderId }, order: { position: "ASC" } });
    await m.getRepository(AwardCriterion).delete({ tenderId });
    for (const [i, c] of clean.entries()) await m.getRepository(AwardCriterion).save({ tenderId, position: i + 1, name: c.name, description: c.description, weight: c.weight, isPrice: c.isPrice, kind: c.kind, method: c.method });
    await appendAudit(m, actorOf(user), {
      action: "tender.criteria_set",
      summary: `Zuschlagskriterien festgelegt (${tender.reference}): ${clean.map((c) => `${c.name} ${c.weight} %`).join(", ")}`,
      entityType: "tender",
      entityId: tenderId,
      details: { before: before.map((c) => ({ name: c.name, weight: c.weight, isPrice: c.isPrice, kind: c.kind, method: c.method })), after: clean },
    });
  });
}

export async function setDeadlines(user: CurrentUser, tenderId: number, input: { questionsUntil: string | null; offersUntil: string | null; bindingUntil: string | null }): Promise<void> {
  const errors: Record<string, string> = {};
  if (!input.offersUntil) errors.offersUntil = "Bitte geben Sie das Ende der Angebotsfrist an (Datum und Uhrzeit).";
  if (input.questionsUntil && input.offersUntil && input.questionsUntil >= input.offersUntil) errors.questionsUntil = "Fragen müssen vor dem Ende der Angebotsfrist gestellt werden.";
  if (input.bindingUntil && input.offersUntil && input.bindingUntil <= berlinDate(input.offersUntil)) errors.bindingUntil = "Die Bindefrist muss nach dem Ende der Angebotsfrist liegen.";
  if (input.offersUntil && input.offersUntil <= nowIso()) errors.offersUntil = "Das Ende der Angebotsfrist liegt in der Vergangenheit.";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die Fristen.", errors);
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    requireDraft(tender);
    await m.getRepository(Tender).update({ id: tenderId }, { ...input, updatedAt: nowIso() });
    await appendAudit(m, actorOf(user), {
      action: "tender.deadlines_set",
      summary: `Fristen festgelegt (${tender.reference}): Angebote bis ${formatDateTime(input.offersUntil)}`,
      entityType: "tender",
      entityId: tenderId,
      details: { before: { questionsUntil: tender.questionsUntil, offersUntil: tender.offersUntil, bindingUntil: tender.bindingUntil }, after: input },
    });
  });
}

export async function setRecordNote(user: CurrentUser, tenderId: number, key: string, text: string): Promise<void> {
  const allowed = ["procedureReasons", "conflictsOfInterest", "lotReasons", "nonElectronicReasons", "subcontracting"];
  if (!allowed.includes(key)) throw new ValidationError("Unbekannter Vermerk.");
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    const notes = { ...tender.recordNotes, [key]: text.trim().slice(0, 5000) };
    await m.getRepository(Tender).update({ id: tenderId }, { recordNotes: notes, updatedAt: nowIso() });
    await appendAudit(m, actorOf(user), { action: "tender.record_note", summary: `Vermerk zur Vergabeakte ergänzt (${tender.reference})`, entityType: "tender", entityId: tenderId, details: { key, text: notes[key] } });
  });
}

/**
 * Delete a tender file. A draft that was never published may be deleted; a published procedure
 * is kept until its retention period has ended (§ 8 Abs. 4 VgV: at least three years after the
 * award, and not before the contract ends).
 */
export async function deleteTender(user: CurrentUser, tenderId: number): Promise<void> {
  await tx(async (m) => {
    const tender = await lockTender(m, tenderId);
    const today = berlinToday();
    if (tender.status !== "draft") {
      if (!tender.retainUntil) throw new ConflictError("Die Vergabeakte eines veröffentlichten Verfahrens wird aufbewahrt und kann nicht gelöscht werden.");
      if (today <= tender.retainUntil) throw new ConflictError(`Die Vergabeakte ist bis zum ${formatDate(tender.retainUntil)} aufzubewahren und kann vorher nicht gelöscht werden.`);
    }
    await m.getRepository(AwardCriterion).delete({ tenderId });
    await m.getRepository(Lot).delete({ tenderId });
    await m.getRepository(Tender).delete({ id: tenderId });
    await appendAudit(m, actorOf(user), { action: "tender.delete", summary: `Ausschreibung ${tender.reference} „${tender.title}“ gelöscht (${tender.status === "draft" ? "Entwurf" : "nach Ablauf der Aufbewahrungsfrist"})`, entityType: "tender", entityId: tenderId, details: { status: tender.status, retainUntil: tender.retainUntil } });
  });
}

// ---------------------------------------------------------------- facts and transitions

export async function publicationProblems(m: EntityManager, tender: Tender): Promise<string[]> {
  const problems: string[] = [];
  const lots = await m.getRepository(Lot).find({ where: { tenderId: tender.id } });
  if (!lots.length) problems.push("Es ist kein Los angelegt.");
  const criteria = await m.getRepository(AwardCriterion).find({ where: { tenderId: tender.id } });
  problems.push(...criteriaProblems(criteria));
  problems.push(...criteriaKindProblems(criteria, { maxPoints: tender.maxPoints }));
  if (!tender.offersUntil) problems.push("Das Ende der Angebotsfrist fehlt.");
  else {
    const settings = await getSettings(m);
    const decision = await regimeFor(m, lots);
    const key = `procurement.minDays.${decision.regime}.${tender.procedureType}` as keyof typeof settings;
    const minimum = Number(settings[key]);
    const p = offerPeriodProblem(nowIso(), tender.offersUntil, minimum, decision.regime, tender.procedureType as ProcedureType);
    if (p) problems.push(p);
  }
  if (tender.questionsUntil && tender.offersUntil && tender.questionsUntil >= tender.offersUntil) problems.push("Die Frist für Bieterfragen muss vor dem Ende der Angebotsfrist liegen.");
  return problems;
}

export async function tenderFacts(m: EntityManager, tender: Tender, extra: Partial<TenderFacts> = {}): Promise<TenderFacts> {
  const confirmations = await m.getRepository(OpeningConfirmation).count({ where: { tenderId: tender.id } });
  const lots = await m.getRepository(Lot).find({ where: { tenderId: tender.id } });
  return {
    state: tender.status as TenderState,
    now: nowIso(),
    offersUntil: tender.offersUntil,
    openingConfirmations: confirmations,
    publicationProblems: tender.status === "draft" ? await publicationProblems(m, tender) : [],
    evaluationProblems: [],
    lotsWithoutDecision: lots.filter((l) => !l.awardDecision).length,
    standstillEndsAt: tender.standstillEndsAt,
    ...extra,
  };
}

/** The tender's machine bound to its table: every move goes through transition() (ADR 0010). */
export const TENDERS = storedMachine(tenderMachine, {
  target: Tender,
  entityType: "tender",
  action: "tender",
  describe: (t) => `Ausschreibung ${t.reference}`,
  changed: "Die Ausschreibung wurde inzwischen geändert. Bitte laden Sie die Seite neu.",
  // Public: every provider sees a published tender and its later moves (ADR 0015).
  feed: (_m, t, move) =>
    tenderMoveIsPublic(move.from, move.to) ? { type: TENDER_EVENT_TYPES[move.event], providerId: null, entityType: "tender", entityId: t.id, reference: t.reference, status: move.to } : null,
});

/** Side effects after a tender transition, per event. */
const AFTER = {
  /** The public tender description, and a mail to providers whose service categories match. */
  async publish(m: EntityManager, tender: Tender, user: CurrentUser, description: PreparedDocument | null) {
    await createTenderDescription(m, tender, user.id, description);
    const categories = MEASURE_CATEGORIES[tender.measureType] ?? [];
    if (!categories.length) return;
    const providers = await m.getRepository(Provider).find({ where: { active: true } });
    const matching = providers.filter((p) => p.email && p.serviceCategories.some((c) => categories.includes(c)));
    for (const p of matching) {
      await enqueueTemplateMail(m, {
        to: p.email,
        template: "mail-tender-published",
        data: { reference: tender.reference, title: tender.title, measure: measureTypeLabel(tender.measureType), offersUntil: formatDateTime(tender.offersUntil) },
      });
    }
  },
  /** Tell every bidder with a submitted offer. */
  async cancel(m: EntityManager, tender: Tender, reason: string) {
    const bidders = await m.getRepository(Offer).find({ where: { tenderId: tender.id, status: "submitted" } });
    const providers = bidders.length ? await m.getRepository(Provider).find({ where: { id: In(bidders.map((b) => b.providerId)) } }) : [];
    for (const p of providers.filter((x) => x.email)) {
      await enqueueTemplateMail(m, { to: p.email, template: "mail-tender-cancelled", data: { reference: tender.reference, title: tender.title, reason: reason.trim() } });
    }
  },
} satisfies Partial<Record<TenderEvent, (m: EntityManager, tender: Tender, ...rest: never[]) => Promise<void>>>;

export async function publishTender(user: CurrentUser, tenderId: number): Promise<void> {
  const description = await descriptionAhead(user, tenderId);
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    const facts = await tenderFacts(m, tender);
    const lots = await m.getRepository(Lot).find({ where: { tenderId } });
    const decision = await regimeFor(m, lots);
    const at = nowIso();
    await transition(m, TENDERS, {
      entity: tender,
      event: "publish",
      facts,
      actor: user,
      set: { publishedAt: at, estimatedValueCents: decision.valueCents, regime: decision.regime, regimeReason: decision.reason, updatedAt: at },
      audit: {
        summary: `Ausschreibung ${tender.reference} veröffentlicht (${decision.regime === "eu" ? "EU" : "national"}, Angebote bis ${formatDateTime(tender.offersUntil)}); Kriterien und Gewichtungen eingefroren`,
        details: { regime: decision.regime, valueCents: decision.valueCents, reason: decision.reason },
      },
    });
    await AFTER.publish(m, tender, user, description);
  });
}

/** The service description rendered before the publishing transaction (DESIGN.md § 7), as it will read once published; null if the tender cannot be published. */
async function descriptionAhead(user: CurrentUser, tenderId: number): Promise<PreparedDocument | null> {
  const m = await em();
  const tender = await m.getRepository(Tender).findOne({ where: { id: tenderId } });
  if (!tender || tender.status !== "draft") return null;
  const decision = await regimeFor(m, await m.getRepository(Lot).find({ where: { tenderId } }));
  const published = Object.assign(new Tender(), tender, { regime: decision.regime });
  return prepareDocument(await tenderDescriptionInput(m, published, user.id), m);
}

export async function cancelTender(user: CurrentUser, tenderId: number, reason: string): Promise<void> {
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    const at = nowIso();
    await transition(m, TENDERS, {
      entity: tender,
      event: "cancel",
      facts: await tenderFacts(m, tender, { cancelReason: reason }),
      actor: user,
      set: { cancelledAt: at, cancelReason: reason.trim().slice(0, 1000), updatedAt: at },
      audit: { summary: `Ausschreibung ${tender.reference} aufgehoben: ${reason.trim()}`.slice(0, 500), details: { reason } },
    });
    await AFTER.cancel(m, tender, reason);
  });
}

/** The deadline job: close every published tender whose offer period has ended. Idempotent. */
export async function closeDueTenders(): Promise<number> {
  const manager = await em();
  const due = await manager.getRepository(Tender).createQueryBuilder("t").where("t.status = :s", { s: "published" }).andWhere("t.offersUntil <= :now", { now: nowIso() }).getMany();
  let closed = 0;
  for (const candidate of due) {
    await tx(async (m) => {
      const tender = await lockTender(m, candidate.id);
      const offers = await m.getRepository(Offer).count({ where: { tenderId: tender.id, status: "submitted" } });
      const moved = await tryTransition(m, TENDERS, {
        entity: tender,
        event: "close_offers",
        facts: await tenderFacts(m, tender),
        actor: "system",
        set: { closedAt: nowIso() },
        audit: { summary: `Angebotsfrist ${tender.reference} abgelaufen: ${offers} Angebot(e) eingegangen`, details: { offers } },
      });
      if (moved) closed++;
    });
  }
  return closed;
}

// ---------------------------------------------------------------- reading

export type TenderListQuery = Partial<ListQuery<(typeof TENDER_LIST)["filters"], (typeof TENDER_LIST)["sorts"][number]>>;

/** Staff tender list, newest first (TENDER_LIST). */
export async function listTenders(raw: TenderListQuery) {
  const query = completeQuery(TENDER_LIST, raw);
  const manager = await em();
  const qb = manager.getRepository(Tender).createQueryBuilder("t");
  if (query.q) qb.andWhere("(LOWER(t.title) LIKE :q OR LOWER(t.reference) LIKE :q)", { q: `%${query.q.toLowerCase()}%` });
  if (query.status) qb.andWhere("t.status = :s", { s: query.status });
  const { rows, raw: _unused, ...page } = await paginate(qb, query, {
    sortColumns: { createdAt: "t.createdAt", reference: "t.reference", title: "t.title", offersUntil: { expr: "t.offersUntil", nulls: "last" }, status: "t.status" },
    tieBreaker: "t.id",
  });
  const counts = await offerCounts(manager, rows.map((t) => t.id));
  return {
    rows: rows.map((t) => ({ ...t, wrappedDataKey: undefined, statusLabel: TENDER_STATE_LABELS[t.status as TenderState], offerCount: counts.get(t.id) ?? 0 })),
    ...page,
  };
}

async function offerCounts(m: EntityManager, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const raw = await m.getRepository(Offer).createQueryBuilder("o").select("o.tenderId", "tenderId").addSelect("COUNT(*)", "n").where("o.tenderId IN (:...ids)", { ids }).andWhere("o.status = :s", { s: "submitted" }).groupBy("o.tenderId").getRawMany<{ tenderId: number; n: string }>();
  return new Map(raw.map((r) => [Number(r.tenderId), Number(r.n)]));
}

/** The staff view of a tender: everything except offer contents (sealed until the opening). */
export async function getTenderForStaff(id: number) {
  const manager = await em();
  const tender = await requireTender(manager, id);
  const contracts = await manager.getRepository(Contract).find({ where: { tenderId: id }, order: { reference: "ASC" } });
  const contractProviders = contracts.length ? await manager.getRepository(Provider).find({ where: { id: In(contracts.map((c) => c.providerId)) } }) : [];
  const documents = await manager.getRepository(Document).find({ where: [{ entityType: "tender", entityId: String(id) }, { entityType: "tender-public", entityId: String(id) }], order: { id: "ASC" } });
  const [lots, criteria, questions, confirmations, offerCount] = await Promise.all([
    manager.getRepository(Lot).find({ where: { tenderId: id }, order: { number: "ASC" } }),
    manager.getRepository(AwardCriterion).find({ where: { tenderId: id }, order: { position: "ASC" } }),
    manager.getRepository(TenderQuestion).find({ where: { tenderId: id }, order: { askedAt: "ASC" } }),
    manager.getRepository(OpeningConfirmation).find({ where: { tenderId: id }, order: { at: "ASC" } }),
    manager.getRepository(Offer).count({ where: { tenderId: id, status: "submitted" } }),
  ]);
  const users = confirmations.length ? await manager.getRepository(User).find({ where: { id: In(confirmations.map((c) => c.userId)) } }) : [];
  const decision = await regimeFor(manager, lots);
  const problems = tender.status === "draft" ? await publicationProblems(manager, tender) : [];
  const { wrappedDataKey: _sealed, ...visible } = tender;
  return {
    tender: visible,
    statusLabel: TENDER_STATE_LABELS[tender.status as TenderState],
    procedureLabel: PROCEDURE_LABELS[tender.procedureType as ProcedureType][(tender.status === "draft" ? decision.regime : tender.regime) as Regime],
    measureLabel: measureTypeLabel(tender.measureType),
    lots: lots.map((l) => ({ ...l, priceUnitLabel: PRICE_UNIT_LABELS[l.priceUnit as PriceUnit], valueCents: lotValueCents({ ...l, priceUnit: l.priceUnit as PriceUnit }) })),
    criteria: criteria.map((c) => ({ ...c, methodWords: c.kind === "past_performance" && c.method ? methodInWords(c.method, tender.maxPoints) : null })),
    questions,
    confirmations: confirmations.map((c) => ({ ...c, name: users.find((u) => u.id === c.userId)?.name ?? "–" })),
    offerCount,
    liveRegime: decision,
    publicationProblems: problems,
    // A draft may be deleted; a published file only after its retention period.
    deletable: tender.status === "draft" || (tender.retainUntil !== null && berlinToday() > tender.retainUntil),
    contracts: contracts.map((c) => ({ ...c, providerName: contractProviders.find((p) => p.id === c.providerId)?.name ?? "–" })),
    documents: documents.map((doc) => ({ id: doc.id, title: doc.title, createdAt: doc.createdAt, sha256: doc.sha256 })),
  };
}
