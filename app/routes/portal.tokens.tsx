import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/domain/time";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { actorOf } from "~/services/auth.server";
import { createToken, listTokens, revokeToken } from "~/services/api-tokens.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "API-Zugänge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:api-token:own");
  return json({ tokens: await listTokens(user.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:api-token:own");
  const form = await request.formData();
  const intent = form.get("intent");
  try {
    if (intent === "revoke") {
      await revokeToken(actorOf(user), user.id, Number(form.get("id")));
      return json({ ok: true as const, token: null, message: "Der Zugang wurde widerrufen." });
    }
    const { token } = await createToken(actorOf(user), user.id, String(form.get("name") ?? ""));
    return json({ ok: true as const, token, message: null });
  } catch (error) {
    return actionError(error, { name: form.get("name") });
  }
}

export default function Tokens() {
  const { tokens } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <h1>API-Zugänge</h1>
      <p>
        Mit einem API-Schlüssel greifen die Systeme Ihrer Organisation auf die Schnittstelle <code>/api/v1/</code> zu (Kopfzeile <code>Authorization: Bearer …</code>). Beschreibung:{" "}
        <a href="/api/v1/openapi.json">OpenAPI-Dokument</a>.
      </p>
      {a && "token" in a && a.token ? (
        <div className="alert alert-ok" role="status">
          <p>
            <strong>Ihr neuer API-Schlüssel.</strong> Er wird nur jetzt angezeigt; bewahren Sie ihn sicher auf.
          </p>
          <div className="token" id="new-token">
            {a.token}
          </div>
        </div>
      ) : null}
      {a && "message" in a && a.message ? (
        <div className="alert alert-ok" role="status">
          {a.message}
        </div>
      ) : null}
      <Form method="post" className="form narrow">
        <FormError message={a && "formError" in a ? a.formError : null} />
        <Field name="name" label="Bezeichnung des Zugangs" required hint="z. B. „Fachverfahren Vermittlung“" error={a && "fieldErrors" in a ? (a.fieldErrors as Record<string, string>).name : undefined} />
        <SubmitButton intent="create">Schlüssel erzeugen</SubmitButton>
      </Form>
      <h2>Vorhandene Zugänge</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Bezeichnung</th>
            <th scope="col">Beginnt mit</th>
            <th scope="col">Erstellt</th>
            <th scope="col">Zuletzt benutzt</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {tokens.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                Noch keine Zugänge.
              </td>
            </tr>
          ) : null}
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td className="mono">{t.prefix}…</td>
              <td>{formatDateTime(t.createdAt)}</td>
              <td>{formatDateTime(t.lastUsedAt)}</td>
              <td>
                {t.revokedAt ? (
                  `widerrufen am ${formatDateTime(t.revokedAt)}`
                ) : (
                  <Form method="post">
                    <input type="hidden" name="id" value={t.id} />
                    <SubmitButton intent="revoke" danger confirm={`Zugang „${t.name}“ widerrufen? Systeme, die ihn nutzen, verlieren sofort den Zugriff.`}>
                      Widerrufen
                    </SubmitButton>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
