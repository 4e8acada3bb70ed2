import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { PROVIDER_KIND_LABELS } from "~/domain/provider";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { expiringCertificates, listProviders, listRegions } from "~/services/providers.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { providerQueryFrom } from "~/ui/provider-query";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, useExportQuery, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Träger und Vermittler" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:provider:any");
  const query = providerQueryFrom(new URL(request.url));
  const [list, regions, expiring] = await Promise.all([listProviders(query), listRegions(), expiringCertificates()]);
  return json({
    ...list,
    regions,
    expiringCount: expiring.length,
    warningDays: await getSetting("providers.certificateWarningDays"),
    canCreate: can(user.role, "create:provider:any"),
    canImport: can(user.role, "import:provider:any"),
    canExport: can(user.role, "export:provider:any"),
  });
}

const CERT_BADGE: Record<string, string> = { valid: "ok", expiring: "warn", expired: "err", none: "" };

export default function Providers() {
  const data = useLoaderData<typeof loader>();
  const exportQuery = useExportQuery();
  return (
    <>
      <h1>Träger und Vermittler</h1>
      {data.expiringCount > 0 ? (
        <div className="alert alert-warn" role="status">
          {data.expiringCount} {data.expiringCount === 1 ? "Trägerzulassung läuft" : "Trägerzulassungen laufen"} in den nächsten {data.warningDays} Tagen ab.{" "}
          <Link to="/providers?cert=expiring&sort=certUntil">Anzeigen</Link>
        </div>
      ) : null}
      <div className="actions">
        {data.canCreate ? (
          <Link className="button" to="/providers/new">
            Träger anlegen
          </Link>
        ) : null}
        {data.canImport ? (
          <Link className="button secondary" to="/providers/import">
            CSV importieren
          </Link>
        ) : null}
      </div>
      <FilterBar resetTo="/providers">
        <SearchFilter placeholder="Name, Ort, USt-IdNr." />
        <SelectFilter name="kind" label="Art" options={optionsOf(PROVIDER_KIND_LABELS)} />
        <SelectFilter name="region" label="Region" options={data.regions.map((r) => ({ value: r, label: r }))} />
        <SelectFilter
          name="cert"
          label="Trägerzulassung"
          options={[
            { value: "valid", label: "gültig" },
            { value: "expiring", label: "läuft bald ab" },
            { value: "expired", label: "abgelaufen" },
            { value: "none", label: "keine" },
          ]}
        />
        <SelectFilter
          name="active"
          label="Status"
          allLabel={null}
          defaultValue="active"
          options={[
            { value: "active", label: "aktiv" },
            { value: "inactive", label: "deaktiviert" },
            { value: "all", label: "alle" },
          ]}
        />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={data.rows} rowKey={(p) => p.id} sort={data.sort} dir={data.dir} empty="Keine Träger gefunden." />
      <Pager page={data.page} pages={data.pages} total={data.total} noun="Träger" csvHref={data.canExport ? `/providers/export.csv${exportQuery}` : null} csvLabel="Liste als CSV exportieren" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  {
    header: "Name",
    sort: "name",
    cell: (p) => (
      <>
        <Link to={`/providers/${p.id}`}>{p.name}</Link>
        {p.legalForm ? <span className="muted"> · {p.legalForm}</span> : null}
      </>
    ),
  },
  { header: "Art", sort: "kind", cell: (p) => p.kindLabel },
  { header: "Ort", sort: "city", cell: (p) => p.city },
  { header: "Region", sort: "region", cell: (p) => p.region },
  {
    header: "Zulassung bis",
    sort: "certUntil",
    cell: (p) => (
      <>
        {p.certUntil ? formatDate(p.certUntil) : "–"} <span className={`badge ${CERT_BADGE[p.certState]}`}>{p.certStateLabel}</span>
      </>
    ),
  },
  { header: "Status", cell: (p) => (p.active ? "aktiv" : <span className="badge">deaktiviert</span>) },
];

export const ErrorBoundary = GeneralErrorBoundary;
