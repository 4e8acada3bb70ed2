/**
 * A provider's monthly bill as an XRechnung 3.0 invoice in UBL 2.1 syntax, for the demo data and
 * the tests: places × monthly price for one calendar month, exempt from VAT (§ 4 Nr. 21 UStG,
 * category E), payable by SEPA credit transfer (58) to the provider's IBAN. Pure: a string from
 * its input; amounts are integer cents written as text.
 */

export interface XRechnungLine {
  name: string;
  /** Places (or participants) billed; unit "C62" (one). */
  quantity: number;
  unitPriceCents: number;
  description?: string;
}

export interface XRechnungInput {
  number: string;
  /** YYYY-MM-DD */
  issueDate: string;
  /** BT-10: the buyer's Leitweg-ID. */
  buyerReference: string;
  /** BT-12 */
  contractReference?: string | null;
  /** BT-13 */
  orderReference?: string | null;
  /** BT-73 / BT-74 */
  periodStart: string;
  periodEnd: string;
  /** BT-9 */
  dueDate?: string | null;
  seller: { name: string; street: string; postalCode: string; city: string; vatId: string; contactName: string; phone: string; email: string; iban: string };
  buyer: { name: string; street: string; postalCode: string; city: string; email: string };
  lines: XRechnungLine[];
  note?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function amount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`Kein Betrag in Cent: ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

const EUR = (cents: number) => `currencyID="EUR">${amount(cents)}`;
export const VAT_EXEMPTION_REASON = "Umsatzsteuerfrei nach § 4 Nr. 21 UStG (unmittelbar dem Schul- und Bildungszweck dienende Leistungen)";

export function lineTotalCents(line: XRechnungLine): number {
  return line.quantity * line.unitPriceCents;
}

export function xrechnungTotalCents(input: Pick<XRechnungInput, "lines">): number {
  return input.lines.reduce((s, l) => s + lineTotalCents(l), 0);
}

export function buildXRechnungUbl(input: XRechnungInput): string {
  const total = xrechnungTotalCents(input);
  const s = input.seller;
  const b = input.buyer;
  const lines = input.lines
    .map(
      (l, i) =>
        `<cac:InvoiceLine><cbc:ID>${i + 1}</cbc:ID><cbc:InvoicedQuantity unitCode="C62">${l.quantity}</cbc:InvoicedQuantity>` +
        `<cbc:LineExtensionAmount ${EUR(lineTotalCents(l))}</cbc:LineExtensionAmount>` +
        `<cac:Item>${l.description ? `<cbc:Description>${esc(l.description)}</cbc:Description>` : ""}<cbc:Name>${esc(l.name)}</cbc:Name>` +
        `<cac:ClassifiedTaxCategory><cbc:ID>E</cbc:ID><cbc:Percent>0</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>` +
        `<cac:Price><cbc:PriceAmount ${EUR(l.unitPriceCents)}</cbc:PriceAmount></cac:Price></cac:InvoiceLine>`,
    )
    .join("\n  ");
  return `<?xml version="1.0" encoding="UTF-8"?>
<ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>${esc(input.number)}</cbc:ID>
  <cbc:IssueDate>${input.issueDate}</cbc:IssueDate>
  ${input.dueDate ? `<cbc:DueDate>${input.dueDate}</cbc:DueDate>` : ""}
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  ${input.note ? `<cbc:Note>${esc(input.note)}</cbc:Note>` : ""}
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>${esc(input.buyerReference)}</cbc:BuyerReference>
  <cac:InvoicePeriod><cbc:StartDate>${input.periodStart}</cbc:StartDate><cbc:EndDate>${input.periodEnd}</cbc:EndDate></cac:InvoicePeriod>
  ${input.orderReference ? `<cac:OrderReference><cbc:ID>${esc(input.orderReference)}</cbc:ID></cac:OrderReference>` : ""}
  ${input.contractReference ? `<cac:ContractDocumentReference><cbc:ID>${esc(input.contractReference)}</cbc:ID></cac:ContractDocumentReference>` : ""}
  <cac:AccountingSupplierParty><cac:Party>
    <cbc:EndpointID schemeID="EM">${esc(s.email)}</cbc:EndpointID>
    <cac:PartyName><cbc:Name>${esc(s.name)}</cbc:Name></cac:PartyName>
    <cac:PostalAddress><cbc:StreetName>${esc(s.street)}</cbc:StreetName><cbc:CityName>${esc(s.city)}</cbc:CityName><cbc:PostalZone>${esc(s.postalCode)}</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>${esc(s.vatId)}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>${esc(s.name)}</cbc:RegistrationName></cac:PartyLegalEntity>
    <cac:Contact><cbc:Name>${esc(s.contactName)}</cbc:Name><cbc:Telephone>${esc(s.phone)}</cbc:Telephone><cbc:ElectronicMail>${esc(s.email)}</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cbc:EndpointID schemeID="EM">${esc(b.email)}</cbc:EndpointID>
    <cac:PostalAddress><cbc:StreetName>${esc(b.street)}</cbc:StreetName><cbc:CityName>${esc(b.city)}</cbc:CityName><cbc:PostalZone>${esc(b.postalCode)}</cbc:PostalZone><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>${esc(b.name)}</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cbc:PaymentID>${esc(input.number)}</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>${esc(s.iban)}</cbc:ID><cbc:Name>${esc(s.name)}</cbc:Name></cac:PayeeFinancialAccount></cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>Zahlbar innerhalb von 30 Tagen nach Eingang ohne Abzug.</cbc:Note></cac:PaymentTerms>
  <cac:TaxTotal><cbc:TaxAmount ${EUR(0)}</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount ${EUR(total)}</cbc:TaxableAmount><cbc:TaxAmount ${EUR(0)}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>E</cbc:ID><cbc:Percent>0</cbc:Percent><cbc:TaxExemptionReason>${esc(VAT_EXEMPTION_REASON)}</cbc:TaxExemptionReason><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal><cbc:LineExtensionAmount ${EUR(total)}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount ${EUR(total)}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount ${EUR(total)}</cbc:TaxInclusiveAmount><cbc:PayableAmount ${EUR(total)}</cbc:PayableAmount></cac:LegalMonetaryTotal>
  ${lines}
</ubl:Invoice>
`;
}
