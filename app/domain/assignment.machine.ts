/** The assignment's (voucher's) transition table (Zuweisung / Vermittlungsgutschein). */
import { defineMachine } from "./machine";
import { ASSIGNMENT_STATE_LABELS, type AssignmentState } from "./placement";

export type AssignmentEvent = "redeem" | "expire" | "withdraw";

export interface AssignmentFacts {
  state: AssignmentState;
  today: string;
  validUntil: string;
  reason?: string | null;
}

export const assignmentMachine = defineMachine<AssignmentState, AssignmentEvent, AssignmentFacts>(ASSIGNMENT_STATE_LABELS, [
  // An accepted claim redeems the voucher (one voucher, one placement), even after its validity ended.
  { event: "redeem", from: ["active", "expired"], to: "redeemed", permission: "decide:placement:any" },
  { event: "expire", from: ["active"], to: "expired", permission: "system", guard: (f) => (f.today > f.validUntil ? null : "Die Zuweisung ist noch gültig.") },
  {
    event: "withdraw",
    from: ["active"],
    to: "withdrawn",
    permission: "assign:client:any",
    guard: (f) => (f.reason && f.reason.trim().length >= 10 ? null : "Bitte begründen Sie die Rücknahme (mindestens 10 Zeichen)."),
  },
]);
