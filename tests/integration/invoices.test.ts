import { AFRelationship, PDFDocument, StandardFonts } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { minimalPdf } from "../fixtures/pdf";
import { CII_0101, read, UBL_0101 } from "../unit/einvoice-suite";
import { ApiEvent, BudgetLine, Contract, Document, Invoice, PaymentItem, Provider, Setting, User } from "../../entities";
import { NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { dueDate, paymentTermProblem } from "~/domain/finance";
import { addDays } from "~/domain/time";
import { setClock, today } from "~/lib/clock.server";
import { em } from "../setup/db";
import { documentResponse } from "~/lib/documents.server";
import { sha256Hex } from "~/lib/hash.server";
import { seedDemoData } from "~/demo/demo-data.server";
import type { PersonUser } from "~/services/auth.server";
import { assignContract, getInvoice, invoiceForItem, invoicesCsv, listInvoices, listOwnInvoices, receiveInvoice, registerInvoice } from "~/services/invoices.server";
import { assignBudgetLine, bookByHand, correctItem, signItems } from "~/services/payment-items.server";

/**
 * Invoice intake (issue 10, points 4–9) through the services: KoSIT suite files from the portal,
 * the intake-only checks (Leitweg-ID, duplicate, seller), the original stored byte for byte,
 * ZUGFeRD, rejected invoices visible to their provider only, due dates, contract matching and
 * the deviation, manual registration and its registrant's exclusion from signing.
 */

const LEITWEG = "04011000-12345-03"; // BT-10 of the KoSIT standard business cases
let broker: PersonUser; // DEMO-B-0001
let trainer: PersonUser; // another organisation
let finance: PersonUser;
let finance2: PersonUser;
let brokerId: number;
let contractA: Contract; // place-month, 1 place × 100 €
let contract60: Contract; // 60 days payment term

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const ubl = (number: string, edit: (xml: string) => string = (x) => x) => utf8(edit(read(UBL_0101).replace("<cbc:ID>123456XX</cbc:ID>", `<cbc:ID>${number}</cbc:ID>`)));
/** A UBL copy naming a contract (BT-12) and a billing period (BT-73/74). */
const withContract = (ref: string, period: [string, string] | null) => (xml: string) =>
  xml.replace(
    "<cac:AccountingSupplierParty>",
    `${period ? `<cac:InvoicePeriod><cbc:StartDate>${period[0]}</cbc:StartDate><cbc:EndDate>${period[1]}</cbc:EndDate></cac:InvoicePeriod>` : ""}<cac:ContractDocumentReference><cbc:ID>${ref}</cbc:ID></cac:ContractDocumentReference><cac:AccountingSupplierParty>`,
  );

async function storedBytes(documentId: number): Promise<Uint8Array> {
  const doc = await (await em()).getRepository(Document).findOneByOrFail({ id: documentId });
  return new Uint8Array(await (await documentResponse(doc)).arrayBuffer());
}

async function contract(values: Partial<Contract>): Promise<Contract> {
  const repo = (await em()).getRepository(Contract);
  return repo.save(
    repo.create({
      tenderId: 1,
      lotId: 1,
      offerId: 1,
      providerId: brokerId,
      quantity: 1,
      priceUnit: "place_month",
      unitPriceCents: 10000,
      successFeeCents: null,
      paymentTermDays: null,
      budgetLineId: null,
      startDate: "2026-01-01",
      endDate: "2026-12-31",
      status: "active",
      concludedAt: "2025-12-01T10:00:00.000Z",
      ...values,
    } as Contract),
  );
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
  trainer = await currentUser("traeger@bildungswerk-lausitz.example");
  finance = await currentUser("kasse@asz-kamenz.example");
  finance2 = await currentUser("kasse2@asz-kamenz.example");
  brokerId = broker.providerId!;
  const m = await em();
  // The suite files' seller is "[Seller name]" with VAT id DE 123456789: make that the broker's.
  await m.getRepository(Provider).update({ id: brokerId }, { vatId: "DE123456789" });
  await m.getRepository(Setting).save({ key: "finance.leitwegId", value: LEITWEG, updatedAt: new Date().toISOString(), updatedById: null });
  contractA = await contract({ reference: "V-2026-014-L1" });
  contract60 = await contract({ reference: "V-2026-020-L2", paymentTermDays: 60 });
}, 120_000);

describe("portal intake of an XRechnung", () => {
  let firstId: number;
  let firstRef: string;

  it("accepts the KoSIT standard file, stores it byte for byte and creates the payment item (due = receipt + 30)", async () => {
    const bytes = ubl("123456XX");
    const result = await receiveInvoice(broker, { bytes, filename: "01.01a-INVOICE_ubl.xml", channel: "portal" });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe("accepted");
    firstId = result.id;
    firstRef = result.reference;
    const m = await em();
    const invoice = await m.getRepository(Invoice).findOneByOrFail({ id: result.id });
    expect(invoice.sha256).toBe(sha256Hex(bytes));
    const stored = await storedBytes(invoice.documentId!);
    expect(Buffer.from(stored).equals(Buffer.from(bytes))).toBe(true);
    expect(sha256Hex(stored)).toBe(invoice.sha256);
    expect(invoice.receivedOn).toBe(today());
    expect(invoice.termDays).toBe(30);
    expect(invoice.dueOn).toBe(addDays(invoice.receivedOn, 30));
    expect(invoice.dueAmountCents).toBe(33690);
    const item = await m.getRepository(PaymentItem).findOneByOrFail({ id: result.paymentItemId! });
    expect(item).toMatchObject({ sourceType: "invoice", status: "awaiting_factual", amountCents: 33690, dueOn: invoice.dueOn, invoiceId: invoice.id, providerId: brokerId });
    expect(item.purpose).toBe("Rechnung 123456XX");
    // No contract named: the factual check reads why.
    expect(invoice.deviation).toContain("Kein Vertrag gefunden");
    const event = await m.getRepository(ApiEvent).findOneOrFail({ where: { entityType: "invoice", entityId: invoice.id } });
    expect(event).toMatchObject({ type: "invoice.received", providerId: brokerId, status: "accepted" });
  });

  it("takes in an invoice with a wrong IBAN check digit (BR-DE-19); its payment cannot be signed until the IBAN is corrected", async () => {
    const wrong = "DE78000000001234567890"; // the suite's IBAN with the check digits changed
    const result = await receiveInvoice(broker, { bytes: ubl("IBAN-FALSCH-1", (x) => x.replace("<cbc:ID>DE79000000001234567890</cbc:ID>", `<cbc:ID>${wrong}</cbc:ID>`)), filename: "iban.xml", channel: "portal" });
    expect(result.findings.map((f) => f.rule)).toEqual(["BR-DE-19"]);
    expect(result.status).toBe("accepted");
    const m = await em();
    const item = await m.getRepository(PaymentItem).findOneByOrFail({ id: result.paymentItemId! });
    expect(item).toMatchObject({ iban: wrong, bankAccountId: null });
    expect(item.holdReason).toContain("BR-DE-19");
    const caseManager = await currentUser("fallmanagement@asz-kamenz.example");
    const refused = await signItems(caseManager, [item.id], "factual");
    expect(refused.refused[0].reason).toContain("Die IBAN des Zahlungsempfängers ist fehlerhaft");
    // Corrected: the new item carries a valid IBAN and can be signed.
    // A correction never pays more than the invoice asks (BT-115: 336,90 €).
    await expect(correctItem(finance, item.id, { amount: "336,91", iban: "DE89370400440532013000", reason: "IBAN laut Rückfrage beim Träger korrigiert" })).rejects.toMatchObject({ fieldErrors: { amount: expect.stringContaining("(336,90 €) nicht übersteigen") } });
    const next = await correctItem(finance, item.id, { amount: "336,90", iban: "DE89370400440532013000", reason: "IBAN laut Rückfrage beim Träger korrigiert" });
    // No contract named: the factual check waits for a budget line, which staff assign first.
    expect((await signItems(caseManager, [next.id], "factual")).refused[0].reason).toContain("keine Haushaltsstelle zugeordnet");
    const line = await m.getRepository(BudgetLine).findOneByOrFail({ number: "1.4820.7600" });
    await assignBudgetLine(caseManager, next.id, String(line.id));
    expect((await signItems(caseManager, [next.id], "factual")).signed.map((x) => x.id)).toEqual([next.id]);
    await expect(assignBudgetLine(caseManager, next.id, String(line.id))).rejects.toBeInstanceOf(RuleError);
  });

  it("refuses the same invoice a second time (DUPLIKAT naming the earlier invoice), stored as rejected", async () => {
    const result = await receiveInvoice(broker, { bytes: ubl("123456XX"), filename: "nochmal.xml", channel: "portal" });
    expect(result.status).toBe("rejected");
    expect(result.duplicateOf).toEqual({ id: firstId, reference: firstRef });
    const dup = result.findings.find((f) => f.rule === "DUPLIKAT");
    expect(dup?.message).toContain(firstRef);
    expect(result.paymentItemId).toBeNull();
  });

  it("refuses a wrong Leitweg-ID with rule LEITWEG-ID (the standard check alone passes the file)", async () => {
    const result = await receiveInvoice(broker, { bytes: ubl("LW-1", (x) => x.replace(`<cbc:BuyerReference>${LEITWEG}</cbc:BuyerReference>`, "<cbc:BuyerReference>99999999-ANDERS-01</cbc:BuyerReference>")), filename: "lw.xml", channel: "portal" });
    expect(result.status).toBe("rejected");
    expect(result.findings.map((f) => f.rule)).toEqual(["LEITWEG-ID"]);
    expect(result.findings[0].message).toContain("99999999-ANDERS-01");
    expect(result.findings[0].message).toContain(LEITWEG);
  });

  it("refuses an invoice whose seller is another organisation", async () => {
    const result = await receiveInvoice(trainer, { bytes: ubl("FREMD-1"), filename: "fremd.xml", channel: "portal" });
    expect(result.status).toBe("rejected");
    expect(result.findings.map((f) => f.rule)).toContain("VERKAEUFER");
  });

  it("refuses files that are neither XML nor PDF, and files over the upload limit, without storing them", async () => {
    await expect(receiveInvoice(broker, { bytes: utf8("Hallo, hier ist meine Rechnung"), filename: "rechnung.txt", channel: "portal" })).rejects.toThrow(ValidationError);
    const big = new Uint8Array(21 * 1048576).fill(0x20);
    big[0] = 0x3c;
    await expect(receiveInvoice(broker, { bytes: big, filename: "gross.xml", channel: "portal" })).rejects.toThrow(/größer als 20 MB/);
  });

  it("stores an invalid invoice as rejected with its findings, visible to its provider only", async () => {
    const result = await receiveInvoice(broker, { bytes: ubl("KAPUTT-1", (x) => x.replace("<cbc:IssueDate>2016-04-04</cbc:IssueDate>", "")), filename: "kaputt.xml", channel: "portal" });
    expect(result.status).toBe("rejected");
    expect(result.findings.length).toBeGreaterThan(0);
    const own = await getInvoice(broker, result.id);
    expect(own.invoice.providerState.label).toBe("abgelehnt");
    expect(own.invoice.findings.map((f) => f.rule)).toEqual(result.findings.map((f) => f.rule));
    await expect(getInvoice(trainer, result.id)).rejects.toThrow(NotFoundError);
    const list = await listOwnInvoices(trainer, { page: 1, pageSize: 25 });
    expect(list.rows.some((r) => r.id === result.id)).toBe(false);
    const event = await (await em()).getRepository(ApiEvent).findOneOrFail({ where: { entityType: "invoice", entityId: result.id } });
    expect(event.type).toBe("invoice.rejected");
  });

  it("reads a ZUGFeRD PDF (CII embedded as factur-x.xml) like the XML", async () => {
    const doc = await PDFDocument.create();
    doc.addPage().drawText("Rechnung", { font: await doc.embedFont(StandardFonts.Helvetica) });
    await doc.attach(utf8(read(CII_0101).replace("123456XX", "ZF-2026-1")), "factur-x.xml", { mimeType: "text/xml", afRelationship: AFRelationship.Alternative });
    const pdf = await doc.save();
    const result = await receiveInvoice(broker, { bytes: pdf, filename: "rechnung.pdf", channel: "portal" });
    expect(result.findings).toEqual([]);
    const invoice = await (await em()).getRepository(Invoice).findOneByOrFail({ id: result.id });
    expect(invoice.form).toBe("zugferd");
    expect(invoice.number).toBe("ZF-2026-1");
    expect(Buffer.from(await storedBytes(invoice.documentId!)).equals(Buffer.from(pdf))).toBe(true);
  });
});

describe("due dates and contract matching", () => {
  it("uses the contract's term of 60 days; 61 days are refused by the domain", async () => {
    const result = await receiveInvoice(broker, { bytes: ubl("T60-1", withContract(contract60.reference, ["2026-02-01", "2026-02-28"])), filename: "t60.xml", channel: "api" });
    expect(result.status).toBe("accepted");
    const invoice = await (await em()).getRepository(Invoice).findOneByOrFail({ id: result.id });
    expect(invoice.contractId).toBe(contract60.id);
    expect(invoice.termDays).toBe(60);
    expect(invoice.dueOn).toBe(addDays(invoice.receivedOn, 60));
    expect(paymentTermProblem(60)).toBeNull();
    expect(paymentTermProblem(61)).toContain("§ 271a");
    expect(() => dueDate("2026-03-02", 61)).toThrow(RangeError);
  });

  it("matches the contract by its reference in BT-12 and notes the amount over what the contract allows for the period", async () => {
    const result = await receiveInvoice(broker, { bytes: ubl("VERTRAG-1", withContract(`Vertrag ${contractA.reference}`, ["2026-02-01", "2026-02-28"])), filename: "v1.xml", channel: "portal" });
    expect(result.status).toBe("accepted");
    const invoice = await (await em()).getRepository(Invoice).findOneByOrFail({ id: result.id });
    expect(invoice.contractId).toBe(contractA.id);
    // 1 place × 100 € × 28/30 days = 93,33 €; billed 336,90 €.
    expect(invoice.expectedCents).toBe(9333);
    expect(invoice.deviation).toContain("243,57");
    const forItem = await invoiceForItem(finance, result.paymentItemId!);
    expect(forItem?.deviation).toBe(invoice.deviation);
    expect(forItem?.contract?.reference).toBe(contractA.reference);
  });

  it("notes a missing period, and lets staff choose the contract while the item awaits the factual check", async () => {
    const result = await receiveInvoice(broker, { bytes: ubl("OHNE-1"), filename: "ohne.xml", channel: "portal" });
    await assignContract(finance, result.id, contractA.id);
    const invoice = await (await em()).getRepository(Invoice).findOneByOrFail({ id: result.id });
    expect(invoice.contractId).toBe(contractA.id);
    expect(invoice.deviation).toContain("Kein Abrechnungszeitraum");
    const list = await listInvoices(finance, { match: "deviation" });
    expect(list.rows.some((r) => r.id === result.id)).toBe(true);
    expect(await invoicesCsv(finance, {})).toContain("OHNE-1");
  });
});

describe("manual registration", () => {
  it("registers a paper invoice; its registrant cannot sign the factual check, another person can; paid is reported", async () => {
    await expect(registerInvoice(finance, { providerId: String(brokerId), number: "P-1", issueDate: "01.03.2026", net: "100,00", vat: "19,00", gross: "120,00", iban: "DE02120300000000202051" }, { filename: "scan.pdf", bytes: minimalPdf("scan") })).rejects.toThrow(ValidationError);
    const result = await registerInvoice(
      finance,
      { providerId: String(brokerId), number: "P-1", issueDate: "01.03.2026", net: "100,00", vat: "19,00", gross: "119,00", iban: "DE02120300000000202051", contractId: String(contractA.id), periodStart: "01.02.2026", periodEnd: "28.02.2026" },
      { filename: "scan.pdf", bytes: minimalPdf("scan") },
    );
    expect(result.status).toBe("accepted");
    const m = await em();
    const item = await m.getRepository(PaymentItem).findOneByOrFail({ id: result.paymentItemId! });
    expect(item.registeredById).toBe(finance.id);
    const refused = await signItems(finance, [item.id], "factual");
    expect(refused.signed).toEqual([]);
    expect(refused.refused[0].reason).toContain("von Hand erfasst");
    const signed = await signItems(finance2, [item.id], "factual");
    expect(signed.signed.map((s) => s.id)).toEqual([item.id]);
    // The same number again for the same provider is refused.
    await expect(registerInvoice(finance2, { providerId: String(brokerId), number: "P-1", issueDate: "01.03.2026", net: "100,00", vat: "19,00", gross: "119,00", iban: "DE02120300000000202051" }, { filename: "scan.pdf", bytes: minimalPdf("scan2") })).rejects.toThrow(/bereits/);
  });

  it("reads a ZUGFeRD PDF registered by hand like the portal does", async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    await doc.attach(utf8(read(CII_0101).replace("123456XX", "ZF-HAND-1")), "factur-x.xml", { mimeType: "text/xml", afRelationship: AFRelationship.Alternative });
    const result = await registerInvoice(finance, { providerId: String(brokerId) }, { filename: "zugferd.pdf", bytes: await doc.save() });
    expect(result.status).toBe("accepted");
    const invoice = await (await em()).getRepository(Invoice).findOneByOrFail({ id: result.id });
    expect(invoice).toMatchObject({ channel: "manual", form: "zugferd", number: "ZF-HAND-1", registeredById: finance.id });
  });

  it("shows the provider the state derived from the payment item, and paid with its date", async () => {
    const own = await listOwnInvoices(broker, { page: 1, pageSize: 100 });
    const p1 = own.rows.find((r) => r.number === "P-1")!;
    expect(p1.providerState.label).toBe("sachlich richtig");
    const m = await em();
    const item = await m.getRepository(PaymentItem).findOneByOrFail({ invoiceId: p1.id });
    await m.getRepository(PaymentItem).update({ id: item.id }, { status: "in_run" });
    await bookByHand(finance2, item.id, { paidOn: today(), reason: "Kontoauszug 12/2026 Buchung 4711" });
    const after = await getInvoice(broker, p1.id);
    expect(after.invoice.status).toBe("paid");
    expect(after.invoice.providerState.label).toMatch(/^bezahlt am /);
    const paid = await m.getRepository(ApiEvent).findOneOrFail({ where: { entityType: "invoice", entityId: p1.id, type: "invoice.paid" } });
    expect(paid.providerId).toBe(brokerId);
  });
});
