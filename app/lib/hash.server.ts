import crypto from "node:crypto";

/** SHA-256 of text (UTF-8) or bytes, as 64 lowercase hex digits: the one hash helper of the application. */
export function sha256Hex(data: string | Uint8Array): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}
