import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listPublishedTenders } from "~/services/portal-tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";

export const meta: MetaFunction = () => [{ title: "Ausschreibungen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "read:tender:published");
  return json({ rows: await listPublishedTenders() });
}

export default function PortalTenders() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Ausschreibungen</h1>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Vergabenummer</th>
            <th scope="col">Titel</th>
            <th scope="col">Maßnahme</th>
            <th scope="col">Angebote bis</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                Derzeit keine Ausschreibungen.
              </td>
            </tr>
          ) : null}
          {rows.map((t) => (
            <tr key={t.id}>
              <td>
                <Link to={`/portal/tenders/${t.id}`}>{t.reference}</Link>
              </td>
              <td>{t.title}</td>
              <td>{t.measure}</td>
              <td>{formatDateTime(t.offersUntil)}</td>
              <td>{t.open ? <span className="badge ok">Angebotsabgabe möglich</span> : <span className="badge">{t.statusLabel}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
