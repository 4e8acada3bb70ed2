import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { cancelRun, getRun, markSent } from "~/services/payment-runs.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton, TextArea } from "~/ui/form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Zahllauf ${data.run.reference}` : "Zahllauf" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  return json(await getRun(user, idParam(params.id)).catch(loaderError));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "run:payment:any");
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = { reason: String(form.get("reason") ?? "") };
  try {
    if (intent === "cancel") {
      const r = await cancelRun(user, id, values.reason);
      return redirectWithFlash(`/finance/runs/${id}`, `Zahllauf storniert; ${r.returned} Zahlung(en) sind wieder angeordnet.`);
    }
    if (intent === "send") {
      await markSent(user, id);
      return redirectWithFlash(`/finance/runs/${id}`, "Als an die Bank übermittelt vermerkt.");
    }
    return json({ ok: false as const, formError: "Unbekannte Aktion.", fieldErrors: {} as Record<string, string>, values, issues: null }, { status: 400 });
  } catch (error) {
    return actionError(error, values);
  }
}

export default function Run() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const r = d.run;
  const fe = (a?.fieldErrors ?? {}) as Record<string, string>;
  return (
    <>
      <p>
        <Link to="/finance/runs">← Zahlläufe</Link>
      </p>
      <h1>
        Zahllauf <span className="mono">{r.reference}</span> <span className={`badge ${r.status === "cancelled" ? "err" : r.status === "booked" ? "ok" : ""}`}>{r.statusLabel}</span>
      </h1>
      <FormError message={a?.formError} />
      <div className="grid">
        <section className="panel" aria-labelledby="h-facts">
          <h2 id="h-facts">Angaben</h2>
          <dl className="facts">
            <dt>Ausführungsdatum</dt>
            <dd>{formatDate(r.executionDate)}</dd>
            <dt>Zahlungen fällig bis</dt>
            <dd>{formatDate(r.dueUntil)}</dd>
            <dt>Anzahl / Kontrollsumme</dt>
            <dd>
              {r.itemCount} Zahlungen · <strong>{formatCents(r.ctrlSumCents)}</strong>
            </dd>
            <dt>Nachrichtenreferenz</dt>
            <dd className="mono">{r.messageId}</dd>
            <dt>SHA-256 der Datei</dt>
            <dd className="mono" style={{ wordBreak: "break-all" }}>
              {r.fileSha256 || "–"}
            </dd>
            <dt>Erstellt</dt>
            <dd>
              {formatDateTime(r.createdAt)} von {r.createdBy}
            </dd>
            {r.sentAt ? (
              <>
                <dt>An die Bank übermittelt</dt>
                <dd>
                  {formatDateTime(r.sentAt)} von {r.sentBy}
                </dd>
              </>
            ) : null}
            {r.cancelledAt ? (
              <>
                <dt>Storniert</dt>
                <dd>
                  {formatDateTime(r.cancelledAt)}
                  {r.cancelledBy ? ` von ${r.cancelledBy}` : " (System)"}: {r.cancelReason}
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-docs">
          <h2 id="h-docs">Dateien</h2>
          <ul>
            {d.file ? (
              <li>
                <Link to={`/finance/runs/${r.id}/file.xml`} reloadDocument>
                  SEPA-Datei {d.file.filename}
                </Link>{" "}
                <span className="muted">({d.file.size.toLocaleString("de-DE")} Bytes, pain.001.001.09)</span>
              </li>
            ) : (
              <li className="muted">Keine Datei (Zahllauf nicht fertig erstellt).</li>
            )}
            {d.list ? (
              <li>
                <Link to={`/documents/${d.list.id}`} reloadDocument>
                  Zahllaufliste (PDF)
                </Link>
              </li>
            ) : null}
          </ul>
          {d.canSend ? (
            <Form method="post">
              <p className="muted">Bestätigen Sie, sobald die Datei im Bankportal eingereicht ist. Danach kann der Zahllauf nicht mehr storniert werden.</p>
              <SubmitButton intent="send" confirm={`Zahllauf ${r.reference} als an die Bank übermittelt vermerken? Danach ist keine Stornierung mehr möglich.`}>
                Als an die Bank übermittelt vermerken
              </SubmitButton>
            </Form>
          ) : null}
        </section>
      </div>
      <section className="panel" aria-labelledby="h-items">
        <h2 id="h-items">Zahlungen</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Zahlung</th>
              <th scope="col">Zahlungsempfänger</th>
              <th scope="col">IBAN</th>
              <th scope="col">Verwendungszweck</th>
              <th scope="col">End-to-End-ID</th>
              <th scope="col" className="num">
                Betrag
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {d.items.map((i) => (
              <tr key={i.id}>
                <td className="mono nowrap">{i.reference}</td>
                <td>{i.payeeName}</td>
                <td className="mono nowrap">{i.iban}</td>
                <td>{i.purpose}</td>
                <td className="mono">{i.endToEndId}</td>
                <td className="num nowrap">{formatCents(i.amountCents)}</td>
                <td>
                  {i.statusLabel}
                  {i.paidOn ? ` am ${formatDate(i.paidOn)}` : ""}
                  {!i.stillInRun && i.status !== "paid" ? <span className="muted"> (nicht mehr in diesem Lauf)</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                Summe ({d.items.length} Zahlungen)
              </th>
              <td className="num nowrap">
                <strong>{formatCents(d.items.reduce((s, i) => s + i.amountCents, 0))}</strong>
              </td>
              <td />
            </tr>
          </tfoot>
        </table>
      </section>
      {d.canCancel ? (
        <section className="panel" aria-labelledby="h-cancel">
          <h2 id="h-cancel">Zahllauf stornieren</h2>
          <p className="muted">Nur solange die Datei nicht an die Bank übermittelt ist. Die Zahlungen werden wieder „angeordnet“ und können in einen neuen Zahllauf; die Datei bleibt zur Nachweisführung gespeichert.</p>
          <Form method="post">
            <TextArea name="reason" label="Grund der Stornierung" required defaultValue={(a?.values as { reason?: string } | undefined)?.reason} error={fe.reason} hint="mindestens 10 Zeichen" />
            <SubmitButton intent="cancel" danger confirm={`Zahllauf ${r.reference} stornieren? Die ${r.itemCount} Zahlungen werden wieder angeordnet.`}>
              Zahllauf stornieren
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
