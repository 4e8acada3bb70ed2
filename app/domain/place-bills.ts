/**
 * Bills of places (issue 11, point 8): their states, the staff list's filters, and the text of
 * the invoice a confirmed bill becomes. Pure: no I/O.
 */
import { choice, int, listSpec, text } from "./list";
import { formatCents } from "./money";
import { BILL_EVENT_LABELS, eventAmount, INTEGRATION_STATUSES, monthBill, monthsOf, MONTHLY_MODELS, type BillEvent, type PriceTerms } from "./places";
import { addDays, addMonths, daysBetween, formatDate } from "./time";

export const BILL_STATUSES = ["proposed", "confirmed", "invoiced", "cancelled"] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];
export const BILL_STATUS_LABELS: Record<BillStatus, string> = {
  proposed: "zur Bestätigung",
  confirmed: "bestätigt (Rechnung erzeugt)",
  invoiced: "mit eigener Rechnung abgerechnet",
  cancelled: "aufgehoben",
};
export const BILL_KIND_LABELS: Record<string, string> = { month: "Monat", event: "Ereignis" };

/** Staff overview of bills: status, provider, month (YYYY-MM of the period start), search. */
export const BILL_LIST = listSpec({
  filters: { q: text(), status: choice(BILL_STATUSES), provider: int(), month: text() },
  sorts: ["period", "reference", "provider", "amount", "status"],
  default: ["period", "desc"],
  firstDir: { period: "desc", amount: "desc", reference: "desc" },
  pageSize: 50,
});

/** A month "YYYY-MM" as typed in a filter, or null. */
export function monthParam(value: string | null | undefined): string | null {
  const v = (value ?? "").trim();
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(v) ? v : null;
}

/** The VAT exemption every bill invoice names (social and educational services). */
export const BILL_VAT_NOTE =
  "Umsatzsteuerfrei nach § 4 Nr. 15 bzw. Nr. 21 UStG (Leistungen der Arbeitsförderung und unmittelbar dem Schul- und Bildungszweck dienende Leistungen); es wird keine Umsatzsteuer berechnet.";

/** Reference of a purchase in an invoice's order or contract reference (BT-13, BT-12): "EP-2026-000042". */
export function purchaseReferenceIn(...texts: (string | null | undefined)[]): string | null {
  for (const t of texts) {
    const m = /\bEP-\d{4}-\d{3,}\b/i.exec(t ?? "");
    if (m) return m[0].toUpperCase();
  }
  return null;
}

export function monthLast(month: string): string {
  return addDays(addMonths(`${month}-01`, 1), -1);
}

/** What billing reads of a purchase. */
export interface BilledPurchase {
  priceModel: string;
  priceCents: number;
  proRata: string;
  eventFees: { event: string; label: string; amountCents: number }[] | null;
  hours: number | null;
  startDate: string;
  endDate: string;
  entryDate: string | null;
  exitDate: string | null;
  exitReason: string | null;
  status: string;
}

const ENDED = ["completed", "dropped_out"];

export function termsOf(p: Pick<BilledPurchase, "priceModel" | "priceCents" | "proRata" | "eventFees" | "hours">): PriceTerms {
  return { priceModel: p.priceModel, priceCents: p.priceCents, proRata: p.proRata, eventFees: p.eventFees ?? [], hours: p.hours };
}

export interface DueBill {
  kind: "month" | "event";
  billKey: string;
  periodStart: string;
  periodEnd: string;
  event: string | null;
  calculation: string;
  amountCents: number;
}

/**
 * The span a place bills by the month: [max(entry, planned start), min(exit or planned end, planned
 * end)]. An entry before the planned start (allowed up to 30 days) does not extend billing beyond
 * what was bought and committed; neither does an exit reported after the planned end.
 */
export function billedSpan(p: Pick<BilledPurchase, "startDate" | "endDate" | "entryDate" | "exitDate">): { from: string; to: string } {
  const entry = p.entryDate ?? p.startDate;
  const exit = p.exitDate ?? p.endDate;
  return { from: entry > p.startDate ? entry : p.startDate, to: exit < p.endDate ? exit : p.endDate };
}

/** What a purchase should have billed by `day` (pure apart from its outcome). */
export function dueBills(p: BilledPurchase, day: string, exitOutcome: { status: string } | null): DueBill[] {
  const out: DueBill[] = [];
  const terms = termsOf(p);
  const { from, to } = billedSpan(p);
  if (MONTHLY_MODELS.includes(p.priceModel)) {
    for (const month of monthsOf(from, to)) {
      if (!(monthLast(month) < day)) break;
      const b = monthBill(terms, from, to, month);
      if (b) out.push({ kind: "month", billKey: `month:${month}`, periodStart: b.periodStart, periodEnd: b.periodEnd, event: null, calculation: b.calculation, amountCents: b.amountCents });
    }
  }
  const event = (e: BillEvent, on: string, base: number, baseText: string) => {
    const fees = eventAmount(terms, e);
    const amount = base + fees;
    if (amount <= 0) return;
    const parts = [base > 0 ? baseText : "", ...terms.eventFees.filter((f) => f.event === e && f.amountCents > 0).map((f) => `${f.label || BILL_EVENT_LABELS[e]}: ${formatCents(f.amountCents)}`)].filter(Boolean);
    out.push({ kind: "event", billKey: `event:${e}`, periodStart: on, periodEnd: on, event: e, calculation: `${BILL_EVENT_LABELS[e]}: ${parts.join(" + ")}`.slice(0, 500), amountCents: amount });
  };
  if (p.entryDate && p.entryDate <= day) {
    const base = p.priceModel === "participant" ? p.priceCents : 0;
    event("entry", p.entryDate, base, `Teilnehmerpreis ${formatCents(p.priceCents)}`);
  }
  const exit = p.exitDate ?? p.endDate;
  if (p.status === "completed") {
    const hours = p.hours ?? 0;
    const base = p.priceModel === "hour" ? p.priceCents * hours : 0;
    event("completion", exit, base, `${hours} Stunden × ${formatCents(p.priceCents)} = ${formatCents(base)}`);
  }
  if (ENDED.includes(p.status) && exitOutcome && INTEGRATION_STATUSES.includes(exitOutcome.status)) event("success", exit, 0, "");
  if (ENDED.includes(p.status) && exitOutcome?.status === "training" && p.exitReason === "training") event("transfer", exit, 0, "");
  return out;
}


/** Purchase states in which the place never started: nothing to invoice. */
export const NEVER_STARTED_STATES: readonly string[] = ["requested", "approved", "ordered", "confirmed", "declined", "cancelled"];

/** A finding of an own e-invoice naming a purchase (the shape of invoices.ts IntakeFinding). */
export interface PurchaseInvoiceFinding {
  rule: string;
  message: string;
  term?: string;
}

/**
 * Intake rules of an own e-invoice naming a purchase "EP-…" (each refuses the invoice):
 * ASZ-PLATZ-1 its period overlaps a bill already confirmed or invoiced; ASZ-PLATZ-2 the place
 * never started; ASZ-PLATZ-3 its period starts after the exit.
 */
export function purchaseInvoiceProblems(
  purchase: { reference: string; status: string; exitDate: string | null },
  period: { periodStart: string | null; periodEnd: string | null },
  settled: { reference: string; status: string; periodStart: string; periodEnd: string }[],
): PurchaseInvoiceFinding[] {
  const out: PurchaseInvoiceFinding[] = [];
  if (NEVER_STARTED_STATES.includes(purchase.status)) {
    out.push({
      rule: "ASZ-PLATZ-2",
      term: "BT-13",
      message: `Der Platz ${purchase.reference} hat nicht begonnen (kein Eintritt gemeldet); dafür kann nichts in Rechnung gestellt werden. Bitte melden Sie zuerst den Eintritt oder prüfen Sie die Bestellnummer.`,
    });
    return out;
  }
  const { periodStart: from, periodEnd: to } = period;
  if (!from || !to) return out;
  if (purchase.exitDate && from > purchase.exitDate)
    out.push({
      rule: "ASZ-PLATZ-3",
      term: "BT-73",
      message: `Der Abrechnungszeitraum ${formatDate(from)}–${formatDate(to)} liegt nach dem Austritt am ${formatDate(purchase.exitDate)} (Platz ${purchase.reference}); danach wird der Platz nicht mehr vergütet.`,
    });
  const overlap = settled.filter((b) => b.periodStart <= to && from <= b.periodEnd);
  if (overlap.length)
    out.push({
      rule: "ASZ-PLATZ-1",
      term: "BT-73",
      message: `Der Abrechnungszeitraum ${formatDate(from)}–${formatDate(to)} ist für den Platz ${purchase.reference} bereits abgerechnet: ${overlap
        .map((b) => `${b.reference} (${formatDate(b.periodStart)}–${formatDate(b.periodEnd)}, ${BILL_STATUS_LABELS[b.status as BillStatus] ?? b.status})`)
        .join(", ")}. Bitte stellen Sie nur Zeiträume in Rechnung, die noch nicht abgerechnet sind.`.slice(0, 1000),
    });
  return out;
}

/**
 * A warning for a month bill whose month has more unexcused days reported than half its days of
 * participation (the billed period). Billing by the month does not depend on attendance; the
 * warning only asks to look. Null without a warning.
 */
export function attendanceWarning(bill: { kind: string; periodStart: string; periodEnd: string }, attendance: { daysUnexcused: number } | null | undefined): string | null {
  if (bill.kind !== "month" || !attendance) return null;
  const days = daysBetween(bill.periodStart, bill.periodEnd) + 1;
  if (attendance.daysUnexcused * 2 <= days) return null;
  return `${attendance.daysUnexcused} von ${days} Tagen unentschuldigt gefehlt`;
}
