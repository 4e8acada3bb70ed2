import { freshDatabase } from "../setup/db";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditEvent } from "../../entities";
import { appendAudit, auditAnchorFile, auditHash, auditKey, auditKeyFile, canonicalJson, readAnchor, SYSTEM, verifyAuditChain, writeAnchor } from "~/lib/audit.server";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";

/**
 * Issue 8, point 17: the chain is anchored outside the database (a keyed hash and an
 * append-only head checkpoint), so truncation and rewriting are detected, not only edits.
 */
const SQLITE = !process.env.TEST_DATABASE_URL;
const ROOT = path.resolve(__dirname, "../..");

function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: process.env.DATA_DIR! };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  delete env.APP_TIME;
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/cli.ts", ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function allEvents(): Promise<AuditEvent[]> {
  return (await em()).getRepository(AuditEvent).find({ order: { seq: "ASC" } });
}

/** What a forger does: change entry `seq`, then recompute every later link and hash with `hash`. */
async function rewriteFrom(seq: number, change: Partial<AuditEvent>, hash: (e: AuditEvent) => string) {
  const m = await em();
  const events = await allEvents();
  let prev = events.find((e) => e.seq === seq - 1)?.hash ?? "0".repeat(64);
  for (const e of events.filter((x) => x.seq >= seq)) {
    if (e.seq === seq) Object.assign(e, change);
    e.prevHash = prev;
    e.hash = hash(e);
    await m.getRepository(AuditEvent).update({ id: e.id }, { summary: e.summary, prevHash: e.prevHash, hash: e.hash });
    prev = e.hash;
  }
}

async function restore(snapshot: AuditEvent[]) {
  const m = await em();
  await m.query("DELETE FROM audit_events");
  for (const e of snapshot) await m.getRepository(AuditEvent).save({ ...e });
}

let intact: AuditEvent[];

beforeAll(async () => {
  await freshDatabase();
  for (let i = 1; i <= 6; i++) await tx((t) => appendAudit(t, SYSTEM, { action: "test.chain", summary: `Eintrag ${i}`, details: { i } }));
  intact = await allEvents();
});

beforeEach(async () => {
  // every case starts from the intact chain (the anchor file is append-only and stays)
  await restore(intact);
  // PostgreSQL gives the restored rows new ids (its identity column ignores the saved ones): the
  // cases address entries by their current ids, the content and sequence numbers are the same.
  intact = await allEvents();
});

describe("the audit key and the anchor live outside the database", () => {
  it("the key is a 0600 file under keys/, and no audit row contains it", async () => {
    const stat = fs.statSync(auditKeyFile());
    expect(stat.mode & 0o777).toBe(0o600);
    expect(auditKey()).toHaveLength(32);
    const keyText = fs.readFileSync(auditKeyFile(), "utf8").trim();
    const dump = JSON.stringify(await allEvents());
    expect(dump).not.toContain(keyText);
    expect(dump).not.toContain(auditKey().toString("hex"));
  });

  it("the hash is keyed: a plain SHA-256 of the same fields does not match, an HMAC with another key neither", () => {
    const e = intact[2];
    expect(auditHash(e)).toBe(e.hash);
    const fields = { seq: e.seq, at: e.at, actorId: e.actorId, actorLabel: e.actorLabel, action: e.action, entityType: e.entityType, entityId: e.entityId, providerId: e.providerId, summary: e.summary, details: e.details, prevHash: e.prevHash };
    expect(crypto.createHash("sha256").update(canonicalJson(fields), "utf8").digest("hex")).not.toBe(e.hash);
    expect(auditHash(e, crypto.randomBytes(32))).not.toBe(e.hash);
  });

  it("each committed tx anchors its last entry; a rolled-back tx anchors nothing", async () => {
    const last = intact[intact.length - 1];
    expect(readAnchor()).toEqual({ seq: last.seq, hash: last.hash });
    const before = fs.readFileSync(auditAnchorFile(), "utf8");
    await tx(async (t) => {
      await appendAudit(t, SYSTEM, { action: "test.rollback", summary: "wird zurückgerollt" });
      throw new Error("Absicht");
    }).catch(() => undefined);
    expect(fs.readFileSync(auditAnchorFile(), "utf8")).toBe(before);
    // two entries in one transaction: one line, naming the second
    const [, second] = await tx(async (t) => [
      await appendAudit(t, SYSTEM, { action: "test.pair", summary: "eins" }),
      await appendAudit(t, SYSTEM, { action: "test.pair", summary: "zwei" }),
    ]);
    const lines = fs.readFileSync(auditAnchorFile(), "utf8").slice(before.length);
    expect(lines).toBe(`${second.seq} ${second.hash}\n`);
    expect((await verifyAuditChain(await em())).ok).toBe(true);
    intact = await allEvents();
  });

  it("concurrent transactions: the anchor reaches the last entry and the chain verifies", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => tx((t) => appendAudit(t, SYSTEM, { action: "test.concurrent", summary: `gleichzeitig ${i}` }))));
    intact = await allEvents();
    const last = intact[intact.length - 1];
    expect(readAnchor()).toEqual({ seq: last.seq, hash: last.hash });
    expect(await verifyAuditChain(await em())).toEqual({ ok: true, checked: last.seq, anchoredSeq: last.seq });
  });

  it("the anchor reader takes the highest sequence number and skips a torn line", () => {
    const file = path.join(process.env.DATA_DIR!, "anchor-reader-test.log");
    const h = (c: string) => c.repeat(64);
    writeAnchor({ seq: 7, hash: h("a") }, file);
    writeAnchor({ seq: 9, hash: h("b") }, file);
    writeAnchor({ seq: 8, hash: h("c") }, file); // a slower process committed earlier, wrote later
    fs.appendFileSync(file, `12 ${h("d").slice(0, 20)}`); // torn by a crash
    expect(readAnchor(file)).toEqual({ seq: 9, hash: h("b") });
    expect(readAnchor(path.join(process.env.DATA_DIR!, "missing.log"))).toBeNull();
  });
});

describe("verify detects", () => {
  it("an intact chain: ok, and its end matches the anchor", async () => {
    const last = intact[intact.length - 1];
    expect(await verifyAuditChain(await em())).toEqual({ ok: true, checked: last.seq, anchoredSeq: last.seq });
    expect(await verifyAuditChain(await em(), 4)).toEqual({ ok: true, checked: last.seq, anchoredSeq: last.seq });
  });

  it("a changed entry: at exactly that entry", async () => {
    const target = intact[2];
    await (await em()).getRepository(AuditEvent).update({ id: target.id }, { summary: "geändert" });
    const report = await verifyAuditChain(await em());
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toMatchObject({ seq: target.seq, id: target.id });
    expect(report.brokenAt?.reason).toContain("Inhalt wurde nachträglich verändert");
    expect(report.checked).toBe(target.seq - 1);
  });

  it("a deleted last entry: the chain alone is consistent, the anchor names the missing tail (also the CLI)", async () => {
    const last = intact[intact.length - 1];
    await (await em()).getRepository(AuditEvent).delete({ id: last.id });
    const report = await verifyAuditChain(await em());
    expect(report.ok).toBe(false);
    expect(report.checked).toBe(last.seq - 1);
    expect(report.brokenAt).toEqual({ seq: last.seq, id: null, reason: `Ende der Kette abgeschnitten: Eintrag Nr. ${last.seq} fehlt (der Anker außerhalb der Datenbank reicht bis Nr. ${last.seq})` });
    if (SQLITE) {
      const r = cli("audit:verify");
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Protokollkette GEBROCHEN bei Eintrag Nr. ${last.seq}: Ende der Kette abgeschnitten`);
    }
  }, 60000);

  it("the last three entries deleted: names the range", async () => {
    const m = await em();
    const tail = intact.slice(-3);
    for (const e of tail) await m.getRepository(AuditEvent).delete({ id: e.id });
    const report = await verifyAuditChain(m);
    expect(report.brokenAt?.reason).toContain(`Einträge Nr. ${tail[0].seq} bis ${tail[2].seq} fehlen`);
  });

  it("a chain rewritten from one entry on without the key (plain SHA-256 recomputed): at the changed entry", async () => {
    const target = intact[3];
    await rewriteFrom(target.seq, { summary: "gefälscht" }, (e) =>
      crypto
        .createHash("sha256")
        .update(canonicalJson({ seq: e.seq, at: e.at, actorId: e.actorId, actorLabel: e.actorLabel, action: e.action, entityType: e.entityType, entityId: e.entityId, providerId: e.providerId, summary: e.summary, details: e.details, prevHash: e.prevHash }), "utf8")
        .digest("hex"),
    );
    const report = await verifyAuditChain(await em());
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toMatchObject({ seq: target.seq, id: target.id });
  });

  it("a chain rewritten with a guessed key: at the changed entry", async () => {
    const target = intact[1];
    const guessed = crypto.randomBytes(32);
    await rewriteFrom(target.seq, { summary: "gefälscht" }, (e) => auditHash(e, guessed));
    expect((await verifyAuditChain(await em())).brokenAt?.seq).toBe(target.seq);
  });

  it("a chain rewritten even with the real key (the key leaked): the anchored hash no longer matches", async () => {
    const target = intact[1];
    const last = intact[intact.length - 1];
    await rewriteFrom(target.seq, { summary: "gefälscht" }, (e) => auditHash(e));
    // every link and keyed hash fits now; only the anchor outside tells
    const report = await verifyAuditChain(await em());
    expect(report.ok).toBe(false);
    expect(report.checked).toBe(last.seq);
    expect(report.brokenAt).toEqual({ seq: last.seq, id: null, reason: `Kette neu geschrieben: Eintrag Nr. ${last.seq} trägt nicht den außerhalb der Datenbank verankerten Prüfwert` });
    if (SQLITE) {
      const r = cli("audit:verify");
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("Kette neu geschrieben");
    }
  }, 60000);

  it("the last entry deleted and the rest rewritten with the key: the missing tail is reported", async () => {
    const last = intact[intact.length - 1];
    await (await em()).getRepository(AuditEvent).delete({ id: last.id });
    await rewriteFrom(intact[0].seq, {}, (e) => auditHash(e));
    expect((await verifyAuditChain(await em())).brokenAt?.reason).toContain(`Eintrag Nr. ${last.seq} fehlt`);
  });

  it("a chain with entries but no anchor at all is not confirmed; an empty chain without anchor is", async () => {
    const report = await verifyAuditChain(await em(), 1000, null);
    expect(report.ok).toBe(false);
    expect(report.brokenAt?.reason).toContain("Kein Anker außerhalb der Datenbank");
    await (await em()).query("DELETE FROM audit_events");
    expect(await verifyAuditChain(await em(), 1000, null)).toEqual({ ok: true, checked: 0, anchoredSeq: null });
  });

  it("after all this, the restored chain verifies again (the checks are content-based)", async () => {
    expect((await verifyAuditChain(await em())).ok).toBe(true);
    if (SQLITE) {
      const r = cli("audit:verify");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Anker außerhalb der Datenbank überein (Nr. ${intact[intact.length - 1].seq})`);
    }
  }, 60000);
});
