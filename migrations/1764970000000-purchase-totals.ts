import { Table, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * place_purchase_totals: per status the number of place purchases and their estimated cost, kept
 * by triggers on place_purchases in the same transaction as every change (issue 13 point 4: the
 * purchase list's counts and sum at ten years of data without reading every purchase).
 * SQLite: one row trigger per event (an upsert, in the engine). PostgreSQL: statement triggers
 * with transition tables, so a bulk insert or update changes each totals row once per statement.
 * A later migration that rebuilds place_purchases on SQLite (TypeORM copies the table to change a
 * column) drops these triggers: it must create them again. purchases.test.ts checks they exist.
 */
export class PurchaseTotals1764970000000 implements MigrationInterface {
  name = "PurchaseTotals1764970000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "place_purchase_totals",
        columns: [
          { name: "status", type: "varchar", length: "20", isPrimary: true },
          { name: "purchases", type: "integer" },
          { name: "estimatedCents", type: "bigint" },
        ],
      }),
    );
    if (queryRunner.connection.driver.options.type === "postgres") {
      // Each statement adds what it changed per status; an update that moves no status and no
      // amount (most do: dates, references, notes) touches no totals row, so it takes no lock there.
      // Rows are taken in status order, so two statements never lock two totals rows in opposite order.
      // OR REPLACE: dropping a schema's tables (TypeORM's dropDatabase) leaves its functions behind.
      const upsert = (select: string) =>
        `INSERT INTO place_purchase_totals (status, purchases, "estimatedCents") ${select} ON CONFLICT (status) DO UPDATE SET purchases = place_purchase_totals.purchases + EXCLUDED.purchases, "estimatedCents" = place_purchase_totals."estimatedCents" + EXCLUDED."estimatedCents";`;
      await queryRunner.query(`
        CREATE OR REPLACE FUNCTION place_purchase_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            ${upsert(`SELECT status, COUNT(*), COALESCE(SUM("estimatedCents"), 0) FROM new_rows GROUP BY status ORDER BY status`)}
          ELSIF TG_OP = 'DELETE' THEN
            ${upsert(`SELECT status, -COUNT(*), -COALESCE(SUM("estimatedCents"), 0) FROM old_rows GROUP BY status ORDER BY status`)}
          ELSE
            ${upsert(`SELECT status, SUM(n), SUM(c) FROM (SELECT status, -1 AS n, -"estimatedCents" AS c FROM old_rows UNION ALL SELECT status, 1, "estimatedCents" FROM new_rows) d GROUP BY status HAVING SUM(n) <> 0 OR SUM(c) <> 0 ORDER BY status`)}
          END IF;
          RETURN NULL;
        END $$`);
      await queryRunner.query(`CREATE TRIGGER trg_place_purchase_totals_insert AFTER INSERT ON place_purchases REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION place_purchase_totals_apply()`);
      await queryRunner.query(`CREATE TRIGGER trg_place_purchase_totals_update AFTER UPDATE ON place_purchases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION place_purchase_totals_apply()`);
      await queryRunner.query(`CREATE TRIGGER trg_place_purchase_totals_delete AFTER DELETE ON place_purchases REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION place_purchase_totals_apply()`);
    } else {
      const add = (row: "NEW") => `INSERT INTO place_purchase_totals (status, purchases, "estimatedCents") VALUES (${row}.status, 1, ${row}."estimatedCents") ON CONFLICT (status) DO UPDATE SET purchases = purchases + 1, "estimatedCents" = "estimatedCents" + excluded."estimatedCents";`;
      const remove = (row: "OLD") => `UPDATE place_purchase_totals SET purchases = purchases - 1, "estimatedCents" = "estimatedCents" - ${row}."estimatedCents" WHERE status = ${row}.status;`;
      await queryRunner.query(`CREATE TRIGGER trg_place_purchase_totals_insert AFTER INSERT ON place_purchases BEGIN ${add("NEW")} END`);
      await queryRunner.query(`CREATE TRIGGER trg_place_purchase_totals_update AFTER UPDATE OF status, "estimatedCents" ON place_purchases WHEN OLD.status IS NOT NEW.status OR OLD."estimatedCents" IS NOT NEW."estimatedCents" BEGIN ${remove("OLD")} ${add("NEW")} END`);
      await queryRunner.query(`CREATE TRIGGER trg_place_purchase_totals_delete AFTER DELETE ON place_purchases BEGIN ${remove("OLD")} END`);
    }
    await queryRunner.query(`INSERT INTO place_purchase_totals (status, purchases, "estimatedCents") SELECT status, COUNT(*), COALESCE(SUM("estimatedCents"), 0) FROM place_purchases GROUP BY status`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ["insert", "update", "delete"]) await queryRunner.query(`DROP TRIGGER IF EXISTS trg_place_purchase_totals_${event}${queryRunner.connection.driver.options.type === "postgres" ? " ON place_purchases" : ""}`);
    if (queryRunner.connection.driver.options.type === "postgres") await queryRunner.query(`DROP FUNCTION IF EXISTS place_purchase_totals_apply()`);
    await queryRunner.dropTable("place_purchase_totals");
  }
}
