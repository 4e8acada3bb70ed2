import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { confirmBills, getBill } from "~/services/place-billing.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Abrechnung ${data.bill.reference} – Trägerportal` : "Abrechnung – Trägerportal" }];

/** One of the organisation's own bills (404 for any other). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "confirm:bill:own");
  const d = await getBill(user, idParam(params.id)).catch(loaderError);
  return json({ bill: d.bill, invoice: d.invoice });
}

/** Confirm this bill (intent "confirm"); back to the page it came from inside the portal. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "confirm:bill:own");
  const id = idParam(params.id);
  await getBill(user, id).catch(loaderError); // another organisation's bill: 404
  const form = await request.formData();
  if (form.get("intent") !== "confirm") return json({ ok: false as const, formError: "Unbekannte Aktion.", fieldErrors: {}, values: {}, issues: null }, { status: 400 });
  const back = String(form.get("redirectTo") ?? "");
  try {
    const [done] = await confirmBills(user, [id], "portal");
    return redirectWithFlash(/^\/portal\/[a-z0-9/_-]*$/i.test(back) ? back : `/portal/bills/${id}`, `Abrechnung ${done.bill} bestätigt; Rechnung ${done.invoice} ist eingegangen und geht in die Zahlung.`);
  } catch (error) {
    return actionError(error);
  }
}

export default function PortalBill() {
  const { bill: b, invoice } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/portal/bills">« Abrechnungen</Link>
      </p>
      <h1>Abrechnung {b.reference}</h1>
      {a && !a.ok ? <FormError message={a.formError} /> : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`badge ${b.status === "proposed" ? "warn" : b.status === "cancelled" ? "" : "ok"}`}>{b.statusLabel}</span>
          {b.confirmedAt ? <span className="muted"> am {formatDateTime(b.confirmedAt)}</span> : null}
          {b.attendanceWarning ? (
            <div>
              <span className="badge warn">Anwesenheit: {b.attendanceWarning}</span>
            </div>
          ) : null}
        </dd>
        <dt>Platz</dt>
        <dd>
          <Link to={`/portal/purchases/${b.purchaseId}`}>{b.purchase}</Link> – {b.measure} (Teilnehmer/in {b.client})
        </dd>
        <dt>Art</dt>
        <dd>{b.kindLabel}</dd>
        <dt>Zeitraum</dt>
        <dd>{b.periodStart === b.periodEnd ? formatDate(b.periodStart) : `${formatDate(b.periodStart)} – ${formatDate(b.periodEnd)}`}</dd>
        <dt>Berechnung</dt>
        <dd>{b.calculation}</dd>
        <dt>Betrag</dt>
        <dd>
          <strong>{formatCents(b.amountCents)}</strong> <span className="muted">(umsatzsteuerfrei nach § 4 Nr. 15/21 UStG)</span>
        </dd>
        {invoice ? (
          <>
            <dt>Rechnung</dt>
            <dd>
              <Link to={`/portal/invoices/${invoice.id}`}>
                {invoice.number || invoice.reference} ({invoice.reference})
              </Link>
              {b.status === "invoiced" ? <span className="muted"> – Ihre eigene E-Rechnung</span> : null}
            </dd>
          </>
        ) : null}
      </dl>
      {b.status === "proposed" ? (
        <Form method="post">
          <p className="muted">Mit der Bestätigung wird aus dieser Abrechnung eine Rechnung an das Jobcenter, die auf Ihre hinterlegte Bankverbindung gezahlt wird. Stimmt etwas nicht, wenden Sie sich bitte an Ihre Ansprechperson im Jobcenter.</p>
          <SubmitButton intent="confirm" confirm={`Abrechnung ${b.reference} über ${formatCents(b.amountCents)} bestätigen? Daraus wird eine Rechnung an das Jobcenter; das lässt sich nicht zurücknehmen.`}>
            Abrechnung bestätigen
          </SubmitButton>
        </Form>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
