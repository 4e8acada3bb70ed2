import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataSource } from "typeorm";
import { freshDatabase } from "../setup/db";
import { closeDb, createDataSource } from "~/lib/db.server";
import { migrations } from "../../migrations";
import { OrganisationTokens1764400000000 } from "../../migrations/1764400000000-organisation-tokens";

/**
 * The migration to organisation tokens on a database with tokens of the old kind (one per person):
 * a provider user's token becomes the organisation's (with every scope and an expiry a year ahead),
 * a deactivated user's token is revoked rather than brought back, a staff token stays personal, and
 * the first active user of each organisation becomes its administrator. SQLite and PostgreSQL.
 */

let ds: DataSource;

async function query(sql: string, params: Record<string, unknown> = {}) {
  const [q, values] = ds.driver.escapeQueryWithParameters(sql, params, {});
  return ds.query(q, values);
}

beforeAll(async () => {
  const fresh = await freshDatabase();
  // Start again from an empty schema and stop just before the migration under test.
  await fresh.dropDatabase();
  await closeDb();
  const options = createDataSource().options;
  const at = migrations.indexOf(OrganisationTokens1764400000000);
  expect(at).toBeGreaterThan(0);
  ds = new DataSource({ ...options, migrations: migrations.slice(0, at) } as typeof options);
  await ds.initialize();
  await ds.runMigrations();
});

afterAll(async () => {
  await ds?.destroy();
});

describe("migration 1764400000000: organisation tokens", () => {
  it("converts the tokens of provider users, revokes those of deactivated users, keeps staff tokens personal, names an administrator per organisation", async () => {
    const t = "2026-01-10T10:00:00.000Z";
    const user = async (email: string, role: string, providerId: number | null, active: boolean) => {
      await query(
        `INSERT INTO "users" ("email", "name", "role", "phone", "providerId", "passwordHash", "active", "createdAt", "updatedAt", "lastLoginAt", "passwordChangedAt") VALUES (:email, :name, :role, NULL, :providerId, 'x', :active, :t, :t, NULL, :t)`,
        { email, name: email, role, providerId, active, t },
      );
      return Number((await query(`SELECT "id" FROM "users" WHERE "email" = :email`, { email }))[0].id);
    };
    const token = async (userId: number, name: string, revokedAt: string | null = null) => {
      await query(`INSERT INTO "api_tokens" ("userId", "name", "tokenHash", "prefix", "createdAt", "lastUsedAt", "revokedAt") VALUES (:userId, :name, :hash, 'vt_abcdefg', :t, NULL, :revokedAt)`, {
        userId,
        name,
        hash: name.padEnd(64, "0"),
        t,
        revokedAt,
      });
      return Number((await query(`SELECT "id" FROM "api_tokens" WHERE "name" = :name`, { name }))[0].id);
    };
    const gone = await user("gone@b1.example", "provider", 1, false); // left first: no longer counts as the first user
    const first = await user("first@b1.example", "provider", 1, true);
    const second = await user("second@b1.example", "provider", 1, true);
    const lonely = await user("lonely@b2.example", "provider", 2, false);
    const staff = await user("staff@asz.example", "procurement", null, true);
    const tFirst = await token(first, "erste");
    const tSecond = await token(second, "zweite", "2026-01-05T00:00:00.000Z");
    const tGone = await token(gone, "weg");
    const tLonely = await token(lonely, "allein");
    const tStaff = await token(staff, "werkzeug");

    const started = Date.now();
    const all = new DataSource({ ...ds.options, migrations } as typeof ds.options);
    await ds.destroy();
    ds = all;
    await ds.initialize();
    await ds.runMigrations();

    const admins = await query(`SELECT "email", "providerAdmin" FROM "users" ORDER BY "id"`);
    expect(admins.map((u: { email: string; providerAdmin: unknown }) => [u.email, Boolean(u.providerAdmin)])).toEqual([
      ["gone@b1.example", false],
      ["first@b1.example", true],
      ["second@b1.example", false],
      ["lonely@b2.example", false],
      ["staff@asz.example", false],
    ]);

    const rows: Record<string, unknown>[] = await query(`SELECT * FROM "api_tokens" ORDER BY "id"`);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const num = (v: unknown) => (v === null ? null : Number(v));
    const pick = (id: number) => {
      const r = byId.get(id)!;
      return { userId: num(r.userId), providerId: num(r.providerId), createdById: num(r.createdById), scopes: r.scopes, revoked: r.revokedAt !== null };
    };
    expect(pick(tFirst)).toEqual({ userId: null, providerId: 1, createdById: first, scopes: "read,offers,placements,invoices", revoked: false });
    expect(pick(tSecond)).toEqual({ userId: null, providerId: 1, createdById: second, scopes: "read,offers,placements,invoices", revoked: true });
    expect(byId.get(tSecond)!.revokedAt).toBe("2026-01-05T00:00:00.000Z"); // an earlier revocation stays as it was
    expect(pick(tGone)).toEqual({ userId: null, providerId: 1, createdById: gone, scopes: "read,offers,placements,invoices", revoked: true });
    expect(pick(tLonely)).toEqual({ userId: null, providerId: 2, createdById: lonely, scopes: "read,offers,placements,invoices", revoked: true });
    expect(pick(tStaff)).toEqual({ userId: staff, providerId: null, createdById: staff, scopes: "read,offers,placements,invoices", revoked: false });
    for (const r of rows) {
      const expires = Date.parse(String(r.expiresAt));
      expect(expires - started).toBeGreaterThan(364 * 86400000);
      expect(expires - Date.now()).toBeLessThan(366 * 86400000);
    }
  });
});
