/**
 * `Idempotency-Key` for API POSTs (issue 9 point 9, ADR 0016): a client that did not get an
 * answer (timeout, dropped connection) sends the same request again with the same key and gets
 * the first answer instead of a second claim, offer or invoice.
 *
 *   no key                                   → the request runs as without this mechanism
 *   first use of a key                       → reserved (in_progress), the request runs; a final
 *                                              answer (2xx, 3xx, 409, 422) is stored, any other
 *                                              answer or a thrown error frees the key again
 *   same key, same method + path + body, done → the stored answer again (status, body,
 *                                              Content-Type, Location) with `Idempotent-Replayed: true`
 *   same key while the first still runs      → 409 with `Retry-After: 1`
 *   same key, other method, path or body     → 422
 *   older than `api.idempotencyHours`        → forgotten; the key may be used again
 *
 * The row is reserved in its own transaction before the request runs (the request's own
 * transactions stay as they are); the unique index on (scope, key) decides between concurrent
 * requests on SQLite and PostgreSQL alike.
 */
import { LessThan } from "typeorm";
import { IdempotencyKey } from "../../entities";
import { problem } from "~/lib/http.server";
import { now, nowIso } from "~/lib/clock.server";
import { em, isUniqueViolation, tx } from "~/lib/db.server";
import { getSetting } from "~/lib/settings.server";
import { sha256Hex } from "~/lib/hash.server";
import { apiError } from "~/lib/http.server";

export { fingerprintForm, fingerprintJson } from "~/lib/fingerprint.server";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** 1–255 visible ASCII characters (no spaces, no control characters). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Response headers that are stored and replayed; nothing else (never cookies). */
const KEPT_HEADERS = ["Content-Type", "Location"] as const;

/**
 * A reservation this old whose request never finished belonged to a process that died (the
 * request body is read before the key is reserved, so what runs under the reservation is the
 * service work: seconds). A retry may take it over.
 */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000;

const POLL_MS = 100;

/**
 * Whether an answer is final: the request was carried out (2xx; 3xx, a form's redirect) or
 * decided (409 conflict, 422 refused by a rule, which may have created a claim with a decision
 * letter). Such an answer is stored and replayed. Anything else (400, 401, 403, 404, 405, 413,
 * 415, 429, 5xx) changed nothing: the key is freed and the corrected request may use it again.
 */
export function isFinalStatus(status: number): boolean {
  return (status >= 200 && status < 400) || status === 409 || status === 422;
}

export interface IdempotencyOptions {
  /**
   * The key; by default the request's `Idempotency-Key` header. The portal passes the form's own
   * submission key (`null`: no key, the request runs unprotected).
   */
  key?: string | null;
  /**
   * While the first request with this key still runs, wait up to this many milliseconds for its
   * answer (and replay it) instead of answering 409 at once: a browser's double submit shows the
   * first submit's result. Default 0 (API clients get 409 with Retry-After).
   */
  waitMs?: number;
}

interface Match {
  scope: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
}

/**
 * Run `run` at most once per (scope, Idempotency-Key) within `api.idempotencyHours`.
 *
 * - `scope`: whose keys these are, e.g. `provider:12` (an organisation's tokens share their
 *   keys) or `user:5` (a personal token, a portal user).
 * - `fingerprintOf`: the request body's fingerprint (`fingerprintJson(body)` or
 *   `fingerprintForm(form)`), or a function giving it, called only when the request has a key;
 *   the method and the path with its query are matched as well.
 *
 * Call it after authentication and after the body was read and parsed (a 400 for an unreadable
 * body or a 401/403 is answered before any key is reserved), around the work that changes
 * something and builds the answer.
 */
export async function idempotent(request: Request, scope: string, fingerprintOf: string | (() => string | Promise<string>), run: () => Promise<Response>, options: IdempotencyOptions = {}): Promise<Response> {
  const key = options.key !== undefined ? options.key : request.headers.get(IDEMPOTENCY_HEADER);
  if (key === null) return run();
  if (!KEY_PATTERN.test(key)) return invalidKey();
  if (!scope || scope.length > 100) throw new Error("idempotent(): scope must be 1–100 characters");
  // Hashing a body of megabytes costs time on the event loop: only done when a key asks for it.
  const fingerprint = typeof fingerprintOf === "function" ? await fingerprintOf() : fingerprintOf;
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new Error("idempotent(): fingerprint must be a SHA-256 hex digest");
  const match: Match = { scope, key, method: request.method.toUpperCase(), path: requestPath(request), fingerprint };
  const waitUntil = now().getTime() + Math.max(0, options.waitMs ?? 0);
  for (;;) {
    const slot = await reserve(match);
    if (slot.reserved !== null) return execute(slot.reserved, run);
    const row = slot.existing;
    if (row.method !== match.method || row.path !== match.path || row.fingerprint !== match.fingerprint) return reused();
    if (row.state === "done") return replay(row);
    if (now().getTime() - Date.parse(row.createdAt) >= ABANDONED_AFTER_MS) {
      const taken = await takeOver(row);
      if (taken !== null) return execute(taken, run);
      continue;
    }
    if (now().getTime() >= waitUntil) return stillRunning();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The daily clean-up: forget keys older than `api.idempotencyHours`. Returns how many. */
export async function forgetExpiredIdempotencyKeys(): Promise<number> {
  const cutoff = await expiryCutoff();
  return tx(async (m) => (await m.getRepository(IdempotencyKey).delete({ createdAt: LessThan(cutoff) })).affected ?? 0);
}

// ---------------------------------------------------------------------------------------------

function requestPath(request: Request): string {
  const url = new URL(request.url);
  const path = url.pathname + url.search;
  return path.length <= 1000 ? path : `sha256:${sha256Hex(path)}`;
}

async function expiryCutoff(): Promise<string> {
  const hours = await getSetting("api.idempotencyHours");
  return new Date(now().getTime() - hours * 3600_000).toISOString();
}

type Slot = { reserved: number; existing?: undefined } | { reserved: null; existing: IdempotencyKey };

/**
 * Reserve the key, or return the row that holds it. An expired row is forgotten first. On
 * PostgreSQL two requests may both find no row; the second insert waits for the first
 * transaction and then breaks the unique index: that request reads the winner's row instead.
 */
async function reserve(match: Match): Promise<Slot> {
  for (let attempt = 0; ; attempt++) {
    try {
      const cutoff = await expiryCutoff();
      return await tx(async (m): Promise<Slot> => {
        const repo = m.getRepository(IdempotencyKey);
        await repo.delete({ scope: match.scope, key: match.key, createdAt: LessThan(cutoff) });
        const existing = await repo.findOne({ where: { scope: match.scope, key: match.key } });
        if (existing) return { reserved: null, existing };
        const inserted = await repo.insert({ ...match, state: "in_progress", createdAt: nowIso(), responseStatus: null, responseBody: null, completedAt: null });
        return { reserved: Number(inserted.identifiers[0].id) };
      });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
      const existing = await (await em()).getRepository(IdempotencyKey).findOne({ where: { scope: match.scope, key: match.key } });
      if (existing) return { reserved: null, existing };
      // The winner's request failed and freed the key in the meantime: reserve again.
    }
  }
}

/** Take over an abandoned reservation; null if another request was quicker. */
async function takeOver(row: IdempotencyKey): Promise<number | null> {
  const result = await tx((m) => m.getRepository(IdempotencyKey).update({ id: row.id, state: "in_progress", createdAt: row.createdAt }, { createdAt: nowIso() }));
  return result.affected ? row.id : null;
}

async function execute(id: number, run: () => Promise<Response>): Promise<Response> {
  let response: Response;
  try {
    response = await run();
  } catch (error) {
    await release(id);
    throw error;
  }
  if (!isFinalStatus(response.status)) {
    await release(id);
    return response;
  }
  try {
    const body = await response.clone().text();
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await tx((m) =>
      m.getRepository(IdempotencyKey).update({ id, state: "in_progress" }, { state: "done", responseStatus: response.status, responseHeaders: headers, responseBody: body, completedAt: nowIso() }),
    );
  } catch (error) {
    // The request was carried out: its answer goes out. A retry meets the reservation (409)
    // until it counts as abandoned.
    console.error("Idempotency-Key: Antwort nicht gespeichert", error instanceof Error ? error.message : String(error));
  }
  return response;
}

/** Free the key: nothing was done, the client may correct the request and send it again. */
async function release(id: number): Promise<void> {
  try {
    await tx((m) => m.getRepository(IdempotencyKey).delete({ id, state: "in_progress" }));
  } catch (error) {
    console.error("Idempotency-Key: Reservierung nicht freigegeben", error instanceof Error ? error.message : String(error));
  }
}

function replay(row: IdempotencyKey): Response {
  const status = row.responseStatus ?? 200;
  const noBody = status === 204 || status === 205 || status === 304;
  return new Response(noBody ? null : (row.responseBody ?? ""), {
    status,
    headers: { ...(row.responseHeaders ?? {}), [REPLAYED_HEADER]: "true" },
  });
}

function invalidKey(): Response {
  const message = "Der Idempotency-Key besteht aus 1 bis 255 sichtbaren ASCII-Zeichen (ohne Leerzeichen), z. B. eine UUID.";
  return problem(400, "Ungültige Eingabe", message, {}, { errors: { [IDEMPOTENCY_HEADER]: message } });
}

function stillRunning(): Response {
  return problem(409, "Konflikt", "Eine Anfrage mit diesem Idempotency-Key wird noch bearbeitet. Bitte wiederholen Sie die Anfrage in einem Moment.", { "Retry-After": "1" });
}

function reused(): Response {
  return problem(
    422,
    "Idempotency-Key bereits verwendet",
    "Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet (andere Methode, anderer Pfad oder anderer Inhalt). Verwenden Sie für jede neue Anfrage einen neuen Schlüssel.",
  );
}

/** Keys belong to the organisation (an organisation's systems share them) or, for staff, to the person. */
export function apiIdempotencyScope(user: { id: number | null; providerId: number | null }): string {
  return user.providerId ? `provider:${user.providerId}` : `user:${user.id}`;
}

/**
 * The API's form of `idempotent`: the key belongs to the caller's organisation (or, for staff,
 * the person), and a refusal thrown by the work (409, 422, …) becomes its problem answer, so it
 * is stored and replayed like any other final answer.
 */
export function idempotentApiCall(request: Request, user: { id: number | null; providerId: number | null }, fingerprintOf: () => string | Promise<string>, run: () => Promise<Response>): Promise<Response> {
  return idempotent(request, apiIdempotencyScope(user), fingerprintOf, () => run().catch(apiError));
}
