import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Transform, type TransformCallback } from "node:stream";
import { getSetting } from "./settings.server";
import { multipartBudget, MAX_FORM_FILES } from "./uploads.server";

/**
 * Request bodies are bounded on every route while the bytes arrive, before anything parses them
 * (chunked bodies included, which carry no Content-Length). The production server
 * (scripts/start.mjs) puts `limitRequestBodies` in front of Remix and hands Remix the metered
 * stream instead of the raw request; past a limit the answer is 413 with a German message
 * (problem+json under /api/), `Connection: close`, and the connection is closed.
 *
 * The limits by content type:
 * - application/x-www-form-urlencoded and anything else: FORM_BYTES (the longest text field
 *   of any form is 20,000 characters);
 * - application/json: 1 MB, except the API routes whose JSON carries a file in base64;
 * - a raw file body (an e-invoice as XML or PDF to POST /api/v1/invoices): the upload limit;
 * - multipart/form-data: the upload budget of the largest form (MAX_FORM_FILES files of
 *   `uploads.maxMegabytes` each, one spare and 1 MB for text, as readUploadForm reads it) plus
 *   1 MB for part headers, and at most MAX_PARTS parts.
 */

export const FORM_BYTES = 512 * 1024;
export const JSON_BYTES = 1048576;
export const MAX_PARTS = 200;
export const MULTIPART_MARGIN = 1048576;

/** API routes whose JSON body may carry a file as base64 (an offer's concept). */
const FILE_JSON_ROUTES = [/^\/api\/v1\/tenders\/[^/]+\/offers\/?$/];

/** API routes whose raw body IS a file (an e-invoice as XML or PDF): the upload limit, not the form limit. */
const FILE_BODY_ROUTES = [/^\/api\/v1\/invoices\/?$/];

export type BodyKind = "form" | "json" | "multipart" | "other";

export interface BodyRule {
  kind: BodyKind;
  maxBytes: number;
  /** multipart only: the boundary and the largest number of parts. */
  boundary: string | null;
  maxParts: number;
  /** German message for a body over `maxBytes`. */
  tooLarge: string;
}

function size(bytes: number): string {
  const fmt = (n: number) => new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 }).format(n);
  return bytes >= 1048576 ? `${fmt(bytes / 1048576)} MB` : `${fmt(bytes / 1024)} KB`;
}

/** The multipart boundary of a Content-Type header, or null. */
export function multipartBoundary(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/** The JSON limit for a JSON body that carries a file of `fileBytes` as base64 (4/3 of it) plus the other fields. */
export function fileJsonBytes(fileBytes: number): number {
  return Math.ceil((fileBytes * 4) / 3) + 65536;
}

/** Which limit a request body falls under. `fileBytes` is the upload limit (setting uploads.maxMegabytes). */
export function bodyRule(path: string, contentTypeHeader: string | undefined, fileBytes: number): BodyRule {
  const contentType = (contentTypeHeader ?? "").trim();
  const type = contentType.split(";")[0].trim().toLowerCase();
  if (type === "multipart/form-data") {
    // 1 MB more than readUploadForm's own budget for part headers and delimiters, so that the
    // portal form reaches its own limit first and keeps what was typed.
    const maxBytes = multipartBudget(fileBytes, MAX_FORM_FILES) + MULTIPART_MARGIN;
    return {
      kind: "multipart",
      maxBytes,
      boundary: multipartBoundary(contentType),
      maxParts: MAX_PARTS,
      tooLarge: `Die gesendeten Daten sind zu groß (höchstens ${size(fileBytes)} je Datei und ${size(maxBytes)} insgesamt).`,
    };
  }
  if (type === "application/json" || type.endsWith("+json")) {
    const maxBytes = FILE_JSON_ROUTES.some((r) => r.test(path)) ? fileJsonBytes(fileBytes) : JSON_BYTES;
    return { kind: "json", maxBytes, boundary: null, maxParts: 0, tooLarge: `Die Angaben sind größer als ${size(maxBytes)}.` };
  }
  if (type !== "application/x-www-form-urlencoded" && FILE_BODY_ROUTES.some((r) => r.test(path)))
    return { kind: "other", maxBytes: fileBytes, boundary: null, maxParts: 0, tooLarge: `Die Datei ist größer als ${size(fileBytes)}.` };
  return {
    kind: type === "application/x-www-form-urlencoded" ? "form" : "other",
    maxBytes: FORM_BYTES,
    boundary: null,
    maxParts: 0,
    tooLarge: `Die gesendeten Daten sind zu groß (höchstens ${size(FORM_BYTES)}).`,
  };
}

export class BodyTooLargeError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Passes a body through unchanged while counting its bytes and, for multipart, its parts (the
 * delimiter lines `--boundary`, also when split across chunks). Fails with BodyTooLargeError the
 * moment a limit is passed; nothing beyond the limit is handed on.
 */
export class BodyMeter extends Transform {
  bytes = 0;
  delimiters = 0;
  private readonly delimiter: Buffer | null;
  private tail = Buffer.alloc(0);

  constructor(private readonly rule: BodyRule) {
    super();
    this.delimiter = rule.boundary ? Buffer.from(`--${rule.boundary}`) : null;
  }

  /** Parts seen so far (the closing delimiter is not a part). */
  get parts(): number {
    return Math.max(0, this.delimiters - 1);
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.rule.maxBytes) return callback(new BodyTooLargeError(this.rule.tooLarge));
    if (this.delimiter) {
      const data = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
      for (let at = data.indexOf(this.delimiter); at !== -1; at = data.indexOf(this.delimiter, at + this.delimiter.length)) this.delimiters++;
      const keep = Math.min(data.length, this.delimiter.length - 1);
      this.tail = Buffer.from(data.subarray(data.length - keep));
      // a body of n parts has n + 1 delimiters
      if (this.delimiters > this.rule.maxParts + 1) return callback(new BodyTooLargeError(`Die Anfrage hat zu viele Teile (höchstens ${this.rule.maxParts}).`));
    }
    callback(null, chunk);
  }
}

/** What the Remix handler reads instead of the raw request. */
export interface MeteredBody {
  /** The body stream to give Remix; fails when the body passes its limit. */
  body: BodyMeter;
  /** Aborted when the body was refused, so the route's work stops and is not reported as an error. */
  signal: AbortSignal;
}

const METERED = Symbol("meteredBody");
type MeteredRequest = IncomingMessage & { [METERED]?: MeteredBody };

/** The metered body of a request that passed through `limitRequestBodies`, or undefined. */
export function meteredBody(req: IncomingMessage): MeteredBody | undefined {
  return (req as MeteredRequest)[METERED];
}

/** How long a client whose body was not read to the end may go on sending before the connection is cut. */
const LINGER_MS = 2000;

const LINGERING = Symbol("lingering");
const CURRENT = Symbol("currentRequest");
type LingeringSocket = Socket & { [LINGERING]?: true; [CURRENT]?: IncomingMessage };

/**
 * After an answer with `Connection: close`, node destroys the socket as soon as the answer is
 * written. If the client is still sending a body we did not read, that destroy sends a TCP reset,
 * which can reach the client before it has read the answer (it then sees "EPIPE" or "connection
 * reset" instead of the 413). So for a request whose body is incomplete the socket only ends its
 * own side at once and is destroyed a moment later; a complete request closes as before.
 */
function lingerOnClose(req: IncomingMessage): void {
  const socket = req.socket as LingeringSocket;
  socket[CURRENT] = req;
  if (socket[LINGERING]) return;
  socket[LINGERING] = true;
  const destroySoon = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (socket[CURRENT]?.complete !== false) return destroySoon();
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, detail: string): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const api = (req.url ?? "").startsWith("/api/");
  const body = api
    ? JSON.stringify({ type: "about:blank", title: "Zu groß", status: 413, detail })
    : `${detail} Bitte kürzen Sie die Eingaben oder wählen Sie kleinere Dateien.`;
  // With Connection: close node closes the connection once the answer is out (see lingerOnClose).
  res.writeHead(413, {
    "Content-Type": api ? "application/problem+json; charset=utf-8" : "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    Connection: "close",
  });
  res.end(body);
}

/** The upload limit per file in bytes (setting uploads.maxMegabytes, read on each request: it can change at run time). */
export async function uploadLimitBytes(): Promise<number> {
  return (await getSetting("uploads.maxMegabytes")) * 1048576;
}

/**
 * Middleware (node/express signature) in front of Remix. `fileBytes` reads the current upload
 * limit. Requests without a body (GET, HEAD) pass untouched.
 */
export function limitRequestBodies(fileBytes: () => Promise<number> = uploadLimitBytes) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    fileBytes().then(
      (limit) => {
        const path = (req.url ?? "/").split("?")[0];
        const rule = bodyRule(path, req.headers["content-type"], limit);
        lingerOnClose(req);
        const controller = new AbortController();
        const declared = Number(req.headers["content-length"]);
        if (Number.isFinite(declared) && declared > rule.maxBytes) {
          controller.abort();
          refuse(req, res, rule.tooLarge);
          return;
        }
        const meter = new BodyMeter(rule);
        meter.on("error", (error) => {
          req.unpipe(meter);
          controller.abort();
          if (error instanceof BodyTooLargeError) refuse(req, res, error.detail);
        });
        req.on("error", (error) => meter.destroy(error));
        req.on("close", () => {
          if (!req.complete) meter.destroy(new Error("Die Übertragung wurde abgebrochen."));
        });
        req.pipe(meter);
        (req as MeteredRequest)[METERED] = { body: meter, signal: controller.signal };
        next();
      },
      (error) => next(error),
    );
  };
}
