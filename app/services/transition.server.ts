/**
 * The one transition path for every machine (ADR 0010): permission, then state, then guard
 * (machine.decide), then the conditional update `WHERE id = ? AND status = from`, then the audit
 * entry with from/to, all in the caller's transaction. Side effects after a transition (letters,
 * mails, follow-up rows) are declared per event next to each service (`AFTER`). What a move
 * reports to the providers' change feed (ADR 0015) is declared once per machine (`feed`) and
 * written here, with the move, in the same transaction.
 *
 * One mapping of refusals to errors, and so to HTTP answers (lib/http.server.ts):
 *   forbidden → ForbiddenError 403 · state → ConflictError 409 · guard → RuleError 422 (the
 *   guard's German text) · 0 rows updated → ConflictError 409 ("inzwischen geändert").
 */
import type { EntityManager, EntityTarget } from "typeorm";
import { ConflictError, ForbiddenError, RuleError, type DomainError } from "~/domain/errors";
import type { Machine, Refusal } from "~/domain/machine";
import { ROLE_PERMISSIONS } from "~/domain/permissions";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { recordEvent, type EventInput } from "./events.server";

/** A row a machine moves: an id and a status column (and updatedAt, written with every move). */
export interface StatusRow {
  id: number;
  status: string;
  updatedAt: string;
}

/** A machine bound to its table and to how its moves are audited. */
export interface StoredMachine<S extends string, E extends string, F extends { state: S }, T extends StatusRow> {
  machine: Machine<S, E, F>;
  target: EntityTarget<T>;
  /** Audit entityType, e.g. "placement-claim". */
  entityType: string;
  /** Audit action prefix: "placement" gives "placement.accept". */
  action: string;
  /** The German name of one row in audit summaries, e.g. "Vermittlungsnachweis VN-2026-00042". */
  describe(row: T): string;
  /** The German conflict text when the row changed between reading and the update. */
  changed: string;
  /**
   * The change-feed event a move reports (ADR 0015), or null for none; written after the audit
   * entry in the same transaction. The row is already updated (status = to).
   */
  feed?: (m: EntityManager, row: T, move: Moved<S> & { event: E }) => Promise<EventInput | null> | EventInput | null;
}

export function storedMachine<S extends string, E extends string, F extends { state: S }, T extends StatusRow>(
  machine: Machine<S, E, F>,
  binding: Omit<StoredMachine<S, E, F, T>, "machine">,
): StoredMachine<S, E, F, T> {
  return { machine, ...binding };
}

export interface TransitionRequest<E extends string, F, T> {
  /** The loaded row; its status is `facts.state`. Updated in place after the move. */
  entity: T;
  event: E;
  facts: F;
  actor: CurrentUser | "system";
}

export interface TransitionWrite<T> {
  /** Further columns written together with the status (timestamps, who, reasons). */
  set?: Partial<T>;
  audit?: {
    /** Defaults to `<action>.<event>`. */
    action?: string;
    /** Defaults to "<about>: <from label> → <to label>". */
    summary?: string;
    /** Names the row in the default summary instead of describe(row) (e.g. with its claim's reference). */
    about?: string;
    /** Added to `{ from, to }`. */
    details?: Record<string, unknown>;
  };
}

export interface Moved<S extends string> {
  from: S;
  to: S;
}

/** The one mapping of a refusal to a German domain error (and so to an HTTP status). */
export function refusalError(refusal: Refusal, reason: string): DomainError {
  if (refusal === "forbidden") return new ForbiddenError(reason);
  if (refusal === "state") return new ConflictError(reason);
  return new RuleError(reason);
}

/** A transition the machine allowed; `commit` writes it (conditional update, audit entry). */
export interface Planned<S extends string, T> extends Moved<S> {
  commit(m: EntityManager, write?: TransitionWrite<T>): Promise<Moved<S>>;
}

type Decided<S extends string, T> = { ok: true; planned: Planned<S, T>; write: (m: EntityManager, write?: TransitionWrite<T>) => Promise<Moved<S> | null> } | { ok: false; refusal: Refusal; reason: string };

function decide<S extends string, E extends string, F extends { state: S }, T extends StatusRow>(stored: StoredMachine<S, E, F, T>, req: TransitionRequest<E, F, T>): Decided<S, T> {
  const permissions = req.actor === "system" ? "system" : ROLE_PERMISSIONS[req.actor.role];
  const decision = stored.machine.decide(req.event, req.facts, permissions);
  if (!decision.ok) return decision;
  const { from, to } = decision;
  const apply = async (m: EntityManager, write: TransitionWrite<T> = {}): Promise<Moved<S> | null> => {
    const at = nowIso();
    const values: Record<string, unknown> = { ...write.set, status: to, updatedAt: (write.set?.updatedAt as string | undefined) ?? at };
    // Conditional on the state read: a second, concurrent move finds nothing to change.
    const res = await m.getRepository(stored.target).update({ id: req.entity.id, status: from } as never, values as never);
    if (!res.affected) return null;
    Object.assign(req.entity as object, values);
    const row = req.entity as T & { providerId?: number | null };
    const labels = stored.machine.labels;
    await appendAudit(m, req.actor === "system" ? SYSTEM : actorOf(req.actor), {
      action: write.audit?.action ?? `${stored.action}.${req.event}`,
      summary: write.audit?.summary ?? `${write.audit?.about ?? stored.describe(row)}: ${labels[from] ?? from} → ${labels[to] ?? to}`,
      entityType: stored.entityType,
      entityId: String(row.id),
      providerId: row.providerId ?? null,
      details: { from, to, ...write.audit?.details },
    });
    const event = stored.feed ? await stored.feed(m, req.entity, { from, to, event: req.event }) : null;
    if (event) await recordEvent(m, event);
    return { from, to };
  };
  const commit = async (m: EntityManager, write?: TransitionWrite<T>) => {
    const moved = await apply(m, write);
    if (!moved) throw new ConflictError(stored.changed);
    return moved;
  };
  return { ok: true, planned: { from, to, commit }, write: apply };
}

/**
 * Ask the machine (permission, state, guard) without writing yet, for steps that prepare work
 * between the decision and the update (letters that go out with the move). Throws the mapped
 * error when refused.
 */
export function planTransition<S extends string, E extends string, F extends { state: S }, T extends StatusRow>(stored: StoredMachine<S, E, F, T>, req: TransitionRequest<E, F, T>): Planned<S, T> {
  const decided = decide(stored, req);
  if (!decided.ok) throw refusalError(decided.refusal, decided.reason);
  return decided.planned;
}

/** Permission → state → guard → conditional update → audit entry. Throws the mapped error when refused. */
export async function transition<S extends string, E extends string, F extends { state: S }, T extends StatusRow>(
  m: EntityManager,
  stored: StoredMachine<S, E, F, T>,
  req: TransitionRequest<E, F, T> & TransitionWrite<T>,
): Promise<Moved<S>> {
  return planTransition(stored, req).commit(m, req);
}

/**
 * For jobs and cascades (expire what is due, cancel what the end of employment affects): the
 * same path, but a state or guard refusal, or a row another process moved first, answers null
 * instead of throwing. A missing permission still throws: that is a programming error.
 */
export async function tryTransition<S extends string, E extends string, F extends { state: S }, T extends StatusRow>(
  m: EntityManager,
  stored: StoredMachine<S, E, F, T>,
  req: TransitionRequest<E, F, T> & TransitionWrite<T>,
): Promise<Moved<S> | null> {
  const decided = decide(stored, req);
  if (!decided.ok) {
    if (decided.refusal === "forbidden") throw refusalError(decided.refusal, decided.reason);
    return null;
  }
  return decided.write(m, req);
}
