import type { EntityManager } from "typeorm";
import { Document } from "../../entities";
import { insertRow } from "./db.server";
import { nowIso } from "./clock.server";
import { readBytes, storeBytes, type StoredFile } from "./files.server";
import { sha256Hex } from "./hash.server";
import { loadTemplate, renderPdfFromText, type Letterhead, type TemplateData } from "./pdf.server";
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
  /**
   * The bytes already in the file store (storeBytes, called before the transaction): hashing and
   * writing a large file is CPU and disk work that must not hold the write gate (DESIGN.md § 7).
   * The store is content-addressed, so bytes stored for a transaction that then fails do no harm.
   */
  stored?: StoredFile;
  title: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  template?: string | null;
  entityType?: string;
  entityId?: string | number;
  providerId?: number | null;
  createdById?: number | null;
  sourceHash?: string | null;
}

export interface GenerateDocumentInput {
  template: string;
  data: TemplateData;
  /**
   * Values printed in the document that do not make it a different document (the moment it was
   * printed, "Stand: …"). They are left out of the source fingerprint.
   */
  stamp?: TemplateData;
  title: string;
  filename: string;
  entityType?: string;
  entityId?: string | number;
  providerId?: number | null;
  createdById?: number | null;
}

/**
 * A rendered document whose row is not yet stored: render outside the transaction, store the row
 * inside it. Its bytes are usually already in the content-addressed file store (hashed and
 * written outside the transaction too; bytes stored for a transaction that then fails do no
 * harm). `stored` is null for a document that must not reach the disk before its transaction
 * decides (the opening record: decrypted offers); storePrepared writes it then.
 */
export interface PreparedDocument {
  input: GenerateDocumentInput;
  bytes: Uint8Array;
  stored: StoredFile | null;
  /** SHA-256 over template text, data (without the stamp) and letterhead. */
  sourceHash: string;
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
  const stored = input.stored ?? (await storeBytes(input.bytes));
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
    sourceHash: input.sourceHash ?? null,
  });
  return insertRow(em, Document, doc);
}

/** JSON with sorted object keys, so equal data gives equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/** The fingerprint of a document's source: what it says, not when it was printed. */
export function documentSourceHash(templateText: string, data: TemplateData, letterhead: Letterhead): string {
  return sha256Hex(new TextEncoder().encode(canonical({ templateText, data, letterhead })));
}

async function letterheadOf(em: EntityManager | undefined): Promise<Letterhead> {
  const settings = await getSettings(em);
  return {
    authority: settings["letterhead.authority"],
    address: settings["letterhead.address"],
    contact: settings["letterhead.contact"],
    footer: settings["letterhead.footer"],
  };
}

/** What a document will say, before it is rendered: enough to find an identical stored one. */
export interface DocumentSource {
  input: GenerateDocumentInput;
  templateText: string;
  letterhead: Letterhead;
  sourceHash: string;
}

/** Load the template and letterhead and fingerprint the source (`em` only reads settings). */
export async function describeDocument(input: GenerateDocumentInput, em?: EntityManager): Promise<DocumentSource> {
  for (const key of Object.keys(input.stamp ?? {})) if (key in input.data) throw new Error(`Platzhalter {{${key}}} steht in data und stamp`);
  const letterhead = await letterheadOf(em);
  const templateText = await loadTemplate(input.template);
  return { input, templateText, letterhead, sourceHash: documentSourceHash(templateText, input.data, letterhead) };
}

/**
 * Render a described document and write its bytes to the file store (CPU work: call it outside a
 * transaction). `store: false` keeps the bytes in memory only (see PreparedDocument).
 */
export async function renderDocument(source: DocumentSource, options: { store?: boolean } = {}): Promise<PreparedDocument> {
  const { input } = source;
  const bytes = await renderPdfFromText(source.templateText, { ...input.data, ...(input.stamp ?? {}) }, source.letterhead, { title: input.title });
  return { input, bytes, stored: options.store === false ? null : await storeBytes(bytes), sourceHash: source.sourceHash };
}

/** Describe and render a document from plain data (outside a transaction). */
export async function prepareDocument(input: GenerateDocumentInput, em?: EntityManager, options: { store?: boolean } = {}): Promise<PreparedDocument> {
  return renderDocument(await describeDocument(input, em), options);
}

/** The latest stored document of the same entity and template with the same source, if any. */
export async function findSameDocument(em: EntityManager, prepared: Pick<PreparedDocument, "input" | "sourceHash">): Promise<Document | null> {
  const { input } = prepared;
  return em.getRepository(Document).findOne({
    where: {
      origin: "generated",
      template: input.template,
      entityType: (input.entityType ?? "").slice(0, 50),
      entityId: input.entityId === undefined || input.entityId === null ? "" : String(input.entityId).slice(0, 50),
      sourceHash: prepared.sourceHash,
    },
    order: { id: "DESC" },
  });
}

/** Store a prepared document as a new row (inside the caller's transaction). */
export async function storePrepared(em: EntityManager, prepared: PreparedDocument): Promise<Document> {
  const { input } = prepared;
  const filename = /\.pdf$/i.test(input.filename) ? input.filename : `${input.filename}.pdf`;
  return storeDocument(em, {
    stored: prepared.stored ?? undefined,
    origin: "generated",
    title: input.title,
    filename,
    contentType: "application/pdf",
    bytes: prepared.bytes,
    template: input.template,
    entityType: input.entityType,
    entityId: input.entityId,
    providerId: input.providerId ?? null,
    createdById: input.createdById ?? null,
    sourceHash: prepared.sourceHash,
  });
}

/**
 * Store a document inside the caller's transaction, from bytes rendered before it (DESIGN.md § 7:
 * no PDF rendering while the write gate is held). `input` is built inside the transaction from
 * what it reads there; `ahead` was rendered outside from what was read before. Its bytes are
 * used when both say the same (same source fingerprint); if something changed in between (a
 * rare race), the document is rendered here after all, so it never says anything stale.
 * Metadata (title, filename, entity) always comes from `input`.
 */
export async function storeRendered(em: EntityManager, input: GenerateDocumentInput, ahead: PreparedDocument | null | undefined): Promise<Document> {
  const source = await describeDocument(input, em);
  if (ahead && ahead.input.template === input.template && ahead.sourceHash === source.sourceHash) return storePrepared(em, { ...ahead, input });
  return storePrepared(em, await renderDocument(source));
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
