import { PDFDocument } from "pdf-lib";
import { sniffContentType } from "./files.server";

/**
 * Does an upload load as a PDF with at least one page? The magic bytes alone are not enough: an
 * HTML page that starts with `%PDF-` is not a document anyone can open. Loading takes CPU time
 * (milliseconds for a few MB), so call this before a transaction, never inside one (DESIGN.md § 7).
 * Encrypted PDFs are accepted as long as their page tree can be read.
 */
export async function isReadablePdf(bytes: Uint8Array): Promise<boolean> {
  if (sniffContentType(bytes) !== "application/pdf") return false;
  try {
    const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    return doc.getPageCount() >= 1;
  } catch {
    return false;
  }
}
