import { nowIso, today } from "~/lib/clock.server";
import { sendDueMail } from "~/lib/mailer.server";

/**
 * One pass over every background job. Each job is idempotent and safe to run in several
 * processes at once (conditional updates claim the work).
 */
export async function runDueJobs(): Promise<void> {
  const { closeDueTenders } = await import("~/services/tenders.server");
  await closeDueTenders();
  await runPlacementDayOnce();
  await renderOwedDecisionLetters();
  await recoverRunsDaily();
  await financeDaily();
  await placeBillingDaily();
  await sendDueMail();
  await forgetIdempotencyKeysHourly();
  await refreshStatisticsHourly();
  await keepComparisonFresh();
}

/** Runs `work` at most once per clock hour in this process (the hour is remembered only after it succeeded). */
function hourly(work: () => Promise<void>): () => Promise<void> {
  let lastHour: string | null = null;
  return async () => {
    const hour = nowIso().slice(0, 13);
    if (hour === lastHour) return;
    await work();
    lastHour = hour;
  };
}

/** SQLite's planner statistics, for tables that grew much since they were last analysed (cheap when none did). */
const refreshStatisticsHourly = hourly(async () => {
  const { refreshPlannerStatistics } = await import("~/lib/db.server");
  await refreshPlannerStatistics();
});

/** The provider comparison's facts of the views used today, read afresh before a page needs them (SQLite only). */
async function keepComparisonFresh(): Promise<void> {
  const { keepComparisonFresh } = await import("~/services/outcome-comparison.server");
  await keepComparisonFresh();
}

/** Idempotency keys older than `api.idempotencyHours` are forgotten (one indexed delete an hour). */
const forgetIdempotencyKeysHourly = hourly(async () => {
  const { forgetExpiredIdempotencyKeys } = await import("~/services/idempotency.server");
  await forgetExpiredIdempotencyKeys();
});

/** Decision letters a stopped process left owed (the decision committed, its letter not yet stored). */
async function renderOwedDecisionLetters(): Promise<void> {
  const { renderMissingDecisionLetters } = await import("~/services/placement-claims.server");
  await renderMissingDecisionLetters();
}

let lastPlacementDay: string | null = null;

/**
 * The daily placement job (agreements and assignments expire, instalments move, reminders).
 * It is idempotent, so another process running it too changes nothing; remembering the day here
 * only saves the repeated queries within one process.
 */
async function runPlacementDayOnce(): Promise<void> {
  const { runPlacementDay } = await import("~/services/instalments.server");
  const day = today();
  if (day === lastPlacementDay) return;
  await runPlacementDay(day);
  lastPlacementDay = day;
}

let lastRunRecoveryDay: string | null = null;

/**
 * Payment runs stuck in "building" (a process stopped while writing the file) are abandoned once
 * a day as well as at start-up; runs younger than 30 minutes may still be built by another process.
 */
async function recoverRunsDaily(): Promise<void> {
  const day = today();
  if (day === lastRunRecoveryDay) return;
  const { recoverAbandonedRuns } = await import("~/services/payment-runs.server");
  await recoverAbandonedRuns({ olderThanMinutes: 30 });
  lastRunRecoveryDay = day;
}

let lastFinanceDay: string | null = null;

/**
 * Finance, once a day: commitments of orders that can no longer cost anything are released, and
 * payment orders whose PDF was not stored (the process stopped between signing and storing) get it.
 */
async function financeDaily(): Promise<void> {
  const day = today();
  if (day === lastFinanceDay) return;
  const { releaseEndedCommitments } = await import("~/services/budget.server");
  const { renderMissingPaymentOrders } = await import("~/services/payment-items.server");
  await releaseEndedCommitments(day);
  await renderMissingPaymentOrders();
  lastFinanceDay = day;
}

let lastPlaceBillingDay: string | null = null;

/**
 * Places, once a day (issue 11, point 8): bill proposals for the months that are over and for the
 * events that happened (idempotent: the unique bill key refuses a second row, also in another
 * process), and the release of commitments of places ended more than two months ago.
 */
async function placeBillingDaily(): Promise<void> {
  const day = today();
  if (day === lastPlaceBillingDay) return;
  const { placeBillingDaily: run } = await import("~/services/place-billing.server");
  await run(day);
  lastPlaceBillingDay = day;
}
