/**
 * The bank, simulated: camt.053.001.08 account statements and camt.054.001.08 notifications
 * for the tests and the demo data, in the shape German banks send them (balances OPBD/CLBD,
 * one Ntry per booking with its bank transaction code, NtryDtls/TxDtls with references,
 * related parties and remittance). Pure: builds a string from its input.
 *
 * Entries that share a `batchId` are booked as one Ntry with several TxDtls (a batch booking,
 * as the bank does for a pain.001 with BtchBookg=true).
 */
import type { CreditDebit } from "~/domain/camt";
import { normalizeIban } from "~/domain/iban";

export interface CamtFixtureEntry {
  endToEndId: string | null;
  amountCents: number;
  creditDebit: CreditDebit;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  remittance: string | null;
  /** Entries with the same batchId (next to each other) form one batch booking. */
  batchId?: string;
  status?: "BOOK" | "PDNG" | "INFO";
  /** Value date; defaults to the booking date. */
  valueDate?: string;
}

export interface CamtFixtureInput {
  messageId: string;
  /** ISO instant */
  createdAt: string;
  account: { iban: string; name: string };
  /** YYYY-MM-DD */
  bookingDate: string;
  entries: CamtFixtureEntry[];
  /** camt.053 only: opening balance (OPBD), default 0; the closing balance follows from the entries. */
  openingBalanceCents?: number;
  /** Statement / notification id; defaults to "<messageId>-1". */
  statementId?: string;
}

const NS = (kind: "053" | "054") => `urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.08`;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function amount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`Kein Betrag in Cent: ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

function amt(cents: number): string {
  return `<Amt Ccy="EUR">${amount(cents)}</Amt>`;
}

function balance(code: "OPBD" | "CLBD", cents: number, date: string): string {
  return (
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${amt(Math.abs(cents))}` +
    `<CdtDbtInd>${cents < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`
  );
}

function party(name: string | null): string {
  return name ? `<Pty><Nm>${esc(name)}</Nm></Pty>` : "";
}

function account(iban: string | null): string {
  return iban ? `<Id><IBAN>${normalizeIban(iban)}</IBAN></Id>` : "";
}

function txDetails(e: CamtFixtureEntry, owner: CamtFixtureInput["account"]): string {
  const ownParty = `<Pty><Nm>${esc(owner.name)}</Nm></Pty>`;
  const ownAcct = `<Id><IBAN>${normalizeIban(owner.iban)}</IBAN></Id>`;
  const other = party(e.counterpartyName);
  const otherAcct = account(e.counterpartyIban);
  // Outgoing transfer (DBIT): we are the debtor; incoming (CRDT): the counterparty is.
  const parties =
    e.creditDebit === "DBIT"
      ? `<Dbtr>${ownParty}</Dbtr><DbtrAcct>${ownAcct}</DbtrAcct>` + (other ? `<Cdtr>${other}</Cdtr>` : "") + (otherAcct ? `<CdtrAcct>${otherAcct}</CdtrAcct>` : "")
      : (other ? `<Dbtr>${other}</Dbtr>` : "") + (otherAcct ? `<DbtrAcct>${otherAcct}</DbtrAcct>` : "") + `<Cdtr>${ownParty}</Cdtr><CdtrAcct>${ownAcct}</CdtrAcct>`;
  return (
    "<TxDtls>" +
    `<Refs><EndToEndId>${esc(e.endToEndId ?? "NOTPROVIDED")}</EndToEndId></Refs>` +
    amt(e.amountCents) +
    `<CdtDbtInd>${e.creditDebit}</CdtDbtInd>` +
    `<RltdPties>${parties}</RltdPties>` +
    (e.remittance ? `<RmtInf><Ustrd>${esc(e.remittance)}</Ustrd></RmtInf>` : "") +
    "</TxDtls>"
  );
}

/** Group entries into bookings: consecutive entries with the same batchId form one. */
function bookings(entries: CamtFixtureEntry[]): CamtFixtureEntry[][] {
  const out: CamtFixtureEntry[][] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (e.batchId && last && last[0].batchId === e.batchId) {
      if (last[0].creditDebit !== e.creditDebit) throw new Error(`Sammelbuchung ${e.batchId}: Soll und Haben gemischt`);
      last.push(e);
    } else {
      out.push([e]);
    }
  }
  return out;
}

function entriesXml(input: CamtFixtureInput): { xml: string; netCents: number; count: number } {
  let netCents = 0;
  const groups = bookings(input.entries);
  const xml = groups
    .map((group, i) => {
      const first = group[0];
      const total = group.reduce((s, e) => s + e.amountCents, 0);
      const status = first.status ?? "BOOK";
      if (status === "BOOK") netCents += first.creditDebit === "CRDT" ? total : -total;
      const ref = `${input.messageId}-${String(i + 1).padStart(5, "0")}`;
      const family = first.creditDebit === "DBIT" ? "ICDT" : "RCDT";
      return (
        "<Ntry>" +
        `<NtryRef>${esc(ref)}</NtryRef>` +
        amt(total) +
        `<CdtDbtInd>${first.creditDebit}</CdtDbtInd>` +
        `<Sts><Cd>${status}</Cd></Sts>` +
        `<BookgDt><Dt>${input.bookingDate}</Dt></BookgDt>` +
        `<ValDt><Dt>${first.valueDate ?? input.bookingDate}</Dt></ValDt>` +
        `<AcctSvcrRef>${esc(ref)}</AcctSvcrRef>` +
        `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
        "<NtryDtls>" +
        (group.length > 1 ? `<Btch><NbOfTxs>${group.length}</NbOfTxs>${amt(total)}<CdtDbtInd>${first.creditDebit}</CdtDbtInd></Btch>` : "") +
        group.map((e) => txDetails(e, input.account)).join("") +
        "</NtryDtls>" +
        (group.length > 1 ? `<AddtlNtryInf>SEPA-Sammelueberweisung ${group.length} Posten</AddtlNtryInf>` : "<AddtlNtryInf>SEPA-Ueberweisung</AddtlNtryInf>") +
        "</Ntry>"
      );
    })
    .join("");
  return { xml, netCents, count: groups.length };
}

function accountXml(input: CamtFixtureInput): string {
  return `<Acct><Id><IBAN>${normalizeIban(input.account.iban)}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>${esc(input.account.name)}</Nm></Ownr></Acct>`;
}

/** A camt.053.001.08 account statement for one day. */
export function buildCamt053(input: CamtFixtureInput): string {
  const opening = input.openingBalanceCents ?? 0;
  const { xml: entries, netCents, count } = entriesXml(input);
  const id = input.statementId ?? `${input.messageId}-1`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Document xmlns="${NS("053")}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    "<BkToCstmrStmt>" +
    `<GrpHdr><MsgId>${esc(input.messageId)}</MsgId><CreDtTm>${input.createdAt}</CreDtTm></GrpHdr>` +
    "<Stmt>" +
    `<Id>${esc(id)}</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>${input.createdAt}</CreDtTm>` +
    `<FrToDt><FrDtTm>${input.bookingDate}T00:00:00</FrDtTm><ToDtTm>${input.bookingDate}T23:59:59</ToDtTm></FrToDt>` +
    accountXml(input) +
    balance("OPBD", opening, input.bookingDate) +
    balance("CLBD", opening + netCents, input.bookingDate) +
    `<TxsSummry><TtlNtries><NbOfNtries>${count}</NbOfNtries></TtlNtries></TxsSummry>` +
    entries +
    "</Stmt>" +
    "</BkToCstmrStmt>" +
    "</Document>\n"
  );
}

/** A camt.054.001.08 debit/credit notification (no balances). */
export function buildCamt054(input: CamtFixtureInput): string {
  const { xml: entries } = entriesXml(input);
  const id = input.statementId ?? `${input.messageId}-1`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Document xmlns="${NS("054")}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    "<BkToCstmrDbtCdtNtfctn>" +
    `<GrpHdr><MsgId>${esc(input.messageId)}</MsgId><CreDtTm>${input.createdAt}</CreDtTm></GrpHdr>` +
    "<Ntfctn>" +
    `<Id>${esc(id)}</Id><CreDtTm>${input.createdAt}</CreDtTm>` +
    accountXml(input) +
    entries +
    "</Ntfctn>" +
    "</BkToCstmrDbtCdtNtfctn>" +
    "</Document>\n"
  );
}
