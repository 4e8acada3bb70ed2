import type { EntityManager } from "typeorm";
import { Document } from "../../entities";
import { nowIso } from "./clock.server";
import { readBytes, storeBytes } from "./files.server";
import { renderPdf, type TemplateData } from "./pdf.server";
import { getSettings } from "./settings.server";

/**
 * Documents: generated PDFs and uploads. The bytes live in the content-addressed file store,
 * the row records title, type, owner and SHA-256. A generated document is never regenerated in
 * place: every generation is a new row (the old one stays as it was sent).
 *
 * The bytes are written before the row is inserted; if the surrounding transaction rolls back,
 * an unreferenced file remains in the store, which is harmless (content-addressed, immutable).
 */

export type DocumentOrigin = "generated" | "upload";

export interface StoreDocumentInput {
  origin: DocumentOrigin;
  title: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  template?: string | null;
  entityType?: string;
  entityId?: string | number;
  providerId?: number | null;
  createdById?: number | null;
}

export interface GenerateDocumentInput {
  template: string;
  data: TemplateData;
  title: string;
  filename: string;
  entityType?: string;
  entityId?: string | number;
  providerId?: number | null;
  createdById?: number | null;
}

/** A file name safe to store and to send: no path parts, no control characters, at most 200 characters. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>:|?*]/g, "").replace(/\s+/g, " ").trim().replace(/^\.+/, "");
  const result = cleaned || "dokument";
  if (result.length <= 200) return result;
  const dot = result.lastIndexOf(".");
  const ext = dot > 0 && result.length - dot <= 10 ? result.slice(dot) : "";
  return result.slice(0, 200 - ext.length) + ext;
}

/** Store bytes in the file store and insert the document row. */
export async function storeDocument(em: EntityManager, input: StoreDocumentInput): Promise<Document> {
  if (input.origin !== "generated" && input.origin !== "upload") throw new Error(`Unbekannte Dokumentherkunft „${String(input.origin)}“`);
  const stored = await storeBytes(input.bytes);
  const repo = em.getRepository(Document);
  const doc = repo.create({
    origin: input.origin,
    title: input.title.trim().slice(0, 200) || "Dokument",
    filename: safeFilename(input.filename),
    contentType: input.contentType.slice(0, 100),
    size: stored.size,
    sha256: stored.sha256,
    template: input.template ?? null,
    entityType: (input.entityType ?? "").slice(0, 50),
    entityId: input.entityId === undefined || input.entityId === null ? "" : String(input.entityId).slice(0, 50),
    providerId: input.providerId ?? null,
    createdAt: nowIso(),
    createdById: input.createdById ?? null,
  });
  return repo.save(doc);
}

/** Render a template with the authority's letterhead and store the PDF as a new document. */
export async function generateDocument(em: EntityManager, input: GenerateDocumentInput): Promise<Document> {
  const settings = await getSettings(em);
  const bytes = await renderPdf({
    template: input.template,
    data: input.data,
    title: input.title,
    letterhead: {
      authority: settings["letterhead.authority"],
      address: settings["letterhead.address"],
      contact: settings["letterhead.contact"],
      footer: settings["letterhead.footer"],
    },
  });
  const filename = /\.pdf$/i.test(input.filename) ? input.filename : `${input.filename}.pdf`;
  return storeDocument(em, {
    origin: "generated",
    title: input.title,
    filename,
    contentType: "application/pdf",
    bytes,
    template: input.template,
    entityType: input.entityType,
    entityId: input.entityId,
    providerId: input.providerId ?? null,
    createdById: input.createdById ?? null,
  });
}

const INLINE_TYPES = new Set(["application/pdf", "image/png", "image/jpeg"]);

const TRANSLIT: Record<string, string> = { ä: "ae", ö: "oe", ü: "ue", Ä: "Ae", Ö: "Oe", Ü: "Ue", ß: "ss" };

/** `Content-Disposition` with an ASCII fallback and the RFC 5987 `filename*` for umlauts. */
export function contentDisposition(filename: string, type: "inline" | "attachment" = "inline"): string {
  const name = safeFilename(filename);
  const ascii = name
    .replace(/[äöüÄÖÜß]/g, (c) => TRANSLIT[c])
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/g, "_")
    .replace(/["\\;%]/g, "_");
  if (ascii === name) return `${type}; filename="${ascii}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The stored bytes as an HTTP response. Access checks are the caller's job. PDFs and images are
 * shown inline; any other stored type is offered as a download only.
 */
export async function documentResponse(doc: Document): Promise<Response> {
  const bytes = await readBytes(doc.sha256);
  const inline = INLINE_TYPES.has(doc.contentType);
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "Content-Type": inline ? doc.contentType : "application/octet-stream",
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": contentDisposition(doc.filename, inline ? "inline" : "attachment"),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
      ETag: `"${doc.sha256}"`,
    },
  });
}
