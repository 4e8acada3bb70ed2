/** UBL 2.1 Invoice / CreditNote → EN 16931 business terms (syntax binding of EN 16931-3-2). */
import { ReadContext } from "./context";
import type { AllowanceCharge, BusinessTerms, Contact, InvoiceLine, PaymentAccount, PostalAddress, VatBreakdown } from "./terms";
import { all, attr, first, normalizeDecimal, text, textAt } from "./xml";

function address(node: unknown): PostalAddress | null {
  if (!node) return null;
  const lines = all(node, "AddressLine", "Line").map(text).filter((t): t is string => t !== null);
  return {
    line1: textAt(node, "StreetName"),
    line2: textAt(node, "AdditionalStreetName"),
    line3: lines[0] ?? null,
    city: textAt(node, "CityName"),
    postCode: textAt(node, "PostalZone"),
    subdivision: textAt(node, "CountrySubentity"),
    country: textAt(node, "Country", "IdentificationCode"),
  };
}

function contact(node: unknown): Contact | null {
  if (!node) return null;
  return { name: textAt(node, "Name"), phone: textAt(node, "Telephone"), email: textAt(node, "ElectronicMail") };
}

/** PartyTaxScheme whose TaxScheme/ID is (not) VAT. */
function taxScheme(party: unknown, vat: boolean): string | null {
  for (const pts of all(party, "PartyTaxScheme")) {
    const scheme = textAt(pts, "TaxScheme", "ID");
    if ((scheme === "VAT") === vat) {
      const id = textAt(pts, "CompanyID");
      if (id) return id;
    }
  }
  return null;
}

function joinTexts(nodes: unknown[]): string | null {
  const parts = nodes.map(text).filter((t): t is string => t !== null);
  return parts.length ? parts.join("\n") : null;
}

function allowanceCharge(ctx: ReadContext, node: unknown): AllowanceCharge {
  const charge = textAt(node, "ChargeIndicator") === "true";
  return {
    charge,
    amountCents: ctx.amount(textAt(node, "Amount"), charge ? "BT-99" : "BT-92"),
    baseCents: ctx.amount(textAt(node, "BaseAmount"), charge ? "BT-100" : "BT-93"),
    percent: normalizeDecimal(textAt(node, "MultiplierFactorNumeric")),
    reason: textAt(node, "AllowanceChargeReason"),
    reasonCode: textAt(node, "AllowanceChargeReasonCode"),
    vatCategoryCode: textAt(node, "TaxCategory", "ID"),
    vatRatePercent: normalizeDecimal(textAt(node, "TaxCategory", "Percent")),
  };
}

export function readUbl(root: unknown, creditNote: boolean, ctx: ReadContext): BusinessTerms {
  const seller = first(root, "AccountingSupplierParty", "Party");
  const buyer = first(root, "AccountingCustomerParty", "Party");
  const totals = first(root, "LegalMonetaryTotal");
  const currency = textAt(root, "DocumentCurrencyCode");

  // BT-110: the TaxTotal in the invoice currency (a second one may carry BT-111).
  const taxTotals = all(root, "TaxTotal");
  const docTaxTotal =
    taxTotals.find((t) => all(t, "TaxSubtotal").length > 0) ??
    taxTotals.find((t) => attr(first(t, "TaxAmount"), "currencyID") === currency) ??
    taxTotals[0];

  const vatBreakdown: VatBreakdown[] = all(docTaxTotal, "TaxSubtotal").map((st) => ({
    categoryCode: textAt(st, "TaxCategory", "ID"),
    ratePercent: normalizeDecimal(textAt(st, "TaxCategory", "Percent")),
    taxableCents: ctx.amount(textAt(st, "TaxableAmount"), "BT-116"),
    taxCents: ctx.amount(textAt(st, "TaxAmount"), "BT-117"),
    exemptionReason: textAt(st, "TaxCategory", "TaxExemptionReason"),
    exemptionReasonCode: textAt(st, "TaxCategory", "TaxExemptionReasonCode"),
  }));

  const docAc = all(root, "AllowanceCharge").map((n) => allowanceCharge(ctx, n));

  const means = all(root, "PaymentMeans");
  const accounts: PaymentAccount[] = [];
  for (const m of means) {
    for (const acc of all(m, "PayeeFinancialAccount")) {
      const iban = textAt(acc, "ID");
      if (iban) accounts.push({ iban, name: textAt(acc, "Name"), bic: textAt(acc, "FinancialInstitutionBranch", "ID") });
    }
  }

  const sellerIds: string[] = [];
  let creditorId: string | null = null;
  for (const pid of all(seller, "PartyIdentification", "ID")) {
    const t = text(pid);
    if (!t) continue;
    if (attr(pid, "schemeID") === "SEPA") creditorId ??= t;
    else sellerIds.push(t);
  }
  const payee = first(root, "PayeeParty");
  for (const pid of all(payee, "PartyIdentification", "ID")) {
    if (attr(pid, "schemeID") === "SEPA") creditorId ??= text(pid);
  }

  const lineTag = creditNote ? "CreditNoteLine" : "InvoiceLine";
  const qtyTag = creditNote ? "CreditedQuantity" : "InvoicedQuantity";
  const lines: InvoiceLine[] = all(root, lineTag).map((line, i) => {
    const qty = first(line, qtyTag);
    const where = ` (Position ${textAt(line, "ID") ?? i + 1})`;
    return {
      id: textAt(line, "ID"),
      name: textAt(line, "Item", "Name"),
      quantity: normalizeDecimal(text(qty)),
      unitCode: attr(qty, "unitCode"),
      netCents: ctx.amount(textAt(line, "LineExtensionAmount"), "BT-131", where),
      price: normalizeDecimal(textAt(line, "Price", "PriceAmount")),
      priceBaseQuantity: normalizeDecimal(textAt(line, "Price", "BaseQuantity")) ?? "1",
      vatCategoryCode: textAt(line, "Item", "ClassifiedTaxCategory", "ID"),
      vatRatePercent: normalizeDecimal(textAt(line, "Item", "ClassifiedTaxCategory", "Percent")),
      periodStart: ctx.date(textAt(line, "InvoicePeriod", "StartDate"), "BT-134"),
      periodEnd: ctx.date(textAt(line, "InvoicePeriod", "EndDate"), "BT-135"),
    };
  });

  const taxRep = first(root, "TaxRepresentativeParty");
  const sellerContact = first(seller, "Contact");

  return {
    specificationId: textAt(root, "CustomizationID"),
    processId: textAt(root, "ProfileID"),
    number: textAt(root, "ID"),
    issueDate: ctx.date(textAt(root, "IssueDate"), "BT-2"),
    typeCode: textAt(root, creditNote ? "CreditNoteTypeCode" : "InvoiceTypeCode"),
    currency,
    taxCurrency: textAt(root, "TaxCurrencyCode"),
    dueDate: ctx.date(textAt(root, "DueDate") ?? textAt(root, "PaymentMeans", "PaymentDueDate"), "BT-9"),
    buyerReference: textAt(root, "BuyerReference"),
    projectReference: textAt(root, "ProjectReference", "ID"),
    contractReference: textAt(root, "ContractDocumentReference", "ID"),
    orderReference: purchaseOrderReference(textAt(root, "OrderReference", "ID"), textAt(root, "OrderReference", "SalesOrderID")),
    salesOrderReference: textAt(root, "OrderReference", "SalesOrderID"),
    precedingInvoices: all(root, "BillingReference", "InvoiceDocumentReference", "ID").map(text).filter((t): t is string => t !== null),
    paymentTerms: joinTexts(all(root, "PaymentTerms", "Note")),

    sellerName: textAt(seller, "PartyLegalEntity", "RegistrationName"),
    sellerTradingName: textAt(seller, "PartyName", "Name"),
    sellerIds,
    sellerLegalId: textAt(seller, "PartyLegalEntity", "CompanyID"),
    sellerVatId: taxScheme(seller, true),
    sellerTaxId: taxScheme(seller, false),
    sellerElectronicAddress: textAt(seller, "EndpointID"),
    sellerAddress: address(first(seller, "PostalAddress")),
    sellerContact: contact(sellerContact),
    taxRepresentativeVatId: taxRep ? taxScheme(taxRep, true) : null,

    buyerName: textAt(buyer, "PartyLegalEntity", "RegistrationName"),
    buyerId: textAt(buyer, "PartyIdentification", "ID"),
    buyerLegalId: textAt(buyer, "PartyLegalEntity", "CompanyID"),
    buyerVatId: taxScheme(buyer, true),
    buyerElectronicAddress: textAt(buyer, "EndpointID"),
    buyerAddress: address(first(buyer, "PostalAddress")),

    periodStart: ctx.date(textAt(root, "InvoicePeriod", "StartDate"), "BT-73"),
    periodEnd: ctx.date(textAt(root, "InvoicePeriod", "EndDate"), "BT-74"),

    paymentMeansCode: textAt(means, "PaymentMeansCode"),
    remittanceInformation: textAt(means, "PaymentID"),
    ibans: accounts.map((a) => a.iban),
    accounts,
    bic: accounts[0]?.bic ?? null,
    cardNumber: textAt(means, "CardAccount", "PrimaryAccountNumberID"),
    mandateId: textAt(means, "PaymentMandate", "ID"),
    creditorId,
    debitedAccount: textAt(means, "PaymentMandate", "PayerFinancialAccount", "ID"),

    lineNetTotalCents: ctx.amount(textAt(totals, "LineExtensionAmount"), "BT-106"),
    allowanceTotalCents: ctx.amount(textAt(totals, "AllowanceTotalAmount"), "BT-107") ?? 0,
    chargeTotalCents: ctx.amount(textAt(totals, "ChargeTotalAmount"), "BT-108") ?? 0,
    netTotalCents: ctx.amount(textAt(totals, "TaxExclusiveAmount"), "BT-109"),
    vatTotalCents: ctx.amount(textAt(docTaxTotal, "TaxAmount"), "BT-110"),
    grossTotalCents: ctx.amount(textAt(totals, "TaxInclusiveAmount"), "BT-112"),
    prepaidCents: ctx.amount(textAt(totals, "PrepaidAmount"), "BT-113") ?? 0,
    roundingCents: ctx.amount(textAt(totals, "PayableRoundingAmount"), "BT-114") ?? 0,
    dueAmountCents: ctx.amount(textAt(totals, "PayableAmount"), "BT-115"),
    thirdPartyPayments: all(root, "PrepaidPayment").map((pp) => ({
      type: textAt(pp, "ID"),
      amountCents: ctx.amount(textAt(pp, "PaidAmount"), "BT-DEX-002"),
      description: textAt(pp, "InstructionID"),
    })),

    vatBreakdown,
    allowances: docAc.filter((a) => !a.charge),
    charges: docAc.filter((a) => a.charge),
    lines,
  };
}

/**
 * BT-13 in UBL is cac:OrderReference/cbc:ID, which UBL requires whenever the element exists. When
 * only the seller's order (BT-14, cbc:SalesOrderID) is meant, the syntax binding asks for a
 * placeholder there ("NA"; the KoSIT suite writes "Dummywert"): that is no purchase order, and CII
 * (which can say BT-14 alone) has none either.
 */
function purchaseOrderReference(id: string | null, salesOrderId: string | null): string | null {
  if (id && salesOrderId && /^(na|n\/a|dummywert)$/i.test(id.trim())) return null;
  return id;
}
