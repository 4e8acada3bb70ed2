import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Data only: a fee instalment's `earliestOn` used to be the last day of its period (day 42, or the
 * day before the 6-month anniversary). A period is complete only when that day is over
 * (DOMAIN.md § 1.5), so `earliestOn` now holds the day after: the first day the instalment is due
 * and its proof can be dated and accepted. `deadlineOn` is unchanged (it counts from the month of
 * the period's last day). Dates are shifted per distinct value, latest first, so no row moves twice.
 */
export class InstalmentDueAfterPeriod1764310000000 implements MigrationInterface {
  name = "InstalmentDueAfterPeriod1764310000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await shift(queryRunner, 1);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await shift(queryRunner, -1);
  }
}

async function shift(queryRunner: QueryRunner, days: number): Promise<void> {
  const driver = queryRunner.connection.driver;
  const rows: { day: string }[] = await queryRunner.query(
    `SELECT DISTINCT "earliestOn" AS "day" FROM "fee_instalments" ORDER BY "earliestOn" ${days > 0 ? "DESC" : "ASC"}`,
  );
  for (const { day } of rows) {
    const [sql, params] = driver.escapeQueryWithParameters(`UPDATE "fee_instalments" SET "earliestOn" = :next WHERE "earliestOn" = :day`, { next: addDays(day, days), day }, {});
    await queryRunner.query(sql, params);
  }
}

/** A migration keeps its own copy of the date arithmetic: later changes to the domain must not change it. */
function addDays(date: string, days: number): string {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))));
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
