import { Table, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Idempotency keys of API POSTs (issue 9, ADR 0016): one row per (scope, key); the unique index
 * decides which of two concurrent requests with the same key runs.
 */
export class IdempotencyKeys1764420000000 implements MigrationInterface {
  name = "IdempotencyKeys1764420000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "idempotency_keys",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "scope", type: "varchar", length: "100" },
          { name: "key", type: "varchar", length: "255" },
          { name: "method", type: "varchar", length: "10" },
          { name: "path", type: "varchar", length: "1000" },
          { name: "fingerprint", type: "varchar", length: "64" },
          { name: "state", type: "varchar", length: "20" },
          { name: "responseStatus", type: "integer", isNullable: true },
          { name: "responseHeaders", type: "text", isNullable: true },
          { name: "responseBody", type: "text", isNullable: true },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "completedAt", type: "varchar", length: "24", isNullable: true },
        ],
        indices: [
          { name: "uq_idempotency_keys_scope_key", columnNames: ["scope", "key"], isUnique: true },
          { name: "ix_idempotency_keys_created", columnNames: ["createdAt"] },
        ],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("idempotency_keys", true);
  }
}
