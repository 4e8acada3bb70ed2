/**
 * Mail bodies from `templates/mail-*.md`, with the same {{placeholders}} as the letters
 * (pdf.server.ts `substitute`: a missing value throws, null prints "–"). The first line is
 * `Betreff: …`, then a blank line, then the plain text body.
 */
import type { EntityManager } from "typeorm";
import { enqueueMail } from "./mailer.server";
import { loadTemplate, substitute, type TemplateData } from "./pdf.server";

export interface RenderedMail {
  subject: string;
  text: string;
}

const SUBJECT = /^Betreff:[ \t]*(.*)\r?\n\r?\n/;

/** Fill a mail template's text (pure; for tests and renderMail). */
export function fillMail(template: string, text: string, data: TemplateData): RenderedMail {
  const head = SUBJECT.exec(text);
  if (!head) throw new Error(`Mailvorlage „${template}“: die erste Zeile muss „Betreff: …“ sein, gefolgt von einer Leerzeile`);
  const subject = substitute(head[1], data).replace(/\s+/g, " ").trim().slice(0, 300);
  const body = substitute(text.slice(head[0].length), data).replace(/\s+$/, "");
  return { subject, text: body };
}

/** Render `templates/<template>.md` as a mail. */
export async function renderMail(template: string, data: TemplateData): Promise<RenderedMail> {
  return fillMail(template, await loadTemplate(template), data);
}

/** Render a mail template and put the mail into the outbox in the caller's transaction. */
export async function enqueueTemplateMail(m: EntityManager, input: { to: string | string[]; template: string; data: TemplateData; attachmentDocumentId?: number | null }) {
  const mail = await renderMail(input.template, input.data);
  return enqueueMail(m, { to: input.to, ...mail, attachmentDocumentId: input.attachmentDocumentId ?? null });
}
