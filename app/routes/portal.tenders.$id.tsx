import { OFFER_STATE_LABELS, type OfferState } from "~/domain/tender";
import { offerUploads } from "~/lib/work-slots.server";
import { json, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { parseEuroToCents } from "~/domain/money";
import { ValidationError } from "~/domain/errors";
import { formatDate, formatDateTime, formatDateTimeSeconds } from "~/domain/time";
import { nowIso } from "~/lib/clock.server";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { submitOffer, withdrawOffer } from "~/services/offers.server";
import { askQuestion, getTenderForProvider } from "~/services/portal-tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";
import { expectedPartsHandler } from "~/lib/uploads.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.tender.reference} – Trägerportal` : "Ausschreibung" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:tender:published");
  return json(await getTenderForProvider(user, idParam(params.id)).catch(loaderError));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  // The arrival time counts for the deadline: taken before the upload is read.
  const arrivedAt = context?.arrivedAt ?? nowIso();
  const id = idParam(params.id);
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    const form = await request.formData();
    const intent = String(form.get("intent") ?? "");
    const user = await requirePermission(request, intent === "question" ? "ask:question:own" : "submit:offer:own");
    try {
      if (intent === "question") {
        await askQuestion(user, id, String(form.get("question") ?? ""));
        return redirectWithFlash(`/portal/tenders/${id}`, "Ihre Frage wurde übermittelt. Die Antwort wird allen Bietern ohne Ihren Namen veröffentlicht.");
      }
      if (intent === "withdraw") {
        await withdrawOffer(user, Number(form.get("offerId")));
        return redirectWithFlash(`/portal/tenders/${id}`, "Ihr Angebot wurde zurückgezogen.");
      }
      throw new Response("Unbekannte Aktion", { status: 400 });
    } catch (error) {
      const failure = actionError(error, { question: form.get("question") });
      return json({ intent, ...(await failure.json()), receipt: null }, { status: failure.status });
    }
  }
  const user = await requirePermission(request, "submit:offer:own");
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, expectedPartsHandler({ maxPartSize: maxBytes, files: ["concept"] }));
  } catch {
    return json({ intent: "offer", ok: false as const, formError: `Die Datei ist zu groß (höchstens ${Math.round(maxBytes / 1048576)} MB).`, fieldErrors: {} as Record<string, string>, values: {}, issues: null, receipt: null }, { status: 400 });
  }
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string") values[k] = v;
  try {
    const lots: { lotId: number; unitPriceCents: number; successFeeCents: number | null }[] = [];
    const priceErrors: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      const m = /^price-(\d+)$/.exec(key);
      if (!m || !value.trim()) continue;
      const cents = parseEuroToCents(value);
      const feeText = values[`fee-${m[1]}`] ?? "";
      const fee = feeText.trim() ? parseEuroToCents(feeText) : null;
      if (cents === null) priceErrors[`lot-${m[1]}`] = "Bitte den Preis in Euro angeben, z. B. 1.234,56.";
      if (feeText.trim() && fee === null) priceErrors[`lot-${m[1]}-fee`] = "Bitte die Erfolgsprämie in Euro angeben.";
      lots.push({ lotId: Number(m[1]), unitPriceCents: cents ?? 0, successFeeCents: fee });
    }
    if (Object.keys(priceErrors).length) throw new ValidationError("Bitte prüfen Sie die Preisangaben.", priceErrors);
    const file = form.get("concept");
    const concept = file instanceof File && file.size > 0 ? { filename: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null;
    // The offer's CPU work waits for a work slot, in arrival order (as in the API).
    const receipt = await offerUploads.run(() =>
      submitOffer(
        user,
        id,
        { lots, declarations: { eligible: values.eligible === "on", noExclusionGrounds: values.noExclusionGrounds === "on", certificateValid: values.certificateValid === "on" }, concept },
        arrivedAt,
      ),
    );
    return json({ intent: "offer", ok: true as const, formError: null, fieldErrors: {} as Record<string, string>, values: {}, issues: null, receipt });
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent: "offer", ...(await failure.json()), receipt: null }, { status: failure.status });
  }
}


const OFFER_SUBMIT_CONFIRM = "Angebot jetzt verbindlich abgeben? Bis zum Ende der Angebotsfrist können Sie es ersetzen oder zurückziehen; danach sind Sie bis zum Ende der Bindefrist an Ihr Angebot gebunden.";
const OFFER_REPLACE_CONFIRM = "Die neue Fassung verbindlich abgeben? Sie ersetzt Ihr bisheriges Angebot; gewertet wird nur die zuletzt eingegangene Fassung.";

export default function PortalTender() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = d.tender;
  const errors = (a?.intent === "offer" ? a.fieldErrors : {}) as Record<string, string>;
  const values = (a?.intent === "offer" ? a.values : {}) as Record<string, string>;
  const current = d.offers.find((o) => o.status === "submitted");
  return (
    <>
      <p>
        <Link to="/portal/tenders">« Ausschreibungen</Link>
      </p>
      <h1>
        {t.reference}: {t.title} <span className="badge">{d.statusLabel}</span>
      </h1>
      {a?.receipt ? (
        <div className="alert alert-ok" role="status" id="receipt">
          <strong>Ihr Angebot ist eingegangen.</strong> Eingang: {formatDateTimeSeconds(a.receipt.receivedAt)} · Fassung {a.receipt.version} · Prüfwert SHA-256: <span className="mono">{a.receipt.sha256}</span>.{" "}
          <a href={`/offers/${a.receipt.offerId}/receipt`}>Eingangsbestätigung als PDF</a>
        </div>
      ) : null}
      <div className="grid">
        <section className="panel" aria-labelledby="h-facts">
          <h2 id="h-facts">Eckdaten</h2>
          <dl className="facts">
            <dt>Maßnahme</dt>
            <dd>{d.measure}</dd>
            <dt>Verfahren</dt>
            <dd>{d.procedure}</dd>
            <dt>Rechtsgrundlage</dt>
            <dd>{t.legalBasis}</dd>
            <dt>Bieterfragen bis</dt>
            <dd>{formatDateTime(t.questionsUntil)}</dd>
            <dt>Angebote bis</dt>
            <dd>
              <strong>{formatDateTime(t.offersUntil)}</strong>
            </dd>
            <dt>Bindefrist</dt>
            <dd>{formatDate(t.bindingUntil)}</dd>
          </dl>
          {d.documents.length ? (
            <>
              <h3>Vergabeunterlagen</h3>
              <ul>
                {d.documents.map((doc) => (
                  <li key={doc.id}>
                    <a href={`/portal/tenders/${t.id}/document?doc=${doc.id}`}>{doc.title}</a> <span className="muted">({Math.max(1, Math.round(doc.size / 1024))} KB, PDF)</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <section className="panel" aria-labelledby="h-criteria">
          <h2 id="h-criteria">Zuschlagskriterien</h2>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Kriterium</th>
                <th scope="col" className="num">
                  Gewichtung
                </th>
              </tr>
            </thead>
            <tbody>
              {d.criteria.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.name}
                    {c.description ? <div className="muted">{c.description}</div> : null}
                    {c.methodWords ? <div className="muted">{c.methodWords}</div> : null}
                  </td>
                  <td className="num">{c.weight} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {t.description ? (
        <section className="panel">
          <h2>Beschreibung</h2>
          <p>{t.description}</p>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="h-offer">
        <h2 id="h-offer">Ihr Angebot</h2>
        {a?.intent === "offer" && a.formError ? <FormError message={a.formError} /> : null}
        {d.offers.length ? (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Fassung</th>
                <th scope="col">Eingang</th>
                <th scope="col">Prüfwert SHA-256</th>
                <th scope="col">Status</th>
                <th scope="col">Belege</th>
              </tr>
            </thead>
            <tbody>
              {d.offers.map((o) => (
                <tr key={o.id}>
                  <td>{o.version}</td>
                  <td>{formatDateTimeSeconds(o.receivedAt)}</td>
                  <td className="mono">{o.receivedSha256.slice(0, 16)}…</td>
                  <td>{OFFER_STATE_LABELS[o.status as OfferState] ?? o.status}</td>
                  <td>
                    <a href={`/offers/${o.id}/receipt`}>Eingangsbestätigung</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Sie haben noch kein Angebot abgegeben.</p>
        )}
        {d.acceptsOffers && current ? (
          <Form method="post">
            <input type="hidden" name="offerId" value={current.id} />
            <SubmitButton intent="withdraw" danger confirm="Ihr Angebot zurückziehen? Sie können bis zum Fristende ein neues abgeben.">
              Angebot zurückziehen
            </SubmitButton>
          </Form>
        ) : null}
        {d.acceptsOffers ? (
          <Form key={d.offers.length} method="post" encType="multipart/form-data" className="form" noValidate>
            <h3>{current ? "Angebot ersetzen (die neue Fassung zählt)" : "Angebot abgeben"}</h3>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Los</th>
                  <th scope="col">Preis (€)</th>
                  <th scope="col">Erfolgsprämie (€)</th>
                </tr>
              </thead>
              <tbody>
                {d.lots.map((l) => (
                  <tr key={l.id}>
                    <td>
                      <label htmlFor={`price-${l.id}`}>
                        Los {l.number}: {l.title} ({l.quantity} {l.priceUnit === "place_month" ? "Plätze" : "Teilnehmer"}, {l.durationMonths} Monate) – Preis {l.priceUnitLabel}
                      </label>
                    </td>
                    <td>
                      <input id={`price-${l.id}`} name={`price-${l.id}`} inputMode="decimal" defaultValue={values[`price-${l.id}`]} aria-invalid={errors[`lot-${l.id}`] ? true : undefined} />
                      {errors[`lot-${l.id}`] ? <div className="error">{errors[`lot-${l.id}`]}</div> : null}
                    </td>
                    <td>
                      {l.priceUnit === "participant_success" ? (
                        <>
                          <label className="sr-only" htmlFor={`fee-${l.id}`}>
                            Erfolgsprämie Los {l.number}
                          </label>
                          <input id={`fee-${l.id}`} name={`fee-${l.id}`} inputMode="decimal" defaultValue={values[`fee-${l.id}`]} />
                          {errors[`lot-${l.id}-fee`] ? <div className="error">{errors[`lot-${l.id}-fee`]}</div> : null}
                        </>
                      ) : (
                        "–"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {errors.lots ? <div className="error">{errors.lots}</div> : null}
            <div className="field">
              <label htmlFor="concept">Konzept (PDF)</label>
              <input id="concept" name="concept" type="file" accept="application/pdf,.pdf" />
              {errors.concept ? <div className="error">{errors.concept}</div> : null}
            </div>
            <fieldset>
              <legend>Erklärungen</legend>
              {[
                ["eligible", "Wir erfüllen die Eignungsanforderungen (Fachkunde, Leistungsfähigkeit)."],
                ["noExclusionGrounds", "Es liegen keine Ausschlussgründe nach §§ 123, 124 GWB vor."],
                ["certificateValid", "Unsere Trägerzulassung (AZAV) ist am Ende der Angebotsfrist gültig."],
              ].map(([name, label]) => (
                <div key={name} className="field">
                  <label>
                    <input type="checkbox" name={name} defaultChecked={values[name] === "on"} /> {label}
                  </label>
                  {errors[name] ? <div className="error">{errors[name]}</div> : null}
                </div>
              ))}
            </fieldset>
            <button
              type="submit"
              className="button"
              disabled={busy}
              onClick={(e) => {
                if (!window.confirm(current ? OFFER_REPLACE_CONFIRM : OFFER_SUBMIT_CONFIRM)) e.preventDefault();
              }}
            >
              {busy ? "Wird übermittelt …" : current ? "Neue Fassung abgeben" : "Angebot verbindlich abgeben"}
            </button>
          </Form>
        ) : (
          <p className="muted">Die Angebotsabgabe ist nicht (mehr) möglich.</p>
        )}
      </section>

      <section className="panel" aria-labelledby="h-questions">
        <h2 id="h-questions">Bieterfragen</h2>
        {d.questions.length === 0 ? <p className="muted">Noch keine veröffentlichten Antworten.</p> : null}
        {d.questions.map((q) => (
          <div key={q.id} className="panel">
            <p>
              <strong>Frage{q.own ? " (Ihre)" : ""}:</strong> {q.question}
            </p>
            <p>{q.answeredAt ? <><strong>Antwort ({formatDateTime(q.answeredAt)}):</strong> {q.answer}</> : <span className="muted">noch nicht beantwortet</span>}</p>
          </div>
        ))}
        {d.acceptsQuestions ? (
          <Form method="post" noValidate>
            {a?.intent === "question" ? <FormError message={a.formError} /> : null}
            <div className="field">
              <label htmlFor="question">Ihre Frage an die Vergabestelle</label>
              <textarea id="question" name="question" rows={3} />
            </div>
            <SubmitButton intent="question">Frage stellen</SubmitButton>
          </Form>
        ) : null}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
