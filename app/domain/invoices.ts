/**
 * Invoice intake rules that need no database (issue 10, points 4–9): the checks that apply only
 * at intake (Leitweg-ID, seller = sending organisation, duplicates), the deviation text for the
 * factual check, the SEPA-safe purpose and the state a provider reads in the portal.
 */
import { sepaText } from "./sepa";
import { formatIban, normalizeIban } from "./iban";
import { formatCents } from "./money";
import { formatDate } from "./time";
import type { PaymentItemState } from "./payment-item.machine";

export const INVOICE_STATUSES = ["received", "rejected", "accepted", "paid", "cancelled"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_STATUS_LABELS: Record<InvoiceStatus, string> = {
  received: "eingegangen",
  rejected: "abgelehnt",
  accepted: "angenommen",
  paid: "bezahlt",
  cancelled: "storniert",
};

export const INVOICE_CHANNEL_LABELS: Record<string, string> = { portal: "Portal", api: "Schnittstelle", manual: "von Hand erfasst" };
export const INVOICE_FORM_LABELS: Record<string, string> = { ubl: "XRechnung (UBL)", cii: "XRechnung (CII)", zugferd: "ZUGFeRD-PDF", paper: "Papier/PDF", bill: "bestätigte Platzabrechnung" };

export interface IntakeFinding {
  rule: string;
  message: string;
  term?: string;
}

/** BT-10 must be the authority's Leitweg-ID (intake only; the standard check knows no Leitweg-ID). */
export function leitwegFinding(buyerReference: string | null, expected: string): IntakeFinding | null {
  const given = (buyerReference ?? "").trim();
  if (given.toLowerCase() === expected.trim().toLowerCase()) return null;
  return {
    rule: "LEITWEG-ID",
    term: "BT-10",
    message: given
      ? `Die Leitweg-ID der Rechnung (BT-10) „${given}“ ist nicht die Leitweg-ID dieser Behörde („${expected}“). Bitte stellen Sie die Rechnung mit der richtigen Leitweg-ID aus.`
      : `Die Rechnung enthält keine Leitweg-ID (BT-10); die Leitweg-ID dieser Behörde ist „${expected}“.`,
  };
}

const vatKey = (v: string | null | undefined) => (v ?? "").replace(/[\s.\-/]/g, "").toUpperCase();
/** Legal forms a seller name may carry or leave out ("Bildungswerk Lausitz gGmbH" is "Bildungswerk Lausitz"). */
const LEGAL_FORMS = new Set(["gmbh", "ggmbh", "mbh", "ug", "haftungsbeschränkt", "ag", "kg", "ohg", "gbr", "ev", "e", "v", "eg", "se", "co", "kgaa", "partg", "inh", "gemeinnützige"]);
const nameKey = (v: string | null | undefined) =>
  (v ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9äöüß]+/g, " ")
    .trim()
    .split(" ")
    .filter((w) => w && !LEGAL_FORMS.has(w))
    .join(" ");

/**
 * A provider may only invoice as itself: the seller's VAT id (BT-31) must equal the organisation's
 * VAT id when both are known; otherwise the seller name (BT-27) must name the organisation.
 */
export function sellerFinding(seller: { name: string | null; vatId: string | null }, provider: { name: string; vatId: string | null }): IntakeFinding | null {
  const a = vatKey(seller.vatId);
  const b = vatKey(provider.vatId);
  if (a && b) {
    if (a === b) return null;
    return { rule: "VERKAEUFER", term: "BT-31", message: `Die USt-IdNr. des Verkäufers (BT-31) „${seller.vatId}“ ist nicht die Ihrer Organisation (${provider.vatId}). Sie können nur Rechnungen Ihrer eigenen Organisation einreichen.` };
  }
  const s = nameKey(seller.name);
  const p = nameKey(provider.name);
  // The same name apart from the legal form; a part of the name ("Lausitz") is not the organisation.
  if (s && p && s === p) return null;
  return {
    rule: "VERKAEUFER",
    term: "BT-27",
    message: `Der Verkäufer der Rechnung (BT-27) „${seller.name ?? ""}“ ist nicht Ihre Organisation („${provider.name}“)${b ? "" : "; in Ihren Stammdaten ist keine USt-IdNr. hinterlegt, mit der er verglichen werden könnte"}. Sie können nur Rechnungen Ihrer eigenen Organisation einreichen.`,
  };
}

/** The key that makes an accepted invoice unique: the seller (provider) and the invoice number. */
export function duplicateKey(providerId: number, number: string): string {
  return `${providerId}:${number.trim().toUpperCase().replace(/\s+/g, " ")}`.slice(0, 300);
}

export function duplicateFinding(earlierReference: string, number: string, receivedOn: string): IntakeFinding {
  return {
    rule: "DUPLIKAT",
    term: "BT-1",
    message: `Eine Rechnung dieses Rechnungsstellers mit der Nummer „${number}“ ist bereits am ${formatDate(receivedOn)} eingegangen und angenommen (${earlierReference}). Eine Rechnung wird nur einmal angenommen; für eine Korrektur stellen Sie bitte eine Rechnungskorrektur mit neuer Nummer aus.`,
  };
}

/** The purpose of the transfer: the invoice number in the SEPA character set, at most 140 characters. */
export function sepaPurpose(text: string): string {
  return sepaText(text, 140);
}

export interface ContractFacts {
  reference: string;
  priceUnit: string;
  quantity: number;
  unitPriceCents: number;
  successFeeCents: number | null;
  startDate: string;
  endDate: string;
}

/** The contract whose reference the invoice names in BT-12 (contract) or BT-13 (order); the longest match wins. */
export function matchContract<C extends { reference: string }>(contracts: C[], contractReference: string | null, orderReference: string | null): C | null {
  const hay = [contractReference, orderReference].filter((x): x is string => Boolean(x)).map((x) => x.toUpperCase());
  const hits = contracts.filter((c) => c.reference && hay.some((h) => h.includes(c.reference.toUpperCase())));
  return hits.sort((a, b) => b.reference.length - a.reference.length)[0] ?? null;
}

export interface DeviationInput {
  /** The billed amount compared with the contract: the gross total (BT-112), what is paid. */
  amountCents: number;
  contract: ContractFacts | null;
  periodStart: string | null;
  periodEnd: string | null;
  /** What the contract allows for the period (place-month prices) or in all (per participant), null when not computable. */
  allowedCents: number | null;
  /** Amounts already invoiced (accepted or paid) under the contract. */
  invoicedBeforeCents: number;
  /** The contract's whole value (places × price × months, or participants × price): no period may take more. */
  contractTotalCents?: number | null;
  invoiceIban: string | null;
  masterIban: string | null;
}

/** The German deviation note for the factual check; "" when nothing deviates. */
export function invoiceDeviation(d: DeviationInput): string {
  const notes: string[] = [];
  if (!d.contract) notes.push("Kein Vertrag gefunden: die Rechnung nennt in BT-12 (Vertrag) oder BT-13 (Bestellung) keine Vertragsnummer eines Vertrags dieses Auftragnehmers. Bitte den Vertrag auf der Rechnungsseite wählen.");
  else if (d.contract.priceUnit === "place_month") {
    if (!d.periodStart || !d.periodEnd) notes.push(`Kein Abrechnungszeitraum angegeben (BT-73/BT-74): der Betrag kann nicht mit dem Vertrag ${d.contract.reference} verglichen werden.`);
    else if (d.allowedCents !== null && d.amountCents > d.allowedCents)
      notes.push(
        `Der Rechnungsbetrag ${formatCents(d.amountCents)} liegt um ${formatCents(d.amountCents - d.allowedCents)} über dem, was der Vertrag ${d.contract.reference} für ${formatDate(d.periodStart)}–${formatDate(d.periodEnd)} erlaubt (${formatCents(d.allowedCents)}: ${d.contract.quantity} ${d.contract.quantity === 1 ? "Platz" : "Plätze"} × ${formatCents(d.contract.unitPriceCents)} je Monat).`,
      );
    if (d.periodStart && d.periodEnd && (d.periodEnd < d.contract.startDate || d.periodStart > d.contract.endDate))
      notes.push(`Der Abrechnungszeitraum ${formatDate(d.periodStart)}–${formatDate(d.periodEnd)} liegt außerhalb der Vertragslaufzeit (${formatDate(d.contract.startDate)}–${formatDate(d.contract.endDate)}).`);
    if (d.contractTotalCents != null && d.invoicedBeforeCents + d.amountCents > d.contractTotalCents)
      notes.push(
        `Mit dieser Rechnung sind ${formatCents(d.invoicedBeforeCents + d.amountCents)} auf den Vertrag ${d.contract.reference} abgerechnet, ${formatCents(d.invoicedBeforeCents + d.amountCents - d.contractTotalCents)} mehr als sein Gesamtwert (${formatCents(d.contractTotalCents)}).`,
      );
  } else if (d.allowedCents !== null && d.invoicedBeforeCents + d.amountCents > d.allowedCents) {
    const over = d.invoicedBeforeCents + d.amountCents - d.allowedCents;
    notes.push(
      `Mit dieser Rechnung sind ${formatCents(d.invoicedBeforeCents + d.amountCents)} auf den Vertrag ${d.contract.reference} abgerechnet, ${formatCents(over)} mehr als der Vertrag bindet (${formatCents(d.allowedCents)}: ${d.contract.quantity} ${d.contract.quantity === 1 ? "Teilnehmer/in" : "Teilnehmende"} × ${formatCents(d.contract.unitPriceCents + (d.contract.successFeeCents ?? 0))}).`,
    );
  }
  const a = d.invoiceIban ? normalizeIban(d.invoiceIban) : "";
  const b = d.masterIban ? normalizeIban(d.masterIban) : "";
  if (a && b && a !== b) notes.push(`Die IBAN der Rechnung (${formatIban(a)}) weicht von der Bankverbindung in den Stammdaten ab (${formatIban(b)}); gezahlt wird an die Bankverbindung der Stammdaten.`);
  if (!a && !b) notes.push("Weder die Rechnung noch die Stammdaten nennen eine IBAN.");
  return notes.join(" ").slice(0, 1000);
}

/** What a provider reads about its invoice in the portal and the API (derived from the payment item). */
export function providerInvoiceState(invoice: { status: string }, item: { status: string; paidOn: string | null } | null): { code: string; label: string } {
  if (invoice.status === "rejected") return { code: "rejected", label: "abgelehnt" };
  if (invoice.status === "cancelled") return { code: "cancelled", label: "storniert" };
  if (invoice.status === "paid" || item?.status === "paid") return { code: "paid", label: item?.paidOn ? `bezahlt am ${formatDate(item.paidOn)}` : "bezahlt" };
  const s = item?.status as PaymentItemState | undefined;
  switch (s) {
    case "awaiting_arithmetic":
      return { code: "factually_correct", label: "sachlich richtig" };
    case "awaiting_order":
      return { code: "arithmetically_correct", label: "rechnerisch richtig" };
    case "ordered":
      return { code: "ordered", label: "angeordnet" };
    case "in_run":
      return { code: "in_payment_run", label: "im Zahllauf" };
    case "cancelled":
      return { code: "cancelled", label: "storniert" };
    default:
      return { code: "in_review", label: "eingegangen, in Prüfung" };
  }
}
export const PROVIDER_INVOICE_STATES = ["rejected", "in_review", "factually_correct", "arithmetically_correct", "ordered", "in_payment_run", "paid", "cancelled"] as const;

/** A finding as one line: its message, which names its rule id (added when the message does not). */
export function findingText(f: { rule: string; message: string }): string {
  return f.message.startsWith(`${f.rule}:`) ? f.message : `${f.rule}: ${f.message}`;
}

/** A finding's message without its leading rule id (for a table that shows the id in a column of its own). */
export function findingMessage(f: { rule: string; message: string }): string {
  return f.message.startsWith(`${f.rule}:`) ? f.message.slice(f.rule.length + 1).trim() : f.message;
}
