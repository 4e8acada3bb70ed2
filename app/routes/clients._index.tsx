import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { CLIENT_LIST, VOUCHER_FILTER_LABELS, VOUCHER_WARNING_DAYS } from "~/domain/list-specs";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { clientVoucherCounts, listClients } from "~/services/clients.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, QuickFilters, SearchFilter, SelectFilter, optionsOf, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Kunden" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:client:any");
  const query = parseListQuery(new URL(request.url).searchParams, CLIENT_LIST);
  const [list, counts] = await Promise.all([listClients(user, query), clientVoucherCounts(user)]);
  return json({ ...list, counts });
}

export default function Clients() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Kunden</h1>
      <QuickFilters
        items={[
          { label: `Zuweisung läuft in ${VOUCHER_WARNING_DAYS} Tagen ab`, params: { voucher: "expiring" }, count: data.counts.expiring, warn: true },
          { label: "ohne gültige Zuweisung", params: { voucher: "none" }, count: data.counts.withoutVoucher },
        ]}
      />
      <div className="actions">
        <Link className="button" to="/clients/new">
          Neuer Kunde
        </Link>
      </div>
      <FilterBar resetTo="/clients">
        <SearchFilter placeholder="Kennzeichen oder Name" />
        <SelectFilter name="voucher" label="Zuweisung / Gutschein" options={optionsOf(VOUCHER_FILTER_LABELS)} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={data.rows} rowKey={(c) => c.id} sort={data.sort} dir={data.dir} empty="Keine Kunden gefunden." />
      <Pager page={data.page} pages={data.pages} total={data.total} noun="Kunden" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Kennzeichen", sort: "reference", firstDir: "desc", className: "mono", cell: (c) => <Link to={`/clients/${c.id}`}>{c.reference}</Link> },
  { header: "Name", sort: "lastName", cell: (c) => <Link to={`/clients/${c.id}`}>{c.name}</Link> },
  { header: "Ort", cell: (c) => c.city || "–" },
  { header: "Zielberuf", cell: (c) => c.targetOccupation || "–" },
  {
    header: "Zielgruppen",
    cell: (c) =>
      c.groups.length
        ? c.groups.map((g) => (
            <span key={g} className="badge">
              {g}
            </span>
          ))
        : "–",
  },
  {
    header: "Zugewiesen an",
    cell: (c) =>
      c.assignedTo.length ? (
        c.assignedTo.map((a, i) => (
          <div key={i}>
            {a.provider} <span className="muted">bis {formatDate(a.validUntil)}</span>
          </div>
        ))
      ) : (
        <span className="muted">keine gültige Zuweisung</span>
      ),
  },
  { header: "Angelegt", sort: "createdAt", firstDir: "desc", cell: (c) => formatDate(c.createdOn) },
];

export const ErrorBoundary = GeneralErrorBoundary;
