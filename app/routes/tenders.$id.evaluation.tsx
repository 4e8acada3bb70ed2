import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { CERTIFICATION_STATE_LABELS } from "~/domain/provider";
import { formatDateTime, formatDateTimeSeconds } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { computePastPerformance } from "~/services/past-performance.server";
import { concludeAward, decideAward, decideLot, evaluationView, finishEvaluation, formalCheck, informBidders, justifyLowPrice, scoreOffer } from "~/services/evaluation.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Wertung und Zuschlag" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "evaluate:tender:any");
  return json(await evaluationView(user, idParam(params.id)).catch(loaderError));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "evaluate:tender:any");
  const id = idParam(params.id);
  const v = formObject(await request.formData());
  const intent = String(v.intent ?? "");
  const back = (msg: string) => redirectWithFlash(`/tenders/${id}/evaluation`, msg);
  try {
    switch (intent) {
      case "formal":
        await formalCheck(user, Number(v.offerId), String(v.result ?? ""), String(v.reason ?? ""));
        return back("Formale Prüfung gespeichert.");
      case "score": {
        const points: Record<number, number> = {};
        for (const [key, value] of Object.entries(v)) {
          const m = /^points-(\d+)$/.exec(key);
          if (m && String(value).trim() !== "") points[Number(m[1])] = Number(value);
        }
        const n = await scoreOffer(user, Number(v.offerId), points);
        return back(n === 1 ? "1 Bewertung gespeichert." : `${n} Bewertungen gespeichert.`);
      }
      case "past-performance": {
        const n = await computePastPerformance(user, id);
        return back(n === 1 ? "Vorleistung für 1 Angebot berechnet." : `Vorleistung für ${n} Angebote berechnet.`);
      }
      case "justify":
        await justifyLowPrice(user, Number(v.offerId), String(v.justification ?? ""));
        return back("Aufklärung vermerkt.");
      case "finish":
        await finishEvaluation(user, id);
        return back("Wertung abgeschlossen. Entscheiden Sie jetzt je Los über den Zuschlag.");
      case "decide-lot":
        await decideLot(user, id, Number(v.lotId), v.offerId ? Number(v.offerId) : null, String(v.reasons ?? ""));
        return back("Entscheidung für das Los gespeichert.");
      case "decide-award":
        await decideAward(user, id);
        return back("Zuschlagsentscheidung getroffen. Jetzt die Bieter informieren.");
      case "inform": {
        const r = await informBidders(user, id);
        return back(r.letters === 1 ? "1 Bieterinformation erstellt und versandt." : `${r.letters} Bieterinformationen erstellt und versandt.`);
      }
      case "conclude": {
        const r = await concludeAward(user, id);
        return back(r.contracts === 1 ? "Zuschlag erteilt: 1 Vertrag angelegt." : `Zuschlag erteilt: ${r.contracts} Verträge angelegt.`);
      }
      default:
        throw new Response("Unbekannte Aktion", { status: 400 });
    }
  } catch (error) {
    const failure = actionError(error, v);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

export default function Evaluation() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const t = d.tender;
  const quality = d.criteria.filter((c) => !c.isPrice);
  const manual = quality.filter((c) => c.kind !== "past_performance");
  const opened = t.status === "opened";
  const pp = d.pastPerformance;
  return (
    <>
      <p>
        <Link to={`/tenders/${t.id}`}>« {t.reference}</Link>
      </p>
      <h1>Wertung und Zuschlag: {t.title}</h1>
      {a?.formError ? <FormError message={a.formError} /> : null}
      {opened ? (
        <div className="panel">
          <p>
            Jede Person bewertet die Qualitätskriterien{pp ? " (außer der berechneten Vorleistung)" : ""} unabhängig (0 bis {t.maxPoints} Punkte); die Rangfolge mit allen Bewertungen erscheint nach Abschluss
            der Wertung. Mindestens zwei Personen je Angebot und Kriterium.
          </p>
          {d.problems.length ? (
            <div className="alert alert-warn">
              Offen:
              <ul>
                {d.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <Form method="post">
            <SubmitButton intent="finish" confirm="Wertung abschließen? Danach können Prüfungen und Punkte nicht mehr geändert werden.">
              Wertung abschließen
            </SubmitButton>
          </Form>
        </div>
      ) : null}

      {pp ? (
        <section className="panel" aria-labelledby="h-past-performance">
          <h2 id="h-past-performance">
            Berechnete Vorleistung: „{pp.criterion.name}“ ({pp.criterion.weight} %)
          </h2>
          <p>{pp.methodWords}</p>
          <>
            <table className="data">
              <caption className="sr-only">Berechnete Punkte der Vorleistung je Angebot mit den Quellzahlen</caption>
              <thead>
                <tr>
                  <th scope="col">Bieter</th>
                  <th scope="col">Zeitraum</th>
                  <th scope="col" className="num">
                    {pp.measureLabel}
                  </th>
                  <th scope="col" className="num">
                    erwartet
                  </th>
                  <th scope="col" className="num">
                    Verhältnis
                  </th>
                  <th scope="col" className="num">
                    Punkte
                  </th>
                  <th scope="col">Angewandte Regel</th>
                </tr>
              </thead>
              <tbody>
                {pp.rows.map((x) => (
                  <tr key={x.offerId}>
                    <td>
                      Nr. {x.offerId}: {x.providerName}
                    </td>
                    <td>
                      {x.period}
                      <div className="muted">Stand {x.dataDate}</div>
                    </td>
                    <td className="num">
                      {x.rate}
                      {x.n !== "–" ? <div className="muted">{`${x.k} von ${x.n}`}</div> : null}
                      {x.interval !== "–" ? <div className="muted">{x.interval}</div> : null}
                    </td>
                    <td className="num">{x.expected}</td>
                    <td className="num">
                      {x.ratio}
                      {x.ratioInterval !== "–" ? <div className="muted">{x.ratioInterval}</div> : null}
                    </td>
                    <td className="num">
                      <strong>{x.pointsText}</strong>
                      {x.status === "neutral" ? (
                        <div>
                          <span className="badge warn">zu wenige Daten</span>
                        </div>
                      ) : null}
                    </td>
                    <td>{x.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
          <p className="muted">Die Zahlen wurden bei der Berechnung gespeichert und ändern sich nicht, wenn sich die Daten später ändern. Gesamtquote aller Träger: {pp.rows[0]?.overall ?? "–"}.</p>
          {pp.missing > 0 && opened ? (
            <Form method="post">
              <SubmitButton intent="past-performance">Vorleistung für {pp.missing === 1 ? "1 Angebot" : `${pp.missing} Angebote`} berechnen</SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}

      <h2>Angebote</h2>
      {d.offers.map((o) => (
        <section key={o.id} className="panel" aria-label={`Angebot ${o.providerName}`}>
          <h3>
            Nr. {o.id}: {o.providerName}{" "}
            {o.formalResult ? <span className={`badge ${o.formalResult === "admitted" ? "ok" : "err"}`}>{o.formalResult === "admitted" ? "zugelassen" : "ausgeschlossen"}</span> : <span className="badge warn">ungeprüft</span>}
          </h3>
          <p className="muted">
            Eingang {formatDateTimeSeconds(o.receivedAt)} · Zulassung am Fristende: {CERTIFICATION_STATE_LABELS[o.certificationOnDeadline]} · Erklärungen:{" "}
            {o.declarations.eligible && o.declarations.noExclusionGrounds && o.declarations.certificateValid ? "vollständig" : "unvollständig"} · Konzept:{" "}
            {o.concept ? (
              <a href={`/tenders/${d.tender.id}/offers/${o.id}/concept`} target="_blank" rel="noreferrer">
                {o.concept.filename} ({Math.max(1, Math.round(o.concept.size / 1024))} KB, PDF)
              </a>
            ) : (
              "fehlt"
            )}{" "}
            ·
            bewertet von {o.scoredBy === 1 ? "1 Person" : `${o.scoredBy} Personen`}
          </p>
          <ul>
            {o.lots.map((l) => (
              <li key={l.lotId}>
                Los {l.lotNumber}: {formatCents(l.unitPriceCents)}
                {l.successFeeCents ? ` + ${formatCents(l.successFeeCents)} Erfolgsprämie` : ""}
              </li>
            ))}
          </ul>
          {o.exclusionReason ? <p>Ausschlussgrund: {o.exclusionReason}</p> : null}
          {opened ? (
            <div className="grid">
              <Form method="post" className="form">
                <input type="hidden" name="offerId" value={o.id} />
                <fieldset>
                  <legend>Formale Prüfung (vollständig, fristgerecht, geeignet)</legend>
                  <label>
                    <input type="radio" name="result" value="admitted" defaultChecked={o.formalResult === "admitted"} /> zugelassen
                  </label>{" "}
                  <label>
                    <input type="radio" name="result" value="excluded" defaultChecked={o.formalResult === "excluded"} /> ausgeschlossen
                  </label>
                  <div className="field">
                    <label htmlFor={`reason-${o.id}`}>Ausschlussgrund</label>
                    <input id={`reason-${o.id}`} name="reason" defaultValue={o.exclusionReason} />
                  </div>
                </fieldset>
                <SubmitButton intent="formal">Prüfung speichern</SubmitButton>
              </Form>
              {o.formalResult === "admitted" ? (
                <Form method="post" className="form">
                  <input type="hidden" name="offerId" value={o.id} />
                  <fieldset>
                    <legend>Ihre Bewertung</legend>
                    {manual.map((c) => (
                      <div className="field" key={c.id}>
                        <label htmlFor={`points-${o.id}-${c.id}`}>
                          {c.name} ({c.weight} %), 0–{t.maxPoints} Punkte
                        </label>
                        <input id={`points-${o.id}-${c.id}`} name={`points-${c.id}`} inputMode="numeric" defaultValue={(o.myScores as Record<number, number>)[c.id] ?? ""} />
                      </div>
                    ))}
                  </fieldset>
                  <SubmitButton intent="score">Bewertung speichern</SubmitButton>
                </Form>
              ) : null}
            </div>
          ) : null}
        </section>
      ))}

      {!opened ? (
        <>
          <h2>Rangfolge und Zuschlag je Los</h2>
          {d.lots.map((lot) => {
            const ranking = d.ranking.find((r) => r.lotId === lot.id)?.ranked ?? [];
            return (
              <section key={lot.id} className="panel" aria-label={`Los ${lot.number}`}>
                <h3>
                  Los {lot.number}: {lot.title}
                </h3>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">Rang</th>
                      <th scope="col">Bieter</th>
                      <th scope="col">Preis</th>
                      <th scope="col" className="num">
                        Preispunkte
                      </th>
                      {quality.map((c) => (
                        <th key={c.id} scope="col" className="num">
                          {c.name}
                          {c.kind === "past_performance" ? " (berechnet)" : ""}
                        </th>
                      ))}
                      <th scope="col" className="num">
                        Gesamt (0–100)
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {ranking.map((r) => (
                      <tr key={r.offerId}>
                        <td>{r.rank}</td>
                        <td>
                          {r.providerName} {r.abnormallyLow ? <span className="badge warn">ungewöhnlich niedrig</span> : null}
                        </td>
                        <td>{r.priceLabel}</td>
                        <td className="num">{r.priceScore.toLocaleString("de-DE")}</td>
                        {quality.map((c) => (
                          <td key={c.id} className="num">
                            {(r.qualityPoints as Record<number, number | null>)[c.id]?.toLocaleString("de-DE") ?? "–"}
                          </td>
                        ))}
                        <td className="num">
                          <strong>{r.total.toLocaleString("de-DE")}</strong>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {lot.awardDecision ? (
                  <p>
                    Entscheidung: {lot.awardDecision === "award" ? `Zuschlag auf ${ranking.find((r) => r.offerId === lot.awardedOfferId)?.providerName ?? "–"}` : "kein Zuschlag"} – {lot.awardReasons}
                  </p>
                ) : null}
                {t.status === "evaluated" ? (
                  <Form method="post" className="form">
                    <input type="hidden" name="lotId" value={lot.id} />
                    <div className="field">
                      <label htmlFor={`offer-${lot.id}`}>Zuschlag auf</label>
                      <select id={`offer-${lot.id}`} name="offerId" defaultValue={lot.awardedOfferId ?? ranking[0]?.offerId ?? ""}>
                        {ranking.map((r) => (
                          <option key={r.offerId} value={r.offerId}>
                            {r.providerLabel} – Rang {r.rank}
                          </option>
                        ))}
                        <option value="">kein Zuschlag</option>
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={`reasons-${lot.id}`}>Begründung</label>
                      <textarea id={`reasons-${lot.id}`} name="reasons" rows={2} defaultValue={lot.awardReasons || (ranking[0] ? `Wirtschaftlichstes Angebot mit ${ranking[0].total.toLocaleString("de-DE")} von 100 Punkten.` : "")} />
                    </div>
                    <SubmitButton intent="decide-lot">Entscheidung speichern</SubmitButton>
                  </Form>
                ) : null}
              </section>
            );
          })}
          <div className="actions">
            {t.status === "evaluated" ? (
              <Form method="post">
                <SubmitButton intent="decide-award" confirm="Zuschlagsentscheidung für alle Lose treffen?">
                  Zuschlagsentscheidung treffen
                </SubmitButton>
              </Form>
            ) : null}
            {t.status === "award_decided" ? (
              <Form method="post">
                <SubmitButton intent="inform" confirm="Bieterinformationen jetzt erstellen und versenden?">
                  Bieter informieren (§ 134 GWB)
                </SubmitButton>
              </Form>
            ) : null}
            {t.status === "bidders_informed" ? (
              <>
                {t.standstillEndsAt ? <span>Wartefrist bis {formatDateTime(t.standstillEndsAt)}</span> : null}
                <Form method="post">
                  <SubmitButton intent="conclude" confirm="Zuschlag erteilen und Verträge anlegen?">
                    Zuschlag erteilen
                  </SubmitButton>
                </Form>
              </>
            ) : null}
          </div>
        </>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
