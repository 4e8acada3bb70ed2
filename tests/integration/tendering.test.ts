import { freshDatabase } from "../setup/db";
import { minimalPdf } from "../fixtures/pdf";
import { PDFDocument } from "pdf-lib";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditEvent, AwardCriterion, Document, Lot, Offer, OfferScore, OutboxMessage, Provider, Tender, User } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { setClock } from "~/lib/clock.server";
import { config } from "~/lib/config.server";
import { em } from "../setup/db";
import { filesRoot, readBytes, storeBytes } from "~/lib/files.server";
import type { PersonUser } from "~/services/auth.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { addTenderAttachment } from "~/services/portal-tenders.server";
import { confirmOpening, offerConcept, offerReceiptDocument, readOffers, submitOffer, withdrawOffer, type OfferSubmission } from "~/services/offers.server";
import { sealJson, unwrapDataKey } from "~/lib/sealing.server";
import { finishEvaluation, formalCheck, scoreOffer } from "~/services/evaluation.server";
import { cancelTender, closeDueTenders, createTender, publishTender, removeLot, saveLot, setCriteria, setDeadlines, updateTender } from "~/services/tenders.server";

/**
 * Rule 13 end to end through the services: value → regime, frozen criteria, minimum offer
 * period, sealed offers (no plaintext before the opening), deadline to the millisecond,
 * opening by two people, opening record, receipts, cancellation.
 */

// Published 2026-12-01 10:00 Berlin; the value (770.400 €) makes it an EU open procedure: 30 days.
const PUBLISH_AT = "2026-12-01T09:00:00.000Z";
const TOO_SHORT = "2026-12-30T22:59:00.000Z"; // 30.12.2026 23:59 Berlin → 29 days
const DEADLINE = "2026-12-30T23:00:00.000Z"; // 31.12.2026 00:00 Berlin → exactly 30 days
const ONE_MS_BEFORE = "2026-12-30T22:59:59.999Z";

// The winning price: distinctive, must never appear in clear before the opening.
const WIN_PRICE = 123457; // 1.234,57 €
const BROKER_PRICE = 135000;
const MARKER = "KONZEPT-MARKER-Zq7Wx3-Lausitz";
const BROKER_MARKER = "KONZEPT-MARKER-Jb9Kp2-Kamenz";

let procurement: PersonUser;
let procurement2: PersonUser;
let admin: PersonUser;
let trainerUser: PersonUser; // Bildungswerk Lausitz
let brokerUser: PersonUser; // Jobbrücke Kamenz
let tenderId: number;
let baeLotId: number;
let successLotId: number;
let trainerFinal: { offerId: number; version: number } | null = null;
let brokerFinal: { offerId: number; version: number } | null = null;
let openingDocumentId: number | null = null;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

function pdf(marker: string): Uint8Array {
  return minimalPdf(marker);
}

function trainerOffer(price = WIN_PRICE): OfferSubmission {
  return {
    lots: [
      { lotId: baeLotId, unitPriceCents: price },
      { lotId: successLotId, unitPriceCents: 280000, successFeeCents: 120000 },
    ],
    declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true },
    concept: { filename: "Konzept Bildungswerk.pdf", bytes: pdf(MARKER) },
  };
}

function brokerOffer(): OfferSubmission {
  return {
    lots: [{ lotId: baeLotId, unitPriceCents: BROKER_PRICE }],
    declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true },
    concept: { filename: "konzept.pdf", bytes: pdf(BROKER_MARKER) },
  };
}

async function tender(): Promise<Tender> {
  return (await em()).getRepository(Tender).findOneByOrFail({ id: tenderId });
}

async function offersOf(providerId: number): Promise<Offer[]> {
  return (await em()).getRepository(Offer).find({ where: { tenderId, providerId }, order: { version: "ASC" } });
}

async function audits(action: string): Promise<AuditEvent[]> {
  return (await em()).getRepository(AuditEvent).find({ where: { action, entityType: "tender", entityId: String(tenderId) } });
}

async function rejects<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

function pdfText(bytes: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-tender-pdf-"));
  const file = path.join(dir, "doc.pdf");
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

async function tableNames(): Promise<string[]> {
  const m = await em();
  if (config().databaseKind === "postgres") {
    const rows: { tablename: string }[] = await m.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    return rows.map((r) => r.tablename);
  }
  const rows: { name: string }[] = await m.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return rows.map((r) => r.name);
}

beforeAll(async () => {
  await freshDatabase();
  setClock(PUBLISH_AT);
  await seedDemoData({ scale: 0.1 });
  procurement = await currentUser("vergabe@asz-kamenz.example");
  procurement2 = await currentUser("vergabe2@asz-kamenz.example");
  admin = await currentUser("admin@asz-kamenz.example");
  trainerUser = await currentUser("traeger@bildungswerk-lausitz.example");
  brokerUser = await currentUser("vermittler@jobbruecke-kamenz.example");
  expect(trainerUser.providerId).toBeTruthy();
  expect(brokerUser.providerId).toBeTruthy();
  expect(trainerUser.providerId).not.toBe(brokerUser.providerId);
});

describe("drafting and publishing", () => {
  it("creates a draft with two lots; the value decides the regime", async () => {
    const t = await createTender(procurement, {
      title: "Berufsausbildung in außerbetrieblichen Einrichtungen 2027",
      description: "BaE integrativ und kooperativ, Landkreis Kamenz.",
      measureType: "bae",
      legalBasis: "§ 76 SGB III",
      procedureType: "open",
    });
    tenderId = t.id;
    expect(t.status).toBe("draft");
    expect(t.reference).toMatch(/^V-2026-\d{3}$/);

    await saveLot(procurement, tenderId, null, {
      title: "BaE Kamenz",
      quantity: 12,
      region: "Kamenz",
      startDate: "2027-08-01",
      durationMonths: 36,
      priceUnit: "place_month",
      estimatedUnitPriceCents: 95000,
      estimatedSuccessFeeCents: null,
    });
    let current = await tender();
    expect(current.estimatedValueCents).toBe(12 * 95000 * 36); // 410.400 €
    expect(current.regime).toBe("national");

    await saveLot(procurement, tenderId, null, {
      title: "Vermittlung mit Erfolgsprämie",
      quantity: 80,
      region: "Landkreis Kamenz",
      startDate: "2027-02-01",
      durationMonths: 12,
      priceUnit: "participant_success",
      estimatedUnitPriceCents: 300000,
      estimatedSuccessFeeCents: 150000,
    });
    current = await tender();
    expect(current.estimatedValueCents).toBe(41_040_000 + 36_000_000); // 770.400 €
    expect(current.regime).toBe("eu");
    expect(current.regimeReason).toContain("750.000,00 €");

    const lots = await (await em()).getRepository(Lot).find({ where: { tenderId }, order: { number: "ASC" } });
    expect(lots.map((l) => l.number)).toEqual([1, 2]);
    [baeLotId, successLotId] = lots.map((l) => l.id);

    await setCriteria(procurement, tenderId, [
      { name: "Preis", weight: 60, isPrice: true },
      { name: "Konzept", weight: 40, isPrice: false, description: "Pädagogisches Konzept, 0–3 Punkte" },
    ]);
    await expect(setCriteria(procurement, tenderId, [{ name: "Preis", weight: 60, isPrice: true }, { name: "Konzept", weight: 39, isPrice: false }])).rejects.toBeInstanceOf(ValidationError);
  });

  it("a tender attachment must load as a PDF with a page: an HTML page behind a PDF header is refused, a real PDF is stored", async () => {
    const m = await em();
    const count = () => m.getRepository(Document).count({ where: { entityType: "tender-public", entityId: String(tenderId) } });
    const before = await count();
    const html = Buffer.from("%PDF-1.4\n<html><body>Leistungsbeschreibung</body></html>\n", "latin1");
    const error = await rejects(addTenderAttachment(procurement, tenderId, "leistung.pdf", html), ValidationError);
    expect(error.fieldErrors).toEqual({ file: "Nur PDF-Dateien sind zulässig." });
    expect(await count()).toBe(before);
    // A pdf-lib PDF ("%PDF-1.7"): the sealing test below searches the file store for the concepts' "%PDF-1.4".
    const doc = await PDFDocument.create();
    doc.addPage();
    await addTenderAttachment(procurement, tenderId, "leistung.pdf", await doc.save());
    expect(await count()).toBe(before + 1);
  });

  it("publication is refused with the German minimum-period message when the deadline is too close", async () => {
    await setDeadlines(procurement, tenderId, { questionsUntil: "2026-12-20T11:00:00.000Z", offersUntil: TOO_SHORT, bindingUntil: "2027-03-31" });
    const error = await rejects(publishTender(procurement, tenderId), RuleError); // a failed guard: 422 (ADR 0010)
    expect(error.status).toBe(422);
    expect(error.message).toContain("Mindestfrist von 30 Tagen");
    expect(error.message).toContain("nur 29 Tage");
    expect(error.message).toContain("Offenes Verfahren");
    expect((await tender()).status).toBe("draft");
    expect(await audits("tender.publish")).toHaveLength(0);
  });

  it("publication at exactly the minimum period is accepted", async () => {
    await setDeadlines(procurement, tenderId, { questionsUntil: "2026-12-20T11:00:00.000Z", offersUntil: DEADLINE, bindingUntil: "2027-03-31" });
    await publishTender(procurement, tenderId);
    const t = await tender();
    expect(t.status).toBe("published");
    expect(t.publishedAt! >= PUBLISH_AT && t.publishedAt! < "2026-12-01T10:00:00.000Z").toBe(true);
    expect(t.regime).toBe("eu");
    expect(t.offersUntil).toBe(DEADLINE);
    const events = await audits("tender.publish");
    expect(events).toHaveLength(1);
    expect(events[0].actorId).toBe(procurement.id);
    expect(events[0].details).toMatchObject({ from: "draft", to: "published", regime: "eu" });
  });

  it("after publication lots, criteria, weights and deadlines are frozen", async () => {
    const frozen = "eingefroren";
    expect((await rejects(setCriteria(procurement, tenderId, [{ name: "Preis", weight: 100, isPrice: true }]), ConflictError)).message).toContain(frozen);
    expect(
      (
        await rejects(
          saveLot(procurement, tenderId, null, { title: "Nachträgliches Los", quantity: 1, region: "", startDate: "2027-02-01", durationMonths: 1, priceUnit: "participant", estimatedUnitPriceCents: 1, estimatedSuccessFeeCents: null }),
          ConflictError,
        )
      ).message,
    ).toContain(frozen);
    expect(
      (
        await rejects(
          saveLot(procurement, tenderId, baeLotId, { title: "BaE Kamenz", quantity: 99, region: "Kamenz", startDate: "2027-08-01", durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000, estimatedSuccessFeeCents: null }),
          ConflictError,
        )
      ).message,
    ).toContain(frozen);
    expect((await rejects(setDeadlines(procurement, tenderId, { questionsUntil: null, offersUntil: "2027-02-28T11:00:00.000Z", bindingUntil: null }), ConflictError)).message).toContain(frozen);
    await rejects(removeLot(procurement, tenderId, successLotId), ConflictError);
    await rejects(updateTender(procurement, tenderId, { title: "Anderer Titel für die BaE", description: "", measureType: "bae", legalBasis: "§ 76 SGB III", procedureType: "open" }), ConflictError);

    const m = await em();
    const criteria = await m.getRepository(AwardCriterion).find({ where: { tenderId }, order: { position: "ASC" } });
    expect(criteria.map((c) => [c.name, c.weight, c.isPrice])).toEqual([
      ["Preis", 60, true],
      ["Konzept", 40, false],
    ]);
    const lots = await m.getRepository(Lot).find({ where: { tenderId }, order: { number: "ASC" } });
    expect(lots.map((l) => l.quantity)).toEqual([12, 80]);
    expect((await tender()).offersUntil).toBe(DEADLINE);
  });

  it("providers with a matching service category got a mail in the outbox, others not", async () => {
    const m = await em();
    const t = await tender();
    const providers = await m.getRepository(Provider).find();
    const matching = providers.filter((p) => p.active && p.email && p.serviceCategories.includes("bae"));
    const others = providers.filter((p) => !matching.includes(p));
    expect(matching.length).toBeGreaterThan(0);
    const mails = (await m.getRepository(OutboxMessage).find()).filter((o) => o.subject.startsWith(`Neue Ausschreibung ${t.reference}`));
    expect(mails).toHaveLength(matching.length);
    const recipients = new Set(mails.map((o) => o.recipients));
    for (const p of matching) expect(recipients.has(p.email)).toBe(true);
    for (const p of others) expect(recipients.has(p.email)).toBe(false);
    // The broker (placement only) is not told about a BaE tender.
    const broker = providers.find((p) => p.id === brokerUser.providerId)!;
    expect(broker.serviceCategories).not.toContain("bae");
    expect(mails[0].body).toContain(t.reference);
    expect(mails[0].body).toContain("31.12.2026, 00:00 Uhr");
  });
});

describe("submitting offers", () => {
  it("only provider users submit", async () => {
    setClock("2026-12-05T09:00:00.000Z");
    await rejects(submitOffer(procurement, tenderId, trainerOffer()), ForbiddenError);
    await rejects(submitOffer(admin, tenderId, trainerOffer()), ForbiddenError);
  });

  it("a replacement supersedes the first offer (versions 1 and 2)", async () => {
    const first = await submitOffer(trainerUser, tenderId, trainerOffer(140000));
    expect(first.version).toBe(1);
    setClock("2026-12-06T09:00:00.000Z");
    const second = await submitOffer(trainerUser, tenderId, trainerOffer());
    expect(second.version).toBe(2);
    expect(second.receivedAt >= "2026-12-06T09:00:00.000Z" && second.receivedAt < "2026-12-06T10:00:00.000Z").toBe(true);
    expect(second.sha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = await offersOf(trainerUser.providerId!);
    expect(rows.map((o) => [o.version, o.status])).toEqual([
      [1, "replaced"],
      [2, "submitted"],
    ]);
    const receipt = (await (await em()).getRepository(OutboxMessage).find()).filter((o) => o.subject.startsWith("Eingangsbestätigung"));
    expect(receipt.length).toBe(2);
    expect(receipt[1].recipients).toContain(trainerUser.email);
    expect(receipt[1].body).toContain("Fassung: 2");
  });

  it("a provider withdraws its offer", async () => {
    const r = await submitOffer(brokerUser, tenderId, brokerOffer());
    expect(r.version).toBe(1);
    await withdrawOffer(brokerUser, r.offerId);
    const rows = await offersOf(brokerUser.providerId!);
    expect(rows.map((o) => [o.version, o.status])).toEqual([[1, "withdrawn"]]);
    expect(rows[0].withdrawnAt).not.toBeNull();
    // Only the own, current offer can be withdrawn.
    await rejects(withdrawOffer(trainerUser, r.offerId), NotFoundError);
    await rejects(withdrawOffer(brokerUser, r.offerId), ConflictError);
  });

  it("refuses an incomplete offer with German field messages", async () => {
    const bad: OfferSubmission = {
      lots: [{ lotId: baeLotId, unitPriceCents: 0 }],
      declarations: { eligible: false, noExclusionGrounds: true, certificateValid: true },
      concept: { filename: "konzept.docx", bytes: Buffer.from("PK\u0003\u0004 kein PDF") },
    };
    const error = await rejects(submitOffer(trainerUser, tenderId, bad), ValidationError);
    expect(error.fieldErrors.eligible).toContain("Eignung");
    expect(error.fieldErrors.concept).toContain("PDF");
    expect(error.fieldErrors[`lot-${baeLotId}`]).toContain("Preis");
    // A PDF header in front of something else is not a PDF.
    const html = await rejects(submitOffer(trainerUser, tenderId, { ...trainerOffer(), concept: { filename: "konzept.pdf", bytes: Buffer.from("%PDF-1.7\n<html>Konzept</html>\n", "latin1") } }), ValidationError);
    expect(html.fieldErrors).toEqual({ concept: "Das Konzept muss eine PDF-Datei sein (der Inhalt ist kein PDF)." });
  });

  it("50 concurrent submissions from the two providers: all succeed, versions consecutive, one current offer each", async () => {
    // On PostgreSQL submitOffer reads the previous versions without a lock (READ COMMITTED), so
    // concurrent submissions of one provider get the same version and several stay "submitted".
    setClock("2026-12-10T09:00:00.000Z");
    const calls = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? submitOffer(trainerUser, tenderId, trainerOffer()) : submitOffer(brokerUser, tenderId, brokerOffer())));
    const results = await Promise.allSettled(calls);
    const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);

    const summary = async (user: PersonUser) => {
      const rows = await offersOf(user.providerId!);
      return { rows: rows.length, versions: rows.map((o) => o.version), submitted: rows.filter((o) => o.status === "submitted").map((o) => o.version) };
    };
    const expected = (before: number) => ({
      rows: before + 25,
      // Versions 1 … n, each exactly once: no offer lost or duplicated …
      versions: Array.from({ length: before + 25 }, (_, i) => i + 1),
      // … and exactly one current offer, the latest.
      submitted: [before + 25],
    });
    expect({ trainer: await summary(trainerUser), broker: await summary(brokerUser) }).toEqual({ trainer: expected(2), broker: expected(1) });

    // The receipts handed out carry distinct versions too.
    for (const side of [0, 1]) {
      const v = results.filter((_, i) => i % 2 === side).map((r) => (r as PromiseFulfilledResult<{ version: number }>).value.version);
      expect(new Set(v).size).toBe(25);
    }
  });

  it("closeDueTenders before the deadline does nothing", async () => {
    // The clock runs on after setClock, so stay clear of the deadline (the millisecond boundary
    // of close_offers is covered in tests/unit/tender-machine.test.ts).
    setClock("2026-12-30T22:59:30.000Z");
    expect(await closeDueTenders()).toBe(0);
    expect((await tender()).status).toBe("published");
  });

  it("readOffers before the opening is refused for everyone (state-based)", async () => {
    const m = await em();
    const error = await rejects(readOffers(m, await tender()), ForbiddenError);
    expect(error.message).toContain("versiegelt");
  });

  it("confirming the opening while the offer period runs is refused", async () => {
    const error = await rejects(confirmOpening(procurement, tenderId), ConflictError);
    expect(error.message).toContain("Angebotsfrist läuft noch");
  });

  it("an offer arriving exactly at the deadline is late: German message and audit entry", async () => {
    setClock("2026-12-30T23:00:05.000Z");
    const before = (await offersOf(brokerUser.providerId!)).length;
    const error = await rejects(submitOffer(brokerUser, tenderId, brokerOffer(), DEADLINE), ConflictError);
    expect(error.message).toContain("abgelaufen");
    expect(error.message).toContain("31.12.2026, 00:00 Uhr");
    expect((await offersOf(brokerUser.providerId!)).length).toBe(before);
    const late = await audits("offer.late_refused");
    expect(late).toHaveLength(1);
    expect(late[0].actorId).toBe(brokerUser.id);
    expect(late[0].providerId).toBe(brokerUser.providerId);
    expect(late[0].details).toMatchObject({ arrivedAt: DEADLINE, offersUntil: DEADLINE });
  });

  it("an offer that arrived 1 ms before the deadline is accepted although processed after it", async () => {
    const highest = Math.max(...(await offersOf(brokerUser.providerId!)).map((o) => o.version));
    const r = await submitOffer(brokerUser, tenderId, brokerOffer(), ONE_MS_BEFORE);
    expect(r.receivedAt).toBe(ONE_MS_BEFORE);
    expect(r.version).toBe(highest + 1); // 27 when the concurrent run numbered correctly
    brokerFinal = r;
    const current = (await offersOf(brokerUser.providerId!)).filter((o) => o.status === "submitted");
    expect(current.map((o) => o.id)).toEqual([r.offerId]);
    expect(current[0].receivedAt).toBe(ONE_MS_BEFORE);
  });

  it("withdrawing after the deadline is refused", async () => {
    const current = (await offersOf(brokerUser.providerId!)).find((o) => o.status === "submitted")!;
    const error = await rejects(withdrawOffer(brokerUser, current.id), ConflictError);
    expect(error.message).toContain("Angebotsfrist");
  });

  it("closeDueTenders after the deadline closes the tender once (idempotent)", async () => {
    expect(await closeDueTenders()).toBe(1);
    const t = await tender();
    expect(t.status).toBe("offers_closed");
    expect(t.closedAt).not.toBeNull();
    expect(await closeDueTenders()).toBe(0);
    expect((await tender()).status).toBe("offers_closed");
    expect((await tender()).closedAt).toBe(t.closedAt);
    expect(await audits("tender.close_offers")).toHaveLength(1);
  });

  it("after closing: an offer that arrived before the deadline is still taken, one at the deadline is not", async () => {
    const highest = Math.max(...(await offersOf(trainerUser.providerId!)).map((o) => o.version));
    const r = await submitOffer(trainerUser, tenderId, trainerOffer(), ONE_MS_BEFORE);
    expect(r.version).toBe(highest + 1); // 28 when the concurrent run numbered correctly
    trainerFinal = r;
    await rejects(submitOffer(trainerUser, tenderId, trainerOffer(), DEADLINE), ConflictError);
    expect(await audits("offer.late_refused")).toHaveLength(2);
    expect((await offersOf(trainerUser.providerId!)).filter((o) => o.status === "submitted").map((o) => o.id)).toEqual([r.offerId]);
    await rejects(readOffers(await em(), await tender()), ForbiddenError);
  });

  it("the database and the file store hold no plaintext price or concept before the opening", async () => {
    const m = await em();
    const needles = [String(WIN_PRICE), String(BROKER_PRICE), "1234.57", "1.234,57", "1234,57", MARKER, BROKER_MARKER, "unitPriceCents", "%PDF-1.4"];
    const sha = /^[0-9a-f]{64}$/;

    // Every column of every offer row (SHA-256 values are hashes, not content).
    const rows: Record<string, unknown>[] = await m.query(`SELECT * FROM offers WHERE "tenderId" = ${Number(tenderId)}`);
    expect(rows.length).toBe(55);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const text = String(value);
        if (sha.test(text)) continue;
        for (const needle of needles) expect(text.includes(needle), `offers.${column} contains ${needle}`).toBe(false);
      }
    }

    // Every other table: no price string in offer form, no concept text.
    // (Not the word "unitPriceCents": it is a column name of the contracts table.)
    const wide = ["1234.57", "1.234,57", "1234,57", `"unitPriceCents":${WIN_PRICE}`, MARKER, BROKER_MARKER, "%PDF-1.4"];
    for (const table of await tableNames()) {
      const all: Record<string, unknown>[] = await m.query(`SELECT * FROM "${table}"`);
      const dump = JSON.stringify(all);
      // Control: the scan does see JSON details (the estimate is public, the offer price is not).
      if (table === "audit_events") expect(dump).toContain("estimatedUnitPriceCents");
      for (const needle of wide) expect(dump.includes(needle), `${table} contains ${needle}`).toBe(false);
    }

    // The sealed blobs in <DATA_DIR>/files.
    const files = listFiles(filesRoot());
    const sealed = new Set(rows.map((r) => String(r.sealedSha256)));
    expect(files.length).toBeGreaterThanOrEqual(sealed.size);
    for (const hash of sealed) expect(files.some((f) => path.basename(f) === hash)).toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle, "utf8")), `${file} contains ${needle}`).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(pdf(MARKER)).toString("base64").slice(0, 24)))).toBe(false);
    }

    // SQLite: the raw database file and its WAL, too.
    if (config().databaseKind === "sqlite") {
      for (const f of ["app.sqlite", "app.sqlite-wal"]) {
        const file = path.join(config().dataDir, f);
        if (!fs.existsSync(file)) continue;
        const bytes = fs.readFileSync(file);
        for (const needle of wide) expect(bytes.includes(Buffer.from(needle, "utf8")), `${f} contains ${needle}`).toBe(false);
      }
    }
  });
});

describe("opening", () => {
  it("the same user cannot confirm twice; two different procurement users open", async () => {
    setClock("2027-01-04T08:00:00.000Z");
    const first = await confirmOpening(procurement, tenderId);
    expect(first).toEqual({ opened: false, documentId: null });
    expect((await tender()).status).toBe("offers_closed");

    const again = await rejects(confirmOpening(procurement, tenderId), ConflictError);
    expect(again.message).toContain("bereits bestätigt");
    expect((await tender()).status).toBe("offers_closed");
    await rejects(readOffers(await em(), await tender()), ForbiddenError);

    setClock("2027-01-04T08:05:00.000Z");
    const second = await confirmOpening(procurement2, tenderId);
    expect(second.opened).toBe(true);
    expect(second.documentId).toEqual(expect.any(Number));
    openingDocumentId = second.documentId;
    const t = await tender();
    expect(t.status).toBe("opened");
    expect(t.openedAt).not.toBeNull();
    expect(await audits("tender.open")).toHaveLength(1);
    expect(await audits("tender.opening_confirm")).toHaveLength(2);
    await rejects(confirmOpening(admin, tenderId), ConflictError);
  });

  it("the opening record PDF names both bidders and the winning price", async () => {
    const doc = await (await em()).getRepository(Document).findOneByOrFail({ id: openingDocumentId! });
    expect(doc.contentType).toBe("application/pdf");
    expect(doc.template).toBe("opening-record");
    expect(doc.entityType).toBe("tender");
    expect(doc.entityId).toBe(String(tenderId));
    expect(doc.providerId).toBeNull();
    const bytes = await readBytes(doc.sha256);
    const text = pdfText(bytes).replace(/\s+/g, " ");
    expect(text).toContain("Niederschrift");
    expect(text).toContain((await tender()).reference);
    expect(text).toContain("Bildungswerk Lausitz");
    expect(text).toContain("Jobbrücke Kamenz");
    expect(text).toContain("1.234,57 €");
    expect(text).toContain("1.350,00 €");
    expect(text).toContain("Thomas Richter");
    expect(text).toContain("Katrin Vogel");
  });

  it("readOffers after the opening returns the decrypted prices as submitted", async () => {
    const offers = await readOffers(await em(), await tender());
    expect(offers).toHaveLength(2);
    const byProvider = new Map(offers.map((o) => [o.providerId, o]));
    const trainer = byProvider.get(trainerUser.providerId!)!;
    const broker = byProvider.get(brokerUser.providerId!)!;
    expect(trainer.id).toBe(trainerFinal!.offerId);
    expect(trainer.version).toBe(trainerFinal!.version);
    expect(trainer.content.lots).toEqual([
      { lotId: baeLotId, unitPriceCents: WIN_PRICE, successFeeCents: null },
      { lotId: successLotId, unitPriceCents: 280000, successFeeCents: 120000 },
    ]);
    expect(trainer.content.declarations).toEqual({ eligible: true, noExclusionGrounds: true, certificateValid: true });
    expect(trainer.content.concept).toMatchObject({ filename: "Konzept Bildungswerk.pdf", size: pdf(MARKER).length });
    expect(broker.id).toBe(brokerFinal!.offerId);
    expect(broker.version).toBe(brokerFinal!.version);
    expect(broker.content.lots).toEqual([{ lotId: baeLotId, unitPriceCents: BROKER_PRICE, successFeeCents: null }]);
    expect(await audits("offer.unseal")).toHaveLength(1);
  });

  it("offerConcept: after the opening the evaluator gets the concept exactly as uploaded (audited); a provider, another tender's id and an unknown offer are refused", async () => {
    const concept = await offerConcept(procurement, tenderId, trainerFinal!.offerId);
    expect(concept.filename).toBe("Konzept Bildungswerk.pdf");
    expect(Buffer.from(concept.bytes).equals(Buffer.from(pdf(MARKER)))).toBe(true);
    const reads = () => em().then((m) => m.getRepository(AuditEvent).find({ where: { action: "offer.concept_read" } }));
    expect((await reads()).map((e) => [e.entityType, e.entityId])).toEqual([["offer", String(trainerFinal!.offerId)]]);
    await rejects(offerConcept(trainerUser, tenderId, trainerFinal!.offerId), ForbiddenError);
    await rejects(offerConcept(procurement, tenderId + 1000, trainerFinal!.offerId), NotFoundError);
    await rejects(offerConcept(procurement, tenderId, 999999), NotFoundError);
    expect(await reads()).toHaveLength(1);
  });

  it("an offer sealed in the earlier format (JSON with the concept in base64) is still read, prices and concept", async () => {
    const m = await em();
    const t = await tender();
    const offer = await m.getRepository(Offer).findOneByOrFail({ id: brokerFinal!.offerId });
    const [current] = (await readOffers(m, t)).filter((o) => o.id === offer.id);
    const legacy = sealJson(unwrapDataKey(t.wrappedDataKey), { content: current.content, conceptBase64: Buffer.from(pdf(BROKER_MARKER)).toString("base64") }, `offer:${offer.tenderId}:${offer.providerId}:${offer.receivedSha256}`);
    expect(legacy.ciphertext.subarray(0, 8).equals(Buffer.from("VTOFFER2"))).toBe(false);
    const stored = await storeBytes(legacy.ciphertext);
    await m.getRepository(Offer).update({ id: offer.id }, { sealedSha256: stored.sha256, sealIv: legacy.iv, sealTag: legacy.tag });
    const [again] = (await readOffers(m, t)).filter((o) => o.id === offer.id);
    expect(again.content).toEqual(current.content);
    const concept = await offerConcept(procurement2, tenderId, offer.id);
    expect(Buffer.from(concept.bytes).equals(Buffer.from(pdf(BROKER_MARKER)))).toBe(true);
  });
});

describe("evaluation (scoring rules)", () => {
  it("scores only admitted offers, only quality criteria, 0 to maxPoints (boundaries), by evaluator", async () => {
    const m = await em();
    const tender = await m.getRepository(Tender).findOneByOrFail({ id: tenderId });
    expect(tender.status).toBe("opened");
    const offers = await readOffers(m, tender);
    const [first, second] = offers;
    const criteria = await m.getRepository(AwardCriterion).find({ where: { tenderId } });
    const quality = criteria.find((c) => !c.isPrice)!;
    const price = criteria.find((c) => c.isPrice)!;
    // Not yet formally checked: no scoring.
    await rejects(scoreOffer(procurement, first.id, { [quality.id]: 2 }), ConflictError);
    await formalCheck(procurement, first.id, "admitted", "");
    // An exclusion needs a reason of at least 10 characters (9 refused).
    await rejects(formalCheck(procurement, second.id, "excluded", "123456789"), ValidationError);
    await formalCheck(procurement, second.id, "excluded", "Konzept fehlt.");
    await rejects(scoreOffer(procurement, second.id, { [quality.id]: 1 }), ConflictError);
    // Boundaries: maxPoints is allowed, maxPoints + 1 and -1 are not; the price is computed, never scored.
    expect(await scoreOffer(procurement, first.id, { [quality.id]: tender.maxPoints })).toBe(1);
    await rejects(scoreOffer(procurement, first.id, { [quality.id]: tender.maxPoints + 1 }), ValidationError);
    await rejects(scoreOffer(procurement, first.id, { [quality.id]: -1 }), ValidationError);
    await rejects(scoreOffer(procurement, first.id, { [price.id]: 1 }), ValidationError);
    // One evaluator is not enough to close the evaluation; the second makes it complete.
    await rejects(finishEvaluation(procurement, tenderId), RuleError);
    expect(await scoreOffer(procurement2, first.id, { [quality.id]: 0 })).toBe(1);
    const scores = await m.getRepository(OfferScore).find({ where: { offerId: first.id } });
    expect(scores.map((x) => x.points).sort()).toEqual([0, tender.maxPoints].sort());
  });
});

describe("receipts and cancellation", () => {
  it("offerReceiptDocument: a PDF for the own offer; another organisation's provider user gets NotFoundError", async () => {
    const offerId = trainerFinal!.offerId;
    const id = await offerReceiptDocument(trainerUser, offerId);
    expect(id).toEqual(expect.any(Number));
    const doc = await (await em()).getRepository(Document).findOneByOrFail({ id });
    expect(doc.contentType).toBe("application/pdf");
    expect(doc.providerId).toBe(trainerUser.providerId);
    const text = pdfText(await readBytes(doc.sha256)).replace(/\s+/g, " ");
    expect(text).toContain((await tender()).reference);
    expect(await offerReceiptDocument(trainerUser, offerId)).toBe(id); // generated once
    expect(await offerReceiptDocument(procurement, offerId)).toBe(id);
    await rejects(offerReceiptDocument(brokerUser, offerId), NotFoundError);
    await rejects(offerReceiptDocument(trainerUser, 999999), NotFoundError);
  });

  it("cancelTender needs a reason of at least 10 characters", async () => {
    const short = await rejects(cancelTender(procurement, tenderId, "Zu teuer."), RuleError); // 9 characters
    expect(short.message).toContain("mindestens 10 Zeichen");
    await rejects(cancelTender(procurement, tenderId, "   Zu teuer.    "), RuleError);
    expect((await tender()).status).toBe("opened");

    await cancelTender(procurement, tenderId, "Zu teuer!!");
    const t = await tender();
    expect(t.status).toBe("cancelled");
    expect(t.cancelReason).toBe("Zu teuer!!");
    expect(await audits("tender.cancel")).toHaveLength(1);
    const mails = (await (await em()).getRepository(OutboxMessage).find()).filter((o) => o.subject.startsWith(`Aufhebung der Ausschreibung ${t.reference}`));
    expect(mails).toHaveLength(2);
    // Opened before the cancellation: the offers stay readable for the record.
    expect(await readOffers(await em(), t)).toHaveLength(2);
    // Already cancelled: the event does not apply to the state (409), and without the permission it is 403 first.
    await rejects(cancelTender(procurement, tenderId, "Noch einmal aufheben"), ConflictError);
    await rejects(cancelTender(brokerUser, tenderId, "Noch einmal aufheben"), ForbiddenError);
  });

  it("a draft can be cancelled too, and a cancelled draft's offers are never readable", async () => {
    const draft = await createTender(procurement, { title: "Aktivierung Ü50 Hoyerswerda", description: "", measureType: "activation_45", legalBasis: "§ 45 SGB III", procedureType: "restricted" });
    await rejects(cancelTender(procurement, draft.id, "kurz"), RuleError);
    await cancelTender(procurement, draft.id, "Bedarf ist entfallen.");
    const t = await (await em()).getRepository(Tender).findOneByOrFail({ id: draft.id });
    expect(t.status).toBe("cancelled");
    await rejects(readOffers(await em(), t), ForbiddenError);
  });
});
