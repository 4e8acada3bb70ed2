/**
 * The write gate per offer (issue 13 point 2): offers of 2 MB through the API route's action
 * (JSON with the concept in base64, in this process, one after another so nothing waits in the
 * gate's queue), measuring for each the time the write transaction held the gate (BEGIN granted
 * → COMMIT done, app/lib/gate-probe.server.ts) and the time outside it (reading and parsing the
 * body, base64, PDF check, hashing, sealing, writing the sealed file). The claim paths and the
 * payment run report the same split in their own sections (bench-placements.ts, bench-finance.ts).
 *
 *   npx tsx scripts/bench-gate.ts      (BENCH_GATE_OFFERS, default 40)
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-gate-"));
process.env.NODE_ENV = "test";
delete process.env.DATABASE_URL;

const N = Number(process.env.BENCH_GATE_OFFERS || 40);
const SIZE = 2 * 1024 * 1024;

function percentile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function main() {
  const { db, tx } = await import("../app/lib/db.server");
  const { installGateProbe } = await import("../app/lib/gate-probe.server");
  const { seedDemoData } = await import("../app/demo/demo-data.server");
  const { seedDemoTenders } = await import("../app/demo/demo-tenders.server");
  const { createUser } = await import("../app/services/users.server");
  const { createToken } = await import("../app/services/api-tokens.server");
  const { Provider, Tender, Lot } = await import("../entities");
  const route = await import("../app/routes/api.v1.tenders.$id.offers");
  const ds = await db();
  console.log(`Datenbank: ${ds.options.type}; Demodaten --scale 0.2, ${N} Angebote à 2 MB nacheinander über die Schnittstelle (JSON, base64)`);
  await seedDemoData({ scale: 0.2 });
  await seedDemoTenders();
  const tender = await ds.getRepository(Tender).findOneOrFail({ where: { status: "published" } });
  const lot = await ds.getRepository(Lot).findOneOrFail({ where: { tenderId: tender.id } });
  await tx((m) => m.getRepository(Tender).update({ id: tender.id }, { offersUntil: new Date(Date.now() + 3600_000).toISOString() }));
  const brokers = await ds.getRepository(Provider).find({ where: { kind: "broker", active: true }, order: { id: "ASC" }, take: 10 });
  const tokens: string[] = [];
  for (const [i, p] of brokers.entries()) {
    const user = await createUser({ id: null, label: "bench" }, { email: `gate${i}@bench.example`, name: `Gate ${i}`, role: "provider", providerId: p.id }, "Bench-Passwort-2026");
    tokens.push((await createToken({ id: null, label: "bench" }, user.id, "Benchmark")).token);
  }
  const head = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n", "latin1");
  const tail = Buffer.from("\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1");
  const fill = SIZE - head.length - tail.length - 40;
  const concept = Buffer.concat([head, Buffer.from(`4 0 obj << /Length ${fill} >> stream\n`, "latin1"), crypto.randomBytes(fill), tail]).toString("base64");
  const body = (i: number) => JSON.stringify({ lots: [{ lotId: lot.id, unitPriceCents: 80000 + i }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: `konzept-${i}.pdf`, contentBase64: concept } });

  const send = async (i: number) => {
    const request = new Request(`http://localhost/api/v1/tenders/${tender.id}/offers`, { method: "POST", headers: { Authorization: `Bearer ${tokens[i % tokens.length]}`, "Content-Type": "application/json" }, body: body(i) });
    const res = (await route.action({ request, params: { id: String(tender.id) }, context: { arrivedAt: new Date().toISOString() } } as never)) as Response;
    if (res.status !== 201) throw new Error(`Angebot ${i}: ${res.status} ${await res.text()}`);
  };
  await send(0); // warm up
  const probe = await installGateProbe(ds, { trace: !!process.env.BENCH_TRACE });
  const totals: number[] = [];
  const held: number[] = [];
  const txCounts: number[] = [];
  for (let i = 1; i <= N; i++) {
    const before = probe.holds.length;
    const heldBefore = probe.heldMs();
    const t0 = performance.now();
    await send(i);
    totals.push(performance.now() - t0);
    held.push(probe.heldMs() - heldBefore);
    txCounts.push(probe.holds.length - before);
  }
  probe.stop();
  if (process.env.BENCH_TRACE) {
    const by = new Map<string, { n: number; ms: number }>();
    for (const t of probe.trace) {
      const e = by.get(t.query.slice(0, 60)) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += t.ms + Math.max(0, t.gapMs);
      by.set(t.query.slice(0, 60), e);
    }
    for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`    ${(e.ms / N).toFixed(2).padStart(7)} ms ×${(e.n / N).toFixed(1)}  ${k}`);
  }
  const statements = probe.statements.reduce((a, b) => a + b, 0);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const sortedHeld = [...held].sort((a, b) => a - b);
  console.log("\nAngebot (Schnittstelle, 2 MB)");
  console.log(`  je Angebot gesamt ${(sum(totals) / N).toFixed(1)} ms: Schreibtor gehalten ${(sum(held) / N).toFixed(2)} ms (p50 ${percentile(sortedHeld, 50).toFixed(2)}, max ${sortedHeld.at(-1)?.toFixed(2)} ms; ${sum(txCounts) / N} Transaktion(en), ${(statements / N).toFixed(1)} Anweisungen im Tor je Angebot), außerhalb ${((sum(totals) - sum(held)) / N).toFixed(1)} ms`);
  console.log(`  Anteil im Schreibtor: ${((100 * sum(held)) / sum(totals)).toFixed(1)} % (außerhalb: Lesen und Parsen des Körpers, base64, PDF-Prüfung, SHA-256, Versiegeln, Datei schreiben)`);
  await ds.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
