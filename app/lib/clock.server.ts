import { berlinDate } from "~/domain/time";
import { config } from "./config.server";

/**
 * The one clock of the application. Nothing else reads Date.now().
 *
 * Outside production, APP_TIME (ISO 8601 with offset) starts the clock at that instant and it
 * runs on from there, so demos and tests can exercise deadlines.
 */
let offsetMs: number | null = null;

function offset(): number {
  if (offsetMs !== null) return offsetMs;
  const cfg = config();
  offsetMs = 0;
  if (cfg.appTime && !cfg.production) {
    const start = Date.parse(cfg.appTime);
    if (Number.isNaN(start)) throw new Error(`APP_TIME ist kein gültiger Zeitpunkt: ${cfg.appTime}`);
    offsetMs = start - Date.now();
  }
  return offsetMs;
}

export function now(): Date {
  return new Date(Date.now() + offset());
}

/** ISO 8601 UTC, the storage form of every instant. */
export function nowIso(): string {
  return now().toISOString();
}

/** Tests only: set the clock to an instant (it runs on from there). */
/** Today's date in Berlin (YYYY-MM-DD) on the application clock. */
export function today(): string {
  return berlinDate(now());
}

export function setClock(instant: string | Date) {
  if (config().production) throw new Error("setClock ist in Produktion nicht erlaubt");
  offsetMs = new Date(instant).getTime() - Date.now();
}

export function resetClock() {
  offsetMs = null;
}

/**
 * Demo data only: run `work` with the clock starting at `instant` (it runs on from there), then
 * put the clock back. The demo procedures are run through the real services at their simulated
 * dates, so their audit trail tells a consistent story. Allowed in production because the demo
 * data set is seeded at the first start, before the server accepts requests; never call it
 * while requests are served.
 */
export async function atSimulatedTime<T>(instant: string, work: () => Promise<T>): Promise<T> {
  const start = Date.parse(instant);
  if (Number.isNaN(start)) throw new Error(`Kein gültiger Zeitpunkt: ${instant}`);
  const saved = offsetMs;
  offsetMs = start - Date.now();
  try {
    return await work();
  } finally {
    offsetMs = saved;
  }
}
