import { describe, expect, it } from "vitest";
import {
  employmentDay,
  INSTALMENT_STATE_LABELS,
  INSTALMENT_STATES,
  instalmentMachine,
  reminderDue,
  type InstalmentEvent,
  type InstalmentFacts,
  type InstalmentState,
} from "~/domain/fee-instalment.machine";
import { defineMachine } from "~/domain/machine";
import { PERMISSIONS, ROLE_PERMISSIONS, type Role } from "~/domain/permissions";
import { AGREEMENT_STATE_LABELS, AGREEMENT_STATES, durationReachedOn, exclusionDeadline, planInstalments, STANDARD_INSTALMENTS, type AgreementState } from "~/domain/placement";
import { agreementMachine, type AgreementEvent, type AgreementFacts } from "~/domain/placement-agreement.machine";
import { CLAIM_STATE_LABELS, CLAIM_STATES, claimMachine, REQUIRED_CLAIM_DOCUMENTS, type ClaimEvent, type ClaimFacts, type ClaimState } from "~/domain/placement-claim.machine";
import type { RuleResult } from "~/domain/placement-rules";

/**
 * The placement machines (DESIGN.md §§ 4, 8): every (state, event) pair allowed and forbidden, the
 * permission of each transition, and the guards at their boundaries. The expected tables are
 * written out by hand here, never derived from the machines' own transition lists.
 */

interface Row<S extends string, E extends string> {
  event: E;
  from: S[];
  to: S;
  permission: string[];
}

const notPossible = (label: string) => `Im Status „${label}“ ist diese Aktion nicht möglich.`;

/** Every (state, event) pair, with the expected row if the pair is allowed. */
function pairs<S extends string, E extends string>(states: readonly S[], events: readonly E[], expected: Row<S, E>[]) {
  return states.flatMap((state) =>
    events.map((event) => {
      const row = expected.find((t) => t.event === event && t.from.includes(state));
      return { state, event, row };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
describe("defineMachine", () => {
  type S = "a" | "b" | "c";
  type E = "go" | "back" | "tick";
  type F = { state: S; ok?: boolean };
  const m = defineMachine<S, E, F>({ a: "Anfang", b: "Mitte", c: "Ende" }, [
    { event: "go", from: ["a"], to: "b", permission: "manage:agreement:any", guard: (f) => (f.ok ? null : "Nicht bereit.") },
    { event: "go", from: ["b"], to: "c", permission: ["decide:placement:any", "submit:placement:own"] },
    { event: "back", from: ["b", "c"], to: "a", permission: "manage:agreement:any" },
    { event: "tick", from: ["a", "b"], to: "c", permission: "system" },
  ]);

  it("check: an unknown pair names the state's label; a guard's reason is returned; otherwise the target", () => {
    expect(m.check("back", { state: "a" })).toEqual({ ok: false, reason: "Im Status „Anfang“ ist diese Aktion nicht möglich." });
    expect(m.check("go", { state: "a", ok: false })).toEqual({ ok: false, reason: "Nicht bereit." });
    expect(m.check("go", { state: "a", ok: true })).toEqual({ ok: true, to: "b" });
    // The same event from another state uses that state's row (no guard there).
    expect(m.check("go", { state: "b" })).toEqual({ ok: true, to: "c" });
    expect(m.check("go", { state: "c" })).toEqual({ ok: false, reason: "Im Status „Ende“ ist diese Aktion nicht möglich." });
  });

  it("permitted: a single permission, any of a list, and system only for system", () => {
    expect(m.permitted("go", "a", ["manage:agreement:any"])).toBe(true);
    expect(m.permitted("go", "a", ["decide:placement:any"])).toBe(false);
    expect(m.permitted("go", "a", [])).toBe(false);
    expect(m.permitted("go", "a", "system")).toBe(false);
    expect(m.permitted("go", "b", ["submit:placement:own"])).toBe(true);
    expect(m.permitted("go", "b", ["decide:placement:any"])).toBe(true);
    expect(m.permitted("go", "b", ["manage:agreement:any"])).toBe(false);
    expect(m.permitted("tick", "a", "system")).toBe(true);
    expect(m.permitted("tick", "a", [...PERMISSIONS])).toBe(false);
    // No row for the pair: nobody may fire it.
    expect(m.permitted("back", "a", [...PERMISSIONS])).toBe(false);
    expect(m.permitted("tick", "c", "system")).toBe(false);
  });

  it("eventsFrom lists the events of a state in table order, ignoring guards", () => {
    expect(m.eventsFrom("a")).toEqual(["go", "tick"]);
    expect(m.eventsFrom("b")).toEqual(["go", "back", "tick"]);
    expect(m.eventsFrom("c")).toEqual(["back"]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("placement agreement machine", () => {
  const STATES: AgreementState[] = ["draft", "offered", "active", "suspended", "terminated", "expired"];
  const EVENTS: AgreementEvent[] = ["offer", "accept", "withdraw_offer", "suspend", "resume", "terminate", "expire"];
  const EXPECTED: Row<AgreementState, AgreementEvent>[] = [
    { event: "offer", from: ["draft"], to: "offered", permission: ["manage:agreement:any"] },
    { event: "accept", from: ["offered"], to: "active", permission: ["accept:agreement:own"] },
    { event: "withdraw_offer", from: ["draft", "offered"], to: "terminated", permission: ["manage:agreement:any"] },
    { event: "suspend", from: ["active"], to: "suspended", permission: ["manage:agreement:any"] },
    { event: "resume", from: ["suspended"], to: "active", permission: ["manage:agreement:any"] },
    { event: "terminate", from: ["active", "suspended"], to: "terminated", permission: ["manage:agreement:any"] },
    { event: "expire", from: ["offered", "active", "suspended"], to: "expired", permission: ["system"] },
  ];

  /** Facts under which the event's guard passes. */
  const passing = (state: AgreementState, event: AgreementEvent, over: Partial<AgreementFacts> = {}): AgreementFacts => ({
    state,
    today: event === "expire" ? "2008-01-01" : "2007-06-01",
    validUntil: "2007-12-31",
    admissionProblem: null,
    reason: "Rahmenbedingungen geändert",
    ...over,
  });

  it("has the six states, each with a German label", () => {
    expect([...AGREEMENT_STATES].sort()).toEqual([...STATES].sort());
    for (const s of STATES) expect(AGREEMENT_STATE_LABELS[s]).toBeTruthy();
  });

  const cases = pairs(STATES, EVENTS, EXPECTED);
  it("6 × 7 = 42 pairs, 11 allowed", () => {
    expect(cases).toHaveLength(42);
    expect(cases.filter((c) => c.row)).toHaveLength(11);
  });

  it.each(cases)("$state + $event", ({ state, event, row }) => {
    const check = agreementMachine.check(event, passing(state, event));
    if (row) {
      expect(check).toEqual({ ok: true, to: row.to });
      for (const p of row.permission) {
        if (p === "system") expect(agreementMachine.permitted(event, state, "system")).toBe(true);
        else expect(agreementMachine.permitted(event, state, [p])).toBe(true);
      }
      expect(agreementMachine.permitted(event, state, PERMISSIONS.filter((p) => !row.permission.includes(p)))).toBe(false);
      if (!row.permission.includes("system")) expect(agreementMachine.permitted(event, state, "system")).toBe(false);
    } else {
      expect(check).toEqual({ ok: false, reason: notPossible(AGREEMENT_STATE_LABELS[state]) });
      expect(agreementMachine.permitted(event, state, [...PERMISSIONS])).toBe(false);
      expect(agreementMachine.permitted(event, state, "system")).toBe(false);
    }
  });

  it("eventsFrom per state", () => {
    expect(agreementMachine.eventsFrom("draft")).toEqual(["offer", "withdraw_offer"]);
    expect(agreementMachine.eventsFrom("offered")).toEqual(["accept", "withdraw_offer", "expire"]);
    expect(agreementMachine.eventsFrom("active")).toEqual(["suspend", "terminate", "expire"]);
    expect(agreementMachine.eventsFrom("suspended")).toEqual(["resume", "terminate", "expire"]);
    expect(agreementMachine.eventsFrom("terminated")).toEqual([]);
    expect(agreementMachine.eventsFrom("expired")).toEqual([]);
  });

  it("roles: procurement manages, the provider accepts, the system expires", () => {
    const role = (r: Role) => ROLE_PERMISSIONS[r];
    expect(agreementMachine.permitted("offer", "draft", role("procurement"))).toBe(true);
    expect(agreementMachine.permitted("offer", "draft", role("provider"))).toBe(false);
    expect(agreementMachine.permitted("accept", "offered", role("provider"))).toBe(true);
    expect(agreementMachine.permitted("accept", "offered", role("procurement"))).toBe(false);
    expect(agreementMachine.permitted("terminate", "active", role("case_manager"))).toBe(false);
    expect(agreementMachine.permitted("terminate", "active", role("auditor"))).toBe(false);
    expect(agreementMachine.permitted("expire", "active", role("admin"))).toBe(false);
    expect(agreementMachine.permitted("expire", "active", "system")).toBe(true);
  });

  describe("guards", () => {
    const problem = "Keine Gewerbeanzeige für Arbeitsvermittlung (§ 421g Abs. 3 Nr. 4 SGB III a.F.).";

    it("offer and accept: refused with the admission problem", () => {
      expect(agreementMachine.check("offer", passing("draft", "offer", { admissionProblem: problem }))).toEqual({ ok: false, reason: problem });
      expect(agreementMachine.check("accept", passing("offered", "accept", { admissionProblem: problem }))).toEqual({ ok: false, reason: problem });
    });

    it("offer: allowed on the last day of the term, refused the day after", () => {
      expect(agreementMachine.check("offer", passing("draft", "offer", { today: "2007-12-31" }))).toEqual({ ok: true, to: "offered" });
      expect(agreementMachine.check("offer", passing("draft", "offer", { today: "2008-01-01" }))).toEqual({ ok: false, reason: "Die Laufzeit der Vereinbarung ist bereits abgelaufen." });
    });

    it("accept: allowed on the last day of the term, refused the day after", () => {
      expect(agreementMachine.check("accept", passing("offered", "accept", { today: "2007-12-31" }))).toEqual({ ok: true, to: "active" });
      expect(agreementMachine.check("accept", passing("offered", "accept", { today: "2008-01-01" }))).toEqual({
        ok: false,
        reason: "Die Laufzeit der angebotenen Vereinbarung ist abgelaufen.",
      });
    });

    it("withdraw_offer, suspend, terminate: a reason of at least 10 characters (spaces do not count)", () => {
      const refused = { ok: false, reason: "Bitte geben Sie eine Begründung an (mindestens 10 Zeichen)." };
      for (const [event, state, to] of [
        ["withdraw_offer", "draft", "terminated"],
        ["withdraw_offer", "offered", "terminated"],
        ["suspend", "active", "suspended"],
        ["terminate", "active", "terminated"],
        ["terminate", "suspended", "terminated"],
      ] as [AgreementEvent, AgreementState, AgreementState][]) {
        expect(agreementMachine.check(event, passing(state, event, { reason: "123456789" }))).toEqual(refused);
        expect(agreementMachine.check(event, passing(state, event, { reason: "   123456789   " }))).toEqual(refused);
        expect(agreementMachine.check(event, passing(state, event, { reason: null }))).toEqual(refused);
        expect(agreementMachine.check(event, passing(state, event, { reason: undefined }))).toEqual(refused);
        expect(agreementMachine.check(event, passing(state, event, { reason: "1234567890" }))).toEqual({ ok: true, to });
      }
    });

    it("resume: refused while the broker cannot be admitted", () => {
      expect(agreementMachine.check("resume", passing("suspended", "resume", { admissionProblem: "Der Vermittler ist inaktiv." }))).toEqual({
        ok: false,
        reason: "Der Vermittler ist inaktiv.",
      });
    });

    it("resume: allowed on the last day of the term, refused the day after", () => {
      expect(agreementMachine.check("resume", passing("suspended", "resume", { today: "2007-12-31" }))).toEqual({ ok: true, to: "active" });
      expect(agreementMachine.check("resume", passing("suspended", "resume", { today: "2008-01-01" }))).toEqual({
        ok: false,
        reason: "Die Laufzeit der Vereinbarung ist abgelaufen; bitte eine neue Vereinbarung anbieten.",
      });
    });

    it("expire: refused on the last day of the term, allowed the day after", () => {
      for (const state of ["offered", "active", "suspended"] as AgreementState[]) {
        expect(agreementMachine.check("expire", passing(state, "expire", { today: "2007-12-31" }))).toEqual({ ok: false, reason: "Die Laufzeit ist noch nicht abgelaufen." });
        expect(agreementMachine.check("expire", passing(state, "expire", { today: "2008-01-01" }))).toEqual({ ok: true, to: "expired" });
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe("placement claim machine", () => {
  const STATES: ClaimState[] = ["submitted", "documents_requested", "accepted", "rejected", "withdrawn"];
  const EVENTS: ClaimEvent[] = ["accept", "reject", "request_documents", "resubmit", "withdraw"];
  const EXPECTED: Row<ClaimState, ClaimEvent>[] = [
    { event: "accept", from: ["submitted"], to: "accepted", permission: ["decide:placement:any"] },
    { event: "reject", from: ["submitted", "documents_requested"], to: "rejected", permission: ["decide:placement:any"] },
    { event: "request_documents", from: ["submitted"], to: "documents_requested", permission: ["decide:placement:any"] },
    { event: "resubmit", from: ["documents_requested"], to: "submitted", permission: ["submit:placement:own"] },
    { event: "withdraw", from: ["submitted", "documents_requested"], to: "withdrawn", permission: ["submit:placement:own"] },
  ];

  const passing = (state: ClaimState, over: Partial<ClaimFacts> = {}): ClaimFacts => ({
    state,
    results: [],
    note: "Arbeitsvertrag und Bestätigung geprüft.",
    documentKinds: ["employment_contract", "employer_confirmation", "broker_contract"],
    ...over,
  });

  const err = (code: string, message: string): RuleResult => ({ code, severity: "error", message });
  const flag = (code: string, message: string): RuleResult => ({ code, severity: "flag", message });

  it("has the five states, each with a German label", () => {
    expect([...CLAIM_STATES].sort()).toEqual([...STATES].sort());
    for (const s of STATES) expect(CLAIM_STATE_LABELS[s]).toBeTruthy();
    expect([...REQUIRED_CLAIM_DOCUMENTS]).toEqual(["employment_contract", "employer_confirmation", "broker_contract"]);
  });

  const cases = pairs(STATES, EVENTS, EXPECTED);
  it("5 × 5 = 25 pairs, 7 allowed", () => {
    expect(cases).toHaveLength(25);
    expect(cases.filter((c) => c.row)).toHaveLength(7);
  });

  it.each(cases)("$state + $event", ({ state, event, row }) => {
    const check = claimMachine.check(event, passing(state));
    if (row) {
      expect(check).toEqual({ ok: true, to: row.to });
      for (const p of row.permission) expect(claimMachine.permitted(event, state, [p])).toBe(true);
      expect(claimMachine.permitted(event, state, PERMISSIONS.filter((p) => !row.permission.includes(p)))).toBe(false);
      expect(claimMachine.permitted(event, state, "system")).toBe(false);
    } else {
      expect(check).toEqual({ ok: false, reason: notPossible(CLAIM_STATE_LABELS[state]) });
      expect(claimMachine.permitted(event, state, [...PERMISSIONS])).toBe(false);
      expect(claimMachine.permitted(event, state, "system")).toBe(false);
    }
  });

  it("accepted, rejected and withdrawn are final", () => {
    for (const s of ["accepted", "rejected", "withdrawn"] as ClaimState[]) expect(claimMachine.eventsFrom(s)).toEqual([]);
    expect(claimMachine.eventsFrom("submitted")).toEqual(["accept", "reject", "request_documents", "withdraw"]);
    expect(claimMachine.eventsFrom("documents_requested")).toEqual(["reject", "resubmit", "withdraw"]);
  });

  it("roles: staff decide, the provider submits and withdraws, finance and auditors do neither", () => {
    for (const r of ["procurement", "case_manager"] as Role[]) {
      expect(claimMachine.permitted("accept", "submitted", ROLE_PERMISSIONS[r])).toBe(true);
      expect(claimMachine.permitted("withdraw", "submitted", ROLE_PERMISSIONS[r])).toBe(false);
    }
    expect(claimMachine.permitted("accept", "submitted", ROLE_PERMISSIONS.provider)).toBe(false);
    expect(claimMachine.permitted("reject", "submitted", ROLE_PERMISSIONS.provider)).toBe(false);
    expect(claimMachine.permitted("resubmit", "documents_requested", ROLE_PERMISSIONS.provider)).toBe(true);
    expect(claimMachine.permitted("withdraw", "documents_requested", ROLE_PERMISSIONS.provider)).toBe(true);
    for (const r of ["finance", "auditor", "admin"] as Role[]) for (const e of EVENTS) expect(claimMachine.permitted(e, "submitted", ROLE_PERMISSIONS[r])).toBe(false);
  });

  describe("accept guard", () => {
    it("errors block the acceptance, their messages joined", () => {
      const results = [
        err("R2-hours", "Wöchentliche Arbeitszeit 14,99 Std. liegt unter der Mindestarbeitszeit von 15 Std. (§ 421g Abs. 1 SGB III a.F.)."),
        flag("R5-iban", "Arbeitgeber und Vermittler haben dieselbe Bankverbindung."),
        err("R6-fee", "Die geltend gemachte Vergütung 2.000,01 € übersteigt den Betrag der Zuweisung von 2.000,00 €."),
      ];
      expect(claimMachine.check("accept", passing("submitted", { results }))).toEqual({
        ok: false,
        reason:
          "Anerkennung nicht möglich: Wöchentliche Arbeitszeit 14,99 Std. liegt unter der Mindestarbeitszeit von 15 Std. (§ 421g Abs. 1 SGB III a.F.). Die geltend gemachte Vergütung 2.000,01 € übersteigt den Betrag der Zuweisung von 2.000,00 €.",
      });
    });

    it("errors are reported before missing documents", () => {
      const check = claimMachine.check("accept", passing("submitted", { results: [err("R6-fee", "Zu hoch.")], documentKinds: [] }));
      expect(check).toEqual({ ok: false, reason: "Anerkennung nicht möglich: Zu hoch." });
    });

    it("the employment contract, the employer's confirmation and the broker–client contract are required (§ 1.3)", () => {
      const reason = (what: string) => ({ ok: false, reason: `Anerkennung nicht möglich: es fehlt ${what} (DOMAIN.md § 1.3; fehlende Unterlagen bitte anfordern).` });
      expect(claimMachine.check("accept", passing("submitted", { documentKinds: [] }))).toEqual(reason("Arbeitsvertrag (Kopie), Bestätigung des Arbeitgebers, Vermittlungsvertrag mit dem Kunden"));
      expect(claimMachine.check("accept", passing("submitted", { documentKinds: ["employment_contract", "broker_contract"] }))).toEqual(reason("Bestätigung des Arbeitgebers"));
      expect(claimMachine.check("accept", passing("submitted", { documentKinds: ["employer_confirmation", "employment_contract"] }))).toEqual(reason("Vermittlungsvertrag mit dem Kunden"));
      expect(claimMachine.check("accept", passing("submitted", { documentKinds: ["other", "employer_confirmation", "employment_contract", "broker_contract"] }))).toEqual({
        ok: true,
        to: "accepted",
      });
    });

    it("flags need a review note of at least 10 characters; without flags no note is needed", () => {
      const results = [flag("R9-second-broker", "Ein anderer Vermittler hat eingereicht.")];
      const reason = "Der Nachweis hat Prüfhinweise. Bitte vermerken Sie, wie Sie sie geprüft haben (mindestens 10 Zeichen).";
      expect(claimMachine.check("accept", passing("submitted", { results, note: null }))).toEqual({ ok: false, reason });
      expect(claimMachine.check("accept", passing("submitted", { results, note: "123456789" }))).toEqual({ ok: false, reason });
      expect(claimMachine.check("accept", passing("submitted", { results, note: "  123456789  " }))).toEqual({ ok: false, reason });
      expect(claimMachine.check("accept", passing("submitted", { results, note: "1234567890" }))).toEqual({ ok: true, to: "accepted" });
      expect(claimMachine.check("accept", passing("submitted", { results: [], note: null }))).toEqual({ ok: true, to: "accepted" });
    });
  });

  it("reject and request_documents need a note of at least 10 characters", () => {
    const rejectReason = "Bitte begründen Sie die Ablehnung (mindestens 10 Zeichen).";
    for (const state of ["submitted", "documents_requested"] as ClaimState[]) {
      expect(claimMachine.check("reject", passing(state, { note: "123456789" }))).toEqual({ ok: false, reason: rejectReason });
      expect(claimMachine.check("reject", passing(state, { note: null }))).toEqual({ ok: false, reason: rejectReason });
      expect(claimMachine.check("reject", passing(state, { note: "1234567890" }))).toEqual({ ok: true, to: "rejected" });
    }
    const requestReason = "Bitte geben Sie an, welche Unterlagen fehlen (mindestens 10 Zeichen).";
    expect(claimMachine.check("request_documents", passing("submitted", { note: "  fehlt   " }))).toEqual({ ok: false, reason: requestReason });
    expect(claimMachine.check("request_documents", passing("submitted", { note: undefined }))).toEqual({ ok: false, reason: requestReason });
    expect(claimMachine.check("request_documents", passing("submitted", { note: "Arbeitsvertrag" }))).toEqual({ ok: true, to: "documents_requested" });
  });

  it("a rejection is possible despite rule errors; resubmit and withdraw need no note", () => {
    expect(claimMachine.check("reject", passing("submitted", { results: [err("R6-fee", "x")], note: "Vergütung zu hoch." }))).toEqual({ ok: true, to: "rejected" });
    expect(claimMachine.check("resubmit", passing("documents_requested", { note: null, documentKinds: [] }))).toEqual({ ok: true, to: "submitted" });
    expect(claimMachine.check("withdraw", passing("submitted", { note: null }))).toEqual({ ok: true, to: "withdrawn" });
  });
});

// ---------------------------------------------------------------------------------------------
describe("fee instalment machine", () => {
  const STATES: InstalmentState[] = ["pending", "due", "earned", "payable", "paid", "cancelled", "lapsed"];
  const EVENTS: InstalmentEvent[] = ["reach_duration", "prove", "certify", "end_employment", "lapse", "reinstate", "revoke", "pay"];
  const EXPECTED: Row<InstalmentState, InstalmentEvent>[] = [
    { event: "reach_duration", from: ["pending"], to: "due", permission: ["system"] },
    { event: "prove", from: ["pending", "due"], to: "earned", permission: ["submit:placement:own"] },
    { event: "certify", from: ["earned"], to: "payable", permission: ["certify:instalment:any"] },
    { event: "end_employment", from: ["pending", "due"], to: "cancelled", permission: ["submit:placement:own", "decide:placement:any"] },
    { event: "lapse", from: ["pending", "due"], to: "lapsed", permission: ["system"] },
    { event: "reinstate", from: ["cancelled"], to: "pending", permission: ["decide:placement:any"] },
    { event: "revoke", from: ["earned", "payable"], to: "cancelled", permission: ["decide:placement:any"] },
    { event: "pay", from: ["payable"], to: "paid", permission: ["book:payment:any"] },
  ];

  // Job start 01.01.2007: the six weeks end with day 42 = 11.02.2007; the period is complete when
  // that day is over (DOMAIN.md § 1.5), so the instalment is due and provable from day 43 = 12.02.2007
  // (earliestOn); deadline 31.08.2007 (the month of day 42).
  const JOB_START = "2007-01-01";
  const DAY_41 = "2007-02-10";
  const DAY_42 = "2007-02-11";
  const DAY_43 = "2007-02-12";

  /** The first instalment, facts under which the event's guard passes. */
  const first = (state: InstalmentState, over: Partial<InstalmentFacts> = {}): InstalmentFacts => ({
    state,
    today: DAY_43,
    number: 1,
    jobStart: JOB_START,
    earliestOn: DAY_43,
    deadlineOn: "2007-08-31",
    sameEmployerRequired: false,
    employmentEndedOn: null,
    proof: { confirmedUntil: DAY_42, sameEmployer: true, uninterrupted: true },
    ...over,
  });
  const passing = (state: InstalmentState, event: InstalmentEvent): InstalmentFacts =>
    event === "end_employment"
      ? first(state, { employmentEndedOn: DAY_41 })
      : event === "lapse"
        ? first(state, { today: "2007-09-01" })
        : event === "reinstate" || event === "revoke"
          ? first(state, { reason: "Korrektur nach Rückfrage beim Arbeitgeber." })
          : first(state);

  /** The second instalment: six months with the same employer end with 30.06.2007 (day 181), provable from 01.07.2007, deadline 31.12.2007. */
  const second = (over: Partial<InstalmentFacts> = {}): InstalmentFacts =>
    first("due", {
      number: 2,
      today: "2007-07-02",
      earliestOn: "2007-07-01",
      deadlineOn: "2007-12-31",
      sameEmployerRequired: true,
      proof: { confirmedUntil: "2007-06-30", sameEmployer: true, uninterrupted: true },
      ...over,
    });

  it("has the seven states, each with a German label", () => {
    expect([...INSTALMENT_STATES].sort()).toEqual([...STATES].sort());
    for (const s of STATES) expect(INSTALMENT_STATE_LABELS[s]).toBeTruthy();
  });

  const cases = pairs(STATES, EVENTS, EXPECTED);
  it("7 × 8 = 56 pairs, 12 allowed", () => {
    expect(cases).toHaveLength(56);
    expect(cases.filter((c) => c.row)).toHaveLength(12);
  });

  it("corrections need a reason; a reinstatement only when the employment lasted long enough", () => {
    expect(instalmentMachine.check("revoke", first("payable", { reason: "kurz" }))).toEqual({ ok: false, reason: "Bitte begründen Sie die Korrektur (mindestens 10 Zeichen)." });
    expect(instalmentMachine.check("reinstate", first("cancelled", { reason: "Ende war falsch gemeldet.", employmentEndedOn: DAY_41 }))).toEqual({
      ok: false,
      reason: "Die Beschäftigung endete am 10.02.2007, vor Erreichen der Dauer; die Rate bleibt entfallen.",
    });
    expect(instalmentMachine.check("reinstate", first("cancelled", { reason: "Ende war falsch gemeldet.", employmentEndedOn: DAY_42 }))).toEqual({ ok: true, to: "pending" });
    expect(instalmentMachine.permitted("revoke", "payable", ROLE_PERMISSIONS.provider)).toBe(false);
    expect(instalmentMachine.permitted("revoke", "payable", ROLE_PERMISSIONS.case_manager)).toBe(true);
  });

  it.each(cases)("$state + $event", ({ state, event, row }) => {
    const check = instalmentMachine.check(event, passing(state, event));
    if (row) {
      expect(check).toEqual({ ok: true, to: row.to });
      for (const p of row.permission) {
        if (p === "system") expect(instalmentMachine.permitted(event, state, "system")).toBe(true);
        else expect(instalmentMachine.permitted(event, state, [p])).toBe(true);
      }
      expect(instalmentMachine.permitted(event, state, PERMISSIONS.filter((p) => !row.permission.includes(p)))).toBe(false);
      if (!row.permission.includes("system")) expect(instalmentMachine.permitted(event, state, "system")).toBe(false);
    } else {
      expect(check).toEqual({ ok: false, reason: notPossible(INSTALMENT_STATE_LABELS[state]) });
      expect(instalmentMachine.permitted(event, state, [...PERMISSIONS])).toBe(false);
      expect(instalmentMachine.permitted(event, state, "system")).toBe(false);
    }
  });

  it("eventsFrom per state; paid and lapsed are final, corrections by staff", () => {
    expect(instalmentMachine.eventsFrom("pending")).toEqual(["reach_duration", "prove", "end_employment", "lapse"]);
    expect(instalmentMachine.eventsFrom("due")).toEqual(["prove", "end_employment", "lapse"]);
    expect(instalmentMachine.eventsFrom("earned")).toEqual(["certify", "revoke"]);
    expect(instalmentMachine.eventsFrom("payable")).toEqual(["revoke", "pay"]);
    expect(instalmentMachine.eventsFrom("cancelled")).toEqual(["reinstate"]);
    for (const s of ["paid", "lapsed"] as InstalmentState[]) expect(instalmentMachine.eventsFrom(s)).toEqual([]);
  });

  it("roles: the broker proves, staff certify (not finance), the job reaches the duration and lapses", () => {
    expect(instalmentMachine.permitted("prove", "due", ROLE_PERMISSIONS.provider)).toBe(true);
    expect(instalmentMachine.permitted("prove", "due", ROLE_PERMISSIONS.case_manager)).toBe(false);
    expect(instalmentMachine.permitted("certify", "earned", ROLE_PERMISSIONS.case_manager)).toBe(true);
    expect(instalmentMachine.permitted("certify", "earned", ROLE_PERMISSIONS.procurement)).toBe(true);
    expect(instalmentMachine.permitted("certify", "earned", ROLE_PERMISSIONS.provider)).toBe(false);
    expect(instalmentMachine.permitted("certify", "earned", ROLE_PERMISSIONS.finance)).toBe(false);
    expect(instalmentMachine.permitted("end_employment", "due", ROLE_PERMISSIONS.provider)).toBe(true);
    expect(instalmentMachine.permitted("end_employment", "due", ROLE_PERMISSIONS.case_manager)).toBe(true);
    expect(instalmentMachine.permitted("end_employment", "due", ROLE_PERMISSIONS.auditor)).toBe(false);
    for (const e of ["reach_duration", "lapse"] as InstalmentEvent[]) {
      expect(instalmentMachine.permitted(e, "pending", "system")).toBe(true);
      for (const r of Object.keys(ROLE_PERMISSIONS) as Role[]) expect(instalmentMachine.permitted(e, "pending", ROLE_PERMISSIONS[r])).toBe(false);
    }
  });

  describe("instalment 1: six weeks = day 42, complete when day 42 is over", () => {
    it("employmentDay counts the job start as day 1", () => {
      expect(employmentDay(JOB_START, JOB_START)).toBe(1);
      expect(employmentDay(JOB_START, DAY_41)).toBe(41);
      expect(employmentDay(JOB_START, DAY_42)).toBe(42);
      expect(durationReachedOn(JOB_START, { afterDays: 42, afterMonths: null })).toBe(DAY_42);
    });

    it("prove: an employer confirmation up to day 41 refused, naming both days", () => {
      const check = instalmentMachine.check("prove", first("due", { proof: { confirmedUntil: DAY_41, sameEmployer: true, uninterrupted: true } }));
      expect(check).toEqual({
        ok: false,
        reason: "Der Arbeitgeber bestätigt die Beschäftigung bis 10.02.2007, das ist Tag 41; für die 1. Rate ist Tag 42 (11.02.2007) nötig.",
      });
    });

    it("prove: a confirmation up to day 42 (or up to day 43) accepted on day 43, also from pending", () => {
      expect(instalmentMachine.check("prove", first("due"))).toEqual({ ok: true, to: "earned" });
      expect(instalmentMachine.check("prove", first("due", { proof: { confirmedUntil: DAY_43, sameEmployer: true, uninterrupted: true } }))).toEqual({ ok: true, to: "earned" });
      expect(instalmentMachine.check("prove", first("pending"))).toEqual({ ok: true, to: "earned" });
    });

    it("prove: refused on day 42 itself (the period is not over yet) and before, whatever the confirmation says", () => {
      const notYet = { ok: false, reason: "Die Beschäftigungsdauer für die 1. Rate ist erst mit Ablauf des 11.02.2007 erreicht; die Bestätigung des Arbeitgebers kann ab dem 12.02.2007 eingereicht werden." };
      expect(instalmentMachine.check("prove", first("pending", { today: DAY_42, proof: { confirmedUntil: DAY_42, sameEmployer: true, uninterrupted: true } }))).toEqual(notYet);
      expect(instalmentMachine.check("prove", first("due", { today: DAY_42, proof: { confirmedUntil: DAY_42, sameEmployer: true, uninterrupted: true } }))).toEqual(notYet);
      expect(instalmentMachine.check("prove", first("pending", { today: DAY_41, proof: { confirmedUntil: DAY_41, sameEmployer: true, uninterrupted: true } }))).toEqual(notYet);
    });

    it("prove: a confirmation beyond today refused", () => {
      expect(instalmentMachine.check("prove", first("due", { today: DAY_43, proof: { confirmedUntil: "2007-02-13", sameEmployer: true, uninterrupted: true } }))).toEqual({
        ok: false,
        reason: "Die Bestätigung kann die Beschäftigung nur bis heute bestätigen.",
      });
    });

    it("prove: without a confirmation, or with an interrupted employment, refused", () => {
      expect(instalmentMachine.check("prove", first("due", { proof: null }))).toEqual({ ok: false, reason: "Bitte laden Sie die Bestätigung des Arbeitgebers hoch." });
      expect(instalmentMachine.check("prove", first("due", { proof: undefined }))).toEqual({ ok: false, reason: "Bitte laden Sie die Bestätigung des Arbeitgebers hoch." });
      expect(instalmentMachine.check("prove", first("due", { proof: { confirmedUntil: DAY_42, sameEmployer: true, uninterrupted: false } }))).toEqual({
        ok: false,
        reason: "Vergütet wird nur eine ununterbrochene Beschäftigung; der Arbeitgeber bestätigt keine ununterbrochene Beschäftigung.",
      });
    });

    it("prove: the first instalment does not require the same employer", () => {
      expect(instalmentMachine.check("prove", first("due", { proof: { confirmedUntil: DAY_42, sameEmployer: false, uninterrupted: true } }))).toEqual({ ok: true, to: "earned" });
    });

    it("prove: an employment that ended on day 41 refused, on day 42 accepted", () => {
      expect(instalmentMachine.check("prove", first("due", { employmentEndedOn: DAY_41 }))).toEqual({
        ok: false,
        reason: "Die Beschäftigung endete am 10.02.2007, vor Erreichen der Dauer für die 1. Rate.",
      });
      expect(instalmentMachine.check("prove", first("due", { employmentEndedOn: DAY_42 }))).toEqual({ ok: true, to: "earned" });
    });

    it("prove: on the last day of the exclusion period accepted, the day after refused (§ 326 SGB III)", () => {
      expect(instalmentMachine.check("prove", first("due", { today: "2007-08-31" }))).toEqual({ ok: true, to: "earned" });
      expect(instalmentMachine.check("prove", first("due", { today: "2007-09-01" }))).toEqual({
        ok: false,
        reason: "Die Ausschlussfrist für die 1. Rate ist am 31.08.2007 abgelaufen (§ 326 SGB III).",
      });
    });

    it("reach_duration: refused on day 42, allowed on day 43", () => {
      expect(instalmentMachine.check("reach_duration", first("pending", { today: DAY_42 }))).toEqual({ ok: false, reason: "Die Beschäftigungsdauer ist noch nicht erreicht." });
      expect(instalmentMachine.check("reach_duration", first("pending", { today: DAY_43 }))).toEqual({ ok: true, to: "due" });
    });

    it("end_employment: cancels only when the employment ended before day 42", () => {
      const refused = { ok: false, reason: "Die Beschäftigung hat die nötige Dauer erreicht; die Rate entfällt nicht." };
      expect(instalmentMachine.check("end_employment", first("pending", { employmentEndedOn: DAY_41 }))).toEqual({ ok: true, to: "cancelled" });
      expect(instalmentMachine.check("end_employment", first("due", { employmentEndedOn: DAY_41 }))).toEqual({ ok: true, to: "cancelled" });
      expect(instalmentMachine.check("end_employment", first("pending", { employmentEndedOn: DAY_42 }))).toEqual(refused);
      expect(instalmentMachine.check("end_employment", first("pending", { employmentEndedOn: null }))).toEqual(refused);
    });

    it("lapse: refused on the last day of the exclusion period, allowed the day after", () => {
      expect(instalmentMachine.check("lapse", first("due", { today: "2007-08-31" }))).toEqual({ ok: false, reason: "Die Ausschlussfrist läuft noch." });
      expect(instalmentMachine.check("lapse", first("due", { today: "2007-09-01" }))).toEqual({ ok: true, to: "lapsed" });
      expect(instalmentMachine.check("lapse", first("pending", { today: "2007-09-01" }))).toEqual({ ok: true, to: "lapsed" });
    });

    it("certify needs no guard", () => {
      expect(instalmentMachine.check("certify", first("earned", { proof: null, today: "2000-01-01" }))).toEqual({ ok: true, to: "payable" });
    });
  });

  describe("instalment 2: six months with the same employer", () => {
    it("start 01.01.2007 → the period ends with 30.06.2007 (day 181), provable from 01.07.2007; the plan agrees with the facts used here", () => {
      expect(durationReachedOn(JOB_START, { afterDays: null, afterMonths: 6 })).toBe("2007-06-30");
      expect(exclusionDeadline("2007-06-30", 6)).toBe("2007-12-31");
      expect(employmentDay(JOB_START, "2007-06-30")).toBe(181);
      const plan = planInstalments(STANDARD_INSTALMENTS, 200000, JOB_START, 6);
      expect(plan[1]).toMatchObject({ earliestOn: "2007-07-01", deadlineOn: "2007-12-31", sameEmployer: true });
      expect(plan[0]).toMatchObject({ earliestOn: DAY_43, deadlineOn: "2007-08-31" });
    });

    it("confirmed up to 30.06.2007 accepted, up to 29.06.2007 refused", () => {
      expect(instalmentMachine.check("prove", second())).toEqual({ ok: true, to: "earned" });
      expect(instalmentMachine.check("prove", second({ proof: { confirmedUntil: "2007-06-29", sameEmployer: true, uninterrupted: true } }))).toEqual({
        ok: false,
        reason: "Der Arbeitgeber bestätigt die Beschäftigung bis 29.06.2007, das ist Tag 180; für die 2. Rate ist Tag 181 (30.06.2007) nötig.",
      });
    });

    it("on the period's last day (30.06.2007) refused, from the day after (01.07.2007) due and provable", () => {
      expect(instalmentMachine.check("prove", second({ today: "2007-06-30", proof: { confirmedUntil: "2007-06-30", sameEmployer: true, uninterrupted: true } }))).toEqual({
        ok: false,
        reason: "Die Beschäftigungsdauer für die 2. Rate ist erst mit Ablauf des 30.06.2007 erreicht; die Bestätigung des Arbeitgebers kann ab dem 01.07.2007 eingereicht werden.",
      });
      expect(instalmentMachine.check("prove", second({ today: "2007-07-01" }))).toEqual({ ok: true, to: "earned" });
      expect(instalmentMachine.check("reach_duration", second({ state: "pending", today: "2007-06-30" }))).toEqual({
        ok: false,
        reason: "Die Beschäftigungsdauer ist noch nicht erreicht.",
      });
      expect(instalmentMachine.check("reach_duration", second({ state: "pending", today: "2007-07-01" }))).toEqual({ ok: true, to: "due" });
    });

    it("another employer (e.g. temp agency → client firm) refused, citing B 11 AL 1/14 R", () => {
      const check = instalmentMachine.check("prove", second({ proof: { confirmedUntil: "2007-06-30", sameEmployer: false, uninterrupted: true } }));
      expect(check).toEqual({
        ok: false,
        reason: "Die 2. Rate setzt sechs Monate Beschäftigung beim selben Arbeitgeber voraus (BSG, Urteil vom 6.5.2014, B 11 AL 1/14 R).",
      });
    });

    it("an employment that ended after day 42 but before six months: the second instalment is cancelled", () => {
      expect(instalmentMachine.check("end_employment", second({ employmentEndedOn: "2007-06-29" }))).toEqual({ ok: true, to: "cancelled" });
      expect(instalmentMachine.check("end_employment", second({ employmentEndedOn: "2007-06-30" }))).toMatchObject({ ok: false });
    });
  });
});

describe("DOMAIN.md § 1.5 example: a job starting 16.04.2007, both instalments at both edges", () => {
  const START = "2007-04-16";
  const plan = planInstalments(STANDARD_INSTALMENTS, 200000, START, 6);
  const facts = (n: 0 | 1, today: string, confirmedUntil: string): InstalmentFacts => ({
    state: "pending",
    today,
    number: n + 1,
    jobStart: START,
    earliestOn: plan[n].earliestOn,
    deadlineOn: plan[n].deadlineOn,
    sameEmployerRequired: plan[n].sameEmployer,
    employmentEndedOn: null,
    proof: { confirmedUntil, sameEmployer: true, uninterrupted: true },
  });

  it("six weeks end with 27.05.2007, six months with 15.10.2007; each is due from the day after", () => {
    expect(durationReachedOn(START, { afterDays: 42, afterMonths: null })).toBe("2007-05-27");
    expect(durationReachedOn(START, { afterDays: null, afterMonths: 6 })).toBe("2007-10-15");
    expect(plan.map((p) => [p.earliestOn, p.deadlineOn])).toEqual([
      ["2007-05-28", "2007-11-30"],
      ["2007-10-16", "2008-04-30"],
    ]);
  });

  it("instalment 1: a confirmation dated 27.05. refused, dated 28.05. (confirming up to 27.05.) accepted", () => {
    expect(instalmentMachine.check("reach_duration", facts(0, "2007-05-27", "2007-05-27"))).toMatchObject({ ok: false });
    expect(instalmentMachine.check("prove", facts(0, "2007-05-27", "2007-05-27"))).toMatchObject({ ok: false });
    expect(instalmentMachine.check("reach_duration", facts(0, "2007-05-28", "2007-05-27"))).toEqual({ ok: true, to: "due" });
    expect(instalmentMachine.check("prove", facts(0, "2007-05-28", "2007-05-27"))).toEqual({ ok: true, to: "earned" });
    // Confirming only up to 26.05. (day 41) is not enough, even later.
    expect(instalmentMachine.check("prove", facts(0, "2007-05-28", "2007-05-26"))).toMatchObject({ ok: false });
  });

  it("instalment 2: on 15.10. neither due nor provable, from 16.10. both", () => {
    expect(instalmentMachine.check("reach_duration", facts(1, "2007-10-15", "2007-10-15"))).toMatchObject({ ok: false });
    expect(instalmentMachine.check("prove", facts(1, "2007-10-15", "2007-10-15"))).toEqual({
      ok: false,
      reason: "Die Beschäftigungsdauer für die 2. Rate ist erst mit Ablauf des 15.10.2007 erreicht; die Bestätigung des Arbeitgebers kann ab dem 16.10.2007 eingereicht werden.",
    });
    expect(instalmentMachine.check("reach_duration", facts(1, "2007-10-16", "2007-10-15"))).toEqual({ ok: true, to: "due" });
    expect(instalmentMachine.check("prove", facts(1, "2007-10-16", "2007-10-15"))).toEqual({ ok: true, to: "earned" });
    expect(instalmentMachine.check("prove", facts(1, "2007-10-16", "2007-10-14"))).toMatchObject({ ok: false });
  });

  it("an employment that ended on the period's last day completes it; one day earlier cancels", () => {
    expect(instalmentMachine.check("end_employment", { ...facts(1, "2007-10-20", "2007-10-15"), employmentEndedOn: "2007-10-15" })).toMatchObject({ ok: false });
    expect(instalmentMachine.check("end_employment", { ...facts(1, "2007-10-20", "2007-10-15"), employmentEndedOn: "2007-10-14" })).toEqual({ ok: true, to: "cancelled" });
  });
});

describe("reminderDue", () => {
  const EARLIEST = "2007-02-11";
  it("only while due and from the day it became due", () => {
    expect(reminderDue("due", "2007-02-11", EARLIEST, null, 7)).toBe(true);
    expect(reminderDue("due", "2007-02-10", EARLIEST, null, 7)).toBe(false);
    for (const s of INSTALMENT_STATES.filter((x) => x !== "due")) expect(reminderDue(s, "2007-03-01", EARLIEST, null, 7)).toBe(false);
  });

  it("every intervalDays after the last reminder: day 6 no, day 7 yes", () => {
    expect(reminderDue("due", "2007-02-17", EARLIEST, "2007-02-11", 7)).toBe(false);
    expect(reminderDue("due", "2007-02-18", EARLIEST, "2007-02-11", 7)).toBe(true);
    expect(reminderDue("due", "2007-03-30", EARLIEST, "2007-02-11", 7)).toBe(true);
    expect(reminderDue("due", "2007-02-11", EARLIEST, "2007-02-11", 7)).toBe(false);
  });

  it("across a month end", () => {
    expect(reminderDue("due", "2007-03-06", EARLIEST, "2007-02-27", 7)).toBe(true);
    expect(reminderDue("due", "2007-03-05", EARLIEST, "2007-02-27", 7)).toBe(false);
  });
});
