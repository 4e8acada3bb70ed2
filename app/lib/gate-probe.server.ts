import type { DataSource, QueryRunner } from "typeorm";
import { db } from "./db.server";

/**
 * Measuring the write gate (issue 13 point 2) without touching tx(): a TypeORM subscriber that
 * sees every query's end and notes, per query runner, when a transaction's BEGIN has been
 * granted and when its COMMIT or ROLLBACK has finished. The time between the two is the time the
 * transaction held the write lock (on SQLite: the process-wide gate and the file's write lock;
 * waiting in the gate's queue is not counted). For the benchmark and for tests that check that no
 * CPU work (PDF rendering) happens while a transaction is open; the app never installs it.
 */
export interface GateProbe {
  /** Milliseconds each finished transaction held the gate, in order of their end. */
  readonly holds: number[];
  /** Whether a transaction is open right now (in this process, on this DataSource). */
  isOpen(): boolean;
  /** Sum of `holds`. */
  heldMs(): number;
  /** Forget the holds measured so far. */
  reset(): void;
  /** Remove the probe. */
  stop(): void;
}

const BEGIN = /^\s*(BEGIN|START TRANSACTION)\b/i;
const END = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

export async function installGateProbe(ds?: DataSource): Promise<GateProbe> {
  const source = ds ?? (await db());
  const openSince = new Map<QueryRunner | undefined, number>();
  const holds: number[] = [];
  const subscriber = {
    afterQuery(event: { query: string; queryRunner: QueryRunner; success: boolean }) {
      if (BEGIN.test(event.query)) {
        if (event.success) openSince.set(event.queryRunner, performance.now());
      } else if (END.test(event.query)) {
        const since = openSince.get(event.queryRunner);
        if (since !== undefined) {
          holds.push(performance.now() - since);
          openSince.delete(event.queryRunner);
        }
      }
    },
  };
  source.subscribers.push(subscriber as never);
  return {
    holds,
    isOpen: () => openSince.size > 0,
    heldMs: () => holds.reduce((a, b) => a + b, 0),
    reset: () => void holds.splice(0),
    stop: () => {
      const i = source.subscribers.indexOf(subscriber as never);
      if (i >= 0) source.subscribers.splice(i, 1);
    },
  };
}
