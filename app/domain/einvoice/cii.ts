/** UN/CEFACT CII D16B CrossIndustryInvoice → EN 16931 business terms (EN 16931-3-3). */
import { ReadContext } from "./context";
import type { AllowanceCharge, BusinessTerms, Contact, InvoiceLine, PaymentAccount, PostalAddress, VatBreakdown } from "./terms";
import { all, attr, first, normalizeDecimal, text, textAt } from "./xml";

function address(node: unknown): PostalAddress | null {
  if (!node) return null;
  return {
    line1: textAt(node, "LineOne"),
    line2: textAt(node, "LineTwo"),
    line3: textAt(node, "LineThree"),
    city: textAt(node, "CityName"),
    postCode: textAt(node, "PostcodeCode"),
    subdivision: textAt(node, "CountrySubDivisionName"),
    country: textAt(node, "CountryID"),
  };
}

function contact(node: unknown): Contact | null {
  if (!node) return null;
  return {
    name: textAt(node, "PersonName") ?? textAt(node, "DepartmentName"),
    phone: textAt(node, "TelephoneUniversalCommunication", "CompleteNumber"),
    email: textAt(node, "EmailURIUniversalCommunication", "URIID"),
  };
}

function taxRegistration(party: unknown, scheme: "VA" | "FC"): string | null {
  for (const id of all(party, "SpecifiedTaxRegistration", "ID")) {
    if (attr(id, "schemeID") === scheme) return text(id);
  }
  return null;
}

/** DateTimeString format 102 (YYYYMMDD) below the element. */
function dateString(node: unknown, ...names: string[]): string | null {
  return textAt(node, ...names, "DateTimeString");
}

function allowanceCharge(ctx: ReadContext, node: unknown): AllowanceCharge {
  const charge = textAt(node, "ChargeIndicator", "Indicator") === "true";
  return {
    charge,
    amountCents: ctx.amount(textAt(node, "ActualAmount"), charge ? "BT-99" : "BT-92"),
    baseCents: ctx.amount(textAt(node, "BasisAmount"), charge ? "BT-100" : "BT-93"),
    percent: normalizeDecimal(textAt(node, "CalculationPercent")),
    reason: textAt(node, "Reason"),
    reasonCode: textAt(node, "ReasonCode"),
    vatCategoryCode: textAt(node, "CategoryTradeTax", "CategoryCode"),
    vatRatePercent: normalizeDecimal(textAt(node, "CategoryTradeTax", "RateApplicablePercent")),
  };
}

export function readCii(root: unknown, ctx: ReadContext): BusinessTerms {
  const context = first(root, "ExchangedDocumentContext");
  const doc = first(root, "ExchangedDocument");
  const tx = first(root, "SupplyChainTradeTransaction");
  const agreement = first(tx, "ApplicableHeaderTradeAgreement");
  const settlement = first(tx, "ApplicableHeaderTradeSettlement");
  const seller = first(agreement, "SellerTradeParty");
  const buyer = first(agreement, "BuyerTradeParty");
  const sums = first(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation");
  const currency = textAt(settlement, "InvoiceCurrencyCode");

  const vatBreakdown: VatBreakdown[] = all(settlement, "ApplicableTradeTax").map((t) => ({
    categoryCode: textAt(t, "CategoryCode"),
    ratePercent: normalizeDecimal(textAt(t, "RateApplicablePercent")),
    taxableCents: ctx.amount(textAt(t, "BasisAmount"), "BT-116"),
    taxCents: ctx.amount(textAt(t, "CalculatedAmount"), "BT-117"),
    exemptionReason: textAt(t, "ExemptionReason"),
    exemptionReasonCode: textAt(t, "ExemptionReasonCode"),
  }));

  const docAc = all(settlement, "SpecifiedTradeAllowanceCharge").map((n) => allowanceCharge(ctx, n));

  const means = all(settlement, "SpecifiedTradeSettlementPaymentMeans");
  const accounts: PaymentAccount[] = [];
  for (const m of means) {
    const bic = textAt(m, "PayeeSpecifiedCreditorFinancialInstitution", "BICID");
    for (const acc of all(m, "PayeePartyCreditorFinancialAccount")) {
      const iban = textAt(acc, "IBANID") ?? textAt(acc, "ProprietaryID");
      if (iban) accounts.push({ iban, name: textAt(acc, "AccountName"), bic });
    }
  }

  // BT-110: the tax total in the invoice currency (another one may carry BT-111).
  const taxTotals = all(sums, "TaxTotalAmount");
  const taxCurrency = textAt(settlement, "TaxCurrencyCode");
  const vatTotal =
    taxTotals.length === 1
      ? taxTotals[0]
      : (taxTotals.find((t) => attr(t, "currencyID") === currency) ?? taxTotals.find((t) => attr(t, "currencyID") !== taxCurrency));

  const terms = all(settlement, "SpecifiedTradePaymentTerms");
  const descriptions = all(terms, "Description").map(text).filter((t): t is string => t !== null);

  const lineItems = all(tx, "IncludedSupplyChainTradeLineItem").filter((li) => !textAt(li, "AssociatedDocumentLineDocument", "ParentLineID"));
  const lines: InvoiceLine[] = lineItems.map((li, i) => {
    const qty = first(li, "SpecifiedLineTradeDelivery", "BilledQuantity");
    const price = first(li, "SpecifiedLineTradeAgreement", "NetPriceProductTradePrice");
    const lineSettlement = first(li, "SpecifiedLineTradeSettlement");
    const id = textAt(li, "AssociatedDocumentLineDocument", "LineID");
    return {
      id,
      name: textAt(li, "SpecifiedTradeProduct", "Name"),
      quantity: normalizeDecimal(text(qty)),
      unitCode: attr(qty, "unitCode"),
      netCents: ctx.amount(textAt(lineSettlement, "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"), "BT-131", ` (Position ${id ?? i + 1})`),
      price: normalizeDecimal(textAt(price, "ChargeAmount")),
      priceBaseQuantity: normalizeDecimal(textAt(price, "BasisQuantity")) ?? "1",
      vatCategoryCode: textAt(lineSettlement, "ApplicableTradeTax", "CategoryCode"),
      vatRatePercent: normalizeDecimal(textAt(lineSettlement, "ApplicableTradeTax", "RateApplicablePercent")),
      periodStart: ctx.date(dateString(lineSettlement, "BillingSpecifiedPeriod", "StartDateTime"), "BT-134"),
      periodEnd: ctx.date(dateString(lineSettlement, "BillingSpecifiedPeriod", "EndDateTime"), "BT-135"),
    };
  });

  const sellerIds = [...all(seller, "ID"), ...all(seller, "GlobalID")].map(text).filter((t): t is string => t !== null);
  const taxRep = first(agreement, "SellerTaxRepresentativeTradeParty");

  return {
    specificationId: textAt(context, "GuidelineSpecifiedDocumentContextParameter", "ID"),
    processId: textAt(context, "BusinessProcessSpecifiedDocumentContextParameter", "ID"),
    number: textAt(doc, "ID"),
    issueDate: ctx.date(dateString(doc, "IssueDateTime"), "BT-2"),
    typeCode: textAt(doc, "TypeCode"),
    currency,
    taxCurrency,
    dueDate: ctx.date(dateString(terms, "DueDateDateTime"), "BT-9"),
    buyerReference: textAt(agreement, "BuyerReference"),
    projectReference: textAt(agreement, "SpecifiedProcuringProject", "ID"),
    contractReference: textAt(agreement, "ContractReferencedDocument", "IssuerAssignedID"),
    orderReference: textAt(agreement, "BuyerOrderReferencedDocument", "IssuerAssignedID"),
    salesOrderReference: textAt(agreement, "SellerOrderReferencedDocument", "IssuerAssignedID"),
    precedingInvoices: all(settlement, "InvoiceReferencedDocument", "IssuerAssignedID").map(text).filter((t): t is string => t !== null),
    paymentTerms: descriptions.length ? descriptions.join("\n") : null,

    sellerName: textAt(seller, "Name"),
    sellerTradingName: textAt(seller, "SpecifiedLegalOrganization", "TradingBusinessName"),
    sellerIds,
    sellerLegalId: textAt(seller, "SpecifiedLegalOrganization", "ID"),
    sellerVatId: taxRegistration(seller, "VA"),
    sellerTaxId: taxRegistration(seller, "FC"),
    sellerElectronicAddress: textAt(seller, "URIUniversalCommunication", "URIID"),
    sellerAddress: address(first(seller, "PostalTradeAddress")),
    sellerContact: contact(first(seller, "DefinedTradeContact")),
    taxRepresentativeVatId: taxRep ? taxRegistration(taxRep, "VA") : null,

    buyerName: textAt(buyer, "Name"),
    buyerId: textAt(buyer, "ID") ?? textAt(buyer, "GlobalID"),
    buyerLegalId: textAt(buyer, "SpecifiedLegalOrganization", "ID"),
    buyerVatId: taxRegistration(buyer, "VA"),
    buyerElectronicAddress: textAt(buyer, "URIUniversalCommunication", "URIID"),
    buyerAddress: address(first(buyer, "PostalTradeAddress")),

    periodStart: ctx.date(dateString(settlement, "BillingSpecifiedPeriod", "StartDateTime"), "BT-73"),
    periodEnd: ctx.date(dateString(settlement, "BillingSpecifiedPeriod", "EndDateTime"), "BT-74"),

    paymentMeansCode: textAt(means, "TypeCode"),
    remittanceInformation: textAt(settlement, "PaymentReference"),
    ibans: accounts.map((a) => a.iban),
    accounts,
    bic: accounts[0]?.bic ?? null,
    cardNumber: textAt(means, "ApplicableTradeSettlementFinancialCard", "ID"),
    mandateId: textAt(terms, "DirectDebitMandateID"),
    creditorId: textAt(settlement, "CreditorReferenceID"),
    debitedAccount: textAt(means, "PayerPartyDebtorFinancialAccount", "IBANID"),

    lineNetTotalCents: ctx.amount(textAt(sums, "LineTotalAmount"), "BT-106"),
    allowanceTotalCents: ctx.amount(textAt(sums, "AllowanceTotalAmount"), "BT-107") ?? 0,
    chargeTotalCents: ctx.amount(textAt(sums, "ChargeTotalAmount"), "BT-108") ?? 0,
    netTotalCents: ctx.amount(textAt(sums, "TaxBasisTotalAmount"), "BT-109"),
    // UBL always states BT-110 (cac:TaxTotal/cbc:TaxAmount, 0 when no VAT is due); CII may leave it
    // out. An absent total over a breakdown that is all zero is 0, so the twins read alike.
    vatTotalCents:
      vatTotal === undefined && vatBreakdown.length > 0 && vatBreakdown.every((v) => v.taxCents === 0) ? 0 : ctx.amount(vatTotal === undefined ? null : text(vatTotal), "BT-110"),
    grossTotalCents: ctx.amount(textAt(sums, "GrandTotalAmount"), "BT-112"),
    prepaidCents: ctx.amount(textAt(sums, "TotalPrepaidAmount"), "BT-113") ?? 0,
    roundingCents: ctx.amount(textAt(sums, "RoundingAmount"), "BT-114") ?? 0,
    dueAmountCents: ctx.amount(textAt(sums, "DuePayableAmount"), "BT-115"),
    thirdPartyPayments: [], // the extension's CII binding is not read (no CII example in the test suite)

    vatBreakdown,
    allowances: docAc.filter((a) => !a.charge),
    charges: docAc.filter((a) => a.charge),
    lines,
  };
}
