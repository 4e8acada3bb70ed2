import { describe, expect, it } from "vitest";
import { assignmentMachine, type AssignmentEvent } from "~/domain/assignment.machine";
import { ROLE_PERMISSIONS } from "~/domain/permissions";
import type { AssignmentState } from "~/domain/placement";

const STATES: AssignmentState[] = ["active", "redeemed", "expired", "withdrawn"];
const EVENTS: AssignmentEvent[] = ["redeem", "expire", "withdraw"];
const ALLOWED: Record<AssignmentEvent, { from: AssignmentState[]; to: AssignmentState }> = {
  redeem: { from: ["active", "expired"], to: "redeemed" },
  expire: { from: ["active"], to: "expired" },
  withdraw: { from: ["active"], to: "withdrawn" },
};
// Validity 15.01.–14.04.2007.
const facts = (state: AssignmentState, over: Partial<{ today: string; reason: string | null }> = {}) => ({ state, today: "2007-04-15", validUntil: "2007-04-14", reason: "Kunde hat eine Arbeit selbst gefunden.", ...over });

describe("assignment machine", () => {
  for (const state of STATES)
    for (const event of EVENTS)
      it(`${state} + ${event}`, () => {
        const allowed = ALLOWED[event].from.includes(state);
        const check = assignmentMachine.check(event, facts(state));
        expect(check).toEqual(allowed ? { ok: true, to: ALLOWED[event].to } : { ok: false, reason: expect.stringContaining("ist diese Aktion nicht möglich") });
      });

  it("expires the day after its last valid day, not on it", () => {
    expect(assignmentMachine.check("expire", facts("active", { today: "2007-04-14" }))).toEqual({ ok: false, reason: "Die Zuweisung ist noch gültig." });
    expect(assignmentMachine.check("expire", facts("active", { today: "2007-04-15" }))).toEqual({ ok: true, to: "expired" });
  });

  it("a withdrawal needs a reason of at least 10 characters", () => {
    expect(assignmentMachine.check("withdraw", facts("active", { reason: "123456789" }))).toEqual({ ok: false, reason: "Bitte begründen Sie die Rücknahme (mindestens 10 Zeichen)." });
    expect(assignmentMachine.check("withdraw", facts("active", { reason: "1234567890" }))).toEqual({ ok: true, to: "withdrawn" });
  });

  it("case management withdraws, the job expires, staff deciding a claim redeem; brokers do none of it", () => {
    expect(assignmentMachine.permitted("withdraw", "active", ROLE_PERMISSIONS.case_manager)).toBe(true);
    expect(assignmentMachine.permitted("withdraw", "active", ROLE_PERMISSIONS.provider)).toBe(false);
    expect(assignmentMachine.permitted("expire", "active", "system")).toBe(true);
    expect(assignmentMachine.permitted("expire", "active", ROLE_PERMISSIONS.admin)).toBe(false);
    expect(assignmentMachine.permitted("redeem", "expired", ROLE_PERMISSIONS.procurement)).toBe(true);
    expect(assignmentMachine.permitted("redeem", "active", ROLE_PERMISSIONS.provider)).toBe(false);
  });
});
