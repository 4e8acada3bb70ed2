import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { PURCHASE_STATE_LABELS } from "~/domain/places";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listPurchases, PURCHASE_GROUP_LABELS, PURCHASE_LIST, purchaseFilterOptions, purchaseGroupCounts, validDateFilter } from "~/services/purchases.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, QuickFilters, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Platzkäufe" }];

const STATUS_OPTIONS = { ...PURCHASE_GROUP_LABELS, ...PURCHASE_STATE_LABELS };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const query = parseListQuery(new URL(request.url).searchParams, PURCHASE_LIST);
  const [list, options, counts] = await Promise.all([listPurchases(user, query), purchaseFilterOptions(), purchaseGroupCounts()]);
  return json({
    ...list,
    ...options,
    counts,
    canBuy: can(user.role, "buy:place:any"),
    badDates: !validDateFilter(query.from) || !validDateFilter(query.to),
  });
}

export default function Purchases() {
  const d = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  return (
    <>
      <h1>Platzkäufe</h1>
      <p className="muted">Einzelne Plätze in Maßnahmen des Katalogs, je Kundin bzw. Kunde gekauft: beantragt → (über der Genehmigungsgrenze: von einer zweiten Person genehmigt) → beim Träger bestellt → vom Träger bestätigt → läuft.</p>
      {d.canBuy ? (
        <p>
          <Link className="button" to="/purchases/new">
            Platz kaufen
          </Link>
        </p>
      ) : null}
      <QuickFilters
        items={[
          { label: "wartet auf Genehmigung", params: { status: "requested" }, count: d.counts.requested, warn: d.counts.requested > 0 },
          { label: "offen", params: { status: "open" }, count: d.counts.open },
          { label: "läuft", params: { status: "active" }, count: d.counts.active },
          { label: "beendet", params: { status: "ended" }, count: d.counts.ended },
        ]}
      />
      <FilterBar resetTo="/purchases">
        <SelectFilter name="status" label="Status" options={optionsOf(STATUS_OPTIONS)} />
        <SelectFilter name="provider" label="Träger" options={d.providers} />
        <SelectFilter name="type" label="Maßnahmeart" options={d.types} />
        <SearchFilter name="client" label="Kunde (Kennzeichen)" placeholder="z. B. K-000123" />
        <SearchFilter name="from" label="Beginn ab" placeholder="TT.MM.JJJJ" />
        <SearchFilter name="to" label="Beginn bis" placeholder="TT.MM.JJJJ" />
      </FilterBar>
      {d.badDates ? (
        <div className="alert alert-warn" role="status">
          Ein Datum im Filter ist nicht lesbar (TT.MM.JJJJ) und wurde nicht angewendet.
        </div>
      ) : null}
      <DataTable
        columns={COLUMNS}
        rows={d.rows}
        rowKey={(x) => x.id}
        sort={d.sort}
        dir={d.dir}
        empty="Keine Platzkäufe gefunden."
        footer={
          <tr>
            <th scope="row" colSpan={6}>
              Summe aller {d.total.toLocaleString("de-DE")} Platzkäufe der Auswahl
            </th>
            <td className="num nowrap">
              <strong>{formatCents(d.sumCents)}</strong>
            </td>
          </tr>
        }
      />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Platzkäufe" csvHref={`/purchases/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];
const STATUS_BADGE: Record<string, string> = { requested: "warn", declined: "err", cancelled: "", running: "ok", confirmed: "ok", completed: "ok" };

const COLUMNS: Column<Row>[] = [
  { header: "Platzkauf", sort: "reference", firstDir: "desc", className: "nowrap", cell: (x) => <Link to={`/purchases/${x.id}`}>{x.reference}</Link> },
  {
    header: "Status",
    cell: (x) => (
      <>
        <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
        {x.status === "requested" ? <div className="small muted">wartet auf Genehmigung</div> : null}
      </>
    ),
  },
  {
    header: "Kunde",
    cell: (x) => (
      <>
        <span className="mono">{x.client}</span>
        {x.clientName ? <div className="small muted">{x.clientName}</div> : null}
      </>
    ),
  },
  {
    header: "Maßnahme, Träger",
    cell: (x) => (
      <>
        {x.measure}
        <div className="small muted">{x.provider}</div>
      </>
    ),
  },
  { header: "Beginn", sort: "start", firstDir: "desc", className: "nowrap", cell: (x) => formatDate(x.startDate) },
  { header: "Ende", className: "nowrap", cell: (x) => formatDate(x.endDate) },
  { header: "Kosten", sort: "amount", firstDir: "desc", className: "num nowrap", cell: (x) => formatCents(x.estimatedCents) },
];

export const ErrorBoundary = GeneralErrorBoundary;
