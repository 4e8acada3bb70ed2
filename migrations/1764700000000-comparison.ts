import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Provider comparison (issue 12): the date since which a client has been unemployed (a covariate
 * of the risk adjustment) and the right to see the comparison of all providers, granted per user
 * by an administrator. Indexes for the comparison's reads of assignments by issue date and the
 * regions offered as filter.
 */
export class Comparison1764700000000 implements MigrationInterface {
  name = "Comparison1764700000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("clients", new TableColumn({ name: "unemployedSince", type: "varchar", length: "10", isNullable: true }));
    // NOT NULL without a database default (ADR 0003): added nullable, filled, tightened.
    await queryRunner.addColumn("users", new TableColumn({ name: "comparisonAccess", type: "boolean", isNullable: true }));
    const [sql, values] = queryRunner.connection.driver.escapeQueryWithParameters(`UPDATE "users" SET "comparisonAccess" = :no`, { no: false }, {});
    await queryRunner.query(sql, values);
    const table = await queryRunner.getTable("users");
    const oldColumn = table!.findColumnByName("comparisonAccess")!;
    const newColumn = oldColumn.clone();
    newColumn.isNullable = false;
    await queryRunner.changeColumn("users", oldColumn, newColumn);
    await queryRunner.createIndex("assignments", new TableIndex({ name: "ix_assignments_issued", columnNames: ["issuedOn"] }));
    await queryRunner.createIndex("assignments", new TableIndex({ name: "ix_assignments_region", columnNames: ["region"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("assignments", "ix_assignments_region");
    await queryRunner.dropIndex("assignments", "ix_assignments_issued");
    await queryRunner.dropColumn("users", "comparisonAccess");
    await queryRunner.dropColumn("clients", "unemployedSince");
  }
}
