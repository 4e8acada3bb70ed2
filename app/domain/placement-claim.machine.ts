/** The placement claim's transition table (Vermittlungsnachweis). */
import { defineMachine } from "./machine";
import { CLAIM_DOCUMENT_KINDS } from "./placement";
import type { RuleResult } from "./placement-rules";

export const CLAIM_STATES = ["submitted", "documents_requested", "accepted", "rejected", "withdrawn"] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];
export const CLAIM_STATE_LABELS: Record<ClaimState, string> = {
  submitted: "eingereicht",
  documents_requested: "Unterlagen angefordert",
  accepted: "anerkannt",
  rejected: "abgelehnt",
  withdrawn: "zurückgezogen",
};

export type ClaimEvent = "accept" | "reject" | "request_documents" | "resubmit" | "withdraw";

export interface ClaimFacts {
  state: ClaimState;
  /** The rules re-run at the moment of the decision. */
  results: RuleResult[];
  /** The reviewer's note: a reason (reject), what is missing (request), or the review of flags (accept). */
  note?: string | null;
  /** Uploaded document kinds. */
  documentKinds: string[];
}

const note = (min: number, what: string) => (f: ClaimFacts) => (f.note && f.note.trim().length >= min ? null : what);

/** Documents every claim needs (DOMAIN.md § 1.3). */
export const REQUIRED_CLAIM_DOCUMENTS = ["employment_contract", "employer_confirmation", "broker_contract"] as const;

export const claimMachine = defineMachine<ClaimState, ClaimEvent, ClaimFacts>(CLAIM_STATE_LABELS, [
  {
    event: "accept",
    from: ["submitted"],
    to: "accepted",
    permission: "decide:placement:any",
    guard: (f) => {
      const errors = f.results.filter((r) => r.severity === "error");
      if (errors.length) return `Anerkennung nicht möglich: ${errors.map((e) => e.message).join(" ")}`;
      const missing = REQUIRED_CLAIM_DOCUMENTS.filter((k) => !f.documentKinds.includes(k));
      if (missing.length) return `Anerkennung nicht möglich: es fehlt ${missing.map((k) => CLAIM_DOCUMENT_KINDS[k]).join(", ")} (DOMAIN.md § 1.3; fehlende Unterlagen bitte anfordern).`;
      if (f.results.some((r) => r.severity === "flag") && !(f.note && f.note.trim().length >= 10))
        return "Der Nachweis hat Prüfhinweise. Bitte vermerken Sie, wie Sie sie geprüft haben (mindestens 10 Zeichen).";
      return null;
    },
  },
  { event: "reject", from: ["submitted", "documents_requested"], to: "rejected", permission: ["decide:placement:any"], guard: note(10, "Bitte begründen Sie die Ablehnung (mindestens 10 Zeichen).") },
  { event: "request_documents", from: ["submitted"], to: "documents_requested", permission: "decide:placement:any", guard: note(10, "Bitte geben Sie an, welche Unterlagen fehlen (mindestens 10 Zeichen).") },
  { event: "resubmit", from: ["documents_requested"], to: "submitted", permission: "submit:placement:own" },
  { event: "withdraw", from: ["submitted", "documents_requested"], to: "withdrawn", permission: "submit:placement:own" },
]);
