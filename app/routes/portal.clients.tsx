import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseListQuery } from "~/domain/list";
import { OWN_ASSIGNMENT_LIST } from "~/domain/list-specs";
import { formatCents } from "~/domain/money";
import { durationReachedOn, exclusionDeadline, RULE_SETS, isLegalBasis } from "~/domain/placement";
import { berlinDate, formatDate } from "~/domain/time";
import { nowIso } from "~/lib/clock.server";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { listOwnAssignments } from "~/services/clients.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Zugewiesene Kunden – Trägerportal" }];

/**
 * Can a placement still be reported for this assignment? While it is valid, and after it
 * expired as long as a job started on its last day could still be claimed (exclusion period).
 */
function claimable(a: { status: string; validUntil: string; legalBasis: string }, today: string): boolean {
  if (a.status === "active") return true;
  if (a.status !== "expired" || !isLegalBasis(a.legalBasis)) return false;
  return exclusionDeadline(durationReachedOn(a.validUntil, { afterDays: 42, afterMonths: null }), RULE_SETS[a.legalBasis].claimPeriodMonths) >= today;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:assignment:own");
  const query = parseListQuery(new URL(request.url).searchParams, OWN_ASSIGNMENT_LIST);
  const list = await listOwnAssignments(user, query).catch(loaderError);
  const today = berlinDate(nowIso());
  return json({
    list: { ...list, rows: list.rows.map((r) => ({ ...r, claimable: claimable(r, today) })) },
    status: query.status,
    q: query.q,
  });
}

const BADGE: Record<string, string> = {
  active: "ok",
  redeemed: "",
  expired: "",
  withdrawn: "err",
};

export default function PortalClients() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Zugewiesene Kunden</h1>
      <p className="muted">Sie sehen die Kennzeichen der Kundinnen und Kunden, die Ihnen zugewiesen sind. Name und Kontaktdaten erscheinen nur, wenn die Person in die Weitergabe eingewilligt hat (§ 298 SGB III).</p>
      <FilterBar resetTo="/portal/clients">
        <SelectFilter
          name="status"
          label="Zuweisungen"
          allLabel={null}
          defaultValue="active"
          options={[
            { value: "active", label: "gültig" },
            { value: "all", label: "alle" },
          ]}
        />
        <SearchFilter placeholder="Kennzeichen, Zuweisung oder Name" />
      </FilterBar>
      <DataTable
        columns={COLUMNS}
        rows={d.list.rows}
        rowKey={(r) => r.assignmentId}
        sort={d.list.sort}
        dir={d.list.dir}
        empty={d.status === "active" && !d.q ? "Ihnen sind derzeit keine Kunden mit gültiger Zuweisung zugewiesen." : "Keine Zuweisungen gefunden."}
      />
      <Pager page={d.list.page} pages={d.list.pages} total={d.list.total} noun="Zuweisungen" />
    </>
  );
}

type Row = SerializeFrom<typeof loader>["list"]["rows"][number];

const COLUMNS: Column<Row>[] = [
  {
    header: (
      <>
        Kennzeichen
        <br />
        Zuweisung
      </>
    ),
    sort: "client",
    cell: (r) => (
      <>
        <strong className="mono">{r.client}</strong>
        <div className="mono muted">{r.assignment}</div>
      </>
    ),
  },
  {
    header: "Name / Kontakt",
    cell: (r) =>
      r.name ? (
        <>
          <strong>{r.name}</strong>
          {r.contact ? (
            <div className="muted">
              {[r.contact.street, `${r.contact.postalCode} ${r.contact.city}`.trim()].filter(Boolean).join(", ")}
              {r.contact.phone ? <div>Tel. {r.contact.phone}</div> : null}
              {r.contact.email ? (
                <div>
                  <a href={`mailto:${r.contact.email}`}>
                    {r.contact.email.split("@")[0]}@
                    <wbr />
                    {r.contact.email.split("@").slice(1).join("@")}
                  </a>
                </div>
              ) : null}
            </div>
          ) : null}
        </>
      ) : (
        <span className="muted">keine Einwilligung</span>
      ),
  },
  { header: "Qualifikation", cell: (r) => r.qualification || "–" },
  { header: "Zielberuf", cell: (r) => r.targetOccupation || "–" },
  { header: "Region", cell: (r) => r.region || "–" },
  {
    header: "gültig bis",
    sort: "validUntil",
    cell: (r) => (
      <>
        {`${formatDate(r.validFrom)}\u00a0–`}
        <br />
        {formatDate(r.validUntil)}
      </>
    ),
  },
  {
    header: (
      <>
        Vergütung
        <br />
        höchstens
      </>
    ),
    className: "num",
    cell: (r) => formatCents(r.maxFeeCents),
  },
  { header: "Status", sort: "status", cell: (r) => <span className={`badge ${BADGE[r.status] ?? ""}`}>{r.statusLabel}</span> },
  {
    header: <span className="sr-only">Aktionen</span>,
    cell: (r) => (r.claimable ? <Link to={`/portal/placements/new?assignment=${r.assignmentId}`}>Vermittlung melden</Link> : null),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;
