import { describe, expect, it } from "vitest";
import {
  acceptsOffers,
  checkTransition,
  isEditable,
  offersReadable,
  TENDER_STATE_LABELS,
  TENDER_STATES,
  type TenderEvent,
  type TenderFacts,
  type TenderState,
} from "~/domain/tender.machine";

/**
 * The tender's transition table, written out by hand (DESIGN.md § 4, DOMAIN.md § 2.4 and
 * rule 13). The expected matrix is generated from this list, never from TENDER_TRANSITIONS.
 */
const EXPECTED: { event: TenderEvent; from: TenderState[]; to: TenderState; permission: string }[] = [
  { event: "publish", from: ["draft"], to: "published", permission: "manage:tender:any" },
  { event: "close_offers", from: ["published"], to: "offers_closed", permission: "system" },
  { event: "open", from: ["offers_closed"], to: "opened", permission: "open:tender:any" },
  { event: "evaluate", from: ["opened"], to: "evaluated", permission: "evaluate:tender:any" },
  { event: "decide_award", from: ["evaluated"], to: "award_decided", permission: "manage:tender:any" },
  { event: "inform_bidders", from: ["award_decided"], to: "bidders_informed", permission: "manage:tender:any" },
  { event: "award", from: ["bidders_informed"], to: "awarded", permission: "manage:tender:any" },
  {
    event: "cancel",
    from: ["draft", "published", "offers_closed", "opened", "evaluated", "award_decided", "bidders_informed"],
    to: "cancelled",
    permission: "manage:tender:any",
  },
];

const ALL_STATES: TenderState[] = ["draft", "published", "offers_closed", "opened", "evaluated", "award_decided", "bidders_informed", "awarded", "cancelled"];
const ALL_EVENTS: TenderEvent[] = ["publish", "close_offers", "open", "evaluate", "decide_award", "inform_bidders", "award", "cancel"];

const NOW = "2027-01-15T10:00:00.000Z";

/** Facts under which every guard passes: only the state decides. */
function passingFacts(state: TenderState, extra: Partial<TenderFacts> = {}): TenderFacts {
  return {
    state,
    now: NOW,
    offersUntil: "2027-01-01T11:00:00.000Z",
    openingConfirmations: 2,
    publicationProblems: [],
    evaluationProblems: [],
    lotsWithoutDecision: 0,
    standstillEndsAt: "2027-01-10T23:00:00.000Z",
    cancelReason: "Kein wirtschaftliches Angebot eingegangen.",
    ...extra,
  };
}

describe("the state list", () => {
  it("has exactly the nine states, each with a German label", () => {
    expect([...TENDER_STATES].sort()).toEqual([...ALL_STATES].sort());
    for (const s of ALL_STATES) expect(TENDER_STATE_LABELS[s]).toBeTruthy();
  });
});

describe("every (state, event) pair", () => {
  const cases = ALL_STATES.flatMap((state) =>
    ALL_EVENTS.map((event) => {
      const row = EXPECTED.find((t) => t.event === event && t.from.includes(state));
      return { state, event, allowed: Boolean(row), to: row?.to ?? null, permission: row?.permission ?? null };
    }),
  );

  it("covers 9 × 8 = 72 pairs with 14 allowed", () => {
    expect(cases).toHaveLength(72);
    expect(cases.filter((c) => c.allowed)).toHaveLength(14);
  });

  it.each(cases)("$state + $event → allowed: $allowed", ({ state, event, allowed, to, permission }) => {
    const check = checkTransition(event, passingFacts(state));
    if (allowed) {
      expect(check).toEqual({ ok: true, to, permission });
    } else {
      expect(check).toEqual({ ok: false, reason: `Im Status „${TENDER_STATE_LABELS[state]}“ ist diese Aktion nicht möglich.` });
    }
  });
});

describe("guards at their boundaries", () => {
  it("close_offers: allowed at now == offersUntil, refused 1 ms before, refused without a deadline", () => {
    const deadline = "2027-01-15T10:00:00.000Z";
    expect(checkTransition("close_offers", passingFacts("published", { now: deadline, offersUntil: deadline }))).toMatchObject({ ok: true, to: "offers_closed" });
    expect(checkTransition("close_offers", passingFacts("published", { now: "2027-01-15T09:59:59.999Z", offersUntil: deadline }))).toEqual({
      ok: false,
      reason: "Die Angebotsfrist ist noch nicht abgelaufen.",
    });
    expect(checkTransition("close_offers", passingFacts("published", { offersUntil: null }))).toEqual({ ok: false, reason: "Die Angebotsfrist ist noch nicht abgelaufen." });
  });

  it("open: 1 confirmation refused, 2 allowed", () => {
    for (const n of [0, 1]) {
      const check = checkTransition("open", passingFacts("offers_closed", { openingConfirmations: n }));
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toContain("zwei verschiedenen Personen");
    }
    expect(checkTransition("open", passingFacts("offers_closed", { openingConfirmations: 2 }))).toMatchObject({ ok: true, to: "opened" });
    expect(checkTransition("open", passingFacts("offers_closed", { openingConfirmations: 3 }))).toMatchObject({ ok: true, to: "opened" });
  });

  it("award: refused 1 ms before the end of the standstill, allowed at its end", () => {
    const end = "2027-01-25T23:00:00.000Z";
    const before = checkTransition("award", passingFacts("bidders_informed", { now: "2027-01-25T22:59:59.999Z", standstillEndsAt: end }));
    expect(before.ok).toBe(false);
    if (!before.ok) expect(before.reason).toContain("Wartefrist nach § 134 GWB");
    expect(checkTransition("award", passingFacts("bidders_informed", { now: end, standstillEndsAt: end }))).toMatchObject({ ok: true, to: "awarded" });
    // Below the threshold there is no hard standstill.
    expect(checkTransition("award", passingFacts("bidders_informed", { standstillEndsAt: null }))).toMatchObject({ ok: true, to: "awarded" });
  });

  it("cancel: 9 characters refused, 10 allowed; spaces do not count; missing reason refused", () => {
    const refused = { ok: false, reason: "Bitte begründen Sie die Aufhebung (mindestens 10 Zeichen)." };
    expect(checkTransition("cancel", passingFacts("published", { cancelReason: "123456789" }))).toEqual(refused);
    expect(checkTransition("cancel", passingFacts("published", { cancelReason: "1234567890" }))).toMatchObject({ ok: true, to: "cancelled" });
    expect(checkTransition("cancel", passingFacts("published", { cancelReason: "   123456789    " }))).toEqual(refused);
    expect(checkTransition("cancel", passingFacts("published", { cancelReason: null }))).toEqual(refused);
    expect(checkTransition("cancel", passingFacts("published", { cancelReason: undefined }))).toEqual(refused);
  });

  it("publish: refused with the problems joined; allowed without problems", () => {
    const problems = ["Es ist kein Los angelegt.", "Das Ende der Angebotsfrist fehlt."];
    expect(checkTransition("publish", passingFacts("draft", { publicationProblems: problems }))).toEqual({ ok: false, reason: problems.join(" ") });
    expect(checkTransition("publish", passingFacts("draft", { publicationProblems: [] }))).toMatchObject({ ok: true, to: "published" });
  });

  it("evaluate: refused while evaluation problems remain", () => {
    expect(checkTransition("evaluate", passingFacts("opened", { evaluationProblems: ["Angebot 2 ist nicht bewertet."] }))).toEqual({ ok: false, reason: "Angebot 2 ist nicht bewertet." });
  });

  it("decide_award: refused while a lot has no decision", () => {
    expect(checkTransition("decide_award", passingFacts("evaluated", { lotsWithoutDecision: 1 }))).toEqual({ ok: false, reason: "Für 1 Los(e) fehlt die Zuschlagsentscheidung." });
  });

  it("a wrong state is reported before any guard", () => {
    const check = checkTransition("open", passingFacts("published", { openingConfirmations: 0 }));
    expect(check).toEqual({ ok: false, reason: "Im Status „veröffentlicht“ ist diese Aktion nicht möglich." });
  });
});

describe("acceptsOffers", () => {
  const until = "2027-01-15T10:00:00.000Z";
  it("published and before the deadline only", () => {
    expect(acceptsOffers("published", "2027-01-15T09:59:59.999Z", until)).toBe(true);
    expect(acceptsOffers("published", until, until)).toBe(false);
    expect(acceptsOffers("published", "2027-01-15T10:00:00.001Z", until)).toBe(false);
    expect(acceptsOffers("published", "2027-01-01T00:00:00.000Z", null)).toBe(false);
    for (const s of ALL_STATES.filter((x) => x !== "published")) expect(acceptsOffers(s, "2027-01-01T00:00:00.000Z", until)).toBe(false);
  });
});

describe("offersReadable (rule 13: no access before the opening)", () => {
  it("readable from the opening on", () => {
    for (const s of ["opened", "evaluated", "award_decided", "bidders_informed", "awarded"] as TenderState[]) {
      expect(offersReadable(s, "2027-01-16T09:00:00.000Z")).toBe(true);
    }
  });
  it("never before the opening", () => {
    for (const s of ["draft", "published", "offers_closed"] as TenderState[]) {
      expect(offersReadable(s, null)).toBe(false);
    }
  });
  it("cancelled: readable only when it had been opened", () => {
    expect(offersReadable("cancelled", null)).toBe(false);
    expect(offersReadable("cancelled", "2027-01-16T09:00:00.000Z")).toBe(true);
  });
});

describe("isEditable (criteria frozen at publication)", () => {
  it("only the draft", () => {
    for (const s of ALL_STATES) expect(isEditable(s)).toBe(s === "draft");
  });
});
