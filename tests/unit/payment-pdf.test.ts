import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import {
  paymentOrderTemplateData,
  renderPaymentOrderPdf,
  renderPaymentRunListPdf,
  runListTemplateData,
  type PaymentOrderData,
  type RunListData,
} from "~/lib/payment-pdf.server";

const letterhead = {
  authority: "Jobcenter Landkreis Musterstadt",
  address: "Am Markt 1, 01917 Kamenz",
  contact: "Telefon 03578 7870 · kasse@jobcenter.example",
  footer: "Jobcenter Landkreis Musterstadt · Am Markt 1 · 01917 Kamenz",
};

function order(over: Partial<PaymentOrderData> = {}): PaymentOrderData {
  return {
    reference: "AZ-2026-00017",
    payeeName: "Bildungswerk Lausitz gGmbH",
    payeeIban: "DE02120300000000202051",
    payeeBic: "BYLADEM1001",
    amountCents: 1_234_567,
    dueDate: "2026-03-15",
    remittance: "Rechnung RE-2026-0815",
    purpose: "Maßnahme Aktivierung 50+",
    budgetLine: { number: "1.4820.7690", title: "Leistungen zur Eingliederung" },
    budgetYear: 2026,
    commitment: { reference: "MB-2026-0042", beforeCents: 5_000_000, afterCents: 3_765_433 },
    signatures: {
      factual: { name: "Sabine Krause", role: "Fallmanagement", at: "2026-03-05T08:12:00Z" },
      // Summer time: 30 June 22:30 UTC is 1 July 00:30 in Berlin.
      arithmetic: { name: "Frank Neumann", role: "Kasse", at: "2026-06-30T22:30:00Z" },
      order: null,
    },
    vop: { result: "close_match", checkedAt: "2026-03-05T10:00:00Z", suggestedName: "Bildungswerk Lausitz gemeinnützige GmbH" },
    generatedAt: "2026-03-05T10:05:00Z",
    ...over,
  };
}

function runList(n: number, over: Partial<RunListData> = {}): RunListData {
  const items = Array.from({ length: n }, (_, i) => ({
    payeeName: `Träger ${i + 1} gGmbH`,
    payeeIban: "DE02120300000000202051",
    endToEndId: `ZL-2026-0001-${String(i + 1).padStart(5, "0")}`,
    remittance: `Rechnung RE-2026-${i + 1}`,
    amountCents: 10 + i,
  }));
  return {
    runReference: "ZL-2026-0001",
    executionDate: "2026-03-06",
    debtor: { name: "Stadtkasse Musterstadt", iban: "DE89370400440532013000", bic: null },
    messageId: "ZL-2026-0001",
    fileSha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    count: n,
    ctrlSumCents: items.reduce((s, x) => s + x.amountCents, 0),
    items,
    generatedAt: "2026-03-05T10:05:00Z",
    ...over,
  };
}

async function pages(bytes: Uint8Array): Promise<number> {
  expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe("%PDF-");
  return (await PDFDocument.load(bytes)).getPageCount();
}

describe("Auszahlungsanordnung", () => {
  it("formats money, IBAN, dates and Berlin times itself", () => {
    const d = paymentOrderTemplateData(order());
    expect(d.payeeIban).toBe("DE02 1203 0000 0000 2020 51");
    expect(d.amount).toBe("12.345,67 €");
    expect(d.dueDate).toBe("15.03.2026");
    expect(d.budgetLine).toBe("1.4820.7690 – Leistungen zur Eingliederung");
    expect(d.budgetYear).toBe("2026");
    expect([d.commitmentReference, d.commitmentBefore, d.commitmentAfter]).toEqual(["MB-2026-0042", "50.000,00 €", "37.654,33 €"]);
    expect(d.signatures).toEqual([
      { label: "sachlich richtig", name: "Sabine Krause", role: "Fallmanagement", at: "05.03.2026, 09:12 Uhr" },
      { label: "rechnerisch richtig", name: "Frank Neumann", role: "Kasse", at: "01.07.2026, 00:30 Uhr" },
      { label: "angeordnet", name: "–", role: "–", at: "noch nicht erteilt" },
    ]);
    expect(d.vopResult).toBe("teilweise Übereinstimmung");
    expect(d.vopNote).toMatch(/„Bildungswerk Lausitz gemeinnützige GmbH“/);
  });

  it("no match says the payment is stopped; no VOP yet and no commitment are stated", () => {
    expect(paymentOrderTemplateData(order({ vop: { result: "no_match", checkedAt: null, suggestedName: null } })).vopNote).toMatch(/angehalten/);
    const d = paymentOrderTemplateData(order({ vop: null, commitment: null }));
    expect(d.vopResult).toBe("noch nicht geprüft");
    expect(d.vopNote).toMatch(/steht noch aus/);
    expect([d.commitmentReference, d.commitmentBefore, d.commitmentAfter]).toEqual(["ohne Mittelbindung", null, null]);
  });

  it("renders to a one-page PDF (every template placeholder filled)", async () => {
    expect(await pages(await renderPaymentOrderPdf(order(), letterhead))).toBe(1);
    expect(await pages(await renderPaymentOrderPdf(order({ vop: null, commitment: null, payeeBic: null, purpose: null }), letterhead))).toBe(1);
  });
});

describe("Zahllaufliste", () => {
  it("numbers the items, formats them and totals them", () => {
    const d = runListTemplateData(runList(3, { debtor: { name: "Stadtkasse", iban: "DE89370400440532013000", bic: "COBADEFFXXX" } }));
    expect(d.items).toEqual([
      { no: 1, payee: "Träger 1 gGmbH", iban: "DE02 1203 0000 0000 2020 51", endToEndId: "ZL-2026-0001-00001", remittance: "Rechnung RE-2026-1", amount: "0,10 €" },
      { no: 2, payee: "Träger 2 gGmbH", iban: "DE02 1203 0000 0000 2020 51", endToEndId: "ZL-2026-0001-00002", remittance: "Rechnung RE-2026-2", amount: "0,11 €" },
      { no: 3, payee: "Träger 3 gGmbH", iban: "DE02 1203 0000 0000 2020 51", endToEndId: "ZL-2026-0001-00003", remittance: "Rechnung RE-2026-3", amount: "0,12 €" },
    ]);
    expect(d.total).toBe("0,33 €");
    expect(d.ctrlSum).toBe("0,33 €");
    expect(d.executionDate).toBe("06.03.2026");
    expect(d.debtorAccount).toBe("Stadtkasse, IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX");
    expect(runListTemplateData(runList(5000)).count).toBe("5.000");
  });

  it("refuses items that do not match the file's count or control sum", () => {
    expect(() => runListTemplateData(runList(3, { count: 4 }))).toThrow(/3 Posten, die Datei nennt 4/);
    expect(() => runListTemplateData(runList(3, { ctrlSumCents: 34 }))).toThrow(/ergeben 0,33 €, die Kontrollsumme der Datei ist 0,34 €/);
  });

  it("300 items render on several pages; one item on one", async () => {
    expect(await pages(await renderPaymentRunListPdf(runList(300), letterhead))).toBeGreaterThan(1);
    expect(await pages(await renderPaymentRunListPdf(runList(1), letterhead))).toBe(1);
  });
});
