import { describe, expect, it } from "vitest";
import { decodeSealedOffer, encodeSealedOffer } from "~/domain/sealed-offer";

const join = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const content = { lots: [{ lotId: 7, unitPriceCents: 123457, successFeeCents: null }], declarations: { eligible: true }, concept: { filename: "Konzept „Ü“.pdf", sha256: "ab", size: 5 } };

describe("the sealed offer's plaintext", () => {
  it("format 2: magic, header length, header JSON, then the concept's bytes unchanged (no base64)", () => {
    const concept = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const parts = encodeSealedOffer(content, concept);
    expect(parts[1]).toBe(concept); // not copied
    const plain = join(parts);
    expect(Buffer.from(plain.subarray(0, 8)).toString("latin1")).toBe("VTOFFER2");
    const header = Buffer.from(JSON.stringify(content), "utf8");
    expect(Buffer.from(plain).readUInt32BE(8)).toBe(header.length);
    expect(plain.length).toBe(12 + header.length + concept.length);
    const back = decodeSealedOffer<typeof content>(plain);
    expect(back.format).toBe(2);
    expect(back.content).toEqual(content);
    expect(Array.from(back.concept!)).toEqual(Array.from(concept));
  });
  it("format 2 without a concept", () => {
    const back = decodeSealedOffer(join(encodeSealedOffer(content, null)));
    expect(back.concept).toBeNull();
    expect(back.content).toEqual(content);
  });
  it("format 1 (JSON with the concept in base64) is still read", () => {
    const legacy = new Uint8Array(Buffer.from(JSON.stringify({ content, conceptBase64: Buffer.from("%PDF-1").toString("base64") }), "utf8"));
    const back = decodeSealedOffer(legacy);
    expect(back.format).toBe(1);
    expect(back.content).toEqual(content);
    expect(Buffer.from(back.concept!).toString("latin1")).toBe("%PDF-1");
    expect(decodeSealedOffer(new Uint8Array(Buffer.from(JSON.stringify({ content, conceptBase64: null })))).concept).toBeNull();
  });
  it("a header longer than the plaintext is refused, not read past its end", () => {
    const plain = join(encodeSealedOffer(content, null));
    Buffer.from(plain.buffer, plain.byteOffset).writeUInt32BE(plain.length, 8);
    expect(() => decodeSealedOffer(plain)).toThrow(/beschädigt/);
  });
});
