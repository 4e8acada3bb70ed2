/**
 * The change feed (docs/decisions/0015-change-feed.md): `recordEvent` writes an event in the
 * transaction of the change it reports; `listEvents` reads a provider's feed after a cursor.
 *
 * Order: a reader must never see event 11 while event 10 can still appear, or a poller that
 * stored cursor 11 would miss 10 forever. On PostgreSQL ids come from a sequence when the row is
 * inserted, and two transactions may commit in the other order. So every event-writing
 * transaction takes the append lock (lib/audit.server.ts) before it inserts, and holds it until
 * it ends: the next writer gets its id only after the previous one has committed (or rolled back,
 * leaving a gap nobody ever saw). PostgreSQL makes a commit visible before it releases the
 * transaction's locks, so what a reader sees is always every event up to some id. On SQLite one
 * writer at a time is the rule already (the transaction gate, BEGIN IMMEDIATE across processes).
 */
import type { EntityManager } from "typeorm";
import { ApiEvent } from "../../entities";
import { ForbiddenError, ValidationError } from "~/domain/errors";
import { feedPage, parseCursor, parseLimit, type EventEntityType, type EventType, type FeedPage } from "~/domain/events";
import { can } from "~/domain/permissions";
import { holdAppendLock } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, insertAtCommit, tx } from "~/lib/db.server";
import type { CurrentUser } from "./auth.server";

export interface EventInput {
  type: EventType;
  /** The provider the event concerns; null: public, every provider sees it. */
  providerId: number | null;
  entityType: EventEntityType;
  entityId: number;
  /** The object's reference as providers know it (no personal data). */
  reference: string;
  /** The object's status code after the change. */
  status?: string | null;
  /** Small details for building the object's address (not shown as such). */
  data?: Record<string, unknown> | null;
}

/**
 * Write an event inside the caller's transaction (from tx()): it exists exactly when the change
 * it reports commits. Takes the append lock first (see the module comment).
 */
export async function recordEvent(m: EntityManager, input: EventInput): Promise<void> {
  if (!m.queryRunner?.isTransactionActive) throw new Error("recordEvent braucht die Transaktion der Änderung (tx()).");
  await holdAppendLock(m);
  const repo = m.getRepository(ApiEvent);
  // Written with the transaction's other events in one statement just before it commits.
  await insertAtCommit(m, ApiEvent, repo.create({
    type: input.type,
    providerId: input.providerId,
    entityType: input.entityType,
    entityId: input.entityId,
    reference: input.reference.slice(0, 100),
    status: input.status ?? null,
    occurredAt: nowIso(),
    data: input.data ?? null,
  }));
}

export const UNKNOWN_CURSOR = "Diesen Cursor gibt es nicht (mehr): der Änderungsstrom ist kürzer. Bitte lesen Sie ab „0“ neu ein.";

/**
 * A provider's feed: its own events and the public ones, after the cursor `after` (null: from
 * the start), in order, at most `limit` (1 to 500). The cursor of the answer is stored by the
 * client and sent as `after` next time; it stays `after` when nothing is new.
 * A malformed cursor, or one beyond the newest event (a feed that was reset), is a
 * ValidationError keyed `after`; a bad limit one keyed `limit`.
 */
export async function listEvents(user: CurrentUser, query: { after: string | null; limit: number }): Promise<FeedPage> {
  if (!can(user.role, "read:tender:published") || !user.providerId) throw new ForbiddenError("Der Änderungsstrom steht Trägern und Vermittlern zur Verfügung.");
  const after = parseCursor(query.after);
  if (!after.ok) throw new ValidationError(after.error, { after: after.error });
  const limit = parseLimit(query.limit);
  if (!limit.ok) throw new ValidationError(limit.error, { limit: limit.error });
  const read = async (m: EntityManager) => {
    const repo = m.getRepository(ApiEvent);
    if (after.value > 0) {
      const newest = await repo.createQueryBuilder("e").select("MAX(e.id)", "max").getRawOne<{ max: number | string | null }>();
      if (after.value > Number(newest?.max ?? 0)) throw new ValidationError(UNKNOWN_CURSOR, { after: UNKNOWN_CURSOR });
    }
    return repo
      .createQueryBuilder("e")
      .where("e.id > :after", { after: after.value })
      .andWhere("(e.providerId = :provider OR e.providerId IS NULL)", { provider: user.providerId })
      .orderBy("e.id", "ASC")
      .limit(limit.value + 1)
      .getMany();
  };
  // SQLite has one connection in this process: a plain read while a write transaction awaits
  // something would run inside that transaction and could see events that then roll back. So
  // the feed is read through the transaction gate there, between writers. PostgreSQL reads
  // committed rows only.
  const manager = await em();
  const rows = manager.connection.options.type === "sqlite" ? await tx(read) : await read(manager);
  return feedPage(rows, { after: after.value, limit: limit.value });
}
