import { sendDueMail } from "./mailer.server";

/** One pass over every background job. Each job is safe to run in several processes at once. */
export async function runDueJobs(): Promise<void> {
  await sendDueMail();
}
