import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { config } from "./config.server";
import { sha256Hex } from "./hash.server";

/**
 * Content-addressed file store: every file lives under `<DATA_DIR>/files/ab/cd/<sha256>`
 * (ab, cd = the first two byte pairs of the hash). Identical content is stored once; a stored
 * file never changes, and reading verifies the hash, so a damaged or altered file is noticed.
 */

const SHA256 = /^[0-9a-f]{64}$/;

export interface StoredFile {
  sha256: string;
  size: number;
  /** Path relative to the store root: `ab/cd/<sha256>`. */
  storageKey: string;
}

export function filesRoot(): string {
  return path.join(config().dataDir, "files");
}


/** `ab/cd/<sha256>` for a hash (throws on anything that is not a lowercase hex SHA-256). */
export function storageKeyFor(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error("Ungültige Prüfsumme (SHA-256 erwartet)");
  return path.posix.join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function absolutePath(sha256: string): string {
  return path.join(filesRoot(), ...storageKeyFor(sha256).split("/"));
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Store bytes; atomic (temp file, then rename). Content already stored is not written again. */
export async function storeBytes(bytes: Uint8Array): Promise<StoredFile> {
  const sha256 = sha256Hex(bytes);
  const storageKey = storageKeyFor(sha256);
  const target = absolutePath(sha256);
  if (!(await exists(target))) {
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${sha256}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`);
    const handle = await fs.open(temp, "wx", 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // Another process storing the same content at the same moment renames identical bytes.
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }
  return { sha256, size: bytes.byteLength, storageKey };
}

/** Read stored bytes by hash; throws when the file is missing or its content does not match. */
export async function readBytes(sha256: string): Promise<Buffer> {
  const file = absolutePath(sha256);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`Datei ${sha256} fehlt im Dateispeicher`);
    throw error;
  }
  if (sha256Hex(bytes) !== sha256) throw new Error(`Datei ${sha256} ist beschädigt: die Prüfsumme stimmt nicht`);
  return bytes;
}

/** The content type by magic bytes, for the types uploads may have; null for anything else. */
export function sniffContentType(bytes: Uint8Array): "application/pdf" | "image/png" | "image/jpeg" | null {
  const starts = (sig: number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf"; // %PDF-
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  return null;
}
