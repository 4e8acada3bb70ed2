import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import sqlite3 from "sqlite3";
import { DataSource, type EntityManager, type EntityTarget, type QueryDeepPartialEntity } from "typeorm";
import { entities } from "../../entities";
import { migrations } from "../../migrations";
import { config, sqliteFile, type AppConfig } from "./config.server";

/**
 * node-sqlite3 as TypeORM should get it. TypeORM calls `verbose()` on the driver, which wraps every
 * prepare, run, all, … in a function that captures a stack trace and formats every argument with
 * util.inspect (the SQL and its parameters), for longer error stacks only. Measured: 22 % less CPU
 * per query without it (ADR 0029). `verbose()` here returns the module untouched.
 */
export const sqliteDriver: Record<string, unknown> = { ...sqlite3, verbose: () => sqliteDriver };

/**
 * The data layer: one DataSource per process, and the one transaction helper every service uses.
 *
 * node-sqlite3 has a single connection and concurrent `transaction()` calls on it fail outright
 * (STACK.md pitfall 9), so on SQLite all transactions pass through one promise-chain gate.
 * Reads outside a transaction (`em()`) use a second, read-only connection to the same WAL
 * database (ADR 0024): on the write connection they would see another request's uncommitted
 * rows, and a write there would be swept into that request's commit or rollback.
 * PostgreSQL uses its pool and real concurrency.
 */
export function createDataSource(cfg: AppConfig = config()): DataSource {
  if (cfg.databaseKind === "postgres") {
    return new DataSource({
      type: "postgres",
      url: cfg.databaseUrl,
      entities,
      migrations,
      migrationsRun: false,
      synchronize: false,
      logging: false,
      extra: { max: 10 },
    });
  }
  const file = sqliteFile(cfg);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return new DataSource({
    type: "sqlite",
    driver: sqliteDriver,
    database: file,
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    busyTimeout: 10000,
    enableWAL: true,
  });
}

let dataSource: DataSource | null = null;
let initializing: Promise<DataSource> | null = null;
let reader: DataSource | null = null;
let readerInitializing: Promise<DataSource> | null = null;

/** The initialised DataSource (migrated). */
export async function db(): Promise<DataSource> {
  if (dataSource?.isInitialized) return dataSource;
  if (!initializing) {
    initializing = (async () => {
      const ds = createDataSource();
      await ds.initialize();
      if (ds.options.type === "sqlite") {
        await ds.query("PRAGMA foreign_keys = ON");
      }
      await ds.runMigrations({ transaction: "each" });
      if (ds.options.type === "sqlite") {
        // Nothing else uses this connection yet: statistics for tables never analysed or grown much.
        await ds.query(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}`);
        await ds.query("PRAGMA optimize = 0x10002");
      }
      dataSource = ds;
      return ds;
    })().catch((error) => {
      initializing = null;
      throw error;
    });
  }
  return initializing;
}

/**
 * SQLite: the read connection. Each statement in autocommit reads the last committed state of the
 * WAL database; `query_only` makes any write through it fail ("attempt to write a readonly
 * database"), so every write has to go through tx(). PostgreSQL: the pool (each query its own
 * connection, committed data only).
 */
async function readSource(): Promise<DataSource> {
  const ds = await db();
  if (ds.options.type !== "sqlite") return ds;
  if (reader?.isInitialized) return reader;
  if (!readerInitializing) {
    readerInitializing = (async () => {
      const r = createDataSource();
      await r.initialize();
      await r.query("PRAGMA query_only = ON");
      reader = r;
      return r;
    })().catch((error) => {
      readerInitializing = null;
      throw error;
    });
  }
  return readerInitializing;
}

export async function closeDb() {
  const ds = dataSource;
  const r = reader;
  dataSource = null;
  initializing = null;
  reader = null;
  readerInitializing = null;
  gate = Promise.resolve();
  for (const old of retiredReaders) if (old.isInitialized) await old.destroy();
  retiredReaders.clear();
  if (r?.isInitialized) await r.destroy();
  if (ds?.isInitialized) await ds.destroy();
}

/** Read connections replaced by a fresh one, closed a minute later (a request may still hold one). */
const retiredReaders = new Set<DataSource>();

/** New reads go to a new read connection; the old one closes once the reads that hold it are surely done. */
function renewReader() {
  const old = reader;
  reader = null;
  readerInitializing = null;
  if (!old) return;
  retiredReaders.add(old);
  setTimeout(() => {
    retiredReaders.delete(old);
    if (old.isInitialized) old.destroy().catch(() => undefined);
  }, 60_000).unref();
}

/** Rows ANALYZE reads per index (SQLite's own advice: 100–1000), so refreshing stays well under a second. */
const ANALYSIS_LIMIT = 1000;

/**
 * SQLite: keep the query planner's statistics (sqlite_stat1) current. Without them the planner
 * guesses, and at ten years of data several pages chose a worse plan (bench-pages: the provider
 * portal's lists took twice as long, /finance/budget half again). `PRAGMA optimize` analyses only
 * tables that were never analysed or changed much since, reading at most ANALYSIS_LIMIT rows per
 * index: run on opening (db()), hourly by the job runner and after a bulk load such as the demo
 * data. PostgreSQL's autovacuum keeps its statistics itself.
 */
export async function refreshPlannerStatistics(): Promise<void> {
  const ds = await db();
  if (ds.options.type !== "sqlite") return;
  // A write (sqlite_stat1), so through the write gate like every other. 0x01 only lists what
  // would be analysed.
  const analysed = await tx(async (m) => {
    const due: unknown[] = await m.query("PRAGMA optimize = 0x10003");
    if (!due.length) return false;
    await m.query("PRAGMA optimize = 0x10002");
    return true;
  });
  // A connection loads the statistics when it opens; new ones written through another connection
  // do not reach it (not even with a schema change, tried). So the read connection is renewed.
  if (analysed) renewReader();
}

export function databaseKind(): "sqlite" | "postgres" {
  return config().databaseKind;
}

/**
 * Take the next number of a counter (a reference series such as "RE-2026-") only after this:
 * on PostgreSQL the transactions that allocate from the same counter wait for each other until
 * the first commits (a transaction-scoped advisory lock), so two requests or two processes
 * never read the same MAX and take the same number. SQLite's write gate serialises every write
 * transaction already.
 */
export async function lockCounter(m: EntityManager, counter: string): Promise<void> {
  if (m.connection.options.type === "postgres") await m.query("SELECT pg_advisory_xact_lock(hashtext($1))", [counter]);
}

let gate: Promise<unknown> = Promise.resolve();

/** Work to do once the transaction of an EntityManager has committed (see onCommit). */
const afterCommit = new WeakMap<EntityManager, (() => void)[]>();

/**
 * Run `fn` after the transaction `m` belongs to has committed (never if it rolls back).
 * Outside a tx() (a plain manager, autocommit) it runs at once. A failing hook is reported
 * on stderr and does not turn the committed transaction into an error.
 */
export function onCommit(m: EntityManager, fn: () => void) {
  const hooks = afterCommit.get(m);
  if (hooks) hooks.push(fn);
  else runHooks([fn]);
}

function runHooks(hooks: (() => void)[]) {
  for (const hook of hooks) {
    try {
      hook();
    } catch (error) {
      console.error(`Nacharbeit nach dem Speichern fehlgeschlagen: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * Run `work` in one database transaction. On SQLite, transactions queue one after another.
 * Services never call dataSource.transaction directly.
 */
export async function tx<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
  const ds = await db();
  const hooks: (() => void)[] = [];
  const tracked = async (m: EntityManager) => {
    afterCommit.set(m, hooks);
    const queued = new Map<EntityTarget<object>, object[]>();
    atCommit.set(m, queued);
    const result = await work(m);
    await insertQueued(m, queued);
    return result;
  };
  if (ds.options.type !== "sqlite") {
    const result = await ds.transaction(tracked);
    runHooks(hooks);
    return result;
  }
  // On SQLite the hooks run inside the gate, so they see commits in their order.
  const run = gate.then(() => sqliteImmediateTransaction(ds, tracked, hooks));
  gate = run.catch(() => undefined);
  return run;
}

/**
 * SQLite: BEGIN IMMEDIATE takes the write lock at the start (waiting up to the busy timeout),
 * so a transaction that reads before it writes cannot fail with SQLITE_BUSY when another
 * process (the CLI, a second server) wrote in between, as a deferred BEGIN would.
 * TypeORM is told the transaction is active so that save() inside does not open another one.
 */
async function sqliteImmediateTransaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>, hooks: (() => void)[]): Promise<T> {
  const qr = ds.createQueryRunner();
  const state = qr as unknown as { isTransactionActive: boolean; transactionDepth: number };
  await qr.connect();
  await qr.query("BEGIN IMMEDIATE");
  state.isTransactionActive = true;
  state.transactionDepth = 1;
  try {
    const result = await work(qr.manager);
    await qr.query("COMMIT");
    runHooks(hooks);
    return result;
  } catch (error) {
    await qr.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    state.isTransactionActive = false;
    state.transactionDepth = 0;
    await qr.release();
  }
}

/** Rows queued by insertAtCommit, per table in the order queued, per transaction of tx(). */
const atCommit = new WeakMap<EntityManager, Map<EntityTarget<object>, object[]>>();
/** Rows per INSERT statement (13 columns × 50 stays far below SQLite's limit of bound parameters). */
const ROWS_PER_INSERT = 50;

/**
 * Append-only rows that nothing reads back inside the transaction (audit entries, change-feed
 * events): queued and written just before the transaction of tx() commits, all rows of a table in
 * one statement (per 50), in the order they were queued. Outside tx() the row is written at once.
 * A failing insert fails the transaction like any other statement in it.
 */
export async function insertAtCommit<T extends object>(m: EntityManager, target: EntityTarget<T>, row: T): Promise<void> {
  const queued = atCommit.get(m);
  if (!queued) {
    await m.createQueryBuilder().insert().into(target).values(row as QueryDeepPartialEntity<T>).updateEntity(false).execute();
    return;
  }
  const rows = queued.get(target as EntityTarget<object>) ?? [];
  rows.push(row);
  queued.set(target as EntityTarget<object>, rows);
}

async function insertQueued(m: EntityManager, queued: Map<EntityTarget<object>, object[]>): Promise<void> {
  for (const [target, rows] of queued) {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await m.createQueryBuilder().insert().into(target).values(rows.slice(i, i + ROWS_PER_INSERT) as QueryDeepPartialEntity<object>[]).updateEntity(false).execute();
    }
  }
  queued.clear();
}

/**
 * Insert one complete row inside the caller's transaction without reading it back, and give it
 * its new id. TypeORM's save() and insert() select the row again on SQLite when a column has a
 * database default (one statement more inside the write gate per row); every column is set here.
 */
export async function insertRow<T extends { id: number }>(m: EntityManager, target: EntityTarget<T>, row: T): Promise<T> {
  const qb = m.createQueryBuilder().insert().into(target).values(row as QueryDeepPartialEntity<T>).updateEntity(false);
  if (m.connection.options.type === "postgres") qb.returning('"id"');
  const result = await qb.execute();
  const raw = result.raw as unknown;
  const id = Array.isArray(raw) ? (raw[0] as { id: unknown })?.id : raw;
  if (id === undefined || id === null) throw new Error("insertRow: keine neue ID erhalten");
  row.id = Number(id);
  return row;
}

/** Reads outside a transaction: committed data only; writes through it fail (use tx()). */
export async function em(): Promise<EntityManager> {
  return (await readSource()).manager;
}

/** A cheap query to tell whether the database answers (health check). */
export async function ping(): Promise<boolean> {
  try {
    const ds = await db();
    await ds.query("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a failed query broke a unique index: PostgreSQL's SQLSTATE 23505, SQLite's
 * SQLITE_CONSTRAINT "UNIQUE constraint failed" (TypeORM wraps both in a QueryFailedError whose
 * `driverError` carries the driver's error). Callers turn it into a conflict or a retry.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  if (!e || typeof e !== "object") return false;
  const code = e.driverError?.code ?? e.code;
  const message = String(e.driverError?.message ?? e.message ?? "");
  return code === "23505" || (code === "SQLITE_CONSTRAINT" && message.includes("UNIQUE constraint failed"));
}
