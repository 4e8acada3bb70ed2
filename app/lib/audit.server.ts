import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { EntityManager } from "typeorm";
import { AuditEvent } from "../../entities";
import { nowIso } from "./clock.server";
import { config } from "./config.server";
import { insertAtCommit, onCommit } from "./db.server";
import { readOrCreateKeyFile } from "./key-file.server";

/*
 * The audit chain (docs/decisions/0005-audit-chain.md).
 *
 * - Each entry's hash is an HMAC-SHA256 over its canonical JSON (which includes the previous
 *   entry's hash), keyed with the audit key. The key lives outside the database: `AUDIT_KEY`
 *   (base64 or hex, 32 bytes) or `$DATA_DIR/keys/audit.key`, generated once. Someone who can
 *   write to the database but not read the key cannot recompute a rewritten chain.
 * - After every committed transaction that appended entries, the last entry's sequence number
 *   and hash are appended as one line to `$DATA_DIR/audit-anchor.log` (append-only, one short
 *   write with O_APPEND, so concurrent writers do not tear each other's lines). Verification
 *   requires the chain to reach the highest anchored entry with the anchored hash: deleting
 *   the last entries, or rewriting the chain even with the key, is detected.
 */

/** Who did something: a user, or the system (jobs, CLI). */
export interface Actor {
  id: number | null;
  label: string;
  role?: string;
  providerId?: number | null;
}

export const SYSTEM: Actor = { id: null, label: "system" };

export interface AuditInput {
  action: string;
  summary: string;
  entityType?: string;
  entityId?: string | number;
  providerId?: number | null;
  details?: Record<string, unknown> | null;
}

export const GENESIS_HASH = "0".repeat(64);

/** JSON with sorted keys, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

type HashedFields = Pick<
  AuditEvent,
  "seq" | "at" | "actorId" | "actorLabel" | "action" | "entityType" | "entityId" | "providerId" | "summary" | "details" | "prevHash"
>;

const KEY_BYTES = 32;
let cachedKey: { source: string; key: Buffer } | null = null;

function parseKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, "base64");
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return null;
}

export function auditKeyFile(): string {
  return path.join(config().dataDir, "keys", "audit.key");
}

export function auditAnchorFile(): string {
  return path.join(config().dataDir, "audit-anchor.log");
}

/** The audit key: `AUDIT_KEY`, or the key file (generated on first use). Never in the database. */
export function auditKey(): Buffer {
  const fromEnv = process.env.AUDIT_KEY;
  const source = fromEnv ? `env:${fromEnv}` : auditKeyFile();
  if (cachedKey?.source === source) return cachedKey.key;
  let key: Buffer | null;
  if (fromEnv) {
    key = parseKey(fromEnv);
    if (!key) throw new Error("AUDIT_KEY ist ungültig: erwartet werden genau 32 Byte, als Base64 (44 Zeichen) oder hexadezimal (64 Zeichen)");
  } else {
    key = parseKey(readOrCreateKeyFile(source, () => crypto.randomBytes(KEY_BYTES).toString("base64")));
    if (!key) throw new Error(`Die Schlüsseldatei ${source} enthält keinen gültigen 32-Byte-Protokollschlüssel`);
  }
  cachedKey = { source, key };
  return key;
}

/** Keyed hash of one entry (HMAC-SHA256 over the canonical JSON of its fields). */
export function auditHash(e: HashedFields, key: Buffer = auditKey()): string {
  const payload = canonicalJson({
    seq: e.seq,
    at: e.at,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    providerId: e.providerId,
    summary: e.summary,
    details: e.details,
    prevHash: e.prevHash,
  });
  return crypto.createHmac("sha256", key).update(payload, "utf8").digest("hex");
}

// ---------------------------------------------------------------------------------------------
// The anchor outside the database
// ---------------------------------------------------------------------------------------------

export interface AuditAnchor {
  seq: number;
  hash: string;
}

/** Entries appended in a transaction that has not committed yet: only the last one is anchored. */
const pendingAnchor = new WeakMap<EntityManager, AuditAnchor>();

function anchorAfterCommit(em: EntityManager, event: AuditEvent) {
  const pending = pendingAnchor.get(em);
  if (pending) {
    pending.seq = event.seq;
    pending.hash = event.hash;
    return;
  }
  const anchor = { seq: event.seq, hash: event.hash };
  pendingAnchor.set(em, anchor);
  onCommit(em, () => {
    pendingAnchor.delete(em);
    writeAnchor(anchor);
  });
}

/** One line `<seq> <hash>` appended with O_APPEND: a single small write, atomic on a local disk. */
export function writeAnchor(anchor: AuditAnchor, file = auditAnchorFile()) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${anchor.seq} ${anchor.hash}\n`, { encoding: "utf8", mode: 0o600 });
}

/** The highest anchored entry, or null when there is no anchor file (or it holds no line). */
export function readAnchor(file = auditAnchorFile()): AuditAnchor | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let best: AuditAnchor | null = null;
  for (const line of text.split("\n")) {
    const m = /^(\d+) ([0-9a-f]{64})$/.exec(line);
    if (!m) continue; // an empty or (after a crash) torn last line
    const seq = Number(m[1]);
    if (!best || seq > best.seq) best = { seq, hash: m[2] };
  }
  return best;
}

/** The advisory lock key that serialises appends to the audit chain and the change feed. */
export const APPEND_LOCK_KEY = 727001;

/**
 * Hold the append lock until the caller's transaction ends. On PostgreSQL a transaction-scoped
 * advisory lock: transactions that append (audit entries, change-feed events) run their appends
 * one after another and commit in the order they took the lock, so the chain has no forks and
 * the feed's ids become visible in order (docs/decisions/0015-change-feed.md). Re-entrant within
 * a transaction, and one key for both, so no two appenders can wait for each other in a cycle.
 * On SQLite the transaction gate (and BEGIN IMMEDIATE across processes) already serialises.
 */
export async function holdAppendLock(em: EntityManager): Promise<void> {
  if (em.connection.options.type === "postgres") {
    await em.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
  }
}

/**
 * Append an event to the chain inside the caller's transaction. On PostgreSQL an advisory lock
 * serialises appenders until commit; on SQLite the transaction gate already does.
 */
export async function appendAudit(em: EntityManager, actor: Actor, input: AuditInput): Promise<AuditEvent> {
  // A second entry in the same transaction: the lock is held since the first and its end is known
  // (nobody else can append before this transaction commits), so no lock and no read again.
  const inThisTx = pendingAnchor.get(em);
  let prev: { seq: number; hash: string } | undefined;
  if (inThisTx) prev = { seq: inThisTx.seq, hash: inThisTx.hash };
  else {
    await holdAppendLock(em);
    prev = (await em.getRepository(AuditEvent).find({ select: { seq: true, hash: true }, order: { seq: "DESC" }, take: 1 }))[0];
  }
  const event = em.getRepository(AuditEvent).create({
    seq: (prev?.seq ?? 0) + 1,
    at: nowIso(),
    actorId: actor.id,
    actorLabel: actor.label,
    action: input.action,
    entityType: input.entityType ?? "",
    entityId: input.entityId === undefined ? "" : String(input.entityId),
    providerId: input.providerId ?? null,
    summary: input.summary.slice(0, 500),
    details: input.details ?? null,
    prevHash: prev?.hash ?? GENESIS_HASH,
  });
  event.hash = auditHash(event);
  // Written with the transaction's other entries in one statement just before it commits (nothing
  // reads an entry back inside its transaction; the chain's end is known from pendingAnchor).
  await insertAtCommit(em, AuditEvent, event);
  anchorAfterCommit(em, event);
  return event;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The highest entry anchored outside the database (null: no anchor yet). */
  anchoredSeq: number | null;
  /** The first entry that does not fit the chain (id null: the entry is missing). */
  brokenAt?: { seq: number; id: number | null; reason: string };
}

/**
 * Walk the whole chain in order, in batches, then hold its end against the anchor outside the
 * database: the chain must reach the anchored entry, and that entry must carry the anchored hash.
 */
export async function verifyAuditChain(em: EntityManager, batchSize = 1000, anchor: AuditAnchor | null = readAnchor()): Promise<ChainReport> {
  const key = auditKey();
  const anchoredSeq = anchor?.seq ?? null;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let hashAtAnchor: string | null = null;
  for (;;) {
    const batch = await em
      .getRepository(AuditEvent)
      .createQueryBuilder("e")
      .where("e.seq >= :from", { from: expectedSeq })
      .orderBy("e.seq", "ASC")
      .take(batchSize)
      .getMany();
    if (batch.length === 0) break;
    for (const e of batch) {
      if (e.seq !== expectedSeq) {
        return { ok: false, checked, anchoredSeq, brokenAt: { seq: expectedSeq, id: e.id, reason: `Eintrag Nr. ${expectedSeq} fehlt` } };
      }
      if (e.prevHash !== prevHash) {
        return { ok: false, checked, anchoredSeq, brokenAt: { seq: e.seq, id: e.id, reason: "Verweis auf den vorigen Eintrag stimmt nicht" } };
      }
      if (auditHash(e, key) !== e.hash) {
        return { ok: false, checked, anchoredSeq, brokenAt: { seq: e.seq, id: e.id, reason: "Inhalt wurde nachträglich verändert (Prüfwert passt nicht zum Protokollschlüssel)" } };
      }
      if (e.seq === anchoredSeq) hashAtAnchor = e.hash;
      prevHash = e.hash;
      expectedSeq++;
      checked++;
    }
  }
  const lastSeq = expectedSeq - 1;
  if (!anchor) {
    if (lastSeq === 0) return { ok: true, checked, anchoredSeq };
    return { ok: false, checked, anchoredSeq, brokenAt: { seq: lastSeq, id: null, reason: "Kein Anker außerhalb der Datenbank gefunden (audit-anchor.log im Datenverzeichnis); ob am Ende Einträge fehlen, lässt sich nicht prüfen" } };
  }
  if (anchor.seq > lastSeq) {
    const missing = anchor.seq === lastSeq + 1 ? `Eintrag Nr. ${anchor.seq} fehlt` : `Einträge Nr. ${lastSeq + 1} bis ${anchor.seq} fehlen`;
    return { ok: false, checked, anchoredSeq, brokenAt: { seq: lastSeq + 1, id: null, reason: `Ende der Kette abgeschnitten: ${missing} (der Anker außerhalb der Datenbank reicht bis Nr. ${anchor.seq})` } };
  }
  if (hashAtAnchor !== anchor.hash) {
    return { ok: false, checked, anchoredSeq, brokenAt: { seq: anchor.seq, id: null, reason: `Kette neu geschrieben: Eintrag Nr. ${anchor.seq} trägt nicht den außerhalb der Datenbank verankerten Prüfwert` } };
  }
  return { ok: true, checked, anchoredSeq };
}
