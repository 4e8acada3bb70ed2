import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { AuditEvent, ApiEvent, BankAccount, BudgetLine, Client, Commitment, Invoice, Measure, Outcome, PaymentItem, PlaceBill, PlacePurchase, User } from "../../entities";
import type { PersonUser } from "~/services/auth.server";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";
import { setClock, today } from "~/lib/clock.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { ConflictError, NotFoundError, RuleError } from "~/domain/errors";
import { costByYear, placeEnd, type PriceTerms } from "~/domain/places";
import { addDays, addMonths } from "~/domain/time";
import { commitFunds, releaseCommitments } from "~/services/budget.server";
import { bookByHand, signItems } from "~/services/payment-items.server";
import { receiveInvoice } from "~/services/invoices.server";
import { billsOf, confirmBills, getBill, listBills, listOwnBills, openProposals, proposeBills, releaseEndedPurchaseCommitments } from "~/services/place-billing.server";
import { buildXRechnungUbl } from "~/demo/xrechnung-fixture";
import { recordOutcome, reportExit } from "~/services/participation.server";
import { getSettings } from "~/lib/settings.server";

/**
 * Billing of places through the services (issue 11, point 8): the daily proposals (months that
 * are over, dropout, idempotent, concurrent), event bills, the provider's confirmation into an
 * invoice and a payment item on the places line with the purchase's commitment (and its
 * consumption after four eyes and booking), refusals (twice, another provider, no bank
 * account), an own e-invoice instead, and the release after the end.
 */

let provider: PersonUser; // traeger@… (DEMO-T-0001)
let other: PersonUser; // a provider user of another organisation
let caseManager: PersonUser;
let financeA: PersonUser;
let financeB: PersonUser;
let procurement: PersonUser;
let providerId: number;
let clientId: number;
let placesLineId: number;
let seq = 0;

async function person(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

interface PurchaseInput {
  priceModel?: string;
  priceCents?: number;
  proRata?: string;
  eventFees?: PriceTerms["eventFees"];
  hours?: number | null;
  start: string;
  months?: number;
  status?: string;
  entryDate?: string | null;
  exitDate?: string | null;
  exitReason?: string | null;
  providerId?: number;
  commit?: boolean;
}

/** A purchase as the purchases work leaves it (ordered → running …), with its commitments on the places line. */
async function purchase(input: PurchaseInput): Promise<PlacePurchase> {
  seq++;
  const at = new Date().toISOString();
  const pid = input.providerId ?? providerId;
  const end = placeEnd(input.start, input.months ?? 36, "month");
  const terms: PriceTerms = { priceModel: input.priceModel ?? "place_month", priceCents: input.priceCents ?? 95_000, proRata: input.proRata ?? "days", eventFees: input.eventFees ?? [], hours: input.hours ?? null };
  return tx(async (m) => {
    const measure = await m.getRepository(Measure).save(
      m.getRepository(Measure).create({
        reference: `MK-T-${String(seq).padStart(5, "0")}`,
        providerId: pid,
        typeCode: "bae",
        title: `Testmaßnahme ${seq}`,
        description: "",
        origin: "ba",
        contractId: null,
        baReference: "",
        azavNumber: "",
        azavValidFrom: null,
        azavValidUntil: null,
        hostName: "",
        region: "Kamenz",
        location: "Kamenz",
        format: "individual",
        entryMode: "continuous",
        startDates: [],
        duration: input.months ?? 36,
        durationUnit: "month",
        weeklyHours: 3900,
        capacity: 50,
        priceModel: terms.priceModel,
        priceCents: terms.priceCents,
        proRata: terms.proRata,
        eventFees: [...terms.eventFees],
        targetGroups: [],
        minAge: null,
        maxAge: null,
        entryConditions: "",
        validFrom: "2000-01-01",
        validUntil: "2075-12-31",
        status: "active",
        statusReason: "",
        proposedById: null,
        decidedById: null,
        decidedAt: null,
        createdById: null,
        createdAt: at,
        updatedAt: at,
      }),
    );
    const shares = costByYear(terms, input.start, end);
    const p = await m.getRepository(PlacePurchase).save(
      m.getRepository(PlacePurchase).create({
        reference: `EP-2026-${String(900000 + seq)}`,
        measureId: measure.id,
        providerId: pid,
        clientId,
        startDate: input.start,
        endDate: end,
        status: input.status ?? "running",
        priceModel: terms.priceModel,
        priceCents: terms.priceCents,
        proRata: terms.proRata,
        eventFees: [...terms.eventFees],
        hours: terms.hours ?? null,
        estimatedCents: shares.reduce((a, s) => a + s.amountCents, 0),
        budgetLineId: placesLineId,
        approvalNeeded: false,
        consentAt: null,
        note: "",
        requestedById: caseManager.id,
        requestedAt: at,
        approvedById: null,
        approvedAt: null,
        orderedAt: at,
        orderDocumentId: null,
        answeredById: null,
        answeredAt: null,
        statusReason: "",
        entryDate: input.entryDate === undefined ? input.start : input.entryDate,
        exitDate: input.exitDate ?? null,
        exitReason: input.exitReason ?? null,
        exitNote: "",
        createdAt: at,
        updatedAt: at,
      }),
    );
    if (input.commit !== false) await commitFunds(m, "system", { budgetLineNumber: "1.4820.7610", sourceType: "purchase", sourceId: p.id, providerId: pid, description: `Platzkauf ${p.reference}`, shares });
    return p;
  });
}

const billsFor = async (purchaseId: number) => (await em()).getRepository(PlaceBill).find({ where: { purchaseId }, order: { periodStart: "ASC", id: "ASC" } });

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  provider = await person("traeger@bildungswerk-lausitz.example");
  providerId = provider.providerId!;
  const m = await em();
  const otherUser = await m.getRepository(User).createQueryBuilder("u").where("u.role = 'provider' AND u.providerId IS NOT NULL AND u.providerId <> :p", { p: providerId }).orderBy("u.id", "ASC").getOneOrFail();
  other = await person(otherUser.email);
  caseManager = await person("fallmanagement@asz-kamenz.example");
  financeA = await person("kasse@asz-kamenz.example");
  financeB = await person("kasse2@asz-kamenz.example");
  procurement = await person("vergabe@asz-kamenz.example");
  const now = new Date().toISOString();
  clientId = (await m.getRepository(Client).save(m.getRepository(Client).create({ reference: "K-ABR-0001", firstName: "Erika", lastName: "Muster", birthDate: "2005-05-05", street: "", postalCode: "", city: "Kamenz", phone: "", email: "", region: "Kamenz", targetGroups: [], qualification: "", targetOccupation: "", monthlyBenefitCents: null, householdSize: null, healthNotes: "", caseManagerId: caseManager.id, createdAt: now, updatedAt: now }))).id;
  placesLineId = (await m.getRepository(BudgetLine).findOneByOrFail({ number: "1.4820.7610" })).id;
  // The demo's bank data were entered by nobody in particular (no signer is excluded by them).
  await m.getRepository(BankAccount).update({ providerId }, { changedById: null, requestedById: null });
}, 180_000);

describe("monthly proposals", () => {
  it("only months that are over; entry on the 16th of a 30-day month = 15/30; the job run twice creates nothing new", async () => {
    const p = await purchase({ start: "2025-11-16", priceCents: 90_000 });
    await proposeBills("2025-11-30");
    expect(await billsFor(p.id)).toHaveLength(0);
    await proposeBills("2025-12-01");
    const first = await billsFor(p.id);
    expect(first.map((b) => [b.billKey, b.amountCents, b.periodStart, b.periodEnd, b.status, b.kind])).toEqual([["month:2025-11", 45_000, "2025-11-16", "2025-11-30", "proposed", "month"]]);
    expect(first[0].calculation).toBe("15 von 30 Tagen × 900,00 € = 450,00 €");
    expect(first[0].reference).toMatch(/^AB-\d{4}-\d{6}$/);
    await proposeBills("2026-03-01");
    const keys = (await billsFor(p.id)).map((b) => b.billKey);
    expect(keys).toEqual(["month:2025-11", "month:2025-12", "month:2026-01", "month:2026-02"]);
    expect(await proposeBills("2026-03-01")).toBe(0);
    expect(await billsFor(p.id)).toHaveLength(4);
    // Feed: one bill.proposed per bill for the provider; audit: bill.propose.
    const m = await em();
    const events = await m.getRepository(ApiEvent).find({ where: { type: "bill.proposed", providerId } });
    expect(events.filter((e) => keys.length && first.some((b) => b.id === e.entityId)).length).toBe(1);
    expect(await m.getRepository(AuditEvent).count({ where: { action: "bill.propose", entityId: String(first[0].id) } })).toBe(1);
  });

  it("a 36-month BaE place from the 1st: exactly 36 full bills after its end, none after", async () => {
    const p = await purchase({ start: "2021-09-01", priceCents: 95_000, status: "completed", exitDate: "2024-08-31" });
    await proposeBills("2026-03-01");
    const bills = await billsFor(p.id);
    expect(bills).toHaveLength(36);
    expect(bills.every((b) => b.amountCents === 95_000)).toBe(true);
    expect(bills[35].billKey).toBe("month:2024-08");
  });

  it("a dropout stops billing: the exit month pro rata, no bill after the exit month", async () => {
    const p = await purchase({ start: "2025-09-01", priceCents: 93_000, status: "dropped_out", exitDate: "2025-11-14", exitReason: "illness" });
    await proposeBills("2026-03-01");
    const bills = await billsFor(p.id);
    expect(bills.map((b) => b.billKey)).toEqual(["month:2025-09", "month:2025-10", "month:2025-11"]);
    expect(bills[2]).toMatchObject({ periodEnd: "2025-11-14", amountCents: Math.round((93_000 * 14) / 30) });
  });

  it("from_16th: entry on the 15th bills the month, on the 16th not", async () => {
    const on15 = await purchase({ start: "2025-10-15", proRata: "from_16th", priceCents: 80_000, months: 3 });
    const on16 = await purchase({ start: "2025-10-16", proRata: "from_16th", priceCents: 80_000, months: 3 });
    await proposeBills("2025-11-01");
    expect((await billsFor(on15.id)).map((b) => [b.billKey, b.amountCents])).toEqual([["month:2025-10", 80_000]]);
    expect(await billsFor(on16.id)).toEqual([]);
  });

  it("10 concurrent runs create each bill once", async () => {
    const p = await purchase({ start: "2024-01-01", priceCents: 70_000, months: 24 });
    await Promise.all(Array.from({ length: 10 }, () => proposeBills("2026-03-01")));
    const bills = await billsFor(p.id);
    expect(bills).toHaveLength(24);
    expect(new Set(bills.map((b) => b.billKey)).size).toBe(24);
    expect(new Set(bills.map((b) => b.reference)).size).toBe(24);
  });

  it("purchases not yet running are not billed", async () => {
    const p = await purchase({ start: "2025-01-01", status: "confirmed", entryDate: null });
    await proposeBills("2026-03-01");
    expect(await billsFor(p.id)).toEqual([]);
  });
});

describe("event bills", () => {
  it("§ 421i-style participant price with a success part: entry bill = base price; the success bill only after an integration outcome", async () => {
    const p = await purchase({ start: "2025-10-01", months: 3, priceModel: "participant", priceCents: 100_000, eventFees: [{ event: "success", label: "Erfolgsanteil", amountCents: 150_000 }] });
    await proposeBills("2025-10-02");
    expect((await billsFor(p.id)).map((b) => [b.billKey, b.amountCents, b.kind, b.event])).toEqual([["event:entry", 100_000, "event", "entry"]]);
    const m = await em();
    await m.getRepository(PlacePurchase).update({ id: p.id }, { status: "completed", exitDate: "2025-12-31" });
    await proposeBills("2026-01-05");
    expect((await billsFor(p.id)).map((b) => b.billKey)).toEqual(["event:entry"]);
    await m.getRepository(Outcome).insert({ clientId, purchaseId: p.id, checkpoint: "exit", status: "none", employerName: "", startDate: null, weeklyHours: null, asOf: "2026-01-05", note: "", recordedById: caseManager.id, recordedAt: new Date().toISOString() });
    await proposeBills("2026-01-06");
    expect((await billsFor(p.id)).map((b) => b.billKey)).toEqual(["event:entry"]);
    await m.getRepository(Outcome).update({ purchaseId: p.id, checkpoint: "exit" }, { status: "employment", employerName: "Muster GmbH" });
    await proposeBills("2026-01-07");
    const bills = await billsFor(p.id);
    expect(bills.map((b) => [b.billKey, b.amountCents, b.periodStart])).toEqual([
      ["event:entry", 100_000, "2025-10-01"],
      ["event:success", 150_000, "2025-12-31"],
    ]);
    expect(await proposeBills("2026-01-08")).toBe(0);
  });
});

describe("confirming bills", () => {
  it("confirm → invoice (form bill, number = bill reference, VAT 0) + payment item on 1.4820.7610 with the purchase's commitment; twice refused (409)", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2026-01-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const bills = await billsFor(p.id);
    expect(bills).toHaveLength(2);
    const done = await confirmBills(provider, bills.map((b) => b.id));
    expect(done).toHaveLength(2);
    const m = await em();
    const settings = await getSettings(m);
    for (const [i, d] of done.entries()) {
      const invoice = await m.getRepository(Invoice).findOneByOrFail({ id: d.invoiceId });
      expect(invoice).toMatchObject({ channel: "portal", form: "bill", number: bills[i].reference, providerId, purchaseId: p.id, grossCents: 95_000, dueAmountCents: 95_000, vatCents: 0, status: "accepted", periodStart: bills[i].periodStart, periodEnd: bills[i].periodEnd, receivedOn: today(), termDays: settings["finance.paymentTermDays"], dueOn: addDays(today(), settings["finance.paymentTermDays"]), findings: [] });
      expect(invoice.note).toContain("§ 4 Nr. 15");
      const item = await m.getRepository(PaymentItem).findOneByOrFail({ invoiceId: invoice.id });
      const commitment = await m.getRepository(Commitment).findOneByOrFail({ id: item.commitmentId! });
      expect(commitment).toMatchObject({ sourceType: "purchase", sourceId: p.id, year: Number(invoice.dueOn.slice(0, 4)), budgetLineId: placesLineId });
      expect(item).toMatchObject({ sourceType: "invoice", budgetLineId: placesLineId, amountCents: 95_000, status: "awaiting_factual" });
      const bank = await m.getRepository(BankAccount).findOneByOrFail({ providerId, current: true });
      expect(item.iban).toBe(bank.iban);
      expect(await m.getRepository(PlaceBill).findOneByOrFail({ id: d.billId })).toMatchObject({ status: "confirmed", invoiceId: invoice.id, confirmedById: provider.id });
    }
    expect(await m.getRepository(AuditEvent).count({ where: { action: "bill.confirm", entityId: String(bills[0].id) } })).toBe(1);
    expect(await m.getRepository(ApiEvent).count({ where: { type: "invoice.received", entityId: done[0].invoiceId } })).toBe(1);
    await expect(confirmBills(provider, [bills[0].id])).rejects.toBeInstanceOf(ConflictError);
    expect(await m.getRepository(Invoice).count({ where: { purchaseId: p.id } })).toBe(2);
  });

  it("5 concurrent confirmations of one bill: one invoice, the others 409", async () => {
    const p = await purchase({ start: "2025-12-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const [bill] = await billsFor(p.id);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => confirmBills(provider, [bill.id])));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
    expect(await (await em()).getRepository(Invoice).count({ where: { number: bill.reference } })).toBe(1);
  });

  it("a refused bill in a selection confirms nothing (one transaction)", async () => {
    const p = await purchase({ start: "2025-12-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const [a, b] = await billsFor(p.id);
    await confirmBills(provider, [a.id]);
    await expect(confirmBills(provider, [b.id, a.id])).rejects.toBeInstanceOf(ConflictError);
    expect((await (await em()).getRepository(PlaceBill).findOneByOrFail({ id: b.id })).status).toBe("proposed");
  });

  it("another provider cannot see or confirm (404); staff cannot confirm; no bank account: a clear refusal", async () => {
    const p = await purchase({ start: "2025-12-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const [bill] = await billsFor(p.id);
    await expect(confirmBills(other, [bill.id])).rejects.toBeInstanceOf(NotFoundError);
    await expect(getBill(other, bill.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(billsOf(other, p.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(confirmBills(procurement, [bill.id])).rejects.toMatchObject({ status: 403 });
    expect((await billsOf(provider, p.id)).map((b) => b.id)).toContain(bill.id);
    expect((await billsOf(caseManager, p.id)).map((b) => b.id)).toContain(bill.id);
    const m = await em();
    await m.getRepository(BankAccount).update({ providerId, current: true }, { current: false });
    try {
      await expect(confirmBills(provider, [bill.id])).rejects.toThrow(/keine Bankverbindung hinterlegt/);
      await expect(confirmBills(provider, [bill.id])).rejects.toBeInstanceOf(RuleError);
    } finally {
      await m.getRepository(BankAccount).createQueryBuilder().update().set({ current: true }).where("providerId = :p AND id = (SELECT MAX(id) FROM bank_accounts WHERE providerId = :p)", { p: providerId }).execute();
    }
    expect((await m.getRepository(PlaceBill).findOneByOrFail({ id: bill.id })).status).toBe("proposed");
  });

  it("the payment goes through the four eyes unchanged; booked, it consumes the purchase's commitment", async () => {
    const p = await purchase({ start: "2026-01-01", priceCents: 95_000, months: 12 });
    await proposeBills("2026-02-01");
    const [bill] = await billsFor(p.id);
    const [done] = await confirmBills(provider, [bill.id]);
    const m = await em();
    const item = await m.getRepository(PaymentItem).findOneByOrFail({ id: done.paymentItemId });
    const before = await m.getRepository(Commitment).findOneByOrFail({ id: item.commitmentId! });
    expect(before.consumedCents).toBe(0);
    expect((await signItems(caseManager, [item.id], "factual")).signed).toHaveLength(1);
    expect((await signItems(financeA, [item.id], "arithmetic")).signed).toHaveLength(1);
    expect((await signItems(financeB, [item.id], "order")).signed).toHaveLength(1);
    await bookByHand(financeA, item.id, { paidOn: today(), reason: "Buchung laut Auszug 3/2026" });
    const after = await m.getRepository(Commitment).findOneByOrFail({ id: item.commitmentId! });
    expect(after.consumedCents).toBe(95_000);
  });
});

describe("lists", () => {
  it("open proposals grouped by month and purchase with totals; history filters; staff list and filters", async () => {
    const open = await openProposals(provider);
    expect(open.count).toBeGreaterThan(0);
    expect(open.totalCents).toBe(open.months.reduce((a, g) => a + g.totalCents, 0));
    for (const g of open.months) {
      expect(g.totalCents).toBe(g.purchases.reduce((a, p) => a + p.totalCents, 0));
      for (const p of g.purchases) for (const b of p.bills) expect(b.month).toBe(g.month);
    }
    const confirmed = await listOwnBills(provider, { status: "confirmed", page: 1, pageSize: 100 });
    expect(confirmed.rows.length).toBeGreaterThan(0);
    expect(confirmed.rows.every((r) => r.status === "confirmed" && r.providerId === providerId)).toBe(true);
    const feb = await listOwnBills(provider, { month: "2026-01", page: 1, pageSize: 100 });
    expect(feb.rows.every((r) => r.periodStart.startsWith("2026-01"))).toBe(true);
    expect((await listOwnBills(other, { page: 1, pageSize: 100 })).rows.every((r) => r.providerId === other.providerId)).toBe(true);
    const staff = await listBills(caseManager, { status: "proposed", provider: providerId });
    expect(staff.total).toBeGreaterThan(0);
    expect(staff.rows.every((r) => r.status === "proposed" && r.providerId === providerId)).toBe(true);
    await expect(listBills(provider, {})).rejects.toMatchObject({ status: 403 });
  });
});

describe("own e-invoice instead of a confirmation", () => {
  it("an XRechnung naming the purchase (BT-13) marks the proposals of its period invoiced; the deviation names the excess; a later confirmation is refused", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2025-12-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const bills = await billsFor(p.id);
    expect(bills.map((b) => b.billKey)).toEqual(["month:2025-12", "month:2026-01", "month:2026-02"]);
    const m = await em();
    const settings = await getSettings(m);
    const bank = await m.getRepository(BankAccount).findOneByOrFail({ providerId, current: true });
    const { Provider } = await import("../../entities");
    const prov = await m.getRepository(Provider).findOneByOrFail({ id: providerId });
    const xml = buildXRechnungUbl({
      number: `BW-${p.reference}-1`,
      issueDate: "2026-03-01",
      buyerReference: settings["finance.leitwegId"],
      orderReference: p.reference,
      periodStart: "2025-12-01",
      periodEnd: "2026-01-31",
      seller: { name: prov.name, street: "Weg 1", postalCode: "01917", city: "Kamenz", vatId: prov.vatId || "DE123456789", contactName: "Abrechnung", phone: "03578 1", email: "abrechnung@example.org", iban: bank.iban },
      buyer: { name: "Landkreis Kamenz", street: "Macherstraße 55", postalCode: "01917", city: "Kamenz", email: "rechnung@asz-kamenz.example" },
      lines: [{ name: `Platz ${p.reference} Dezember und Januar`, quantity: 2, unitPriceCents: 100_000 }],
    });
    const r = await receiveInvoice(provider, { bytes: new TextEncoder().encode(xml), filename: "rechnung.xml", channel: "portal" });
    expect(r.findings).toEqual([]);
    expect(r.status).toBe("accepted");
    const invoice = await m.getRepository(Invoice).findOneByOrFail({ id: r.id });
    expect(invoice.purchaseId).toBe(p.id);
    expect(invoice.expectedCents).toBe(190_000);
    expect(invoice.deviation).toContain("um 100,00 € über den Abrechnungsvorschlägen");
    expect(invoice.deviation).not.toContain("Kein Vertrag gefunden");
    const after = await billsFor(p.id);
    expect(after.map((b) => [b.billKey, b.status, b.invoiceId])).toEqual([
      ["month:2025-12", "invoiced", r.id],
      ["month:2026-01", "invoiced", r.id],
      ["month:2026-02", "proposed", null],
    ]);
    const item = await m.getRepository(PaymentItem).findOneByOrFail({ invoiceId: r.id });
    const commitment = await m.getRepository(Commitment).findOneByOrFail({ id: item.commitmentId! });
    expect(commitment).toMatchObject({ sourceType: "purchase", sourceId: p.id });
    expect(item.budgetLineId).toBe(placesLineId);
    await expect(confirmBills(provider, [after[0].id])).rejects.toBeInstanceOf(ConflictError);
    expect(await m.getRepository(AuditEvent).count({ where: { action: "bill.match", entityId: String(p.id) } })).toBe(1);

    // The e-invoice comes before the job proposed its month: the month is created as invoiced, not proposed.
    const p2 = await purchase({ start: "2026-02-01", priceCents: 95_000 });
    const xml2 = buildXRechnungUbl({
      number: `BW-${p2.reference}-1`,
      issueDate: "2026-03-01",
      buyerReference: settings["finance.leitwegId"],
      contractReference: p2.reference,
      periodStart: "2026-02-01",
      periodEnd: "2026-02-28",
      seller: { name: prov.name, street: "Weg 1", postalCode: "01917", city: "Kamenz", vatId: prov.vatId || "DE123456789", contactName: "Abrechnung", phone: "03578 1", email: "abrechnung@example.org", iban: bank.iban },
      buyer: { name: "Landkreis Kamenz", street: "Macherstraße 55", postalCode: "01917", city: "Kamenz", email: "rechnung@asz-kamenz.example" },
      lines: [{ name: `Platz ${p2.reference} Februar`, quantity: 1, unitPriceCents: 95_000 }],
    });
    const r2 = await receiveInvoice(provider, { bytes: new TextEncoder().encode(xml2), filename: "rechnung2.xml", channel: "api" });
    expect(r2.status).toBe("accepted");
    expect((await m.getRepository(Invoice).findOneByOrFail({ id: r2.id })).deviation).toContain("kein offener Abrechnungsvorschlag");
    await proposeBills("2026-03-02");
    expect((await billsFor(p2.id)).map((b) => [b.billKey, b.status, b.invoiceId])).toEqual([["month:2026-02", "invoiced", r2.id]]);
  });
});

describe("release after the end", () => {
  it("releases the rest of an ended purchase's commitments more than two months after the exit, not on the day", async () => {
    const p = await purchase({ start: "2025-01-01", priceCents: 95_000, status: "dropped_out", exitDate: "2025-03-31", exitReason: "moved" });
    const m = await em();
    const open = () => m.getRepository(Commitment).count({ where: { sourceType: "purchase", sourceId: p.id, status: "open" } });
    expect(await open()).toBeGreaterThan(0);
    const limit = addMonths("2025-03-31", 2);
    await releaseEndedPurchaseCommitments(limit);
    expect(await open()).toBeGreaterThan(0);
    await releaseEndedPurchaseCommitments(addDays(limit, 1));
    expect(await open()).toBe(0);
    const closed = await m.getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: p.id } });
    expect(closed.every((c) => c.closeReason.startsWith("Platz beendet"))).toBe(true);
    // A running purchase keeps its commitment.
    const running = await purchase({ start: "2025-01-01", priceCents: 95_000 });
    await releaseEndedPurchaseCommitments("2030-01-01");
    expect(await m.getRepository(Commitment).count({ where: { sourceType: "purchase", sourceId: running.id, status: "open" } })).toBeGreaterThan(0);
  });
});

describe("rule 11: no bill without an open commitment (review fix)", () => {
  it("proposes nothing for a purchase without a commitment or with its commitments released; one open commitment is enough", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const none = await purchase({ start: "2025-10-01", priceCents: 95_000, commit: false });
    const released = await purchase({ start: "2025-10-01", priceCents: 95_000 });
    const open = await purchase({ start: "2025-10-01", priceCents: 95_000 });
    await tx((m) => releaseCommitments(m, "system", "purchase", released.id, "Test: abgerechnet"));
    await proposeBills("2026-03-02");
    expect(await billsFor(none.id)).toEqual([]);
    expect(await billsFor(released.id)).toEqual([]);
    expect((await billsFor(open.id)).map((b) => b.billKey)).toEqual(["month:2025-10", "month:2025-11", "month:2025-12", "month:2026-01", "month:2026-02"]);
  });

  it("confirming refuses a bill whose purchase has no open commitment any more (names bill and year); nothing is confirmed", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2026-01-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const [bill] = await billsFor(p.id);
    await tx((m) => releaseCommitments(m, "system", "purchase", p.id, "Test: freigegeben"));
    const error = await confirmBills(provider, [bill.id]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleError);
    expect((error as Error).message).toContain(bill.reference);
    expect((error as Error).message).toMatch(/für 2026 keine Mittel gebunden/);
    expect((await billsFor(p.id))[0].status).toBe("proposed");
    // With its commitment open the same kind of bill confirms.
    const q = await purchase({ start: "2026-01-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const [ok] = await billsFor(q.id);
    expect(await confirmBills(provider, [ok.id])).toHaveLength(1);
  });
});

describe("a back-dated exit stops billing (review fix)", () => {
  it("refuses an exit before the end of a confirmed month (names bill and month); on the last day of it the later proposals are cancelled", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2025-10-01", priceCents: 93_000 });
    await proposeBills("2026-03-02");
    const before = await billsFor(p.id);
    expect(before.map((b) => b.billKey)).toEqual(["month:2025-10", "month:2025-11", "month:2025-12", "month:2026-01", "month:2026-02"]);
    await confirmBills(provider, [before[1].id]);
    const refused = (await reportExit(provider, p.id, { exitDate: "2025-11-29", kind: "dropped_out", reason: "illness" }).then(
      () => new Error("expected a refusal"),
      (e: unknown) => e,
    )) as Error & { status: number; fieldErrors: Record<string, string> };
    expect(refused.status).toBe(422);
    expect(refused.message).toContain(`Für November 2025 ist die Abrechnung ${before[1].reference} bereits bestätigt; ein Austritt davor ist nicht möglich`);
    expect(refused.fieldErrors.exitDate).toContain("30.11.2025");
    expect(await (await em()).getRepository(PlacePurchase).findOneByOrFail({ id: p.id })).toMatchObject({ status: "running", exitDate: null });
    expect((await billsFor(p.id)).map((b) => b.status)).toEqual(["proposed", "confirmed", "proposed", "proposed", "proposed"]);
    await reportExit(provider, p.id, { exitDate: "2025-11-30", kind: "dropped_out", reason: "illness" });
    expect((await billsFor(p.id)).map((b) => [b.billKey, b.status])).toEqual([
      ["month:2025-10", "proposed"],
      ["month:2025-11", "confirmed"],
      ["month:2025-12", "cancelled"],
      ["month:2026-01", "cancelled"],
      ["month:2026-02", "cancelled"],
    ]);
    expect(await (await em()).getRepository(AuditEvent).count({ where: { action: "bill.cancel", entityId: String(before[2].id) } })).toBe(1);
    // The job later neither proposes the cancelled months again nor trips over their keys.
    expect(await proposeBills("2026-03-02")).toBe(0);
    expect(await billsFor(p.id)).toHaveLength(5);
  });

  it("a back-dated exit in the middle of a proposed month recomputes that bill in place (14 of 31 days) and cancels the later ones", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2025-10-01", priceCents: 93_000 });
    await proposeBills("2026-03-02");
    await reportExit(provider, p.id, { exitDate: "2025-12-14", kind: "dropped_out", reason: "illness" });
    const after = await billsFor(p.id);
    expect(after.map((b) => [b.billKey, b.status, b.periodEnd, b.amountCents])).toEqual([
      ["month:2025-10", "proposed", "2025-10-31", 93_000],
      ["month:2025-11", "proposed", "2025-11-30", 93_000],
      ["month:2025-12", "proposed", "2025-12-14", Math.round((93_000 * 14) / 31)],
      ["month:2026-01", "cancelled", "2026-01-31", 93_000],
      ["month:2026-02", "cancelled", "2026-02-28", 93_000],
    ]);
    expect(after[2].calculation).toBe("14 von 31 Tagen × 930,00 € = 420,00 €");
    expect(await proposeBills("2026-03-02")).toBe(0);
    expect(await billsFor(p.id)).toHaveLength(5);
  });
});

describe("an entry before the planned start does not extend billing (review fix)", () => {
  it("entry 10 days before the start: the first month is billed from the planned start, not from the entry", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2025-11-11", entryDate: "2025-11-01", priceCents: 90_000, months: 3 });
    await proposeBills("2026-03-02");
    const bills = await billsFor(p.id);
    const months = bills.filter((b) => b.kind === "month");
    expect(months[0]).toMatchObject({ billKey: "month:2025-11", periodStart: "2025-11-11", periodEnd: "2025-11-30", amountCents: 60_000 });
    // Planned end 10.02.2026: the last month ends there (3 months bought, no more).
    expect(months.at(-1)).toMatchObject({ billKey: "month:2026-02", periodEnd: "2026-02-10" });
    expect(months.reduce((a, b) => a + b.amountCents, 0)).toBe(costByYear(termsFor(p), p.startDate, p.endDate).reduce((a, s) => a + s.amountCents, 0));
  });
});

function termsFor(p: PlacePurchase): PriceTerms {
  return { priceModel: p.priceModel, priceCents: p.priceCents, proRata: p.proRata, eventFees: p.eventFees ?? [], hours: p.hours };
}

describe("own e-invoices naming a purchase: intake refusals (review fix)", () => {
  let n = 0;
  async function send(p: PlacePurchase, periodStart: string, periodEnd: string) {
    const m = await em();
    const settings = await getSettings(m);
    const bank = await m.getRepository(BankAccount).findOneByOrFail({ providerId, current: true });
    const { Provider } = await import("../../entities");
    const prov = await m.getRepository(Provider).findOneByOrFail({ id: providerId });
    n++;
    const xml = buildXRechnungUbl({
      number: `BW-R-${p.reference}-${n}`,
      issueDate: "2026-03-01",
      buyerReference: settings["finance.leitwegId"],
      orderReference: p.reference,
      periodStart,
      periodEnd,
      seller: { name: prov.name, street: "Weg 1", postalCode: "01917", city: "Kamenz", vatId: prov.vatId || "DE123456789", contactName: "Abrechnung", phone: "03578 1", email: "abrechnung@example.org", iban: bank.iban },
      buyer: { name: "Landkreis Kamenz", street: "Macherstraße 55", postalCode: "01917", city: "Kamenz", email: "rechnung@asz-kamenz.example" },
      lines: [{ name: `Platz ${p.reference}`, quantity: 1, unitPriceCents: 95_000 }],
    });
    return receiveInvoice(provider, { bytes: new TextEncoder().encode(xml), filename: `r${n}.xml`, channel: "portal" });
  }
  const rules = (r: { findings: { rule: string }[] }) => r.findings.map((f) => f.rule);

  it("ASZ-PLATZ-1: a period overlapping a confirmed month by one day is refused naming the bill; the next day on is accepted", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2025-12-01", priceCents: 95_000 });
    await proposeBills("2026-03-02");
    const [dec] = await billsFor(p.id);
    await confirmBills(provider, [dec.id]);
    const refused = await send(p, "2025-12-31", "2026-01-31");
    expect(refused.status).toBe("rejected");
    expect(rules(refused)).toEqual(["ASZ-PLATZ-1"]);
    expect(refused.findings[0].message).toContain(dec.reference);
    const ok = await send(p, "2026-01-01", "2026-01-31");
    expect(ok.status).toBe("accepted");
    // The January month is now invoiced by it: the same period again is refused.
    const again = await send(p, "2026-01-01", "2026-01-31");
    expect(rules(again)).toEqual(["ASZ-PLATZ-1"]);
  });

  it("ASZ-PLATZ-2: a place that never started (state confirmed, no entry) is refused", async () => {
    const p = await purchase({ start: "2026-02-01", status: "confirmed", entryDate: null });
    const r = await send(p, "2026-02-01", "2026-02-28");
    expect(r.status).toBe("rejected");
    expect(rules(r)).toEqual(["ASZ-PLATZ-2"]);
    expect(r.findings[0].message).toMatch(/hat nicht begonnen/);
  });

  it("ASZ-PLATZ-3: a period starting the day after the exit is refused; one starting on the exit day is not", async () => {
    const p = await purchase({ start: "2025-10-01", status: "dropped_out", exitDate: "2025-12-14", exitReason: "illness" });
    const after = await send(p, "2025-12-15", "2025-12-31");
    expect(after.status).toBe("rejected");
    expect(rules(after)).toEqual(["ASZ-PLATZ-3"]);
    expect(after.findings[0].message).toMatch(/nach dem Austritt am 14\.12\.2025/);
    const on = await send(p, "2025-12-14", "2025-12-14");
    expect(rules(on)).not.toContain("ASZ-PLATZ-3");
    expect(on.status).toBe("accepted");
  });
});

describe("correcting the exit outcome (review fix)", () => {
  it("to „none“ cancels the proposed success bill; back to employment proposes it again; the job creates no second one", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2025-10-01", months: 3, priceModel: "participant", priceCents: 100_000, eventFees: [{ event: "success", label: "Erfolgsanteil", amountCents: 150_000 }], status: "completed", exitDate: "2025-12-31" });
    const outcome = (status: string) =>
      recordOutcome(caseManager, p.id, status === "none" ? { checkpoint: "exit", status, asOf: "2026-01-15" } : { checkpoint: "exit", status, employerName: "Tischlerei Lehmann", startDate: "2026-01-05", weeklyHours: "39", asOf: "2026-01-15" });
    await outcome("employment");
    await proposeBills("2026-03-02");
    const success = () => billsFor(p.id).then((bills) => bills.filter((b) => b.billKey === "event:success").map((b) => b.status));
    expect(await success()).toEqual(["proposed"]);
    await outcome("none");
    expect(await success()).toEqual(["cancelled"]);
    expect((await billsFor(p.id)).find((b) => b.billKey === "event:entry")!.status).toBe("proposed");
    await proposeBills("2026-03-02");
    expect(await success()).toEqual(["cancelled"]);
    await outcome("employment");
    expect(await success()).toEqual(["proposed"]);
    await proposeBills("2026-03-02");
    expect(await success()).toEqual(["proposed"]);
  });
});

describe("attendance warning on bills (review fix)", () => {
  it("a month bill carries the warning when more than half of its days were unexcused (16 of 30); 15 of 31 do not", async () => {
    setClock("2026-03-02T09:00:00.000Z");
    const p = await purchase({ start: "2025-11-01", priceCents: 90_000, months: 2 });
    await proposeBills("2026-03-02");
    const [nov, dec] = await billsFor(p.id);
    const { AttendanceMonth } = await import("../../entities");
    const repo = (await em()).getRepository(AttendanceMonth);
    const at = new Date().toISOString();
    await repo.save([
      repo.create({ purchaseId: p.id, month: "2025-11", daysPresent: 14, daysExcused: 0, daysUnexcused: 16, channel: "portal", reportedById: provider.id, reportedAt: at }),
      repo.create({ purchaseId: p.id, month: "2025-12", daysPresent: 16, daysExcused: 0, daysUnexcused: 15, channel: "portal", reportedById: provider.id, reportedAt: at }),
    ]);
    expect((await getBill(provider, nov.id)).bill.attendanceWarning).toBe("16 von 30 Tagen unentschuldigt gefehlt");
    expect((await getBill(provider, dec.id)).bill.attendanceWarning).toBeNull();
    const staff = await listBills(caseManager, { q: p.reference });
    expect(staff.rows.find((r) => r.id === nov.id)?.attendanceWarning).toBe("16 von 30 Tagen unentschuldigt gefehlt");
    expect(staff.rows.find((r) => r.id === dec.id)?.attendanceWarning).toBeNull();
  });
});
