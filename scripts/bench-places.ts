/**
 * Speed of buying and billing individual places at the scale of the Eingliederungsbericht 2007
 * (issue 11): on a fresh SQLite database,
 *   a. 2,700 MAE purchases through the product's code path (buyPlace: checks, commitments,
 *      auto-approval, order) against the same purchase and commitment rows as raw INSERTs;
 *   b. the monthly bill proposals (proposeBills) for 2,700 running places spread over ten years
 *      against computing the same month bills with the pure rule and inserting them raw.
 * The services are imported dynamically: where one is not there yet, only the baseline is
 * measured and that is said. No timed assertions; read the numbers.
 * Runnable alone: npx tsx scripts/bench-places.ts (BENCH_PLACES, default 2700).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-places-"));
process.env.NODE_ENV = "test";
delete process.env.DATABASE_URL;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
function line(label: string, value: number) {
  console.log(`  ${label.padEnd(72)} ${value.toFixed(0).padStart(8)} ms`);
}
function ratio(label: string, product: number, baseline: number) {
  console.log(`  Verhältnis ${label}: ${(product / Math.max(baseline, 0.001)).toLocaleString("de-DE", { maximumFractionDigits: 1 })}×`);
}

/** A module written in parallel (may not exist yet): imported by a path the type checker does not follow. */
async function optional(modulePath: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(/* @vite-ignore */ modulePath)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function benchPlaces(n = Number(process.env.BENCH_PLACES ?? "2700")) {
  const { db, em, tx } = await import("../app/lib/db.server");
  const { today, nowIso } = await import("../app/lib/clock.server");
  const { seedDemoData } = await import("../app/demo/demo-data.server");
  const { BudgetLine, BudgetYear, Client, Measure, PlacePurchase, PlaceBill, User } = await import("../entities");
  const { addDays, addMonths } = await import("../app/domain/time");
  const { costByYear, monthBills, placeEnd, totalOf } = await import("../app/domain/places");
  const { clientReference } = await import("../app/domain/placement");
  const ds = await db();
  console.log(`Einzelplätze: ${n.toLocaleString("de-DE")} MAE-Plätze, frische ${ds.options.type}-Datenbank`);
  await seedDemoData({ scale: 0.1 });
  const m = await em();
  const day = today();
  const at = nowIso();
  // Ample budget on the places line (the bench measures speed, not the budget check's refusals).
  const line7610 = await m.getRepository(BudgetLine).findOneByOrFail({ number: "1.4820.7610" });
  // Writes go through tx(): em() reads on SQLite's read-only connection (ADR 0024).
  await tx((w) => w.getRepository(BudgetYear).update({ budgetLineId: line7610.id }, { appropriationCents: 1_000_000_000_00 }));
  const cm = await m.getRepository(User).findOneByOrFail({ email: "fallmanagement@asz-kamenz.example" });
  const provider = (await m.getRepository(User).findOneByOrFail({ email: "traeger@bildungswerk-lausitz.example" })).providerId!;

  // 90 MAE measures of 40 places (capacity is checked per measure), and clients without other places.
  const perMeasure = 30;
  const measureCount = Math.ceil(n / perMeasure) * 2;
  const measureRows = Array.from({ length: measureCount }, (_, i) => ({
    reference: `MN-2099-${String(i + 1).padStart(5, "0")}`, providerId: provider, typeCode: "mae", title: `MAE Bench ${i + 1}`, description: "", origin: "certified", contractId: null, baReference: "", azavNumber: `AZAV-M-BENCH-${i + 1}`, azavValidFrom: addMonths(day, -130), azavValidUntil: addMonths(day, 24),
    hostName: "", region: "Landkreis Kamenz", location: "Kamenz", format: "group", entryMode: "continuous", startDates: [], duration: 6, durationUnit: "month", weeklyHours: 3000, capacity: 40, priceModel: "mae_month", priceCents: 18000,
    proRata: "days", eventFees: [], targetGroups: [], minAge: null, maxAge: null, entryConditions: "", validFrom: addMonths(day, -130), validUntil: addMonths(day, 12), status: "active", statusReason: "", proposedById: null, decidedById: cm.id,
    decidedAt: at, createdById: cm.id, createdAt: at, updatedAt: at,
  }));
  await tx(async (w) => {
    for (let i = 0; i < measureRows.length; i += 200) await w.getRepository(Measure).insert(measureRows.slice(i, i + 200));
  });
  const measures = await m.getRepository(Measure).find({ where: { typeCode: "mae" }, order: { id: "ASC" } });
  const clientRows = Array.from({ length: n * 2 }, (_, i) => ({ reference: clientReference(900000 + i), firstName: "Bench", lastName: `Person ${i + 1}`, birthDate: "1975-05-05", targetGroups: [], caseManagerId: cm.id, createdAt: at, updatedAt: at }));
  await tx(async (w) => {
    for (let i = 0; i < clientRows.length; i += 300) await w.getRepository(Client).insert(clientRows.slice(i, i + 300));
  });
  const clients = await m.getRepository(Client).find({ select: { id: true }, order: { id: "ASC" } });
  const clientIds = clients.map((c) => c.id).slice(-n * 2);

  console.log("\na. Platzkäufe (MAE, Beginn in vier Wochen, 6 Monate, 180 € je Monat)");
  const start = addDays(day, 28);
  const purchases = await optional(["..", "app", "services", "purchases.server"].join("/"));
  let product = 0;
  if (purchases && typeof purchases.buyPlace === "function") {
    const buyPlace = purchases.buyPlace as (user: unknown, raw: Record<string, unknown>) => Promise<unknown>;
    const user = { id: cm.id, email: cm.email, name: cm.name, role: "case_manager", providerId: null };
    let failed = 0;
    let firstError = "";
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      try {
        await buyPlace(user, { clientId: String(clientIds[i]), measureId: String(measures[Math.floor(i / perMeasure)].id), startDate: start, consent: "on", note: "" });
      } catch (error) {
        failed++;
        if (!firstError) firstError = error instanceof Error ? error.message : String(error);
      }
    }
    product = ms(t);
    line(`${n} × buyPlace (Prüfungen, Mittelbindung, Genehmigung, Bestellung)`, product);
    if (failed) console.log(`  ${failed} Käufe abgelehnt; erster Grund: ${firstError}`);
    if (failed > n / 10) product = 0; // not comparable: most purchases were refused early
  } else {
    console.log("  buyPlace (app/services/purchases.server.ts) fehlt noch: gemessen wird nur die Masseneinfügung.");
  }
  // Baseline: the same purchase and commitment rows as raw INSERTs in one transaction.
  const terms = { priceModel: "mae_month", priceCents: 18000, proRata: "days", eventFees: [] };
  const end = placeEnd(start, 6, "month");
  const shares = costByYear(terms, start, end);
  const t0 = process.hrtime.bigint();
  await tx(async (tm) => {
    for (let i = 0; i < n; i++) {
      const reference = `EP-2098-${String(i + 1).padStart(5, "0")}`;
      const measure = measures[measureCount / 2 + Math.floor(i / perMeasure)];
      await tm.query(
        `INSERT INTO place_purchases (reference, measureId, providerId, clientId, startDate, endDate, status, priceModel, priceCents, proRata, eventFees, hours, estimatedCents, budgetLineId, approvalNeeded, consentAt, note, requestedById, requestedAt, approvedById, approvedAt, orderedAt, orderDocumentId, answeredById, answeredAt, statusReason, entryDate, exitDate, exitReason, exitNote, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, 'ordered', 'mae_month', 18000, 'days', '[]', NULL, ?, ?, 0, ?, '', ?, ?, NULL, ?, ?, NULL, NULL, NULL, '', NULL, NULL, NULL, '', ?, ?)`,
        [reference, measure.id, provider, clientIds[n + i], start, end, totalOf(shares), line7610.id, at, cm.id, at, at, at, at, at],
      );
      const [{ id }] = await tm.query(`SELECT last_insert_rowid() AS id`);
      for (const s of shares) {
        await tm.query(`INSERT INTO commitments (reference, budgetLineId, year, sourceType, sourceId, providerId, description, amountCents, consumedCents, releasedCents, status, createdAt, createdById, closedAt, closeReason, updatedAt) VALUES (?, ?, ?, 'purchase', ?, ?, ?, ?, 0, 0, 'open', ?, ?, NULL, '', ?)`, [
          `MB-${s.year + 70}-${String(i + 1).padStart(5, "0")}`, line7610.id, s.year, id, provider, `Platzkauf ${reference}`, s.amountCents, at, cm.id, at,
        ]);
      }
    }
  });
  const baseline = ms(t0);
  line(`${n} Platzkäufe mit Mittelbindungen als rohe INSERTs (eine Transaktion)`, baseline);
  if (product) ratio("buyPlace / rohe INSERTs", product, baseline);
  else if (purchases && typeof purchases.buyPlace === "function") console.log("  kein Verhältnis: zu viele Käufe abgelehnt (siehe Grund oben).");

  console.log("\nb. Monatsabrechnungen für laufende Plätze über zehn Jahre");
  // Running places with entries spread over the last ten years, 3 to 36 months each, no bill yet.
  await tx(async (w) => {
    await w.query(`DELETE FROM place_purchases WHERE reference LIKE 'EP-2098-%'`);
    await w.query(`DELETE FROM commitments WHERE sourceType = 'purchase' AND year > 2090`);
  });
  const rowsB = Array.from({ length: n }, (_, i) => {
    const entry = addDays(day, -(30 + ((i * 1297) % 3620)));
    const planned = placeEnd(entry, 3 + (i % 34), "month");
    return { reference: `EP-2097-${String(i + 1).padStart(5, "0")}`, measureId: measures[i % measures.length].id, providerId: provider, clientId: clientIds[n + i], startDate: entry, endDate: planned, status: "running", priceModel: i % 3 ? "mae_month" : "place_month", priceCents: i % 3 ? 18000 : 98000, proRata: i % 2 ? "days" : "from_16th", eventFees: [], hours: null, estimatedCents: 0, budgetLineId: line7610.id, approvalNeeded: false, consentAt: null, note: "", requestedById: cm.id, requestedAt: at, approvedById: null, approvedAt: at, orderedAt: at, orderDocumentId: null, answeredById: null, answeredAt: at, statusReason: "", entryDate: entry, exitDate: null, exitReason: null, exitNote: "", createdAt: at, updatedAt: at };
  });
  await tx(async (w) => {
    for (let i = 0; i < rowsB.length; i += 150) await w.getRepository(PlacePurchase).insert(rowsB.slice(i, i + 150));
  });
  // Each running place has its open commitment (rule 11: bills are proposed only against one). Setup, not timed.
  const idsB: { id: number }[] = await m.query(`SELECT id FROM place_purchases WHERE reference LIKE 'EP-2097-%' ORDER BY id`);
  await tx(async (tm) => {
    for (const [k, { id }] of idsB.entries())
      await tm.query(`INSERT INTO commitments (reference, budgetLineId, year, sourceType, sourceId, providerId, description, amountCents, consumedCents, releasedCents, status, createdAt, createdById, closedAt, closeReason, updatedAt) VALUES (?, ?, ?, 'purchase', ?, ?, ?, ?, 0, 0, 'open', ?, ?, NULL, '', ?)`, [
        `MB-2097-${String(k + 1).padStart(6, "0")}`,
        line7610.id,
        Number(day.slice(0, 4)),
        id,
        provider,
        "Bench: laufender Platz",
        10_000_000,
        at,
        cm.id,
        at,
      ]);
  });
  const billing = await optional(["..", "app", "services", "place-billing.server"].join("/"));
  let productBills = 0;
  if (billing && typeof billing.proposeBills === "function") {
    const proposeBills = billing.proposeBills as (day?: string) => Promise<number>;
    const t = process.hrtime.bigint();
    const created = await proposeBills(day);
    productBills = ms(t);
    line(`proposeBills: ${created.toLocaleString("de-DE")} Abrechnungen vorgeschlagen`, productBills);
  } else {
    console.log("  proposeBills (app/services/place-billing.server.ts) fehlt noch: gemessen wird nur die Grundlinie.");
  }
  // Baseline: the same month bills with the pure rule, inserted raw into a copy of the table.
  await tx((w) => w.query(`CREATE TABLE bench_place_bills AS SELECT * FROM place_bills WHERE 0`));
  const t1 = process.hrtime.bigint();
  const running: { id: number; providerId: number; entryDate: string; endDate: string; priceModel: string; priceCents: number; proRata: string }[] = await m.query(
    `SELECT id, providerId, entryDate, endDate, priceModel, priceCents, proRata FROM place_purchases WHERE status = 'running' AND entryDate IS NOT NULL AND reference LIKE 'EP-2097-%'`,
  );
  const lastMonth = addMonths(`${day.slice(0, 7)}-01`, -1).slice(0, 7);
  let count = 0;
  await tx(async (tm) => {
    let batch: unknown[] = [];
    let tuples: string[] = [];
    const flush = async () => {
      if (!tuples.length) return;
      await tm.query(`INSERT INTO bench_place_bills (reference, purchaseId, providerId, kind, billKey, periodStart, periodEnd, event, calculation, amountCents, status, invoiceId, confirmedById, confirmedAt, createdAt, updatedAt) VALUES ${tuples.join(",")}`, batch);
      batch = [];
      tuples = [];
    };
    for (const p of running) {
      const to = p.endDate < day ? p.endDate : addDays(day, -1);
      for (const b of monthBills({ priceModel: p.priceModel, priceCents: Number(p.priceCents), proRata: p.proRata, eventFees: [] }, p.entryDate, to)) {
        if (b.month > lastMonth) continue;
        count++;
        tuples.push("(?, ?, ?, 'month', ?, ?, ?, NULL, ?, ?, 'proposed', NULL, NULL, NULL, ?, ?)");
        batch.push(`AB-2099-${String(count).padStart(6, "0")}`, p.id, p.providerId, `month:${b.month}`, b.periodStart, b.periodEnd, b.calculation, b.amountCents, at, at);
        if (tuples.length >= 1500) await flush();
      }
    }
    await flush();
  });
  const baselineBills = ms(t1);
  line(`${count.toLocaleString("de-DE")} Monatsabrechnungen (reine Regel + rohe INSERTs)`, baselineBills);
  if (productBills) {
    ratio("proposeBills / Grundlinie", productBills, baselineBills);
    const stored = await m.getRepository(PlaceBill).count();
    console.log(`  gespeicherte Abrechnungen: ${stored.toLocaleString("de-DE")} (Grundlinie: ${count.toLocaleString("de-DE")})`);
  }
  await ds.destroy();
}

if (process.argv[1] && path.basename(process.argv[1]).startsWith("bench-places")) {
  benchPlaces().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
