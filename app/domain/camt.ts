/**
 * Bank statements: camt.053 (account statement) and camt.054 (debit/credit notification),
 * versions .001.02 to .001.08, read namespace-agnostically with fast-xml-parser. Each
 * transaction detail (NtryDtls/TxDtls) becomes one BankEntry with its own amount, so a batch
 * booking of several credit transfers yields one entry per transfer, linked to its payment
 * item by the end-to-end id. An entry without details yields one BankEntry (end-to-end id null).
 *
 * Safety: a document with a DOCTYPE or ENTITY declaration is refused before parsing (no DTDs,
 * no entity expansion), as is one over the size limit. Entities are not expanded by the
 * parser; the five predefined XML entities and character references are decoded here.
 */
import { XMLParser } from "fast-xml-parser";
import { ValidationError } from "./errors";
import { formatCents } from "./money";
import { berlinDate } from "./time";

export type CreditDebit = "CRDT" | "DBIT";

export interface BankEntry {
  entryRef: string | null;
  endToEndId: string | null;
  amountCents: number;
  creditDebit: CreditDebit;
  status: "BOOK" | "PDNG" | "INFO" | string;
  bookingDate: string | null;
  valueDate: string | null;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  remittance: string | null;
}

export interface BankStatementPart {
  id: string;
  createdAt: string | null;
  entries: BankEntry[];
}

export interface BankStatement {
  kind: "camt.053" | "camt.054";
  messageId: string;
  account: { iban: string } | null;
  statements: BankStatementPart[];
}

export interface ParseBankStatementOptions {
  /** Largest accepted document in bytes (UTF-8); default 20 MB. */
  maxBytes?: number;
}

export const CAMT_DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** A bank statement that cannot be read; the message says why, in German. */
export class BankStatementError extends ValidationError {}

type Node = Record<string, unknown>;

const ARRAY_TAGS = new Set(["Stmt", "Ntfctn", "Ntry", "NtryDtls", "TxDtls", "Ustrd", "Bal", "Strd"]);

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  isArray: (tagName, _path, _leaf, isAttribute) => !isAttribute && ARRAY_TAGS.has(tagName),
});

const ROOTS = {
  BkToCstmrStmt: { kind: "camt.053", list: "Stmt" },
  BkToCstmrDbtCdtNtfctn: { kind: "camt.054", list: "Ntfctn" },
} as const;

function fail(message: string): never {
  throw new BankStatementError(message);
}

function byteLength(s: string, limit: number): number {
  // Cheap bounds first: UTF-16 length ≤ UTF-8 bytes ≤ 3 × UTF-16 length.
  if (s.length > limit || s.length * 3 <= limit) return s.length;
  return new TextEncoder().encode(s).length;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decode the predefined entities and character references (the parser leaves them as written). */
export function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (match, ref: string) => {
    if (ref.startsWith("#x")) return safeCodePoint(parseInt(ref.slice(2), 16), match);
    if (ref.startsWith("#")) return safeCodePoint(parseInt(ref.slice(1), 10), match);
    return ENTITIES[ref];
  });
}

function safeCodePoint(cp: number, fallback: string): string {
  return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}

function child(node: unknown, name: string): unknown {
  return node && typeof node === "object" && !Array.isArray(node) ? (node as Node)[name] : undefined;
}

function path(node: unknown, ...names: string[]): unknown {
  return names.reduce<unknown>((n, name) => child(n, name), node);
}

/** Text content of a node (a string, or the #text of an element with attributes); null if absent. */
function textOf(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === "string") return node === "" ? null : decodeXmlText(node);
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  const t = (node as Node)["#text"];
  return t === undefined ? null : textOf(t);
}

function list(node: unknown): unknown[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

/** "1234.5" → 123450, exactly; more than two decimals only if they are zeros. */
export function camtAmountToCents(value: string, where: string): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) fail(`${where}: Der Betrag „${value}“ ist keine gültige Zahl.`);
  const fraction = m[2] ?? "";
  if (/[1-9]/.test(fraction.slice(2))) fail(`${where}: Der Betrag „${value}“ hat mehr als zwei Nachkommastellen.`);
  const cents = Number(m[1]) * 100 + Number(fraction.slice(0, 2).padEnd(2, "0"));
  if (!Number.isSafeInteger(cents)) fail(`${where}: Der Betrag „${value}“ ist zu groß.`);
  return cents;
}

function amountOf(node: unknown, where: string): number | null {
  const value = textOf(node);
  if (value === null) return null;
  const ccy = child(node, "@_Ccy");
  if (typeof ccy === "string" && ccy !== "EUR") fail(`${where}: Der Betrag ist in ${ccy}; es werden nur Buchungen in Euro verarbeitet.`);
  return camtAmountToCents(value, where);
}

/** Dt (YYYY-MM-DD) or DtTm (converted to the Berlin calendar date). */
function dateOf(node: unknown): string | null {
  const dt = textOf(child(node, "Dt"));
  if (dt) return dt.slice(0, 10);
  const dtTm = textOf(child(node, "DtTm"));
  if (!dtTm) return null;
  return Number.isNaN(Date.parse(dtTm)) ? dtTm.slice(0, 10) : berlinDate(dtTm);
}

function creditDebitOf(node: unknown, where: string): CreditDebit {
  const value = textOf(child(node, "CdtDbtInd"));
  if (value !== "CRDT" && value !== "DBIT") fail(`${where}: Soll/Haben-Kennzeichen „${value ?? ""}“ fehlt oder ist ungültig (CRDT oder DBIT).`);
  return value;
}

/** camt.053.001.02 writes <Sts>BOOK</Sts>, from .06 on <Sts><Cd>BOOK</Cd></Sts>. */
function statusOf(entry: unknown): string {
  const sts = child(entry, "Sts");
  return textOf(child(sts, "Cd")) ?? textOf(child(sts, "Prtry")) ?? textOf(sts) ?? "BOOK";
}

/** Party name: Nm directly (≤ .05) or inside Pty (.06 on). */
function partyName(party: unknown): string | null {
  return textOf(child(party, "Nm")) ?? textOf(path(party, "Pty", "Nm"));
}

function accountIban(account: unknown): string | null {
  const iban = textOf(path(account, "Id", "IBAN"));
  return iban ? iban.replace(/\s/g, "").toUpperCase() : null;
}

function remittanceOf(tx: unknown): string | null {
  const rmt = child(tx, "RmtInf");
  const ustrd = list(child(rmt, "Ustrd")).map(textOf).filter((s): s is string => !!s);
  if (ustrd.length > 0) return ustrd.join(" ");
  const refs = list(child(rmt, "Strd"))
    .map((s) => textOf(path(s, "CdtrRefInf", "Ref")))
    .filter((s): s is string => !!s);
  return refs.length > 0 ? refs.join(" ") : null;
}

function endToEndOf(tx: unknown): string | null {
  const id = textOf(path(tx, "Refs", "EndToEndId"));
  return !id || id === "NOTPROVIDED" ? null : id;
}

/** The other party: the creditor of an outgoing (DBIT) transfer, the debtor of an incoming (CRDT) one. */
function counterparty(tx: unknown, creditDebit: CreditDebit): { name: string | null; iban: string | null } {
  const parties = child(tx, "RltdPties");
  const [party, account] = creditDebit === "DBIT" ? ["Cdtr", "CdtrAcct"] : ["Dbtr", "DbtrAcct"];
  return { name: partyName(child(parties, party)), iban: accountIban(child(parties, account)) };
}

function txAmount(tx: unknown, where: string): number | null {
  return (
    amountOf(child(tx, "Amt"), where) ??
    amountOf(path(tx, "AmtDtls", "TxAmt", "Amt"), where) ??
    amountOf(path(tx, "AmtDtls", "InstdAmt", "Amt"), where)
  );
}

function readEntries(entries: unknown[], statementId: string): BankEntry[] {
  const out: BankEntry[] = [];
  entries.forEach((entry, index) => {
    const entryRef = textOf(child(entry, "NtryRef")) ?? textOf(child(entry, "AcctSvcrRef"));
    const where = `Auszug ${statementId}, Buchung ${entryRef ?? index + 1}`;
    const entryAmount = amountOf(child(entry, "Amt"), where);
    if (entryAmount === null) fail(`${where}: Der Betrag fehlt.`);
    const entryCd = creditDebitOf(entry, where);
    const base = {
      entryRef,
      status: statusOf(entry),
      bookingDate: dateOf(child(entry, "BookgDt")),
      valueDate: dateOf(child(entry, "ValDt")),
    };
    const txs = list(child(entry, "NtryDtls")).flatMap((d) => list(child(d, "TxDtls")));
    if (txs.length === 0) {
      out.push({
        ...base,
        endToEndId: null,
        amountCents: entryAmount,
        creditDebit: entryCd,
        counterpartyName: null,
        counterpartyIban: null,
        remittance: textOf(child(entry, "AddtlNtryInf")),
      });
      return;
    }
    let sum = 0;
    txs.forEach((tx, txIndex) => {
      const txWhere = txs.length > 1 ? `${where}, Einzelumsatz ${txIndex + 1}` : where;
      let amount = txAmount(tx, txWhere);
      if (amount === null) {
        if (txs.length > 1) fail(`${txWhere}: Die Sammelbuchung nennt den Betrag des Einzelumsatzes nicht.`);
        amount = entryAmount;
      }
      const creditDebit = child(tx, "CdtDbtInd") === undefined ? entryCd : creditDebitOf(tx, txWhere);
      sum += creditDebit === entryCd ? amount : -amount;
      const party = counterparty(tx, creditDebit);
      out.push({
        ...base,
        endToEndId: endToEndOf(tx),
        amountCents: amount,
        creditDebit,
        counterpartyName: party.name,
        counterpartyIban: party.iban,
        remittance: remittanceOf(tx) ?? textOf(child(entry, "AddtlNtryInf")),
      });
    });
    if (txs.length > 1 && sum !== entryAmount) {
      fail(`${where}: Die Einzelumsätze ergeben ${formatCents(sum)}, die Buchung lautet über ${formatCents(entryAmount)}.`);
    }
  });
  return out;
}

/**
 * Read a camt.053 or camt.054 document (versions .001.02 to .001.08). Throws
 * BankStatementError with a German message for anything it refuses.
 */
export function parseBankStatement(xml: string, options: ParseBankStatementOptions = {}): BankStatement {
  const maxBytes = options.maxBytes ?? CAMT_DEFAULT_MAX_BYTES;
  if (typeof xml !== "string" || xml.trim() === "") fail("Die Datei ist leer.");
  const size = byteLength(xml, maxBytes);
  if (size > maxBytes) {
    fail(`Die Datei ist zu groß (${Math.ceil(size / 1024)} KB); erlaubt sind höchstens ${Math.floor(maxBytes / 1024)} KB.`);
  }
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    fail("Die Datei enthält eine DOCTYPE- oder ENTITY-Deklaration und wird aus Sicherheitsgründen nicht gelesen.");
  }
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (error) {
    fail(`Die Datei ist kein gültiges XML: ${(error as Error).message ?? String(error)}`.slice(0, 500));
  }
  const document = doc.Document;
  if (!document || typeof document !== "object") fail("Die Datei ist kein ISO-20022-Dokument (Wurzelelement „Document“ fehlt).");
  const rootName = Object.keys(document as Node).find((k) => !k.startsWith("@_") && k !== "#text");
  const root = rootName ? ROOTS[rootName as keyof typeof ROOTS] : undefined;
  if (!root) {
    fail(`Die Datei ist kein Kontoauszug (camt.053) und keine Umsatzbenachrichtigung (camt.054), sondern „${rootName ?? "leer"}“.`);
  }
  // The parser drops namespace declarations (removeNSPrefix): read the ISO 20022 namespace
  // from the Document start tag, whichever prefix it is bound to.
  const startTag = /<(?:[A-Za-z_][\w.-]*:)?Document\b[^>]*>/.exec(xml)?.[0] ?? "";
  const namespace = /xmlns(?::[A-Za-z_][\w.-]*)?\s*=\s*["'](urn:iso:std:iso:20022:tech:xsd:[^"']*)["']/.exec(startTag)?.[1];
  if (namespace) {
    const m = /^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.(\d{2})$/.exec(namespace);
    if (!m || m[1] !== root.kind) fail(`Der Namensraum „${namespace}“ passt nicht zu ${root.kind}.`);
    const version = Number(m[2]);
    if (version < 2 || version > 8) fail(`${root.kind}.001.${m[2]} wird nicht unterstützt (unterstützt: .001.02 bis .001.08).`);
  }
  const body = (document as Node)[rootName!];
  const messageId = textOf(path(body, "GrpHdr", "MsgId"));
  if (!messageId) fail("Die Nachrichtenreferenz (GrpHdr/MsgId) fehlt.");
  const parts = list(child(body, root.list));
  let account: { iban: string } | null = null;
  const statements = parts.map((part, index) => {
    const id = textOf(child(part, "Id")) ?? String(index + 1);
    const iban = accountIban(child(part, "Acct"));
    if (iban && !account) account = { iban };
    return { id, createdAt: textOf(child(part, "CreDtTm")), entries: readEntries(list(child(part, "Ntry")), id) };
  });
  return { kind: root.kind, messageId, account, statements };
}
