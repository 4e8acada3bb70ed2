/**
 * SEPA credit-transfer file (ISO 20022 pain.001.001.09, German DK profile) written by hand:
 * amounts are integer cents and formatted as text, never floats; NbOfTxs and CtrlSum are
 * computed exactly; creditor addresses are left out (optional inside the EEA; free address
 * lines are no longer allowed from November 2026). See docs/decisions/0019-sepa-writer.md.
 *
 * Every text goes through `sepaText`: transliterated to the EPC basic Latin character set and
 * cut to the field's maximum length. Identifiers (message id, end-to-end id) are not changed
 * silently: one outside the character set or too long is refused.
 */
import { ValidationError } from "./errors";
import { validateBic, validateIban } from "./iban";
import { berlinOffsetMinutes, isIsoDate } from "./time";

export const PAIN_001_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

/** Largest amount of one SEPA credit transfer: 999,999,999.99 EUR. */
export const SEPA_MAX_AMOUNT_CENTS = 99_999_999_999;

export interface CreditTransferPayment {
  endToEndId: string;
  amountCents: number;
  creditorName: string;
  creditorIban: string;
  creditorBic?: string | null;
  /** Invoice number or claim reference; written to RmtInf/Ustrd (max. 140 characters). */
  remittance: string;
}

export interface CreditTransferInput {
  messageId: string;
  /** ISO instant; written as Berlin local time with offset. */
  createdAt: string;
  initiatingPartyName: string;
  debtor: { name: string; iban: string; bic?: string | null };
  /** YYYY-MM-DD */
  executionDate: string;
  batchBooking?: boolean;
  /** PmtInfId; defaults to the message id. */
  paymentInfoId?: string;
  payments: CreditTransferPayment[];
}

export interface CreditTransferFile {
  xml: string;
  nbOfTxs: number;
  ctrlSumCents: number;
}

/**
 * Input a credit-transfer file cannot be written from. `item` names the payment (its
 * end-to-end id, or "Zahlung n" when that is missing) or null for the file as a whole.
 */
export class SepaInputError extends ValidationError {
  constructor(
    message: string,
    readonly item: string | null = null,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Text and amounts
// ---------------------------------------------------------------------------------------------

const TRANSLITERATION: Record<string, string> = {
  ä: "ae", ö: "oe", ü: "ue", ß: "ss", Ä: "Ae", Ö: "Oe", Ü: "Ue", ẞ: "SS",
  "&": "+", æ: "ae", Æ: "AE", œ: "oe", Œ: "OE", ø: "o", Ø: "O", å: "a", Å: "A",
  ð: "d", Ð: "D", þ: "th", Þ: "Th", ł: "l", Ł: "L", đ: "d", Đ: "D", ı: "i",
  "–": "-", "—": "-", "‐": "-", "‑": "-", "‚": "'", "‘": "'", "’": "'", "`": "'", "´": "'",
  "„": " ", "“": " ", "”": " ", '"': " ", "«": " ", "»": " ", "_": "-", "\\": "/",
  ";": ",", "€": "EUR", "@": "(at)", "§": " ", "#": " ",
};

/** One character of the EPC basic Latin set: a-z A-Z 0-9 / - ? : ( ) . , ' + space. */
const SEPA_CHAR = /^[A-Za-z0-9/\-?:().,'+ ]$/;
const SEPA_TEXT = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const SEPA_ID = /^[A-Za-z0-9/\-?:().,'+]+$/;

/**
 * Convert text to the SEPA character set (EPC basic Latin): ä→ae, ß→ss, Ä→Ae …, & → "+",
 * other accented letters lose their accent, anything else becomes a space. Runs of spaces
 * collapse, the result is trimmed and cut to `max` characters.
 */
export function sepaText(s: string, max: number): string {
  if (SEPA_TEXT.test(s)) return s.replace(/\s+/g, " ").trim().slice(0, max).trim();
  let out = "";
  for (const ch of s.normalize("NFC")) {
    if (SEPA_CHAR.test(ch)) {
      out += ch;
      continue;
    }
    const mapped = TRANSLITERATION[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    const base = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    out += base.length > 0 && [...base].every((c) => SEPA_CHAR.test(c)) ? base : " ";
  }
  return out.replace(/\s+/g, " ").trim().slice(0, max).trim();
}

/** Integer cents → "1234.56" (the decimal form of the XML); refuses floats and negatives. */
export function formatSepaAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`Kein Betrag in Cent: ${cents}`);
  const euros = Math.floor(cents / 100);
  return `${euros}.${String(cents % 100).padStart(2, "0")}`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO instant → Berlin local time with offset, seconds precision: 2026-12-01T09:00:07+01:00. */
function berlinDateTime(iso: string): string {
  const instant = new Date(iso);
  const offset = berlinOffsetMinutes(instant);
  const local = new Date(Math.floor(instant.getTime() / 1000) * 1000 + offset * 60000);
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${local.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** An identifier (MsgId, PmtInfId, EndToEndId): 1–35 characters of the SEPA set, no "/" at the start, no "//". */
function checkId(value: string, what: string, item: string | null): void {
  if (!value) throw new SepaInputError(`${what} fehlt.`, item);
  if (value.length > 35) throw new SepaInputError(`${what} „${value}“ ist ${value.length} Zeichen lang; erlaubt sind höchstens 35.`, item);
  if (!SEPA_ID.test(value)) {
    throw new SepaInputError(`${what} „${value}“ enthält Zeichen außerhalb des SEPA-Zeichensatzes (erlaubt: A–Z, a–z, 0–9 und / - ? : ( ) . , ' +, keine Leerzeichen).`, item);
  }
  if (value.startsWith("/") || value.includes("//")) throw new SepaInputError(`${what} „${value}“ darf nicht mit „/“ beginnen und kein „//“ enthalten.`, item);
}

function checkIban(value: string, what: string, item: string | null): string {
  const result = validateIban(value ?? "");
  if (!result.ok) throw new SepaInputError(`${what}: ${result.error}`, item);
  return result.iban;
}

function checkBic(value: string | null | undefined, what: string, item: string | null): string | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const result = validateBic(value);
  if (!result.ok) throw new SepaInputError(`${what}: ${result.error}`, item);
  return result.bic;
}

function checkName(value: string, max: number, what: string, item: string | null): string {
  const text = sepaText(value ?? "", max);
  if (!text) throw new SepaInputError(`${what} fehlt oder enthält kein darstellbares Zeichen.`, item);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

/**
 * Write one pain.001.001.09 file with one payment information block (SEPA, TRF, SLEV) and one
 * transaction per payment. Throws SepaInputError (German message naming the payment) on input
 * the bank would refuse.
 */
export function buildCreditTransfer(input: CreditTransferInput): CreditTransferFile {
  checkId(input.messageId, "Die Nachrichtenreferenz (MsgId)", null);
  const paymentInfoId = input.paymentInfoId ?? input.messageId;
  checkId(paymentInfoId, "Die Referenz des Zahlungsauftrags (PmtInfId)", null);
  if (!input.createdAt || Number.isNaN(Date.parse(input.createdAt))) {
    throw new SepaInputError(`Der Erstellungszeitpunkt „${input.createdAt}“ ist kein gültiger Zeitpunkt.`);
  }
  if (!isIsoDate(input.executionDate)) {
    throw new SepaInputError(`Das Ausführungsdatum „${input.executionDate}“ ist kein gültiges Datum (JJJJ-MM-TT).`);
  }
  const initiator = checkName(input.initiatingPartyName, 70, "Der Name des Auftraggebers", null);
  const debtorName = checkName(input.debtor?.name, 70, "Der Name des Kontoinhabers (Auftraggeber)", null);
  const debtorIban = checkIban(input.debtor?.iban, "IBAN des Auftraggeberkontos", null);
  const debtorBic = checkBic(input.debtor?.bic, "BIC des Auftraggeberkontos", null);
  if (!input.payments || input.payments.length === 0) throw new SepaInputError("Der Zahllauf enthält keine Zahlungen.");

  const seen = new Set<string>();
  let ctrlSumCents = 0;
  const tx: string[] = [];
  input.payments.forEach((p, index) => {
    const item = p.endToEndId ? p.endToEndId : `Zahlung ${index + 1}`;
    const label = `Zahlung ${index + 1} (${p.endToEndId || "ohne Ende-zu-Ende-Referenz"})`;
    checkId(p.endToEndId, `${label}: Die Ende-zu-Ende-Referenz`, item);
    if (p.endToEndId === "NOTPROVIDED") throw new SepaInputError(`${label}: „NOTPROVIDED“ ist als Ende-zu-Ende-Referenz nicht zulässig.`, item);
    if (seen.has(p.endToEndId)) throw new SepaInputError(`${label}: Die Ende-zu-Ende-Referenz kommt im Zahllauf mehrfach vor.`, item);
    seen.add(p.endToEndId);
    if (typeof p.amountCents !== "number" || !Number.isInteger(p.amountCents)) {
      throw new SepaInputError(`${label}: Der Betrag muss ein ganzer Cent-Betrag sein (erhalten: ${String(p.amountCents)}).`, item);
    }
    if (p.amountCents <= 0) throw new SepaInputError(`${label}: Der Betrag muss größer als 0 sein.`, item);
    if (p.amountCents > SEPA_MAX_AMOUNT_CENTS) throw new SepaInputError(`${label}: Der Betrag übersteigt den SEPA-Höchstbetrag von 999.999.999,99 €.`, item);
    const name = checkName(p.creditorName, 70, `${label}: Der Name des Zahlungsempfängers`, item);
    const iban = checkIban(p.creditorIban, `${label}: IBAN des Zahlungsempfängers`, item);
    const bic = checkBic(p.creditorBic, `${label}: BIC des Zahlungsempfängers`, item);
    const remittance = sepaText(p.remittance ?? "", 140);
    ctrlSumCents += p.amountCents;
    tx.push(
      "<CdtTrfTxInf>" +
        `<PmtId><EndToEndId>${escapeXml(p.endToEndId)}</EndToEndId></PmtId>` +
        `<Amt><InstdAmt Ccy="EUR">${formatSepaAmount(p.amountCents)}</InstdAmt></Amt>` +
        (bic ? `<CdtrAgt><FinInstnId><BICFI>${bic}</BICFI></FinInstnId></CdtrAgt>` : "") +
        `<Cdtr><Nm>${escapeXml(name)}</Nm></Cdtr>` +
        `<CdtrAcct><Id><IBAN>${iban}</IBAN></Id></CdtrAcct>` +
        (remittance ? `<RmtInf><Ustrd>${escapeXml(remittance)}</Ustrd></RmtInf>` : "") +
        "</CdtTrfTxInf>",
    );
  });
  if (!Number.isSafeInteger(ctrlSumCents)) throw new SepaInputError("Die Summe des Zahllaufs ist zu groß.");

  const nbOfTxs = input.payments.length;
  const ctrlSum = formatSepaAmount(ctrlSumCents);
  const debtorAgent = debtorBic
    ? `<DbtrAgt><FinInstnId><BICFI>${debtorBic}</BICFI></FinInstnId></DbtrAgt>`
    : "<DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></DbtrAgt>";

  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Document xmlns="${PAIN_001_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    "<CstmrCdtTrfInitn>" +
    "<GrpHdr>" +
    `<MsgId>${escapeXml(input.messageId)}</MsgId>` +
    `<CreDtTm>${berlinDateTime(input.createdAt)}</CreDtTm>` +
    `<NbOfTxs>${nbOfTxs}</NbOfTxs>` +
    `<CtrlSum>${ctrlSum}</CtrlSum>` +
    `<InitgPty><Nm>${escapeXml(initiator)}</Nm></InitgPty>` +
    "</GrpHdr>" +
    "<PmtInf>" +
    `<PmtInfId>${escapeXml(paymentInfoId)}</PmtInfId>` +
    "<PmtMtd>TRF</PmtMtd>" +
    (input.batchBooking === undefined ? "" : `<BtchBookg>${input.batchBooking ? "true" : "false"}</BtchBookg>`) +
    `<NbOfTxs>${nbOfTxs}</NbOfTxs>` +
    `<CtrlSum>${ctrlSum}</CtrlSum>` +
    "<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>" +
    `<ReqdExctnDt><Dt>${input.executionDate}</Dt></ReqdExctnDt>` +
    `<Dbtr><Nm>${escapeXml(debtorName)}</Nm></Dbtr>` +
    `<DbtrAcct><Id><IBAN>${debtorIban}</IBAN></Id></DbtrAcct>` +
    debtorAgent +
    "<ChrgBr>SLEV</ChrgBr>" +
    tx.join("") +
    "</PmtInf>" +
    "</CstmrCdtTrfInitn>" +
    "</Document>\n";
  return { xml, nbOfTxs, ctrlSumCents };
}
