import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { auditActionLabel } from "~/domain/audit-labels";
import { formatDateTimeSeconds } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { auditActions, queryAudit } from "~/services/audit-log.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { intParam } from "~/ui/table";
import { FilterBar, Pager } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Protokoll" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "read:audit:any");
  const p = new URL(request.url).searchParams;
  const get = (k: string) => p.get(k) ?? "";
  const [result, actions] = await Promise.all([
    queryAudit({ q: get("q"), action: get("action"), actor: get("actor"), entityType: get("entityType"), entityId: get("entityId"), from: get("from"), to: get("to"), page: intParam(p.get("page"), 1) }),
    auditActions(),
  ]);
  return json({ ...result, actions });
}

export default function Audit() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Protokoll</h1>
      <p className="muted">
        Jede Zustandsänderung und jedes Sicherheitsereignis. Die Einträge sind unveränderbar verkettet: Jeder trägt den Prüfwert des vorigen, sodass nachträgliche Änderungen bei der Prüfung der Kette auffallen.
      </p>
      <FilterBar resetTo="/audit">
        <div className="field">
          <label htmlFor="q">Text</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="action">Ereignis</label>
          <select id="action" name="action" defaultValue={params.get("action") ?? ""}>
            <option value="">alle</option>
            {d.actions.map((a) => (
              <option key={a} value={a}>
                {auditActionLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="actor">Person</label>
          <input id="actor" name="actor" defaultValue={params.get("actor") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="from">von</label>
          <input id="from" name="from" type="date" defaultValue={params.get("from") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="to">bis</label>
          <input id="to" name="to" type="date" defaultValue={params.get("to") ?? ""} />
        </div>
        {params.get("entityType") ? <input type="hidden" name="entityType" value={params.get("entityType") ?? ""} /> : null}
        {params.get("entityId") ? <input type="hidden" name="entityId" value={params.get("entityId") ?? ""} /> : null}
      </FilterBar>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Nr.</th>
            <th scope="col">Zeitpunkt</th>
            <th scope="col">Person</th>
            <th scope="col">Ereignis</th>
            <th scope="col">Beschreibung</th>
            <th scope="col">Einzelheiten</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Keine Einträge.
              </td>
            </tr>
          ) : null}
          {d.rows.map((e) => (
            <tr key={e.id}>
              <td className="num">{e.seq}</td>
              <td>{formatDateTimeSeconds(e.at)}</td>
              <td>{e.actorLabel}</td>
              <td>
                {auditActionLabel(e.action)}
                <div className="muted mono">{e.action}</div>
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
                {e.details ? (
                  <details>
                    <summary>anzeigen</summary>
                    <pre className="details">{JSON.stringify(e.details, null, 2)}</pre>
                  </details>
                ) : (
                  "–"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Einträge" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
