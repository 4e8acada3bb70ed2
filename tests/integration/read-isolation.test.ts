import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { databaseKind, em, refreshPlannerStatistics, tx } from "~/lib/db.server";
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
  it("refreshPlannerStatistics analyses a table that grew, through the write gate (the read connection cannot write)", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ number: `7.${String(i).padStart(4, "0")}.0000`, title: "Statistik", active: true, createdAt: at() }));
    await tx(async (m) => {
      for (let i = 0; i < rows.length; i += 500) await m.getRepository(BudgetLine).insert(rows.slice(i, i + 500));
    });
    await refreshPlannerStatistics();
    if (databaseKind() !== "sqlite") return;
    const stats: { idx: string | null; stat: string }[] = await (await em()).query(`SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'budget_lines'`);
    expect(stats.length).toBeGreaterThan(0);
    // The first number of a row is the table's size as the planner now believes it.
    expect(Math.max(...stats.map((s) => Number(s.stat.split(" ")[0])))).toBeGreaterThanOrEqual(3000);
  });
});
