import { defineMachine, type Transition as MachineTransition } from "./machine";
import type { Permission } from "./permissions";

/**
 * The tender's one transition table (DESIGN.md § 4). Services and the deadline job both ask
 * `checkTransition`; there is no second code path for automatic changes.
 */
export const TENDER_STATES = ["draft", "published", "offers_closed", "opened", "evaluated", "award_decided", "bidders_informed", "awarded", "cancelled"] as const;
export type TenderState = (typeof TENDER_STATES)[number];

export const TENDER_STATE_LABELS: Record<TenderState, string> = {
  draft: "Entwurf",
  published: "veröffentlicht",
  offers_closed: "Angebotsfrist abgelaufen",
  opened: "Angebote geöffnet",
  evaluated: "gewertet",
  award_decided: "Zuschlag entschieden",
  bidders_informed: "Bieter informiert",
  awarded: "Zuschlag erteilt",
  cancelled: "aufgehoben",
};

export type TenderEvent = "publish" | "close_offers" | "open" | "evaluate" | "decide_award" | "inform_bidders" | "award" | "cancel";

/** What the guards look at: plain data, no I/O. */
export interface TenderFacts {
  state: TenderState;
  now: string; // ISO instant
  offersUntil: string | null;
  /** Distinct users who confirmed the opening. */
  openingConfirmations: number;
  /** Problems that block publication (from validateForPublication), empty when ready. */
  publicationProblems: string[];
  /** Problems that block finishing the evaluation, empty when complete. */
  evaluationProblems: string[];
  /** Lots without an award decision. */
  lotsWithoutDecision: number;
  standstillEndsAt: string | null;
  cancelReason?: string | null;
}

type Transition = MachineTransition<TenderState, TenderEvent, TenderFacts> & { permission: Permission | "system" };

const BEFORE_AWARD: TenderState[] = ["draft", "published", "offers_closed", "opened", "evaluated", "award_decided", "bidders_informed"];

export const TENDER_TRANSITIONS: readonly Transition[] = [
  {
    event: "publish",
    from: ["draft"],
    to: "published",
    permission: "manage:tender:any",
    guard: (f) => (f.publicationProblems.length ? f.publicationProblems.join(" ") : null),
  },
  {
    event: "close_offers",
    from: ["published"],
    to: "offers_closed",
    permission: "system",
    guard: (f) => (f.offersUntil && f.now >= f.offersUntil ? null : "Die Angebotsfrist ist noch nicht abgelaufen."),
  },
  {
    event: "open",
    from: ["offers_closed"],
    to: "opened",
    permission: "open:tender:any",
    guard: (f) => (f.openingConfirmations >= 2 ? null : "Die Angebotsöffnung braucht die Bestätigung von zwei verschiedenen Personen der Vergabestelle."),
  },
  {
    event: "evaluate",
    from: ["opened"],
    to: "evaluated",
    permission: "evaluate:tender:any",
    guard: (f) => (f.evaluationProblems.length ? f.evaluationProblems.join(" ") : null),
  },
  {
    event: "decide_award",
    from: ["evaluated"],
    to: "award_decided",
    permission: "manage:tender:any",
    guard: (f) => (f.lotsWithoutDecision > 0 ? `Für ${f.lotsWithoutDecision} Los(e) fehlt die Zuschlagsentscheidung.` : null),
  },
  { event: "inform_bidders", from: ["award_decided"], to: "bidders_informed", permission: "manage:tender:any" },
  {
    event: "award",
    from: ["bidders_informed"],
    to: "awarded",
    permission: "manage:tender:any",
    guard: (f) => (f.standstillEndsAt && f.now < f.standstillEndsAt ? "Die Wartefrist nach § 134 GWB ist noch nicht abgelaufen; vorher darf kein Vertrag geschlossen werden." : null),
  },
  {
    event: "cancel",
    from: BEFORE_AWARD,
    to: "cancelled",
    permission: "manage:tender:any",
    guard: (f) => (f.cancelReason && f.cancelReason.trim().length >= 10 ? null : "Bitte begründen Sie die Aufhebung (mindestens 10 Zeichen)."),
  },
];

export type TransitionCheck = { ok: true; to: TenderState; permission: Permission | "system" } | { ok: false; reason: string };

/** The same transition-table mechanism as the placement machines (machine.ts). */
export const tenderMachine = defineMachine<TenderState, TenderEvent, TenderFacts>(TENDER_STATE_LABELS, TENDER_TRANSITIONS);

/** Ask the table; on success also the permission the transition needs. */
export function checkTransition(event: TenderEvent, facts: TenderFacts): TransitionCheck {
  const check = tenderMachine.check(event, facts);
  if (!check.ok) return check;
  const t = TENDER_TRANSITIONS.find((x) => x.event === event && x.from.includes(facts.state))!;
  return { ok: true, to: check.to, permission: t.permission };
}

/** Criteria, weights and lots may change only in the draft. */
export function isEditable(state: TenderState): boolean {
  return state === "draft";
}

/** Offers may be submitted, replaced and withdrawn only while published and before the deadline. */
export function acceptsOffers(state: TenderState, now: string, offersUntil: string | null): boolean {
  return state === "published" && offersUntil !== null && now < offersUntil;
}

/** Offer contents are readable only once opened (and in every later state except a cancellation before opening). */
export function offersReadable(state: TenderState, openedAt: string | null): boolean {
  return ["opened", "evaluated", "award_decided", "bidders_informed", "awarded"].includes(state) || (state === "cancelled" && openedAt !== null);
}
