import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { BILL_STATUS_LABELS, monthParam } from "~/domain/place-bills";
import { formatDate } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { confirmBills, listOwnBills, openProposals } from "~/services/place-billing.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError } from "~/ui/form";
import { FilterBar, optionsOf, Pager, SelectFilter } from "~/ui/list";
import { intParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Abrechnungen – Trägerportal" }];

const MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];
const monthLabel = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "confirm:bill:own");
  const params = new URL(request.url).searchParams;
  const status = params.get("status") ?? "";
  const month = monthParam(params.get("month"));
  const [open, history] = await Promise.all([
    openProposals(user),
    listOwnBills(user, { status: status in BILL_STATUS_LABELS ? status : null, month, page: intParam(params.get("page"), 1), pageSize: 25 }),
  ]);
  return json({ open, history, month: month ?? "" });
}

/** Confirm the bills ticked in one month's group (or a single one): one confirmation, one transaction. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "confirm:bill:own");
  const form = await request.formData();
  const ids = form.getAll("id").map((v) => Number(v));
  try {
    const done = await confirmBills(user, ids, "portal");
    return redirectWithFlash("/portal/bills", done.length === 1 ? `Abrechnung ${done[0].bill} bestätigt; Rechnung ${done[0].invoice} ist eingegangen.` : `${done.length} Abrechnungen bestätigt; daraus sind ${done.length} Rechnungen an das Jobcenter geworden.`);
  } catch (error) {
    return actionError(error, { ids: ids.map(String) });
  }
}

const STATUS_BADGE: Record<string, string> = { proposed: "warn", confirmed: "ok", invoiced: "ok", cancelled: "" };

export default function PortalBills() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const chosen = new Set(a && !a.ok ? ((a.values as { ids?: string[] }).ids ?? []) : []);
  return (
    <>
      <h1>Abrechnungen</h1>
      <p className="muted">
        Für Plätze mit Monatspreis schlägt das Jobcenter nach Ablauf jedes Monats die Abrechnung vor (anteilig bei Ein- und Austritt nach der Regel der Maßnahme); Teilnehmerpreise und Prämien bei ihrem Ereignis. Bestätigen Sie die
        Abrechnungen eines Monats mit einem Klick: daraus werden Rechnungen (umsatzsteuerfrei), die auf Ihre hinterlegte Bankverbindung gezahlt werden. Alternativ können Sie eine eigene E-Rechnung mit der Platznummer (EP-…) als
        Bestellreferenz einreichen.
      </p>
      {a && !a.ok ? <FormError message={a.formError} /> : null}

      <h2>Zur Bestätigung</h2>
      {d.open.months.length === 0 ? (
        <p>Keine offenen Abrechnungen.</p>
      ) : (
        <>
          <p>
            {d.open.count === 1 ? "1 Abrechnung" : `${d.open.count} Abrechnungen`} über zusammen <strong>{formatCents(d.open.totalCents)}</strong>.
          </p>
          {d.open.months.map((g) => {
            const n = g.purchases.reduce((c, p) => c + p.bills.length, 0);
            return (
              <Form method="post" key={g.month} id={`month-${g.month}`} className="bill-month">
                <table className="data">
                  <caption>
                    {monthLabel(g.month)}: {n === 1 ? "1 Abrechnung" : `${n} Abrechnungen`}, {formatCents(g.totalCents)}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <span className="sr-only">Auswahl</span>
                      </th>
                      <th scope="col">Platz (Teilnehmer/in)</th>
                      <th scope="col">Abrechnung</th>
                      <th scope="col">Zeitraum</th>
                      <th scope="col">Berechnung</th>
                      <th scope="col" className="num">
                        Betrag
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {g.purchases.flatMap((p) =>
                      p.bills.map((b, i) => (
                        <tr key={b.id}>
                          <td>
                            <input type="checkbox" name="id" value={b.id} defaultChecked={chosen.size ? chosen.has(String(b.id)) : true} aria-label={`${b.reference} bestätigen`} />
                          </td>
                          <td>
                            {i === 0 ? (
                              <>
                                <Link to={`/portal/purchases/${p.purchaseId}`}>{p.purchase}</Link> ({p.client})<div className="muted small">{p.measure}</div>
                              </>
                            ) : null}
                          </td>
                          <td className="nowrap">
                            <Link to={`/portal/bills/${b.id}`}>{b.reference}</Link>
                            <div className="muted small">{b.kindLabel}</div>
                          </td>
                          <td className="nowrap">{b.periodStart === b.periodEnd ? formatDate(b.periodStart) : `${formatDate(b.periodStart)} – ${formatDate(b.periodEnd)}`}</td>
                          <td>{b.calculation}</td>
                          <td className="num nowrap">{formatCents(b.amountCents)}</td>
                        </tr>
                      )),
                    )}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row" colSpan={5}>
                        Summe {monthLabel(g.month)}
                      </th>
                      <td className="num nowrap">
                        <strong>{formatCents(g.totalCents)}</strong>
                      </td>
                    </tr>
                  </tfoot>
                </table>
                <p>
                  <button
                    type="submit"
                    className="button"
                    onClick={(e) => {
                      const boxes = document.querySelectorAll<HTMLInputElement>(`#month-${g.month} input[name="id"]:checked`);
                      let sum = 0;
                      for (const box of boxes) sum += g.purchases.flatMap((p) => p.bills).find((b) => String(b.id) === box.value)?.amountCents ?? 0;
                      if (!boxes.length) {
                        e.preventDefault();
                        alert("Bitte wählen Sie mindestens eine Abrechnung.");
                      } else if (!confirm(`${boxes.length === 1 ? "1 Abrechnung" : `${boxes.length} Abrechnungen`} für ${monthLabel(g.month)} über ${formatCents(sum)} bestätigen? Daraus werden Rechnungen an das Jobcenter; das lässt sich nicht zurücknehmen.`)) e.preventDefault();
                    }}
                  >
                    Ausgewählte Abrechnungen {monthLabel(g.month)} bestätigen
                  </button>
                </p>
              </Form>
            );
          })}
        </>
      )}

      <h2>Alle Abrechnungen</h2>
      <FilterBar resetTo="/portal/bills">
        <SelectFilter name="status" label="Status" options={optionsOf(BILL_STATUS_LABELS)} />
        <div className="field">
          <label htmlFor="filter-month">Monat</label>
          <input id="filter-month" type="month" name="month" defaultValue={d.month} />
        </div>
      </FilterBar>
      <table className="data">
        <caption className="sr-only">Ihre Abrechnungen</caption>
        <thead>
          <tr>
            <th scope="col">Abrechnung</th>
            <th scope="col">Platz</th>
            <th scope="col">Zeitraum</th>
            <th scope="col" className="num">
              Betrag
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {d.history.rows.length ? (
            d.history.rows.map((b) => (
              <tr key={b.id}>
                <td className="nowrap">
                  <Link to={`/portal/bills/${b.id}`}>{b.reference}</Link>
                  <div className="muted small">{b.kindLabel}</div>
                </td>
                <td>
                  {b.purchase} ({b.client})<div className="muted small">{b.measure}</div>
                </td>
                <td className="nowrap">{b.periodStart === b.periodEnd ? formatDate(b.periodStart) : `${formatDate(b.periodStart)} – ${formatDate(b.periodEnd)}`}</td>
                <td className="num nowrap">{formatCents(b.amountCents)}</td>
                <td>
                  <span className={`badge ${STATUS_BADGE[b.status] ?? ""}`}>{b.statusLabel}</span>
                  {b.invoiceId ? (
                    <div className="small">
                      <Link to={`/portal/invoices/${b.invoiceId}`}>Rechnung ansehen</Link>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={5}>Keine Abrechnungen gefunden.</td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager page={d.history.page} pages={d.history.pages} total={d.history.total} noun="Abrechnungen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
