import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listOwnInvoices } from "~/services/invoices.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Pager } from "~/ui/list";
import { intParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Rechnungen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:invoice:own");
  const page = intParam(new URL(request.url).searchParams.get("page"), 1);
  return json(await listOwnInvoices(user, { page, pageSize: 25 }));
}

const STATE_BADGE: Record<string, string> = { rejected: "err", paid: "ok", cancelled: "" };

export default function PortalInvoices() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Rechnungen</h1>
      <p className="muted">
        Reichen Sie Rechnungen als E-Rechnung ein (XRechnung als XML oder ZUGFeRD-PDF). Jede Rechnung wird bei Eingang geprüft; hier sehen Sie ihren Bearbeitungsstand bis zur Zahlung.
      </p>
      <p>
        <Link to="/portal/invoices/new" className="button">
          Rechnung einreichen
        </Link>
      </p>
      <table className="data">
        <caption className="sr-only">Ihre Rechnungen</caption>
        <thead>
          <tr>
            <th scope="col">Rechnungsnummer</th>
            <th scope="col">Eingang</th>
            <th scope="col" className="num">
              Zahlbetrag
            </th>
            <th scope="col">fällig</th>
            <th scope="col">Stand</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length ? (
            d.rows.map((x) => (
              <tr key={x.id}>
                <td>
                  <Link to={`/portal/invoices/${x.id}`}>{x.number || x.reference}</Link>
                  <div className="muted small">{x.reference}</div>
                </td>
                <td className="nowrap">{formatDate(x.receivedOn)}</td>
                <td className="num nowrap">{formatCents(x.dueAmountCents)}</td>
                <td className="nowrap">{x.status === "rejected" ? "–" : formatDate(x.dueOn)}</td>
                <td>
                  <span className={`badge ${STATE_BADGE[x.providerState.code] ?? "warn"}`}>{x.providerState.label}</span>
                  {x.status === "rejected" ? <div className="muted small">{x.findings.length === 1 ? "1 Befund" : `${x.findings.length} Befunde`}: {x.findings.map((f) => f.rule).join(", ")}</div> : null}
                </td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={5}>Sie haben noch keine Rechnungen eingereicht.</td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Rechnungen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
