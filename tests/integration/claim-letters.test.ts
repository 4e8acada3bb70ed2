import { freshDatabase } from "../setup/db";
import { pdfText } from "../setup/pdf-text";
import { minimalPdf } from "../fixtures/pdf";
import { In, MoreThan } from "typeorm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Document, FeeInstalment, Offer, OutboxMessage, PlacementAgreement, PlacementClaim, Provider, User } from "../../entities";
import { formatCents } from "~/domain/money";
import { berlinDate, formatDate } from "~/domain/time";
import { ConflictError } from "~/domain/errors";
import { setClock } from "~/lib/clock.server";
import { db, em } from "~/lib/db.server";
import { installGateProbe, type GateProbe } from "~/lib/gate-probe.server";
import type { PersonUser } from "~/services/auth.server";
import { assignClient, createClient } from "~/services/clients.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { acceptAgreement, agreementDocument, createFeeSchedule, offerAgreements } from "~/services/placement-agreements.server";
import { seedDemoTenders } from "~/demo/demo-tenders.server";
import { offerReceiptDocument } from "~/services/offers.server";
import { readBytes } from "~/lib/files.server";
import { decideClaim, renderDecisionLetter, renderMissingDecisionLetters, submitClaim } from "~/services/placement-claims.server";

/**
 * Issue 13 point 2: a claim's decision holds the write gate only for its writes. The letter PDF is
 * rendered before the decision's transaction, from the decision as it will be written, and stored
 * in it; uploads are written to the file store before the transaction. These tests check the
 * structure (where the work happens, what a rollback leaves, how a lost letter comes back), not
 * times.
 */

const state = vi.hoisted(() => ({
  probe: null as { isOpen(): boolean } | null,
  renders: [] as boolean[],
  stores: [] as boolean[],
  failRender: false,
}));

// Every PDF rendering and every write to the file store notes whether a transaction was open.
vi.mock("~/lib/pdf.server", async (importOriginal) => {
  const orig = await importOriginal<typeof import("~/lib/pdf.server")>();
  return {
    ...orig,
    renderPdfFromText: async (...args: Parameters<typeof orig.renderPdfFromText>) => {
      state.renders.push(state.probe?.isOpen() ?? false);
      if (state.failRender) throw new Error("Renderer ausgefallen (Test)");
      return orig.renderPdfFromText(...args);
    },
  };
});
vi.mock("~/lib/files.server", async (importOriginal) => {
  const orig = await importOriginal<typeof import("~/lib/files.server")>();
  return {
    ...orig,
    storeBytes: async (...args: Parameters<typeof orig.storeBytes>) => {
      state.stores.push(state.probe?.isOpen() ?? false);
      return orig.storeBytes(...args);
    },
  };
});

let probe: GateProbe;
let caseManager: PersonUser;
let broker: PersonUser;
let brokerId: number;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

const FILES = {
  employmentContract: { filename: "arbeitsvertrag.pdf", bytes: minimalPdf("arbeitsvertrag") },
  employerConfirmation: { filename: "bestaetigung.pdf", bytes: minimalPdf("bestaetigung") },
  brokerContract: { filename: "vermittlungsvertrag.pdf", bytes: minimalPdf("vermittlungsvertrag") },
};

let clientNo = 0;
/** A new client with a voucher for the broker (one voucher, one placement), and a claim on it. */
async function newClaim(overrides: Record<string, string> = {}) {
  setClock("2007-01-10T09:00:00.000Z");
  clientNo++;
  const c = await createClient(caseManager, { firstName: "Test", lastName: `Kunde ${clientNo}`, birthDate: "12.05.1971", targetGroups: [] });
  const a = await assignClient(caseManager, c.id, { providerId: String(brokerId), validFrom: "15.01.2007" });
  setClock("2007-02-10T09:00:00.000Z");
  return submitClaim(
    broker,
    {
      assignmentId: String(a.id),
      employerName: `Kamenzer Logistik ${clientNo} GmbH`,
      employerStreet: "Industriestraße 4",
      employerPostalCode: "01917",
      employerCity: "Kamenz",
      contractDate: "01.02.2007",
      jobStart: "05.02.2007",
      weeklyHours: "38,5",
      insured: "on",
      occupation: "Lagerist",
      brokerContractDate: "20.01.2007",
      ...overrides,
    },
    FILES,
    "portal",
  );
}

async function lettersOf(claimId: number) {
  return (await em()).getRepository(Document).find({ where: { entityType: "placement-claim", entityId: String(claimId), origin: "generated" }, order: { id: "ASC" } });
}

async function mailsWith(docIds: number[]) {
  return (await em()).getRepository(OutboxMessage).count({ where: { attachmentDocumentId: In([0, ...docIds]) } });
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2007-01-10T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  const procurement = await currentUser("vergabe@asz-kamenz.example");
  caseManager = await currentUser("fallmanagement@asz-kamenz.example");
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
  brokerId = broker.providerId!;
  await (await db()).getRepository(Provider).update({ id: brokerId }, { tradeRegistrationDate: "2004-03-01", active: true });
  await createFeeSchedule(procurement, { code: "VGS-L", name: "Vermittlungsgutschein 2005", legalBasis: "voucher_421g", validFrom: "01.01.2005", firstAmount: "1.000,00", firstDays: "42", secondMonths: "6", secondSameEmployer: "on", rates: "alle;2.000,00;01.01.2005" });
  await offerAgreements(procurement, { legalBasis: "voucher_421g", validFrom: "01.01.2007", providerIds: [String(brokerId)] });
  const agreement = await (await em()).getRepository(PlacementAgreement).findOneByOrFail({ providerId: brokerId, status: "offered" });
  await acceptAgreement(broker, agreement.id);
  probe = await installGateProbe(await db());
  state.probe = probe;
}, 120_000);

afterEach(() => {
  state.failRender = false;
});

describe("decision letters outside the write gate", () => {
  it("accepting a claim: the letter exists, is mailed once, and no PDF was rendered and no file written while a transaction was open", async () => {
    const claim = await newClaim();
    expect(claim.status).toBe("submitted");
    state.renders.length = 0;
    state.stores.length = 0;
    probe.reset();
    const decided = await decideClaim(caseManager, claim.id, "accept", { note: "" });
    expect(state.renders).toEqual([false]); // one letter, rendered with no transaction open
    expect(state.stores.length).toBeGreaterThan(0);
    expect(state.stores.every((inTx) => !inTx)).toBe(true);
    // One short transaction: the decision with its letter, instalments, voucher and mail.
    expect(probe.holds).toHaveLength(1);
    const row = await (await em()).getRepository(PlacementClaim).findOneByOrFail({ id: claim.id });
    expect(row).toMatchObject({ status: "accepted", letterDue: null });
    expect(row.decisionDocumentId).not.toBeNull();
    expect(decided.decisionDocumentId).toBe(row.decisionDocumentId);
    const letters = await lettersOf(claim.id);
    expect(letters.map((l) => [l.id, l.template, l.providerId])).toEqual([[row.decisionDocumentId, "placement-decision", brokerId]]);
    expect(await mailsWith([row.decisionDocumentId!])).toBe(1);
    // Rendered before the instalments were written, the letter still states them as stored, and the decision's date.
    const instalments = await (await em()).getRepository(FeeInstalment).find({ where: { claimId: claim.id }, order: { number: "ASC" } });
    expect(instalments).toHaveLength(2);
    const text = pdfText(await readBytes(letters[0].sha256)).replace(/\s+/g, " ");
    for (const i of instalments) for (const shown of [formatCents(i.amountCents), formatDate(i.earliestOn), formatDate(i.deadlineOn)]) expect(text).toContain(shown);
    expect(text).toContain(formatDate(berlinDate(row.decidedAt!)));
  });

  it("a claim decided on day 42 after the job's start keeps both instalments pending; decided on day 43 (19.03.2007), the first is due at once", async () => {
    const statuses = async (claimId: number) => (await (await em()).getRepository(FeeInstalment).find({ where: { claimId }, order: { number: "ASC" } })).map((i) => [i.number, i.earliestOn, i.status]);
    const early = await newClaim();
    setClock("2007-03-18T21:00:00.000Z"); // 22:00 in Kamenz, still 18.03.
    await decideClaim(caseManager, early.id, "accept", { note: "" });
    expect(await statuses(early.id)).toEqual([[1, "2007-03-19", "pending"], [2, "2007-08-05", "pending"]]);
    const late = await newClaim();
    setClock("2007-03-18T23:30:00.000Z"); // 00:30 on 19.03. in Kamenz
    await decideClaim(caseManager, late.id, "accept", { note: "" });
    expect(await statuses(late.id)).toEqual([[1, "2007-03-19", "due"], [2, "2007-08-05", "pending"]]);
  });

  it("a claim refused on receipt: its letter is rendered after the transaction; the uploads were stored before it", async () => {
    state.renders.length = 0;
    state.stores.length = 0;
    const r = await newClaim({ weeklyHours: "14,5" });
    expect(r.status).toBe("rejected");
    expect(state.renders).toEqual([false]);
    expect(state.stores.length).toBeGreaterThanOrEqual(4); // three uploads and the letter
    expect(state.stores.every((inTx) => !inTx)).toBe(true);
    const row = await (await em()).getRepository(PlacementClaim).findOneByOrFail({ id: r.id });
    expect(row.letterDue).toBeNull();
    expect((await lettersOf(r.id)).map((l) => l.template)).toEqual(["placement-notice"]);
    expect(await mailsWith([row.decisionDocumentId!])).toBe(1);
  });

  it("two staff decide the same claim at once: one decision wins, the other is rolled back and leaves no letter, document or mail", async () => {
    const claim = await newClaim();
    const mailsBefore = await (await em()).getRepository(OutboxMessage).count();
    const results = await Promise.allSettled([
      decideClaim(caseManager, claim.id, "accept", { note: "" }),
      decideClaim(caseManager, claim.id, "reject", { note: "Der Arbeitsvertrag ist nicht unterschrieben; der Nachweis wird abgelehnt." }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(ConflictError);
    const row = await (await em()).getRepository(PlacementClaim).findOneByOrFail({ id: claim.id });
    const letters = await lettersOf(claim.id);
    expect(letters).toHaveLength(1);
    expect(letters[0].template).toBe(row.status === "accepted" ? "placement-decision" : "placement-notice");
    expect(row.decisionDocumentId).toBe(letters[0].id);
    expect((await (await em()).getRepository(OutboxMessage).count()) - mailsBefore).toBe(1);
  });

  it("a decision whose letter could not be rendered stays taken; the job produces the letter once, with the decision's date and signatory", async () => {
    const claim = await newClaim();
    state.failRender = true;
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const decided = await decideClaim(caseManager, claim.id, "request_documents", { note: "Bitte den Vermittlungsvertrag im Original nachreichen." });
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
    state.failRender = false;
    expect(decided.status).toBe("documents_requested");
    let row = await (await em()).getRepository(PlacementClaim).findOneByOrFail({ id: claim.id });
    expect(row).toMatchObject({ status: "documents_requested", letterDue: "request_documents", decisionDocumentId: null });
    expect(await lettersOf(claim.id)).toHaveLength(0);
    // The job leaves letters of decisions under a minute old to the deciding request.
    expect(await renderMissingDecisionLetters()).toBe(0);
    setClock("2007-02-10T09:01:30.000Z");
    state.renders.length = 0;
    expect(await renderMissingDecisionLetters()).toBe(1);
    expect(state.renders).toEqual([false]);
    row = await (await em()).getRepository(PlacementClaim).findOneByOrFail({ id: claim.id });
    expect(row.letterDue).toBeNull();
    const letters = await lettersOf(claim.id);
    expect(letters.map((l) => [l.id, l.template, l.createdById])).toEqual([[row.decisionDocumentId, "placement-notice", caseManager.id]]);
    expect(await mailsWith([row.decisionDocumentId!])).toBe(1);
    // Nothing owed any more: a second pass and a direct call store nothing new.
    expect(await renderMissingDecisionLetters()).toBe(0);
    expect(await renderDecisionLetter(claim.id)).toBe(row.decisionDocumentId);
    expect(await lettersOf(claim.id)).toHaveLength(1);
  });

  it("two processes producing the same owed letter at once store and mail it once", async () => {
    const claim = await newClaim();
    state.failRender = true;
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await decideClaim(caseManager, claim.id, "accept", { note: "" });
    errors.mockRestore();
    state.failRender = false;
    const ids = await Promise.all([renderDecisionLetter(claim.id), renderDecisionLetter(claim.id)]);
    const row = await (await em()).getRepository(PlacementClaim).findOneByOrFail({ id: claim.id });
    expect(ids).toEqual([row.decisionDocumentId, row.decisionDocumentId]);
    expect(await lettersOf(claim.id)).toHaveLength(1);
    expect(await mailsWith([row.decisionDocumentId!])).toBe(1);
  });
});

describe("the other letters and records of a state change are rendered before its transaction too (DESIGN.md § 7)", () => {
  /** Documents generated since `afterId`, by template. */
  async function generatedSince(afterId: number) {
    const rows = await (await em()).getRepository(Document).find({ where: { origin: "generated", id: MoreThan(afterId) }, order: { id: "ASC" } });
    return rows;
  }
  async function lastDocumentId() {
    return (await (await em()).getRepository(Document).find({ order: { id: "DESC" }, take: 1 }))[0]?.id ?? 0;
  }

  it("offering agreements to several brokers at once, and an agreement's PDF on first request: each rendered once, with no transaction open", async () => {
    setClock("2007-01-10T09:00:00.000Z");
    const procurement = await currentUser("vergabe@asz-kamenz.example");
    const m = await db();
    const others = (await m.getRepository(Provider).find({ where: { kind: "broker" }, order: { id: "ASC" } })).filter((p) => p.id !== brokerId).slice(0, 3);
    expect(others).toHaveLength(3);
    await m.getRepository(Provider).update({ id: In(others.map((p) => p.id)) }, { tradeRegistrationDate: "2004-03-01", active: true });
    const before = await lastDocumentId();
    state.renders.length = 0;
    const result = await offerAgreements(procurement, { legalBasis: "voucher_421g", validFrom: "01.02.2007", providerIds: others.map((p) => String(p.id)) });
    expect(result.offered).toHaveLength(3);
    const letters = await generatedSince(before);
    expect(letters.map((d) => d.template)).toEqual(["placement-agreement", "placement-agreement", "placement-agreement"]);
    expect(state.renders).toEqual([false, false, false]); // one rendering per letter, none inside the transaction
    // Each letter names its own agreement's reference (the references were foreseen correctly).
    const offered = await m.getRepository(PlacementAgreement).find({ where: { providerId: In(others.map((p) => p.id)), status: "offered" } });
    for (const a of offered) {
      const doc = letters.find((d) => d.id === a.documentId)!;
      expect(doc.title).toBe(`Vermittlungsvereinbarung ${a.reference}`);
      expect(pdfText(await readBytes(doc.sha256))).toContain(a.reference);
    }
    expect(await mailsWith(letters.map((d) => d.id))).toBe(3);

    // An agreement without its PDF (as older ones are) gets it on first request, rendered outside.
    await m.getRepository(PlacementAgreement).update({ id: offered[0].id }, { documentId: null });
    state.renders.length = 0;
    const doc = await agreementDocument(procurement, offered[0].id);
    expect(state.renders).toEqual([false]);
    expect(doc.sha256).toBe(letters.find((d) => d.id === offered[0].documentId)!.sha256); // the same letter again
  });

  it("a whole tender procedure (descriptions, opening records, letters to bidders) and an offer's receipt: each rendered once, with no transaction open", async () => {
    setClock("2026-12-06T09:00:00.000Z");
    const before = await lastDocumentId();
    state.renders.length = 0;
    state.stores.length = 0;
    expect(await seedDemoTenders()).toBe(9);
    const docs = await generatedSince(before);
    const templates = new Set(docs.map((d) => d.template));
    for (const t of ["tender-description", "opening-record", "rejection-letter"]) expect(templates.has(t), t).toBe(true);
    const concepts = await (await em()).getRepository(Offer).count(); // the demo renders each bidder's concept PDF too
    expect(state.renders).toHaveLength(docs.length + concepts);
    expect(state.renders.every((inTx) => !inTx)).toBe(true);
    // The opening records list the bidders' prices: their bytes reach the disk only inside the
    // transaction that opens the tender; every other file is written before its transaction.
    expect(state.stores.filter((inTx) => inTx)).toHaveLength(docs.filter((d) => d.template === "opening-record").length);

    const offer = await (await em()).getRepository(Offer).findOneOrFail({ where: {}, order: { id: "ASC" } });
    state.renders.length = 0;
    const id = await offerReceiptDocument(await currentUser("vergabe@asz-kamenz.example"), offer.id);
    expect(state.renders).toEqual([false]);
    expect(await offerReceiptDocument(await currentUser("vergabe@asz-kamenz.example"), offer.id)).toBe(id); // kept, not rendered again
    expect(state.renders).toEqual([false]);
  });
});
