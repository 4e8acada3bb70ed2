import { sendDueMail } from "./mailer.server";

/**
 * One pass over every background job. Each job is idempotent and safe to run in several
 * processes at once (conditional updates claim the work).
 */
export async function runDueJobs(): Promise<void> {
  const { closeDueTenders } = await import("~/services/tenders.server");
  await closeDueTenders();
  await sendDueMail();
}
