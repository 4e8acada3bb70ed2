import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { AuditEvent, BankAccount, BudgetLine, Document, PaymentItem, User } from "../../entities";
import type { PersonUser } from "~/services/auth.server";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";
import { setClock, today } from "~/lib/clock.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { ConflictError, RuleError, ValidationError } from "~/domain/errors";
import { applyBankAccount } from "~/services/providers.server";
import { grantAuthority } from "~/services/budget.server";
import { bookByHand, cancelItem, correctItem, createPaymentItem, getPaymentItem, paymentOrderDocument, recordVop, signItems } from "~/services/payment-items.server";

/**
 * Release under four eyes through the services (DOMAIN.md § 3.3, rule 12): three signatures by
 * three people, refusals for the same person, the bank data's author and the registrant, the
 * ordering authority at its boundary, the lock after the factual check, the hold after a bank
 * data change, corrections and the payment order PDF.
 */

let caseManager: PersonUser;
let financeA: PersonUser; // kasse@: authority up to 5.000 € (demo)
let financeB: PersonUser; // kasse2@: authority up to 100.000 € (demo)
let procurement: PersonUser;
let provider: PersonUser;
let providerId: number;
let lineId: number;

async function person(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

async function newItem(over: Partial<Parameters<typeof createPaymentItem>[2]> = {}) {
  const m = await em();
  const account = await m.getRepository(BankAccount).findOneByOrFail({ providerId, current: true });
  return tx((t) =>
    createPaymentItem(t, "system", {
      sourceType: "invoice",
      providerId,
      payeeName: account.holder,
      iban: account.iban,
      bic: account.bic,
      bankAccountId: account.id,
      amountCents: 500_000,
      dueOn: today(),
      purpose: "Rechnung R-4711",
      budgetLineId: lineId,
      commitmentId: null,
      ...over,
    }),
  );
}

const reload = async (id: number) => (await em()).getRepository(PaymentItem).findOneByOrFail({ id });

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  caseManager = await person("fallmanagement@asz-kamenz.example");
  financeA = await person("kasse@asz-kamenz.example");
  financeB = await person("kasse2@asz-kamenz.example");
  procurement = await person("vergabe@asz-kamenz.example");
  provider = await person("traeger@bildungswerk-lausitz.example");
  providerId = provider.providerId!;
  lineId = (await (await em()).getRepository(BudgetLine).findOneByOrFail({ number: "1.4820.7600" })).id;
  // The demo's bank data were entered by nobody in particular; make them a known person's work for one test.
  await (await em()).getRepository(BankAccount).update({ providerId }, { changedById: null, requestedById: null });
});

describe("three signatures by three people", () => {
  it("factual (case management) → arithmetic (finance A) → order (finance B, authorised); the same person twice is refused with its message", async () => {
    const item = await newItem();
    expect(item.status).toBe("awaiting_factual");
    expect(item.reference).toMatch(/^ZA-2026-\d{6}$/);
    expect(item.endToEndId).toBe(`VT-${item.reference}`);

    expect(await signItems(caseManager, [item.id], "factual")).toMatchObject({ signed: [{ id: item.id }], refused: [] });
    const again = await signItems(caseManager, [item.id], "arithmetic");
    expect(again.signed).toEqual([]);
    expect(again.refused[0].reason).toBe("Sie haben diese Zahlung bereits „sachlich richtig“ gezeichnet; „rechnerisch richtig“ muss eine andere Person zeichnen (Vier-Augen-Prinzip).");
    expect((await reload(item.id)).status).toBe("awaiting_arithmetic");

    await signItems(financeA, [item.id], "arithmetic");
    const selfOrder = await signItems(financeA, [item.id], "order");
    expect(selfOrder.refused[0].reason).toContain("„rechnerisch richtig“ gezeichnet");
    const ordered = await signItems(financeB, [item.id], "order");
    expect(ordered.signed.map((s) => s.id)).toEqual([item.id]);

    const done = await reload(item.id);
    expect(done).toMatchObject({ status: "ordered", factualById: caseManager.id, arithmeticById: financeA.id, orderById: financeB.id });
    // The payment order PDF is rendered after the signing transaction and linked to the item.
    expect(done.orderDocumentId).not.toBeNull();
    const doc = await (await em()).getRepository(Document).findOneByOrFail({ id: done.orderDocumentId! });
    expect(doc).toMatchObject({ contentType: "application/pdf", template: "payment-order" });
    const actions = await (await em()).getRepository(AuditEvent).find({ where: { entityType: "payment-item", entityId: String(item.id) }, order: { id: "ASC" } });
    expect(actions.map((a) => a.action)).toEqual(["payment.create", "payment.sign_factual", "payment.sign_arithmetic", "payment.order"]);
  });

  it("the ordering authority: exactly the maximum passes, one cent more is refused (finance A: 5.000,00 €)", async () => {
    const exact = await newItem({ amountCents: 5_000_00 });
    const over = await newItem({ amountCents: 5_000_01 });
    await signItems(caseManager, [exact.id, over.id], "factual");
    await signItems(financeB, [exact.id, over.id], "arithmetic");
    const r = await signItems(financeA, [exact.id, over.id], "order");
    expect(r.signed.map((s) => s.id)).toEqual([exact.id]);
    expect(r.refused).toEqual([{ id: over.id, reference: over.reference, reason: "Ihre Anordnungsbefugnis für die Haushaltsstelle 1.4820.7600 reicht bis 5.000,00 €; die Zahlung beträgt 5.000,01 €." }]);
    // An admin raises the authority by one cent: now it passes.
    const admin = await person("admin@asz-kamenz.example");
    await grantAuthority(admin, { userId: financeA.id, budgetLineId: lineId, maxAmount: "5.000,01" });
    expect((await signItems(financeA, [over.id], "order")).signed.map((s) => s.id)).toEqual([over.id]);
  });

  it("nobody signs what they registered by hand, or a payment to bank data they confirmed; providers never", async () => {
    const registered = await newItem({ registeredById: financeA.id });
    expect((await signItems(financeA, [registered.id], "factual")).refused[0].reason).toBe("Sie haben diese Rechnung von Hand erfasst und dürfen die Zahlung deshalb nicht „sachlich richtig“ zeichnen.");
    await expect(signItems(provider, [registered.id], "factual")).resolves.toMatchObject({ signed: [], refused: [{ reason: "Sie haben keine Berechtigung für diese Aktion." }] });

    const m = await em();
    const account = await m.getRepository(BankAccount).findOneByOrFail({ providerId, current: true });
    await m.getRepository(BankAccount).update({ id: account.id }, { changedById: procurement.id });
    const item = await newItem();
    expect((await signItems(procurement, [item.id], "factual")).refused[0].reason).toBe(
      "Sie haben die Bankverbindung des Zahlungsempfängers erfasst oder bestätigt und dürfen die Zahlung deshalb nicht „sachlich richtig“ zeichnen.",
    );
    expect((await signItems(caseManager, [item.id], "factual")).signed).toHaveLength(1);
    await m.getRepository(BankAccount).update({ id: account.id }, { changedById: null });
  });

  it("many items with one confirmation: every rule applies to each; refused ones stay unchanged", async () => {
    const a = await newItem();
    const b = await newItem({ registeredById: caseManager.id });
    const r = await signItems(caseManager, [a.id, b.id, 999999], "factual");
    expect(r.signed.map((s) => s.id)).toEqual([a.id]);
    expect(r.refused.map((x) => x.id).sort()).toEqual([b.id, 999999].sort());
    expect((await reload(b.id)).status).toBe("awaiting_factual");
    await expect(signItems(caseManager, [], "factual")).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("after the factual check", () => {
  it("a bank data change of the payee puts signed items on hold until the factual check is signed again", async () => {
    const item = await newItem();
    await signItems(caseManager, [item.id], "factual");
    await signItems(financeA, [item.id], "arithmetic");
    await tx((m) => applyBankAccount(m, financeB, providerId, { iban: "DE89370400440532013000", bic: "COBADEFFXXX", holder: "Bildungswerk Lausitz gGmbH" }, null));
    const held = await reload(item.id);
    expect(held).toMatchObject({ status: "on_hold", iban: "DE89370400440532013000", factualById: null, arithmeticById: null });
    expect(held.holdReason).toContain("Bankverbindung des Zahlungsempfängers geändert");
    // Whoever confirmed the new bank data cannot sign it again; someone else can.
    expect((await signItems(financeB, [item.id], "factual")).refused[0].reason).toContain("Bankverbindung des Zahlungsempfängers erfasst oder bestätigt");
    expect((await signItems(caseManager, [item.id], "factual")).signed).toHaveLength(1);
    expect((await reload(item.id)).status).toBe("awaiting_arithmetic");
  });

  it("a correction cancels the item and creates a new one that needs all three signatures; its author cannot sign it", async () => {
    const item = await newItem();
    await signItems(caseManager, [item.id], "factual");
    await expect(correctItem(financeA, item.id, { amount: "4.000,00", reason: "kurz" })).rejects.toBeInstanceOf(ValidationError);
    const next = await correctItem(financeA, item.id, { amount: "4.000,00", reason: "Rechnungsbetrag laut Vertrag gekürzt" });
    expect(await reload(item.id)).toMatchObject({ status: "cancelled" });
    expect(next).toMatchObject({ status: "awaiting_factual", amountCents: 400_000, replacesId: item.id, registeredById: financeA.id });
    expect((await signItems(financeA, [next.id], "factual")).refused[0].reason).toContain("von Hand erfasst");
    const detail = await getPaymentItem(financeB, item.id);
    expect(detail.replacedBy?.id).toBe(next.id);
  });

  it("cancel needs a reason; a cancelled item cannot be signed or booked", async () => {
    const item = await newItem();
    await expect(cancelItem(financeA, item.id, "zu kurz")).rejects.toBeInstanceOf(RuleError);
    await cancelItem(financeA, item.id, "Leistung wurde nicht erbracht");
    expect((await signItems(caseManager, [item.id], "factual")).refused[0].reason).toContain("nicht möglich");
    await expect(bookByHand(financeA, item.id, { paidOn: today(), reason: "Buchung laut Auszug 17/2026" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("VoP results are recorded with who and when; booking by hand needs a past date and a reason", async () => {
    // The bank data confirmed by finance B above would keep B from ordering: a new account entered by the provider's request.
    await (await em()).getRepository(BankAccount).update({ providerId, current: true }, { changedById: null });
    const item = await newItem();
    await expect(recordVop(financeA, [item.id], "maybe")).rejects.toBeInstanceOf(ValidationError);
    await recordVop(financeA, [item.id], "close_match", "Bildungswerk Lausitz gGmbH");
    expect(await reload(item.id)).toMatchObject({ vopResult: "close_match", vopSuggestedName: "Bildungswerk Lausitz gGmbH", vopById: financeA.id });
    await signItems(caseManager, [item.id], "factual");
    await signItems(financeA, [item.id], "arithmetic");
    await signItems(financeB, [item.id], "order");
    await expect(bookByHand(financeA, item.id, { paidOn: "2099-01-01", reason: "Buchung laut Auszug 17/2026" })).rejects.toBeInstanceOf(ValidationError);
    await expect(bookByHand(financeA, item.id, { paidOn: today(), reason: "kurz" })).rejects.toBeInstanceOf(ValidationError);
    await expect(bookByHand(financeA, item.id, { paidOn: "31.02.2026", reason: "Buchung laut Auszug 17/2026" })).rejects.toMatchObject({ fieldErrors: { paidOn: expect.stringContaining("kein gültiges Datum") } });
    // Not paid before it was ordered (the order was signed today).
    await expect(bookByHand(financeA, item.id, { paidOn: "01.01.1999", reason: "Buchung laut Auszug 17/2026" })).rejects.toMatchObject({ fieldErrors: { paidOn: expect.stringContaining("angeordnet") } });
    await bookByHand(financeA, item.id, { paidOn: today(), reason: "Buchung laut Auszug 17/2026" });
    expect(await reload(item.id)).toMatchObject({ status: "paid", paidOn: today(), paidById: financeA.id });
    // A paid item whose payment order PDF is missing (the demo's history) gets it on demand, once.
    await (await em()).getRepository(PaymentItem).update({ id: item.id }, { orderDocumentId: null });
    const docId = await paymentOrderDocument(financeA, item.id);
    expect(await paymentOrderDocument(financeA, item.id)).toBe(docId);
    expect(await (await em()).getRepository(Document).findOneByOrFail({ id: docId })).toMatchObject({ template: "payment-order", contentType: "application/pdf" });
    const unordered = await newItem();
    await expect(paymentOrderDocument(financeA, unordered.id)).rejects.toBeInstanceOf(RuleError);
  });
});
