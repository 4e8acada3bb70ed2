import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { makeMeasure, participation } from "../setup/comparison-facts";
import { minimalPdf } from "../fixtures/pdf";
import { AuditEvent, AwardCriterion, Document, PastPerformanceScore, Tender, User } from "../../entities";
import { ConflictError, ForbiddenError, ValidationError } from "~/domain/errors";
import { methodPeriod, type PastPerformanceMethod } from "~/domain/past-performance";
import { setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import { readBytes } from "~/lib/files.server";
import { seedDemoData } from "~/demo/demo-data.server";
import type { PersonUser } from "~/services/auth.server";
import { evaluationView, finishEvaluation, formalCheck, scoreOffer } from "~/services/evaluation.server";
import { confirmOpening, submitOffer, type OfferSubmission } from "~/services/offers.server";
import { ratioInterval } from "~/domain/outcome-stats";
import { providerFigures } from "~/services/outcome-comparison.server";
import { computePastPerformance, pastPerformanceRows } from "~/services/past-performance.server";
import { createProcurementRecord } from "~/services/procurement-record.server";
import { getTenderForProvider } from "~/services/portal-tenders.server";
import { closeDueTenders, createTender, publishTender, saveLot, setCriteria, setDeadlines } from "~/services/tenders.server";

/**
 * Issue 12 point 7: past performance as an award criterion, through the services. The method is
 * set in the draft and frozen at publication; after the opening the points are computed from the
 * comparison's figures at the offer deadline (real participations: the trainer 33 integrations of
 * 50 exits, a second BaE provider 27 of 50 – overall 60 %, so the trainer's expected 30 and its
 * ratio 1,10), stored with the figures, and recorded in the Vergabevermerk; a later change of the
 * data does not change them. All clients share the same covariates: nothing to adjust for.
 */

const PUBLISH_AT = "2026-11-02T09:00:00.000Z";
const DEADLINE = "2026-12-15T11:00:00.000Z"; // 15.12.2026 12:00 Berlin
const AFTER_DEADLINE = "2026-12-16T08:00:00.000Z";

let procurement: PersonUser;
let procurement2: PersonUser;
let trainerUser: PersonUser;
let brokerUser: PersonUser;
let tenderId: number;
let lotId: number;

const METHOD: PastPerformanceMethod = {
  measure: "integration",
  typeCode: "bae",
  periodKind: "months",
  periodLength: 24,
  basis: "ratio",
  scoring: "linear",
  zeroAt: 0.8,
  fullAt: 1.2,
  bands: [],
  minN: 10,
  neutralPoints: 1.5,
  interval: "ignore",
};

const CRITERIA = (method: PastPerformanceMethod) => [
  { name: "Preis", weight: 50, isPrice: true },
  { name: "Konzept", weight: 30, isPrice: false },
  { name: "Vorleistung", weight: 20, isPrice: false, kind: "past_performance", method },
];

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

function offer(price: number, marker: string): OfferSubmission {
  return { lots: [{ lotId, unitPriceCents: price }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: "konzept.pdf", bytes: minimalPdf(marker) } };
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-pp-pdf-"));
  const file = path.join(dir, "doc.pdf");
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function stored(): Promise<PastPerformanceScore[]> {
  return (await em()).getRepository(PastPerformanceScore).find({ where: { tenderId }, order: { providerId: "ASC" } });
}

const de2 = (v: number) => v.toFixed(2).replace(".", ",");
/** Byar's interval for 33 observed against 30 expected, as the page prints it. */
const RATIO_TEXT = `${de2(ratioInterval(33, 30).low)} – ${de2(ratioInterval(33, 30).high)}`;

/** `k` of `n` BaE participants of a provider left on 31.05.2026 with a job (the rest without); their six months are over on 01.12.2026, before the deadline. */
async function baeExits(providerId: number, k: number, n: number, recordedAt = "2026-07-15T08:00:00.000Z", exitDate = "2026-05-31") {
  const measure = await makeMeasure(providerId, "bae");
  for (let i = 0; i < n; i++) await participation(measure, exitDate, { status: i < k ? "employment" : "none", recordedAt }, "completed", "2024-09-01", procurement.id);
}

beforeAll(async () => {
  await freshDatabase();
  setClock(PUBLISH_AT);
  await seedDemoData({ scale: 0.1 });
  procurement = await currentUser("vergabe@asz-kamenz.example");
  procurement2 = await currentUser("vergabe2@asz-kamenz.example");
  trainerUser = await currentUser("traeger@bildungswerk-lausitz.example");
  brokerUser = await currentUser("vermittler@jobbruecke-kamenz.example");
  const t = await createTender(procurement, { title: "BaE Kamenz 2027 mit Vorleistung", description: "", measureType: "bae", legalBasis: "§ 76 SGB III", procedureType: "open" });
  tenderId = t.id;
  await saveLot(procurement, tenderId, null, { title: "BaE Kamenz", quantity: 6, region: "Kamenz", startDate: "2027-08-01", durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000, estimatedSuccessFeeCents: null });
  const otherBae = await currentUser("angebote@demo-t-0002.example");
  await baeExits(trainerUser.providerId!, 33, 50);
  await baeExits(otherBae.providerId!, 27, 50);
  lotId = (await (await em()).query(`SELECT id FROM lots WHERE "tenderId" = ${tenderId}`))[0].id;
  await setDeadlines(procurement, tenderId, { questionsUntil: null, offersUntil: DEADLINE, bindingUntil: "2027-03-31" });
});

describe("the method in the draft", () => {
  it("is validated with German messages per field", async () => {
    const e1 = await rejects(setCriteria(procurement, tenderId, CRITERIA({ ...METHOD, minN: 2 })), ValidationError);
    expect(e1.fieldErrors?.["pp-minN"]).toContain("ab 3");
    const e2 = await rejects(setCriteria(procurement, tenderId, CRITERIA({ ...METHOD, zeroAt: 1.2, fullAt: 0.8 })), ValidationError);
    expect(e2.fieldErrors?.["pp-fullAt"]).toContain("Reihenfolge");
    const e3 = await rejects(setCriteria(procurement, tenderId, CRITERIA({ ...METHOD, measure: "placement", typeCode: "bae" })), ValidationError);
    expect(e3.fieldErrors?.["pp-measure"]).toContain("nur für die Vermittlung durch Dritte");
    // The message points to the fields instead of repeating them (the page shows both).
    expect(e3.message).toBe("Die Methode der Vorleistungswertung enthält eine fehlerhafte Angabe; sie ist am Feld beschrieben.");
    const e4 = await rejects(setCriteria(procurement, tenderId, CRITERIA({ ...METHOD, minN: 2, neutralPoints: 99 })), ValidationError);
    expect(e4.message).toContain("2 fehlerhafte Angaben");
    expect(await (await em()).getRepository(AwardCriterion).count({ where: { tenderId } })).toBe(0);
  });

  it("a valid method is stored with the criterion (the other criteria are of kind quality)", async () => {
    await setCriteria(procurement, tenderId, CRITERIA(METHOD));
    const rows = await (await em()).getRepository(AwardCriterion).find({ where: { tenderId }, order: { position: "ASC" } });
    expect(rows.map((r) => r.kind)).toEqual(["quality", "quality", "past_performance"]);
    expect(rows[2].method).toEqual(METHOD);
    expect(rows[0].method).toBeNull();
  });
});

describe("publication freezes the method and publishes it in words", () => {
  it("after publication the criteria (and the method) cannot be changed", async () => {
    await publishTender(procurement, tenderId);
    const e = await rejects(setCriteria(procurement, tenderId, CRITERIA({ ...METHOD, minN: 20 })), ConflictError);
    expect(e.message).toContain("eingefroren");
    const row = await (await em()).getRepository(AwardCriterion).findOneByOrFail({ tenderId, kind: "past_performance" });
    expect(row.method?.minN).toBe(10);
  });

  it("the tender description PDF and the portal page state the method next to the criterion", async () => {
    const doc = await (await em()).getRepository(Document).findOneByOrFail({ entityType: "tender-public", entityId: String(tenderId), template: "tender-description" });
    const text = pdfText(await readBytes(doc.sha256));
    expect(text).toContain("Vorleistung");
    expect(text).toContain("Integrationsquote");
    expect(text).toContain("24 Monaten vor dem Ende der Angebotsfrist");
    expect(text).toContain("0,80");
    expect(text).toContain("1,5 Punkte");
    const portal = await getTenderForProvider(trainerUser, tenderId);
    expect(portal.criteria.find((c) => c.name === "Vorleistung")?.methodWords).toContain("risikobereinigt");
  });
});

describe("evaluation computes the points from the figures at the offer deadline", () => {
  it("after the opening: one bidder with data (linear points), one without (neutral points), figures stored and audited", async () => {
    setClock("2026-11-20T09:00:00.000Z");
    await submitOffer(trainerUser, tenderId, offer(120000, "PP-TRAINER"));
    await submitOffer(brokerUser, tenderId, offer(110000, "PP-BROKER"));
    setClock(AFTER_DEADLINE);
    expect(await closeDueTenders()).toBe(1);
    expect(await stored()).toHaveLength(0);
    await confirmOpening(procurement, tenderId);
    await confirmOpening(procurement2, tenderId);
    expect((await (await em()).getRepository(Tender).findOneByOrFail({ id: tenderId })).status).toBe("opened");

    const rows = await stored();
    expect(rows).toHaveLength(2);
    const trainer = rows.find((r) => r.providerId === trainerUser.providerId)!;
    const broker = rows.find((r) => r.providerId === brokerUser.providerId)!;
    // 3 × (1,1 − 0,8) ÷ 0,4 = 2,25
    expect(trainer).toMatchObject({ pointsHundredths: 225, status: "scored" });
    expect(trainer.valueUsed).toBeCloseTo(1.1, 10);
    expect(trainer.figure).toMatchObject({ k: 33, n: 50, overallRate: 0.6 });
    expect(trainer.figure!.ratio).toBeCloseTo(1.1, 10);
    expect(trainer.figure!.expected).toBeCloseTo(30, 10); // expected events; the expected rate 60 %
    expect(trainer.figure!.ratioLow).toBeCloseTo(ratioInterval(33, 30).low, 10);
    // the stored figure is the comparison's own figure at the offer deadline
    const live = await providerFigures({ providerIds: [trainerUser.providerId!], measure: "integration", typeCode: "bae", from: "2024-12-15", to: "2026-12-14", asOf: DEADLINE });
    expect(trainer.figure).toMatchObject({ k: live.get(trainerUser.providerId!)!.k, n: live.get(trainerUser.providerId!)!.n, ratio: live.get(trainerUser.providerId!)!.ratio });
    const period = methodPeriod(METHOD, DEADLINE);
    expect(period).toEqual({ from: "2024-12-15", to: "2026-12-14" });
    expect(trainer).toMatchObject({ periodFrom: period.from, periodTo: period.to, asOf: DEADLINE });
    expect(trainer.figure).toMatchObject({ from: period.from, to: period.to, asOf: DEADLINE });
    expect(broker).toMatchObject({ pointsHundredths: 150, status: "neutral", figure: null });
    expect(broker.reason).toContain("Keine Daten");
    const audits = await (await em()).getRepository(AuditEvent).find({ where: { action: "offer.past_performance" } });
    expect(audits).toHaveLength(2);
    expect(audits.map((a) => a.summary).join(" ")).toContain("2,25 Punkte");
  });

  it("evaluators cannot score the criterion by hand", async () => {
    const criterion = await (await em()).getRepository(AwardCriterion).findOneByOrFail({ tenderId, kind: "past_performance" });
    const rows = await stored();
    for (const r of rows) await formalCheck(procurement, r.offerId, "admitted", "");
    const e = await rejects(scoreOffer(procurement, rows[0].offerId, { [criterion.id]: 3 }), ValidationError);
    expect(e.message).toContain("berechnet, nicht von Hand bewertet");
  });

  it("a change of the data later does not change the stored points", async () => {
    // 30 more trainer exits without a job, recorded after the deadline: the live figures change …
    await baeExits(trainerUser.providerId!, 0, 30, "2026-12-16T07:00:00.000Z");
    const now = await providerFigures({ providerIds: [trainerUser.providerId!], measure: "integration", typeCode: "bae", from: "2024-12-15", to: "2026-12-14", asOf: AFTER_DEADLINE });
    expect(now.get(trainerUser.providerId!)!.n).toBe(80);
    // … the figures at the deadline do not (recorded later) …
    const atDeadline = await providerFigures({ providerIds: [trainerUser.providerId!], measure: "integration", typeCode: "bae", from: "2024-12-15", to: "2026-12-14", asOf: DEADLINE });
    expect(atDeadline.get(trainerUser.providerId!)!.k).toBe(33);
    // … and the stored points are never recomputed.
    expect(await computePastPerformance(procurement, tenderId)).toBe(0);
    // Only someone who may evaluate asks for it (the service checks, not only the route).
    const kasse = await currentUser("kasse@asz-kamenz.example");
    await rejects(computePastPerformance(kasse, tenderId), ForbiddenError);
    await rejects(computePastPerformance(trainerUser, tenderId), ForbiddenError);
    const rows = await stored();
    expect(rows.map((r) => r.pointsHundredths).sort()).toEqual([150, 225]);
    expect(rows.find((r) => r.providerId === trainerUser.providerId)!.figure?.ratio).toBeCloseTo(1.1, 10);
  });

  it("the evaluation page shows the computed points with their source figures; the ranking uses them", async () => {
    const konzept = await (await em()).getRepository(AwardCriterion).findOneByOrFail({ tenderId, name: "Konzept" });
    const pp = await (await em()).getRepository(AwardCriterion).findOneByOrFail({ tenderId, kind: "past_performance" });
    const rows = await stored();
    for (const r of rows) {
      await scoreOffer(procurement, r.offerId, { [konzept.id]: 2 });
      await scoreOffer(procurement2, r.offerId, { [konzept.id]: 2 });
    }
    const view = await evaluationView(procurement, tenderId);
    expect(view.problems).toEqual([]);
    expect(view.pastPerformance?.missing).toBe(0);
    const trainerRow = view.pastPerformance!.rows.find((r) => r.providerId === trainerUser.providerId)!;
    expect(trainerRow).toMatchObject({ pointsText: "2,25", k: "33", n: "50", rate: "66,0 %", interval: "52,2 % – 77,6 %", expected: "60,0 %", ratio: "1,10", ratioInterval: RATIO_TEXT });
    expect(trainerRow.period).toBe("15.12.2024–14.12.2026");
    await finishEvaluation(procurement, tenderId);
    const after = await evaluationView(procurement, tenderId);
    const ranked = after.ranking[0].ranked;
    expect((ranked.find((r) => r.providerId === trainerUser.providerId)!.qualityPoints as Record<number, number | null>)[pp.id]).toBe(2.25);
    expect((ranked.find((r) => r.providerId === brokerUser.providerId)!.qualityPoints as Record<number, number | null>)[pp.id]).toBe(1.5);
    // Trainer: price 3 × 1100/1200 = 2,75 → 50 × 2,75/3 + 30 × 2/3 + 20 × 2,25/3 = 45,83 + 20 + 15 = 80,83
    expect(ranked.find((r) => r.providerId === trainerUser.providerId)!.total).toBe(80.83);
  });

  it("a bidder sees the published method, never another bidder's figures or points", async () => {
    const seen = JSON.stringify(await getTenderForProvider(brokerUser, tenderId));
    expect(seen).toContain("Integrationsquote");
    expect(seen).not.toContain("Bildungswerk");
    expect(seen).not.toContain("2,25");
    expect(seen).not.toMatch(/"ratio"|"pointsHundredths"|"figure"/);
  });

  it("the Vergabevermerk records for each offer the figures, the interval and the points", async () => {
    const doc = await createProcurementRecord(procurement, tenderId);
    const text = pdfText(await readBytes(doc.sha256));
    expect(text).toContain("Berechnete Punkte der Vorleistung");
    expect(text).toContain("Bildungswerk Lausitz");
    expect(text).toContain("66,0 % (33/50)");
    expect(text).toContain("52,2 % – 77,6 %");
    expect(text).toContain(`1,10 (${RATIO_TEXT})`);
    expect(text).toContain("2,25");
    expect(text).toContain("keine Daten");
    expect(text).toContain("1,5 Punkte");
  });
});

describe("past performance counts only exits whose six months are over at the offer deadline", () => {
  it("exits on 30.06.2026 (six months complete on 30.12.2026) are not failures at the deadline of 15.12.2026", async () => {
    const q = { providerIds: [trainerUser.providerId!], measure: "integration" as const, typeCode: "bae", from: "2024-12-15", to: "2026-12-14" };
    const before = (await providerFigures({ ...q, asOf: DEADLINE })).get(trainerUser.providerId!)!;
    // 10 more exits without a job so far, recorded before the deadline.
    await baeExits(trainerUser.providerId!, 0, 10, "2026-07-15T08:00:00.000Z", "2026-06-30");
    const atDeadline = (await providerFigures({ ...q, asOf: DEADLINE })).get(trainerUser.providerId!)!;
    expect([atDeadline.k, atDeadline.n]).toEqual([before.k, before.n]);
    // On the last day of their six months (29.12. Berlin) still not; from 30.12. they count.
    expect((await providerFigures({ ...q, asOf: "2026-12-29T22:59:59.000Z" })).get(trainerUser.providerId!)!.n).toBe(before.n);
    expect((await providerFigures({ ...q, asOf: "2026-12-29T23:00:00.000Z" })).get(trainerUser.providerId!)!.n).toBe(before.n + 10);
  });
});

describe("a suppressed figure (a bidder with 2 exits)", () => {
  it("prints only 'zu wenige Fälle (< 3)' on the evaluation page and in the Vergabevermerk, never k/n beside it", async () => {
    // A third BaE provider with 1 integration of 2 exits: the comparison suppresses its figure.
    const small = await currentUser("angebote@demo-t-0003.example");
    await baeExits(small.providerId!, 1, 2);
    const figure = (await providerFigures({ providerIds: [small.providerId!], measure: "integration", typeCode: "bae", from: "2024-12-15", to: "2026-12-14", asOf: DEADLINE })).get(small.providerId!)!;
    expect(figure).toMatchObject({ k: 1, n: 2, suppressed: true });
    // Stored as the broker's figure (as the evaluation would store a bidder with 2 exits).
    const m = await em();
    const broker = (await stored()).find((r) => r.providerId === brokerUser.providerId)!;
    const { providerId: _id, measure: _m, ...stored2 } = figure;
    await m.getRepository(PastPerformanceScore).update({ id: broker.id }, { figure: stored2 as never });
    const tender = await m.getRepository(Tender).findOneByOrFail({ id: tenderId });
    const row = (await pastPerformanceRows(m, tender))!.rows.find((r) => r.providerId === brokerUser.providerId)!;
    expect(row).toMatchObject({ suppressed: true, rate: "zu wenige Fälle (< 3)", k: "–", n: "–", interval: "–", expected: "–", ratio: "–" });
    const view = await evaluationView(procurement, tenderId);
    expect(JSON.stringify(view)).not.toMatch(/"k":"1","n":"2"/);
    const doc = await createProcurementRecord(procurement, tenderId);
    const text = pdfText(await readBytes(doc.sha256));
    expect(text).toContain("zu wenige Fälle (< 3)");
    expect(text).not.toContain("(1/2)");
    expect(text).not.toContain("unterdrückt (");
    expect(text).toContain("66,0 % (33/50)");
  });
});
