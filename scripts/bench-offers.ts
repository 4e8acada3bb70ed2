/**
 * Deadline rush: 200 offers with a 2 MB concept each through the API (JSON, concept in base64), fired a few
 * seconds before the deadline at a real server; then offers after the deadline. Reports offers
 * accepted, refused as late, lost (must be 0), throughput and latency percentiles, and the
 * ratio to the same number of plain file writes plus inserts measured in the same run. Also a staff
 * page (procurement's tender list) fetched at rest and, four times a second, while the rush runs:
 * its p95 during the rush against its p95 at rest (goal ≤ 3×).
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { login, timedGet } from "./bench-server";

const OFFERS = Number(process.env.BENCH_OFFERS || 200);
const LATE = 10;
const PROVIDERS = 20;
// Every offer is sent at once: the question is whether many arriving in the same second are all kept.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || OFFERS);
const SIZE = 2 * 1024 * 1024;
const STAFF_PAGE = "/tenders";
const STAFF_USER = "vergabe@asz-kamenz.example";
const STAFF_AT_REST = 40;
const STAFF_PACE_MS = 250;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-offers-"));
process.env.DATA_DIR = dataDir;
process.env.NODE_ENV = "test";
// BENCH_OFFERS_DATABASE_URL=postgres://… runs the same rush on an EMPTY PostgreSQL database (the
// server migrates and seeds it); the floor stays plain file writes plus SQLite inserts.
const pgUrl = process.env.BENCH_OFFERS_DATABASE_URL;
if (pgUrl) process.env.DATABASE_URL = pgUrl;
else delete process.env.DATABASE_URL;

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** User and system CPU time (ms) of a process, all its threads (Linux /proc). */
function processCpuMs(pid: number): { user: number; system: number } {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const tick = 1000 / 100; // USER_HZ
  return { user: Number(fields[11]) * tick, system: Number(fields[12]) * tick };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function main() {
  const root = path.resolve(__dirname, "..");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  console.log("Starte Server und lege Demodaten an …");
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, NODE_ENV: "production", SKIP_BUILD: process.env.SKIP_BUILD ?? "", JOB_INTERVAL_MS: "1000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stdout.on("data", (d) => (log += d));
  server.stderr.on("data", (d) => (log += d));
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* not yet */
      }
      if (i > 600 || server.exitCode !== null) throw new Error(`Server nicht gestartet:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const { em, tx, closeDb } = await import("../app/lib/db.server");
    const { Provider, Tender, Lot, Offer, User } = await import("../entities");
    const { createUser } = await import("../app/services/users.server");
    const { createToken } = await import("../app/services/api-tokens.server");
    const { nowIso } = await import("../app/lib/clock.server");
    const manager = await em();
    const tender = await manager.getRepository(Tender).findOneOrFail({ where: { status: "published" } });
    const lot = await manager.getRepository(Lot).findOneOrFail({ where: { tenderId: tender.id } });
    const brokers = await manager.getRepository(Provider).find({ where: { kind: "broker", active: true }, order: { id: "ASC" }, take: PROVIDERS });
    const tokens: string[] = [];
    for (const [i, p] of brokers.entries()) {
      const user = await createUser({ id: null, label: "bench" }, { email: `bench${i}@bench.example`, name: `Bench ${i}`, role: "provider", providerId: p.id }, "Bench-Passwort-2026");
      tokens.push((await createToken({ id: null, label: "bench" }, user.id, "Benchmark")).token);
    }
    // A concept of about SIZE bytes that loads as a one-page PDF (uploads are checked with pdf-lib):
    // the page tree, then one stream object filled with random bytes.
    const head = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n", "latin1");
    const tail = Buffer.from("\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "latin1");
    const fill = Math.max(0, SIZE - head.length - tail.length - 40);
    const concept = Buffer.concat([head, Buffer.from(`4 0 obj << /Length ${fill} >> stream\n`, "latin1"), crypto.randomBytes(fill), tail]);
    // JSON with the concept in base64 (the API also takes multipart; JSON is what most providers' systems send).
    const conceptBase64 = concept.toString("base64");
    const offerBody = (i: number) =>
      JSON.stringify({ lots: [{ lotId: lot.id, unitPriceCents: 80000 + i }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: `konzept-${i}.pdf`, contentBase64: conceptBase64 } });
    // Bodies are built before the rush, so the client sends at once.
    const bodies = Array.from({ length: OFFERS + LATE }, (_, i) => Buffer.from(offerBody(i)));
    // node:http rather than fetch: undici prepares large bodies slowly, so with fetch the client,
    // not the server, decided when offers arrived (measured: first of 200 after ~5 s).
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const url = new URL(`${base}/api/v1/tenders/${tender.id}/offers`);
    const send = (i: number) =>
      new Promise<{ status: number; ms: number; sha256?: string; offerId?: number; sentAt: number }>((resolve, reject) => {
        const body = bodies[i];
        const start = performance.now();
        const sentAt = Date.now();
        const req = http.request(
          { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { Authorization: `Bearer ${tokens[i % tokens.length]}`, "Content-Type": "application/json", "Content-Length": body.length } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const answer = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { sha256?: string; offerId?: number };
              resolve({ status: res.statusCode ?? 0, ms: performance.now() - start, sha256: answer.sha256, offerId: answer.offerId, sentAt });
            });
          },
        );
        req.on("error", reject);
        req.end(body);
      });

    // The staff page at rest (after one warm-up request).
    const staffCookie = await login(base, STAFF_USER);
    const warm = await timedGet(`${base}${STAFF_PAGE}`, staffCookie);
    if (warm.status !== 200) throw new Error(`${STAFF_PAGE}: ${warm.status}`);
    const staffAtRest: number[] = [];
    for (let i = 0; i < STAFF_AT_REST; i++) staffAtRest.push((await timedGet(`${base}${STAFF_PAGE}`, staffCookie)).ms);

    // The deadline: a few seconds from now (the tender is moved there directly, as a bench setup).
    const deadlineMs = Date.now() + 4000;
    const deadline = new Date(deadlineMs).toISOString();
    await tx((m) => m.getRepository(Tender).update({ id: tender.id }, { offersUntil: deadline }));
    await new Promise((r) => setTimeout(r, Math.max(0, deadlineMs - Date.now() - 2500)));
    console.log(`Frist: ${deadline}; sende ${OFFERS} Angebote à 2 MB (${CONCURRENCY} gleichzeitig) ab ${((deadlineMs - Date.now()) / 1000).toFixed(1)} s vor Fristende …`);

    const results: Awaited<ReturnType<typeof send>>[] = [];
    const serverCpu0 = processCpuMs(server.pid!);
    const clientCpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    let rushing = true;
    const rush = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < OFFERS) {
          const i = next++;
          results.push(await send(i));
        }
      }),
    ).finally(() => (rushing = false));
    // The staff page while the offers arrive, as officials use it: a request every STAFF_PACE_MS
    // (back to back, the page's own renders would take a share of the one process the rush needs).
    const staffDuring: number[] = [];
    const staffStatuses = new Set<number>();
    while (rushing) {
      const r = await timedGet(`${base}${STAFF_PAGE}`, staffCookie);
      staffStatuses.add(r.status);
      if (rushing) staffDuring.push(r.ms);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, STAFF_PACE_MS - r.ms)));
    }
    await rush;
    const rushMs = performance.now() - t0;
    const serverCpu = processCpuMs(server.pid!);
    const clientCpu = process.cpuUsage(clientCpu0);
    // After the deadline: these must be refused.
    while (Date.now() <= deadlineMs) await new Promise((r) => setTimeout(r, 100));
    const late = await Promise.all(Array.from({ length: LATE }, (_, i) => send(OFFERS + i)));

    const accepted = results.filter((r) => r.status === 201);
    const refusedLate = [...results, ...late].filter((r) => r.status === 409);
    const other = [...results, ...late].filter((r) => r.status !== 201 && r.status !== 409);
    const rows = await (await em()).getRepository(Offer).find({ where: { tenderId: tender.id } });
    const lost = accepted.filter((r) => !rows.some((o) => o.id === r.offerId && o.receivedSha256 === r.sha256));
    const lateStored = rows.filter((o) => o.receivedAt >= deadline);
    const lat = results.map((r) => r.ms).sort((a, b) => a - b);
    // Sent before the deadline by the client, but read by the server only after it (so refused):
    // the limit of one server process on this machine under a burst of 400 MB.
    const sentBeforeRefused = results.filter((r) => r.status === 409 && r.sentAt < deadlineMs);

    // Baseline: the same number of plain 2 MB file writes plus single-row inserts.
    const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-bench-base-"));
    const sqlite3 = (await import("sqlite3")).default;
    const db = new sqlite3.Database(path.join(baseDir, "base.sqlite"));
    const run = (sql: string, params: unknown[] = []) => new Promise<void>((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res())));
    await run("PRAGMA journal_mode=WAL");
    await run("CREATE TABLE t (id INTEGER PRIMARY KEY, sha TEXT, at TEXT)");
    const b0 = performance.now();
    for (let i = 0; i < OFFERS; i++) {
      const sha = crypto.createHash("sha256").update(concept).digest("hex");
      await fs.promises.writeFile(path.join(baseDir, `f${i}`), concept);
      await run("INSERT INTO t (sha, at) VALUES (?, ?)", [sha, new Date().toISOString()]);
    }
    const baseMs = performance.now() - b0;
    await new Promise<void>((r) => db.close(() => r()));
    fs.rmSync(baseDir, { recursive: true, force: true });

    console.log(`\nErgebnis Fristende-Ansturm (${pgUrl ? "PostgreSQL" : "SQLite"})`);
    console.log(`  angenommen:                 ${accepted.length} von ${OFFERS} (vor Fristende eingegangen)`);
    console.log(`  als verspätet abgewiesen:   ${refusedLate.length} (davon ${LATE} nach Fristende gesendet)`);
    console.log(`  andere Antworten:           ${other.length}${other.length ? ` (${[...new Set(other.map((o) => o.status))].join(", ")})` : ""}`);
    console.log(`  verloren:                   ${lost.length} (bestätigt, aber nicht gespeichert)`);
    console.log(`  vor Fristende gesendet, vom Server erst danach gelesen und abgewiesen: ${sentBeforeRefused.length}`);
    console.log(`  nach Fristende gespeichert: ${lateStored.length}`);
    console.log(`  Dauer ${(rushMs / 1000).toFixed(2)} s, ${(OFFERS / (rushMs / 1000)).toFixed(1)} Angebote/s, ${((OFFERS * SIZE) / 1048576 / (rushMs / 1000)).toFixed(1)} MB/s`);
    console.log(`  Latenz p50 ${percentile(lat, 50).toFixed(0)} ms, p90 ${percentile(lat, 90).toFixed(0)} ms, p99 ${percentile(lat, 99).toFixed(0)} ms, max ${lat.at(-1)?.toFixed(0)} ms`);
    console.log(`  Vergleich: ${OFFERS} einfache Dateischreibvorgänge + INSERTs: ${(baseMs / 1000).toFixed(2)} s → Verhältnis ${(rushMs / baseMs).toFixed(1)}×`);
    // Where the two cores went during the rush (user + system time, all threads of each process).
    console.log(`  Prozessorzeit während des Ansturms: Server ${((serverCpu.user - serverCpu0.user) / 1000).toFixed(2)} s Benutzer + ${((serverCpu.system - serverCpu0.system) / 1000).toFixed(2)} s System, Client (sendet die ${OFFERS} Anfragen) ${(clientCpu.user / 1e6).toFixed(2)} s + ${(clientCpu.system / 1e6).toFixed(2)} s, verfügbar ${((os.cpus().length * rushMs) / 1000).toFixed(2)} s (${os.cpus().length} Kerne)`);
    const restSorted = [...staffAtRest].sort((a, b) => a - b);
    const duringSorted = [...staffDuring].sort((a, b) => a - b);
    const staffRatio = percentile(duringSorted, 95) / Math.max(percentile(restSorted, 95), 0.001);
    console.log(`  Seite ${STAFF_PAGE} (Vergabestelle) in Ruhe: p50 ${percentile(restSorted, 50).toFixed(0)} ms, p95 ${percentile(restSorted, 95).toFixed(0)} ms (${restSorted.length} Aufrufe)`);
    console.log(`  dieselbe Seite während des Ansturms: p50 ${percentile(duringSorted, 50).toFixed(0)} ms, p95 ${percentile(duringSorted, 95).toFixed(0)} ms (${duringSorted.length} Aufrufe, Status ${[...staffStatuses].join(", ")}) → ${staffRatio.toFixed(1)}× in Ruhe`);
    const ratio = rushMs / baseMs;
    const p50 = percentile(lat, 50);
    console.log("\n  Ziele (Issue 13):");
    console.log(`    Ansturm ≤ 3× Boden (${(baseMs / 1000).toFixed(2)} s):       ${ratio.toFixed(1)}×  ${ratio <= 3 ? "erreicht" : "VERFEHLT"}`);
    console.log(`    Latenz p50 ≤ 3 s:                    ${(p50 / 1000).toFixed(2)} s  ${p50 <= 3000 ? "erreicht" : "VERFEHLT"}`);
    console.log(`    0 verloren, 0 verspätet angenommen:  ${lost.length} / ${lateStored.length}  ${lost.length === 0 && lateStored.length === 0 ? "erreicht" : "VERFEHLT"}`);
    console.log(`    Seite während des Ansturms ≤ 3× p95 in Ruhe: ${staffRatio.toFixed(1)}×  ${staffRatio <= 3 ? "erreicht" : "VERFEHLT"}`);
    console.log(`  (Der Dienst prüft, versiegelt mit AES-256-GCM, speichert, protokolliert verkettet und schreibt eine E-Mail je Angebot.)`);
    console.log(`  Zeitpunkt der Auswertung: ${nowIso()}`);
    await closeDb();
    if (lost.length || lateStored.length || other.length) process.exitCode = 1;
  } finally {
    // Wait for the server to exit: it may still write its last files while it stops.
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10000))]);
    if (process.env.BENCH_KEEP) console.log(`Daten bleiben in ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
