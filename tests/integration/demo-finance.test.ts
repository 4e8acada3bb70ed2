import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { In } from "typeorm";
import { Assignment, BankStatementLine, BudgetLine, BudgetYear, Commitment, Document, FeeInstalment, Invoice, PaymentItem, PaymentRun, PaymentRunItem, PlacementClaim, Provider } from "../../entities";
import { readAndCheck } from "~/domain/einvoice";
import { PAYMENT_ITEM_STATES } from "~/domain/payment-item.machine";
import { availableCents } from "~/domain/finance";
import { setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import { readBytes } from "~/lib/files.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoFinance, type DemoFinanceResult } from "~/demo/demo-finance-seed.server";
import { seedDemoPlacements } from "~/demo/demo-placements.server";
import { seedDemoTenders } from "~/demo/demo-tenders.server";
import { lineYearFigures } from "~/services/budget.server";
import { PAIN_001_001_09_XSD, validateXsd } from "../support/xsd";

/**
 * The finance demo set at scale 1 on the demo's own budget (no test budget): commitments for
 * every voucher, every paid item paid through a booked run with a valid pain.001 file and a
 * matched bank line, three signers, invoices that pass the checker, every item state.
 */
let result: DemoFinanceResult;
let seconds: number;

beforeAll(async () => {
  await freshDatabase({ budget: false });
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 1 });
  await seedDemoPlacements({ scale: 1 });
  await seedDemoTenders();
  const started = performance.now();
  result = await seedDemoFinance({ scale: 1 });
  seconds = (performance.now() - started) / 1000;
  console.log(`seedDemoFinance({ scale: 1 }): ${seconds.toFixed(2)} s`, result);
}, 180_000);

describe("seedDemoFinance", () => {
  // Its speed is printed above and measured in benchmarks, not asserted here (a loaded machine is slower).
  it("runs once", async () => {
    expect(result.runs).toBeGreaterThan(50);
    expect(await seedDemoFinance({ scale: 1 })).toEqual({ commitments: 0, runs: 0, paidItems: 0, invoices: 0, statements: 0 });
  });

  it("has budget years 2005 to 2027 at least on every line, and no line over budget", async () => {
    const m = await em();
    const lines = await m.getRepository(BudgetLine).find();
    expect(lines.map((l) => l.number).sort()).toEqual(["1.4820.7600", "1.4820.7610", "1.4820.7690"]);
    for (const line of lines) {
      const years = (await m.getRepository(BudgetYear).find({ where: { budgetLineId: line.id } })).map((y) => y.year);
      for (let y = 2005; y <= 2027; y++) expect(years, `${line.number} ${y}`).toContain(y);
      for (let y = 2005; y <= 2027; y++) expect(availableCents(await lineYearFigures(m, line.id, y)), `${line.number} ${y}`).toBeGreaterThanOrEqual(0);
    }
  });

  it("commits every voucher's amount, consumed by its paid items and released when it ended", async () => {
    const m = await em();
    const assignments = await m.getRepository(Assignment).find();
    const commitments = await m.getRepository(Commitment).find({ where: { sourceType: "voucher" } });
    const byVoucher = new Map<number, Commitment[]>();
    for (const c of commitments) byVoucher.set(c.sourceId!, [...(byVoucher.get(c.sourceId!) ?? []), c]);
    for (const a of assignments) expect((byVoucher.get(a.id) ?? []).reduce((s, c) => s + c.amountCents, 0), a.reference).toBe(a.maxFeeCents);
    // Consumed = the paid items linked to the commitment, in the order paid, each at most the rest (consumeCommitment).
    const paid = await m.getRepository(PaymentItem).find({ where: { status: "paid" }, order: { paidOn: "ASC", id: "ASC" } });
    expect(paid.every((p) => p.commitmentId !== null && p.budgetLineId !== null)).toBe(true);
    const expected = new Map<number, number>();
    const all = await m.getRepository(Commitment).find();
    const byId = new Map(all.map((c) => [c.id, c]));
    for (const p of paid) {
      const c = byId.get(p.commitmentId!)!;
      const before = expected.get(c.id) ?? 0;
      expected.set(c.id, before + Math.min(c.amountCents - before, p.amountCents));
    }
    expect(all.filter((c) => c.sourceType !== "voucher" && c.consumedCents > 0).length).toBeGreaterThanOrEqual(2);
    for (const c of all) {
      expect(c.consumedCents, c.reference).toBe(expected.get(c.id) ?? 0);
      expect(c.consumedCents + c.releasedCents, c.reference).toBeLessThanOrEqual(c.amountCents);
      if (c.status === "closed") expect(c.consumedCents + c.releasedCents, c.reference).toBe(c.amountCents);
    }
    // Expired vouchers without a placement are released entirely.
    const expired = assignments.filter((a) => a.status === "expired");
    const claims = await m.getRepository(PlacementClaim).find({ where: { status: "accepted" } });
    const withClaim = new Set(claims.map((c) => c.assignmentId));
    for (const a of expired.filter((x) => !withClaim.has(x.id)).slice(0, 500)) for (const c of byVoucher.get(a.id)!) expect([c.status, c.consumedCents, c.releasedCents]).toEqual(["closed", 0, c.amountCents]);
  });

  it("pays the 2007 placements' instalments through booked runs with a matching bank line", async () => {
    const m = await em();
    const instalments = await m.getRepository(FeeInstalment).find({ where: { status: "paid" } });
    const items = await m.getRepository(PaymentItem).find({ where: { instalmentId: In(instalments.map((i) => i.id)) } });
    const in2007 = items.filter((i) => i.paidOn?.startsWith("2007"));
    expect(in2007.length).toBeGreaterThan(100);
    const runs = new Map((await m.getRepository(PaymentRun).find()).map((r) => [r.id, r]));
    const lines = new Map((await m.getRepository(BankStatementLine).find()).map((l) => [l.id, l]));
    const runItems = await m.getRepository(PaymentRunItem).find();
    for (const item of in2007) {
      const run = runs.get(item.paymentRunId!)!;
      expect(run.status, item.reference).toBe("booked");
      expect(run.executionDate).toBe(item.paidOn);
      expect(runItems.some((ri) => ri.paymentRunId === run.id && ri.paymentItemId === item.id)).toBe(true);
      const line = lines.get(item.bankLineId!)!;
      expect([line.status, line.paymentItemId, line.endToEndId, line.amountCents, line.bookingDate]).toEqual(["matched", item.id, item.endToEndId, item.amountCents, item.paidOn]);
    }
  });

  it("writes run files that validate against pain.001.001.09 with CtrlSum = the items", async () => {
    const m = await em();
    const runs = await m.getRepository(PaymentRun).find({ order: { id: "ASC" } });
    const sample = [...runs.slice(0, 3), ...runs.filter((_, i) => i % 25 === 0), ...runs.slice(-3)];
    for (const run of sample) {
      const doc = await m.getRepository(Document).findOneOrFail({ where: { id: run.fileDocumentId! } });
      const xml = (await readBytes(doc.sha256)).toString("utf8");
      expect(doc.sha256).toBe(run.fileSha256);
      expect(validateXsd(xml, PAIN_001_001_09_XSD), run.reference).toEqual([]);
      const items = await m.getRepository(PaymentRunItem).find({ where: { paymentRunId: run.id } });
      const sum = items.reduce((s, i) => s + i.amountCents, 0);
      expect(run.ctrlSumCents).toBe(sum);
      expect(run.itemCount).toBe(items.length);
      expect(xml).toContain(`<CtrlSum>${Math.floor(sum / 100)}.${String(sum % 100).padStart(2, "0")}</CtrlSum>`);
    }
    expect(runs.filter((r) => r.listDocumentId).length).toBeGreaterThanOrEqual(Math.min(4, runs.length));
    expect(runs.filter((r) => r.status === "created")).toHaveLength(1);
  });

  it("has every item state, three distinct signers on ordered and paid items", async () => {
    const m = await em();
    const items = await m.getRepository(PaymentItem).find();
    for (const state of PAYMENT_ITEM_STATES) expect(items.filter((i) => i.status === state).length, state).toBeGreaterThanOrEqual(2);
    for (const i of items.filter((x) => ["ordered", "in_run", "paid"].includes(x.status))) {
      expect(new Set([i.factualById, i.arithmeticById, i.orderById]).size, i.reference).toBe(3);
      expect(i.factualById && i.arithmeticById && i.orderById).toBeTruthy();
      expect(i.factualAt! < i.arithmeticAt! && i.arithmeticAt! < i.orderAt!, i.reference).toBe(true);
    }
    const ordered = items.filter((i) => i.status === "ordered").map((i) => i.vopResult);
    expect(ordered).toEqual(expect.arrayContaining(["close_match", "no_match", null]));
    expect(items.filter((i) => i.status === "on_hold").every((i) => i.holdReason.length > 10)).toBe(true);
    expect(items.filter((i) => i.status === "cancelled").every((i) => i.cancelReason.length >= 10)).toBe(true);
    expect(items.some((i) => i.replacesId !== null && items.find((x) => x.id === i.replacesId)?.status === "cancelled")).toBe(true);
  });

  it("stores invoices that pass the e-invoice checker, one rejected for the wrong Leitweg-ID", async () => {
    const m = await em();
    const invoices = await m.getRepository(Invoice).find();
    expect(invoices.length).toBeGreaterThan(10);
    const trainer = await m.getRepository(Provider).findOneOrFail({ where: { externalKey: "DEMO-T-0001" } });
    for (const inv of invoices) {
      const doc = await m.getRepository(Document).findOneOrFail({ where: { id: inv.documentId! } });
      expect(doc.sha256).toBe(inv.sha256);
      const check = readAndCheck((await readBytes(doc.sha256)).toString("utf8"));
      expect(check.findings, inv.reference).toEqual([]);
      if (inv.status === "rejected") expect(inv.findings.map((f) => f.rule)).toEqual(["LEITWEG-ID"]);
      else expect(inv.buyerReference).toBe("14625000-ASZ01-89");
    }
    const own = invoices.filter((i) => i.providerId === trainer.id);
    expect(own.some((i) => i.status === "paid")).toBe(true);
    expect(own.some((i) => i.status === "rejected")).toBe(true);
    expect(own.filter((i) => i.contractId).every((i) => i.netCents === 12 * 91250)).toBe(true);
  });

  it("reports its history in the change feed: every invoice received, every payment paid, for its own provider", async () => {
    const { ApiEvent, Invoice, PaymentItem } = await import("../../entities");
    const m = await em();
    const events = await m.getRepository(ApiEvent).find({ where: { entityType: In(["invoice", "instalment"]) } });
    const invoices = await m.getRepository(Invoice).find();
    for (const inv of invoices) expect(events.some((e) => e.entityType === "invoice" && e.entityId === inv.id && e.providerId === inv.providerId && e.type.startsWith("invoice.")), inv.reference).toBe(true);
    const paidInstalments = await m.getRepository(PaymentItem).count({ where: { status: "paid", sourceType: "instalment" } });
    expect(events.filter((e) => e.type === "instalment.paid")).toHaveLength(paidInstalments);
    for (const e of events.filter((x) => x.type === "instalment.paid")) expect(e.data).toMatchObject({ claimId: expect.any(Number), number: expect.any(Number) });
  });
});
