import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { berlinDate, formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listPayables, PAYABLE_STATUS_LABELS } from "~/services/instalments.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { PAYABLE_BADGE } from "~/ui/staff-placement";
import { intParam, Pager } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Zahlbare Raten" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const p = new URL(request.url).searchParams;
  const list = await listPayables(user, { status: p.get("status") ?? "", q: p.get("q") ?? "", page: intParam(p.get("page"), 1) });
  return json({ ...list, statusLabels: PAYABLE_STATUS_LABELS });
}

export default function Payables() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const exportParams = new URLSearchParams();
  for (const key of ["status", "q"]) if (params.get(key)) exportParams.set(key, params.get(key)!);
  const exportQuery = exportParams.toString();
  return (
    <>
      <h1>Zahlbare Raten</h1>
      <p className="muted">
        Raten der Vermittlungsvergütung, die sachlich richtig gezeichnet und an die Kasse übergeben wurden. Die Zahlungsempfänger und Bankverbindungen sind zum Zeitpunkt der Zeichnung festgehalten.
      </p>
      <div className="cards">
        <div className="card">
          <div className="muted">Raten (Auswahl)</div>
          <div className="value">{d.total.toLocaleString("de-DE")}</div>
        </div>
        <div className="card">
          <div className="muted">Summe (Auswahl)</div>
          <div className="value">{formatCents(d.sumCents)}</div>
        </div>
      </div>
      <div className="actions">
        <a className="button secondary" href={`/payables/export.csv${exportQuery ? `?${exportQuery}` : ""}`}>
          Auswahl als CSV exportieren
        </a>
      </div>
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Zahlungsempfänger, Verwendungszweck" />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">alle</option>
            {Object.entries(d.statusLabels).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Filtern
        </button>
        <Link to="/payables">Zurücksetzen</Link>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Nr.</th>
            <th scope="col">Zahlungsempfänger</th>
            <th scope="col">IBAN / BIC</th>
            <th scope="col">Verwendungszweck</th>
            <th scope="col">Haushaltsstelle</th>
            <th scope="col" className="num">
              Betrag
            </th>
            <th scope="col">gezeichnet am</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                Keine zahlbaren Raten gefunden.
              </td>
            </tr>
          ) : null}
          {d.rows.map((x) => (
            <tr key={x.id}>
              <td>{x.id}</td>
              <td>{x.payeeName}</td>
              <td className="mono nowrap">
                {x.ibanFormatted}
                {x.bic ? <div className="muted">{x.bic}</div> : null}
              </td>
              <td>{x.purpose}</td>
              <td className="mono">{x.budgetLine}</td>
              <td className="num nowrap">{formatCents(x.amountCents)}</td>
              <td>{formatDate(berlinDate(x.createdAt))}</td>
              <td>
                <span className={`badge ${PAYABLE_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
              </td>
            </tr>
          ))}
        </tbody>
        {d.rows.length ? (
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                Summe aller {d.total.toLocaleString("de-DE")} Raten der Auswahl
              </th>
              <td className="num nowrap">
                <strong>{formatCents(d.sumCents)}</strong>
              </td>
              <td colSpan={2} />
            </tr>
          </tfoot>
        ) : null}
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Raten" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
