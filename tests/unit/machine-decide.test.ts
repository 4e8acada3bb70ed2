import { describe, expect, it } from "vitest";
import { defineMachine, NOT_PERMITTED } from "~/domain/machine";
import { ROLE_PERMISSIONS } from "~/domain/permissions";
import { refusalError } from "~/services/transition.server";

/** A small machine written for this test: the order permission → state → guard (ADR 0010). */
type S = "draft" | "open" | "closed";
type E = "open" | "close" | "expire";
interface F {
  state: S;
  reason?: string;
}
const machine = defineMachine<S, E, F>({ draft: "Entwurf", open: "offen", closed: "geschlossen" }, [
  { event: "open", from: ["draft"], to: "open", permission: "manage:tender:any", guard: (f) => (f.reason ? null : "Bitte begründen.") },
  { event: "close", from: ["open"], to: "closed", permission: ["manage:tender:any", "open:tender:any"] },
  { event: "expire", from: ["open"], to: "closed", permission: "system" },
]);

const manager = ["manage:tender:any"];
const opener = ["open:tender:any"];
const nobody: string[] = [];

describe("machine.decide", () => {
  it("asks the permission first: without it the answer is forbidden, whatever the state or guard", () => {
    expect(machine.decide("open", { state: "draft" }, nobody)).toEqual({ ok: false, refusal: "forbidden", reason: NOT_PERMITTED });
    // Wrong state and failing guard too: still forbidden, so the refusal does not tell the state.
    expect(machine.decide("open", { state: "closed" }, opener)).toEqual({ ok: false, refusal: "forbidden", reason: NOT_PERMITTED });
    expect(machine.decide("expire", { state: "open" }, manager)).toMatchObject({ ok: false, refusal: "forbidden" });
  });

  it("then the state: a permitted event that does not apply to the state names the state", () => {
    expect(machine.decide("open", { state: "closed", reason: "x" }, manager)).toEqual({ ok: false, refusal: "state", reason: "Im Status „geschlossen“ ist diese Aktion nicht möglich." });
    expect(machine.decide("close", { state: "draft" }, opener)).toMatchObject({ ok: false, refusal: "state" });
  });

  it("then the guard, with its own text", () => {
    expect(machine.decide("open", { state: "draft" }, manager)).toEqual({ ok: false, refusal: "guard", reason: "Bitte begründen." });
    expect(machine.decide("open", { state: "draft", reason: "" }, manager)).toMatchObject({ refusal: "guard" });
  });

  it("allows with from and to; any one of several permissions suffices; system events only for the system", () => {
    expect(machine.decide("open", { state: "draft", reason: "Bedarf" }, manager)).toEqual({ ok: true, from: "draft", to: "open" });
    expect(machine.decide("close", { state: "open" }, opener)).toEqual({ ok: true, from: "open", to: "closed" });
    expect(machine.decide("close", { state: "open" }, manager)).toEqual({ ok: true, from: "open", to: "closed" });
    expect(machine.decide("expire", { state: "open" }, "system")).toEqual({ ok: true, from: "open", to: "closed" });
    expect(machine.decide("close", { state: "open" }, "system")).toMatchObject({ ok: false, refusal: "forbidden" });
  });

  it("works with a role's real permissions", () => {
    expect(machine.decide("close", { state: "open" }, ROLE_PERMISSIONS.procurement)).toEqual({ ok: true, from: "open", to: "closed" });
    expect(machine.decide("close", { state: "open" }, ROLE_PERMISSIONS.provider)).toMatchObject({ ok: false, refusal: "forbidden" });
  });
});

describe("refusalError: the one mapping of refusals to HTTP statuses", () => {
  it("forbidden 403, state 409, guard 422, each with the German reason", () => {
    expect(refusalError("forbidden", NOT_PERMITTED)).toMatchObject({ name: "ForbiddenError", status: 403, message: NOT_PERMITTED });
    expect(refusalError("state", "Im Status „offen“ ist diese Aktion nicht möglich.")).toMatchObject({ name: "ConflictError", status: 409 });
    expect(refusalError("guard", "Bitte begründen.")).toMatchObject({ name: "RuleError", status: 422, message: "Bitte begründen." });
  });
});
