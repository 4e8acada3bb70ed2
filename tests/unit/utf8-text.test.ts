import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { utf8Text } from "~/lib/api-http.server";

describe("utf8Text (request bodies as text)", () => {
  it("gives what TextDecoder gives: byte order mark dropped, invalid bytes as U+FFFD, views at an offset", () => {
    const cases = [
      Buffer.from("\ufeff{\"a\":\"Prüfung ✓\"}", "utf8"),
      Buffer.from([0xef, 0xbb]), // half a byte order mark
      Buffer.from([0x7b, 0xff, 0xc3, 0x7d]), // invalid bytes
      Buffer.from("\ufeff\ufeffzwei", "utf8"), // only the first mark goes
      Buffer.alloc(0),
      crypto.randomBytes(5000),
    ];
    for (const bytes of cases) expect(utf8Text(bytes)).toBe(new TextDecoder().decode(bytes));
    const inner = Buffer.from("xx\ufeffäbc", "utf8").subarray(2);
    expect(utf8Text(inner)).toBe("äbc");
    expect(utf8Text(new Uint8Array(inner))).toBe(new TextDecoder().decode(inner));
  });
});
