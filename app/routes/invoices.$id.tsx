import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { BusinessTerms } from "~/domain/einvoice";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { assignContract, getInvoice } from "~/services/invoices.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, Select, SubmitButton } from "~/ui/form";
import { InvoiceFindings } from "~/ui/invoice-findings";
import { InvoiceView } from "~/ui/invoice-view";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Rechnung ${data.invoice.reference} – Rechnungseingang` : "Rechnung" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  return json(await getInvoice(user, idParam(params.id)).catch(loaderError));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const id = idParam(params.id);
  const form = await request.formData();
  try {
    await assignContract(user, id, form.get("contractId"));
    return redirectWithFlash(`/invoices/${id}`, "Der Vertrag ist zugeordnet; Abweichung, Fälligkeit und Haushaltsstelle der Zahlung sind neu bestimmt.");
  } catch (error) {
    return actionError(error, { contractId: String(form.get("contractId") ?? "") });
  }
}

const STATUS_BADGE: Record<string, string> = { rejected: "err", accepted: "warn", paid: "ok" };
const DUE_BADGE: Record<string, string> = { overdue: "err", due_soon: "warn", open: "" };

export default function InvoicePage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const x = d.invoice;
  return (
    <>
      <p>
        <Link to="/invoices">« Rechnungen</Link>
      </p>
      <h1>
        Rechnung {x.reference} <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
      </h1>
      <dl className="facts">
        <dt>Rechnungsnummer</dt>
        <dd>{x.number || "–"}</dd>
        <dt>Rechnungssteller</dt>
        <dd>{x.providerId ? <Link to={`/providers/${x.providerId}`}>{x.provider}</Link> : x.provider}</dd>
        <dt>Eingang</dt>
        <dd>
          {formatDateTime(x.receivedAt)} ({x.channelLabel}, {x.formLabel}){d.registeredBy ? ` – von Hand erfasst von ${d.registeredBy}` : ""}
        </dd>
        <dt>Zahlbetrag</dt>
        <dd>{formatCents(x.dueAmountCents)}</dd>
        {x.status !== "rejected" ? (
          <>
            <dt>fällig</dt>
            <dd>
              {x.dueState ? <span className={`badge ${DUE_BADGE[x.dueState]}`}>{x.dueText}</span> : formatDate(x.dueOn)} (Zahlungsziel {d.termDays} Tage ab Eingang)
            </dd>
          </>
        ) : null}
        <dt>Original</dt>
        <dd>
          {d.document ? (
            <Link to={`/documents/${d.document.id}`} reloadDocument>
              {d.document.filename}
            </Link>
          ) : (
            "–"
          )}
          <div className="muted small mono">SHA-256 {d.sha256}</div>
        </dd>
        {!d.paper ? (
          <>
            <dt>Ansicht</dt>
            <dd>
              <Link to={`/invoices/${x.id}/view.pdf`} reloadDocument>
                Rechnung als PDF lesen (aus den Rechnungsdaten erzeugt)
              </Link>
            </dd>
          </>
        ) : null}
      </dl>

      {x.status === "rejected" ? (
        <section>
          <h2>Abgelehnt bei Eingang</h2>
          <p>Die Rechnung ist gespeichert, wird aber nicht bezahlt. Der Rechnungssteller sieht diese Befunde im Portal und über die Schnittstelle.</p>
          <InvoiceFindings findings={x.findings} />
        </section>
      ) : (
        <>
          <section>
            <h2>Vertrag und sachliche Prüfung</h2>
            <dl className="facts">
              {d.purchase ? (
                <>
                  <dt>Platzkauf</dt>
                  <dd>
                    <Link to={`/purchases/${d.purchase.id}`}>{d.purchase.reference}</Link> (Abrechnung eines Einzelplatzes)
                  </dd>
                </>
              ) : (
                <>
                  <dt>Vertrag</dt>
                  <dd>{d.contract ? `${d.contract.reference} (${formatDate(d.contract.startDate)}–${formatDate(d.contract.endDate)}, ${d.contract.quantity} × ${formatCents(d.contract.unitPriceCents)})` : <span className="badge warn">kein Vertrag zugeordnet</span>}</dd>
                </>
              )}
              <dt>Abgerechneter Zeitraum</dt>
              <dd>{d.manual.periodStart ? `${formatDate(d.manual.periodStart)}–${formatDate(d.manual.periodEnd)}` : "nicht angegeben"}</dd>
              <dt>{d.purchase ? "Laut Abrechnung" : "Nach Vertrag zulässig"}</dt>
              <dd>{d.expectedCents !== null ? formatCents(d.expectedCents) : "–"}</dd>
              <dt>Abweichung</dt>
              <dd>{x.deviation ? <div className="flash warn">{x.deviation}</div> : "keine"}</dd>
            </dl>
            {d.contractChoices.length ? (
              <Form method="post" className="form inline">
                <FormError message={a?.formError} />
                <Select name="contractId" label="Vertrag wählen" options={[{ value: "", label: "– bitte wählen –" }, ...d.contractChoices]} defaultValue={a?.values?.contractId ?? (x.contractId ? String(x.contractId) : "")} error={a?.fieldErrors?.contractId} />
                <SubmitButton confirm="Diesen Vertrag der Rechnung zuordnen? Fälligkeit und Haushaltsstelle der Zahlung folgen dem Vertrag.">Vertrag zuordnen</SubmitButton>
              </Form>
            ) : null}
          </section>
          <section>
            <h2>Zahlung</h2>
            {x.paymentItem ? (
              <p>
                <Link to={`/payments/${x.paymentItem.id}`}>{x.paymentItem.reference}</Link>: {x.paymentItem.statusLabel}
                {x.paymentItem.paidOn ? `, ausgezahlt am ${formatDate(x.paymentItem.paidOn)}` : ""}
                {d.payee ? ` – an ${d.payee.name}, ${d.payee.iban}${d.payee.fromMasterData ? " (Bankverbindung der Stammdaten)" : " (IBAN der Rechnung)"}` : ""}
              </p>
            ) : (
              <p className="muted">Keine Zahlung.</p>
            )}
          </section>
        </>
      )}

      <section>
        <h2>Rechnungsinhalt</h2>
        {d.terms ? (
          <InvoiceView terms={d.terms as unknown as BusinessTerms} />
        ) : (
          <dl className="facts">
            <dt>Netto</dt>
            <dd>{formatCents(d.manual.netCents)}</dd>
            <dt>Umsatzsteuer</dt>
            <dd>{formatCents(d.manual.vatCents)}</dd>
            <dt>Brutto</dt>
            <dd>{formatCents(d.manual.grossCents)}</dd>
            <dt>IBAN</dt>
            <dd className="mono">{d.manual.iban || "–"}</dd>
            <dt>Rechnungsdatum</dt>
            <dd>{formatDate(x.issueDate)}</dd>
            {d.manual.note ? (
              <>
                <dt>Vermerk</dt>
                <dd>{d.manual.note}</dd>
              </>
            ) : null}
          </dl>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
