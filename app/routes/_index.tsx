import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { formatDate } from "~/domain/time";
import { requireUser } from "~/lib/session.server";
import { dashboard } from "~/services/dashboard.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";

export const meta: MetaFunction = () => [{ title: "Übersicht" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!can(user.role, "read:provider:any")) return redirect("/portal");
  return json({ ...(await dashboard()), canConfirm: can(user.role, "confirm:provider-change:any") });
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Übersicht</h1>
      <div className="cards">
        <div className="card">
          <div className="muted">Private Arbeitsvermittler</div>
          <div className="value">{d.counts.broker}</div>
        </div>
        <div className="card">
          <div className="muted">Bildungsträger</div>
          <div className="value">{d.counts.training}</div>
        </div>
        <div className="card">
          <div className="muted">Bundesagentur für Arbeit</div>
          <div className="value">{d.counts.agency}</div>
        </div>
        <div className={`card${d.expiring.length ? " warn" : ""}`}>
          <div className="muted">Zulassungen laufen in {d.warningDays} Tagen ab</div>
          <div className="value">{d.expiring.length}</div>
        </div>
        {d.canConfirm ? (
          <div className={`card${d.pendingRequests ? " warn" : ""}`}>
            <div className="muted">Offene Änderungsanträge</div>
            <div className="value">
              <Link to="/providers/requests">{d.pendingRequests}</Link>
            </div>
          </div>
        ) : null}
      </div>
      <h2>Trägerzulassungen, die bald ablaufen</h2>
      {d.expiring.length === 0 ? (
        <p className="muted">Keine Zulassung läuft in den nächsten {d.warningDays} Tagen ab.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Träger</th>
              <th scope="col">Zertifikat</th>
              <th scope="col">gültig bis</th>
            </tr>
          </thead>
          <tbody>
            {d.expiring.slice(0, 15).map((c) => (
              <tr key={`${c.providerId}-${c.certificateNumber}`}>
                <td>
                  <Link to={`/providers/${c.providerId}`}>{c.providerName}</Link>
                </td>
                <td>{c.certificateNumber}</td>
                <td>{formatDate(c.validUntil)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.expiring.length > 15 ? (
        <p>
          <Link to="/providers?cert=expiring&sort=certUntil">Alle {d.expiring.length} anzeigen</Link>
        </p>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
