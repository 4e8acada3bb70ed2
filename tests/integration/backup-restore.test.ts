import { freshDatabase } from "../setup/db";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "~/domain/errors";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { db, tx } from "~/lib/db.server";
import { storeDocument } from "~/lib/documents.server";
import { closeMailTransports, enqueueMail, mailDir, sendDueMail } from "~/lib/mailer.server";
import { sealingKey } from "~/lib/sealing.server";
import { backup, restore } from "~/services/backup.server";
import { createUser } from "~/services/users.server";

/** Issue 8, point 18: backup → restore into an empty data directory, verified, table by table. */
const SQLITE = !process.env.TEST_DATABASE_URL;
const ROOT = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "vt-restore-test-"));

function cli(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  delete env.APP_TIME;
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/cli.ts", ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 90000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function walk(root: string, rel = ""): string[] {
  const dir = path.join(root, rel);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(root, path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]));
}

/** Every row of a table in a SQLite file, as sorted JSON strings (VACUUM may renumber rowids). */
async function rowsOf(file: string, table: string): Promise<string[]> {
  const sqlite3 = (await import("sqlite3")).default;
  const handle = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
  try {
    const rows = await new Promise<Record<string, unknown>[]>((resolve, reject) => handle.all(`SELECT * FROM "${table}"`, (e, res) => (e ? reject(e) : resolve(res as Record<string, unknown>[]))));
    return rows.map((r) => JSON.stringify(r)).sort();
  } finally {
    await new Promise((resolve) => handle.close(resolve));
  }
}

/** Unpack, let `change` tamper with the contents, recompute the checksums as a forger would, pack. */
async function tampered(archive: string, name: string, change: (dir: string) => Promise<void> | void): Promise<string> {
  const dir = path.join(work, `tamper-${name}`);
  fs.mkdirSync(dir);
  expect(spawnSync("tar", ["-xzf", archive, "-C", dir]).status).toBe(0);
  await change(dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "MANIFEST.json"), "utf8"));
  manifest.files = {};
  for (const rel of walk(dir).filter((f) => f !== "MANIFEST.json" && f !== "BACKUP.txt").sort()) {
    const bytes = fs.readFileSync(path.join(dir, rel));
    manifest.files[rel] = { sha256: crypto.createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
  }
  fs.writeFileSync(path.join(dir, "MANIFEST.json"), JSON.stringify(manifest));
  const out = path.join(work, `${name}.tar.gz`);
  expect(spawnSync("tar", ["-czf", out, "-C", dir, "."]).status).toBe(0);
  return out;
}

let archive: string;

beforeAll(async () => {
  await freshDatabase();
});

afterAll(() => {
  closeMailTransports();
  fs.rmSync(work, { recursive: true, force: true });
});

describe.runIf(!SQLITE)("PostgreSQL", () => {
  it("backup and restore refuse with a German message naming pg_dump / pg_restore", async () => {
    await expect(backup(path.join(work, "x.tar.gz"))).rejects.toThrow(/pg_dump/);
    const err = await restore(path.join(work, "x.tar.gz")).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain("pg_restore");
  });
});

describe.runIf(SQLITE)("backup → restore (SQLite)", () => {
  const live = () => path.join(process.env.DATA_DIR!, "app.sqlite");

  it("backs up data, stored files, the mail spool and the keys", async () => {
    await createUser(SYSTEM, { name: "Jörg Übel", email: "joerg@test.example", role: "finance", providerId: null }, "ein-gutes-Passwort");
    const doc = await tx((m) =>
      storeDocument(m, { origin: "upload", title: "Größenangaben", filename: "größe.pdf", contentType: "application/pdf", bytes: Buffer.from("%PDF-1.4 Inhalt äöü €") }),
    );
    await tx((m) => enqueueMail(m, { to: "traeger@beispiel.invalid", subject: "Bescheid", text: "Anbei.", attachmentDocumentId: doc.id }));
    const sent = await sendDueMail(); // the new user's welcome mail and ours
    expect(sent).toEqual({ sent: 2, failed: 0, retried: 0 });
    expect(walk(mailDir()).length).toBe(2);
    sealingKey(); // the sealing key file exists once anything was sealed
    for (let i = 0; i < 3; i++) await tx((m) => appendAudit(m, SYSTEM, { action: "test.restore", summary: `Eintrag ${i}` }));

    archive = path.join(work, "sicherung.tar.gz");
    const result = await backup(archive);
    expect(result.files).toBe(1);
    expect(result.mails).toBe(2);
    const listing = spawnSync("tar", ["-tzf", archive], { encoding: "utf8" }).stdout.split("\n").map((l) => l.replace(/^\.\//, ""));
    for (const entry of ["app.sqlite", "MANIFEST.json", "audit-anchor.log", "keys/audit.key", "keys/sealing.key", `files/${doc.sha256.slice(0, 2)}/${doc.sha256.slice(2, 4)}/${doc.sha256}`]) expect(listing).toContain(entry);
    expect(listing.some((l) => /^mail\/.+\.eml$/.test(l))).toBe(true);
  });

  it("restore into an empty directory: every table has the same rows and content, files and keys are identical", async () => {
    const target = path.join(work, "restored");
    const r = cli(target, "restore", archive);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Sicherung wiederhergestellt und geprüft");
    expect(r.stdout).toContain("1 gespeicherte Dateien (Prüfsummen in Ordnung), 2 E-Mails im Postausgang");

    const ds = await db();
    const tables = [...ds.entityMetadatas.map((m) => m.tableName), "migrations"];
    expect(tables.length).toBeGreaterThan(20);
    for (const table of tables) {
      const before = await rowsOf(live(), table);
      const after = await rowsOf(path.join(target, "app.sqlite"), table);
      if (table === "audit_events") {
        // the restore itself is audited: one more entry, at the end of the chain
        expect(after.length, table).toBe(before.length + 1);
        const restoredEvents = after.map((j) => JSON.parse(j) as { seq: number; action: string });
        const last = restoredEvents.reduce((a, b) => (a.seq > b.seq ? a : b));
        expect(last.action).toBe("system.restore");
        expect(after.filter((j) => j !== JSON.stringify(last)), table).toEqual(before);
      } else {
        expect(after, table).toEqual(before);
      }
    }
    // the data really arrived (not two empty tables compared)
    expect((await rowsOf(path.join(target, "app.sqlite"), "users")).some((j) => j.includes("joerg@test.example"))).toBe(true);

    for (const dir of ["files", "mail", "keys"]) {
      const original = walk(path.join(process.env.DATA_DIR!, dir)).filter((f) => !f.endsWith(".tmp"));
      expect(walk(path.join(target, dir)), dir).toEqual(original);
      for (const f of original) expect(fs.readFileSync(path.join(target, dir, f)).equals(fs.readFileSync(path.join(process.env.DATA_DIR!, dir, f))), f).toBe(true);
    }
    expect(fs.statSync(path.join(target, "keys", "audit.key")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(target, "keys")).mode & 0o777).toBe(0o700);

    // the restored installation verifies its own chain, with the restored key and anchor
    const verify = cli(target, "audit:verify");
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain("Protokollkette in Ordnung");
  }, 120000);

  it("refuses a directory that is not empty, and leaves it as it was", async () => {
    const target = path.join(work, "occupied");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "notiz.txt"), "bleibt");
    const r = cli(target, "restore", archive);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ist nicht leer");
    expect(fs.readdirSync(target)).toEqual(["notiz.txt"]);
  }, 60000);

  it("refuses an archive whose files do not match its checksums, and leaves the directory empty", async () => {
    const bad = path.join(work, "bad-manifest");
    fs.mkdirSync(path.join(work, "bad-manifest-src"));
    expect(spawnSync("tar", ["-xzf", archive, "-C", path.join(work, "bad-manifest-src")]).status).toBe(0);
    fs.appendFileSync(path.join(work, "bad-manifest-src", "audit-anchor.log"), "x");
    const file = path.join(work, "bad-manifest.tar.gz");
    spawnSync("tar", ["-czf", file, "-C", path.join(work, "bad-manifest-src"), "."]);
    const r = cli(bad, "restore", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Die Datei audit-anchor.log in der Sicherung ist beschädigt");
    expect(fs.existsSync(bad)).toBe(false);
  }, 60000);

  it("refuses a stored file whose content no longer matches its hash (checksums recomputed)", async () => {
    const file = await tampered(archive, "stored-file", (dir) => {
      const blob = walk(path.join(dir, "files"))[0];
      fs.writeFileSync(path.join(dir, "files", blob), "verändert");
    });
    const target = path.join(work, "restored-bad-file");
    const r = cli(target, "restore", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Die gespeicherte Datei .* ist beschädigt/);
    expect(fs.existsSync(target)).toBe(false);
  }, 60000);

  it("refuses a database whose last audit entry was deleted (checksums recomputed)", async () => {
    const file = await tampered(archive, "truncated-chain", async (dir) => {
      const sqlite3 = (await import("sqlite3")).default;
      const handle = new sqlite3.Database(path.join(dir, "app.sqlite"));
      await new Promise<void>((resolve, reject) => handle.run("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)", (e) => (e ? reject(e) : resolve())));
      await new Promise((resolve) => handle.close(resolve));
    });
    const target = path.join(work, "restored-truncated");
    fs.mkdirSync(target); // an existing empty directory is fine, and stays
    const r = cli(target, "restore", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Die Protokollkette der Sicherung ist nicht in Ordnung");
    expect(r.stderr).toContain("Ende der Kette abgeschnitten");
    expect(fs.readdirSync(target)).toEqual([]);
  }, 60000);
});
