import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { buyPlace, checkPurchase, purchaseFormOptions } from "~/services/purchases.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, Select, SubmitButton, TextArea } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Platz kaufen" }];

function idOf(v: string | null): number | null {
  const n = Number(v);
  return v && Number.isSafeInteger(n) && n > 0 ? n : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "buy:place:any");
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const clientId = idOf(url.searchParams.get("clientId"));
  const measureId = idOf(url.searchParams.get("measureId"));
  const options = await purchaseFormOptions(user, { q, clientId, measureId });
  return json({ ...options, q, clientId, measureId });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  const user = await requirePermission(request, "buy:place:any");
  try {
    if (intent === "check") {
      const report = await checkPurchase(user, values);
      return json({ ok: true as const, intent, report, values, formError: null, fieldErrors: {} as Record<string, string> });
    }
    if (intent === "buy") {
      const p = await buyPlace(user, values);
      return redirectWithFlash(
        `/purchases/${p.id}`,
        p.status === "ordered" ? `Platz gekauft: ${p.reference} ist beim Träger bestellt.` : `Platzkauf ${p.reference} beantragt: er liegt über der Genehmigungsgrenze und wartet auf die Genehmigung durch eine zweite Person.`,
      );
    }
    throw new Response("Unbekannte Aktion", { status: 400 });
  } catch (error) {
    const failure = actionError(error, values);
    return json({ ...((await failure.json()) as { formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> }), ok: false as const, intent, report: null }, { status: failure.status });
  }
}

export default function NewPurchase() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const v = (a?.values ?? {}) as Record<string, string>;
  const errors = (a?.fieldErrors ?? {}) as Record<string, string>;
  const clientId = Number(v.clientId || d.clientId || 0) || null;
  const measureId = Number(v.measureId || d.measureId || 0) || null;
  const measure = d.measures.find((x) => x.id === measureId) ?? null;
  const client = d.clients.find((x) => x.id === clientId) ?? null;
  const report = a && a.ok ? (a.report as unknown as Awaited<ReturnType<typeof checkPurchase>>) : null;
  const blocked = report ? report.problems.length > 0 || !!report.capacityProblem || (report.line?.years.some((y) => !y.enough) ?? false) : true;
  return (
    <>
      <p>
        <Link to="/purchases">« Platzkäufe</Link>
      </p>
      <h1>Platz kaufen</h1>
      <ol className="steps">
        <li aria-current={!client || !measure ? "step" : undefined}>Kunde und Maßnahme wählen</li>
        <li aria-current={client && measure && !report ? "step" : undefined}>Beginn angeben und prüfen</li>
        <li aria-current={report ? "step" : undefined}>Platz kaufen</li>
      </ol>

      <section className="panel" aria-labelledby="h-choose">
        <h2 id="h-choose">1. Kunde und Maßnahme</h2>
        <Form method="get">
          <Field idPrefix="pick" name="q" label="Kunde suchen (Kennzeichen oder Name)" defaultValue={d.q} hint="Suchen, dann unten wählen." />
          <Select
            idPrefix="pick"
            name="clientId"
            label="Kunde"
            defaultValue={clientId ? String(clientId) : ""}
            options={[{ value: "", label: d.clients.length ? "– bitte wählen –" : "– keine Treffer –" }, ...d.clients.map((c) => ({ value: String(c.id), label: c.label }))]}
          />
          <Select
            idPrefix="pick"
            name="measureId"
            label="Maßnahme (im Katalog)"
            defaultValue={measureId ? String(measureId) : ""}
            options={[{ value: "", label: "– bitte wählen –" }, ...d.measures.map((m) => ({ value: String(m.id), label: `${m.title} – ${m.provider} (${m.free} von ${m.capacity} frei)` }))]}
          />
          <button type="submit" className="button secondary">
            Suchen / übernehmen
          </button>
        </Form>
        {measure ? (
          <dl className="facts">
            <dt>Maßnahme</dt>
            <dd>
              <Link to={`/measures/${measure.id}`}>
                {measure.reference} – {measure.title}
              </Link>
            </dd>
            <dt>Träger</dt>
            <dd>{measure.provider || "–"}</dd>
            <dt>Art, Herkunft</dt>
            <dd>
              {measure.type} · {measure.origin}
            </dd>
            <dt>Preis</dt>
            <dd>{measure.price}</dd>
            <dt>Dauer, Einstieg</dt>
            <dd>
              {measure.duration} · {measure.entryModeLabel}
            </dd>
            <dt>Freie Plätze</dt>
            <dd>
              {measure.free} von {measure.capacity} (für eine Teilnahme ab heute)
            </dd>
            <dt>Buchbar</dt>
            <dd>
              {formatDate(measure.validFrom)} bis {formatDate(measure.validUntil)}
            </dd>
          </dl>
        ) : null}
      </section>

      {client && measure ? (
        <section className="panel" aria-labelledby="h-details">
          <h2 id="h-details">2. Beginn, Einwilligung, Notiz</h2>
          <Form method="post">
            <FormError message={a && !a.ok ? (a.formError as string) : null} />
            <input type="hidden" name="clientId" value={client.id} />
            <input type="hidden" name="measureId" value={measure.id} />
            <p>
              Kunde: <strong>{client.label}</strong>
            </p>
            {measure.entryMode === "dates" ? (
              <Select
                name="startDate"
                label="Beginn (fester Starttermin)"
                required
                defaultValue={v.startDate ?? ""}
                error={errors.startDate}
                options={[{ value: "", label: measure.startDates.length ? "– bitte wählen –" : "– keine künftigen Termine –" }, ...measure.startDates.map((s) => ({ value: s, label: formatDate(s) }))]}
              />
            ) : (
              <Field name="startDate" label="Beginn" type="date" required defaultValue={v.startDate ?? ""} error={errors.startDate} hint="Laufender Einstieg: jeder Tag im buchbaren Zeitraum." />
            )}
            {measure.priceModel === "hour" ? <Field name="hours" label="Stunden" inputMode="numeric" required defaultValue={v.hours ?? ""} error={errors.hours} hint="Vergütung je Stunde: die gekauften Stunden." /> : null}
            <div className="field checks">
              <label>
                <input type="checkbox" name="consent" defaultChecked={!!v.consent} /> Der Kunde willigt ein, dass Name und Kontaktdaten an den Träger weitergegeben werden
              </label>
              <div className="hint">Ohne Einwilligung sieht der Träger nur das Kennzeichen, Qualifikation und Zielberuf.</div>
            </div>
            <TextArea name="note" label="Notiz (intern)" defaultValue={v.note ?? ""} error={errors.note} />
            <SubmitButton intent="check">Prüfen</SubmitButton>
            {report ? (
              <div className="panel" aria-labelledby="h-check" role="region">
                <h2 id="h-check">3. Ergebnis der Prüfung</h2>
                <dl className="facts">
                  <dt>Zeitraum</dt>
                  <dd>
                    {formatDate(report.startDate)} bis {formatDate(report.endDate)} (geplantes Ende)
                  </dd>
                  <dt>Passt der Platz?</dt>
                  <dd>
                    {report.problems.length === 0 ? (
                      <span className="badge ok">ja, alle Voraussetzungen erfüllt</span>
                    ) : (
                      <ul className="alert alert-error">
                        {report.problems.map((p) => (
                          <li key={p}>{p}</li>
                        ))}
                      </ul>
                    )}
                  </dd>
                  <dt>Belegung</dt>
                  <dd>
                    höchstens {report.held} von {report.capacity} Plätzen gleichzeitig belegt in diesem Zeitraum
                    {report.capacityProblem ? <div className="alert alert-error">{report.capacityProblem}</div> : null}
                  </dd>
                  <dt>Preis</dt>
                  <dd>{report.price}</dd>
                  <dt>Kosten je Jahr</dt>
                  <dd>
                    <table className="data">
                      <thead>
                        <tr>
                          <th scope="col">Jahr</th>
                          <th scope="col" className="num">
                            Betrag
                          </th>
                          <th scope="col" className="num">
                            verfügbar auf {report.budgetLine}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {report.shares.map((s) => {
                          const y = report.line?.years.find((x) => x.year === s.year);
                          return (
                            <tr key={s.year}>
                              <td>{s.year}</td>
                              <td className="num nowrap">{formatCents(s.amountCents)}</td>
                              <td className="num nowrap">{y ? <span className={y.enough ? "" : "badge err"}>{formatCents(y.availableCents)}</span> : "–"}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                      <tfoot>
                        <tr>
                          <th scope="row">Summe</th>
                          <td className="num nowrap">
                            <strong>{formatCents(report.totalCents)}</strong>
                          </td>
                          <td />
                        </tr>
                      </tfoot>
                    </table>
                    <div className="small muted">Haushaltsstelle {report.line ? `${report.line.number} – ${report.line.title}` : `${report.budgetLine} (nicht angelegt)`}</div>
                  </dd>
                  <dt>Genehmigung</dt>
                  <dd>
                    {report.approvalNeeded
                      ? `Über der Genehmigungsgrenze von ${formatCents(report.approvalAboveCents)}: der Kauf wird beantragt und erst nach der Genehmigung durch eine zweite Person bestellt.`
                      : `Bis zur Genehmigungsgrenze von ${formatCents(report.approvalAboveCents)}: der Platz wird sofort beim Träger bestellt.`}
                  </dd>
                </dl>
                {blocked ? (
                  <p className="alert alert-warn">So kann der Platz nicht gekauft werden. Bitte ändern Sie die Angaben und prüfen Sie erneut.</p>
                ) : (
                  <SubmitButton intent="buy" confirm={`Platz in „${measure.title}“ für ${report.clientReference} vom ${formatDate(report.startDate)} bis ${formatDate(report.endDate)} kaufen (${formatCents(report.totalCents)})? ${report.approvalNeeded ? "Der Kauf wird zur Genehmigung vorgelegt." : "Der Platz wird sofort beim Träger bestellt."}`}>
                    Platz kaufen
                  </SubmitButton>
                )}
              </div>
            ) : null}
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
