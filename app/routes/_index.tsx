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
  if (data.work.openPayables) {
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
  const payables = work.openPayables!;
  return (
    <>
      <div className="cards">
        <Link className={`card${payables.total ? " warn" : ""}`} to="/payables?status=open&sort=createdAt&dir=asc">
          <div className="muted">Zahlbare Raten offen</div>
          <div className="value">{payables.total.toLocaleString("de-DE")}</div>
          <div className="muted">Summe {formatCents(payables.sumCents)}</div>
        </Link>
        {work.pendingRequests !== undefined ? (
          <Link className={`card${work.pendingRequests ? " warn" : ""}`} to="/providers/requests">
            <div className="muted">Offene Änderungsanträge (z. B. Bankverbindung)</div>
            <div className="value">{work.pendingRequests.toLocaleString("de-DE")}</div>
          </Link>
        ) : null}
      </div>
      <section className="panel" aria-labelledby="h-payables">
        <h2 id="h-payables">Offene zahlbare Raten (älteste zuerst)</h2>
        <DataTable columns={PAYABLE_COLUMNS} rows={payables.rows} rowKey={(r) => r.id} empty="Keine Rate wartet auf Auszahlung." />
        {payables.total > payables.rows.length ? (
          <p>
            <Link to="/payables?status=open&sort=createdAt&dir=asc">Alle {payables.total.toLocaleString("de-DE")} anzeigen</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

type Work = SerializeFrom<typeof loader>["work"];
type ClaimRow = NonNullable<Work["claimsToDecide"]>["rows"][number];
type VoucherRow = NonNullable<Work["vouchers"]>["rows"][number];
type PayableRow = NonNullable<Work["openPayables"]>["rows"][number];

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

const PAYABLE_COLUMNS: Column<PayableRow>[] = [
  { header: "Nr.", cell: (x) => x.id },
  { header: "Zahlungsempfänger", cell: (x) => x.payeeName },
  { header: "Verwendungszweck", cell: (x) => x.purpose },
  { header: "Betrag", className: "num nowrap", cell: (x) => formatCents(x.amountCents) },
  { header: "gezeichnet am", cell: (x) => formatDate(x.certifiedOn) },
];

export const ErrorBoundary = GeneralErrorBoundary;
