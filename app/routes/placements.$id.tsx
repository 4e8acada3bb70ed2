import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatIban } from "~/domain/iban";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { certifyInstalment, correctEmploymentEnd, reportEmploymentEnd, revokeInstalment } from "~/services/instalments.server";
import { decideClaim, getClaim } from "~/services/placement-claims.server";
import { auditActionLabel } from "~/domain/audit-labels";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";
import { CLAIM_BADGE, INSTALMENT_BADGE } from "~/ui/staff-placement";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.claim.reference} – Vermittlungsnachweis` : "Vermittlungsnachweis" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const detail = await getClaim(user, idParam(params.id)).catch(loaderError);
  return json({
    ...detail,
    canDecide: can(user.role, "decide:placement:any"),
    canCertify: can(user.role, "certify:instalment:any"),
    canSeeClient: can(user.role, "manage:client:any"),
  });
}

const DECISIONS = {
  accept: "Der Vermittlungsnachweis ist anerkannt. Der Bescheid wurde erstellt und dem Vermittler zugesandt; die Raten sind angelegt.",
  request_documents: "Die fehlenden Unterlagen sind angefordert; der Vermittler wurde benachrichtigt.",
  reject: "Der Vermittlungsnachweis ist abgelehnt. Der Bescheid wurde erstellt und dem Vermittler zugesandt.",
} as const;
type Decision = keyof typeof DECISIONS;
const isDecision = (v: string): v is Decision => v in DECISIONS;

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form);
  const user = await requirePermission(request, intent === "certify" ? "certify:instalment:any" : "decide:placement:any");
  const back = (msg: string) => redirectWithFlash(`/placements/${id}`, msg);
  try {
    if (isDecision(intent)) {
      await decideClaim(user, id, intent, values);
      return back(DECISIONS[intent]);
    }
    switch (intent) {
      case "certify": {
        const i = await certifyInstalment(user, Number(values.instalmentId), id);
        return back(`${i.number}. Rate (${formatCents(i.amountCents)}) sachlich richtig gezeichnet und als zahlbar an die Kasse übergeben.`);
      }
      case "end-employment": {
        const r = await reportEmploymentEnd(user, id, values);
        return back(
          `Ende der Beschäftigung erfasst.${r.cancelled ? ` ${r.cancelled === 1 ? "Eine Rate entfällt" : `${r.cancelled} Raten entfallen`}, weil die Beschäftigungsdauer nicht erreicht wurde.` : ""}`
        );
      }
      case "correct-end": {
        const r = await correctEmploymentEnd(user, id, values);
        return back(`Ende der Beschäftigung korrigiert.${r.reinstated ? ` ${r.reinstated} Rate(n) wieder aufgenommen.` : ""}${r.cancelled ? ` ${r.cancelled} Rate(n) entfallen.` : ""}`);
      }
      case "revoke": {
        const i = await revokeInstalment(user, id, Number(values.instalmentId), values);
        return back(`${i.number}. Rate widerrufen; eine offene Zahlung wurde storniert.`);
      }
      default:
        throw new Response("Unbekannte Aktion", { status: 400 });
    }
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

const CHANNEL_LABELS: Record<string, string> = { portal: "Trägerportal", api: "Schnittstelle (API)" };

export default function ClaimReview() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const c = d.claim;
  const decisions = (["accept", "request_documents", "reject"] as const).filter((e) => (d.events as string[]).includes(e));
  const errors = d.results.filter((r) => r.severity === "error");
  const flags = d.results.filter((r) => r.severity === "flag");
  const decisionError = a && isDecision(a.intent) ? (a.formError as string) : null;
  const decisionValues = a && isDecision(a.intent) ? (a.values as Record<string, string>) : null;
  const endError = a?.intent === "end-employment" ? (a.fieldErrors as Record<string, string>) : {};
  const certifyError = a?.intent === "certify" ? (a.formError as string) : null;
  return (
    <>
      <p>
        <Link to="/placements">« Vermittlungsnachweise</Link>
      </p>
      <h1>
        Vermittlungsnachweis {c.reference} <span className={`badge ${CLAIM_BADGE[c.status] ?? ""}`}>{c.statusLabel}</span> {c.flagged ? <span className="badge warn">Prüfhinweis</span> : null}
      </h1>

      <div className="grid">
        <section className="panel" aria-labelledby="h-job">
          <h2 id="h-job">Beschäftigung</h2>
          <dl className="facts">
            <dt>Arbeitgeber</dt>
            <dd>
              {c.employerName}
              <br />
              {c.employerStreet}
              <br />
              {c.employerPostalCode} {c.employerCity}
              {c.abroad ? <div className="badge">im EU-/EWR-Ausland</div> : null}
            </dd>
            <dt>USt-IdNr.</dt>
            <dd>{c.employerVatId ?? "–"}</dd>
            <dt>IBAN</dt>
            <dd className="mono">{c.employerIban ? formatIban(c.employerIban) : "–"}</dd>
            <dt>Geschäftsführung</dt>
            <dd>{c.employerManager ?? "–"}</dd>
            <dt>Arbeitsvertrag vom</dt>
            <dd>{formatDate(c.contractDate)}</dd>
            <dt>Beschäftigungsbeginn</dt>
            <dd>{formatDate(c.jobStart)}</dd>
            <dt>Wöchentliche Arbeitszeit</dt>
            <dd>{c.hours}</dd>
            <dt>Sozialversicherungspflichtig</dt>
            <dd>{c.insured ? "ja" : <span className="badge warn">nein</span>}</dd>
            <dt>Befristung</dt>
            <dd>{c.fixedTermEnd ? `befristet bis ${formatDate(c.fixedTermEnd)}` : "unbefristet"}</dd>
            <dt>Tätigkeit</dt>
            <dd>{c.occupation}</dd>
            {c.employmentEndedOn ? (
              <>
                <dt>Beschäftigung endete</dt>
                <dd>
                  <span className="badge warn">{formatDate(c.employmentEndedOn)}</span>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-placement">
          <h2 id="h-placement">Vermittlung</h2>
          <dl className="facts">
            <dt>Vermittler</dt>
            <dd>
              <Link to={`/providers/${d.provider.id}`}>{d.provider.name}</Link> · <Link to={`/placements?provider=${d.provider.id}`}>alle Nachweise</Link>
            </dd>
            <dt>Kunde</dt>
            <dd>
              <span className="mono">{d.client.reference}</span>
              {d.client.name ? ` – ${d.client.name}` : null}
              {d.canSeeClient && d.client.id ? (
                <>
                  {" "}
                  · <Link to={`/clients/${d.client.id}`}>Kundenakte</Link>
                </>
              ) : null}
            </dd>
            <dt>Zuweisung</dt>
            <dd>
              <span className="mono">{d.assignment.reference}</span>, ausgestellt am {formatDate(d.assignment.issuedOn)}
              <br />
              gültig {formatDate(d.assignment.validFrom)} – {formatDate(d.assignment.validUntil)}, höchstens {formatCents(d.assignment.maxFeeCents)}
            </dd>
            <dt>Rechtsgrundlage</dt>
            <dd>{c.legalBasisLabel}</dd>
            <dt>Vermittlungsvertrag vom</dt>
            <dd>{c.brokerContractDate ? formatDate(c.brokerContractDate) : <span className="badge warn">nicht angegeben</span>}</dd>
            <dt>Stellenangebot vom</dt>
            <dd>{c.jobOfferDate ? formatDate(c.jobOfferDate) : "–"}</dd>
            <dt>Beanspruchte Vergütung</dt>
            <dd>{formatCents(c.claimedFeeCents)}</dd>
            <dt>Eingang</dt>
            <dd>
              {formatDateTime(c.submittedAt)} über {CHANNEL_LABELS[c.channel] ?? c.channel}
            </dd>
            {c.decidedAt ? (
              <>
                <dt>Entschieden</dt>
                <dd>
                  {formatDateTime(c.decidedAt)}
                  {c.decidedById ? (d.decidedByName ? ` durch ${d.decidedByName}` : "") : " (automatisch bei Eingang)"}
                  {c.decisionNote ? <div className="prewrap muted">{c.decisionNote}</div> : null}
                </dd>
              </>
            ) : null}
            {c.severeDisabilityException ? (
              <>
                <dt>Ausnahme</dt>
                <dd>befristete Beschäftigung eines schwerbehinderten Menschen</dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>

      <section className="panel" aria-labelledby="h-rules">
        <h2 id="h-rules">
          Prüfergebnis {errors.length ? <span className="badge err">{errors.length === 1 ? "1 Fehler" : `${errors.length} Fehler`}</span> : null}{" "}
          {flags.length ? <span className="badge warn">{flags.length === 1 ? "1 Prüfhinweis" : `${flags.length} Prüfhinweise`}</span> : null}
        </h2>
        <p className="muted">
          {d.live
            ? "Die Prüfregeln wurden soeben mit dem heutigen Datenstand erneut ausgeführt (Erwerbsbiografie, Zulassung, Bankdaten, andere Nachweise)."
            : "Gespeichertes Ergebnis der letzten Prüfung (bei Eingang oder bei der Entscheidung)."}
        </p>
        {d.results.length === 0 ? (
          <p>
            <span className="badge ok">Alle Prüfregeln erfüllt</span>
          </p>
        ) : (
          <ul className="rule-results">
            {[...errors, ...flags].map((r, i) => (
              <li key={`${r.code}-${i}`} className={r.severity === "error" ? "rule-error" : "rule-flag"}>
                {r.severity === "error" ? <span className="badge err">Fehler – lehnt ab</span> : <span className="badge warn">Prüfhinweis</span>} {r.message}{" "}
                <span className="muted mono">{r.code}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {d.canDecide && decisions.length ? (
        <section className="panel" aria-labelledby="h-decide">
          <h2 id="h-decide">Entscheidung</h2>
          <Form method="post" noValidate>
            <FormError message={decisionError} />
            <div className={`field${decisionError ? " field-error" : ""}`}>
              <label htmlFor="note">Vermerk / Begründung</label>
              <textarea id="note" name="note" rows={4} defaultValue={decisionValues?.note ?? ""} aria-describedby="note-hint" aria-invalid={decisionError ? true : undefined} />
              <div className="hint" id="note-hint">
                Beim Ablehnen die Begründung, beim Anfordern die fehlenden Unterlagen, beim Anerkennen mit Prüfhinweisen, wie sie geprüft wurden (jeweils mindestens 10 Zeichen). Der Text erscheint im
                Schreiben an den Vermittler.
              </div>
              {a && isDecision(a.intent) && (a.fieldErrors as Record<string, string>)?.note ? <div className="error">{(a.fieldErrors as Record<string, string>).note}</div> : null}
            </div>
            <div className="field checks">
              <label>
                <input type="checkbox" name="severeDisabilityException" defaultChecked={decisionValues ? !!decisionValues.severeDisabilityException : c.severeDisabilityException} /> Ausnahme für
                befristete Beschäftigung schwerbehinderter Menschen liegt vor
              </label>
              <div className="hint">Wirkt auf die Prüfung der Vorbeschäftigung beim selben Arbeitgeber; wird beim Anerkennen gespeichert.</div>
            </div>
            <div className="actions">
              {decisions.includes("accept") ? (
                <SubmitButton intent="accept" confirm="Den Vermittlungsnachweis anerkennen? Der Bescheid wird erstellt und dem Vermittler zugesandt; das kann nicht rückgängig gemacht werden.">
                  Anerkennen
                </SubmitButton>
              ) : null}
              {decisions.includes("request_documents") ? <SubmitButton intent="request_documents">Unterlagen anfordern</SubmitButton> : null}
              {decisions.includes("reject") ? (
                <SubmitButton
                  intent="reject"
                  danger
                  confirm="Den Vermittlungsnachweis ablehnen? Der Ablehnungsbescheid wird erstellt und dem Vermittler zugesandt; das kann nicht rückgängig gemacht werden."
                >
                  Ablehnen
                </SubmitButton>
              ) : null}
            </div>
          </Form>
        </section>
      ) : null}

      <div className="grid">
        <section className="panel" aria-labelledby="h-docs">
          <h2 id="h-docs">Unterlagen</h2>
          {d.documents.length === 0 ? (
            <p className="muted">Keine Unterlagen hochgeladen.</p>
          ) : (
            <ul>
              {d.documents.map((doc) => (
                <li key={doc.id}>
                  <a href={`/documents/${doc.id}`}>{doc.kindLabel}</a>{" "}
                  <span className="muted">
                    · {doc.filename} · {formatDateTime(doc.uploadedAt)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="h-letters">
          <h2 id="h-letters">Bescheide und Schreiben</h2>
          {d.letters.length === 0 ? (
            <p className="muted">Noch kein Schreiben.</p>
          ) : (
            <ul>
              {d.letters.map((l) => (
                <li key={l.id}>
                  <a href={`/documents/${l.id}`}>{l.title}</a> <span className="muted">· {formatDateTime(l.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="h-history">
        <h2 id="h-history">Verlauf</h2>
        {d.history.length === 0 ? (
          <p className="muted">Für diesen Nachweis gibt es keine Protokolleinträge: er wurde mit den Daten übernommen (Datenübernahme oder Demodaten), nicht in dieser Anwendung bearbeitet.</p>
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

      {d.instalments.length ? (
        <section className="panel" aria-labelledby="h-instalments">
          <h2 id="h-instalments">Raten</h2>
          <FormError message={certifyError} />
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Rate</th>
                <th scope="col" className="num">
                  Betrag
                </th>
                <th scope="col">Nachweis ab</th>
                <th scope="col">Nachweis bis</th>
                <th scope="col">bestätigt bis</th>
                <th scope="col">Status</th>
                {d.canCertify ? <th scope="col">Aktion</th> : null}
              </tr>
            </thead>
            <tbody>
              {d.instalments.map((i) => (
                <tr key={i.id}>
                  <td>{i.label}</td>
                  <td className="num nowrap">{formatCents(i.amountCents)}</td>
                  <td>{formatDate(i.earliestOn)}</td>
                  <td>{formatDate(i.deadlineOn)}</td>
                  <td>{i.confirmedUntil ? formatDate(i.confirmedUntil) : "–"}</td>
                  <td>
                    <span className={`badge ${INSTALMENT_BADGE[i.status] ?? ""}`}>{i.statusLabel}</span>
                    {i.closeReason ? <div className="muted">{i.closeReason}</div> : null}
                  </td>
                  {d.canCertify ? (
                    <td>
                      {i.status === "earned" ? (
                        <Form method="post">
                          <input type="hidden" name="instalmentId" value={i.id} />
                          <SubmitButton intent="certify" confirm={`${i.number}. Rate über ${formatCents(i.amountCents)} sachlich richtig zeichnen und an die Kasse übergeben?`}>
                            Sachlich richtig
                          </SubmitButton>
                        </Form>
                      ) : null}
                      {d.canDecide && (i.status === "earned" || i.status === "payable") ? (
                        <details>
                          <summary>Widerrufen …</summary>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="instalmentId" value={i.id} />
                            <label>
                              Grund <input name="reason" required minLength={10} aria-label={`Grund für den Widerruf der ${i.number}. Rate`} />
                            </label>
                            <SubmitButton intent="revoke" danger confirm={`${i.number}. Rate widerrufen? Eine offene Zahlung wird storniert.`}>
                              Widerrufen
                            </SubmitButton>
                          </Form>
                        </details>
                      ) : null}
                      {i.status !== "earned" && !(d.canDecide && i.status === "payable") ? <span className="muted">–</span> : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {c.status === "accepted" && d.canDecide ? (
        <section className="panel" aria-labelledby="h-end">
          <h2 id="h-end">Ende der Beschäftigung melden</h2>
          <p className="muted">
            Raten, deren Beschäftigungsdauer bis zum letzten Arbeitstag nicht erreicht wurde, entfallen. Ein Ende kurz nach sechs Wochen oder sechs Monaten wird als Prüfhinweis vermerkt.
          </p>
          <Form method="post" noValidate>
            <FormError message={a?.intent === "end-employment" && !Object.keys(endError).length ? (a.formError as string) : null} />
            <Field
              idPrefix="end"
              name="endedOn"
              label="Letzter Tag der Beschäftigung"
              type="date"
              required
              defaultValue={a?.intent === "end-employment" ? String((a.values as Record<string, unknown>).endedOn ?? "") : ""}
              error={endError.endedOn}
            />
            <SubmitButton intent="end-employment" danger confirm="Ende der Beschäftigung erfassen? Noch nicht verdiente Raten entfallen.">
              Ende melden
            </SubmitButton>
          </Form>
          {c.employmentEndedOn ? (
            <details open={a?.intent === "correct-end"}>
              <summary>Gemeldetes Ende korrigieren (z. B. Meldung war falsch)</summary>
              <Form method="post" noValidate>
                <FormError message={a?.intent === "correct-end" ? (a.formError as string) : null} />
                <Field idPrefix="corr" name="endedOn" label="Richtiges letztes Beschäftigungsdatum (leer = Beschäftigung dauert an)" type="date" error={a?.intent === "correct-end" ? (a.fieldErrors as Record<string, string>)?.endedOn : undefined} />
                <Field idPrefix="corr" name="reason" label="Begründung" required error={a?.intent === "correct-end" ? (a.fieldErrors as Record<string, string>)?.reason : undefined} />
                <SubmitButton intent="correct-end" confirm="Ende der Beschäftigung korrigieren? Entfallene Raten werden wieder aufgenommen, wenn die Dauer erreicht ist.">
                  Korrigieren
                </SubmitButton>
              </Form>
            </details>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
