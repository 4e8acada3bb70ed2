import { describe, expect, it } from "vitest";
import {
  INVOICE_STATES,
  ORDERER_EXECUTES,
  PAYMENT_ITEM_STATE_LABELS,
  PAYMENT_ITEM_STATES,
  PAYMENT_RUN_STATE_LABELS,
  PAYMENT_RUN_STATES,
  paymentItemMachine,
  paymentRunMachine,
  signatureProblem,
  type PaymentItemEvent,
  type PaymentItemFacts,
  type PaymentItemState,
  type PaymentRunEvent,
  type PaymentRunState,
} from "~/domain/payment-item.machine";
import { ROLE_PERMISSIONS } from "~/domain/permissions";

/**
 * The payment item and payment run machines (DOMAIN.md § 3.3, rule 12; DESIGN.md § 4, 8): every
 * (state, event) pair allowed and forbidden, the permission of each transition and the four-eyes
 * guards at their boundaries. The expected table is written out here by hand.
 */

const EXPECTED_ITEM: { event: PaymentItemEvent; from: PaymentItemState[]; to: PaymentItemState; permission: string[] }[] = [
  { event: "sign_factual", from: ["awaiting_factual", "on_hold"], to: "awaiting_arithmetic", permission: ["certify:payment:any"] },
  { event: "sign_arithmetic", from: ["awaiting_arithmetic"], to: "awaiting_order", permission: ["certify:payment:any"] },
  { event: "order", from: ["awaiting_order"], to: "ordered", permission: ["order:payment:any"] },
  { event: "hold", from: ["awaiting_arithmetic", "awaiting_order", "ordered"], to: "on_hold", permission: ["system"] },
  { event: "add_to_run", from: ["ordered"], to: "in_run", permission: ["run:payment:any"] },
  { event: "return_from_run", from: ["in_run"], to: "ordered", permission: ["run:payment:any", "system"] },
  { event: "book", from: ["in_run", "ordered"], to: "paid", permission: ["book:payment:any"] },
  { event: "cancel", from: ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"], to: "cancelled", permission: ["cancel:payment:any"] },
  { event: "withdraw", from: ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"], to: "cancelled", permission: ["system"] },
];
const ITEM_EVENTS: PaymentItemEvent[] = ["sign_factual", "sign_arithmetic", "order", "hold", "add_to_run", "return_from_run", "book", "cancel", "withdraw"];

const A = 11; // factual signer
const B = 12; // arithmetic signer
const C = 13; // orderer

/** Facts under which every guard passes for actor `actorId`. */
function facts(state: PaymentItemState, over: Partial<PaymentItemFacts> = {}): PaymentItemFacts {
  return {
    state,
    actorId: 99,
    actorIsProvider: false,
    factualById: null,
    arithmeticById: null,
    orderById: null,
    registeredById: null,
    bankDataBy: [],
    amountCents: 100_000,
    budgetLineNumber: "1.4820.7690",
    authorityMaxCents: 1_000_000,
    ibanProblem: null,
    vopResult: "match",
    dueOn: "2030-01-31",
    dueUntil: "2030-01-31",
    reason: "eine ausreichende Begründung",
    bankLine: false,
    ...over,
  };
}

describe("payment item machine: every (state, event) pair", () => {
  it("the table has exactly the expected rows", () => {
    const actual = paymentItemMachine.transitions.map((t) => ({ event: t.event, from: [...t.from].sort(), to: t.to, permission: (typeof t.permission === "string" ? [t.permission] : [...t.permission]).sort() }));
    expect(actual).toEqual(EXPECTED_ITEM.map((r) => ({ ...r, from: [...r.from].sort(), permission: [...r.permission].sort() })));
  });

  for (const state of PAYMENT_ITEM_STATES) {
    for (const event of ITEM_EVENTS) {
      const row = EXPECTED_ITEM.find((r) => r.event === event && r.from.includes(state));
      it(`${state} × ${event} → ${row ? row.to : "nicht möglich"}`, () => {
        const r = paymentItemMachine.check(event, facts(state));
        if (row) expect(r).toEqual({ ok: true, to: row.to });
        else expect(r).toEqual({ ok: false, reason: `Im Status „${PAYMENT_ITEM_STATE_LABELS[state]}“ ist diese Aktion nicht möglich.` });
      });
    }
  }

  it("who may fire what: finance signs, orders, runs and books; case management and procurement certify only; providers, auditors nothing", () => {
    const may = (role: keyof typeof ROLE_PERMISSIONS, event: PaymentItemEvent, state: PaymentItemState) => paymentItemMachine.permitted(event, state, ROLE_PERMISSIONS[role]);
    expect(may("finance", "sign_factual", "awaiting_factual")).toBe(true);
    expect(may("finance", "order", "awaiting_order")).toBe(true);
    expect(may("finance", "book", "in_run")).toBe(true);
    expect(may("case_manager", "sign_factual", "awaiting_factual")).toBe(true);
    expect(may("case_manager", "order", "awaiting_order")).toBe(false);
    expect(may("procurement", "sign_arithmetic", "awaiting_arithmetic")).toBe(true);
    expect(may("procurement", "add_to_run", "ordered")).toBe(false);
    for (const e of ITEM_EVENTS) {
      expect(may("provider", e, "awaiting_factual"), e).toBe(false);
      expect(may("auditor", e, "awaiting_order"), e).toBe(false);
    }
    // hold and withdraw are consequences (bank data changed, source revoked), never a person's button.
    expect(may("finance", "hold", "ordered")).toBe(false);
    expect(paymentItemMachine.permitted("hold", "ordered", "system")).toBe(true);
  });
});

describe("four eyes (rule 12): three signatures from three different people", () => {
  it("the factual signer cannot sign the arithmetic check or order; the arithmetic signer cannot order", () => {
    expect(paymentItemMachine.check("sign_arithmetic", facts("awaiting_arithmetic", { actorId: A, factualById: A }))).toEqual({
      ok: false,
      reason: "Sie haben diese Zahlung bereits „sachlich richtig“ gezeichnet; „rechnerisch richtig“ muss eine andere Person zeichnen (Vier-Augen-Prinzip).",
    });
    expect(paymentItemMachine.check("sign_arithmetic", facts("awaiting_arithmetic", { actorId: B, factualById: A }))).toEqual({ ok: true, to: "awaiting_order" });
    expect(paymentItemMachine.check("order", facts("awaiting_order", { actorId: A, factualById: A, arithmeticById: B }))).toMatchObject({ ok: false });
    expect(paymentItemMachine.check("order", facts("awaiting_order", { actorId: B, factualById: A, arithmeticById: B }))).toMatchObject({ ok: false, reason: expect.stringContaining("„rechnerisch richtig“ gezeichnet") });
    expect(paymentItemMachine.check("order", facts("awaiting_order", { actorId: C, factualById: A, arithmeticById: B }))).toEqual({ ok: true, to: "ordered" });
  });

  it("nobody signs what they registered by hand or whose bank data they entered or confirmed; a provider never signs", () => {
    expect(signatureProblem(facts("awaiting_factual", { actorId: A, registeredById: A }), "factual")).toBe("Sie haben diese Rechnung von Hand erfasst und dürfen die Zahlung deshalb nicht „sachlich richtig“ zeichnen.");
    expect(signatureProblem(facts("awaiting_order", { actorId: C, bankDataBy: [C] }), "order")).toBe(
      "Sie haben die Bankverbindung des Zahlungsempfängers erfasst oder bestätigt und dürfen die Zahlung deshalb nicht „Anordnung“ zeichnen.",
    );
    expect(signatureProblem(facts("awaiting_factual", { actorId: A, bankDataBy: [B] }), "factual")).toBeNull();
    expect(signatureProblem(facts("awaiting_factual", { actorIsProvider: true }), "factual")).toBe("Zahlungen zeichnen nur Beschäftigte der Behörde.");
    expect(signatureProblem(facts("awaiting_factual", { actorId: null }), "factual")).toBe("Zahlungen zeichnen nur Beschäftigte der Behörde.");
  });

  it("the payment order needs the authority for the line and the amount: exactly the maximum passes, one cent more does not", () => {
    const base = { actorId: C, factualById: A, arithmeticById: B, amountCents: 500_000 };
    expect(paymentItemMachine.check("order", facts("awaiting_order", { ...base, authorityMaxCents: 500_000 }))).toEqual({ ok: true, to: "ordered" });
    expect(paymentItemMachine.check("order", facts("awaiting_order", { ...base, authorityMaxCents: 499_999 }))).toEqual({
      ok: false,
      reason: "Ihre Anordnungsbefugnis für die Haushaltsstelle 1.4820.7690 reicht bis 4.999,99 €; die Zahlung beträgt 5.000,00 €.",
    });
    expect(paymentItemMachine.check("order", facts("awaiting_order", { ...base, authorityMaxCents: null }))).toEqual({ ok: false, reason: "Sie haben keine Anordnungsbefugnis für die Haushaltsstelle 1.4820.7690." });
    expect(paymentItemMachine.check("order", facts("awaiting_order", { ...base, budgetLineNumber: null }))).toEqual({ ok: false, reason: "Der Zahlung ist keine Haushaltsstelle zugeordnet." });
  });

  it("the factual check needs a budget line to charge (an invoice without contract: chosen first)", () => {
    expect(paymentItemMachine.check("sign_factual", facts("awaiting_factual", { actorId: A, budgetLineNumber: null }))).toEqual({
      ok: false,
      reason: "Der Zahlung ist keine Haushaltsstelle zugeordnet: bitte zuerst den Vertrag der Rechnung wählen oder eine Haushaltsstelle zuordnen.",
    });
    expect(paymentItemMachine.check("sign_factual", facts("awaiting_factual", { actorId: A }))).toEqual({ ok: true, to: "awaiting_arithmetic" });
  });

  it("a wrong IBAN (BR-DE-19) stops the order and the run until it is corrected", () => {
    const bad = { ibanProblem: "Die Prüfziffer der IBAN stimmt nicht." };
    expect(paymentItemMachine.check("order", facts("awaiting_order", { actorId: C, factualById: A, arithmeticById: B, ...bad }))).toMatchObject({ ok: false, reason: expect.stringContaining("IBAN") });
    expect(paymentItemMachine.check("add_to_run", facts("ordered", bad))).toMatchObject({ ok: false, reason: expect.stringContaining("IBAN") });
  });
});

describe("into a run: Verification of Payee and the due date", () => {
  it("no result yet and no match stop the item; close match and not possible do not", () => {
    expect(paymentItemMachine.check("add_to_run", facts("ordered", { vopResult: null }))).toEqual({ ok: false, reason: "Für den Zahlungsempfänger liegt noch kein Ergebnis der Empfängerüberprüfung (Verification of Payee) vor." });
    expect(paymentItemMachine.check("add_to_run", facts("ordered", { vopResult: "no_match" }))).toEqual({ ok: false, reason: "Die Empfängerüberprüfung ergab „keine Übereinstimmung“ von Name und IBAN; die Zahlung ist gestoppt." });
    expect(paymentItemMachine.check("add_to_run", facts("ordered", { vopResult: "close_match" }))).toEqual({ ok: true, to: "in_run" });
    expect(paymentItemMachine.check("add_to_run", facts("ordered", { vopResult: "not_possible" }))).toEqual({ ok: true, to: "in_run" });
  });

  it("due on the run's date enters; one day later does not", () => {
    expect(paymentItemMachine.check("add_to_run", facts("ordered", { dueOn: "2030-01-31", dueUntil: "2030-01-31" }))).toEqual({ ok: true, to: "in_run" });
    expect(paymentItemMachine.check("add_to_run", facts("ordered", { dueOn: "2030-02-01", dueUntil: "2030-01-31" }))).toEqual({ ok: false, reason: "Die Zahlung ist erst nach dem Stichtag des Zahllaufs fällig." });
  });

  it("the cash office executes and does not order: the orderer neither puts the item in a run nor books it by hand", () => {
    const ordered = { actorId: C, orderById: C };
    expect(paymentItemMachine.check("add_to_run", facts("ordered", ordered))).toEqual({ ok: false, reason: ORDERER_EXECUTES });
    expect(paymentItemMachine.check("book", facts("ordered", ordered))).toEqual({ ok: false, reason: ORDERER_EXECUTES });
    // The bank statement is the bank's record, whoever imports it; another person may run and book.
    expect(paymentItemMachine.check("book", facts("in_run", { ...ordered, bankLine: true, reason: null }))).toEqual({ ok: true, to: "paid" });
    expect(paymentItemMachine.check("add_to_run", facts("ordered", { actorId: A, orderById: C }))).toEqual({ ok: true, to: "in_run" });
  });

  it("booked from a bank line without a reason; by hand only with a reason of 10 characters", () => {
    expect(paymentItemMachine.check("book", facts("in_run", { reason: null, bankLine: true }))).toEqual({ ok: true, to: "paid" });
    expect(paymentItemMachine.check("book", facts("ordered", { reason: "123456789" }))).toMatchObject({ ok: false });
    expect(paymentItemMachine.check("book", facts("ordered", { reason: "1234567890" }))).toEqual({ ok: true, to: "paid" });
    expect(paymentItemMachine.check("cancel", facts("ordered", { reason: "  kurz  " }))).toMatchObject({ ok: false });
  });
});

describe("payment run machine: every (state, event) pair", () => {
  const EXPECTED_RUN: { event: PaymentRunEvent; from: PaymentRunState[]; to: PaymentRunState }[] = [
    { event: "finish", from: ["building"], to: "created" },
    { event: "send", from: ["created"], to: "sent" },
    { event: "complete", from: ["sent", "created"], to: "booked" },
    { event: "cancel", from: ["created"], to: "cancelled" },
    { event: "abandon", from: ["building"], to: "cancelled" },
  ];
  for (const state of PAYMENT_RUN_STATES) {
    for (const event of ["finish", "send", "complete", "cancel", "abandon"] as PaymentRunEvent[]) {
      const row = EXPECTED_RUN.find((r) => r.event === event && r.from.includes(state));
      it(`${state} × ${event} → ${row ? row.to : "nicht möglich"}`, () => {
        const r = paymentRunMachine.check(event, { state, reason: "Datei fehlerhaft erstellt", unpaid: 0 });
        if (row) expect(r).toEqual({ ok: true, to: row.to });
        else expect(r).toEqual({ ok: false, reason: `Im Status „${PAYMENT_RUN_STATE_LABELS[state]}“ ist diese Aktion nicht möglich.` });
      });
    }
  }
  it("a run is complete only when every item is booked; a cancellation needs a reason; a sent run cannot be cancelled", () => {
    expect(paymentRunMachine.check("complete", { state: "sent", unpaid: 1 })).toEqual({ ok: false, reason: "Es sind noch 1 Zahlungen des Laufs nicht gebucht." });
    expect(paymentRunMachine.check("cancel", { state: "created", reason: "zu kurz" })).toMatchObject({ ok: false });
    expect(paymentRunMachine.check("cancel", { state: "sent", reason: "Datei fehlerhaft erstellt" })).toMatchObject({ ok: false });
    expect(paymentRunMachine.permitted("abandon", "building", ROLE_PERMISSIONS.finance)).toBe(false);
  });
  it("the invoice states are named", () => expect(INVOICE_STATES).toEqual(["rejected", "accepted", "paid", "cancelled"]));
});
