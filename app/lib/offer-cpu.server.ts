import crypto from "node:crypto";
import { Worker } from "node:worker_threads";
import { base64Bytes } from "~/domain/base64";
import { encryptParts } from "./sealing.server";

/**
 * The CPU work of an offer upload in a worker thread (DESIGN.md § 7; issue 13): decoding and
 * parsing a JSON body of megabytes, decoding its base64 concept, hashing, sealing. In the
 * request's thread this took two thirds of the processor during a deadline rush (profile of
 * bench-offers: JSON, base64, SHA-256, AES and the garbage collection of their strings), so
 * staff pages and the database waited behind it while the second core idled. One worker: the
 * machine has two cores, and the request thread keeps the other busy with HTTP, the checks and
 * the database.
 *
 * The worker runs the same functions the app uses (`base64Bytes`, `encryptParts`), from their
 * source text: they are self-contained on purpose. Bodies go to the worker and results come back
 * transferred, not copied.
 */

/** The worker's tasks. Self-contained: it becomes source text, with its helpers passed in. */
function workerTasks(nodeCrypto: typeof crypto, decodeBase64: typeof base64Bytes, encrypt: typeof encryptParts) {
  const sha256 = (bytes: Uint8Array) => nodeCrypto.createHash("sha256").update(bytes).digest("hex");
  /** A buffer of its own (Node pools small ones), so it can be transferred. */
  const own = (b: Buffer): ArrayBuffer => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : new Uint8Array(b).buffer);
  return {
    json(body: ArrayBuffer) {
      const bytes = new Uint8Array(body);
      const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      let raw: unknown;
      try {
        raw = JSON.parse(Buffer.from(body, start).toString("utf8"));
      } catch {
        return { result: { kind: "invalid-json" } };
      }
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { result: { kind: "not-object" } };
      const concept = (raw as { concept?: unknown }).concept as { contentBase64?: unknown } | undefined;
      if (!concept || typeof concept !== "object" || typeof concept.contentBase64 !== "string" || !concept.contentBase64) return { result: { kind: "ok", raw, concept: null } };
      const decoded = decodeBase64(concept.contentBase64);
      // The text stays here; the request's thread gets the bytes and, in its place, what they are.
      if (!decoded) {
        concept.contentBase64 = "(ungültig)";
        return { result: { kind: "ok", raw, concept: "invalid" } };
      }
      const hash = sha256(decoded);
      concept.contentBase64 = `sha256:${hash}`;
      const buffer = own(decoded);
      return { result: { kind: "ok", raw, concept: { bytes: buffer, sha256: hash } }, transfer: [buffer] };
    },
    seal(dataKey: Uint8Array, parts: Uint8Array[], aad: string) {
      const { ciphertext, iv, tag } = encrypt(nodeCrypto, dataKey, parts, aad);
      const hash = sha256(ciphertext);
      const buffer = own(ciphertext);
      return { result: { ciphertext: buffer, iv: iv.toString("base64url"), tag: tag.toString("base64url"), sha256: hash }, transfer: [buffer] };
    },
    sha256(bytes: Uint8Array) {
      return { result: sha256(bytes) };
    },
  };
}

const SOURCE = `"use strict";
var __name = (f) => f;
const { parentPort } = require("node:worker_threads");
const tasks = (${workerTasks.toString()})(require("node:crypto"), (${base64Bytes.toString()}), (${encryptParts.toString()}));
parentPort.on("message", ({ id, task, args }) => {
  let answer;
  try {
    answer = tasks[task](...args);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
    return;
  }
  parentPort.postMessage({ id, result: answer.result }, answer.transfer || []);
});`;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;

function startWorker(): Worker {
  const w = new Worker(SOURCE, { eval: true, name: "offer-cpu" });
  w.on("message", (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  const fail = (error: Error) => {
    if (worker === w) worker = null;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`Rechenprozess für Angebote beendet (Code ${code})`)));
  w.unref();
  return w;
}

/** Run a task in the worker (started on first use; it keeps the process alive only while it works). */
function run<T>(task: keyof ReturnType<typeof workerTasks>, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
  worker ??= startWorker();
  const w = worker;
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    w.ref();
    w.postMessage({ id, task, args }, transfer);
  });
}

export type ParsedOfferJson =
  | { kind: "invalid-json" | "not-object" }
  | {
      kind: "ok";
      /** The body, with the concept's base64 replaced by "sha256:<hex>" of its bytes (or "(ungültig)"). */
      raw: Record<string, unknown>;
      /** The decoded concept; "invalid" for text that is not strict base64; null without a concept text. */
      concept: { bytes: Uint8Array; sha256: string } | "invalid" | null;
    };

/**
 * Parse an offer's JSON body in the worker. The body is handed over (`body` is unusable after the
 * call). A UTF-8 byte order mark is skipped and invalid bytes become U+FFFD, as TextDecoder does.
 */
export async function parseOfferJson(body: Uint8Array): Promise<ParsedOfferJson> {
  const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? (body.buffer as ArrayBuffer) : body.slice().buffer;
  const answer = await run<{ kind: "invalid-json" | "not-object" } | { kind: "ok"; raw: Record<string, unknown>; concept: { bytes: ArrayBuffer; sha256: string } | "invalid" | null }>("json", [own], [own]);
  if (answer.kind !== "ok") return answer;
  const concept = answer.concept && answer.concept !== "invalid" ? { bytes: new Uint8Array(answer.concept.bytes), sha256: answer.concept.sha256 } : answer.concept;
  return { kind: "ok", raw: answer.raw, concept };
}

export interface SealedFile {
  ciphertext: Buffer;
  /** base64url, 12 bytes */
  iv: string;
  /** base64url, 16 bytes */
  tag: string;
  /** SHA-256 (hex) of the ciphertext, for the file store. */
  sha256: string;
}

/** sealParts() (AES-256-GCM, bound to `aad`) and the ciphertext's SHA-256, in the worker. The parts are copied, not handed over. */
export async function sealPartsOffThread(dataKey: Buffer, parts: readonly Uint8Array[], aad: string): Promise<SealedFile> {
  const answer = await run<{ ciphertext: ArrayBuffer; iv: string; tag: string; sha256: string }>("seal", [dataKey, parts, aad]);
  return { ciphertext: Buffer.from(answer.ciphertext), iv: answer.iv, tag: answer.tag, sha256: answer.sha256 };
}

/** SHA-256 (hex) of bytes, in the worker (copied there). */
export function sha256OffThread(bytes: Uint8Array): Promise<string> {
  return run<string>("sha256", [bytes]);
}
