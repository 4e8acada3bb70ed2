import { User } from "../../entities";
import { config, ensureDataDir } from "~/lib/config.server";
import { createDataSource, db, closeDb } from "~/lib/db.server";
import { runDueJobs } from "./jobs.server";

/**
 * Start-up: migrate the database, seed the demo data set on first start only.
 * Returns whether demo data was seeded.
 */
export async function bootstrap(options: { seedDemo?: boolean } = {}): Promise<{ seeded: boolean }> {
  ensureDataDir();
  // Several processes on one PostgreSQL database may start at once: migrating and seeding run
  // one process after another (a session advisory lock on a connection of its own), so two
  // processes never run the same migration or both seed an empty database.
  const release = await holdStartupLock();
  try {
    return await migrateAndSeed(options);
  } finally {
    await release();
  }
}

/** The advisory lock key that serialises start-up (migrations, demo seed) across processes. */
export const STARTUP_LOCK_KEY = 727002;

async function holdStartupLock(): Promise<() => Promise<void>> {
  const cfg = config();
  if (cfg.databaseKind !== "postgres") return async () => undefined;
  const lockSource = createDataSource(cfg);
  await lockSource.initialize();
  const runner = lockSource.createQueryRunner();
  await runner.connect();
  await runner.query(`SELECT pg_advisory_lock(${STARTUP_LOCK_KEY})`);
  return async () => {
    await runner.query(`SELECT pg_advisory_unlock(${STARTUP_LOCK_KEY})`).catch(() => undefined);
    await runner.release().catch(() => undefined);
    await lockSource.destroy().catch(() => undefined);
  };
}

/** Migrate and seed without the start-up lock (the caller holds it; tests). */
export async function migrateAndSeed(options: { seedDemo?: boolean }): Promise<{ seeded: boolean }> {
  const ds = await db();
  // A payment run left half-built by a stopped process: abandoned, its items ordered again (issue 10 § 14).
  const { recoverAbandonedRuns } = await import("~/services/payment-runs.server");
  const abandoned = await recoverAbandonedRuns();
  if (abandoned) console.warn(`${abandoned} unterbrochene(r) Zahllauf/Zahlläufe verworfen; die Zahlungen sind wieder angeordnet.`);
  const users = await ds.getRepository(User).count();
  if (users > 0 || options.seedDemo === false) return { seeded: false };
  const { seedDemoData } = await import("~/demo/demo-data.server");
  await seedDemoData({ scale: 1 });
  const { seedDemoPlacements } = await import("~/demo/demo-placements.server");
  await seedDemoPlacements({ scale: 1 });
  const { seedDemoTenders } = await import("~/demo/demo-tenders.server");
  await seedDemoTenders();
  const { seedDemoFinance } = await import("~/demo/demo-finance-seed.server");
  await seedDemoFinance({ scale: 1 });
  const { seedDemoPlaces } = await import("~/demo/demo-places.server");
  await seedDemoPlaces({ scale: 1 });
  // The planner's statistics for the tables just filled (db() analysed them while still empty).
  const { refreshPlannerStatistics } = await import("~/lib/db.server");
  await refreshPlannerStatistics();
  return { seeded: true };
}

let timer: NodeJS.Timeout | null = null;
let running = false;

/** Background jobs in this process (mail sender, …), every few seconds. */
export function startJobs(intervalMs = Number(process.env.JOB_INTERVAL_MS || 5000)) {
  if (timer) return;
  timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await runDueJobs();
    } catch (error) {
      console.error("Hintergrundaufgabe fehlgeschlagen:", error instanceof Error ? error.message : error);
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
}

export async function stopJobs() {
  if (timer) clearInterval(timer);
  timer = null;
  await closeDb();
}

export { config };
export { nowIso } from "~/lib/clock.server";
