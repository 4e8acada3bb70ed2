import type { TokenState } from "~/domain/api-tokens";

const BADGE: Record<TokenState, string> = { active: "ok", expired: "warn", revoked: "err" };

/** The state of an API token as a badge: aktiv / abgelaufen / widerrufen. */
export function TokenStateBadge({ state, label }: { state: TokenState; label: string }) {
  return <span className={`badge ${BADGE[state]}`}>{label}</span>;
}
