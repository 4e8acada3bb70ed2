import { ApiToken, Provider, Session, User } from "../../entities";
import { parseScopes, type ApiScope } from "~/domain/api-scopes";
import { organisationTokenActorLabel, personalTokenActorLabel, tokenState, type TokenKind } from "~/domain/api-tokens";
import { isRole, type Role } from "~/domain/permissions";
import { appendAudit, type Actor } from "./audit.server";
import { nowIso } from "./clock.server";
import { em, tx } from "./db.server";
import { sha256Hex } from "./hash.server";

/**
 * Who is asking: the user behind a session cookie or an API token, as the rest of the
 * application sees them. Infrastructure for the session layer (session.server.ts); the use cases
 * of signing in and out live in services/auth.server.ts.
 */
/**
 * Who is asking, as the rest of the application sees it. Usually a person (`id` set). A request
 * with an organisation's API token has no person behind it: `id` is null, `role` is "provider"
 * with the organisation's `providerId`, and `apiToken` names the token (ADR 0014). Services that
 * store a person's id take a `PersonUser` instead.
 */
export interface CurrentUser {
  /** The person; null when an organisation's API token acts. */
  id: number | null;
  /** The person's address; "" for an organisation token (no mailbox of its own). */
  email: string;
  name: string;
  role: Role;
  providerId: number | null;
  /** Provider users: administers the organisation's API tokens. */
  providerAdmin?: boolean;
  /** Staff: may see the comparison of all providers (granted by an administrator, issue 12). */
  comparisonAccess?: boolean;
  /** Set when the request came with an API token (organisation or personal). */
  apiToken?: ApiTokenIdentity;
}

/** A person signed in with a session (or a staff member's personal token): always has an id. */
export interface PersonUser extends CurrentUser {
  id: number;
}

export interface ApiTokenIdentity {
  id: number;
  kind: TokenKind;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  expiresAt: string;
  /** Organisation tokens: the organisation's name (for the audit trail). */
  providerName: string | null;
}

/** Whether a person stands behind the request. */
export function isPerson(user: CurrentUser): user is PersonUser {
  return user.id !== null;
}

/** The audit actor: the person, or for an organisation token the token and its organisation (never its creator). */
export function actorOf(user: CurrentUser): Actor {
  const token = user.apiToken;
  if (token?.kind === "organisation") return { id: null, label: organisationTokenActorLabel(token, token.providerName), role: user.role, providerId: user.providerId };
  const label = token ? personalTokenActorLabel(user.email, token) : user.email;
  return { id: user.id, label, role: user.role, providerId: user.providerId };
}

export function toCurrentUser(u: User): PersonUser | null {
  if (!u.active || !isRole(u.role)) return null;
  return { id: u.id, email: u.email, name: u.name, role: u.role, providerId: u.providerId, providerAdmin: u.role === "provider" && Boolean(u.providerAdmin), ...(u.role !== "provider" && u.comparisonAccess ? { comparisonAccess: true } : {}) };
}

/** The user behind a session cookie, or null when the session is unknown, expired or the user inactive. */
export async function userForSession(token: string): Promise<PersonUser | null> {
  const manager = await em();
  const session = await manager.getRepository(Session).findOne({ where: { tokenHash: sha256Hex(token) } });
  if (!session || session.expiresAt <= nowIso()) return null;
  const user = await manager.getRepository(User).findOne({ where: { id: session.userId } });
  return user ? toCurrentUser(user) : null;
}

/** How often the last use of a token is written at most. */
const LAST_USE_INTERVAL_MS = 60_000;

/**
 * Who acts with an API bearer token, or null when the token is unknown, revoked or expired (or,
 * for a personal token, its user is inactive). An organisation token acts for its provider
 * whoever created it: it keeps working when that person leaves.
 */
export async function userForApiToken(token: string): Promise<CurrentUser | null> {
  const manager = await em();
  const row = await manager.getRepository(ApiToken).findOne({ where: { tokenHash: sha256Hex(token) } });
  const at = nowIso();
  if (!row || tokenState(row, at) !== "active") return null;
  let current: CurrentUser | null = null;
  const identity = { id: row.id, name: row.name, prefix: row.prefix, scopes: parseScopes(row.scopes), expiresAt: row.expiresAt };
  if (row.providerId !== null) {
    const provider = await manager.getRepository(Provider).findOne({ where: { id: row.providerId } });
    if (!provider) return null;
    current = {
      id: null,
      email: "",
      name: `API-Zugang „${row.name}“`,
      role: "provider",
      providerId: row.providerId,
      providerAdmin: false,
      apiToken: { ...identity, kind: "organisation", providerName: provider.name },
    };
  } else if (row.userId !== null) {
    const user = await manager.getRepository(User).findOne({ where: { id: row.userId } });
    const person = user ? toCurrentUser(user) : null;
    if (person) current = { ...person, apiToken: { ...identity, kind: "personal", providerName: null } };
  }
  if (current && (!row.lastUsedAt || Date.parse(at) - Date.parse(row.lastUsedAt) >= LAST_USE_INTERVAL_MS)) {
    // Note the use at most once a minute, to keep reads cheap; conditional, so parallel requests write once.
    const before = new Date(Date.parse(at) - LAST_USE_INTERVAL_MS).toISOString();
    await tx((m) =>
      m
        .createQueryBuilder()
        .update(ApiToken)
        .set({ lastUsedAt: at })
        .where("id = :id", { id: row.id })
        .andWhere('("lastUsedAt" IS NULL OR "lastUsedAt" <= :before)', { before })
        .execute(),
    );
  }
  return current;
}

/** Record that a signed-in user asked for something the role does not allow. */
export async function recordPermissionDenied(user: CurrentUser | null, what: string): Promise<void> {
  await tx(async (m) => {
    await appendAudit(m, user ? actorOf(user) : { id: null, label: "anonym" }, {
      action: "auth.permission_denied",
      summary: `Zugriff verweigert: ${what}`.slice(0, 500),
      details: { what },
    });
  });
}
