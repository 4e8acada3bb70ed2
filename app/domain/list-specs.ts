/**
 * The list pages' filters, sort columns and default order (one place, so a list page and its
 * CSV export, and the tests, read the same spec). The default order is what a person needs
 * first: the newest or the most urgent rows.
 */
import { TOKEN_KINDS, TOKEN_STATES } from "./api-tokens";
import { choice, flag, int, listSpec, text } from "./list";
import { AGREEMENT_STATES, LEGAL_BASES } from "./placement";
import { CLAIM_STATES } from "./placement-claim.machine";
import { ROLES } from "./permissions";
import { TENDER_STATES } from "./tender.machine";
import { PAYMENT_ITEM_STATES } from "./payment-item.machine";
import { INVOICE_STATUSES } from "./invoices";

export const PROVIDER_LIST = listSpec({
  filters: {
    q: text(),
    kind: choice(["training", "broker", "agency"]),
    region: text(),
    cert: choice(["valid", "expiring", "expired", "none"]),
    active: choice(["active", "inactive", "all"], "active"),
  },
  sorts: ["name", "kind", "city", "region", "certUntil", "updatedAt"],
  default: ["name", "asc"],
  firstDir: { updatedAt: "desc" },
});

/** Agreements: the current ones (latest end) first, not the oldest from 2005. */
export const AGREEMENT_LIST = listSpec({
  filters: { q: text(), status: choice(AGREEMENT_STATES), legalBasis: choice(LEGAL_BASES), expiring: flag(), provider: int() },
  sorts: ["validUntil", "validFrom", "reference", "provider", "status"],
  default: ["validUntil", "desc"],
  firstDir: { validUntil: "desc", validFrom: "desc", reference: "desc" },
});

/** Placement claims: the newest first; "waiting for a decision" is status=submitted, oldest first. */
export const CLAIM_LIST = listSpec({
  filters: { q: text(), status: choice(CLAIM_STATES), flagged: flag(), provider: int(), year: int(1900, 2999) },
  sorts: ["submittedAt", "reference", "contractDate", "provider", "status"],
  default: ["submittedAt", "desc"],
  firstDir: { submittedAt: "desc", contractDate: "desc", reference: "desc" },
});

/** The broker's own claims in the portal (no provider filter, no review flags). */
export const OWN_CLAIM_LIST = listSpec({
  filters: { q: text(), status: choice(CLAIM_STATES) },
  sorts: ["submittedAt", "reference", "contractDate", "status"],
  default: ["submittedAt", "desc"],
  firstDir: { submittedAt: "desc", contractDate: "desc", reference: "desc" },
});

/**
 * A broker's assigned clients in the portal: the valid assignments, ending soonest first. A
 * broker is paid only for a placement within the assignment's validity, so the client whose
 * voucher runs out next is the one to work on first (newest first would bury exactly those).
 * "alle" also lists redeemed, expired and withdrawn ones; the "gültig bis" header reverses.
 */
export const OWN_ASSIGNMENT_LIST = listSpec({
  filters: { q: text(), status: choice(["active", "all"], "active") },
  sorts: ["validUntil", "validFrom", "client", "assignment", "status"],
  default: ["validUntil", "asc"],
  firstDir: { validFrom: "desc", assignment: "desc" },
});

/**
 * A broker's placement agreements in the portal: the current ones (offered, active,
 * suspended) first, then by latest end. A broker has only a few, so no paging is needed.
 */
export const OWN_AGREEMENT_LIST = listSpec({
  filters: {},
  sorts: ["current", "validUntil", "validFrom", "reference"],
  default: ["current", "asc"],
  firstDir: { validUntil: "desc", validFrom: "desc", reference: "desc" },
  pageSize: 200,
});

export const VOUCHER_FILTERS = ["valid", "expiring", "none"] as const;
export type VoucherFilter = (typeof VOUCHER_FILTERS)[number];
export const VOUCHER_FILTER_LABELS: Record<VoucherFilter, string> = {
  valid: "gültige Zuweisung",
  expiring: "Zuweisung läuft bald ab",
  none: "ohne gültige Zuweisung",
};

/** A voucher/assignment "runs out" when it ends within this many days (case manager's home, client filter). */
export const VOUCHER_WARNING_DAYS = 14;

/** Clients: the newest first; filter by whether a voucher/assignment is valid today. */
export const CLIENT_LIST = listSpec({
  filters: { q: text(), voucher: choice(VOUCHER_FILTERS) },
  sorts: ["createdAt", "reference", "lastName"],
  default: ["createdAt", "desc"],
  firstDir: { createdAt: "desc" },
});

/** Payment items: the most urgent (earliest due) first; "open" is every state before paid or cancelled. */
export const PAYMENT_ITEM_LIST = listSpec({
  filters: {
    q: text(),
    status: choice([...PAYMENT_ITEM_STATES, "open"] as const),
    due: choice(["overdue", "soon"] as const),
    source: choice(["invoice", "instalment"] as const),
    line: int(),
    provider: int(),
    run: int(),
  },
  sorts: ["dueOn", "reference", "payee", "amount", "status", "createdAt"],
  default: ["dueOn", "asc"],
  firstDir: { createdAt: "desc", amount: "desc" },
  pageSize: 50,
});

export const TENDER_LIST = listSpec({
  filters: { q: text(), status: choice(TENDER_STATES) },
  sorts: ["createdAt", "reference", "title", "offersUntil", "status"],
  default: ["createdAt", "desc"],
  firstDir: { createdAt: "desc", offersUntil: "desc", reference: "desc" },
});

export const USER_LIST = listSpec({
  filters: { q: text(), role: choice(ROLES), status: choice(["active", "inactive"]) },
  sorts: ["name", "email", "role", "lastLoginAt"],
  default: ["name", "asc"],
  firstDir: { lastLoginAt: "desc" },
  pageSize: 50,
});

/** API tokens (staff page): the newest first, every state unless filtered. */
export const TOKEN_LIST = listSpec({
  filters: { q: text(), provider: int(), state: choice(TOKEN_STATES), kind: choice(TOKEN_KINDS) },
  sorts: ["createdAt", "expiresAt", "lastUsedAt", "name"],
  default: ["createdAt", "desc"],
  firstDir: { createdAt: "desc", lastUsedAt: "desc" },
  pageSize: 50,
});

export const MAIL_STATUSES = ["pending", "sent", "failed"] as const;

export const MAIL_LIST = listSpec({
  filters: { q: text(), status: choice(MAIL_STATUSES) },
  sorts: ["createdAt"],
  default: ["createdAt", "desc"],
  pageSize: 50,
});

/** Incoming invoices (staff): the newest receipt first; `from`/`to` limit the day of receipt (JJJJ-MM-TT). */
export const INVOICE_LIST = listSpec({
  filters: {
    q: text(),
    status: choice(INVOICE_STATUSES),
    provider: int(),
    match: choice(["matched", "unmatched", "deviation"] as const),
    due: choice(["overdue", "soon"] as const),
    from: text(),
    to: text(),
  },
  sorts: ["receivedOn", "dueOn", "reference", "seller", "amount", "status"],
  default: ["receivedOn", "desc"],
  firstDir: { receivedOn: "desc", amount: "desc", reference: "desc" },
  pageSize: 50,
});
