import { Form } from "@remix-run/react";
import type { TokenState } from "~/domain/api-tokens";
import { formatDateTime } from "~/domain/time";
import { SubmitButton } from "./form";

const BADGE: Record<TokenState, string> = { active: "ok", expired: "warn", revoked: "err" };

interface TokenStateView {
  state: TokenState;
  stateLabel: string;
  revokedAt: string | null;
  revokedByName: string | null;
}

/** The state of an API token as a badge (aktiv / abgelaufen / widerrufen), with when and by whom it was revoked. */
export function TokenState({ token }: { token: TokenStateView }) {
  return (
    <>
      <span className={`badge ${BADGE[token.state]}`}>{token.stateLabel}</span>
      {token.revokedAt ? (
<span className="muted">{` am ${formatDateTime(token.revokedAt)} von ${token.revokedByName ?? "–"}`}</span>
      ) : null}
    </>
  );
}

/** Revoke a token (intent "revoke", field "id"), after a confirmation that says what it means; nothing for a revoked one. */
export function RevokeTokenForm({ token }: { token: { id: number; name: string; prefix: string; state: TokenState } }) {
  if (token.state === "revoked") return null;
  return (
    <Form method="post">
      <input type="hidden" name="id" value={token.id} />
      <SubmitButton intent="revoke" danger confirm={`Zugang „${token.name}“ (${token.prefix}…) widerrufen? Systeme, die ihn nutzen, verlieren sofort den Zugriff. Das lässt sich nicht rückgängig machen.`}>
        Widerrufen
      </SubmitButton>
    </Form>
  );
}
