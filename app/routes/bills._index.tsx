import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { formatCents } from "~/domain/money";
import { BILL_LIST, BILL_STATUS_LABELS } from "~/domain/place-bills";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listBills } from "~/services/place-billing.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Abrechnungen der Plätze" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const query = parseListQuery(new URL(request.url).searchParams, BILL_LIST);
  return json({ ...(await listBills(user, query)), month: query.month });
}

export default function Bills() {
  const d = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  return (
    <>
      <h1>Abrechnungen der Plätze</h1>
      <p className="muted">
        Monatsabrechnungen und Abrechnungen auf Ereignisse (Eintritt, Abschluss, Integration, Übergangsprämie), wie sie das System vorschlägt. Bestätigt der Träger, wird daraus eine Rechnung mit Zahlung auf der Haushaltsstelle
        für Einzelplätze; reicht er eine eigene E-Rechnung mit der Platznummer ein, gelten die Vorschläge ihres Zeitraums als abgerechnet.
      </p>
      <FilterBar resetTo="/bills">
        <SearchFilter placeholder="Abrechnung oder Platzkauf (AB-…, EP-…)" />
        <SelectFilter name="status" label="Status" options={optionsOf(BILL_STATUS_LABELS)} />
        <SelectFilter name="provider" label="Träger" options={d.providers} />
        <div className="field">
          <label htmlFor="filter-month">Monat (Beginn)</label>
          <input id="filter-month" type="month" name="month" defaultValue={d.month} />
        </div>
      </FilterBar>
      <div className="cards">
        <div className="card">
          <div className="muted">Abrechnungen (Auswahl)</div>
          <div className="value">{d.total.toLocaleString("de-DE")}</div>
        </div>
        <div className="card">
          <div className="muted">Summe (Auswahl)</div>
          <div className="value">{formatCents(d.sumCents)}</div>
        </div>
      </div>
      <DataTable
        columns={COLUMNS}
        rows={d.rows}
        rowKey={(x) => x.id}
        sort={d.sort}
        dir={d.dir}
        empty="Keine Abrechnungen gefunden."
        footer={
          <tr>
            <th scope="row" colSpan={4}>
              Summe aller {d.total.toLocaleString("de-DE")} Abrechnungen der Auswahl
            </th>
            <td className="num nowrap">
              <strong>{formatCents(d.sumCents)}</strong>
            </td>
            <td />
          </tr>
        }
      />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Abrechnungen" csvHref={`/bills/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];
const STATUS_BADGE: Record<string, string> = { proposed: "warn", confirmed: "ok", invoiced: "ok", cancelled: "" };

const COLUMNS: Column<Row>[] = [
  {
    header: "Abrechnung",
    sort: "reference",
    firstDir: "desc",
    className: "nowrap",
    cell: (x) => (
      <>
        {x.reference}
        <div className="muted small">{x.kindLabel}</div>
      </>
    ),
  },
  {
    header: "Träger, Platzkauf",
    sort: "provider",
    cell: (x) => (
      <>
        {x.provider}
        <div className="small">
          <Link to={`/purchases/${x.purchaseId}`}>{x.purchase}</Link> <span className="muted">({x.client}, {x.measure})</span>
        </div>
      </>
    ),
  },
  { header: "Zeitraum", sort: "period", firstDir: "desc", className: "nowrap", cell: (x) => (x.periodStart === x.periodEnd ? formatDate(x.periodStart) : `${formatDate(x.periodStart)} – ${formatDate(x.periodEnd)}`) },
  { header: "Berechnung", cell: (x) => x.calculation },
  { header: "Betrag", sort: "amount", firstDir: "desc", className: "num nowrap", cell: (x) => formatCents(x.amountCents) },
  {
    header: "Status",
    sort: "status",
    cell: (x) => (
      <>
        <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
        {x.attendanceWarning ? (
          <div>
            <span className="badge warn" title="Mehr als die Hälfte der Tage des Monats unentschuldigt gefehlt">
              Anwesenheit: {x.attendanceWarning}
            </span>
          </div>
        ) : null}
        {x.invoiceId ? (
          <div className="small">
            <Link to={`/invoices/${x.invoiceId}`}>Rechnung und Zahlung</Link>
          </div>
        ) : null}
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;
