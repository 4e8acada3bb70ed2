import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requirePermission } from "~/lib/session.server";
import { listClients } from "~/services/clients.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { intParam, Pager, SortHeader } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Kunden" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:client:any");
  const p = new URL(request.url).searchParams;
  const list = await listClients(user, { q: p.get("q") ?? "", sort: p.get("sort") ?? "reference", dir: p.get("dir") ?? "asc", page: intParam(p.get("page"), 1) });
  return json(list);
}

export default function Clients() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Kunden</h1>
      <div className="actions">
        <Link className="button" to="/clients/new">
          Neuer Kunde
        </Link>
      </div>
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Kennzeichen oder Name" />
        </div>
        <input type="hidden" name="sort" value={params.get("sort") ?? "reference"} />
        <input type="hidden" name="dir" value={params.get("dir") ?? "asc"} />
        <button type="submit" className="button">
          Suchen
        </button>
        <Link to="/clients">Zurücksetzen</Link>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <SortHeader field="reference">Kennzeichen</SortHeader>
            <SortHeader field="lastName">Name</SortHeader>
            <th scope="col">Ort</th>
            <th scope="col">Zielberuf</th>
            <th scope="col">Zielgruppen</th>
            <th scope="col">Zugewiesen an</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Keine Kunden gefunden.
              </td>
            </tr>
          ) : null}
          {data.rows.map((c) => (
            <tr key={c.id}>
              <td className="mono">
                <Link to={`/clients/${c.id}`}>{c.reference}</Link>
              </td>
              <td>
                <Link to={`/clients/${c.id}`}>{c.name}</Link>
              </td>
              <td>{c.city || "–"}</td>
              <td>{c.targetOccupation || "–"}</td>
              <td>
                {c.groups.length
                  ? c.groups.map((g) => (
                      <span key={g} className="badge">
                        {g}
                      </span>
                    ))
                  : "–"}
              </td>
              <td>{c.assignedTo.length ? c.assignedTo.join(", ") : <span className="muted">keine gültige Zuweisung</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={data.page} pages={data.pages} total={data.total} noun="Kunden" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
