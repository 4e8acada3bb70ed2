import { freshDatabase } from "../setup/db";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AuditEvent, Document, OutboxMessage, Setting } from "../../entities";
import { verifyAuditChain } from "~/lib/audit.server";
import { now, nowIso, resetClock, setClock } from "~/lib/clock.server";
import { config, resetConfigCache } from "~/lib/config.server";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";
import { closeMailTransports, enqueueMail, listOutbox, readEml, retryMail, sendDueMail } from "~/lib/mailer.server";

// The file store is written by another module; the mailer loads it only for attachments.
const ATTACHMENT_BYTES = Buffer.from("%PDF-1.4\n% Testanhang äöü\n", "utf8");
vi.mock("~/lib/files.server", () => ({
  readBytes: async (sha256: string) => {
    if (sha256 !== "a".repeat(64)) throw new Error("unbekannte Datei");
    return ATTACHMENT_BYTES;
  },
}));

beforeAll(async () => {
  await freshDatabase();
});

// ---------------------------------------------------------------------------------------------
// Helpers: a small RFC 5322 / MIME reader, so assertions check decoded text, not raw bytes.

function splitMessage(raw: Buffer): { headers: Map<string, string[]>; body: string } {
  const text = raw.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  expect(end, "header/body separator with CRLF").toBeGreaterThan(0);
  const headers = new Map<string, string[]>();
  const unfolded = text.slice(0, end).replace(/\r\n[ \t]+/g, " ");
  for (const line of unfolded.split("\r\n")) {
    const i = line.indexOf(":");
    const name = line.slice(0, i).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return { headers, body: text.slice(end + 4) };
}

function header(raw: Buffer, name: string): string | undefined {
  return splitMessage(raw).headers.get(name.toLowerCase())?.[0];
}

function decodeQ(data: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === "_") bytes.push(0x20);
    else if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(data.slice(i + 1, i + 3))) {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

/** RFC 2047: decode encoded words (whitespace between adjacent encoded words is dropped). */
function decodeHeader(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  const joined = value.replace(/(\?=)\s+(=\?)/g, "$1$2");
  const bytes: Buffer[] = [];
  let last = 0;
  for (const m of joined.matchAll(word)) {
    bytes.push(Buffer.from(joined.slice(last, m.index), "latin1"));
    expect(m[1].toLowerCase()).toBe("utf-8");
    bytes.push(m[2].toUpperCase() === "B" ? Buffer.from(m[3], "base64") : decodeQ(m[3]));
    last = m.index! + m[0].length;
  }
  bytes.push(Buffer.from(joined.slice(last), "latin1"));
  return Buffer.concat(bytes).toString("utf8");
}

function decodeQuotedPrintable(body: string): Buffer {
  return decodeQ(body.replace(/=\r\n/g, "").replace(/_/g, "=5F"));
}

/** The decoded text of a single-part text/plain message, or of the text/plain part of a multipart one. */
function textOf(raw: Buffer): string {
  let { headers, body } = splitMessage(raw);
  const type = headers.get("content-type")?.[0] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (boundary) {
    const parts = body.split(`--${boundary}`).slice(1, -1);
    const textPart = parts.find((p) => /content-type:\s*text\/plain/i.test(p));
    expect(textPart).toBeDefined();
    ({ headers, body } = splitMessage(Buffer.from(textPart!.replace(/^\r\n/, ""), "latin1")));
  }
  const cte = (headers.get("content-transfer-encoding")?.[0] ?? "7bit").toLowerCase();
  const charset = /charset="?([^";]+)"?/i.exec(headers.get("content-type")?.[0] ?? "")?.[1]?.toLowerCase() ?? "us-ascii";
  expect(["utf-8", "us-ascii"]).toContain(charset);
  const bytes =
    cte === "quoted-printable"
      ? decodeQuotedPrintable(body)
      : cte === "base64"
        ? Buffer.from(body.replace(/\s+/g, ""), "base64")
        : Buffer.from(body, "latin1");
  return bytes.toString("utf8").replace(/\r\n/g, "\n").replace(/\n$/, "");
}

// A real SMTP peer. `mode.accept === false` answers RCPT TO with 451 (a temporary failure).
interface Received {
  messageId: string | undefined;
  rcptTo: string[];
  raw: Buffer;
}
interface TestSmtp {
  server: SMTPServer;
  port: number;
  received: Received[];
  mode: { accept: boolean };
  listen(): Promise<void>;
  close(): Promise<void>;
}

const servers: TestSmtp[] = [];

/** A port nobody listens on yet (for "server down" with connection refused). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function createSmtp(port: number, accept: boolean): Promise<TestSmtp> {
  const received: Received[] = [];
  const mode = { accept };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!mode.accept) {
        // Echo the address, as real servers do, so the test sees that lastError strips it.
        const error = Object.assign(new Error(`4.2.0 <${address.address}>: Postfach voruebergehend nicht erreichbar`), { responseCode: 451 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        received.push({ messageId: header(raw, "Message-ID"), rcptTo: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  let listening = false;
  const smtp: TestSmtp = {
    server,
    port,
    received,
    mode,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
      });
      listening = true;
    },
    async close() {
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      listening = false;
    },
  };
  servers.push(smtp);
  return smtp;
}

function useSmtp(port: number) {
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  resetConfigCache();
}

function useFiles() {
  delete process.env.SMTP_URL;
  resetConfigCache();
}

async function row(id: number): Promise<OutboxMessage> {
  return (await em()).getRepository(OutboxMessage).findOneByOrFail({ id });
}

function later(ms: number) {
  setClock(new Date(now().getTime() + ms));
}

afterAll(async () => {
  for (const s of servers) await s.close();
  closeMailTransports();
  useFiles();
  resetClock();
});

// ---------------------------------------------------------------------------------------------

describe("mail outbox", () => {
  it("writes an .eml file without SMTP_URL, with the German subject and body decoded correctly", async () => {
    useFiles();
    setClock("2026-03-02T08:00:00.000Z");
    const subject = "Bestätigung: Angebot für „Qualifizierung Süd“ eingegangen – Größe ÄÖÜß";
    const text = "Sehr geehrte Damen und Herren,\n\nIhr Angebot ist fristgerecht eingegangen. Grüße aus Kamenz – äöü ÄÖÜ ß €.";
    const created = await tx((m) => enqueueMail(m, { to: ["traeger@beispiel.invalid", "vergabe@beispiel.invalid"], subject, text }));
    expect(created.status).toBe("pending");
    expect(created.messageId).toMatch(/^<outbox-[0-9a-f]{24}@jobcenter\.invalid>$/);

    const result = await sendDueMail();
    expect(result).toEqual({ sent: 1, failed: 0, retried: 0 });

    const sent = await row(created.id);
    expect(sent.status).toBe("sent");
    expect(sent.attempts).toBe(1);
    expect(sent.sentAt).toMatch(/^2026-03-02T08:00/);
    expect(sent.lockedUntil).toBeNull();
    expect(sent.emlPath).toBe(`mail/${created.id}-20260302.eml`);

    const file = path.join(config().dataDir, sent.emlPath!);
    expect(fs.existsSync(file)).toBe(true);
    const raw = fs.readFileSync(file);
    // Header lines are 7-bit (umlauts encoded per RFC 2047), lines end in CRLF.
    const headerText = raw.toString("latin1").split("\r\n\r\n")[0];
    expect(/[^\x00-\x7f]/.test(headerText)).toBe(false);
    expect(raw.toString("latin1").replace(/\r\n/g, "")).not.toMatch(/\n/);
    expect(decodeHeader(header(raw, "Subject")!)).toBe(subject);
    expect(header(raw, "Message-ID")).toBe(created.messageId);
    expect(decodeHeader(header(raw, "From")!)).toBe("Vergabe und Trägerverwaltung <noreply@jobcenter.invalid>");
    expect(header(raw, "To")).toBe("traeger@beispiel.invalid, vergabe@beispiel.invalid");
    expect(textOf(raw)).toBe(text);

    // A second run sends nothing more.
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });

    // The admin page reads the file back; the list shows it.
    expect((await readEml(created.id))!.equals(raw)).toBe(true);
    expect(await readEml(999_999)).toBeNull();
    const listed = await listOutbox({ status: "sent", page: 1, pageSize: 10 });
    expect(listed.rows.map((r) => r.id)).toContain(created.id);
    expect((await listOutbox({ status: "failed", page: 1, pageSize: 10 })).total).toBe(0);
  });

  it("attaches a stored document", async () => {
    useFiles();
    const doc = await tx((m) =>
      m.getRepository(Document).save(
        m.getRepository(Document).create({
          origin: "generated",
          title: "Zuschlag",
          filename: "Zuschlag-V-2026-001.pdf",
          contentType: "application/pdf",
          size: ATTACHMENT_BYTES.length,
          sha256: "a".repeat(64),
          template: null,
          entityType: "",
          entityId: "",
          providerId: null,
          createdAt: nowIso(),
          createdById: null,
        }),
      ),
    );
    const created = await tx((m) =>
      enqueueMail(m, { to: "traeger@beispiel.invalid", subject: "Zuschlag", text: "Anbei der Bescheid.", attachmentDocumentId: doc.id }),
    );
    expect(await sendDueMail()).toEqual({ sent: 1, failed: 0, retried: 0 });
    const raw = (await readEml(created.id))!;
    expect(header(raw, "Content-Type")).toMatch(/^multipart\/mixed/);
    expect(textOf(raw)).toBe("Anbei der Bescheid.");
    const { body } = splitMessage(raw);
    expect(body).toMatch(/Content-Disposition: attachment; filename="?Zuschlag-V-2026-001\.pdf"?/);
    const b64 = /Content-Type: application\/pdf[^]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(body)?.[1];
    expect(Buffer.from(b64!.replace(/\s+/g, ""), "base64").equals(ATTACHMENT_BYTES)).toBe(true);
  });

  it("keeps no mail when the enqueuing transaction rolls back", async () => {
    useFiles();
    const subject = `Rollback-Test ${Date.now()}`;
    await expect(
      tx(async (m) => {
        await enqueueMail(m, { to: "traeger@beispiel.invalid", subject, text: "darf nie ankommen" });
        expect(await m.getRepository(OutboxMessage).countBy({ subject })).toBe(1);
        throw new Error("Abbruch nach dem Einreihen");
      }),
    ).rejects.toThrow("Abbruch nach dem Einreihen");
    expect(await (await em()).getRepository(OutboxMessage).countBy({ subject })).toBe(0);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });
  });

  it("retries while the SMTP server is down and delivers exactly once when it is back", async () => {
    const port = await freePort();
    const smtp = await createSmtp(port, false);
    useSmtp(port); // nobody listens yet: connection refused
    setClock("2026-03-03T09:00:00.000Z");

    const created = await tx((m) =>
      enqueueMail(m, { to: "anna.mueller@traeger.example", subject: "Nachforderung – Frist läuft", text: "Vertraulicher Inhalt: Bitte reichen Sie … nach." }),
    );

    // Attempt 1: connection refused.
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 1 });
    let r = await row(created.id);
    expect(r.status).toBe("pending");
    expect(r.attempts).toBe(1);
    expect(r.lockedUntil).toBeNull();
    expect(r.lastError).not.toBe("");
    expect(Date.parse(r.nextAttemptAt) - Date.parse(r.createdAt)).toBeGreaterThanOrEqual(30_000);
    expect(Date.parse(r.nextAttemptAt) - Date.parse(r.createdAt)).toBeLessThan(40_000);

    // Not yet due: nothing happens.
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });
    expect((await row(created.id)).attempts).toBe(1);

    // Attempt 2: the server listens but answers 451.
    await smtp.listen();
    later(31_000);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 1 });
    r = await row(created.id);
    expect(r.attempts).toBe(2);
    expect(r.lastError).toMatch(/451/);
    // No personal data, no body in lastError.
    expect(r.lastError).not.toMatch(/anna|mueller|traeger\.example|Vertraulich/i);
    expect(Date.parse(r.nextAttemptAt) - now().getTime()).toBeGreaterThan(55_000); // 60 s backoff
    expect(smtp.received).toHaveLength(0);

    // The server accepts again, but the message is not due yet: still nothing sent.
    smtp.mode.accept = true;
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });
    expect(smtp.received).toHaveLength(0);

    // Due again: two concurrent runs and two more runs deliver it exactly once.
    later(61_000);
    const [a, b] = await Promise.all([sendDueMail(), sendDueMail()]);
    expect(a.sent + b.sent).toBe(1);
    expect(a.retried + b.retried + a.failed + b.failed).toBe(0);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });
    later(3_600_000);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });

    const copies = smtp.received.filter((m) => m.messageId === created.messageId);
    expect(copies).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    expect(copies[0].rcptTo).toEqual(["anna.mueller@traeger.example"]);
    expect(decodeHeader(header(copies[0].raw, "Subject")!)).toBe("Nachforderung – Frist läuft");
    expect(textOf(copies[0].raw)).toBe("Vertraulicher Inhalt: Bitte reichen Sie … nach.");

    r = await row(created.id);
    expect(r.status).toBe("sent");
    expect(r.attempts).toBe(3);
    expect(r.lockedUntil).toBeNull();
    expect(r.emlPath).toBeNull();
    expect(r.lastError).toBe("");

    // Sent via SMTP, so there is no file: the admin view rebuilds the message.
    const rebuilt = (await readEml(created.id))!;
    expect(header(rebuilt, "Message-ID")).toBe(created.messageId);
    expect(decodeHeader(header(rebuilt, "Subject")!)).toBe("Nachforderung – Frist läuft");
  });

  it("does not send a message before its nextAttemptAt", async () => {
    const smtp = await createSmtp(0, true);
    await smtp.listen();
    useSmtp((smtp.server.server.address() as net.AddressInfo).port);
    setClock("2026-03-04T10:00:00.000Z");
    const created = await tx((m) => enqueueMail(m, { to: "traeger@beispiel.invalid", subject: "Später", text: "Erst morgen." }));
    await tx((m) => m.getRepository(OutboxMessage).update({ id: created.id }, { nextAttemptAt: "2026-03-05T10:00:00.000Z" }));

    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });
    later(23 * 3_600_000);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });
    expect(smtp.received).toHaveLength(0);
    expect((await row(created.id)).status).toBe("pending");

    setClock("2026-03-05T10:00:01.000Z");
    expect(await sendDueMail()).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(smtp.received.map((m) => m.messageId)).toEqual([created.messageId]);
  });

  it("marks a message failed after mail.maxAttempts and records mail.failed; the admin can retry it", async () => {
    const smtp = await createSmtp(0, false);
    await smtp.listen();
    useSmtp((smtp.server.server.address() as net.AddressInfo).port);
    setClock("2026-03-06T07:00:00.000Z");
    await tx((m) => m.getRepository(Setting).save({ key: "mail.maxAttempts", value: 3, updatedAt: nowIso(), updatedById: null }));

    const created = await tx((m) => enqueueMail(m, { to: "traeger@beispiel.invalid", subject: "Scheitert", text: "Wird abgewiesen." }));
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 1 });
    later(2 * 3_600_000);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 1 });
    later(2 * 3_600_000);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 1, retried: 0 });

    const r = await row(created.id);
    expect(r.status).toBe("failed");
    expect(r.attempts).toBe(3);
    expect(r.lockedUntil).toBeNull();

    later(2 * 3_600_000);
    expect(await sendDueMail()).toEqual({ sent: 0, failed: 0, retried: 0 });

    const events = await (await em()).getRepository(AuditEvent).findBy({ action: "mail.failed", entityId: String(created.id) });
    expect(events).toHaveLength(1);
    expect(events[0].entityType).toBe("outbox_message");
    expect(events[0].actorLabel).toBe("system");
    expect(JSON.stringify(events[0])).not.toContain("traeger@beispiel.invalid");
    expect((await verifyAuditChain(await em())).ok).toBe(true);
    expect((await listOutbox({ status: "failed", page: 1, pageSize: 10 })).rows.map((x) => x.id)).toEqual([created.id]);

    // Retry from the admin page: pending again, and delivered once the server accepts.
    await expect(tx((m) => retryMail(m, 999_999))).rejects.toThrow("nicht gefunden");
    const retried = await tx((m) => retryMail(m, created.id, { id: null, label: "admin@test" }));
    expect(retried.status).toBe("pending");
    expect(retried.attempts).toBe(0);
    await expect(tx((m) => retryMail(m, created.id))).rejects.toThrow("Nur fehlgeschlagene");
    smtp.mode.accept = true;
    expect(await sendDueMail()).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(smtp.received.map((m) => m.messageId)).toEqual([created.messageId]);
    expect((await row(created.id)).attempts).toBe(1);
  });
});
