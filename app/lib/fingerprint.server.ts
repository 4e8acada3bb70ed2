import { sha256Hex } from "./hash.server";

/**
 * Fingerprints of request bodies for `Idempotency-Key` (ADR 0016): two requests count as the
 * same when their bodies mean the same, not when their bytes happen to match. The fingerprint
 * covers the body only; the method and the path are compared separately (a key used for
 * `POST /a` does not match `POST /b`, even with the same body).
 *
 * Pure functions apart from hashing; no I/O.
 */


/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit, recursively), array order kept,
 * everything else exactly as JSON.stringify writes it (undefined members left out, `toJSON`
 * honoured). `{"b":1,"a":2}` and `{"a":2,"b":1}` give the same text.
 */
export function canonicalJson(value: unknown): string {
  let v = value;
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") v = (v as { toJSON: () => unknown }).toJSON();
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map((item) => (item === undefined || typeof item === "function" || typeof item === "symbol" ? "null" : canonicalJson(item))).join(",")}]`;
  const entries = Object.keys(v)
    .sort()
    .flatMap((key) => {
      const item = (v as Record<string, unknown>)[key];
      return item === undefined || typeof item === "function" || typeof item === "symbol" ? [] : [`${JSON.stringify(key)}:${canonicalJson(item)}`];
    });
  return `{${entries.join(",")}}`;
}

/** SHA-256 (hex) of a JSON body, independent of key order and whitespace. */
export function fingerprintJson(value: unknown): string {
  return sha256Hex(`json\n${canonicalJson(value)}`);
}

/** A file part as the fingerprint sees it (a web `File`, or anything with the same members). */
interface FilePart {
  name: string;
  type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * SHA-256 (hex) of a multipart (or urlencoded) form: the parts sorted by name (parts of the same
 * name keep their order), each text part by its value, each file part by its file name, content
 * type and the SHA-256 of its bytes. The multipart boundary and the order of differently named
 * parts do not matter; one changed byte in a file does.
 */
export async function fingerprintForm(form: FormData): Promise<string> {
  const parts: [string, string | FilePart][] = [];
  form.forEach((value, name) => parts.push([name, value as string | FilePart]));
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const described: (string | null)[][] = [];
  for (const [name, value] of parts) {
    if (typeof value === "string") described.push(["text", name, value]);
    else described.push(["file", name, value.name ?? "", value.type ?? "", sha256Hex(new Uint8Array(await value.arrayBuffer()))]);
  }
  return sha256Hex(`form\n${JSON.stringify(described)}`);
}
