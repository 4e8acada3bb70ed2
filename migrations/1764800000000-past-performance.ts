import { Table, TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Past performance as an award criterion (issue 12 point 7): the kind of a criterion and its
 * method (frozen at publication), and the computed points per offer with the figures used.
 */
export class PastPerformance1764800000000 implements MigrationInterface {
  name = "PastPerformance1764800000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // NOT NULL without a database default (ADR 0003): added nullable, filled, tightened.
    await queryRunner.addColumn("award_criteria", new TableColumn({ name: "kind", type: "varchar", length: "20", isNullable: true }));
    const [sql, values] = queryRunner.connection.driver.escapeQueryWithParameters(`UPDATE "award_criteria" SET "kind" = :kind`, { kind: "quality" }, {});
    await queryRunner.query(sql, values);
    const table = await queryRunner.getTable("award_criteria");
    const oldColumn = table!.findColumnByName("kind")!;
    const newColumn = oldColumn.clone();
    newColumn.isNullable = false;
    await queryRunner.changeColumn("award_criteria", oldColumn, newColumn);
    await queryRunner.addColumn("award_criteria", new TableColumn({ name: "method", type: "text", isNullable: true }));
    await queryRunner.createTable(
      new Table({
        name: "past_performance_scores",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "offerId", type: "integer" },
          { name: "criterionId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "pointsHundredths", type: "integer" },
          { name: "status", type: "varchar", length: "20" },
          { name: "valueUsed", type: "text", isNullable: true },
          { name: "reason", type: "varchar", length: "1000" },
          { name: "figure", type: "text", isNullable: true },
          { name: "method", type: "text" },
          { name: "periodFrom", type: "varchar", length: "10" },
          { name: "periodTo", type: "varchar", length: "10" },
          { name: "asOf", type: "varchar", length: "24" },
          { name: "computedAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "ix_past_performance_scores_tender", columnNames: ["tenderId"] },
          { name: "uq_past_performance_scores", columnNames: ["offerId", "criterionId"], isUnique: true },
        ],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("past_performance_scores", true);
    await queryRunner.dropColumn("award_criteria", "method");
    await queryRunner.dropColumn("award_criteria", "kind");
  }
}
