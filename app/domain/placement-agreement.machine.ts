/** The placement agreement's transition table (Vermittlungsvereinbarung). */
import { defineMachine } from "./machine";
import { AGREEMENT_STATE_LABELS, type AgreementState } from "./placement";

export type AgreementEvent = "offer" | "accept" | "withdraw_offer" | "suspend" | "resume" | "terminate" | "expire";

export interface AgreementFacts {
  state: AgreementState;
  /** Berlin date today. */
  today: string;
  validUntil: string;
  /** Why the broker cannot be admitted (admissionProblem), or null. */
  admissionProblem: string | null;
  reason?: string | null;
}

const needsReason = (f: AgreementFacts) => (f.reason && f.reason.trim().length >= 10 ? null : "Bitte geben Sie eine Begründung an (mindestens 10 Zeichen).");

export const agreementMachine = defineMachine<AgreementState, AgreementEvent, AgreementFacts>(AGREEMENT_STATE_LABELS, [
  { event: "offer", from: ["draft"], to: "offered", permission: "manage:agreement:any", guard: (f) => f.admissionProblem ?? (f.validUntil < f.today ? "Die Laufzeit der Vereinbarung ist bereits abgelaufen." : null) },
  { event: "accept", from: ["offered"], to: "active", permission: "accept:agreement:own", guard: (f) => f.admissionProblem ?? (f.validUntil < f.today ? "Die Laufzeit der angebotenen Vereinbarung ist abgelaufen." : null) },
  { event: "withdraw_offer", from: ["draft", "offered"], to: "terminated", permission: "manage:agreement:any", guard: needsReason },
  { event: "suspend", from: ["active"], to: "suspended", permission: "manage:agreement:any", guard: needsReason },
  { event: "resume", from: ["suspended"], to: "active", permission: "manage:agreement:any", guard: (f) => f.admissionProblem ?? (f.validUntil < f.today ? "Die Laufzeit der Vereinbarung ist abgelaufen; bitte eine neue Vereinbarung anbieten." : null) },
  { event: "terminate", from: ["active", "suspended"], to: "terminated", permission: "manage:agreement:any", guard: needsReason },
  { event: "expire", from: ["offered", "active", "suspended"], to: "expired", permission: "system", guard: (f) => (f.today > f.validUntil ? null : "Die Laufzeit ist noch nicht abgelaufen.") },
]);
