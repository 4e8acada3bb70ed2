/**
 * Scopes of API tokens (ADR 0014): what a token may be used for, on top of what the role of its
 * holder allows. A scope never grants a permission the role lacks; it only narrows a token.
 *
 * - `read`: every GET of the organisation's own data and the published tenders;
 * - `offers`: submit and withdraw offers (and ask bidder questions);
 * - `placements`: report placements and send instalment proofs (and accept agreements);
 * - `invoices`: send invoices (e-invoices through POST /api/v1/invoices) and confirm bill proposals;
 * - `places`: answer place orders (confirm, decline), report participation (entry, attendance,
 *   exams, exit) and propose measures for the catalogue.
 *
 * Reading is always the `read` scope, whichever permission the route checks (the list of own
 * offers checks `submit:offer:own`, but a GET only reads). A change (POST, PUT, PATCH, DELETE)
 * needs the write scope of the permission. Permissions without an entry, or with `write: null`,
 * cannot be used with a token at all for that kind of request. Pure: no I/O.
 */
import type { Permission } from "./permissions";

export const API_SCOPES = ["read", "offers", "placements", "invoices", "places"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  read: "Lesen",
  offers: "Angebote",
  placements: "Vermittlungen",
  invoices: "Rechnungen",
  places: "Einzelplätze",
};

export const API_SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  read: "alle lesenden Abrufe: eigene Daten und veröffentlichte Ausschreibungen",
  offers: "Angebote abgeben und zurückziehen",
  placements: "Vermittlungen melden und Nachweise zu Raten senden",
  invoices: "Rechnungen einreichen und Abrechnungsvorschläge bestätigen",
  places: "Platzbestellungen beantworten, Teilnahme melden, Maßnahmen vorschlagen",
};

export interface ScopeRule {
  /** Scope for GET and HEAD, or null: not readable with a token. */
  read: ApiScope | null;
  /** Scope for POST, PUT, PATCH and DELETE, or null: not possible with a token. */
  write: ApiScope | null;
}

const READ_ONLY: ScopeRule = { read: "read", write: null };

/** Every permission a token may use, with the scope it needs. */
export const API_PERMISSION_SCOPES: Partial<Record<Permission, ScopeRule>> = {
  // Provider organisations (the API of /api/v1/).
  "read:provider:own": READ_ONLY,
  "read:document:own": READ_ONLY,
  "read:tender:published": READ_ONLY,
  "read:contract:own": READ_ONLY,
  "read:agreement:own": READ_ONLY,
  "read:assignment:own": READ_ONLY,
  "submit:offer:own": { read: "read", write: "offers" },
  "ask:question:own": { read: "read", write: "offers" },
  "submit:placement:own": { read: "read", write: "placements" },
  "accept:agreement:own": { read: "read", write: "placements" },
  "submit:invoice:own": { read: "read", write: "invoices" },
  "read:invoice:own": READ_ONLY,
  "confirm:bill:own": { read: "read", write: "invoices" },
  "read:purchase:own": READ_ONLY,
  "answer:purchase:own": { read: "read", write: "places" },
  "report:participation:own": { read: "read", write: "places" },
  "propose:measure:own": { read: "read", write: "places" },
  // The organisation's own outcomes against the anonymised overall (issue 12; added by the exports worker).
  "read:outcomes:own": READ_ONLY,
  // Master data changes, the own password and the tokens themselves stay with signed-in people.
  "edit:provider-contact:own": READ_ONLY,
  "request:provider-change:own": READ_ONLY,
  // Staff tools with a personal token: reading only.
  "read:provider:any": READ_ONLY,
  "read:document:any": READ_ONLY,
  "read:tender:any": READ_ONLY,
  "read:contract:any": READ_ONLY,
  "read:placement:any": READ_ONLY,
  "read:place:any": READ_ONLY,
  "read:payable:any": READ_ONLY,
  "read:audit:any": READ_ONLY,
};

/** Requests that only read. */
export function isReadMethod(method: string): boolean {
  const m = method.toUpperCase();
  return m === "GET" || m === "HEAD" || m === "OPTIONS";
}

/** The scope a token needs to use `permission` with this HTTP method, or null when no token may. */
export function requiredScope(permission: Permission, method: string): ApiScope | null {
  const rule = API_PERMISSION_SCOPES[permission];
  if (!rule) return null;
  return isReadMethod(method) ? rule.read : rule.write;
}

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (API_SCOPES as readonly string[]).includes(value);
}

/** Scopes from their stored form ("read,offers"), in the canonical order; unknown names are dropped. */
export function parseScopes(stored: string | readonly string[]): ApiScope[] {
  const names = new Set((typeof stored === "string" ? stored.split(",") : stored).map((s) => s.trim()));
  return API_SCOPES.filter((s) => names.has(s));
}

/** The stored form of scopes: canonical order, comma-separated. */
export function formatScopes(scopes: readonly ApiScope[]): string {
  return parseScopes(scopes).join(",");
}

/** German refusal naming the missing scope (403 detail). */
export function missingScopeMessage(scope: ApiScope | null): string {
  if (!scope) return "Diese Aktion ist mit einem API-Zugang nicht möglich; bitte verwenden Sie das Portal.";
  return `Diesem API-Zugang fehlt die Berechtigung „${scope}“ (${API_SCOPE_LABELS[scope]}: ${API_SCOPE_DESCRIPTIONS[scope]}). Die Administration Ihrer Organisation kann im Portal unter „API-Zugänge“ einen Zugang mit dieser Berechtigung erstellen.`;
}
