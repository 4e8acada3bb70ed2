import { Form } from "@remix-run/react";
import { ROLE_LABELS, ROLES } from "~/domain/permissions";
import { Field, FormError, Select } from "./form";

export function UserForm({
  values,
  errors,
  formError,
  providers,
  withPassword,
  submitLabel,
  minPasswordLength,
}: {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  formError?: string | null;
  providers: { value: string; label: string }[];
  withPassword: boolean;
  submitLabel: string;
  minPasswordLength: number;
}) {
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="save" />
      <FormError message={formError} />
      <div className="form-grid">
        <Field name="name" label="Name" required defaultValue={values.name as string} error={errors.name} />
        <Field name="email" label="E-Mail" type="email" required defaultValue={values.email as string} error={errors.email} autoComplete="off" />
        <Field name="phone" label="Telefon (Durchwahl, steht in Schreiben)" type="tel" defaultValue={(values.phone as string | null) ?? ""} error={errors.phone} autoComplete="off" />
        <Select name="role" label="Rolle" required defaultValue={(values.role as string) ?? "case_manager"} error={errors.role} options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
        <Select
          name="providerId"
          label="Organisation (nur Rolle Träger / Vermittler)"
          defaultValue={values.providerId ? String(values.providerId) : ""}
          error={errors.providerId}
          options={[{ value: "", label: "– keine –" }, ...providers]}
        />
        <div className={`field${errors.providerAdmin ? " field-error" : ""}`}>
          <label>
            <input type="checkbox" name="providerAdmin" value="1" defaultChecked={values.providerAdmin === true || values.providerAdmin === "1"} aria-describedby="f-providerAdmin-hint" /> Verwaltet die API-Zugänge der
            Organisation
          </label>
          <div className="hint" id="f-providerAdmin-hint">
            Nur Rolle Träger / Vermittler: darf im Portal API-Zugänge der Organisation erstellen und widerrufen.
          </div>
          {errors.providerAdmin ? <div className="error">{errors.providerAdmin}</div> : null}
        </div>
        <div className={`field${errors.comparisonAccess ? " field-error" : ""}`}>
          <label>
            <input type="checkbox" name="comparisonAccess" value="1" defaultChecked={values.comparisonAccess === true || values.comparisonAccess === "1"} aria-describedby="f-comparisonAccess-hint" /> darf den
            Trägervergleich sehen
          </label>
          <div className="hint" id="f-comparisonAccess-hint">
            Nur Vergabestelle, Fallmanagement, Prüfung und Administration: sieht die Ergebnisse aller Träger und Vermittler im Vergleich (mit Namen).
          </div>
          {errors.comparisonAccess ? <div className="error">{errors.comparisonAccess}</div> : null}
        </div>
        {withPassword ? <Field name="password" label="Anfangspasswort" type="password" required autoComplete="new-password" error={errors.password} hint={`Mindestens ${minPasswordLength} Zeichen.`} /> : null}
      </div>
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  );
}
