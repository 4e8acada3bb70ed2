import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { formatDate, formatDateTime } from "~/domain/time";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createRun, listRuns, previewRun, runDefaults } from "~/services/payment-runs.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Zahlläufe" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const url = new URL(request.url);
  const defaults = await runDefaults();
  const dueUntil = url.searchParams.get("dueUntil") || defaults.dueUntil;
  const executionDate = url.searchParams.get("executionDate") || defaults.executionDate;
  const mayRun = can(user.role, "run:payment:any");
  const [runs, preview] = await Promise.all([listRuns(user), mayRun ? previewRun(user, dueUntil) : null]);
  return json({ runs, preview, dueUntil, executionDate, mayRun });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "run:payment:any");
  const form = await request.formData();
  const values = { dueUntil: String(form.get("dueUntil") ?? ""), executionDate: String(form.get("executionDate") ?? "") };
  try {
    const r = await createRun(user, values);
    return redirectWithFlash(`/finance/runs/${r.run.id}`, `Zahllauf ${r.run.reference} erstellt: ${r.run.itemCount} Zahlungen, ${formatCents(r.run.ctrlSumCents)}.${r.refused.length ? ` ${r.refused.length} Zahlung(en) nicht aufgenommen (siehe Empfängerüberprüfung).` : ""}`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function Runs() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const fe = (a?.fieldErrors ?? {}) as Record<string, string>;
  const p = d.preview;
  return (
    <>
      <h1>Zahlläufe</h1>
      <p className="muted">
        Ein Zahllauf fasst angeordnete, fällige Zahlungen zu einer SEPA-Überweisungsdatei (pain.001.001.09) mit Zahllaufliste zusammen. Jede Zahlung kann nur in einem Zahllauf stehen; die Datei wird einmal geschrieben, mit Hashwert
        gespeichert und nie neu erzeugt. Aufgenommen werden nur Zahlungen mit Ergebnis der <Link to="/finance/vop">Empfängerüberprüfung</Link>. Kontoauszüge: <Link to="/finance/statements">einlesen und buchen</Link>.
      </p>
      {d.mayRun ? (
        <section className="panel" aria-labelledby="h-new">
          <h2 id="h-new">Neuer Zahllauf</h2>
          <Form method="get" className="inline-form">
            <Field name="dueUntil" label="Fällig bis einschließlich" type="date" defaultValue={a?.values?.dueUntil as string ?? d.dueUntil} error={fe.dueUntil} required idPrefix="p" />
            <Field name="executionDate" label="Ausführungsdatum" type="date" defaultValue={a?.values?.executionDate as string ?? d.executionDate} error={fe.executionDate} required idPrefix="p" hint="Bankarbeitstag" />
            <button type="submit" className="button secondary">
              Vorschau aktualisieren
            </button>
          </Form>
          {p ? (
            <>
              <p>
                Bis {formatDate(p.dueUntil)} fällig und zahlbar: <strong>{p.count} {p.count === 1 ? "Zahlung" : "Zahlungen"}</strong>, Summe <strong>{formatCents(p.sumCents)}</strong>.
              </p>
              {p.closeMatches.length ? (
                <div className="alert alert-warn">
                  <p>Mit Hinweis der Empfängerüberprüfung (werden aufgenommen):</p>
                  <ul>
                    {p.closeMatches.map((c) => (
                      <li key={c.id}>
                        <span className="mono">{c.reference}</span> {c.payeeName}: {c.warning}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {p.refused.length ? (
                <div className="alert alert-warn">
                  <p>
                    {p.refused.length} angeordnete {p.refused.length === 1 ? "Zahlung wird" : "Zahlungen werden"} nicht aufgenommen:
                  </p>
                  <ul>
                    {p.refused.map((r) => (
                      <li key={r.id}>
                        <span className="mono">{r.reference}</span> {r.payeeName} ({formatCents(r.amountCents)}): {r.reason}
                      </li>
                    ))}
                  </ul>
                  <p>
                    <Link to="/finance/vop">Empfängerüberprüfung erfassen</Link>
                  </p>
                </div>
              ) : null}
              <Form method="post">
                <input type="hidden" name="dueUntil" value={d.dueUntil} />
                <input type="hidden" name="executionDate" value={d.executionDate} />
                <FormError message={a?.formError} />
                {p.count ? (
                  <SubmitButton confirm={`Zahllauf mit ${p.count} Zahlungen über ${formatCents(p.sumCents)} zur Ausführung am ${formatDate(d.executionDate)} erstellen? Die Zahlungen sind danach gebunden, die SEPA-Datei wird einmal geschrieben.`}>
                    Zahllauf erstellen ({p.count} Zahlungen, {formatCents(p.sumCents)}, Ausführung {formatDate(d.executionDate)})
                  </SubmitButton>
                ) : (
                  <p className="muted">Keine Zahlung kann in einen Zahllauf aufgenommen werden.</p>
                )}
              </Form>
            </>
          ) : null}
        </section>
      ) : null}
      <section className="panel" aria-labelledby="h-runs">
        <h2 id="h-runs">Alle Zahlläufe</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Zahllauf</th>
              <th scope="col">Status</th>
              <th scope="col">Ausführung</th>
              <th scope="col">fällig bis</th>
              <th scope="col" className="num">
                Zahlungen
              </th>
              <th scope="col" className="num">
                Summe
              </th>
              <th scope="col">erstellt</th>
            </tr>
          </thead>
          <tbody>
            {d.runs.length ? (
              d.runs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/finance/runs/${r.id}`} className="mono">
                      {r.reference}
                    </Link>
                  </td>
                  <td>
                    <span className={`badge ${r.status === "cancelled" ? "err" : r.status === "booked" ? "ok" : r.status === "building" ? "warn" : ""}`}>{r.statusLabel}</span>
                  </td>
                  <td className="nowrap">{formatDate(r.executionDate)}</td>
                  <td className="nowrap">{formatDate(r.dueUntil)}</td>
                  <td className="num">{r.itemCount}</td>
                  <td className="num nowrap">{formatCents(r.ctrlSumCents)}</td>
                  <td>
                    {formatDateTime(r.createdAt)} · {r.createdBy}
                  </td>
                </tr>
              ))
            ) : (
              <tr>
                <td colSpan={7} className="muted empty">
                  Noch keine Zahlläufe.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
