import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { LEGAL_BASES, LEGAL_BASIS_LABELS, LEGAL_BASIS_SHORT } from "~/domain/placement";
import { CLAIM_STATE_LABELS } from "~/domain/placement-claim.machine";
import { berlinDate, formatDate, formatDateTime } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { addEmploymentSpell, assignableBrokers, assignClient, getClient, removeEmploymentSpell, setConsent, updateClient, withdrawAssignment } from "~/services/clients.server";
import { today } from "~/lib/clock.server";
import { clientOutcomes } from "~/services/participation.server";
import { ClientOutcomesPanel } from "~/ui/participation";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, Select, SubmitButton } from "~/ui/form";
import { ASSIGNMENT_BADGE, CLAIM_BADGE, ClientForm, type ClientFormValues } from "~/ui/staff-placement";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.client.reference} – Kunde` : "Kunde" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:client:any");
  const detail = await getClient(user, idParam(params.id)).catch(loaderError);
  const day = today();
  const [brokers, validityMonths, outcomes] = await Promise.all([assignableBrokers(day), getSetting("placement.assignmentValidityMonths"), clientOutcomes(user, detail.client.id)]);
  return json({ ...detail, brokers, validityMonths, outcomes, today: day, canAssign: can(user.role, "assign:client:any") });
}

const ASSIGN_INTENTS = ["assign", "consent-give", "consent-withdraw", "withdraw-assignment"];

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form, ["targetGroups"]);
  const user = await requirePermission(request, ASSIGN_INTENTS.includes(intent) ? "assign:client:any" : "manage:client:any");
  const back = (msg: string) => redirectWithFlash(`/clients/${id}`, msg);
  try {
    switch (intent) {
      case "update":
        await updateClient(user, id, values);
        return back("Persönliche Daten gespeichert.");
      case "add-spell":
        await addEmploymentSpell(user, id, values);
        return back("Beschäftigung in die Erwerbsbiografie aufgenommen.");
      case "remove-spell":
        await removeEmploymentSpell(user, id, Number(values.spellId), String(values.reason ?? ""));
        return back("Beschäftigung aus der Erwerbsbiografie gelöscht.");
      case "assign": {
        const a = await assignClient(user, id, values);
        return back(
          `Zuweisung ${a.reference} erstellt (gültig ${formatDate(a.validFrom)} – ${formatDate(a.validUntil)}).${a.flag ? " Prüfhinweis: zugleich gültige Zuweisung an einen anderen Vermittler." : ""}`
        );
      }
      case "consent-give":
        await setConsent(user, id, Number(values.assignmentId), true);
        return back("Einwilligung zur Weitergabe von Name und Kontaktdaten erfasst.");
      case "consent-withdraw":
        await setConsent(user, id, Number(values.assignmentId), false);
        return back("Einwilligung widerrufen. Der Vermittler sieht nur noch das Kennzeichen.");
      case "withdraw-assignment":
        await withdrawAssignment(user, id, Number(values.assignmentId), String(values.reason ?? ""));
        return back("Zuweisung zurückgenommen.");
      default:
        throw new Response("Unbekannte Aktion", { status: 400 });
    }
  } catch (error) {
    const failure = actionError(error, values);
    return json({ intent, ...(await failure.json()) }, { status: failure.status });
  }
}

/** The short name of a legal basis for narrow table cells (the full label stays in the tooltip). */
function shortBasis(label: string): string {
  const key = LEGAL_BASES.find((b) => LEGAL_BASIS_LABELS[b] === label);
  return key ? LEGAL_BASIS_SHORT[key] : label;
}

function claimState(label: string): string {
  return Object.entries(CLAIM_STATE_LABELS).find(([, l]) => l === label)?.[0] ?? "";
}

const SOURCE_LABELS: Record<string, string> = { history: "Erwerbsbiografie", placement: "aus anerkannter Vermittlung" };

export default function ClientDetail() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const c = d.client;
  const err = (intent: string) => (a?.intent === intent ? ((a.fieldErrors ?? {}) as Record<string, string>) : {});
  const val = (intent: string) => (a?.intent === intent ? ((a.values ?? {}) as Record<string, string>) : null);
  const formErr = (intent: string) => (a?.intent === intent ? (a.formError as string | null) : null);
  const clientValues: ClientFormValues = val("update") ?? {
    firstName: c.firstName,
    lastName: c.lastName,
    birthDate: c.birthDate,
    street: c.street,
    postalCode: c.postalCode,
    city: c.city,
    phone: c.phone,
    email: c.email,
    region: c.region,
    targetGroups: c.targetGroups,
    qualification: c.qualification,
    targetOccupation: c.targetOccupation,
    monthlyBenefit: c.monthlyBenefitCents === null ? "" : formatCents(c.monthlyBenefitCents).replace(" €", ""),
    householdSize: c.householdSize === null ? "" : String(c.householdSize),
    healthNotes: c.healthNotes,
  };
  const spellVal = val("add-spell") ?? {};
  const assignVal = val("assign") ?? {};
  const rowError = (assignmentId: number) =>
    a && ["consent-give", "consent-withdraw", "withdraw-assignment"].includes(a.intent) && String((a.values as Record<string, unknown>).assignmentId) === String(assignmentId)
      ? (a.formError as string)
      : null;
  const generalError = a && ["remove-spell"].includes(a.intent) ? (a.formError as string) : null;
  return (
    <>
      <p>
        <Link to="/clients">« Kunden</Link>
      </p>
      <h1>
        {c.lastName}, {c.firstName} <span className="muted mono">{c.reference}</span>
      </h1>
      {generalError ? <FormError message={generalError} /> : null}
      <div className="grid">
        <section className="panel" aria-labelledby="h-person">
          <h2 id="h-person">Persönliche Daten</h2>
          <dl className="facts">
            <dt>Kennzeichen</dt>
            <dd className="mono">{c.reference}</dd>
            <dt>Geburtsdatum</dt>
            <dd>{c.birthDate ? formatDate(c.birthDate) : "–"}</dd>
            <dt>Anschrift</dt>
            <dd>
              {c.street || "–"}
              {c.postalCode || c.city ? (
                <>
                  <br />
                  {c.postalCode} {c.city}
                </>
              ) : null}
            </dd>
            <dt>Telefon</dt>
            <dd>{c.phone || "–"}</dd>
            <dt>E-Mail</dt>
            <dd>{c.email || "–"}</dd>
            <dt>Region</dt>
            <dd>{c.region || "–"}</dd>
            <dt>Zielgruppen</dt>
            <dd>
              {c.groups.length
                ? c.groups.map((g) => (
                    <span key={g} className="badge">
                      {g}
                    </span>
                  ))
                : "keine"}
              <div className="hint muted">Altersgruppen folgen aus dem Geburtsdatum (Stand heute).</div>
            </dd>
            <dt>Zielberuf</dt>
            <dd>{c.targetOccupation || "–"}</dd>
            <dt>Qualifikation</dt>
            <dd className="prewrap">{c.qualification || "–"}</dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-internal">
          <h2 id="h-internal">
            Interne Angaben <span className="badge warn">intern – nie für Vermittler sichtbar</span>
          </h2>
          <dl className="facts">
            <dt>Leistungshöhe</dt>
            <dd>{c.monthlyBenefitCents === null ? "–" : `${formatCents(c.monthlyBenefitCents)} monatlich`}</dd>
            <dt>Haushaltsgröße</dt>
            <dd>{c.householdSize === null ? "–" : `${c.householdSize} Person${c.householdSize === 1 ? "" : "en"}`}</dd>
            <dt>Gesundheit</dt>
            <dd className="prewrap">{c.healthNotes || "–"}</dd>
            <dt>Zuletzt geändert</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
          </dl>
        </section>
      </div>
      <details key={`edit-${c.updatedAt}`} className="panel" open={a?.intent === "update"}>
        <summary>Persönliche Daten bearbeiten</summary>
        <ClientForm intent="update" values={clientValues} errors={err("update")} formError={formErr("update")} submitLabel="Änderungen speichern" />
      </details>

      <section className="panel" aria-labelledby="h-assignments">
        <h2 id="h-assignments">Zuweisungen an Vermittler</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Zuweisung</th>
              <th scope="col">Vermittler</th>
              <th scope="col">Gültig</th>
              <th scope="col">Region</th>
              <th scope="col" className="num">
                Höchstbetrag
              </th>
              <th scope="col">Status</th>
              <th scope="col">Einwilligung</th>
              {d.canAssign ? <th scope="col">Rücknahme</th> : null}
            </tr>
          </thead>
          <tbody>
            {d.assignments.length === 0 ? (
              <tr>
                <td colSpan={8} className="muted">
                  Noch keine Zuweisung.
                </td>
              </tr>
            ) : null}
            {d.assignments.map((x) => (
              <tr key={x.id}>
                <td className="mono nowrap">{x.reference}</td>
                <td>
                  {x.providerName}
                  <div className="muted" title={x.legalBasisLabel}>
                    {shortBasis(x.legalBasisLabel)}
                  </div>
                  {x.flag ? <div className="badge warn">Prüfhinweis: {x.flag}</div> : null}
                </td>
                <td>
                  <span className="nowrap">{formatDate(x.validFrom)} –</span> <span className="nowrap">{formatDate(x.validUntil)}</span>
                  <div className="muted">ausgestellt {formatDate(x.issuedOn)}</div>
                </td>
                <td>{x.region || "–"}</td>
                <td className="num">{x.maxFee}</td>
                <td>
                  <span className={`badge ${ASSIGNMENT_BADGE[x.status] ?? ""}`}>{x.statusLabel}</span>
                </td>
                <td>
                  {x.consent ? (
                    <span className="badge ok">liegt vor seit {x.consentAt ? formatDate(berlinDate(x.consentAt)) : ""}</span>
                  ) : x.consentWithdrawnAt ? (
                    <span className="badge err">widerrufen</span>
                  ) : (
                    <span className="badge">keine</span>
                  )}
                  {d.canAssign && x.status === "active" ? (
                    <Form method="post">
                      <input type="hidden" name="assignmentId" value={x.id} />
                      {x.consent ? (
                        <SubmitButton intent="consent-withdraw" danger confirm="Widerruf der Einwilligung erfassen? Der Vermittler sieht danach nur noch das Kennzeichen.">
                          Widerruf erfassen
                        </SubmitButton>
                      ) : (
                        <SubmitButton intent="consent-give" confirm="Bestätigen Sie, dass die Einwilligung des Kunden zur Weitergabe von Name und Kontaktdaten an den Vermittler vorliegt.">
                          Einwilligung erfassen
                        </SubmitButton>
                      )}
                    </Form>
                  ) : null}
                  {rowError(x.id) && a?.intent !== "withdraw-assignment" ? (
                    <div className="alert alert-error" role="alert">
                      {rowError(x.id)}
                    </div>
                  ) : null}
                </td>
                {d.canAssign ? (
                  <td>
                    {x.status === "active" ? (
                      <details open={!!rowError(x.id) && a?.intent === "withdraw-assignment"}>
                        <summary>Zurücknehmen</summary>
                        <Form method="post" noValidate>
                          <input type="hidden" name="assignmentId" value={x.id} />
                          <div className={`field${rowError(x.id) && a?.intent === "withdraw-assignment" ? " field-error" : ""}`}>
                            <label htmlFor={`reason-${x.id}`}>Begründung</label>
                            <textarea
                              id={`reason-${x.id}`}
                              name="reason"
                              rows={2}
                              defaultValue={a?.intent === "withdraw-assignment" && rowError(x.id) ? String((a.values as Record<string, unknown>).reason ?? "") : ""}
                            />
                            {rowError(x.id) && a?.intent === "withdraw-assignment" ? <div className="error">{rowError(x.id)}</div> : null}
                          </div>
                          <SubmitButton
                            intent="withdraw-assignment"
                            danger
                            confirm={`Zuweisung ${x.reference} wirklich zurücknehmen? Der Vermittler kann darauf dann keinen Vermittlungsnachweis mehr stützen.`}
                          >
                            Zuweisung zurücknehmen
                          </SubmitButton>
                        </Form>
                      </details>
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>

        {d.canAssign ? (
          <>
            <h3>Neue Zuweisung</h3>
            {d.brokers.length === 0 ? (
              <div className="alert alert-warn">Heute hat kein Vermittler eine aktive Vermittlungsvereinbarung; eine Zuweisung ist deshalb nicht möglich.</div>
            ) : (
              <Form key={`assign-${d.assignments.length}`} method="post" className="form" noValidate>
                <input type="hidden" name="intent" value="assign" />
                <FormError message={formErr("assign")} />
                <div className="form-grid">
                  <Select
                    name="providerId"
                    label="Vermittler (mit aktiver Vereinbarung)"
                    required
                    defaultValue={assignVal.providerId ?? ""}
                    error={err("assign").providerId}
                    options={[{ value: "", label: "bitte wählen" }, ...d.brokers.map((b) => ({ value: String(b.providerId), label: `${b.label} – ${b.agreement}` }))]}
                  />
                  <Field idPrefix="assign" name="validFrom" label="Gültig ab" type="date" required defaultValue={assignVal.validFrom ?? d.today} error={err("assign").validFrom} />
                  <Field
                    idPrefix="assign"
                    name="validUntil"
                    label="Gültig bis (optional)"
                    type="date"
                    defaultValue={assignVal.validUntil}
                    error={err("assign").validUntil}
                    hint={`Ohne Angabe ${d.validityMonths} Monate ab „Gültig ab“ (Einstellung „Gültigkeit einer Zuweisung“).`}
                  />
                  <Field idPrefix="assign" name="region" label="Region" defaultValue={assignVal.region ?? c.region} error={err("assign").region} />
                </div>
                <div className="field checks">
                  <label>
                    <input type="checkbox" name="consent" defaultChecked={!!assignVal.consent} /> Einwilligung zur Weitergabe von Name und Kontaktdaten liegt vor
                  </label>
                  <div className="hint">Ohne Einwilligung sieht der Vermittler nur das Kennzeichen, die Qualifikation und den Zielberuf.</div>
                </div>
                <SubmitButton>Zuweisen</SubmitButton>
              </Form>
            )}
          </>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="h-history">
        <h2 id="h-history">Erwerbsbiografie</h2>
        <p className="muted">Grundlage der Prüfung auf Vorbeschäftigung beim selben Arbeitgeber (mehr als drei Monate in den letzten vier Jahren).</p>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Arbeitgeber</th>
              <th scope="col">von</th>
              <th scope="col">bis</th>
              <th scope="col">versicherungspflichtig</th>
              <th scope="col">Quelle</th>
              <th scope="col">Aktion</th>
            </tr>
          </thead>
          <tbody>
            {d.spells.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  Keine Beschäftigungen erfasst.
                </td>
              </tr>
            ) : null}
            {d.spells.map((s) => (
              <tr key={s.id}>
                <td>{s.employerName}</td>
                <td>{formatDate(s.fromDate)}</td>
                <td>{s.toDate ? formatDate(s.toDate) : "andauernd"}</td>
                <td>{s.insured ? "ja" : "nein"}</td>
                <td>{SOURCE_LABELS[s.source] ?? s.source}</td>
                <td>
                  {s.source === "history" ? (
                    <details>
                      <summary>Löschen …</summary>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="spellId" value={s.id} />
                        <label>
                          Grund <input name="reason" required minLength={10} aria-label="Grund der Löschung" />
                        </label>
                        <SubmitButton intent="remove-spell" danger confirm={`Beschäftigung bei „${s.employerName}“ wirklich löschen? Die Löschung wird mit dem Grund protokolliert.`}>
                          Löschen
                        </SubmitButton>
                      </Form>
                    </details>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <details open={a?.intent === "add-spell"}>
          <summary>Beschäftigung hinzufügen</summary>
          <Form key={`spell-${d.spells.length}`} method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="add-spell" />
            <FormError message={formErr("add-spell")} />
            <div className="form-grid">
              <Field idPrefix="spell" name="employerName" label="Arbeitgeber" required defaultValue={spellVal.employerName} error={err("add-spell").employerName} />
              <Field idPrefix="spell" name="fromDate" label="von" type="date" required defaultValue={spellVal.fromDate} error={err("add-spell").fromDate} />
              <Field idPrefix="spell" name="toDate" label="bis (leer = andauernd)" type="date" defaultValue={spellVal.toDate} error={err("add-spell").toDate} />
            </div>
            <div className="field checks">
              <label>
                <input type="checkbox" name="insured" defaultChecked={a?.intent === "add-spell" ? !!spellVal.insured : true} /> sozialversicherungspflichtig
              </label>
            </div>
            <SubmitButton>Beschäftigung speichern</SubmitButton>
          </Form>
        </details>
      </section>

      <ClientOutcomesPanel rows={d.outcomes} />

      <section className="panel" aria-labelledby="h-claims">
        <h2 id="h-claims">Vermittlungsnachweise</h2>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Nachweis</th>
              <th scope="col">Vermittler</th>
              <th scope="col">Arbeitgeber</th>
              <th scope="col">Beschäftigungsbeginn</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {d.claims.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  Keine Vermittlungsnachweise.
                </td>
              </tr>
            ) : null}
            {d.claims.map((cl) => (
              <tr key={cl.id}>
                <td className="mono">
                  <Link to={`/placements/${cl.id}`}>{cl.reference}</Link>
                </td>
                <td>{cl.providerName}</td>
                <td>{cl.employerName}</td>
                <td>{formatDate(cl.jobStart)}</td>
                <td>
                  <span className={`badge ${CLAIM_BADGE[claimState(cl.statusLabel)] ?? ""}`}>{cl.statusLabel}</span> {cl.flagged ? <span className="badge warn">Prüfhinweis</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
