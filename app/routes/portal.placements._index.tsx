import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { CLAIM_STATE_LABELS, CLAIM_STATES } from "~/domain/placement-claim.machine";
import { berlinDate, formatDate } from "~/domain/time";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { ownFigures, ownInstalments } from "~/services/instalments.server";
import { listClaims } from "~/services/placement-claims.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { intParam, Pager } from "~/ui/table";
import { CLAIM_BADGE, INSTALMENT_BADGE } from "~/ui/staff-placement";

export const meta: MetaFunction = () => [{ title: "Vermittlungsnachweise – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "submit:placement:own");
  const p = new URL(request.url).searchParams;
  const status = (CLAIM_STATES as readonly string[]).includes(p.get("status") ?? "") ? (p.get("status") as string) : "";
  try {
    const [figures, claims, instalments] = await Promise.all([ownFigures(user), listClaims(user, { status, page: intParam(p.get("page"), 1) }), ownInstalments(user)]);
    return json({ figures, claims, instalments, status });
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
  const { figures: f, claims, instalments, status } = useLoaderData<typeof loader>();
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
              verdient <strong>{formatCents(f.earnedCents)}</strong>
            </div>
            <div>
              ausgezahlt <strong>{formatCents(f.paidCents)}</strong>
            </div>
            <div>
              ausstehend <strong>{formatCents(f.pendingCents)}</strong>
            </div>
          </div>
        </div>
      </section>

      <section aria-labelledby="h-claims">
        <h2 id="h-claims">Eingereichte Nachweise</h2>
        <Form method="get" className="filters">
          <div className="field">
            <label htmlFor="status">Status</label>
            <select id="status" name="status" defaultValue={status}>
              <option value="">alle</option>
              {CLAIM_STATES.map((s) => (
                <option key={s} value={s}>
                  {CLAIM_STATE_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            Filtern
          </button>
        </Form>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Nachweis</th>
              <th scope="col">Kunde</th>
              <th scope="col">Arbeitgeber</th>
              <th scope="col">Arbeitsvertrag</th>
              <th scope="col">Beginn</th>
              <th scope="col">Eingang</th>
              <th scope="col" className="num">
                Vergütung
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {claims.rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="muted">
                  {status ? "Keine Nachweise mit diesem Status." : "Sie haben noch keine Vermittlung gemeldet."}
                </td>
              </tr>
            ) : null}
            {claims.rows.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/portal/placements/${c.id}`}>{c.reference}</Link>
                </td>
                <td className="mono">{c.client}</td>
                <td>{c.employerName}</td>
                <td>{formatDate(c.contractDate)}</td>
                <td>{formatDate(c.jobStart)}</td>
                <td>{formatDate(berlinDate(c.submittedAt))}</td>
                <td className="num">{formatCents(c.claimedFeeCents)}</td>
                <td>
                  <span className={`badge ${CLAIM_BADGE[c.status] ?? ""}`}>{c.statusLabel}</span>
                  {c.status === "rejected" && c.errors ? <div className="muted">{c.errors === 1 ? "1 Ablehnungsgrund" : `${c.errors} Ablehnungsgründe`}</div> : null}
                  {c.flagged && c.status !== "rejected" ? <div className="muted">mit Prüfhinweis</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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

export const ErrorBoundary = GeneralErrorBoundary;
