import { Brackets, IsNull, type EntityManager } from "typeorm";
import { ApiToken, Provider, User } from "../../entities";
import { API_SCOPES, API_SCOPE_LABELS, formatScopes, parseScopes, type ApiScope } from "~/domain/api-scopes";
import { defaultValidUntil, parseTokenInput, TOKEN_KIND_LABELS, TOKEN_STATE_LABELS, tokenExpiresAt, tokenState, type TokenKind, type TokenLimits } from "~/domain/api-tokens";
import { ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { completeQuery, type ListQuery } from "~/domain/list";
import { TOKEN_LIST } from "~/domain/list-specs";
import { can } from "~/domain/permissions";
import { addDays, formatDate } from "~/domain/time";
import { appendAudit, type Actor } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { paginate } from "~/lib/list.server";
import { sha256Hex } from "~/lib/hash.server";
import { randomToken } from "~/lib/password.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";

/*
 * API tokens (ADR 0014). A provider user's organisation owns its tokens (`providerId`); only the
 * organisation's administrator (`users.providerAdmin`) creates and revokes them in the portal,
 * staff with `manage:api-token:any` see and revoke every token. Staff tools use personal tokens
 * (`userId`), created at the command line. A token is shown once and stored as a SHA-256 hash.
 */

export const TOKEN_PREFIX = "vt_";

export const NOT_PROVIDER_ADMIN = "Nur die Administration Ihrer Organisation kann API-Zugänge erstellen oder widerrufen. Bitte wenden Sie sich an sie oder an das Jobcenter.";

/** A token as lists show it (never its hash). */
export interface TokenView {
  id: number;
  kind: TokenKind;
  kindLabel: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  scopeLabels: string[];
  providerId: number | null;
  providerName: string | null;
  /** Personal tokens: the owner. */
  ownerName: string | null;
  createdAt: string;
  /** The creator's name; "Kommandozeile / Betrieb" when nobody signed in created it. */
  createdByName: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedByName: string | null;
  state: ReturnType<typeof tokenState>;
  stateLabel: string;
}

const NOBODY = "Kommandozeile / Betrieb";

async function names(m: EntityManager, ids: (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await m.getRepository(User).createQueryBuilder("u").select(["u.id", "u.name"]).where("u.id IN (:...ids)", { ids: wanted }).getMany();
  return new Map(rows.map((u) => [u.id, u.name]));
}

async function views(m: EntityManager, rows: ApiToken[]): Promise<TokenView[]> {
  const people = await names(m, rows.flatMap((t) => [t.createdById, t.revokedById, t.userId]));
  const providerIds = [...new Set(rows.map((t) => t.providerId).filter((id): id is number => id !== null))];
  const providers = new Map(
    providerIds.length ? (await m.getRepository(Provider).createQueryBuilder("p").select(["p.id", "p.name"]).where("p.id IN (:...ids)", { ids: providerIds }).getMany()).map((p) => [p.id, p.name]) : [],
  );
  const at = nowIso();
  return rows.map((t) => {
    const scopes = parseScopes(t.scopes);
    const state = tokenState(t, at);
    const kind: TokenKind = t.providerId !== null ? "organisation" : "personal";
    return {
      id: t.id,
      kind,
      kindLabel: TOKEN_KIND_LABELS[kind],
      name: t.name,
      prefix: t.prefix,
      scopes,
      scopeLabels: scopes.map((s) => API_SCOPE_LABELS[s]),
      providerId: t.providerId,
      providerName: t.providerId !== null ? (providers.get(t.providerId) ?? null) : null,
      ownerName: t.userId !== null ? (people.get(t.userId) ?? null) : null,
      createdAt: t.createdAt,
      createdByName: t.createdById !== null ? (people.get(t.createdById) ?? "–") : NOBODY,
      expiresAt: t.expiresAt,
      lastUsedAt: t.lastUsedAt,
      revokedAt: t.revokedAt,
      revokedByName: t.revokedAt ? (t.revokedById !== null ? (people.get(t.revokedById) ?? "–") : NOBODY) : null,
      state,
      stateLabel: TOKEN_STATE_LABELS[state],
    };
  });
}

/** Expiry limits from the settings, for today. */
export async function tokenLimits(manager?: EntityManager): Promise<TokenLimits> {
  const settings = await getSettings(manager);
  return { today: today(), defaultDays: settings["api.tokenDefaultDays"], maxDays: settings["api.tokenMaxDays"] };
}

/** What the creation form needs: the proposed and the latest expiry date, the scopes. */
export async function tokenFormDefaults() {
  const limits = await tokenLimits();
  return {
    validUntil: defaultValidUntil(limits),
    latest: addDays(limits.today, limits.maxDays),
    maxDays: limits.maxDays,
    scopes: API_SCOPES.map((s) => ({ value: s, label: API_SCOPE_LABELS[s] })),
  };
}

// ---------------------------------------------------------------------------------------------
// The provider portal

/** Provider users manage the tokens of their own organisation; only its administrator changes them. */
function requireOrganisation(user: CurrentUser): number {
  if (user.role !== "provider" || !user.providerId || !can(user.role, "manage:api-token:own")) throw new ForbiddenError();
  return user.providerId;
}

function requireProviderAdmin(user: CurrentUser): number {
  const providerId = requireOrganisation(user);
  if (!user.providerAdmin || user.apiToken) throw new ForbiddenError(NOT_PROVIDER_ADMIN);
  return providerId;
}

/** The organisation's tokens, newest first (every provider user may see them). */
export async function listOrganisationTokens(user: CurrentUser): Promise<TokenView[]> {
  const providerId = requireOrganisation(user);
  const manager = await em();
  const rows = await manager.getRepository(ApiToken).find({ where: { providerId }, order: { id: "DESC" } });
  return views(manager, rows);
}

/** The organisation's administrator creates a token; returned once, stored as a hash. */
export async function createOrganisationToken(user: PersonUser, raw: { name?: unknown; scopes?: unknown; validUntil?: unknown }): Promise<{ token: string; id: number }> {
  const providerId = requireProviderAdmin(user);
  const parsed = parseTokenInput(raw, await tokenLimits());
  if (!parsed.ok) throw new ValidationError(parsed.message, parsed.fieldErrors);
  return insertToken(actorOf(user), { providerId, userId: null, createdById: user.id, ...parsed.value });
}

/** The organisation's administrator revokes one of its tokens (at once; irreversible). */
export async function revokeOrganisationToken(user: PersonUser, tokenId: number): Promise<void> {
  const providerId = requireProviderAdmin(user);
  await revoke(actorOf(user), user.id, tokenId, (t) => t.providerId === providerId);
}

// ---------------------------------------------------------------------------------------------
// Staff

export type TokenListQuery = Partial<ListQuery<(typeof TOKEN_LIST)["filters"], (typeof TOKEN_LIST)["sorts"][number]>>;

function requireStaffManager(user: CurrentUser) {
  if (!can(user.role, "manage:api-token:any")) throw new ForbiddenError();
}

/** Every token (organisation and personal), filtered and paged. */
export async function listApiTokens(user: CurrentUser, input: TokenListQuery) {
  requireStaffManager(user);
  const query = completeQuery(TOKEN_LIST, input);
  const manager = await em();
  const at = nowIso();
  const qb = manager.getRepository(ApiToken).createQueryBuilder("t");
  if (query.q) {
    const q = `%${query.q.toLowerCase()}%`;
    qb.andWhere(
      new Brackets((w) =>
        w
          .where("LOWER(t.name) LIKE :q", { q })
          .orWhere("LOWER(t.prefix) LIKE :q", { q })
          .orWhere('t.providerId IN (SELECT p.id FROM providers p WHERE LOWER(p.name) LIKE :q)', { q })
          .orWhere('t.userId IN (SELECT u.id FROM users u WHERE LOWER(u.name) LIKE :q OR LOWER(u.email) LIKE :q)', { q }),
      ),
    );
  }
  if (query.provider) qb.andWhere('t.providerId = :provider', { provider: query.provider });
  if (query.kind === "organisation") qb.andWhere('t.providerId IS NOT NULL');
  if (query.kind === "personal") qb.andWhere('t.providerId IS NULL');
  if (query.state === "revoked") qb.andWhere('t.revokedAt IS NOT NULL');
  if (query.state === "expired") qb.andWhere('t.revokedAt IS NULL AND t.expiresAt <= :at', { at });
  if (query.state === "active") qb.andWhere('t.revokedAt IS NULL AND t.expiresAt > :at', { at });
  const { rows, raw: _raw, ...page } = await paginate(qb, query, {
    sortColumns: { createdAt: 't.createdAt', expiresAt: 't.expiresAt', lastUsedAt: { expr: 't.lastUsedAt', nulls: "last" }, name: { expr: "LOWER(t.name)", select: true } },
    tieBreaker: "t.id",
  });
  const provider = query.provider ? await manager.getRepository(Provider).findOne({ where: { id: query.provider }, select: { id: true, name: true } }) : null;
  return { rows: await views(manager, rows), ...page, provider: provider ? { id: provider.id, name: provider.name } : null };
}

/** Staff revoke any token (a leaked key, a provider that asked by phone). */
export async function revokeApiTokenAsStaff(user: PersonUser, tokenId: number): Promise<void> {
  requireStaffManager(user);
  await revoke(actorOf(user), user.id, tokenId, () => true);
}

// ---------------------------------------------------------------------------------------------
// Command line and tests

/**
 * A token for the user `userId` (the command line `token:create`, and the test helpers): for a
 * provider user a token of the user's organisation, for staff a personal token. Every scope and
 * the default expiry unless given.
 */
export async function createToken(actor: Actor, userId: number, name: string, options: { scopes?: readonly string[]; validUntil?: string } = {}): Promise<{ token: string; id: number }> {
  const manager = await em();
  const user = await manager.getRepository(User).findOne({ where: { id: userId } });
  if (!user) throw new NotFoundError("Der Benutzer wurde nicht gefunden.");
  const parsed = parseTokenInput({ name, scopes: [...(options.scopes ?? API_SCOPES)], validUntil: options.validUntil ?? "" }, await tokenLimits(manager));
  if (!parsed.ok) throw new ValidationError(Object.values(parsed.fieldErrors)[0] ?? parsed.message, parsed.fieldErrors);
  const organisation = user.role === "provider" && user.providerId !== null;
  return insertToken(actor, { providerId: organisation ? user.providerId : null, userId: organisation ? null : user.id, createdById: actor.id, ...parsed.value });
}

// ---------------------------------------------------------------------------------------------

interface NewToken {
  providerId: number | null;
  userId: number | null;
  createdById: number | null;
  name: string;
  scopes: ApiScope[];
  validUntil: string;
}

async function insertToken(actor: Actor, input: NewToken): Promise<{ token: string; id: number }> {
  const token = TOKEN_PREFIX + randomToken(32);
  return tx(async (m) => {
    let what = "";
    if (input.providerId !== null) {
      const provider = await m.getRepository(Provider).findOne({ where: { id: input.providerId } });
      if (!provider) throw new NotFoundError("Der Träger wurde nicht gefunden.");
      what = `API-Zugang „${input.name}“ für ${provider.name}`;
    } else if (input.userId !== null) {
      const user = await m.getRepository(User).findOne({ where: { id: input.userId } });
      if (!user) throw new NotFoundError("Der Benutzer wurde nicht gefunden.");
      what = `Persönlicher API-Zugang „${input.name}“ für ${user.email}`;
    }
    const expiresAt = tokenExpiresAt(input.validUntil);
    const row = await m.getRepository(ApiToken).save(
      m.getRepository(ApiToken).create({
        userId: input.userId,
        providerId: input.providerId,
        name: input.name,
        tokenHash: sha256Hex(token),
        prefix: token.slice(0, 10),
        scopes: formatScopes(input.scopes),
        createdAt: nowIso(),
        createdById: input.createdById,
        expiresAt,
        lastUsedAt: null,
        revokedAt: null,
        revokedById: null,
      }),
    );
    await appendAudit(m, actor, {
      action: "api_token.create",
      summary: `${what} erstellt (${row.prefix}…; Berechtigungen: ${input.scopes.join(", ")}; gültig bis ${formatDate(input.validUntil)})`.slice(0, 500),
      entityType: "api_token",
      entityId: row.id,
      providerId: input.providerId,
      details: { prefix: row.prefix, scopes: input.scopes, expiresAt, userId: input.userId },
    });
    return { token, id: row.id };
  });
}

async function revoke(actor: Actor, revokedById: number, tokenId: number, allowed: (t: ApiToken) => boolean): Promise<void> {
  await tx(async (m) => {
    const row = await m.getRepository(ApiToken).findOne({ where: { id: tokenId } });
    if (!row || !allowed(row)) throw new NotFoundError("Der API-Zugang wurde nicht gefunden.");
    const at = nowIso();
    // Conditional: of two revocations at the same moment one takes effect and is audited.
    const result = await m.getRepository(ApiToken).update({ id: tokenId, revokedAt: IsNull() }, { revokedAt: at, revokedById });
    if (!result.affected) return;
    await appendAudit(m, actor, {
      action: "api_token.revoke",
      summary: `API-Zugang „${row.name}“ (${row.prefix}…) widerrufen`.slice(0, 500),
      entityType: "api_token",
      entityId: tokenId,
      providerId: row.providerId,
      details: { prefix: row.prefix, expiresAt: row.expiresAt, wasExpired: row.expiresAt <= at },
    });
  });
}
