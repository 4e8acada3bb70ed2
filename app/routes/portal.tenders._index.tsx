import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { listPublishedTenders } from "~/services/portal-tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Ausschreibungen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "read:tender:published");
  return json({ rows: await listPublishedTenders() });
}

export default function PortalTenders() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Ausschreibungen</h1>
      <DataTable columns={COLUMNS} rows={rows} rowKey={(t) => t.id} empty="Derzeit keine Ausschreibungen." />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Vergabenummer", cell: (t) => <Link to={`/portal/tenders/${t.id}`}>{t.reference}</Link> },
  { header: "Titel", cell: (t) => t.title },
  { header: "Maßnahme", cell: (t) => t.measure },
  { header: "Angebote bis", cell: (t) => formatDateTime(t.offersUntil) },
  { header: "Status", cell: (t) => (t.open ? <span className="badge ok">Angebotsabgabe möglich</span> : <span className="badge">{t.statusLabel}</span>) },
];

export const ErrorBoundary = GeneralErrorBoundary;
