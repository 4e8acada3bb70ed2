import { TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * More indexes for the main pages at ten years of data (issue 13 point 4): the measure list's
 * default order (title, case-insensitive, then id: an expression index, the same SQL on SQLite
 * and PostgreSQL), the invoice list's default order (received, newest first) and its sum of the
 * selection (read from the index instead of every wide invoice row).
 */
export class ListIndexes21764980000000 implements MigrationInterface {
  name = "ListIndexes21764980000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_measures_title_lower" ON "measures" (LOWER("title"), "id")`);
    await queryRunner.createIndex("invoices", new TableIndex({ name: "ix_invoices_received_at", columnNames: ["receivedAt"] }));
    await queryRunner.createIndex("invoices", new TableIndex({ name: "ix_invoices_due_amount", columnNames: ["dueAmountCents"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("invoices", "ix_invoices_due_amount");
    await queryRunner.dropIndex("invoices", "ix_invoices_received_at");
    await queryRunner.query(`DROP INDEX "ix_measures_title_lower"`);
  }
}
