import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { now } from "./clock.server";
import { config } from "./config.server";

/**
 * Uploads held for a form that has to be shown again (a typo in a date, a missing field): the
 * broker does not choose the same files again. Each file waits under `<DATA_DIR>/pending-uploads/`
 * (the data directory every app process reaches, like the file store) behind a random token that
 * the re-shown form carries in a hidden field. A token is good only for the user who uploaded the
 * file and the field it was chosen for, and only for PENDING_UPLOAD_TTL_MS; it is discarded once
 * the form went through. Expired files are removed whenever a new one is kept. The files hold
 * personal data: they are never logged, and the directory is readable by the app user only.
 */
export const PENDING_UPLOAD_TTL_MS = 2 * 60 * 60 * 1000;

const TOKEN = /^[0-9a-f]{32}$/;

interface PendingMeta {
  userId: number;
  field: string;
  filename: string;
  size: number;
  expiresAt: string;
}

export interface PendingFile {
  filename: string;
  bytes: Uint8Array;
}

export interface KeptUpload {
  token: string;
  filename: string;
}

function dir(): string {
  return path.join(config().dataDir, "pending-uploads");
}

function paths(token: string) {
  return { bytes: path.join(dir(), `${token}.bin`), meta: path.join(dir(), `${token}.json`) };
}

async function readMeta(token: string): Promise<PendingMeta | null> {
  try {
    return JSON.parse(await fs.readFile(paths(token).meta, "utf8")) as PendingMeta;
  } catch {
    return null;
  }
}

/** Remove every pending upload whose time is up. */
export async function removeExpiredPendingUploads(): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir());
  } catch {
    return 0;
  }
  let removed = 0;
  const at = now().toISOString();
  for (const name of names) {
    const token = name.replace(/\.json$/, "");
    if (!name.endsWith(".json") || !TOKEN.test(token)) continue;
    const meta = await readMeta(token);
    if (meta && meta.expiresAt > at) continue;
    await discardPendingUpload(token);
    removed++;
  }
  return removed;
}

/** Keep a file for `userId`'s form field; the token goes into the re-shown form. */
export async function keepPendingUpload(userId: number, field: string, file: PendingFile): Promise<KeptUpload> {
  await removeExpiredPendingUploads();
  await fs.mkdir(dir(), { recursive: true, mode: 0o700 });
  const token = crypto.randomBytes(16).toString("hex");
  const filename = file.filename.replace(/[\\/]/g, "_").slice(0, 200) || `${field}.pdf`;
  const meta: PendingMeta = { userId, field, filename, size: file.bytes.length, expiresAt: new Date(now().getTime() + PENDING_UPLOAD_TTL_MS).toISOString() };
  const p = paths(token);
  await fs.writeFile(p.bytes, file.bytes, { mode: 0o600, flag: "wx" });
  await fs.writeFile(p.meta, JSON.stringify(meta), { mode: 0o600, flag: "wx" });
  return { token, filename };
}

/**
 * The file behind a token, if it belongs to this user and field and has not expired; otherwise
 * null (a token from someone else's form, a guessed one or an old one is simply not there).
 */
export async function takePendingUpload(userId: number, field: string, token: string | null | undefined): Promise<PendingFile | null> {
  if (!token || !TOKEN.test(token)) return null;
  const meta = await readMeta(token);
  if (!meta || meta.userId !== userId || meta.field !== field || meta.expiresAt <= now().toISOString()) return null;
  try {
    const bytes = new Uint8Array(await fs.readFile(paths(token).bytes));
    return bytes.length === meta.size ? { filename: meta.filename, bytes } : null;
  } catch {
    return null;
  }
}

/** Forget a pending upload (after the form went through, or when it expired). */
export async function discardPendingUpload(token: string): Promise<void> {
  if (!TOKEN.test(token)) return;
  const p = paths(token);
  await fs.rm(p.bytes, { force: true });
  await fs.rm(p.meta, { force: true });
}
