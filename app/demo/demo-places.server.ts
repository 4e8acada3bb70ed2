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
 * 3. Something for the provider comparison to find (issue 12): every client has the covariates of
 *    the risk adjustment (unemployedSince: some under 12 months, many 12–23, many 24+ before the
 *    entry, a few unknown; a qualification text the classifier reads — "ohne Berufsabschluss",
 *    "Diplom"/"Studium"/"Ingenieur", a vocational one or none; severely_disabled and language_needs
 *    for some; the region of the place of residence), and every integration is drawn from a KNOWN
 *    logistic model (COMPARISON_MODEL): logit p = b0 − 0.4 (50+) − 0.2 (under 25) − 0.5 (unemployed
 *    12–23 months) − 1.0 (24+) − 0.8 (no qualification) + 0.4 (academic) − 0.6 (severely disabled)
 *    − 0.5 (language needs) + the provider's effect; b0 per measure type so that the rates stay
 *    where they were (MAE 12 %, § 421i 35 %, youth 40 %, training 35 %, BaE 55 %). Provider effects
 *    are 0 except two training providers, which also run most of the training measures
 *    (Trainingsmaßnahmen, from 2009 on, about 1,000 participants a year):
 *    - DEMO-T-0004 ("hard clients", HARD_CLIENTS_PROVIDER): effect 0, but its participants are mostly
 *      unemployed 24+ months and without qualification — its raw rate is clearly below average,
 *      its risk-adjusted ratio about 1;
 *    - DEMO-T-0003 (the real outlier, OUTLIER_PROVIDER): ordinary clients, effect −1.0, about a
 *      quarter of the training participants (≥ 150 exits over a rolling 24 months) — below the
 *      99.8 % limit both raw and risk-adjusted.
 *    tests/integration/demo-comparison.test.ts checks this on the stored rows with its own fit.
 *
 * Rows are inserted directly through the repositories in chunks (the services are slow one by
 * one), but they are the rows the services would write: the purchase machine's states and
 * timestamps, references EP-/MN-/AB-<year>-n (measures numbered as app/services/measures.server.ts does), approvalNeeded and estimatedCents from the pure
 * rules (costByYear, needsApproval). Deterministic (seeded random numbers).
 */
import { IsNull, type EntityManager, type EntityTarget, type ObjectLiteral, type QueryDeepPartialEntity } from "typeorm";
import { AttendanceMonth, BankAccount, BudgetLine, Client, Commitment, Contract, ExamResult, Invoice, Lot, Measure, Offer, Outcome, PaymentItem, PlaceBill, PlacePurchase, Provider, Setting, Tender, User } from "../../entities";
import { dueDate, endToEndId } from "~/domain/finance";
import { duplicateKey, sepaPurpose } from "~/domain/invoices";
import { BILL_VAT_NOTE } from "~/domain/place-bills";
import { ageOn, costByYear, monthBills, monthsOf, needsApproval, placeEnd, totalOf, type PriceTerms } from "~/domain/places";
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

/**
 * Bulk insert with one multi-row INSERT per chunk, the columns and transformers taken from the
 * entity's metadata (the repository's insert spends most of its time building entities). Returns
 * the new ids in insert order (rows above the previous maximum, checked by their number).
 */
async function insertChunked<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[], _size = 400): Promise<number[]> {
  if (!rows.length) return [];
  const meta = m.connection.getMetadata(entity);
  const pg = m.connection.options.type === "postgres";
  const cols = meta.columns.filter((c) => !c.isGenerated);
  const table = `"${meta.tableName}"`;
  const before = Number((await m.query(`SELECT COALESCE(MAX(id), 0) AS max FROM ${table}`))[0].max);
  const size = Math.max(1, Math.floor(30000 / cols.length));
  for (let i = 0; i < rows.length; i += size) {
    const params: unknown[] = [];
    const tuples = rows.slice(i, i + size).map((row) => {
      const slots = cols.map((c) => {
        let v = (row as Record<string, unknown>)[c.propertyName];
        if (v === undefined) v = typeof c.default === "function" ? null : (c.default ?? null);
        if (c.transformer && !Array.isArray(c.transformer)) v = c.transformer.to(v);
        if (typeof v === "boolean" && !pg) v = v ? 1 : 0;
        params.push(v);
        return pg ? `$${params.length}` : "?";
      });
      return `(${slots.join(",")})`;
    });
    await m.query(`INSERT INTO ${table} (${cols.map((c) => `"${c.databaseName}"`).join(",")}) VALUES ${tuples.join(",")}`, params);
  }
  const ids: number[] = (await m.query(`SELECT id FROM ${table} WHERE id > ${pg ? "$1" : "?"} ORDER BY id`, [before])).map((r: { id: number | string }) => Number(r.id));
  if (ids.length !== rows.length) throw new Error(`Demodaten Einzelplätze: ${rows.length} Zeilen in ${meta.tableName} eingefügt, aber ${ids.length} neue Kennungen gefunden.`);
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
    consentWithdrawnAt: null,
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
  /** Clients not written yet (flush empties it); make() returns a running number over all clients. */
  rows: QueryDeepPartialEntity<Client>[];
  offset: number;
  /** The covariates of every client made, by its running number (the outcome model reads them). */
  covariates: ClientCovariates[];
  make(birthDate: string, groups: string[], on: string, kind?: ClientKind): number;
}

function clientFactory(r: () => number, firstNumber: number, caseManager: number): ClientFactory {
  // The covariates come from their own stream, so the rest of the demo draws what it drew before.
  const rc = rng(1212);
  const f: ClientFactory = {
    rows: [],
    offset: 0,
    covariates: [],
    make(birthDate, groups0, on, kind) {
      const cov = drawCovariates(rc, kind ?? (groups0.includes("youth") ? "young" : "adult"), birthDate, groups0, on);
      f.covariates.push(cov);
      const groups = cov.groups;
      const place = pick(r, PLACES);
      const planned = at(addDays(on, -int(r, 10, 90)), "08:30");
      const createdAt = planned < nowIso() ? planned : nowIso(); // a place starting soon: the client was registered by now, not later
      f.rows.push({
        reference: clientReference(firstNumber + f.offset + f.rows.length),
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
        qualification: cov.qualification,
        unemployedSince: cov.since,
        targetOccupation: "",
        monthlyBenefitCents: null,
        householdSize: null,
        healthNotes: "",
        caseManagerId: caseManager,
        createdAt,
        updatedAt: createdAt,
      });
      return f.offset + f.rows.length - 1;
    },
  };
  return f;
}

// ---------------------------------------------------------------------------------------------------
// The outcome model of the provider comparison (issue 12)

/** The known coefficients the integrations are drawn from (logit scale). */
export const COMPARISON_MODEL = { age50plus: -0.4, under25: -0.2, unemployed12to23: -0.5, unemployed24plus: -1.0, noQualification: -0.8, academic: 0.4, severelyDisabled: -0.6, languageNeeds: -0.5 } as const;
/** A training provider with mostly long-term unemployed participants without qualification, effect 0. */
export const HARD_CLIENTS_PROVIDER = "DEMO-T-0004";
/** A training provider with ordinary participants and a real effect. */
export const OUTLIER_PROVIDER = "DEMO-T-0003";
export const OUTLIER_EFFECT = -1.0;

type ClientKind = "young" | "adult" | "hard";

/** Unemployment rates (per cent) of the demo clients' regions (demo-data PLACES), for the setting comparison.regionalRates. */
export const DEMO_REGIONAL_RATES = "Landkreis Kamenz=14,9; Landkreis Bautzen=16,2; Stadt Dresden=11,4; Niederschlesischer Oberlausitzkreis=19,8; Landkreis Meißen=13,9; Landkreis Riesa-Großenhain=16,8";

interface ClientCovariates {
  born: string;
  since: string | null;
  qualification: string;
  groups: string[];
}

const NO_QUALIFICATION = ["ohne Berufsabschluss", "ohne Berufsabschluss, Hauptschulabschluss", "ohne Berufsabschluss, angelernt im Lager", "ohne Berufsabschluss (Ausbildung abgebrochen)"];
const ACADEMIC = ["Diplom-Ingenieur/in (FH) Maschinenbau", "Studium Betriebswirtschaft (Diplom-Kaufmann/-frau)", "Ingenieur/in für Elektrotechnik", "Diplom-Lehrer/in (Studium in Dresden)"];
const VOCATIONAL = ["Facharbeiter/in Metallbau", "Verkäufer/in (IHK)", "Elektroinstallateur/in", "Bürokaufmann/-frau", "Koch/Köchin (IHK)", "Maurer/in (Facharbeiterabschluss)", "Fachkraft für Lagerlogistik", "Hauswirtschafter/in"];
const YOUNG_QUALIFICATION = ["ohne Berufsabschluss, Hauptschulabschluss", "ohne Berufsabschluss, Realschulabschluss", "ohne Berufsabschluss, Förderschulabschluss"];

/**
 * A client's covariates: unemployed since (months before `on`), qualification text, target groups.
 * Adults: about 30 % under 12 months, 35 % 12–23, 28 % 24+, 7 % unknown; 25 % without, 10 % with an
 * academic, 60 % with a vocational qualification, 5 % none recorded; 8 % severely disabled, 7 %
 * language needs. "hard" (DEMO-T-0004's participants): 85 % 24+, 10 % 12–23, 90 % without
 * qualification. Young: mostly short, nearly all without a vocational qualification.
 */
function drawCovariates(rc: () => number, kind: ClientKind, born: string, groups0: string[], on: string): ClientCovariates {
  const u = rc();
  let months: number | null;
  if (kind === "young") months = u < 0.08 ? null : u < 0.7 ? int(rc, 0, 11) : u < 0.92 ? int(rc, 12, 23) : int(rc, 24, 40);
  else if (kind === "hard") months = u < 0.02 ? null : u < 0.05 ? int(rc, 3, 11) : u < 0.15 ? int(rc, 12, 23) : int(rc, 24, 96);
  else months = u < 0.07 ? null : u < 0.37 ? int(rc, 0, 11) : u < 0.72 ? int(rc, 12, 23) : int(rc, 24, 84);
  const q = rc();
  const qualification =
    kind === "young" ? (q < 0.9 ? pick(rc, YOUNG_QUALIFICATION) : "Berufsvorbereitung abgeschlossen, Realschulabschluss")
    : kind === "hard" ? (q < 0.9 ? pick(rc, NO_QUALIFICATION) : q < 0.99 ? pick(rc, VOCATIONAL) : "")
    : q < 0.25 ? pick(rc, NO_QUALIFICATION) : q < 0.35 ? pick(rc, ACADEMIC) : q < 0.95 ? pick(rc, VOCATIONAL) : "";
  const groups = groups0.filter((g) => g !== "long_term_unemployed");
  if (months !== null && months >= 12 && kind !== "young") groups.push("long_term_unemployed");
  if (rc() < (kind === "young" ? 0.05 : 0.08)) groups.push("severely_disabled");
  if (rc() < (kind === "young" ? 0.06 : 0.07)) groups.push("language_needs");
  // The day `months` whole months (and a few days) before `on`, never before the 16th birthday.
  let since = months === null ? null : addDays(addMonths(on, -months), -int(rc, 0, 25));
  if (since && since < addMonths(born, 16 * 12)) since = addMonths(born, 16 * 12);
  return { born, since, qualification, groups };
}

function qualificationLevelOf(text: string): "none" | "academic" | "vocational" | "unknown" {
  if (/ohne Berufsabschluss|ohne Abschluss/i.test(text)) return "none";
  if (/Studium|Diplom|Bachelor|Master|Ingenieur|Hochschul/i.test(text)) return "academic";
  return text.trim() ? "vocational" : "unknown";
}

/** Whole months from `since` to `on`. */
function monthsBetween(since: string, on: string): number {
  const m = (Number(on.slice(0, 4)) - Number(since.slice(0, 4))) * 12 + Number(on.slice(5, 7)) - Number(since.slice(5, 7));
  return on.slice(8, 10) < since.slice(8, 10) ? m - 1 : m;
}

/** The model's linear predictor without b0 and provider effect, for a client entering on `on`. */
export function covariateEffect(c: { born: string; since: string | null; qualification: string; groups: readonly string[] }, on: string): number {
  const M = COMPARISON_MODEL;
  const age = ageOn(c.born, on);
  let x = age >= 50 ? M.age50plus : age < 25 ? M.under25 : 0;
  if (c.since) {
    const months = monthsBetween(c.since, on);
    x += months >= 24 ? M.unemployed24plus : months >= 12 ? M.unemployed12to23 : 0;
  }
  const q = qualificationLevelOf(c.qualification);
  x += q === "none" ? M.noQualification : q === "academic" ? M.academic : 0;
  if (c.groups.includes("severely_disabled")) x += M.severelyDisabled;
  if (c.groups.includes("language_needs")) x += M.languageNeeds;
  return x;
}

/** b0 so that the model's mean probability over the kind's typical clients is `rate` (bisection on a fixed sample). */
const b0Cache = new Map<string, number>();
function interceptFor(rate: number, kind: "young" | "adult"): number {
  const key = `${kind}:${rate}`;
  const hit = b0Cache.get(key);
  if (hit !== undefined) return hit;
  const rs = rng(4711);
  const on = "2015-06-01";
  const sample = Array.from({ length: 4000 }, () => {
    const born = bornAged(rs, kind === "young" ? int(rs, 16, 22) : int(rs, 25, 58), on);
    return covariateEffect(drawCovariates(rs, kind, born, kind === "young" ? ["youth"] : [], on), on);
  });
  let lo = -8;
  let hi = 8;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    const mean = sample.reduce((a, x) => a + 1 / (1 + Math.exp(-(mid + x))), 0) / sample.length;
    if (mean < rate) lo = mid;
    else hi = mid;
  }
  b0Cache.set(key, (lo + hi) / 2);
  return (lo + hi) / 2;
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
    // The regions' unemployment rates for the comparison's risk adjustment (issue 12), unless set already.
    if ("comparison.regionalRates" in settings && !(await m.getRepository(Setting).exist({ where: { key: "comparison.regionalRates" } }))) {
      await m.getRepository(Setting).insert({ key: "comparison.regionalRates", value: DEMO_REGIONAL_RATES, updatedAt: nowIso() } as QueryDeepPartialEntity<Setting>);
    }
    const users = await m.getRepository(User).find();
    const byEmail = (e: string) => users.find((u) => u.email === e);
    const cm = byEmail(CASE_MANAGER) ?? users.find((u) => u.role === "case_manager");
    if (!cm) throw new Error("Demodaten Einzelplätze: keine Fallmanagerin angelegt.");
    // The four-eyes approval needs a second case manager.
    let cm2 = byEmail(CASE_MANAGER_2) ?? users.find((u) => u.role === "case_manager" && u.id !== cm.id);
    if (!cm2) {
      const createdAt = nowIso();
      const saved = await m.getRepository(User).save({ email: CASE_MANAGER_2, name: "Ronny Günther", phone: "03578 787-332", role: "case_manager", providerId: null, providerAdmin: false, comparisonAccess: false, passwordHash, active: true, createdAt, updatedAt: createdAt, passwordChangedAt: createdAt, lastLoginAt: null });
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

    // ---- Writing: one batch for today's work, then one per year of the history (bounded memory) ----
    const totals: DemoPlacesResult = { ...none };
    const clientIds: number[] = [];
    const lastMonth = addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    const ra = rng(2007);
    const writeBatch = async (batch: HistoryPlan, current: boolean) => {
      const newClients = await insertChunked(m, Client, clients.rows);
      clientIds.push(...newClients);
      clients.offset += clients.rows.length;
      clients.rows = [];
      const measureIds = await insertChunked(m, Measure, measures);
      measures.forEach((row, i) => (row.id = measureIds[i]));
      totals.measures += measures.length;
      totals.clients += newClients.length;
      measures.length = 0;
      const rows = batch.plans.map((p) => purchaseRow(nextEp(p.requestedOn.slice(0, 4)), { ...p, clientId: clientIds[p.clientId] }, actors));
      const purchaseIds = await insertChunked(m, PlacePurchase, rows);
      rows.forEach((row, i) => (row.id = purchaseIds[i]));
      totals.purchases += rows.length;

      const attendance: QueryDeepPartialEntity<AttendanceMonth>[] = [];
      const bills: QueryDeepPartialEntity<PlaceBill>[] = [];
      const outcomes: QueryDeepPartialEntity<Outcome>[] = [];
      const exams: QueryDeepPartialEntity<ExamResult>[] = [];
      const commitments: QueryDeepPartialEntity<Commitment>[] = [];
      batch.plans.forEach((p, i) => {
        const row = rows[i];
        const entry = row.entryDate as string | null;
        // Every purchase committed its cost when it was bought (as commitFunds does); a purchase that
        // ended, was cancelled or declined has its commitments closed (released: the rest), so the
        // history does not reduce today's available budget.
        if (!entry) {
          commitments.push(...commitmentRows(row, p.measure, actors, nextMb, new Map()));
          return;
        }
        const until = (row.exitDate as string | null) ?? (row.endDate < today ? row.endDate : addDays(today, -1));
        const provider = p.measure.providerId;
        // Attendance months: every current running place, a sample of the history (attendanceShare).
        if (current || ra() < batch.attendanceShare) {
          for (const mo of monthsOf(entry, until).filter((x) => x <= lastMonth || (row.exitDate && x <= today.slice(0, 7)))) {
            const first = mo === entry.slice(0, 7) ? entry : `${mo}-01`;
            const lastDay = addDays(addMonths(`${mo}-01`, 1), -1);
            const last = until < lastDay ? until : lastDay;
            const workdays = Math.max(1, Math.round(((daysBetween(first, last) + 1) * 5) / 7));
            const unexcused = ra() < 0.15 ? Math.min(int(ra, 1, 3), workdays) : 0;
            const excused = ra() < 0.3 ? Math.min(int(ra, 1, 4), workdays - unexcused) : 0;
            const reportedOn = addDays(addMonths(`${mo}-01`, 1), int(ra, 1, 6));
            attendance.push({ purchaseId: row.id!, month: mo, daysPresent: workdays - unexcused - excused, daysExcused: excused, daysUnexcused: unexcused, channel: ra() < 0.3 ? "api" : "portal", reportedById: provider ? (providerUsers.get(provider) ?? null) : null, reportedAt: at(reportedOn > today ? today : reportedOn, "08:05") });
          }
        }
        // Monthly bills (place_month, mae_month): current places and a sample of the history; the last full month of a current place is still proposed.
        if (provider && (current || batch.billed.has(i))) {
          for (const b of monthBills(termsOf(p.measure), entry, until)) {
            if (b.month > lastMonth) continue;
            const proposedOn = addDays(addMonths(`${b.month}-01`, 1), 1);
            const confirmedOn = addDays(proposedOn, int(ra, 2, 9));
            const proposed = (current && b.month === lastMonth) || confirmedOn > today;
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
              status: proposed ? "proposed" : "confirmed",
              invoiceId: null,
              confirmedById: proposed ? null : (providerUsers.get(provider) ?? null),
              confirmedAt: proposed ? null : at(confirmedOn, "13:10"),
              createdAt: at(proposedOn, "02:00"),
              updatedAt: proposed ? at(proposedOn, "02:00") : at(confirmedOn, "13:10"),
            });
          }
        }
        commitments.push(...commitmentRows(row, p.measure, actors, nextMb, new Map()));
        // Outcomes (at exit and six months later) and exam results.
        const exit = row.exitDate as string | null;
        const outcome = batch.outcomes.get(i) ?? (current && exit ? { exit: row.status === "completed" ? "employment" : "none", six: null } : undefined);
        if (exit && outcome) {
          const exitAsOf = addDays(exit, int(ra, 3, 25));
          if (exitAsOf <= today) {
            outcomes.push(outcomeRow(row, "exit", outcome.exit, exitAsOf, exit, cm.id, ra));
            const sixAsOf = addMonths(exit, 6);
            if (outcome.six && sixAsOf <= today) outcomes.push(outcomeRow(row, "six_months", outcome.six, sixAsOf, exit, cm.id, ra));
          }
        }
        const exam = batch.exams.get(i);
        if (exam && exit && exit <= today) {
          exams.push({ purchaseId: row.id!, examName: exam.name, examDate: addDays(exit, -int(ra, 5, 30)), passed: exam.passed, grade: exam.passed ? pick(ra, ["2", "3", "3", "4"]) : "", channel: "portal", reportedById: provider ? (providerUsers.get(provider) ?? null) : null, reportedAt: at(exit, "15:00") });
        }
      });
      if (attendance.length) await insertChunked(m, AttendanceMonth, attendance);
      if (bills.length) await insertChunked(m, PlaceBill, bills);
      if (outcomes.length) await insertChunked(m, Outcome, outcomes);
      if (exams.length) await insertChunked(m, ExamResult, exams);
      if (commitments.length) await insertChunked(m, Commitment, commitments);
      totals.attendance += attendance.length;
      totals.bills += bills.length;
      totals.outcomes += outcomes.length;
      totals.commitments += commitments.length;
    };
    await writeBatch({ plans, billed: new Set(), outcomes: new Map(), exams: new Map(), attendanceShare: 1 }, true);
    await invoiceConfirmedBills(m, { today, termDays: settings["finance.paymentTermDays"], lineId: line.id, procurement: procurement.id, kasse: byEmail(KASSE)?.id ?? null, kasse2: byEmail(KASSE2)?.id ?? null });
    await planHistory(m, { scale: options.scale, today, r, addMeasure, clients, procurementId: procurement.id, agencyId: agency.id, trainerId, caseManagerIdFallback: cm.id }, (batch) => writeBatch(batch, false));
    // The history's sampled confirmed bills: the same, in bulk.
    await invoiceConfirmedBills(m, { today, termDays: settings["finance.paymentTermDays"], lineId: line.id, procurement: procurement.id, kasse: byEmail(KASSE)?.id ?? null, kasse2: byEmail(KASSE2)?.id ?? null });
    return totals;
  });
}

const KASSE = "kasse@asz-kamenz.example";
const KASSE2 = "kasse2@asz-kamenz.example";

/**
 * Today's confirmed bills became invoices and payment items, as confirmBills does (form "bill",
 * the bill's reference as the number, no VAT, linked to the purchase); a bill confirmed more
 * than ten days ago is paid (factual check, arithmetic check and order by three different
 * users, paidOn) and consumes its purchase's commitment of that year. Run for today's bills and
 * again, in bulk, for the history's sampled bills.
 */
async function invoiceConfirmedBills(m: EntityManager, c: { today: string; termDays: number; lineId: number; procurement: number; kasse: number | null; kasse2: number | null }): Promise<void> {
  const bills = await m.getRepository(PlaceBill).find({ where: { status: "confirmed", invoiceId: IsNull() }, order: { id: "ASC" } });
  if (!bills.length) return;
  const purchases = new Map((await m.getRepository(PlacePurchase).find()).map((p) => [p.id, p]));
  const providers = new Map((await m.getRepository(Provider).find()).map((p) => [p.id, p]));
  const accounts = new Map((await m.getRepository(BankAccount).find({ where: { current: true } })).map((a) => [a.providerId, a]));
  const commitments = await m.getRepository(Commitment).find({ where: { sourceType: "purchase" } });
  const commitmentOf = new Map(commitments.map((x) => [`${x.sourceId}|${x.year}`, x]));
  const touched = new Set<Commitment>();
  const nextRe = await referenceCounter(m, Invoice, "RE", 6);
  const nextZa = await referenceCounter(m, PaymentItem, "ZA", 6);
  const yesterday = addDays(c.today, -1);
  const signers = c.kasse && c.kasse2 && c.kasse !== c.kasse2;
  const invoiceRows: QueryDeepPartialEntity<Invoice>[] = [];
  const itemRows: QueryDeepPartialEntity<PaymentItem>[] = [];
  const billIds: number[] = [];
  for (const bill of bills) {
    const purchase = purchases.get(bill.purchaseId)!;
    const provider = providers.get(bill.providerId);
    const account = accounts.get(bill.providerId);
    if (!provider || !account) continue;
    const confirmedAt = bill.confirmedAt ?? bill.updatedAt;
    const receivedOn = confirmedAt.slice(0, 10);
    const dueOn = dueDate(receivedOn, c.termDays);
    const paidOn = addDays(receivedOn, 10) <= yesterday && signers ? addDays(receivedOn, 10) : null;
    invoiceRows.push({
        reference: nextRe(receivedOn.slice(0, 4)),
        providerId: bill.providerId,
        channel: "portal",
        form: "bill",
        documentId: null,
        sha256: "",
        duplicateKey: duplicateKey(bill.providerId, bill.reference),
        number: bill.reference,
        issueDate: receivedOn,
        typeCode: "380",
        currency: "EUR",
        buyerReference: "",
        contractReference: "",
        orderReference: purchase.reference,
        sellerName: provider.name.slice(0, 200),
        iban: account.iban,
        netCents: bill.amountCents,
        vatCents: 0,
        grossCents: bill.amountCents,
        dueAmountCents: bill.amountCents,
        periodStart: bill.periodStart,
        periodEnd: bill.periodEnd,
        receivedOn,
        receivedAt: confirmedAt,
        termDays: c.termDays,
        dueOn,
        status: paidOn ? "paid" : "accepted",
        findings: [],
        terms: null,
        contractId: null,
        purchaseId: purchase.id,
        expectedCents: bill.amountCents,
        deviation: "",
        submittedById: bill.confirmedById,
        registeredById: null,
        note: `Abrechnung ${bill.reference} zum Platzkauf ${purchase.reference}: ${bill.calculation}. Vom Träger im Portal bestätigt. ${BILL_VAT_NOTE}`.slice(0, 500),
        createdAt: confirmedAt,
        updatedAt: confirmedAt,
      } as unknown as QueryDeepPartialEntity<Invoice>);
    const year = Number((paidOn ?? dueOn).slice(0, 4));
    const commitment = commitmentOf.get(`${purchase.id}|${year}`) ?? null;
    if (paidOn && commitment) {
      commitment.consumedCents = Math.min(commitment.amountCents, commitment.consumedCents + bill.amountCents);
      touched.add(commitment);
    }
    const reference = nextZa(receivedOn.slice(0, 4));
    const sign = (days: number, time: string) => at(addDays(receivedOn, days), time);
    itemRows.push({
        reference,
        sourceType: "invoice",
        invoiceId: 0,
        instalmentId: null,
        providerId: bill.providerId,
        payeeName: (account.holder || provider.name).slice(0, 200),
        iban: account.iban,
        bic: account.bic,
        bankAccountId: account.id,
        amountCents: bill.amountCents,
        dueOn,
        purpose: sepaPurpose(`Rechnung ${bill.reference} Platz ${purchase.reference}`),
        endToEndId: endToEndId(reference),
        budgetLineId: commitment?.budgetLineId ?? c.lineId,
        commitmentId: commitment?.id ?? null,
        status: paidOn ? "paid" : "awaiting_factual",
        holdReason: "",
        registeredById: null,
        factualById: paidOn ? c.procurement : null,
        factualAt: paidOn ? sign(2, "10:20") : null,
        arithmeticById: paidOn ? c.kasse : null,
        arithmeticAt: paidOn ? sign(3, "09:15") : null,
        orderById: paidOn ? c.kasse2 : null,
        orderAt: paidOn ? sign(3, "11:05") : null,
        paidOn,
        paidById: paidOn ? c.kasse : null,
        paidNote: "",
        vopSuggestedName: "",
        cancelReason: "",
        createdAt: confirmedAt,
        updatedAt: paidOn ? at(paidOn, "08:15") : confirmedAt,
      } as unknown as QueryDeepPartialEntity<PaymentItem>);
    billIds.push(bill.id);
  }
  const invoiceIds = await insertChunked(m, Invoice, invoiceRows);
  itemRows.forEach((row, i) => (row.invoiceId = invoiceIds[i]));
  await insertChunked(m, PaymentItem, itemRows);
  for (const [i, id] of billIds.entries()) await m.getRepository(PlaceBill).update({ id }, { invoiceId: invoiceIds[i] });

  // A closed commitment released only what was not paid.
  for (const x of touched) await m.getRepository(Commitment).update({ id: x.id }, { consumedCents: x.consumedCents, ...(x.status === "closed" ? { releasedCents: x.amountCents - x.consumedCents } : {}) });
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
  caseManagerIdFallback: number;
}

interface HistoryPlan {
  plans: PurchasePlan[];
  /** Indexes (into all plans, after the current ones) that get monthly bills. */
  billed: Set<number>;
  outcomes: Map<number, { exit: string; six: string | null }>;
  exams: Map<number, { name: string; passed: boolean }>;
  attendanceShare: number;
}


interface Counts {
  baBae: number;
  ownBae: number;
  maeGroup: number;
  maeIndividual: number;
  maeParticipants: number;
  employer: number;
  employerPlaced: number;
  youthMeasures: number;
  youthParticipants: number;
  reha: number;
  p421i: number;
  /** Participants of training measures (from 2009 on). */
  training: number;
}

/** The 2007 figures of the Eingliederungsbericht (DOMAIN.md § 6). */
export const REPORT_2007: Counts = { baBae: 33, ownBae: 12, maeGroup: 151, maeIndividual: 300, maeParticipants: 2669, employer: 100, employerPlaced: 83, youthMeasures: 5, youthParticipants: 110, reha: 25, p421i: 3, training: 0 };

/** How many of what started in a year: 2007 as reported, other years around it (MAE shrinking after 2011, BaE moving to the BA). */
function countsFor(year: number, thisYear: number, r: () => number, scale: number): Counts {
  const sc = (n: number, recent: boolean) => Math.max(0, Math.round(n * (recent ? 1 : scale)));
  if (year === 2007) {
    const c = REPORT_2007;
    return { ...c, baBae: sc(c.baBae, false), ownBae: c.ownBae, maeGroup: sc(c.maeGroup, false), maeIndividual: sc(c.maeIndividual, false), maeParticipants: sc(c.maeParticipants, false), employer: sc(c.employer, false), employerPlaced: sc(c.employerPlaced, false), youthMeasures: c.youthMeasures, youthParticipants: c.youthParticipants, reha: sc(c.reha, false) };
  }
  // Places still running today are committed on the line: the recent years are not multiplied by the scale.
  const recent = year >= thisYear - 3;
  const j = () => 0.8 + 0.4 * r();
  const mae = year <= 2011 ? 1 : Math.max(0.08, 1 - 0.15 * (year - 2011));
  const maeParticipants = sc(2669 * j() * mae, recent);
  const maeMeasures = Math.max(2, Math.round((maeParticipants * 451) / 2669));
  const maeGroup = Math.max(1, Math.round(maeMeasures * (0.3 + 0.1 * r())));
  const employer = sc(100 * j() * (year <= 2011 ? 1 : 0.6), recent);
  return {
    baBae: sc((year <= 2007 ? 25 + 4 * (year - 2005) : year <= 2015 ? 34 : 14) * j(), recent),
    ownBae: year === 2005 || year === 2006 ? 12 : 0,
    maeGroup,
    maeIndividual: Math.max(1, maeMeasures - maeGroup),
    maeParticipants: Math.max(maeParticipants, maeMeasures),
    employer,
    employerPlaced: Math.round(employer * (0.72 + 0.14 * r())),
    youthMeasures: year <= 2013 ? 4 + Math.round(2 * r()) : 2,
    youthParticipants: 0,
    reha: sc((year <= 2012 ? 25 : 12) * j(), recent),
    p421i: year === 2006 ? 3 : 0,
    training: year >= 2009 ? sc(1000 * (0.9 + 0.2 * r()), recent) : 0,
  };
}

const TRAINING_TITLES = ["Bewerbung und Kenntnisvermittlung Lager/Logistik", "Kenntnisvermittlung Büro und EDV", "Eignungsfeststellung und Bewerbungstraining", "Kenntnisvermittlung Pflegehilfe", "Staplerschein und Lagerwirtschaft", "Kenntnisvermittlung Gastgewerbe"];
const MAE_HOSTS = ["Gemeinde Ottendorf-Okrilla, Bauhof", "Stadt Kamenz, Grünflächenamt", "Tierheim Kamenz e. V.", "Sportverein Einheit Pulsnitz", "Kindergarten Sonnenschein, Bernsdorf", "Heimatmuseum Königsbrück", "Tafel Hoyerswerda e. V.", "Seniorenheim Am Hutberg", "Gemeinde Haselbachtal", "Kirchgemeinde Elstra", "Stadtbibliothek Radeberg", "Naturschutzstation Neukirch"];
const MAE_GROUP_TITLES = ["Landschaftspflege und Wegebau", "Hilfen im Stadtteil", "Sanierung von Spielplätzen", "Archivarbeiten und Digitalisierung", "Begleitdienste für Senioren", "Pflege öffentlicher Grünanlagen", "Möbelbörse und Wiederverwertung", "MAE mit Führerscheinerwerb"];
const EMPLOYER_HOSTS = ["Metallbau Kamenz GmbH", "Lausitzer Elektroanlagen GmbH", "Bäckerei Richter", "Pflegedienst am Markt", "Autohaus Pulsnitz", "Logistikzentrum Königsbrück", "Gärtnerei Ottendorf", "Hotel Westlausitz", "Malerbetrieb Schulze", "Supermarkt Bernsdorf", "Tischlerei Haselbachtal", "Reinigungsservice Radeberg"];

async function historicalContracts(
  m: EntityManager,
  c: HistoryContext,
  spec: { year: number; title: string; measureType: string; legalBasis: string; priceUnit: string; lots: { title: string; quantity: number; startDate: string; durationMonths: number; unitPriceCents: number; successFeeCents: number | null; providerId: number }[] },
  nextV: (y: number) => string,
): Promise<Contract[]> {
  const published = `${spec.year - 1}-10-15`;
  const deadline = `${spec.year - 1}-11-30`;
  const awarded = `${spec.year - 1}-12-20`;
  const value = spec.lots.reduce((a, l) => a + l.quantity * l.unitPriceCents * (spec.priceUnit === "place_month" ? l.durationMonths : 1), 0);
  const tender = await m.getRepository(Tender).save({
    reference: nextV(spec.year - 1),
    title: spec.title,
    description: "Historisches Verfahren (vor Einführung des Programms abgeschlossen und als Vertrag übernommen); Angebote liegen in der Vergabeakte auf Papier vor.",
    measureType: spec.measureType,
    legalBasis: spec.legalBasis,
    procedureType: "open",
    regime: "national",
    estimatedValueCents: value,
    regimeReason: "",
    maxPoints: 100,
    status: "awarded",
    questionsUntil: at(addDays(deadline, -10), "12:00"),
    offersUntil: at(deadline, "12:00"),
    bindingUntil: `${spec.year}-02-28`,
    publishedAt: at(published, "09:00"),
    closedAt: at(deadline, "12:00"),
    openedAt: at(deadline, "12:30"),
    evaluatedAt: at(addDays(deadline, 7), "15:00"),
    awardDecidedAt: at(addDays(deadline, 8), "10:00"),
    informedAt: at(addDays(deadline, 9), "10:00"),
    standstillEndsAt: at(addDays(deadline, 19), "23:59"),
    awardedAt: at(awarded, "10:00"),
    cancelledAt: null,
    cancelReason: "",
    wrappedDataKey: "",
    recordNotes: {},
    retainUntil: null,
    createdById: c.procurementId,
    createdAt: at(addDays(published, -14), "09:00"),
    updatedAt: at(awarded, "10:00"),
  } as Partial<Tender>);
  const out: Contract[] = [];
  let n = 0;
  for (const l of spec.lots) {
    n++;
    const lot = await m.getRepository(Lot).save({ tenderId: tender.id, number: n, title: l.title, quantity: l.quantity, region: "Landkreis Kamenz", startDate: l.startDate, durationMonths: l.durationMonths, priceUnit: spec.priceUnit, estimatedUnitPriceCents: l.unitPriceCents, estimatedSuccessFeeCents: l.successFeeCents, awardedOfferId: null, awardDecision: "award", awardReasons: "Wirtschaftlichstes Angebot (historisch übernommen)." } as Partial<Lot>);
    const offer = await m.getRepository(Offer).save({ tenderId: tender.id, providerId: l.providerId, submittedById: null, submittedByApiTokenId: null, status: "submitted", version: 1, receivedAt: at(addDays(deadline, -3), "10:00"), receivedSha256: "", receivedBytes: 0, sealedSha256: "", sealIv: "", sealTag: "", withdrawnAt: null, receiptDocumentId: null, formalResult: "passed", exclusionReason: "", formalCheckedById: c.procurementId, lowPriceJustification: "" } as Partial<Offer>);
    await m.getRepository(Lot).update({ id: lot.id }, { awardedOfferId: offer.id });
    const end = addDays(addMonths(l.startDate, l.durationMonths), -1);
    out.push(
      await m.getRepository(Contract).save({ reference: `${tender.reference}-L${n}`, tenderId: tender.id, lotId: lot.id, providerId: l.providerId, offerId: offer.id, quantity: l.quantity, priceUnit: spec.priceUnit, unitPriceCents: l.unitPriceCents, successFeeCents: l.successFeeCents, paymentTermDays: 30, budgetLineId: null, startDate: l.startDate, endDate: end, status: end < c.today ? "ended" : "active", concludedAt: at(awarded, "10:00") } as Partial<Contract>),
    );
  }
  return out;
}

/** Plans the history year by year; each year is handed to `flush` (written) before the next is planned. */
async function planHistory(m: EntityManager, c: HistoryContext, flush: (batch: HistoryPlan) => Promise<void>): Promise<void> {
  let plans: PurchasePlan[] = [];
  let billed = new Set<number>();
  let outcomes = new Map<number, { exit: string; six: string | null }>();
  let exams = new Map<number, { name: string; passed: boolean }>();
  const attendanceShare = Math.min(1, 0.04 / Math.max(1, c.scale));
  const r = c.r;
  const today = c.today;
  const thisYear = Number(today.slice(0, 4));
  const yesterday = addDays(today, -1);
  const trainerRows = await m.getRepository(Provider).find({ where: { kind: "training" }, order: { id: "ASC" } });
  const trainers = trainerRows.map((p) => p.id);
  const carriers = trainers.length ? trainers : [c.trainerId];
  // The comparison's two special providers (issue 12; see the header) and the outcome draws' own stream.
  const hardId = trainerRows.find((p) => p.externalKey === HARD_CLIENTS_PROVIDER)?.id ?? null;
  const outlierId = trainerRows.find((p) => p.externalKey === OUTLIER_PROVIDER)?.id ?? null;
  const others = carriers.filter((id) => id !== hardId && id !== outlierId);
  const ro = rng(1214);
  const providerEffect = (providerId: number | null) => (providerId !== null && providerId === outlierId ? OUTLIER_EFFECT : 0);
  /** Whether the participation ends in an integration, drawn from the model (b0 for the measure type). */
  const integrates = (b0: number, p: PurchasePlan) => {
    const cov = c.clients.covariates[p.clientId];
    const lp = b0 + covariateEffect(cov, p.entryDate ?? p.start) + providerEffect(p.measure.providerId);
    return ro() < 1 / (1 + Math.exp(-lp));
  };
  const tenderRefs = await referenceCounter(m, Tender, "V", 3);
  const billShare = Math.min(1, 0.04 / Math.max(1, c.scale));

  // Adults are reused across years when free (never two places at once); the young get a client each.
  const adults: { index: number; born: string; busyUntil: string }[] = [];
  const adult = (start: string, end: string, providerId: number | null = null): number => {
    // The "hard clients" provider's participants come new from the long-term unemployed without qualification.
    if (providerId !== null && providerId === hardId) {
      const born = bornAged(r, int(r, 25, 58), start);
      const index = c.clients.make(born, ["long_term_unemployed"], start, "hard");
      adults.push({ index, born, busyUntil: end });
      return index;
    }
    for (let k = 0; k < 3 && adults.length > 50; k++) {
      const cand = adults[int(r, 0, adults.length - 1)];
      // Reused only while known to be unemployed under two years at the new start, so the clients' unemployment keeps its spread.
      const since = c.clients.covariates[cand.index].since;
      if (cand.busyUntil < start && addMonths(cand.born, 12 * 63) > end && since !== null && monthsBetween(since, start) < 24) {
        cand.busyUntil = end;
        return cand.index;
      }
    }
    const born = bornAged(r, int(r, 25, 58), start);
    const index = c.clients.make(born, r() < 0.45 ? ["long_term_unemployed"] : [], start);
    adults.push({ index, born, busyUntil: end });
    return index;
  };
  const young = (start: string, min = 16, max = 22) => c.clients.make(bornAged(r, int(r, min, max), start), ["youth"], start);
  const dayIn = (year: number, from = 0, to = 364) => {
    const d = addDays(`${year}-01-01`, int(r, from, to));
    return d.slice(0, 4) === String(year) ? d : `${year}-12-31`;
  };
  const history = (year: number) => `${year}-01-01` <= yesterday;

  /** A place that started (or was cancelled before it started): its state from its dates. */
  const place = (measure: MeasureRow, clientIndex: number, start: string, opts: { dropShare?: number; exit?: (p: PurchasePlan) => { exit: string; six: string | null } | null; exam?: boolean; bill?: boolean; cancel?: "cancelled" | "declined"; fixedEnd?: string } = {}) => {
    const end = opts.fixedEnd ?? placeEnd(start, measure.duration, measure.durationUnit);
    const requestedOn = addDays(start, -int(r, 12, 40));
    const approvedOn = addDays(requestedOn, int(r, 0, 3));
    const answeredOn = addDays(approvedOn, int(r, 1, 6));
    const base: PurchasePlan = { measure, clientId: clientIndex, start, end, status: "completed", requestedOn, approvedOn, orderedOn: approvedOn, answeredOn: measure.providerId ? answeredOn : approvedOn, consent: r() < 0.7 };
    if (opts.cancel === "cancelled") {
      plans.push({ ...base, status: "cancelled", answeredOn: null, statusReason: "Vor Beginn storniert: Die Kundin / der Kunde hat eine Arbeit aufgenommen." });
      return;
    }
    if (opts.cancel === "declined") {
      plans.push({ ...base, status: "declined", statusReason: "Kein freier Platz zum gewünschten Termin." });
      return;
    }
    let plan: PurchasePlan;
    if (r() < (opts.dropShare ?? 0)) {
      const span = Math.max(1, daysBetween(start, end));
      const exit = addDays(start, int(r, Math.min(14, span - 1), Math.max(14, span - 1)));
      if (exit <= yesterday) plan = { ...base, status: "dropped_out", entryDate: start, exitDate: exit > end ? end : exit, exitReason: pick(r, ["illness", "no_show", "employment", "moved", "own_wish", "dismissed", "training"]) };
      else plan = { ...base, status: "running", entryDate: start };
    } else if (end <= yesterday) plan = { ...base, status: "completed", entryDate: start, exitDate: end };
    else plan = { ...base, status: "running", entryDate: start };
    const i = plans.length;
    plans.push(plan);
    if (plan.exitDate && opts.exit) {
      const o = opts.exit(plan);
      if (o) outcomes.set(i, o);
    }
    if (opts.exam && plan.status === "completed") exams.set(i, { name: measure.typeCode === "reha_bae" ? "Abschlussprüfung (Fachpraktiker/in, § 66 BBiG)" : "Abschlussprüfung vor der Kammer (IHK/HWK)", passed: r() < 0.8 });
    if (opts.bill && r() < billShare) billed.add(i);
  };
  // Integrations (at exit, or a few only by the six-month check) come from the model; b0 keeps each type's rate.
  const someOutcome = (integrated: number, six = 0.8, kind: "young" | "adult" = "adult") => {
    const b0 = interceptFor(integrated, kind);
    return (p: PurchasePlan) => {
      if (p.exitDate! > addDays(yesterday, -45) && ro() > 0.7) return null; // a few recent exits without a recorded outcome yet
      const hit = integrates(b0, p);
      const status = pick(ro, ["employment", "employment", "employment", "training", "self_employment"]);
      const late = hit && ro() < 0.15; // integrated only after the exit, within six months
      const exit = hit && !late ? status : "none";
      return { exit, six: late ? "employment" : ro() < six * 0.5 ? (hit && ro() < 0.85 ? exit : "none") : null };
    };
  };
  const baeB0 = interceptFor(0.55, "young");
  const baeOutcome = (p: PurchasePlan) => {
    if (p.status === "dropped_out") return { exit: p.exitReason === "training" ? "training" : p.exitReason === "employment" ? "employment" : "none", six: null };
    const exit = integrates(baeB0, p) ? "employment" : "none";
    return { exit, six: ro() < 0.8 ? exit : null };
  };

  // The own contracts (historic, before the programme): BaE 2005–2007, § 421i 2006–2007.
  const ownBae = new Map<number, Contract>();
  for (const year of [2005, 2006, 2007]) {
    if (!history(year)) continue;
    const [contract] = await historicalContracts(m, c, { year, title: `Berufsausbildung in außerbetrieblichen Einrichtungen (BaE) – 12 Plätze, Jahrgang ${year}`, measureType: "bae", legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 240–246 SGB III a.F.", priceUnit: "place_month", lots: [{ title: "BaE, Kamenz", quantity: 12, startDate: `${year}-09-01`, durationMonths: 36, unitPriceCents: 88000 + (year - 2005) * 1500, successFeeCents: null, providerId: carriers[(year - 2005) % carriers.length] }] }, tenderRefs);
    ownBae.set(year, contract);
  }
  const own421i = new Map<number, Contract[]>();
  for (const year of [2006, 2007]) {
    if (!history(year)) continue;
    own421i.set(
      year,
      await historicalContracts(m, c, { year, title: `Vermittlungsmaßnahmen nach § 421i SGB III – drei Maßnahmen mit je 16 Teilnehmenden (${year})`, measureType: "placement_421i", legalBasis: "§ 16 Abs. 1 SGB II i. V. m. § 421i SGB III a.F.", priceUnit: "participant_success", lots: ["Kamenz", "Hoyerswerda", "Radeberg"].map((region, k) => ({ title: `Maßnahme ${k + 1}: Region ${region}`, quantity: 16, startDate: `${year}-0${3 + k}-01`, durationMonths: 6, unitPriceCents: 105000 + k * 4000, successFeeCents: 80000, providerId: carriers[(k + 1) % carriers.length] })) }, tenderRefs),
    );
  }

  for (let year = 2005; year <= thisYear; year++) {
    if (!history(year)) break;
    const lastDay = year === thisYear ? daysBetween(`${year}-01-01`, yesterday) : 364;
    const n = countsFor(year, thisYear, r, c.scale);
    const from = `${year}-01-01`;
    const until = `${year}-12-31`;
    const within = (d: string) => (d > yesterday ? yesterday : d);

    // BaE bought from the BA (one catalogue entry per training year) and the Reha-BaE.
    const baStart = `${year}-09-01` <= yesterday ? `${year}-09-01` : from;
    const ba = c.addMeasure({ providerId: c.agencyId, typeCode: "bae", title: `BaE-Plätze der Agentur für Arbeit Bautzen, Ausbildungsjahr ${year}/${year + 1}`, origin: "ba", baReference: `BA-BZ-${year}-BaE-${String(int(r, 1, 30)).padStart(2, "0")}`, format: "individual", duration: 36, durationUnit: "month", capacity: Math.max(n.baBae, 1) + 5, priceCents: 86000 + (year - 2005) * 1200, priceModel: "place_month", targetGroups: ["youth"], maxAge: 24, validFrom: from, validUntil: until, status: year >= thisYear - 1 ? "active" : "closed", createdById: c.procurementId });
    for (let k = 0; k < n.baBae; k++) {
      const start = within(k < n.baBae * 0.8 ? baStart : dayIn(year, 0, lastDay));
      place(ba, young(start), start, { dropShare: 0.2, exit: baeOutcome, exam: true, bill: true });
    }
    if (year === 2007) for (let k = 0; k < 2; k++) place(ba, young(baStart), baStart, { cancel: "declined" });
    const reha = c.addMeasure({ providerId: c.agencyId, typeCode: "reha_bae", title: `Reha-BaE für lernbehinderte Jugendliche (BA als Reha-Träger), ${year}`, origin: "ba", baReference: `BA-BZ-${year}-REHA`, format: "individual", duration: 36, durationUnit: "month", capacity: Math.max(n.reha, 1), priceCents: 131000, priceModel: "place_month", targetGroups: ["youth", "rehab"], maxAge: 24, validFrom: from, validUntil: until, status: year >= thisYear - 1 ? "active" : "closed", createdById: c.procurementId });
    for (let k = 0; k < n.reha; k++) {
      const start = within(k % 2 ? baStart : dayIn(year, 0, lastDay));
      place(reha, young(start), start, { dropShare: 0.15, exit: baeOutcome, exam: true });
    }

    // The own BaE tender (12 places).
    const contract = ownBae.get(year);
    if (contract) {
      const own = c.addMeasure({ providerId: contract.providerId, typeCode: "bae", title: `BaE aus eigener Ausschreibung (${contract.reference}), Jahrgang ${year}`, origin: "contract", contractId: contract.id, format: "group", entryMode: "dates", startDates: [contract.startDate], duration: 36, durationUnit: "month", capacity: contract.quantity, priceCents: contract.unitPriceCents, priceModel: "place_month", targetGroups: ["youth"], maxAge: 24, validFrom: addMonths(contract.startDate, -3), validUntil: contract.startDate, status: "closed", createdById: c.procurementId });
      for (let k = 0; k < n.ownBae; k++) place(own, young(contract.startDate), contract.startDate, { dropShare: 0.2, exit: baeOutcome, exam: true, bill: true });
    }

    // § 421i: three own measures with 16 participants each.
    for (const k of own421i.get(year) ?? []) {
      const mm = c.addMeasure({ providerId: k.providerId, typeCode: "p421i", title: `Eingliederungsmaßnahme § 421i SGB III (${k.reference})`, origin: "contract", contractId: k.id, format: "group", entryMode: "dates", startDates: [k.startDate], duration: 6, durationUnit: "month", capacity: 16, priceCents: k.unitPriceCents, priceModel: "participant", eventFees: [{ event: "success", label: "Erfolgsprämie je Integration", amountCents: k.successFeeCents ?? 0 }], minAge: 18, maxAge: 64, validFrom: addMonths(k.startDate, -2), validUntil: k.startDate, status: "closed", createdById: c.procurementId });
      for (let q = 0; q < 16; q++) place(mm, adult(k.startDate, placeEnd(k.startDate, 6, "month"), mm.providerId), k.startDate, { dropShare: 0.15, exit: someOutcome(0.35) });
    }

    // MAE: group measures at carriers, individual placements with a host; participants spread over them.
    const maeMeasures: MeasureRow[] = [];
    for (let k = 0; k < n.maeGroup + n.maeIndividual; k++) {
      const group = k < n.maeGroup;
      const host = pick(r, MAE_HOSTS);
      maeMeasures.push(
        c.addMeasure({ providerId: pick(r, carriers), typeCode: "mae", title: group ? `MAE-Gruppenmaßnahme „${pick(r, MAE_GROUP_TITLES)}“ ${year}` : `MAE-Einsatzplatz ${host} ${year}`, origin: "certified", azav: { number: `AZAV-M-${year}-${String(k + 1).padStart(4, "0")}`, from: `${year - 1}-10-01`, until: `${year + 2}-09-30` }, hostName: group ? "" : host, format: group ? "group" : "individual", duration: 6, durationUnit: "month", weeklyHours: 3000, capacity: group ? 25 : 3, priceCents: 15000 + 500 * int(r, 0, 10), priceModel: "mae_month", proRata: "days", targetGroups: ["long_term_unemployed"], minAge: 18, maxAge: 64, validFrom: from, validUntil: until, status: year >= thisYear ? "active" : "closed", createdById: c.procurementId }),
      );
    }
    // Every measure gets at least one participant; the rest go mostly to the group measures.
    const perMeasure = maeMeasures.map(() => 1);
    let left = n.maeParticipants - maeMeasures.length;
    for (let k = n.maeGroup; k < maeMeasures.length && left > 0; k++) {
      const extra = Math.min(left, r() < 0.5 ? 1 : 0);
      perMeasure[k] += extra;
      left -= extra;
    }
    for (let k = 0; left > 0; k = (k + 1) % Math.max(1, n.maeGroup)) {
      perMeasure[k]++;
      left--;
    }
    maeMeasures.forEach((mm, k) => {
      for (let q = 0; q < perMeasure[k]; q++) {
        const start = dayIn(year, 0, lastDay);
        const months = int(r, 3, 9);
        const end = placeEnd(start, months, "month");
        place(mm, adult(start, end, mm.providerId), start, { fixedEnd: end, dropShare: 0.12, exit: someOutcome(0.12, 0.5), bill: true });
      }
    });
    if (year === 2007) for (let k = 0; k < 12; k++) {
      const mm = maeMeasures[k];
      const start = dayIn(year, 0, 330);
      place(mm, adult(start, placeEnd(start, 6, "month")), start, { cancel: "cancelled" });
    }

    // Employer-based training (≤ 2 weeks, no price): exits in the same year, a share placed.
    if (n.employer > 0) {
      const hosts = Math.max(1, Math.round(n.employer / 2.5));
      const ems = Array.from({ length: hosts }, (_, k) => {
        const host = EMPLOYER_HOSTS[k % EMPLOYER_HOSTS.length];
        return c.addMeasure({ providerId: null, typeCode: "employer_training", title: `Trainingsmaßnahme beim Arbeitgeber: ${host}${k >= EMPLOYER_HOSTS.length ? ` (${Math.floor(k / EMPLOYER_HOSTS.length) + 1})` : ""} ${year}`, origin: "employer", hostName: host, format: "individual", duration: 2, durationUnit: "week", weeklyHours: 4000, capacity: 4, priceCents: 0, priceModel: "none", validFrom: from, validUntil: until, status: "closed", createdById: c.caseManagerIdFallback });
      });
      const placed = new Set<number>();
      while (placed.size < n.employerPlaced) placed.add(int(r, 0, n.employer - 1));
      for (let k = 0; k < n.employer; k++) {
        const start = dayIn(year, 0, Math.min(lastDay - 14, 345));
        if (start > addDays(yesterday, -14)) continue;
        const weeks = r() < 0.7 ? 2 : 1;
        const end = placeEnd(start, weeks, "week");
        const isPlaced = placed.has(k);
        place(ems[k % ems.length], adult(start, end), start, { fixedEnd: end, exit: () => ({ exit: isPlaced ? "employment" : "none", six: isPlaced ? (r() < 0.8 ? "employment" : "none") : null }) });
      }
    }

    // Youth vocational aid (ESF): measures with about 22 participants each.
    const youthParticipants = year === 2007 ? REPORT_2007.youthParticipants : n.youthMeasures * int(r, 16, 26);
    const yms = Array.from({ length: n.youthMeasures }, (_, k) =>
      c.addMeasure({ providerId: carriers[(k + year) % carriers.length], typeCode: "youth", title: `Jugendberufshilfe: ${pick(r, ["Werkstattjahr", "Kompetenzagentur", "Berufsorientierung im Verbund", "Aktivierungshilfe", "Jugendwerkstatt"])} ${year} (${k + 1})`, origin: "certified", azav: { number: `AZAV-M-${year}-J${k + 1}`, from: `${year - 1}-10-01`, until: `${year + 2}-09-30` }, format: "group", duration: 10, durationUnit: "month", weeklyHours: 3000, capacity: 30, priceCents: 240000, priceModel: "participant", targetGroups: ["youth"], minAge: 15, maxAge: 24, validFrom: from, validUntil: until, status: year >= thisYear ? "active" : "closed", createdById: c.procurementId }),
    );
    for (let k = 0; k < youthParticipants && yms.length; k++) {
      const start = within(`${year}-0${1 + (k % 2) * 7}-15` <= yesterday ? `${year}-0${1 + (k % 2) * 7}-15` : from);
      place(yms[k % yms.length], young(start, 16, 23), start, { dropShare: 0.2, exit: someOutcome(0.4, 0.8, "young") });
    }

    // Training measures (Trainingsmaßnahmen, 8 weeks, courses of 12), from 2009 on: a quarter of the
    // participants at the outlier, a fifth at the "hard clients" provider, the rest spread (issue 12).
    if (n.training > 0) {
      const courses = Math.max(1, Math.round(n.training / 12));
      const trainingOutcome = someOutcome(0.35);
      for (let k = 0; k < courses; k++) {
        const w = r();
        const provider = w < 0.25 && outlierId !== null ? outlierId : w < 0.45 && hardId !== null ? hardId : pick(r, others.length ? others : carriers);
        const start = dayIn(year, 0, lastDay);
        const tm = c.addMeasure({ providerId: provider, typeCode: "training", title: `Trainingsmaßnahme ${pick(r, TRAINING_TITLES)} ${year} (${k + 1})`, origin: "certified", azav: { number: `AZAV-M-${year}-T${String(k + 1).padStart(4, "0")}`, from: `${year - 1}-10-01`, until: `${year + 2}-09-30` }, format: "group", entryMode: "dates", startDates: [start], duration: 8, durationUnit: "week", weeklyHours: 2500, capacity: 15, priceCents: 90000 + 5000 * int(r, 0, 8), priceModel: "participant", minAge: 25, maxAge: 64, validFrom: from, validUntil: until, status: year >= thisYear ? "active" : "closed", createdById: c.procurementId });
        const size = k < courses - 1 ? 12 : Math.max(1, n.training - 12 * (courses - 1));
        for (let q = 0; q < size; q++) place(tm, adult(start, placeEnd(start, 8, "week"), provider), start, { dropShare: 0.1, exit: trainingOutcome });
      }
    }
    await flush({ plans, billed, outcomes, exams, attendanceShare });
    plans = [];
    billed = new Set();
    outcomes = new Map();
    exams = new Map();
  }
}
