/**
 * The place purchase's transition table (Einzelplatzeinkauf): requested → approved → ordered →
 * confirmed by the provider → running → completed | dropped out; declined by the provider;
 * cancelled before the start (the commitment is released) or refused by the approver.
 */
import { defineMachine } from "./machine";
import { cancelProblem, PURCHASE_STATE_LABELS, type PurchaseState } from "./places";
import { formatDate } from "./time";

export type PurchaseEvent = "approve" | "auto_approve" | "refuse" | "order" | "confirm" | "decline" | "start" | "complete" | "drop_out" | "cancel";

export interface PurchaseFacts {
  state: PurchaseState;
  today: string;
  /** The person acting (null: system or an organisation token). */
  actorId: number | null;
  requestedById: number;
  approvalNeeded: boolean;
  startDate: string;
  entryDate?: string | null;
  exitDate?: string | null;
  exitReason?: string | null;
  reason?: string | null;
}

const MIN_REASON = 10;
function reasonProblem(reason: string | null | undefined, what: string): string | null {
  return reason && reason.trim().length >= MIN_REASON ? null : `Bitte begründen Sie ${what} (mindestens ${MIN_REASON} Zeichen).`;
}

export const purchaseMachine = defineMachine<PurchaseState, PurchaseEvent, PurchaseFacts>(PURCHASE_STATE_LABELS, [
  {
    event: "approve",
    from: ["requested"],
    to: "approved",
    permission: "approve:purchase:any",
    guard: (f) => {
      if (f.actorId !== null && f.actorId === f.requestedById) return "Vier-Augen-Prinzip: Wer einen Platzkauf beantragt hat, kann ihn nicht selbst genehmigen.";
      if (f.startDate < f.today) return `Der geplante Beginn (${formatDate(f.startDate)}) ist vorbei; der Platz kann so nicht mehr bestellt werden. Bitte lehnen Sie den Antrag ab; ein neuer Kauf mit späterem Beginn ist möglich.`;
      return null;
    },
  },
  {
    event: "auto_approve",
    from: ["requested"],
    to: "approved",
    permission: "system",
    guard: (f) => (f.approvalNeeded ? "Der Betrag liegt über der Genehmigungsgrenze; eine zweite Person muss genehmigen." : null),
  },
  { event: "refuse", from: ["requested"], to: "cancelled", permission: "approve:purchase:any", guard: (f) => reasonProblem(f.reason, "die Ablehnung") },
  { event: "order", from: ["approved"], to: "ordered", permission: ["buy:place:any", "approve:purchase:any", "system"] },
  { event: "confirm", from: ["ordered"], to: "confirmed", permission: "answer:purchase:own" },
  { event: "decline", from: ["ordered"], to: "declined", permission: "answer:purchase:own", guard: (f) => reasonProblem(f.reason, "die Absage") },
  {
    event: "start",
    from: ["confirmed"],
    to: "running",
    permission: ["report:participation:own", "buy:place:any"],
    guard: (f) => {
      if (!f.entryDate) return "Bitte geben Sie das Eintrittsdatum an.";
      if (f.entryDate > f.today) return `Ein Eintritt am ${formatDate(f.entryDate)} liegt in der Zukunft; melden Sie ihn am Tag des Eintritts oder danach.`;
      return null;
    },
  },
  {
    event: "complete",
    from: ["running"],
    to: "completed",
    permission: ["report:participation:own", "buy:place:any"],
    guard: (f) => exitProblem(f),
  },
  {
    event: "drop_out",
    from: ["running"],
    to: "dropped_out",
    permission: ["report:participation:own", "buy:place:any"],
    guard: (f) => exitProblem(f) ?? (f.exitReason ? null : "Bitte geben Sie den Grund des vorzeitigen Austritts an."),
  },
  {
    event: "cancel",
    from: ["requested", "approved", "ordered", "confirmed"],
    to: "cancelled",
    permission: "buy:place:any",
    guard: (f) => cancelProblem(f.today, f.startDate) ?? reasonProblem(f.reason, "die Stornierung"),
  },
]);

function exitProblem(f: PurchaseFacts): string | null {
  if (!f.exitDate) return "Bitte geben Sie das Austrittsdatum an.";
  if (f.exitDate > f.today) return `Ein Austritt am ${formatDate(f.exitDate)} liegt in der Zukunft.`;
  if (f.entryDate && f.exitDate < f.entryDate) return `Der Austritt (${formatDate(f.exitDate)}) liegt vor dem Eintritt (${formatDate(f.entryDate)}).`;
  return null;
}
