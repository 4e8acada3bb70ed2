import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfigCache } from "~/lib/config.server";
import {
  newWrappedDataKey,
  resetSealingKeyCache,
  seal,
  sealJson,
  sealingKey,
  sealingKeyFile,
  unseal,
  unsealJson,
  unwrapDataKey,
} from "~/lib/sealing.server";

// config() is read lazily, so setting DATA_DIR here (before any call) is enough.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-sealing-"));
process.env.DATA_DIR = dataDir;
const savedSealingKey = process.env.SEALING_KEY;

beforeEach(() => {
  delete process.env.SEALING_KEY;
  resetConfigCache();
  resetSealingKeyCache();
});

afterAll(() => {
  if (savedSealingKey === undefined) delete process.env.SEALING_KEY;
  else process.env.SEALING_KEY = savedSealingKey;
  resetSealingKeyCache();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const AAD = "offer:42:v1";

function flip(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] ^= 0x01;
  return copy;
}

function flipB64url(text: string): string {
  return flip(Buffer.from(text, "base64url"), 0).toString("base64url");
}

describe("seal / unseal", () => {
  it("round-trips bytes, including a 2 MB buffer", () => {
    const dataKey = unwrapDataKey(newWrappedDataKey());
    const big = crypto.randomBytes(2 * 1024 * 1024);
    const sealed = seal(dataKey, big, AAD);
    expect(sealed.ciphertext.length).toBe(big.length);
    expect(unseal(dataKey, sealed.ciphertext, sealed.iv, sealed.tag, AAD).equals(big)).toBe(true);

    const empty = seal(dataKey, new Uint8Array(0), AAD);
    expect(unseal(dataKey, empty.ciphertext, empty.iv, empty.tag, AAD).length).toBe(0);
  });

  it("round-trips JSON with umlauts and €", () => {
    const dataKey = unwrapDataKey(newWrappedDataKey());
    const value = { bieter: "Müller & Söhne GmbH", preis: "12.345,67 €", positionen: [{ text: "Schulung für Ältere", ß: true }] };
    const sealed = sealJson(dataKey, value, AAD);
    expect(unsealJson(dataKey, sealed.ciphertext, sealed.iv, sealed.tag, AAD)).toEqual(value);
  });

  it("uses a fresh IV each time", () => {
    const dataKey = unwrapDataKey(newWrappedDataKey());
    const a = seal(dataKey, Buffer.from("gleich"), AAD);
    const b = seal(dataKey, Buffer.from("gleich"), AAD);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it("does not contain the plaintext in the ciphertext", () => {
    const dataKey = unwrapDataKey(newWrappedDataKey());
    const marker = "GEHEIMPREIS-7f3a9c-Angebotssumme";
    const plaintext = Buffer.from(`Anfang ${marker} Mitte ${marker} Ende`, "utf8");
    const sealed = seal(dataKey, plaintext, AAD);
    expect(sealed.ciphertext.includes(Buffer.from(marker, "utf8"))).toBe(false);
    expect(sealed.ciphertext.toString("latin1")).not.toContain(marker);
    expect(sealed.ciphertext.toString("base64")).not.toContain(Buffer.from(marker).toString("base64"));
  });

  it("fails with a German error on the wrong AAD", () => {
    const dataKey = unwrapDataKey(newWrappedDataKey());
    const sealed = seal(dataKey, Buffer.from("Angebot"), "offer:1:v1");
    expect(() => unseal(dataKey, sealed.ciphertext, sealed.iv, sealed.tag, "offer:2:v1")).toThrow(/Echtheitsprüfung fehlgeschlagen/);
    expect(() => unseal(dataKey, sealed.ciphertext, sealed.iv, sealed.tag, "offer:1:v2")).toThrow(/Echtheitsprüfung fehlgeschlagen/);
  });

  it("fails on a flipped ciphertext byte, a flipped tag, a flipped IV or another data key", () => {
    const dataKey = unwrapDataKey(newWrappedDataKey());
    const sealed = seal(dataKey, Buffer.from("Angebot über 1.000 €"), AAD);
    const { ciphertext, iv, tag } = sealed;
    expect(() => unseal(dataKey, flip(ciphertext, 3), iv, tag, AAD)).toThrow(/Echtheitsprüfung fehlgeschlagen/);
    expect(() => unseal(dataKey, ciphertext, iv, flipB64url(tag), AAD)).toThrow(/Echtheitsprüfung fehlgeschlagen/);
    expect(() => unseal(dataKey, ciphertext, flipB64url(iv), tag, AAD)).toThrow(/Echtheitsprüfung fehlgeschlagen/);
    const otherKey = unwrapDataKey(newWrappedDataKey());
    expect(() => unseal(otherKey, ciphertext, iv, tag, AAD)).toThrow(/Echtheitsprüfung fehlgeschlagen/);
    // a truncated tag is refused, not accepted as a shorter tag
    const shortTag = Buffer.from(tag, "base64url").subarray(0, 4).toString("base64url");
    expect(() => unseal(dataKey, ciphertext, iv, shortTag, AAD)).toThrow(/falsche Länge/);
  });
});

describe("wrapped data keys", () => {
  it("have the compact v1 format and unwrap to 32 random bytes", () => {
    const wrapped = newWrappedDataKey();
    expect(wrapped).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const dataKey = unwrapDataKey(wrapped);
    expect(dataKey.length).toBe(32);
    expect(unwrapDataKey(wrapped).equals(dataKey)).toBe(true);
    expect(unwrapDataKey(newWrappedDataKey()).equals(dataKey)).toBe(false);
  });

  it("refuse a tampered wrapping", () => {
    const [v, iv, tag, ct] = newWrappedDataKey().split(".");
    expect(() => unwrapDataKey([v, iv, tag, flipB64url(ct)].join("."))).toThrow(/nicht entpackt/);
    expect(() => unwrapDataKey([v, iv, flipB64url(tag), ct].join("."))).toThrow(/nicht entpackt/);
    expect(() => unwrapDataKey(["v2", iv, tag, ct].join("."))).toThrow(/unbekanntes Format/);
  });

  it("cannot be unwrapped after SEALING_KEY changes", () => {
    process.env.SEALING_KEY = crypto.randomBytes(32).toString("base64");
    const wrapped = newWrappedDataKey();
    const dataKey = unwrapDataKey(wrapped);

    process.env.SEALING_KEY = crypto.randomBytes(32).toString("base64");
    resetSealingKeyCache();
    expect(() => unwrapDataKey(wrapped)).toThrow(/falscher Versiegelungsschlüssel/);
    expect(dataKey.length).toBe(32);
  });
});

describe("master sealing key", () => {
  it("is generated once into DATA_DIR/keys/sealing.key (0600, directory 0700) and reused", () => {
    const file = path.join(dataDir, "keys", "sealing.key");
    expect(sealingKeyFile()).toBe(file);
    const key = sealingKey();
    expect(key.length).toBe(32);
    expect(fs.existsSync(file)).toBe(true);
    if (process.platform !== "win32") {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    }
    // no temp files left behind
    expect(fs.readdirSync(path.dirname(file))).toEqual(["sealing.key"]);

    const wrapped = newWrappedDataKey();
    resetSealingKeyCache();
    resetConfigCache();
    expect(sealingKey().equals(key)).toBe(true);
    expect(unwrapDataKey(wrapped).length).toBe(32);
  });

  it("accepts SEALING_KEY as hex and as base64 (the same key either way)", () => {
    const raw = crypto.randomBytes(32);
    process.env.SEALING_KEY = raw.toString("hex");
    expect(sealingKey().equals(raw)).toBe(true);
    const wrapped = newWrappedDataKey();

    resetSealingKeyCache();
    process.env.SEALING_KEY = raw.toString("base64");
    expect(sealingKey().equals(raw)).toBe(true);
    expect(unwrapDataKey(wrapped).length).toBe(32);

    resetSealingKeyCache();
    process.env.SEALING_KEY = ` ${raw.toString("base64url")}\n`;
    expect(sealingKey().equals(raw)).toBe(true);
  });

  it("refuses a 16-byte or malformed SEALING_KEY with a German message", () => {
    process.env.SEALING_KEY = crypto.randomBytes(16).toString("base64");
    expect(() => sealingKey()).toThrow(/SEALING_KEY ist ungültig: erwartet werden genau 32 Byte/);
    process.env.SEALING_KEY = crypto.randomBytes(16).toString("hex");
    expect(() => sealingKey()).toThrow(/SEALING_KEY ist ungültig/);
    process.env.SEALING_KEY = "kein Schlüssel!";
    expect(() => sealingKey()).toThrow(/SEALING_KEY ist ungültig/);
  });
});
