import { json, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { CLAIM_STATE_LABELS } from "~/domain/placement-claim.machine";
import { parseListQuery } from "~/domain/list";
import { OWN_CLAIM_LIST } from "~/domain/list-specs";
import { berlinDate, formatDate } from "~/domain/time";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { ownFigures, ownInstalments } from "~/services/instalments.server";
import { listClaims } from "~/services/placement-claims.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, FilterBar, Pager, SearchFilter, SelectFilter, optionsOf, type Column } from "~/ui/list";
import { CLAIM_BADGE, INSTALMENT_BADGE } from "~/ui/staff-placement";

export const meta: MetaFunction = () => [{ title: "Vermittlungsnachweise – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "submit:placement:own");
  const query = parseListQuery(new URL(request.url).searchParams, OWN_CLAIM_LIST);
  try {
    const [figures, claims, instalments] = await Promise.all([ownFigures(user), listClaims(user, query), ownInstalments(user)]);
    return json({ figures, claims, instalments, status: query.status, filtered: Boolean(query.status || query.q) });
  } catch (error) {
    loaderError(error);
  }
}


function percent(ratio: number | null): string {
  if (ratio === null) return "–";
  return `${(ratio * 100).toLocaleString("de-DE", {
    maximumFractionDigits: 1,
  })} %`;
}

export default function PortalPlacements() {
  const { figures: f, claims, instalments, filtered } = useLoaderData<typeof loader>();
  const due = instalments.filter((i) => i.status === "due");
  return (
    <>
      <h1>Vermittlungsnachweise</h1>
      <div className="actions">
        <Link className="button" to="/portal/placements/new">
          Vermittlung melden
        </Link>
        <Link to="/portal/clients">Zugewiesene Kunden</Link>
      </div>
      {due.length ? (
        <div className="alert alert-warn" role="status">
          Für {due.length === 1 ? "eine Rate" : `${due.length} Raten`} ist die Beschäftigungsdauer erreicht, aber die Bestätigung des Arbeitgebers fehlt noch. Bitte laden Sie sie beim jeweiligen Nachweis hoch.
        </div>
      ) : null}

      <section aria-labelledby="h-figures">
        <h2 id="h-figures">Ihre Kennzahlen</h2>
        <div className="cards">
          <div className="card">
            <div className="muted">Zuweisungen</div>
            <div className="value">{f.assignments.toLocaleString("de-DE")}</div>
          </div>
          <div className="card">
            <div className="muted">Nachweise</div>
            <div className="value">{f.claims.toLocaleString("de-DE")}</div>
            <div className="muted">
              anerkannt {f.accepted} · abgelehnt {f.rejected} · offen {f.open}
            </div>
          </div>
          <div className="card">
            <div className="muted">Vermittlungen je Zuweisung</div>
            <div className="value">{percent(f.placementsPerAssignment)}</div>
            <div className="muted">anerkannte Nachweise je Zuweisung</div>
          </div>
          <div className="card">
            <div className="muted">Anteil mit 2. Rate</div>
            <div className="value">{percent(f.secondInstalmentShare)}</div>
            <div className="muted">n = {f.secondInstalmentBase} entschiedene 2. Raten</div>
          </div>
          <div className="card">
            <div className="muted">Vergütung</div>
            <div>
              bereits ausgezahlt <strong>{formatCents(f.paidCents)}</strong>
            </div>
            <div>
              verdient, noch nicht ausgezahlt <strong>{formatCents(f.earnedCents)}</strong>
            </div>
            <div className="muted">
              zusammen verdient <strong>{formatCents(f.paidCents + f.earnedCents)}</strong>
            </div>
            <div>
              noch nicht verdient (Beschäftigungsdauer läuft) <strong>{formatCents(f.pendingCents)}</strong>
            </div>
          </div>
        </div>
      </section>

      <section aria-labelledby="h-claims">
        <h2 id="h-claims">Eingereichte Nachweise</h2>
        <FilterBar resetTo="/portal/placements">
          <SearchFilter placeholder="Nachweis, Kunde, Arbeitgeber" />
          <SelectFilter name="status" label="Status" options={optionsOf(CLAIM_STATE_LABELS)} />
        </FilterBar>
        <DataTable
          columns={CLAIM_COLUMNS}
          rows={claims.rows}
          rowKey={(c) => c.id}
          sort={claims.sort}
          dir={claims.dir}
          empty={filtered ? "Keine Nachweise für diese Auswahl." : "Sie haben noch keine Vermittlung gemeldet."}
        />
        <Pager page={claims.page} pages={claims.pages} total={claims.total} noun="Nachweise" />
      </section>

      <section aria-labelledby="h-instalments">
        <h2 id="h-instalments">Raten</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Nachweis</th>
              <th scope="col">Kunde</th>
              <th scope="col">Rate</th>
              <th scope="col" className="num">
                Betrag
              </th>
              <th scope="col">Nachweis ab</th>
              <th scope="col">Nachweis bis</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {instalments.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  Raten entstehen, sobald ein Nachweis anerkannt ist.
                </td>
              </tr>
            ) : null}
            {instalments.map((i) => (
              <tr key={i.id}>
                <td>
                  <Link to={`/portal/placements/${i.claimId}`}>{i.claim}</Link>
                </td>
                <td className="mono">{i.client}</td>
                <td>{i.number}. Rate</td>
                <td className="num">{formatCents(i.amountCents)}</td>
                <td>{formatDate(i.earliestOn)}</td>
                <td>{formatDate(i.deadlineOn)}</td>
                <td>
                  <span className={`badge ${INSTALMENT_BADGE[i.status] ?? ""}`}>{i.statusLabel}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

type ClaimRow = NonNullable<SerializeFrom<typeof loader>>["claims"]["rows"][number];

const CLAIM_COLUMNS: Column<ClaimRow>[] = [
  { header: "Nachweis", sort: "reference", firstDir: "desc", cell: (c) => <Link to={`/portal/placements/${c.id}`}>{c.reference}</Link> },
  { header: "Kunde", className: "mono", cell: (c) => c.client },
  { header: "Arbeitgeber", cell: (c) => c.employerName },
  { header: "Arbeitsvertrag", sort: "contractDate", firstDir: "desc", cell: (c) => formatDate(c.contractDate) },
  { header: "Beginn", cell: (c) => formatDate(c.jobStart) },
  { header: "Eingang", sort: "submittedAt", firstDir: "desc", cell: (c) => formatDate(berlinDate(c.submittedAt)) },
  { header: "Vergütung", className: "num", cell: (c) => formatCents(c.claimedFeeCents) },
  {
    header: "Status",
    sort: "status",
    cell: (c) => (
      <>
        <span className={`badge ${CLAIM_BADGE[c.status] ?? ""}`}>{c.statusLabel}</span>
        {c.status === "rejected" && c.errors ? <div className="muted">{c.errors === 1 ? "1 Ablehnungsgrund" : `${c.errors} Ablehnungsgründe`}</div> : null}
        {c.flagged && c.status !== "rejected" ? <div className="muted">mit Prüfhinweis</div> : null}
      </>
    ),
  },
];

export const ErrorBoundary = GeneralErrorBoundary;
