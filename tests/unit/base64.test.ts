import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { base64Bytes } from "~/domain/base64";

/** The definition the fast check must agree with: the bytes, encoded again, give the text (whitespace aside). */
function byReencoding(text: string): Buffer | null {
  const bytes = Buffer.from(text, "base64");
  const again = bytes.toString("base64");
  return again === text || again === text.replace(/\s/g, "") ? bytes : null;
}

const decoded = base64Bytes;

describe("strict base64", () => {
  it("accepts canonical base64 and MIME line breaks, refuses what Node would decode around", () => {
    const b = Buffer.from("Konzept für Los 1");
    const text = b.toString("base64");
    expect(decoded(text)).toEqual(b);
    expect(decoded(text.replace(/.{8}/g, "$&\r\n"))).toEqual(b);
    expect(decoded(`${text.slice(0, 4)}*${text.slice(4)}`)).toBeNull(); // a stray character
    expect(decoded(`${text.slice(0, 4)}=${text.slice(4)}`)).toBeNull(); // padding inside
    expect(decoded(Buffer.from([0xfb, 0xff]).toString("base64url"))).toBeNull(); // URL alphabet "-_"
    expect(decoded("QQ")).toBeNull(); // unpadded
    expect(decoded("QR==")).toBeNull(); // bits after the last byte
    expect(decoded("QQ==")).toEqual(Buffer.from("A"));
    expect(decoded("")).toEqual(Buffer.alloc(0));
  });

  it("agrees with encoding again on 100,000 mutated texts", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ *\n\r.ä";
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let refused = 0;
    for (let i = 0; i < 100_000; i++) {
      let t = crypto.randomBytes(Math.floor(rnd() * 12)).toString("base64");
      for (let j = Math.floor(rnd() * 3); j > 0; j--) {
        const pos = Math.floor(rnd() * (t.length + 1));
        const ch = alphabet[Math.floor(rnd() * alphabet.length)];
        const op = rnd();
        t = op < 0.4 ? t.slice(0, pos) + ch + t.slice(pos) : op < 0.7 ? t.slice(0, pos) + ch + t.slice(pos + 1) : t.slice(0, pos) + t.slice(pos + 1);
      }
      const expected = byReencoding(t);
      const actual = decoded(t);
      if (!expected) refused++;
      expect(actual === null ? null : actual.toString("hex"), JSON.stringify(t)).toBe(expected === null ? null : expected.toString("hex"));
    }
    // Both kinds occur (the mutations do break texts).
    expect(refused).toBeGreaterThan(10_000);
    expect(refused).toBeLessThan(90_000);
  });
});
