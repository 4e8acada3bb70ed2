import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import type { AgreementEvent } from "~/domain/placement-agreement.machine";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { agreementDocument, getAgreement, transitionAgreement } from "~/services/placement-agreements.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { AGREEMENT_BADGE } from "~/ui/staff-placement";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.agreement.reference} – Vermittlungsvereinbarung` : "Vermittlungsvereinbarung" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const detail = await getAgreement(user, idParam(params.id)).catch(loaderError);
  return json({ ...detail, canManage: can(user.role, "manage:agreement:any") });
}

const TRANSITIONS: Record<string, { label: string; done: string; confirm: string; danger: boolean; reason: boolean }> = {
  withdraw_offer: {
    label: "Angebot zurückziehen",
    done: "Das Angebot wurde zurückgezogen.",
    confirm: "Das Angebot wirklich zurückziehen? Der Vermittler kann die Vereinbarung dann nicht mehr annehmen.",
    danger: true,
    reason: true,
  },
  suspend: {
    label: "Ruhend stellen",
    done: "Die Vereinbarung ruht. Neue Zuweisungen an den Vermittler sind bis zur Wiederaufnahme nicht möglich.",
    confirm: "Die Vereinbarung ruhend stellen?",
    danger: false,
    reason: true,
  },
  resume: { label: "Wieder aufnehmen", done: "Die Vereinbarung ist wieder aktiv.", confirm: "Die Vereinbarung wieder aufnehmen?", danger: false, reason: false },
  terminate: { label: "Kündigen", done: "Die Vereinbarung wurde gekündigt.", confirm: "Die Vereinbarung wirklich kündigen? Das kann nicht rückgängig gemacht werden.", danger: true, reason: true },
};

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  const user = await requirePermission(request, intent === "pdf" ? "read:placement:any" : "manage:agreement:any");
  try {
    if (intent === "pdf") {
      const doc = await agreementDocument(user, id);
      return redirect(`/documents/${doc.id}`);
    }
    const t = TRANSITIONS[intent];
    if (!t) throw new Response("Unbekannte Aktion", { status: 400 });
    await transitionAgreement(user, id, intent as AgreementEvent, values);
    return redirectWithFlash(`/agreements/${id}`, t.done);
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function AgreementDetail() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const ag = d.agreement;
  const events = d.events.filter((e) => TRANSITIONS[e]);
  const needsReason = events.some((e) => TRANSITIONS[e].reason);
  const reasonError = a && TRANSITIONS[a.intent] ? (a.formError as string) : null;
  return (
    <>
      <p>
        <Link to="/agreements">« Vermittlungsvereinbarungen</Link>
      </p>
      <h1>
        Vermittlungsvereinbarung {ag.reference} <span className={`badge ${AGREEMENT_BADGE[ag.status] ?? ""}`}>{ag.statusLabel}</span>
      </h1>
      {d.admissionProblem && ["offered", "active", "suspended"].includes(ag.status) ? (
        <div className="alert alert-warn" role="status">
          Zulassungsvoraussetzung derzeit nicht erfüllt: {d.admissionProblem}
        </div>
      ) : null}
      {a?.formError && !TRANSITIONS[a.intent] ? <FormError message={a.formError as string} /> : null}
      <div className="actions">
        {/* The answer is a PDF: a document navigation, not a client-side one (DESIGN.md § 7). */}
        <Form method="post" reloadDocument>
          <button type="submit" name="intent" value="pdf" className="button secondary">
            Vereinbarung als PDF
          </button>
        </Form>
        <Link className="button secondary" to={`/placements?provider=${d.provider.id}`}>
          Vermittlungsnachweise dieses Vermittlers
        </Link>
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="h-agreement">
          <h2 id="h-agreement">Vereinbarung</h2>
          <dl className="facts">
            <dt>Vermittler</dt>
            <dd>
              <Link to={`/providers/${d.provider.id}`}>{d.provider.name}</Link>
              {d.provider.city ? <span className="muted"> · {d.provider.city}</span> : null}
            </dd>
            <dt>Gewerbeanzeige</dt>
            <dd>{d.provider.tradeRegistrationDate ? `vom ${formatDate(d.provider.tradeRegistrationDate)}` : "nicht erfasst"}</dd>
            <dt>Rechtsgrundlage</dt>
            <dd>{ag.legalBasisLabel}</dd>
            <dt>Laufzeit</dt>
            <dd>
              {formatDate(ag.validFrom)} – {formatDate(ag.validUntil)}
            </dd>
            <dt>Status</dt>
            <dd>
              {ag.statusLabel}
              {ag.statusReason ? <div className="muted">Begründung: {ag.statusReason}</div> : null}
            </dd>
            <dt>Angeboten</dt>
            <dd>{ag.offeredAt ? `${formatDateTime(ag.offeredAt)}${ag.offeredByName ? ` von ${ag.offeredByName}` : ""}` : "–"}</dd>
            <dt>Angenommen</dt>
            <dd>{ag.acceptedAt ? `${formatDateTime(ag.acceptedAt)}${ag.acceptedByName ? ` von ${ag.acceptedByName}` : ""}` : "noch nicht angenommen"}</dd>
            {ag.renewedFromId ? (
              <>
                <dt>Verlängerung von</dt>
                <dd>
                  <Link to={`/agreements/${ag.renewedFromId}`}>Vorgängervereinbarung</Link>
                </dd>
              </>
            ) : null}
            <dt>Zuletzt geändert</dt>
            <dd>{formatDateTime(ag.updatedAt)}</dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-schedule">
          <h2 id="h-schedule">Vergütungsregelung</h2>
          {d.schedule ? (
            <>
              <p>
                <strong>{d.schedule.name}</strong> <span className="muted">({d.schedule.code})</span>
              </p>
              <dl className="facts">
                <dt>Grundbetrag</dt>
                <dd>{d.schedule.base}</dd>
                <dt>Raten</dt>
                <dd>
                  <ul>
                    {d.schedule.instalments.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </dd>
                <dt>Beträge</dt>
                <dd>
                  <ul>
                    {d.schedule.rates.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </dd>
              </dl>
              <p>
                <Link to="/agreements/schedules">Alle Vergütungsregelungen</Link>
              </p>
            </>
          ) : (
            <p className="muted">Keine Vergütungsregelung hinterlegt.</p>
          )}
        </section>
      </div>
      {d.canManage && events.length ? (
        <section className="panel" aria-labelledby="h-transitions">
          <h2 id="h-transitions">Status ändern</h2>
          <Form method="post" noValidate>
            {reasonError ? <FormError message={reasonError} /> : null}
            {needsReason ? (
              <div className={`field${reasonError ? " field-error" : ""}`}>
                <label htmlFor="reason">Begründung</label>
                <textarea
                  id="reason"
                  name="reason"
                  rows={2}
                  defaultValue={a && TRANSITIONS[a.intent] ? String((a.values as Record<string, unknown>).reason ?? "") : ""}
                  aria-describedby="reason-hint"
                />
                <div className="hint" id="reason-hint">
                  Pflicht beim Ruhendstellen, Kündigen und Zurückziehen (mindestens 10 Zeichen); der Vermittler erhält sie per E-Mail.
                </div>
              </div>
            ) : null}
            <div className="actions">
              {events.map((e) => (
                <SubmitButton key={e} intent={e} danger={TRANSITIONS[e].danger} confirm={TRANSITIONS[e].confirm}>
                  {TRANSITIONS[e].label}
                </SubmitButton>
              ))}
            </div>
          </Form>
        </section>
      ) : null}
      <section className="panel" aria-labelledby="h-terms">
        <h2 id="h-terms">Vertragsbedingungen</h2>
        {d.terms ? (
          <>
            <h3>{d.terms.title}</h3>
            <div style={{ whiteSpace: "pre-wrap" }}>{d.terms.body}</div>
          </>
        ) : (
          <p className="muted">Es gelten die veröffentlichten Zulassungsbedingungen; für diese Vereinbarung sind keine eigenen Bedingungen hinterlegt.</p>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
