import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { PROVIDER_KIND_LABELS } from "~/domain/provider";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { expiringCertificates, listProviders, listRegions } from "~/services/providers.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { providerQueryFrom } from "~/ui/provider-query";
import { Pager, SortHeader } from "~/ui/table";

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
  const [params] = useSearchParams();
  const exportParams = new URLSearchParams(params);
  exportParams.delete("page");
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
        {data.canExport ? (
          <a className="button secondary" href={`/providers/export.csv?${exportParams.toString()}`}>
            Liste als CSV exportieren
          </a>
        ) : null}
      </div>
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Name, Ort, USt-IdNr." />
        </div>
        <div className="field">
          <label htmlFor="kind">Art</label>
          <select id="kind" name="kind" defaultValue={params.get("kind") ?? ""}>
            <option value="">alle</option>
            {Object.entries(PROVIDER_KIND_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="region">Region</label>
          <select id="region" name="region" defaultValue={params.get("region") ?? ""}>
            <option value="">alle</option>
            {data.regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cert">Trägerzulassung</label>
          <select id="cert" name="cert" defaultValue={params.get("cert") ?? ""}>
            <option value="">alle</option>
            <option value="valid">gültig</option>
            <option value="expiring">läuft bald ab</option>
            <option value="expired">abgelaufen</option>
            <option value="none">keine</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="active">Status</label>
          <select id="active" name="active" defaultValue={params.get("active") ?? "active"}>
            <option value="active">aktiv</option>
            <option value="inactive">deaktiviert</option>
            <option value="all">alle</option>
          </select>
        </div>
        <input type="hidden" name="sort" value={params.get("sort") ?? "name"} />
        <input type="hidden" name="dir" value={params.get("dir") ?? "asc"} />
        <button type="submit" className="button">
          Filtern
        </button>
        <Link to="/providers">Zurücksetzen</Link>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <SortHeader field="name">Name</SortHeader>
            <SortHeader field="kind">Art</SortHeader>
            <SortHeader field="city">Ort</SortHeader>
            <SortHeader field="region">Region</SortHeader>
            <SortHeader field="certUntil">Zulassung bis</SortHeader>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Keine Träger gefunden.
              </td>
            </tr>
          ) : null}
          {data.rows.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/providers/${p.id}`}>{p.name}</Link>
                {p.legalForm ? <span className="muted"> · {p.legalForm}</span> : null}
              </td>
              <td>{p.kindLabel}</td>
              <td>{p.city}</td>
              <td>{p.region}</td>
              <td>
                {p.certUntil ? formatDate(p.certUntil) : "–"} <span className={`badge ${CERT_BADGE[p.certState]}`}>{p.certStateLabel}</span>
              </td>
              <td>{p.active ? "aktiv" : <span className="badge">deaktiviert</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={data.page} pages={data.pages} total={data.total} noun="Träger" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
