/**
 * The provider comparison (issue 12): loads the pseudonymous facts ONCE per request with a few
 * set-based queries (no query per provider or participation), runs the pure comparison
 * (app/domain/outcome-comparison.ts) and returns view models with only what is shown.
 * Staff with the right see all providers (comparisonView); a provider sees only its own figures
 * against the anonymised overall rate (ownComparison); the tender's past performance reads
 * providerFigures as of the offer deadline.
 */
import crypto from "node:crypto";
import type { EntityManager } from "typeorm";
import { Assignment, Client, FeeInstalment, Measure, MeasureType, PaymentItem, PlacementClaim, PlacePurchase, Provider } from "../../entities";
import { ForbiddenError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { INTEGRATION_STATUSES } from "~/domain/places";
import { addMonths, berlinDate } from "~/domain/time";
import {
  compare,
  regionsOf,
  covariatesOf,
  funnelLimitsFor,
  isPrimary,
  lineOf,
  positionFor,
  measuresOf,
  MEASURE_DEFINITIONS,
  MEASURE_LABELS,
  parseComparisonQuery,
  parseRegionalRates,
  RATE_MEASURES,
  type BrokerFact,
  type Cell,
  type Comparison,
  type ComparisonQuery,
  type Facts,
  type MeasureKey,
  type PeriodKind,
  type PlaceFact,
  type QueryInput,
} from "~/domain/outcome-comparison";
import { isSmall, type FunnelPosition } from "~/domain/outcome-stats";
import { distinctNames } from "~/domain/comparison-report";
import { nowIso, today } from "~/lib/clock.server";
import { sessionSecret } from "~/lib/config.server";
import { databaseKind, em } from "~/lib/db.server";
import { getSettings } from "~/lib/settings.server";
import type { FigureInput } from "~/domain/past-performance";
import type { CurrentUser } from "./auth.server";

export type { MeasureKey } from "~/domain/outcome-comparison";

const byName = new Intl.Collator("de");

/** One provider's figure for one measure (the source of past-performance points). */
export interface ProviderFigure extends FigureInput {
  providerId: number;
  measure: MeasureKey;
  from: string;
  to: string;
  asOf: string;
  adjustment: "regression" | "strata" | "none";
}

// ---------------------------------------------------------------------------------------------
// Loading the facts

interface LoadOptions {
  line: "places" | "brokers" | "both";
  from: string;
  to: string;
  /** ISO instant: what was recorded later is not counted. */
  asOf: string;
  regionalRates: ReadonlyMap<string, number>;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const groups = (v: unknown): string[] => {
  if (Array.isArray(v)) return v as string[];
  try {
    const parsed = JSON.parse(String(v ?? "[]"));
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
};
/** A date or instant column as YYYY-MM-DD (PostgreSQL may hand back Date objects). */
const day = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const instant = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

/** `?` placeholders as the database wants them ($1, $2, … on PostgreSQL). */
function placeholders(sql: string): string {
  if (databaseKind() !== "postgres") return sql;
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/**
 * The period's reach: every participation that entered by the period's end and had not left
 * before its start (exits, entries and exams of the period all lie in it) — ONE row per
 * participation, with its client's covariate fields, its outcomes at exit and after six months,
 * its latest exam and the sum paid, each as recorded by `asOf`. Only these narrow columns are read
 * (no entities): the rows' materialisation was most of the comparison's time (issue 12 point 10).
 * The measure type is filtered in memory: a type condition in SQL makes SQLite walk every measure
 * of the type through ix_place_purchases_measure instead of the exit-date index. The sum paid is
 * read from the participation's invoices (CROSS JOIN keeps SQLite from walking every paid item).
 */
const PLACE_FACTS_SQL = `
  SELECT p.id AS "id", p."providerId" AS "providerId", p."entryDate" AS "entryDate", p."exitDate" AS "exitDate", p."endDate" AS "plannedEnd", p.status AS "status",
         m."typeCode" AS "typeCode", m.region AS "region",
         c."birthDate" AS "birthDate", c."unemployedSince" AS "unemployedSince", c.qualification AS "qualification", c."targetGroups" AS "targetGroups", c.region AS "clientRegion",
         oe.status AS "exitStatus", oe."startDate" AS "exitStart", os.status AS "laterStatus", os."startDate" AS "laterStart",
         (SELECT MAX(x."examDate") FROM exam_results x WHERE x."purchaseId" = p.id AND x."reportedAt" <= ?) AS "examDate",
         (SELECT MAX(CASE WHEN x.passed THEN 1 ELSE 0 END) FROM exam_results x WHERE x."purchaseId" = p.id AND x."reportedAt" <= ?) AS "examPassed",
         (SELECT SUM(pi."amountCents") FROM invoices i CROSS JOIN payment_items pi
           WHERE i."purchaseId" = p.id AND pi."invoiceId" = i.id AND pi.status = 'paid' AND pi."paidOn" <= ?) AS "paidCents"
    FROM place_purchases p
    JOIN measures m ON m.id = p."measureId"
    JOIN clients c ON c.id = p."clientId"
    LEFT JOIN outcomes oe ON oe."purchaseId" = p.id AND oe.checkpoint = 'exit' AND oe."recordedAt" <= ?
    LEFT JOIN outcomes os ON os."purchaseId" = p.id AND os.checkpoint = 'six_months' AND os."recordedAt" <= ?
   WHERE p."providerId" IS NOT NULL AND p."entryDate" IS NOT NULL AND p."entryDate" <= ? AND (p."exitDate" IS NULL OR p."exitDate" >= ?)`;

async function loadPlaceFacts(m: EntityManager, o: LoadOptions): Promise<PlaceFact[]> {
  const asOfDate = berlinDate(o.asOf);
  const rows: Record<string, unknown>[] = await m.query(placeholders(PLACE_FACTS_SQL), [o.asOf, o.asOf, asOfDate, o.asOf, o.asOf, o.to, o.from]);
  const integration = new Set<string>(INTEGRATION_STATUSES);
  return rows.map((r) => {
    const entryDate = day(r.entryDate);
    // An exit after the data's date is not known yet.
    const exitRaw = day(r.exitDate);
    const exitDate = exitRaw !== null && exitRaw <= asOfDate ? exitRaw : null;
    const limit = exitDate === null ? null : addMonths(exitDate, 6);
    // An outcome counts when it is an integration that began within six months of the exit.
    const within = (status: unknown, startDate: string | null) => status !== null && status !== undefined && integration.has(String(status)) && limit !== null && (startDate === null || startDate <= limit);
    const exitStart = day(r.exitStart);
    const laterStart = day(r.laterStart);
    const atExit = within(r.exitStatus, exitStart);
    const later = laterStart !== null && within(r.laterStatus, laterStart);
    const integrated = atExit || later;
    const integratedOn = !integrated ? null : atExit ? (exitStart ?? exitDate) : (laterStart ?? exitDate);
    const hasLater = r.laterStatus !== null && r.laterStatus !== undefined;
    const sustained = integrated && hasLater ? integration.has(String(r.laterStatus)) : null;
    return {
      id: num(r.id),
      providerId: num(r.providerId),
      typeCode: String(r.typeCode),
      region: String(r.region ?? ""),
      entryDate,
      plannedEnd: day(r.plannedEnd),
      exitDate,
      droppedOut: exitDate !== null && r.status === "dropped_out" && !integrated,
      integrated,
      integratedOn,
      sustained,
      examDate: day(r.examDate),
      examPassed: num(r.examPassed) === 1,
      paidCents: num(r.paidCents),
      covariates: covariatesOf(
        { birthDate: day(r.birthDate), unemployedSince: day(r.unemployedSince), qualification: String(r.qualification ?? ""), targetGroups: groups(r.targetGroups), region: String(r.clientRegion || r.region || "") },
        entryDate ?? o.from,
        o.regionalRates,
      ),
    };
  });
}

/** Claim states and instalment states that count (a placement accepted; instalment 2 earned). */
const SECOND_INSTALMENT_REACHED = ["earned", "payable", "paid"];

async function loadBrokerFacts(m: EntityManager, o: LoadOptions): Promise<BrokerFact[]> {
  const asOfDate = berlinDate(o.asOf);
  const reach = (qb: ReturnType<EntityManager["createQueryBuilder"]>) => qb.andWhere("a.issuedOn >= :from AND a.issuedOn <= :to", { from: o.from, to: o.to });
  const assignments = await reach(
    m
      .getRepository(Assignment)
      .createQueryBuilder("a")
      .innerJoin(Client, "c", "c.id = a.clientId")
      .select(['a.id AS "id"', 'a.providerId AS "providerId"', 'a.issuedOn AS "issuedOn"', 'a.region AS "region"'])
      .addSelect(['c.birthDate AS "birthDate"', 'c.unemployedSince AS "unemployedSince"', 'c.qualification AS "qualification"', 'c.targetGroups AS "targetGroups"', 'c.region AS "clientRegion"'])
      .where("1 = 1"),
  ).getRawMany<Record<string, unknown>>();
  if (assignments.length === 0) return [];
  const claims = await reach(
    m
      .getRepository(PlacementClaim)
      .createQueryBuilder("pc")
      .innerJoin(Assignment, "a", "a.id = pc.assignmentId")
      .select(['pc.id AS "id"', 'pc.assignmentId AS "assignmentId"', 'pc.contractDate AS "contractDate"'])
      .where("pc.status = 'accepted' AND pc.decidedAt IS NOT NULL AND pc.decidedAt <= :asOf", { asOf: o.asOf }),
  ).getRawMany<Record<string, unknown>>();
  const seconds = await reach(
    m
      .getRepository(FeeInstalment)
      .createQueryBuilder("fi")
      .innerJoin(PlacementClaim, "pc", "pc.id = fi.claimId")
      .innerJoin(Assignment, "a", "a.id = pc.assignmentId")
      .select(['pc.assignmentId AS "assignmentId"'])
      .where("fi.number = 2 AND fi.status IN (:...reached) AND (fi.earnedAt IS NULL OR fi.earnedAt <= :asOf)", { reached: SECOND_INSTALMENT_REACHED, asOf: o.asOf }),
  ).getRawMany<Record<string, unknown>>();
  const paid = await reach(
    m
      .getRepository(PaymentItem)
      .createQueryBuilder("pi")
      .innerJoin(FeeInstalment, "fi", "fi.id = pi.instalmentId")
      .innerJoin(PlacementClaim, "pc", "pc.id = fi.claimId")
      .innerJoin(Assignment, "a", "a.id = pc.assignmentId")
      .select(['pc.assignmentId AS "assignmentId"', 'COALESCE(SUM(pi.amountCents), 0) AS "cents"'])
      .where("pi.status = 'paid' AND pi.paidOn <= :asOfDate", { asOfDate })
      .groupBy("pc.assignmentId"),
  ).getRawMany<Record<string, unknown>>();

  const placedBy = new Map<number, string>();
  for (const c of claims) {
    const a = num(c.assignmentId);
    const d = day(c.contractDate)!;
    if (!placedBy.has(a) || d < placedBy.get(a)!) placedBy.set(a, d);
  }
  const secondBy = new Set(seconds.map((s) => num(s.assignmentId)));
  const paidBy = new Map(paid.map((r) => [num(r.assignmentId), num(r.cents)]));
  return assignments.map((r) => {
    const id = num(r.id);
    const issuedOn = day(r.issuedOn)!;
    const placedOn = placedBy.get(id) ?? null;
    return {
      id,
      providerId: num(r.providerId),
      region: String(r.region ?? ""),
      issuedOn,
      placedOn,
      secondInstalment: placedOn !== null && secondBy.has(id),
      paidCents: paidBy.get(id) ?? 0,
      covariates: covariatesOf(
        { birthDate: day(r.birthDate), unemployedSince: day(r.unemployedSince), qualification: String(r.qualification ?? ""), targetGroups: groups(r.targetGroups), region: String(r.clientRegion || r.region || "") },
        issuedOn,
        o.regionalRates,
      ),
    };
  });
}

export async function loadFacts(o: LoadOptions): Promise<Facts> {
  const m = await em();
  return {
    places: o.line === "brokers" ? [] : await loadPlaceFacts(m, o),
    brokers: o.line === "places" ? [] : await loadBrokerFacts(m, o),
  };
}

// ---------------------------------------------------------------------------------------------
// The facts' cache (issue 12 point 10)
//
// Reading the facts is most of a comparison's time, and the data rarely changes between two
// looks at the page. So the facts of the last few periods are kept in this process, each with the
// database's state when it was read: on SQLite `total_changes()` (every row written through this
// connection, committed or not) and `PRAGMA data_version` (changes when another connection
// commits) — both O(1). Any write in between, to any table, makes the next call read afresh.
// asOf is honoured exactly: a call with an explicit instant (a tender's offer deadline) is served
// only from facts read at that very instant; a call "as of now" (the pages) also from facts read
// earlier the same Berlin day, at most FACTS_NOW_REUSE_MS ago: unchanged when nothing was written
// since, and — at most FACTS_STALE_MS after they were read — also when something was. Older facts
// after a write still answer the page at once (its data's date shows when they were read), and the
// same call starts reading them afresh in the background; the job runner keeps the views used in
// the last day fresher than half the reuse window (keepComparisonFresh), so a page reads the
// database itself only for a view nobody looked at today. Issue 12 point 10 allows precomputed
// figures up to a day old; these are at most FACTS_NOW_REUSE_MS old.
// On PostgreSQL (several processes, no cheap change counter) the cache is not used.

/** How long facts read "as of now" may answer later calls of the same day (read afresh in the background after a write). */
export const FACTS_NOW_REUSE_MS = 10 * 60 * 1000;
/** How long facts read "as of now" answer although something was written since, without reading afresh. */
export const FACTS_STALE_MS = 30 * 1000;
const FACTS_CACHE_SIZE = 8;
/** How many views the job runner keeps fresh (the most recently used). */
const FRESH_VIEWS = FACTS_CACHE_SIZE / 2;

interface CachedFacts {
  key: string;
  state: string;
  asOf: string;
  facts: Facts;
}
const factsCache = new WeakMap<object, CachedFacts[]>();
/** Calls answered from the cache and calls that read the database (for tests and the benchmark). */
export const factsCacheStats = { hits: 0, misses: 0 };

/** Frozen all the way down: a comparison kept for later calls must not be changed by one of them. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
/**
 * The secret salt of the perturbed counts' record keys: derived from the session secret, so it is
 * the same in every process of the installation and unknown outside it (whoever knew it and the
 * records' ids could undo the rounding).
 */
export function cellKeySalt(): number {
  return crypto.createHash("sha256").update(`comparison cell key\n${sessionSecret()}`).digest().readUInt32BE(0);
}
const comparisons = new WeakMap<Facts, Map<string, Comparison>>();

/**
 * compare() over cached facts, itself kept with them (the same facts and options give the same
 * result: compare is pure). The result is frozen; callers build their views from it.
 */
function compareFacts(facts: Facts, o: Parameters<typeof compare>[1]): Comparison {
  const key = JSON.stringify(o);
  let byOptions = comparisons.get(facts);
  const hit = byOptions?.get(key);
  if (hit) return hit;
  const result = deepFreeze(compare(facts, o));
  if (!byOptions) comparisons.set(facts, (byOptions = new Map()));
  if (byOptions.size >= 32) byOptions.delete(byOptions.keys().next().value!);
  byOptions.set(key, result);
  return result;
}

/** Drops the cached facts of this process (the benchmark measures a call after a change with it). */
export async function forgetFacts(): Promise<void> {
  factsCache.delete((await em()).connection);
}

async function databaseState(m: EntityManager): Promise<string | null> {
  if (databaseKind() !== "sqlite") return null;
  const [changes] = await m.query("SELECT total_changes() AS n");
  const [version] = await m.query("PRAGMA data_version");
  return `${changes?.n}:${version?.data_version}`;
}

/** Reads in the background, one per view at a time (key → the read). */
const refreshing = new Map<string, Promise<void>>();
/** The views "as of now" used in this process, and when (the job runner keeps them fresh). */
const usedViews = new Map<string, { o: Omit<LoadOptions, "asOf">; at: number }>();

function viewKey(o: Omit<LoadOptions, "asOf">): string {
  return JSON.stringify([o.line, o.from, o.to, [...o.regionalRates.entries()].sort()]);
}

/** Reads the facts and keeps them with the state the database had before the read. */
async function readIntoCache(m: EntityManager, o: LoadOptions, key: string, state: string): Promise<Facts> {
  factsCacheStats.misses++;
  // The state is taken BEFORE reading: a write while reading makes the entry stale at once.
  const facts = await loadFacts(o);
  const list = factsCache.get(m.connection) ?? [];
  // Kept: other periods, and entries that may still answer a later call (exact asOf, or "now" within the windows).
  const kept = list.filter((c) => !(c.key === key && c.asOf === o.asOf) && (c.state === state || Date.parse(o.asOf) - Date.parse(c.asOf) <= FACTS_NOW_REUSE_MS));
  kept.unshift({ key, state, asOf: o.asOf, facts });
  factsCache.set(m.connection, kept.slice(0, FACTS_CACHE_SIZE));
  return facts;
}

/** Starts reading a view afresh "as of now" in the background, unless it is being read already. */
function refreshInBackground(o: Omit<LoadOptions, "asOf">, key: string): void {
  if (refreshing.has(key)) return;
  const read = (async () => {
    const m = await em();
    const state = await databaseState(m);
    if (state !== null) await readIntoCache(m, { ...o, asOf: nowIso() }, key, state);
  })()
    .catch((error) => console.error("Trägervergleich: Daten im Hintergrund nicht gelesen:", error instanceof Error ? error.message : error))
    .finally(() => refreshing.delete(key));
  refreshing.set(key, read);
}

/** Resolves when the background reads started so far are done (tests, benchmark, shutdown). */
export async function factsRefreshed(): Promise<void> {
  while (refreshing.size > 0) await Promise.all([...refreshing.values()]);
}

/**
 * The facts as loadFacts reads them, from the cache when the database has not changed since
 * (see above), and the instant they were read (the data's date to show). `now`: asOf is the
 * current instant (the pages), not a fixed one: then facts read earlier the same day, at most
 * FACTS_NOW_REUSE_MS ago, also answer; if something was written since and they are older than
 * FACTS_STALE_MS, they are read afresh in the background for the next call.
 */
export async function cachedFacts(o: LoadOptions, now = false): Promise<{ facts: Facts; asOf: string }> {
  const m = await em();
  const state = await databaseState(m);
  if (state === null) return { facts: await loadFacts(o), asOf: o.asOf };
  const key = viewKey(o);
  if (now) usedViews.set(key, { o: { line: o.line, from: o.from, to: o.to, regionalRates: o.regionalRates }, at: Date.parse(o.asOf) });
  const list = factsCache.get(m.connection) ?? [];
  const exact = list.find((c) => c.key === key && c.asOf === o.asOf && c.state === state);
  // "As of now": the newest facts of the same Berlin day within the reuse window.
  const earlier = now ? list.find((c) => c.key === key && c.asOf < o.asOf && berlinDate(c.asOf) === berlinDate(o.asOf) && Date.parse(o.asOf) - Date.parse(c.asOf) <= FACTS_NOW_REUSE_MS) : undefined;
  const hit = exact ?? earlier;
  if (hit) {
    factsCacheStats.hits++;
    if (hit === earlier && hit.state !== state && Date.parse(o.asOf) - Date.parse(hit.asOf) > FACTS_STALE_MS) refreshInBackground(o, key);
    return { facts: hit.facts, asOf: hit.asOf };
  }
  return { facts: await readIntoCache(m, o, key, state), asOf: o.asOf };
}

/**
 * For the job runner: reads afresh the views "as of now" used in the last day (and the pages'
 * default views) whose newest facts are older than half the reuse window, so that a page finds
 * them in the cache: the FRESH_VIEWS most recently used. One view at a time; on PostgreSQL
 * nothing (no cache).
 */
export async function keepComparisonFresh(): Promise<number> {
  const m = await em();
  if ((await databaseState(m)) === null) return 0;
  const at = nowIso();
  const settings = await comparisonSettings();
  for (const line of ["places", "brokers"] as const) {
    const { query } = parseComparisonQuery({ line }, { period: settings.defaultPeriod, today: today(), minYear: 1900 });
    const o = { line, from: query.period.from, to: query.period.to, regionalRates: settings.regionalRates };
    const key = viewKey(o);
    if (!usedViews.has(key)) usedViews.set(key, { o, at: Date.parse(at) });
  }
  for (const [key, view] of [...usedViews]) if (Date.parse(at) - view.at > 24 * 3600 * 1000) usedViews.delete(key);
  // The most recently used views only, half as many as the cache holds: refreshing more would
  // push each other out of the cache and be read again on every pass.
  const views = [...usedViews].sort((a, b) => b[1].at - a[1].at).slice(0, FRESH_VIEWS);
  let read = 0;
  for (const [key, view] of views) {
    const list = factsCache.get(m.connection) ?? [];
    const fresh = list.some((c) => c.key === key && c.asOf <= at && berlinDate(c.asOf) === berlinDate(at) && Date.parse(at) - Date.parse(c.asOf) <= FACTS_NOW_REUSE_MS / 2);
    if (fresh || refreshing.has(key)) continue;
    refreshInBackground(view.o, key);
    await refreshing.get(key);
    read++;
  }
  return read;
}

async function comparisonSettings() {
  const s = await getSettings();
  const minCell = Number(s["comparison.minCell"]) || 3;
  const regional = parseRegionalRates(String(s["comparison.regionalRates"] ?? ""));
  const period = String(s["comparison.defaultPeriod"] ?? "rolling24") as PeriodKind;
  // On unless set to 0 (a missing or unreadable value keeps the protection).
  const groupDisclosure = Number(s["comparison.groupDisclosure"] ?? 1) !== 0;
  const insiders = Number(s["comparison.insiderProtection"] ?? 0) === 1;
  return { minCell, groupDisclosure, insiders, regionalRates: regional.error ? new Map<string, number>() : regional.rates, regionalError: regional.error, defaultPeriod: (["year", "rolling12", "rolling24"].includes(period) ? period : "rolling24") as PeriodKind };
}

// ---------------------------------------------------------------------------------------------
// Past performance for tenders

/**
 * Figures of the given providers for one measure, over [from, to] (dates of exit / assignment),
 * counting only what was recorded by `asOf` (ISO instant; e.g. a tender's offer deadline).
 * Providers without data are absent from the map. The overall rate and the risk model are
 * computed over all providers of the period (not only the ones asked for).
 */
export async function providerFigures(q: { providerIds: number[]; measure: MeasureKey; typeCode: string | null; from: string; to: string; asOf: string; dropoutCountsRunning?: boolean }): Promise<Map<number, ProviderFigure>> {
  const settings = await comparisonSettings();
  const line = lineOf(q.measure);
  const { facts } = await cachedFacts({ line, from: q.from, to: q.to, asOf: q.asOf, regionalRates: settings.regionalRates });
  const result = compareFacts(facts, { measure: q.measure, period: { from: q.from, to: q.to }, typeCode: q.typeCode, adjust: "adjusted", minCell: settings.minCell, suppress: false, asOf: berlinDate(q.asOf), funnel: false, dropoutCountsRunning: q.dropoutCountsRunning });
  const overall = result.overall[q.measure]!;
  const out = new Map<number, ProviderFigure>();
  for (const row of result.rows) {
    if (!q.providerIds.includes(row.providerId)) continue;
    const c = row.cells[q.measure];
    if (!c || c.n === 0) continue;
    out.set(row.providerId, {
      providerId: row.providerId,
      measure: q.measure,
      k: c.k,
      n: c.n,
      rate: c.rate,
      low: c.low,
      high: c.high,
      expected: row.expected,
      ratio: row.ratio,
      ratioLow: row.ratioLow,
      ratioHigh: row.ratioHigh,
      overallRate: overall.rate,
      // Too few persons to be shown (the tender decides what such a bidder gets).
      suppressed: c.n > 0 && c.n < settings.minCell,
      from: q.from,
      to: q.to,
      asOf: q.asOf,
      adjustment: result.adjustment,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The staff page

export function mayCompare(user: CurrentUser | null | undefined): boolean {
  return !!user && user.role !== "provider" && can(user.role, "read:comparison:any") && Boolean(user.comparisonAccess);
}

async function filterOptions(m: EntityManager) {
  const types = await m.getRepository(MeasureType).find({ order: { sortOrder: "ASC" } });
  const regions = await m.getRepository(Measure).createQueryBuilder("m").select("DISTINCT m.region", "region").where("m.region <> ''").getRawMany<{ region: string }>();
  const assignmentRegions = await m.getRepository(Assignment).createQueryBuilder("a").select("DISTINCT a.region", "region").where("a.region <> ''").getRawMany<{ region: string }>();
  const first = await m.getRepository(PlacePurchase).createQueryBuilder("p").select("MIN(p.startDate)", "d").getRawOne<{ d: unknown }>();
  const firstA = await m.getRepository(Assignment).createQueryBuilder("a").select("MIN(a.issuedOn)", "d").getRawOne<{ d: unknown }>();
  const years = [day(first?.d), day(firstA?.d)].filter((d): d is string => !!d).map((d) => Number(d.slice(0, 4)));
  return {
    types: types.map((t) => ({ value: t.code, label: t.name })),
    regions: [...new Set([...regions, ...assignmentRegions].map((r) => r.region))].sort((a, b) => a.localeCompare(b, "de")),
    minYear: years.length ? Math.min(...years) : Number(today().slice(0, 4)),
  };
}

/** A provider's key as the comparison shows it: its external key ("DEMO-T-0007"), else "Nr. <id>". */
export function providerKey(p: { id: number; externalKey: string | null }): string {
  return p.externalKey?.trim() ? p.externalKey.trim() : `Nr. ${p.id}`;
}

/**
 * Names and keys of the providers. Names are not unique (several organisations share one), so a
 * name that occurs more than once among `ids` carries its key: "Bildungswerk Bischofswerda (DEMO-T-0007)".
 */
async function providerNames(m: EntityManager, ids: number[]): Promise<Map<number, { name: string; key: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await m.getRepository(Provider).createQueryBuilder("p").select(["p.id", "p.name", "p.externalKey"]).where("p.id IN (:...ids)", { ids }).getMany();
  return distinctNames(rows.map((p) => ({ id: p.id, name: p.name, key: providerKey(p) })));
}


/**
 * The report's count of the brokers line (the 2007 report: "Arbeitsverträge durch private
 * Vermittler"): accepted placement claims whose employment contract was signed in [from, to] and
 * that were decided by `asOf` — by contract date, unlike the comparison's placement rate (by
 * assignment date). One COUNT query; with a region, the assignment's region.
 */
export async function brokerContractsInPeriod(m: EntityManager, q: { from: string; to: string; asOf: string; region: string | null }): Promise<number> {
  const qb = m
    .getRepository(PlacementClaim)
    .createQueryBuilder("c")
    .where("c.status = :accepted", { accepted: "accepted" })
    .andWhere("c.contractDate >= :from AND c.contractDate <= :to", { from: q.from, to: q.to })
    .andWhere("c.decidedAt IS NOT NULL AND c.decidedAt <= :asOf", { asOf: q.asOf });
  if (q.region) qb.innerJoin(Assignment, "a", "a.id = c.assignmentId").andWhere("a.region = :region", { region: q.region });
  return qb.getCount();
}

export interface ComparisonRowView {
  providerId: number;
  /** The name, with the key appended when another provider of the comparison has the same name. */
  name: string;
  /** Provider.externalKey, or "Nr. <id>" when it has none. */
  key: string;
  cells: Partial<Record<MeasureKey, Cell>>;
  expected: number | null;
  expectedRate: number | null;
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  position: FunnelPosition | null;
}

export interface ComparisonView {
  query: ComparisonQuery;
  errors: string[];
  options: { types: { value: string; label: string }[]; regions: string[]; minYear: number; years: number[] };
  measures: { key: MeasureKey; label: string; definition: string; isRate: boolean }[];
  measureLabel: string;
  isRate: boolean;
  overall: Partial<Record<MeasureKey, Cell>>;
  rows: ComparisonRowView[];
  funnel: (NonNullable<Comparison["funnel"]> & { points: (NonNullable<Comparison["funnel"]>["points"][number] & { name: string })[] }) | null;
  outsideNames: { name: string; position: FunnelPosition }[];
  adjustment: Comparison["adjustment"];
  model: Comparison["model"];
  minCell: number;
  /** Rates of 0 % and 100 % are withheld (the setting comparison.groupDisclosure). */
  groupDisclosure: boolean;
  /** Withheld cells are protected against a withheld provider subtracting its own (the setting comparison.insiderProtection). */
  insiderProtection: boolean;
  /** The data's date: the moment the figures were computed (everything recorded by then). */
  dataAsOf: string;
  regionalRatesKnown: string[];
  regionalError: string | null;
  typeLabel: string | null;
  /** Cases exist for the measure, but every provider's cell is suppressed: say "withheld because of small numbers", not "no data". */
  allSuppressed: boolean;
  /**
   * Brokers line only: employment contracts through brokers in the period by contract date (the
   * report's figure), for a calendar year over all regions; null with `brokerContractsWithheld`
   * when it is not shown (see brokerContractsFigure).
   */
  brokerContracts: number | null;
  brokerContractsWithheld: "small" | "view" | null;
}

/**
 * The count of contracts through brokers is exact and not per provider, so it is shown only where
 * it gives no person away: for a calendar year over all regions (overlapping rolling windows or
 * one region against the others would give a day's or a region's few contracts by difference),
 * and not when it is 1 or 2 (DOMAIN.md § 4).
 */
async function brokerContractsFigure(m: EntityManager, query: { line: string; region: string | null; period: { kind: string; from: string; to: string } }, asOf: string, minCell: number): Promise<Pick<ComparisonView, "brokerContracts" | "brokerContractsWithheld">> {
  if (query.line !== "brokers") return { brokerContracts: null, brokerContractsWithheld: null };
  if (query.region || query.period.kind !== "year") return { brokerContracts: null, brokerContractsWithheld: "view" };
  const count = await brokerContractsInPeriod(m, { from: query.period.from, to: query.period.to, asOf, region: null });
  return isSmall(count, minCell) ? { brokerContracts: null, brokerContractsWithheld: "small" } : { brokerContracts: count, brokerContractsWithheld: null };
}

/** An unknown measure type in the query: a message, and all types instead (never zeros for a type that does not exist). */
function dropUnknownType(query: { typeCode: string | null }, errors: string[], known: readonly string[], problems: Partial<Record<keyof QueryInput, string>>) {
  if (!query.typeCode || known.includes(query.typeCode)) return;
  problems.type = `Die Maßnahmeart „${query.typeCode.slice(0, 40)}“ gibt es nicht.`;
  errors.push(`${problems.type} Gezeigt werden alle Arten.`);
  query.typeCode = null;
}

/** The comparison of all providers for staff with the right (an admin grants comparisonAccess). */
export async function comparisonView(user: CurrentUser, input: QueryInput): Promise<ComparisonView> {
  if (!mayCompare(user)) throw new ForbiddenError("Den Trägervergleich sehen nur Beschäftigte, denen die Administration das Recht dazu gegeben hat.");
  const settings = await comparisonSettings();
  const m = await em();
  const options = await filterOptions(m);
  const requestedAt = nowIso();
  const { query, errors, problems } = parseComparisonQuery(input, { period: settings.defaultPeriod, today: today(), minYear: options.minYear });
  dropUnknownType(query, errors, options.types.map((t) => t.value), problems);
  if (query.region) {
    // As the filter compares regions: trimmed, in any case; shown in the recorded spelling.
    const key = query.region.trim().toLowerCase();
    const known = options.regions.find((r) => r.trim().toLowerCase() === key);
    if (known) query.region = known;
    else {
      errors.push(`Die Region „${query.region.slice(0, 40)}“ gibt es nicht. Gezeigt werden alle Regionen.`);
      query.region = null;
    }
  }
  // The data's date: the instant the facts were read (the cache may answer with facts read a little earlier).
  const { facts, asOf: now } = await cachedFacts({ line: query.line, from: query.period.from, to: query.period.to, asOf: requestedAt, regionalRates: settings.regionalRates }, true);
  // Rolling periods overlap each other and the calendar years: their counts are perturbed (perturbCell).
  const perturbSalt = query.period.kind === "year" ? undefined : cellKeySalt();
  const result = compareFacts(facts, { measure: query.measure, period: query.period, typeCode: query.typeCode, region: query.region, adjust: query.adjust, minCell: settings.minCell, groupDisclosure: settings.groupDisclosure, insiders: settings.insiders, asOf: berlinDate(now), perturbSalt });
  const names = await providerNames(
    m,
    result.rows.map((r) => r.providerId),
  );
  const nameOf = (id: number) => names.get(id)?.name ?? `Träger ${id}`;
  const rows = result.rows.map((r) => ({ ...r, name: nameOf(r.providerId), key: names.get(r.providerId)?.key ?? `Nr. ${r.providerId}` })).sort((a, b) => byName.compare(a.name, b.name));
  const currentYear = Number(today().slice(0, 4));
  return {
    query,
    errors,
    // The region filter offers the regions with records of this line in the period (and the one chosen).
    options: { ...options, regions: regionsOf(facts, query.region), years: Array.from({ length: Math.max(0, currentYear - options.minYear + 1) }, (_, i) => currentYear - i) },
    measures: measuresOf(query.line).map((key) => ({ key, label: MEASURE_LABELS[key], definition: MEASURE_DEFINITIONS[key], isRate: RATE_MEASURES.includes(key) })),
    measureLabel: MEASURE_LABELS[query.measure],
    isRate: RATE_MEASURES.includes(query.measure),
    overall: result.overall,
    rows,
    funnel: result.funnel ? { ...result.funnel, points: result.funnel.points.map((p) => ({ ...p, name: nameOf(p.providerId) })) } : null,
    outsideNames: (result.funnel?.outside ?? []).map((o) => ({ name: nameOf(o.providerId), position: o.position })),
    adjustment: result.adjustment,
    // No model for a handful of cases: its strata or calibration groups would show small counts.
    model: (result.overall[query.measure]?.n ?? 0) >= settings.minCell && result.overall[query.measure]?.suppressed === null ? result.model : null,
    minCell: settings.minCell,
    groupDisclosure: settings.groupDisclosure,
    insiderProtection: settings.insiders,
    dataAsOf: now,
    regionalRatesKnown: [...settings.regionalRates.keys()],
    regionalError: settings.regionalError,
    typeLabel: query.typeCode ? (options.types.find((t) => t.value === query.typeCode)?.label ?? query.typeCode) : null,
    allSuppressed: result.allSuppressed,
    ...(await brokerContractsFigure(m, query, now, settings.minCell)),
  };
}

// ---------------------------------------------------------------------------------------------
// The provider's own view (portal, API)

export interface OwnComparison {
  query: ComparisonQuery;
  errors: string[];
  /** The same problems per query field, without what is shown instead (the API answers 400). */
  problems: Partial<Record<keyof QueryInput, string>>;
  measures: { key: MeasureKey; label: string; definition: string; isRate: boolean }[];
  measureLabel: string;
  isRate: boolean;
  /** Only the user's organisation. */
  own: { cells: Partial<Record<MeasureKey, Cell>>; expected: number | null; expectedRate: number | null; ratio: number | null; ratioLow: number | null; ratioHigh: number | null };
  /** The overall figures of all providers together (anonymised), per measure. */
  overall: Partial<Record<MeasureKey, Cell>>;
  /** The limits at the organisation's n (rates) or expected count (ratios), and where it lies. */
  limits: { low95: number; high95: number; low998: number; high998: number } | null;
  position: FunnelPosition | null;
  adjustment: Comparison["adjustment"];
  model: { method: "regression" | "strata"; variables: { label: string; oddsRatio: number }[]; auc: number | null } | null;
  minCell: number;
  dataAsOf: string;
}

/** The other organisations an overall figure must pool at least, so that it never stands for one or two of them. */
export const OVERALL_MIN_OTHERS = 3;
/** … and no single one of them may hold more than this share of their cases (dominance). */
export const OVERALL_MAX_SHARE = 0.8;

/**
 * Whether the overall figure must be withheld from a provider: total − own is the others' pooled
 * figure, so it is shown only when it pools at least OVERALL_MIN_OTHERS other organisations with
 * at least `minCell` cases together, none of them dominating (DOMAIN.md § 4, rule 15).
 */
export function othersHidden(rows: readonly { providerId: number; cells: Partial<Record<MeasureKey, Cell>> }[], providerId: number, key: MeasureKey, minCell: number, group = false): boolean {
  const cells = rows.filter((r) => r.providerId !== providerId).map((r) => r.cells[key]).filter((c): c is Cell => !!c && c.n > 0);
  const others = cells.map((c) => c.n);
  const total = others.reduce((a, b) => a + b, 0);
  if (others.length < OVERALL_MIN_OTHERS || total < minCell) return true;
  if (Math.max(...others) > OVERALL_MAX_SHARE * total) return true;
  // The others' pooled rate is a cell of its own: withheld when it is primary (1 or 2 events or
  // non-events, as 1 of 15 or 14 of 15), and when every one of them is withheld on the staff page
  // and all had the same outcome (0 % or 100 % of three cells under 3 names each one's result);
  // with the setting comparison.groupDisclosure, whenever all the others had the same outcome.
  const k = cells.reduce((a, c) => a + c.k, 0);
  if (RATE_MEASURES.includes(key) && isPrimary({ ...cells[0], k, n: total, method: "wilson" }, minCell, group)) return true;
  return RATE_MEASURES.includes(key) && (k === 0 || k === total) && cells.every((c) => isPrimary(c, minCell));
}

const round = (v: number | null, digits: number) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

function roundOverall(key: MeasureKey, v: number | null): number | null {
  if (v === null) return null;
  if (RATE_MEASURES.includes(key)) return Math.round(v * 1000) / 1000;
  return key === "days_to_placement" ? Math.round(v) : Math.round(v / 100) * 100; // days; cents to whole euros
}

/** A provider's own figures against the anonymised overall rate: never another provider's name, id or figure. */
export async function ownComparison(user: CurrentUser, input: QueryInput): Promise<OwnComparison> {
  if (user.role !== "provider" || !user.providerId || !can(user.role, "read:outcomes:own")) throw new ForbiddenError();
  const providerId = user.providerId;
  const settings = await comparisonSettings();
  const m = await em();
  const provider = await m.getRepository(Provider).findOne({ where: { id: providerId }, select: { id: true, kind: true } });
  const requestedAt = nowIso();
  const line = provider?.kind === "broker" ? "brokers" : "places";
  const first = line === "brokers" ? await m.getRepository(Assignment).createQueryBuilder("a").select("MIN(a.issuedOn)", "d").getRawOne<{ d: unknown }>() : await m.getRepository(PlacePurchase).createQueryBuilder("p").select("MIN(p.startDate)", "d").getRawOne<{ d: unknown }>();
  const minYear = day(first?.d) ? Number(day(first?.d)!.slice(0, 4)) : Number(today().slice(0, 4));
  const { query, errors, problems } = parseComparisonQuery({ ...input, line }, { period: settings.defaultPeriod, today: today(), minYear });
  if (query.typeCode) dropUnknownType(query, errors, (await m.getRepository(MeasureType).find({ select: { code: true } })).map((t) => t.code), problems);
  const { facts, asOf: now } = await cachedFacts({ line, from: query.period.from, to: query.period.to, asOf: requestedAt, regionalRates: settings.regionalRates }, true);
  const options = { measure: query.measure, period: query.period, typeCode: query.typeCode, region: query.region, adjust: query.adjust, minCell: settings.minCell, groupDisclosure: settings.groupDisclosure, insiders: settings.insiders, asOf: berlinDate(now) };
  const result = compareFacts(facts, { ...options, suppress: false });
  const published = compareFacts(facts, options);
  const row = result.rows.find((r) => r.providerId === providerId);
  const measures = measuresOf(line);
  const ownCells: Partial<Record<MeasureKey, Cell>> = {};
  const overall: Partial<Record<MeasureKey, Cell>> = {};
  for (const key of measures) {
    const mine = row?.cells[key] ?? { k: 0, n: 0, rate: null, low: null, high: null, method: "none", suppressed: null };
    const all = result.overall[key]!;
    ownCells[key] = mine;
    // Withheld where the staff page withholds the total too, so the portal never shows more.
    overall[key] = othersHidden(result.rows, providerId, key, settings.minCell, settings.groupDisclosure) || published.overall[key]?.suppressed

      ? { ...all, k: 0, n: 0, rate: null, low: null, high: null, suppressed: "secondary" }
      : // Only the rate, rounded (to 0.1 % or a whole euro/day): its k and n would give the others' total away.
        { ...all, k: 0, n: 0, rate: roundOverall(key, all.rate), low: null, high: null };
  }
  const mine = ownCells[query.measure]!;
  const overallHidden = overall[query.measure]!.suppressed !== null;
  const limits = overallHidden || !RATE_MEASURES.includes(query.measure) || mine.n === 0 ? null : funnelLimitsFor(query.adjust, result, mine.n, row?.expected ?? null);
  const value = query.adjust === "adjusted" ? (row?.ratio ?? null) : mine.rate;
  return {
    query,
    errors,
    problems,
    measures: measures.map((key) => ({ key, label: MEASURE_LABELS[key], definition: MEASURE_DEFINITIONS[key], isRate: RATE_MEASURES.includes(key) })),
    measureLabel: MEASURE_LABELS[query.measure],
    isRate: RATE_MEASURES.includes(query.measure),
    own: {
      cells: ownCells,
      // Rounded like the overall: exact expected values would give the overall rate back.
      expected: overallHidden ? null : round(row?.expected ?? null, 1),
      expectedRate: overallHidden ? null : round(row?.expectedRate ?? null, 3),
      ratio: overallHidden ? null : round(row?.ratio ?? null, 2),
      ratioLow: overallHidden ? null : round(row?.ratioLow ?? null, 2),
      ratioHigh: overallHidden ? null : round(row?.ratioHigh ?? null, 2),
    },
    overall,
    limits,
    position: limits && value !== null ? positionFor(query.adjust, result, mine, row?.expected ?? null) : null,
    adjustment: overallHidden ? "none" : result.adjustment,
    model: result.model && !overallHidden ? { method: result.model.method, variables: result.model.variables.map((v) => ({ label: v.label, oddsRatio: v.oddsRatio })), auc: result.model.auc } : null,
    minCell: settings.minCell,
    dataAsOf: now,
  };
}
