import { ApiToken, Session, User } from "../../entities";
import { isRole, type Role } from "~/domain/permissions";
import { appendAudit, type Actor } from "./audit.server";
import { nowIso } from "./clock.server";
import { em, tx } from "./db.server";
import { sha256Hex } from "./password.server";

/**
 * Who is asking: the user behind a session cookie or an API token, as the rest of the
 * application sees them. Infrastructure for the session layer (session.server.ts); the use cases
 * of signing in and out live in services/auth.server.ts.
 */
/** The signed-in user as the rest of the application sees it. */
export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  providerId: number | null;
}

export function actorOf(user: CurrentUser): Actor {
  return { id: user.id, label: user.email, role: user.role, providerId: user.providerId };
}

export function toCurrentUser(u: User): CurrentUser | null {
  if (!u.active || !isRole(u.role)) return null;
  return { id: u.id, email: u.email, name: u.name, role: u.role, providerId: u.providerId };
}

/** The user behind a session cookie, or null when the session is unknown, expired or the user inactive. */
export async function userForSession(token: string): Promise<CurrentUser | null> {
  const manager = await em();
  const session = await manager.getRepository(Session).findOne({ where: { tokenHash: sha256Hex(token) } });
  if (!session || session.expiresAt <= nowIso()) return null;
  const user = await manager.getRepository(User).findOne({ where: { id: session.userId } });
  return user ? toCurrentUser(user) : null;
}

/** The user behind an API bearer token, or null. */
export async function userForApiToken(token: string): Promise<CurrentUser | null> {
  const manager = await em();
  const row = await manager.getRepository(ApiToken).findOne({ where: { tokenHash: sha256Hex(token) } });
  if (!row || row.revokedAt) return null;
  const user = await manager.getRepository(User).findOne({ where: { id: row.userId } });
  const current = user ? toCurrentUser(user) : null;
  if (current) {
    // Note the use at most once a minute, to keep reads cheap.
    const at = nowIso();
    if (!row.lastUsedAt || Date.parse(at) - Date.parse(row.lastUsedAt) > 60000) {
      await manager.getRepository(ApiToken).update({ id: row.id }, { lastUsedAt: at });
    }
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
