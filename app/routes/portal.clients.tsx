import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { durationReachedOn, exclusionDeadline, RULE_SETS, isLegalBasis } from "~/domain/placement";
import { berlinDate, formatDate } from "~/domain/time";
import { nowIso } from "~/lib/clock.server";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { ownAssignments } from "~/services/clients.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";

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
  const p = new URL(request.url).searchParams;
  const status = p.get("status") === "all" ? "all" : "active";
  const q = (p.get("q") ?? "").trim();
  const rows = await ownAssignments(user, { status, q }).catch(loaderError);
  const today = berlinDate(nowIso());
  return json({
    rows: rows.map((r) => ({ ...r, claimable: claimable(r, today) })),
    status,
    q,
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
  const [params] = useSearchParams();
  return (
    <>
      <h1>Zugewiesene Kunden</h1>
      <p className="muted">Sie sehen die Kennzeichen der Kundinnen und Kunden, die Ihnen zugewiesen sind. Name und Kontaktdaten erscheinen nur, wenn die Person in die Weitergabe eingewilligt hat (§ 298 SGB III).</p>
      <Form method="get" className="filters" role="search">
        <div className="field">
          <label htmlFor="status">Zuweisungen</label>
          <select id="status" name="status" defaultValue={d.status}>
            <option value="active">gültig</option>
            <option value="all">alle</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="q">Suche</label>
          <input id="q" name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder="Kennzeichen, Zuweisung oder Name" />
        </div>
        <button type="submit" className="button">
          Filtern
        </button>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">
              Kennzeichen
              <br />
              Zuweisung
            </th>
            <th scope="col">Name / Kontakt</th>
            <th scope="col">Qualifikation</th>
            <th scope="col">Zielberuf</th>
            <th scope="col">Region</th>
            <th scope="col">gültig</th>
            <th scope="col" className="num">
              Vergütung
              <br />
              höchstens
            </th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Aktionen</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={9} className="muted">
                {d.status === "active" && !d.q ? "Ihnen sind derzeit keine Kunden mit gültiger Zuweisung zugewiesen." : "Keine Zuweisungen gefunden."}
              </td>
            </tr>
          ) : null}
          {d.rows.map((r) => (
            <tr key={r.assignmentId}>
              <td>
                <strong className="mono">{r.client}</strong>
                <div className="mono muted">{r.assignment}</div>
              </td>
              <td>
                {r.name ? (
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
                )}
              </td>
              <td>{r.qualification || "–"}</td>
              <td>{r.targetOccupation || "–"}</td>
              <td>{r.region || "–"}</td>
              <td>
                {`${formatDate(r.validFrom)}\u00a0–`}
                <br />
                {formatDate(r.validUntil)}
              </td>
              <td className="num">{formatCents(r.maxFeeCents)}</td>
              <td>
                <span className={`badge ${BADGE[r.status] ?? ""}`}>{r.statusLabel}</span>
              </td>
              <td>{r.claimable ? <Link to={`/portal/placements/new?assignment=${r.assignmentId}`}>Vermittlung melden</Link> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.rows.length >= 500 ? <p className="muted">Es werden höchstens 500 Zuweisungen angezeigt; bitte grenzen Sie die Suche ein.</p> : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
