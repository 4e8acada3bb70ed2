/**
 * The plaintext of a sealed offer (encrypted whole by app/lib/sealing.server.ts).
 *
 * Format 2 (binary): the 8 bytes "VTOFFER2", the length of the header as a 32-bit big-endian
 * number, the header (the offer's content as UTF-8 JSON), then the concept's bytes as they were
 * uploaded. A 2 MB concept is encrypted as 2 MB, not re-encoded into 2.7 MB of base64 inside a
 * JSON string first (that alone took about a fifth of an offer's processor time in the deadline
 * rush).
 * Format 1 (offers sealed before): UTF-8 JSON {"content": …, "conceptBase64": "…" | null}. It is
 * still read; it starts with "{", never with the magic.
 */
const MAGIC = new TextEncoder().encode("VTOFFER2");

export interface DecodedOffer<C> {
  content: C;
  concept: Uint8Array | null;
  format: 1 | 2;
}

/** The parts to encrypt one after the other (no copy of the concept): magic + length + header, then the concept. */
export function encodeSealedOffer(content: unknown, concept: Uint8Array | null): Uint8Array[] {
  const header = new TextEncoder().encode(JSON.stringify(content));
  const head = new Uint8Array(MAGIC.length + 4 + header.length);
  head.set(MAGIC, 0);
  new DataView(head.buffer).setUint32(MAGIC.length, header.length, false);
  head.set(header, MAGIC.length + 4);
  return concept && concept.length ? [head, concept] : [head];
}

export function decodeSealedOffer<C>(plaintext: Uint8Array): DecodedOffer<C> {
  const isV2 = plaintext.length >= MAGIC.length + 4 && MAGIC.every((b, i) => plaintext[i] === b);
  if (!isV2) {
    const legacy = JSON.parse(new TextDecoder().decode(plaintext)) as { content: C; conceptBase64: string | null };
    return { content: legacy.content, concept: legacy.conceptBase64 ? Uint8Array.from(Buffer.from(legacy.conceptBase64, "base64")) : null, format: 1 };
  }
  const length = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).getUint32(MAGIC.length, false);
  const start = MAGIC.length + 4;
  if (start + length > plaintext.length) throw new Error("Versiegeltes Angebot ist beschädigt (Kopf länger als der Inhalt)");
  const content = JSON.parse(new TextDecoder().decode(plaintext.subarray(start, start + length))) as C;
  const rest = plaintext.subarray(start + length);
  return { content, concept: rest.length ? rest : null, format: 2 };
}
