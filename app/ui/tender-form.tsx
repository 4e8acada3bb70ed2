import { Form } from "@remix-run/react";
import { MEASURE_TYPES, PROCEDURE_LABELS, PROCEDURE_TYPES } from "~/domain/tender";
import { Field, FormError, Select, TextArea } from "./form";

export function TenderForm({ values, errors, formError, submitLabel, intent }: { values: Record<string, unknown>; errors: Record<string, string>; formError?: string | null; submitLabel: string; intent?: string }) {
  return (
    <Form method="post" className="form" noValidate>
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <FormError message={formError} />
      <div className="form-grid">
        <Field name="title" label="Titel" required defaultValue={values.title as string} error={errors.title} />
        <Select name="measureType" label="Art der Maßnahme" required defaultValue={values.measureType as string} error={errors.measureType} options={MEASURE_TYPES.map((m) => ({ value: m.code, label: m.label }))} />
        <Field name="legalBasis" label="Rechtsgrundlage" required defaultValue={values.legalBasis as string} error={errors.legalBasis} placeholder="z. B. § 45 SGB III i. V. m. § 16 SGB II" />
        <Select
          name="procedureType"
          label="Verfahrensart (EU / national)"
          required
          defaultValue={values.procedureType as string}
          error={errors.procedureType}
          options={PROCEDURE_TYPES.map((p) => ({ value: p, label: `${PROCEDURE_LABELS[p].eu} / ${PROCEDURE_LABELS[p].national}` }))}
        />
      </div>
      <TextArea name="description" label="Beschreibung der Leistung" defaultValue={values.description as string} error={errors.description} />
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  );
}
