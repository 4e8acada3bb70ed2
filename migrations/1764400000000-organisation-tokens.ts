import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Organisation API tokens (ADR 0014, issue 9 points 10 and 11).
 *
 * - `users.providerAdmin`: a provider user who administers the organisation's tokens. The first
 *   active provider user of each organisation (lowest id) becomes its administrator; staff change
 *   it on the user page.
 * - `api_tokens`: a token belongs either to an organisation (`providerId`) or to a person
 *   (`userId`, staff tools), has scopes, an expiry, its creator and who revoked it. Existing tokens
 *   of provider users become their organisation's tokens with every scope and an expiry one year
 *   after this migration; tokens of deactivated users are revoked first, so that no token that had
 *   stopped working comes back.
 * - `offers.submittedById` becomes nullable, and offers and placement claims note the API token
 *   they came through: an organisation token has no person behind it.
 *
 * NOT NULL columns are added nullable, filled, then tightened (no database-side defaults: ADR 0003).
 */
export class OrganisationTokens1764400000000 implements MigrationInterface {
  name = "OrganisationTokens1764400000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const at = new Date().toISOString();
    const inOneYear = new Date(Date.now() + 365 * 86400000).toISOString();

    // users.providerAdmin
    await queryRunner.addColumn("users", new TableColumn({ name: "providerAdmin", type: "boolean", isNullable: true }));
    await run(queryRunner, `UPDATE "users" SET "providerAdmin" = :no`, { no: false });
    await run(
      queryRunner,
      `UPDATE "users" SET "providerAdmin" = :yes WHERE "id" IN (SELECT MIN("u"."id") FROM "users" "u" WHERE "u"."role" = 'provider' AND "u"."providerId" IS NOT NULL AND "u"."active" = :yes GROUP BY "u"."providerId")`,
      { yes: true },
    );
    await tighten(queryRunner, "users", ["providerAdmin"]);

    // api_tokens
    await queryRunner.addColumns("api_tokens", [
      new TableColumn({ name: "providerId", type: "integer", isNullable: true }),
      new TableColumn({ name: "scopes", type: "varchar", length: "100", isNullable: true }),
      new TableColumn({ name: "createdById", type: "integer", isNullable: true }),
      new TableColumn({ name: "expiresAt", type: "varchar", length: "24", isNullable: true }),
      new TableColumn({ name: "revokedById", type: "integer", isNullable: true }),
    ]);
    const tokens = await queryRunner.getTable("api_tokens");
    const userId = tokens!.findColumnByName("userId")!;
    const nullableUserId = userId.clone();
    nullableUserId.isNullable = true;
    await queryRunner.changeColumn("api_tokens", userId, nullableUserId);
    await queryRunner.createIndex("api_tokens", new TableIndex({ name: "ix_api_tokens_provider", columnNames: ["providerId"] }));

    await run(
      queryRunner,
      `UPDATE "api_tokens" SET "revokedAt" = :at WHERE "revokedAt" IS NULL AND "userId" IN (SELECT "u"."id" FROM "users" "u" WHERE "u"."active" = :no)`,
      { at, no: false },
    );
    await run(queryRunner, `UPDATE "api_tokens" SET "createdById" = "userId", "scopes" = :scopes, "expiresAt" = :expires`, { scopes: "read,offers,placements,invoices", expires: inOneYear });
    await queryRunner.query(
      `UPDATE "api_tokens" SET "providerId" = (SELECT "u"."providerId" FROM "users" "u" WHERE "u"."id" = "api_tokens"."userId" AND "u"."role" = 'provider') WHERE "userId" IS NOT NULL`,
    );
    await queryRunner.query(`UPDATE "api_tokens" SET "userId" = NULL WHERE "providerId" IS NOT NULL`);
    await tighten(queryRunner, "api_tokens", ["scopes", "expiresAt"]);

    // offers and placement claims
    const offers = await queryRunner.getTable("offers");
    const submittedBy = offers!.findColumnByName("submittedById")!;
    const nullableSubmittedBy = submittedBy.clone();
    nullableSubmittedBy.isNullable = true;
    await queryRunner.changeColumn("offers", submittedBy, nullableSubmittedBy);
    await queryRunner.addColumn("offers", new TableColumn({ name: "submittedByApiTokenId", type: "integer", isNullable: true }));
    await queryRunner.addColumn("placement_claims", new TableColumn({ name: "submittedByApiTokenId", type: "integer", isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // An offer sent through an organisation token has no person to put back into the old NOT NULL column.
    await queryRunner.query(
      `UPDATE "offers" SET "submittedById" = (SELECT "t"."createdById" FROM "api_tokens" "t" WHERE "t"."id" = "offers"."submittedByApiTokenId") WHERE "submittedById" IS NULL`,
    );
    const orphans: { n: number | string }[] = await queryRunner.query(`SELECT COUNT(*) AS "n" FROM "offers" WHERE "submittedById" IS NULL`);
    if (Number(orphans[0]?.n ?? 0) > 0) throw new Error("Rückbau nicht möglich: Angebote, die ein API-Zugang ohne Ersteller abgegeben hat, hätten keinen Absender mehr.");
    await queryRunner.dropColumn("placement_claims", "submittedByApiTokenId");
    await queryRunner.dropColumn("offers", "submittedByApiTokenId");
    await tighten(queryRunner, "offers", ["submittedById"]);

    // Organisation tokens go back to their creators (or are dropped when nobody created them).
    await queryRunner.query(`UPDATE "api_tokens" SET "userId" = "createdById" WHERE "userId" IS NULL`);
    await queryRunner.query(`DELETE FROM "api_tokens" WHERE "userId" IS NULL`);
    await queryRunner.dropIndex("api_tokens", "ix_api_tokens_provider");
    await tighten(queryRunner, "api_tokens", ["userId"]);
    for (const name of ["revokedById", "expiresAt", "createdById", "scopes", "providerId"]) await queryRunner.dropColumn("api_tokens", name);
    await queryRunner.dropColumn("users", "providerAdmin");
  }
}

/** A query with named parameters, in the driver's own placeholder style. */
async function run(queryRunner: QueryRunner, sql: string, params: Record<string, unknown>): Promise<void> {
  const [query, values] = queryRunner.connection.driver.escapeQueryWithParameters(sql, params, {});
  await queryRunner.query(query, values);
}

/** Make filled columns NOT NULL. */
async function tighten(queryRunner: QueryRunner, tableName: string, columns: string[]): Promise<void> {
  const table = await queryRunner.getTable(tableName);
  const changes = columns.map((name) => {
    const oldColumn = table!.findColumnByName(name)!;
    const newColumn = oldColumn.clone();
    newColumn.isNullable = false;
    return { oldColumn, newColumn };
  });
  await queryRunner.changeColumns(tableName, changes);
}
