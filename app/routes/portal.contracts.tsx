import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { PRICE_UNIT_LABELS, type PriceUnit } from "~/domain/tender";
import { formatDate } from "~/domain/time";
import { requirePermission } from "~/lib/session.server";
import { ownContracts } from "~/services/portal-tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Verträge – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:contract:own");
  return json({ rows: await ownContracts(user) });
}

const CONTRACT_STATUS: Record<string, string> = { active: "laufend", ended: "beendet", terminated: "gekündigt" };

export default function PortalContracts() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Verträge</h1>
      <DataTable columns={COLUMNS} rows={rows} rowKey={(c) => c.id} empty="Noch keine Verträge aus Zuschlägen." />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["rows"][number];

const COLUMNS: Column<Row>[] = [
  { header: "Vertrag", cell: (c) => c.reference },
  { header: "Plätze / Teilnehmer", className: "num", cell: (c) => c.quantity },
  {
    header: "Preis",
    cell: (c) => (
      <>
        {formatCents(c.unitPriceCents)} {PRICE_UNIT_LABELS[c.priceUnit as PriceUnit]}
      </>
    ),
  },
  {
    header: "Laufzeit",
    cell: (c) => (
      <>
        {formatDate(c.startDate)} – {formatDate(c.endDate)}
      </>
    ),
  },
  { header: "Status", cell: (c) => CONTRACT_STATUS[c.status] ?? c.status },
];

export const ErrorBoundary = GeneralErrorBoundary;
