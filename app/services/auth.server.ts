import { LessThan, MoreThan } from "typeorm";
import { LoginFailure, Session, User } from "../../entities";
import { appendAudit } from "~/lib/audit.server";
import { now, nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { dummyPasswordHash, randomToken, sha256Hex, verifyPassword } from "~/lib/password.server";
import { actorOf, toCurrentUser, type CurrentUser } from "~/lib/identity.server";
import { getSettings } from "~/lib/settings.server";

export { actorOf, type CurrentUser } from "~/lib/identity.server";

export const LOGIN_FAILED = "E-Mail-Adresse oder Passwort ist nicht korrekt.";
export const LOGIN_THROTTLED =
  "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.";

export type LoginResult = { ok: true; token: string; user: CurrentUser; expiresAt: string } | { ok: false; error: string };

/**
 * Check credentials. One message for every failure, so it does not reveal whether the account
 * exists. Failures are counted per account and per address (stored as hashes only).
 */
export async function login(emailInput: string, password: string, clientAddress: string): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const settings = await getSettings();
  const windowStart = new Date(now().getTime() - settings["security.loginWindowMinutes"] * 60000).toISOString();
  const accountKey = sha256Hex(`account:${email}`);
  const addressKey = sha256Hex(`address:${clientAddress}`);
  const manager = await em();
  const failures = manager.getRepository(LoginFailure);
  const [accountFailures, addressFailures] = await Promise.all([
    failures.count({ where: { keyHash: accountKey, at: MoreThan(windowStart) } }),
    failures.count({ where: { keyHash: addressKey, at: MoreThan(windowStart) } }),
  ]);
  if (
    accountFailures >= settings["security.loginMaxFailuresPerAccount"] ||
    addressFailures >= settings["security.loginMaxFailuresPerAddress"]
  ) {
    await tx(async (m) => {
      await appendAudit(m, { id: null, label: email.slice(0, 254) || "unbekannt" }, {
        action: "auth.login_throttled",
        summary: "Anmeldung wegen zu vieler Fehlversuche abgewiesen",
      });
    });
    return { ok: false, error: LOGIN_THROTTLED };
  }

  const user = email ? await manager.getRepository(User).findOne({ where: { email } }) : null;
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  const current = user && valid ? toCurrentUser(user) : null;
  if (!current || !user) {
    await tx(async (m) => {
      const at = nowIso();
      await m.getRepository(LoginFailure).insert([
        { keyHash: accountKey, at },
        { keyHash: addressKey, at },
      ]);
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
