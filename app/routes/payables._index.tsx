import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { PAYABLE_LIST } from "~/domain/list-specs";
import { formatCents } from "~/domain/money";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listPayables, PAYABLE_STATUS_LABELS } from "~/services/instalments.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, QuickFilters, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";
import { PAYABLE_BADGE } from "~/ui/staff-placement";

export const meta: MetaFunction = () => [{ title: "Zahlbare Raten" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const query = parseListQuery(new URL(request.url).searchParams, PAYABLE_LIST);
  const [list, open] = await Promise.all([listPayables(user, query), listPayables(user, { status: "open", pageSize: 1 })]);
  return json({ ...list, open: { total: open.total, sumCents: open.sumCents }, statusLabels: PAYABLE_STATUS_LABELS });
}

export default function Payables() {
  const d = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  return (
    <>
      <h1>Zahlbare Raten</h1>
      <p className="muted">
        Raten der Vermittlungsvergütung, die sachlich richtig gezeichnet und an die Kasse übergeben wurden. Die Zahlungsempfänger und Bankverbindungen sind zum Zeitpunkt der Zeichnung festgehalten.
      </p>
      <QuickFilters items={[{ label: `offen, wartet auf Auszahlung (${formatCents(d.open.sumCents)})`, params: { status: "open" }, count: d.open.total, warn: true }]} />
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
      <FilterBar resetTo="/payables">
        <SearchFilter placeholder="Zahlungsempfänger, Verwendungszweck" />
        <SelectFilter name="status" label="Status" options={optionsOf(d.statusLabels)} />
      </FilterBar>
      <DataTable
        columns={COLUMNS}
        rows={d.rows}
        rowKey={(x) => x.id}
        sort={d.sort}
        dir={d.dir}
        empty="Keine zahlbaren Raten gefunden."
        footer={
          <tr>
            <th scope="row" colSpan={5}>
              Summe aller {d.total.toLocaleString("de-DE")} Raten der Auswahl
            </th>
            <td className="num nowrap">
              <strong>{formatCents(d.sumCents)}</strong>
            </td>
            <td colSpan={2} />
          </tr>
        }
      />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Raten" csvHref={`/payables/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Nr.", cell: (x) => x.id },
  { header: "Zahlungsempfänger", sort: "payee", cell: (x) => x.payeeName },
  {
    header: "IBAN / BIC",
    className: "mono nowrap",
    cell: (x) => (
      <>
        {x.ibanFormatted}
        {x.bic ? <div className="muted">{x.bic}</div> : null}
      </>
    ),
  },
  { header: "Verwendungszweck", cell: (x) => x.purpose },
  { header: "Haushaltsstelle", className: "mono", cell: (x) => x.budgetLine },
  { header: "Betrag", sort: "amount", firstDir: "desc", className: "num nowrap", cell: (x) => formatCents(x.amountCents) },
  { header: "gezeichnet am", sort: "createdAt", firstDir: "desc", cell: (x) => formatDate(x.certifiedOn) },
  { header: "Status", sort: "status", cell: (x) => <span className={`badge ${PAYABLE_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span> },
];

export const ErrorBoundary = GeneralErrorBoundary;
