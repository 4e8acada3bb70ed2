/**
 * The measure catalogue (issue 11, points 1–2): entries created by procurement (BA places,
 * certified measures, employer measures), created automatically for every awarded contract lot,
 * and proposed by providers (portal and API) for staff to accept or reject. Everyone on the
 * staff reads the catalogue; a provider reads only its own organisation's entries.
 */
import { In, type EntityManager } from "typeorm";
import { Contract, Lot, Measure, MeasureType, PlacePurchase, Provider, Tender } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { completeQuery, type ListQuery } from "~/domain/list";
import { BA_NOTE, MEASURE_FIELD_LABELS, MEASURE_LIST, measureFromContract, parseMeasureInput, reasonSchema, formatHours, type MeasureInput } from "~/domain/measure-form";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import {
  BILL_EVENT_LABELS,
  DURATION_UNIT_LABELS,
  ENTRY_MODE_LABELS,
  HOLDING_STATES,
  MEASURE_FORMAT_LABELS,
  MEASURE_ORIGIN_LABELS,
  MEASURE_STATE_LABELS,
  MEASURE_TARGET_GROUP_LABELS,
  PRICE_MODEL_LABELS,
  PRO_RATA_LABELS,
  type MeasureOrigin,
} from "~/domain/places";
import { PROVIDER_KIND_LABELS } from "~/domain/provider";
import { toCsv } from "~/domain/csv";
import { formatDate } from "~/domain/time";
import { parseOrThrow } from "~/domain/validation";
import { appendAudit } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { paginate, providersWithRows } from "~/lib/list.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { userNames } from "./clients.server";
import { recordEvent } from "./events.server";
import { nextReference, requireCan } from "./placement-common.server";

export type MeasureQuery = Partial<ListQuery<(typeof MEASURE_LIST)["filters"]>> & { sort?: string; dir?: string; page?: number; pageSize?: number };

// ---------------------------------------------------------------------------------------------
// Options for the forms

/** The active measure types, in their order (the select of the form). */
export async function activeMeasureTypes(m?: EntityManager): Promise<{ code: string; name: string; description: string; defaultPriceModel: string }[]> {
  const rows = await (m ?? (await em())).getRepository(MeasureType).find({ where: { active: true }, order: { sortOrder: "ASC", name: "ASC" } });
  return rows.map((t) => ({ code: t.code, name: t.name, description: t.description, defaultPriceModel: t.defaultPriceModel }));
}

/** What the staff form needs: the active types and the active providers. */
export async function measureFormOptions(user: CurrentUser) {
  requireCan(user, "manage:measure:any");
  const m = await em();
  const [types, providers] = await Promise.all([
    activeMeasureTypes(m),
    m.getRepository(Provider).find({ where: { active: true }, order: { name: "ASC" }, select: { id: true, name: true, kind: true } }),
  ]);
  return { types, providers: providers.map((p) => ({ id: p.id, name: p.name, kind: p.kind, kindLabel: PROVIDER_KIND_LABELS[p.kind as keyof typeof PROVIDER_KIND_LABELS] ?? p.kind })) };
}

/** What the portal's proposal form needs: the types and the origin the organisation proposes. */
export async function proposalFormOptions(user: CurrentUser) {
  requireCan(user, "propose:measure:own");
  const m = await em();
  const provider = await ownProposer(m, user);
  return { types: await activeMeasureTypes(m), origin: proposalOrigin(provider.kind), providerName: provider.name };
}

async function ownProposer(m: EntityManager, user: CurrentUser): Promise<Provider> {
  if (user.role !== "provider" || !user.providerId) throw new ForbiddenError();
  const provider = await m.getRepository(Provider).findOne({ where: { id: user.providerId } });
  if (!provider) throw new ForbiddenError();
  if (provider.kind !== "training" && provider.kind !== "agency") {
    throw new ForbiddenError("Maßnahmen schlagen Bildungsträger (zugelassene Maßnahmen nach AZAV) und die Bundesagentur für Arbeit (Plätze der BA) vor. Ihre Organisation ist als privater Arbeitsvermittler erfasst.");
  }
  return provider;
}

/** A training provider proposes an AZAV-certified measure; the BA (agency) proposes BA places. */
function proposalOrigin(kind: string): MeasureOrigin {
  return kind === "agency" ? "ba" : "certified";
}

async function parseWith(m: EntityManager, raw: unknown, origin?: MeasureOrigin): Promise<MeasureInput> {
  const types = await activeMeasureTypes(m);
  const input = (raw ?? {}) as Record<string, unknown>;
  const providerId = /^\d{1,9}$/.test(String(input.providerId ?? "").trim()) ? Number(input.providerId) : null;
  const provider = providerId ? await m.getRepository(Provider).findOne({ where: { id: providerId }, select: { id: true, kind: true } }) : null;
  if (providerId && !provider) throw new ValidationError("Bitte prüfen Sie die markierten Angaben.", { providerId: "Diesen Träger gibt es nicht; bitte aus der Liste wählen." });
  return parseMeasureInput(raw, { types, providerKind: provider?.kind ?? null, origin });
}

// ---------------------------------------------------------------------------------------------
// Writing

function entryData(input: MeasureInput) {
  const { origin: _origin, ...rest } = input;
  return rest;
}

async function insertMeasure(m: EntityManager, input: MeasureInput, extra: Partial<Measure>): Promise<Measure> {
  const at = nowIso();
  const reference = await nextReference(m, Measure, "MN", at.slice(0, 4), 5);
  const repo = m.getRepository(Measure);
  return repo.save(
    repo.create({
      ...entryData(input),
      origin: input.origin,
      reference,
      contractId: null,
      status: "active",
      statusReason: "",
      proposedById: null,
      decidedById: null,
      decidedAt: null,
      createdById: null,
      createdAt: at,
      updatedAt: at,
      ...extra,
    }),
  );
}

/** Staff create a BA, certified or employer measure: active at once. */
export async function createMeasure(user: CurrentUser, raw: unknown): Promise<Measure> {
  requireCan(user, "manage:measure:any");
  return tx(async (m) => {
    const input = await parseWith(m, raw);
    const measure = await insertMeasure(m, input, { createdById: user.id });
    await appendAudit(m, actorOf(user), {
      action: "measure.create",
      summary: `Maßnahme ${measure.reference} „${measure.title}“ in den Katalog aufgenommen (${MEASURE_ORIGIN_LABELS[input.origin]})`,
      entityType: "measure",
      entityId: measure.id,
      providerId: measure.providerId,
      details: { origin: input.origin, typeCode: input.typeCode, priceModel: input.priceModel, priceCents: input.priceCents, capacity: input.capacity },
    });
    return measure;
  });
}

/**
 * Staff change an entry (proposed or active). The origin stays; existing purchases keep the
 * price they were bought at (they copy it).
 */
export async function updateMeasure(user: CurrentUser, id: number, raw: unknown): Promise<Measure> {
  requireCan(user, "manage:measure:any");
  return tx(async (m) => {
    const before = await m.getRepository(Measure).findOne({ where: { id } });
    if (!before) throw new NotFoundError("Die Maßnahme wurde nicht gefunden.");
    if (before.status === "closed" || before.status === "rejected") throw new RuleError(`Die Maßnahme ist ${MEASURE_STATE_LABELS[before.status as keyof typeof MEASURE_STATE_LABELS]} und kann nicht mehr geändert werden.`);
    const input = await parseWith(m, before.origin === "contract" ? { ...(raw as object), providerId: String(before.providerId ?? "") } : raw, before.origin as MeasureOrigin);
    const data = entryData(input);
    if (before.origin === "contract") data.providerId = before.providerId;
    const changed = Object.entries(data)
      .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify((before as unknown as Record<string, unknown>)[k]))
      .map(([k]) => k);
    const result = await m.getRepository(Measure).update({ id, updatedAt: before.updatedAt }, { ...data, updatedAt: nowIso() });
    if (!result.affected) throw new ConflictError("Die Maßnahme wurde inzwischen von jemand anderem geändert; bitte laden Sie die Seite neu.");
    await appendAudit(m, actorOf(user), {
      action: "measure.update",
      summary: `Katalogeintrag ${before.reference} geändert${changed.length ? `: ${changed.map((k) => MEASURE_FIELD_LABELS[k] ?? k).join(", ")}` : " (ohne Änderung)"}`,
      entityType: "measure",
      entityId: id,
      providerId: before.providerId,
      details: { changed, priceCentsBefore: before.priceCents, priceCents: data.priceCents },
    });
    return m.getRepository(Measure).findOneOrFail({ where: { id } });
  });
}

/** Take an entry out of the catalogue (no new purchases); running places are not affected. */
export async function closeMeasure(user: CurrentUser, id: number, raw: unknown): Promise<void> {
  requireCan(user, "manage:measure:any");
  const { reason } = parseOrThrow(reasonSchema, raw);
  await tx(async (m) => {
    const measure = await m.getRepository(Measure).findOne({ where: { id } });
    if (!measure) throw new NotFoundError("Die Maßnahme wurde nicht gefunden.");
    if (measure.status !== "active") throw new RuleError(`Nur Maßnahmen im Katalog können geschlossen werden; diese ist ${MEASURE_STATE_LABELS[measure.status as keyof typeof MEASURE_STATE_LABELS]}.`);
    const r = await m.getRepository(Measure).update({ id, status: "active" }, { status: "closed", statusReason: reason, decidedById: user.id, decidedAt: nowIso(), updatedAt: nowIso() });
    if (!r.affected) throw new ConflictError("Die Maßnahme wurde inzwischen geändert; bitte laden Sie die Seite neu.");
    await appendAudit(m, actorOf(user), { action: "measure.close", summary: `Maßnahme ${measure.reference} aus dem Katalog genommen: ${reason}`, entityType: "measure", entityId: id, providerId: measure.providerId, details: { reason } });
  });
}

async function decide(user: CurrentUser, id: number, accept: boolean, reason: string): Promise<void> {
  requireCan(user, "manage:measure:any");
  await tx(async (m) => {
    const measure = await m.getRepository(Measure).findOne({ where: { id } });
    if (!measure) throw new NotFoundError("Die Maßnahme wurde nicht gefunden.");
    if (measure.status !== "proposed") throw new RuleError(`Über diesen Vorschlag ist schon entschieden (${MEASURE_STATE_LABELS[measure.status as keyof typeof MEASURE_STATE_LABELS]}).`);
    const status = accept ? "active" : "rejected";
    const at = nowIso();
    const r = await m.getRepository(Measure).update({ id, status: "proposed" }, { status, statusReason: reason, decidedById: user.id, decidedAt: at, updatedAt: at });
    if (!r.affected) throw new ConflictError("Über den Vorschlag wurde inzwischen entschieden; bitte laden Sie die Seite neu.");
    await appendAudit(m, actorOf(user), {
      action: accept ? "measure.accept" : "measure.reject",
      summary: accept ? `Maßnahmevorschlag ${measure.reference} „${measure.title}“ in den Katalog aufgenommen` : `Maßnahmevorschlag ${measure.reference} abgelehnt: ${reason}`,
      entityType: "measure",
      entityId: id,
      providerId: measure.providerId,
      details: accept ? null : { reason },
    });
    if (measure.providerId) await recordEvent(m, { type: accept ? "measure.accepted" : "measure.rejected", providerId: measure.providerId, entityType: "measure", entityId: id, reference: measure.reference, status });
  });
}

export function acceptMeasure(user: CurrentUser, id: number): Promise<void> {
  return decide(user, id, true, "");
}

export async function rejectMeasure(user: CurrentUser, id: number, raw: unknown): Promise<void> {
  const { reason } = parseOrThrow(reasonSchema, raw);
  return decide(user, id, false, reason);
}

/**
 * A provider proposes a measure (portal or API): a training provider an AZAV-certified one, the
 * BA its places. Status proposed: invisible to buying until staff accept it.
 */
export async function proposeMeasure(user: CurrentUser, raw: unknown, channel: "portal" | "api"): Promise<Measure> {
  requireCan(user, "propose:measure:own");
  return tx(async (m) => {
    const provider = await ownProposer(m, user);
    const input = await parseWith(m, { ...((raw ?? {}) as object), providerId: String(provider.id), hostName: "" }, proposalOrigin(provider.kind));
    const measure = await insertMeasure(m, input, { status: "proposed", proposedById: user.id, createdById: user.id });
    await appendAudit(m, actorOf(user), {
      action: "measure.propose",
      summary: `Maßnahme ${measure.reference} „${measure.title}“ von ${provider.name} vorgeschlagen (${channel === "api" ? "Schnittstelle" : "Portal"})`,
      entityType: "measure",
      entityId: measure.id,
      providerId: provider.id,
      details: { origin: input.origin, channel },
    });
    return measure;
  });
}

/**
 * The catalogue entry of a contract just concluded (concludeAward, inside its transaction):
 * origin contract, the lot's title, quantity, price and term. Audited as measure.create.
 */
export async function createMeasureForContract(m: EntityManager, user: CurrentUser, awarded: { tender: Tender; lot: Lot; contract: Contract }): Promise<Measure> {
  const input = measureFromContract({ tender: { title: awarded.tender.title, measureType: awarded.tender.measureType }, lot: awarded.lot, contract: awarded.contract });
  const known = await m.getRepository(MeasureType).findOne({ where: { code: input.typeCode } });
  if (!known) input.typeCode = "other";
  const measure = await insertMeasure(m, input, { contractId: awarded.contract.id, createdById: user.id });
  await appendAudit(m, actorOf(user), {
    action: "measure.create",
    summary: `Maßnahme ${measure.reference} „${measure.title}“ aus Vertrag ${awarded.contract.reference} in den Katalog aufgenommen`,
    entityType: "measure",
    entityId: measure.id,
    providerId: measure.providerId,
    details: { origin: "contract", contractId: awarded.contract.id, typeCode: input.typeCode, priceModel: input.priceModel, priceCents: input.priceCents, capacity: input.capacity },
  });
  return measure;
}

// ---------------------------------------------------------------------------------------------
// Reading

async function typeNames(m: EntityManager): Promise<Map<string, string>> {
  return new Map((await m.getRepository(MeasureType).find()).map((t) => [t.code, t.name]));
}

function rowOf(x: Measure, names: { types: Map<string, string>; providers: Map<number, string> }) {
  return {
    id: x.id,
    reference: x.reference,
    title: x.title,
    typeCode: x.typeCode,
    typeName: names.types.get(x.typeCode) ?? x.typeCode,
    origin: x.origin,
    originLabel: MEASURE_ORIGIN_LABELS[x.origin as MeasureOrigin] ?? x.origin,
    providerId: x.providerId,
    providerName: x.providerId ? (names.providers.get(x.providerId) ?? "") : "",
    hostName: x.hostName,
    region: x.region,
    location: x.location,
    entryMode: x.entryMode,
    entryLabel: x.entryMode === "dates" ? `${x.startDates.length} ${x.startDates.length === 1 ? "Starttermin" : "Starttermine"}` : ENTRY_MODE_LABELS.continuous,
    durationLabel: durationLabel(x.duration, x.durationUnit),
    weeklyHours: x.weeklyHours,
    capacity: x.capacity,
    priceModel: x.priceModel,
    priceModelLabel: PRICE_MODEL_LABELS[x.priceModel as keyof typeof PRICE_MODEL_LABELS] ?? x.priceModel,
    priceCents: x.priceCents,
    proRata: x.proRata,
    validFrom: x.validFrom,
    validUntil: x.validUntil,
    status: x.status,
    statusLabel: MEASURE_STATE_LABELS[x.status as keyof typeof MEASURE_STATE_LABELS] ?? x.status,
  };
}

export function durationLabel(duration: number, unit: string): string {
  const labels = DURATION_UNIT_LABELS[unit as keyof typeof DURATION_UNIT_LABELS];
  return labels ? `${duration} ${duration === 1 ? labels[0] : labels[1]}` : `${duration} ${unit}`;
}

/** The staff list of /measures: filter, sort, page (or every row for the CSV). */
export async function listMeasures(user: CurrentUser, raw: MeasureQuery, options: { all?: boolean } = {}) {
  requireCan(user, "read:place:any");
  const query = completeQuery(MEASURE_LIST, raw as Record<string, unknown>);
  const m = await em();
  const qb = m.getRepository(Measure).createQueryBuilder("x");
  // The provider's name only for sorting by it (the rows' names are read for the page below).
  if (query.sort === "provider") qb.leftJoin(Provider, "p", "p.id = x.providerId");
  if (query.type) qb.andWhere("x.typeCode = :type", { type: query.type });
  if (query.origin) qb.andWhere("x.origin = :origin", { origin: query.origin });
  if (query.provider) qb.andWhere("x.providerId = :provider", { provider: query.provider });
  if (query.region) qb.andWhere("x.region = :region", { region: query.region });
  if (query.status) qb.andWhere("x.status = :status", { status: query.status });
  if (query.q) qb.andWhere("(LOWER(x.title) LIKE :q OR LOWER(x.reference) LIKE :q OR LOWER(x.baReference) LIKE :q OR LOWER(x.azavNumber) LIKE :q)", { q: `%${query.q.toLowerCase().replace(/[%_]/g, "")}%` });
  const { rows, raw: _raw, ...page } = await paginate(qb, query, {
    sortColumns: {
      title: { expr: "LOWER(x.title)", select: true },
      type: "x.typeCode",
      provider: { expr: "LOWER(COALESCE(p.name, x.hostName))", select: true },
      validUntil: "x.validUntil",
      capacity: "x.capacity",
    },
    tieBreaker: "x.id",
    all: options.all,
  });
  const providers = await m.getRepository(Provider).find({ where: { id: In([0, ...rows.map((r) => r.providerId ?? 0)]) }, select: { id: true, name: true } });
  const names = { types: await typeNames(m), providers: new Map(providers.map((p) => [p.id, p.name])) };
  const [proposed, active] = await Promise.all([m.getRepository(Measure).count({ where: { status: "proposed" } }), m.getRepository(Measure).count({ where: { status: "active" } })]);
  return { rows: rows.map((x) => rowOf(x, names)), proposed, active, ...page };
}

/** The filter options of the list: types, providers with entries, regions. */
export async function measureFilterOptions(user: CurrentUser) {
  requireCan(user, "read:place:any");
  const m = await em();
  const [types, providerRows, regionRows] = await Promise.all([
    m.getRepository(MeasureType).find({ order: { sortOrder: "ASC" } }),
    providersWithRows(m, Measure),
    m.getRepository(Measure).createQueryBuilder("x").select("x.region", "region").distinct(true).where("x.region <> ''").orderBy("region").getRawMany<{ region: string }>(),
  ]);
  return {
    types: types.map((t) => ({ value: t.code, label: t.name })),
    providers: providerRows,
    regions: regionRows.map((r) => ({ value: r.region, label: r.region })),
  };
}

export async function measuresCsv(user: CurrentUser, query: MeasureQuery): Promise<string> {
  const { rows } = await listMeasures(user, query, { all: true });
  return toCsv(
    ["Nummer", "Titel", "Maßnahmeart", "Herkunft", "Träger / Arbeitgeber", "Region", "Ort", "Einstieg", "Dauer", "Stunden je Woche", "Plätze", "Preismodell", "Preis (EUR)", "gültig ab", "gültig bis", "Status"],
    rows.map((x) => [
      x.reference,
      x.title,
      x.typeName,
      x.originLabel,
      x.providerName || x.hostName,
      x.region,
      x.location,
      x.entryLabel,
      x.durationLabel,
      formatHours(x.weeklyHours),
      x.capacity,
      x.priceModelLabel,
      (x.priceCents / 100).toFixed(2).replace(".", ","),
      formatDate(x.validFrom),
      formatDate(x.validUntil),
      x.statusLabel,
    ]),
  );
}

/** Places held today: purchases in a holding state whose period contains today. */
export async function occupancyToday(m: EntityManager, measureId: number, day = today()): Promise<number> {
  return m
    .getRepository(PlacePurchase)
    .createQueryBuilder("p")
    .where("p.measureId = :measureId", { measureId })
    .andWhere("p.status IN (:...states)", { states: [...HOLDING_STATES] })
    .andWhere("p.startDate <= :day AND p.endDate >= :day", { day })
    .getCount();
}

/**
 * One entry with everything the detail pages show, in German. Staff read every entry; a
 * provider only its own organisation's (others: 404, as if it did not exist).
 */
export async function getMeasure(user: CurrentUser, id: number) {
  const m = await em();
  const x = await m.getRepository(Measure).findOne({ where: { id } });
  const staff = can(user.role, "read:place:any");
  if (!x || (!staff && (user.role !== "provider" || !user.providerId || x.providerId !== user.providerId))) throw new NotFoundError("Die Maßnahme wurde nicht gefunden.");
  const [types, provider, contract, users, occupied] = await Promise.all([
    typeNames(m),
    x.providerId ? m.getRepository(Provider).findOne({ where: { id: x.providerId }, select: { id: true, name: true, kind: true } }) : null,
    x.contractId ? m.getRepository(Contract).findOne({ where: { id: x.contractId } }) : null,
    userNames(m, [x.createdById, x.proposedById, x.decidedById]),
    occupancyToday(m, x.id),
  ]);
  const tender = contract ? await m.getRepository(Tender).findOne({ where: { id: contract.tenderId }, select: { id: true, reference: true, title: true } }) : null;
  const row = rowOf(x, { types, providers: new Map(provider ? [[provider.id, provider.name]] : []) });
  return {
    measure: {
      ...row,
      description: x.description,
      format: x.format,
      formatLabel: MEASURE_FORMAT_LABELS[x.format as keyof typeof MEASURE_FORMAT_LABELS] ?? x.format,
      entryModeLabel: ENTRY_MODE_LABELS[x.entryMode as keyof typeof ENTRY_MODE_LABELS] ?? x.entryMode,
      startDates: x.startDates,
      duration: x.duration,
      durationUnit: x.durationUnit,
      weeklyHoursLabel: formatHours(x.weeklyHours),
      priceLabel: `${formatCents(x.priceCents)} ${PRICE_MODEL_LABELS[x.priceModel as keyof typeof PRICE_MODEL_LABELS] ?? ""}`.trim(),
      proRataLabel: x.proRata ? (PRO_RATA_LABELS[x.proRata as keyof typeof PRO_RATA_LABELS] ?? x.proRata) : "",
      eventFees: x.eventFees.map((f) => ({ ...f, eventLabel: BILL_EVENT_LABELS[f.event as keyof typeof BILL_EVENT_LABELS] ?? f.event })),
      targetGroups: x.targetGroups,
      targetGroupLabels: x.targetGroups.map((g) => MEASURE_TARGET_GROUP_LABELS[g] ?? g),
      minAge: x.minAge,
      maxAge: x.maxAge,
      entryConditions: x.entryConditions,
      baReference: x.baReference,
      baNote: x.origin === "ba" ? BA_NOTE : "",
      azavNumber: x.azavNumber,
      azavValidFrom: x.azavValidFrom,
      azavValidUntil: x.azavValidUntil,
      contractId: x.contractId,
      contractReference: contract?.reference ?? null,
      tenderId: tender?.id ?? null,
      tenderReference: tender?.reference ?? null,
      statusReason: x.statusReason,
      providerKind: provider?.kind ?? null,
      createdBy: x.createdById ? (users.get(x.createdById) ?? "") : "",
      proposedBy: x.proposedById ? (users.get(x.proposedById) ?? "") : "",
      decidedBy: x.decidedById ? (users.get(x.decidedById) ?? "") : "",
      decidedAt: x.decidedAt,
      createdAt: x.createdAt,
      updatedAt: x.updatedAt,
    },
    occupied,
    occupancyLabel: `${occupied} von ${x.capacity} ${x.capacity === 1 ? "Platz" : "Plätzen"} belegt`,
  };
}

export type MeasureDetail = Awaited<ReturnType<typeof getMeasure>>["measure"];

/** The provider's own entries and proposals (portal and API), newest first. */
export async function listOwnMeasures(user: CurrentUser, query: { status?: string | null; page: number; pageSize: number }) {
  if (!can(user.role, "propose:measure:own") || !user.providerId) throw new ForbiddenError();
  const m = await em();
  const qb = m.getRepository(Measure).createQueryBuilder("x").where("x.providerId = :pid", { pid: user.providerId });
  if (query.status) qb.andWhere("x.status = :status", { status: query.status });
  const { rows, raw: _raw, ...page } = await paginate(qb, { sort: "createdAt", dir: "desc", page: query.page, pageSize: query.pageSize }, { sortColumns: { createdAt: "x.createdAt" }, tieBreaker: "x.id" });
  const names = { types: await typeNames(m), providers: new Map<number, string>() };
  return { rows: rows.map((x) => ({ ...rowOf(x, names), statusReason: x.statusReason })), ...page };
}

/** The form values of an entry (edit page), as a person typed them. */
export function formValuesOf(d: MeasureDetail): Record<string, unknown> {
  const values: Record<string, unknown> = {
    origin: d.origin,
    providerId: d.providerId ? String(d.providerId) : "",
    hostName: d.hostName,
    typeCode: d.typeCode,
    title: d.title,
    description: d.description,
    region: d.region,
    location: d.location,
    format: d.format,
    entryMode: d.entryMode,
    startDates: d.startDates.map(formatDate).join("\n"),
    duration: String(d.duration),
    durationUnit: d.durationUnit,
    weeklyHours: formatHours(d.weeklyHours),
    capacity: String(d.capacity),
    priceModel: d.priceModel,
    price: formatCents(d.priceCents).replace(/\s*€$/, ""),
    proRata: d.proRata,
    targetGroups: d.targetGroups,
    minAge: d.minAge === null ? "" : String(d.minAge),
    maxAge: d.maxAge === null ? "" : String(d.maxAge),
    entryConditions: d.entryConditions,
    validFrom: formatDate(d.validFrom),
    validUntil: formatDate(d.validUntil),
    baReference: d.baReference,
    azavNumber: d.azavNumber,
    azavValidFrom: d.azavValidFrom ? formatDate(d.azavValidFrom) : "",
    azavValidUntil: d.azavValidUntil ? formatDate(d.azavValidUntil) : "",
  };
  d.eventFees.forEach((f, i) => {
    values[`fee-event-${i}`] = f.event;
    values[`fee-label-${i}`] = f.label;
    values[`fee-amount-${i}`] = formatCents(f.amountCents).replace(/\s*€$/, "");
  });
  return values;
}

// ---------------------------------------------------------------------------------------------
// API

/** An entry in the API's shape (api-contract.ts Measure). */
export function apiMeasure(d: MeasureDetail) {
  return {
    id: d.id,
    reference: d.reference,
    title: d.title,
    description: d.description,
    typeCode: d.typeCode,
    typeName: d.typeName,
    origin: d.origin,
    originLabel: d.originLabel,
    status: d.status,
    statusLabel: d.statusLabel,
    statusReason: d.statusReason,
    region: d.region,
    location: d.location,
    format: d.format,
    entryMode: d.entryMode,
    startDates: d.startDates,
    duration: d.duration,
    durationUnit: d.durationUnit,
    weeklyHours: d.weeklyHours / 100,
    capacity: d.capacity,
    priceModel: d.priceModel,
    priceModelLabel: d.priceModelLabel,
    priceCents: d.priceCents,
    proRata: d.proRata || null,
    eventFees: d.eventFees.map((f) => ({ event: f.event, label: f.label, amountCents: f.amountCents })),
    targetGroups: d.targetGroups,
    minAge: d.minAge,
    maxAge: d.maxAge,
    entryConditions: d.entryConditions,
    validFrom: d.validFrom,
    validUntil: d.validUntil,
    baReference: d.baReference || null,
    azavNumber: d.azavNumber || null,
    azavValidFrom: d.azavValidFrom,
    azavValidUntil: d.azavValidUntil,
    contract: d.contractReference,
    href: `/api/v1/measures/${d.id}`,
  };
}

/** The provider's own entries in the API's list shape. */
export async function apiOwnMeasures(user: CurrentUser, query: { status?: string | null; page: number; pageSize: number }) {
  const list = await listOwnMeasures(user, query);
  const rows = [];
  for (const r of list.rows) rows.push(apiMeasure((await getMeasure(user, r.id)).measure));
  return { ...list, rows };
}

/** Whether the provider user's organisation proposes measures (training providers and the BA). */
export async function mayPropose(user: CurrentUser): Promise<boolean> {
  if (!can(user.role, "propose:measure:own") || !user.providerId) return false;
  const provider = await (await em()).getRepository(Provider).findOne({ where: { id: user.providerId }, select: { id: true, kind: true } });
  return provider?.kind === "training" || provider?.kind === "agency";
}

/** The API's field names for the domain's (price in cents, fee amounts in cents). */
function apiFieldName(key: string): string {
  if (key === "price") return "priceCents";
  return key.replace(/^eventFees\.(\d+)\.amount$/, "eventFees.$1.amountCents");
}

/**
 * A proposal through the API (JSON, already shaped by the contract): the same rules as the
 * portal; a rule not met is a ValidationError whose field names are the API's.
 */
export async function apiProposeMeasure(
  user: CurrentUser,
  body: { priceCents: number; eventFees?: { event: string; label?: string; amountCents: number }[]; proRata?: string | null } & Record<string, unknown>,
): Promise<Measure> {
  const { priceCents, eventFees, proRata, ...rest } = body;
  try {
    return await proposeMeasure(user, { ...rest, proRata: proRata ?? "", price: priceCents, eventFees: (eventFees ?? []).map((f) => ({ event: f.event, label: f.label ?? "", amount: f.amountCents })) }, "api");
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.message, Object.fromEntries(Object.entries(error.fieldErrors).map(([k, v]) => [apiFieldName(k), v])));
    throw error;
  }
}
