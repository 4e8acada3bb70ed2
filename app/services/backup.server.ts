import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ValidationError } from "~/domain/errors";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import { nowIso } from "~/lib/clock.server";
import { databaseKind, tx } from "~/lib/db.server";

/**
 * A consistent online backup: the SQLite database copied with VACUUM INTO (a snapshot taken
 * while the application keeps running) plus the stored files, packed as one .tar.gz.
 * For PostgreSQL use pg_dump; the stored files are still included.
 */
export async function backup(target: string): Promise<{ file: string; files: number; bytes: number }> {
  if (databaseKind() !== "sqlite") throw new ValidationError("Für PostgreSQL bitte pg_dump verwenden; dieser Befehl sichert die eingebettete SQLite-Datenbank.");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vt-backup-"));
  try {
    const dbCopy = path.join(work, "app.sqlite");
    await tx(async (m) => {
      await appendAudit(m, SYSTEM, { action: "system.backup", summary: `Datensicherung nach ${path.basename(target)}` });
    });
    // VACUUM cannot run inside a transaction; the gate is idle once the audit entry committed.
    const { db } = await import("~/lib/db.server");
    await (await db()).query(`VACUUM INTO '${dbCopy.replace(/'/g, "''")}'`);
    const filesDir = path.join(config().dataDir, "files");
    let files = 0;
    if (fs.existsSync(filesDir)) {
      fs.cpSync(filesDir, path.join(work, "files"), { recursive: true });
      const count = (d: string): number => fs.readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(path.join(d, e.name)) : 1), 0);
      files = count(filesDir);
    }
    // The sealing key lives outside the database; without it sealed offers cannot be opened.
    const keyFile = path.join(config().dataDir, "keys", "sealing.key");
    if (fs.existsSync(keyFile)) {
      fs.mkdirSync(path.join(work, "keys"), { recursive: true, mode: 0o700 });
      fs.copyFileSync(keyFile, path.join(work, "keys", "sealing.key"));
      fs.chmodSync(path.join(work, "keys", "sealing.key"), 0o600);
    }
    fs.writeFileSync(path.join(work, "BACKUP.txt"), `Datensicherung Vergabe und Trägerverwaltung\nErstellt: ${nowIso()}\nInhalt: app.sqlite (Datenbank), files/ (gespeicherte Dokumente), keys/ (Versiegelungsschlüssel – vertraulich aufbewahren)\n`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    execFileSync("tar", ["-czf", target, "-C", work, "."]);
    return { file: target, files, bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
