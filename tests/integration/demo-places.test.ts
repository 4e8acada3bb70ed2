import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { In, IsNull, MoreThan, Not } from "typeorm";
import { BudgetLine, BudgetYear, Client, Commitment, Invoice, Measure, PaymentItem, PlaceBill, PlacePurchase, User } from "../../entities";
import { availableCents } from "~/domain/finance";
import { ageOn, costByYear, HOLDING_STATES, needsApproval, PURCHASE_STATES, totalOf } from "~/domain/places";
import { nowIso, setClock, today } from "~/lib/clock.server";
import { em } from "../setup/db";
import { getSettings } from "~/lib/settings.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoFinance } from "~/demo/demo-finance-seed.server";
import { seedDemoPlacements } from "~/demo/demo-placements.server";
import { seedDemoPlaces, type DemoPlacesResult } from "~/demo/demo-places.server";
import { seedDemoTenders } from "~/demo/demo-tenders.server";
import { lineYearFigures } from "~/services/budget.server";
import { approvalAboveCents } from "~/services/place-common.server";
import { measuresInYear } from "~/services/place-report.server";

/**
 * The places demo set at scale 1, seeded as bootstrap does (after the finance set), on the demo's
 * own budget: today's purchases in every state with their commitments, the route table's ids,
 * and the history that reproduces the Eingliederungsbericht 2007 (DOMAIN.md § 6).
 */
let result: DemoPlacesResult;
let seconds: number;

beforeAll(async () => {
  await freshDatabase({ budget: false });
  // The real date (the demo is seeded on any date): only the 2007 figures are fixed.
  await seedDemoData({ scale: 1 });
  await seedDemoPlacements({ scale: 1 });
  await seedDemoTenders();
  await seedDemoFinance({ scale: 1 });
  const started = performance.now();
  result = await seedDemoPlaces({ scale: 1 });
  seconds = (performance.now() - started) / 1000;
  console.log(`seedDemoPlaces({ scale: 1 }): ${seconds.toFixed(2)} s`, result);
}, 300_000);

describe("seedDemoPlaces: today's work", () => {
  it("runs once", async () => {
    expect(result.purchases).toBeGreaterThan(10);
    expect(await seedDemoPlaces({ scale: 1 })).toEqual({ measures: 0, purchases: 0, clients: 0, commitments: 0, bills: 0, attendance: 0, outcomes: 0 });
  });

  it("has current purchases in every state, relative to today", async () => {
    const m = await em();
    const t = today();
    const recent = await m.getRepository(PlacePurchase).find();
    const current = recent.filter((p) => p.requestedAt.slice(0, 10) >= addYears(t, -2));
    for (const state of PURCHASE_STATES) expect(current.filter((p) => p.status === state).length, state).toBeGreaterThan(0);
    const requested = current.filter((p) => p.status === "requested");
    expect(requested.some((p) => p.approvalNeeded)).toBe(true);
    for (const p of current.filter((x) => ["running", "completed", "dropped_out"].includes(x.status))) {
      expect(p.entryDate, p.reference).not.toBeNull();
      expect(p.entryDate! <= t, p.reference).toBe(true);
    }
    for (const p of current.filter((x) => ["completed", "dropped_out"].includes(x.status))) expect(p.exitDate! <= t, p.reference).toBe(true);
    for (const p of current.filter((x) => ["requested", "approved", "ordered", "confirmed"].includes(x.status))) expect(p.startDate > t, p.reference).toBe(true);
  });

  it("creates nothing in the future: no client, purchase or request later than now", async () => {
    const m = await em();
    const now = nowIso();
    const future = await m.getRepository(Client).find({ where: { createdAt: MoreThan(now) } });
    expect(future.map((c) => `${c.reference} ${c.createdAt}`)).toEqual([]);
    expect(await m.getRepository(PlacePurchase).count({ where: { requestedAt: MoreThan(now) } })).toBe(0);
    expect(await m.getRepository(PlacePurchase).count({ where: { createdAt: MoreThan(now) } })).toBe(0);
  });

  it("writes purchases as the services would: references, approval, estimated cost", async () => {
    const m = await em();
    const above = approvalAboveCents(await getSettings());
    const measures = new Map((await m.getRepository(Measure).find()).map((x) => [x.id, x]));
    for (const x of measures.values()) expect(x.reference).toMatch(/^MN-\d{4}-\d{5}$/); // as measures.server.ts numbers them
    const purchases = await m.getRepository(PlacePurchase).find();
    for (const p of purchases) {
      expect(p.reference).toMatch(/^EP-\d{4}-\d{5}$/);
      const est = totalOf(costByYear(p, p.startDate, p.endDate));
      expect(p.estimatedCents, p.reference).toBe(est);
      expect(p.approvalNeeded, p.reference).toBe(needsApproval(est, above));
      expect(p.providerId).toBe(measures.get(p.measureId)!.providerId);
      if (p.approvedAt && p.approvalNeeded) expect(p.approvedById).not.toBe(p.requestedById);
    }
    for (const b of await m.getRepository(PlaceBill).find({ take: 200 })) expect(b.reference).toMatch(/^AB-\d{4}-\d{6}$/);
  });

  it("commits every year of every holding purchase (the sum is the estimated cost) and keeps the line within its budget", async () => {
    const m = await em();
    const holding = await m.getRepository(PlacePurchase).find({ where: { status: In([...HOLDING_STATES]) } });
    expect(holding.length).toBeGreaterThan(5);
    const line = await m.getRepository(BudgetLine).findOneByOrFail({ number: (await getSettings())["places.budgetLine"] });
    for (const p of holding) {
      const rows = await m.getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: p.id } });
      expect(rows.reduce((a, c) => a + c.amountCents, 0), p.reference).toBe(p.estimatedCents);
      expect(rows.map((c) => c.year).sort(), p.reference).toEqual(costByYear(p, p.startDate, p.endDate).map((s) => s.year));
      for (const c of rows) {
        expect(c.status).toBe("open");
        expect(c.budgetLineId).toBe(line.id);
        expect(c.reference).toMatch(new RegExp(`^MB-${c.year}-\\d{5}$`));
      }
    }
    const years = (await m.getRepository(BudgetYear).find({ where: { budgetLineId: line.id } })).map((y) => y.year);
    for (const y of years) expect(availableCents(await lineYearFigures(m, line.id, y)), `${line.number} ${y}`).toBeGreaterThanOrEqual(0);
  });

  it("closes the commitments of every purchase that ended, was cancelled or declined (released: the rest), also in the history", async () => {
    const m = await em();
    const ended = await m.getRepository(PlacePurchase).find({ where: { status: Not(In([...HOLDING_STATES])) }, select: { id: true, reference: true, estimatedCents: true, startDate: true } });
    expect(ended.some((p) => p.startDate < "2008-01-01")).toBe(true);
    const rows = await m.getRepository(Commitment).find({ where: { sourceType: "purchase" }, select: { sourceId: true, amountCents: true, consumedCents: true, releasedCents: true, status: true, closedAt: true } });
    const bySource = new Map<number, Commitment[]>();
    for (const c of rows) bySource.set(c.sourceId!, [...(bySource.get(c.sourceId!) ?? []), c]);
    for (const p of ended) {
      const own = bySource.get(p.id) ?? [];
      expect(own.reduce((a, c) => a + c.amountCents, 0), p.reference).toBe(p.estimatedCents);
      for (const c of own) {
        expect(c.status, p.reference).toBe("closed");
        expect(c.closedAt, p.reference).not.toBeNull();
        expect(c.consumedCents + c.releasedCents, p.reference).toBe(c.amountCents);
      }
    }
  });

  it("gives places only to clients within the measure's age range on the start date (BaE and youth up to 24, MAE and § 421i 18 to 64)", async () => {
    const m = await em();
    const measures = new Map((await m.getRepository(Measure).find({ select: { id: true, typeCode: true, minAge: true, maxAge: true } })).map((x) => [x.id, x]));
    for (const x of measures.values()) {
      if (x.typeCode === "mae") expect([x.minAge, x.maxAge], x.typeCode).toEqual([18, 64]);
    }
    const range: Record<string, [number, number]> = { bae: [15, 24], reha_bae: [15, 24], youth: [15, 24], mae: [18, 64], p421i: [18, 64] };
    const births = new Map((await m.getRepository(Client).find({ select: { id: true, birthDate: true } })).map((c) => [c.id, c.birthDate]));
    const purchases = await m.getRepository(PlacePurchase).find({ select: { id: true, reference: true, measureId: true, clientId: true, startDate: true } });
    let checked = 0;
    for (const p of purchases) {
      const x = measures.get(p.measureId)!;
      const age = ageOn(births.get(p.clientId)!, p.startDate);
      if (x.minAge !== null) expect(age, `${p.reference} ${x.typeCode}`).toBeGreaterThanOrEqual(x.minAge);
      if (x.maxAge !== null) expect(age, `${p.reference} ${x.typeCode}`).toBeLessThanOrEqual(x.maxAge);
      const [lo, hi] = range[x.typeCode] ?? [0, 200];
      expect(age, `${p.reference} ${x.typeCode}`).toBeGreaterThanOrEqual(lo);
      expect(age, `${p.reference} ${x.typeCode}`).toBeLessThanOrEqual(hi);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("turned today's confirmed bills into invoices and payment items as confirmBills does; paid ones consumed the commitment", async () => {
    const m = await em();
    const t = today();
    // Today's purchases are written first, the history (from 2005 on) after them.
    const all = await m.getRepository(PlacePurchase).find({ select: { id: true, startDate: true }, order: { id: "ASC" } });
    const firstHistory = Math.min(...all.filter((p) => p.startDate < "2006-01-01").map((p) => p.id));
    const current = all.filter((p) => p.id < firstHistory).map((p) => p.id);
    const bills = await m.getRepository(PlaceBill).find({ where: { status: "confirmed", purchaseId: In(current) } });
    expect(bills.length).toBeGreaterThan(0);
    let paid = 0;
    for (const b of bills) {
      expect(b.invoiceId, b.reference).not.toBeNull();
      const inv = await m.getRepository(Invoice).findOneByOrFail({ id: b.invoiceId! });
      expect([inv.form, inv.channel, inv.purchaseId, inv.number, inv.vatCents, inv.grossCents], b.reference).toEqual(["bill", "portal", b.purchaseId, b.reference, 0, b.amountCents]);
      expect(["paid", "accepted"]).toContain(inv.status);
      const item = await m.getRepository(PaymentItem).findOneByOrFail({ invoiceId: inv.id });
      expect(item.amountCents).toBe(b.amountCents);
      if (item.status === "paid") {
        paid++;
        expect(inv.status).toBe("paid");
        expect(item.paidOn! < t).toBe(true);
        expect(new Set([item.factualById, item.arithmeticById, item.orderById]).size, item.reference).toBe(3);
        const c = await m.getRepository(Commitment).findOneByOrFail({ id: item.commitmentId! });
        expect(c.consumedCents).toBeGreaterThanOrEqual(item.amountCents);
        expect(c.consumedCents + c.releasedCents <= c.amountCents).toBe(true);
      } else expect(item.status).toBe("awaiting_factual");
    }
    expect(paid).toBeGreaterThan(0);
    // The history's sampled confirmed bills too: none is shown "Rechnung erzeugt" without an invoice.
    expect(await m.getRepository(PlaceBill).count({ where: { status: "confirmed", invoiceId: IsNull() } })).toBe(0);
    expect(await m.getRepository(PlaceBill).count({ where: { status: "confirmed", purchaseId: Not(In(current)) } })).toBeGreaterThan(100);
  });

  it("has the route table's ids", async () => {
    const m = await em();
    const t = await m.getRepository(User).findOneByOrFail({ email: "traeger@bildungswerk-lausitz.example" });
    const measureT = await m.getRepository(Measure).findOneOrFail({ where: { providerId: t.providerId!, status: "active" }, order: { id: "ASC" } });
    expect(measureT.title).toContain("BaE");
    const purchaseT = await m.getRepository(PlacePurchase).findOneOrFail({ where: { providerId: t.providerId!, status: "ordered" }, order: { id: "ASC" } });
    expect(purchaseT.startDate > today()).toBe(true);
    const running = await m.getRepository(PlacePurchase).findOneOrFail({ where: { providerId: t.providerId!, status: "running" }, order: { id: "ASC" } });
    expect(running.entryDate).not.toBeNull();
    const other = await m.getRepository(PlacePurchase).findOneOrFail({ where: { providerId: Not(t.providerId!), status: In(["ordered", "confirmed", "running"]) }, order: { id: "ASC" } });
    expect(other.providerId).not.toBe(t.providerId);
    const bill = await m.getRepository(PlaceBill).findOneOrFail({ where: { providerId: t.providerId!, status: "proposed" }, order: { id: "ASC" } });
    expect(bill.billKey).toMatch(/^month:\d{4}-\d{2}$/);
    expect(await m.getRepository(Client).exist({ where: { id: running.clientId } })).toBe(true);
  });
});

describe("seedDemoPlaces: the Eingliederungsbericht 2007 from the records", () => {
  const cm = { id: 0, email: "fallmanagement@asz-kamenz.example", name: "Fallmanagement", role: "case_manager" as const, providerId: null };

  it("gives 33 BaE places from the BA, 12 from the own tender (of 12), MAE 451 / 2,669 / 151, 83 %, youth 5 / 110, 25 Reha-BaE, 3 × 16 § 421i", async () => {
    const r = await measuresInYear(cm, 2007);
    expect(r.bae.fromBa.value).toBe(33);
    expect(r.bae.ownTender.value).toBe(12);
    expect(r.bae.ownCapacity.value).toBe(12);
    expect(r.mae.measures.value).toBe(451);
    expect(r.mae.participants.value).toBe(2669);
    expect(r.mae.groupMeasures.value).toBe(151);
    expect(r.employerTraining.sharePercent.value).toBe(83);
    expect(r.youth.measures.value).toBe(5);
    expect(r.youth.participants.value).toBe(110);
    expect(r.rehaBae.starts.value).toBe(25);
    expect(r.p421i.measures.value).toBe(3);
    expect(r.p421i.participants.value).toBe(48);
    const m = await em();
    const p421i = await m.getRepository(Measure).find({ where: { typeCode: "p421i", origin: "contract" } });
    const in2007 = p421i.filter((x) => x.startDates[0]?.startsWith("2007"));
    expect(in2007).toHaveLength(3);
    for (const x of in2007) expect(await m.getRepository(PlacePurchase).count({ where: { measureId: x.id, status: Not(In(["cancelled", "declined"])) } })).toBe(16);
  });

  it("has other years around it, with exits, outcomes and a report for every year", async () => {
    const thisYear = Number(today().slice(0, 4));
    for (const year of [2005, 2010, thisYear - 1]) {
      const r = await measuresInYear(cm, year);
      expect(r.mae.participants.value ?? 0, String(year)).toBeGreaterThan(0);
      expect(r.rows.length, String(year)).toBeGreaterThan(3);
    }
  });
});

function addYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

export { setClock };
