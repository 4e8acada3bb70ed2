import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { API_SCOPE_DESCRIPTIONS, type ApiScope } from "~/domain/api-scopes";
import { tokenValidUntil } from "~/domain/api-tokens";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createOrganisationToken, listOrganisationTokens, revokeOrganisationToken, tokenFormDefaults } from "~/services/api-tokens.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";
import { RevokeTokenForm, TokenState } from "~/ui/api-tokens";

export const meta: MetaFunction = () => [{ title: "API-Zugänge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:api-token:own");
  return json({ tokens: await listOrganisationTokens(user), form: await tokenFormDefaults(), canManage: Boolean(user.providerAdmin) });
}

/** Create and revoke: only the organisation's administrator (the service refuses others with 403). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:api-token:own");
  const form = await request.formData();
  const values = formObject(form, ["scopes"]);
  const intent = String(values.intent ?? "create");
  try {
    if (intent === "revoke") {
      await revokeOrganisationToken(user, Number(values.id));
      return json({ ok: true as const, intent, token: null, message: "Der Zugang wurde widerrufen. Systeme, die ihn nutzen, erhalten ab sofort 401." });
    }
    const { token } = await createOrganisationToken(user, values);
    return json({ ok: true as const, intent, token, message: null });
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function Tokens() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const created = actionData && "token" in actionData && actionData.token ? actionData.token : null;
  const failed = actionData && !actionData.ok ? actionData : null;
  const fieldErrors = (failed?.intent === "create" ? failed.fieldErrors : {}) as Record<string, string>;
  const typed = (failed?.intent === "create" ? failed.values : {}) as Record<string, unknown>;
  const chosen = new Set<string>(Array.isArray(typed.scopes) ? (typed.scopes as string[]) : ["read"]);
  const { form } = loaderData;
  return (
    <>
      <h1>API-Zugänge</h1>
      <p>
        Mit einem API-Schlüssel greifen die Systeme Ihrer Organisation auf die Schnittstelle <code>/api/v1/</code> zu (Kopfzeile <code>Authorization: Bearer …</code>). Ein Zugang gehört der
        Organisation, nicht der Person, die ihn erstellt hat: er gilt bis zu seinem Ablaufdatum oder bis er widerrufen wird. Beschreibung: <a href="/api/v1/openapi.json">OpenAPI-Dokument</a>.
      </p>
      {created ? (
        <div className="alert alert-ok" role="status">
          <p>
            <strong>Ihr neuer API-Schlüssel.</strong> Er wird nur jetzt angezeigt; bewahren Sie ihn sicher auf.
          </p>
          <div className="token" id="new-token">
            {created}
          </div>
        </div>
      ) : null}
      {actionData && "message" in actionData && actionData.message ? (
        <div className="alert alert-ok" role="status">
          {actionData.message}
        </div>
      ) : null}
      {failed && failed.intent === "revoke" ? <FormError message={failed.formError} /> : null}
      {loaderData.canManage ? (
        <section className="panel" aria-labelledby="h-new">
          <h2 id="h-new">Neuen Zugang erstellen</h2>
          {/* A new key after a token was created: the form starts empty again instead of inviting a second submit. */}
          <Form method="post" className="form narrow" noValidate key={created ?? "new"}>
            <FormError message={failed?.intent === "create" ? failed.formError : null} />
            <Field name="name" label="Bezeichnung des Zugangs" required hint="z. B. „Fachverfahren Vermittlung“" defaultValue={(typed.name as string) ?? ""} error={fieldErrors.name} />
            <fieldset className="checks stacked" aria-describedby={fieldErrors.scopes ? "f-scopes-error" : undefined}>
              <legend>Berechtigungen</legend>
              {form.scopes.map((s) => (
                <label key={s.value}>
                  <input type="checkbox" name="scopes" value={s.value} defaultChecked={chosen.has(s.value)} />
                  <span>
                    {s.label} <code>{s.value}</code>
                    <span className="hint">{API_SCOPE_DESCRIPTIONS[s.value as ApiScope]}</span>
                  </span>
                </label>
              ))}
              {fieldErrors.scopes ? (
                <div className="error" id="f-scopes-error">
                  {fieldErrors.scopes}
                </div>
              ) : null}
            </fieldset>
            <Field
              name="validUntil"
              label="Gültig bis einschließlich"
              required
              placeholder="TT.MM.JJJJ"
              defaultValue={(typed.validUntil as string) || formatDate(form.validUntil)}
              hint={`Höchstens ${form.maxDays} Tage, also bis ${formatDate(form.latest)}.`}
              error={fieldErrors.validUntil}
            />
            <SubmitButton intent="create">Schlüssel erzeugen</SubmitButton>
          </Form>
        </section>
      ) : (
        <p className="muted">Neue Zugänge erstellen und Zugänge widerrufen kann nur die Administration Ihrer Organisation; das Jobcenter legt fest, wer das ist.</p>
      )}
      <h2>Zugänge der Organisation</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Bezeichnung</th>
            <th scope="col">Beginnt mit</th>
            <th scope="col">Berechtigungen</th>
            <th scope="col">Gültig bis einschl.</th>
            <th scope="col">Zuletzt benutzt</th>
            <th scope="col">Erstellt</th>
            <th scope="col">Status</th>
            {loaderData.canManage ? <th scope="col">Aktion</th> : null}
          </tr>
        </thead>
        <tbody>
          {loaderData.tokens.length === 0 ? (
            <tr>
              <td colSpan={loaderData.canManage ? 8 : 7} className="muted">
                Noch keine Zugänge.
              </td>
            </tr>
          ) : null}
          {loaderData.tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td className="mono">{t.prefix}…</td>
              <td>{t.scopeLabels.join(", ")}</td>
              <td>{formatDate(tokenValidUntil(t.expiresAt))}</td>
              <td>{formatDateTime(t.lastUsedAt)}</td>
              <td>
                {formatDateTime(t.createdAt)}
                <br />
                <span className="muted">von {t.createdByName}</span>
              </td>
              <td>
                <TokenState token={t} />
              </td>
              {loaderData.canManage ? (
                <td>
                  <RevokeTokenForm token={t} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
