/**
 * Heavy uploads (offers: parse, PDF check, hash, seal, store) take tens of milliseconds of CPU
 * each. When two hundred arrive in the same second and all run at once, every one of them
 * finishes late (they share the processor in turns), the event loop answers nothing else
 * meanwhile (a staff page waited over a second), and all their bodies sit in memory together.
 * With a few slots they are worked off in arrival order instead: each waits with its body still
 * unread (TCP holds it back), the first are answered at once, and other requests get the
 * processor between two uploads. The arrival time that counts for a deadline is taken before
 * the wait (scripts/start.mjs), so waiting never makes an offer late.
 */
export interface WorkSlots {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Uploads being worked on / waiting (for tests and the benchmark). */
  readonly busy: number;
  readonly waiting: number;
}

export function workSlots(max: number): WorkSlots {
  let busy = 0;
  const queue: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (busy < max) busy++;
      // The slot is handed over directly on release (busy stays), so a newcomer cannot overtake.
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await work();
      } finally {
        const next = queue.shift();
        if (next) next();
        else busy--;
      }
    },
    get busy() {
      return busy;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/**
 * Offers of this process (API and portal). Three: while one offer's CPU work runs, the others
 * wait for the file store or the database's write gate; with two the processor idled 14 % of
 * the rush (profile), with three 200 offers took 7.8 s instead of 8.8–9.0 s (bench-offers).
 * More would only share the processor again.
 */
export const offerUploads = workSlots(3);
