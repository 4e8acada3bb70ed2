import crypto from "node:crypto";
import path from "node:path";
import { config } from "./config.server";
import { readOrCreateKeyFile } from "./key-file.server";

/**
 * Sealed offers (docs/decisions/0006-sealed-offers.md).
 *
 * - A 32-byte master sealing key lives outside the database: `SEALING_KEY` (base64 or hex) or
 *   `$DATA_DIR/keys/sealing.key`, generated once (mode 0600; the backup must include it).
 * - Each tender has a random 32-byte data key, stored only wrapped by the master key
 *   (`v1.<iv>.<tag>.<ciphertext>`, base64url parts).
 * - Offer contents are sealed with AES-256-GCM under the data key, bound by additional
 *   authenticated data (e.g. `offer:<id>:v<version>`) to the record they belong to.
 *
 * This module only does the cryptography. Who may unwrap a data key, and when, is decided by
 * the tendering service.
 */

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_VERSION = "v1";
/** AAD for wrapping, so a wrapped data key is never mistaken for anything else sealed under the master key. */
const WRAP_AAD = Buffer.from("sealing:data-key:v1", "utf8");

// ---------------------------------------------------------------------------------------------
// Master key
// ---------------------------------------------------------------------------------------------

let cachedKey: Buffer | null = null;

/** Parse 32 bytes given as hex (64 characters) or base64/base64url; null for anything else. */
function parseKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, "base64");
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return null;
}

export function sealingKeyFile(): string {
  return path.join(config().dataDir, "keys", "sealing.key");
}

/**
 * The 32-byte master sealing key: `SEALING_KEY` (base64 or hex) or the key file, generated on
 * first use. Cached per process. Never stored in the database.
 */
export function sealingKey(): Buffer {
  if (cachedKey) return Buffer.from(cachedKey);
  const fromEnv = process.env.SEALING_KEY;
  let key: Buffer | null;
  if (fromEnv) {
    key = parseKey(fromEnv);
    if (!key) {
      throw new Error(
        "SEALING_KEY ist ungültig: erwartet werden genau 32 Byte, als Base64 (44 Zeichen) oder hexadezimal (64 Zeichen)",
      );
    }
  } else {
    const file = sealingKeyFile();
    // Generated once, atomically; whatever is on disk is authoritative.
    key = parseKey(readOrCreateKeyFile(file, () => crypto.randomBytes(KEY_BYTES).toString("base64")));
    if (!key) throw new Error(`Die Schlüsseldatei ${file} enthält keinen gültigen 32-Byte-Versiegelungsschlüssel`);
  }
  cachedKey = key;
  return Buffer.from(key);
}

/** Tests only: forget the cached master key (after changing SEALING_KEY or DATA_DIR). */
export function resetSealingKeyCache() {
  cachedKey = null;
}

// ---------------------------------------------------------------------------------------------
// AES-256-GCM
// ---------------------------------------------------------------------------------------------

function b64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

function fromB64url(text: string, expectedBytes: number | null, what: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error(`${what} ist nicht base64url-kodiert`);
  const bytes = Buffer.from(text, "base64url");
  if (expectedBytes !== null && bytes.length !== expectedBytes) {
    throw new Error(`${what} hat die falsche Länge (${bytes.length} statt ${expectedBytes} Byte)`);
  }
  return bytes;
}

function assertKey(key: Buffer) {
  if (key.length !== KEY_BYTES) throw new Error(`Schlüssel hat die falsche Länge (${key.length} statt ${KEY_BYTES} Byte)`);
}

function encrypt(key: Buffer, plaintext: Uint8Array, aad: Buffer) {
  assertKey(key);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

/** Decrypt; returns null when authentication fails (wrong key, wrong AAD, altered data). */
function decrypt(key: Buffer, ciphertext: Uint8Array, iv: Buffer, tag: Buffer, aad: Buffer): Buffer | null {
  assertKey(key);
  // authTagLength pins the tag to 16 bytes, so a truncated tag is never accepted.
  const decipher = crypto.createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Data keys
// ---------------------------------------------------------------------------------------------

/** A fresh random 32-byte data key, wrapped under the master key: `v1.<iv>.<tag>.<ciphertext>`. */
export function newWrappedDataKey(): string {
  const dataKey = crypto.randomBytes(KEY_BYTES);
  const { ciphertext, iv, tag } = encrypt(sealingKey(), dataKey, WRAP_AAD);
  dataKey.fill(0);
  return [WRAP_VERSION, b64url(iv), b64url(tag), b64url(ciphertext)].join(".");
}

/** The data key inside a wrapped string; throws on a malformed string, tampering or a wrong master key. */
export function unwrapDataKey(wrapped: string): Buffer {
  const parts = wrapped.split(".");
  if (parts.length !== 4 || parts[0] !== WRAP_VERSION) {
    throw new Error("Verpackter Datenschlüssel hat ein unbekanntes Format");
  }
  const iv = fromB64url(parts[1], IV_BYTES, "IV des Datenschlüssels");
  const tag = fromB64url(parts[2], TAG_BYTES, "Prüfwert des Datenschlüssels");
  const ciphertext = fromB64url(parts[3], KEY_BYTES, "Verpackter Datenschlüssel");
  const dataKey = decrypt(sealingKey(), ciphertext, iv, tag, WRAP_AAD);
  if (!dataKey) {
    throw new Error(
      "Datenschlüssel konnte nicht entpackt werden: falscher Versiegelungsschlüssel oder veränderte Daten",
    );
  }
  return dataKey;
}

// ---------------------------------------------------------------------------------------------
// Sealing
// ---------------------------------------------------------------------------------------------

export interface Sealed {
  ciphertext: Buffer;
  /** base64url, 12 bytes */
  iv: string;
  /** base64url, 16 bytes */
  tag: string;
}

function aadBytes(aad: string): Buffer {
  if (!aad) throw new Error("Versiegelung ohne Kontext (AAD) ist nicht erlaubt");
  return Buffer.from(aad, "utf8");
}

/** Encrypt bytes under a data key, bound to `aad` (e.g. `offer:<id>:v<version>`). */
export function seal(dataKey: Buffer, plaintext: Uint8Array, aad: string): Sealed {
  const { ciphertext, iv, tag } = encrypt(dataKey, plaintext, aadBytes(aad));
  return { ciphertext, iv: b64url(iv), tag: b64url(tag) };
}

/** Decrypt sealed bytes; throws when the key, the AAD, the IV, the tag or the ciphertext do not match. */
export function unseal(dataKey: Buffer, ciphertext: Uint8Array, iv: string, tag: string, aad: string): Buffer {
  const plaintext = decrypt(
    dataKey,
    ciphertext,
    fromB64url(iv, IV_BYTES, "IV"),
    fromB64url(tag, TAG_BYTES, "Prüfwert"),
    aadBytes(aad),
  );
  if (!plaintext) {
    throw new Error(
      "Versiegelte Daten konnten nicht geöffnet werden: Echtheitsprüfung fehlgeschlagen (falscher Schlüssel, falscher Kontext oder veränderte Daten)",
    );
  }
  return plaintext;
}

/** seal() for a plaintext given in parts (encrypted one after the other, never copied together). */
export function sealParts(dataKey: Buffer, parts: readonly Uint8Array[], aad: string): Sealed {
  assertKey(dataKey);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadBytes(aad));
  const ciphertext = Buffer.concat([...parts.map((p) => cipher.update(p)), cipher.final()]);
  return { ciphertext, iv: b64url(iv), tag: b64url(cipher.getAuthTag()) };
}

/** seal() for a JSON value (UTF-8). */
export function sealJson(dataKey: Buffer, value: unknown, aad: string): Sealed {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error("Wert lässt sich nicht als JSON versiegeln");
  return seal(dataKey, Buffer.from(json, "utf8"), aad);
}

/** unseal() for a JSON value. */
export function unsealJson<T = unknown>(dataKey: Buffer, ciphertext: Uint8Array, iv: string, tag: string, aad: string): T {
  return JSON.parse(unseal(dataKey, ciphertext, iv, tag, aad).toString("utf8")) as T;
}
