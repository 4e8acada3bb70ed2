/**
 * Shared pieces of the placement pages (staff and broker portal): status badges, the client form,
 * the result of an offer or renewal run.
 */
import { Form } from "@remix-run/react";
import { Field, FormError, TextArea } from "./form";

/** Badge class per state (ok = green, warn = amber, err = red, "" = neutral). */
export const AGREEMENT_BADGE: Record<string, string> = { draft: "", offered: "warn", active: "ok", suspended: "warn", terminated: "err", expired: "" };
export const CLAIM_BADGE: Record<string, string> = { submitted: "", documents_requested: "warn", accepted: "ok", rejected: "err", withdrawn: "" };
export const INSTALMENT_BADGE: Record<string, string> = { pending: "", due: "warn", earned: "warn", payable: "ok", paid: "ok", cancelled: "err", lapsed: "err" };
export const ASSIGNMENT_BADGE: Record<string, string> = { active: "ok", redeemed: "", expired: "", withdrawn: "err" };
export const PAYABLE_BADGE: Record<string, string> = { open: "warn", paid: "ok" };

export interface OfferResultData {
  offered: { reference: string; providerName: string }[];
  skipped: { providerName: string; reason: string }[];
}

/** The outcome of a bulk offer or a renewal run: what was offered, what was skipped and why. */
export function OfferResultPanel({ title, result, emptyText = "Es gab nichts zu tun." }: { title: string; result: OfferResultData; emptyText?: string }) {
  return (
    <section className="panel" aria-labelledby="h-offer-result" role="status">
      <h2 id="h-offer-result">{title}</h2>
      {result.offered.length === 0 && result.skipped.length === 0 ? <p className="muted">{emptyText}</p> : null}
      {result.offered.length ? (
        <>
          <h3>
            Angeboten <span className="badge ok">{result.offered.length}</span>
          </h3>
          <ul>
            {result.offered.map((o) => (
              <li key={o.reference}>
                {o.reference} – {o.providerName}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {result.skipped.length ? (
        <>
          <h3>
            Nicht angeboten <span className="badge warn">{result.skipped.length}</span>
          </h3>
          <ul>
            {result.skipped.map((s, i) => (
              <li key={`${s.providerName}-${i}`}>
                <strong>{s.providerName}</strong>: {s.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export type ClientFormValues = Partial<Record<string, string | string[] | null | undefined>>;

const RECORDED_GROUPS: [string, string][] = [
  ["long_term_unemployed", "langzeitarbeitslos"],
  ["severely_disabled", "schwerbehindert"],
  // Entry conditions of measures (places): not used for broker fees.
  ["rehab", "Rehabilitand (berufliche Reha)"],
  ["single_parent", "alleinerziehend"],
  ["language_needs", "Sprachförderbedarf"],
];

/** Create and edit a client (case managers). Internal fields are marked as never shown to brokers. */
export function ClientForm({
  intent,
  values,
  errors,
  formError,
  submitLabel,
}: {
  intent?: string;
  values: ClientFormValues;
  errors: Record<string, string>;
  formError?: string | null;
  submitLabel: string;
}) {
  const v = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : values[k] === null || values[k] === undefined ? "" : String(values[k]));
  const groups = new Set(Array.isArray(values.targetGroups) ? values.targetGroups : []);
  return (
    <Form method="post" className="form" noValidate>
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <FormError message={formError} />
      <h3>Person und Kontakt</h3>
      <div className="form-grid">
        <Field name="firstName" label="Vorname" required defaultValue={v("firstName")} error={errors.firstName} autoComplete="off" />
        <Field name="lastName" label="Nachname" required defaultValue={v("lastName")} error={errors.lastName} autoComplete="off" />
        <Field name="birthDate" label="Geburtsdatum" type="date" defaultValue={v("birthDate")} error={errors.birthDate} hint="Die Zielgruppen „unter 25“ und „über 50“ ergeben sich daraus." />
        <Field name="street" label="Straße und Hausnummer" defaultValue={v("street")} error={errors.street} autoComplete="off" />
        <Field name="postalCode" label="PLZ" inputMode="numeric" defaultValue={v("postalCode")} error={errors.postalCode} autoComplete="off" />
        <Field name="city" label="Ort" defaultValue={v("city")} error={errors.city} autoComplete="off" />
        <Field name="phone" label="Telefon" defaultValue={v("phone")} error={errors.phone} autoComplete="off" />
        <Field name="email" label="E-Mail" type="email" defaultValue={v("email")} error={errors.email} autoComplete="off" />
        <Field name="region" label="Region" defaultValue={v("region")} error={errors.region} />
      </div>
      <fieldset className="checks">
        <legend>Zielgruppen (für die Höhe der Vergütung)</legend>
        {RECORDED_GROUPS.map(([value, label]) => (
          <label key={value}>
            <input type="checkbox" name="targetGroups" value={value} defaultChecked={groups.has(value)} /> {label}
          </label>
        ))}
        <div className="hint muted">Altersgruppen (unter 25, über 50 Jahre) folgen aus dem Geburtsdatum und werden nicht erfasst.</div>
      </fieldset>
      <h3>Vermittlungsprofil</h3>
      <p className="muted">Sichtbar für den zugewiesenen Vermittler.</p>
      <div className="form-grid">
        <Field name="targetOccupation" label="Zielberuf" defaultValue={v("targetOccupation")} error={errors.targetOccupation} />
      </div>
      <TextArea name="qualification" label="Qualifikation" defaultValue={v("qualification")} error={errors.qualification} />
      <fieldset>
        <legend>
          Interne Angaben <span className="badge warn">intern – nie für Vermittler sichtbar</span>
        </legend>
        <div className="form-grid">
          <Field
            name="monthlyBenefit"
            label="Leistungshöhe (€ monatlich)"
            inputMode="decimal"
            defaultValue={v("monthlyBenefit")}
            error={errors.monthlyBenefit}
            hint="intern – nie für Vermittler sichtbar"
          />
          <Field
            name="householdSize"
            label="Haushaltsgröße (Personen)"
            inputMode="numeric"
            defaultValue={v("householdSize")}
            error={errors.householdSize}
            hint="intern – nie für Vermittler sichtbar"
          />
        </div>
        <TextArea name="healthNotes" label="Gesundheit" defaultValue={v("healthNotes")} error={errors.healthNotes} hint="intern – nie für Vermittler sichtbar" />
      </fieldset>
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  );
}
