import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { isLegalBasis, LEGAL_BASES, LEGAL_BASIS_LABELS, type LegalBasis } from "~/domain/placement";
import { formObject } from "~/domain/validation";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { admissionCandidates, offerAgreements, offerAgreementsToAllEligible, type OfferResult } from "~/services/placement-agreements.server";
import { today } from "~/lib/clock.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, SubmitButton } from "~/ui/form";
import { OfferResultPanel } from "~/ui/staff-placement";

export const meta: MetaFunction = () => [{ title: "Standardvereinbarung anbieten" }];

const DEFAULT_BASIS: LegalBasis = "avgs_45";

/** Select options (from the domain module: service modules are not shipped to the browser). */
const LEGAL_BASIS_CHOICES = LEGAL_BASES.map((b) => ({ value: b, label: LEGAL_BASIS_LABELS[b] }));

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:agreement:any");
  const requested = new URL(request.url).searchParams.get("legalBasis");
  const basis: LegalBasis = isLegalBasis(requested) ? requested : DEFAULT_BASIS;
  const candidates = await admissionCandidates(user, basis);
  return json({ basis, basisLabel: LEGAL_BASIS_LABELS[basis], candidates, today: today() });
}

type ActionData = { intent: string; result: OfferResult | null; formError: string | null; fieldErrors: Record<string, string>; values: Record<string, unknown> };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:agreement:any");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const values = formObject(form, ["providerIds"]);
  try {
    let result: OfferResult;
    switch (intent) {
      case "offer":
        result = await offerAgreements(user, values);
        break;
      case "all_eligible":
        result = await offerAgreementsToAllEligible(user, values);
        break;
      default:
        throw new Response("Unbekannte Aktion", { status: 400 });
    }
    return json<ActionData>({ intent, result, formError: null, fieldErrors: {}, values: {} });
  } catch (error) {
    const failure = actionError(error, values);
    const body = (await failure.json()) as { formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> };
    return json<ActionData>({ intent, result: null, ...body }, { status: failure.status });
  }
}

export default function OfferAgreements() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const submit = useSubmit();
  const errors = a?.fieldErrors ?? {};
  const selected = new Set(Array.isArray(a?.values?.providerIds) ? (a.values.providerIds as string[]) : []);
  const eligible = d.candidates.filter((c) => !c.problem && !c.current).length;
  const withCurrent = d.candidates.filter((c) => c.current).length;
  const ineligible = d.candidates.filter((c) => c.problem).length;
  return (
    <>
      <p>
        <Link to="/agreements">« Vermittlungsvereinbarungen</Link>
      </p>
      <h1>Standardvereinbarung anbieten</h1>
      <p className="muted">
        Offene Zulassung: Jeder Vermittler, der die Zulassungsvoraussetzungen erfüllt, erhält die Standardvereinbarung zu gleichen Bedingungen. Die Vermittler nehmen sie im Trägerportal an; erst dann
        ist die Vereinbarung aktiv. Gewählt wird die Vergütungsregelung, die am Beginn der Laufzeit gilt.
      </p>
      {a?.result ? <OfferResultPanel title="Ergebnis" result={a.result} /> : null}
      <Form method="get" className="filters">
        <div className="field">
          <label htmlFor="sel-legalBasis">Rechtsgrundlage</label>
          <select id="sel-legalBasis" name="legalBasis" defaultValue={d.basis} onChange={(e) => submit(e.currentTarget.form)}>
            {LEGAL_BASIS_CHOICES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button secondary">
          Zulassung prüfen
        </button>
      </Form>
      <Form method="post" className="form" noValidate key={a?.result ? `done-${a.result.offered.map((o) => o.reference).join(",")}` : "offer"}>
        <input type="hidden" name="legalBasis" value={d.basis} />
        <FormError message={a?.formError} />
        {errors.legalBasis ? <div className="alert alert-error">{errors.legalBasis}</div> : null}
        <div className="form-grid">
          <div className="field">
            <span className="muted">Rechtsgrundlage</span>
            <div>
              <strong>{d.basisLabel}</strong>
            </div>
          </div>
          <Field name="validFrom" label="Beginn der Laufzeit" type="date" required defaultValue={(a?.values?.validFrom as string) ?? d.today} error={errors.validFrom} />
        </div>
        <p>
          {d.candidates.length} Vermittler · <span className="badge ok">{eligible} zulassungsfähig ohne laufende Vereinbarung</span>{" "}
          <span className="badge">{withCurrent} mit laufender Vereinbarung</span> <span className="badge err">{ineligible} nicht zulassungsfähig</span>
        </p>
        {errors.providerIds ? (
          <div className="alert alert-error" role="alert">
            {errors.providerIds}
          </div>
        ) : null}
        <OfferButtons eligible={eligible} />
        <table className="data">
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Auswahl</span>
              </th>
              <th scope="col">Vermittler</th>
              <th scope="col">Ort</th>
              <th scope="col">Zulassung</th>
              <th scope="col">Laufende Vereinbarung</th>
            </tr>
          </thead>
          <tbody>
            {d.candidates.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  Es sind keine privaten Arbeitsvermittler erfasst.
                </td>
              </tr>
            ) : null}
            {d.candidates.map((c) => (
              <tr key={c.id}>
                <td>
                  <input
                    type="checkbox"
                    name="providerIds"
                    value={c.id}
                    id={`p-${c.id}`}
                    disabled={!!c.problem}
                    defaultChecked={!c.problem && selected.has(String(c.id))}
                    aria-label={`${c.label} auswählen`}
                  />
                </td>
                <td>
                  <Link to={`/providers/${c.id}`}>{c.name}</Link>
                  <div className="muted">{c.label.slice(c.name.length).trim()}</div>
                </td>
                <td>{c.city || "–"}</td>
                <td>
                  {c.problem ? (
                    <>
                      <span className="badge err">nicht zulassungsfähig</span> <span className="muted">{c.problem}</span>
                    </>
                  ) : (
                    <span className="badge ok">erfüllt</span>
                  )}
                </td>
                <td>{c.current ? `${c.current.reference} (${c.current.status})` : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <OfferButtons eligible={eligible} />
      </Form>
    </>
  );
}

function OfferButtons({ eligible }: { eligible: number }) {
  return (
    <div className="actions">
      <SubmitButton intent="offer" confirm="Den ausgewählten Vermittlern die Standardvereinbarung anbieten? Die Vermittler erhalten das Angebot mit der Vereinbarung als PDF per E-Mail.">
        Ausgewählten Vermittlern anbieten
      </SubmitButton>
      <button
        type="submit"
        name="intent"
        value="all_eligible"
        className="button secondary"
        disabled={eligible === 0}
        onClick={(e) => {
          if (!window.confirm(`Allen ${eligible} zulassungsfähigen Vermittlern ohne laufende Vereinbarung die Standardvereinbarung anbieten?`)) e.preventDefault();
        }}
      >
        Alle zulassungsfähigen auswählen und anbieten ({eligible})
      </button>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
