import { LessThan, MoreThan, type EntityManager } from "typeorm";
import { LoginFailure, Session, User } from "../../entities";
import { appendAudit } from "~/lib/audit.server";
import { now, nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { sha256Hex } from "~/lib/hash.server";
import { dummyPasswordHash, randomToken, verifyPassword } from "~/lib/password.server";
import { actorOf, toCurrentUser, type CurrentUser } from "~/lib/identity.server";
import { getSettings } from "~/lib/settings.server";

export { actorOf, isPerson, type CurrentUser, type PersonUser } from "~/lib/identity.server";

export const LOGIN_FAILED = "E-Mail-Adresse oder Passwort ist nicht korrekt.";
export const LOGIN_THROTTLED =
  "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.";

export type LoginResult =
  | { ok: true; token: string; user: CurrentUser; expiresAt: string }
  | { ok: false; error: string; throttled?: false }
  | { ok: false; error: string; throttled: true; retryAfterSeconds: number };

/**
 * Seconds until an attempt on `keyHash` is allowed again: once fewer than `max` of the other
 * attempts in the window remain (`ownId` is this attempt's own row). At least 1.
 */
async function secondsUntilAllowed(manager: EntityManager, keyHash: string, ownId: number, max: number, windowMs: number, nowMs: number): Promise<number> {
  const windowStart = new Date(nowMs - windowMs).toISOString();
  const rows = await manager.getRepository(LoginFailure).find({
    select: { id: true, at: true },
    where: { keyHash, at: MoreThan(windowStart) },
    order: { at: "ASC", id: "ASC" },
  });
  const others = rows.filter((r) => r.id !== ownId);
  const expiring = others[others.length - max];
  if (!expiring) return 1;
  // Never longer than the window: a parallel attempt may carry an instant a moment after `nowMs`.
  return Math.min(Math.ceil(windowMs / 1000), Math.max(1, Math.ceil((Date.parse(expiring.at) + windowMs - nowMs) / 1000)));
}

/**
 * Check credentials. One message for every failure, so it does not reveal whether the account
 * exists. Failures are counted per account and per address (stored as hashes only).
 *
 * The check and the count are one step even under concurrency: every attempt first records itself
 * as a failure (committed), and only then counts the failures in the window, its own included. Of
 * any number of parallel attempts, the k-th to commit sees at least k rows, so no more than the
 * limit get their password checked. A throttled attempt removes its row again (it was not
 * checked); a successful one removes its address row and clears the account's failures.
 */
export async function login(emailInput: string, password: string, clientAddress: string): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const settings = await getSettings();
  const windowMs = settings["security.loginWindowMinutes"] * 60000;
  const accountKey = sha256Hex(`account:${email}`);
  const addressKey = sha256Hex(`address:${clientAddress}`);
  const manager = await em();
  const failures = manager.getRepository(LoginFailure);

  // Record the attempt and count in one transaction, serialised per account and address: on SQLite
  // the transaction gate does it, on PostgreSQL an advisory lock per key (taken in a fixed order),
  // so of any number of parallel attempts the k-th sees exactly k and only the limit get checked.
  const { accountRowId, addressRowId, accountAttempts, addressAttempts } = await tx(async (m) => {
    if (m.connection.options.type === "postgres") {
      for (const key of [accountKey, addressKey].sort()) await m.query("SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
    }
    const at = nowIso();
    const windowStart = new Date(Date.parse(at) - windowMs).toISOString();
    const repo = m.getRepository(LoginFailure);
    const account = await repo.save(repo.create({ keyHash: accountKey, at }));
    const address = await repo.save(repo.create({ keyHash: addressKey, at }));
    const accountCount = await repo.count({ where: { keyHash: accountKey, at: MoreThan(windowStart) } });
    const addressCount = await repo.count({ where: { keyHash: addressKey, at: MoreThan(windowStart) } });
    return { accountRowId: account.id, addressRowId: address.id, accountAttempts: accountCount, addressAttempts: addressCount };
  });
  const nowMs = now().getTime();
  const maxAccount = settings["security.loginMaxFailuresPerAccount"];
  const maxAddress = settings["security.loginMaxFailuresPerAddress"];
  if (accountAttempts > maxAccount || addressAttempts > maxAddress) {
    const waits = await Promise.all([
      accountAttempts > maxAccount ? secondsUntilAllowed(manager, accountKey, accountRowId, maxAccount, windowMs, nowMs) : 0,
      addressAttempts > maxAddress ? secondsUntilAllowed(manager, addressKey, addressRowId, maxAddress, windowMs, nowMs) : 0,
    ]);
    await tx(async (m) => {
      await m.getRepository(LoginFailure).delete([accountRowId, addressRowId]);
      await appendAudit(m, { id: null, label: email.slice(0, 254) || "unbekannt" }, {
        action: "auth.login_throttled",
        summary: "Anmeldung wegen zu vieler Fehlversuche abgewiesen",
      });
    });
    return { ok: false, error: LOGIN_THROTTLED, throttled: true, retryAfterSeconds: Math.max(...waits) };
  }

  const user = email ? await manager.getRepository(User).findOne({ where: { email } }) : null;
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  const current = user && valid ? toCurrentUser(user) : null;
  if (!current || !user) {
    // The attempt's rows, recorded above, stay as the failure.
    await tx(async (m) => {
      await appendAudit(m, { id: user?.id ?? null, label: user?.email ?? "unbekannt" }, {
        action: "auth.login_failed",
        summary: user ? "Fehlgeschlagene Anmeldung" : "Fehlgeschlagene Anmeldung mit unbekannter E-Mail-Adresse",
        entityType: user ? "user" : undefined,
        entityId: user?.id,
      });
    });
    return { ok: false, error: LOGIN_FAILED };
  }

  const token = randomToken();
  const expiresAt = new Date(now().getTime() + settings["security.sessionHours"] * 3600000).toISOString();
  await tx(async (m) => {
    const at = nowIso();
    await m.getRepository(Session).insert({ tokenHash: sha256Hex(token), userId: user.id, createdAt: at, expiresAt });
    await m.getRepository(User).update({ id: user.id }, { lastLoginAt: at });
    await m.getRepository(LoginFailure).delete({ keyHash: accountKey });
    await m.getRepository(LoginFailure).delete({ id: addressRowId });
    await m.getRepository(Session).delete({ userId: user.id, expiresAt: LessThan(at) });
    await appendAudit(m, actorOf(current), {
      action: "auth.login",
      summary: "Anmeldung",
      entityType: "user",
      entityId: user.id,
    });
  });
  return { ok: true, token, user: current, expiresAt };
}

export async function logout(token: string): Promise<void> {
  const manager = await em();
  const session = await manager.getRepository(Session).findOne({ where: { tokenHash: sha256Hex(token) } });
  if (!session) return;
  const user = await manager.getRepository(User).findOne({ where: { id: session.userId } });
  await tx(async (m) => {
    await m.getRepository(Session).delete({ id: session.id });
    await appendAudit(m, { id: session.userId, label: user?.email ?? "unbekannt" }, {
      action: "auth.logout",
      summary: "Abmeldung",
      entityType: "user",
      entityId: session.userId,
    });
  });
}
