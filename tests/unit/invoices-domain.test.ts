import { describe, expect, it } from "vitest";
import { duplicateKey, findingMessage, findingText, invoiceDeviation, leitwegFinding, matchContract, providerInvoiceState, sellerFinding, sepaPurpose } from "~/domain/invoices";

const contract = { reference: "V-2026-014-L1", priceUnit: "place_month", quantity: 2, unitPriceCents: 150000, successFeeCents: null, startDate: "2026-01-01", endDate: "2026-12-31" };

describe("intake-only checks", () => {
  it("Leitweg-ID: equal (case-insensitive) passes; another or none is LEITWEG-ID naming both", () => {
    expect(leitwegFinding(" 14625000-asz01-89 ", "14625000-ASZ01-89")).toBeNull();
    expect(leitwegFinding("04011000-12345-03", "14625000-ASZ01-89")).toMatchObject({ rule: "LEITWEG-ID", term: "BT-10" });
    expect(leitwegFinding(null, "14625000-ASZ01-89")?.message).toContain("keine Leitweg-ID");
  });

  it("seller: VAT ids compared without blanks; without them the names", () => {
    expect(sellerFinding({ name: "x", vatId: "DE 123 456 789" }, { name: "Jobbrücke", vatId: "DE123456789" })).toBeNull();
    expect(sellerFinding({ name: "Jobbrücke Kamenz", vatId: "DE999999999" }, { name: "Jobbrücke Kamenz", vatId: "DE123456789" })?.rule).toBe("VERKAEUFER");
    expect(sellerFinding({ name: "Jobbrücke Kamenz GmbH", vatId: null }, { name: "Jobbrücke Kamenz", vatId: null })).toBeNull();
    expect(sellerFinding({ name: "Andere GmbH", vatId: null }, { name: "Jobbrücke Kamenz", vatId: null })?.term).toBe("BT-27");
    // Only the legal form may differ: a part of the name is not the organisation.
    expect(sellerFinding({ name: "Bildungswerk Lausitz gGmbH", vatId: null }, { name: "Bildungswerk Lausitz e. V.", vatId: null })).toBeNull();
    expect(sellerFinding({ name: "Lausitz", vatId: null }, { name: "Bildungswerk Lausitz", vatId: null })?.rule).toBe("VERKAEUFER");
    expect(sellerFinding({ name: "Bildungswerk Lausitz Nord", vatId: null }, { name: "Bildungswerk Lausitz", vatId: null })?.rule).toBe("VERKAEUFER");
  });

  it("duplicate key: provider and number, blanks and case normalised", () => {
    expect(duplicateKey(7, " re-1  a ")).toBe(duplicateKey(7, "RE-1 A"));
    expect(duplicateKey(7, "RE-1")).not.toBe(duplicateKey(8, "RE-1"));
  });
});

describe("matching and deviation", () => {
  it("finds the contract reference inside BT-12 or BT-13, the longest match first", () => {
    const list = [{ reference: "V-2026-014" }, { reference: "V-2026-014-L1" }];
    expect(matchContract(list, "Vertrag v-2026-014-l1 vom 1.1.", null)?.reference).toBe("V-2026-014-L1");
    expect(matchContract(list, null, "Bestellung V-2026-014")?.reference).toBe("V-2026-014");
    expect(matchContract(list, "nichts", null)).toBeNull();
  });

  it("names the amount over the allowed one, a missing period, a missing contract and a different IBAN", () => {
    const over = invoiceDeviation({ amountCents: 400000, contract, periodStart: "2026-02-01", periodEnd: "2026-02-28", allowedCents: 280000, invoicedBeforeCents: 0, invoiceIban: "DE02120300000000202051", masterIban: "DE02120300000000202051" });
    expect(over).toContain("um 1.200,00 € über");
    expect(invoiceDeviation({ amountCents: 1, contract, periodStart: null, periodEnd: null, allowedCents: null, invoicedBeforeCents: 0, invoiceIban: null, masterIban: "DE02120300000000202051" })).toContain("Kein Abrechnungszeitraum");
    // Without a period the contract's whole value still bounds the amount: exactly the rest passes, one cent more is flagged.
    const total = { contractTotalCents: 1_000_000, invoicedBeforeCents: 400_000, invoiceIban: null, masterIban: "DE02120300000000202051", periodStart: null, periodEnd: null, allowedCents: null };
    expect(invoiceDeviation({ amountCents: 600_000, contract, ...total })).not.toContain("Gesamtwert");
    expect(invoiceDeviation({ amountCents: 600_001, contract, ...total })).toContain("0,01 € mehr als sein Gesamtwert (10.000,00 €)");
    expect(invoiceDeviation({ amountCents: 1, contract: null, periodStart: null, periodEnd: null, allowedCents: null, invoicedBeforeCents: 0, invoiceIban: "DE02120300000000202051", masterIban: "DE89370400440532013000" })).toMatch(/Kein Vertrag gefunden.*weicht von der Bankverbindung/);
    expect(invoiceDeviation({ amountCents: 1, contract, periodStart: "2026-02-01", periodEnd: "2026-02-28", allowedCents: 280000, invoicedBeforeCents: 0, invoiceIban: null, masterIban: "DE02120300000000202051" })).toBe("");
  });
});

describe("purpose and provider state", () => {
  it("keeps the purpose in the SEPA character set, at most 140 characters", () => {
    // The one SEPA text rule (domain/sepa.ts): umlauts transliterated, "&" as "+", other characters replaced.
    expect(sepaPurpose("Rechnung Nr. Größe_1 & Co")).toBe("Rechnung Nr. Groesse-1 + Co");
    expect(sepaPurpose("x".repeat(200))).toHaveLength(140);
  });

  it("derives the German state from the payment item", () => {
    expect(providerInvoiceState({ status: "rejected" }, null).label).toBe("abgelehnt");
    expect(providerInvoiceState({ status: "accepted" }, { status: "awaiting_factual", paidOn: null }).label).toBe("eingegangen, in Prüfung");
    expect(providerInvoiceState({ status: "accepted" }, { status: "awaiting_arithmetic", paidOn: null }).label).toBe("sachlich richtig");
    expect(providerInvoiceState({ status: "accepted" }, { status: "awaiting_order", paidOn: null }).label).toBe("rechnerisch richtig");
    expect(providerInvoiceState({ status: "accepted" }, { status: "ordered", paidOn: null }).label).toBe("angeordnet");
    expect(providerInvoiceState({ status: "accepted" }, { status: "in_run", paidOn: null }).label).toBe("im Zahllauf");
    expect(providerInvoiceState({ status: "paid" }, { status: "paid", paidOn: "2026-04-03" }).label).toBe("bezahlt am 03.04.2026");
  });

  it("names a finding's rule id once, as text and in a table", () => {
    expect(findingText({ rule: "BR-CO-15", message: "BR-CO-15: Summe stimmt nicht." })).toBe("BR-CO-15: Summe stimmt nicht.");
    expect(findingText({ rule: "LEITWEG-ID", message: "Falsche Leitweg-ID." })).toBe("LEITWEG-ID: Falsche Leitweg-ID.");
    expect(findingMessage({ rule: "BR-CO-15", message: "BR-CO-15: Summe stimmt nicht." })).toBe("Summe stimmt nicht.");
    expect(findingMessage({ rule: "LEITWEG-ID", message: "Falsche Leitweg-ID." })).toBe("Falsche Leitweg-ID.");
  });
});
