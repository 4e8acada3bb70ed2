import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { LEGAL_BASES, LEGAL_BASIS_LABELS } from "~/domain/placement";
import { berlinDate, formatDate } from "~/domain/time";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createFeeSchedule, listFeeSchedules, listTerms, publishTerms } from "~/services/placement-agreements.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, Select, SubmitButton, TextArea } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Vergütungsregelungen" }];

/** Select options (from the domain module: service modules are not shipped to the browser). */
const LEGAL_BASIS_CHOICES = LEGAL_BASES.map((b) => ({ value: b, label: LEGAL_BASIS_LABELS[b] }));

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const [schedules, terms] = await Promise.all([listFeeSchedules(user), listTerms(user)]);
  return json({ schedules, terms, canManage: can(user.role, "manage:agreement:any") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:agreement:any");
  const values = formObject(await request.formData());
  try {
    if (values.intent === "terms") {
      const t = await publishTerms(user, values);
      return redirectWithFlash("/agreements/schedules", `Standardbedingungen „${t.title}“ veröffentlicht; neue Angebote unter dieser Rechtsgrundlage verwenden sie.`);
    }
    const s = await createFeeSchedule(user, values);
    return redirectWithFlash("/agreements/schedules", `Vergütungsregelung ${s.code} angelegt (gültig ab ${formatDate(s.validFrom)}).`);
  } catch (error) {
    return actionError(error, values);
  }
}

const RATES_EXAMPLE = "alle;2.000,00;01.04.2012\nlangzeitarbeitslos;2.500,00;01.04.2012";

export default function FeeSchedules() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const v = (a?.values ?? {}) as Record<string, string>;
  const e = (a?.fieldErrors ?? {}) as Record<string, string>;
  return (
    <>
      <p>
        <Link to="/agreements">« Vermittlungsvereinbarungen</Link>
      </p>
      <h1>Vergütungsregelungen</h1>
      <p className="muted">
        Eine Vergütungsregelung legt je Rechtsgrundlage die Raten und die Beträge fest (Grundbetrag und höhere Beträge für Zielgruppen, jeweils ab einem Datum). Neue Vereinbarungen erhalten die
        Regelung, die am Beginn ihrer Laufzeit gilt; bestehende Regelungen werden nicht geändert, sondern durch eine neue mit späterem Beginn abgelöst.
      </p>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Kürzel</th>
            <th scope="col">Bezeichnung</th>
            <th scope="col">Rechtsgrundlage</th>
            <th scope="col">gültig ab</th>
            <th scope="col">Raten</th>
            <th scope="col">Beträge (gesamt)</th>
          </tr>
        </thead>
        <tbody>
          {d.schedules.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Noch keine Vergütungsregelung angelegt.
              </td>
            </tr>
          ) : null}
          {d.schedules.map((s) => (
            <tr key={s.id}>
              <td className="mono nowrap">{s.code}</td>
              <td>{s.name}</td>
              <td>{s.legalBasisLabel}</td>
              <td>{formatDate(s.validFrom)}</td>
              <td>
                {s.instalments.map((i) => (
                  <div key={i.number}>
                    {i.number}. Rate: {i.amount}, {i.condition}
                  </div>
                ))}
              </td>
              <td>
                {s.rates.map((r, idx) => (
                  <div key={idx}>
                    {r.group}: <span className="nowrap">{r.amount}</span> ab {formatDate(r.validFrom)}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Standardbedingungen</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Titel</th>
            <th scope="col">Rechtsgrundlage</th>
            <th scope="col">Vergütungsregelung</th>
            <th scope="col" className="num">
              Laufzeit
            </th>
            <th scope="col">Veröffentlicht</th>
          </tr>
        </thead>
        <tbody>
          {d.terms.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                Keine Standardbedingungen hinterlegt; Vereinbarungen verweisen dann auf die veröffentlichten Zulassungsbedingungen.
              </td>
            </tr>
          ) : null}
          {d.terms.map((t) => (
            <tr key={t.id}>
              <td>
                <details>
                  <summary>{t.title}</summary>
                  <div className="prewrap">{t.body}</div>
                </details>
              </td>
              <td>{t.legalBasisLabel}</td>
              <td className="mono">{t.schedule}</td>
              <td className="num">{t.termMonths} Monate</td>
              <td>{t.publishedAt ? formatDate(berlinDate(t.publishedAt)) : <span className="badge">Entwurf</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {d.canManage ? (
        <section aria-labelledby="h-terms">
          <h2 id="h-terms">Standardbedingungen veröffentlichen</h2>
          <p className="muted">Offene Zulassung: Jeder Vermittler, der die Bedingungen erfüllt, kann die Vereinbarung zu diesen Bedingungen erhalten. Veröffentlichte Bedingungen werden nicht geändert; eine Änderung ist eine neue Fassung.</p>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="terms" />
            {v.intent === "terms" ? <FormError message={a?.formError} /> : null}
            <div className="form-grid">
              <Field idPrefix="t" name="title" label="Titel" required defaultValue={v.intent === "terms" ? v.title : ""} error={v.intent === "terms" ? e.title : undefined} placeholder="z. B. Zulassungsbedingungen AVGS-MPAV 2027" />
              <Select
                idPrefix="t"
                name="legalBasis"
                label="Rechtsgrundlage"
                required
                defaultValue={v.intent === "terms" ? v.legalBasis ?? "" : ""}
                error={v.intent === "terms" ? e.legalBasis : undefined}
                options={[{ value: "", label: "bitte wählen" }, ...LEGAL_BASIS_CHOICES]}
              />
              <Select
                idPrefix="t"
                name="feeScheduleId"
                label="Vergütungsregelung"
                required
                defaultValue={v.intent === "terms" ? v.feeScheduleId ?? "" : ""}
                error={v.intent === "terms" ? e.feeScheduleId : undefined}
                options={[{ value: "", label: "bitte wählen" }, ...d.schedules.map((s) => ({ value: String(s.id), label: `${s.code} – ${s.name}` }))]}
              />
              <Field idPrefix="t" name="termMonths" label="Laufzeit (Monate)" required inputMode="numeric" defaultValue={v.intent === "terms" ? v.termMonths : "12"} error={v.intent === "terms" ? e.termMonths : undefined} />
            </div>
            <TextArea idPrefix="t" name="body" label="Bedingungen" required defaultValue={v.intent === "terms" ? v.body : ""} error={v.intent === "terms" ? e.body : undefined} />
            <SubmitButton confirm="Standardbedingungen veröffentlichen? Sie gelten dann für alle neuen Angebote unter dieser Rechtsgrundlage.">Veröffentlichen</SubmitButton>
          </Form>
        </section>
      ) : null}

      {d.canManage ? (
        <section aria-labelledby="h-new">
          <h2 id="h-new">Neue Vergütungsregelung</h2>
          <Form method="post" className="form" noValidate>
            {v.intent !== "terms" ? <FormError message={a?.formError} /> : null}
            <div className="form-grid">
              <Field name="code" label="Kürzel" required defaultValue={v.code} error={e.code} placeholder="z. B. AVGS-2012" />
              <Field name="name" label="Bezeichnung" required defaultValue={v.name} error={e.name} />
              <Select
                name="legalBasis"
                label="Rechtsgrundlage"
                required
                defaultValue={v.legalBasis ?? ""}
                error={e.legalBasis}
                options={[{ value: "", label: "bitte wählen" }, ...LEGAL_BASIS_CHOICES]}
              />
              <Field name="validFrom" label="Gültig ab" type="date" required defaultValue={v.validFrom} error={e.validFrom} />
            </div>
            <fieldset>
              <legend>Raten</legend>
              <div className="form-grid">
                <Field name="firstAmount" label="1. Rate: Betrag (€)" required inputMode="decimal" defaultValue={v.firstAmount ?? "1.000,00"} error={e.firstAmount} />
                <Field name="firstDays" label="1. Rate nach … Tagen Beschäftigung" required inputMode="numeric" defaultValue={v.firstDays ?? "42"} error={e.firstDays} hint="Sechs Wochen = 42 Tage" />
                <Field name="secondMonths" label="2. Rate (Restbetrag) nach … Monaten" required inputMode="numeric" defaultValue={v.secondMonths ?? "6"} error={e.secondMonths} />
              </div>
              <div className="field checks">
                <label>
                  <input type="checkbox" name="secondSameEmployer" defaultChecked={a ? !!v.secondSameEmployer : true} /> 2. Rate nur bei Beschäftigung beim selben Arbeitgeber
                </label>
              </div>
            </fieldset>
            <div className={`field${e.rates ? " field-error" : ""}`}>
              <label htmlFor="f-rates">
                Beträge (gesamt) <span aria-hidden="true">*</span>
              </label>
              <textarea id="f-rates" name="rates" rows={4} defaultValue={v.rates ?? RATES_EXAMPLE} aria-invalid={e.rates ? true : undefined} aria-describedby="f-rates-hint" className="mono" />
              <div className="hint" id="f-rates-hint">
                Eine Zeile je Betrag: <code>Zielgruppe;Betrag;gültig ab</code>. Zielgruppe „alle“ für den Grundbetrag, sonst langzeitarbeitslos, schwerbehindert, unter 25 Jahre oder über 50 Jahre.
                Beispiel: <code>alle;2.000,00;01.04.2012</code>
              </div>
              {e.rates ? <div className="error">{e.rates}</div> : null}
            </div>
            <SubmitButton confirm="Vergütungsregelung anlegen? Sie kann danach nicht mehr geändert werden.">Vergütungsregelung anlegen</SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
