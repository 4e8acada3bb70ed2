/**
 * npm run bench: speed of the foundation's hot paths, each as a ratio to a baseline measured in
 * the same run on the same database (no timed assertions; read the numbers).
 *   1. provider list (filter, sort, page, certificate state) vs. the same rows by raw SQL
 *   2. audited writes through the transaction gate vs. raw INSERTs in one transaction
 *   3. 200 concurrent transactions through the gate: all must succeed
 *   4.–6. the deadline rush, placement claims and the daily job, a payment run of 5,000 items
 *   7. reading and checking the 86 XRechnung test files against bare XML parsing
 *   8. SEPA file and run list for 5,000 payments against a bare template and pdf-lib directly
 *   6. a payment run of 5,000 items (scripts/bench-finance.ts)
 *   9. individual places: 2,700 MAE purchases (buyPlace) and ten years of monthly bill proposals
 *      (proposeBills) against raw INSERTs (scripts/bench-places.ts)
 *  10. the provider comparison at demo-data --scale 10 (BENCH_COMPARISON_SCALE; reuse a built set
 *      with BENCH_COMPARISON_DATA_DIR): providerFigures against one hand-made SQL query (≤ 2×) and
 *      the page /comparison p95 through the built server (≤ 300 ms) (scripts/bench-comparison.ts)
 *  11. the write gate per offer (2 MB through the API route, one after another): time holding the
 *      gate vs outside it (scripts/bench-gate.ts); sections 5 and 6 print the same split for claim
 *      submission, claim decision and the payment run (app/lib/gate-probe.server.ts)
 *  12. every role's home and main lists at ten years of data (the set of section 10; or
 *      BENCH_PAGES_DATA_DIR): p95 per page against the bare route /healthz (scripts/bench-pages.ts)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-"));
process.env.NODE_ENV = "test";

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  console.log(`  ${label.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms`);
  return ms;
}

async function main() {
  const { db, tx } = await import("../app/lib/db.server");
  const { appendAudit, SYSTEM, verifyAuditChain } = await import("../app/lib/audit.server");
  const { seedDemoData } = await import("../app/demo/demo-data.server");
  const { listProviders } = await import("../app/services/providers.server");
  const ds = await db();
  console.log(`Datenbank: ${ds.options.type}; Demodaten --scale 5 …`);
  await seedDemoData({ scale: 5 });

  console.log("\n1. Trägerliste (Filter Art=broker, Sortierung Name, Seite 2, 25 je Seite)");
  const service = await time("listProviders (Dienst, inkl. Zulassungsstatus)", 50, () => listProviders({ kind: "broker", sort: "name", page: 2 }));
  // The same rows as the service returns: German alphabetical order (umlauts as their base
  // letter, as the page sorts) and each row's certificate state (valid until / ever certified).
  const { germanSortExpression } = await import("../app/services/providers.server");
  const { today: berlinToday } = await import("../app/lib/clock.server");
  const day = berlinToday();
  const raw = await time("Rohes SQL: COUNT + dieselbe Seite (Sortierung, Zulassung)", 50, async () => {
    await ds.query(`SELECT COUNT(*) FROM providers WHERE kind = 'broker' AND active = 1`);
    await ds.query(
      `SELECT p.*, (SELECT MAX(c."validUntil") FROM certifications c WHERE c."providerId" = p.id AND c."validFrom" <= $1 AND c."validUntil" >= $1) AS cert_until,
              EXISTS (SELECT 1 FROM certifications c3 WHERE c3."providerId" = p.id) AS cert_any
         FROM providers p WHERE p.kind = 'broker' AND p.active = 1 ORDER BY ${germanSortExpression("p.name")}, p.id LIMIT 25 OFFSET 25`.replace(/\$1/g, ds.options.type === "postgres" ? "$1" : "?1"),
      [day],
    );
  });
  console.log(`  Verhältnis Dienst / rohes SQL: ${(service / raw).toFixed(1)}×`);

  console.log("\n2. Protokollierte Schreibvorgänge (je 100)");
  const audited = await time("100 × tx(appendAudit) (Kette, Tor)", 3, async () => {
    for (let i = 0; i < 100; i++) await tx((m) => appendAudit(m, SYSTEM, { action: "bench.write", summary: "Benchmark" }));
  });
  const rawWrites = await time("100 rohe INSERTs, je eine eigene Transaktion", 3, async () => {
    for (let i = 0; i < 100; i++) {
      await ds.transaction((m) => m.query(`INSERT INTO settings ("key", "value", "updatedAt") VALUES (?, '1', '2026-01-01T00:00:00.000Z')`, [`bench.${i}.${Math.random()}`]));
    }
  });
  console.log(`  Verhältnis: ${(audited / rawWrites).toFixed(1)}× (jede Protokollzeile liest zusätzlich den Vorgänger, berechnet den HMAC und schreibt nach dem Commit den Anker)`);

  console.log("\n3. 200 gleichzeitige Transaktionen durch das Tor");
  const start = process.hrtime.bigint();
  const results = await Promise.allSettled(Array.from({ length: 200 }, () => tx((m) => appendAudit(m, SYSTEM, { action: "bench.concurrent", summary: "gleichzeitig" }))));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const ok = results.filter((r) => r.status === "fulfilled").length;
  console.log(`  erfolgreich: ${ok} / 200, fehlgeschlagen: ${200 - ok}, Dauer ${ms.toFixed(0)} ms (${((200 / ms) * 1000).toFixed(0)} Transaktionen/s)`);
  const chain = await verifyAuditChain(ds.manager);
  console.log(`  Protokollkette: ${chain.ok ? "in Ordnung" : "GEBROCHEN"} (${chain.checked} Einträge)`);
  await ds.destroy();
  if (ok !== 200 || !chain.ok) process.exit(1);

  console.log("\n4. Angebote zum Fristende über die Schnittstelle (eigener Prozess mit Server)");
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-offers.ts")], { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);

  console.log("\n5. Vermittlungsnachweise und täglicher Ratenlauf (eigener Prozess, BENCH_CLAIMS=" + (process.env.BENCH_CLAIMS ?? "10000") + ")");
  const p = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-placements.ts")], { stdio: "inherit", env: { ...process.env, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-placements-")) } });
  if (p.status !== 0) process.exit(p.status ?? 1);

  console.log("\n6. Zahllauf mit 5.000 Zahlungen: SEPA-Datei, Zahllaufliste, Auszahlungsanordnungen (eigener Prozess, frische Datenbank)");
  const f = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-finance.ts")], { stdio: "inherit", env: process.env });
  if (f.status !== 0) process.exit(f.status ?? 1);

  console.log("\n7. E-Rechnungen: alle 86 Dateien der KoSIT-Testsuite lesen und prüfen, gegen bloßes Parsen derselben Dateien (eigener Prozess)");
  const e = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-einvoice.ts")], { stdio: "inherit", env: process.env });
  if (e.status !== 0) process.exit(e.status ?? 1);

  console.log("\n8. SEPA-Bausteine: 5.000 Überweisungen als pain.001 und Zahllaufliste, gegen Schablone und pdf-lib direkt (eigener Prozess)");
  const sp = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-sepa.ts")], { stdio: "inherit", env: process.env });
  if (sp.status !== 0) process.exit(sp.status ?? 1);

  console.log("\n9. Einzelplätze: 2.700 MAE-Platzkäufe und Monatsabrechnungen über zehn Jahre, gegen rohe INSERTs (eigener Prozess, frische Datenbank)");
  const pl = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-places.ts")], { stdio: "inherit", env: process.env });
  if (pl.status !== 0) process.exit(pl.status ?? 1);

  // Sections 10 and 12 read the same ten-year set: built once (by section 10) unless given.
  const tenYears = process.env.BENCH_COMPARISON_DATA_DIR ?? process.env.BENCH_PAGES_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-ten-years-"));
  process.env.BENCH_COMPARISON_DATA_DIR ??= tenYears;
  process.env.BENCH_PAGES_DATA_DIR ??= tenYears;

  console.log("\n10. Vergleich der Träger bei demo-data --scale " + (process.env.BENCH_COMPARISON_SCALE ?? "10") + ": Dienst gegen handgeschriebenes SQL, Seite /comparison (eigener Prozess)");
  const cmp = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-comparison.ts")], { stdio: "inherit", env: { ...process.env, DATA_DIR: undefined } });
  if (cmp.status !== 0) process.exit(cmp.status ?? 1);

  console.log("\n11. Schreibtor je Angebot: 2 MB über die Schnittstelle, gehalten gegen außerhalb (eigener Prozess, frische Datenbank)");
  const g = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-gate.ts")], { stdio: "inherit", env: process.env });
  if (g.status !== 0) process.exit(g.status ?? 1);

  console.log("\n12. Hauptseiten jeder Rolle bei zehn Jahren Daten (dieselben Demodaten wie 10.), p95 gegen /healthz (eigener Prozess)");
  const pg = spawnSync(process.execPath, [path.join(path.dirname(process.argv[1]), "..", "node_modules", "tsx", "dist", "cli.mjs"), path.join(path.dirname(process.argv[1]), "bench-pages.ts")], { stdio: "inherit", env: { ...process.env, DATA_DIR: undefined } });
  if (pg.status !== 0) process.exit(pg.status ?? 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});