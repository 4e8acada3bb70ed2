import { beforeAll, describe, expect, it } from "vitest";
import { Outcome, Provider } from "../../entities";
import { setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import type { PersonUser } from "~/services/auth.server";
import { comparisonView, factsCacheStats, factsRefreshed, FACTS_NOW_REUSE_MS, FACTS_STALE_MS, keepComparisonFresh, providerFigures } from "~/services/outcome-comparison.server";
import { freshDatabase } from "../setup/db";
import { makeMeasure, participation } from "../setup/comparison-facts";

/**
 * The facts' cache of the provider comparison (issue 12 point 10): a call is answered from the
 * cache only while nothing was written; a new outcome, a changed outcome or a new participation
 * make the next call read afresh; an explicit asOf (a tender's offer deadline) is honoured exactly.
 * Fixed dates in 2031/2032 (setClock), so it passes on any date.
 */

let provider: Provider;
const X = "2032-01-10T10:00:00.000Z";
const Y = "2032-02-15T10:00:00.000Z";
const staff = { id: 1, email: "s@test.example", name: "S", role: "case_manager", providerId: null, providerAdmin: false, comparisonAccess: true } as unknown as PersonUser;
const figures = async (asOf: string) => (await providerFigures({ providerIds: [provider.id], measure: "integration", typeCode: null, from: "2031-01-01", to: "2031-12-31", asOf })).get(provider.id)!;
/** The cache's hits and misses during `fn`. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; hits: number; misses: number }> {
  const [h, m] = [factsCacheStats.hits, factsCacheStats.misses];
  const value = await fn();
  return { value, hits: factsCacheStats.hits - h, misses: factsCacheStats.misses - m };
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2032-03-01T09:00:00.000Z");
  const at = new Date().toISOString();
  provider = await (await em()).getRepository(Provider).save({
    externalKey: null, kind: "training", name: "Cache Bildung GmbH", legalForm: "GmbH", street: "Weg 1", postalCode: "01917", city: "Kamenz", region: "Kamenz",
    vatId: null, email: "cache@test.example", phone: "", serviceCategories: [], tradeRegistrationDate: null, active: true, createdAt: at, updatedAt: at,
  } as Partial<Provider>);
  const measure = await makeMeasure(provider.id);
  for (let i = 0; i < 4; i++) await participation(measure, "2031-04-30", { status: "employment" });
  for (let i = 0; i < 4; i++) await participation(measure, "2031-04-30", { status: "none" });
}, 60_000);

/** The cache exists on SQLite only (its stamp is SQLite's change counters); PostgreSQL has no cheap equivalent and reads afresh every time. */
const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;

describe.runIf(onPostgres)("PostgreSQL: no facts cache", () => {
  it("every call reads afresh: never a hit, and a new participation counts at once", async () => {
    const first = await counted(() => figures(X));
    expect([first.value.k, first.value.n]).toEqual([4, 8]);
    const again = await counted(() => figures(X));
    expect(again.hits).toBe(0);
    const measure = await makeMeasure(provider.id);
    await participation(measure, "2031-04-30", { status: "employment", recordedAt: "2032-02-01T00:00:00.000Z" });
    const afterWrite = await counted(() => figures(Y));
    expect(afterWrite.hits).toBe(0);
    expect([afterWrite.value.k, afterWrite.value.n]).toEqual([5, 9]);
  });
});

describe.skipIf(onPostgres)("the comparison's facts cache", () => {
  it("answers a repeated call from the cache, and reads afresh after a new participation, a new outcome or a changed one", async () => {
    const first = await counted(() => figures(X));
    expect([first.value.k, first.value.n]).toEqual([4, 8]);
    const again = await counted(() => figures(X));
    expect([again.hits, again.misses]).toEqual([1, 0]);
    expect([again.value.k, again.value.n, again.value.rate]).toEqual([4, 8, 0.5]);

    // A participation whose integration is recorded after X: at X its exit counts, the integration does not.
    const measure = await makeMeasure(provider.id);
    const late = await participation(measure, "2031-04-30", { status: "employment", recordedAt: "2032-02-01T00:00:00.000Z" });
    const afterWrite = await counted(() => figures(X));
    expect([afterWrite.hits, afterWrite.misses]).toEqual([0, 1]);
    expect([afterWrite.value.k, afterWrite.value.n]).toEqual([4, 9]);
    // The same facts at Y (after the recording): an exact asOf is never served from facts read at another instant.
    const atY = await counted(() => figures(Y));
    expect(atY.misses).toBe(1);
    expect([atY.value.k, atY.value.n]).toEqual([5, 9]);

    // An outcome changed in place (no new row): none → employment.
    const m = await em();
    const none = await m.getRepository(Outcome).findOneOrFail({ where: { status: "none", checkpoint: "exit" }, order: { id: "ASC" } });
    expect(none.purchaseId).not.toBe(late.id);
    await m.getRepository(Outcome).update(none.id, { status: "employment", startDate: "2031-04-30" });
    const changed = await counted(() => figures(Y));
    expect([changed.hits, changed.misses]).toEqual([0, 1]);
    expect([changed.value.k, changed.value.n]).toEqual([6, 9]);
    // … and a second earlier asOf is still what was recorded by then.
    expect([(await figures(X)).k, (await figures(X)).n]).toEqual([5, 9]);
  });

  it("a page 'as of now' reuses facts read earlier the same day while nothing was written, but not across midnight or after the reuse window; after a write, past FACTS_STALE_MS, it answers from them and reads afresh in the background", async () => {
    const q = { line: "places", measure: "integration", period: "year", year: "2031", adjust: "raw" };
    setClock("2032-03-01T09:00:00.000Z");
    const first = await counted(() => comparisonView(staff, q));
    const row = (v: Awaited<ReturnType<typeof comparisonView>>) => v.rows.find((r) => r.providerId === provider.id)!.cells.integration!;
    expect([row(first.value).k, row(first.value).n]).toEqual([6, 9]);
    setClock("2032-03-01T09:05:00.000Z");
    const soon = await counted(() => comparisonView(staff, q));
    expect([soon.hits, soon.misses]).toEqual([1, 0]);
    expect(soon.value.dataAsOf).toBe(first.value.dataAsOf); // the data's date is when the facts were read
    // An explicit instant five minutes later is read afresh (exact asOf).
    expect((await counted(() => figures("2032-03-01T09:05:00.000Z"))).misses).toBe(1);
    // The reuse window is over.
    setClock(new Date(Date.parse("2032-03-01T09:05:00.000Z") + FACTS_NOW_REUSE_MS + 1000).toISOString()); // the newest facts (09:05) are older than the window
    expect((await counted(() => comparisonView(staff, q))).misses).toBe(1);
    // Midnight in Berlin (23:00 UTC in winter) a minute apart: another day, read afresh.
    setClock("2032-03-01T22:59:30.000Z");
    await comparisonView(staff, q);
    setClock("2032-03-01T23:00:30.000Z");
    expect((await counted(() => comparisonView(staff, q))).misses).toBe(1);
    // A new outcome recorded now: within FACTS_STALE_MS the page shows the facts read before
    // (with their data's date) and reads nothing; after it, the page still answers at once from
    // them and reads afresh in the background: the next call shows the new outcome.
    const before = await comparisonView(staff, q);
    const measure = await makeMeasure(provider.id);
    await participation(measure, "2031-04-30", { status: "employment", recordedAt: "2032-03-01T23:00:00.000Z" });
    const stale = await counted(() => comparisonView(staff, q));
    expect([stale.hits, stale.misses]).toEqual([1, 0]);
    expect((await counted(() => factsRefreshed())).misses).toBe(0); // nothing read in the background either
    expect(stale.value.dataAsOf).toBe(before.dataAsOf);
    expect([row(stale.value).k, row(stale.value).n]).toEqual([6, 9]);
    setClock(new Date(Date.parse(before.dataAsOf) + FACTS_STALE_MS + 1000).toISOString());
    const served = await counted(async () => {
      const v = await comparisonView(staff, q);
      await factsRefreshed();
      return v;
    });
    expect([served.hits, served.misses]).toEqual([1, 1]); // answered from the cache, read once in the background
    expect(served.value.dataAsOf).toBe(before.dataAsOf);
    expect([row(served.value).k, row(served.value).n]).toEqual([6, 9]);
    const fresh = await counted(() => comparisonView(staff, q));
    expect([fresh.hits, fresh.misses]).toEqual([1, 0]);
    expect(fresh.value.dataAsOf > before.dataAsOf).toBe(true);
    expect([row(fresh.value).k, row(fresh.value).n]).toEqual([7, 10]);
  });

  it("the job runner reads afresh the views used today before they are older than half the reuse window, so the page finds them in the cache", async () => {
    const q = { line: "places", measure: "integration", period: "year", year: "2031", adjust: "raw" };
    setClock("2032-03-02T08:00:00.000Z");
    const first = await counted(() => comparisonView(staff, q));
    expect(first.misses).toBe(1);
    // Nothing is due yet: the view's facts are fresh (the default views are read once).
    await keepComparisonFresh();
    const quiet = await counted(() => keepComparisonFresh());
    expect(quiet.misses).toBe(0);
    // Just before half the window: nothing read; just after: the used view is read again.
    setClock(new Date(Date.parse("2032-03-02T08:00:00.000Z") + FACTS_NOW_REUSE_MS / 2 - 1000).toISOString());
    expect((await counted(() => keepComparisonFresh())).misses).toBe(0);
    const due = new Date(Date.parse("2032-03-02T08:00:00.000Z") + FACTS_NOW_REUSE_MS / 2 + 1000).toISOString();
    setClock(due);
    expect((await counted(() => keepComparisonFresh())).misses).toBeGreaterThanOrEqual(1);
    // Past the reuse window of the first read, the page is still answered from the job's read.
    setClock(new Date(Date.parse("2032-03-02T08:00:00.000Z") + FACTS_NOW_REUSE_MS + 1000).toISOString());
    const page = await counted(() => comparisonView(staff, q));
    expect([page.hits, page.misses]).toEqual([1, 0]);
    expect(page.value.dataAsOf >= due && page.value.dataAsOf < new Date(Date.parse(due) + 60_000).toISOString()).toBe(true); // the job's read (the clock runs on from setClock)
  });

  it("with more views used in a day than the cache holds, the job runner keeps only the most recent few fresh and does not read them again on the next pass", async () => {
    setClock("2032-03-03T08:00:00.000Z");
    await participation(await makeMeasure(provider.id), "2022-04-30", { status: "none", recordedAt: "2022-05-01T10:00:00.000Z" }, "completed", "2022-02-01"); // data from 2022 on: ten years to choose from
    for (let year = 2022; year <= 2031; year++) await comparisonView(staff, { line: "places", measure: "integration", period: "year", year: String(year), adjust: "raw" });
    setClock(new Date(Date.parse("2032-03-03T08:00:00.000Z") + FACTS_NOW_REUSE_MS / 2 + 60_000).toISOString());
    const first = await counted(() => keepComparisonFresh());
    expect(first.misses).toBeGreaterThan(0);
    expect(first.misses).toBeLessThanOrEqual(4);
    // The next pass a few seconds later finds them all fresh: nothing pushed another out.
    const next = await counted(() => keepComparisonFresh());
    expect(next.misses).toBe(0);

  });
});
