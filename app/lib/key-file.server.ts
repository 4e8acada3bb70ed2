import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A secret kept outside the database in a file of its own (mode 0600 in a 0700 directory),
 * generated once. Creation is atomic: a temp file is hard-linked into place, and a link never
 * replaces an existing file, so two processes starting at once end up with one key.
 * Returns the file's text (trimmed); the caller parses it.
 */
export function readOrCreateKeyFile(file: string, generate: () => string): string {
  const existing = readKeyText(file);
  if (existing !== null) return existing;
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`);
  const fd = fs.openSync(temp, "wx", 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, `${generate()}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Someone else was first: their key is the key.
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const text = readKeyText(file);
  if (text === null) throw new Error(`Die Schlüsseldatei ${file} konnte nicht angelegt werden`);
  return text;
}

function readKeyText(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
