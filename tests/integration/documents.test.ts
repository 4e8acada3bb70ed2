import { freshDatabase } from "../setup/db";
import { pdfText } from "../setup/pdf-text";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { Document } from "../../entities";
import { resetClock, setClock } from "~/lib/clock.server";
import { config } from "~/lib/config.server";
import { tx } from "~/lib/db.server";
import { documentResponse, prepareDocument, storeDocument, storeRendered } from "~/lib/documents.server";
import { filesRoot, readBytes, sniffContentType, storeBytes } from "~/lib/files.server";
import { renderPdf, type Letterhead, type TemplateData } from "~/lib/pdf.server";

beforeAll(async () => {
  await freshDatabase();
});

const letterhead: Letterhead = {
  authority: "Landkreis Weißenberg · Jobcenter Größe",
  address: "Müller & Söhne Straße 1\n02627 Weißenberg",
  contact: "Telefon 035876 0 · jobcenter@weissenberg.invalid",
  footer: "Zugelassener kommunaler Träger nach § 6a SGB II",
};

function datasheetData(contactCount: number): TemplateData {
  return {
    name: "Müller & Söhne Straße gGmbH",
    kindLabel: "Träger",
    legalForm: "gGmbH",
    address: "Hauptstraße 5\n02627 Weißenberg",
    region: "Weißenberg",
    vatId: "DE123456789",
    serviceCategories: "Aktivierung, Größe 1.234,56 €",
    tradeRegistrationDate: null,
    certificationState: "gültig",
    generatedAt: "01.03.2026, 10:00 Uhr",
    contacts: Array.from({ length: contactCount }, (_, i) => ({
      name: `Jürgen Weiß ${i + 1}`,
      role: i % 2 ? "Geschäftsführung" : "Qualitätsmanagement",
      email: `person${i + 1}@mueller-soehne.example`,
      phone: `035876 ${1000 + i}`,
    })),
    certifications: Array.from({ length: 8 }, (_, i) => ({
      body: "CERTQUA GmbH",
      number: `Z-${2024}-${100 + i}`,
      validFrom: "01.04.2024",
      validUntil: "31.03.2029",
      scope: "Maßnahmen nach § 45 SGB III",
    })),
  };
}

const sha256 = (b: Uint8Array) => crypto.createHash("sha256").update(b).digest("hex");

describe("provider datasheet PDF", () => {
  it("renders, stores and extracts back with umlauts, € and ß on several pages", async () => {
    setClock("2026-03-01T09:00:00Z");
    try {
      const bytes = await renderPdf({ template: "provider-datasheet", data: datasheetData(60), letterhead, title: "Stammdatenblatt Müller & Söhne" });
      expect(sniffContentType(bytes)).toBe("application/pdf");

      const doc = await tx((em) =>
        storeDocument(em, {
          origin: "generated",
          title: "Stammdatenblatt Müller & Söhne",
          filename: "Stammdatenblatt Müller & Söhne.pdf",
          contentType: "application/pdf",
          bytes,
          template: "provider-datasheet",
          entityType: "provider",
          entityId: 7,
          providerId: null,
        }),
      );
      expect(doc.id).toBeGreaterThan(0);
      expect(doc.size).toBe(bytes.byteLength);
      expect(doc.sha256).toBe(sha256(bytes));
      expect(doc.entityId).toBe("7");
      expect(doc.createdAt).toMatch(/^2026-03-01T09:00/);
      const stored = await readBytes(doc.sha256);
      expect(sha256(stored)).toBe(doc.sha256);
      expect(fs.existsSync(path.join(config().dataDir, "files", doc.sha256.slice(0, 2), doc.sha256.slice(2, 4), doc.sha256))).toBe(true);

      const text = pdfText(stored);
      expect(text).not.toContain("{{");
      expect(text).not.toContain("}}");
      for (const s of ["Müller & Söhne Straße", "Größe", "1.234,56 €", "Weißenberg", "Jürgen Weiß 60", "Qualitätsmanagement", "Stand: 01.03.2026"]) {
        expect(text).toContain(s);
      }
      const pages = Number(/Seite 1 von (\d+)/.exec(text)?.[1]);
      expect(pages).toBeGreaterThanOrEqual(2);

      const page2 = pdfText(stored, 2);
      expect(page2).toContain("Landkreis Weißenberg · Jobcenter Größe");
      expect(page2).toContain(`Seite 2 von ${pages}`);
      // The contacts table continues with its header row repeated.
      expect(page2).toMatch(/Name\s+Funktion\s+E-Mail\s+Telefon/);

      const pdf = await PDFDocument.load(stored, { updateMetadata: false });
      expect(pdf.getPageCount()).toBe(pages);
      expect(pdf.getTitle()).toBe("Stammdatenblatt Müller & Söhne");
      expect(pdf.getAuthor()).toBe(letterhead.authority);
      expect(pdf.getCreator()).toBe("Vergabe und Trägerverwaltung");
      const created = pdf.getCreationDate()!;
      expect(Math.abs(created.getTime() - Date.parse("2026-03-01T09:00:00Z"))).toBeLessThan(60_000);
      const { width, height } = pdf.getPage(0).getSize();
      expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    } finally {
      resetClock();
    }
  });

  it("refuses to render when a placeholder has no value", async () => {
    const data = datasheetData(1);
    delete data.region;
    await expect(renderPdf({ template: "provider-datasheet", data, letterhead })).rejects.toThrow(/\{\{region\}\}/);
    await expect(renderPdf({ template: "../package", data, letterhead })).rejects.toThrow(/Vorlagenname/);
  });
});

describe("storeRendered", () => {
  const input = (contacts: number, generatedAt: string) => {
    const { generatedAt: _, ...data } = datasheetData(contacts);
    return { template: "provider-datasheet", data, stamp: { generatedAt }, title: "Stammdatenblatt", filename: "stammdatenblatt-7", entityType: "provider", entityId: "7", providerId: null, createdById: null };
  };

  it("stores the bytes rendered before the transaction when the content is the same, with the letterhead, a new row on every call", async () => {
    const ahead = await prepareDocument(input(2, "01.03.2026, 10:00 Uhr"));
    // Inside, only the print time differs (a stamp, not content): the bytes from before are kept.
    const first = await tx((em) => storeRendered(em, input(2, "01.03.2026, 10:05 Uhr"), ahead));
    const second = await tx((em) => storeRendered(em, input(2, "01.03.2026, 10:06 Uhr"), ahead));
    expect(second.id).not.toBe(first.id);
    expect(first.sha256).toBe(ahead.stored!.sha256);
    expect(second.sha256).toBe(ahead.stored!.sha256);
    expect(first.origin).toBe("generated");
    expect(first.template).toBe("provider-datasheet");
    expect(first.filename).toBe("stammdatenblatt-7.pdf");
    expect(first.contentType).toBe("application/pdf");

    const rows = await tx((em) => em.getRepository(Document).find({ where: { entityType: "provider", entityId: "7", template: "provider-datasheet" } }));
    expect(rows.length).toBeGreaterThanOrEqual(2);

    const text = pdfText(await readBytes(first.sha256));
    expect(text).toContain("Landkreis Kamenz");
    expect(text).toContain("Macherstraße 55");
    expect(text).toContain("01.03.2026, 10:00 Uhr");
    expect(text).toMatch(/Seite 1 von \d+/);
  });

  it("renders in the transaction after all when the content changed since (a race), or when nothing was rendered before", async () => {
    const ahead = await prepareDocument(input(2, "01.03.2026, 10:00 Uhr"));
    const changed = await tx((em) => storeRendered(em, input(3, "01.03.2026, 10:05 Uhr"), ahead));
    expect(changed.sha256).not.toBe(ahead.stored!.sha256);
    expect(pdfText(await readBytes(changed.sha256))).toContain("01.03.2026, 10:05 Uhr");
    const none = await tx((em) => storeRendered(em, input(2, "01.03.2026, 10:07 Uhr"), null));
    expect(pdfText(await readBytes(none.sha256))).toContain("01.03.2026, 10:07 Uhr");
  });
});

describe("documentResponse", () => {
  it("sends the stored bytes with safe headers", async () => {
    const bytes = await renderPdf({ template: "provider-datasheet", data: datasheetData(1), letterhead });
    const doc = await tx((em) =>
      storeDocument(em, {
        origin: "generated",
        title: "Übersicht",
        filename: "Übersicht Größe.pdf",
        contentType: "application/pdf",
        bytes,
      }),
    );
    const res = await documentResponse(doc);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toBe(
      `inline; filename="Uebersicht Groesse.pdf"; filename*=UTF-8''%C3%9Cbersicht%20Gr%C3%B6%C3%9Fe.pdf`,
    );
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(res.headers.get("ETag")).toBe(`"${doc.sha256}"`);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(sha256(body)).toBe(doc.sha256);
  });

  it("offers types that are not shown inline as a download", async () => {
    const doc = await tx((em) =>
      storeDocument(em, { origin: "upload", title: "Notiz", filename: "../notiz.html", contentType: "text/html", bytes: new TextEncoder().encode("<script>1</script>") }),
    );
    expect(doc.filename).toBe("notiz.html");
    const res = await documentResponse(doc);
    expect(res.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="notiz.html"`);
  });
});

describe("file store", () => {
  it("stores content once, at ab/cd/<sha256>", async () => {
    const bytes = new TextEncoder().encode("Größe 1.234,56 €");
    const a = await storeBytes(bytes);
    const b = await storeBytes(bytes);
    expect(a).toEqual(b);
    expect(a.storageKey).toBe(`${a.sha256.slice(0, 2)}/${a.sha256.slice(2, 4)}/${a.sha256}`);
    expect(a.size).toBe(bytes.byteLength);
    const dir = path.join(filesRoot(), a.sha256.slice(0, 2), a.sha256.slice(2, 4));
    expect(fs.readdirSync(dir)).toEqual([a.sha256]);
    expect(Buffer.from(await readBytes(a.sha256)).equals(Buffer.from(bytes))).toBe(true);
  });

  it("notices a damaged file and refuses bad hashes", async () => {
    const a = await storeBytes(new TextEncoder().encode("unverändert"));
    fs.writeFileSync(path.join(filesRoot(), ...a.storageKey.split("/")), "verändert");
    await expect(readBytes(a.sha256)).rejects.toThrow(/beschädigt/);
    await expect(readBytes("../../etc/passwd")).rejects.toThrow(/Ungültige Prüfsumme/);
    await expect(readBytes("0".repeat(64))).rejects.toThrow(/fehlt/);
  });

  it("sniffs PDF, PNG and JPEG by their magic bytes", () => {
    expect(sniffContentType(new TextEncoder().encode("%PDF-1.7\n"))).toBe("application/pdf");
    expect(sniffContentType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
    expect(sniffContentType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffContentType(new TextEncoder().encode("<html>"))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
  });
});
