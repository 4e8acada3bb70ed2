/**
 * The HTTP side of the provider API: every /api/v1 route reads its request and writes its answer
 * through these helpers, so the wire format stays the one of api-contract.ts (ADR 0014).
 */
import { MaxPartSizeExceededError, unstable_parseMultipartFormData, type LoaderFunctionArgs } from "@remix-run/node";
import type { z } from "zod";
import { NotFoundError, ValidationError } from "~/domain/errors";
import { pageBounds } from "~/domain/list";
import { apiError, problem } from "./http.server";
import { getSetting } from "./settings.server";
import { expectedPartsHandler } from "./uploads.server";

/** Largest JSON body of the API outside the offer route (which allows a base64 concept). */
export const API_JSON_MAX_BYTES = 1048576;

type Handler<A> = (args: A) => Promise<Response>;

/** A route handler whose thrown domain errors and responses become problem+json. */
export function apiRoute<A extends LoaderFunctionArgs>(handler: Handler<A>): Handler<A> {
  return async (args) => {
    try {
      return await handler(args);
    } catch (error) {
      return apiError(error);
    }
  };
}

/** A schema's input with its literal codes widened to string: the services keep states as text columns; the schema checks the codes at run time. */
type Widen<T> = T extends string ? string : T extends number | boolean | null | undefined ? T : T extends (infer U)[] ? Widen<U>[] : T extends object ? { [K in keyof T]: Widen<T[K]> } : T;

/** Answer with data shaped by a response schema of the contract: undocumented fields are dropped, a missing or mistyped one is an error. */
export function reply<S extends z.ZodTypeAny>(schema: S, data: Widen<z.input<S>>, init: ResponseInit = {}): Response {
  const body = schema.parse(data);
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** zod issues → field errors keyed by the request's own names (`prefix.` for a JSON part of a multipart body). */
export function requestFieldErrors(error: z.ZodError, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const keys =
      issue.code === "unrecognized_keys"
        ? issue.keys.map((k) => [...issue.path, k].join("."))
        : [issue.path.join(".")];
    for (const raw of keys) {
      const key = prefix ? (raw ? `${prefix}.${raw}` : prefix) : raw || "_body";
      const message = issue.code === "unrecognized_keys" ? "Dieses Feld gibt es nicht." : issue.message;
      if (!(key in out)) out[key] = message;
    }
  }
  return out;
}

/** Parse a request part with a contract schema; a failure is a 400 naming each field. */
export function parseRequest<S extends z.ZodTypeAny>(schema: S, value: unknown, prefix = ""): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = requestFieldErrors(result.error, prefix);
    throw new ValidationError(`Bitte prüfen Sie die Angaben: ${Object.entries(errors).map(([k, m]) => `${k}: ${m}`).join(" ")}`.slice(0, 1000), errors);
  }
  return result.data;
}

/**
 * The query parameters of a request, parsed with a contract schema: an unknown parameter or one
 * given twice is a 400 (a typo or a second `after` must not be read as something else).
 */
export function parseQuery<S extends z.AnyZodObject>(schema: S, request: Request): z.output<S> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  const repeated: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in raw) repeated[k] = "Dieser Parameter darf nur einmal vorkommen.";
    raw[k] = v;
  }
  if (Object.keys(repeated).length) throw new ValidationError(`Bitte prüfen Sie die Angaben: ${Object.keys(repeated).map((k) => `${k}: mehrfach angegeben.`).join(" ")}`, repeated);
  return parseRequest(schema.strict(), raw);
}

/** A positive integer path parameter, or 404 with the given message. */
export function pathId(raw: string | undefined, notFound: string): number {
  const id = Number(raw);
  if (!raw || !/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) throw new NotFoundError(notFound);
  return id;
}

function contentType(request: Request): string {
  return (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
}

export function isJson(request: Request): boolean {
  return contentType(request) === "application/json";
}

export function isMultipart(request: Request): boolean {
  return contentType(request) === "multipart/form-data";
}

/** 415 naming what the operation accepts. */
export function unsupportedMediaType(accepted: string): Response {
  return problem(415, "Nicht unterstütztes Format", `Bitte senden Sie ${accepted}.`);
}

/** A JSON body (an object), at most `maxBytes`; 400 for invalid JSON, 413 (connection closed) for more. */
export async function readJsonObject(request: Request, maxBytes = API_JSON_MAX_BYTES): Promise<Record<string, unknown>> {
  return jsonObject(utf8Text(await readBody(request, maxBytes)), "");
}

/**
 * A body as UTF-8 text, as TextDecoder gives it (a leading byte order mark dropped, invalid bytes
 * as U+FFFD), but through Buffer: a third faster for the megabytes of an offer's base64 concept.
 */
export function utf8Text(bytes: Uint8Array): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString("utf8");
}

/** The raw body, at most `maxBytes` (413 beyond): read apart from its parsing, e.g. before waiting for a work slot. */
export async function readBody(request: Request, maxBytes = API_JSON_MAX_BYTES): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (Number(declared ?? 0) > maxBytes) throw tooLarge(`Der Inhalt ist größer als ${formatMb(maxBytes)}.`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  // A declared length is what arrives (node holds the body to it); only a chunked body is counted.
  if (declared === null && bytes.byteLength > maxBytes) throw tooLarge(`Der Inhalt ist größer als ${formatMb(maxBytes)}.`);
  return bytes;
}

/** Parse JSON text that must be an object; `part` names the multipart part it came from. */
export function jsonObject(text: string, part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError(part ? `Der Teil „${part}“ ist kein gültiges JSON.` : "Der Inhalt ist kein gültiges JSON.", { [part || "_body"]: "Kein gültiges JSON." });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ValidationError(part ? `Der Teil „${part}“ muss ein JSON-Objekt sein.` : "Der Inhalt muss ein JSON-Objekt sein.", { [part || "_body"]: "Ein JSON-Objekt erwartet." });
  return value as Record<string, unknown>;
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / 1048576) * 10) / 10} MB`.replace(".", ",");
}

function tooLarge(detail: string): Response {
  return problem(413, "Zu groß", detail, { Connection: "close" });
}

/** The upload limit per file in bytes (setting uploads.maxMegabytes). */
export async function fileLimitBytes(): Promise<number> {
  return (await getSetting("uploads.maxMegabytes")) * 1048576;
}

/**
 * A multipart body with the operation's parts: `files` (each at most the upload limit; past it
 * 413 with the connection closed) and `texts`. A part of another name, or a part sent twice, is a
 * 400 naming it, as an unknown JSON field is; such parts are read and dropped, never held.
 */
export async function readMultipart(request: Request, parts: { files: string[]; texts?: string[] }): Promise<FormData> {
  const maxBytes = await fileLimitBytes();
  const known = new Set([...parts.files, ...(parts.texts ?? [])]);
  const seen = new Set<string>();
  const problems: Record<string, string> = {};
  const expected = expectedPartsHandler({ maxPartSize: maxBytes, files: parts.files });
  const handler: typeof expected = (part) => {
    const name = part.name || "(ohne Namen)";
    if (!known.has(name)) problems[name] ??= "Diesen Teil gibt es nicht.";
    else if (seen.has(name)) problems[name] = "Dieser Teil darf nur einmal vorkommen.";
    seen.add(name);
    return expected(part);
  };
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    // Only a part over its limit is "too large"; a body without boundary or cut off is malformed.
    if (error instanceof MaxPartSizeExceededError || request.signal.aborted) throw tooLarge(`Eine Datei ist größer als ${formatMb(maxBytes)}.`);
    throw new ValidationError("Der Inhalt ist kein lesbares multipart/form-data (Grenze „boundary“ im Content-Type fehlt oder der Inhalt ist beschädigt).", { _body: "Kein lesbares multipart/form-data." });
  }
  if (Object.keys(problems).length) throw new ValidationError(`Bitte prüfen Sie die Teile der Anfrage: ${Object.entries(problems).map(([k, m]) => `${k}: ${m}`).join(" ")}`, problems);
  return form;
}

/** A file part of a multipart body, or null when it is missing or empty. */
export async function filePart(form: FormData, name: string): Promise<{ filename: string; bytes: Uint8Array } | null> {
  const f = form.get(name);
  return f instanceof File && f.size > 0 ? { filename: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } : null;
}

/** A text part (a file part is read as text, as some clients send JSON parts with a filename). */
export async function textPart(form: FormData, name: string): Promise<string | undefined> {
  const v = form.get(name);
  if (v === null) return undefined;
  return typeof v === "string" ? v : await v.text();
}

/**
 * Rename the field keys of a service's validation error to the request's own names (a form's
 * `file` is the API's part `confirmation`), so a client sees the names it sent.
 */
export async function withRequestNames<T>(names: Record<string, string>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError && Object.keys(names).some((k) => k in error.fieldErrors)) {
      const renamed: Record<string, string> = {};
      for (const [k, v] of Object.entries(error.fieldErrors)) renamed[names[k] ?? k] = v;
      throw new ValidationError(error.message, renamed);
    }
    throw error;
  }
}


/**
 * One page of a short list held in memory, in the API's list shape. A page past the last one
 * is empty (a client reading "until no items" stops; the web lists show the last page instead).
 */
export function pageOfItems<T>(all: T[], query: { page: number; pageSize: number }) {
  const { pages, offset } = pageBounds(all.length, query.page, query.pageSize);
  const items = query.page > pages ? [] : all.slice(offset, offset + query.pageSize);
  return { items, total: all.length, page: query.page, pageSize: query.pageSize, pages };
}

/** A page from a list service (`rows`, … as paginate() returns it) in the API's list shape. */
export function asApiPage<T>(result: { rows: T[]; total: number; pages: number }, query: { page: number; pageSize: number }) {
  return { items: query.page > result.pages ? [] : result.rows, total: result.total, page: query.page, pageSize: query.pageSize, pages: result.pages };
}
