/**
 * The demo cash office's payment runs: twice a month, on the 10th and the 25th (a weekend moves
 * the run to the Monday after). Paid demo items are paid on a run day, so each is in a run whose
 * execution date is its payment day.
 */
import { addDays, addMonths } from "~/domain/time";

function weekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

function workingDay(date: string): string {
  const d = weekday(date);
  return d === 6 ? addDays(date, 2) : d === 0 ? addDays(date, 1) : date;
}

/** The first run day on or after `date`. */
export function demoRunDay(date: string): string {
  const month = `${date.slice(0, 7)}-01`;
  for (const m of [month, addMonths(month, 1)]) {
    for (const day of ["10", "25"]) {
      const run = workingDay(`${m.slice(0, 7)}-${day}`);
      if (run >= date) return run;
    }
  }
  throw new Error("unreachable");
}
