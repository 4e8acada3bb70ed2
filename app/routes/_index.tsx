import { json, redirect, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { VOUCHER_WARNING_DAYS } from "~/domain/list-specs";
import { formatCents } from "~/domain/money";
import { berlinDate, formatDate } from "~/domain/time";
import { requireUser } from "~/lib/session.server";
import { homeFor } from "~/services/dashboard.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { DataTable, type Column } from "~/ui/list";

export const meta: MetaFunction = () => [{ title: "Übersicht" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!can(user.role, "read:provider:any")) return redirect("/portal");
  const home = await homeFor(user);
  return json({ ...home, canConfirm: can(user.role, "confirm:provider-change:any") });
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  if (data.work.claimsToDecide) {
    return (
      <>
        <h1>Meine Aufgaben</h1>
        <CaseManagerHome work={data.work} />
      </>
    );
  }
  if (data.work.finance) {
    return (
      <>
        <h1>Meine Aufgaben</h1>
        <FinanceHome work={data.work} />
      </>
    );
  }
  return data.overview ? <Overview d={data.overview} canConfirm={data.canConfirm} /> : null;
}

function Overview({ d, canConfirm }: { d: NonNullable<SerializeFrom<typeof loader>["overview"]>; canConfirm: boolean }) {
  return (
    <>
      <h1>Übersicht</h1>
      <div className="cards">
        <div className="card">
          <div className="muted">Private Arbeitsvermittler</div>
          <div className="value">{d.counts.broker}</div>
        </div>
        <div className="card">
          <div className="muted">Bildungsträger</div>
          <div className="value">{d.counts.training}</div>
        </div>
        <div className="card">
          <div className="muted">Bundesagentur für Arbeit</div>
          <div className="value">{d.counts.agency}</div>
        </div>
        <div className={`card${d.expiring.length ? " warn" : ""}`}>
          <div className="muted">Zulassungen laufen in {d.warningDays} Tagen ab</div>
          <div className="value">{d.expiring.length}</div>
        </div>
        {canConfirm ? (
          <div className={`card${d.pendingRequests ? " warn" : ""}`}>
            <div className="muted">Offene Änderungsanträge</div>
            <div className="value">
              <Link to="/providers/requests">{d.pendingRequests}</Link>
            </div>
          </div>
        ) : null}
      </div>
      <h2>Trägerzulassungen, die bald ablaufen</h2>
      {d.expiring.length === 0 ? (
        <p className="muted">Keine Zulassung läuft in den nächsten {d.warningDays} Tagen ab.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Träger</th>
              <th scope="col">Zertifikat</th>
              <th scope="col">gültig bis</th>
            </tr>
          </thead>
          <tbody>
            {d.expiring.slice(0, 15).map((c) => (
              <tr key={`${c.providerId}-${c.certificateNumber}`}>
                <td>
                  <Link to={`/providers/${c.providerId}`}>{c.providerName}</Link>
                </td>
                <td>{c.certificateNumber}</td>
                <td>{formatDate(c.validUntil)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.expiring.length > 15 ? (
        <p>
          <Link to="/providers?cert=expiring&sort=certUntil">Alle {d.expiring.length} anzeigen</Link>
        </p>
      ) : null}
    </>
  );
}

function CaseManagerHome({ work }: { work: Work }) {
  const claims = work.claimsToDecide!;
  const vouchers = work.vouchers!;
  return (
    <>
      <div className="cards">
        <Link className={`card${claims.total ? " warn" : ""}`} to="/placements?status=submitted&sort=submittedAt&dir=asc">
          <div className="muted">Nachweise warten auf Entscheidung</div>
          <div className="value">{claims.total.toLocaleString("de-DE")}</div>
        </Link>
        <Link className={`card${vouchers.total ? " warn" : ""}`} to="/clients?voucher=expiring">
          <div className="muted">Zuweisungen laufen in {VOUCHER_WARNING_DAYS} Tagen ab</div>
          <div className="value">{vouchers.total.toLocaleString("de-DE")}</div>
        </Link>
        <Link className={`card${work.toCertify ? " warn" : ""}`} to="/placements#h-certify">
          <div className="muted">Raten sachlich richtig zu zeichnen</div>
          <div className="value">{(work.toCertify ?? 0).toLocaleString("de-DE")}</div>
        </Link>
        <Link className={`card${work.purchasesToApprove ? " warn" : ""}`} to="/purchases?status=requested">
          <div className="muted">Platzkäufe warten auf Genehmigung</div>
          <div className="value">{(work.purchasesToApprove ?? 0).toLocaleString("de-DE")}</div>
        </Link>
      </div>
      <section className="panel" aria-labelledby="h-decide">
        <h2 id="h-decide">Zu entscheidende Vermittlungsnachweise (älteste zuerst)</h2>
        <DataTable
          columns={CLAIM_COLUMNS}
          rows={claims.rows}
          rowKey={(r) => r.id}
          empty="Kein Nachweis wartet auf eine Entscheidung."
        />
        {claims.total > claims.rows.length ? (
          <p>
            <Link to="/placements?status=submitted&sort=submittedAt&dir=asc">Alle {claims.total.toLocaleString("de-DE")} anzeigen</Link>
          </p>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="h-vouchers">
        <h2 id="h-vouchers">Zuweisungen, die bald ablaufen</h2>
        <DataTable columns={VOUCHER_COLUMNS} rows={vouchers.rows} rowKey={(r) => r.id} empty={`Keine Zuweisung läuft in den nächsten ${VOUCHER_WARNING_DAYS} Tagen ab.`} />
        {vouchers.total > vouchers.rows.length ? (
          <p>
            <Link to="/clients?voucher=expiring">Alle {vouchers.total.toLocaleString("de-DE")} anzeigen</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

function FinanceHome({ work }: { work: Work }) {
  const f = work.finance!;
  const due = work.dueItems!;
  const waiting = (status: string) => f.waiting.find((w) => w.status === status)!;
  const SIGN_LINKS: [string, string][] = [
    ["awaiting_factual", "Warten auf „sachlich richtig“"],
    ["awaiting_arithmetic", "Warten auf „rechnerisch richtig“"],
    ["awaiting_order", "Warten auf die Anordnung"],
    ["ordered", "Angeordnet, bereit für den Zahllauf"],
  ];
  return (
    <>
      <div className="cards">
        {SIGN_LINKS.map(([status, label]) => (
          <Link key={status} className={`card${waiting(status).count ? " warn" : ""}`} to={`/payments?status=${status}`}>
            <div className="muted">{label}</div>
            <div className="value">{waiting(status).count.toLocaleString("de-DE")}</div>
            <div className="muted">Summe {formatCents(waiting(status).sumCents)}</div>
          </Link>
        ))}
        <Link className={`card${f.dueSoon ? " warn" : ""}`} to="/payments?due=soon">
          <div className="muted">Fällig in den nächsten {f.warnDays} Tagen</div>
          <div className="value">{f.dueSoon.toLocaleString("de-DE")}</div>
        </Link>
        <Link className={`card${f.overdue ? " err" : ""}`} to="/payments?due=overdue">
          <div className="muted">Überfällig (Verzugszinsen drohen, § 288 BGB)</div>
          <div className="value">{f.overdue.toLocaleString("de-DE")}</div>
        </Link>
        <Link className={`card${waiting("on_hold").count ? " err" : ""}`} to="/payments?status=on_hold">
          <div className="muted">Angehalten (z. B. Bankverbindung geändert)</div>
          <div className="value">{waiting("on_hold").count.toLocaleString("de-DE")}</div>
        </Link>
        {work.pendingRequests !== undefined ? (
          <Link className={`card${work.pendingRequests ? " warn" : ""}`} to="/providers/requests">
            <div className="muted">Offene Änderungsanträge (z. B. Bankverbindung)</div>
            <div className="value">{work.pendingRequests.toLocaleString("de-DE")}</div>
          </Link>
        ) : null}
      </div>
      <section className="panel" aria-labelledby="h-runs">
        <h2 id="h-runs">Zahlläufe in Arbeit</h2>
        {f.runs.length ? (
          <ul>
            {f.runs.map((r) => (
              <li key={r.id}>
                <Link to={`/finance/runs/${r.id}`}>{r.reference}</Link>: {r.itemCount} Zahlungen, {formatCents(r.ctrlSumCents)}, Ausführung {formatDate(r.executionDate)} – {RUN_STATUS[r.status] ?? r.status}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Kein Zahllauf in Arbeit.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="h-limit">
        <h2 id="h-limit">Haushaltsstellen nahe am Limit</h2>
        {work.nearLimit!.length ? (
          <ul>
            {work.nearLimit!.map((l) => (
              <li key={`${l.budgetLineId}-${l.year}`}>
                <Link to={`/finance/budget/${l.budgetLineId}/${l.year}`}>
                  {l.number} ({l.year})
                </Link>
                : {l.usedPercent.toLocaleString("de-DE")} % gebunden, verfügbar {formatCents(l.availableCents)} – {l.title}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Keine Haushaltsstelle ist im laufenden Jahr nahe am Limit.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="h-due">
        <h2 id="h-due">Offene Zahlungen (früheste Fälligkeit zuerst)</h2>
        <DataTable columns={DUE_COLUMNS} rows={due.rows} rowKey={(r) => r.id} empty="Keine offene Zahlung." />
        {due.total > due.rows.length ? (
          <p>
            <Link to="/payments?status=open">Alle {due.total.toLocaleString("de-DE")} anzeigen</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

const RUN_STATUS: Record<string, string> = { building: "wird erstellt", created: "Datei bereit", sent: "an die Bank übermittelt" };

type Work = SerializeFrom<typeof loader>["work"];
type ClaimRow = NonNullable<Work["claimsToDecide"]>["rows"][number];
type VoucherRow = NonNullable<Work["vouchers"]>["rows"][number];
type DueRow = NonNullable<Work["dueItems"]>["rows"][number];

const CLAIM_COLUMNS: Column<ClaimRow>[] = [
  { header: "Nachweis", className: "mono", cell: (r) => <Link to={`/placements/${r.id}`}>{r.reference}</Link> },
  { header: "Eingang", cell: (r) => formatDate(berlinDate(r.submittedAt)) },
  { header: "Vermittler", cell: (r) => r.providerName },
  { header: "Kunde", className: "mono", cell: (r) => r.client },
  { header: "Hinweise", cell: (r) => (r.flagged ? <span className="badge warn">Prüfhinweis</span> : r.errors ? <span className="badge err">{r.errors} Fehler</span> : "–") },
];

const VOUCHER_COLUMNS: Column<VoucherRow>[] = [
  { header: "Kunde", cell: (r) => <Link to={`/clients/${r.clientId}`}>{r.client}</Link> },
  { header: "Zuweisung", className: "mono", cell: (r) => r.reference },
  { header: "Vermittler", cell: (r) => r.provider },
  { header: "gültig bis", cell: (r) => formatDate(r.validUntil) },
];

const DUE_COLUMNS: Column<DueRow>[] = [
  { header: "Zahlung", className: "mono nowrap", cell: (x) => <Link to={`/payments/${x.id}`}>{x.reference}</Link> },
  { header: "Zahlungsempfänger", cell: (x) => x.payeeName },
  { header: "Verwendungszweck", cell: (x) => x.purpose },
  { header: "Betrag", className: "num nowrap", cell: (x) => formatCents(x.amountCents) },
  { header: "fällig", className: "nowrap", cell: (x) => <span className={`badge ${x.dueState === "overdue" ? "err" : x.dueState === "due_soon" ? "warn" : ""}`}>{x.dueText}</span> },
  { header: "Status", cell: (x) => x.statusLabel },
];

export const ErrorBoundary = GeneralErrorBoundary;
