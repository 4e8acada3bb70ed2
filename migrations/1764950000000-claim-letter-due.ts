import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Decision letters rendered outside the write transaction (issue 13 point 2): a claim's decision
 * commits with `letterDue` set to the decision (accept, reject, request_documents) whose letter
 * is owed; the letter is rendered afterwards and stored in a short
 * transaction of its own that clears it. A letter left undone by a stopped process is produced by
 * the background job (renderMissingDecisionLetters), which finds the claims by this column.
 */
export class ClaimLetterDue1764950000000 implements MigrationInterface {
  name = "ClaimLetterDue1764950000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("placement_claims", new TableColumn({ name: "letterDue", type: "varchar", length: "20", isNullable: true }));
    await queryRunner.createIndex("placement_claims", new TableIndex({ name: "ix_placement_claims_letter_due", columnNames: ["letterDue"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("placement_claims", "ix_placement_claims_letter_due");
    await queryRunner.dropColumn("placement_claims", "letterDue");
  }
}
