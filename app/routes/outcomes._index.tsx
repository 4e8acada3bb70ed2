import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { EXIT_KIND_LABELS, OUTCOME_DUE_KIND_LABELS, OUTCOME_DUE_LIST, OUTCOME_DUE_WITHIN_MONTHS } from "~/domain/participation";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { outcomesDue } from "~/services/participation.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Verbleib erfassen" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "record:outcome:any");
  const list = await outcomesDue(user, parseListQuery(new URL(request.url).searchParams, OUTCOME_DUE_LIST));
  return json({ rows: list.rows, total: list.total, page: list.page, pages: list.pages, sort: list.query.sort, dir: list.query.dir });
}

export default function OutcomesDue() {
  const loaderData = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  return (
    <>
      <h1>Verbleib erfassen</h1>
      <p className="muted">
        Teilnahmen, deren Verbleib noch fehlt: nach dem Austritt, und erneut, wenn die Frist für den Verbleib sechs Monate später erreicht ist. Es zählen Austritte der letzten {OUTCOME_DUE_WITHIN_MONTHS} Monate; ältere sind abgeschlossene Geschichte. Die ältesten Fälle zuerst. Den Verbleib erfassen Sie auf der Seite des Platzkaufs.
      </p>
      <FilterBar resetTo="/outcomes">
        <SearchFilter placeholder="Platzkauf, Kunde, Maßnahme, Träger" />
        <SelectFilter name="kind" label="Zu erfassen" options={optionsOf(OUTCOME_DUE_KIND_LABELS)} />
        <SelectFilter name="exit" label="Austritt" options={optionsOf(EXIT_KIND_LABELS)} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={loaderData.rows} rowKey={(x) => x.key} sort={loaderData.sort} dir={loaderData.dir} empty="Kein Verbleib offen." />
      <Pager page={loaderData.page} pages={loaderData.pages} total={loaderData.total} noun="offene Verbleibe" csvHref={`/outcomes/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Platzkauf", sort: "reference", className: "nowrap", cell: (x) => <Link to={`/purchases/${x.purchaseId}`}>{x.reference}</Link> },
  { header: "Zu erfassen", cell: (x) => x.kindLabel },
  {
    header: "fällig seit",
    sort: "dueOn",
    className: "nowrap",
    cell: (x) => (
      <>
        {formatDate(x.dueOn)}
        {x.overdueDays > 30 ? (
          <div>
            <span className="badge warn">seit {x.overdueDays} Tagen</span>
          </div>
        ) : null}
      </>
    ),
  },
  { header: "Austritt", sort: "exitDate", firstDir: "desc", className: "nowrap", cell: (x) => `${formatDate(x.exitDate)} (${x.exitLabel})` },
  {
    header: "Kunde",
    sort: "client",
    cell: (x) => (
      <>
        {x.client}
        <div className="mono small muted">{x.clientReference}</div>
      </>
    ),
  },
  {
    header: "Maßnahme, Träger",
    sort: "provider",
    cell: (x) => (
      <>
        {x.measure}
        <div className="muted small">{x.provider}</div>
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;
