import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { ROLE_LABELS, ROLES } from "~/domain/permissions";
import { formatDateTime } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listUsers } from "~/services/users.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { intParam, Pager } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Benutzer" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:user:any");
  const p = new URL(request.url).searchParams;
  return json(await listUsers({ q: p.get("q") ?? "", role: p.get("role") ?? "", status: p.get("status") ?? "", page: intParam(p.get("page"), 1) }));
}

export default function Users() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Benutzer</h1>
      <div className="actions">
        <Link className="button" to="/admin/users/new">
          Benutzer anlegen
        </Link>
      </div>
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="role">Rolle</label>
          <select id="role" name="role" defaultValue={params.get("role") ?? ""}>
            <option value="">alle</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={params.get("status") ?? ""}>
            <option value="">alle</option>
            <option value="active">aktiv</option>
            <option value="inactive">deaktiviert</option>
          </select>
        </div>
        <button type="submit" className="button">
          Filtern
        </button>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">E-Mail</th>
            <th scope="col">Rolle</th>
            <th scope="col">Organisation</th>
            <th scope="col">Letzte Anmeldung</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.map((u) => (
            <tr key={u.id}>
              <td>
                <Link to={`/admin/users/${u.id}`}>{u.name}</Link>
              </td>
              <td>{u.email}</td>
              <td>{u.roleLabel}</td>
              <td>{u.providerName ?? "–"}</td>
              <td>{formatDateTime(u.lastLoginAt)}</td>
              <td>{u.active ? <span className="badge ok">aktiv</span> : <span className="badge err">deaktiviert</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Benutzer" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
