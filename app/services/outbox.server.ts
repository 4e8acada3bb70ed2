import { listOutbox, readEml, retryMail } from "~/lib/mailer.server";
import { tx } from "~/lib/db.server";
import { appendAudit } from "~/lib/audit.server";
import { actorOf, type CurrentUser } from "./auth.server";

/** The admin's view of the mail outbox. */
export async function outboxPage(status: string, page: number, q = "") {
  const pageSize = 50;
  const { rows, total } = await listOutbox({ status: status || undefined, q, page, pageSize });
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

export async function downloadEml(user: CurrentUser, id: number): Promise<Buffer | null> {
  const eml = await readEml(id);
  if (eml) {
    await tx((m) => appendAudit(m, actorOf(user), { action: "mail.download", summary: `E-Mail Nr. ${id} als .eml geöffnet`, entityType: "outbox_message", entityId: id }));
  }
  return eml;
}

export async function retryFailedMail(user: CurrentUser, id: number) {
  await tx((m) => retryMail(m, id, actorOf(user)));
}
