import { IsNull } from "typeorm";
import { ApiToken } from "../../entities";
import { NotFoundError, ValidationError } from "~/domain/errors";
import { appendAudit, type Actor } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { randomToken, sha256Hex } from "~/lib/password.server";
import { User } from "../../entities";

export const TOKEN_PREFIX = "vt_";

export async function listTokens(userId: number) {
  const manager = await em();
  const rows = await manager.getRepository(ApiToken).find({ where: { userId }, order: { id: "DESC" } });
  return rows.map(({ tokenHash: _hash, ...rest }) => rest);
}

/** Create a bearer token for a user. The token is returned once and stored only as a hash. */
export async function createToken(actor: Actor, userId: number, name: string): Promise<{ token: string; id: number }> {
  const label = name.trim();
  if (label.length < 2 || label.length > 100) throw new ValidationError("Bitte geben Sie dem Zugang einen Namen (2 bis 100 Zeichen).", { name: "Bitte geben Sie dem Zugang einen Namen (2 bis 100 Zeichen)." });
  const token = TOKEN_PREFIX + randomToken(32);
  return tx(async (m) => {
    const user = await m.getRepository(User).findOne({ where: { id: userId } });
    if (!user) throw new NotFoundError("Der Benutzer wurde nicht gefunden.");
    const row = await m.getRepository(ApiToken).save(
      m.getRepository(ApiToken).create({ userId, name: label, tokenHash: sha256Hex(token), prefix: token.slice(0, 10), createdAt: nowIso(), lastUsedAt: null, revokedAt: null }),
    );
    await appendAudit(m, actor, {
      action: "api_token.create",
      summary: `API-Zugang „${label}“ für ${user.email} erstellt`,
      entityType: "api_token",
      entityId: row.id,
      providerId: user.providerId,
    });
    return { token, id: row.id };
  });
}

export async function revokeToken(actor: Actor, userId: number, tokenId: number): Promise<void> {
  await tx(async (m) => {
    const row = await m.getRepository(ApiToken).findOne({ where: { id: tokenId, userId } });
    if (!row) throw new NotFoundError("Der API-Zugang wurde nicht gefunden.");
    const result = await m.getRepository(ApiToken).update({ id: tokenId, revokedAt: IsNull() }, { revokedAt: nowIso() });
    if (!result.affected) return;
    await appendAudit(m, actor, {
      action: "api_token.revoke",
      summary: `API-Zugang „${row.name}“ widerrufen`,
      entityType: "api_token",
      entityId: tokenId,
      providerId: actor.providerId ?? null,
    });
  });
}
