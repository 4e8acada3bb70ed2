import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { TENDER_LIST } from "~/domain/list-specs";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { TENDER_STATE_LABELS } from "~/domain/tender.machine";
import { berlinDate, formatDate, formatDateTime } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listTenders } from "~/services/tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Ausschreibungen" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:tender:any");
  const query = parseListQuery(new URL(request.url).searchParams, TENDER_LIST);
  return json({ ...(await listTenders(query)), canManage: can(user.role, "manage:tender:any") });
}

export default function Tenders() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Ausschreibungen</h1>
      {d.canManage ? (
        <div className="actions">
          <Link className="button" to="/tenders/new">
            Ausschreibung anlegen
          </Link>
        </div>
      ) : null}
      <FilterBar resetTo="/tenders">
        <SearchFilter placeholder="Titel oder Vergabenummer" />
        <SelectFilter name="status" label="Status" options={optionsOf(TENDER_STATE_LABELS)} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={d.rows} rowKey={(t) => t.id} sort={d.sort} dir={d.dir} empty="Keine Ausschreibungen gefunden." />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Ausschreibungen" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Vergabenummer", sort: "reference", firstDir: "desc", cell: (t) => <Link to={`/tenders/${t.id}`}>{t.reference}</Link> },
  { header: "Titel", sort: "title", cell: (t) => t.title },
  { header: "Status", sort: "status", cell: (t) => <span className="badge">{t.statusLabel}</span> },
  { header: "Angebote bis", sort: "offersUntil", firstDir: "desc", cell: (t) => formatDateTime(t.offersUntil) },
  { header: "Geschätzter Wert", className: "num", cell: (t) => formatCents(t.estimatedValueCents) },
  { header: "Angebote", className: "num", cell: (t) => t.offerCount },
  { header: "Angelegt", sort: "createdAt", firstDir: "desc", cell: (t) => formatDate(berlinDate(t.createdAt)) },
];

export const ErrorBoundary = GeneralErrorBoundary;
