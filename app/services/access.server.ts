import { can } from "~/domain/permissions";
import { NotFoundError } from "~/domain/errors";
import type { CurrentUser } from "./auth.server";

/**
 * Object-level rule: staff with the `:any` permission reach every provider; a provider user
 * reaches only its own organisation. Anything else looks as if it did not exist (404).
 */
export function assertProviderAccess(user: CurrentUser, providerId: number) {
  if (can(user.role, "read:provider:any")) return;
  if (can(user.role, "read:provider:own") && user.providerId === providerId) return;
  throw new NotFoundError("Der Träger wurde nicht gefunden.");
}

/** The provider ids a user may see: null = all. */
export function providerScope(user: CurrentUser): number[] | null {
  if (can(user.role, "read:provider:any")) return null;
  return user.providerId ? [user.providerId] : [];
}
