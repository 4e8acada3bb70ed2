import { unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { ValidationError } from "~/domain/errors";

/**
 * Reading a form with file uploads (multipart/form-data) so that an oversize file does not cost
 * the broker what was typed: the file is dropped with a field error, every text field is kept.
 *
 * Memory stays bounded: of a file part at most `maxBytes` are kept; once a part passes the limit
 * its remaining bytes are read and discarded (that is how the parser reaches the fields after
 * it, e.g. the submit button's `intent`). The whole body is read up to a total budget of one
 * limit per expected file plus one spare and 1 MB for the text fields; beyond that reading stops,
 * the fields read so far are kept and the answer closes the connection.
 */

/** A single text field (names, dates, a note) is never larger than this. */
const MAX_TEXT_BYTES = 100_000;

/** The most files one form or API request carries (a placement claim: three PDFs). */
export const MAX_FORM_FILES = 3;

/**
 * The bytes a multipart body with `files` expected files of at most `maxBytes` may have in all:
 * one limit per file plus one spare and 1 MB for the text fields. The server's body limit
 * (body-limit.server.ts) allows this for MAX_FORM_FILES files, so every form within it is read.
 */
export function multipartBudget(maxBytes: number, files: number): number {
  return (files + 1) * maxBytes + 1048576;
}

/**
 * An upload handler for `unstable_parseMultipartFormData` that keeps one file per expected input
 * name (up to `maxPartSize`) and text fields up to 100 KB, and reads and discards every other file
 * part (unnamed, unexpected or repeated): a request cannot make the server hold more than the
 * files the route expects. Over-long parts fail like Remix's memory handler
 * (MaxPartSizeExceededError).
 */
export function expectedPartsHandler(options: { maxPartSize: number; files: readonly string[] }): UploadHandler {
  const files = unstable_createMemoryUploadHandler({ maxPartSize: options.maxPartSize });
  const texts = unstable_createMemoryUploadHandler({ maxPartSize: MAX_TEXT_BYTES });
  const seen = new Set<string>();
  return async (part) => {
    if (typeof part.filename !== "string") return part.name ? texts(part) : discard(part.data);
    if (!part.name || !options.files.includes(part.name) || seen.has(part.name)) return discard(part.data);
    seen.add(part.name);
    return files(part);
  };
}

async function discard(data: AsyncIterable<Uint8Array>): Promise<undefined> {
  for await (const chunk of data) void chunk;
  return undefined;
}

export interface UploadForm {
  /** The text fields and the files within the limit (oversize files are left out). */
  form: FormData;
  /** The text fields as typed, for showing the form again. */
  values: Record<string, string>;
  /** Oversize files (field errors by input name) or an unreadable body; throw it inside the action's try. */
  uploadError: ValidationError | null;
  /**
   * `Connection: close` when the body was not read to the end; pass them on the error response
   * (Remix sends an action's headers on fetch submissions; a document response without a route
   * `headers` export drops them, and the server then resets the half-read connection anyway).
   */
  headers: Record<string, string> | undefined;
}

class BodyTooLarge extends Error {}

function megabytes(bytes: number): string {
  return new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 }).format(bytes / 1048576);
}

function textValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string") values[k] = v;
  return values;
}

/**
 * The request's form. `files` names the file inputs the route expects; file parts under other
 * names are read and discarded. A request that is not multipart is read as usual.
 */
export async function readUploadForm(request: Request, options: { maxBytes: number; files: readonly string[] }): Promise<UploadForm> {
  if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    const form = await request.formData();
    return { form, values: textValues(form), uploadError: null, headers: undefined };
  }
  const { maxBytes, files } = options;
  const maxTotalBytes = multipartBudget(maxBytes, files.length);
  const mb = megabytes(maxBytes);
  const again = "Ihre übrigen Angaben sind erhalten. Bitte wählen Sie die Dateien erneut aus.";
  const values: Record<string, string> = {};
  const fieldErrors: Record<string, string> = {};
  let total = 0;
  let oversize = 0;
  const seenFiles = new Set<string>();
  const count = (bytes: number) => {
    total += bytes;
    if (total > maxTotalBytes) throw new BodyTooLarge();
  };

  const memory = unstable_createMemoryUploadHandler({ maxPartSize: Math.max(maxBytes, MAX_TEXT_BYTES) });
  const handler: UploadHandler = async (part) => {
    const isFile = typeof part.filename === "string";
    const it = part.data[Symbol.asyncIterator]();
    const drain = async () => {
      for (let r = await it.next(); !r.done; r = await it.next()) count(r.value.byteLength);
    };
    // Unnamed, unexpected or repeated file parts are read and discarded.
    if (isFile && (!files.includes(part.name) || seenFiles.has(part.name))) {
      await drain();
      return undefined;
    }
    if (isFile) seenFiles.add(part.name);
    const limit = isFile ? maxBytes : MAX_TEXT_BYTES;
    let read = 0;
    let over = false;
    // Hands the memory handler at most `limit` bytes; notes when the part has more.
    const capped: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        async next(): Promise<IteratorResult<Uint8Array>> {
          if (over) return { done: true, value: undefined };
          const r = await it.next();
          if (r.done) return r;
          count(r.value.byteLength);
          read += r.value.byteLength;
          if (read > limit) {
            over = true;
            return { done: true, value: undefined };
          }
          return r;
        },
      }),
    };
    const value = await memory({ ...part, data: capped });
    if (!over) {
      if (typeof value === "string") values[part.name] = value;
      return value;
    }
    if (isFile) oversize++;
    fieldErrors[part.name] = isFile ? `Die Datei ist größer als ${mb} MB.` : "Die Eingabe ist zu lang.";
    await drain();
    return undefined;
  };

  let form = new FormData();
  let complete = true;
  let failure = "";
  try {
    form = await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    // Too much data, a malformed body or a broken connection: keep what was read.
    complete = false;
    failure = error instanceof BodyTooLarge ? `Die Dateien sind zusammen zu groß (höchstens ${mb} MB je Datei). ${again}` : `Die Übertragung war unvollständig. ${again}`;
  }
  const message =
    oversize > 1
      ? `${oversize} Dateien sind zu groß (höchstens ${mb} MB je Datei). ${again}`
      : oversize === 1
        ? `Eine Datei ist zu groß (höchstens ${mb} MB). ${again}`
        : failure || (Object.keys(fieldErrors).length ? "Eine Eingabe ist zu lang." : null);
  return {
    form,
    values,
    uploadError: message ? new ValidationError(message, fieldErrors) : null,
    headers: complete ? undefined : { Connection: "close" },
  };
}
