import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import { SMTPServer } from "smtp-server";
import { In, Like } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent, FeeInstalment, Lot, Offer, OutboxMessage, Provider, Tender } from "../../entities";
import { readAnchor, verifyAuditChain } from "~/lib/audit.server";
import { addDays } from "~/domain/time";
import { STARTUP_LOCK_KEY, migrateAndSeed } from "~/jobs/bootstrap.server";
import { today } from "~/lib/clock.server";
import { closeDb, createDataSource, em, tx } from "~/lib/db.server";
import { createToken } from "~/services/api-tokens.server";
import { createUser } from "~/services/users.server";
import { freshDatabase } from "../setup/db";
import { loginCookie, startServer, type TestServer } from "../setup/server";

/**
 * Issue 13, point 5: two app processes on one PostgreSQL database (each its own port, the same
 * SESSION_SECRET, SEALING_KEY and data directory / file store). A deadline rush split across both
 * loses nothing and accepts nothing late, the audit chain stays intact, and the background jobs,
 * running in both, do every due transition, reminder and mail exactly once.
 * Runs in CI's PostgreSQL pass; skipped only when no PostgreSQL URL is configured.
 */
const PG = process.env.TEST_DATABASE_URL;
const PER_SERVER = 20;
const LATE_PER_SERVER = 3;

interface Received {
  messageId: string;
  subject: string;
}

function header(raw: Buffer, name: string): string {
  const text = raw.toString("latin1").split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ");
  const m = new RegExp(`^${name}:\\s*(.*)$`, "im").exec(text);
  return m ? m[1].trim() : "";
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Zeitüberschreitung: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A small concept that loads as a one-page PDF (uploads are checked with pdf-lib). */
function concept(i: number): string {
  const fill = crypto.randomBytes(64 * 1024).toString("hex");
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n4 0 obj << /Length ${fill.length} >> stream\n${fill}\nendstream endobj\n% ${i}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    "latin1",
  ).toString("base64");
}

function post(baseUrl: string, path: string, token: string, body: string): Promise<{ status: number; json: { offerId?: number; sha256?: string }; sentAt: number }> {
  const url = new URL(path, baseUrl);
  const sentAt = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"), sentAt }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Wait until the outbox has no pending message left, then for one more pass of both processes. */
async function drained(): Promise<OutboxMessage[]> {
  await until(
    "Postausgang leer",
    async () => {
      const all = await (await em()).getRepository(OutboxMessage).find();
      return all.length > 0 && all.every((o) => o.status !== "pending");
    },
    120_000,
  );
  await new Promise((r) => setTimeout(r, 1500)); // a second pass in both processes finds nothing left
  return (await em()).getRepository(OutboxMessage).find();
}

/** Pending instalments made due today (their duration reached yesterday) or lapsed (deadline yesterday). */
async function prepareDueInstalments() {
  const day = today();
  return tx(async (m) => {
    const pending = await m.getRepository(FeeInstalment).find({ where: { status: "pending" }, order: { id: "ASC" }, take: 50 });
    const cut = Math.ceil(pending.length * 0.7);
    const due = pending.slice(0, cut).map((i) => i.id);
    const lapse = pending.slice(cut).map((i) => i.id);
    if (due.length) await m.getRepository(FeeInstalment).update({ id: In(due) }, { earliestOn: addDays(day, -1), deadlineOn: addDays(day, 60), lastReminderOn: null });
    if (lapse.length) await m.getRepository(FeeInstalment).update({ id: In(lapse) }, { earliestOn: addDays(day, -30), deadlineOn: addDays(day, -1) });
    // Assignments whose validity ended yesterday expire (and their voucher's money is released);
    // ended places whose exit is three months ago release their commitment.
    const assignments: number[] = (await m.query(`SELECT id FROM assignments WHERE status = 'active' ORDER BY id LIMIT 6`)).map((r: { id: number }) => r.id);
    if (assignments.length) await m.query(`UPDATE assignments SET "validUntil" = $1 WHERE id = ANY($2)`, [addDays(day, -1), assignments]);
    const purchases: number[] = (
      await m.query(
        `SELECT p.id FROM place_purchases p WHERE EXISTS (SELECT 1 FROM commitments c WHERE c."sourceType" = 'purchase' AND c."sourceId" = p.id AND c.status = 'open') ORDER BY p.id LIMIT 6`,
      )
    ).map((r: { id: number }) => r.id);
    if (purchases.length) await m.query(`UPDATE place_purchases SET status = 'completed', "exitDate" = $1 WHERE id = ANY($2)`, [addDays(day, -95), purchases]);
    return { day, due, lapse, assignments, purchases };
  });
}

describe.skipIf(!PG)("two app processes on one PostgreSQL database", () => {
  const servers: TestServer[] = [];
  const received: Received[] = [];
  let smtp: SMTPServer;
  let prepared: Awaited<ReturnType<typeof prepareDueInstalments>> = { day: "", due: [], lapse: [], assignments: [], purchases: [] };

  beforeAll(async () => {
    await freshDatabase({ budget: false });
    await closeDb();
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks);
          received.push({ messageId: header(raw, "Message-ID"), subject: header(raw, "Subject") });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, "127.0.0.1", () => resolve()));
    // One data directory for both (the file store, the audit key and anchor); the test process
    // uses it too, so it verifies the chain with the same key.
    const env = {
      DATABASE_URL: PG!,
      SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
      SEALING_KEY: crypto.randomBytes(32).toString("base64"),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      JOB_INTERVAL_MS: "300",
    };
    // The test process seeds the demo (tenders sealed with the key): it shares the keys too.
    process.env.SEALING_KEY = env.SEALING_KEY;
    process.env.SESSION_SECRET = env.SESSION_SECRET;
    // The test holds the start-up lock while it migrates, seeds the demo and makes work due;
    // both servers start meanwhile and wait for the lock (neither migrates nor seeds again), then
    // their first job passes meet on the same due work.
    const lockSource = createDataSource();
    await lockSource.initialize();
    const runner = lockSource.createQueryRunner();
    await runner.connect();
    await runner.query(`SELECT pg_advisory_lock(${STARTUP_LOCK_KEY})`);
    let starting: Promise<TestServer[]> | null = null;
    try {
      await migrateAndSeed({});
      prepared = await prepareDueInstalments();
      starting = Promise.all([0, 1].map(() => startServer({ dataDir: process.env.DATA_DIR!, env })));
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${STARTUP_LOCK_KEY})`);
      await runner.release();
      await lockSource.destroy();
    }
    servers.push(...(await starting));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    delete process.env.SEALING_KEY;
    delete process.env.SESSION_SECRET;
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await closeDb();
  });

  it("shares sessions: a login on one process is valid on the other", async () => {
    const [a, b] = servers;
    const cookie = await loginCookie(a.baseUrl, "admin@asz-kamenz.example");
    const res = await fetch(`${b.baseUrl}/`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(res.status).toBe(200);
    // The demo was seeded once (by the test, under the start-up lock): neither process seeded again.
    expect(servers.map((s) => s.output().includes("Demodaten wurden angelegt"))).toEqual([false, false]);
  });

  it("a deadline rush split across both: 0 lost, 0 late accepted, the deadline closes once, every mail sent once, the chain intact", async () => {
    await drained(); // the first job passes (over a thousand bill proposals, the seed's mails) are done
    const manager = await em();
    const tender = await manager.getRepository(Tender).findOneOrFail({ where: { status: "published" }, order: { id: "ASC" } });
    const lot = await manager.getRepository(Lot).findOneOrFail({ where: { tenderId: tender.id }, order: { number: "ASC" } });
    const brokers = await manager.getRepository(Provider).find({ where: { kind: "broker", active: true }, order: { id: "ASC" }, take: 10 });
    const tokens: string[] = [];
    for (const [i, p] of brokers.entries()) {
      const user = await createUser({ id: null, label: "test" }, { email: `rush${i}@rush.example`, name: `Rush ${i}`, role: "provider", providerId: p.id }, "Rush-Passwort-2026");
      tokens.push((await createToken({ id: null, label: "test" }, user.id, "Fristende")).token);
    }
    const total = 2 * (PER_SERVER + LATE_PER_SERVER);
    const bodies = Array.from({ length: total }, (_, i) =>
      JSON.stringify({ lots: [{ lotId: lot.id, unitPriceCents: 80000 + i }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: `konzept-${i}.pdf`, contentBase64: concept(i) } }),
    );
    const deadlineMs = Date.now() + 8000;
    const deadline = new Date(deadlineMs).toISOString();
    await tx((m) => m.getRepository(Tender).update({ id: tender.id }, { offersUntil: deadline }));
    await new Promise((r) => setTimeout(r, Math.max(0, deadlineMs - Date.now() - 6000)));
    // Before the deadline: half of the offers to each process, all at once.
    const early = await Promise.all(Array.from({ length: 2 * PER_SERVER }, (_, i) => post(servers[i % 2].baseUrl, `/api/v1/tenders/${tender.id}/offers`, tokens[i % tokens.length], bodies[i])));
    expect(Date.now()).toBeLessThan(deadlineMs); // the rush fitted before the deadline (else the test says nothing)
    while (Date.now() <= deadlineMs + 50) await new Promise((r) => setTimeout(r, 50));
    const late = await Promise.all(Array.from({ length: 2 * LATE_PER_SERVER }, (_, j) => post(servers[j % 2].baseUrl, `/api/v1/tenders/${tender.id}/offers`, tokens[j % tokens.length], bodies[2 * PER_SERVER + j])));

    if (early.some((r) => r.status !== 201)) console.log(servers.map((x) => x.output().slice(-3000)).join("\n----\n"));
    expect(early.map((r) => r.status)).toEqual(early.map(() => 201));
    expect(late.map((r) => r.status)).toEqual(late.map(() => 409));
    const rows = await (await em()).getRepository(Offer).find({ where: { tenderId: tender.id } });
    const lost = early.filter((r) => !rows.some((o) => o.id === r.json.offerId && o.receivedSha256 === r.json.sha256));
    expect(lost).toEqual([]);
    expect(rows.filter((o) => o.receivedAt >= deadline)).toEqual([]);
    expect(new Set(rows.map((o) => o.id)).size).toBe(rows.length);
    const references = rows.map((o) => (o as unknown as { reference?: string }).reference).filter(Boolean);
    expect(new Set(references).size).toBe(references.length);

    // The deadline passes in both processes' jobs; the tender closes once.
    await until("Angebotsfrist geschlossen", async () => (await (await em()).getRepository(Tender).findOneByOrFail({ id: tender.id })).status !== "published" || null);
    const closes = await (await em()).getRepository(AuditEvent).count({ where: { action: "tender.close_offers", entityId: String(tender.id) } });
    expect(closes).toBe(1);

    // Every mail leaves once: the outbox drains, each message reaches the SMTP server exactly once.
    const outbox = await drained();
    expect(outbox.filter((o) => o.status !== "sent").map((o) => [o.id, o.status, o.lastError])).toEqual([]);
    const ids = received.map((r) => r.messageId);
    expect(ids.length).toBe(outbox.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(outbox.map((o) => o.messageId)));
    console.log(`Zwei Prozesse: ${early.length} Angebote vor der Frist (201), ${late.length} danach (409), ${rows.length} gespeichert; ${outbox.length} E-Mails, ${received.length} beim SMTP-Server angekommen`);

    const report = await verifyAuditChain(await em(), 1000, readAnchor());
    expect(report.ok, JSON.stringify(report)).toBe(true);
  }, 240_000);

  it("the background jobs of both processes do every due transition, bill proposal and reminder exactly once", async () => {
    await drained();
    const m = await em();
    // Each system move of one entity once (an instalment's move, an expiry, a bill proposal, a tender's close).
    const twice = await m.query(
      `SELECT action, "entityType", "entityId", COUNT(*)::int AS n FROM audit_events WHERE "actorLabel" = 'system' AND "entityId" <> '' GROUP BY action, "entityType", "entityId" HAVING COUNT(*) > 1`,
    );
    expect(twice).toEqual([]);
    const byAction: { action: string; n: number }[] = await m.query(`SELECT action, COUNT(*)::int AS n FROM audit_events WHERE "actorLabel" = 'system' GROUP BY action ORDER BY action`);
    console.log(`Systemschritte der Hintergrundaufgaben: ${byAction.map((r) => `${r.action} ${r.n}`).join(", ")}`);
    // The demo has due work on its first day: bill proposals and instalment moves happened.
    expect(byAction.find((r) => r.action === "bill.propose")?.n ?? 0).toBeGreaterThan(0);
    // The change feed: each proposed bill announced once.
    const feedTwice = await m.query(`SELECT "entityType", "entityId", type, COUNT(*)::int AS n FROM api_events GROUP BY "entityType", "entityId", type HAVING COUNT(*) > 1`);
    expect(feedTwice).toEqual([]);
    // Bills: one per (purchase, key) is the unique index; the job's proposals each once in the audit.
    const bills: { n: number }[] = await m.query(`SELECT COUNT(*)::int AS n FROM place_bills`);
    const proposals: { n: number; bills: number }[] = await m.query(`SELECT COUNT(*)::int AS n, COUNT(DISTINCT "entityId")::int AS bills FROM audit_events WHERE action = 'bill.propose'`);
    expect(proposals[0].n).toBe(proposals[0].bills);
    // The prepared instalments: each moved once (40 due, the rest lapsed), by one of the processes.
    expect(prepared.due.length).toBeGreaterThanOrEqual(5);
    const all = [...prepared.due, ...prepared.lapse];
    const rows = await m.getRepository(FeeInstalment).find({ where: { id: In(all) } });
    expect(rows.filter((i) => prepared.due.includes(i.id)).map((i) => i.status)).toEqual(prepared.due.map(() => "due"));
    expect(rows.filter((i) => prepared.lapse.includes(i.id)).map((i) => i.status)).toEqual(prepared.lapse.map(() => "lapsed"));
    const moves: { entityId: string; n: number }[] = await m.query(
      `SELECT "entityId", COUNT(*)::int AS n FROM audit_events WHERE "entityType" = 'fee-instalment' AND action IN ('instalment.reach_duration', 'instalment.lapse') AND "entityId" = ANY($1) GROUP BY "entityId"`,
      [all.map(String)],
    );
    expect(moves.length).toBe(all.length);
    expect(moves.every((r) => r.n === 1)).toBe(true);
    // The prepared assignments expired once each; the ended places' money was released once each.
    expect(prepared.assignments.length).toBeGreaterThan(0);
    expect(prepared.purchases.length).toBeGreaterThan(0);
    const expired: { n: number; entities: number }[] = await m.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT "entityId")::int AS entities FROM audit_events WHERE action = 'assignment.expire' AND "entityId" = ANY($1)`,
      [prepared.assignments.map(String)],
    );
    expect(expired[0]).toEqual({ n: prepared.assignments.length, entities: prepared.assignments.length });
    const releases: { sourceType: string; sourceId: number; n: number }[] = await m.query(
      `SELECT details::json->>'sourceType' AS "sourceType", (details::json->>'sourceId')::int AS "sourceId", COUNT(*)::int AS n FROM audit_events WHERE action = 'commitment.release' AND "actorLabel" = 'system' GROUP BY 1, 2`,
    );
    expect(releases.filter((r) => r.n > 1)).toEqual([]);
    for (const id of prepared.purchases) expect(releases.filter((r) => r.sourceType === "purchase" && r.sourceId === id).length).toBe(1);
    console.log(`Abgelaufene Zuweisungen ${prepared.assignments.length}, freigegebene Mittelbindungen (System) ${releases.length}, davon vorbereitete Platzkäufe ${prepared.purchases.length}`);
    // Each of the instalments now due was reminded today, once.
    expect(rows.filter((i) => prepared.due.includes(i.id)).every((i) => i.lastReminderOn === prepared.day)).toBe(true);
    // Reminders: one mail per instalment and day (the instalment remembers the day it was reminded).
    const reminders = await m.getRepository(OutboxMessage).find({ where: { subject: Like("Erinnerung: Arbeitgeberbestätigung%") } });
    expect(new Set(reminders.map((r) => r.subject)).size).toBe(reminders.length);
    const reminded: { n: number }[] = await m.query(`SELECT COUNT(*)::int AS n FROM fee_instalments WHERE "lastReminderOn" IS NOT NULL`);
    expect(reminders.length).toBeGreaterThanOrEqual(prepared.due.length);
    expect(reminders.every((r) => r.status === "sent")).toBe(true);
    const reminderIds = new Set(reminders.map((r) => r.messageId));
    expect(received.filter((r) => reminderIds.has(r.messageId)).length).toBe(reminders.length);
    console.log(`Erinnerungen: ${reminders.length} E-Mails, ${reminded[0].n} erinnerte Raten; Abrechnungen ${bills[0].n}, davon vom Job vorgeschlagen ${proposals[0].n}; vorbereitete Raten ${prepared.due.length} fällig, ${prepared.lapse.length} verfallen`);
  }, 180_000);
});
