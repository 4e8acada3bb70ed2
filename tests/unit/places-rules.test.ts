import { describe, expect, it } from "vitest";
import { ROLE_PERMISSIONS } from "~/domain/permissions";
import { ageOn, cancelProblem, capacityProblem, fitProblems, needsApproval, peakOccupancy, placeEnd, PURCHASE_STATE_LABELS, PURCHASE_STATES, type FitInput, type PurchaseState } from "~/domain/places";
import { purchaseMachine, type PurchaseEvent, type PurchaseFacts } from "~/domain/purchase.machine";

/**
 * The pure rules of buying a place (DOMAIN.md §§ 2.1, 4, 6; rules 11 and 15) at their
 * boundaries, and the purchase machine: every (state, event) pair allowed or refused, the
 * permission of each transition, and its guards. The expected table is written out by hand.
 */

describe("placeEnd", () => {
  it("months count to the day before the same date (a month from 31 January ends on 28 February)", () => {
    expect(placeEnd("2030-09-01", 36, "month")).toBe("2033-08-31");
    expect(placeEnd("2030-01-15", 1, "month")).toBe("2030-02-14");
    expect(placeEnd("2030-01-31", 1, "month")).toBe("2030-02-28");
  });
  it("weeks and days", () => {
    expect(placeEnd("2030-03-04", 2, "week")).toBe("2030-03-17");
    expect(placeEnd("2030-03-04", 1, "day")).toBe("2030-03-04");
    expect(placeEnd("2030-12-31", 2, "day")).toBe("2031-01-01");
  });
  it("refuses a duration below 1", () => {
    expect(() => placeEnd("2030-03-04", 0, "day")).toThrow(RangeError);
  });
});

describe("ageOn", () => {
  it("the birthday starts the new year of age (§ 187 Abs. 2 S. 2 BGB)", () => {
    expect(ageOn("2006-03-15", "2031-03-14")).toBe(24);
    expect(ageOn("2006-03-15", "2031-03-15")).toBe(25);
  });
  it("born on 29 February: the year is reached on 1 March in a common year", () => {
    expect(ageOn("2008-02-29", "2026-02-28")).toBe(17);
    expect(ageOn("2008-02-29", "2026-03-01")).toBe(18);
    expect(ageOn("2008-02-29", "2028-02-29")).toBe(20);
  });
});

describe("peakOccupancy and capacityProblem", () => {
  const p = (start: string, end: string) => ({ start, end });
  it("places one after the other occupy one place; overlapping by one day, two", () => {
    expect(peakOccupancy([p("2030-01-01", "2030-01-31"), p("2030-02-01", "2030-02-28")], "2030-01-01", "2030-02-28")).toBe(1);
    expect(peakOccupancy([p("2030-01-01", "2030-02-01"), p("2030-02-01", "2030-02-28")], "2030-01-01", "2030-02-28")).toBe(2);
  });
  it("only what overlaps the asked period counts", () => {
    const held = [p("2030-01-01", "2030-01-31"), p("2030-01-01", "2030-01-31"), p("2030-03-01", "2030-03-31")];
    expect(peakOccupancy(held, "2030-02-01", "2030-02-28")).toBe(0);
    expect(peakOccupancy(held, "2030-01-31", "2030-03-01")).toBe(2);
    expect(peakOccupancy([], "2030-01-01", "2030-12-31")).toBe(0);
  });
  it("the last free place: held 2 of 3 is fine, 3 of 3 refused with the measure's name", () => {
    expect(capacityProblem(3, 2, "Lagerlogistik")).toBeNull();
    expect(capacityProblem(3, 3, "Lagerlogistik")).toBe("In „Lagerlogistik“ ist für diesen Zeitraum kein Platz mehr frei (3 von 3 Plätzen belegt).");
    expect(capacityProblem(3, 4, "Lagerlogistik")).not.toBeNull();
  });
});

describe("needsApproval", () => {
  it("exactly the approval amount needs none; one cent over does", () => {
    expect(needsApproval(1_000_000, 1_000_000)).toBe(false);
    expect(needsApproval(1_000_001, 1_000_000)).toBe(true);
    expect(needsApproval(0, 0)).toBe(false);
  });
});

describe("cancelProblem", () => {
  it("the day before the start is fine; on and after the start refused", () => {
    expect(cancelProblem("2030-01-31", "2030-02-01")).toBeNull();
    expect(cancelProblem("2030-02-01", "2030-02-01")).toBe("Der Platz hat am 01.02.2030 begonnen; eine Stornierung ist nur vor Beginn möglich. Melden Sie stattdessen einen Abbruch.");
    expect(cancelProblem("2030-02-02", "2030-02-01")).not.toBeNull();
  });
});

describe("fitProblems", () => {
  function fit(over: { measure?: Partial<FitInput["measure"]>; client?: Partial<FitInput["client"]> } & Partial<Omit<FitInput, "measure" | "client">> = {}): FitInput {
    return {
      start: "2030-03-01",
      end: "2030-05-31",
      otherParticipations: [],
      providerCertifications: [],
      ...over,
      measure: {
        title: "Lagerlogistik",
        status: "active",
        validFrom: "2030-01-01",
        validUntil: "2030-12-31",
        entryMode: "continuous",
        startDates: [],
        targetGroups: [],
        minAge: null,
        maxAge: null,
        origin: "contract",
        azavNumber: "",
        azavValidFrom: null,
        azavValidUntil: null,
        ...over.measure,
      },
      client: { reference: "K-000001", birthDate: "1990-01-01", targetGroups: [], ...over.client },
    };
  }

  it("a place is bought before it starts: a start today fits, yesterday is refused", () => {
    expect(fitProblems(fit({ start: "2030-03-01", today: "2030-03-01" })).filter((p) => p.includes("Vergangenheit"))).toEqual([]);
    expect(fitProblems(fit({ start: "2030-02-28", end: "2030-05-31", today: "2030-03-01" }))).toContain("Ein Beginn am 28.02.2030 liegt in der Vergangenheit; ein Platz wird vor seinem Beginn gekauft (frühestens ab heute, 01.03.2030).");
  });

  it("target groups are named as people in the message", () => {
    const problems = fitProblems(fit({ measure: { targetGroups: ["long_term_unemployed", "severely_disabled"] }, client: { targetGroups: [] } }));
    expect(problems.join(" ")).toContain("Die Maßnahme ist für Langzeitarbeitslose oder schwerbehinderte Menschen;");
  });

  it("a fitting place has no problems", () => {
    expect(fitProblems(fit())).toEqual([]);
  });

  it("a measure not in the catalogue", () => {
    expect(fitProblems(fit({ measure: { status: "proposed" } }))).toEqual(["Die Maßnahme „Lagerlogistik“ ist nicht im Katalog freigegeben."]);
  });

  it("the purchasable period: first and last day inside, a day outside refused", () => {
    expect(fitProblems(fit({ start: "2030-01-01" }))).toEqual([]);
    expect(fitProblems(fit({ start: "2030-12-31" }))).toEqual([]);
    expect(fitProblems(fit({ start: "2031-01-01" }))[0]).toContain("außerhalb des Zeitraums");
    expect(fitProblems(fit({ start: "2029-12-31" }))[0]).toContain("außerhalb des Zeitraums");
  });

  it("fixed start dates: only a listed one", () => {
    const measure = { entryMode: "dates", startDates: ["2030-03-01", "2030-09-01"] };
    expect(fitProblems(fit({ measure }))).toEqual([]);
    expect(fitProblems(fit({ measure, start: "2030-03-02" }))).toEqual(["Die Maßnahme hat feste Starttermine; der 02.03.2030 ist keiner davon (01.03.2030, 01.09.2030)."]);
  });

  it("age limit on the start date: the day before the 25th birthday ok, the birthday refused; no birth date refused", () => {
    const measure = { maxAge: 24 };
    const client = { birthDate: "2006-03-15" };
    expect(fitProblems(fit({ measure, client, start: "2030-03-14" }))).toEqual([]);
    // On the start date, not today or at the end: a place starting the day before the birthday fits even though it ends later.
    expect(fitProblems(fit({ client, start: "2031-03-14", end: "2031-12-31", measure: { maxAge: 24, validUntil: "2031-12-31" } }))).toEqual([]);
    expect(fitProblems(fit({ client, start: "2031-03-15", end: "2031-12-31", measure: { maxAge: 24, validUntil: "2031-12-31" } }))).toEqual([
      "K-000001 ist am 15.03.2031 25 Jahre alt; die Maßnahme ist für Teilnehmende bis 24 Jahre.",
    ]);
    expect(fitProblems(fit({ measure: { minAge: 25 }, client: { birthDate: "2005-03-02" } }))).toEqual(["K-000001 ist am 01.03.2030 24 Jahre alt; die Maßnahme setzt ein Alter von mindestens 25 Jahren voraus."]);
    expect(fitProblems(fit({ measure: { minAge: 25 }, client: { birthDate: "2005-03-01" } }))).toEqual([]);
    expect(fitProblems(fit({ measure, client: { birthDate: null } }))).toEqual(["Die Maßnahme hat eine Altersgrenze; für K-000001 ist kein Geburtsdatum erfasst."]);
  });

  it("target groups: one of them suffices; youth follows from the age limits only", () => {
    expect(fitProblems(fit({ measure: { targetGroups: ["severely_disabled", "rehab"] }, client: { targetGroups: ["rehab"] } }))).toEqual([]);
    expect(fitProblems(fit({ measure: { targetGroups: ["severely_disabled"] } }))).toEqual(["Die Maßnahme ist für schwerbehinderte Menschen; K-000001 gehört keiner dieser Zielgruppen an."]);
    expect(fitProblems(fit({ measure: { targetGroups: ["youth"] } }))).toEqual([]);
  });

  it("other participations: end = new start overlaps; end = new start − 1 does not", () => {
    const other = (end: string) => [{ reference: "EP-2030-00001", title: "Bewerbungstraining", start: "2030-01-01", end }];
    expect(fitProblems(fit({ otherParticipations: other("2030-03-01") }))).toEqual(["K-000001 nimmt vom 01.01.2030 bis 01.03.2030 an „Bewerbungstraining“ (EP-2030-00001) teil; die Zeiträume überschneiden sich."]);
    expect(fitProblems(fit({ otherParticipations: other("2030-02-28") }))).toEqual([]);
  });

  it("certified measures: the AZAV approval on the start date (last valid day ok, next day refused) and the provider's certification", () => {
    const measure = { origin: "certified", azavNumber: "AZ-1", azavValidFrom: "2029-01-01", azavValidUntil: "2030-03-01" };
    const certs = [{ validFrom: "2029-01-01", validUntil: "2030-03-01" }];
    expect(fitProblems(fit({ measure, providerCertifications: certs }))).toEqual([]);
    expect(fitProblems(fit({ measure, providerCertifications: certs, start: "2030-03-02" }))).toEqual([
      "Die Maßnahmezulassung AZ-1 gilt am 02.03.2030 nicht (gültig 01.01.2029 bis 01.03.2030).",
      "Der Träger hat am 02.03.2030 keine gültige AZAV-Trägerzulassung.",
    ]);
    expect(fitProblems(fit({ measure: { ...measure, azavValidUntil: "2031-12-31" }, providerCertifications: [] }))).toEqual(["Der Träger hat am 01.03.2030 keine gültige AZAV-Trägerzulassung."]);
    expect(fitProblems(fit({ measure: { origin: "certified", azavNumber: "" }, providerCertifications: certs }))).toEqual(["Die Maßnahmezulassung (ohne Nummer) gilt am 01.03.2030 nicht."]);
    // Not certified: no AZAV check at all.
    expect(fitProblems(fit({ providerCertifications: [] }))).toEqual([]);
  });

  it("names every problem at once", () => {
    expect(fitProblems(fit({ measure: { status: "closed", maxAge: 20 }, start: "2031-06-01" }))).toHaveLength(3);
  });
});

// ---------------------------------------------------------------------------------------------
// The purchase machine

const EXPECTED: { event: PurchaseEvent; from: PurchaseState[]; to: PurchaseState; permission: string[] }[] = [
  { event: "approve", from: ["requested"], to: "approved", permission: ["approve:purchase:any"] },
  { event: "auto_approve", from: ["requested"], to: "approved", permission: ["system"] },
  { event: "refuse", from: ["requested"], to: "cancelled", permission: ["approve:purchase:any"] },
  { event: "order", from: ["approved"], to: "ordered", permission: ["approve:purchase:any", "buy:place:any", "system"] },
  { event: "confirm", from: ["ordered"], to: "confirmed", permission: ["answer:purchase:own"] },
  { event: "decline", from: ["ordered"], to: "declined", permission: ["answer:purchase:own"] },
  { event: "start", from: ["confirmed"], to: "running", permission: ["buy:place:any", "report:participation:own"] },
  { event: "complete", from: ["running"], to: "completed", permission: ["buy:place:any", "report:participation:own"] },
  { event: "drop_out", from: ["running"], to: "dropped_out", permission: ["buy:place:any", "report:participation:own"] },
  { event: "cancel", from: ["approved", "confirmed", "ordered", "requested"], to: "cancelled", permission: ["buy:place:any"] },
];
const EVENTS: PurchaseEvent[] = ["approve", "auto_approve", "refuse", "order", "confirm", "decline", "start", "complete", "drop_out", "cancel"];

const REQUESTER = 7;
/** Facts under which every guard passes. */
function facts(state: PurchaseState, over: Partial<PurchaseFacts> = {}): PurchaseFacts {
  return {
    state,
    today: "2030-02-01",
    actorId: 8,
    requestedById: REQUESTER,
    approvalNeeded: false,
    startDate: "2030-03-01",
    entryDate: "2030-02-01",
    exitDate: "2030-02-01",
    exitReason: "employment",
    reason: "eine ausreichende Begründung",
    ...over,
  };
}

describe("purchase machine: every (state, event) pair", () => {
  it("the table has exactly the expected rows", () => {
    const actual = purchaseMachine.transitions.map((t) => ({ event: t.event, from: [...t.from].sort(), to: t.to, permission: (typeof t.permission === "string" ? [t.permission] : [...t.permission]).sort() }));
    expect(actual).toEqual(EXPECTED.map((r) => ({ ...r, from: [...r.from].sort(), permission: [...r.permission].sort() })));
  });

  for (const state of PURCHASE_STATES) {
    for (const event of EVENTS) {
      const row = EXPECTED.find((r) => r.event === event && r.from.includes(state));
      it(`${state} × ${event} → ${row ? row.to : "nicht möglich"}`, () => {
        const r = purchaseMachine.check(event, facts(state));
        if (row) expect(r).toEqual({ ok: true, to: row.to });
        else expect(r).toEqual({ ok: false, reason: `Im Status „${PURCHASE_STATE_LABELS[state]}“ ist diese Aktion nicht möglich.` });
      });
    }
  }

  it("who may fire what: case managers buy, approve, refuse, cancel; providers answer and report; others nothing", () => {
    const may = (role: keyof typeof ROLE_PERMISSIONS, event: PurchaseEvent, state: PurchaseState) => purchaseMachine.permitted(event, state, ROLE_PERMISSIONS[role]);
    expect(may("case_manager", "approve", "requested")).toBe(true);
    expect(may("case_manager", "refuse", "requested")).toBe(true);
    expect(may("case_manager", "cancel", "ordered")).toBe(true);
    expect(may("case_manager", "order", "approved")).toBe(true);
    expect(may("case_manager", "confirm", "ordered")).toBe(false);
    expect(may("case_manager", "auto_approve", "requested")).toBe(false);
    expect(may("provider", "confirm", "ordered")).toBe(true);
    expect(may("provider", "decline", "ordered")).toBe(true);
    expect(may("provider", "start", "confirmed")).toBe(true);
    expect(may("provider", "cancel", "ordered")).toBe(false);
    expect(may("provider", "approve", "requested")).toBe(false);
    for (const role of ["procurement", "finance", "auditor"] as const) for (const e of ["approve", "refuse", "order", "confirm", "decline", "cancel"] as const) expect(may(role, e, "requested") || may(role, e, "ordered") || may(role, e, "approved"), `${role} ${e}`).toBe(false);
    expect(purchaseMachine.permitted("auto_approve", "requested", "system")).toBe(true);
    expect(purchaseMachine.permitted("order", "approved", "system")).toBe(true);
  });
});

describe("purchase machine: guards", () => {
  it("a request whose start has passed while it waited is not approved (start = today ok, yesterday refused)", () => {
    expect(purchaseMachine.check("approve", facts("requested", { actorId: 8, approvalNeeded: true, startDate: "2030-02-01", today: "2030-02-01" }))).toEqual({ ok: true, to: "approved" });
    const late = purchaseMachine.check("approve", facts("requested", { actorId: 8, approvalNeeded: true, startDate: "2030-01-31", today: "2030-02-01" }));
    expect(late).toEqual({ ok: false, reason: expect.stringContaining("Der geplante Beginn (31.01.2030) ist vorbei") });
  });

  it("four eyes: the requester cannot approve; another person can", () => {
    expect(purchaseMachine.check("approve", facts("requested", { actorId: REQUESTER, approvalNeeded: true }))).toEqual({ ok: false, reason: "Vier-Augen-Prinzip: Wer einen Platzkauf beantragt hat, kann ihn nicht selbst genehmigen." });
    expect(purchaseMachine.check("approve", facts("requested", { actorId: 8, approvalNeeded: true }))).toEqual({ ok: true, to: "approved" });
  });

  it("auto approval only up to the approval amount", () => {
    expect(purchaseMachine.check("auto_approve", facts("requested", { approvalNeeded: false, actorId: null }))).toEqual({ ok: true, to: "approved" });
    expect(purchaseMachine.check("auto_approve", facts("requested", { approvalNeeded: true, actorId: null }))).toEqual({ ok: false, reason: "Der Betrag liegt über der Genehmigungsgrenze; eine zweite Person muss genehmigen." });
  });

  it("refuse, decline and cancel need a reason of at least 10 characters", () => {
    expect(purchaseMachine.check("refuse", facts("requested", { reason: "123456789" }))).toEqual({ ok: false, reason: "Bitte begründen Sie die Ablehnung (mindestens 10 Zeichen)." });
    expect(purchaseMachine.check("refuse", facts("requested", { reason: "1234567890" }))).toEqual({ ok: true, to: "cancelled" });
    expect(purchaseMachine.check("decline", facts("ordered", { reason: "   kurz    " }))).toEqual({ ok: false, reason: "Bitte begründen Sie die Absage (mindestens 10 Zeichen)." });
    expect(purchaseMachine.check("decline", facts("ordered", { reason: null }))).toMatchObject({ ok: false });
    expect(purchaseMachine.check("cancel", facts("ordered", { reason: "" }))).toEqual({ ok: false, reason: "Bitte begründen Sie die Stornierung (mindestens 10 Zeichen)." });
  });

  it("cancel only before the start: the day before ok, the start day refused", () => {
    expect(purchaseMachine.check("cancel", facts("confirmed", { today: "2030-02-28", startDate: "2030-03-01" }))).toEqual({ ok: true, to: "cancelled" });
    expect(purchaseMachine.check("cancel", facts("confirmed", { today: "2030-03-01", startDate: "2030-03-01" }))).toMatchObject({ ok: false, reason: expect.stringContaining("nur vor Beginn") });
  });

  it("start: an entry date, not in the future; exits not in the future, not before the entry, drop-out with a reason", () => {
    expect(purchaseMachine.check("start", facts("confirmed", { entryDate: null }))).toEqual({ ok: false, reason: "Bitte geben Sie das Eintrittsdatum an." });
    expect(purchaseMachine.check("start", facts("confirmed", { entryDate: "2030-02-02" }))).toMatchObject({ ok: false, reason: expect.stringContaining("in der Zukunft") });
    expect(purchaseMachine.check("start", facts("confirmed", { entryDate: "2030-02-01" }))).toEqual({ ok: true, to: "running" });
    expect(purchaseMachine.check("complete", facts("running", { entryDate: "2030-01-10", exitDate: "2030-01-09" }))).toMatchObject({ ok: false, reason: expect.stringContaining("vor dem Eintritt") });
    expect(purchaseMachine.check("complete", facts("running", { exitDate: "2030-02-02" }))).toMatchObject({ ok: false, reason: expect.stringContaining("in der Zukunft") });
    expect(purchaseMachine.check("drop_out", facts("running", { exitReason: null }))).toEqual({ ok: false, reason: "Bitte geben Sie den Grund des vorzeitigen Austritts an." });
  });
});
