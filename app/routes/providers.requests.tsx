import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { decideChangeRequest, listChangeRequests } from "~/services/providers.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Änderungsanträge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "confirm:provider-change:any");
  const all = new URL(request.url).searchParams.get("status") === "all";
  return json({ rows: await listChangeRequests(all ? "all" : "pending"), all });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "confirm:provider-change:any");
  const form = await request.formData();
  const id = Number(form.get("id"));
  const approve = form.get("intent") === "approve";
  const note = String(form.get("note") ?? "");
  try {
    await decideChangeRequest(user, id, approve, note);
    return redirectWithFlash("/providers/requests", approve ? "Änderung bestätigt und übernommen." : "Änderung abgelehnt.");
  } catch (error) {
    return actionError(error, { id });
  }
}

const STATUS: Record<string, string> = { pending: "offen", approved: "bestätigt", rejected: "abgelehnt" };

export default function ChangeRequests() {
  const { rows, all } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <h1>Änderungsanträge aus dem Portal</h1>
      <p className="muted">Träger können Bankverbindung und Trägerzulassung nicht selbst ändern; ihre Angaben werden erst mit Ihrer Bestätigung wirksam. Wer eine Bankverbindung bestätigt, wird als „geändert von“ vermerkt.</p>
      <p>{all ? <Link to="/providers/requests">Nur offene anzeigen</Link> : <Link to="/providers/requests?status=all">Alle Anträge anzeigen</Link>}</p>
      <FormError message={a?.formError} />
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Eingang</th>
            <th scope="col">Träger</th>
            <th scope="col">Art</th>
            <th scope="col">Beantragte Angaben</th>
            <th scope="col">Beantragt von</th>
            <th scope="col">Status / Entscheidung</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Keine offenen Anträge.
              </td>
            </tr>
          ) : null}
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{formatDateTime(r.requestedAt)}</td>
              <td>
                <Link to={`/providers/${r.providerId}`}>{r.providerName}</Link>
              </td>
              <td>{r.kindLabel}</td>
              <td>{r.payloadText}</td>
              <td>{r.requestedByName}</td>
              <td>
                {r.status === "pending" ? (
                  <Form method="post">
                    <input type="hidden" name="id" value={r.id} />
                    <div className="field">
                      <label htmlFor={`note-${r.id}`}>Vermerk (bei Ablehnung Pflicht)</label>
                      <input id={`note-${r.id}`} name="note" />
                    </div>
                    <div className="actions">
                      <button type="submit" name="intent" value="approve" className="button">
                        Bestätigen
                      </button>
                      <button type="submit" name="intent" value="reject" className="button danger">
                        Ablehnen
                      </button>
                    </div>
                  </Form>
                ) : (
                  <>
                    {STATUS[r.status]} {r.decidedAt ? `am ${formatDateTime(r.decidedAt)}` : ""} {r.decisionNote ? `– ${r.decisionNote}` : ""}
                  </>
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
