import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { USER_LIST } from "~/domain/list-specs";
import { ROLE_LABELS } from "~/domain/permissions";
import { formatDateTime } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listUsers } from "~/services/users.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Benutzer" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:user:any");
  return json(await listUsers(parseListQuery(new URL(request.url).searchParams, USER_LIST)));
}

export default function Users() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Benutzer</h1>
      <div className="actions">
        <Link className="button" to="/admin/users/new">
          Benutzer anlegen
        </Link>
      </div>
      <FilterBar resetTo="/admin/users">
        <SearchFilter placeholder="Name oder E-Mail" />
        <SelectFilter name="role" label="Rolle" options={optionsOf(ROLE_LABELS)} />
        <SelectFilter name="status" label="Status" options={[{ value: "active", label: "aktiv" }, { value: "inactive", label: "deaktiviert" }]} />
      </FilterBar>
      <DataTable columns={COLUMNS} rows={d.rows} rowKey={(u) => u.id} sort={d.sort} dir={d.dir} empty="Keine Benutzer gefunden." />
      <Pager page={d.page} pages={d.pages} total={d.total} noun="Benutzer" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Name", sort: "name", cell: (u) => <Link to={`/admin/users/${u.id}`}>{u.name}</Link> },
  { header: "E-Mail", sort: "email", cell: (u) => u.email },
  { header: "Rolle", sort: "role", cell: (u) => u.roleLabel },
  { header: "Organisation", cell: (u) => u.providerName ?? "–" },
  { header: "Letzte Anmeldung", sort: "lastLoginAt", firstDir: "desc", cell: (u) => formatDateTime(u.lastLoginAt) },
  { header: "Status", cell: (u) => (u.active ? <span className="badge ok">aktiv</span> : <span className="badge err">deaktiviert</span>) },
];

export const ErrorBoundary = GeneralErrorBoundary;
