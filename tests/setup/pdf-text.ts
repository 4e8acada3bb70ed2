import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The text of a PDF (all pages, or one), as poppler's pdftotext reads it with its layout. */
export function pdfText(bytes: Uint8Array, page?: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-pdf-"));
  try {
    const file = path.join(dir, "doc.pdf");
    fs.writeFileSync(file, bytes);
    const range = page ? ["-f", String(page), "-l", String(page)] : [];
    return execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", ...range, file, "-"], { encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
