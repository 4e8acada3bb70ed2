import { Form } from "@remix-run/react";
import { PROVIDER_KIND_LABELS, SERVICE_CATEGORIES } from "~/domain/provider";
import { formatDate } from "~/domain/time";
import { Field, FormError, Select } from "./form";

export interface ProviderFormValues {
  kind?: string;
  name?: string;
  legalForm?: string;
  street?: string;
  postalCode?: string;
  city?: string;
  region?: string;
  vatId?: string | null;
  externalKey?: string | null;
  email?: string;
  phone?: string;
  serviceCategories?: string[];
  tradeRegistrationDate?: string | null;
}

/** Master data form for a provider (create and edit). */
export function ProviderForm({ values, errors, formError, submitLabel }: { values: ProviderFormValues; errors: Record<string, string>; formError?: string | null; submitLabel: string }) {
  const categories = new Set(values.serviceCategories ?? []);
  return (
    <Form method="post" className="form" noValidate>
      <FormError message={formError} />
      <div className="form-grid">
        <Select name="kind" label="Art" required defaultValue={values.kind ?? "broker"} error={errors.kind} options={Object.entries(PROVIDER_KIND_LABELS).map(([value, label]) => ({ value, label }))} />
        <Field name="name" label="Name" required defaultValue={values.name} error={errors.name} />
        <Field name="legalForm" label="Rechtsform" defaultValue={values.legalForm} error={errors.legalForm} placeholder="z. B. GmbH, e. V." />
        <Field name="vatId" label="USt-IdNr." defaultValue={values.vatId} error={errors.vatId} placeholder="DE123456789" />
        <Field name="externalKey" label="Externer Schlüssel" defaultValue={values.externalKey} error={errors.externalKey} hint="Kennung aus anderen Verfahren; dient dem Abgleich beim CSV-Import." />
        <Field name="street" label="Straße und Hausnummer" defaultValue={values.street} error={errors.street} />
        <Field name="postalCode" label="PLZ" defaultValue={values.postalCode} error={errors.postalCode} inputMode="numeric" />
        <Field name="city" label="Ort" defaultValue={values.city} error={errors.city} />
        <Field name="region" label="Region (Landkreis)" defaultValue={values.region} error={errors.region} />
        <Field name="email" label="E-Mail (Organisation)" type="email" defaultValue={values.email} error={errors.email} />
        <Field name="phone" label="Telefon" defaultValue={values.phone} error={errors.phone} />
        <Field
          name="tradeRegistrationDate"
          label="Gewerbeanzeige Arbeitsvermittlung vom"
          defaultValue={values.tradeRegistrationDate ? formatDate(values.tradeRegistrationDate) : ""}
          error={errors.tradeRegistrationDate}
          hint="Nur bei privaten Vermittlern (TT.MM.JJJJ)."
          placeholder="TT.MM.JJJJ"
        />
      </div>
      <fieldset className="checks">
        <legend>Leistungsbereiche</legend>
        {SERVICE_CATEGORIES.map((c) => (
          <label key={c.code}>
            <input type="checkbox" name="serviceCategories" value={c.code} defaultChecked={categories.has(c.code)} /> {c.label}
          </label>
        ))}
        {errors.serviceCategories ? <div className="error">{errors.serviceCategories}</div> : null}
      </fieldset>
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  );
}

type Values = Record<string, string | undefined>;

/** Fields of an AZAV certification (staff entry and the provider's request). */
export function CertificationFields({ values, errors }: { values: Values; errors: Record<string, string> }) {
  return (
    <div className="form-grid">
      <Field name="certifyingBody" label="Fachkundige Stelle" required defaultValue={values.certifyingBody} error={errors.certifyingBody} />
      <Field name="certificateNumber" label="Zertifikatsnummer" required defaultValue={values.certificateNumber} error={errors.certificateNumber} />
      <Field name="validFrom" label="Gültig ab" required placeholder="TT.MM.JJJJ" defaultValue={values.validFrom} error={errors.validFrom} />
      <Field name="validUntil" label="Gültig bis" required placeholder="TT.MM.JJJJ" defaultValue={values.validUntil} error={errors.validUntil} />
      <Field name="scope" label="Geltungsbereich" defaultValue={values.scope} error={errors.scope} />
    </div>
  );
}

/** Fields of a bank account (staff entry and the provider's request). */
export function BankAccountFields({ values, errors, defaultHolder }: { values: Values; errors: Record<string, string>; defaultHolder: string }) {
  return (
    <>
      <Field name="iban" label="IBAN" required defaultValue={values.iban} error={errors.iban} />
      <Field name="bic" label="BIC (optional)" defaultValue={values.bic} error={errors.bic} />
      <Field name="holder" label="Kontoinhaber" required defaultValue={values.holder ?? defaultHolder} error={errors.holder} />
    </>
  );
}
