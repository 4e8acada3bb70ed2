import { describe, expect, it } from "vitest";
import { workSlots } from "~/lib/work-slots.server";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("work slots for heavy uploads", () => {
  it("runs at most `max` at once and the rest in arrival order", async () => {
    const slots = workSlots(2);
    const started: number[] = [];
    const finishers: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const jobs = Array.from({ length: 5 }, (_, i) =>
      slots.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => finishers.push(r));
        running--;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(slots.busy).toBe(2);
    expect(slots.waiting).toBe(3);
    // A newcomer while the slot is handed over does not overtake the ones waiting.
    finishers[0]();
    const late = slots.run(async () => {
      started.push(99);
      return 99;
    });
    await tick();
    expect(started).toEqual([0, 1, 2]);
    for (let i = 1; i < 10 && finishers.length > i; i++) {
      finishers[i]();
      await tick();
    }
    // Let every remaining job finish.
    while (started.length < 6) {
      finishers.forEach((f) => f());
      await tick();
    }
    finishers.forEach((f) => f());
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(await late).toBe(99);
    expect(started).toEqual([0, 1, 2, 3, 4, 99]);
    expect(most).toBe(2);
    expect(slots.busy).toBe(0);
    expect(slots.waiting).toBe(0);
  });

  it("frees the slot when the work fails", async () => {
    const slots = workSlots(1);
    await expect(slots.run(async () => Promise.reject(new Error("kaputt")))).rejects.toThrow("kaputt");
    expect(await slots.run(async () => "weiter")).toBe("weiter");
    expect(slots.busy).toBe(0);
  });
});
