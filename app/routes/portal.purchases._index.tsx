import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { PROVIDER_VISIBLE_STATES, PURCHASE_STATE_LABELS } from "~/domain/places";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listOwnPurchases, OWN_PURCHASE_LIST } from "~/services/purchases.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SelectFilter, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Platzbestellungen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:purchase:own");
  const query = parseListQuery(new URL(request.url).searchParams, OWN_PURCHASE_LIST);
  return json(await listOwnPurchases(user, query));
}

export default function PortalPurchases() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Platzbestellungen</h1>
      <p className="muted">Plätze, die das Arbeits- und Sozialzentrum in Ihren Maßnahmen bestellt hat. Bitte bestätigen oder lehnen Sie jede neue Bestellung fristgerecht ab; Teilnehmende erscheinen mit ihrem Kennzeichen, Name und Kontakt nur mit ihrer Einwilligung.</p>
      <FilterBar resetTo="/portal/purchases">
        <SelectFilter name="status" label="Status" options={PROVIDER_VISIBLE_STATES.map((s) => ({ value: s, label: PURCHASE_STATE_LABELS[s] }))} />
        <SelectFilter name="measure" label="Maßnahme" options={d.measures} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={d.rows} rowKey={(x) => x.id} sort={d.sort} dir={d.dir} empty="Keine Platzbestellungen gefunden." caption={<span className="sr-only">Ihre Platzbestellungen</span>} />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Platzbestellungen" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];
const BADGE: Record<string, string> = { ordered: "warn", declined: "err", cancelled: "", confirmed: "ok", running: "ok", completed: "ok" };

const COLUMNS: Column<Row>[] = [
  { header: "Bestellung", className: "nowrap", cell: (x) => <Link to={`/portal/purchases/${x.id}`}>{x.reference}</Link> },
  { header: "Maßnahme", cell: (x) => `${x.measure.reference} – ${x.measure.title}` },
  {
    header: "Teilnehmer/in",
    cell: (x) => (
      <>
        <span className="mono">{x.participant.client}</span>
        {x.participant.name ? <div className="small muted">{x.participant.name}</div> : null}
      </>
    ),
  },
  { header: "Beginn", sort: "start", firstDir: "desc", className: "nowrap", cell: (x) => formatDate(x.startDate) },
  { header: "Ende", className: "nowrap", cell: (x) => formatDate(x.endDate) },
  {
    header: "Status",
    cell: (x) => (
      <>
        <span className={`badge ${BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
        {x.canAnswer && x.answerBy ? <div className="small muted">Antwort bis {formatDate(x.answerBy)}</div> : null}
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;
