/**
 * The two payment documents, rendered with renderPdf from `templates/`:
 *
 * - the Auszahlungsanordnung of one payment item (payee, IBAN, amount, due date, remittance,
 *   budget line and year, the commitment it consumes, Verification-of-Payee result and the
 *   three signatures sachlich richtig / rechnerisch richtig / angeordnet), and
 * - the Zahllaufliste of a payment run (execution date, debtor account, message id, the SEPA
 *   file's SHA-256, count and control sum, and every item with the total).
 *
 * Callers pass raw values (cents, YYYY-MM-DD dates, ISO instants, IBANs as stored); all
 * formatting happens here with the domain helpers.
 */
import { formatIban } from "~/domain/iban";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { VOP_LABELS, vopBlocks, vopWarning, type VopResult } from "~/domain/vop";
import { renderPdf, type Letterhead, type TemplateRow } from "./pdf.server";

export interface PaymentSignature {
  name: string;
  role: string;
  /** ISO instant; printed in Berlin time. */
  at: string;
}

export interface PaymentOrderData {
  /** Reference of the payment item, e.g. "AZ-2026-00017". */
  reference: string;
  payeeName: string;
  payeeIban: string;
  payeeBic: string | null;
  amountCents: number;
  /** YYYY-MM-DD */
  dueDate: string;
  /** RmtInf/Ustrd of the transfer: invoice number or claim reference. */
  remittance: string;
  /** What the payment is for, in words (invoice of …, instalment 2 of claim …); null if the remittance says it. */
  purpose: string | null;
  budgetLine: { number: string; title: string };
  budgetYear: number;
  /** The commitment (Mittelbindung) the payment consumes; null for a payment without one. */
  commitment: { reference: string; beforeCents: number; afterCents: number } | null;
  /** A signature not yet given is null and prints "–". */
  signatures: { factual: PaymentSignature | null; arithmetic: PaymentSignature | null; order: PaymentSignature | null };
  /** Verification of Payee; null if not yet checked. */
  vop: { result: VopResult; checkedAt: string | null; suggestedName: string | null } | null;
  /** ISO instant of printing. */
  generatedAt: string;
}

export interface RunListItem {
  payeeName: string;
  payeeIban: string;
  endToEndId: string;
  remittance: string;
  amountCents: number;
}

export interface RunListData {
  runReference: string;
  /** YYYY-MM-DD */
  executionDate: string;
  debtor: { name: string; iban: string; bic: string | null };
  messageId: string;
  /** SHA-256 of the pain.001 file, hex. */
  fileSha256: string;
  /** NbOfTxs and CtrlSum of the file; checked against the items. */
  count: number;
  ctrlSumCents: number;
  items: RunListItem[];
  /** ISO instant of printing. */
  generatedAt: string;
}

function signatureRow(label: string, s: PaymentSignature | null): TemplateRow {
  return s ? { label, name: s.name, role: s.role, at: formatDateTime(s.at) } : { label, name: "–", role: "–", at: "noch nicht erteilt" };
}

/** The template data of an Auszahlungsanordnung (exported for tests). */
export function paymentOrderTemplateData(d: PaymentOrderData) {
  const vopNote = d.vop ? (vopBlocks(d.vop.result) ?? vopWarning(d.vop.result, d.vop.suggestedName) ?? "–") : "Die Empfängerüberprüfung steht noch aus.";
  return {
    reference: d.reference,
    payeeName: d.payeeName,
    payeeIban: formatIban(d.payeeIban),
    payeeBic: d.payeeBic,
    amount: formatCents(d.amountCents),
    dueDate: formatDate(d.dueDate),
    remittance: d.remittance,
    purpose: d.purpose,
    budgetLine: `${d.budgetLine.number} – ${d.budgetLine.title}`,
    budgetYear: String(d.budgetYear),
    commitmentReference: d.commitment ? d.commitment.reference : "ohne Mittelbindung",
    commitmentBefore: d.commitment ? formatCents(d.commitment.beforeCents) : null,
    commitmentAfter: d.commitment ? formatCents(d.commitment.afterCents) : null,
    vopResult: d.vop ? VOP_LABELS[d.vop.result] : "noch nicht geprüft",
    vopCheckedAt: d.vop?.checkedAt ? formatDateTime(d.vop.checkedAt) : null,
    vopSuggestedName: d.vop?.suggestedName ?? null,
    vopNote,
    signatures: [
      signatureRow("sachlich richtig", d.signatures.factual),
      signatureRow("rechnerisch richtig", d.signatures.arithmetic),
      signatureRow("angeordnet", d.signatures.order),
    ],
    generatedAt: formatDateTime(d.generatedAt),
  };
}

/** The template data of a Zahllaufliste (exported for tests). Refuses items that do not add up to the file's count and control sum. */
export function runListTemplateData(d: RunListData) {
  const total = d.items.reduce((sum, item) => sum + item.amountCents, 0);
  if (d.items.length !== d.count) throw new Error(`Zahllaufliste ${d.runReference}: ${d.items.length} Posten, die Datei nennt ${d.count}.`);
  if (total !== d.ctrlSumCents) {
    throw new Error(`Zahllaufliste ${d.runReference}: Die Posten ergeben ${formatCents(total)}, die Kontrollsumme der Datei ist ${formatCents(d.ctrlSumCents)}.`);
  }
  return {
    runReference: d.runReference,
    executionDate: formatDate(d.executionDate),
    debtorAccount: `${d.debtor.name}, IBAN ${formatIban(d.debtor.iban)}${d.debtor.bic ? `, BIC ${d.debtor.bic}` : ""}`,
    messageId: d.messageId,
    fileSha256: d.fileSha256,
    count: d.count.toLocaleString("de-DE"),
    ctrlSum: formatCents(d.ctrlSumCents),
    total: formatCents(total),
    generatedAt: formatDateTime(d.generatedAt),
    items: d.items.map((item, i) => ({
      no: i + 1,
      payee: item.payeeName,
      iban: formatIban(item.payeeIban),
      endToEndId: item.endToEndId,
      remittance: item.remittance,
      amount: formatCents(item.amountCents),
    })),
  };
}

/** The Auszahlungsanordnung of one payment item as PDF bytes. */
export function renderPaymentOrderPdf(data: PaymentOrderData, letterhead: Letterhead): Promise<Uint8Array> {
  return renderPdf({ template: "payment-order", data: paymentOrderTemplateData(data), letterhead, title: `Auszahlungsanordnung ${data.reference}` });
}

/** The Zahllaufliste of a payment run as PDF bytes. */
export function renderPaymentRunListPdf(data: RunListData, letterhead: Letterhead): Promise<Uint8Array> {
  return renderPdf({ template: "payment-run-list", data: runListTemplateData(data), letterhead, title: `Zahllaufliste ${data.runReference}` });
}
