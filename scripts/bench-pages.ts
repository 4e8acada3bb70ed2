/**
 * Every main page at ten years of data (issue 13 point 4): each role's home and every list with
 * its default filter (and the provider comparison), through the built server, p50/p95 over
 * BENCH_PAGES_REQUESTS (≥ 20, default 30) sequential requests of the logged-in demo user, against
 * the bare route /healthz measured in the same run. Goal per page: p95 < 100 ms and ≤ 3× /healthz.
 *   BENCH_PAGES_DATA_DIR: a data directory holding a `demo-data --scale 10` set (built there by
 *   the CLI when empty, ~13 minutes; kept for the next run).
 * No timed assertions; read the table.
 * Runnable alone: npx tsx scripts/bench-pages.ts
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmt, login, ms, quantile, root, startServer } from "./bench-server";


const scale = Number(process.env.BENCH_PAGES_SCALE ?? "10");
const requests = Math.max(20, Number(process.env.BENCH_PAGES_REQUESTS ?? "30"));
const given = process.env.BENCH_PAGES_DATA_DIR;
const dataDir = given ? path.resolve(given) : fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-pages-"));
fs.mkdirSync(dataDir, { recursive: true });
const P95_GOAL_MS = 100;
const BARE_FACTOR_GOAL = 3;

/** Role → demo user → the pages that user opens all day. */
const PAGES: { role: string; email: string; paths: string[] }[] = [
  { role: "Verwaltung", email: "admin@asz-kamenz.example", paths: ["/", "/admin/users", "/admin/mail", "/audit"] },
  { role: "Vergabestelle", email: "vergabe@asz-kamenz.example", paths: ["/", "/tenders", "/providers", "/agreements", "/comparison"] },
  { role: "Fallmanagement", email: "fallmanagement@asz-kamenz.example", paths: ["/", "/clients", "/placements", "/purchases", "/measures", "/outcomes"] },
  { role: "Finanzen", email: "kasse@asz-kamenz.example", paths: ["/", "/payments", "/invoices", "/bills", "/finance/budget", "/finance/runs", "/finance/statements"] },
  { role: "Prüfung", email: "pruefung@asz-kamenz.example", paths: ["/", "/audit"] },
  { role: "Bildungsträger", email: "traeger@bildungswerk-lausitz.example", paths: ["/portal", "/portal/tenders", "/portal/purchases", "/portal/measures", "/portal/bills", "/portal/invoices"] },
  { role: "Vermittler", email: "vermittler@jobbruecke-kamenz.example", paths: ["/portal", "/portal/placements"] },
];

async function timed(url: string, cookie: string | null): Promise<number[]> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const first = await fetch(url, { headers, redirect: "manual" });
  await first.arrayBuffer();
  if (first.status !== 200) throw new Error(`${url}: ${first.status}`);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = process.hrtime.bigint();
    const res = await fetch(url, { headers, redirect: "manual" });
    await res.arrayBuffer();
    times.push(ms(start));
  }
  return times;
}

export async function benchPages() {
  if (!fs.readdirSync(dataDir).some((f) => /\.(sqlite|db)$/.test(f))) {
    console.log(`Demodaten --scale ${scale} in ${dataDir} (npm run cli -- demo-data --scale ${scale}) …`);
    const start = process.hrtime.bigint();
    const { NODE_ENV: _test, DATABASE_URL: _pg, ...rest } = process.env; // as `npm run cli` runs, on SQLite
    const env = { ...rest, DATA_DIR: dataDir } as unknown as NodeJS.ProcessEnv;
    const r = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "scripts", "cli.ts"), "demo-data", "--scale", String(scale)], { stdio: "inherit", env, cwd: root });
    if (r.status !== 0) throw new Error(`demo-data --scale ${scale} ist fehlgeschlagen (${r.status}).`);
    console.log(`  Dauer: ${fmt(ms(start) / 60000)} min`);
  } else console.log(`Demodaten aus ${dataDir} wiederverwendet.`);

  const port = Number(process.env.BENCH_PAGES_PORT ?? "3198");
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(port, dataDir, Boolean(process.env.BENCH_PAGES_JOBS));
  const rows: { role: string; path: string; p50: number; p95: number; factor: number; ok: boolean }[] = [];
  let bareP95 = 0;
  try {
    // The baseline under the same conditions as the pages: the server warmed up first, then
    // /healthz measured right before every page (as many calls), all its samples pooled. A single
    // baseline at the start caught the server still compiling and varied 6–18 ms between runs.
    await timed(`${base}/healthz`, null);
    const bare: number[] = [];
    const measured: { role: string; path: string; times: number[] }[] = [];
    for (const group of PAGES) {
      const cookie = await login(base, group.email);
      for (const p of group.paths) {
        bare.push(...(await timed(`${base}/healthz`, null)));
        const times = await timed(base + p, cookie);
        measured.push({ role: group.role, path: p, times });
        console.log(`  ${group.role.padEnd(15)} ${p.padEnd(22)} Median ${fmt(quantile(times, 0.5)).padStart(7)} ms  p95 ${fmt(quantile(times, 0.95)).padStart(7)} ms`);
      }
    }
    bareP95 = quantile(bare, 0.95);
    console.log(`Leere Route /healthz vor jeder Seite: Median ${fmt(quantile(bare, 0.5))} ms, p95 ${fmt(bareP95)} ms (${bare.length} Aufrufe)`);
    for (const { role, path: p, times } of measured) {
      const p95 = quantile(times, 0.95);
      const factor = p95 / Math.max(bareP95, 0.001);
      rows.push({ role, path: p, p50: quantile(times, 0.5), p95, factor, ok: p95 < P95_GOAL_MS && factor <= BARE_FACTOR_GOAL });
    }
  } finally {
    server.kill("SIGTERM");
  }
  console.log(`\nHauptseiten bei --scale ${scale} (Ziel: p95 < ${P95_GOAL_MS} ms und ≤ ${BARE_FACTOR_GOAL}× /healthz p95 ${fmt(bareP95)} ms):`);
  console.log(`  ${"Rolle".padEnd(15)} ${"Seite".padEnd(22)} ${"Median".padStart(10)} ${"p95".padStart(10)} ${"× leer".padStart(8)}`);
  for (const r of rows) console.log(`  ${r.role.padEnd(15)} ${r.path.padEnd(22)} ${`${fmt(r.p50)} ms`.padStart(10)} ${`${fmt(r.p95)} ms`.padStart(10)} ${`${fmt(r.factor)}×`.padStart(8)}  ${r.ok ? "erreicht" : "VERFEHLT"}`);
  const missed = rows.filter((r) => !r.ok).length;
  console.log(`  ${rows.length - missed} von ${rows.length} Seiten im Ziel.`);
}

if (process.argv[1] && path.basename(process.argv[1]).startsWith("bench-pages")) {
  benchPages().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
