import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatDateTimeSeconds } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { auditFilterOptions, queryAudit } from "~/services/audit-log.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { intParam } from "~/ui/table";
import { FilterBar, Pager } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Protokoll" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "read:audit:any");
  const p = new URL(request.url).searchParams;
  const get = (k: string) => p.get(k) ?? "";
  const [result, options] = await Promise.all([
    queryAudit({ q: get("q"), action: get("action"), actor: get("actor"), entityType: get("entityType"), entityId: get("entityId"), from: get("from"), to: get("to"), page: intParam(p.get("page"), 1) }),
    auditFilterOptions(),
  ]);
  return json({ ...result, ...options });
}

export default function Audit() {
  const loaderData = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const entityType = params.get("entityType") ?? "";
  const entityId = params.get("entityId") ?? "";
  const entityLabel = loaderData.entityTypes.find((t) => t.value === entityType)?.label ?? entityType;
  return (
    <>
      <h1>Protokoll</h1>
      <p className="muted">
        Jede Zustandsänderung und jedes Sicherheitsereignis. Die Einträge sind unveränderbar verkettet: Jeder trägt den Prüfwert des vorigen, sodass nachträgliche Änderungen bei der Prüfung der Kette auffallen.
      </p>
      <FilterBar resetTo="/audit">
        <div className="field">
          <label htmlFor="q">Text in der Beschreibung</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="action">Ereignis</label>
          <select id="action" name="action" defaultValue={params.get("action") ?? ""}>
            <option value="">alle Ereignisse</option>
            {loaderData.actions.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="entityType">Art des Datensatzes</label>
          <select id="entityType" name="entityType" defaultValue={entityType}>
            <option value="">alle Arten</option>
            {loaderData.entityTypes.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="actor">Person</label>
          <input id="actor" name="actor" defaultValue={params.get("actor") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="from">Zeitraum von</label>
          <input id="from" name="from" type="date" defaultValue={params.get("from") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="to">Zeitraum bis</label>
          <input id="to" name="to" type="date" defaultValue={params.get("to") ?? ""} />
        </div>
        {entityId ? <input type="hidden" name="entityId" value={entityId} /> : null}
      </FilterBar>
      {entityId ? (
        <p className="muted">
          Nur Einträge zum Datensatz {entityLabel ? `${entityLabel} ` : ""}Nr. {entityId}. <Link to="/audit">Alle Einträge zeigen</Link>
        </p>
      ) : null}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Nr.</th>
            <th scope="col">Zeitpunkt</th>
            <th scope="col">Person</th>
            <th scope="col">Ereignis</th>
            <th scope="col">Datensatz</th>
            <th scope="col">Beschreibung</th>
            <th scope="col">Einzelheiten</th>
          </tr>
        </thead>
        <tbody>
          {loaderData.rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                Keine Einträge.
              </td>
            </tr>
          ) : null}
          {loaderData.rows.map((e) => (
            <tr key={e.id}>
              <td className="num">{e.seq}</td>
              <td>{formatDateTimeSeconds(e.at)}</td>
              <td>{e.actor}</td>
              <td>
                {e.actionLabel}
                <div className="muted mono" title="Ereigniskennung">
                  {e.action}
                </div>
              </td>
              <td>
                {e.entityLabel ? (
                  <Link to={`/audit?entityType=${encodeURIComponent(e.entityType)}${e.entityId ? `&entityId=${encodeURIComponent(e.entityId)}` : ""}`} title="Alle Einträge zu diesem Datensatz">
                    {e.entityLabel}
                    {e.entityId ? ` Nr. ${e.entityId}` : ""}
                  </Link>
                ) : (
                  "–"
                )}
              </td>
              <td>
                {e.summary}
                {e.entityType === "provider" && e.entityId ? (
                  <>
                    {" "}
                    <Link to={`/providers/${e.entityId}`}>(Träger)</Link>
                  </>
                ) : null}
              </td>
              <td>
                {e.details.length > 0 ? (
                  <details>
                    <summary>anzeigen</summary>
                    <dl className="audit-details">
                      {e.details.map((row, i) => (
                        <div key={`${row.label}-${i}`}>
                          <dt>{row.label}</dt>
                          <dd>{row.value}</dd>
                        </div>
                      ))}
                    </dl>
                    {e.rawDetails ? (
                      <details>
                        <summary>gespeicherte Daten (JSON)</summary>
                        <pre className="details">{e.rawDetails}</pre>
                      </details>
                    ) : null}
                  </details>
                ) : (
                  "–"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={loaderData.page} pages={loaderData.pages} total={loaderData.total} noun="Einträge" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
