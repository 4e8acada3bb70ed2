import { TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Indexes for the main pages at ten years of data (issue 13 point 4): the client list's default
 * order (newest first), the budget overview's commitments of one year and payments of one year,
 * and the purchases' amount (the list's sum of the selection and its sort by amount read this
 * index instead of every row).
 */
export class ListIndexes1764960000000 implements MigrationInterface {
  name = "ListIndexes1764960000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("clients", new TableIndex({ name: "ix_clients_created_at", columnNames: ["createdAt"] }));
    await queryRunner.createIndex("commitments", new TableIndex({ name: "ix_commitments_year", columnNames: ["year"] }));
    await queryRunner.createIndex("payment_items", new TableIndex({ name: "ix_payment_items_paid_on", columnNames: ["paidOn"] }));
    await queryRunner.createIndex("place_purchases", new TableIndex({ name: "ix_place_purchases_cents", columnNames: ["estimatedCents"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("place_purchases", "ix_place_purchases_cents");
    await queryRunner.dropIndex("payment_items", "ix_payment_items_paid_on");
    await queryRunner.dropIndex("commitments", "ix_commitments_year");
    await queryRunner.dropIndex("clients", "ix_clients_created_at");
  }
}
