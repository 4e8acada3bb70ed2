import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { auditActionLabel } from "~/domain/audit-labels";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { participationOf } from "~/services/participation.server";
import { billsOf } from "~/services/place-billing.server";
import { approvePurchase, cancelPurchase, getPurchase, refusePurchase, setPurchaseConsent } from "~/services/purchases.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton, TextArea } from "~/ui/form";
import { ParticipationPanel } from "~/ui/participation";
import { PlaceBillsPanel } from "~/ui/place-bills";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Platzkauf ${data.purchase.reference}` : "Platzkauf" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const id = idParam(params.id);
  const d = await getPurchase(user, id).catch(loaderError);
  const [participation, bills] = await Promise.all([participationOf(user, id), billsOf(user, id)]);
  return json({ ...d, participation, bills });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  const user = await requirePermission(request, intent === "cancel" || intent.startsWith("consent_") ? "buy:place:any" : "approve:purchase:any");
  const back = (msg: string) => redirectWithFlash(`/purchases/${id}`, msg);
  try {
    switch (intent) {
      case "approve": {
        const p = await approvePurchase(user, id);
        return back(`Platzkauf ${p.reference} genehmigt und beim Träger bestellt.`);
      }
      case "refuse": {
        const p = await refusePurchase(user, id, String(values.reason ?? ""));
        return back(`Platzkauf ${p.reference} nicht genehmigt; die gebundenen Mittel sind freigegeben.`);
      }
      case "cancel": {
        const p = await cancelPurchase(user, id, String(values.reason ?? ""));
        return back(`Platzkauf ${p.reference} storniert; die gebundenen Mittel sind freigegeben.`);
      }
      case "consent_give":
      case "consent_withdraw": {
        const p = await setPurchaseConsent(user, id, intent === "consent_give");
        return back(intent === "consent_give" ? `Einwilligung zu ${p.reference} erfasst: der Träger sieht Name und Kontakt.` : `Einwilligung zu ${p.reference} widerrufen: der Träger sieht nur noch das Kennzeichen.`);
      }
      default:
        throw new Response("Unbekannte Aktion", { status: 400 });
    }
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function PurchaseDetail() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const p = d.purchase;
  const errorFor = (intent: string) => (a && a.intent === intent ? (a.formError as string) : null);
  const valueFor = (intent: string) => (a && a.intent === intent ? String((a.values as Record<string, string>)?.reason ?? "") : "");
  return (
    <>
      <p>
        <Link to="/purchases">« Platzkäufe</Link>
      </p>
      <h1>
        Platzkauf {p.reference} <span className="badge">{p.statusLabel}</span>
      </h1>
      {p.status === "requested" ? (
        <div className="alert alert-warn" role="status">
          Die Kosten ({formatCents(p.estimatedCents)}) liegen über der Genehmigungsgrenze von {formatCents(p.approvalAboveCents)}: eine zweite Person mit Genehmigungsrecht muss den Kauf genehmigen, bevor er beim Träger bestellt wird.
          {d.ownRequest ? " Sie haben den Kauf beantragt und können ihn daher nicht selbst genehmigen." : ""}
        </div>
      ) : null}
      {p.statusReason ? (
        <div className="alert" role="note">
          Begründung: {p.statusReason}
        </div>
      ) : null}
      <div className="grid">
        <section className="panel" aria-labelledby="h-place">
          <h2 id="h-place">Platz</h2>
          <dl className="facts">
            <dt>Kunde</dt>
            <dd>
              <Link to={`/clients/${d.client.id}`}>{d.client.reference}</Link>
              {d.client.name ? ` – ${d.client.name}` : ""}
            </dd>
            <dt>Maßnahme</dt>
            <dd>
              <Link to={`/measures/${d.measure.id}`}>
                {d.measure.reference} – {d.measure.title}
              </Link>
              <div className="small muted">
                {d.measure.origin} · Dauer {d.measure.duration}
              </div>
            </dd>
            <dt>Träger</dt>
            <dd>{d.provider ? <Link to={`/providers/${d.provider.id}`}>{d.provider.name}</Link> : "–"}</dd>
            <dt>Zeitraum</dt>
            <dd>
              {formatDate(p.startDate)} bis {formatDate(p.endDate)}
            </dd>
            {p.entryDate || p.exitDate ? (
              <>
                <dt>Eintritt / Austritt</dt>
                <dd>
                  {formatDate(p.entryDate)} / {formatDate(p.exitDate)}
                </dd>
              </>
            ) : null}
            <dt>Preis</dt>
            <dd>{p.price}</dd>
            <dt>Anteilige Monate</dt>
            <dd>{p.proRataLabel}</dd>
            <dt>Einwilligung</dt>
            <dd>
              {p.consentAt && !p.consentWithdrawnAt ? `ja, erfasst am ${formatDateTime(p.consentAt)}` : p.consentWithdrawnAt ? `widerrufen am ${formatDateTime(p.consentWithdrawnAt)} – der Träger sieht nur das Kennzeichen` : "nein – der Träger sieht nur das Kennzeichen, nicht Name und Kontakt"}
              {d.canChangeConsent ? (
                <Form method="post" className="inline-form">
                  <FormError message={a && String(a.intent ?? "").startsWith("consent_") ? (a.formError as string) : null} />
                  {p.consentAt && !p.consentWithdrawnAt ? (
                    <SubmitButton intent="consent_withdraw" confirm={`Einwilligung zu ${p.reference} widerrufen? Der Träger sieht danach nur noch das Kennzeichen.`}>
                      Einwilligung widerrufen
                    </SubmitButton>
                  ) : (
                    <SubmitButton intent="consent_give" confirm={`Einwilligung zu ${p.reference} erfassen? Der Träger sieht danach Name und Kontaktdaten.`}>
                      Einwilligung erfassen
                    </SubmitButton>
                  )}
                </Form>
              ) : null}
            </dd>
            {p.note ? (
              <>
                <dt>Notiz</dt>
                <dd>{p.note}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-order">
          <h2 id="h-order">Antrag und Bestellung</h2>
          <dl className="facts">
            <dt>Beantragt</dt>
            <dd>
              {formatDateTime(p.requestedAt)} von {p.requestedBy}
            </dd>
            <dt>Genehmigung</dt>
            <dd>{p.approvalNeeded ? (p.approvedAt ? `${formatDateTime(p.approvedAt)} von ${p.approvedBy}` : "steht aus (zweite Person)") : p.approvedAt ? "innerhalb der Genehmigungsgrenze, keine zweite Genehmigung nötig" : "–"}</dd>
            <dt>Bestellt</dt>
            <dd>{p.orderedAt ? `${formatDateTime(p.orderedAt)} · Antwort des Trägers erbeten bis ${formatDate(p.answerBy)}` : "–"}</dd>
            <dt>Antwort des Trägers</dt>
            <dd>{p.answeredAt ? `${formatDateTime(p.answeredAt)}${p.answeredBy ? ` von ${p.answeredBy}` : " (Schnittstelle)"}` : "–"}</dd>
            <dt>Bestellschein</dt>
            <dd>
              {p.orderedAt ? (
                <Link to={`/purchases/${p.id}/order.pdf`} reloadDocument>
                  Bestellschein {p.reference} (PDF)
                </Link>
              ) : (
                "erst mit der Bestellung"
              )}
            </dd>
          </dl>
        </section>
      </div>

      <section className="panel" aria-labelledby="h-money">
        <h2 id="h-money">Gebundene Mittel je Jahr</h2>
        <p className="muted">
          Haushaltsstelle {d.budgetLine || "–"} · voraussichtliche Kosten {formatCents(p.estimatedCents)}
        </p>
        {d.commitments.length === 0 ? (
          <p className="muted">Keine Mittelbindungen (ohne Vergütung).</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Jahr</th>
                <th scope="col">Mittelbindung</th>
                <th scope="col" className="num">
                  gebunden
                </th>
                <th scope="col" className="num">
                  gezahlt
                </th>
                <th scope="col" className="num">
                  freigegeben
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {d.commitments.map((c) => (
                <tr key={c.id}>
                  <td>{c.year}</td>
                  <td className="mono">{c.reference}</td>
                  <td className="num nowrap">{formatCents(c.amountCents)}</td>
                  <td className="num nowrap">{formatCents(c.consumedCents)}</td>
                  <td className="num nowrap">{formatCents(c.releasedCents)}</td>
                  <td>
                    {c.status === "open" ? "offen" : "abgeschlossen"}
                    {c.closeReason ? <div className="small muted">{c.closeReason}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {d.canApprove || d.canRefuse || d.canCancel ? (
        <section className="panel" aria-labelledby="h-actions">
          <h2 id="h-actions">Entscheiden</h2>
          <div className="grid">
          {d.canApprove ? (
            <Form method="post">
              <FormError message={errorFor("approve")} />
              <p>Mit der Genehmigung wird der Platz sofort beim Träger bestellt (Mail und Bestellschein).</p>
              <SubmitButton intent="approve" confirm={`Platzkauf ${p.reference} über ${formatCents(p.estimatedCents)} genehmigen und beim Träger bestellen?`}>
                Genehmigen und bestellen
              </SubmitButton>
            </Form>
          ) : null}
          {d.canRefuse ? (
            <Form method="post">
              <FormError message={errorFor("refuse")} />
              <TextArea name="reason" label="Begründung der Ablehnung" idPrefix="refuse" required defaultValue={valueFor("refuse")} hint="Mindestens 10 Zeichen. Die gebundenen Mittel werden freigegeben." />
              <SubmitButton intent="refuse" danger confirm={`Platzkauf ${p.reference} nicht genehmigen? Das kann nicht rückgängig gemacht werden.`}>
                Nicht genehmigen
              </SubmitButton>
            </Form>
          ) : null}
          {d.canCancel ? (
            <Form method="post">
              <FormError message={errorFor("cancel")} />
              <TextArea name="reason" label="Grund der Stornierung" idPrefix="cancel" required defaultValue={valueFor("cancel")} hint={`Nur vor Beginn (${formatDate(p.startDate)}). Mindestens 10 Zeichen. Die gebundenen Mittel werden freigegeben; ein schon bestellter Träger sieht die Stornierung.`} />
              <SubmitButton intent="cancel" danger confirm={`Platzkauf ${p.reference} stornieren? Das kann nicht rückgängig gemacht werden.`}>
                Stornieren
              </SubmitButton>
            </Form>
          ) : null}
          </div>
        </section>
      ) : null}

      <ParticipationPanel data={d.participation} purchaseId={p.id} status={p.status} mode="staff" />
      <PlaceBillsPanel bills={d.bills} purchaseId={p.id} mode="staff" />

      <section className="panel" aria-labelledby="h-history">
        <h2 id="h-history">Verlauf</h2>
        {d.history.length === 0 ? (
          <p className="muted">Für diesen Platzkauf gibt es keine Protokolleinträge: er wurde mit den Daten übernommen (Demodaten), nicht in dieser Anwendung bearbeitet.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Zeitpunkt</th>
                <th scope="col">Wer</th>
                <th scope="col">Vorgang</th>
              </tr>
            </thead>
            <tbody>
              {d.history.map((h) => (
                <tr key={h.seq}>
                  <td className="nowrap">{formatDateTime(h.at)}</td>
                  <td>{h.actor === "system" ? "automatisch" : h.actor}</td>
                  <td>
                    {auditActionLabel(h.action)}
                    <div className="muted">{h.summary}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
