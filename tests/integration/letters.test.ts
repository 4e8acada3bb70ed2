import { freshDatabase } from "../setup/db";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditEvent, Document, Offer, Provider, Tender, User } from "../../entities";
import { ValidationError } from "~/domain/errors";
import { addDays, berlinDate, formatDateTime } from "~/domain/time";
import { now, setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import { readBytes } from "~/lib/files.server";
import type { PersonUser } from "~/services/auth.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoTenders } from "~/demo/demo-tenders.server";
import { offerAgreements } from "~/services/placement-agreements.server";
import { createProcurementRecord } from "~/services/procurement-record.server";
import { createProviderDatasheet } from "~/services/provider-documents.server";
import { setRecordNote } from "~/services/tenders.server";

/**
 * Issue 8 (documents and letters) through the services on the demo data set: demo procedures
 * with a consistent calendar, a Vergabevermerk and a data sheet stored once while unchanged,
 * the § 134 letter as an authority signs it (reference, official, phone, reasons in words),
 * and no agreement on a legal basis that has ended.
 */

let procurement: PersonUser;
let today: string;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

async function pdfText(doc: Document): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vt-letter-")), "doc.pdf");
  fs.writeFileSync(file, await readBytes(doc.sha256));
  if (process.env.KEEP_LETTERS) fs.copyFileSync(file, path.join(process.env.KEEP_LETTERS, `${doc.template}-${doc.id}.pdf`));
  return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

const squash = (s: string) => s.replace(/\s+/g, " ");

async function tenderByTitle(part: string): Promise<Tender> {
  const all = await (await em()).getRepository(Tender).find();
  const t = all.find((x) => x.title.includes(part));
  if (!t) throw new Error(`Keine Demo-Ausschreibung „${part}“`);
  return t;
}

beforeAll(async () => {
  await freshDatabase();
  // Any day works: the demo calendar is derived from it (a Sunday here).
  setClock("2026-12-06T09:00:00.000Z");
  today = berlinDate(now());
  await seedDemoData({ scale: 0.1 });
  expect(await seedDemoTenders()).toBe(9);
  procurement = await currentUser("vergabe@asz-kamenz.example");
}, 120_000);

describe("demo procedures run at their simulated dates (point 13)", () => {
  it("every past procedure has its steps in calendar order, days apart, and the offers inside the offer period", async () => {
    const m = await em();
    const tenders = await m.getRepository(Tender).find({ order: { id: "ASC" } });
    const past = tenders.filter((t) => !["draft", "published"].includes(t.status));
    expect(past.length).toBe(7);
    for (const t of past) {
      expect(t.publishedAt! < t.offersUntil!, t.reference).toBe(true);
      expect(t.offersUntil! <= t.closedAt!, t.reference).toBe(true);
      if (t.openedAt) expect(t.closedAt! < t.openedAt, t.reference).toBe(true);
      if (t.evaluatedAt) expect(t.openedAt! < t.evaluatedAt, t.reference).toBe(true);
      if (t.awardDecidedAt) expect(t.evaluatedAt! < t.awardDecidedAt, t.reference).toBe(true);
      if (t.informedAt) expect(t.awardDecidedAt! < t.informedAt, t.reference).toBe(true);
      if (t.awardedAt) expect(t.informedAt! < t.awardedAt, t.reference).toBe(true);
      // From publication to the last step: weeks, not a second; and nothing in the future.
      const last = [t.closedAt, t.openedAt, t.evaluatedAt, t.awardDecidedAt, t.informedAt, t.awardedAt, t.cancelledAt].filter(Boolean).sort().at(-1)!;
      expect(Date.parse(last) - Date.parse(t.publishedAt!), t.reference).toBeGreaterThan(30 * 86_400_000);
      expect(last <= now().toISOString(), t.reference).toBe(true);
      // The minimum offer period (EU, open procedure: 30 days) is kept.
      expect(Date.parse(t.offersUntil!) - Date.parse(t.publishedAt!), t.reference).toBeGreaterThanOrEqual(30 * 86_400_000);
      const offers = await m.getRepository(Offer).find({ where: { tenderId: t.id } });
      for (const o of offers) expect(t.publishedAt! < o.receivedAt && o.receivedAt < t.offersUntil!, `${t.reference} Angebot ${o.id}`).toBe(true);
      // The audit trail tells the same story in the same order.
      const events = await m.getRepository(AuditEvent).find({ where: { entityType: "tender", entityId: String(t.id) }, order: { seq: "ASC" } });
      const times = events.map((e) => e.at);
      expect(times, t.reference).toEqual([...times].sort());
      expect(events.find((e) => e.action === "tender.publish")?.at.slice(0, 19), t.reference).toBe(t.publishedAt!.slice(0, 19));
    }
  });

  it("no demo tender, the draft included, has a step in the future (outside test: the draft was created a week ahead)", async () => {
    const m = await em();
    const tenders = await m.getRepository(Tender).find();
    const nowIso = now().toISOString();
    for (const t of tenders) {
      expect(t.createdAt <= nowIso, `${t.reference} angelegt ${t.createdAt}`).toBe(true);
      const events = await m.getRepository(AuditEvent).find({ where: { entityType: "tender", entityId: String(t.id) } });
      expect(events.length, t.reference).toBeGreaterThan(0);
      for (const e of events) expect(e.at <= nowIso, `${t.reference} ${e.action} ${e.at}`).toBe(true);
    }
  });

  it("the offers of the tender still receiving them arrived in the past, before its deadline in the future", async () => {
    const bae = await tenderByTitle("BaE");
    expect(bae.status).toBe("published");
    expect(bae.offersUntil! > now().toISOString()).toBe(true);
    const offers = await (await em()).getRepository(Offer).find({ where: { tenderId: bae.id } });
    expect(offers.length).toBe(2);
    for (const o of offers) expect(o.receivedAt < now().toISOString()).toBe(true);
  });

  it("the Vergabevermerk of the awarded procedure names the deadline the tender page shows", async () => {
    const t = await tenderByTitle("421i");
    expect(t.status).toBe("awarded");
    const text = squash(await pdfText(await createProcurementRecord(procurement, t.id)));
    expect(text).toContain(`Angebote bis ${formatDateTime(t.offersUntil)}`);
    expect(text).toContain(formatDateTime(t.publishedAt).slice(0, 10)); // the publication day
    expect(text).toContain("Zuschlag erteilt");
    expect(berlinDate(t.offersUntil!)).toBe(addDays(today, -30));
    // § 8 Abs. 2 VgV: the ranking with every criterion's points, and why each other bidder was not considered.
    expect(text).toContain("Wertung der zugelassenen Angebote je Los");
    expect(text).toMatch(/Zuschlag \(Rang 1, \d+,\d\d Punkte\)/);
    expect(text).toMatch(/nicht berücksichtigt, Rang 2 von \d+ mit \d+,\d\d Punkten \(bezuschlagt \d+,\d\d Punkte\)/);
  });
});

describe("documents are stored once while unchanged (point 9)", () => {
  it("asking twice for the Vergabevermerk returns the stored one; after a change there is a new one", async () => {
    const t = await tenderByTitle("Kompetenzagentur");
    const m = await em();
    const first = await createProcurementRecord(procurement, t.id);
    const second = await createProcurementRecord(procurement, t.id);
    expect(second.id).toBe(first.id);
    expect(await m.getRepository(Document).count({ where: { template: "procurement-record", entityId: String(t.id) } })).toBe(1);
    await setRecordNote(procurement, t.id, "conflictsOfInterest", "Keine Interessenkonflikte; Erklärungen beider Bewerter liegen vor.");
    const third = await createProcurementRecord(procurement, t.id);
    expect(third.id).not.toBe(first.id);
    expect(squash(await pdfText(third))).toContain("Erklärungen beider Bewerter liegen vor");
    expect(await m.getRepository(Document).count({ where: { template: "procurement-record", entityId: String(t.id) } })).toBe(2);
  });

  it("asking twice for a provider's data sheet returns the stored one", async () => {
    const provider = await (await em()).getRepository(Provider).findOneOrFail({ where: { kind: "broker" }, order: { id: "ASC" } });
    const first = await createProviderDatasheet(procurement, provider.id);
    setClock(new Date(now().getTime() + 60_000)); // a minute later: the print time differs, the sheet does not
    const second = await createProviderDatasheet(procurement, provider.id);
    expect(second.id).toBe(first.id);
  });
});

describe("the § 134 letter reads as an authority signs it (point 12)", () => {
  it("names the file reference, the official with phone and e-mail, the date, and gives the reasons in words", async () => {
    const t = await tenderByTitle("QAL");
    expect(t.status).toBe("bidders_informed");
    const letters = await (await em()).getRepository(Document).find({ where: { template: "rejection-letter", entityId: String(t.id) } });
    expect(letters.length).toBe(1);
    const text = squash(await pdfText(letters[0]));
    expect(text).toContain(`Aktenzeichen: ${t.reference}`);
    expect(text).toContain("Bearbeitet von: Thomas Richter");
    expect(text).toContain("Telefon: 03578 787-214");
    expect(text).toContain("E-Mail: vergabe@asz-kamenz.example");
    expect(text).toMatch(new RegExp(`Datum: ${berlinDate(t.informedAt!).split("-").reverse().join("\\.")}`));
    // Reasons in words: place, points, the comparison per criterion, not a bare rank.
    expect(text).toMatch(/Ihr Angebot erreichte [\d,]+ Punkte und liegt damit auf Platz 2 von 2 gewerteten Angeboten/);
    expect(text).toMatch(/Preis \(Gewichtung 50 %\): Ihr Preis von .+ ergibt [\d,]+ von 3 Punkten/);
    expect(text).toMatch(/Konzept \(Gewichtung 50 %\): Ihr Angebot/);
    expect(text).not.toMatch(/Rang \d/);
    expect(text).toContain("Im Auftrag Thomas Richter");
  });
});

describe("a legal basis has a period of validity (point 14)", () => {
  it("no agreement under § 421g SGB III a.F. starting after 31.03.2012, whatever the broker's standing", async () => {
    const broker = await (await em()).getRepository(Provider).findOneOrFail({ where: { kind: "broker", active: true }, order: { id: "ASC" } });
    const attempt = offerAgreements(procurement, { legalBasis: "voucher_421g", validFrom: addDays(today, 1), providerIds: [broker.id] });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow("§ 421g SGB III a.F. galt nur bis 31.03.2012");
  });
});
