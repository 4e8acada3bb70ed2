import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { MEASURE_LIST } from "~/domain/measure-form";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { MEASURE_ORIGIN_LABELS, MEASURE_STATE_LABELS } from "~/domain/places";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listMeasures, measureFilterOptions } from "~/services/measures.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, QuickFilters, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Maßnahmenkatalog" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const query = parseListQuery(new URL(request.url).searchParams, MEASURE_LIST);
  const [list, options] = await Promise.all([listMeasures(user, query), measureFilterOptions(user)]);
  return json({ ...list, options, canManage: can(user.role, "manage:measure:any") });
}

const STATUS_BADGE: Record<string, string> = { active: "ok", proposed: "warn", rejected: "err", closed: "" };

export default function Measures() {
  const d = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  return (
    <>
      <h1>Maßnahmenkatalog</h1>
      <p className="muted">
        Maßnahmen, in denen Einzelplätze eingekauft werden können: aus eigener Vergabe (beim Zuschlag automatisch), Plätze der BA (§ 108 Abs. 6 GWB, ohne eigene Vergabe), zugelassene Maßnahmen von Trägern (AZAV) und
        Maßnahmen bei Arbeitgebern. Vorschläge von Trägern werden erst nach der Annahme einkaufbar.
      </p>
      {d.canManage ? (
        <div className="actions">
          <Link className="button" to="/measures/new">
            Maßnahme anlegen
          </Link>
        </div>
      ) : null}
      <QuickFilters items={[{ label: "Vorschläge zu entscheiden", params: { status: "proposed" }, count: d.proposed, warn: d.proposed > 0 }, { label: "im Katalog", params: { status: "active" }, count: d.active }]} />
      <FilterBar resetTo="/measures">
        <SearchFilter placeholder="Titel, Nummer, BA- oder AZAV-Nummer" />
        <SelectFilter name="type" label="Maßnahmeart" options={d.options.types} />
        <SelectFilter name="origin" label="Herkunft" options={optionsOf(MEASURE_ORIGIN_LABELS)} />
        <SelectFilter name="provider" label="Träger" options={d.options.providers} />
        <SelectFilter name="region" label="Region" options={d.options.regions} />
        <SelectFilter name="status" label="Status" options={optionsOf(MEASURE_STATE_LABELS)} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={d.rows} rowKey={(x) => x.id} sort={d.sort} dir={d.dir} empty="Keine Maßnahmen gefunden." />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Maßnahmen" csvHref={`/measures/export.csv${exportQuery}`} />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  {
    header: "Titel",
    sort: "title",
    cell: (x) => (
      <>
        <Link to={`/measures/${x.id}`}>{x.title}</Link>
        <div className="muted small">
          {x.reference} · {x.originLabel}
        </div>
      </>
    ),
  },
  { header: "Maßnahmeart", sort: "type", cell: (x) => x.typeName },
  {
    header: "Träger / Arbeitgeber",
    sort: "provider",
    cell: (x) => (
      <>
        {x.providerName || x.hostName || "–"}
        {x.region ? <div className="muted small">{x.region}</div> : null}
      </>
    ),
  },
  { header: "Preis", className: "num nowrap", cell: (x) => (x.priceModel === "none" ? "ohne Vergütung" : <>{formatCents(x.priceCents)}<div className="muted small">{x.priceModelLabel}</div></>) },
  { header: "Plätze", sort: "capacity", firstDir: "desc", className: "num", cell: (x) => x.capacity.toLocaleString("de-DE") },
  { header: "gültig bis", sort: "validUntil", firstDir: "desc", className: "nowrap", cell: (x) => formatDate(x.validUntil) },
  { header: "Status", cell: (x) => <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span> },
];

export const ErrorBoundary = GeneralErrorBoundary;
