import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { Assignment, BudgetLine, BudgetYear, Commitment, Contract, PaymentItem, PlacementAgreement, Provider, Tender, User } from "../../entities";
import { ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { contractValueCents, spreadOverYears } from "~/domain/finance";
import { addDays } from "~/domain/time";
import { setClock, today } from "~/lib/clock.server";
import { voucherPeriod } from "~/domain/finance";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoTenders } from "~/demo/demo-tenders.server";
import type { PersonUser } from "~/services/auth.server";
import {
  authorityFor,
  budgetDetail,
  budgetDetailCsv,
  budgetOverview,
  budgetOverviewCsv,
  commitFunds,
  createBudgetLine,
  createManualCommitment,
  grantAuthority,
  lineYearFigures,
  listAuthorities,
  releaseCommitment,
  releaseEndedCommitments,
  revokeAuthority,
  setBudgetLineActive,
  setBudgetYear,
} from "~/services/budget.server";
import { assignClient, createClient } from "~/services/clients.server";
import { concludeAward } from "~/services/evaluation.server";
import { bookByHand, createPaymentItem, signItems } from "~/services/payment-items.server";
import { acceptAgreement, createFeeSchedule, offerAgreements, scheduleFor } from "~/services/placement-agreements.server";
import { getSettings } from "~/lib/settings.server";

/**
 * Rule 11 at its boundaries: exactly the available amount binds, one cent more is refused with
 * the line, the year and the shortfall; a multi-year order is refused when any year is short and
 * writes nothing; vouchers and awards are refused without money; payments consume commitments,
 * uncovered payments reduce what is available; releases; appropriations cannot sink below what is
 * bound; ordering authorities up to exactly their maximum.
 */

let admin: PersonUser;
let finance: PersonUser; // kasse@ – books
let finance2: PersonUser; // kasse2@ – orders
let caseManager: PersonUser;
let procurement: PersonUser;
let providerId: number;
let lineNo = 0;

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

/** A new budget line of its own with the given appropriation / VE (in euro text) per year. */
async function newLine(years: Record<number, [string, string]>): Promise<BudgetLine> {
  lineNo++;
  const line = await createBudgetLine(admin, { number: `9.9999.${String(lineNo).padStart(4, "0")}`, title: `Testmittel ${lineNo}` });
  for (const [year, [appropriation, authorisation]] of Object.entries(years)) await setBudgetYear(finance, line.id, { year, appropriation, authorisation });
  return line;
}

function commit(line: BudgetLine, shares: { year: number; amountCents: number }[], sourceId: number | null = null) {
  return tx((m) => commitFunds(m, "system", { budgetLineNumber: line.number, sourceType: sourceId ? "contract" : "manual", sourceId, providerId: null, description: "Testbindung", shares }));
}

async function available(lineId: number, year: number) {
  const m = await em();
  const f = await lineYearFigures(m, lineId, year);
  const limit = f.appropriationCents > 0 ? f.appropriationCents : f.authorisationCents;
  return { ...f, available: limit - f.committedCents - f.uncoveredCents };
}

/** Empty a line's money in every year (appropriation and VE 0), bypassing the service's floor. */
async function drain(number: string) {
  const m = await em();
  const line = await m.getRepository(BudgetLine).findOneByOrFail({ number });
  const before = await m.getRepository(BudgetYear).find({ where: { budgetLineId: line.id } });
  await m.getRepository(BudgetYear).update({ budgetLineId: line.id }, { appropriationCents: 0, authorisationCents: 0 });
  return async () => {
    for (const y of before) await m.getRepository(BudgetYear).update({ id: y.id }, { appropriationCents: y.appropriationCents, authorisationCents: y.authorisationCents });
  };
}

beforeAll(async () => {
  await freshDatabase({ budget: false });
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  // Tenders in every state (one with the bidders informed, ready for the contract after the standstill).
  await seedDemoTenders();
  admin = await currentUser("admin@asz-kamenz.example");
  finance = await currentUser("kasse@asz-kamenz.example");
  finance2 = await currentUser("kasse2@asz-kamenz.example");
  caseManager = await currentUser("fallmanagement@asz-kamenz.example");
  procurement = await currentUser("vergabe@asz-kamenz.example");
  providerId = (await currentUser("vermittler@jobbruecke-kamenz.example")).providerId!;
}, 180_000);

describe("commitFunds at the boundary (rule 11)", () => {
  it("binds exactly the available amount, and refuses one cent more naming line, year and shortfall", async () => {
    const line = await newLine({ 2026: ["10.000,00", "0"] });
    await expect(commit(line, [{ year: 2026, amountCents: 10_000_01 }])).rejects.toThrow(
      `Keine ausreichenden Haushaltsmittel: Haushaltsstelle ${line.number} (${line.title}), Haushaltsjahr 2026: benötigt 10.000,01 €, verfügbar 10.000,00 €, es fehlen 0,01 €.`,
    );
    const [c] = await commit(line, [{ year: 2026, amountCents: 10_000_00 }]);
    expect(c.amountCents).toBe(10_000_00);
    expect((await available(line.id, 2026)).available).toBe(0);
    const refused = await commit(line, [{ year: 2026, amountCents: 1 }]).catch((e) => e);
    expect(refused).toBeInstanceOf(RuleError);
    expect(refused.message).toMatch(new RegExp(`Haushaltsstelle ${line.number.replace(/\./g, "\\.")} .*Haushaltsjahr 2026: benötigt 0,01 €, verfügbar 0,00 €, es fehlen 0,01 €`));
  });

  it("measures a year without an adopted appropriation against its VE", async () => {
    const line = await newLine({ 2027: ["0", "2.500,00"] });
    await expect(commit(line, [{ year: 2027, amountCents: 2_500_01 }])).rejects.toThrow(/Haushaltsjahr 2027: benötigt 2\.500,01 €, verfügbar 2\.500,00 €, es fehlen 0,01 €/);
    await commit(line, [{ year: 2027, amountCents: 2_500_00 }]);
    // A year with neither: nothing is available.
    await expect(commit(line, [{ year: 2028, amountCents: 1 }])).rejects.toThrow(/Haushaltsjahr 2028: benötigt 0,01 €, verfügbar 0,00 €/);
  });

  it("refuses a contract over three calendar years when any one year is short, and writes nothing for the others", async () => {
    const line = await newLine({ 2026: ["500.000,00", "0"], 2027: ["500.000,00", "0"], 2028: ["0", "50.000,00"] });
    const shares = spreadOverYears(730_500_00, "2026-07-01", "2028-06-30");
    expect(shares.map((s) => s.year)).toEqual([2026, 2027, 2028]);
    expect(shares[2].amountCents).toBeGreaterThan(50_000_00);
    const before = await (await em()).getRepository(Commitment).count({ where: { budgetLineId: line.id } });
    await expect(commit(line, shares, 999_001)).rejects.toThrow(new RegExp(`Haushaltsstelle ${line.number.replace(/\./g, "\\.")} .*Haushaltsjahr 2028: benötigt ${formatRe(shares[2].amountCents)}, verfügbar 50\\.000,00 €`));
    expect(await (await em()).getRepository(Commitment).count({ where: { budgetLineId: line.id } })).toBe(before);
    expect((await available(line.id, 2026)).committedCents).toBe(0);
    expect((await available(line.id, 2027)).committedCents).toBe(0);
    // With the 2028 VE raised to exactly the share, the same order binds all three years.
    await setBudgetYear(finance, line.id, { year: 2028, appropriation: "0", authorisation: euro(shares[2].amountCents) });
    const rows = await commit(line, shares, 999_001);
    expect(rows.map((r) => [r.year, r.amountCents])).toEqual(shares.map((s) => [s.year, s.amountCents]));
    expect(rows.reduce((a, r) => a + r.amountCents, 0)).toBe(730_500_00);
    expect((await available(line.id, 2028)).available).toBe(0);
  });

  it("refuses a locked line, and binds again once it is unlocked", async () => {
    const line = await newLine({ 2026: ["1.000,00", "0"] });
    await setBudgetLineActive(finance, line.id, false);
    await expect(commit(line, [{ year: 2026, amountCents: 1_00 }])).rejects.toThrow(/ist gesperrt/);
    await setBudgetLineActive(finance, line.id, true);
    await commit(line, [{ year: 2026, amountCents: 1_00 }]);
  });
});

function euro(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
}
function formatRe(cents: number): string {
  const e = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${e},${String(cents % 100).padStart(2, "0")} €`.replace(/\./g, "\\.");
}

describe("orders refused without money", () => {
  it("refuses to issue a voucher (assignClient) when the placement line has no money, and creates no assignment", async () => {
    // Under the 2007 rules (§ 421g SGB III a.F.), as in placements.test.ts.
    setClock("2007-01-10T09:00:00.000Z");
    const m = await em();
    const day = today();
    await m.getRepository(Provider).update({ id: providerId }, { tradeRegistrationDate: "2004-03-01", active: true });
    if (!(await scheduleFor(m, "voucher_421g", day)))
      await createFeeSchedule(procurement, { code: "VGS-T", name: "Vermittlungsgutschein 2005", legalBasis: "voucher_421g", validFrom: "01.01.2005", firstAmount: "1.000,00", firstDays: "42", secondMonths: "6", secondSameEmployer: "on", rates: "alle;2.000,00;01.01.2005" });
    await offerAgreements(procurement, { legalBasis: "voucher_421g", validFrom: "01.01.2007", providerIds: [String(providerId)] });
    const agreement = await m.getRepository(PlacementAgreement).findOneByOrFail({ providerId, validFrom: "2007-01-01" });
    if (agreement.status === "offered") await acceptAgreement(await currentUser("vermittler@jobbruecke-kamenz.example"), agreement.id);
    const client = await createClient(caseManager, { firstName: "Erika", lastName: "Haushalt-Mustermann", birthDate: "17.05.1960", street: "Am Markt 3", postalCode: "01917", city: "Kamenz", phone: "03578 123456", email: "", region: "Kamenz", targetGroups: ["long_term_unemployed"], qualification: "Kauffrau für Büromanagement", targetOccupation: "Bürokauffrau", monthlyBenefit: "563,00", householdSize: "1" });
    const placementLine = (await getSettings())["placement.budgetLine"];
    const restore = await drain(placementLine);
    const before = await m.getRepository(Assignment).count();
    try {
      await expect(assignClient(caseManager, client.id, { providerId: String(providerId), validFrom: day, region: "Kamenz" })).rejects.toThrow(new RegExp(`Keine ausreichenden Haushaltsmittel: Haushaltsstelle ${placementLine.replace(/\./g, "\\.")} .*Haushaltsjahr ${day.slice(0, 4)}`));
      expect(await m.getRepository(Assignment).count()).toBe(before);
    } finally {
      await restore();
    }
    // With the money back, the same voucher is issued and bound.
    const a = await assignClient(caseManager, client.id, { providerId: String(providerId), validFrom: day, region: "Kamenz" });
    const bound = await m.getRepository(Commitment).find({ where: { sourceType: "voucher", sourceId: a.id } });
    expect(bound.reduce((s, c) => s + c.amountCents, 0)).toBe(a.maxFeeCents);

    // The daily job releases the voucher's money once no fee can fall due any more: not on the
    // period's last day, on the day after it.
    const end = voucherPeriod(a.issuedOn, a.validUntil).end;
    await releaseEndedCommitments(end);
    expect((await m.getRepository(Commitment).find({ where: { sourceType: "voucher", sourceId: a.id } })).every((c) => c.status === "open" && c.releasedCents === 0)).toBe(true);
    await releaseEndedCommitments(addDays(end, 1));
    const after = await m.getRepository(Commitment).find({ where: { sourceType: "voucher", sourceId: a.id } });
    expect(after.every((c) => c.status === "closed" && c.releasedCents === c.amountCents)).toBe(true);
    expect(after[0].closeReason).toContain(a.reference);
  });

  it("refuses to conclude an award (concludeAward) without money on the contract line; nothing is written", async () => {
    const m = await em();
    const tender = await m.getRepository(Tender).findOneOrFail({ where: { status: "bidders_informed" } });
    if (tender.standstillEndsAt) setClock(new Date(Date.parse(tender.standstillEndsAt) + 3600_000).toISOString());
    const contractLine = (await getSettings())["finance.contractBudgetLine"];
    const restore = await drain(contractLine);
    try {
      await expect(concludeAward(procurement, tender.id)).rejects.toThrow(new RegExp(`Keine ausreichenden Haushaltsmittel: Haushaltsstelle ${contractLine.replace(/\./g, "\\.")}`));
      expect((await m.getRepository(Tender).findOneByOrFail({ id: tender.id })).status).toBe("bidders_informed");
      expect(await m.getRepository(Contract).count({ where: { tenderId: tender.id } })).toBe(0);
    } finally {
      await restore();
    }
    const { contracts } = await concludeAward(procurement, tender.id);
    expect(contracts).toBeGreaterThan(0);
    for (const k of await m.getRepository(Contract).find({ where: { tenderId: tender.id } })) {
      const rows = await m.getRepository(Commitment).find({ where: { sourceType: "contract", sourceId: k.id } });
      expect(rows.reduce((s, c) => s + c.amountCents, 0)).toBe(contractValueCents(k));
      expect(rows.map((r) => r.year)).toEqual(spreadOverYears(contractValueCents(k), k.startDate, k.endDate).map((s) => s.year));
      // A running contract's money stays bound: no release by hand, and not through another line's or year's page.
      await expect(releaseCommitment(finance, rows[0].id, "Fremde Bindung einer anderen Stelle")).rejects.toThrow(new RegExp(`Vertrag ${k.reference} läuft bis`));
      await expect(releaseCommitment(finance, rows[0].id, "Fremde Bindung einer anderen Stelle", { budgetLineId: rows[0].budgetLineId + 1000, year: rows[0].year })).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe("payments, releases and appropriations", () => {
  const IBAN = "DE89370400440532013000";
  let line: BudgetLine;
  let year: number;
  let commitmentId: number;

  async function item(amountCents: number, withCommitment: boolean) {
    return tx((m) =>
      createPaymentItem(m, "system", {
        sourceType: "invoice",
        providerId,
        payeeName: "Jobbrücke Kamenz GmbH",
        iban: IBAN,
        bic: null,
        bankAccountId: null,
        amountCents,
        dueOn: addDays(today(), 20),
        purpose: "Testzahlung Haushalt",
        budgetLineId: line.id,
        commitmentId: withCommitment ? commitmentId : null,
        registeredById: null,
      }),
    );
  }

  /** Sachlich richtig (case manager), rechnerisch richtig (procurement): three different people with the order. */
  async function certify(id: number) {
    expect((await signItems(caseManager, [id], "factual")).signed).toHaveLength(1);
    expect((await signItems(procurement, [id], "arithmetic")).signed).toHaveLength(1);
  }

  beforeAll(async () => {
    year = Number(today().slice(0, 4));
    line = await newLine({ [year]: ["10.000,00", "0"] });
    [{ id: commitmentId }] = await createManualCommitment(finance, { budgetLineId: line.id, year, amount: "1.000,00", description: "Auftrag außerhalb des Systems" });
  });

  it("grants an ordering authority of exactly the maximum, replaces it on a new grant and revokes it", async () => {
    const m = await em();
    expect(await authorityFor(m, finance2.id, line.id)).toBeNull();
    await expect(grantAuthority(finance, { userId: finance2.id, budgetLineId: line.id, maxAmount: "400,00" })).rejects.toBeInstanceOf(ForbiddenError);
    const bad = await grantAuthority(admin, { userId: "", budgetLineId: "x", maxAmount: "0" }).catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["budgetLineId", "maxAmount", "userId"]);
    // Only a role that may order at all: not the auditor, not procurement.
    const auditor = await currentUser("pruefung@asz-kamenz.example");
    await expect(grantAuthority(admin, { userId: String(auditor.id), budgetLineId: String(line.id), maxAmount: "100,00" })).rejects.toMatchObject({ fieldErrors: { userId: expect.stringContaining("anordnen kann nur") } });
    await expect(grantAuthority(admin, { userId: String(procurement.id), budgetLineId: String(line.id), maxAmount: "100,00" })).rejects.toBeInstanceOf(ValidationError);
    const first = await grantAuthority(admin, { userId: String(finance2.id), budgetLineId: String(line.id), maxAmount: "100,00" });
    expect(await authorityFor(m, finance2.id, line.id)).toBe(100_00);
    await grantAuthority(admin, { userId: String(finance2.id), budgetLineId: String(line.id), maxAmount: "400,00", note: "Verfügung 12/2026" });
    expect(await authorityFor(m, finance2.id, line.id)).toBe(400_00);
    const list = await listAuthorities(finance);
    expect(list.find((a) => a.id === first.id)?.revokedAt).toBeTruthy();
    await expect(revokeAuthority(admin, first.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("orders with authority of exactly the amount, refuses one cent over (rule 12)", async () => {
    const exact = await item(400_00, true);
    const over = await item(400_01, true);
    await certify(exact.id);
    await certify(over.id);
    const ok = await signItems(finance2, [exact.id, over.id], "order");
    expect(ok.signed.map((s) => s.id)).toEqual([exact.id]);
    expect(ok.refused).toEqual([{ id: over.id, reference: over.reference, reason: `Ihre Anordnungsbefugnis für die Haushaltsstelle ${line.number} reicht bis 400,00 €; die Zahlung beträgt 400,01 €.` }]);
    // Nobody signs twice: the case manager who certified may not order, nor has authority.
    const again = await signItems(finance, [over.id], "order");
    expect(again.refused[0].reason).toBe(`Sie haben keine Anordnungsbefugnis für die Haushaltsstelle ${line.number}.`);
  });

  it("booking a payment consumes its commitment; a payment without one reduces availability", async () => {
    const m = await em();
    const [exact] = await m.getRepository(PaymentItem).find({ where: { budgetLineId: line.id, status: "ordered" } });
    const before = await available(line.id, year);
    expect(before).toMatchObject({ committedCents: 1_000_00, consumedCents: 0, uncoveredCents: 0, available: 9_000_00 });
    await bookByHand(finance, exact.id, { paidOn: today(), reason: "Kontoauszug Nr. 17, Buchung 4" });
    const after = await available(line.id, year);
    expect(after).toMatchObject({ committedCents: 1_000_00, consumedCents: 400_00, uncoveredCents: 0, available: 9_000_00 });
    expect((await m.getRepository(Commitment).findOneByOrFail({ id: commitmentId })).consumedCents).toBe(400_00);

    const loose = await item(300_00, false);
    await certify(loose.id);
    expect((await signItems(finance2, [loose.id], "order")).signed).toHaveLength(1);
    await bookByHand(finance, loose.id, { paidOn: today(), reason: "Kontoauszug Nr. 17, Buchung 5" });
    expect(await available(line.id, year)).toMatchObject({ committedCents: 1_000_00, consumedCents: 400_00, uncoveredCents: 300_00, available: 8_700_00 });

    const overview = (await budgetOverview(finance, { year, lineId: line.id }))[0];
    expect(overview).toMatchObject({ paidCents: 700_00, openCommittedCents: 600_00, availableCents: 8_700_00, usedPercent: 13, over: false });
    const detail = await budgetDetail(finance, line.id, year);
    expect(detail.payments.map((p) => [p.amountCents, p.commitmentReference])).toEqual(
      expect.arrayContaining([
        [400_00, expect.stringMatching(/^MB-/)],
        [300_00, null],
      ]),
    );
    const csv = await budgetDetailCsv(finance, line.id, year);
    expect(csv.startsWith("\uFEFFArt;Nummer;")).toBe(true);
    expect(csv).toContain(";1000,00;400,00;0,00;600,00;offen;");
    expect(csv).toContain("ohne Mittelbindung");
    expect(await budgetOverviewCsv(finance, { year, lineId: line.id })).toContain(`${line.number};${line.title};${year};10000,00;0,00;Ansatz;1000,00;700,00;300,00;600,00;8700,00;13,0;nein;nein`);
  });

  it("releases the rest of a commitment with a reason, once no payment waits on it", async () => {
    const m = await em();
    // The 400,01 € item is still waiting for its order on this commitment.
    await expect(releaseCommitment(finance, commitmentId, "Auftrag vorzeitig beendet")).rejects.toThrow(/warten noch 1 Zahlungen/);
    const waiting = await m.getRepository(PaymentItem).findOneOrFail({ where: { budgetLineId: line.id, status: "awaiting_order" } });
    await m.getRepository(PaymentItem).update({ id: waiting.id }, { status: "cancelled" });
    await expect(releaseCommitment(finance, commitmentId, "kurz")).rejects.toBeInstanceOf(ValidationError);
    expect(await releaseCommitment(finance, commitmentId, "Auftrag vorzeitig beendet")).toBe(600_00);
    const c = await m.getRepository(Commitment).findOneByOrFail({ id: commitmentId });
    expect(c).toMatchObject({ status: "closed", releasedCents: 600_00, consumedCents: 400_00, closeReason: "Auftrag vorzeitig beendet" });
    expect(await available(line.id, year)).toMatchObject({ committedCents: 400_00, available: 9_300_00 });
    await expect(releaseCommitment(finance, commitmentId, "Auftrag vorzeitig beendet")).rejects.toThrow(/bereits abgeschlossen/);
  });

  it("refuses an appropriation below what is already bound or paid", async () => {
    // Bound: 400,00 consumed commitment + 300,00 paid without one = 700,00.
    await expect(setBudgetYear(finance, line.id, { year, appropriation: "699,99", authorisation: "0" })).rejects.toThrow(new RegExp(`Im Haushaltsjahr ${year} sind auf ${line.number.replace(/\./g, "\\.")} bereits 700,00 € gebunden oder gezahlt`));
    await setBudgetYear(finance, line.id, { year, appropriation: "700,00", authorisation: "0" });
    expect((await available(line.id, year)).available).toBe(0);
    const bad = await setBudgetYear(finance, line.id, { year: "1999", appropriation: "abc", authorisation: "-1" }).catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["appropriation", "authorisation", "year"]);
    await expect(setBudgetYear(caseManager, line.id, { year, appropriation: "1,00" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("revoking the authority refuses the next order", async () => {
    const m = await em();
    await setBudgetYear(finance, line.id, { year, appropriation: "10.000,00", authorisation: "0" });
    const [current] = (await listAuthorities(admin)).filter((a) => a.userId === finance2.id && a.budgetLineId === line.id && !a.revokedAt);
    await revokeAuthority(admin, current.id);
    expect(await authorityFor(m, finance2.id, line.id)).toBeNull();
    const next = await item(10_00, false);
    await certify(next.id);
    expect((await signItems(finance2, [next.id], "order")).refused[0].reason).toBe(`Sie haben keine Anordnungsbefugnis für die Haushaltsstelle ${line.number}.`);
  });

  it("manual commitments check their fields and the money like any other", async () => {
    const bad = await createManualCommitment(finance, { budgetLineId: "", year: "20x", amount: "0", description: "" }).catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["amount", "budgetLineId", "description", "year"]);
    await expect(createManualCommitment(finance, { budgetLineId: line.id, year, amount: "1.000.000,00", description: "Zu groß für die Haushaltsstelle" })).rejects.toThrow(/Keine ausreichenden Haushaltsmittel/);
  });
});
