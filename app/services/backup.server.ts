import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Document, Offer } from "../../entities";
import { ValidationError } from "~/domain/errors";
import { appendAudit, auditAnchorFile, verifyAuditChain, SYSTEM } from "~/lib/audit.server";
import { config, sqliteFile } from "~/lib/config.server";
import { nowIso } from "~/lib/clock.server";
import { closeDb, databaseKind, db, tx } from "~/lib/db.server";
import { filesRoot, readBytes } from "~/lib/files.server";
import { mailDir } from "~/lib/mailer.server";

/*
 * Backup and restore of the embedded installation (README "Backup and restore").
 * The archive holds:
 *   app.sqlite        a consistent snapshot (VACUUM INTO) taken while the application runs
 *   files/            the content-addressed document store
 *   mail/             the mail spool (.eml files written without SMTP)
 *   keys/             sealing.key and audit.key (secrets outside the database), if they are files
 *   session-secret    the generated cookie secret, if it is a file
 *   audit-anchor.log  the audit chain's anchor outside the database
 *   MANIFEST.json     SHA-256 and size of every file above
 */

const MANIFEST = "MANIFEST.json";
const FORMAT = "vt-backup-1";

interface Manifest {
  format: string;
  createdAt: string;
  files: Record<string, { sha256: string; size: number }>;
}

function walk(root: string, rel = ""): string[] {
  const dir = path.join(root, rel);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const child = rel ? path.posix.join(rel, e.name) : e.name;
    if (e.isDirectory()) return walk(root, child);
    return e.isFile() ? [child] : [];
  });
}

function fileSha256(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function copyIfExists(from: string, to: string, mode?: number) {
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
  if (mode !== undefined) fs.chmodSync(to, mode);
}

/**
 * A consistent online backup as one .tar.gz. The audit anchor is copied before the database
 * snapshot, so every anchored entry is in the snapshot and the restored chain verifies.
 * For PostgreSQL use pg_dump (see README); this command refuses.
 */
export async function backup(target: string): Promise<{ file: string; files: number; mails: number; bytes: number }> {
  if (databaseKind() !== "sqlite") throw new ValidationError("Für PostgreSQL bitte pg_dump verwenden; dieser Befehl sichert die eingebettete SQLite-Datenbank.");
  const dataDir = config().dataDir;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vt-backup-"));
  try {
    await tx(async (m) => {
      await appendAudit(m, SYSTEM, { action: "system.backup", summary: `Datensicherung nach ${path.basename(target)}` });
    });
    // 1. the anchor first: whatever it names has committed and is in the snapshot taken next
    copyIfExists(auditAnchorFile(), path.join(work, "audit-anchor.log"), 0o600);
    // 2. VACUUM cannot run inside a transaction; the gate is idle once the audit entry committed.
    const dbCopy = path.join(work, "app.sqlite");
    await (await db()).query(`VACUUM INTO '${dbCopy.replace(/'/g, "''")}'`);
    // 3. files are stored before the rows that name them commit, so the copy holds all of them
    copyIfExists(filesRoot(), path.join(work, "files"));
    copyIfExists(mailDir(), path.join(work, "mail"));
    // Secrets outside the database: without them sealed offers cannot be opened and the audit
    // chain cannot be verified.
    for (const key of ["sealing.key", "audit.key"]) copyIfExists(path.join(dataDir, "keys", key), path.join(work, "keys", key), 0o600);
    if (fs.existsSync(path.join(work, "keys"))) fs.chmodSync(path.join(work, "keys"), 0o700);
    copyIfExists(path.join(dataDir, "session-secret"), path.join(work, "session-secret"), 0o600);
    const manifest: Manifest = { format: FORMAT, createdAt: nowIso(), files: {} };
    for (const rel of walk(work).sort()) manifest.files[rel] = { sha256: fileSha256(path.join(work, rel)), size: fs.statSync(path.join(work, rel)).size };
    fs.writeFileSync(path.join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.writeFileSync(
      path.join(work, "BACKUP.txt"),
      `Datensicherung Vergabe und Trägerverwaltung\nErstellt: ${manifest.createdAt}\nInhalt: app.sqlite (Datenbank), files/ (gespeicherte Dokumente), mail/ (Postausgang), keys/ (Versiegelungs- und Protokollschlüssel – vertraulich aufbewahren), audit-anchor.log (Anker der Protokollkette), MANIFEST.json (Prüfsummen)\nWiederherstellen: npm run cli -- restore <datei> in ein leeres Datenverzeichnis\n`,
    );
    fs.mkdirSync(path.dirname(target), { recursive: true });
    execFileSync("tar", ["-czf", target, "-C", work, "."]);
    const files = Object.keys(manifest.files);
    return { file: target, files: files.filter((f) => f.startsWith("files/")).length, mails: files.filter((f) => f.startsWith("mail/")).length, bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export interface RestoreResult {
  tables: Record<string, number>;
  files: number;
  mails: number;
  auditEntries: number;
}

/**
 * Restore a backup into an empty data directory (SQLite only), then verify it: the archive's
 * checksums, the database's integrity, every stored file against its hash (and every file a
 * row names is there), and the audit chain with the restored key and anchor. When a check
 * fails, the directory is emptied again and the reason is thrown.
 * Nothing may have opened the database of this process before (the CLI calls it first).
 */
export async function restore(archive: string): Promise<RestoreResult> {
  if (databaseKind() !== "sqlite") {
    throw new ValidationError(
      "Die Wiederherstellung gilt nur für die eingebettete SQLite-Datenbank. Bei PostgreSQL die Datenbank mit pg_restore aus dem pg_dump zurückspielen, files/, mail/, keys/ und audit-anchor.log ins Datenverzeichnis kopieren und danach „npm run cli -- audit:verify“ ausführen.",
    );
  }
  if (!fs.existsSync(archive)) throw new ValidationError(`Die Sicherungsdatei ${archive} gibt es nicht.`);
  const dataDir = config().dataDir;
  const dbFile = sqliteFile();
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new ValidationError(`Das Datenverzeichnis ${dataDir} ist nicht leer. Die Wiederherstellung schreibt nur in ein leeres Verzeichnis (DATA_DIR auf ein neues Verzeichnis setzen).`);
  }
  if (fs.existsSync(dbFile)) throw new ValidationError(`Die Datenbankdatei ${dbFile} gibt es schon; die Wiederherstellung überschreibt keine Datenbank.`);
  checkArchiveListing(archive);

  const createdDir = !fs.existsSync(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    execFileSync("tar", ["-xzf", archive, "-C", dataDir, "--no-same-owner", "--no-same-permissions"]);
    verifyManifest(dataDir);
    fs.rmSync(path.join(dataDir, MANIFEST));
    fs.rmSync(path.join(dataDir, "BACKUP.txt"), { force: true });
    tightenSecrets(dataDir);
    if (path.resolve(dbFile) !== path.join(dataDir, "app.sqlite")) {
      fs.mkdirSync(path.dirname(dbFile), { recursive: true });
      fs.renameSync(path.join(dataDir, "app.sqlite"), dbFile);
    }
    const ds = await db(); // migrates a backup taken by an older version
    const integrity = (await ds.query("PRAGMA integrity_check")) as { integrity_check: string }[];
    if (integrity[0]?.integrity_check !== "ok") throw new ValidationError(`Die Datenbank der Sicherung ist beschädigt: ${integrity.map((r) => r.integrity_check).join("; ")}`);
    const stored = await verifyStoredFiles();
    const chain = await verifyAuditChain(ds.manager);
    if (!chain.ok) {
      const b = chain.brokenAt!;
      throw new ValidationError(`Die Protokollkette der Sicherung ist nicht in Ordnung (Eintrag Nr. ${b.seq}: ${b.reason}).`);
    }
    const tables: Record<string, number> = {};
    for (const meta of ds.entityMetadatas) {
      const [row] = (await ds.query(`SELECT COUNT(*) AS n FROM "${meta.tableName}"`)) as { n: number }[];
      tables[meta.tableName] = Number(row.n);
    }
    await tx((m) => appendAudit(m, SYSTEM, { action: "system.restore", summary: `Datensicherung ${path.basename(archive)} wiederhergestellt und geprüft`, details: { auditEntries: chain.checked, files: stored } }));
    return { tables, files: stored, mails: walk(path.join(dataDir, "mail")).length, auditEntries: chain.checked };
  } catch (error) {
    await closeDb();
    for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    if (createdDir) fs.rmSync(dataDir, { recursive: true, force: true });
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(`Die Wiederherstellung ist fehlgeschlagen und wurde zurückgenommen: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Only plain files and directories with relative names inside the archive. */
function checkArchiveListing(archive: string) {
  const listing = execFileSync("tar", ["-tvzf", archive], { encoding: "utf8" });
  const names = execFileSync("tar", ["-tzf", archive], { encoding: "utf8" }).split("\n").filter(Boolean);
  for (const line of listing.split("\n").filter(Boolean)) {
    if (line[0] !== "-" && line[0] !== "d") throw new ValidationError("Die Sicherung enthält Einträge, die keine Dateien oder Verzeichnisse sind (z. B. Verknüpfungen); sie wird nicht wiederhergestellt.");
  }
  for (const name of names) {
    if (path.isAbsolute(name) || name.split("/").includes("..")) throw new ValidationError(`Die Sicherung enthält einen unzulässigen Pfad (${name}); sie wird nicht wiederhergestellt.`);
  }
  if (!names.some((n) => n.replace(/^\.\//, "") === MANIFEST)) {
    throw new ValidationError("Die Sicherung enthält kein Prüfsummenverzeichnis (MANIFEST.json); sie stammt von einer älteren Version oder ist unvollständig.");
  }
}

function verifyManifest(dir: string) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), "utf8")) as Manifest;
  if (manifest.format !== FORMAT) throw new ValidationError(`Unbekanntes Sicherungsformat „${manifest.format}“.`);
  if (!manifest.files["app.sqlite"]) throw new ValidationError("Die Sicherung enthält keine Datenbank (app.sqlite).");
  const present = new Set(walk(dir).filter((f) => f !== MANIFEST && f !== "BACKUP.txt"));
  for (const [rel, expected] of Object.entries(manifest.files)) {
    if (!present.has(rel)) throw new ValidationError(`Die Datei ${rel} fehlt in der Sicherung.`);
    if (fileSha256(path.join(dir, rel)) !== expected.sha256) throw new ValidationError(`Die Datei ${rel} in der Sicherung ist beschädigt (Prüfsumme stimmt nicht).`);
    present.delete(rel);
  }
  if (present.size > 0) throw new ValidationError(`Die Sicherung enthält Dateien, die nicht im Prüfsummenverzeichnis stehen: ${[...present].slice(0, 5).join(", ")}`);
}

function tightenSecrets(dir: string) {
  const keys = path.join(dir, "keys");
  if (fs.existsSync(keys)) {
    fs.chmodSync(keys, 0o700);
    for (const f of fs.readdirSync(keys)) fs.chmodSync(path.join(keys, f), 0o600);
  }
  for (const f of ["session-secret", "audit-anchor.log"]) if (fs.existsSync(path.join(dir, f))) fs.chmodSync(path.join(dir, f), 0o600);
}

/** Every stored file is named by its content's SHA-256, and every file a row names is there and intact. */
async function verifyStoredFiles(): Promise<number> {
  const root = filesRoot();
  const stored = walk(root);
  for (const rel of stored) {
    if (fileSha256(path.join(root, rel)) !== path.posix.basename(rel)) throw new ValidationError(`Die gespeicherte Datei ${rel} ist beschädigt (Prüfsumme stimmt nicht).`);
  }
  const manager = (await db()).manager;
  const documents = await manager.getRepository(Document).createQueryBuilder("d").select("DISTINCT d.sha256", "sha256").getRawMany<{ sha256: string }>();
  const offers = await manager.getRepository(Offer).createQueryBuilder("o").select("DISTINCT o.sealedSha256", "sha256").where("o.sealedSha256 IS NOT NULL").getRawMany<{ sha256: string }>();
  for (const { sha256 } of [...documents, ...offers]) {
    if (!sha256) continue;
    await readBytes(sha256).catch(() => {
      throw new ValidationError(`Die gespeicherte Datei ${sha256.slice(0, 12)}… fehlt in der Sicherung oder ist beschädigt.`);
    });
  }
  return stored.length;
}
