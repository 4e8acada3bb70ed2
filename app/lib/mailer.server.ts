import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import type { EntityManager } from "typeorm";
import { Document, OutboxMessage } from "../../entities";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { appendAudit, SYSTEM, type Actor } from "./audit.server";
import { now, nowIso } from "./clock.server";
import { config } from "./config.server";
import { em as readManager, insertRow, tx } from "./db.server";
import { getSettings } from "./settings.server";

/**
 * Transactional mail outbox and its sender job (DESIGN.md § 7).
 *
 * - `enqueueMail` writes a pending row in the caller's transaction: the mail exists iff the
 *   change that causes it commits.
 * - `sendDueMail` claims due rows one at a time with a conditional UPDATE (safe with several
 *   processes against PostgreSQL), sends them, and records the outcome. Delivery is
 *   at-least-once: a process that dies after the SMTP server accepted a message but before the
 *   row was marked sent leaves the claim to expire, and the message goes out again with the same
 *   Message-ID (receivers can deduplicate on it).
 * - Without SMTP_URL, messages are written as .eml files to `<DATA_DIR>/mail/`.
 *
 * `attempts` counts delivery attempts made, the successful one included.
 */

export type OutboxStatus = "pending" | "sent" | "failed";
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ["pending", "sent", "failed"];

export interface MailInput {
  to: string | string[];
  subject: string;
  text: string;
  attachmentDocumentId?: number | null;
}

export interface SendDueMailResult {
  sent: number;
  failed: number;
  retried: number;
}

/** How long a claim holds; longer than the worst-case send with the timeouts below. */
const CLAIM_MS = 10 * 60 * 1000;
const BACKOFF_BASE_MS = 30 * 1000;
const BACKOFF_MAX_MS = 60 * 60 * 1000;
const DEFAULT_BATCH = 50;
const FALLBACK_DOMAIN = "jobcenter.invalid";

const EMAIL_PATTERN = /[^\s<>"',;:()[\]]+@[^\s<>"',;:()[\]]+/g;

// ---------------------------------------------------------------------------------------------
// Enqueue

/** The domain part of MAIL_FROM, for Message-IDs. */
export function mailDomain(from: string = config().mailFrom): string {
  const match = /@([A-Za-z0-9.-]+)\s*>?\s*$/.exec(from.trim());
  return match ? match[1].toLowerCase() : FALLBACK_DOMAIN;
}

function newMessageId(): string {
  return `<outbox-${crypto.randomBytes(12).toString("hex")}@${mailDomain()}>`;
}

function normaliseRecipients(to: string | string[]): string {
  const list = (Array.isArray(to) ? to : [to]).map((r) => r.trim()).filter((r) => r.length > 0);
  if (list.length === 0) throw new ValidationError("Die E-Mail hat keinen Empfänger.");
  for (const r of list) {
    if (/[\r\n]/.test(r) || !r.includes("@")) throw new ValidationError("Eine Empfängeradresse ist ungültig.");
  }
  const joined = list.join(", ");
  if (joined.length > 1000) throw new ValidationError("Die Empfängerliste ist zu lang.");
  return joined;
}

/**
 * Put a mail into the outbox inside the caller's transaction (`tx(async (em) => …)`).
 * It is sent by the next run of `sendDueMail` after the transaction commits.
 */
export async function enqueueMail(em: EntityManager, mail: MailInput): Promise<OutboxMessage> {
  const recipients = normaliseRecipients(mail.to);
  const subject = mail.subject.replace(/[\r\n]+/g, " ").trim();
  if (!subject) throw new ValidationError("Die E-Mail hat keinen Betreff.");
  if (subject.length > 300) throw new ValidationError("Der Betreff der E-Mail ist zu lang.");
  const at = nowIso();
  const repo = em.getRepository(OutboxMessage);
  const row = repo.create({
    recipients,
    subject,
    body: mail.text,
    attachmentDocumentId: mail.attachmentDocumentId ?? null,
    status: "pending",
    attempts: 0,
    nextAttemptAt: at,
    lockedUntil: null,
    messageId: newMessageId(),
    createdAt: at,
    sentAt: null,
    lastError: "",
    emlPath: null,
  });
  return insertRow(em, OutboxMessage, row);
}

// ---------------------------------------------------------------------------------------------
// Transport

const smtpTransports = new Map<string, Transporter>();
let fileTransport: Transporter | null = null;

function smtpTransport(url: string): Transporter {
  let t = smtpTransports.get(url);
  if (!t) {
    t = nodemailer.createTransport({
      url,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    smtpTransports.set(url, t);
  }
  return t;
}

function emlTransport(): Transporter {
  if (!fileTransport) {
    fileTransport = nodemailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: "windows",
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }
  return fileTransport;
}

/** Close cached SMTP connections (shutdown, tests). */
export function closeMailTransports() {
  for (const t of smtpTransports.values()) t.close();
  smtpTransports.clear();
  fileTransport?.close();
  fileTransport = null;
}

/** The directory of .eml files. */
export function mailDir(): string {
  return path.join(config().dataDir, "mail");
}

/** The message as nodemailer options; loads the attachment if there is one. */
async function composeOptions(row: OutboxMessage, date: Date): Promise<SendMailOptions> {
  const options: SendMailOptions = {
    from: config().mailFrom,
    to: row.recipients,
    subject: row.subject,
    text: row.body,
    messageId: row.messageId,
    date,
  };
  if (row.attachmentDocumentId !== null && row.attachmentDocumentId !== undefined) {
    const manager = await readManager();
    const doc = await manager.getRepository(Document).findOneBy({ id: row.attachmentDocumentId });
    if (!doc) throw new Error("Anhang nicht gefunden (Dokument fehlt)");
    // Loaded on demand, so the mailer does not depend on the file store unless a mail has an attachment.
    const files = await import("./files.server");
    const bytes = await files.readBytes(doc.sha256);
    options.attachments = [{ filename: doc.filename, content: Buffer.from(bytes), contentType: doc.contentType }];
  }
  return options;
}

/** The raw RFC 5322 message (CRLF line endings). */
async function renderRaw(row: OutboxMessage, date: Date): Promise<Buffer> {
  const info = await emlTransport().sendMail(await composeOptions(row, date));
  const message: unknown = (info as { message?: unknown }).message;
  if (!Buffer.isBuffer(message)) throw new Error("Nachricht konnte nicht erzeugt werden");
  return message;
}

function compactDate(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, "");
}

/** Deliver one claimed message. Returns the .eml path (relative to DATA_DIR) when written to a file. */
async function deliver(row: OutboxMessage): Promise<string | null> {
  const smtpUrl = config().smtpUrl;
  const date = now();
  if (smtpUrl) {
    await smtpTransport(smtpUrl).sendMail(await composeOptions(row, date));
    return null;
  }
  const raw = await renderRaw(row, date);
  const dir = mailDir();
  fs.mkdirSync(dir, { recursive: true });
  const name = `${row.id}-${compactDate(date.toISOString())}.eml`;
  const target = path.join(dir, name);
  const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  await fs.promises.writeFile(temp, raw, { mode: 0o640 });
  await fs.promises.rename(temp, target);
  return path.posix.join("mail", name);
}

// ---------------------------------------------------------------------------------------------
// Sender job

/** 30 s × 2^(attempts−1), at most one hour. */
export function backoffMs(attempts: number): number {
  const exp = Math.max(0, attempts - 1);
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(exp, 30));
}

/** A short, impersonal description of a send error: codes and the server reply, addresses removed. */
export function describeMailError(error: unknown): string {
  if (!(error instanceof Error)) return "Unbekannter Fehler";
  const e = error as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
  const tags = [e.code, e.responseCode, e.command].filter((v) => typeof v === "string" || typeof v === "number").map(String);
  const text = e.message.replace(EMAIL_PATTERN, "<Adresse>").replace(/\s+/g, " ").trim();
  return `${tags.length ? `[${tags.join(" ")}] ` : ""}${text}`.slice(0, 300);
}

function plusMs(base: Date, ms: number): string {
  return new Date(base.getTime() + ms).toISOString();
}

/** Claim one message for this process; null if it is not due or someone else holds it. */
async function claim(id: number): Promise<{ row: OutboxMessage; token: string } | null> {
  return tx(async (m) => {
    const at = now();
    const nowText = at.toISOString();
    const token = plusMs(at, CLAIM_MS);
    const result = await m
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ lockedUntil: token })
      .where("id = :id", { id })
      .andWhere("status = :pending", { pending: "pending" })
      .andWhere("nextAttemptAt <= :now", { now: nowText })
      .andWhere("(lockedUntil IS NULL OR lockedUntil < :now)", { now: nowText })
      .execute();
    if (result.affected !== 1) return null;
    const row = await m.getRepository(OutboxMessage).findOneBy({ id });
    return row ? { row, token } : null;
  });
}

async function dueIds(limit: number): Promise<number[]> {
  const nowText = nowIso();
  const rows = await (await readManager())
    .getRepository(OutboxMessage)
    .createQueryBuilder("o")
    .select(["o.id"])
    .where("o.status = :pending", { pending: "pending" })
    .andWhere("o.nextAttemptAt <= :now", { now: nowText })
    .andWhere("(o.lockedUntil IS NULL OR o.lockedUntil < :now)", { now: nowText })
    .orderBy("o.nextAttemptAt", "ASC")
    .addOrderBy("o.id", "ASC")
    .limit(limit)
    .getMany();
  return rows.map((r) => r.id);
}

/**
 * Send the messages that are due. Safe to run in several processes at once: each message is
 * claimed with a conditional UPDATE before it is sent.
 */
export async function sendDueMail(options: { limit?: number } = {}): Promise<SendDueMailResult> {
  const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_BATCH));
  const result: SendDueMailResult = { sent: 0, failed: 0, retried: 0 };
  const ids = await dueIds(limit);
  if (ids.length === 0) return result;
  const maxAttempts = Math.max(1, Number((await getSettings())["mail.maxAttempts"]) || 1);

  for (const id of ids) {
    const claimed = await claim(id);
    if (!claimed) continue;
    const { row, token } = claimed;
    const attempts = row.attempts + 1;
    let emlPath: string | null = null;
    let failure: unknown = null;
    try {
      emlPath = await deliver(row);
    } catch (error) {
      failure = error ?? new Error("Unbekannter Fehler");
    }

    if (failure === null) {
      // The message has left: record it even if our claim ran out meanwhile.
      await tx((m) =>
        m.getRepository(OutboxMessage).update(
          { id },
          { status: "sent", sentAt: nowIso(), lockedUntil: null, attempts, lastError: "", emlPath: emlPath ?? row.emlPath },
        ),
      );
      result.sent++;
      continue;
    }

    const lastError = describeMailError(failure);
    const final = attempts >= maxAttempts;
    const outcome = await tx(async (m) => {
      const at = now();
      const update = await m
        .createQueryBuilder()
        .update(OutboxMessage)
        .set(
          final
            ? { status: "failed", attempts, lastError, lockedUntil: null }
            : { attempts, lastError, lockedUntil: null, nextAttemptAt: plusMs(at, backoffMs(attempts)) },
        )
        .where("id = :id", { id })
        .andWhere("lockedUntil = :token", { token })
        .execute();
      if (update.affected !== 1) return "lost" as const;
      if (final) {
        await appendAudit(m, SYSTEM, {
          action: "mail.failed",
          summary: `E-Mail Nr. ${id} konnte nach ${attempts} Versuchen nicht zugestellt werden.`,
          entityType: "outbox_message",
          entityId: id,
          details: { attempts, lastError },
        });
      }
      return final ? ("failed" as const) : ("retried" as const);
    });
    if (outcome === "failed") {
      result.failed++;
      console.warn(`E-Mail Nr. ${id} endgültig nicht zugestellt (${attempts} Versuche)`);
    } else if (outcome === "retried") {
      result.retried++;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Admin

/** Outbox rows, newest first. */
export async function listOutbox(params: { status?: string; q?: string; page: number; pageSize: number }): Promise<{ rows: OutboxMessage[]; total: number }> {
  const page = Math.max(1, Math.floor(Number(params.page)) || 1);
  const pageSize = Math.min(200, Math.max(1, Math.floor(Number(params.pageSize)) || 25));
  const status = params.status && params.status.length > 0 ? params.status : undefined;
  const qb = (await readManager()).getRepository(OutboxMessage).createQueryBuilder("o");
  if (status) qb.andWhere("o.status = :status", { status });
  // Search in subject and recipients (case-insensitive).
  if (params.q?.trim()) qb.andWhere("(LOWER(o.subject) LIKE :q OR LOWER(o.recipients) LIKE :q)", { q: `%${params.q.trim().toLowerCase()}%` });
  const [rows, total] = await qb.orderBy("o.createdAt", "DESC").addOrderBy("o.id", "DESC").skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
  return { rows, total };
}

/** The stored path of an .eml file, resolved inside the mail directory (null if it points elsewhere). */
function resolveEml(stored: string): string | null {
  const dir = path.resolve(mailDir());
  const file = path.resolve(config().dataDir, stored);
  return file.startsWith(dir + path.sep) ? file : null;
}

/**
 * The raw message for the admin page: the .eml file if one was written, otherwise the message
 * rebuilt from the row (same headers and Message-ID; MIME boundaries differ from what was sent).
 * Null if there is no such message.
 */
export async function readEml(id: number): Promise<Buffer | null> {
  const row = await (await readManager()).getRepository(OutboxMessage).findOneBy({ id });
  if (!row) return null;
  if (row.emlPath) {
    const file = resolveEml(row.emlPath);
    if (file) {
      try {
        return await fs.promises.readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }
  return renderRaw(row, new Date(row.sentAt ?? row.createdAt));
}

/**
 * Put a failed message back into the queue (admin). Attempts start again from zero.
 * With an actor, the retry is recorded in the audit log.
 */
export async function retryMail(em: EntityManager, id: number, actor?: Actor): Promise<OutboxMessage> {
  const repo = em.getRepository(OutboxMessage);
  const row = await repo.findOneBy({ id });
  if (!row) throw new NotFoundError("Die E-Mail wurde nicht gefunden.");
  if (row.status !== "failed") throw new ConflictError("Nur fehlgeschlagene E-Mails können erneut versendet werden.");
  const update = await em
    .createQueryBuilder()
    .update(OutboxMessage)
    .set({ status: "pending", attempts: 0, nextAttemptAt: nowIso(), lockedUntil: null })
    .where("id = :id", { id })
    .andWhere("status = :failed", { failed: "failed" })
    .execute();
  if (update.affected !== 1) throw new ConflictError("Die E-Mail wurde inzwischen geändert.");
  if (actor) {
    await appendAudit(em, actor, {
      action: "mail.retried",
      summary: `E-Mail Nr. ${id} erneut in die Warteschlange gestellt.`,
      entityType: "outbox_message",
      entityId: id,
    });
  }
  return (await repo.findOneBy({ id }))!;
}
