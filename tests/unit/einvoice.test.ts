import { describe, expect, it } from "vitest";
import {
  checkInvoice,
  readAndCheck,
  readInvoice,
  RULES,
  type BusinessTerms,
  type Finding,
} from "~/domain/einvoice";
import { decimalToCents, hasDoctype, normalizeDecimal, rootElement, toIsoDate } from "~/domain/einvoice/xml";
import { CII_0101, read, rel, suiteFiles, UBL_0101 } from "./einvoice-suite";

const rules = (findings: Finding[]) => findings.map((f) => f.rule).sort();

describe("decimal amounts → integer cents", () => {
  it.each([
    ["336.9", 33690, 1],
    ["336.90", 33690, 2],
    ["7", 700, 0],
    ["0", 0, 0],
    ["-12.5", -1250, 1],
    ["+3.10", 310, 2],
    [".5", 50, 1],
    ["1.234", 123, 3],
    ["1.235", 124, 3],
    ["0.005", 1, 3],
    ["-0.005", -1, 3],
    ["-0.004", 0, 3],
    ["158125.000", 15812500, 3],
    ["  42.01 ", 4201, 2],
  ])("%s → %i cents (%i decimals)", (raw, cents, decimals) => {
    expect(decimalToCents(raw)).toEqual({ cents, decimals });
  });

  it.each(["", "abc", "1,50", "1e3", "1.2.3", "-", ".", "12 50", "99999999999999999999"])("refuses %j", (raw) => {
    expect(decimalToCents(raw)).toBeNull();
  });

  it("normalises quantities, prices and rates without losing decimals", () => {
    expect(normalizeDecimal("7.00")).toBe("7");
    expect(normalizeDecimal("019")).toBe("19");
    expect(normalizeDecimal("158.1250")).toBe("158.125");
    expect(normalizeDecimal("-0.0")).toBe("0");
    expect(normalizeDecimal("+0.50")).toBe("0.5");
    expect(normalizeDecimal(null)).toBeNull();
  });

  it("reads UBL and CII (format 102) dates and refuses impossible ones", () => {
    expect(toIsoDate("2016-04-04")).toBe("2016-04-04");
    expect(toIsoDate("20160404")).toBe("2016-04-04");
    expect(toIsoDate("2024-02-29")).toBe("2024-02-29");
    expect(toIsoDate("2023-02-29")).toBeNull();
    expect(toIsoDate("20161301")).toBeNull();
    expect(toIsoDate("04.04.2016")).toBeNull();
  });
});

describe("XML refusals before and while parsing", () => {
  it("finds DOCTYPE and ENTITY declarations in any case and position", () => {
    expect(hasDoctype('<?xml version="1.0"?><!DOCTYPE x><x/>')).toBe(true);
    expect(hasDoctype("<x>\n<!ENTITY a 'b'></x>")).toBe(true);
    expect(hasDoctype("<!doctype x><x/>")).toBe(true);
    expect(hasDoctype("<x>DOCTYPE</x>")).toBe(false);
  });

  it("refuses a billion-laughs file without expanding anything, quickly", () => {
    const lol = [
      '<?xml version="1.0"?>',
      "<!DOCTYPE lolz [",
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`),
      "]>",
    ].join("\n");
    const ubl = read(UBL_0101).replace('<?xml version="1.0" encoding="UTF-8"?>', lol).replace("[Seller name]", "&lol9;");
    const started = performance.now();
    const result = readAndCheck(ubl);
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.valid).toBe(false);
    expect(result.terms).toBeNull();
    expect(rules(result.findings)).toEqual(["XML-DOCTYPE"]);
    expect(JSON.stringify(result)).not.toMatch(/lollol/);
  });

  it("refuses an external entity (XXE) the same way", () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    const result = readInvoice(xxe);
    expect(rules(result.findings)).toEqual(["XML-DOCTYPE"]);
    expect(JSON.stringify(result)).not.toMatch(/root:/);
  });

  it("refuses files over the size limit before looking at them (boundary: limit itself is fine)", () => {
    const xml = read(UBL_0101);
    const bytes = new TextEncoder().encode(xml).length;
    expect(rules(readInvoice(xml, { maxBytes: bytes - 1 }).findings)).toEqual(["XML-SIZE"]);
    expect(readInvoice(xml, { maxBytes: bytes }).findings).toEqual([]);
    // multi-byte characters count as bytes, not characters
    const umlauts = `<x>${"ä".repeat(100)}</x>`;
    expect(rules(readInvoice(umlauts, { maxBytes: 150 }).findings)).toEqual(["XML-SIZE"]);
    expect(readInvoice("x".repeat(11 * 1024 * 1024)).findings[0].rule).toBe("XML-SIZE");
  });

  it.each([
    ["garbage", "das ist keine Rechnung"],
    ["empty", ""],
    ["truncated", read(UBL_0101).slice(0, 2000)],
    ["unclosed tags", "<Invoice><ID>1</Invoice>"],
  ])("reports XML-SYNTAX for %s input and never throws", (_label, xml) => {
    const result = readInvoice(xml);
    expect(result.syntax).toBeNull();
    expect(rules(result.findings)).toEqual(["XML-SYNTAX"]);
  });

  it("refuses well-formed XML that is no invoice (XML-ROOT), also the right name in a wrong namespace", () => {
    expect(rules(readInvoice("<Order/>").findings)).toEqual(["XML-ROOT"]);
    expect(rules(readInvoice('<Invoice xmlns="urn:example"/>').findings)).toEqual(["XML-ROOT"]);
    expect(readInvoice('<Invoice xmlns="urn:example"/>').findings[0].message).toMatch(/urn:example/);
  });

  it("finds the root element after prolog and comments, with default or prefixed namespace", () => {
    expect(rootElement('<?xml version="1.0"?>\n<!-- c -->\n<a:Invoice xmlns:a="urn:x" b="1">')).toEqual({ localName: "Invoice", namespace: "urn:x" });
    expect(rootElement("<Invoice xmlns='urn:y'/>")).toEqual({ localName: "Invoice", namespace: "urn:y" });
  });
});

describe("the KoSIT XRechnung 3.0 test suite", () => {
  const files = suiteFiles();

  it("has the 86 files", () => {
    expect(files).toHaveLength(86);
  });

  it.each(files.map((f) => [rel(f), f]))("%s reads and checks without any finding", (_name, file) => {
    const result = readAndCheck(require("node:fs").readFileSync(file, "utf8"));
    expect(result.findings).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.syntax).toBe(file.endsWith("_ubl.xml") ? "ubl" : "cii");
    const t = result.terms!;
    expect(t.number).toBeTruthy();
    expect(t.lines.length).toBeGreaterThan(0);
    expect(Number.isInteger(t.dueAmountCents)).toBe(true);
  });

  it("reads the business terms of 01.01a as written", () => {
    const t = readInvoice(read(UBL_0101)).terms!;
    expect(t).toMatchObject({
      specificationId: "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
      number: "123456XX",
      issueDate: "2016-04-04",
      typeCode: "380",
      currency: "EUR",
      buyerReference: "04011000-12345-03",
      paymentTerms: "Zahlbar sofort ohne Abzug.",
      sellerName: "[Seller name]",
      sellerTradingName: "[Seller trading name]",
      sellerVatId: "DE 123456789",
      buyerName: "[Buyer name]",
      sellerAddress: { city: "[Seller city]", postCode: "12345", country: "DE" },
      sellerContact: { name: "nicht vorhanden", phone: "+49 1234-5678", email: "seller@email.de" },
      paymentMeansCode: "58",
      ibans: ["DE79000000001234567890"],
      lineNetTotalCents: 31486,
      netTotalCents: 31486,
      vatTotalCents: 2204,
      grossTotalCents: 33690,
      dueAmountCents: 33690,
      allowanceTotalCents: 0,
      vatBreakdown: [{ categoryCode: "S", ratePercent: "7", taxableCents: 31486, taxCents: 2204, exemptionReason: null, exemptionReasonCode: null }],
    });
    expect(t.lines).toEqual([
      {
        id: "Zeitschrift [...]",
        name: "Zeitschrift [...]",
        quantity: "1",
        unitCode: "XPP",
        netCents: 28879,
        price: "288.79",
        priceBaseQuantity: "1",
        vatCategoryCode: "S",
        vatRatePercent: "7",
        periodStart: "2016-01-01",
        periodEnd: "2016-12-31",
      },
      {
        id: "Porto + Versandkosten",
        name: "Porto + Versandkosten",
        quantity: "1",
        unitCode: "XPP",
        netCents: 2607,
        price: "26.07",
        priceBaseQuantity: "1",
        vatCategoryCode: "S",
        vatRatePercent: "7",
        periodStart: null,
        periodEnd: null,
      },
    ]);
    // plain JSON
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it("reads allowances, charges, several accounts and third-party payments where the suite has them", () => {
    const all = files.map((f) => readInvoice(require("node:fs").readFileSync(f, "utf8")).terms!);
    expect(all.some((t) => t.allowances.length > 0 && t.allowances.every((a) => a.amountCents !== null && !a.charge))).toBe(true);
    expect(all.some((t) => t.charges.length > 0 && t.charges.every((c) => c.charge))).toBe(true);
    expect(all.some((t) => t.periodStart !== null && t.periodEnd !== null)).toBe(true);
    expect(all.some((t) => t.thirdPartyPayments.length === 2)).toBe(true);
    expect(all.some((t) => /#SKONTO#/.test(t.paymentTerms ?? ""))).toBe(true);
  });

  /**
   * Where a UBL file and its CII twin really say different things (checked by reading both
   * files), the difference is listed here; everything else must be deep-equal. A difference
   * that is not listed, or a listed one that disappears, fails the test.
   */
  const KNOWN_DIFFERENCES: Record<string, string[]> = {
    // street/city placeholders "[Seller street]" vs "[Street]"
    "business-cases/standard/01.20a-INVOICE": ["sellerAddress"],
    // UBL seller VAT id "DE 123456789" vs CII "DE152338654"; different exemption reason texts
    "business-cases/standard/01.21a-INVOICE": ["sellerVatId", "vatBreakdown"],
    // UBL writes the post code in CityName and the city in PostalZone
    "business-cases/standard/03.06a-INVOICE": ["buyerAddress", "sellerAddress"],
    // CII lists three seller ids (ID, ID, GlobalID), UBL one
    "business-cases/standard/03.07a-INVOICE": ["sellerIds"],
    "technical-cases/cvd/02.01a-cvd_INVOICE": ["sellerIds"],
    // UBL: two preceding invoices, seller ids as above, buyer RegistrationName "[Buyer trading name]"
    "technical-cases/cius/01.01_comprehensive_test": ["buyerName", "precedingInvoices", "sellerIds"],
    "technical-cases/cius/01.02_comprehensive_test": ["buyerName"],
    // CII gives the contact as DepartmentName "Testorganisation", UBL a person "Tim Tester"
    "technical-cases/cius/01.03_comprehensive_test": ["buyerName", "sellerContact"],
    "technical-cases/cius/01.04_comprehensive_test": ["buyerName", "sellerContact"],
  };

  const twins = files
    .filter((f) => f.endsWith("_ubl.xml") && files.includes(f.replace(/_ubl\.xml$/, "_uncefact.xml")))
    .map((f) => [rel(f).replace(/_ubl\.xml$/, ""), f, f.replace(/_ubl\.xml$/, "_uncefact.xml")]);

  it("has 40 UBL/CII twins", () => {
    expect(twins).toHaveLength(40);
  });

  it.each(twins)("%s: UBL and CII give the same business terms", (name, ublFile, ciiFile) => {
    const fs = require("node:fs");
    const ubl = readInvoice(fs.readFileSync(ublFile, "utf8")).terms as unknown as Record<string, unknown>;
    const cii = readInvoice(fs.readFileSync(ciiFile, "utf8")).terms as unknown as Record<string, unknown>;
    const known = KNOWN_DIFFERENCES[name] ?? [];
    const differing = Object.keys(ubl).filter((k) => JSON.stringify(ubl[k]) !== JSON.stringify(cii[k])).sort();
    expect(differing).toEqual([...known].sort());
    const strip = (t: Record<string, unknown>) => Object.fromEntries(Object.entries(t).filter(([k]) => !known.includes(k)));
    expect(strip(ubl)).toEqual(strip(cii));
    expect(Object.keys(ubl).sort()).toEqual(Object.keys(cii).sort());
  });

  // The business terms the standards folder names (invoice number, issue date, seller, Leitweg-ID,
  // totals, amount due, IBAN, lines) and the references the intake matches on agree in every twin,
  // without exceptions.
  const CORE = ["number", "issueDate", "typeCode", "currency", "dueDate", "buyerReference", "contractReference", "orderReference", "sellerName", "periodStart", "periodEnd", "ibans", "lineNetTotalCents", "allowanceTotalCents", "chargeTotalCents", "netTotalCents", "vatTotalCents", "grossTotalCents", "prepaidCents", "roundingCents", "dueAmountCents", "lines"];
  it.each(twins)("%s: the core business terms are identical, without exceptions", (_name, ublFile, ciiFile) => {
    const fs = require("node:fs");
    const ubl = readInvoice(fs.readFileSync(ublFile, "utf8")).terms as unknown as Record<string, unknown>;
    const cii = readInvoice(fs.readFileSync(ciiFile, "utf8")).terms as unknown as Record<string, unknown>;
    expect(Object.fromEntries(CORE.map((k) => [k, ubl[k]]))).toEqual(Object.fromEntries(CORE.map((k) => [k, cii[k]])));
    expect(ubl.number).toBeTruthy();
  });
});

// ---------------------------------------------------------------------------------------------
// Broken copies of suite files, one point each, both syntaxes
// ---------------------------------------------------------------------------------------------

function edit(xml: string, from: string | RegExp, to: string): string {
  const out = xml.replace(from, to);
  if (out === xml) throw new Error(`edit did not apply: ${from}`);
  return out;
}

const BROKEN: { rule: string; what: string; ubl: (x: string) => string; cii: (x: string) => string }[] = [
  {
    rule: "BR-02",
    what: "missing invoice number",
    ubl: (x) => edit(x, "<cbc:ID>123456XX</cbc:ID>", ""),
    cii: (x) => edit(x, "<ram:ID>123456XX</ram:ID>", ""),
  },
  {
    rule: "BR-03",
    what: "missing issue date",
    ubl: (x) => edit(x, "<cbc:IssueDate>2016-04-04</cbc:IssueDate>", ""),
    cii: (x) => edit(x, /<ram:IssueDateTime>[\s\S]*?<\/ram:IssueDateTime>/, ""),
  },
  {
    rule: "BR-06",
    what: "missing seller name",
    ubl: (x) => edit(x, "<cbc:RegistrationName>[Seller name]</cbc:RegistrationName>", ""),
    cii: (x) => edit(x, "<ram:Name>[Seller name]</ram:Name>", ""),
  },
  {
    rule: "BR-DE-15",
    what: "missing Leitweg-ID (buyer reference)",
    ubl: (x) => edit(x, /<cbc:BuyerReference>.*<\/cbc:BuyerReference>/, ""),
    cii: (x) => edit(x, /<ram:BuyerReference>.*<\/ram:BuyerReference>/, ""),
  },
  {
    rule: "BR-CO-10",
    what: "a line net amount that makes the lines not add up",
    ubl: (x) => edit(x, '<cbc:LineExtensionAmount currencyID="EUR">26.07</cbc:LineExtensionAmount>', '<cbc:LineExtensionAmount currencyID="EUR">26.08</cbc:LineExtensionAmount>'),
    cii: (x) => edit(x, "<ram:LineTotalAmount>26.07</ram:LineTotalAmount>", "<ram:LineTotalAmount>26.08</ram:LineTotalAmount>"),
  },
  {
    rule: "BR-CO-15",
    what: "a gross total (and amount due) that is not net + VAT",
    ubl: (x) => edit(edit(x, ">336.9</cbc:TaxInclusiveAmount>", ">337.9</cbc:TaxInclusiveAmount>"), ">336.9</cbc:PayableAmount>", ">337.9</cbc:PayableAmount>"),
    cii: (x) => edit(edit(x, ">336.9</ram:GrandTotalAmount>", ">337.9</ram:GrandTotalAmount>"), ">336.9</ram:DuePayableAmount>", ">337.9</ram:DuePayableAmount>"),
  },
  {
    rule: "BR-CL-04",
    what: "unknown currency code XXY",
    ubl: (x) => edit(x, "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", "<cbc:DocumentCurrencyCode>XXY</cbc:DocumentCurrencyCode>"),
    cii: (x) => edit(x, "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", "<ram:InvoiceCurrencyCode>XXY</ram:InvoiceCurrencyCode>"),
  },
  {
    rule: "BR-DE-1",
    what: "no payment instructions",
    ubl: (x) => edit(x, /<cac:PaymentMeans>[\s\S]*?<\/cac:PaymentMeans>/, ""),
    cii: (x) => edit(x, /<ram:SpecifiedTradeSettlementPaymentMeans>[\s\S]*?<\/ram:SpecifiedTradeSettlementPaymentMeans>/, ""),
  },
  {
    rule: "BR-DE-19",
    what: "an IBAN with a wrong check digit",
    ubl: (x) => edit(x, "DE79000000001234567890", "DE78000000001234567890"),
    cii: (x) => edit(x, "DE79000000001234567890", "DE78000000001234567890"),
  },
  {
    rule: "BR-DEC-14",
    what: "a gross total with three decimals",
    ubl: (x) => edit(x, ">336.9</cbc:TaxInclusiveAmount>", ">336.900</cbc:TaxInclusiveAmount>"),
    cii: (x) => edit(x, ">336.9</ram:GrandTotalAmount>", ">336.900</ram:GrandTotalAmount>"),
  },
  {
    rule: "XML-AMOUNT",
    what: "an amount written with a decimal comma",
    ubl: (x) => edit(x, ">22.04</cbc:TaxAmount>\n        <cac:TaxSubtotal>", ">22,04</cbc:TaxAmount>\n        <cac:TaxSubtotal>"),
    cii: (x) => edit(x, '<ram:TaxTotalAmount currencyID="EUR">22.04</ram:TaxTotalAmount>', '<ram:TaxTotalAmount currencyID="EUR">22,04</ram:TaxTotalAmount>'),
  },
  {
    rule: "XML-DATE",
    what: "an issue date that does not exist",
    ubl: (x) => edit(x, "<cbc:IssueDate>2016-04-04</cbc:IssueDate>", "<cbc:IssueDate>2016-02-30</cbc:IssueDate>"),
    cii: (x) => edit(x, '<udt:DateTimeString format="102">20160404</udt:DateTimeString>', '<udt:DateTimeString format="102">20160230</udt:DateTimeString>'),
  },
  {
    rule: "XML-DOCTYPE",
    what: "a DOCTYPE with an entity",
    ubl: (x) => edit(x, '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Invoice [<!ENTITY seller "Geheim GmbH">]>').replace("[Seller name]", "&seller;"),
    cii: (x) => edit(x, '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY seller "Geheim GmbH">]>').replace("[Seller name]", "&seller;"),
  },
];

/** Consequences the standard itself implies (a missing value also fails rules that need it). */
const ALSO: Record<string, string[]> = {
  "XML-AMOUNT": ["BR-CO-15"], // BT-110 unreadable: the gross total is no longer net + VAT (BR-CO-14 needs BT-110)
  "XML-DATE": ["BR-03"], // the unreadable date is a missing date
};

describe("broken copies of 01.01a: exactly the expected rule, both syntaxes", () => {
  const cases = BROKEN.flatMap((b) => [
    [b.rule, b.what, "ubl", b.ubl(read(UBL_0101))],
    [b.rule, b.what, "cii", b.cii(read(CII_0101))],
  ]);
  it.each(cases)("%s (%s, %s)", (rule, _what, _syntax, xml) => {
    const result = readAndCheck(xml);
    expect(result.valid).toBe(false);
    expect(rules(result.findings)).toEqual([rule, ...(ALSO[rule] ?? [])].sort());
    const finding = result.findings.find((f) => f.rule === rule)!;
    expect(finding.message.length).toBeGreaterThan(20);
    if (rule === "XML-DOCTYPE") expect(JSON.stringify(result)).not.toContain("Geheim GmbH");
  });

  it("names the amounts in a BR-CO-15 message", () => {
    const broken = BROKEN.find((b) => b.rule === "BR-CO-15")!.ubl(read(UBL_0101));
    const [f] = readAndCheck(broken).findings;
    expect(f).toEqual({
      rule: "BR-CO-15",
      term: "BT-112",
      message:
        "BR-CO-15: Der Rechnungsbetrag mit Umsatzsteuer (BT-112, 337,90 €) ist nicht die Summe aus Nettobetrag (BT-109, 314,86 €) und Umsatzsteuer (BT-110, 22,04 €).",
    });
  });

  it("reads a UBL CreditNote like the invoice it mirrors", () => {
    const invoice = read(UBL_0101);
    const credit = invoice
      .replace(/ubl:Invoice/g, "ubl:CreditNote")
      .replace("schema:xsd:Invoice-2", "schema:xsd:CreditNote-2")
      .replace(/InvoiceTypeCode>380</g, "CreditNoteTypeCode>381<")
      .replace(/cbc:InvoiceTypeCode/g, "cbc:CreditNoteTypeCode")
      .replace(/cac:InvoiceLine/g, "cac:CreditNoteLine")
      .replace(/cbc:InvoicedQuantity/g, "cbc:CreditedQuantity");
    const a = readAndCheck(invoice);
    const b = readAndCheck(credit);
    expect(b.findings).toEqual([]);
    expect(b.syntax).toBe("ubl");
    expect({ ...b.terms, typeCode: "380" }).toEqual(a.terms);
    expect(b.terms!.typeCode).toBe("381");
  });

  it("keeps negative amounts negative (a corrective invoice)", () => {
    const neg = read(UBL_0101)
      .replace(/currencyID="EUR">(\d)/g, 'currencyID="EUR">-$1')
      .replace(/<cbc:PriceAmount currencyID="EUR">-/g, '<cbc:PriceAmount currencyID="EUR">')
      .replace(/InvoicedQuantity unitCode="XPP">1/g, 'InvoicedQuantity unitCode="XPP">-1');
    const r = readAndCheck(neg);
    expect(r.terms!.grossTotalCents).toBe(-33690);
    expect(r.terms!.lines.map((l) => l.netCents)).toEqual([-28879, -2607]);
    expect(r.findings).toEqual([]); // no positive amount due, so no BR-CO-25 either
  });

  it("decodes the predefined XML entities and character references in text", () => {
    const xml = read(UBL_0101).replace("[Seller name]", "Müller &amp; Söhne &#8222;Nord&#x201C; &lt;GmbH&gt;");
    expect(readInvoice(xml).terms!.sellerName).toBe("Müller & Söhne „Nord“ <GmbH>");
  });
});

// ---------------------------------------------------------------------------------------------
// Every rule of the table: a change of the business terms that breaks exactly that rule
// ---------------------------------------------------------------------------------------------

const base = (): BusinessTerms => structuredClone(readInvoice(read(UBL_0101)).terms!);

const BREAK: Record<string, { change: (t: BusinessTerms) => void; also?: string[] }> = {
  "BR-01": { change: (t) => (t.specificationId = null) },
  "BR-02": { change: (t) => (t.number = " ") },
  "BR-03": { change: (t) => (t.issueDate = null) },
  "BR-04": { change: (t) => (t.typeCode = null) },
  "BR-05": { change: (t) => (t.currency = null) },
  "BR-06": { change: (t) => (t.sellerName = null) },
  "BR-07": { change: (t) => (t.buyerName = null) },
  "BR-08": { change: (t) => (t.sellerAddress = null), also: ["BR-09", "BR-DE-3", "BR-DE-4"] },
  "BR-09": { change: (t) => (t.sellerAddress!.country = null) },
  "BR-10": { change: (t) => (t.buyerAddress = null), also: ["BR-11", "BR-DE-8", "BR-DE-9"] },
  "BR-11": { change: (t) => (t.buyerAddress!.country = null) },
  "BR-12": { change: (t) => (t.lineNetTotalCents = null) },
  "BR-13": { change: (t) => (t.netTotalCents = null) },
  "BR-14": { change: (t) => (t.grossTotalCents = null) },
  "BR-15": { change: (t) => (t.dueAmountCents = null) },
  "BR-16": { change: (t) => (t.lines = []), also: ["BR-CO-10"] },
  "BR-21": { change: (t) => (t.lines[1].id = null) },
  "BR-22": { change: (t) => (t.lines[1].quantity = null) },
  "BR-23": { change: (t) => (t.lines[1].unitCode = null) },
  "BR-24": { change: (t) => (t.lines[1].netCents = null) },
  "BR-25": { change: (t) => (t.lines[1].name = null) },
  "BR-26": { change: (t) => (t.lines[1].price = null) },
  "BR-27": { change: (t) => (t.lines[1].price = "-26.07") },
  "BR-CO-10": { change: (t) => (t.lines[0].netCents! += 1) },
  "BR-CO-11": {
    change: (t) => t.allowances.push({ charge: false, amountCents: 500, baseCents: null, percent: null, reason: "Rabatt", reasonCode: null, vatCategoryCode: "S", vatRatePercent: "7" }),
  },
  "BR-CO-12": {
    change: (t) => t.charges.push({ charge: true, amountCents: 500, baseCents: null, percent: null, reason: "Fracht", reasonCode: null, vatCategoryCode: "S", vatRatePercent: "7" }),
  },
  "BR-CO-13": {
    change: (t) => {
      t.netTotalCents! += 100;
      t.grossTotalCents! += 100;
      t.dueAmountCents! += 100;
    },
  },
  "BR-CO-14": {
    change: (t) => {
      t.vatTotalCents! += 1;
      t.grossTotalCents! += 1;
      t.dueAmountCents! += 1;
    },
  },
  "BR-CO-15": {
    change: (t) => {
      t.grossTotalCents! -= 1;
      t.dueAmountCents! -= 1;
    },
  },
  "BR-CO-16": { change: (t) => (t.dueAmountCents! += 1) },
  "BR-CO-25": {
    change: (t) => {
      t.paymentTerms = null;
      t.dueDate = null;
    },
  },
  "BR-CL-04": { change: (t) => (t.currency = "EURO") },
  "BR-CL-05": { change: (t) => (t.taxCurrency = "XXY") },
  "BR-DE-1": { change: (t) => (t.paymentMeansCode = null) },
  "BR-DE-2": { change: (t) => (t.sellerContact = null), also: ["BR-DE-5", "BR-DE-6", "BR-DE-7"] },
  "BR-DE-3": { change: (t) => (t.sellerAddress!.city = null) },
  "BR-DE-4": { change: (t) => (t.sellerAddress!.postCode = "") },
  "BR-DE-5": { change: (t) => (t.sellerContact!.name = null) },
  "BR-DE-6": { change: (t) => (t.sellerContact!.phone = null) },
  "BR-DE-7": { change: (t) => (t.sellerContact!.email = null) },
  "BR-DE-8": { change: (t) => (t.buyerAddress!.city = null) },
  "BR-DE-9": { change: (t) => (t.buyerAddress!.postCode = null) },
  "BR-DE-15": { change: (t) => (t.buyerReference = null) },
  "BR-DE-16": { change: (t) => (t.sellerVatId = null) },
  "BR-DE-17": { change: (t) => (t.typeCode = "71") },
  "BR-DE-18": { change: (t) => (t.paymentTerms = "#SKONTO#TAGE=7#PROZENT=2#\nZahlbar in 30 Tagen.") },
  "BR-DE-19": {
    change: (t) => {
      t.ibans = ["DE79000000001234567890", "DE78000000001234567890"];
      t.accounts.push({ iban: "DE78000000001234567890", name: null, bic: null });
    },
  },
  "BR-DE-21": { change: (t) => (t.specificationId = "urn:cen.eu:en16931:2017") },
  "BR-DE-23": {
    change: (t) => {
      t.accounts = [];
      t.ibans = [];
    },
  },
  "BR-DE-24": { change: (t) => (t.paymentMeansCode = "48") },
  "BR-DE-25": { change: (t) => (t.paymentMeansCode = "59") },
};

describe("rule table", () => {
  it("the base (01.01a) passes every rule", () => {
    expect(checkInvoice(base(), "ubl")).toEqual([]);
  });

  it("has a breaking case for every rule and no case for an unknown rule", () => {
    expect(Object.keys(BREAK).sort()).toEqual(RULES.map((r) => r.id).sort());
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it.each(Object.entries(BREAK))("%s fails exactly when its term is broken", (id, { change, also = [] }) => {
    const t = base();
    change(t);
    const findings = checkInvoice(t, "ubl");
    expect(rules(findings)).toEqual([id, ...also].sort());
    const f = findings.find((x) => x.rule === id)!;
    expect(f.message.startsWith(`${id}: `)).toBe(true);
    expect(f.term).toBe(RULES.find((r) => r.id === id)!.term);
  });

  it("BR-CO rules compare exact cents: one cent off is a finding, exact is none", () => {
    const t = base();
    t.lines[0].netCents! -= 1;
    t.lines[1].netCents! += 1;
    expect(checkInvoice(t, "ubl")).toEqual([]);
  });

  it("BR-CO-25 holds with only a due date, and for an amount due of zero without either", () => {
    const t = base();
    t.paymentTerms = null;
    t.dueDate = "2016-05-04";
    expect(checkInvoice(t, "ubl")).toEqual([]);
    const zero = base();
    zero.paymentTerms = null;
    zero.prepaidCents = zero.grossTotalCents!;
    zero.dueAmountCents = 0;
    expect(checkInvoice(zero, "ubl")).toEqual([]);
  });

  it("BR-DE-16 is satisfied by a tax number or a tax representative instead of the VAT id", () => {
    const t = base();
    t.sellerVatId = null;
    t.sellerTaxId = "123/456/7890";
    expect(checkInvoice(t, "ubl")).toEqual([]);
    t.sellerTaxId = null;
    t.taxRepresentativeVatId = "DE123456789";
    expect(checkInvoice(t, "ubl")).toEqual([]);
    // no VAT category that needs it: outside the scope of VAT (O)
    const o = base();
    o.sellerVatId = null;
    o.vatBreakdown.forEach((v) => (v.categoryCode = "O"));
    o.lines.forEach((l) => (l.vatCategoryCode = "O"));
    expect(checkInvoice(o, "ubl")).toEqual([]);
  });

  it("BR-DE-18 accepts the official Skonto forms, with base amount and Verzug", () => {
    const t = base();
    t.paymentTerms = "#SKONTO#TAGE=14#PROZENT=2.25#BASISBETRAG=-100.00#\n#VERZUG#TAGE=30#PROZENT=5.00#\nText ohne Raute";
    expect(checkInvoice(t, "ubl")).toEqual([]);
    t.paymentTerms = "#SKONTO#TAGE=14#PROZENT=2.25#BASISBETRAG=100#";
    expect(rules(checkInvoice(t, "ubl"))).toEqual(["BR-DE-18"]);
  });

  it("BR-DE-19 only applies to SEPA credit transfer (58) and reports each bad IBAN", () => {
    const t = base();
    t.paymentMeansCode = "30";
    t.ibans = ["DE78000000001234567890"];
    t.accounts = [{ iban: "DE78000000001234567890", name: null, bic: null }];
    expect(checkInvoice(t, "ubl")).toEqual([]);
    t.paymentMeansCode = "58";
    t.ibans = ["DE78000000001234567890", "XX"];
    const f = checkInvoice(t, "ubl").filter((x) => x.rule === "BR-DE-19");
    expect(f).toHaveLength(2);
    expect(f[0].message).toContain("DE78 0000 0000 1234 5678 90");
  });

  it("BR-DE-21 accepts the XRechnung 3.0 id, the extension id and the CVD id, nothing older", () => {
    const t = base();
    for (const id of [
      "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
      "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
    ]) {
      t.specificationId = id;
      expect(checkInvoice(t, "ubl")).toEqual([]);
    }
    for (const id of ["urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.3", "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.01"]) {
      t.specificationId = id;
      expect(rules(checkInvoice(t, "ubl"))).toEqual(["BR-DE-21"]);
    }
  });
});
