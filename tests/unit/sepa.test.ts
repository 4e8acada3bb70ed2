import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ibanMod97 } from "~/domain/iban";
import { buildCreditTransfer, formatSepaAmount, sepaText, SepaInputError, type CreditTransferInput, type CreditTransferPayment } from "~/domain/sepa";
import { PAIN_001_001_09_XSD, standardsDir, validateXsd } from "../support/xsd";

/** A valid German IBAN for a bank code and account number (check digits computed). */
function deIban(bankCode: string, account: number): string {
  const bban = bankCode.padStart(8, "0") + String(account).padStart(10, "0");
  const check = 98 - ibanMod97(`DE00${bban}`);
  return `DE${String(check).padStart(2, "0")}${bban}`;
}

function payment(i: number, over: Partial<CreditTransferPayment> = {}): CreditTransferPayment {
  return {
    endToEndId: `ZL-2026-0001-${String(i).padStart(5, "0")}`,
    amountCents: 10_000 + i,
    creditorName: `Bildungsträger ${i} gGmbH`,
    creditorIban: deIban("37040044", 532013000 + i),
    creditorBic: null,
    remittance: `Rechnung RE-2026-${i}`,
    ...over,
  };
}

function input(payments: CreditTransferPayment[], over: Partial<CreditTransferInput> = {}): CreditTransferInput {
  return {
    messageId: "ZL-2026-0001",
    createdAt: "2026-03-02T08:15:30.250Z",
    initiatingPartyName: "Jobcenter Musterstadt",
    debtor: { name: "Stadtkasse Musterstadt", iban: "DE89370400440532013000", bic: "COBADEFFXXX" },
    executionDate: "2026-03-04",
    payments,
    ...over,
  };
}

/** Build, validate against the XSD (every file a test writes), return the file. */
function build(i: CreditTransferInput) {
  const file = buildCreditTransfer(i);
  expect(validateXsd(file.xml, PAIN_001_001_09_XSD)).toEqual([]);
  return file;
}

const text = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, "g"))].map((m) => m[1]);

function refused(i: CreditTransferInput): SepaInputError {
  try {
    buildCreditTransfer(i);
  } catch (error) {
    expect(error).toBeInstanceOf(SepaInputError);
    return error as SepaInputError;
  }
  throw new Error("expected SepaInputError");
}

describe("shared standards path", () => {
  it("resolves beside the repository root (…/shared/standards) and holds the pain.001.001.09 XSD", () => {
    const root = path.resolve(__dirname, "../..");
    expect(standardsDir).toBe(path.resolve(root, "..", "shared", "standards"));
    expect(standardsDir).toBe(path.resolve(__dirname, "../../../shared/standards"));
    expect(fs.existsSync(PAIN_001_001_09_XSD)).toBe(true);
  });
});

describe("XSD validator", () => {
  it("reports a file with a wrong element as invalid", () => {
    const { xml } = buildCreditTransfer(input([payment(1)]));
    const broken = xml.replace("<ChrgBr>SLEV</ChrgBr>", "<Gebuehren>SLEV</Gebuehren>");
    const errors = validateXsd(broken, PAIN_001_001_09_XSD);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join("\n")).toMatch(/Gebuehren/);
  });

  it("reports a bad currency code and a document that is not well-formed", () => {
    const { xml } = buildCreditTransfer(input([payment(1)]));
    expect(validateXsd(xml.replace('Ccy="EUR"', 'Ccy="euro"'), PAIN_001_001_09_XSD).length).toBeGreaterThan(0);
    expect(validateXsd(xml.replace("</Document>", ""), PAIN_001_001_09_XSD).length).toBeGreaterThan(0);
  });
});

describe("buildCreditTransfer", () => {
  it("writes one payment as a valid pain.001.001.09 file with the DK elements", () => {
    const file = build(input([payment(1, { creditorBic: "GENODEF1S10" })]));
    expect(file.nbOfTxs).toBe(1);
    expect(file.ctrlSumCents).toBe(10_001);
    const { xml } = file;
    expect(xml).toContain('xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"');
    expect(text(xml, "NbOfTxs")).toEqual(["1", "1"]);
    expect(text(xml, "CtrlSum")).toEqual(["100.01", "100.01"]);
    expect(text(xml, "MsgId")).toEqual(["ZL-2026-0001"]);
    expect(text(xml, "CreDtTm")).toEqual(["2026-03-02T09:15:30+01:00"]);
    expect(text(xml, "PmtMtd")).toEqual(["TRF"]);
    expect(xml).toContain("<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>");
    expect(xml).toContain("<ReqdExctnDt><Dt>2026-03-04</Dt></ReqdExctnDt>");
    expect(xml).toContain("<DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>");
    expect(xml).toContain("<CdtrAgt><FinInstnId><BICFI>GENODEF1S10</BICFI></FinInstnId></CdtrAgt>");
    expect(text(xml, "ChrgBr")).toEqual(["SLEV"]);
    expect(text(xml, "EndToEndId")).toEqual(["ZL-2026-0001-00001"]);
    expect(xml).toContain('<InstdAmt Ccy="EUR">100.01</InstdAmt>');
    expect(text(xml, "Ustrd")).toEqual(["Rechnung RE-2026-1"]);
    expect(xml).not.toContain("BtchBookg");
    // No postal address anywhere (free address lines are not allowed from November 2026).
    expect(xml).not.toMatch(/PstlAdr|AdrLine/);
  });

  it("writes CreDtTm in summer time with +02:00 and the batch-booking flag when given", () => {
    const { xml } = build(input([payment(1)], { createdAt: "2026-07-01T22:30:00Z", batchBooking: false }));
    expect(text(xml, "CreDtTm")).toEqual(["2026-07-02T00:30:00+02:00"]);
    expect(text(xml, "BtchBookg")).toEqual(["false"]);
    expect(text(build(input([payment(1)], { batchBooking: true })).xml, "BtchBookg")).toEqual(["true"]);
  });

  it("without BICs: debtor agent NOTPROVIDED, no creditor agent, still valid", () => {
    const { xml } = build(input([payment(1)], { debtor: { name: "Stadtkasse", iban: "DE89 3704 0044 0532 0130 00", bic: null } }));
    expect(xml).toContain("<DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>");
    expect(xml).not.toContain("CdtrAgt");
    expect(text(xml, "IBAN")[0]).toBe("DE89370400440532013000");
  });

  it("5,000 payments: NbOfTxs and CtrlSum exact in cents, where a float sum drifts", () => {
    // 0.10 + 0.20 + 0.01 … : the float sum of the euro amounts is not the cent sum.
    const amounts = Array.from({ length: 5000 }, (_, i) => [1, 10, 20, 3, 99_999_999_999 / 1000 | 0][i % 5] + (i % 7));
    const payments = amounts.map((amountCents, i) => payment(i, { amountCents }));
    const cents = amounts.reduce((a, b) => a + b, 0);
    const floatSum = amounts.reduce((a, b) => a + b / 100, 0);
    expect(String(floatSum)).not.toBe(formatSepaAmount(cents)); // the trap the writer avoids
    const file = build(input(payments));
    expect(file.nbOfTxs).toBe(5000);
    expect(file.ctrlSumCents).toBe(cents);
    expect(text(file.xml, "NbOfTxs")).toEqual(["5000", "5000"]);
    expect(text(file.xml, "CtrlSum")).toEqual([formatSepaAmount(cents), formatSepaAmount(cents)]);
    expect(text(file.xml, "EndToEndId")).toHaveLength(5000);
    // Every InstdAmt back in cents sums to CtrlSum.
    const back = text(file.xml, "InstdAmt").reduce((sum, a) => sum + Number(a.replace(".", "")), 0);
    expect(back).toBe(cents);
  });

  it("0.10 + 0.20 gives CtrlSum 0.30 (not 0.30000000000000004)", () => {
    const file = build(input([payment(1, { amountCents: 10 }), payment(2, { amountCents: 20 })]));
    expect(text(file.xml, "CtrlSum")).toEqual(["0.30", "0.30"]);
  });

  it("transliterates umlauts, ß and & in names and remittance, and the file stays valid", () => {
    const { xml } = build(
      input([payment(1, { creditorName: "Müller & Söhne Ausbildungs-GmbH – Bürgerstraße", remittance: "Rechnung Nr. 17/2026 für Übungsfirma „Ökö“ <März>" })], {
        initiatingPartyName: "Jobcenter Straße & Söhne",
        debtor: { name: "Stadtkasse Großenhain", iban: "DE89370400440532013000" },
      }),
    );
    expect(text(xml, "Nm")).toEqual(["Jobcenter Strasse + Soehne", "Stadtkasse Grossenhain", "Mueller + Soehne Ausbildungs-GmbH - Buergerstrasse"]);
    expect(text(xml, "Ustrd")).toEqual(["Rechnung Nr. 17/2026 fuer Uebungsfirma Oekoe Maerz"]);
    expect(xml).not.toMatch(/[äöüßÄÖÜ&]amp|[äöüßÄÖÜ]/);
  });

  it("remittance of 140 characters is kept, 141 is cut to 140", () => {
    const r140 = "R".repeat(139) + "X";
    const r141 = r140 + "Y";
    const a = build(input([payment(1, { remittance: r140 })]));
    expect(text(a.xml, "Ustrd")).toEqual([r140]);
    const b = build(input([payment(1, { remittance: r141 })]));
    expect(text(b.xml, "Ustrd")).toEqual([r140]);
  });

  it("creditor name of 70 characters is kept, 71 is cut to 70", () => {
    const n70 = "N".repeat(70);
    expect(text(build(input([payment(1, { creditorName: n70 + "Z" })])).xml, "Nm")[2]).toBe(n70);
  });

  it("an empty remittance leaves RmtInf out", () => {
    expect(build(input([payment(1, { remittance: "  " })])).xml).not.toContain("RmtInf");
  });

  it("end-to-end id of 35 characters is accepted, 36 refused", () => {
    const id35 = "E".repeat(35);
    expect(text(build(input([payment(1, { endToEndId: id35 })])).xml, "EndToEndId")).toEqual([id35]);
    const error = refused(input([payment(1, { endToEndId: id35 + "6" })]));
    expect(error.message).toMatch(/36 Zeichen/);
    expect(error.item).toBe(id35 + "6");
  });

  it("message id of 35 characters is accepted, 36 refused", () => {
    build(input([payment(1)], { messageId: "M".repeat(35) }));
    expect(refused(input([payment(1)], { messageId: "M".repeat(36) })).message).toMatch(/MsgId/);
  });

  it("refuses an empty payment list", () => {
    expect(refused(input([])).message).toBe("Der Zahllauf enthält keine Zahlungen.");
  });

  it.each([
    [0, /größer als 0/],
    [-1, /größer als 0/],
    [10.5, /ganzer Cent-Betrag/],
    [Number.NaN, /ganzer Cent-Betrag/],
    [100_000_000_000, /Höchstbetrag/],
  ])("refuses amount %s and names the payment", (amountCents, message) => {
    const error = refused(input([payment(1), payment(2, { amountCents })]));
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^Zahlung 2 \(ZL-2026-0001-00002\)/);
    expect(error.item).toBe("ZL-2026-0001-00002");
  });

  it("accepts the SEPA maximum 999,999,999.99", () => {
    expect(text(build(input([payment(1, { amountCents: 99_999_999_999 })])).xml, "CtrlSum")[0]).toBe("999999999.99");
  });

  it("refuses a bad creditor IBAN with the IBAN module's reason", () => {
    const error = refused(input([payment(1, { creditorIban: "DE89370400440532013001" })]));
    expect(error.message).toMatch(/Zahlung 1 .*IBAN des Zahlungsempfängers: Die Prüfziffern/);
  });

  it("refuses a bad debtor IBAN and a bad BIC", () => {
    expect(refused(input([payment(1)], { debtor: { name: "X", iban: "DE123" } })).message).toMatch(/Auftraggeberkontos/);
    expect(refused(input([payment(1, { creditorBic: "COBA" })])).message).toMatch(/BIC des Zahlungsempfängers/);
  });

  it("refuses a duplicate end-to-end id", () => {
    const error = refused(input([payment(1), payment(2), payment(1)]));
    expect(error.message).toMatch(/^Zahlung 3 \(ZL-2026-0001-00001\): .*mehrfach/);
  });

  it.each([["ZL 2026"], ["ZL-Ä"], ["/ZL1"], ["ZL//1"], [""], ["NOTPROVIDED"]])("refuses the end-to-end id %j", (endToEndId) => {
    refused(input([payment(1, { endToEndId })]));
  });

  it("refuses a bad execution date, a bad creation time and a name without any SEPA character", () => {
    expect(refused(input([payment(1)], { executionDate: "2026-02-30" })).message).toMatch(/Ausführungsdatum/);
    expect(refused(input([payment(1)], { createdAt: "gestern" })).message).toMatch(/Erstellungszeitpunkt/);
    expect(refused(input([payment(1, { creditorName: "   " })])).message).toMatch(/Name des Zahlungsempfängers/);
  });
});

describe("sepaText", () => {
  it("transliterates German letters and & and drops what the SEPA set lacks", () => {
    expect(sepaText("Äpfel Öl Übel ärger öde über Straße", 140)).toBe("Aepfel Oel Uebel aerger oede ueber Strasse");
    expect(sepaText("A & B", 140)).toBe("A + B");
    expect(sepaText("Café Crème", 140)).toBe("Cafe Creme");
    expect(sepaText("a<b>c\"d\u0001e  f\n g", 140)).toBe("a b c d e f g");
    expect(sepaText("Kosten: 5€ (netto), ok?", 140)).toBe("Kosten: 5EUR (netto), ok?");
    expect(sepaText("漢字", 140)).toBe("");
  });

  it("cuts after transliteration, counting the longer form", () => {
    expect(sepaText("ää", 3)).toBe("aea");
    expect(sepaText("abc def", 4)).toBe("abc");
  });
});

describe("formatSepaAmount", () => {
  it("formats cents with two decimals and a dot", () => {
    expect(formatSepaAmount(123456)).toBe("1234.56");
    expect(formatSepaAmount(1)).toBe("0.01");
    expect(formatSepaAmount(10)).toBe("0.10");
    expect(formatSepaAmount(0)).toBe("0.00");
    expect(formatSepaAmount(99_999_999_999)).toBe("999999999.99");
  });
  it("refuses floats and negatives", () => {
    expect(() => formatSepaAmount(1.5)).toThrow(RangeError);
    expect(() => formatSepaAmount(-1)).toThrow(RangeError);
  });
});
