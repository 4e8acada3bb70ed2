/** Helpers shared by the placement services (agreements, clients, claims, instalments). */
import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { ForbiddenError } from "~/domain/errors";
import type { Machine } from "~/domain/machine";
import { can, ROLE_PERMISSIONS, type Permission } from "~/domain/permissions";
import { ValidationError, ConflictError } from "~/domain/errors";
import type { CurrentUser } from "./auth.server";

/**
 * The next human reference `<prefix>-<year>-<n>` (e.g. VN-2026-00042). Called inside the
 * writing transaction; on PostgreSQL the unique index turns a rare race into a retryable conflict.
 */
export async function nextReference<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, prefix: string, year: string, digits: number): Promise<string> {
  const head = `${prefix}-${year}-`;
  const row = await m
    .getRepository(entity)
    .createQueryBuilder("x")
    .select("MAX(x.reference)", "max")
    // A range, not LIKE: SQLite's case-insensitive LIKE cannot use the unique index.
    .where("x.reference >= :lo AND x.reference < :hi", { lo: head, hi: `${head}~` })
    .getRawOne<{ max: string | null }>();
  const last = row?.max ? Number(row.max.slice(head.length)) : 0;
  return head + String(last + 1).padStart(digits, "0");
}

export function requireCan(user: CurrentUser, permission: Permission) {
  if (!can(user.role, permission)) throw new ForbiddenError();
}

/** Ask a machine whether the user may fire the event now; throws a German error otherwise. */
export function askMachine<S extends string, E extends string, F extends { state: S }>(machine: Machine<S, E, F>, event: E, facts: F, actor: CurrentUser | "system"): S {
  if (actor !== "system" && !machine.permitted(event, facts.state, ROLE_PERMISSIONS[actor.role])) {
    if (machine.eventsFrom(facts.state).includes(event)) throw new ForbiddenError();
  }
  const result = machine.check(event, facts);
  if (!result.ok) {
    // A wrong state is a conflict (someone else was faster); a failed guard is invalid input.
    if (!machine.eventsFrom(facts.state).includes(event)) throw new ConflictError(result.reason);
    throw new ValidationError(result.reason);
  }
  return result.to;
}

/** Provider users reach only their own organisation's rows. */
export function ownProviderId(user: CurrentUser): number {
  if (user.role !== "provider" || !user.providerId) throw new ForbiddenError();
  return user.providerId;
}
