/**
 * Speed of a payment run (issue 10 § 20): 5,000 ordered items with Verification-of-Payee results
 * on a fresh SQLite database. Timed:
 *   a. createRun end to end (phase 1 and 3 hold the write gate; phase 2 writes the pain.001 file
 *      and renders the run list outside it), then the 5,000 payment order PDFs (renderPaymentOrders);
 *   b. the baseline in the same run: the same XML with buildCreditTransfer directly, the same run
 *      list with renderPaymentRunListPdf and the same payment orders with renderPaymentOrderPdf.
 * No timed assertions; read the numbers. Runnable alone: npx tsx scripts/bench-finance.ts
 * (BENCH_RUN_ITEMS, default 5000).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-finance-"));
process.env.NODE_ENV = "test";
delete process.env.DATABASE_URL;

const IBANS = ["DE89370400440532013000", "DE02500105170137075030", "DE75512108001245126199", "DE12500105170648489890", "DE02100100100006820101"];

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
function line(label: string, value: number) {
  console.log(`  ${label.padEnd(64)} ${value.toFixed(0).padStart(8)} ms`);
}

export async function benchPaymentRun(n = Number(process.env.BENCH_RUN_ITEMS ?? "5000")) {
  const { db, em, tx } = await import("../app/lib/db.server");
  const { today, nowIso } = await import("../app/lib/clock.server");
  const { seedDemoData } = await import("../app/demo/demo-data.server");
  const { PaymentItem, User } = await import("../entities");
  const { endToEndId } = await import("../app/domain/finance");
  const { createRun, nextBankDay } = await import("../app/services/payment-runs.server");
  const { renderPaymentOrders } = await import("../app/services/payment-items.server");
  const { buildCreditTransfer } = await import("../app/domain/sepa");
  const { renderPaymentRunListPdf, renderPaymentOrderPdf } = await import("../app/lib/payment-pdf.server");
  const { getSettings } = await import("../app/lib/settings.server");
  const { installGateProbe } = await import("../app/lib/gate-probe.server");
  const ds = await db();
  console.log(`Zahllauf: ${n.toLocaleString("de-DE")} angeordnete Zahlungen, frische ${ds.options.type}-Datenbank`);
  await seedDemoData({ scale: 0.1 });
  const m = await em();
  // Writes go through tx(): em() reads on SQLite's read-only connection (ADR 0024).
  await tx((w) => w.getRepository(PaymentItem).update({ status: "ordered" }, { status: "awaiting_order" }));
  const users = await m.getRepository(User).find({ where: [{ email: "kasse@asz-kamenz.example" }, { email: "kasse2@asz-kamenz.example" }, { email: "fallmanagement@asz-kamenz.example" }] });
  const finance = users.find((u) => u.email === "kasse@asz-kamenz.example")!;
  const [u1, u2, u3] = users.map((u) => u.id);
  const at = nowIso();
  const day = today();
  const rows = Array.from({ length: n }, (_, i) => {
    const reference = `ZA-2099-${String(i + 1).padStart(6, "0")}`;
    return {
      reference, sourceType: "invoice", invoiceId: null, instalmentId: null, providerId: 1, payeeName: `Bildungsträger Nummer ${i + 1} gGmbH`, iban: IBANS[i % IBANS.length], bic: null, bankAccountId: null,
      amountCents: 10_000 + ((i * 7919) % 500_000), dueOn: day, purpose: `Rechnung RE-2099-${i + 1}`, endToEndId: endToEndId(reference), budgetLineId: null, commitmentId: null, status: "ordered", holdReason: "",
      registeredById: null, factualById: u3, factualAt: at, arithmeticById: u2, arithmeticAt: at, orderById: u1, orderAt: at, orderDocumentId: null, vopResult: "match", vopSuggestedName: "", vopCheckedAt: at, vopById: u1,
      paymentRunId: null, paidOn: null, paidById: null, paidNote: "", bankLineId: null, cancelledAt: null, cancelReason: "", replacesId: null, createdAt: at, updatedAt: at,
    };
  });
  let t = process.hrtime.bigint();
  await tx(async (w) => {
    for (let i = 0; i < rows.length; i += 300) await w.getRepository(PaymentItem).insert(rows.slice(i, i + 300));
  });
  line(`${n} Zahlungen anlegen (Masseneinfügung)`, ms(t));

  console.log("\n  a) über die Dienste");
  const person = { id: finance.id, email: finance.email, name: finance.name, role: "finance" as const, providerId: null };
  const probe = await installGateProbe(ds);
  t = process.hrtime.bigint();
  const run = await createRun(person, { dueUntil: day, executionDate: nextBankDay(day) });
  const createMs = ms(t);
  const runHeld = probe.heldMs();
  const runTxs = probe.holds.length;
  probe.reset();
  line(`createRun gesamt (${run.run.itemCount} Zahlungen, Datei + Zahllaufliste)`, createMs);
  line("  davon Prüfung vorab, nur lesend (Regeln je Zahlung)", run.timing.prepareMs);
  line("  davon Phase 1 im Schreibtor (Lauf, Zahlungen → im Zahllauf)", run.timing.phase1Ms);
  line("  davon Phase 2 außerhalb (pain.001 + Zahllaufliste-PDF)", run.timing.phase2Ms);
  line("  davon Phase 3 im Schreibtor (Dokumente speichern, Lauf erstellt)", run.timing.phase3Ms);
  const ids = (await m.getRepository(PaymentItem).find({ where: { paymentRunId: run.run.id }, select: { id: true } })).map((i) => i.id);
  t = process.hrtime.bigint();
  const rendered = await renderPaymentOrders(ids);
  const ordersMs = ms(t);
  const ordersHeld = probe.heldMs();
  probe.stop();
  line(`renderPaymentOrders (${rendered} Auszahlungsanordnungen, rendern + speichern)`, ordersMs);
  const gate = run.timing.phase1Ms + run.timing.phase3Ms;
  console.log(`  Schreibtor gehalten: ${gate.toFixed(0)} ms, außerhalb: ${(run.timing.prepareMs + run.timing.phase2Ms).toFixed(0)} ms (Zahllauf ohne Anordnungen)`);
  console.log(`  gemessen an BEGIN/COMMIT: Zahllauf hält das Schreibtor ${runHeld.toFixed(0)} ms in ${runTxs} Transaktionen, außerhalb ${(createMs - runHeld).toFixed(0)} ms; Anordnungen ${ordersHeld.toFixed(0)} ms gehalten, ${(ordersMs - ordersHeld).toFixed(0)} ms außerhalb`);

  console.log("\n  b) Vergleich: direkt (gleiche Daten, gleicher Durchgang)");
  const settings = await getSettings(m);
  const letterhead = { authority: settings["letterhead.authority"], address: settings["letterhead.address"], contact: settings["letterhead.contact"], footer: settings["letterhead.footer"] };
  const debtor = { name: settings["finance.debtorName"], iban: settings["finance.debtorIban"], bic: settings["finance.debtorBic"] || null };
  const items = await m.getRepository(PaymentItem).find({ where: { paymentRunId: run.run.id }, order: { dueOn: "ASC", id: "ASC" } });
  t = process.hrtime.bigint();
  const file = buildCreditTransfer({ messageId: "BENCH-1", createdAt: at, initiatingPartyName: debtor.name, debtor, executionDate: nextBankDay(day), batchBooking: true, payments: items.map((i) => ({ endToEndId: i.endToEndId, amountCents: i.amountCents, creditorName: i.payeeName, creditorIban: i.iban, creditorBic: i.bic, remittance: i.purpose })) });
  const xmlMs = ms(t);
  line(`buildCreditTransfer direkt (${(file.xml.length / 1024).toFixed(0)} KB)`, xmlMs);
  t = process.hrtime.bigint();
  await renderPaymentRunListPdf({ runReference: "ZL-BENCH", executionDate: nextBankDay(day), debtor, messageId: "BENCH-1", fileSha256: "0".repeat(64), count: file.nbOfTxs, ctrlSumCents: file.ctrlSumCents, items: items.map((i) => ({ payeeName: i.payeeName, payeeIban: i.iban, endToEndId: i.endToEndId, remittance: i.purpose, amountCents: i.amountCents })), generatedAt: at }, letterhead);
  const listMs = ms(t);
  line("renderPaymentRunListPdf direkt", listMs);
  const sig = (name: string, role: string) => ({ name, role, at });
  t = process.hrtime.bigint();
  for (const i of items) {
    await renderPaymentOrderPdf(
      { reference: i.reference, payeeName: i.payeeName, payeeIban: i.iban, payeeBic: i.bic, amountCents: i.amountCents, dueDate: i.dueOn, remittance: i.purpose, purpose: "Rechnung (siehe Verwendungszweck)", budgetLine: { number: "–", title: "keine Haushaltsstelle" }, budgetYear: Number(at.slice(0, 4)), commitment: null, signatures: { factual: sig("A", "Fallmanagement"), arithmetic: sig("B", "Leistungsrechnung / Kasse"), order: sig("C", "Leistungsrechnung / Kasse") }, vop: { result: "match", checkedAt: at, suggestedName: null }, generatedAt: at },
      letterhead,
    );
  }
  const ordersDirectMs = ms(t);
  line(`renderPaymentOrderPdf direkt (${items.length} Anordnungen)`, ordersDirectMs);
  const direct = xmlMs + listMs;
  console.log(`  Verhältnis createRun / (XML + Zahllaufliste direkt): ${(createMs / direct).toFixed(1)}×`);
  console.log(`  Verhältnis renderPaymentOrders / renderPaymentOrderPdf direkt: ${(ordersMs / ordersDirectMs).toFixed(2)}×`);
  await ds.destroy();
  return { createMs, prepareMs: run.timing.prepareMs, phase1Ms: run.timing.phase1Ms, phase2Ms: run.timing.phase2Ms, phase3Ms: run.timing.phase3Ms, ordersMs, xmlMs, listMs, ordersDirectMs };
}

if (process.argv[1]?.endsWith("bench-finance.ts")) {
  benchPaymentRun().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
