import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { PRICE_UNIT_LABELS, type PriceUnit } from "~/domain/tender";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { ownContracts } from "~/services/portal-tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";

export const meta: MetaFunction = () => [{ title: "Verträge – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:contract:own");
  return json({ rows: await ownContracts(user) });
}

const CONTRACT_STATUS: Record<string, string> = { active: "laufend", ended: "beendet", terminated: "gekündigt" };

export default function PortalContracts() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Verträge</h1>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Vertrag</th>
            <th scope="col" className="num">
              Plätze / Teilnehmer
            </th>
            <th scope="col">Preis</th>
            <th scope="col">Laufzeit</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                Noch keine Verträge aus Zuschlägen.
              </td>
            </tr>
          ) : null}
          {rows.map((c) => (
            <tr key={c.id}>
              <td>{c.reference}</td>
              <td className="num">{c.quantity}</td>
              <td>
                {formatCents(c.unitPriceCents)} {PRICE_UNIT_LABELS[c.priceUnit as PriceUnit]}
              </td>
              <td>
                {formatDate(c.startDate)} – {formatDate(c.endDate)}
              </td>
              <td>{CONTRACT_STATUS[c.status] ?? c.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
