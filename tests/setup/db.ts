import { resetConfigCache } from "~/lib/config.server";
import { closeDb, createDataSource, db } from "~/lib/db.server";
import { resetClock } from "~/lib/clock.server";

/**
 * The authority's two default budget lines (settings placement.budgetLine and
 * finance.contractBudgetLine) with an ample appropriation in every year a test may touch, so
 * that tests of other workflows can issue vouchers and award contracts (rule 11). Finance tests
 * that test the limits pass `{ budget: false }` and set their own lines and years.
 */
export async function seedTestBudget(appropriationCents = 1_000_000_000_00) {
  const { BudgetLine, BudgetYear } = await import("../../entities");
  const ds = await db();
  const at = new Date().toISOString();
  for (const [number, title] of [
    ["1.4820.7690", "Vermittlungsvergütungen (Test)"],
    ["1.4820.7600", "Eingliederungsleistungen (Test)"],
    ["1.4820.7610", "Einzelplatzeinkauf (Test)"],
  ]) {
    const line = await ds.getRepository(BudgetLine).save({ number, title, active: true, createdAt: at });
    const rows = [];
    for (let year = 2000; year <= 2075; year++) rows.push({ budgetLineId: line.id, year, appropriationCents, authorisationCents: 0, updatedAt: at, updatedById: null });
    await ds.getRepository(BudgetYear).insert(rows);
  }
}

/**
 * A fresh, migrated database for a test file. On SQLite the file lives in the file's own data
 * directory; on PostgreSQL the public schema is dropped and recreated first.
 */
export async function freshDatabase(options: { budget?: boolean } = {}) {
  await closeDb();
  resetConfigCache();
  resetClock();
  // The audit anchor outside the database belongs to the database that is being dropped.
  const fsMod = await import("node:fs");
  fsMod.rmSync(`${process.env.DATA_DIR}/audit-anchor.log`, { force: true });
  if (process.env.DATABASE_URL?.startsWith("postgres")) {
    const ds = createDataSource();
    await ds.initialize();
    await ds.query("DROP SCHEMA public CASCADE");
    await ds.query("CREATE SCHEMA public");
    await ds.destroy();
  } else {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const dir = process.env.DATA_DIR!;
    for (const f of ["app.sqlite", "app.sqlite-wal", "app.sqlite-shm"]) fs.rmSync(path.join(dir, f), { force: true });
  }
  const ds = await db();
  if (options.budget !== false) await seedTestBudget();
  return ds;
}

/**
 * The tests' own manager for fixtures, tampering and checks: the write connection itself (ADR
 * 0024). The application's `em()` is a read-only connection on SQLite, so a test that writes a
 * fixture directly (outside the services) does it here; a test file runs its steps one after
 * another, and what is written here commits at once (autocommit) and is what the services read.
 */
export async function em() {
  return (await db()).manager;
}
