import { freshDatabase } from "../setup/db";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiToken, AuditEvent, Provider, Session, Setting, User } from "../../entities";
import { ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { appendAudit, SYSTEM, verifyAuditChain } from "~/lib/audit.server";
import { nowIso, resetClock, setClock } from "~/lib/clock.server";
import { db, tx } from "~/lib/db.server";
import { em } from "../setup/db";
import { sha256Hex } from "~/lib/hash.server";
import { createOrganisationToken, createToken, listApiTokens, listOrganisationTokens, revokeApiTokenAsStaff, revokeOrganisationToken } from "~/services/api-tokens.server";
import { login, LOGIN_FAILED, LOGIN_THROTTLED, type PersonUser } from "~/services/auth.server";
import { actorOf, userForApiToken, userForSession } from "~/lib/identity.server";
import { createUser, setUserActive } from "~/services/users.server";

const SQLITE = !process.env.TEST_DATABASE_URL;
const ROOT = path.resolve(__dirname, "../..");

beforeAll(async () => {
  await freshDatabase();
});

afterAll(() => {
  resetClock();
});

function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: process.env.DATA_DIR! };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  delete env.APP_TIME;
  const r = spawnSync("npx", ["tsx", "scripts/cli.ts", ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 60000 });
  // npm itself may warn about the environment's npmrc on stderr; only the CLI's own output counts.
  const stderr = r.stderr
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("npm warn"))
    .join("\n");
  return { code: r.status, stdout: r.stdout, stderr };
}

// ---------------------------------------------------------------------------------------------
describe("(a) schema drift", () => {
  it("the migrations produce exactly the schema the entities describe", async () => {
    const ds = await db();
    const log = await ds.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("(b) the transaction gate", () => {
  it("50 concurrent tx() calls, each writing a setting and an audit event, all succeed", async () => {
    const m = await em();
    const seqBefore = (await m.getRepository(AuditEvent).count());
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        tx(async (t) => {
          await t.getRepository(Setting).insert({ key: `test.concurrent.${i}`, value: i, updatedAt: nowIso(), updatedById: null });
          await appendAudit(t, SYSTEM, { action: "test.concurrent", summary: `Nebenläufig ${i}`, entityId: i });
          return i;
        }),
      ),
    );
    const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(rejected.map((r) => String(r.reason))).toEqual([]);
    const settings = await m.getRepository(Setting).find();
    expect(settings.filter((s) => s.key.startsWith("test.concurrent.")).map((s) => s.value).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    const events = await m.getRepository(AuditEvent).find({ where: { action: "test.concurrent" }, order: { seq: "ASC" } });
    expect(events).toHaveLength(50);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => seqBefore + 1 + i));
    expect(new Set(events.map((e) => e.entityId)).size).toBe(50);
    const report = await verifyAuditChain(m);
    expect(report).toEqual({ ok: true, checked: seqBefore + 50, anchoredSeq: seqBefore + 50 });
  });

  it("a tx that throws rolls back everything it wrote, and the next tx still works", async () => {
    const m = await em();
    const auditBefore = await m.getRepository(AuditEvent).count();
    const err = await tx(async (t) => {
      await t.getRepository(Setting).insert({ key: "test.rollback", value: 1, updatedAt: nowIso(), updatedById: null });
      await appendAudit(t, SYSTEM, { action: "test.rollback", summary: "wird zurückgerollt" });
      throw new Error("Absicht");
    }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("Absicht");
    expect(await m.getRepository(Setting).findOneBy({ key: "test.rollback" })).toBeNull();
    expect(await m.getRepository(AuditEvent).count()).toBe(auditBefore);

    // concurrent mix of failing and succeeding transactions
    const mixed = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        tx(async (t) => {
          await t.getRepository(Setting).insert({ key: `test.mixed.${i}`, value: i, updatedAt: nowIso(), updatedById: null });
          if (i % 2) throw new Error(`fail ${i}`);
          return i;
        }),
      ),
    );
    expect(mixed.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const keys = (await m.getRepository(Setting).find()).map((s) => s.key).filter((k) => k.startsWith("test.mixed."));
    expect(keys.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `test.mixed.${i * 2}`).sort());

    const value = await tx(async (t) => {
      await t.getRepository(Setting).insert({ key: "test.after", value: "ok", updatedAt: nowIso(), updatedById: null });
      return "done";
    });
    expect(value).toBe("done");
    expect((await m.getRepository(Setting).findOneByOrFail({ key: "test.after" })).value).toBe("ok");
    expect((await verifyAuditChain(m)).ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe("(c)+(d) audit chain tamper detection and the audit:verify CLI", () => {
  let target: AuditEvent;
  let middle: AuditEvent;

  it("appends several events; verify and the CLI both report the chain intact", async () => {
    for (let i = 0; i < 6; i++) await tx((t) => appendAudit(t, SYSTEM, { action: "test.tamper", summary: `Eintrag ${i}`, details: { i, text: "Größe ü" } }));
    const m = await em();
    const events = await m.getRepository(AuditEvent).find({ where: { action: "test.tamper" }, order: { seq: "ASC" } });
    expect(events).toHaveLength(6);
    target = events[2];
    middle = events[4];
    const report = await verifyAuditChain(m);
    expect(report.ok).toBe(true);
    // small batches cross batch boundaries
    expect(await verifyAuditChain(m, 7)).toEqual(report);

    // The CLI reads the SQLite file of this test's DATA_DIR; under PostgreSQL it would need the
    // shared database URL, which this sub-case does not exercise.
    if (SQLITE) {
      const r = cli("audit:verify");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${report.checked} Einträge geprüft`);
    }
  }, 60000);

  it("an UPDATE of one summary is detected at exactly that entry, also by the CLI", async () => {
    const m = await em();
    await m.query(`UPDATE audit_events SET summary = 'geändert' WHERE id = ${target.id}`);
    const report = await verifyAuditChain(m);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toMatchObject({ seq: target.seq, id: target.id, reason: "Inhalt wurde nachträglich verändert (Prüfwert passt nicht zum Protokollschlüssel)" });
    expect(report.checked).toBe(target.seq - 1);
    expect((await verifyAuditChain(m, 3)).brokenAt?.seq).toBe(target.seq);

    if (SQLITE) {
      // see above: the CLI sub-case runs on SQLite only
      const r = cli("audit:verify");
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`Eintrag Nr. ${target.seq}`);
    }

    // putting the original text back makes the chain whole again (the check is content-based)
    await m.query(`UPDATE audit_events SET summary = 'Eintrag 2' WHERE id = ${target.id}`);
    expect((await verifyAuditChain(m)).ok).toBe(true);
  }, 60000);

  it("a changed details JSON or a recomputed hash without the following link is detected", async () => {
    const m = await em();
    const original = await m.getRepository(AuditEvent).findOneByOrFail({ id: target.id });
    await m.getRepository(AuditEvent).update({ id: target.id }, { details: { i: 99, text: "Größe ü" } });
    expect((await verifyAuditChain(m)).brokenAt?.seq).toBe(target.seq);
    // a forger who also recomputes this row's hash breaks the link of the next row
    const { auditHash } = await import("~/lib/audit.server");
    const forged = await m.getRepository(AuditEvent).findOneByOrFail({ id: target.id });
    await m.getRepository(AuditEvent).update({ id: target.id }, { hash: auditHash(forged) });
    const report = await verifyAuditChain(m);
    expect(report.brokenAt).toMatchObject({ seq: target.seq + 1, reason: "Verweis auf den vorigen Eintrag stimmt nicht" });
    await m.getRepository(AuditEvent).save({ ...original });
    expect((await verifyAuditChain(m)).ok).toBe(true);
  });

  it("deleting a row in the middle is detected at that sequence number", async () => {
    const m = await em();
    await m.query(`DELETE FROM audit_events WHERE id = ${middle.id}`);
    const report = await verifyAuditChain(m);
    expect(report.ok).toBe(false);
    expect(report.brokenAt?.seq).toBe(middle.seq);
    expect(report.brokenAt?.reason).toBe(`Eintrag Nr. ${middle.seq} fehlt`);
    if (SQLITE) {
      // see above: the CLI sub-case runs on SQLite only
      const r = cli("audit:verify");
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Nr. ${middle.seq}`);
    }
  }, 60000);
});

// ---------------------------------------------------------------------------------------------
describe("(e) backup", () => {
  it("the backup CLI writes a .tar.gz containing app.sqlite with the data", async () => {
    // The backup command copies the embedded SQLite database; PostgreSQL uses pg_dump.
    if (!SQLITE) {
      const { backup } = await import("~/services/backup.server");
      await expect(backup(path.join(os.tmpdir(), "never.tar.gz"))).rejects.toBeInstanceOf(ValidationError);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-backup-test-"));
    const file = path.join(dir, "sicherung.tar.gz");
    const r = cli("backup", file);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    const listing = spawnSync("tar", ["tzf", file], { encoding: "utf8" });
    expect(listing.status).toBe(0);
    const entries = listing.stdout.split("\n").map((l) => l.replace(/^\.\//, "")).filter(Boolean);
    expect(entries).toContain("app.sqlite");
    // unpack and check it is a real SQLite database holding our rows
    const out = path.join(dir, "x");
    fs.mkdirSync(out);
    expect(spawnSync("tar", ["xzf", file, "-C", out]).status).toBe(0);
    const bytes = fs.readFileSync(path.join(out, "app.sqlite"));
    expect(bytes.subarray(0, 16).toString("latin1")).toBe("SQLite format 3\u0000");
    const sqlite3 = (await import("sqlite3")).default;
    const copy = new sqlite3.Database(path.join(out, "app.sqlite"), sqlite3.OPEN_READONLY);
    const rows = await new Promise<{ n: number }[]>((resolve, reject) =>
      copy.all("SELECT COUNT(*) AS n FROM settings WHERE key LIKE 'test.concurrent.%'", (e, res) => (e ? reject(e) : resolve(res as { n: number }[]))),
    );
    const backupEvents = await new Promise<{ n: number }[]>((resolve, reject) =>
      copy.all("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'system.backup'", (e, res) => (e ? reject(e) : resolve(res as { n: number }[]))),
    );
    await new Promise((resolve) => copy.close(resolve));
    expect(rows[0].n).toBe(50);
    expect(backupEvents[0].n).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60000);
});

// ---------------------------------------------------------------------------------------------
describe("(f) users and authentication", () => {
  const PASSWORD = "richtig-Passwort-1";
  let admin: PersonUser;
  let seq = 0;
  const address = () => `10.0.0.${++seq}`;

  async function newUser(email: string, role: "admin" | "procurement" | "provider" = "procurement", providerId: number | null = null, providerAdmin = false) {
    const u = await createUser(SYSTEM, { name: "Test Person", email, role, providerId, providerAdmin }, PASSWORD);
    return { id: u.id, email: u.email, name: u.name, role, providerId: u.providerId, providerAdmin: u.providerAdmin } as PersonUser;
  }

  async function newProvider(name: string, key: string) {
    return tx((t) =>
      t.getRepository(Provider).save({ kind: "broker", name, serviceCategories: [], active: true, createdAt: nowIso(), updatedAt: nowIso(), externalKey: key, vatId: null, tradeRegistrationDate: null }),
    );
  }

  beforeAll(async () => {
    setClock("2026-03-02T09:00:00.000Z");
    admin = await newUser("admin@test.example", "admin");
  });

  it("createUser: minLength-1 fails with the German message naming the minimum, minLength works", async () => {
    const m = await em();
    const before = await m.getRepository(User).count();
    const err = await createUser(SYSTEM, { name: "Kurz Passwort", email: "kurz@test.example", role: "finance", providerId: null }, "abcdefghi").catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe("Das Passwort muss mindestens 10 Zeichen lang sein.");
    expect(err.fieldErrors.password).toBe("Das Passwort muss mindestens 10 Zeichen lang sein.");
    expect(await m.getRepository(User).count()).toBe(before);
    await createUser(SYSTEM, { name: "Kurz Passwort", email: "kurz@test.example", role: "finance", providerId: null }, "abcdefghij");
    expect(await m.getRepository(User).count()).toBe(before + 1);
  });

  it("createUser follows the minimum-length setting", async () => {
    const m = await em();
    await m.getRepository(Setting).save({ key: "security.minPasswordLength", value: 12, updatedAt: nowIso(), updatedById: null });
    try {
      const err = await createUser(SYSTEM, { name: "Zwölf Zeichen", email: "zwoelf@test.example", role: "finance", providerId: null }, "abcdefghijk").catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toBe("Das Passwort muss mindestens 12 Zeichen lang sein.");
      await createUser(SYSTEM, { name: "Zwölf Zeichen", email: "zwoelf@test.example", role: "finance", providerId: null }, "abcdefghijkl");
    } finally {
      await m.getRepository(Setting).delete({ key: "security.minPasswordLength" });
    }
  });

  it("createUser rejects a duplicate e-mail (any case) and a provider user without organisation", async () => {
    const dup = await createUser(SYSTEM, { name: "Noch Einer", email: "ADMIN@test.example", role: "finance", providerId: null }, PASSWORD).catch((e) => e);
    expect(dup).toBeInstanceOf(ValidationError);
    expect(dup.fieldErrors.email).toBe("Diese E-Mail-Adresse ist bereits vergeben.");
    const noOrg = await createUser(SYSTEM, { name: "Träger Person", email: "t@test.example", role: "provider", providerId: null }, PASSWORD).catch((e) => e);
    expect(noOrg).toBeInstanceOf(ValidationError);
    expect(noOrg.fieldErrors.providerId).toBeDefined();
    const ghostOrg = await createUser(SYSTEM, { name: "Träger Person", email: "t@test.example", role: "provider", providerId: 987654 }, PASSWORD).catch((e) => e);
    expect(ghostOrg).toBeInstanceOf(ValidationError);
    expect(ghostOrg.fieldErrors.providerId).toBe("Der Träger existiert nicht.");
  });

  it("wrong password and unknown e-mail give the identical message", async () => {
    await newUser("gleich@test.example");
    const wrong = await login("gleich@test.example", "falsches-Passwort", address());
    const unknown = await login("niemand@test.example", PASSWORD, address());
    expect(wrong).toEqual({ ok: false, error: LOGIN_FAILED });
    expect(unknown).toEqual({ ok: false, error: LOGIN_FAILED });
    const empty = await login("", "", address());
    expect(empty).toEqual({ ok: false, error: LOGIN_FAILED });
  });

  it("after 5 failures the 6th attempt with the CORRECT password is refused with the throttle message", async () => {
    await newUser("sperre@test.example");
    for (let i = 0; i < 5; i++) {
      expect(await login("sperre@test.example", `falsch-${i}-xxxxx`, address())).toEqual({ ok: false, error: LOGIN_FAILED });
    }
    expect(await login("sperre@test.example", PASSWORD, address())).toMatchObject({ ok: false, error: LOGIN_THROTTLED, throttled: true });
    // the account key is case-insensitive
    expect(await login(" SPERRE@test.example ", PASSWORD, address())).toMatchObject({ ok: false, error: LOGIN_THROTTLED, throttled: true });
  });

  it("30 parallel wrong passwords for one account: only the limit (5) are checked, the rest throttled; none slips through", async () => {
    await newUser("parallel@test.example");
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login("parallel@test.example", `falsch-${i}-xxxxx`, address())));
    const checked = results.filter((r) => !r.ok && r.error === LOGIN_FAILED).length;
    const throttled = results.filter((r) => !r.ok && r.throttled).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked + throttled).toBe(30);
    for (const r of results) if (!r.ok && r.throttled) expect(r.retryAfterSeconds).toBeGreaterThan(0);
    // the correct password is now throttled as well, and in parallel still only up to the limit get through
    const again = await Promise.all(Array.from({ length: 10 }, () => login("parallel@test.example", PASSWORD, address())));
    expect(again.filter((r) => r.ok).length).toBe(5 - checked);
  });

  it("after 4 failures the correct password still works (boundary), and success clears the count", async () => {
    await newUser("vier@test.example");
    for (let i = 0; i < 4; i++) expect((await login("vier@test.example", "falsch-xxxxxxx", address())).ok).toBe(false);
    const ok = await login("vier@test.example", PASSWORD, address());
    expect(ok.ok).toBe(true);
    // cleared: four more failures are again below the limit
    for (let i = 0; i < 4; i++) expect((await login("vier@test.example", "falsch-xxxxxxx", address())).ok).toBe(false);
    expect((await login("vier@test.example", PASSWORD, address())).ok).toBe(true);
  });

  it("the throttle window ends after security.loginWindowMinutes (15)", async () => {
    setClock("2026-03-02T10:00:00.000Z");
    await newUser("fenster@test.example");
    for (let i = 0; i < 5; i++) await login("fenster@test.example", "falsch-xxxxxxx", address());
    setClock("2026-03-02T10:14:50.000Z");
    // Retry-After: the oldest of the five failures leaves the window in about 10 seconds (the
    // pinned clock runs on while the attempts are checked, so a second or two later at most)
    const blocked = await login("fenster@test.example", PASSWORD, address());
    expect(blocked).toMatchObject({ ok: false, error: LOGIN_THROTTLED, throttled: true });
    const retryAfter = !blocked.ok && blocked.throttled ? blocked.retryAfterSeconds : 0;
    expect(retryAfter).toBeGreaterThanOrEqual(10);
    expect(retryAfter).toBeLessThanOrEqual(12);
    setClock("2026-03-02T10:15:10.000Z");
    expect((await login("fenster@test.example", PASSWORD, address())).ok).toBe(true);
  });

  it("failures from one address block that address for every account (setting at its minimum 5)", async () => {
    const m = await em();
    await m.getRepository(Setting).save({ key: "security.loginMaxFailuresPerAddress", value: 5, updatedAt: nowIso(), updatedById: null });
    try {
      const ip = "192.0.2.77";
      await newUser("adresse@test.example");
      for (let i = 0; i < 4; i++) await login(`unbekannt${i}@test.example`, "falsch-xxxxxxx", ip);
      // 4 failures: still below the limit
      expect((await login("adresse@test.example", PASSWORD, ip)).ok).toBe(true);
      await login("unbekannt4@test.example", "falsch-xxxxxxx", ip);
      // 5 failures: the address is blocked, even for a correct password of another account
      expect(await login("adresse@test.example", PASSWORD, ip)).toMatchObject({ ok: false, error: LOGIN_THROTTLED, throttled: true });
      expect((await login("adresse@test.example", PASSWORD, "192.0.2.78")).ok).toBe(true);
    } finally {
      await m.getRepository(Setting).delete({ key: "security.loginMaxFailuresPerAddress" });
    }
  });

  it("a successful login returns a token that userForSession resolves; it expires after sessionHours", async () => {
    setClock("2026-03-02T12:00:00.000Z");
    const u = await newUser("sitzung@test.example");
    const r = await login("Sitzung@Test.example", PASSWORD, address());
    if (!r.ok) throw new Error(r.error);
    expect(r.user).toEqual(u);
    const lifetime = Date.parse(r.expiresAt) - Date.parse("2026-03-02T12:00:00.000Z");
    expect(lifetime).toBeGreaterThanOrEqual(10 * 3600000);
    expect(lifetime).toBeLessThan(10 * 3600000 + 5000);
    expect(await userForSession(r.token)).toEqual(u);
    expect(await userForSession(`${r.token}x`)).toBeNull();
    // the session token is stored only as a hash
    const m = await em();
    const sessions = await m.getRepository(Session).find({ where: { userId: u.id } });
    expect(sessions).toHaveLength(1);
    expect(JSON.stringify(sessions)).not.toContain(r.token);
    expect(sessions[0].tokenHash).toBe(sha256Hex(r.token));
    // still valid one minute before the end, invalid at the end
    setClock(new Date(Date.parse(r.expiresAt) - 60000));
    expect(await userForSession(r.token)).toEqual(u);
    setClock(new Date(Date.parse(r.expiresAt) + 1000));
    expect(await userForSession(r.token)).toBeNull();
    setClock("2026-03-02T12:00:00.000Z");
  });

  it("deactivating a user ends its sessions and blocks login; reactivation allows login again", async () => {
    const u = await newUser("aus@test.example");
    const r = await login("aus@test.example", PASSWORD, address());
    if (!r.ok) throw new Error(r.error);
    expect(await userForSession(r.token)).not.toBeNull();
    await setUserActive(admin, u.id, false);
    expect(await userForSession(r.token)).toBeNull();
    expect(await login("aus@test.example", PASSWORD, address())).toEqual({ ok: false, error: LOGIN_FAILED });
    await setUserActive(admin, u.id, true);
    expect(await userForSession(r.token)).toBeNull(); // the old session stays gone
    expect((await login("aus@test.example", PASSWORD, address())).ok).toBe(true);
  });

  it("an admin cannot deactivate itself", async () => {
    await expect(setUserActive(admin, admin.id, false)).rejects.toThrow("Sie können sich nicht selbst deaktivieren.");
  });

  it("a provider user's token belongs to the organisation: stored as hash only, acts without a person, survives the creator, stops when expired or revoked", async () => {
    const m = await em();
    const provider = await newProvider("Token Vermittlung", "TOK-1");
    const u = await newUser("portal@test.example", "provider", provider.id, true);
    const { token, id } = await createToken(SYSTEM, u.id, "Buchhaltungssoftware");
    expect(token.startsWith("vt_")).toBe(true);
    const row = await m.getRepository(ApiToken).findOneByOrFail({ id });
    expect(row).toMatchObject({ providerId: provider.id, userId: null, createdById: null, scopes: "read,offers,placements,invoices,places", revokedAt: null });
    // the default expiry: through the end of the day 365 days ahead (Berlin)
    expect(row.expiresAt).toBe(new Date(Date.parse("2027-03-03T00:00:00+01:00")).toISOString());

    const caller = await userForApiToken(token);
    expect(caller).toMatchObject({ id: null, email: "", role: "provider", providerId: provider.id, apiToken: { id, kind: "organisation", name: "Buchhaltungssoftware", scopes: ["read", "offers", "placements", "invoices", "places"] } });
    // the audit trail names the token and the organisation, never the person who created it
    expect(actorOf(caller!)).toEqual({ id: null, label: `API-Zugang „Buchhaltungssoftware“ (${row.prefix}…) · Token Vermittlung`, role: "provider", providerId: provider.id });
    expect(await userForApiToken(`${token}x`)).toBeNull();

    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(Object.values(row).some((v) => typeof v === "string" && v.includes(token))).toBe(false);
    const raw: Record<string, unknown>[] = await m.query(`SELECT * FROM api_tokens WHERE id = ${id}`);
    expect(JSON.stringify(raw)).not.toContain(token);

    // the last use is written at most once a minute
    const firstUse = (await m.getRepository(ApiToken).findOneByOrFail({ id })).lastUsedAt;
    expect(firstUse).not.toBeNull();
    setClock(new Date(Date.parse(firstUse!) + 30_000));
    await userForApiToken(token);
    expect((await m.getRepository(ApiToken).findOneByOrFail({ id })).lastUsedAt).toBe(firstUse);
    setClock(new Date(Date.parse(firstUse!) + 61_000));
    await userForApiToken(token);
    expect((await m.getRepository(ApiToken).findOneByOrFail({ id })).lastUsedAt).not.toBe(firstUse);

    // the creator leaves: the organisation's token keeps working
    await setUserActive(admin, u.id, false);
    expect(await userForApiToken(token)).toMatchObject({ providerId: provider.id });

    // expired at its expiresAt
    setClock(new Date(Date.parse(row.expiresAt) - 1000));
    expect(await userForApiToken(token)).not.toBeNull();
    setClock(row.expiresAt);
    expect(await userForApiToken(token)).toBeNull();
    setClock("2026-03-02T12:00:00.000Z");

    // staff revoke it: it stops at once, who and when is kept
    await revokeApiTokenAsStaff(admin, id);
    expect(await userForApiToken(token)).toBeNull();
    expect(await m.getRepository(ApiToken).findOneByOrFail({ id })).toMatchObject({ revokedById: admin.id, revokedAt: expect.any(String) });
    const events = await m.getRepository(AuditEvent).find({ where: { entityType: "api_token", entityId: String(id) }, order: { seq: "ASC" } });
    expect(events.map((e) => [e.action, e.actorLabel, e.providerId])).toEqual([
      ["api_token.create", "system", provider.id],
      ["api_token.revoke", admin.email, provider.id],
    ]);

    const short = await createToken(SYSTEM, u.id, " x ").catch((e) => e);
    expect(short).toBeInstanceOf(ValidationError);
    expect(short.message).toBe("Bitte geben Sie dem Zugang einen Namen (2 bis 100 Zeichen).");
  });

  it("a staff user's token is personal: it acts as the person and ends with the account", async () => {
    const s = await newUser("werkzeug@test.example", "procurement");
    const { token, id } = await createToken(SYSTEM, s.id, "Auswertung", { scopes: ["read"] });
    expect(await (await em()).getRepository(ApiToken).findOneByOrFail({ id })).toMatchObject({ userId: s.id, providerId: null, scopes: "read" });
    const caller = await userForApiToken(token);
    expect(caller).toMatchObject({ id: s.id, email: s.email, role: "procurement", apiToken: { id, kind: "personal", scopes: ["read"] } });
    expect(actorOf(caller!)).toMatchObject({ id: s.id, label: "werkzeug@test.example (API-Zugang „Auswertung“)" });
    await setUserActive(admin, s.id, false);
    expect(await userForApiToken(token)).toBeNull();
    await setUserActive(admin, s.id, true);
    expect(await userForApiToken(token)).not.toBeNull();
    await expect(createToken(SYSTEM, s.id, "Falsch", { scopes: ["schreiben"] })).rejects.toThrow("Unbekannte Berechtigung: schreiben. Möglich sind read, offers, placements, invoices, places.");
  });

  it("only the organisation's administrator creates and revokes its tokens; other provider users see them", async () => {
    const provider = await newProvider("Zwei Personen Vermittlung", "TOK-2");
    const other = await newProvider("Andere Vermittlung", "TOK-3");
    const chief = await newUser("chefin@test.example", "provider", provider.id, true);
    const clerk = await newUser("sachbearbeiter@test.example", "provider", provider.id, false);
    const stranger = await newUser("fremd@test.example", "provider", other.id, true);

    await expect(createOrganisationToken(clerk, { name: "Heimlich", scopes: ["read"] })).rejects.toBeInstanceOf(ForbiddenError);
    const { token, id } = await createOrganisationToken(chief, { name: "Fachverfahren", scopes: ["read", "offers"], validUntil: "" });
    expect((await listOrganisationTokens(clerk)).map((t) => [t.name, t.scopes, t.createdByName, t.state])).toEqual([["Fachverfahren", ["read", "offers"], "Test Person", "active"]]);
    expect(await listOrganisationTokens(stranger)).toEqual([]);

    // the expiry: from today up to api.tokenMaxDays (730) ahead, German dates accepted
    const late = await createOrganisationToken(chief, { name: "Zu lang", scopes: ["read"], validUntil: "02.03.2028" }).catch((e) => e);
    expect(late).toBeInstanceOf(ValidationError);
    expect(late.fieldErrors.validUntil).toBe("Ein API-Zugang gilt höchstens 730 Tage, also bis spätestens 01.03.2028.");
    const latest = await createOrganisationToken(chief, { name: "Lang", scopes: ["read"], validUntil: "01.03.2028" });
    expect((await (await em()).getRepository(ApiToken).findOneByOrFail({ id: latest.id })).expiresAt).toBe("2028-03-01T23:00:00.000Z");
    const none = await createOrganisationToken(chief, { name: "Ohne", scopes: [] }).catch((e) => e);
    expect(none.fieldErrors.scopes).toBe("Bitte wählen Sie mindestens eine Berechtigung.");

    await expect(revokeOrganisationToken(clerk, id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(revokeOrganisationToken(stranger, id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await userForApiToken(token)).not.toBeNull();
    await revokeOrganisationToken(chief, id);
    expect(await userForApiToken(token)).toBeNull();
    const [view] = (await listOrganisationTokens(clerk)).filter((t) => t.id === id);
    expect(view).toMatchObject({ state: "revoked", stateLabel: "widerrufen", revokedByName: "Test Person" });
  });

  it("staff list every token with filters: state, kind, organisation, text", async () => {
    const provider = await newProvider("Filter Vermittlung", "TOK-4");
    const chief = await newUser("filter-chef@test.example", "provider", provider.id, true);
    const staff = await newUser("filter-werkzeug@test.example", "procurement");
    const live = await createToken(SYSTEM, chief.id, "Filter aktiv");
    const old = await createToken(SYSTEM, chief.id, "Filter abgelaufen", { validUntil: "2026-03-02" });
    const gone = await createToken(SYSTEM, chief.id, "Filter widerrufen");
    await revokeApiTokenAsStaff(admin, gone.id);
    const own = await createToken(SYSTEM, staff.id, "Filter persönlich", { scopes: ["read"] });
    setClock("2026-03-03T12:00:00.000Z"); // the day after "abgelaufen" was valid through
    try {
      const names = async (q: Parameters<typeof listApiTokens>[1]) => (await listApiTokens(admin, { q: "filter", ...q })).rows.map((t) => t.name).sort();
      expect(await names({})).toEqual(["Filter abgelaufen", "Filter aktiv", "Filter persönlich", "Filter widerrufen"]);
      expect(await names({ state: "active" })).toEqual(["Filter aktiv", "Filter persönlich"]);
      expect(await names({ state: "expired" })).toEqual(["Filter abgelaufen"]);
      expect(await names({ state: "revoked" })).toEqual(["Filter widerrufen"]);
      expect(await names({ kind: "personal" })).toEqual(["Filter persönlich"]);
      expect(await names({ provider: provider.id, kind: "organisation" })).toEqual(["Filter abgelaufen", "Filter aktiv", "Filter widerrufen"]);
      expect(await names({ q: "filter vermittlung" })).toEqual(["Filter abgelaufen", "Filter aktiv", "Filter widerrufen"]); // by the organisation's name
      expect(await names({ q: "filter-werkzeug@" })).toEqual(["Filter persönlich"]); // by the owner's address
      const page = await listApiTokens(admin, { provider: provider.id, sort: "name", dir: "asc" });
      expect(page.provider).toEqual({ id: provider.id, name: "Filter Vermittlung" });
      expect(page.rows.map((t) => [t.name, t.kindLabel, t.providerName, t.stateLabel])).toEqual([
        ["Filter abgelaufen", "Organisation", "Filter Vermittlung", "abgelaufen"],
        ["Filter aktiv", "Organisation", "Filter Vermittlung", "aktiv"],
        ["Filter widerrufen", "Organisation", "Filter Vermittlung", "widerrufen"],
      ]);
      const [personal] = (await listApiTokens(admin, { kind: "personal", q: "filter" })).rows;
      expect(personal).toMatchObject({ id: own.id, ownerName: "Test Person", providerId: null, scopeLabels: ["Lesen"] });
      expect(live.id).toBeGreaterThan(0);
      expect(old.id).toBeGreaterThan(0);
      await expect(listApiTokens(staff, {})).rejects.toBeInstanceOf(ForbiddenError);
    } finally {
      setClock("2026-03-02T12:00:00.000Z");
    }
  });
});
