import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listOwnMeasures, mayPropose } from "~/services/measures.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Pager } from "~/ui/list";
import { intParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Maßnahmen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "propose:measure:own");
  const page = intParam(new URL(request.url).searchParams.get("page"), 1);
  const [list, canPropose] = await Promise.all([listOwnMeasures(user, { page, pageSize: 25 }), mayPropose(user)]);
  return json({ ...list, canPropose });
}

const STATUS_BADGE: Record<string, string> = { active: "ok", proposed: "warn", rejected: "err", closed: "" };

export default function PortalMeasures() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Maßnahmen</h1>
      <p className="muted">
        Ihre Maßnahmen im Katalog des Jobcenters: aus Verträgen nach einem Zuschlag und Ihre Vorschläge. Ein Vorschlag wird geprüft; erst wenn er angenommen ist, kann das Jobcenter Plätze darin kaufen.
      </p>
      {d.canPropose ? (
        <p>
          <Link to="/portal/measures/new" className="button">
            Maßnahme vorschlagen
          </Link>
        </p>
      ) : null}
      <table className="data">
        <caption className="sr-only">Ihre Maßnahmen und Vorschläge</caption>
        <thead>
          <tr>
            <th scope="col">Maßnahme</th>
            <th scope="col">Art</th>
            <th scope="col" className="num">
              Plätze
            </th>
            <th scope="col" className="num">
              Preis
            </th>
            <th scope="col">Einkauf möglich</th>
            <th scope="col">Stand</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length ? (
            d.rows.map((x) => (
              <tr key={x.id}>
                <td>
                  <Link to={`/portal/measures/${x.id}`}>{x.title}</Link>
                  <div className="muted small">
                    {x.reference} · {x.originLabel}
                  </div>
                </td>
                <td>{x.typeName}</td>
                <td className="num">{x.capacity}</td>
                <td className="num nowrap">
                  {formatCents(x.priceCents)}
                  <div className="muted small">{x.priceModelLabel}</div>
                </td>
                <td className="nowrap">
                  {formatDate(x.validFrom)} – {formatDate(x.validUntil)}
                </td>
                <td>
                  <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
                  {x.statusReason ? <div className="muted small">{x.statusReason}</div> : null}
                </td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={6}>Sie haben noch keine Maßnahmen im Katalog.</td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Maßnahmen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
