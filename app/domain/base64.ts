/**
 * The bytes of strict base64 text, or null. Node's decoder skips characters it does not know and
 * takes the URL alphabet too, so what it decoded is checked:
 * - fast: a padded text whose decoded length is exactly three quarters of its own (less the
 *   padding) had no character skipped; with no "-" or "_" and a last group that encodes its bytes
 *   exactly, it is the canonical encoding of what was decoded (half the time of the slow check
 *   for a 20 MB concept, and a regular expression over the text takes three times that);
 * - slow, for anything else (e.g. MIME line breaks): encoded again and compared, whitespace aside.
 */
export function base64Bytes(text: string): Buffer | null {
  const bytes = Buffer.from(text, "base64");
  const n = text.length;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (n % 4 === 0 && bytes.length === (n / 4) * 3 - pad) {
    if (n === 0) return bytes;
    if (!text.includes("-") && !text.includes("_") && bytes.subarray(bytes.length - (3 - pad)).toString("base64") === text.slice(n - 4)) return bytes;
  }
  const again = bytes.toString("base64");
  return again === text || again === text.replace(/\s/g, "") ? bytes : null;
}
