import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { PRICE_UNIT_LABELS, PRICE_UNITS, REGIME_LABELS, type Regime } from "~/domain/tender";
import { CRITERION_KIND_LABELS, DEFAULT_METHOD, FIGURE_TYPES, figureTypeOf, lowerIsBetter, PP_MEASURES, PP_MEASURE_LABELS, type PastPerformanceMethod } from "~/domain/past-performance";
import { criteriaFromForm, deadlinesFromForm, lotFromForm } from "~/domain/tender-forms";
import { formatDate, formatDateTime, utcToBerlinLocal } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { confirmOpening } from "~/services/offers.server";
import { answerQuestion } from "~/services/portal-tenders.server";
import { cancelTender, getTenderForStaff, publishTender, removeLot, saveLot, setCriteria, setDeadlines, setRecordNote, updateTender, deleteTender } from "~/services/tenders.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, RemoveButton, Select, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";
import { TenderForm } from "~/ui/tender-form";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.tender.reference} – Ausschreibung` : "Ausschreibung" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:tender:any");
  const detail = await getTenderForStaff(idParam(params.id)).catch(loaderError);
  return json({ ...detail, canManage: can(user.role, "manage:tender:any"), canOpen: can(user.role, "open:tender:any"), userId: user.id });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  const user = await requirePermission(request, intent === "confirm-opening" ? "open:tender:any" : "manage:tender:any");
  const back = (msg: string) => redirectWithFlash(`/tenders/${id}`, msg);
  try {
    switch (intent) {
      case "update":
        await updateTender(user, id, values);
        return back("Angaben gespeichert.");
      case "add-lot":
        await saveLot(user, id, null, lotFromForm(values));
        return back("Los angelegt.");
      case "remove-lot":
        await removeLot(user, id, Number(values.lotId));
        return back("Los entfernt.");
      case "criteria":
        await setCriteria(user, id, criteriaFromForm(values));
        return back("Zuschlagskriterien gespeichert.");
      case "deadlines":
        await setDeadlines(user, id, deadlinesFromForm(values));
        return back("Fristen gespeichert.");
      case "publish":
        await publishTender(user, id);
        return back("Die Ausschreibung ist veröffentlicht. Kriterien, Gewichtungen und Lose sind jetzt eingefroren.");
      case "delete":
        await deleteTender(user, id);
        return redirectWithFlash("/tenders", "Die Ausschreibung wurde gelöscht.");
      case "cancel":
        await cancelTender(user, id, String(values.reason ?? ""));
        return back("Die Ausschreibung wurde aufgehoben.");
      case "record-note":
        await setRecordNote(user, id, String(values.key ?? ""), String(values.text ?? ""));
        return back("Vermerk zur Vergabeakte gespeichert.");
      case "answer":
        await answerQuestion(user, Number(values.questionId), String(values.answer ?? ""));
        return back("Antwort veröffentlicht; Bieter mit abgerufenen Unterlagen werden per E-Mail informiert.");
      case "confirm-opening": {
        const r = await confirmOpening(user, id);
        return back(r.opened ? "Die Angebote sind geöffnet; die Niederschrift wurde erstellt." : "Ihre Bestätigung ist vermerkt. Eine zweite Person der Vergabestelle muss die Öffnung bestätigen.");
      }
      default:
        throw new Response("Unbekannte Aktion", { status: 400 });
    }
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

const RECORD_NOTES: [string, string][] = [
  ["procedureReasons", "Gründe für die Wahl der Verfahrensart"],
  ["lotReasons", "Gründe für die Zusammenfassung von Losen oder fehlende Gewichtungen"],
  ["conflictsOfInterest", "Interessenkonflikte und getroffene Maßnahmen"],
  ["subcontracting", "Anteil und Gegenstand der Unteraufträge"],
  ["nonElectronicReasons", "Gründe für eine nichtelektronische Angebotsabgabe"],
];

export default function TenderDetail() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const t = d.tender;
  const draft = t.status === "draft";
  const err = (intent: string) => (a?.intent === intent ? (a.fieldErrors as Record<string, string>) : {});
  const val = (intent: string) => (a?.intent === intent ? (a.values as Record<string, string>) : {});
  const regime = (draft ? d.liveRegime.regime : t.regime) as Regime;
  const stored = [
    ...d.criteria.map((c) => ({
      name: c.name,
      weight: String(c.weight),
      isPrice: c.isPrice,
      description: c.description,
      kind: c.kind,
    })),
    ...Array.from({ length: Math.max(2, 5 - d.criteria.length) }, () => ({
      name: "",
      weight: "",
      isPrice: false,
      description: "",
      kind: "quality",
    })),
  ];
  // After a refused save the rows show what was entered (nothing lost on bad input).
  const cv = val("criteria");
  const criteriaRows =
    a?.intent === "criteria"
      ? stored.map((_, i) => ({
          name: cv[`c-name-${i}`] ?? "",
          weight: cv[`c-weight-${i}`] ?? "",
          isPrice: cv["c-price"] === String(i),
          description: cv[`c-desc-${i}`] ?? "",
          kind: cv[`c-kind-${i}`] ?? "quality",
        }))
      : stored;
  const ppStored = (d.criteria.find((c) => c.kind === "past_performance")?.method ?? null) as PastPerformanceMethod | null;
  const ppMethod = ppStored ?? DEFAULT_METHOD(t.measureType, t.maxPoints);
  const confirmedByMe = d.confirmations.some((c) => c.userId === d.userId);
  return (
    <>
      <p>
        <Link to="/tenders">« Ausschreibungen</Link>
      </p>
      <h1>
        {t.reference}: {t.title} <span className="badge">{d.statusLabel}</span>
      </h1>
      {a?.formError && !Object.keys(a.fieldErrors ?? {}).length ? <FormError message={a.formError} /> : null}
      <div className="cards">
        <div className="card">
          <div className="muted">Geschätzter Auftragswert (§ 3 VgV)</div>
          <div className="value">{formatCents(draft ? d.liveRegime.valueCents : t.estimatedValueCents)}</div>
        </div>
        <div className="card">
          <div className="muted">Anwendbares Recht</div>
          <div>
            <strong>{REGIME_LABELS[regime]}</strong>
          </div>
          <div className="muted">{d.procedureLabel}</div>
        </div>
        <div className="card">
          <div className="muted">Angebote bis</div>
          <div className="value">{formatDateTime(t.offersUntil)}</div>
        </div>
        <div className="card">
          <div className="muted">Eingegangene Angebote</div>
          <div className="value">{d.offerCount}</div>
          {["draft", "published", "offers_closed"].includes(t.status) ? <div className="muted">Inhalte versiegelt bis zur Öffnung</div> : null}
        </div>
      </div>
      <p className="muted">{draft ? d.liveRegime.reason : t.regimeReason}</p>
      <div className="actions">
        {["opened", "evaluated", "award_decided", "bidders_informed", "awarded"].includes(t.status) && d.canOpen ? (
          <Link className="button" to={`/tenders/${t.id}/evaluation`}>
            Wertung und Zuschlag
          </Link>
        ) : null}
        {/* The answer is a PDF: a document navigation, not a client-side one (DESIGN.md § 7). */}
        <Form method="post" action={`/tenders/${t.id}/record`} reloadDocument>
          <button type="submit" className="button secondary">
            Vergabevermerk (PDF)
          </button>
        </Form>
        <a className="button secondary" href={`/tenders/${t.id}/ocds.json`}>
          OCDS-Export
        </a>
      </div>

      {draft && d.canManage ? (
        <section className="panel" aria-labelledby="h-publish">
          <h2 id="h-publish">Veröffentlichen</h2>
          {d.publicationProblems.length ? (
            <div className="alert alert-warn">
              Vor der Veröffentlichung fehlt noch:
              <ul>
                {d.publicationProblems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p>Alle Angaben sind vollständig. Mit der Veröffentlichung werden Lose, Zuschlagskriterien und Gewichtungen eingefroren.</p>
          )}
          <Form method="post">
            <SubmitButton intent="publish" confirm="Ausschreibung jetzt veröffentlichen? Kriterien, Gewichtungen und Lose können danach nicht mehr geändert werden.">
              Veröffentlichen
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      {t.status === "offers_closed" && d.canOpen ? (
        <section className="panel" aria-labelledby="h-open">
          <h2 id="h-open">Angebotsöffnung (zwei Personen)</h2>
          <p>Die Angebotsfrist ist abgelaufen. Die Angebote werden erst lesbar, wenn zwei verschiedene Personen der Vergabestelle die Öffnung bestätigt haben.</p>
          {d.confirmations.length ? <p>Bestätigt von: {d.confirmations.map((c) => `${c.name} (${formatDateTime(c.at)})`).join(", ")}</p> : null}
          {confirmedByMe ? (
            <p className="muted">Sie haben bereits bestätigt; jetzt muss eine zweite Person bestätigen.</p>
          ) : (
            <Form method="post">
              <SubmitButton intent="confirm-opening" confirm="Öffnung der Angebote bestätigen?">
                Öffnung bestätigen
              </SubmitButton>
            </Form>
          )}
        </section>
      ) : null}

      <section className="panel" aria-labelledby="h-master">
        <h2 id="h-master">Angaben</h2>
        {draft && d.canManage ? (
          <TenderForm intent="update" values={a?.intent === "update" ? a.values : t} errors={err("update")} formError={a?.intent === "update" ? a.formError : null} submitLabel="Angaben speichern" />
        ) : (
          <dl className="facts">
            <dt>Maßnahme</dt>
            <dd>{d.measureLabel}</dd>
            <dt>Rechtsgrundlage</dt>
            <dd>{t.legalBasis}</dd>
            <dt>Verfahrensart</dt>
            <dd>{d.procedureLabel}</dd>
            <dt>Beschreibung</dt>
            <dd>{t.description || "–"}</dd>
          </dl>
        )}
      </section>

      <section className="panel" aria-labelledby="h-lots">
        <h2 id="h-lots">Lose</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Los</th>
              <th scope="col">Titel</th>
              <th scope="col" className="num">
                Plätze / Teilnehmer
              </th>
              <th scope="col">Region</th>
              <th scope="col">Beginn</th>
              <th scope="col" className="num">
                Monate
              </th>
              <th scope="col">Preiseinheit</th>
              <th scope="col" className="num">
                Schätzpreis
              </th>
              <th scope="col" className="num">
                Wert
              </th>
              {draft && d.canManage ? <th scope="col">Aktion</th> : null}
            </tr>
          </thead>
          <tbody>
            {d.lots.length === 0 ? (
              <tr>
                <td colSpan={10} className="muted">
                  Noch kein Los.
                </td>
              </tr>
            ) : null}
            {d.lots.map((l) => (
              <tr key={l.id}>
                <td>{l.number}</td>
                <td>{l.title}</td>
                <td className="num">{l.quantity}</td>
                <td>{l.region || "–"}</td>
                <td>{formatDate(l.startDate)}</td>
                <td className="num">{l.durationMonths}</td>
                <td>{l.priceUnitLabel}</td>
                <td className="num">
                  {formatCents(l.estimatedUnitPriceCents)}
                  {l.estimatedSuccessFeeCents ? ` + ${formatCents(l.estimatedSuccessFeeCents)}` : ""}
                </td>
                <td className="num">{formatCents(l.valueCents)}</td>
                {draft && d.canManage ? (
                  <td>
                    <RemoveButton intent="remove-lot" field="lotId" value={l.id} confirm={`Los ${l.number} entfernen?`} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {draft && d.canManage ? (
          <details open={a?.intent === "add-lot" || d.lots.length === 0}>
            <summary>Los hinzufügen</summary>
            <Form key={d.lots.length} method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="add-lot" />
              {a?.intent === "add-lot" ? <FormError message={a.formError} /> : null}
              <div className="form-grid">
                <Field idPrefix="lot" name="title" label="Titel des Loses" required defaultValue={val("add-lot").title} error={err("add-lot").title} />
                <Field idPrefix="lot" name="quantity" label="Plätze / Teilnehmer" required inputMode="numeric" defaultValue={val("add-lot").quantity} error={err("add-lot").quantity} />
                <Field idPrefix="lot" name="region" label="Region" defaultValue={val("add-lot").region ?? "Landkreis Kamenz"} error={err("add-lot").region} />
                <Field idPrefix="lot" name="startDate" label="Beginn" type="date" required defaultValue={val("add-lot").startDate} error={err("add-lot").startDate} />
                <Field idPrefix="lot" name="durationMonths" label="Laufzeit (Monate)" required inputMode="numeric" defaultValue={val("add-lot").durationMonths} error={err("add-lot").durationMonths} />
                <Select name="priceUnit" label="Preiseinheit" required defaultValue={val("add-lot").priceUnit ?? "place_month"} error={err("add-lot").priceUnit} options={PRICE_UNITS.map((p) => ({ value: p, label: PRICE_UNIT_LABELS[p] }))} />
                <Field idPrefix="lot" name="estimatedUnitPrice" label="Geschätzter Preis je Einheit (€)" required inputMode="decimal" defaultValue={val("add-lot").estimatedUnitPrice} error={err("add-lot").estimatedUnitPrice} hint="Grundlage der Auftragswertschätzung, z. B. 950,00" />
                <Field idPrefix="lot" name="estimatedSuccessFee" label="Geschätzte Erfolgsprämie (€, optional)" inputMode="decimal" defaultValue={val("add-lot").estimatedSuccessFee} error={err("add-lot").estimatedSuccessFee} />
              </div>
              <button type="submit" className="button">
                Los speichern
              </button>
            </Form>
          </details>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="h-criteria">
        <h2 id="h-criteria">Zuschlagskriterien und Gewichtung</h2>
        {draft && d.canManage ? (
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="criteria" />
            {a?.intent === "criteria" ? <FormError message={a.formError} /> : null}
            <p className="muted">
              Die Gewichtungen müssen zusammen 100 ergeben; genau ein Kriterium ist der Preis. Wertung: gewichtete Punkte. Qualitätskriterien erhalten 0 bis {t.maxPoints} Punkte; beim Preis erhält das
              niedrigste Angebot die volle Punktzahl, jedes andere Höchstpunktzahl × niedrigster Preis ÷ eigener Preis.
            </p>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Kriterium</th>
                  <th scope="col">Gewichtung (%)</th>
                  <th scope="col">Preis?</th>
                  <th scope="col">Art</th>
                  <th scope="col">Erläuterung</th>
                </tr>
              </thead>
              <tbody>
                {criteriaRows.map((c, i) => (
                  <tr key={i}>
                    <td>
                      <label className="sr-only" htmlFor={`c-name-${i}`}>
                        Kriterium {i + 1}
                      </label>
                      <input id={`c-name-${i}`} name={`c-name-${i}`} defaultValue={c.name} />
                    </td>
                    <td>
                      <label className="sr-only" htmlFor={`c-weight-${i}`}>
                        Gewichtung {i + 1}
                      </label>
                      <input id={`c-weight-${i}`} name={`c-weight-${i}`} defaultValue={c.weight} inputMode="numeric" size={4} />
                    </td>
                    <td>
                      <label className="sr-only" htmlFor={`c-price-${i}`}>
                        Kriterium {i + 1} ist der Preis
                      </label>
                      <input id={`c-price-${i}`} type="radio" name="c-price" value={i} defaultChecked={c.isPrice} />
                    </td>
                    <td>
                      <label className="sr-only" htmlFor={`c-kind-${i}`}>
                        Art von Kriterium {i + 1}
                      </label>
                      <select id={`c-kind-${i}`} name={`c-kind-${i}`} defaultValue={c.kind}>
                        <option value="quality">{CRITERION_KIND_LABELS.quality}</option>
                        <option value="past_performance">{CRITERION_KIND_LABELS.past_performance}</option>
                      </select>
                    </td>
                    <td>
                      <label className="sr-only" htmlFor={`c-desc-${i}`}>
                        Erläuterung {i + 1}
                      </label>
                      <input id={`c-desc-${i}`} name={`c-desc-${i}`} defaultValue={c.description} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <PastPerformanceFields open={!!ppStored || Object.keys(cv).some((k) => k.startsWith("c-kind-") && cv[k] === "past_performance")} method={ppMethod} values={a?.intent === "criteria" ? cv : {}} errors={err("criteria")} maxPoints={t.maxPoints} />
            <p>
              <button type="submit" className="button">
                Kriterien speichern
              </button>
            </p>
          </Form>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Kriterium</th>
                <th scope="col" className="num">
                  Gewichtung
                </th>
                <th scope="col">Erläuterung</th>
              </tr>
            </thead>
            <tbody>
              {d.criteria.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.name} {c.isPrice ? <span className="badge">Preis</span> : null}
                    {c.kind === "past_performance" ? <span className="badge">Vorleistung (berechnet)</span> : null}
                  </td>
                  <td className="num">{c.weight} %</td>
                  <td>
                    {c.description || (c.methodWords ? "" : "–")}
                    {c.methodWords ? <div className="muted">{c.methodWords}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="h-deadlines">
        <h2 id="h-deadlines">Fristen (Ortszeit Berlin)</h2>
        {draft && d.canManage ? (
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="deadlines" />
            {a?.intent === "deadlines" ? <FormError message={a.formError} /> : null}
            <div className="form-grid">
              <Field name="questionsUntil" label="Bieterfragen bis" type="datetime-local" defaultValue={val("deadlines").questionsUntil ?? (t.questionsUntil ? utcToBerlinLocal(t.questionsUntil) : "")} error={err("deadlines").questionsUntil} />
              <Field name="offersUntil" label="Angebote bis" type="datetime-local" required defaultValue={val("deadlines").offersUntil ?? (t.offersUntil ? utcToBerlinLocal(t.offersUntil) : "")} error={err("deadlines").offersUntil} />
              <Field name="bindingUntil" label="Bindefrist bis" type="date" defaultValue={val("deadlines").bindingUntil ?? t.bindingUntil ?? ""} error={err("deadlines").bindingUntil} />
            </div>
            <button type="submit" className="button">
              Fristen speichern
            </button>
          </Form>
        ) : (
          <dl className="facts">
            <dt>Bieterfragen bis</dt>
            <dd>{formatDateTime(t.questionsUntil)}</dd>
            <dt>Angebote bis</dt>
            <dd>{formatDateTime(t.offersUntil)}</dd>
            <dt>Bindefrist bis</dt>
            <dd>{formatDate(t.bindingUntil)}</dd>
            <dt>Veröffentlicht</dt>
            <dd>{formatDateTime(t.publishedAt)}</dd>
            <dt>Geöffnet</dt>
            <dd>{formatDateTime(t.openedAt)}</dd>
          </dl>
        )}
      </section>

      <section className="panel" aria-labelledby="h-questions">
        <h2 id="h-questions">Bieterfragen</h2>
        {d.questions.length === 0 ? <p className="muted">Keine Fragen.</p> : null}
        {d.questions.map((q) => (
          <div key={q.id} className="panel">
            <p>
              <strong>Frage vom {formatDateTime(q.askedAt)}:</strong> {q.question}
            </p>
            {q.answeredAt ? (
              <p>
                <strong>Antwort ({formatDateTime(q.answeredAt)}):</strong> {q.answer}
              </p>
            ) : d.canManage ? (
              <Form method="post" noValidate>
                <input type="hidden" name="questionId" value={q.id} />
                <div className="field">
                  <label htmlFor={`answer-${q.id}`}>Antwort (wird allen Bietern ohne Namen des Fragenden veröffentlicht)</label>
                  <textarea id={`answer-${q.id}`} name="answer" rows={3} />
                </div>
                <SubmitButton intent="answer">Antwort veröffentlichen</SubmitButton>
              </Form>
            ) : (
              <p className="muted">noch nicht beantwortet</p>
            )}
          </div>
        ))}
      </section>

      {d.canManage ? (
        <section className="panel" aria-labelledby="h-notes">
          <h2 id="h-notes">Vermerke zur Vergabeakte (§ 8 Abs. 2 VgV)</h2>
          <div className="grid">
            {RECORD_NOTES.map(([key, label]) => (
              <Form method="post" key={key} noValidate>
                <input type="hidden" name="key" value={key} />
                <div className="field">
                  <label htmlFor={`note-${key}`}>{label}</label>
                  <textarea id={`note-${key}`} name="text" rows={3} defaultValue={(t.recordNotes as Record<string, string>)[key] ?? ""} />
                </div>
                <SubmitButton intent="record-note">Speichern</SubmitButton>
              </Form>
            ))}
          </div>
        </section>
      ) : null}

      {d.canManage && (draft || t.status === "published") ? (
        <section className="panel" aria-labelledby="h-attach">
          <h2 id="h-attach">Anlage zu den Vergabeunterlagen hinzufügen</h2>
          <Form method="post" action={`/tenders/${t.id}/attachments`} encType="multipart/form-data" className="form narrow">
            <div className="field">
              <label htmlFor="file">PDF-Datei</label>
              <input id="file" name="file" type="file" accept="application/pdf,.pdf" required />
            </div>
            <button type="submit" className="button">
              Anlage hochladen
            </button>
          </Form>
        </section>
      ) : null}

      {d.documents.length ? (
        <section className="panel" aria-labelledby="h-docs">
          <h2 id="h-docs">Dokumente der Vergabeakte</h2>
          <ul>
            {d.documents.map((doc) => (
              <li key={doc.id}>
                <a href={`/documents/${doc.id}`}>{doc.title}</a> <span className="muted">· {formatDateTime(doc.createdAt)} · SHA-256 {doc.sha256.slice(0, 12)}…</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {d.canManage && !["awarded", "cancelled"].includes(t.status) ? (
        <section className="panel" aria-labelledby="h-cancel">
          <h2 id="h-cancel">Verfahren aufheben</h2>
          <Form method="post" noValidate>
            {a?.intent === "cancel" ? <FormError message={a.formError} /> : null}
            <div className="field">
              <label htmlFor="reason">Begründung der Aufhebung</label>
              <textarea id="reason" name="reason" rows={2} defaultValue={val("cancel").reason} />
            </div>
            <SubmitButton intent="cancel" danger confirm="Das Vergabeverfahren wirklich aufheben? Das kann nicht rückgängig gemacht werden; Bieter werden benachrichtigt.">
              Aufheben
            </SubmitButton>
          </Form>
        </section>
      ) : null}
      {d.contracts.length ? (
        <section className="panel" aria-labelledby="h-contracts">
          <h2 id="h-contracts">Verträge aus dem Zuschlag</h2>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Vertrag</th>
                <th scope="col">Auftragnehmer</th>
                <th scope="col" className="num">
                  Menge
                </th>
                <th scope="col">Preis</th>
                <th scope="col">Laufzeit</th>
              </tr>
            </thead>
            <tbody>
              {d.contracts.map((c) => (
                <tr key={c.id}>
                  <td>{c.reference}</td>
                  <td>
                    <Link to={`/providers/${c.providerId}`}>{c.providerName}</Link>
                  </td>
                  <td className="num">{c.quantity}</td>
                  <td>
                    {formatCents(c.unitPriceCents)}
                    {c.successFeeCents ? ` + ${formatCents(c.successFeeCents)} Erfolgsprämie` : ""}
                  </td>
                  <td>
                    {formatDate(c.startDate)} – {formatDate(c.endDate)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {d.canManage && d.deletable ? (
        <Form method="post">
          <SubmitButton intent="delete" danger confirm="Diese Ausschreibung endgültig löschen?">
            {draft ? "Entwurf löschen" : "Vergabeakte löschen (Aufbewahrungsfrist abgelaufen)"}
          </SubmitButton>
        </Form>
      ) : t.retainUntil ? (
        <p className="muted">Aufbewahrung der Vergabeakte bis {formatDate(t.retainUntil)}.</p>
      ) : null}
      {t.status === "cancelled" ? (
        <div className="alert alert-warn">
          Aufgehoben am {formatDateTime(t.cancelledAt)}: {t.cancelReason}
        </div>
      ) : null}
    </>
  );
}

/** The past-performance method (issue 12 point 7), chosen with the criteria and frozen at publication. */
function PastPerformanceFields({ method, values, errors, maxPoints, open }: { method: PastPerformanceMethod; values: Record<string, string>; errors: Record<string, string>; maxPoints: number; open: boolean }) {
  const v = (key: string, fallback: string) => values[key] ?? fallback;
  const unit = (x: number | null) => (x === null ? "" : method.basis === "rate" ? String(Math.round(x * 1000) / 10) : String(x)).replace(".", ",");
  const bands = method.bands.map((b) => `${unit(b.threshold)}=${String(b.points).replace(".", ",")}`).join("; ");
  return (
    <details open={open}>
      <summary>Methode der Vorleistungswertung (für ein Kriterium der Art „Vorleistung“)</summary>
      <fieldset className="form">
        <legend>Methode der Vorleistungswertung (gilt für das Kriterium der Art „Vorleistung“)</legend>
        <p className="muted">
          Leistungsbilanz aus früheren Aufträgen (§ 65 Abs. 5 VgV, § 49 Abs. 2 UVgO). Die Punkte werden nach der Öffnung aus dem Anbietervergleich zum Ende der Angebotsfrist berechnet; die Methode wird mit der Veröffentlichung eingefroren und in der Leistungsbeschreibung im Wortlaut bekanntgemacht.
          Quoten in Prozent, Verhältnisse als Dezimalzahl (1,0 = wie erwartet).
        </p>
        <div className="form-grid">
          <Select
            name="pp-measure"
            label="Kennzahl"
            options={PP_MEASURES.map((m) => ({
              value: m,
              label: `${PP_MEASURE_LABELS[m]}${lowerIsBetter(m) ? " (weniger ist besser)" : m === "placement" ? " (nur Vermittlung durch Dritte)" : m === "exam" ? " (nur Maßnahmen mit Abschlussprüfung)" : ""}`,
            }))}
            defaultValue={v("pp-measure", method.measure)}
            error={errors["pp-measure"]}
          />
          <Select name="pp-typeCode" label="Frühere Aufträge der Maßnahmeart" options={[...FIGURE_TYPES.map((m) => ({ value: m.code, label: m.label })), { value: "all", label: "alle Maßnahmearten" }]} defaultValue={v("pp-typeCode", figureTypeOf(method.typeCode) ?? "all")} error={errors["pp-typeCode"]} />
          <Select
            name="pp-periodKind"
            label="Zeitraum"
            options={[
              {
                value: "months",
                label: "Monate vor dem Ende der Angebotsfrist",
              },
              {
                value: "calendar_years",
                label: "letzte abgeschlossene Kalenderjahre",
              },
            ]}
            defaultValue={v("pp-periodKind", method.periodKind)}
            error={errors["pp-periodKind"]}
          />
          <Field name="pp-periodLength" label="Länge des Zeitraums (Monate bzw. Jahre)" inputMode="numeric" defaultValue={v("pp-periodLength", String(method.periodLength))} error={errors["pp-periodLength"]} />
          <Select
            name="pp-basis"
            label="Gewertet wird"
            options={[
              {
                value: "ratio",
                label: "risikobereinigt: tatsächliche ÷ erwartete Quote",
              },
              { value: "rate", label: "die unbereinigte Quote (%)" },
            ]}
            defaultValue={v("pp-basis", method.basis)}
            error={errors["pp-basis"]}
          />
          <Select
            name="pp-scoring"
            label="Punkte"
            options={[
              { value: "linear", label: "linear zwischen zwei Ankerwerten" },
              { value: "bands", label: "nach Stufen" },
            ]}
            defaultValue={v("pp-scoring", method.scoring)}
            error={errors["pp-scoring"]}
          />
          <Field name="pp-zeroAt" label="Linear: Wert für 0 Punkte" hint="z. B. 0,8 (Verhältnis) oder 40 (%)" defaultValue={v("pp-zeroAt", unit(method.zeroAt))} error={errors["pp-zeroAt"]} />
          <Field name="pp-fullAt" label={`Linear: Wert für ${maxPoints} Punkte`} hint="z. B. 1,2 (Verhältnis) oder 70 (%)" defaultValue={v("pp-fullAt", unit(method.fullAt))} error={errors["pp-fullAt"]} />
          <Field name="pp-bands" label="Stufen: Schwelle=Punkte; …" hint="z. B. 0,9=1; 1,0=2; 1,1=3 – ab der Schwelle (Abbruchquote: bis zur Schwelle)" defaultValue={v("pp-bands", bands)} error={errors["pp-bands"]} />
          <Field name="pp-minN" label="Mindestfallzahl" hint="ab 3; darunter gilt die Regel für zu wenige Daten" inputMode="numeric" defaultValue={v("pp-minN", String(method.minN))} error={errors["pp-minN"]} />
          <Field name="pp-neutralPoints" label="Punkte bei zu wenigen oder keinen Daten" hint={`0 bis ${maxPoints}, z. B. die Mitte der Skala`} defaultValue={v("pp-neutralPoints", String(method.neutralPoints).replace(".", ","))} error={errors["pp-neutralPoints"]} />
          <Select
            name="pp-interval"
            label="Konfidenzintervall"
            options={[
              {
                value: "ignore",
                label: "Punktschätzer werten, Intervall angeben",
              },
              {
                value: "significant",
                label: "nur gesicherte Abweichungen zählen",
              },
            ]}
            defaultValue={v("pp-interval", method.interval)}
            error={errors["pp-interval"]}
          />
        </div>
      </fieldset>
    </details>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
