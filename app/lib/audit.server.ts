import crypto from "node:crypto";
import type { EntityManager } from "typeorm";
import { AuditEvent } from "../../entities";
import { nowIso } from "./clock.server";

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

export function auditHash(e: HashedFields): string {
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
  return crypto.createHash("sha256").update(payload, "utf8").digest("hex");
}

/**
 * Append an event to the chain inside the caller's transaction. On PostgreSQL an advisory lock
 * serialises appenders until commit; on SQLite the transaction gate already does.
 */
export async function appendAudit(em: EntityManager, actor: Actor, input: AuditInput): Promise<AuditEvent> {
  if (em.connection.options.type === "postgres") {
    await em.query("SELECT pg_advisory_xact_lock(727001)");
  }
  const last = await em.getRepository(AuditEvent).find({ order: { seq: "DESC" }, take: 1 });
  const prev = last[0];
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
  return em.getRepository(AuditEvent).save(event);
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The first entry that does not fit the chain. */
  brokenAt?: { seq: number; id: number; reason: string };
}

/** Walk the whole chain in order, in batches. */
export async function verifyAuditChain(em: EntityManager, batchSize = 1000): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
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
        return { ok: false, checked, brokenAt: { seq: expectedSeq, id: e.id, reason: `Eintrag Nr. ${expectedSeq} fehlt` } };
      }
      if (e.prevHash !== prevHash) {
        return { ok: false, checked, brokenAt: { seq: e.seq, id: e.id, reason: "Verweis auf den vorigen Eintrag stimmt nicht" } };
      }
      if (auditHash(e) !== e.hash) {
        return { ok: false, checked, brokenAt: { seq: e.seq, id: e.id, reason: "Inhalt wurde nachträglich verändert" } };
      }
      prevHash = e.hash;
      expectedSeq++;
      checked++;
    }
  }
  return { ok: true, checked };
}
