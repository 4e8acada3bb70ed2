import { freshDatabase } from "../setup/db";
import { spawn } from "node:child_process";
import path from "node:path";
import { In, Not } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentItem, PaymentRun, PaymentRunItem, User } from "../../entities";
import { today } from "~/lib/clock.server";
import { closeDb } from "~/lib/db.server";
import { em } from "../setup/db";
import { seedDemoData } from "~/demo/demo-data.server";
import type { PersonUser } from "~/services/auth.server";
import { createRun, nextBankDay, recoverAbandonedRuns } from "~/services/payment-runs.server";
import { insertItems, itemRow } from "../support/payment-fixtures";

/**
 * Exactly once (issue 10 § 14): a process building a run is killed with SIGKILL after its first
 * transaction (run in "building", items in "in_run"); the restart's recovery abandons the
 * half-built run and returns the items; a new run then takes each item exactly once.
 * Works on SQLite (the same file) and PostgreSQL (the same DATABASE_URL).
 */

const ROOT = path.resolve(__dirname, "..", "..");
let finance: PersonUser;
let itemIds: number[];
let child: ReturnType<typeof spawn> | null = null;

beforeAll(async () => {
  await freshDatabase();
  await seedDemoData({ scale: 0.1 });
  const m = await em();
  await m.getRepository(PaymentItem).update({ status: "ordered" }, { status: "awaiting_order" });
  const u = await m.getRepository(User).findOneOrFail({ where: { email: "kasse@asz-kamenz.example" } });
  finance = { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
  const day = today();
  itemIds = (await insertItems(m, Array.from({ length: 25 }, () => itemRow({ dueOn: day })))).map((i) => i.id);
}, 180_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

/** Start the child and resolve with the run id once it reports phase 1 done. */
function buildInChild(): Promise<{ runId: number; proc: ReturnType<typeof spawn> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PAYMENT_RUN_PAUSE_AFTER_PHASE1: "1" };
  delete env.APP_TIME;
  // Node itself with tsx as its loader: ONE process, so SIGKILL really stops the build (the tsx
  // command would start the build as a child of its own and leave it running when killed).
  const proc = spawn(process.execPath, ["--import", "tsx", "tests/support/payment-run-child.ts", finance.email, today(), nextBankDay(today())], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`Kindprozess meldet sich nicht: ${out} ${err}`)), 50_000);
    proc.stdout!.on("data", (d) => {
      out += String(d);
      const hit = /PAYMENT_RUN_PHASE1_DONE (\d+)/.exec(out);
      if (hit) {
        clearTimeout(timer);
        resolve({ runId: Number(hit[1]), proc });
      }
    });
    proc.stderr!.on("data", (d) => (err += String(d)));
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Kindprozess beendet (${code}) ohne Meldung: ${out} ${err}`));
    });
  });
}

describe("a payment run killed in the middle", () => {
  it("leaves no half-built run and no item in two runs after restart; a new run takes the items exactly once", async () => {
    const { runId, proc } = await buildInChild();
    const exited = new Promise((resolve) => proc.on("exit", resolve));
    proc.kill("SIGKILL");
    await exited;

    // What the killed process left behind: the run in "building", its items "in_run".
    await closeDb();
    let m = await em();
    expect((await m.getRepository(PaymentRun).findOneByOrFail({ id: runId })).status).toBe("building");
    const held = await m.getRepository(PaymentItem).find({ where: { id: In(itemIds) } });
    expect(held.every((i) => i.status === "in_run" && i.paymentRunId === runId)).toBe(true);

    // Restart: recovery as bootstrap runs it.
    expect(await recoverAbandonedRuns()).toBe(1);
    expect(await recoverAbandonedRuns()).toBe(0);
    m = await em();
    expect(await m.getRepository(PaymentRun).count({ where: { status: "building" } })).toBe(0);
    expect((await m.getRepository(PaymentRun).findOneByOrFail({ id: runId })).status).toBe("cancelled");
    const back = await m.getRepository(PaymentItem).find({ where: { id: In(itemIds) } });
    expect(back.every((i) => i.status === "ordered" && i.paymentRunId === null)).toBe(true);

    // A new run takes them, each exactly once.
    const again = await createRun(finance, { dueUntil: today(), executionDate: nextBankDay(today()) });
    expect(again.run.itemCount).toBe(itemIds.length);
    const links = await m.getRepository(PaymentRunItem).find({ where: { paymentItemId: In(itemIds) } });
    const live = new Set((await m.getRepository(PaymentRun).find({ where: { status: Not("cancelled") } })).map((r) => r.id));
    const perItem = new Map<number, number>();
    for (const l of links.filter((l) => live.has(l.paymentRunId))) perItem.set(l.paymentItemId, (perItem.get(l.paymentItemId) ?? 0) + 1);
    expect(perItem.size).toBe(itemIds.length);
    expect([...perItem.values()].every((n) => n === 1)).toBe(true);
    const final = await m.getRepository(PaymentItem).find({ where: { id: In(itemIds) } });
    expect(final.every((i) => i.status === "in_run" && i.paymentRunId === again.run.id)).toBe(true);
    expect(await m.getRepository(PaymentRun).count({ where: { status: "building" } })).toBe(0);
  }, 90_000);
});
