/**
 * The EN 16931 business terms of one invoice, read from either syntax (UBL 2.1 or UN/CEFACT
 * CII D16B). Plain JSON: strings, numbers (integer cents), booleans, arrays and null for "not
 * given". Amounts are integer cents of the invoice currency (BT-5); quantities, prices and
 * rates are kept as normalised decimal strings ("7", "19", "288.79", "0.5"), because they may
 * carry more decimals than cents. Dates are YYYY-MM-DD.
 */

export type InvoiceSyntax = "ubl" | "cii";

/** BG-5 / BG-8 postal address. */
export interface PostalAddress {
  line1: string | null; // BT-35 / BT-50
  line2: string | null; // BT-36 / BT-51
  line3: string | null; // BT-162 / BT-163
  city: string | null; // BT-37 / BT-52
  postCode: string | null; // BT-38 / BT-53
  subdivision: string | null; // BT-39 / BT-54
  country: string | null; // BT-40 / BT-55
}

/** BG-6 seller contact. */
export interface Contact {
  name: string | null; // BT-41
  phone: string | null; // BT-42
  email: string | null; // BT-43
}

/** BG-17 credit transfer: one payment account of the seller. */
export interface PaymentAccount {
  iban: string; // BT-84 (an IBAN for SEPA transfers, otherwise an account number)
  name: string | null; // BT-85
  bic: string | null; // BT-86
}

/** BG-23 VAT breakdown, one per VAT category and rate. */
export interface VatBreakdown {
  categoryCode: string | null; // BT-118
  ratePercent: string | null; // BT-119
  taxableCents: number | null; // BT-116
  taxCents: number | null; // BT-117
  exemptionReason: string | null; // BT-120
  exemptionReasonCode: string | null; // BT-121
}

/** BG-20 (allowance, charge = false) and BG-21 (charge, charge = true), document level. */
export interface AllowanceCharge {
  charge: boolean;
  amountCents: number | null; // BT-92 / BT-99
  baseCents: number | null; // BT-93 / BT-100
  percent: string | null; // BT-94 / BT-101
  reason: string | null; // BT-97 / BT-104
  reasonCode: string | null; // BT-98 / BT-105
  vatCategoryCode: string | null; // BT-95 / BT-102
  vatRatePercent: string | null; // BT-96 / BT-103
}

/** BG-DEX-09 third-party payment (XRechnung extension): added to the amount due (BR-DEX-09). */
export interface ThirdPartyPayment {
  type: string | null; // BT-DEX-001
  amountCents: number | null; // BT-DEX-002
  description: string | null; // BT-DEX-003
}

/** BG-25 invoice line. */
export interface InvoiceLine {
  id: string | null; // BT-126
  name: string | null; // BT-153
  quantity: string | null; // BT-129
  unitCode: string | null; // BT-130
  netCents: number | null; // BT-131
  price: string | null; // BT-146 (item net price, decimal string)
  priceBaseQuantity: string; // BT-149 ("1" when not given, as the standard defines)
  vatCategoryCode: string | null; // BT-151
  vatRatePercent: string | null; // BT-152
  periodStart: string | null; // BT-134
  periodEnd: string | null; // BT-135
}

/**
 * BT-107, BT-108, BT-113 and BT-114 are 0 when the invoice leaves them out (a missing sum of
 * allowances is no allowance), so the two syntaxes, which differ in writing "0" or nothing,
 * read alike.
 */
export interface BusinessTerms {
  specificationId: string | null; // BT-24
  processId: string | null; // BT-23
  number: string | null; // BT-1
  issueDate: string | null; // BT-2
  typeCode: string | null; // BT-3
  currency: string | null; // BT-5
  taxCurrency: string | null; // BT-6
  dueDate: string | null; // BT-9
  buyerReference: string | null; // BT-10 (Leitweg-ID)
  projectReference: string | null; // BT-11
  contractReference: string | null; // BT-12
  orderReference: string | null; // BT-13
  salesOrderReference: string | null; // BT-14
  precedingInvoices: string[]; // BT-25
  paymentTerms: string | null; // BT-20

  sellerName: string | null; // BT-27
  sellerTradingName: string | null; // BT-28
  sellerIds: string[]; // BT-29
  sellerLegalId: string | null; // BT-30
  sellerVatId: string | null; // BT-31
  sellerTaxId: string | null; // BT-32
  sellerElectronicAddress: string | null; // BT-34
  sellerAddress: PostalAddress | null; // BG-5
  sellerContact: Contact | null; // BG-6
  taxRepresentativeVatId: string | null; // BT-63 (BG-11)

  buyerName: string | null; // BT-44
  buyerId: string | null; // BT-46
  buyerLegalId: string | null; // BT-47
  buyerVatId: string | null; // BT-48
  buyerElectronicAddress: string | null; // BT-49
  buyerAddress: PostalAddress | null; // BG-8

  periodStart: string | null; // BT-73
  periodEnd: string | null; // BT-74

  paymentMeansCode: string | null; // BT-81 (BG-16 present when set)
  remittanceInformation: string | null; // BT-83
  ibans: string[]; // BT-84 of every credit-transfer account (BG-17)
  accounts: PaymentAccount[]; // BG-17
  bic: string | null; // BT-86 of the first account
  cardNumber: string | null; // BT-87 (BG-18)
  mandateId: string | null; // BT-89 (BG-19)
  creditorId: string | null; // BT-90
  debitedAccount: string | null; // BT-91

  lineNetTotalCents: number | null; // BT-106
  allowanceTotalCents: number; // BT-107
  chargeTotalCents: number; // BT-108
  netTotalCents: number | null; // BT-109
  vatTotalCents: number | null; // BT-110
  grossTotalCents: number | null; // BT-112
  prepaidCents: number; // BT-113
  roundingCents: number; // BT-114
  dueAmountCents: number | null; // BT-115
  thirdPartyPayments: ThirdPartyPayment[]; // BG-DEX-09 (XRechnung extension, UBL only)

  vatBreakdown: VatBreakdown[]; // BG-23
  allowances: AllowanceCharge[]; // BG-20
  charges: AllowanceCharge[]; // BG-21
  lines: InvoiceLine[]; // BG-25 (top-level lines; XRechnung sub-lines are left out)
}

/** One failed rule: the official id (BR-.., BR-CO-.., BR-DE-.., BR-CL-..) or an XML-.. check. */
export interface Finding {
  rule: string;
  message: string;
  term?: string;
}
