import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Provider comparison (issue 12): the date since which a client has been unemployed (a covariate
 * of the risk adjustment) and the right to see the comparison of all providers, granted per user
 * by an administrator.
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
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("users", "comparisonAccess");
    await queryRunner.dropColumn("clients", "unemployedSince");
  }
}
