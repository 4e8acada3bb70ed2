import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Letters as an authority signs them: the official's direct dial on the user record, and the
 * source fingerprint of generated documents (an unchanged document is not stored twice).
 */
export class Letters1764340000000 implements MigrationInterface {
  name = "Letters1764340000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("users", new TableColumn({ name: "phone", type: "varchar", length: "40", isNullable: true }));
    await queryRunner.addColumn("documents", new TableColumn({ name: "sourceHash", type: "varchar", length: "64", isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("documents", "sourceHash");
    await queryRunner.dropColumn("users", "phone");
  }
}
