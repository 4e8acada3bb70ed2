import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { participationOf } from "~/services/participation.server";
import { billsOf } from "~/services/place-billing.server";
import { confirmPurchase, declinePurchase, ownPurchase } from "~/services/purchases.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton, TextArea } from "~/ui/form";
import { ParticipationPanel } from "~/ui/participation";
import { PlaceBillsPanel } from "~/ui/place-bills";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Platzbestellung ${data.purchase.reference} – Trägerportal` : "Platzbestellung – Trägerportal" }];

/** One of the organisation's own ordered places (404 for any other); the participant only as participantView shows it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:purchase:own");
  const id = idParam(params.id);
  const purchase = await ownPurchase(user, id).catch(loaderError);
  const [participation, bills] = await Promise.all([participationOf(user, id), billsOf(user, id)]);
  return json({ purchase, participation, bills });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const user = await requirePermission(request, "answer:purchase:own");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  const back = (msg: string) => redirectWithFlash(`/portal/purchases/${id}`, msg);
  try {
    // Another organisation's order (or one not ordered yet) is "not found" before anything else.
    await ownPurchase(user, id);
    if (intent === "confirm") {
      const p = await confirmPurchase(user, id);
      return back(`Bestellung ${p.reference} bestätigt.`);
    }
    if (intent === "decline") {
      const p = await declinePurchase(user, id, String(values.reason ?? ""));
      return back(`Bestellung ${p.reference} abgelehnt.`);
    }
    throw new Response("Unbekannte Aktion", { status: 400 });
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function PortalPurchase() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const p = d.purchase;
  const v = p.participant;
  return (
    <>
      <p>
        <Link to="/portal/purchases">« Platzbestellungen</Link>
      </p>
      <h1>
        Platzbestellung {p.reference} <span className="badge">{p.statusLabel}</span>
      </h1>
      {p.statusReason ? <div className="alert">Begründung: {p.statusReason}</div> : null}
      <div className="grid">
        <section className="panel" aria-labelledby="h-order">
          <h2 id="h-order">Bestellung</h2>
          <dl className="facts">
            <dt>Maßnahme</dt>
            <dd>
              {p.measure.reference} – {p.measure.title}
            </dd>
            <dt>Zeitraum</dt>
            <dd>
              {formatDate(p.startDate)} bis {formatDate(p.endDate)}
            </dd>
            <dt>Vergütung</dt>
            <dd>{p.price}</dd>
            <dt>Voraussichtlich insgesamt</dt>
            <dd>{formatCents(p.estimatedCents)}</dd>
            <dt>Bestellt</dt>
            <dd>{formatDateTime(p.orderedAt)}</dd>
            {p.answeredAt ? (
              <>
                <dt>Ihre Antwort</dt>
                <dd>{formatDateTime(p.answeredAt)}</dd>
              </>
            ) : p.answerBy ? (
              <>
                <dt>Antwort erbeten bis</dt>
                <dd>{formatDate(p.answerBy)}</dd>
              </>
            ) : null}
            <dt>Bestellschein</dt>
            <dd>
              <Link to={p.orderDocumentId ? `/documents/${p.orderDocumentId}` : `/purchases/${p.id}/order.pdf`} reloadDocument>
                Bestellschein {p.reference} (PDF)
              </Link>
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-participant">
          <h2 id="h-participant">Teilnehmer/in</h2>
          <dl className="facts">
            <dt>Kennzeichen</dt>
            <dd className="mono">{v.client}</dd>
            <dt>Name</dt>
            <dd>{v.name ?? "– (keine Einwilligung zur Weitergabe)"}</dd>
            {v.contact ? (
              <>
                <dt>Kontakt</dt>
                <dd>
                  {[v.contact.street, `${v.contact.postalCode} ${v.contact.city}`.trim()].filter(Boolean).join(", ") || "keine Anschrift erfasst"}
                  <div>{[v.contact.phone, v.contact.email].filter(Boolean).join(" · ") || "kein Telefon und keine E-Mail erfasst"}</div>
                </dd>
              </>
            ) : null}
            {v.ageAtStart !== null ? (
              <>
                <dt>Alter bei Beginn</dt>
                <dd>{v.ageAtStart} Jahre</dd>
              </>
            ) : null}
            <dt>Qualifikation</dt>
            <dd>{v.qualification || "–"}</dd>
            <dt>Zielberuf</dt>
            <dd>{v.targetOccupation || "–"}</dd>
          </dl>
        </section>
      </div>
      {p.canAnswer ? (
        <section className="panel" aria-labelledby="h-answer">
          <h2 id="h-answer">Bestellung beantworten</h2>
          <div className="grid">
            <Form method="post">
              <FormError message={a && a.intent === "confirm" ? (a.formError as string) : null} />
              <p>Mit der Bestätigung sagen Sie den Platz für den genannten Zeitraum verbindlich zu.</p>
              <SubmitButton intent="confirm" confirm={`Bestellung ${p.reference} verbindlich bestätigen?`}>
                Bestellung bestätigen
              </SubmitButton>
            </Form>
            <Form method="post">
              <FormError message={a && a.intent === "decline" ? (a.formError as string) : null} />
              <TextArea name="reason" label="Grund der Ablehnung" idPrefix="decline" required defaultValue={a && a.intent === "decline" ? String((a.values as Record<string, string>)?.reason ?? "") : ""} hint="Mindestens 10 Zeichen." />
              <SubmitButton intent="decline" danger confirm={`Bestellung ${p.reference} ablehnen? Das kann nicht rückgängig gemacht werden.`}>
                Bestellung ablehnen
              </SubmitButton>
            </Form>
          </div>
        </section>
      ) : null}
      <ParticipationPanel data={d.participation} purchaseId={p.id} status={p.status} mode="portal" />
      <PlaceBillsPanel bills={d.bills} purchaseId={p.id} mode="portal" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
