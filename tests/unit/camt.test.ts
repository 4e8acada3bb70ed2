import { describe, expect, it } from "vitest";
import { buildCamt053, buildCamt054, type CamtFixtureEntry, type CamtFixtureInput } from "~/demo/camt-fixture";
import { BankStatementError, camtAmountToCents, parseBankStatement, type BankEntry } from "~/domain/camt";

const account = { iban: "DE89370400440532013000", name: "Stadtkasse Musterstadt" };

const entries: CamtFixtureEntry[] = [
  { endToEndId: "ZL-2026-0001-00001", amountCents: 123450, creditDebit: "DBIT", counterpartyName: "Müller & Söhne GmbH", counterpartyIban: "DE02120300000000202051", remittance: "Rechnung RE-17 <März>" },
  { endToEndId: "ZL-2026-0001-00002", amountCents: 1, creditDebit: "DBIT", counterpartyName: "Bildungswerk Lausitz", counterpartyIban: "DE02500105170137075030", remittance: "Rechnung 4711" },
  { endToEndId: null, amountCents: 50_000, creditDebit: "CRDT", counterpartyName: "Bundesagentur für Arbeit", counterpartyIban: "DE12500105170648489890", remittance: "Erstattung 2026" },
  { endToEndId: "ZL-2026-0001-00003", amountCents: 99_999_999_999, creditDebit: "DBIT", counterpartyName: null, counterpartyIban: null, remittance: null, status: "PDNG", valueDate: "2026-03-05" },
];

function fixture(over: Partial<CamtFixtureInput> = {}): CamtFixtureInput {
  return { messageId: "STMT-2026-03-04", createdAt: "2026-03-04T18:00:00+01:00", account, bookingDate: "2026-03-04", entries, ...over };
}

function expected(e: CamtFixtureEntry): Partial<BankEntry> {
  return {
    endToEndId: e.endToEndId,
    amountCents: e.amountCents,
    creditDebit: e.creditDebit,
    status: e.status ?? "BOOK",
    bookingDate: "2026-03-04",
    valueDate: e.valueDate ?? "2026-03-04",
    counterpartyName: e.counterpartyName,
    counterpartyIban: e.counterpartyIban,
    remittance: e.remittance ?? "SEPA-Ueberweisung",
  };
}

function refused(xml: string, message: RegExp, maxBytes?: number) {
  let error: unknown;
  try {
    parseBankStatement(xml, maxBytes === undefined ? {} : { maxBytes });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BankStatementError);
  expect((error as Error).message).toMatch(message);
}

describe("camt fixture round trip", () => {
  it("camt.053.001.08: build → parse gives the same entries", () => {
    const xml = buildCamt053(fixture({ openingBalanceCents: 1_000_000 }));
    const parsed = parseBankStatement(xml);
    expect(parsed.kind).toBe("camt.053");
    expect(parsed.messageId).toBe("STMT-2026-03-04");
    expect(parsed.account).toEqual({ iban: account.iban });
    expect(parsed.statements).toHaveLength(1);
    expect(parsed.statements[0].id).toBe("STMT-2026-03-04-1");
    expect(parsed.statements[0].createdAt).toBe("2026-03-04T18:00:00+01:00");
    expect(parsed.statements[0].entries.map(({ entryRef: _r, ...rest }) => rest)).toEqual(entries.map(expected));
    expect(parsed.statements[0].entries.map((e) => e.entryRef)).toEqual([1, 2, 3, 4].map((n) => `STMT-2026-03-04-0000${n}`));
    // Closing balance = opening − booked debits + booked credits (the pending entry is not booked).
    expect(xml).toMatch(/<Cd>CLBD<\/Cd><\/CdOrPrtry><\/Tp><Amt Ccy="EUR">9265.49<\/Amt><CdtDbtInd>CRDT/);
  });

  it("camt.054.001.08: build → parse gives the same entries", () => {
    const parsed = parseBankStatement(buildCamt054(fixture()));
    expect(parsed.kind).toBe("camt.054");
    expect(parsed.statements[0].entries.map(({ entryRef: _r, ...rest }) => rest)).toEqual(entries.map(expected));
  });

  it("a batch booking (same batchId) is one Ntry with several TxDtls and parses back to one entry each", () => {
    const batch: CamtFixtureEntry[] = [10, 20, 4].map((amountCents, i) => ({
      endToEndId: `E2E-${i}`,
      amountCents,
      creditDebit: "DBIT",
      counterpartyName: `Träger ${i}`,
      counterpartyIban: "DE02120300000000202051",
      remittance: `RE-${i}`,
      batchId: "B1",
    }));
    const xml = buildCamt053(fixture({ entries: batch }));
    expect(xml.match(/<Ntry>/g)).toHaveLength(1);
    expect(xml).toContain('<Ntry><NtryRef>STMT-2026-03-04-00001</NtryRef><Amt Ccy="EUR">0.34</Amt>');
    const got = parseBankStatement(xml).statements[0].entries;
    expect(got.map((e) => [e.endToEndId, e.amountCents, e.entryRef])).toEqual([
      ["E2E-0", 10, "STMT-2026-03-04-00001"],
      ["E2E-1", 20, "STMT-2026-03-04-00001"],
      ["E2E-2", 4, "STMT-2026-03-04-00001"],
    ]);
  });

  it("an empty statement has no entries", () => {
    expect(parseBankStatement(buildCamt053(fixture({ entries: [] }))).statements[0].entries).toEqual([]);
  });
});

/** As a German savings bank sends it: camt.053.001.02, with a prefix, a batch of two and an entry without details. */
const CAMT_053_001_02 = `<?xml version="1.0" encoding="UTF-8"?>
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <ns2:BkToCstmrStmt>
    <ns2:GrpHdr>
      <ns2:MsgId>052D2026030412345</ns2:MsgId>
      <ns2:CreDtTm>2026-03-04T22:14:05.0+01:00</ns2:CreDtTm>
    </ns2:GrpHdr>
    <ns2:Stmt>
      <ns2:Id>0352C5320260304220000</ns2:Id>
      <ns2:ElctrncSeqNb>43</ns2:ElctrncSeqNb>
      <ns2:CreDtTm>2026-03-04T22:14:05.0+01:00</ns2:CreDtTm>
      <ns2:Acct>
        <ns2:Id><ns2:IBAN>DE89370400440532013000</ns2:IBAN></ns2:Id>
        <ns2:Ccy>EUR</ns2:Ccy>
      </ns2:Acct>
      <ns2:Bal>
        <ns2:Tp><ns2:CdOrPrtry><ns2:Cd>PRCD</ns2:Cd></ns2:CdOrPrtry></ns2:Tp>
        <ns2:Amt Ccy="EUR">25000.00</ns2:Amt>
        <ns2:CdtDbtInd>CRDT</ns2:CdtDbtInd>
        <ns2:Dt><ns2:Dt>2026-03-03</ns2:Dt></ns2:Dt>
      </ns2:Bal>
      <ns2:Ntry>
        <ns2:Amt Ccy="EUR">1234.5</ns2:Amt>
        <ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd>
        <ns2:Sts>BOOK</ns2:Sts>
        <ns2:BookgDt><ns2:Dt>2026-03-04</ns2:Dt></ns2:BookgDt>
        <ns2:ValDt><ns2:Dt>2026-03-04</ns2:Dt></ns2:ValDt>
        <ns2:AcctSvcrRef>2026030412345678</ns2:AcctSvcrRef>
        <ns2:BkTxCd><ns2:Prtry><ns2:Cd>NTRF+191+9310</ns2:Cd><ns2:Issr>ZKA</ns2:Issr></ns2:Prtry></ns2:BkTxCd>
        <ns2:NtryDtls>
          <ns2:Btch><ns2:NbOfTxs>2</ns2:NbOfTxs></ns2:Btch>
          <ns2:TxDtls>
            <ns2:Refs><ns2:MsgId>ZL-2026-0001</ns2:MsgId><ns2:PmtInfId>ZL-2026-0001</ns2:PmtInfId><ns2:EndToEndId>ZL-2026-0001-00001</ns2:EndToEndId></ns2:Refs>
            <ns2:AmtDtls><ns2:TxAmt><ns2:Amt Ccy="EUR">1000.10</ns2:Amt></ns2:TxAmt></ns2:AmtDtls>
            <ns2:RltdPties>
              <ns2:Cdtr><ns2:Nm>M&#252;ller &amp; S&#xF6;hne GmbH</ns2:Nm></ns2:Cdtr>
              <ns2:CdtrAcct><ns2:Id><ns2:IBAN>DE02120300000000202051</ns2:IBAN></ns2:Id></ns2:CdtrAcct>
            </ns2:RltdPties>
            <ns2:RmtInf><ns2:Ustrd>Rechnung RE-17</ns2:Ustrd><ns2:Ustrd>vom 01.03.2026</ns2:Ustrd></ns2:RmtInf>
          </ns2:TxDtls>
          <ns2:TxDtls>
            <ns2:Refs><ns2:EndToEndId>NOTPROVIDED</ns2:EndToEndId></ns2:Refs>
            <ns2:AmtDtls><ns2:TxAmt><ns2:Amt Ccy="EUR">234.40</ns2:Amt></ns2:TxAmt></ns2:AmtDtls>
            <ns2:RltdPties>
              <ns2:Cdtr><ns2:Nm>Bildungswerk Lausitz</ns2:Nm></ns2:Cdtr>
              <ns2:CdtrAcct><ns2:Id><ns2:IBAN>DE02 5001 0517 0137 0750 30</ns2:IBAN></ns2:Id></ns2:CdtrAcct>
            </ns2:RltdPties>
            <ns2:RmtInf><ns2:Strd><ns2:CdtrRefInf><ns2:Ref>RF18539007547034</ns2:Ref></ns2:CdtrRefInf></ns2:Strd></ns2:RmtInf>
          </ns2:TxDtls>
        </ns2:NtryDtls>
        <ns2:AddtlNtryInf>SAMMEL-UEBERWEISUNG</ns2:AddtlNtryInf>
      </ns2:Ntry>
      <ns2:Ntry>
        <ns2:NtryRef>KF-4711</ns2:NtryRef>
        <ns2:Amt Ccy="EUR">12.90</ns2:Amt>
        <ns2:CdtDbtInd>DBIT</ns2:CdtDbtInd>
        <ns2:Sts>BOOK</ns2:Sts>
        <ns2:BookgDt><ns2:DtTm>2026-03-04T23:30:00Z</ns2:DtTm></ns2:BookgDt>
        <ns2:ValDt><ns2:Dt>2026-03-04</ns2:Dt></ns2:ValDt>
        <ns2:BkTxCd><ns2:Prtry><ns2:Cd>NCHG+805</ns2:Cd><ns2:Issr>ZKA</ns2:Issr></ns2:Prtry></ns2:BkTxCd>
        <ns2:AddtlNtryInf>Kontofuehrungsentgelt</ns2:AddtlNtryInf>
      </ns2:Ntry>
    </ns2:Stmt>
  </ns2:BkToCstmrStmt>
</ns2:Document>`;

describe("parseBankStatement: camt.053.001.02 as banks send it", () => {
  it("splits the batch into its transfers, keeps the entry without details, converts amounts exactly", () => {
    const parsed = parseBankStatement(CAMT_053_001_02);
    expect(parsed.kind).toBe("camt.053");
    expect(parsed.messageId).toBe("052D2026030412345");
    expect(parsed.account).toEqual({ iban: "DE89370400440532013000" });
    expect(parsed.statements.map((s) => [s.id, s.createdAt])).toEqual([["0352C5320260304220000", "2026-03-04T22:14:05.0+01:00"]]);
    expect(parsed.statements[0].entries).toEqual([
      {
        entryRef: "2026030412345678",
        endToEndId: "ZL-2026-0001-00001",
        amountCents: 100010,
        creditDebit: "DBIT",
        status: "BOOK",
        bookingDate: "2026-03-04",
        valueDate: "2026-03-04",
        counterpartyName: "Müller & Söhne GmbH",
        counterpartyIban: "DE02120300000000202051",
        remittance: "Rechnung RE-17 vom 01.03.2026",
      },
      {
        entryRef: "2026030412345678",
        endToEndId: null,
        amountCents: 23440,
        creditDebit: "DBIT",
        status: "BOOK",
        bookingDate: "2026-03-04",
        valueDate: "2026-03-04",
        counterpartyName: "Bildungswerk Lausitz",
        counterpartyIban: "DE02500105170137075030",
        remittance: "RF18539007547034",
      },
      {
        entryRef: "KF-4711",
        endToEndId: null,
        amountCents: 1290,
        creditDebit: "DBIT",
        status: "BOOK",
        // 23:30 UTC is already 5 March in Berlin.
        bookingDate: "2026-03-05",
        valueDate: "2026-03-04",
        counterpartyName: null,
        counterpartyIban: null,
        remittance: "Kontofuehrungsentgelt",
      },
    ]);
  });

  it("reads camt.054.001.02 with <Sts><Cd> and an incoming transfer's debtor as counterparty", () => {
    const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>N1</MsgId></GrpHdr>
      <Ntfctn><Id>N1-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
      <Ntry><Amt Ccy="EUR">0.3</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>INFO</Cd></Sts>
        <NtryDtls><TxDtls><Refs><EndToEndId>R-1</EndToEndId></Refs><Amt Ccy="EUR">0.30</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Nm>Zahler</Nm></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct><Cdtr><Nm>Wir</Nm></Cdtr></RltdPties></TxDtls></NtryDtls></Ntry>
      </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
    const parsed = parseBankStatement(xml);
    expect(parsed.kind).toBe("camt.054");
    expect(parsed.statements[0].entries).toEqual([
      { entryRef: null, endToEndId: "R-1", amountCents: 30, creditDebit: "CRDT", status: "INFO", bookingDate: null, valueDate: null, counterpartyName: "Zahler", counterpartyIban: "DE02120300000000202051", remittance: null },
    ]);
  });
});

describe("parseBankStatement refuses", () => {
  const minimal = (ns: string, root = "BkToCstmrStmt") => `<Document xmlns="${ns}"><${root}><GrpHdr><MsgId>M</MsgId></GrpHdr></${root}></Document>`;

  it("accepts versions .02 to .08 of both", () => {
    for (const v of ["02", "03", "04", "05", "06", "07", "08"]) {
      expect(parseBankStatement(minimal(`urn:iso:std:iso:20022:tech:xsd:camt.053.001.${v}`)).kind).toBe("camt.053");
      expect(parseBankStatement(minimal(`urn:iso:std:iso:20022:tech:xsd:camt.054.001.${v}`, "BkToCstmrDbtCdtNtfctn")).kind).toBe("camt.054");
    }
  });

  it("a version outside .02–.08 and a namespace that does not fit the root", () => {
    refused(minimal("urn:iso:std:iso:20022:tech:xsd:camt.053.001.01"), /nicht unterstützt/);
    refused(minimal("urn:iso:std:iso:20022:tech:xsd:camt.053.001.09"), /nicht unterstützt/);
    refused(minimal("urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"), /passt nicht zu camt.053/);
    refused(minimal("urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"), /passt nicht zu camt.053/);
    const prefixed = (v: string) => `<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${v}"><ns2:BkToCstmrStmt><ns2:GrpHdr><ns2:MsgId>M</ns2:MsgId></ns2:GrpHdr></ns2:BkToCstmrStmt></ns2:Document>`;
    expect(parseBankStatement(prefixed("08")).messageId).toBe("M");
    refused(prefixed("10"), /camt.053.001.10 wird nicht unterstützt/);
  });

  it("a DOCTYPE or ENTITY declaration, before parsing", () => {
    refused(`<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY x "y">]>${minimal("")}`, /DOCTYPE- oder ENTITY/);
    refused(`<?xml version="1.0"?><!doctype Document SYSTEM "file:///etc/passwd">${minimal("")}`, /DOCTYPE- oder ENTITY/);
    refused(`${minimal("")}<!ENTITY lol "lol">`, /DOCTYPE- oder ENTITY/);
  });

  it("a file over the size limit (parameter; default 20 MB)", () => {
    const xml = minimal("urn:iso:std:iso:20022:tech:xsd:camt.053.001.08");
    const bytes = new TextEncoder().encode(xml).length;
    expect(parseBankStatement(xml, { maxBytes: bytes }).kind).toBe("camt.053");
    refused(xml, /zu groß/, bytes - 1);
    // Multi-byte characters count as bytes, not as UTF-16 units.
    const umlauts = xml.replace("<MsgId>M</MsgId>", "<MsgId>ÄÄÄÄ</MsgId>");
    refused(umlauts, /zu groß/, umlauts.length + 3);
    refused(" ".repeat(20 * 1024 * 1024) + xml, /zu groß/);
  });

  it("a root that is not a statement or a notification, and non-XML", () => {
    refused(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/></Document>`, /CstmrCdtTrfInitn/);
    refused(`<Invoice><ID>1</ID></Invoice>`, /Document/);
    refused(`<Document><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>`, /kein gültiges XML/);
    refused("", /leer/);
  });

  it("bad amounts, a foreign currency, a missing credit/debit mark, a batch whose parts do not add up", () => {
    const ntry = (inner: string) => `<Document><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S</Id><Ntry>${inner}</Ntry></Stmt></BkToCstmrStmt></Document>`;
    refused(ntry(`<Amt Ccy="EUR">12,50</Amt><CdtDbtInd>DBIT</CdtDbtInd>`), /keine gültige Zahl/);
    refused(ntry(`<Amt Ccy="EUR">-1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>`), /keine gültige Zahl/);
    refused(ntry(`<Amt Ccy="EUR">1.005</Amt><CdtDbtInd>DBIT</CdtDbtInd>`), /mehr als zwei Nachkommastellen/);
    refused(ntry(`<Amt Ccy="USD">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>`), /USD/);
    refused(ntry(`<Amt Ccy="EUR">1.00</Amt>`), /Soll\/Haben/);
    refused(ntry(`<CdtDbtInd>DBIT</CdtDbtInd>`), /Betrag fehlt/);
    const batch = (a: string, b: string) =>
      ntry(`<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><NtryDtls><TxDtls><Amt Ccy="EUR">${a}</Amt></TxDtls><TxDtls><Amt Ccy="EUR">${b}</Amt></TxDtls></NtryDtls>`);
    expect(parseBankStatement(batch("1.00", "2.00")).statements[0].entries.map((e) => e.amountCents)).toEqual([100, 200]);
    refused(batch("1.00", "2.01"), /ergeben 3,01 €, die Buchung lautet über 3,00 €/);
    refused(ntry(`<Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><NtryDtls><TxDtls/><TxDtls/></NtryDtls>`), /Einzelumsatzes nicht/);
  });
});

describe("camtAmountToCents", () => {
  it.each([
    ["1234.5", 123450],
    ["1234.56", 123456],
    ["0.1", 10],
    ["0.30", 30],
    ["7", 700],
    ["12.50000", 1250],
    ["999999999.99", 99_999_999_999],
  ])("%s → %i", (value, cents) => {
    expect(camtAmountToCents(value, "x")).toBe(cents);
  });
  it.each(["", "1.2.3", "1e3", "abc", ".5", "1.001"])("refuses %j", (value) => {
    expect(() => camtAmountToCents(value, "x")).toThrow(BankStatementError);
  });
});
