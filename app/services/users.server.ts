import { IsNull, Not } from "typeorm";
import { ApiToken, Provider, Session, User } from "../../entities";
import { completeQuery, type ListQuery } from "~/domain/list";
import { USER_LIST } from "~/domain/list-specs";
import { paginate } from "~/lib/list.server";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { ROLE_LABELS, type Role } from "~/domain/permissions";
import { passwordProblem, userSchema } from "~/domain/user";
import { providerChoiceLabel } from "~/domain/provider";
import { parseOrThrow } from "~/domain/validation";
import { appendAudit, type Actor } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { hashPassword, verifyPassword } from "~/lib/password.server";
import { getSetting } from "~/lib/settings.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { config } from "~/lib/config.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { germanSortExpression } from "./providers.server";

export type UserListQuery = Partial<ListQuery<(typeof USER_LIST)["filters"], (typeof USER_LIST)["sorts"][number]>>;

export async function listUsers(input: UserListQuery) {
  const query = completeQuery(USER_LIST, input);
  const manager = await em();
  const qb = manager.getRepository(User).createQueryBuilder("u").leftJoin(Provider, "p", "p.id = u.providerId").addSelect("p.name", "provider_name");
  if (query.q) qb.andWhere("(LOWER(u.name) LIKE :q OR LOWER(u.email) LIKE :q)", { q: `%${query.q.toLowerCase()}%` });
  if (query.role) qb.andWhere("u.role = :role", { role: query.role });
  if (query.status === "active") qb.andWhere("u.active = :a", { a: true });
  if (query.status === "inactive") qb.andWhere("u.active = :a", { a: false });
  const { rows: entities, raw, ...page } = await paginate(qb, query, {
    sortColumns: { name: { expr: germanSortExpression("u.name"), select: true }, email: "u.email", role: "u.role", lastLoginAt: { expr: "u.lastLoginAt", nulls: "last" } },
    tieBreaker: "u.id",
  });
  const rows = entities.map((u, i) => ({
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    roleLabel: ROLE_LABELS[u.role as Role] ?? u.role,
    providerName: (raw[i] as Record<string, string | null>).provider_name ?? null,
    active: u.active,
    lastLoginAt: u.lastLoginAt,
  }));
  return { rows, ...page };
}

export async function getUserForEdit(id: number) {
  const manager = await em();
  const user = await manager.getRepository(User).findOne({ where: { id } });
  if (!user) throw new NotFoundError("Der Benutzer wurde nicht gefunden.");
  const { passwordHash: _omit, ...rest } = user;
  return rest;
}

export async function providerOptions() {
  const manager = await em();
  const rows = await manager.getRepository(Provider).find({ select: { id: true, name: true, kind: true, legalForm: true, city: true }, where: { active: true }, order: { name: "ASC" } });
  return rows.map((p) => ({ value: String(p.id), label: providerChoiceLabel(p) }));
}

async function checkPassword(password: string) {
  const problem = passwordProblem(password, await getSetting("security.minPasswordLength"));
  if (problem) throw new ValidationError(problem, { password: problem });
}

async function assertProviderExists(providerId: number | null) {
  if (!providerId) return;
  const manager = await em();
  if (!(await manager.getRepository(Provider).exist({ where: { id: providerId } }))) throw new ValidationError("Der Träger existiert nicht.", { providerId: "Der Träger existiert nicht." });
}

/** Create an account (admin UI, CLI, demo data). */
export async function createUser(actor: Actor, raw: unknown, password: string): Promise<User> {
  const input = parseOrThrow(userSchema, raw);
  await checkPassword(password);
  await assertProviderExists(input.providerId);
  const passwordHash = await hashPassword(password);
  return tx(async (m) => {
    if (await m.getRepository(User).exist({ where: { email: input.email } })) {
      throw new ValidationError("Diese E-Mail-Adresse ist bereits vergeben.", { email: "Diese E-Mail-Adresse ist bereits vergeben." });
    }
    const at = nowIso();
    const user = await m.getRepository(User).save(m.getRepository(User).create({ ...input, passwordHash, active: true, createdAt: at, updatedAt: at, passwordChangedAt: at, lastLoginAt: null }));
    await enqueueTemplateMail(m, { to: user.email, template: "mail-user-created", data: { name: user.name, role: ROLE_LABELS[input.role], loginUrl: `${config().publicUrl}/login` } });
    await appendAudit(m, actor, {
      action: "user.create",
      summary: `Benutzer ${user.email} (${ROLE_LABELS[input.role]}) angelegt`,
      entityType: "user",
      entityId: user.id,
      providerId: user.providerId,
      details: { after: { name: user.name, email: user.email, role: user.role, providerId: user.providerId, providerAdmin: user.providerAdmin, comparisonAccess: user.comparisonAccess } },
    });
    return user;
  });
}

export async function updateUser(admin: CurrentUser, id: number, raw: unknown): Promise<void> {
  const input = parseOrThrow(userSchema, raw);
  await assertProviderExists(input.providerId);
  await tx(async (m) => {
    const user = await m.getRepository(User).findOne({ where: { id } });
    if (!user) throw new NotFoundError("Der Benutzer wurde nicht gefunden.");
    if (await m.getRepository(User).exist({ where: { email: input.email, id: Not(id) } })) {
      throw new ValidationError("Diese E-Mail-Adresse ist bereits vergeben.", { email: "Diese E-Mail-Adresse ist bereits vergeben." });
    }
    if (user.id === admin.id && input.role !== user.role) throw new ConflictError("Sie können Ihre eigene Rolle nicht ändern.");
    // Four eyes: the right to see all providers' figures is granted by another administrator.
    if (user.id === admin.id && input.comparisonAccess && !user.comparisonAccess) {
      const message = "Das Recht zum Trägervergleich können Sie sich nicht selbst geben; bitte lassen Sie es von einer anderen Administratorin oder einem anderen Administrator freigeben.";
      throw new ValidationError(message, { comparisonAccess: message });
    }
    const before = { name: user.name, email: user.email, phone: user.phone ?? null, role: user.role, providerId: user.providerId, providerAdmin: Boolean(user.providerAdmin), comparisonAccess: Boolean(user.comparisonAccess) };
    const after = { name: input.name, email: input.email, phone: input.phone, role: input.role, providerId: input.providerId, providerAdmin: input.providerAdmin, comparisonAccess: input.comparisonAccess };
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    await m.getRepository(User).update({ id }, { ...after, updatedAt: nowIso() });
    // A changed role or organisation takes effect at once: end the user's sessions and personal API
    // tokens. Tokens the user created for an organisation belong to the organisation and stay.
    if (before.role !== after.role || before.providerId !== after.providerId) {
      await m.getRepository(Session).delete({ userId: id });
      await m.getRepository(ApiToken).update({ userId: id, revokedAt: IsNull() }, { revokedAt: nowIso(), revokedById: admin.id });
    }
    await appendAudit(m, actorOf(admin), {
      action: "user.update",
      summary: before.comparisonAccess !== after.comparisonAccess ? `Benutzer ${after.email} geändert (Trägervergleich ${after.comparisonAccess ? "freigegeben" : "entzogen"})` : `Benutzer ${after.email} geändert`,
      entityType: "user",
      entityId: id,
      providerId: after.providerId,
      details: { before, after },
    });
  });
}

/** Deactivated users cannot log in, and their sessions end at once. */
export async function setUserActive(admin: CurrentUser, id: number, active: boolean): Promise<void> {
  await tx(async (m) => {
    const user = await m.getRepository(User).findOne({ where: { id } });
    if (!user) throw new NotFoundError("Der Benutzer wurde nicht gefunden.");
    if (user.id === admin.id && !active) throw new ConflictError("Sie können sich nicht selbst deaktivieren.");
    if (user.active === active) return;
    await m.getRepository(User).update({ id }, { active, updatedAt: nowIso() });
    if (!active) await m.getRepository(Session).delete({ userId: id });
    await appendAudit(m, actorOf(admin), {
      action: active ? "user.reactivate" : "user.deactivate",
      summary: `Benutzer ${user.email} ${active ? "wieder aktiviert" : "deaktiviert"}`,
      entityType: "user",
      entityId: id,
      providerId: user.providerId,
    });
  });
}

/** Admin sets a new password; the user's sessions end. */
export async function resetPassword(admin: CurrentUser, id: number, password: string): Promise<void> {
  await checkPassword(password);
  const passwordHash = await hashPassword(password);
  await tx(async (m) => {
    const user = await m.getRepository(User).findOne({ where: { id } });
    if (!user) throw new NotFoundError("Der Benutzer wurde nicht gefunden.");
    const at = nowIso();
    await m.getRepository(User).update({ id }, { passwordHash, passwordChangedAt: at, updatedAt: at });
    await m.getRepository(Session).delete({ userId: id });
    await appendAudit(m, actorOf(admin), {
      action: "user.password_reset",
      summary: `Passwort von ${user.email} zurückgesetzt`,
      entityType: "user",
      entityId: id,
      providerId: user.providerId,
    });
  });
}

export async function changeOwnPassword(user: PersonUser, current: string, next: string, repeat: string): Promise<void> {
  const manager = await em();
  const row = await manager.getRepository(User).findOne({ where: { id: user.id } });
  if (!row || !(await verifyPassword(current, row.passwordHash))) {
    throw new ValidationError("Das bisherige Passwort ist nicht korrekt.", { current: "Das bisherige Passwort ist nicht korrekt." });
  }
  if (next !== repeat) throw new ValidationError("Die Wiederholung stimmt nicht mit dem neuen Passwort überein.", { repeat: "Die Wiederholung stimmt nicht überein." });
  await checkPassword(next);
  const passwordHash = await hashPassword(next);
  await tx(async (m) => {
    const at = nowIso();
    await m.getRepository(User).update({ id: user.id }, { passwordHash, passwordChangedAt: at, updatedAt: at });
    await appendAudit(m, actorOf(user), { action: "user.password_change", summary: "Eigenes Passwort geändert", entityType: "user", entityId: user.id, providerId: user.providerId });
  });
}
