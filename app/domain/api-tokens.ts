/**
 * API tokens as the people who manage them see them (ADR 0014): state, expiry, the input of the
 * creation form and the name an action done through a token carries in the audit trail. Pure.
 */
import { API_SCOPES, isApiScope, parseScopes, type ApiScope } from "./api-scopes";
import { addDays, berlinDate, berlinLocalToUtc, daysBetween, formatDate, parseDate } from "./time";

export const TOKEN_STATES = ["active", "expired", "revoked"] as const;
export type TokenState = (typeof TOKEN_STATES)[number];

export const TOKEN_STATE_LABELS: Record<TokenState, string> = {
  active: "aktiv",
  expired: "abgelaufen",
  revoked: "widerrufen",
};

export const TOKEN_KINDS = ["organisation", "personal"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const TOKEN_KIND_LABELS: Record<TokenKind, string> = {
  organisation: "Organisation",
  personal: "persönlich",
};

/** Revoked wins over expired; a token is expired from its `expiresAt` on. */
export function tokenState(token: { expiresAt: string; revokedAt: string | null }, nowIso: string): TokenState {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt <= nowIso) return "expired";
  return "active";
}

/** A token valid "until" a Berlin date works through the end of that day. */
export function tokenExpiresAt(validUntil: string): string {
  return berlinLocalToUtc(`${addDays(validUntil, 1)}T00:00`)!;
}

/** The last Berlin day a token works (the inverse of tokenExpiresAt): what "gültig bis einschließlich" shows. */
export function tokenValidUntil(expiresAt: string): string {
  return berlinDate(new Date(Date.parse(expiresAt) - 1));
}

export interface TokenLimits {
  /** Today in Berlin (YYYY-MM-DD). */
  today: string;
  /** Setting api.tokenDefaultDays. */
  defaultDays: number;
  /** Setting api.tokenMaxDays. */
  maxDays: number;
}

/** The expiry date the form proposes: the default, never beyond the maximum. */
export function defaultValidUntil(limits: TokenLimits): string {
  return addDays(limits.today, Math.min(limits.defaultDays, limits.maxDays));
}

export interface TokenInput {
  name: string;
  scopes: ApiScope[];
  /** Last day of validity (Berlin, YYYY-MM-DD). */
  validUntil: string;
}

export type TokenInputResult = { ok: true; value: TokenInput } | { ok: false; message: string; fieldErrors: Record<string, string> };

/**
 * Check the creation form: a name of 2 to 100 characters, at least one known scope, and a last
 * day from today up to `maxDays` ahead (empty: the default).
 */
export function parseTokenInput(raw: { name?: unknown; scopes?: unknown; validUntil?: unknown }, limits: TokenLimits): TokenInputResult {
  const fieldErrors: Record<string, string> = {};
  const name = typeof raw.name === "string" ? raw.name.trim().replace(/\s+/g, " ") : "";
  if (name.length < 2 || name.length > 100) fieldErrors.name = "Bitte geben Sie dem Zugang einen Namen (2 bis 100 Zeichen).";
  const list = Array.isArray(raw.scopes) ? raw.scopes : typeof raw.scopes === "string" && raw.scopes ? raw.scopes.split(",") : [];
  const names = list.map((s) => String(s).trim()).filter(Boolean);
  const unknown = names.filter((s) => !isApiScope(s));
  if (unknown.length) fieldErrors.scopes = `Unbekannte Berechtigung: ${unknown.join(", ")}. Möglich sind ${API_SCOPES.join(", ")}.`;
  const scopes = parseScopes(names);
  if (!scopes.length && !fieldErrors.scopes) fieldErrors.scopes = "Bitte wählen Sie mindestens eine Berechtigung.";
  const text = typeof raw.validUntil === "string" ? raw.validUntil.trim() : "";
  const validUntil = text ? parseDate(text) : defaultValidUntil(limits);
  const latest = addDays(limits.today, limits.maxDays);
  if (!validUntil) fieldErrors.validUntil = "Bitte geben Sie das Ablaufdatum als TT.MM.JJJJ an.";
  else if (daysBetween(limits.today, validUntil) < 0) fieldErrors.validUntil = "Das Ablaufdatum darf nicht in der Vergangenheit liegen.";
  else if (validUntil > latest) fieldErrors.validUntil = `Ein API-Zugang gilt höchstens ${limits.maxDays} Tage, also bis spätestens ${formatDate(latest)}.`;
  if (Object.keys(fieldErrors).length) return { ok: false, message: "Der Zugang wurde nicht erstellt. Bitte prüfen Sie die markierten Angaben.", fieldErrors };
  return { ok: true, value: { name, scopes, validUntil: validUntil! } };
}

/** The first characters of a token as shown: "vt_AbCdEfG…". */
export function tokenPrefixLabel(prefix: string): string {
  return `${prefix}…`;
}

/**
 * Who acts when an organisation token is used, as the audit trail names it:
 * `API-Zugang „Fachverfahren“ (vt_AbCdEfG…) · Jobbrücke Kamenz`. At most 254 characters (the
 * audit column); the organisation's name is shortened first.
 */
export function organisationTokenActorLabel(token: { name: string; prefix: string }, providerName: string | null): string {
  const head = `API-Zugang „${token.name}“ (${tokenPrefixLabel(token.prefix)})`;
  if (!providerName) return head.slice(0, 254);
  const room = 254 - head.length - 3;
  const org = providerName.length > room ? `${providerName.slice(0, Math.max(0, room - 1))}…` : providerName;
  return `${head} · ${org}`.slice(0, 254);
}

/** A person acting through their personal token: `a.b@asz.example (API-Zugang „Auswertung“)`. */
export function personalTokenActorLabel(email: string, token: { name: string }): string {
  return `${email} (API-Zugang „${token.name}“)`.slice(0, 254);
}
