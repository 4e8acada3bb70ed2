/**
 * The payment item's transition table (DOMAIN.md § 3.3, rule 12): sachlich richtig →
 * rechnerisch richtig → Anordnung → Zahllauf → ausgezahlt, or storniert with a reason. The three
 * signatures come from three different people; nobody signs an item whose payee bank data they
 * entered or confirmed, or that they registered by hand; a provider user never signs.
 */
import { formatCents } from "./money";
import { defineMachine } from "./machine";

export const PAYMENT_ITEM_STATES = ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold", "in_run", "paid", "cancelled"] as const;
export type PaymentItemState = (typeof PAYMENT_ITEM_STATES)[number];
export const PAYMENT_ITEM_STATE_LABELS: Record<PaymentItemState, string> = {
  // Single quotes inside: the labels are themselves quoted in messages („wartet auf ‚sachlich richtig‘“).
  awaiting_factual: "wartet auf ‚sachlich richtig‘",
  awaiting_arithmetic: "wartet auf ‚rechnerisch richtig‘",
  awaiting_order: "wartet auf Anordnung",
  ordered: "angeordnet",
  on_hold: "angehalten",
  in_run: "im Zahllauf",
  paid: "ausgezahlt",
  cancelled: "storniert",
};
/** States in which payee, IBAN, amount and due date are locked (the factual check is signed). */
export const LOCKED_STATES: readonly PaymentItemState[] = ["awaiting_order", "awaiting_arithmetic", "ordered", "in_run", "paid"];
/** States an item is still open in (for lists and the home page). */
export const OPEN_STATES: readonly PaymentItemState[] = ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold", "in_run"];

export type PaymentItemEvent = "sign_factual" | "sign_arithmetic" | "order" | "hold" | "add_to_run" | "return_from_run" | "book" | "cancel" | "withdraw";

export type Signature = "factual" | "arithmetic" | "order";
export const SIGNATURE_LABELS: Record<Signature, string> = { factual: "sachlich richtig", arithmetic: "rechnerisch richtig", order: "Anordnung" };

export interface PaymentItemFacts {
  state: PaymentItemState;
  /** The person acting (null for the system). */
  actorId: number | null;
  /** A provider user acting: may never sign. */
  actorIsProvider: boolean;
  factualById: number | null;
  arithmeticById: number | null;
  orderById: number | null;
  /** Who registered the invoice by hand. */
  registeredById: number | null;
  /** Who entered, requested or confirmed the payee's current bank data. */
  bankDataBy: readonly number[];
  amountCents: number;
  budgetLineNumber: string | null;
  /** The actor's ordering authority on the item's budget line (largest unrevoked maximum), or null. */
  authorityMaxCents: number | null;
  ibanProblem: string | null;
  vopResult: string | null;
  dueOn: string;
  /** For add_to_run: the run's "due up to" date. */
  dueUntil?: string | null;
  reason?: string | null;
  /** Booking from a bank statement line. */
  bankLine?: boolean;
}

const needsReason = (f: PaymentItemFacts) => (f.reason && f.reason.trim().length >= 10 ? null : "Bitte begründen Sie (mindestens 10 Zeichen).");

/** The four-eyes rules for one signature (rule 12), in the order a person would want to hear them. */
export function signatureProblem(f: PaymentItemFacts, signature: Signature): string | null {
  if (f.actorIsProvider || f.actorId === null) return "Zahlungen zeichnen nur Beschäftigte der Behörde.";
  const label = SIGNATURE_LABELS[signature];
  const others: [Signature, number | null][] = [
    ["factual", f.factualById],
    ["arithmetic", f.arithmeticById],
    ["order", f.orderById],
  ];
  for (const [kind, by] of others) {
    if (kind !== signature && by === f.actorId) return `Sie haben diese Zahlung bereits „${SIGNATURE_LABELS[kind]}“ gezeichnet; „${label}“ muss eine andere Person zeichnen (Vier-Augen-Prinzip).`;
  }
  if (f.registeredById === f.actorId) return `Sie haben diese Rechnung von Hand erfasst und dürfen die Zahlung deshalb nicht „${label}“ zeichnen.`;
  if (f.bankDataBy.includes(f.actorId)) return `Sie haben die Bankverbindung des Zahlungsempfängers erfasst oder bestätigt und dürfen die Zahlung deshalb nicht „${label}“ zeichnen.`;
  return null;
}

function orderProblem(f: PaymentItemFacts): string | null {
  const four = signatureProblem(f, "order");
  if (four) return four;
  if (!f.budgetLineNumber) return "Der Zahlung ist keine Haushaltsstelle zugeordnet.";
  if (f.authorityMaxCents === null) return `Sie haben keine Anordnungsbefugnis für die Haushaltsstelle ${f.budgetLineNumber}.`;
  if (f.amountCents > f.authorityMaxCents)
    return `Ihre Anordnungsbefugnis für die Haushaltsstelle ${f.budgetLineNumber} reicht bis ${formatCents(f.authorityMaxCents)}; die Zahlung beträgt ${formatCents(f.amountCents)}.`;
  if (f.ibanProblem) return `Die IBAN des Zahlungsempfängers ist fehlerhaft (${f.ibanProblem}); die Zahlung kann erst nach der Korrektur angeordnet werden.`;
  return null;
}

/** DOMAIN.md § 3.3: the cash office executes and does not order – whoever ordered a payment does not also execute it. */
export const ORDERER_EXECUTES = "Sie haben diese Zahlung angeordnet; ausführen (Zahllauf, Buchung von Hand) muss eine andere Person: die Kasse führt aus und ordnet nicht an.";

function runProblem(f: PaymentItemFacts): string | null {
  if (f.actorId !== null && f.actorId === f.orderById) return ORDERER_EXECUTES;
  if (f.ibanProblem) return `Die IBAN des Zahlungsempfängers ist fehlerhaft (${f.ibanProblem}).`;
  if (!f.vopResult) return "Für den Zahlungsempfänger liegt noch kein Ergebnis der Empfängerüberprüfung (Verification of Payee) vor.";
  if (f.vopResult === "no_match") return "Die Empfängerüberprüfung ergab „keine Übereinstimmung“ von Name und IBAN; die Zahlung ist gestoppt.";
  if (f.dueUntil && f.dueOn > f.dueUntil) return "Die Zahlung ist erst nach dem Stichtag des Zahllaufs fällig.";
  return null;
}

export const paymentItemMachine = defineMachine<PaymentItemState, PaymentItemEvent, PaymentItemFacts>(PAYMENT_ITEM_STATE_LABELS, [
  {
    event: "sign_factual",
    from: ["awaiting_factual", "on_hold"],
    to: "awaiting_arithmetic",
    permission: "certify:payment:any",
    guard: (f) =>
      signatureProblem(f, "factual") ??
      (f.ibanProblem
        ? `Die IBAN des Zahlungsempfängers ist fehlerhaft (${f.ibanProblem}); bitte zuerst korrigieren (Storno und neue Zahlung).`
        : f.budgetLineNumber
          ? null
          : "Der Zahlung ist keine Haushaltsstelle zugeordnet: bitte zuerst den Vertrag der Rechnung wählen oder eine Haushaltsstelle zuordnen."),
  },
  { event: "sign_arithmetic", from: ["awaiting_arithmetic"], to: "awaiting_order", permission: "certify:payment:any", guard: (f) => signatureProblem(f, "arithmetic") },
  { event: "order", from: ["awaiting_order"], to: "ordered", permission: "order:payment:any", guard: orderProblem },
  // The payee's bank data changed after the factual check: the item waits for new signatures.
  { event: "hold", from: ["awaiting_arithmetic", "awaiting_order", "ordered"], to: "on_hold", permission: "system" },
  { event: "add_to_run", from: ["ordered"], to: "in_run", permission: "run:payment:any", guard: runProblem },
  // A cancelled run gives its items back; a run abandoned half-built at start-up does the same (system).
  { event: "return_from_run", from: ["in_run"], to: "ordered", permission: ["run:payment:any", "system"] },
  // Booked from the bank statement (the line is the proof) or by hand with a reason.
  { event: "book", from: ["in_run", "ordered"], to: "paid", permission: "book:payment:any", guard: (f) => (f.bankLine ? null : f.actorId !== null && f.actorId === f.orderById ? ORDERER_EXECUTES : needsReason(f)) },
  { event: "cancel", from: ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"], to: "cancelled", permission: "cancel:payment:any", guard: needsReason },
  // Its source was withdrawn (an instalment revoked by the placement staff): the open item goes with it.
  { event: "withdraw", from: ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"], to: "cancelled", permission: "system" },
]);

export const PAYMENT_RUN_STATES = ["building", "created", "sent", "booked", "cancelled"] as const;
export type PaymentRunState = (typeof PAYMENT_RUN_STATES)[number];
export const PAYMENT_RUN_STATE_LABELS: Record<PaymentRunState, string> = {
  building: "wird erstellt",
  created: "erstellt, Datei bereit",
  sent: "an die Bank übermittelt",
  booked: "vollständig gebucht",
  cancelled: "storniert",
};
export type PaymentRunEvent = "finish" | "send" | "complete" | "cancel" | "abandon";
export interface PaymentRunFacts {
  state: PaymentRunState;
  reason?: string | null;
  /** Items of the run not yet paid. */
  unpaid?: number;
}
export const paymentRunMachine = defineMachine<PaymentRunState, PaymentRunEvent, PaymentRunFacts>(PAYMENT_RUN_STATE_LABELS, [
  { event: "finish", from: ["building"], to: "created", permission: "run:payment:any" },
  { event: "send", from: ["created"], to: "sent", permission: "run:payment:any" },
  { event: "complete", from: ["sent", "created"], to: "booked", permission: "book:payment:any", guard: (f) => (f.unpaid ? `Es sind noch ${f.unpaid} Zahlungen des Laufs nicht gebucht.` : null) },
  { event: "cancel", from: ["created"], to: "cancelled", permission: "run:payment:any", guard: needsReasonRun },
  // A run left half-built (the process stopped while its file was being written) is abandoned at start-up.
  { event: "abandon", from: ["building"], to: "cancelled", permission: "system" },
]);
function needsReasonRun(f: PaymentRunFacts) {
  return f.reason && f.reason.trim().length >= 10 ? null : "Bitte begründen Sie die Stornierung (mindestens 10 Zeichen).";
}

export const INVOICE_STATES = ["rejected", "accepted", "paid", "cancelled"] as const;
export type InvoiceState = (typeof INVOICE_STATES)[number];
export const INVOICE_STATE_LABELS: Record<InvoiceState, string> = {
  rejected: "abgelehnt",
  accepted: "angenommen, in Prüfung",
  paid: "bezahlt",
  cancelled: "storniert",
};
