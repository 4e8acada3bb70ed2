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
  /** Statements each finished transaction ran between BEGIN and COMMIT/ROLLBACK (a measure that load does not distort). */
  readonly statements: number[];
  /** Whether a transaction is open right now (in this process, on this DataSource). */
  isOpen(): boolean;
  /** Sum of `holds`. */
  heldMs(): number;
  /** Forget the holds measured so far. */
  reset(): void;
  /** Remove the probe. */
  stop(): void;
  /** With `trace`: per query inside a transaction, its text (first 80 characters), its time and the time since the previous query ended. */
  readonly trace: { query: string; ms: number; gapMs: number }[];
}

const BEGIN = /^\s*(BEGIN|START TRANSACTION)\b/i;
const END = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

export async function installGateProbe(ds?: DataSource, options: { trace?: boolean } = {}): Promise<GateProbe> {
  const source = ds ?? (await db());
  const openSince = new Map<QueryRunner | undefined, number>();
  const counts = new Map<QueryRunner | undefined, number>();
  const holds: number[] = [];
  const statements: number[] = [];
  const trace: { query: string; ms: number; gapMs: number }[] = [];
  let lastEnd = 0;
  const subscriber = {
    afterQuery(event: { query: string; queryRunner: QueryRunner; success: boolean; executionTime?: number }) {
      const now = performance.now();
      if (options.trace && openSince.has(event.queryRunner)) trace.push({ query: event.query.replace(/\s+/g, " ").slice(0, 80), ms: event.executionTime ?? 0, gapMs: now - lastEnd - (event.executionTime ?? 0) });
      lastEnd = now;
      if (BEGIN.test(event.query)) {
        if (event.success) {
          openSince.set(event.queryRunner, performance.now());
          counts.set(event.queryRunner, 0);
        }
      } else if (END.test(event.query)) {
        const since = openSince.get(event.queryRunner);
        if (since !== undefined) {
          holds.push(performance.now() - since);
          statements.push(counts.get(event.queryRunner) ?? 0);
          openSince.delete(event.queryRunner);
        }
      } else if (openSince.has(event.queryRunner)) counts.set(event.queryRunner, (counts.get(event.queryRunner) ?? 0) + 1);
    },
  };
  source.subscribers.push(subscriber as never);
  return {
    holds,
    statements,
    trace,
    isOpen: () => openSince.size > 0,
    heldMs: () => holds.reduce((a, b) => a + b, 0),
    reset: () => {
      holds.splice(0);
      statements.splice(0);
      trace.splice(0);
    },
    stop: () => {
      const i = source.subscribers.indexOf(subscriber as never);
      if (i >= 0) source.subscribers.splice(i, 1);
    },
  };
}
