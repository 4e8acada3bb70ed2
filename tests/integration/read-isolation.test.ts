import { beforeAll, describe, expect, it } from "vitest";
import sqlite3 from "sqlite3";
import { freshDatabase } from "../setup/db";
import { databaseKind, db, em, refreshPlannerStatistics, tx } from "~/lib/db.server";
import { BudgetLine } from "../../entities";

/**
 * Issue 13 point 1: reads outside a transaction never see uncommitted data, and a write outside
 * tx() cannot be swept into another request's rollback (ADR 0024). On SQLite `em()` is a separate
 * read-only connection to the WAL database; on PostgreSQL the pool gives each query its own
 * connection. Runs on both.
 */

const at = () => new Date().toISOString();
const count = async (number: string) => (await em()).getRepository(BudgetLine).countBy({ number });

/** A transaction that inserts `number`, lets `during` run while it is still open, then commits or throws. */
async function openTransaction(number: string, during: () => Promise<void>, outcome: "commit" | "rollback") {
  return tx(async (m) => {
    await m.getRepository(BudgetLine).insert({ number, title: "Offene Transaktion", active: true, createdAt: at() });
    // Inside, the transaction sees its own row …
    expect(await m.getRepository(BudgetLine).countBy({ number })).toBe(1);
    await during();
    if (outcome === "rollback") throw new Error("gewollter Abbruch");
  });
}

describe("reads outside a transaction see committed data only", () => {
  beforeAll(async () => {
    await freshDatabase({ budget: false });
  });

  it("a row of a transaction that is rolled back is never seen from outside, not even while it is open", async () => {
    const seen: number[] = [];
    const run = openTransaction(
      "9.9999.0001",
      async () => {
        seen.push(await count("9.9999.0001"));
        // And again after a pause, in case the outside read would only wait for the first statement.
        await new Promise((r) => setTimeout(r, 30));
        seen.push(await count("9.9999.0001"));
      },
      "rollback",
    );
    await expect(run).rejects.toThrow("gewollter Abbruch");
    seen.push(await count("9.9999.0001"));
    expect(seen).toEqual([0, 0, 0]);
  });

  it("a committed row is seen from outside only after the commit, and at once after it", async () => {
    let during = -1;
    await openTransaction(
      "9.9999.0002",
      async () => {
        during = await count("9.9999.0002");
      },
      "commit",
    );
    expect(during).toBe(0);
    expect(await count("9.9999.0002")).toBe(1);
  });

  it("outside reads are not held up by an open transaction (they do not wait for the write gate)", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside = false;
    const run = tx(async (m) => {
      await m.getRepository(BudgetLine).insert({ number: "9.9999.0003", title: "Wartet", active: true, createdAt: at() });
      inside = true;
      await held;
    });
    while (!inside) await new Promise((r) => setTimeout(r, 5));
    // The transaction is open and waits for us: a read that needed the gate would never return here.
    expect(await count("9.9999.0003")).toBe(0);
    release();
    await run;
    expect(await count("9.9999.0003")).toBe(1);
  });

  it("a write outside tx() is refused on SQLite, and on PostgreSQL it is not swept into another request's rollback", async () => {
    const outside = async () => (await em()).getRepository(BudgetLine).insert({ number: "9.9999.0005", title: "Außerhalb", active: true, createdAt: at() });
    let outsideResult: "written" | "refused" | null = null;
    await expect(
      openTransaction(
        "9.9999.0004",
        async () => {
          outsideResult = await outside().then(
            () => "written" as const,
            () => "refused" as const,
          );
        },
        "rollback",
      ),
    ).rejects.toThrow("gewollter Abbruch");
    expect(await count("9.9999.0004")).toBe(0);
    if (databaseKind() === "sqlite") {
      expect(outsideResult).toBe("refused");
      expect(await count("9.9999.0005")).toBe(0);
      await expect(outside()).rejects.toThrow(/readonly|read-only/i);
    } else {
      // Its own autocommit statement on its own pool connection: it stands although the other rolled back.
      expect(outsideResult).toBe("written");
      expect(await count("9.9999.0005")).toBe(1);
    }
  });
});

describe("the query planner's statistics (SQLite; PostgreSQL's autovacuum keeps its own)", () => {
  it("after refreshPlannerStatistics the read connection plans with the new statistics (written through the write gate)", async () => {
    if (databaseKind() !== "sqlite") return void (await refreshPlannerStatistics()); // a no-op there
    // y is the same in every row, x unique: only statistics tell the planner to use x's index.
    await tx(async (m) => {
      await m.query(`CREATE TABLE "stat_probe" ("x" integer, "y" integer)`);
      await m.query(`CREATE INDEX "ix_stat_probe_x" ON "stat_probe" ("x")`);
      await m.query(`CREATE INDEX "ix_stat_probe_y" ON "stat_probe" ("y")`);
      await m.query(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO "stat_probe" SELECT i, 1 FROM n`);
    });
    const plan = async () => ((await (await em()).query(`EXPLAIN QUERY PLAN SELECT * FROM "stat_probe" WHERE "x" = 5 AND "y" = 1`)) as { detail: string }[]).map((r) => r.detail).join(" ");
    expect(await plan()).toContain("ix_stat_probe_y"); // the read connection, without statistics
    await refreshPlannerStatistics();
    expect(await plan()).toContain("ix_stat_probe_x");
  });
});

describe("the SQLite driver (ADR 0029)", () => {
  it("runs without node-sqlite3's verbose tracing, and a driver error keeps its code and message", async () => {
    const ds = await db();
    if (ds.options.type !== "sqlite") return; // PostgreSQL: pg has no such mode
    await em(); // the read connection as well
    // verbose() replaces these methods on the prototypes, for every connection of the process.
    const proto = sqlite3.Database.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of ["prepare", "run", "all", "get", "exec"]) expect(proto[name].toString(), name).not.toContain("new Error()");
    const failed = await tx((m) => m.query(`INSERT INTO "no_such_table" VALUES (1)`)).then(
      () => null,
      (error: { driverError?: { code?: string; message?: string } }) => error,
    );
    expect(failed?.driverError?.code).toBe("SQLITE_ERROR");
    expect(failed?.driverError?.message).toMatch(/no such table: no_such_table/);
  });
});
