import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { formatCents } from "~/domain/money";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { acceptMeasure, closeMeasure, getMeasure, rejectMeasure } from "~/services/measures.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton, TextArea } from "~/ui/form";
import { MeasureFacts } from "~/ui/measure-facts";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.measure.reference} ${data.measure.title} – Maßnahmenkatalog` : "Maßnahme – Maßnahmenkatalog" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const detail = await getMeasure(user, idParam(params.id)).catch(loaderError);
  return json({ ...detail, canManage: can(user.role, "manage:measure:any"), canBuy: can(user.role, "buy:place:any") });
}

const DONE: Record<string, string> = {
  accept: "Der Vorschlag ist angenommen; die Maßnahme ist im Katalog.",
  reject: "Der Vorschlag ist abgelehnt; der Träger sieht den Grund.",
  close: "Die Maßnahme ist geschlossen; neue Plätze können nicht mehr gekauft werden.",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:measure:any");
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  try {
    if (intent === "accept") await acceptMeasure(user, id);
    else if (intent === "reject") await rejectMeasure(user, id, values);
    else if (intent === "close") await closeMeasure(user, id, values);
    else throw new Response("Unbekannte Aktion", { status: 400 });
    return redirectWithFlash(`/measures/${id}`, DONE[intent]);
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

const STATUS_BADGE: Record<string, string> = { active: "ok", proposed: "warn", rejected: "err", closed: "" };

export default function MeasureDetail() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const x = d.measure;
  const errorFor = (intent: string) => (a && a.intent === intent ? ((a.fieldErrors as Record<string, string>)?.reason ?? null) : null);
  return (
    <>
      <p>
        <Link to="/measures">« Maßnahmenkatalog</Link>
      </p>
      <h1>
        {x.title} <span className={`badge ${STATUS_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
      </h1>
      <p className="muted">
        {x.reference} · {x.typeName} · {x.originLabel}
      </p>
      {a && a.formError && !Object.keys(a.fieldErrors ?? {}).length ? <FormError message={a.formError as string} /> : null}
      <div className="actions">
        {d.canBuy && x.status === "active" ? (
          <Link className="button" to={`/purchases/new?measureId=${x.id}`}>
            Platz kaufen
          </Link>
        ) : null}
        {d.canManage && (x.status === "active" || x.status === "proposed") ? (
          <Link className="button secondary" to={`/measures/${x.id}/edit`}>
            Ändern
          </Link>
        ) : null}
      </div>
      <div className="cards">
        <div className="card">
          <div className="muted">Belegung heute</div>
          <div className="value">{d.occupancyLabel}</div>
        </div>
        <div className="card">
          <div className="muted">Preis</div>
          <div className="value">{x.priceModel === "none" ? "ohne Vergütung" : formatCents(x.priceCents)}</div>
          <div className="muted small">{x.priceModel === "none" ? "" : x.priceModelLabel}</div>
        </div>
        <div className="card">
          <div className="muted">Einkauf möglich</div>
          <div className="value">
            {formatDate(x.validFrom)} – {formatDate(x.validUntil)}
          </div>
        </div>
      </div>
      {x.status === "proposed" && d.canManage ? (
        <section className="panel" aria-labelledby="h-decide">
          <h2 id="h-decide">Vorschlag entscheiden</h2>
          <p>
            Vorgeschlagen von {x.providerName}
            {x.proposedBy ? ` (${x.proposedBy})` : ""} am {formatDateTime(x.createdAt)}. Erst nach der Annahme kann ein Platz gekauft werden.
          </p>
          <Form method="post" className="actions">
            <SubmitButton intent="accept" confirm={`„${x.title}“ in den Katalog aufnehmen? Danach können Plätze gekauft werden.`}>
              Annehmen
            </SubmitButton>
          </Form>
          <h3>Ablehnen</h3>
          <Form method="post">
            <TextArea name="reason" label="Grund der Ablehnung" idPrefix="reject" error={errorFor("reject") ?? undefined} hint="Mindestens 10 Zeichen; der Träger sieht ihn." />
            <SubmitButton intent="reject" danger confirm="Den Vorschlag ablehnen? Das kann nicht rückgängig gemacht werden.">
              Ablehnen
            </SubmitButton>
          </Form>
        </section>
      ) : null}
      {x.statusReason ? (
        <div className="alert alert-warn" role="status">
          {x.status === "rejected" ? "Abgelehnt" : "Geschlossen"}
          {x.decidedBy ? ` von ${x.decidedBy}` : ""}
          {x.decidedAt ? ` am ${formatDateTime(x.decidedAt)}` : ""}: {x.statusReason}
        </div>
      ) : null}
      <MeasureFacts measure={x} staff />
      {d.canManage && x.status === "active" ? (
        <section className="panel" aria-labelledby="h-close">
          <h2 id="h-close">Maßnahme schließen</h2>
          <p className="muted">Danach können keine neuen Plätze gekauft werden. Gekaufte Plätze laufen weiter und werden weiter abgerechnet.</p>
          <Form method="post">
            <TextArea name="reason" label="Grund" idPrefix="close" error={errorFor("close") ?? undefined} hint="Mindestens 10 Zeichen." />
            <SubmitButton intent="close" danger confirm={`„${x.title}“ wirklich schließen? Neue Plätze können dann nicht mehr gekauft werden.`}>
              Schließen
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
