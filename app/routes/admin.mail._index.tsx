import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { outboxPage, retryFailedMail } from "~/services/outbox.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { intParam, Pager } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Postausgang" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "read:mail-outbox:any");
  const p = new URL(request.url).searchParams;
  return json(await outboxPage(p.get("status") ?? "", intParam(p.get("page"), 1), p.get("q") ?? ""));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "read:mail-outbox:any");
  const id = Number((await request.formData()).get("id"));
  try {
    await retryFailedMail(user, id);
    return redirectWithFlash("/admin/mail", `E-Mail Nr. ${id} wird erneut zugestellt.`);
  } catch (error) {
    return actionError(error);
  }
}

const STATUS: Record<string, { label: string; badge: string }> = {
  pending: { label: "wartet", badge: "warn" },
  sent: { label: "versandt", badge: "ok" },
  failed: { label: "fehlgeschlagen", badge: "err" },
};

export default function Outbox() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Postausgang</h1>
      <p className="muted">Alle E-Mails der Anwendung. Ohne SMTP-Server (SMTP_URL) werden sie als .eml-Dateien im Datenverzeichnis abgelegt und können hier geöffnet werden.</p>
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="q">Suche (Betreff, Empfänger)</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">alle</option>
            <option value="pending">wartet</option>
            <option value="sent">versandt</option>
            <option value="failed">fehlgeschlagen</option>
          </select>
        </div>
        <button type="submit" className="button">
          Filtern
        </button>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Nr.</th>
            <th scope="col">Erstellt</th>
            <th scope="col">An</th>
            <th scope="col">Betreff</th>
            <th scope="col">Status</th>
            <th scope="col">Versuche</th>
            <th scope="col">Nachricht</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                Keine E-Mails.
              </td>
            </tr>
          ) : null}
          {d.rows.map((m) => (
            <tr key={m.id}>
              <td className="num">{m.id}</td>
              <td>{formatDateTime(m.createdAt)}</td>
              <td>{m.recipients}</td>
              <td>{m.subject}</td>
              <td>
                <span className={`badge ${STATUS[m.status]?.badge ?? ""}`}>{STATUS[m.status]?.label ?? m.status}</span>
                {m.status === "sent" ? ` ${formatDateTime(m.sentAt)}` : ""}
                {m.lastError ? <div className="muted">{m.lastError}</div> : null}
              </td>
              <td className="num">{m.attempts}</td>
              <td>
                <a href={`/admin/mail/${m.id}.eml`}>.eml öffnen</a>
                {m.status === "failed" ? (
                  <Form method="post">
                    <input type="hidden" name="id" value={m.id} />
                    <button type="submit" className="button secondary">
                      Erneut senden
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="E-Mails" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
