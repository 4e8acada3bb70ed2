import { freshDatabase } from "../setup/db";
import { minimalPdf } from "../fixtures/pdf";
import { In } from "typeorm";
import { beforeAll, describe, expect, it } from "vitest";
import { Assignment, AuditEvent, BankAccount, ClaimDocument, Document, FeeInstalment, OutboxMessage, PaymentItem, PlacementAgreement, PlacementClaim, Provider, User } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import type { RuleResult } from "~/domain/placement-rules";
import { verifyAuditChain } from "~/lib/audit.server";
import { setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import { addDays } from "~/domain/time";
import { InstalmentDueAfterPeriod1764310000000 } from "../../migrations/1764310000000-instalment-due-after-period";
import type { PersonUser } from "~/services/auth.server";
import { addEmploymentSpell, assignClient, createClient, ownAssignments, setConsent, withdrawAssignment } from "~/services/clients.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { certifyInstalment, correctEmploymentEnd, ownFigures, proveInstalment, reportEmploymentEnd, revokeInstalment, runPlacementDay } from "~/services/instalments.server";
import { listPaymentItems, paymentItemsCsv } from "~/services/payment-items.server";
import { acceptAgreement, createFeeSchedule, offerAgreements, offerAgreementsToAllEligible, renewExpiring } from "~/services/placement-agreements.server";
import { addClaimDocuments, contractsPerYear, decideClaim, getClaim, submitClaim } from "~/services/placement-claims.server";

/**
 * The whole broker line through the services, under the 2007 rules (§ 421g SGB III a.F.):
 * admission → assignment → claims (rejected by rule, flagged, valid) → decision → instalments
 * moved by the daily job → proof → sachlich richtig → payable item; early end; lapse; access.
 */

let procurement: PersonUser;
let caseManager: PersonUser;
let broker: PersonUser; // DEMO-B-0001
let broker2: PersonUser; // DEMO-B-0002
let brokerId: number;
let broker2Id: number;
let noRegistrationId: number;
let clientId: number;
let assignmentId: number;
let validClaimId: number;
let lapsingId: number;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

function pdf(marker: string) {
  return { filename: `${marker}.pdf`, bytes: minimalPdf(marker) };
}
const FILES = { employmentContract: pdf("arbeitsvertrag"), employerConfirmation: pdf("bestaetigung"), brokerContract: pdf("vermittlungsvertrag") };

function claimForm(overrides: Record<string, unknown> = {}) {
  return {
    assignmentId: String(assignmentId),
    employerName: "Kamenzer Logistik GmbH",
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
  };
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2007-01-10T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  procurement = await currentUser("vergabe@asz-kamenz.example");
  caseManager = await currentUser("fallmanagement@asz-kamenz.example");
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
  broker2 = await currentUser("angebote@demo-b-0002.example");
  brokerId = broker.providerId!;
  broker2Id = broker2.providerId!;
  const m = await em();
  const third = await m.getRepository(Provider).findOneByOrFail({ externalKey: "DEMO-B-0003" });
  noRegistrationId = third.id;
  // The 2007 rules need the trade registration (Gewerbeanzeige): two brokers have it, one not.
  await m.getRepository(Provider).update({ id: In([brokerId, broker2Id]) }, { tradeRegistrationDate: "2004-03-01", active: true });
  await m.getRepository(Provider).update({ id: noRegistrationId }, { tradeRegistrationDate: null, active: true });
}, 120_000);


describe("agreements: fee schedule as data, open admission, acceptance", () => {
  it("refuses a schedule whose fixed instalments exceed the total", async () => {
    await expect(
      createFeeSchedule(procurement, { code: "BAD", name: "Falsch", legalBasis: "voucher_421g", validFrom: "01.01.2005", firstAmount: "2.500,00", firstDays: "42", secondMonths: "6", secondSameEmployer: "on", rates: "alle;2.000,00;01.01.2005" }),
    ).rejects.toThrow(/kleiner als die Summe der festen Raten/);
  });

  it("creates the 2005 voucher schedule and offers the standard agreement to three brokers at once", async () => {
    await createFeeSchedule(procurement, { code: "VGS-T", name: "Vermittlungsgutschein 2005", legalBasis: "voucher_421g", validFrom: "01.01.2005", firstAmount: "1.000,00", firstDays: "42", secondMonths: "6", secondSameEmployer: "on", rates: "alle;2.000,00;01.01.2005" });
    const result = await offerAgreements(procurement, { legalBasis: "voucher_421g", validFrom: "01.01.2007", providerIds: [String(brokerId), String(broker2Id), String(noRegistrationId)] });
    expect(result.offered).toHaveLength(2);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0].reason).toContain("Keine Gewerbeanzeige für Arbeitsvermittlung (§ 421g Abs. 3 Nr. 4 SGB III a.F.)");
    const m = await em();
    const a = await m.getRepository(PlacementAgreement).findOneByOrFail({ providerId: brokerId });
    expect(a).toMatchObject({ status: "offered", validFrom: "2007-01-01", validUntil: "2007-12-31", legalBasis: "voucher_421g" });
    expect(a.documentId).not.toBeNull();
    const doc = await m.getRepository(Document).findOneByOrFail({ id: a.documentId! });
    expect(doc).toMatchObject({ template: "placement-agreement", providerId: brokerId });
    const mail = await m.getRepository(OutboxMessage).find({ where: { attachmentDocumentId: a.documentId! } });
    expect(mail).toHaveLength(1);
  });

  it("a second offer to a broker with a current agreement is skipped", async () => {
    const result = await offerAgreements(procurement, { legalBasis: "voucher_421g", validFrom: "01.06.2007", providerIds: [String(brokerId)] });
    expect(result.offered).toHaveLength(0);
    expect(result.skipped[0].reason).toMatch(/hat bereits die Vereinbarung VV-2007-\d{4}/);
  });

  it("the broker accepts in the portal: who and when are recorded; another broker cannot accept it", async () => {
    const m = await em();
    const a = await m.getRepository(PlacementAgreement).findOneByOrFail({ providerId: brokerId });
    await expect(acceptAgreement(broker2, a.id)).rejects.toBeInstanceOf(NotFoundError);
    await acceptAgreement(broker, a.id);
    const after = await m.getRepository(PlacementAgreement).findOneByOrFail({ id: a.id });
    expect(after).toMatchObject({ status: "active", acceptedById: broker.id, acceptedByName: broker.name });
    expect(after.acceptedAt).toMatch(/^2007-01-10T09:0/);
    await expect(acceptAgreement(broker, a.id)).rejects.toBeInstanceOf(ConflictError);
    const a2 = await m.getRepository(PlacementAgreement).findOneByOrFail({ providerId: broker2Id });
    await acceptAgreement(broker2, a2.id);
  });
});

describe("clients and assignments", () => {
  it("a case manager creates a pseudonymised client with an employment history", async () => {
    const c = await createClient(caseManager, { firstName: "Maik", lastName: "Pietsch", birthDate: "12.05.1971", street: "Weinbergstraße 3", postalCode: "01917", city: "Kamenz", phone: "03578 123456", email: "", region: "Landkreis Kamenz", targetGroups: ["long_term_unemployed"], qualification: "Facharbeiter Lager", targetOccupation: "Lagerist/in", monthlyBenefit: "563,00", householdSize: "3", healthNotes: "Rückenleiden" });
    expect(c.reference).toMatch(/^K-\d{6}$/);
    clientId = c.id;
    await addEmploymentSpell(caseManager, clientId, { employerName: "Lausitzer Metallbau GmbH", fromDate: "01.01.2004", toDate: "30.06.2004", insured: "on" });
  });

  it("assigns the client to a broker: 3 months validity, voucher amount, mail names only the pseudonym", async () => {
    const a = await assignClient(caseManager, clientId, { providerId: String(brokerId), validFrom: "15.01.2007", region: "Kamenz" });
    assignmentId = a.id;
    expect(a).toMatchObject({ validFrom: "2007-01-15", validUntil: "2007-04-14", maxFeeCents: 200000, status: "active", legalBasis: "voucher_421g" });
    const mails = await (await em()).getRepository(OutboxMessage).find({ order: { id: "DESC" }, take: 1 });
    expect(mails[0].subject).toContain(a.reference);
    expect(mails[0].body).toMatch(/K-\d{6}/);
    expect(mails[0].body).not.toContain("Pietsch");
  });

  it("a voucher longer than three months is refused (§ 421g)", async () => {
    await expect(assignClient(caseManager, clientId, { providerId: String(brokerId), validFrom: "15.01.2007", validUntil: "15.04.2007" })).rejects.toThrow(
      "Eine Zuweisung nach Vermittlungsgutschein (§ 16 Abs. 1 SGB II i. V. m. § 421g SGB III a.F.) gilt höchstens 3 Monate, also bis 14.04.2007.",
    );
  });

  it("a second valid voucher for another broker is refused under § 421g", async () => {
    await expect(assignClient(caseManager, clientId, { providerId: String(broker2Id), validFrom: "01.03.2007" })).rejects.toThrow(/bereits eine gültige Zuweisung an einen anderen Vermittler/);
  });

  it("the broker sees the client pseudonymised; name and contact only with consent; never benefit, household or health", async () => {
    let own = await ownAssignments(broker);
    expect(own).toHaveLength(1);
    expect(own[0].name).toBeNull();
    expect(own[0].contact).toBeNull();
    await setConsent(caseManager, clientId, assignmentId, true);
    own = await ownAssignments(broker);
    expect(own[0].name).toBe("Maik Pietsch");
    const text = JSON.stringify(own);
    for (const secret of ["563", "Rückenleiden", "householdSize", "monthlyBenefit", "healthNotes", "targetGroups", "long_term_unemployed"]) expect(text).not.toContain(secret);
    expect(await ownAssignments(broker2)).toHaveLength(0);
  });
});

describe("withdrawing an assignment", () => {
  it("needs a reason; afterwards the broker cannot report a placement on it", async () => {
    const c = await createClient(caseManager, { firstName: "Uwe", lastName: "Reichelt", birthDate: "03.03.1966", targetGroups: [] });
    const a = await assignClient(caseManager, c.id, { providerId: String(broker2Id), validFrom: "10.01.2007" });
    await expect(withdrawAssignment(caseManager, c.id, a.id, "zu kurz")).rejects.toThrow("Bitte begründen Sie die Rücknahme (mindestens 10 Zeichen).");
    await expect(withdrawAssignment(caseManager, c.id + 1000, a.id, "Kunde hat selbst eine Arbeit gefunden.")).rejects.toBeInstanceOf(NotFoundError);
    await withdrawAssignment(caseManager, c.id, a.id, "Kunde hat selbst eine Arbeit gefunden.");
    expect((await (await em()).getRepository(Assignment).findOneByOrFail({ id: a.id })).status).toBe("withdrawn");
    await expect(withdrawAssignment(caseManager, c.id, a.id, "Kunde hat selbst eine Arbeit gefunden.")).rejects.toBeInstanceOf(ConflictError);
    // The claim is reported after its contract date (dates in the future are refused first).
    setClock("2007-02-10T09:00:00.000Z");
    await expect(submitClaim(broker2, claimForm({ assignmentId: String(a.id) }), FILES, "portal")).rejects.toThrow(/wurde zurückgenommen/);
  });
});

describe("claims: checked at submission, decided by staff", () => {
  it("14,5 hours: rejected at once with the rule's message, a decision letter and a mail", async () => {
    setClock("2007-02-10T09:00:00.000Z");
    const r = await submitClaim(broker, claimForm({ weeklyHours: "14,5" }), FILES, "portal");
    expect(r.status).toBe("rejected");
    expect(r.errors.map((e) => e.message)).toContain("Wöchentliche Arbeitszeit 14,5 Std. liegt unter der Mindestarbeitszeit von 15 Std. (§ 421g Abs. 1 SGB III a.F.).");
    const m = await em();
    const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: r.id });
    expect(claim.decisionDocumentId).not.toBeNull();
    expect(await m.getRepository(OutboxMessage).count({ where: { attachmentDocumentId: claim.decisionDocumentId! } })).toBe(1);
    const audit = await m.getRepository(AuditEvent).findOneByOrFail({ action: "placement.refused", entityId: String(r.id) });
    expect(audit.summary).toContain("R2-hours");
    expect(audit.summary).not.toContain("Pietsch");
  });

  it("the previous employer within four years: rejected naming the days", async () => {
    const r = await submitClaim(broker, claimForm({ employerName: "Lausitzer Metallbau GmbH" }), FILES, "portal");
    expect(r.status).toBe("rejected");
    expect(r.errors.map((e) => e.code)).toEqual(["R4-previous-employer"]);
    expect(r.errors[0].message).toContain("182 Tage");
  });

  it("a missing or non-PDF upload is refused before anything is stored", async () => {
    const m = await em();
    const before = await m.getRepository(PlacementClaim).count();
    await expect(submitClaim(broker, claimForm(), { employmentContract: { filename: "x.pdf", bytes: Buffer.from("hello") }, employerConfirmation: null }, "portal")).rejects.toMatchObject({
      fieldErrors: { employmentContract: expect.stringContaining("kein PDF"), employerConfirmation: expect.stringContaining("als PDF hoch") },
    });
    expect(await m.getRepository(PlacementClaim).count()).toBe(before);
    // An HTML page that merely starts with %PDF- does not load as a PDF (issue 8: it was accepted as an employment contract).
    const html = { filename: "Arbeitsvertrag.pdf", bytes: Buffer.from("%PDF-1.4\n<html><body><h1>Arbeitsvertrag</h1></body></html>\n", "latin1") };
    await expect(submitClaim(broker, claimForm(), { ...FILES, employmentContract: html }, "portal")).rejects.toMatchObject({
      fieldErrors: { employmentContract: "Der Arbeitsvertrag muss eine PDF-Datei sein (der Inhalt ist kein PDF)." },
    });
    expect(await m.getRepository(PlacementClaim).count()).toBe(before);
  });

  it("a valid claim is submitted; a second one on the same voucher is rejected (one voucher, one placement)", async () => {
    // A report with a typo in the fee is rejected on arrival; the corrected report minutes later is
    // a new claim, not the earlier rejection again (outside test of issue 8).
    const typo = await submitClaim(broker, claimForm({ claimedFee: "1.000.000,00" }), FILES, "portal");
    expect(typo).toMatchObject({ status: "rejected" });
    expect(typo.errors.map((e) => e.code)).toContain("R6-fee");
    const r = await submitClaim(broker, claimForm(), FILES, "portal");
    expect(r).toMatchObject({ status: "submitted", errors: [] });
    expect(r.id).not.toBe(typo.id);
    // The service no longer guesses retries from the content (ADR 0016: that is the Idempotency-Key's
    // and the portal form's submission key's job): the same report again is a second claim, and the
    // rule "one voucher, one placement" refuses it; the first claim is untouched.
    const again2 = await submitClaim(broker, claimForm(), FILES, "portal");
    expect(again2.id).not.toBe(r.id);
    expect(again2.status).toBe("rejected");
    expect(again2.errors.map((e) => e.code)).toContain("R9-one-placement");
    const first = await (await em()).getRepository(PlacementClaim).findOneByOrFail({ id: r.id });
    expect(first.status).toBe("submitted");
    expect(first.flagged).toBe(false);
    validClaimId = r.id;
    const again = await submitClaim(broker, claimForm({ employerName: "Anderer Betrieb GmbH" }), FILES, "portal");
    expect(again.status).toBe("rejected");
    expect(again.errors.map((e) => e.code)).toContain("R9-one-placement");
  });

  it("another broker cannot see the claim", async () => {
    await expect(getClaim(broker2, validClaimId)).rejects.toBeInstanceOf(NotFoundError);
    const own = await getClaim(broker, validClaimId);
    expect(own.client.name).toBe("Maik Pietsch"); // consent given
  });

  it("staff ask for documents, the broker uploads them, staff accept: instalments with due dates, a letter", async () => {
    await expect(decideClaim(caseManager, validClaimId, "request_documents", { note: "kurz" })).rejects.toBeInstanceOf(RuleError); // the guard says no: 422 (ADR 0010)
    await decideClaim(caseManager, validClaimId, "request_documents", { note: "Bitte den Vermittlungsvertrag nachreichen." });
    await addClaimDocuments(broker, validClaimId, [{ kind: "broker_contract", file: pdf("vermittlungsvertrag") }]);
    const m = await em();
    expect((await m.getRepository(PlacementClaim).findOneByOrFail({ id: validClaimId })).status).toBe("submitted");
    await decideClaim(caseManager, validClaimId, "accept", { note: "" });
    const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: validClaimId });
    expect(claim.status).toBe("accepted");
    const inst = await m.getRepository(FeeInstalment).find({ where: { claimId: validClaimId }, order: { number: "ASC" } });
    expect(inst.map((i) => [i.number, i.amountCents, i.earliestOn, i.deadlineOn, i.status])).toEqual([
      // Job start 05.02.2007: day 42 is 18.03.2007, six months end with 04.08.2007; each period is
      // complete when its last day is over, so the instalments are due from the day after (DOMAIN.md § 1.5).
      [1, 100000, "2007-03-19", "2007-09-30", "pending"],
      [2, 100000, "2007-08-05", "2008-02-29", "pending"],
    ]);
    expect((await m.getRepository(Assignment).findOneByOrFail({ id: assignmentId })).status).toBe("redeemed");
    const letters = await m.getRepository(Document).find({ where: { entityType: "placement-claim", entityId: String(validClaimId), origin: "generated" }, order: { id: "ASC" } });
    expect(letters.map((l) => l.template)).toEqual(["placement-notice", "placement-decision"]); // documents requested, accepted
    const audit = await m.getRepository(AuditEvent).find({ where: { entityType: "placement-claim", entityId: String(validClaimId) }, order: { id: "ASC" } });
    expect(audit.map((a) => a.action)).toEqual(["placement.submit", "placement.request_documents", "placement.documents", "placement.accept"]);
    const staffView = await getClaim(procurement, validClaimId);
    expect(staffView.decidedByName).toBe(caseManager.name);
    expect(staffView.history.map((h) => h.action)).toEqual(["placement.submit", "placement.request_documents", "placement.documents", "placement.accept"]);
    const brokerView = await getClaim(broker, validClaimId);
    expect(brokerView.history).toEqual([]);
    expect(brokerView.decidedByName).toBeNull();
  });
});

describe("instalments: daily job, proof at day 41 / 42 / 43, sachlich richtig, payable item", () => {
  it("the job leaves instalment 1 pending on day 42 (the period is not over) and makes it due on day 43; running twice changes nothing more", async () => {
    const m = await em();
    const first = () => m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 1 });
    setClock("2007-03-18T09:00:00.000Z");
    expect((await runPlacementDay("2007-03-18")).instalmentsMoved).toBe(0);
    expect((await first()).status).toBe("pending");
    await expect(proveInstalment(broker, (await first()).id, { confirmedUntil: "18.03.2007", uninterrupted: "on" }, pdf("sechs-wochen"))).rejects.toThrow(
      "Die Beschäftigungsdauer für die 1. Rate ist erst mit Ablauf des 18.03.2007 erreicht; die Bestätigung des Arbeitgebers kann ab dem 19.03.2007 eingereicht werden.",
    );
    setClock("2007-03-19T09:00:00.000Z");
    const run1 = await runPlacementDay("2007-03-19");
    expect(run1.instalmentsMoved).toBe(1);
    expect(run1.reminders).toBe(1);
    expect((await first()).status).toBe("due");
    const auditCount = await m.getRepository(AuditEvent).count();
    const mailCount = await m.getRepository(OutboxMessage).count();
    const run2 = await runPlacementDay("2007-03-19");
    expect(run2).toMatchObject({ instalmentsMoved: 0, reminders: 0, agreementsExpired: 0, assignmentsExpired: 0 });
    expect(await m.getRepository(AuditEvent).count()).toBe(auditCount);
    expect(await m.getRepository(OutboxMessage).count()).toBe(mailCount);
  });

  it("a confirmation up to day 41 is refused, day 42 earns the instalment", async () => {
    const m = await em();
    setClock("2007-03-20T09:00:00.000Z");
    const i = await m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 1 });
    await expect(proveInstalment(broker, i.id, { confirmedUntil: "17.03.2007", uninterrupted: "on" }, pdf("x"))).rejects.toThrow("das ist Tag 41; für die 1. Rate ist Tag 42 (18.03.2007) nötig");
    await expect(proveInstalment(broker2, i.id, { confirmedUntil: "18.03.2007", uninterrupted: "on" }, pdf("x"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(proveInstalment(broker, i.id, { confirmedUntil: "18.03.2007", uninterrupted: "on" }, { filename: "b.pdf", bytes: Buffer.from("%PDF-1.4\n<html>Bestätigung</html>\n", "latin1") })).rejects.toThrow(
      "Die Bestätigung muss eine PDF-Datei sein (der Inhalt ist kein PDF).",
    );
    await proveInstalment(broker, i.id, { confirmedUntil: "18.03.2007", uninterrupted: "on" }, pdf("sechs-wochen"));
    expect((await m.getRepository(FeeInstalment).findOneByOrFail({ id: i.id })).status).toBe("earned");
  });

  it("sachlich richtig hands it to finance as a payable item with the broker's current bank account", async () => {
    const m = await em();
    const i = await m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 1 });
    await expect(certifyInstalment(broker, i.id)).rejects.toThrow();
    // Whoever made the bank data effective may not certify the payment.
    const account = await m.getRepository(BankAccount).findOneByOrFail({ providerId: brokerId, current: true });
    await m.getRepository(BankAccount).update({ id: account.id }, { changedById: caseManager.id });
    await expect(certifyInstalment(caseManager, i.id)).rejects.toThrow(/Bankverbindung dieses Vermittlers geändert/);
    await m.getRepository(BankAccount).update({ id: account.id }, { changedById: null });
    await certifyInstalment(caseManager, i.id);
    // The certification is the factual check of the payment item handed to finance.
    const item = await m.getRepository(PaymentItem).findOneByOrFail({ instalmentId: i.id });
    expect(item).toMatchObject({ amountCents: 100000, iban: account.iban, status: "awaiting_arithmetic", factualById: caseManager.id, providerId: brokerId });
    expect(item.commitmentId, "the voucher's commitment is the one the payment draws on").not.toBeNull();
    const finance = await currentUser("kasse@asz-kamenz.example");
    const list = await listPaymentItems(finance, { status: "open" });
    expect(list.rows.map((r) => r.id)).toContain(item.id);
    const csv = await paymentItemsCsv(finance, {});
    expect(csv).toContain(account.iban);
    expect(csv).toContain("1000,00");
    await expect(listPaymentItems(broker, {})).rejects.toThrow();
    await expect(certifyInstalment(caseManager, i.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it("an early end of employment cancels the second instalment; the end shortly after six weeks is flagged", async () => {
    const m = await em();
    setClock("2007-04-02T09:00:00.000Z");
    const result = await reportEmploymentEnd(broker, validClaimId, { endedOn: "25.03.2007" });
    expect(result.cancelled).toBe(1);
    const second = await m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 2 });
    expect(second.status).toBe("cancelled");
    const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: validClaimId });
    expect(claim.flagged).toBe(true);
    expect((claim.ruleResults as RuleResult[]).map((r) => r.code)).toContain("R8-ended-after-threshold");
    const figures = await ownFigures(broker);
    expect(figures).toMatchObject({ accepted: 1, earnedCents: 100000, pendingCents: 0, secondInstalmentShare: 0, secondInstalmentBase: 1 });
  });
});

describe("corrections by staff, with reasons", () => {
  it("a wrongly reported end is corrected: the cancelled 2nd instalment comes back", async () => {
    const m = await em();
    await expect(correctEmploymentEnd(broker, validClaimId, { endedOn: "", reason: "Meldung war falsch, Beschäftigung dauert an." })).rejects.toThrow();
    await expect(correctEmploymentEnd(caseManager, validClaimId, { endedOn: "", reason: "kurz" })).rejects.toBeInstanceOf(ValidationError);
    const r = await correctEmploymentEnd(caseManager, validClaimId, { endedOn: "", reason: "Meldung war falsch, Beschäftigung dauert an." });
    expect(r).toEqual({ reinstated: 1, cancelled: 0 });
    const second = await m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 2 });
    expect(second).toMatchObject({ status: "pending", closeReason: "" });
    expect((await m.getRepository(PlacementClaim).findOneByOrFail({ id: validClaimId })).employmentEndedOn).toBeNull();
  });

  it("a certified instalment that is not owed is revoked; its open payment is cancelled", async () => {
    const m = await em();
    const first = await m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 1 });
    expect(first.status).toBe("payable");
    await expect(revokeInstalment(caseManager, validClaimId, first.id, { reason: "x" })).rejects.toBeInstanceOf(ValidationError);
    await expect(revokeInstalment(caseManager, validClaimId + 999, first.id, { reason: "Arbeitgeberbestätigung war gefälscht." })).rejects.toBeInstanceOf(NotFoundError);
    await revokeInstalment(caseManager, validClaimId, first.id, { reason: "Arbeitgeberbestätigung war gefälscht." });
    expect((await m.getRepository(FeeInstalment).findOneByOrFail({ id: first.id })).status).toBe("cancelled");
    expect((await m.getRepository(PaymentItem).findOneByOrFail({ instalmentId: first.id })).status).toBe("cancelled");
    const audit = await m.getRepository(AuditEvent).findOneByOrFail({ action: "instalment.revoke", entityId: String(first.id) });
    expect(audit.details).toMatchObject({ reason: "Arbeitgeberbestätigung war gefälscht.", from: "payable", to: "cancelled" });
  });
});

describe("flags, lapse, expiry", () => {
  it("a claim whose employer shares the broker's address is flagged; acceptance needs a review note", async () => {
    setClock("2007-05-02T09:00:00.000Z");
    const m = await em();
    const provider = await m.getRepository(Provider).findOneByOrFail({ id: brokerId });
    const c = await createClient(caseManager, { firstName: "Jana", lastName: "Kühn", birthDate: "01.02.1985", targetGroups: [] });
    const a = await assignClient(caseManager, c.id, { providerId: String(brokerId), validFrom: "02.05.2007" });
    const r = await submitClaim(broker, claimForm({ assignmentId: String(a.id), employerStreet: provider.street, employerPostalCode: provider.postalCode, contractDate: "02.05.2007", jobStart: "02.05.2007", brokerContractDate: "01.05.2007" }), FILES, "api");
    expect(r.status).toBe("submitted");
    const stored = await m.getRepository(PlacementClaim).findOneByOrFail({ id: r.id });
    expect((stored.ruleResults as RuleResult[]).map((f) => [f.code, f.severity])).toEqual([["R5-address", "flag"]]);
    expect((await getClaim(broker, r.id)).results).toEqual([]); // the broker does not see the suspicion
    expect((await getClaim(procurement, r.id)).results.map((f) => f.code)).toEqual(["R5-address"]);
    await expect(decideClaim(procurement, r.id, "accept", { note: "" })).rejects.toThrow(/Prüfhinweise/);
    await decideClaim(procurement, r.id, "accept", { note: "Bürogemeinschaft, keine Verflechtung; Handelsregister geprüft." });
    const inst = await m.getRepository(FeeInstalment).find({ where: { claimId: r.id }, order: { number: "ASC" } });
    expect(inst[0]).toMatchObject({ earliestOn: "2007-06-13", deadlineOn: "2007-12-31" });
    lapsingId = inst[0].id;
  });

  it("two claims on one voucher submitted at the same moment: the rules read outside the transaction are checked again inside it, so exactly one is submitted and the other refused (one voucher, one placement)", async () => {
    setClock("2007-05-03T09:00:00.000Z");
    const c = await createClient(caseManager, { firstName: "Ole", lastName: "Gleichzeitig", birthDate: "04.04.1980", targetGroups: [] });
    const a = await assignClient(caseManager, c.id, { providerId: String(brokerId), validFrom: "03.05.2007" });
    const form = (employer: string) => claimForm({ assignmentId: String(a.id), employerName: employer, contractDate: "03.05.2007", jobStart: "03.05.2007", brokerContractDate: "02.05.2007" });
    // Both read the client's claims (none) before either writes.
    const both = await Promise.all([submitClaim(broker, form("Erster Betrieb GmbH"), FILES, "api"), submitClaim(broker, form("Zweiter Betrieb GmbH"), FILES, "api")]);
    expect(both.map((r) => r.status).sort()).toEqual(["rejected", "submitted"]);
    expect(both.find((r) => r.status === "rejected")!.errors.map((e) => e.code)).toContain("R9-one-placement");
    const stored = await (await em()).getRepository(PlacementClaim).find({ where: { assignmentId: a.id } });
    expect(stored.filter((x) => x.status === "submitted")).toHaveLength(1);
    // Out of the way of the yearly counts below.
    const w = await em();
    await w.getRepository(ClaimDocument).delete({ claimId: In(stored.map((x) => x.id)) });
    await w.getRepository(PlacementClaim).delete({ id: In(stored.map((x) => x.id)) });
  });

  it("clients created and claims for different clients submitted at the same moment get distinct references (on PostgreSQL the counters are locked per transaction)", async () => {
    setClock("2007-05-03T09:00:00.000Z");
    const clients = await Promise.all(["Erster", "Zweiter", "Dritter"].map((lastName) => createClient(caseManager, { firstName: "Nora", lastName: `${lastName} Zähler`, birthDate: "04.04.1980", targetGroups: [] })));
    expect(new Set(clients.map((c) => c.reference)).size).toBe(3);
    const assignments = [];
    for (const c of clients) assignments.push(await assignClient(caseManager, c.id, { providerId: String(brokerId), validFrom: "03.05.2007" }));
    const form = (assignmentId: number) => claimForm({ assignmentId: String(assignmentId), employerName: `Zählerbetrieb ${assignmentId} GmbH`, contractDate: "03.05.2007", jobStart: "03.05.2007", brokerContractDate: "02.05.2007" });
    const claims = await Promise.all(assignments.map((a) => submitClaim(broker, form(a.id), FILES, "api")));
    expect(claims.map((r) => r.status)).toEqual(["submitted", "submitted", "submitted"]);
    const w = await em();
    const stored = await w.getRepository(PlacementClaim).find({ where: { assignmentId: In(assignments.map((a) => a.id)) } });
    expect(new Set(stored.map((x) => x.reference)).size).toBe(3);
    // Out of the way of the yearly counts below.
    await w.getRepository(ClaimDocument).delete({ claimId: In(stored.map((x) => x.id)) });
    await w.getRepository(PlacementClaim).delete({ id: In(stored.map((x) => x.id)) });
  });

  it("agreements near their end are renewed in one step; the job expires them after their term", async () => {
    setClock("2007-11-15T09:00:00.000Z");
    const renewed = await renewExpiring(procurement);
    expect(renewed.offered.map((o) => o.reference)).toEqual(["VV-2008-0001", "VV-2008-0002"]);
    expect((await renewExpiring(procurement)).offered).toHaveLength(0);
    setClock("2008-01-01T09:00:00.000Z");
    const report = await runPlacementDay("2008-01-01");
    expect(report.agreementsExpired).toBe(2);
    const m = await em();
    // Never proven: after the exclusion period (31.12.2007) the job lets instalment 1 lapse; a late proof is refused.
    expect((await m.getRepository(FeeInstalment).findOneByOrFail({ id: lapsingId })).status).toBe("lapsed");
    await expect(proveInstalment(broker, lapsingId, { confirmedUntil: "30.06.2007", uninterrupted: "on" }, pdf("spaet"))).rejects.toBeInstanceOf(ConflictError);
    const states = await m.getRepository(PlacementAgreement).find({ order: { reference: "ASC" } });
    expect(states.map((a) => [a.reference, a.status])).toEqual([
      ["VV-2007-0001", "expired"],
      ["VV-2007-0002", "expired"],
      ["VV-2008-0001", "offered"],
      ["VV-2008-0002", "offered"],
    ]);
  });

  it("open admission in one step: every eligible broker without a current agreement gets the offer", async () => {
    const m = await em();
    const names = async (ids: number[]) => (await m.getRepository(Provider).find({ where: { id: In(ids) } })).map((p) => p.name);
    const result = await offerAgreementsToAllEligible(procurement, { legalBasis: "voucher_421g", validFrom: "01.02.2008" });
    expect(result.offered.length).toBeGreaterThan(0);
    expect(result.skipped).toEqual([]);
    const offeredNames = result.offered.map((o) => o.providerName);
    // Brokers with a current (renewal) offer and the one without trade registration are not among them.
    for (const n of await names([brokerId, broker2Id, noRegistrationId])) expect(offeredNames).not.toContain(n);
    await expect(offerAgreementsToAllEligible(procurement, { legalBasis: "voucher_421g", validFrom: "01.02.2008" })).rejects.toThrow("Es gibt keinen zulassungsfähigen Vermittler ohne laufende Vereinbarung.");
  });

  it("counts accepted employment contracts per year of the contract date", async () => {
    await expect(contractsPerYear(broker)).rejects.toBeInstanceOf(ForbiddenError);
    const rows = await contractsPerYear(procurement);
    // rejected: the three rejected claims above, the report with a typo in the fee (corrected at
    // once) and the same report sent twice (a second claim on the voucher)
    expect(rows.find((r) => r.year === 2007)).toMatchObject({ accepted: 2, rejected: 5, flagged: 2, total: 7 });
  });

  it("the data migration moves earliestOn to the day after the period, each row exactly once (adjacent dates included), and back", async () => {
    const m = await em();
    const template = await m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 1 });
    const { id: _id, ...rest } = template;
    const extra = await m.getRepository(FeeInstalment).save([
      { ...rest, number: 91, earliestOn: "2031-05-01", deadlineOn: "2031-11-30" },
      { ...rest, number: 92, earliestOn: "2031-05-02", deadlineOn: "2031-11-30" },
      { ...rest, number: 93, earliestOn: "2031-05-02", deadlineOn: "2031-11-30" },
    ]);
    const before = new Map((await m.getRepository(FeeInstalment).find()).map((i) => [i.id, i]));
    const migration = new InstalmentDueAfterPeriod1764310000000();
    const qr = m.connection.createQueryRunner();
    try {
      await migration.up(qr);
      const after = await m.getRepository(FeeInstalment).find();
      expect(after).toHaveLength(before.size);
      for (const i of after) {
        expect(i.earliestOn).toBe(addDays(before.get(i.id)!.earliestOn, 1));
        expect(i.deadlineOn).toBe(before.get(i.id)!.deadlineOn);
      }
      expect(after.filter((i) => extra.some((e) => e.id === i.id)).map((i) => i.earliestOn).sort()).toEqual(["2031-05-02", "2031-05-03", "2031-05-03"]);
      await migration.down(qr);
      for (const i of await m.getRepository(FeeInstalment).find()) expect(i.earliestOn).toBe(before.get(i.id)!.earliestOn);
    } finally {
      await qr.release();
      await m.getRepository(FeeInstalment).delete({ id: In(extra.map((e) => e.id)) });
    }
  });

  it("the daily job works a backlog in batches of 500: 500 and 501 instalments all move in one run, the second run moves nothing", async () => {
    const m = await em();
    const template = await m.getRepository(FeeInstalment).findOneByOrFail({ claimId: validClaimId, number: 1 });
    const { id: _id, ...rest } = template;
    // The day's own work on the existing data first, so that the runs below move only the backlog.
    setClock("2033-02-01T09:00:00.000Z");
    await runPlacementDay("2033-02-01");
    for (const size of [500, 501]) {
      const rows = Array.from({ length: size }, (_, k) => ({ ...rest, number: 1000 + k, status: "pending", earliestOn: "2033-02-01", deadlineOn: "2033-08-31", dueAt: null, closedAt: null, lastReminderOn: null }));
      const extra = await m.getRepository(FeeInstalment).save(rows, { chunk: 100 });
      try {
        setClock("2033-02-01T09:00:00.000Z");
        const run = await runPlacementDay("2033-02-01");
        expect(run.instalmentsMoved).toBe(size);
        expect(await m.getRepository(FeeInstalment).countBy({ id: In(extra.map((e) => e.id)), status: "due" })).toBe(size);
        expect((await runPlacementDay("2033-02-01")).instalmentsMoved).toBe(0);
      } finally {
        await m.getRepository(FeeInstalment).delete({ id: In(extra.map((e) => e.id)) });
      }
    }
  });

  it("the audit chain is intact", async () => {
    const report = await verifyAuditChain(await em());
    expect(report.ok).toBe(true);
  });
});

