import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { BusinessTerms } from "~/domain/einvoice";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getInvoice } from "~/services/invoices.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { InvoiceFindings } from "~/ui/invoice-findings";
import { InvoiceView } from "~/ui/invoice-view";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Rechnung ${data.invoice.number || data.invoice.reference} – Trägerportal` : "Rechnung – Trägerportal" }];

/** One of the organisation's own invoices (404 for any other). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:invoice:own");
  const d = await getInvoice(user, idParam(params.id)).catch(loaderError);
  return json({ invoice: d.invoice, terms: d.terms, document: d.document, paper: d.paper });
}

export default function PortalInvoice() {
  const d = useLoaderData<typeof loader>();
  const x = d.invoice;
  return (
    <>
      <p>
        <Link to="/portal/invoices">« Rechnungen</Link>
      </p>
      <h1>Rechnung {x.number || x.reference}</h1>
      <dl className="facts">
        <dt>Stand</dt>
        <dd>
          <span className={`badge ${x.providerState.code === "rejected" ? "err" : x.providerState.code === "paid" ? "ok" : "warn"}`}>{x.providerState.label}</span>
        </dd>
        <dt>Eingangsnummer</dt>
        <dd>{x.reference}</dd>
        <dt>Eingegangen</dt>
        <dd>
          {formatDateTime(x.receivedAt)} ({x.channelLabel}, {x.formLabel})
        </dd>
        <dt>Zahlbetrag</dt>
        <dd>{formatCents(x.dueAmountCents)}</dd>
        {x.status !== "rejected" ? (
          <>
            <dt>fällig am</dt>
            <dd>{formatDate(x.dueOn)}</dd>
          </>
        ) : null}
        <dt>Eingereichte Datei</dt>
        <dd>
          {d.document ? (
            <Link to={`/documents/${d.document.id}`} reloadDocument>
              {d.document.filename}
            </Link>
          ) : (
            "–"
          )}
        </dd>
      </dl>
      {x.status === "rejected" ? (
        <section>
          <h2>Warum die Rechnung abgelehnt wurde</h2>
          <p>Die Rechnung wird so nicht bezahlt. Bitte beheben Sie die Befunde und reichen Sie die Rechnung erneut ein.</p>
          <InvoiceFindings findings={x.findings} />
        </section>
      ) : null}
      {d.terms ? (
        <section>
          <h2>Rechnungsinhalt</h2>
          <p>
            <Link to={`/invoices/${x.id}/view.pdf`} reloadDocument>
              Als PDF lesen
            </Link>
          </p>
          <InvoiceView terms={d.terms as unknown as BusinessTerms} />
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
