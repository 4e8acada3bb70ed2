/**
 * A readable PDF of an e-invoice from its business terms (template templates/invoice-view.md),
 * for the file and for people who sign off invoices on paper. The XML stays the original.
 */
import {
  addressLines,
  date,
  decimalDe,
  ibanDisplay,
  paymentMeansLabel,
  percent,
  period,
  totalsRows,
  typeLabel,
  unitLabel,
  vatCategoryLabel,
} from "~/domain/einvoice/display";
import { money, type BusinessTerms } from "~/domain/einvoice";
import { renderPdf, type Letterhead, type TemplateData } from "./pdf.server";

export const INVOICE_VIEW_LETTERHEAD: Letterhead = {
  authority: "Elektronische Rechnung",
  address: "Lesbare Darstellung",
  contact: "",
  footer: "Maschinell erstellte Ansicht der E-Rechnung; maßgeblich sind die XML-Daten.",
};

const lines = (values: (string | null)[]) => values.filter((v): v is string => Boolean(v)).join("\n") || null;

/** The template data of invoice-view.md (exported for tests). */
export function invoiceViewData(t: BusinessTerms): TemplateData {
  const m = (c: number | null) => money(c, t.currency);
  return {
    title: `${t.typeCode === "381" ? "Gutschrift" : "Rechnung"} ${t.number ?? ""} von ${t.sellerName ?? "unbekanntem Verkäufer"}`.replace(/\s+/g, " "),
    seller: lines([t.sellerName, t.sellerTradingName && t.sellerTradingName !== t.sellerName ? t.sellerTradingName : null, ...addressLines(t.sellerAddress),
      t.sellerContact ? lines([t.sellerContact.name, t.sellerContact.phone, t.sellerContact.email]) : null]),
    buyer: lines([t.buyerName, ...addressLines(t.buyerAddress)]),
    number: t.number,
    issueDate: date(t.issueDate),
    typeCode: typeLabel(t.typeCode),
    currency: t.currency,
    dueDate: date(t.dueDate),
    buyerReference: t.buyerReference,
    contractReference: t.contractReference,
    orderReference: t.orderReference,
    period: period(t.periodStart, t.periodEnd),
    sellerVatId: t.sellerVatId,
    sellerTaxId: t.sellerTaxId,
    lines: t.lines.map((l) => ({
      id: l.id ?? "–",
      name: l.name ?? "–",
      quantity: decimalDe(l.quantity),
      unit: unitLabel(l.unitCode),
      price: l.price === null ? "–" : `${decimalDe(l.price)}${l.priceBaseQuantity !== "1" ? ` je ${decimalDe(l.priceBaseQuantity)}` : ""}`,
      vat: `${l.vatCategoryCode ?? "–"} ${percent(l.vatRatePercent)}`,
      net: m(l.netCents),
    })),
    allowancesCharges: [...t.allowances, ...t.charges].map((a) => ({
      kind: a.charge ? "Zuschlag" : "Nachlass",
      reason: a.reason ?? a.reasonCode ?? "–",
      vat: `${a.vatCategoryCode ?? "–"} ${percent(a.vatRatePercent)}`,
      amount: m(a.amountCents),
    })),
    totals: totalsRows(t).map((r) => ({ label: r.label, term: r.term, value: r.value })),
    vat: t.vatBreakdown.map((v) => ({
      category: vatCategoryLabel(v.categoryCode),
      rate: percent(v.ratePercent),
      taxable: m(v.taxableCents),
      tax: m(v.taxCents),
      reason: v.exemptionReason ?? v.exemptionReasonCode ?? "–",
    })),
    paymentMeans: paymentMeansLabel(t.paymentMeansCode),
    ibans: t.ibans.length ? t.ibans.map(ibanDisplay).join("\n") : null,
    bic: t.bic,
    remittance: t.remittanceInformation,
    paymentTerms: t.paymentTerms,
    specificationId: t.specificationId ?? "–",
  };
}

export async function renderInvoicePdf(terms: BusinessTerms, letterhead: Letterhead = INVOICE_VIEW_LETTERHEAD): Promise<Uint8Array> {
  return renderPdf({ template: "invoice-view", data: invoiceViewData(terms), letterhead, title: `Rechnung ${terms.number ?? ""}`.trim() });
}
