import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { TENDER_STATE_LABELS } from "~/domain/tender.machine";
import { formatDateTime } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listTenders } from "~/services/tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { intParam, Pager } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Ausschreibungen" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:tender:any");
  const p = new URL(request.url).searchParams;
  return json({ ...(await listTenders({ q: p.get("q") ?? "", status: p.get("status") ?? "", page: intParam(p.get("page"), 1) })), canManage: can(user.role, "manage:tender:any") });
}

export default function Tenders() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Ausschreibungen</h1>
      {d.canManage ? (
        <div className="actions">
          <Link className="button" to="/tenders/new">
            Ausschreibung anlegen
          </Link>
        </div>
      ) : null}
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Titel oder Vergabenummer" />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">alle</option>
            {Object.entries(TENDER_STATE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Filtern
        </button>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Vergabenummer</th>
            <th scope="col">Titel</th>
            <th scope="col">Status</th>
            <th scope="col">Angebote bis</th>
            <th scope="col" className="num">
              Geschätzter Wert
            </th>
            <th scope="col" className="num">
              Angebote
            </th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Keine Ausschreibungen gefunden.
              </td>
            </tr>
          ) : null}
          {d.rows.map((t) => (
            <tr key={t.id}>
              <td>
                <Link to={`/tenders/${t.id}`}>{t.reference}</Link>
              </td>
              <td>{t.title}</td>
              <td>
                <span className="badge">{t.statusLabel}</span>
              </td>
              <td>{formatDateTime(t.offersUntil)}</td>
              <td className="num">{formatCents(t.estimatedValueCents)}</td>
              <td className="num">{t.offerCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Ausschreibungen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
