import { Table, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * The change feed (docs/decisions/0015-change-feed.md): `api_events`, read by
 * `GET /api/v1/events` as "the provider's own rows and the public ones (providerId null), after
 * an id, in id order". The index (providerId, id) serves both halves of that query.
 */
export class ChangeFeed1764410000000 implements MigrationInterface {
  name = "ChangeFeed1764410000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "api_events",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "providerId", type: "integer", isNullable: true },
          { name: "type", type: "varchar", length: "60" },
          { name: "entityType", type: "varchar", length: "30" },
          { name: "entityId", type: "integer" },
          { name: "reference", type: "varchar", length: "100" },
          { name: "status", type: "varchar", length: "30", isNullable: true },
          { name: "occurredAt", type: "varchar", length: "24" },
          { name: "data", type: "text", isNullable: true },
        ],
        indices: [{ name: "ix_api_events_provider_id", columnNames: ["providerId", "id"] }],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("api_events");
  }
}
