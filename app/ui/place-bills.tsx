import { Form, Link } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { BILL_EVENT_LABELS, type BillEvent } from "~/domain/places";
import { formatDate } from "~/domain/time";
import type { PlaceBillRow } from "~/services/place-billing.server";
import { SubmitButton } from "~/ui/form";

const STATUS_BADGE: Record<string, string> = { proposed: "warn", confirmed: "ok", invoiced: "ok", cancelled: "" };

function period(b: PlaceBillRow): string {
  return b.periodStart === b.periodEnd ? formatDate(b.periodStart) : `${formatDate(b.periodStart)} – ${formatDate(b.periodEnd)}`;
}

/**
 * The bills section of a purchase page (staff and portal): period, calculation, amount, status;
 * staff follow the invoice to the finance line, the provider confirms a proposal (one
 * confirmation, then it becomes an invoice) or opens its invoice.
 */
export function PlaceBillsPanel({ bills, purchaseId, mode }: { bills: PlaceBillRow[]; purchaseId: number; mode: "staff" | "portal" }) {
  const total = bills.filter((b) => b.status !== "cancelled").reduce((a, b) => a + b.amountCents, 0);
  const open = bills.filter((b) => b.status === "proposed");
  return (
    <section aria-labelledby={`bills-${purchaseId}`}>
      <h2 id={`bills-${purchaseId}`}>Abrechnung</h2>
      {bills.length === 0 ? (
        <p className="muted">
          Noch keine Abrechnungen. Monatspreise werden nach Ablauf jedes Monats vorgeschlagen, Teilnehmerpreise und Prämien bei ihrem Ereignis (Eintritt, Abschluss, Integration).
        </p>
      ) : (
        <>
          {mode === "portal" && open.length ? (
            <p className="muted">
              {open.length === 1 ? "Eine Abrechnung wartet" : `${open.length} Abrechnungen warten`} auf Ihre Bestätigung. Mit der Bestätigung wird daraus eine Rechnung an das Jobcenter; alle offenen Abrechnungen finden Sie unter{" "}
              <Link to="/portal/bills">Abrechnungen</Link>.
            </p>
          ) : null}
          <table className="data">
            <caption className="sr-only">Abrechnungen dieses Platzes</caption>
            <thead>
              <tr>
                <th scope="col">Abrechnung</th>
                <th scope="col">Zeitraum</th>
                <th scope="col">Berechnung</th>
                <th scope="col" className="num">
                  Betrag
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Aktion</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {bills.map((b) => (
                <tr key={b.id}>
                  <td className="nowrap">
                    {mode === "portal" ? <Link to={`/portal/bills/${b.id}`}>{b.reference}</Link> : b.reference}
                    <div className="muted small">{b.kind === "event" && b.event ? (BILL_EVENT_LABELS[b.event as BillEvent] ?? b.event) : "Monat"}</div>
                  </td>
                  <td className="nowrap">{period(b)}</td>
                  <td>{b.calculation}</td>
                  <td className="num nowrap">{formatCents(b.amountCents)}</td>
                  <td>
                    <span className={`badge ${STATUS_BADGE[b.status] ?? ""}`}>{b.statusLabel}</span>
                  </td>
                  <td>
                    {b.status === "proposed" && mode === "portal" ? (
                      <Form method="post" action={`/portal/bills/${b.id}`}>
                        <input type="hidden" name="redirectTo" value={`/portal/purchases/${purchaseId}`} />
                        <SubmitButton intent="confirm" confirm={`Abrechnung ${b.reference} über ${formatCents(b.amountCents)} bestätigen? Daraus wird eine Rechnung an das Jobcenter; das lässt sich nicht zurücknehmen.`}>
                          bestätigen
                        </SubmitButton>
                      </Form>
                    ) : b.invoiceId ? (
                      <Link to={mode === "portal" ? `/portal/invoices/${b.invoiceId}` : `/invoices/${b.invoiceId}`}>{mode === "portal" ? "Rechnung" : "Rechnung und Zahlung"}</Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Summe
                </th>
                <td className="num nowrap">
                  <strong>{formatCents(total)}</strong>
                </td>
                <td colSpan={2} />
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </section>
  );
}
