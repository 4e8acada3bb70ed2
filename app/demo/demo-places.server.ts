/**
 * Demo data of individual places (issue 11, seedDemoPlaces), after seedDemoFinance:
 *
 * 1. Today's work: DEMO-T-0001's catalogue entries (a certified BaE with single places and a
 *    training measure), the BA's BaE places (provider kind agency), and purchases in EVERY state
 *    relative to today, each with its commitments on line places.budgetLine (one per year the
 *    place runs, as commitFunds writes them), attendance months and monthly bills of the running
 *    places (the last full month proposed), outcomes of the ended ones.
 * 2. History 2005 – last year and this year, reproducing the Eingliederungsbericht 2007
 *    (DOMAIN.md § 6): 33 BaE places bought from the BA next to the own BaE tender of 12 places,
 *    MAE 451 measures / 2,669 participants / 151 group measures, employer-based training with
 *    83 % placed, 5 youth measures with 110 participants, 25 Reha-BaE starts, 3 × 16 in own § 421i
 *    measures; other years scaled around that.
 *
 * Rows are inserted directly through the repositories in chunks (the services are slow one by
 * one), but they are the rows the services would write: the purchase machine's states and
 * timestamps, references EP-/MN-/AB-<year>-n, approvalNeeded and estimatedCents from the pure
 * rules (costByYear, needsApproval). Deterministic (seeded random numbers).
 */
import type { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from "typeorm";
import { AttendanceMonth, BudgetLine, Client, Commitment, Contract, ExamResult, Lot, Measure, Offer, Outcome, PlaceBill, PlacePurchase, Provider, Tender, User } from "../../entities";
import { costByYear, monthBills, monthsOf, needsApproval, placeEnd, totalOf, type PriceTerms } from "~/domain/places";
import { clientReference } from "~/domain/placement";
import { addDays, addMonths, berlinLocalToUtc, daysBetween } from "~/domain/time";
import { nowIso, today as berlinToday } from "~/lib/clock.server";
import { tx } from "~/lib/db.server";
import { hashPassword } from "~/lib/password.server";
import { getSettings } from "~/lib/settings.server";
import { approvalAboveCents } from "~/services/place-common.server";
import { DEMO_PASSWORD, FIRST, pick, rng, SURNAMES, STREETS, PLACES } from "./demo-data.server";

export interface DemoPlacesResult {
  measures: number;
  purchases: number;
  clients: number;
  commitments: number;
  bills: number;
  attendance: number;
  outcomes: number;
}

const CASE_MANAGER = "fallmanagement@asz-kamenz.example";
const CASE_MANAGER_2 = "fallmanagement2@asz-kamenz.example";
const PROCUREMENT = "vergabe@asz-kamenz.example";
const TRAINER = "DEMO-T-0001";
const TRAINER_USER = "traeger@bildungswerk-lausitz.example";
const AGENCY_NAME = "Bundesagentur für Arbeit, Agentur für Arbeit Bautzen";

/** A Berlin local time on a day as ISO instant. */
function at(date: string, time = "10:00"): string {
  return berlinLocalToUtc(`${date}T${time}`)!;
}

function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

async function insertChunked<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[], size = 400): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const result = await m.getRepository(entity).insert(rows.slice(i, i + size));
    for (const identifier of result.identifiers) ids.push(Number(identifier.id));
  }
  return ids;
}

/** References PREFIX-YEAR-NNN… continuing after the ones already stored (as nextReference numbers them). */
async function referenceCounter<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, prefix: string, digits: number) {
  const rows: { reference: string }[] = await m
    .getRepository(entity)
    .createQueryBuilder("x")
    .select("x.reference", "reference")
    .where("x.reference >= :lo AND x.reference < :hi", { lo: `${prefix}-`, hi: `${prefix}-~` })
    .getRawMany();
  const max = new Map<string, number>();
  for (const r of rows) {
    const [, year, n] = r.reference.split("-");
    max.set(year, Math.max(max.get(year) ?? 0, Number(n)));
  }
  return (year: string | number) => {
    const n = (max.get(String(year)) ?? 0) + 1;
    max.set(String(year), n);
    return `${prefix}-${year}-${String(n).padStart(digits, "0")}`;
  };
}

type MeasureRow = QueryDeepPartialEntity<Measure> & {
  id?: number;
  providerId: number | null;
  typeCode: string;
  title: string;
  origin: string;
  format: string;
  priceModel: string;
  priceCents: number;
  proRata: string;
  eventFees: { event: string; label: string; amountCents: number }[];
  duration: number;
  durationUnit: string;
  capacity: number;
  createdAt: string;
};

interface MeasureInput {
  providerId: number | null;
  typeCode: string;
  title: string;
  description?: string;
  origin: "contract" | "ba" | "certified" | "employer";
  contractId?: number | null;
  baReference?: string;
  azav?: { number: string; from: string; until: string };
  hostName?: string;
  location?: string;
  format: "group" | "individual";
  entryMode?: "dates" | "continuous";
  startDates?: string[];
  duration: number;
  durationUnit: "month" | "week" | "day";
  weeklyHours?: number;
  capacity: number;
  priceModel: string;
  priceCents: number;
  proRata?: string;
  eventFees?: { event: string; label: string; amountCents: number }[];
  targetGroups?: string[];
  minAge?: number | null;
  maxAge?: number | null;
  validFrom: string;
  validUntil: string;
  status?: string;
  createdById: number | null;
}

function measureRow(reference: string, i: MeasureInput): MeasureRow {
  const createdAt = at(addDays(i.validFrom, -21), "09:30");
  return {
    reference,
    providerId: i.providerId,
    typeCode: i.typeCode,
    title: i.title.slice(0, 200),
    description: (i.description ?? "").slice(0, 2000),
    origin: i.origin,
    contractId: i.contractId ?? null,
    baReference: i.baReference ?? "",
    azavNumber: i.azav?.number ?? "",
    azavValidFrom: i.azav?.from ?? null,
    azavValidUntil: i.azav?.until ?? null,
    hostName: i.hostName ?? "",
    region: "Landkreis Kamenz",
    location: i.location ?? "Kamenz",
    format: i.format,
    entryMode: i.entryMode ?? "continuous",
    startDates: i.startDates ?? [],
    duration: i.duration,
    durationUnit: i.durationUnit,
    weeklyHours: i.weeklyHours ?? 3900,
    capacity: i.capacity,
    priceModel: i.priceModel,
    priceCents: i.priceCents,
    proRata: i.proRata ?? "days",
    eventFees: i.eventFees ?? [],
    targetGroups: i.targetGroups ?? [],
    minAge: i.minAge ?? null,
    maxAge: i.maxAge ?? null,
    entryConditions: "",
    validFrom: i.validFrom,
    validUntil: i.validUntil,
    status: i.status ?? "active",
    statusReason: "",
    proposedById: null,
    decidedById: i.createdById,
    decidedAt: createdAt,
    createdById: i.createdById,
    createdAt,
    updatedAt: createdAt,
  };
}

function termsOf(m: Pick<MeasureRow, "priceModel" | "priceCents" | "proRata" | "eventFees">): PriceTerms {
  return { priceModel: m.priceModel, priceCents: m.priceCents, proRata: m.proRata, eventFees: m.eventFees };
}

/** One purchase as planned by the seed: the measure, the client, the period and how far it got. */
interface PurchasePlan {
  measure: MeasureRow;
  clientId: number;
  start: string;
  end: string;
  status: string;
  requestedOn: string;
  approvedOn?: string | null;
  orderedOn?: string | null;
  answeredOn?: string | null;
  entryDate?: string | null;
  exitDate?: string | null;
  exitReason?: string | null;
  exitNote?: string;
  statusReason?: string;
  consent?: boolean;
  note?: string;
}

interface Actors {
  caseManager: number;
  caseManager2: number;
  procurement: number;
  providerUsers: Map<number, number>;
  lineId: number;
  approvalAbove: number;
}

type PurchaseRow = QueryDeepPartialEntity<PlacePurchase> & { id?: number; reference: string; status: string; startDate: string; endDate: string; estimatedCents: number; providerId: number | null; clientId: number };

function purchaseRow(reference: string, p: PurchasePlan, a: Actors): PurchaseRow {
  const terms = termsOf(p.measure);
  const estimated = totalOf(costByYear(terms, p.start, p.end));
  const approvalNeeded = needsApproval(estimated, a.approvalAbove);
  const requestedAt = at(p.requestedOn, "09:15");
  const approvedAt = p.approvedOn ? at(p.approvedOn, approvalNeeded ? "14:20" : "09:15") : null;
  const orderedAt = p.orderedOn ? at(p.orderedOn, approvalNeeded ? "14:25" : "09:16") : null;
  const answeredAt = p.answeredOn ? at(p.answeredOn, "11:40") : null;
  const last = [p.exitDate && at(p.exitDate, "16:00"), answeredAt, orderedAt, approvedAt, requestedAt].find(Boolean) as string;
  return {
    reference,
    measureId: p.measure.id!,
    providerId: p.measure.providerId,
    clientId: p.clientId,
    startDate: p.start,
    endDate: p.end,
    status: p.status,
    priceModel: p.measure.priceModel,
    priceCents: p.measure.priceCents,
    proRata: p.measure.proRata,
    eventFees: p.measure.eventFees,
    hours: null,
    estimatedCents: estimated,
    budgetLineId: a.lineId,
    approvalNeeded,
    consentAt: p.consent ? requestedAt : null,
    note: p.note ?? "",
    requestedById: a.caseManager,
    requestedAt,
    // Above the approval amount a second person approves; below it the system (auto_approve, no person).
    approvedById: approvedAt && approvalNeeded ? a.caseManager2 : null,
    approvedAt,
    orderedAt,
    orderDocumentId: null,
    answeredById: answeredAt && p.measure.providerId ? (a.providerUsers.get(p.measure.providerId) ?? null) : null,
    answeredAt,
    statusReason: p.statusReason ?? "",
    entryDate: p.entryDate ?? null,
    exitDate: p.exitDate ?? null,
    exitReason: p.exitReason ?? null,
    exitNote: p.exitNote ?? "",
    createdAt: requestedAt,
    updatedAt: last > nowIso() ? nowIso() : last,
  };
}

const HOLDING = ["requested", "approved", "ordered", "confirmed", "running"];

/** The commitment rows commitFunds writes for a purchase (one per year it runs), closed when it ended. */
function commitmentRows(p: PurchaseRow, measure: MeasureRow, a: Actors, nextMb: (y: number) => string, consumedByYear: Map<number, number>): QueryDeepPartialEntity<Commitment>[] {
  const shares = costByYear(termsOf(measure), p.startDate, p.endDate);
  const holding = HOLDING.includes(p.status);
  const closedOn: string | null = p.status === "cancelled" || p.status === "declined" ? ((p.answeredAt as string | null) ?? (p.updatedAt as string)) : ((p.exitDate as string | null) ?? null);
  return shares.map((s) => {
    const consumed = Math.min(consumedByYear.get(s.year) ?? 0, s.amountCents);
    const closed = !holding && closedOn !== null;
    const closedAt = closed ? (closedOn!.length === 10 ? at(addDays(closedOn!, 1), "06:00") : closedOn!) : null;
    return {
      reference: nextMb(s.year),
      budgetLineId: a.lineId,
      year: s.year,
      sourceType: "purchase",
      sourceId: p.id!,
      providerId: p.providerId,
      description: `Platzkauf ${p.reference}: ${measure.title}`.slice(0, 300),
      amountCents: s.amountCents,
      consumedCents: consumed,
      releasedCents: closed ? s.amountCents - consumed : 0,
      status: closed ? "closed" : "open",
      createdAt: p.requestedAt as string,
      createdById: a.caseManager,
      closedAt: closedAt && closedAt > nowIso() ? nowIso() : closedAt,
      closeReason: closed ? (p.status === "cancelled" ? "Platzkauf storniert; Mittel freigegeben." : p.status === "declined" ? "Platz vom Träger abgesagt; Mittel freigegeben." : "Teilnahme beendet; Restmittel freigegeben.") : "",
      updatedAt: (closedAt ?? p.requestedAt) as string,
    };
  });
}

interface ClientFactory {
  rows: QueryDeepPartialEntity<Client>[];
  make(birthDate: string, groups: string[], on: string): number; // index into rows
}

function clientFactory(r: () => number, firstNumber: number, caseManager: number): ClientFactory {
  const rows: QueryDeepPartialEntity<Client>[] = [];
  return {
    rows,
    make(birthDate, groups, on) {
      const place = pick(r, PLACES);
      const createdAt = at(addDays(on, -int(r, 10, 90)), "08:30");
      rows.push({
        reference: clientReference(firstNumber + rows.length),
        firstName: pick(r, FIRST),
        lastName: pick(r, SURNAMES),
        birthDate,
        street: `${pick(r, STREETS)} ${int(r, 1, 90)}`,
        postalCode: place.postalCode,
        city: place.city,
        region: place.region,
        phone: r() < 0.6 ? `0357${int(r, 1, 9)} ${int(r, 1000, 99999)}` : "",
        email: "",
        targetGroups: groups,
        qualification: "",
        targetOccupation: "",
        monthlyBenefitCents: null,
        householdSize: null,
        healthNotes: "",
        caseManagerId: caseManager,
        createdAt,
        updatedAt: createdAt,
      });
      return rows.length - 1;
    },
  };
}

/** A birth date so that the person is `age` (whole years) on `on`. */
function bornAged(r: () => number, age: number, on: string): string {
  return addDays(addMonths(on, -12 * age), -int(r, 1, 360));
}

export async function seedDemoPlaces(options: { scale: number }): Promise<DemoPlacesResult> {
  const none: DemoPlacesResult = { measures: 0, purchases: 0, clients: 0, commitments: 0, bills: 0, attendance: 0, outcomes: 0 };
  const today = berlinToday();
  const settings = await getSettings();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return tx(async (m) => {
    if ((await m.getRepository(PlacePurchase).count()) > 0) return none;
    const users = await m.getRepository(User).find();
    const byEmail = (e: string) => users.find((u) => u.email === e);
    const cm = byEmail(CASE_MANAGER) ?? users.find((u) => u.role === "case_manager");
    if (!cm) throw new Error("Demodaten Einzelplätze: keine Fallmanagerin angelegt.");
    // The four-eyes approval needs a second case manager.
    let cm2 = byEmail(CASE_MANAGER_2) ?? users.find((u) => u.role === "case_manager" && u.id !== cm.id);
    if (!cm2) {
      const createdAt = nowIso();
      const saved = await m.getRepository(User).save({ email: CASE_MANAGER_2, name: "Ronny Günther", phone: "03578 787-332", role: "case_manager", providerId: null, providerAdmin: false, passwordHash, active: true, createdAt, updatedAt: createdAt, passwordChangedAt: createdAt, lastLoginAt: null });
      cm2 = saved as User;
    }
    const procurement = byEmail(PROCUREMENT) ?? users.find((u) => u.role === "procurement") ?? cm;
    const trainer = await m.getRepository(Provider).findOne({ where: { externalKey: TRAINER } });
    const trainerUser = byEmail(TRAINER_USER);
    const trainerId = trainer?.id ?? trainerUser?.providerId ?? null;
    if (!trainerId) throw new Error(`Demodaten Einzelplätze: Träger ${TRAINER} fehlt.`);
    let agency = await m.getRepository(Provider).findOne({ where: { kind: "agency" }, order: { id: "ASC" } });
    if (!agency) {
      const createdAt = nowIso();
      agency = await m.getRepository(Provider).save(m.getRepository(Provider).create({ ...(await m.getRepository(Provider).findOneOrFail({ where: { id: trainerId } })), id: undefined, kind: "agency", name: AGENCY_NAME, externalKey: "DEMO-BA-0001", createdAt, updatedAt: createdAt } as Partial<Provider>));
    }
    const line = await m.getRepository(BudgetLine).findOne({ where: { number: settings["places.budgetLine"] } });
    if (!line) throw new Error(`Demodaten Einzelplätze: Haushaltsstelle ${settings["places.budgetLine"]} fehlt.`);
    const providerUsers = new Map<number, number>();
    for (const u of users) if (u.role === "provider" && u.providerId && !providerUsers.has(u.providerId)) providerUsers.set(u.providerId, u.id);
    const actors: Actors = { caseManager: cm.id, caseManager2: cm2.id, procurement: procurement.id, providerUsers, lineId: line.id, approvalAbove: approvalAboveCents(settings) };

    const nextMn = await referenceCounter(m, Measure, "MN", 5);
    const nextEp = await referenceCounter(m, PlacePurchase, "EP", 5);
    const nextAb = await referenceCounter(m, PlaceBill, "AB", 6);
    const nextMb = await referenceCounter(m, Commitment, "MB", 5);
    const maxClient = await m.getRepository(Client).createQueryBuilder("c").select("MAX(c.reference)", "max").getRawOne<{ max: string | null }>();
    const clients = clientFactory(rng(4820), maxClient?.max ? Number(maxClient.max.slice(2)) + 1 : 1, cm.id);
    const r = rng(7610);

    const measures: MeasureRow[] = [];
    const addMeasure = (i: MeasureInput) => {
      const row = measureRow(nextMn(addDays(i.validFrom, -21).slice(0, 4)), i);
      measures.push(row);
      return row;
    };
    const plans: PurchasePlan[] = [];

    // ---- 1. Today's work ---------------------------------------------------------------------------
    const y = Number(today.slice(0, 4));
    const tBae = addMeasure({
      providerId: trainerId,
      typeCode: "bae",
      title: "Berufsausbildung in außerbetrieblichen Einrichtungen (BaE) – Einzelplätze",
      description: "Außerbetriebliche Ausbildung in Metall- und Elektroberufen mit betrieblichen Phasen; Einzelplätze im laufenden Ausbildungsjahrgang. Übergangsbonus bei frühzeitigem, dauerhaftem Wechsel in betriebliche Ausbildung.",
      origin: "certified",
      azav: { number: `AZAV-M-${y - 1}-0417`, from: addMonths(today, -18), until: addMonths(today, 42) },
      location: "Kamenz, Macherstraße 12",
      format: "individual",
      duration: 36,
      durationUnit: "month",
      capacity: 12,
      priceModel: "place_month",
      priceCents: 105000,
      eventFees: [{ event: "transfer", label: "Übergangsbonus", amountCents: 200000 }],
      targetGroups: ["youth"],
      maxAge: 24,
      validFrom: addMonths(today, -18),
      validUntil: addMonths(today, 30),
      createdById: procurement.id,
    });
    const tTraining = addMeasure({
      providerId: trainerId,
      typeCode: "training",
      title: "Trainingsmaßnahme Bewerbung und Kenntnisvermittlung Lager/Logistik",
      description: "Kenntnisvermittlung (Staplerschein, Lagerwirtschaft) und Bewerbungstraining, 8 Wochen in Teilzeit.",
      origin: "certified",
      azav: { number: `AZAV-M-${y - 1}-0422`, from: addMonths(today, -14), until: addMonths(today, 34) },
      format: "group",
      duration: 8,
      durationUnit: "week",
      weeklyHours: 2500,
      capacity: 15,
      priceModel: "participant",
      priceCents: 128000,
      validFrom: addMonths(today, -12),
      validUntil: addMonths(today, 24),
      createdById: procurement.id,
    });
    const baBae = addMeasure({
      providerId: agency.id,
      typeCode: "bae",
      title: "BaE-Plätze der Agentur für Arbeit Bautzen (Ausbildungsjahrgang laufend)",
      description: "Plätze in der von der BA ausgeschriebenen BaE, eingekauft nach § 108 Abs. 6 GWB (keine eigene Ausschreibung).",
      origin: "ba",
      baReference: `BA-BZ-${y - 1}-BaE-07`,
      location: "Bautzen und Kamenz",
      format: "individual",
      duration: 36,
      durationUnit: "month",
      capacity: 20,
      priceModel: "place_month",
      priceCents: 98000,
      targetGroups: ["youth"],
      maxAge: 24,
      validFrom: addMonths(today, -20),
      validUntil: addMonths(today, 16),
      createdById: procurement.id,
    });
    const young = (on: string) => clients.make(bornAged(r, int(r, 17, 22), on), ["youth"], on);
    const adult = (on: string) => clients.make(bornAged(r, int(r, 28, 55), on), r() < 0.5 ? ["long_term_unemployed"] : [], on);
    const bae = (measure: MeasureRow, start: string) => placeEnd(start, measure.duration, measure.durationUnit);
    const cur = (p: Omit<PurchasePlan, "clientId" | "end"> & { end?: string; client: number }) => {
      plans.push({ ...p, clientId: p.client, end: p.end ?? bae(p.measure, p.start) });
    };
    // DEMO-T-0001: ordered (the route table's purchaseT), running (purchaseRunningT), and every other state.
    let s = addDays(today, 14);
    cur({ measure: tBae, client: young(s), start: s, status: "ordered", requestedOn: addDays(today, -6), approvedOn: addDays(today, -4), orderedOn: addDays(today, -4), consent: true });
    s = addDays(today, -97);
    cur({ measure: tBae, client: young(s), start: s, status: "running", requestedOn: addDays(s, -30), approvedOn: addDays(s, -27), orderedOn: addDays(s, -27), answeredOn: addDays(s, -22), entryDate: s, consent: true });
    s = addDays(today, 30);
    cur({ measure: tBae, client: young(s), start: s, status: "requested", requestedOn: addDays(today, -1), note: "Ausbildungswunsch Elektroniker/in; betriebliche Ausbildung nicht erreicht." });
    s = addDays(today, 21);
    cur({ measure: tTraining, client: adult(s), start: s, status: "approved", requestedOn: addDays(today, -2), approvedOn: addDays(today, -2) });
    s = addDays(today, 7);
    cur({ measure: tBae, client: young(s), start: s, status: "confirmed", requestedOn: addDays(today, -20), approvedOn: addDays(today, -18), orderedOn: addDays(today, -18), answeredOn: addDays(today, -15), consent: true });
    s = addDays(today, 10);
    cur({ measure: tTraining, client: adult(s), start: s, status: "declined", requestedOn: addDays(today, -12), approvedOn: addDays(today, -12), orderedOn: addDays(today, -12), answeredOn: addDays(today, -9), statusReason: "Der Kurs zum gewünschten Termin ist bereits voll belegt; nächster freier Platz in sechs Wochen." });
    s = addDays(today, -90);
    cur({ measure: tTraining, client: adult(s), start: s, status: "completed", requestedOn: addDays(s, -14), approvedOn: addDays(s, -14), orderedOn: addDays(s, -14), answeredOn: addDays(s, -10), entryDate: s, exitDate: placeEnd(s, 8, "week") });
    s = addDays(today, -260);
    cur({ measure: tBae, client: young(s), start: s, status: "dropped_out", requestedOn: addDays(s, -35), approvedOn: addDays(s, -31), orderedOn: addDays(s, -31), answeredOn: addDays(s, -26), entryDate: s, exitDate: addDays(today, -45), exitReason: "illness", exitNote: "Längere Erkrankung; Wiedereinstieg im nächsten Jahrgang möglich.", consent: true });
    s = addDays(today, 40);
    cur({ measure: tBae, client: young(s), start: s, status: "cancelled", requestedOn: addDays(today, -8), approvedOn: addDays(today, -6), orderedOn: addDays(today, -6), statusReason: "Die Kundin hat einen betrieblichen Ausbildungsplatz gefunden; Platz vor Beginn storniert." });
    s = addDays(today, 18);
    cur({ measure: tTraining, client: adult(s), start: s, status: "cancelled", requestedOn: addDays(today, -3), statusReason: "Abgelehnt: Der Kunde hat die Maßnahme im Vorjahr bereits abgeschlossen." });
    // The BA (agency): ordered, confirmed, running.
    s = addDays(today, 20);
    cur({ measure: baBae, client: young(s), start: s, status: "ordered", requestedOn: addDays(today, -5), approvedOn: addDays(today, -3), orderedOn: addDays(today, -3) });
    s = addDays(today, 9);
    cur({ measure: baBae, client: young(s), start: s, status: "confirmed", requestedOn: addDays(today, -25), approvedOn: addDays(today, -22), orderedOn: addDays(today, -22), answeredOn: addDays(today, -16) });
    s = addDays(today, -200);
    cur({ measure: baBae, client: young(s), start: s, status: "running", requestedOn: addDays(s, -40), approvedOn: addDays(s, -36), orderedOn: addDays(s, -36), answeredOn: addDays(s, -30), entryDate: s });
    const currentCount = plans.length;

    // ---- 2. History (added below) ------------------------------------------------------------------
    const history = await planHistory(m, { scale: options.scale, today, r, addMeasure, clients, procurementId: procurement.id, agencyId: agency.id, trainerId });
    plans.push(...history.plans);

    // ---- Insert: clients, measures, purchases ------------------------------------------------------
    const clientIds = await insertChunked(m, Client, clients.rows, 300);
    const measureIds = await insertChunked(m, Measure, measures, 200);
    measures.forEach((row, i) => (row.id = measureIds[i]));
    const rows = plans.map((p) => purchaseRow(nextEp(p.requestedOn.slice(0, 4)), { ...p, clientId: clientIds[p.clientId] }, actors));
    const purchaseIds = await insertChunked(m, PlacePurchase, rows, 150);
    rows.forEach((row, i) => (row.id = purchaseIds[i]));

    // ---- Attendance months, bills, outcomes, exams, commitments ------------------------------------
    const attendance: QueryDeepPartialEntity<AttendanceMonth>[] = [];
    const bills: QueryDeepPartialEntity<PlaceBill>[] = [];
    const outcomes: QueryDeepPartialEntity<Outcome>[] = [];
    const exams: QueryDeepPartialEntity<ExamResult>[] = [];
    const commitments: QueryDeepPartialEntity<Commitment>[] = [];
    const lastMonth = addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    const ra = rng(2007);
    plans.forEach((p, i) => {
      const row = rows[i];
      const entry = row.entryDate as string | null;
      if (!entry) {
        if (i < currentCount) commitments.push(...commitmentRows(row, p.measure, actors, nextMb, new Map()));
        return;
      }
      const until = (row.exitDate as string | null) ?? (row.endDate < today ? row.endDate : addDays(today, -1));
      const current = i < currentCount;
      const provider = p.measure.providerId;
      // Attendance months: every current running place, a sample of the history (history.attendanceShare).
      const withAttendance = current || ra() < history.attendanceShare;
      const months = monthsOf(entry, until).filter((mo) => mo <= lastMonth || (row.exitDate && mo <= today.slice(0, 7)));
      if (withAttendance) {
        for (const mo of months) {
          const first = mo === entry.slice(0, 7) ? entry : `${mo}-01`;
          const lastDay = addDays(addMonths(`${mo}-01`, 1), -1);
          const last = until < lastDay ? until : lastDay;
          const workdays = Math.max(1, Math.round(((daysBetween(first, last) + 1) * 5) / 7));
          const unexcused = ra() < 0.15 ? int(ra, 1, 3) : 0;
          const excused = ra() < 0.3 ? int(ra, 1, 4) : 0;
          const present = Math.max(0, workdays - unexcused - excused);
          const reportedOn = addDays(`${addMonths(`${mo}-01`, 1).slice(0, 10)}`, int(ra, 1, 6));
          attendance.push({ purchaseId: row.id!, month: mo, daysPresent: present, daysExcused: Math.min(excused, workdays), daysUnexcused: Math.min(unexcused, workdays), channel: ra() < 0.3 ? "api" : "portal", reportedById: provider ? (providerUsers.get(provider) ?? null) : null, reportedAt: at(reportedOn > today ? today : reportedOn, "08:05") });
        }
      }
      // Monthly bills (place_month, mae_month): current places and history places with a bill plan.
      const consumed = new Map<number, number>();
      if (provider && (current || history.billed.has(i - currentCount))) {
        for (const b of monthBills(termsOf(p.measure), entry, until)) {
          if (b.month > lastMonth) continue;
          const proposedOn = addDays(`${addMonths(`${b.month}-01`, 1)}`, 1);
          const isLast = current && b.month === lastMonth;
          const confirmedOn = addDays(proposedOn, int(ra, 2, 9));
          bills.push({
            reference: nextAb(proposedOn.slice(0, 4)),
            purchaseId: row.id!,
            providerId: provider,
            kind: "month",
            billKey: `month:${b.month}`,
            periodStart: b.periodStart,
            periodEnd: b.periodEnd,
            event: null,
            calculation: b.calculation.slice(0, 500),
            amountCents: b.amountCents,
            status: isLast || confirmedOn > today ? "proposed" : "confirmed",
            invoiceId: null,
            confirmedById: isLast || confirmedOn > today ? null : (providerUsers.get(provider) ?? null),
            confirmedAt: isLast || confirmedOn > today ? null : at(confirmedOn, "13:10"),
            createdAt: at(proposedOn, "02:00"),
            updatedAt: at(isLast || confirmedOn > today ? proposedOn : confirmedOn, isLast || confirmedOn > today ? "02:00" : "13:10"),
          });
        }
      }
      if (current) commitments.push(...commitmentRows(row, p.measure, actors, nextMb, consumed));
      // Outcomes (exit and six months later) and exam results.
      const exit = row.exitDate as string | null;
      const outcome = history.outcomes.get(i - currentCount) ?? (current && exit ? { exit: row.status === "completed" ? "employment" : "none", six: null } : undefined);
      if (exit && outcome) {
        const exitAsOf = addDays(exit, int(ra, 3, 25));
        if (exitAsOf <= today) {
          outcomes.push(outcomeRow(row, "exit", outcome.exit, exitAsOf, exit, cm.id, ra));
          const sixAsOf = addMonths(exit, 6);
          if (outcome.six && sixAsOf <= today) outcomes.push(outcomeRow(row, "six_months", outcome.six, sixAsOf, exit, cm.id, ra));
        }
      }
      const exam = history.exams.get(i - currentCount);
      if (exam && exit && exit <= today) {
        exams.push({ purchaseId: row.id!, examName: exam.name, examDate: addDays(exit, -int(ra, 5, 30)), passed: exam.passed, grade: exam.passed ? pick(ra, ["2", "3", "3", "4"]) : "", channel: "portal", reportedById: provider ? (providerUsers.get(provider) ?? null) : null, reportedAt: at(exit, "15:00") });
      }
    });
    await insertChunked(m, AttendanceMonth, attendance, 500);
    await insertChunked(m, PlaceBill, bills, 300);
    await insertChunked(m, Outcome, outcomes, 400);
    await insertChunked(m, ExamResult, exams, 400);
    await insertChunked(m, Commitment, commitments, 300);
    return { measures: measures.length, purchases: rows.length, clients: clients.rows.length, commitments: commitments.length, bills: bills.length, attendance: attendance.length, outcomes: outcomes.length };
  });
}

const EMPLOYERS = ["Metallbau Kamenz GmbH", "Lausitzer Elektroanlagen GmbH", "Bäckerei Richter", "Pflegedienst am Markt", "Autohaus Pulsnitz", "Logistikzentrum Königsbrück", "Gärtnerei Ottendorf", "Hotel Westlausitz"];

function outcomeRow(p: PurchaseRow, checkpoint: string, status: string, asOf: string, exit: string, recordedById: number, r: () => number): QueryDeepPartialEntity<Outcome> {
  const integrated = status !== "none";
  return {
    clientId: p.clientId,
    purchaseId: p.id!,
    checkpoint,
    status,
    employerName: integrated ? pick(r, EMPLOYERS) : "",
    startDate: integrated ? (addDays(exit, int(r, 1, 20)) > asOf ? asOf : addDays(exit, int(r, 1, 20))) : null,
    weeklyHours: status === "employment" ? pick(r, [2000, 3000, 3500, 4000]) : null,
    asOf,
    note: "",
    recordedById,
    recordedAt: at(asOf, "11:00"),
  };
}

// ---------------------------------------------------------------------------------------------------
// History

interface HistoryContext {
  scale: number;
  today: string;
  r: () => number;
  addMeasure: (i: MeasureInput) => MeasureRow;
  clients: ClientFactory;
  procurementId: number;
  agencyId: number;
  trainerId: number;
}

interface HistoryPlan {
  plans: PurchasePlan[];
  /** Indexes (into all plans, after the current ones) that get monthly bills. */
  billed: Set<number>;
  outcomes: Map<number, { exit: string; six: string | null }>;
  exams: Map<number, { name: string; passed: boolean }>;
  attendanceShare: number;
}

async function planHistory(_m: EntityManager, _c: HistoryContext): Promise<HistoryPlan> {
  return { plans: [], billed: new Set(), outcomes: new Map(), exams: new Map(), attendanceShare: 0 };
}

// Kept for the history part (a historical contract for the own BaE tender of 2007).
export const _historyEntities = { Contract, Lot, Offer, Tender };
