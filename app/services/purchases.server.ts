/**
 * Buying a place (Einzelplatzeinkauf, issue 11 points 3–5): the check before a purchase (fit,
 * capacity, cost per year, approval), the purchase itself in one transaction (re-checked under
 * the measure's lock, funds committed in every year, order mail), the second approval above the
 * approval amount, refusal and cancellation (commitments released), the provider's answer
 * (confirm, decline), the purchase order PDF (rendered outside the transaction), and the staff
 * and provider lists. Every state change goes through transition(PLACE_PURCHASES, …).
 */
import { In, IsNull, Not, type EntityManager } from "typeorm";
import { AuditEvent, BudgetLine, Certification, Client, Commitment, Measure, MeasureType, PlacePurchase, PlacePurchaseTotal, Provider, User } from "../../entities";
import { ConflictError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { availableCents } from "~/domain/finance";
import { choice, completeQuery, int, listSpec, text, type ListQuery } from "~/domain/list";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import {
  capacityProblem,
  costByYear,
  DURATION_UNIT_LABELS,
  ENTRY_MODE_LABELS,
  fitProblems,
  HOLDING_STATES,
  MEASURE_ORIGIN_LABELS,
  needsApproval,
  peakOccupancy,
  placeEnd,
  PRICE_MODEL_LABELS,
  PRO_RATA_LABELS,
  PROVIDER_VISIBLE_STATES,
  PURCHASE_STATE_LABELS,
  PURCHASE_STATES,
  totalOf,
  type DurationUnit,
  type PriceModel,
  type ProRata,
  type PurchaseState,
} from "~/domain/places";
import { purchaseMachine } from "~/domain/purchase.machine";
import { toCsv } from "~/domain/csv";
import { addDays, berlinDate, formatDate, formatDateTime, isIsoDate, parseDate } from "~/domain/time";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { config } from "~/lib/config.server";
import { databaseKind, em, isUniqueViolation, tx } from "~/lib/db.server";
import { describeDocument, renderDocument, storePrepared, type PreparedDocument } from "~/lib/documents.server";
import { paginate, providersWithRows } from "~/lib/list.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { budgetLineByNumber, commitFunds, lineYearFigures, releaseCommitments } from "./budget.server";
import { userNames } from "./clients.server";
import { signatory } from "./letters.server";
import { approvalAboveCents, participantView, PLACE_PURCHASES, purchaseFacts, reachablePurchase, type ParticipantView } from "./place-common.server";
import { nextReference, requireCan } from "./placement-common.server";
import { transition } from "./transition.server";

// ---------------------------------------------------------------------------------------------
// Lists

/** Status groups of the staff list: open (on the way to the provider), running, ended. */
export const PURCHASE_GROUPS = {
  open: ["requested", "approved", "ordered"],
  active: ["confirmed", "running"],
  ended: ["completed", "dropped_out", "declined", "cancelled"],
} as const satisfies Record<string, readonly PurchaseState[]>;
export const PURCHASE_GROUP_LABELS: Record<keyof typeof PURCHASE_GROUPS, string> = { open: "offen (beantragt, genehmigt, bestellt)", active: "läuft (bestätigt, begonnen)", ended: "beendet" };

export const PURCHASE_LIST = listSpec({
  filters: {
    status: choice([...PURCHASE_STATES, "open", "active", "ended"] as const),
    provider: int(),
    type: text(),
    client: text(),
    from: text(),
    to: text(),
  },
  sorts: ["start", "reference", "amount"],
  default: ["start", "desc"],
  firstDir: { start: "desc", amount: "desc", reference: "desc" },
  pageSize: 50,
});
export type PurchaseQuery = Partial<ListQuery<(typeof PURCHASE_LIST)["filters"], (typeof PURCHASE_LIST)["sorts"][number]>>;

export const OWN_PURCHASE_LIST = listSpec({
  filters: { status: choice(PROVIDER_VISIBLE_STATES), measure: int() },
  sorts: ["start"],
  default: ["start", "desc"],
  firstDir: { start: "desc" },
});
export type OwnPurchaseQuery = Partial<ListQuery<(typeof OWN_PURCHASE_LIST)["filters"], (typeof OWN_PURCHASE_LIST)["sorts"][number]>>;

const statusLabel = (s: string) => PURCHASE_STATE_LABELS[s as PurchaseState] ?? s;

/** "1.234,00 € je Platz und Monat" – the price as bought, in words. */
export function priceInWords(p: { priceModel: string; priceCents: number; hours?: number | null; eventFees: readonly { label: string; amountCents: number }[] }): string {
  const model = PRICE_MODEL_LABELS[p.priceModel as PriceModel] ?? p.priceModel;
  const base = p.priceModel === "none" ? "ohne Vergütung" : `${formatCents(p.priceCents)} ${model}${p.priceModel === "hour" && p.hours ? ` × ${p.hours} Stunden` : ""}`;
  const fees = p.eventFees.filter((f) => f.amountCents > 0).map((f) => `${f.label}: ${formatCents(f.amountCents)}`);
  return fees.length ? `${base}; dazu ${fees.join(", ")}` : base;
}

function durationText(m: Pick<Measure, "duration" | "durationUnit">): string {
  const unit = DURATION_UNIT_LABELS[m.durationUnit as DurationUnit] ?? [m.durationUnit, m.durationUnit];
  return `${m.duration} ${m.duration === 1 ? unit[0] : unit[1]}`;
}

export async function listPurchases(user: CurrentUser, raw: PurchaseQuery, options: { all?: boolean } = {}) {
  requireCan(user, "read:place:any");
  const query = completeQuery(PURCHASE_LIST, raw);
  const m = await em();
  const qb = m.getRepository(PlacePurchase).createQueryBuilder("x");
  const group = query.status && Object.hasOwn(PURCHASE_GROUPS, query.status) ? PURCHASE_GROUPS[query.status as keyof typeof PURCHASE_GROUPS] : null;
  if (group) qb.andWhere("x.status IN (:...group)", { group: [...group] });
  else if (query.status) qb.andWhere("x.status = :s", { s: query.status });
  if (query.provider) qb.andWhere("x.providerId = :prov", { prov: query.provider });
  if (query.type) qb.andWhere(`x.measureId IN ${qb.subQuery().select("ms.id").from(Measure, "ms").where("ms.typeCode = :type").getQuery()}`, { type: query.type });
  if (query.client?.trim()) qb.andWhere(`x.clientId IN ${qb.subQuery().select("cl.id").from(Client, "cl").where("LOWER(cl.reference) LIKE :cref").getQuery()}`, { cref: `%${query.client.trim().toLowerCase()}%` });
  const from = query.from ? parseDate(query.from) : null;
  const to = query.to ? parseDate(query.to) : null;
  if (from) qb.andWhere("x.startDate >= :from", { from });
  if (to) qb.andWhere("x.startDate <= :to", { to });
  // Filtered by status at most: count and sum from the kept totals; otherwise counted here.
  const byStatusOnly = !query.provider && !query.type && !query.client?.trim() && !from && !to;
  const kept = byStatusOnly ? await keptTotals(query.status ? (group ?? [query.status]) : null) : null;
  const sum = kept ? kept.estimatedCents : Number((await qb.clone().select("COALESCE(SUM(x.estimatedCents), 0)", "sum").getRawOne<{ sum: string }>())?.sum ?? 0);
  const { rows, raw: _raw, ...page } = await paginate(qb, query, { sortColumns: { start: "x.startDate", reference: "x.reference", amount: "x.estimatedCents" }, tieBreaker: "x.id", all: options.all, total: kept?.purchases });
  const [measures, providers, clients] = await Promise.all([
    m.getRepository(Measure).find({ where: { id: In(rows.map((r) => r.measureId).concat(0)) } }),
    m.getRepository(Provider).find({ where: { id: In(rows.map((r) => r.providerId ?? 0).concat(0)) } }),
    m.getRepository(Client).find({ where: { id: In(rows.map((r) => r.clientId).concat(0)) } }),
  ]);
  const measureById = new Map(measures.map((x) => [x.id, x]));
  const providerById = new Map(providers.map((x) => [x.id, x.name]));
  const clientById = new Map(clients.map((x) => [x.id, x]));
  const personal = can(user.role, "read:client-personal:any");
  return {
    rows: rows.map((p) => {
      const ms = measureById.get(p.measureId);
      const c = clientById.get(p.clientId);
      return {
        id: p.id,
        reference: p.reference,
        status: p.status,
        statusLabel: statusLabel(p.status),
        measureId: p.measureId,
        measure: ms ? `${ms.reference} – ${ms.title}` : "",
        typeCode: ms?.typeCode ?? "",
        provider: p.providerId ? (providerById.get(p.providerId) ?? "") : "",
        clientId: p.clientId,
        client: c?.reference ?? "",
        clientName: personal && c ? `${c.lastName}, ${c.firstName}` : null,
        startDate: p.startDate,
        endDate: p.endDate,
        estimatedCents: p.estimatedCents,
        approvalNeeded: p.approvalNeeded,
      };
    }),
    sumCents: sum,
    ...page,
  };
}

export async function purchasesCsv(user: CurrentUser, raw: PurchaseQuery): Promise<string> {
  const list = await listPurchases(user, raw, { all: true });
  const types = new Map((await (await em()).getRepository(MeasureType).find()).map((t) => [t.code, t.name]));
  return toCsv(
    ["Nummer", "Status", "Maßnahme", "Maßnahmeart", "Träger", "Kunde (Kennzeichen)", "Beginn", "Ende", "Kosten (EUR)", "Zweite Genehmigung"],
    list.rows.map((r) => [r.reference, r.statusLabel, r.measure, types.get(r.typeCode) ?? r.typeCode, r.provider, r.client, formatDate(r.startDate), formatDate(r.endDate), (r.estimatedCents / 100).toFixed(2).replace(".", ","), r.approvalNeeded ? "ja" : "nein"]),
  );
}

/** Filter options of the staff list: providers with purchases and the measure types. */
export async function purchaseFilterOptions() {
  const m = await em();
  const [providers, types] = await Promise.all([providersWithRows(m, PlacePurchase), m.getRepository(MeasureType).find({ order: { sortOrder: "ASC" } })]);
  return { providers, types: types.map((t) => ({ value: t.code, label: t.name })) };
}

/** Count and estimated cost of the purchases in these states (all if null), from the totals the database keeps. */
async function keptTotals(states: readonly string[] | null): Promise<{ purchases: number; estimatedCents: number }> {
  const rows = await (await em()).getRepository(PlacePurchaseTotal).find();
  const chosen = states ? rows.filter((r) => states.includes(r.status)) : rows;
  return { purchases: chosen.reduce((a, r) => a + Number(r.purchases), 0), estimatedCents: chosen.reduce((a, r) => a + r.estimatedCents, 0) };
}

/** How many purchases each status group of the staff list holds (the quick filters), from the kept totals. */
export async function purchaseGroupCounts(): Promise<Record<keyof typeof PURCHASE_GROUPS | "requested", number>> {
  const rows = await (await em()).getRepository(PlacePurchaseTotal).find();
  const n = (states: readonly string[]) => rows.filter((r) => states.includes(r.status)).reduce((a, r) => a + Number(r.purchases), 0);
  return { requested: n(["requested"]), open: n(PURCHASE_GROUPS.open), active: n(PURCHASE_GROUPS.active), ended: n(PURCHASE_GROUPS.ended) };
}

/** Purchases waiting for a second approval (the case manager's home). */
export async function purchasesAwaitingApproval(user: CurrentUser): Promise<number> {
  if (!can(user.role, "approve:purchase:any")) return 0;
  // Only what this person may approve: not the own requests (four eyes).
  return (await em()).getRepository(PlacePurchase).count({ where: { status: "requested", ...(user.id !== null ? { requestedById: Not(user.id) } : {}) } });
}

// ---------------------------------------------------------------------------------------------
// Check and buy

export interface PurchaseInput {
  clientId: number;
  measureId: number;
  startDate: string;
  hours: number | null;
  consent: boolean;
  note: string;
}

/** Parse the form (strings) or API input; every field error at once, in German. */
export function parsePurchaseInput(raw: Record<string, unknown>): PurchaseInput {
  const errors: Record<string, string> = {};
  const s = (k: string) => String(raw[k] ?? "").trim();
  const id = (k: string, msg: string) => {
    const n = Number(s(k));
    if (!s(k) || !Number.isSafeInteger(n) || n <= 0) errors[k] = msg;
    return n;
  };
  const clientId = id("clientId", "Bitte wählen Sie den Kunden.");
  const measureId = id("measureId", "Bitte wählen Sie die Maßnahme.");
  const startDate = parseDate(s("startDate")) ?? "";
  if (!s("startDate")) errors.startDate = "Bitte geben Sie den Beginn an.";
  else if (!startDate) errors.startDate = "Bitte geben Sie den Beginn als Datum an (TT.MM.JJJJ).";
  let hours: number | null = null;
  if (s("hours")) {
    const h = Number(s("hours").replace(",", "."));
    if (!Number.isInteger(h) || h < 1 || h > 10000) errors.hours = "Bitte geben Sie die Stunden als ganze Zahl von 1 bis 10.000 an.";
    else hours = h;
  }
  const note = s("note");
  if (note.length > 2000) errors.note = "Die Notiz darf höchstens 2.000 Zeichen lang sein.";
  const consentRaw = raw.consent;
  const consent = consentRaw === true || consentRaw === "on" || consentRaw === "true" || consentRaw === "1";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Angaben.", errors);
  return { clientId, measureId, startDate, hours, consent, note };
}

export interface PurchaseAssessment {
  measure: Measure;
  client: Client;
  startDate: string;
  endDate: string;
  problems: string[];
  capacity: number;
  held: number;
  capacityProblem: string | null;
  shares: { year: number; amountCents: number }[];
  totalCents: number;
  budgetLine: string;
  approvalAboveCents: number;
  approvalNeeded: boolean;
}

/** Everything a purchase must pass, read in `m` (inside the buying transaction: after the measure's lock). */
async function assess(m: EntityManager, input: PurchaseInput): Promise<PurchaseAssessment> {
  const measure = await m.getRepository(Measure).findOne({ where: { id: input.measureId } });
  if (!measure) throw new ValidationError("Bitte prüfen Sie die markierten Angaben.", { measureId: "Diese Maßnahme gibt es nicht." });
  const client = await m.getRepository(Client).findOne({ where: { id: input.clientId } });
  if (!client) throw new ValidationError("Bitte prüfen Sie die markierten Angaben.", { clientId: "Diesen Kunden gibt es nicht." });
  if (measure.priceModel === "hour" && !input.hours) throw new ValidationError("Bitte prüfen Sie die markierten Angaben.", { hours: "Die Maßnahme wird je Stunde vergütet: bitte geben Sie die Stunden an." });
  const endDate = placeEnd(input.startDate, measure.duration, measure.durationUnit);
  const others = await m.getRepository(PlacePurchase).find({ where: { clientId: client.id, status: In([...HOLDING_STATES]) } });
  const otherMeasures = new Map((await m.getRepository(Measure).find({ where: { id: In(others.map((o) => o.measureId).concat(0)) } })).map((x) => [x.id, x.title]));
  const certs = measure.providerId ? await m.getRepository(Certification).find({ where: { providerId: measure.providerId } }) : [];
  const problems = fitProblems({
    measure,
    client: { reference: client.reference, birthDate: client.birthDate, targetGroups: client.targetGroups },
    start: input.startDate,
    end: endDate,
    otherParticipations: others.map((o) => ({ reference: o.reference, title: otherMeasures.get(o.measureId) ?? "", start: o.startDate, end: o.endDate })),
    providerCertifications: certs,
    today: today(),
  });
  const holding = await m.getRepository(PlacePurchase).find({ where: { measureId: measure.id, status: In([...HOLDING_STATES]) }, select: { id: true, startDate: true, endDate: true } });
  const held = peakOccupancy(
    holding.map((h) => ({ start: h.startDate, end: h.endDate })),
    input.startDate,
    endDate,
  );
  const shares = costByYear({ priceModel: measure.priceModel, priceCents: measure.priceCents, proRata: measure.proRata, eventFees: measure.eventFees, hours: input.hours }, input.startDate, endDate);
  const settings = await getSettings(m);
  const totalCents = totalOf(shares);
  const above = approvalAboveCents(settings);
  return {
    measure,
    client,
    startDate: input.startDate,
    endDate,
    problems,
    capacity: measure.capacity,
    held,
    capacityProblem: capacityProblem(measure.capacity, held, measure.title),
    shares,
    totalCents,
    budgetLine: settings["places.budgetLine"],
    approvalAboveCents: above,
    approvalNeeded: needsApproval(totalCents, above),
  };
}

/** The first step of /purchases/new ("Prüfen"): what a purchase would mean, without writing anything. */
export async function checkPurchase(user: CurrentUser, raw: Record<string, unknown>) {
  requireCan(user, "buy:place:any");
  const input = parsePurchaseInput(raw);
  const m = await em();
  const a = await assess(m, input);
  let line: { number: string; title: string; years: { year: number; amountCents: number; availableCents: number; enough: boolean }[] } | null = null;
  try {
    const bl = await budgetLineByNumber(m, a.budgetLine);
    const years = [];
    for (const s of a.shares) {
      const available = availableCents(await lineYearFigures(m, bl.id, s.year));
      years.push({ ...s, availableCents: available, enough: s.amountCents <= available });
    }
    line = { number: bl.number, title: bl.title, years };
  } catch {
    line = null;
  }
  return {
    clientReference: a.client.reference,
    measureTitle: a.measure.title,
    startDate: a.startDate,
    endDate: a.endDate,
    problems: a.problems,
    capacity: a.capacity,
    held: a.held,
    capacityProblem: a.capacityProblem,
    shares: a.shares,
    totalCents: a.totalCents,
    budgetLine: a.budgetLine,
    line,
    approvalAboveCents: a.approvalAboveCents,
    approvalNeeded: a.approvalNeeded,
    price: priceInWords({ ...a.measure, hours: input.hours }),
  };
}

/**
 * Buy a place in one transaction: lock the measure (PostgreSQL; SQLite's write gate serialises),
 * re-check fit and capacity, commit the cost in every year, insert the purchase, and, when no
 * second approval is needed, approve and order it. The order PDF follows after the transaction.
 */
export async function buyPlace(user: CurrentUser, raw: Record<string, unknown>): Promise<PlacePurchase> {
  requireCan(user, "buy:place:any");
  if (user.id === null) throw new RuleError("Plätze kauft eine Person, nicht ein API-Schlüssel.");
  const requesterId = user.id;
  const input = parsePurchaseInput(raw);
  // PostgreSQL: two purchases of different measures may draw the same next reference; the unique
  // index refuses the second, which is then tried once more (the measure's lock serialises the rest).
  for (let attempt = 1; ; attempt++) {
    try {
      return await buyOnce(user, requesterId, input);
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}

async function buyOnce(user: CurrentUser, requesterId: number, input: PurchaseInput): Promise<PlacePurchase> {
  const purchase = await tx(async (m) => {
    // PostgreSQL: purchases of the same measure (capacity) and of the same client (no overlapping
    // participations) wait for each other; SQLite: the write gate serialises every write.
    if (databaseKind() === "postgres") {
      await m.query("SELECT id FROM measures WHERE id = $1 FOR UPDATE", [input.measureId]);
      await m.query("SELECT id FROM clients WHERE id = $1 FOR UPDATE", [input.clientId]);
    }
    const a = await assess(m, input);
    if (a.problems.length) throw new RuleError(a.problems.join(" "));
    if (a.capacityProblem) throw new RuleError(a.capacityProblem);
    const at = nowIso();
    const repo = m.getRepository(PlacePurchase);
    const line = await budgetLineByNumber(m, a.budgetLine);
    const p = await repo.save(
      repo.create({
        reference: await nextReference(m, PlacePurchase, "EP", today().slice(0, 4), 5),
        measureId: a.measure.id,
        providerId: a.measure.providerId,
        clientId: a.client.id,
        startDate: a.startDate,
        endDate: a.endDate,
        status: "requested",
        priceModel: a.measure.priceModel,
        priceCents: a.measure.priceCents,
        proRata: a.measure.proRata,
        eventFees: a.measure.eventFees,
        hours: a.measure.priceModel === "hour" ? input.hours : null,
        estimatedCents: a.totalCents,
        budgetLineId: line.id,
        approvalNeeded: a.approvalNeeded,
        consentAt: input.consent ? at : null,
        consentWithdrawnAt: null,
        note: input.note,
        requestedById: requesterId,
        requestedAt: at,
        approvedById: null,
        approvedAt: null,
        orderedAt: null,
        orderDocumentId: null,
        answeredById: null,
        answeredAt: null,
        statusReason: "",
        entryDate: null,
        exitDate: null,
        exitReason: null,
        exitNote: "",
        createdAt: at,
        updatedAt: at,
      }),
    );
    if (a.shares.length)
      await commitFunds(m, user, {
        budgetLineNumber: a.budgetLine,
        sourceType: "purchase",
        sourceId: p.id,
        providerId: p.providerId,
        description: `Platzkauf ${p.reference}: ${a.measure.title} (${a.client.reference})`,
        shares: a.shares,
      });
    await appendAudit(m, actorOf(user), {
      action: "purchase.request",
      summary: `Platzkauf ${p.reference} beantragt: ${a.measure.title}, ${a.client.reference}, ${formatDate(p.startDate)}–${formatDate(p.endDate)} (${formatCents(p.estimatedCents)}${p.approvalNeeded ? ", zweite Genehmigung nötig" : ""})`,
      entityType: "place-purchase",
      entityId: String(p.id),
      providerId: p.providerId,
      details: { measureId: p.measureId, clientId: p.clientId, startDate: p.startDate, endDate: p.endDate, estimatedCents: p.estimatedCents, shares: a.shares, approvalNeeded: p.approvalNeeded, consent: !!p.consentAt },
    });
    if (!p.approvalNeeded) {
      await transition(m, PLACE_PURCHASES, { entity: p, event: "auto_approve", facts: purchaseFacts(p, "system"), actor: "system", set: { approvedAt: at } });
      await orderInTx(m, p, user);
    }
    return p;
  });
  if (purchase.status === "ordered") await renderOrdersQuietly([purchase.id]);
  return purchase;
}

/**
 * The order: status ordered. The provider's mail goes out with the order PDF attached, written in
 * the same transaction as the PDF's document row (renderPurchaseOrders); if rendering fails, the
 * mail goes without it (pseudonymous reference and the portal link only).
 */
async function orderInTx(m: EntityManager, p: PlacePurchase, actor: CurrentUser | "system") {
  await transition(m, PLACE_PURCHASES, { entity: p, event: "order", facts: purchaseFacts(p, actor), actor, set: { orderedAt: nowIso() } });
}

/** The day the provider should answer by: the setting's days after the order, but before the start (at the latest the order day). */
export function answerByDate(orderedOn: string, startDate: string, answerDays: number): string {
  const byDays = addDays(orderedOn, answerDays);
  const beforeStart = addDays(startDate, -1);
  const day = byDays < beforeStart ? byDays : beforeStart;
  return day < orderedOn ? orderedOn : day;
}

/** The order mail to the provider (inside the caller's transaction), with the order PDF when there is one. */
async function enqueueOrderMail(m: EntityManager, p: PlacePurchase, attachmentDocumentId: number | null) {
  const [measure, provider, client, settings] = await Promise.all([
    m.getRepository(Measure).findOneOrFail({ where: { id: p.measureId } }),
    p.providerId ? m.getRepository(Provider).findOne({ where: { id: p.providerId } }) : null,
    m.getRepository(Client).findOneOrFail({ where: { id: p.clientId } }),
    getSettings(m),
  ]);
  if (!provider?.email) return;
  await enqueueTemplateMail(m, {
    to: provider.email,
    template: "mail-purchase-ordered",
    data: {
      reference: p.reference,
      measure: `${measure.reference} – ${measure.title}`,
      client: client.reference,
      startDate: formatDate(p.startDate),
      endDate: formatDate(p.endDate),
      answerBy: formatDate(answerByDate(berlinDate(p.orderedAt ?? nowIso()), p.startDate, settings["places.orderAnswerDays"])),
      link: `${config().publicUrl}/portal/purchases/${p.id}`,
      attachment: attachmentDocumentId ? "Den Bestellschein finden Sie im Anhang und auf derselben Seite." : "Den Bestellschein finden Sie auf derselben Seite.",
    },
    attachmentDocumentId,
  });
}

async function renderOrdersQuietly(ids: number[]) {
  try {
    await renderPurchaseOrders(ids);
  } catch (error) {
    // The order stands; the mail goes without the PDF, which is rendered on demand (purchaseOrderDocument).
    console.error("Bestellschein konnte nicht erstellt werden:", error instanceof Error ? error.message : error);
    await tx(async (m) => {
      for (const p of await m.getRepository(PlacePurchase).find({ where: { id: In(ids.concat(0)), orderDocumentId: IsNull() } })) if (p.orderedAt) await enqueueOrderMail(m, p, null);
    });
  }
}

/**
 * The purchase order (Bestellschein) of ordered purchases without one: data read, rendered
 * outside any transaction, bytes into the file store, then the rows in a short transaction.
 */
export async function renderPurchaseOrders(ids: number[]): Promise<number> {
  const m0 = await em();
  const rows = await m0.getRepository(PlacePurchase).find({ where: { id: In(ids.concat(0)), orderDocumentId: IsNull() } });
  const todo = rows.filter((p) => p.orderedAt);
  if (!todo.length) return 0;
  const settings = await getSettings(m0);
  const prepared: { p: PlacePurchase; doc: PreparedDocument }[] = [];
  for (const p of todo) {
    const [measure, provider, client, line, commitments] = await Promise.all([
      m0.getRepository(Measure).findOneOrFail({ where: { id: p.measureId } }),
      p.providerId ? m0.getRepository(Provider).findOne({ where: { id: p.providerId } }) : null,
      m0.getRepository(Client).findOneOrFail({ where: { id: p.clientId } }),
      p.budgetLineId ? m0.getRepository(BudgetLine).findOne({ where: { id: p.budgetLineId } }) : null,
      m0.getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: p.id }, order: { year: "ASC" } }),
    ]);
    const approver = p.approvedById ? await m0.getRepository(User).findOne({ where: { id: p.approvedById } }) : null;
    const sender = await signatory(m0, p.requestedById, "other");
    const shares = commitments.length ? commitments.map((c) => ({ year: c.year, amountCents: c.amountCents })) : costByYear(p, p.startDate, p.endDate);
    const orderedOn = berlinDate(p.orderedAt!);
    const source = await describeDocument(
      {
        template: "purchase-order",
        data: {
          reference: p.reference,
          providerName: provider?.name ?? "–",
          providerAddress: provider ? [provider.street, `${provider.postalCode} ${provider.city}`.trim()].filter(Boolean).join("\n") || "–" : "–",
          letterDate: formatDate(orderedOn),
          officialName: sender.officialName,
          officialPhone: sender.officialPhone,
          officialEmail: sender.officialEmail,
          measure: `${measure.reference} – ${measure.title}`,
          measureLocation: [measure.location, measure.region].filter(Boolean).join(", ") || "–",
          duration: durationText(measure),
          client: client.reference,
          startDate: formatDate(p.startDate),
          endDate: formatDate(p.endDate),
          price: priceInWords(p),
          proRata: PRO_RATA_LABELS[p.proRata as ProRata] ?? p.proRata,
          years: shares.map((s) => ({ year: String(s.year), amount: formatCents(s.amountCents) })),
          total: formatCents(p.estimatedCents),
          budgetLine: line ? `${line.number} – ${line.title}` : settings["places.budgetLine"],
          basis:
            measure.origin === "ba"
              ? `Kooperation öffentlicher Auftraggeber nach § 108 Abs. 6 GWB (Plätze aus der Vergabe der Bundesagentur für Arbeit${measure.baReference ? `, ${measure.baReference}` : ""}); keine eigene Vergabe`
              : measure.origin === "contract"
                ? "Vertrag aus eigener Vergabe (Abruf eines Platzes)"
                : measure.origin === "certified"
                  ? `Einkauf eines Platzes in einer zugelassenen Maßnahme (AZAV${measure.azavNumber ? ` ${measure.azavNumber}` : ""})`
                  : "Maßnahme beim Arbeitgeber",
          approval: p.approvalNeeded && approver && p.approvedAt ? `Genehmigt von ${approver.name} am ${formatDateTime(p.approvedAt)} (Vier-Augen-Prinzip)` : "Innerhalb der Genehmigungsgrenze; keine zweite Genehmigung erforderlich.",
          answerBy: formatDate(answerByDate(orderedOn, p.startDate, settings["places.orderAnswerDays"])),
          consent: p.consentAt ? "Die Teilnehmerin bzw. der Teilnehmer hat eingewilligt, dass Name und Kontaktdaten an Sie weitergegeben werden; Sie finden sie im Trägerportal." : "Name und Kontaktdaten erhalten Sie nicht; die Teilnehmerin bzw. der Teilnehmer meldet sich bei Ihnen unter dem Kennzeichen.",
          closing: sender.closing,
          signatureNote: sender.signatureNote,
        },
        title: `Bestellschein ${p.reference}`,
        filename: `Bestellschein-${p.reference}.pdf`,
        entityType: "place-purchase",
        entityId: String(p.id),
        providerId: p.providerId,
        createdById: p.requestedById,
      },
      m0,
    );
    prepared.push({ p, doc: await renderDocument(source) });
  }
  await tx(async (m) => {
    for (const { p, doc } of prepared) {
      const row = await storePrepared(m, doc);
      const res = await m.getRepository(PlacePurchase).update({ id: p.id, orderDocumentId: IsNull() }, { orderDocumentId: row.id });
      if (res.affected) {
        // The order mail leaves with its PDF (once: together with the document's first storing).
        await enqueueOrderMail(m, p, row.id);
        await appendAudit(m, SYSTEM, {
          action: "purchase.order_document",
          summary: `Bestellschein zum Platzkauf ${p.reference} erstellt und mit der Bestellung an den Träger gesandt`,
          entityType: "place-purchase",
          entityId: String(p.id),
          providerId: p.providerId,
          details: { documentId: row.id },
        });
      }
    }
  });
  return prepared.length;
}

/** The order PDF of a purchase the user may reach: the stored one, or rendered now and stored once. */
export async function purchaseOrderDocument(user: CurrentUser, id: number): Promise<number> {
  const m = await em();
  const p = await reachablePurchase(m, user, id);
  if (!p.orderedAt) throw new RuleError("Der Platzkauf ist noch nicht bestellt; einen Bestellschein gibt es erst mit der Bestellung.");
  if (!p.orderDocumentId) await renderPurchaseOrders([p.id]);
  const after = await m.getRepository(PlacePurchase).findOneOrFail({ where: { id: p.id } });
  if (!after.orderDocumentId) throw new RuleError("Der Bestellschein konnte nicht erstellt werden; bitte versuchen Sie es erneut.");
  return after.orderDocumentId;
}

// ---------------------------------------------------------------------------------------------
// Approve, refuse, cancel (staff)

async function staffPurchase(m: EntityManager, user: CurrentUser, id: number): Promise<PlacePurchase> {
  requireCan(user, "read:place:any");
  return reachablePurchase(m, user, id);
}

/** The second approval above the approval amount (not the requester: the machine's guard), then the order. */
export async function approvePurchase(user: CurrentUser, id: number): Promise<PlacePurchase> {
  const p = await tx(async (m) => {
    const p = await staffPurchase(m, user, id);
    await transition(m, PLACE_PURCHASES, { entity: p, event: "approve", facts: purchaseFacts(p, user), actor: user, set: { approvedById: user.id, approvedAt: nowIso() } });
    await orderInTx(m, p, user);
    return p;
  });
  await renderOrdersQuietly([p.id]);
  return p;
}

/** Refuse a requested purchase with a reason: cancelled, its commitments released. */
export async function refusePurchase(user: CurrentUser, id: number, reason: string): Promise<PlacePurchase> {
  return tx(async (m) => {
    const p = await staffPurchase(m, user, id);
    const r = reason.trim();
    await transition(m, PLACE_PURCHASES, { entity: p, event: "refuse", facts: purchaseFacts(p, user, { reason: r }), actor: user, set: { statusReason: r.slice(0, 1000) }, audit: { details: { reason: r } } });
    await releaseCommitments(m, user, "purchase", p.id, `Platzkauf ${p.reference} nicht genehmigt: ${r}`);
    return p;
  });
}

/**
 * Record or withdraw the client's consent to share name and contact with the provider (DOMAIN.md
 * § 4, rule 15: only active consent counts). Possible while the place is held or running.
 */
export async function setPurchaseConsent(user: CurrentUser, id: number, given: boolean): Promise<PlacePurchase> {
  requireCan(user, "buy:place:any");
  return tx(async (m) => {
    const p = await staffPurchase(m, user, id);
    if (!HOLDING_STATES.includes(p.status as PurchaseState)) throw new ConflictError(`Der Platzkauf ${p.reference} ist beendet; die Einwilligung kann nicht mehr geändert werden.`);
    const active = !!p.consentAt && !p.consentWithdrawnAt;
    if (given === active) throw new ConflictError(given ? "Die Einwilligung liegt bereits vor." : "Es liegt keine Einwilligung vor.");
    const at = nowIso();
    const set = given ? { consentAt: at, consentWithdrawnAt: null } : { consentWithdrawnAt: at };
    await m.getRepository(PlacePurchase).update({ id: p.id }, { ...set, updatedAt: at });
    Object.assign(p, set, { updatedAt: at });
    await appendAudit(m, actorOf(user), {
      action: given ? "purchase.consent" : "purchase.consent_withdraw",
      summary: `${p.reference}: Einwilligung zur Weitergabe von Name und Kontakt an den Träger ${given ? "erfasst" : "widerrufen"}`,
      entityType: "place-purchase",
      entityId: String(p.id),
      providerId: p.providerId,
    });
    return p;
  });
}

/** Cancel before the start (reason): cancelled, its commitments released. */
export async function cancelPurchase(user: CurrentUser, id: number, reason: string): Promise<PlacePurchase> {
  return tx(async (m) => {
    const p = await staffPurchase(m, user, id);
    const r = reason.trim();
    await transition(m, PLACE_PURCHASES, { entity: p, event: "cancel", facts: purchaseFacts(p, user, { reason: r }), actor: user, set: { statusReason: r.slice(0, 1000) }, audit: { details: { reason: r } } });
    await releaseCommitments(m, user, "purchase", p.id, `Platzkauf ${p.reference} storniert: ${r}`);
    // A provider the order reached is told (mail; the portal and the feed show it too).
    if (p.orderedAt && p.providerId) {
      const [measure, provider, client] = await Promise.all([
        m.getRepository(Measure).findOneOrFail({ where: { id: p.measureId } }),
        m.getRepository(Provider).findOne({ where: { id: p.providerId } }),
        m.getRepository(Client).findOneOrFail({ where: { id: p.clientId } }),
      ]);
      if (provider?.email)
        await enqueueTemplateMail(m, {
          to: provider.email,
          template: "mail-purchase-cancelled",
          data: { reference: p.reference, measure: `${measure.reference} – ${measure.title}`, client: client.reference, startDate: formatDate(p.startDate), endDate: formatDate(p.endDate), reason: r, link: `${config().publicUrl}/portal/purchases/${p.id}` },
        });
    }
    return p;
  });
}

// ---------------------------------------------------------------------------------------------
// The provider's answer (portal and API)

async function answerMail(m: EntityManager, p: PlacePurchase, answer: string, reason: string) {
  const requester = await m.getRepository(User).findOne({ where: { id: p.requestedById } });
  if (!requester?.email) return;
  const measure = await m.getRepository(Measure).findOneOrFail({ where: { id: p.measureId } });
  await enqueueTemplateMail(m, {
    to: requester.email,
    template: "mail-purchase-answered",
    data: { reference: p.reference, measure: measure.title, answer, reasonLine: reason ? `\nBegründung des Trägers: ${reason}` : "", link: `${config().publicUrl}/purchases/${p.id}` },
  });
}

export async function confirmPurchase(user: CurrentUser, id: number): Promise<PlacePurchase> {
  return tx(async (m) => {
    const p = await reachablePurchase(m, user, id);
    await transition(m, PLACE_PURCHASES, { entity: p, event: "confirm", facts: purchaseFacts(p, user), actor: user, set: { answeredById: user.id, answeredAt: nowIso() } });
    await answerMail(m, p, "bestätigt", "");
    return p;
  });
}

export async function declinePurchase(user: CurrentUser, id: number, reason: string): Promise<PlacePurchase> {
  return tx(async (m) => {
    const p = await reachablePurchase(m, user, id);
    const r = String(reason ?? "").trim();
    await transition(m, PLACE_PURCHASES, { entity: p, event: "decline", facts: purchaseFacts(p, user, { reason: r }), actor: user, set: { answeredById: user.id, answeredAt: nowIso(), statusReason: r.slice(0, 1000) }, audit: { details: { reason: r } } });
    await releaseCommitments(m, "system", "purchase", p.id, `Platzkauf ${p.reference} vom Träger abgelehnt: ${r}`);
    await answerMail(m, p, "abgelehnt", r);
    return p;
  });
}

// ---------------------------------------------------------------------------------------------
// Staff detail and the new-purchase form

export async function getPurchase(user: CurrentUser, id: number) {
  const m = await em();
  const p = await staffPurchase(m, user, id);
  const [measure, provider, client, commitments, history, line] = await Promise.all([
    m.getRepository(Measure).findOneOrFail({ where: { id: p.measureId } }),
    p.providerId ? m.getRepository(Provider).findOne({ where: { id: p.providerId } }) : null,
    m.getRepository(Client).findOneOrFail({ where: { id: p.clientId } }),
    m.getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: p.id }, order: { year: "ASC" } }),
    m.getRepository(AuditEvent).find({ where: { entityType: "place-purchase", entityId: String(p.id) }, order: { seq: "ASC" } }),
    p.budgetLineId ? m.getRepository(BudgetLine).findOne({ where: { id: p.budgetLineId } }) : null,
  ]);
  const names = await userNames(m, [p.requestedById, p.approvedById, p.answeredById]);
  const settings = await getSettings(m);
  const day = today();
  const state = p.status as PurchaseState;
  const person = user.id !== null;
  const canApprove = person && state === "requested" && can(user.role, "approve:purchase:any") && user.id !== p.requestedById;
  const canRefuse = state === "requested" && can(user.role, "approve:purchase:any");
  const canCancel = purchaseMachine.transitions.some((t) => t.event === "cancel" && t.from.includes(state)) && can(user.role, "buy:place:any") && day < p.startDate;
  const canChangeConsent = HOLDING_STATES.includes(state) && can(user.role, "buy:place:any");
  const personal = can(user.role, "read:client-personal:any");
  return {
    purchase: {
      id: p.id,
      reference: p.reference,
      status: p.status,
      statusLabel: statusLabel(p.status),
      startDate: p.startDate,
      endDate: p.endDate,
      priceModelLabel: PRICE_MODEL_LABELS[p.priceModel as PriceModel] ?? p.priceModel,
      price: priceInWords(p),
      proRataLabel: PRO_RATA_LABELS[p.proRata as ProRata] ?? p.proRata,
      hours: p.hours,
      estimatedCents: p.estimatedCents,
      approvalNeeded: p.approvalNeeded,
      approvalAboveCents: approvalAboveCents(settings),
      consentAt: p.consentAt,
      consentWithdrawnAt: p.consentWithdrawnAt,
      note: p.note,
      requestedBy: names.get(p.requestedById) ?? "",
      requestedById: p.requestedById,
      requestedAt: p.requestedAt,
      approvedBy: p.approvedById ? (names.get(p.approvedById) ?? "") : null,
      approvedAt: p.approvedAt,
      orderedAt: p.orderedAt,
      answerBy: p.orderedAt ? answerByDate(berlinDate(p.orderedAt), p.startDate, settings["places.orderAnswerDays"]) : null,
      answeredBy: p.answeredById ? (names.get(p.answeredById) ?? "") : null,
      answeredAt: p.answeredAt,
      statusReason: p.statusReason,
      entryDate: p.entryDate,
      exitDate: p.exitDate,
      orderDocumentId: p.orderDocumentId,
    },
    measure: { id: measure.id, reference: measure.reference, title: measure.title, typeCode: measure.typeCode, origin: MEASURE_ORIGIN_LABELS[measure.origin as keyof typeof MEASURE_ORIGIN_LABELS] ?? measure.origin, duration: durationText(measure) },
    provider: provider ? { id: provider.id, name: provider.name, email: provider.email } : null,
    client: { id: client.id, reference: client.reference, name: personal ? `${client.firstName} ${client.lastName}` : null },
    budgetLine: line ? `${line.number} – ${line.title}` : "",
    commitments: commitments.map((c) => ({ id: c.id, reference: c.reference, year: c.year, amountCents: c.amountCents, consumedCents: c.consumedCents, releasedCents: c.releasedCents, status: c.status, closeReason: c.closeReason })),
    history: history.map((e) => ({ seq: e.seq, at: e.at, actor: e.actorLabel, action: e.action, summary: e.summary })),
    canApprove,
    canChangeConsent,
    canRefuse,
    canCancel,
    ownRequest: user.id === p.requestedById,
  };
}

/** What /purchases/new offers: clients found by reference or name, the active measures with their free places. */
export async function purchaseFormOptions(user: CurrentUser, params: { q?: string; clientId?: number | null; measureId?: number | null }) {
  requireCan(user, "buy:place:any");
  const m = await em();
  const q = params.q?.trim().toLowerCase() ?? "";
  const personal = can(user.role, "read:client-personal:any");
  const cqb = m.getRepository(Client).createQueryBuilder("c");
  if (q) cqb.where(personal ? "(LOWER(c.reference) LIKE :q OR LOWER(c.lastName) LIKE :q OR LOWER(c.firstName) LIKE :q)" : "LOWER(c.reference) LIKE :q", { q: `%${q}%` });
  const found = await cqb.orderBy("c.reference", "ASC").limit(50).getMany();
  const selected = params.clientId ? await m.getRepository(Client).findOne({ where: { id: params.clientId } }) : null;
  const clients = [...(selected && !found.some((c) => c.id === selected.id) ? [selected] : []), ...found];
  const day = today();
  const measures = await m
    .getRepository(Measure)
    .createQueryBuilder("ms")
    .where("ms.status = 'active' AND ms.validUntil >= :day", { day })
    .orderBy("ms.title", "ASC")
    .getMany();
  const [providers, types, holding] = await Promise.all([
    m.getRepository(Provider).find({ where: { id: In(measures.map((x) => x.providerId ?? 0).concat(0)) } }),
    m.getRepository(MeasureType).find(),
    m.getRepository(PlacePurchase).find({ where: { measureId: In(measures.map((x) => x.id).concat(0)), status: In([...HOLDING_STATES]) }, select: { id: true, measureId: true, startDate: true, endDate: true } }),
  ]);
  const providerById = new Map(providers.map((p) => [p.id, p.name]));
  const typeByCode = new Map(types.map((t) => [t.code, t.name]));
  return {
    clients: clients.map((c) => ({ id: c.id, label: personal ? `${c.reference} – ${c.lastName}, ${c.firstName}` : c.reference })),
    measures: measures.map((x) => {
      const from = day > x.validFrom ? day : x.validFrom;
      // Free places over one participation from today (or from the measure's first day).
      const end = placeEnd(from, x.duration, x.durationUnit);
      const held = peakOccupancy(
        holding.filter((h) => h.measureId === x.id).map((h) => ({ start: h.startDate, end: h.endDate })),
        from,
        end,
      );
      return {
        id: x.id,
        reference: x.reference,
        title: x.title,
        provider: x.providerId ? (providerById.get(x.providerId) ?? "") : x.hostName,
        type: typeByCode.get(x.typeCode) ?? x.typeCode,
        origin: MEASURE_ORIGIN_LABELS[x.origin as keyof typeof MEASURE_ORIGIN_LABELS] ?? x.origin,
        price: priceInWords(x),
        priceModel: x.priceModel,
        entryMode: x.entryMode,
        entryModeLabel: ENTRY_MODE_LABELS[x.entryMode as keyof typeof ENTRY_MODE_LABELS] ?? x.entryMode,
        startDates: x.startDates.filter((d) => d >= day),
        duration: durationText(x),
        capacity: x.capacity,
        free: Math.max(x.capacity - held, 0),
        validFrom: x.validFrom,
        validUntil: x.validUntil,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// The provider's view (portal and API)

function ownProvider(user: CurrentUser): number {
  requireCan(user, "read:purchase:own");
  if (user.providerId === null) throw new NotFoundError("Der Platzkauf wurde nicht gefunden.");
  return user.providerId;
}

export interface OwnPurchase {
  id: number;
  reference: string;
  status: string;
  statusLabel: string;
  measure: { id: number; reference: string; title: string };
  startDate: string;
  endDate: string;
  priceModel: string;
  priceModelLabel: string;
  price: string;
  priceCents: number;
  hours: number | null;
  estimatedCents: number;
  orderedAt: string | null;
  answerBy: string | null;
  answeredAt: string | null;
  statusReason: string;
  participant: ParticipantView;
  orderDocumentId: number | null;
  canAnswer: boolean;
}

async function ownView(m: EntityManager, user: CurrentUser, rows: PlacePurchase[]): Promise<OwnPurchase[]> {
  const [measures, clients, settings] = await Promise.all([
    m.getRepository(Measure).find({ where: { id: In(rows.map((r) => r.measureId).concat(0)) } }),
    m.getRepository(Client).find({ where: { id: In(rows.map((r) => r.clientId).concat(0)) } }),
    getSettings(m),
  ]);
  const measureById = new Map(measures.map((x) => [x.id, x]));
  const clientById = new Map(clients.map((x) => [x.id, x]));
  return rows.map((p) => {
    const ms = measureById.get(p.measureId)!;
    return {
      id: p.id,
      reference: p.reference,
      status: p.status,
      statusLabel: statusLabel(p.status),
      measure: { id: ms.id, reference: ms.reference, title: ms.title },
      startDate: p.startDate,
      endDate: p.endDate,
      priceModel: p.priceModel,
      priceModelLabel: PRICE_MODEL_LABELS[p.priceModel as PriceModel] ?? p.priceModel,
      price: priceInWords(p),
      priceCents: p.priceCents,
      hours: p.hours,
      estimatedCents: p.estimatedCents,
      orderedAt: p.orderedAt,
      answerBy: p.orderedAt ? answerByDate(berlinDate(p.orderedAt), p.startDate, settings["places.orderAnswerDays"]) : null,
      answeredAt: p.answeredAt,
      statusReason: p.statusReason,
      // The one place deciding what a provider sees of a participant (rule 15).
      participant: participantView(p, clientById.get(p.clientId)!, ms),
      orderDocumentId: p.orderDocumentId,
      canAnswer: p.status === "ordered" && can(user.role, "answer:purchase:own"),
    };
  });
}

export async function listOwnPurchases(user: CurrentUser, raw: OwnPurchaseQuery) {
  const providerId = ownProvider(user);
  const query = completeQuery(OWN_PURCHASE_LIST, raw);
  const m = await em();
  const qb = m.getRepository(PlacePurchase).createQueryBuilder("x").where("x.providerId = :pid AND x.status IN (:...visible) AND x.orderedAt IS NOT NULL", { pid: providerId, visible: [...PROVIDER_VISIBLE_STATES] });
  if (query.status) qb.andWhere("x.status = :s", { s: query.status });
  if (query.measure) qb.andWhere("x.measureId = :mid", { mid: query.measure });
  const { rows, raw: _raw, ...page } = await paginate(qb, query, { sortColumns: { start: "x.startDate" }, tieBreaker: "x.id" });
  const measures = await m.getRepository(Measure).find({ where: { providerId }, order: { title: "ASC" } });
  return { rows: await ownView(m, user, rows), measures: measures.map((x) => ({ value: String(x.id), label: `${x.reference} – ${x.title}` })), ...page };
}

export async function ownPurchase(user: CurrentUser, id: number): Promise<OwnPurchase> {
  ownProvider(user);
  const m = await em();
  const p = await reachablePurchase(m, user, id);
  return (await ownView(m, user, [p]))[0];
}

/** The API's form of an own purchase (c.Purchase). */
export function apiPurchase(p: OwnPurchase) {
  const { participant: v, orderDocumentId, canAnswer: _c, ...rest } = p;
  return {
    ...rest,
    participant: { client: v.client, name: v.name, contact: v.contact, ageAtStart: v.ageAtStart, qualification: v.qualification, targetOccupation: v.targetOccupation, entryDate: v.entryDate, exitDate: v.exitDate },
    orderDocument: orderDocumentId ? `/documents/${orderDocumentId}` : null,
    location: `/api/v1/purchases/${p.id}`,
  };
}

/** Dates in the staff filter that do not parse are left out (the list says so). */
export function validDateFilter(value: string | undefined): boolean {
  return !value || !!parseDate(value) || isIsoDate(value);
}
