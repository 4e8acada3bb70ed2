import { resetConfigCache } from "~/lib/config.server";
import { closeDb, createDataSource, db } from "~/lib/db.server";
import { resetClock } from "~/lib/clock.server";

/**
 * A fresh, migrated database for a test file. On SQLite the file lives in the file's own data
 * directory; on PostgreSQL the public schema is dropped and recreated first.
 */
export async function freshDatabase() {
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
  return db();
}
