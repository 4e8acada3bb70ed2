import { Form } from "@remix-run/react";
import { useState } from "react";
import { BA_NOTE } from "~/domain/measure-form";
import {
  BILL_EVENTS,
  BILL_EVENT_LABELS,
  DURATION_UNITS,
  DURATION_UNIT_LABELS,
  ENTRY_MODE_LABELS,
  MEASURE_FORMAT_LABELS,
  MEASURE_ORIGIN_LABELS,
  MEASURE_TARGET_GROUPS,
  MEASURE_TARGET_GROUP_LABELS,
  MONTHLY_MODELS,
  PRICE_MODELS,
  PRICE_MODEL_LABELS,
  PRO_RATA_LABELS,
  PRO_RATA_RULES,
} from "~/domain/places";
import { Field, FormError, Select, SubmitButton, TextArea } from "./form";

export type MeasureFormValues = Record<string, unknown>;

interface Props {
  /** ba | certified | employer chosen in the form (staff, new); or fixed (edit, a provider's proposal). */
  origin: string;
  originFixed: boolean;
  types: { code: string; name: string; defaultPriceModel: string }[];
  /** Staff: the providers to choose from; null in the portal (the own organisation). */
  providers: { id: number; name: string; kindLabel: string }[] | null;
  values: MeasureFormValues;
  errors: Record<string, string>;
  formError?: string | null;
  submitLabel: string;
  /** Shown above the submit button (e.g. what an edit does to existing purchases). */
  note?: string;
}

const s = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** The catalogue entry form: staff (new, edit) and the provider's proposal. Nothing typed is lost on an error. */
export function MeasureForm({ origin: initialOrigin, originFixed, types, providers, values, errors, formError, submitLabel, note }: Props) {
  const [origin, setOrigin] = useState(s(values.origin) || initialOrigin);
  const [priceModel, setPriceModel] = useState(s(values.priceModel) || (origin === "employer" ? "none" : (types.find((t) => t.code === s(values.typeCode))?.defaultPriceModel ?? "")));
  const [entryMode, setEntryMode] = useState(s(values.entryMode) || "continuous");
  const groups = new Set(Array.isArray(values.targetGroups) ? (values.targetGroups as string[]) : s(values.targetGroups) ? [s(values.targetGroups)] : []);
  const feeRows = Math.max(2, Object.keys(values).filter((k) => /^fee-event-\d+$/.test(k)).length + 1);
  const fieldError = (name: string) => errors[name];
  return (
    <Form method="post" noValidate>
      <FormError message={formError} />
      {originFixed ? (
        <input type="hidden" name="origin" value={origin} />
      ) : (
        <fieldset className="checks">
          <legend>Herkunft *</legend>
          {(["ba", "certified", "employer"] as const).map((o) => (
            <label key={o}>
              <input type="radio" name="origin" value={o} checked={origin === o} onChange={() => {
                setOrigin(o);
                if (o === "employer") setPriceModel("none");
              }} /> {MEASURE_ORIGIN_LABELS[o]}
            </label>
          ))}
          {errors.origin ? <div className="error">{errors.origin}</div> : null}
          <div className="hint muted">Einträge aus eigener Vergabe entstehen beim Zuschlag automatisch.</div>
        </fieldset>
      )}

      <h2>Maßnahme</h2>
      <div className="form-grid">
        <div className={`field${errors.typeCode ? " field-error" : ""}`}>
          <label htmlFor="f-typeCode">
            Maßnahmeart<span aria-hidden="true"> *</span>
          </label>
          <select
            id="f-typeCode"
            name="typeCode"
            defaultValue={s(values.typeCode)}
            aria-invalid={errors.typeCode ? true : undefined}
            aria-describedby={errors.typeCode ? "f-typeCode-error" : "f-typeCode-hint"}
            onChange={(e) => {
              const t = types.find((x) => x.code === e.currentTarget.value);
              if (t && origin !== "employer") setPriceModel(t.defaultPriceModel);
            }}
          >
            <option value="">– bitte wählen –</option>
            {types.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name}
              </option>
            ))}
          </select>
          <div className="hint" id="f-typeCode-hint">Die Art gibt das Preismodell vor; es kann danach geändert werden.</div>
          {errors.typeCode ? <div className="error" id="f-typeCode-error">{errors.typeCode}</div> : null}
        </div>
        <Field name="title" label="Titel" required defaultValue={s(values.title)} error={fieldError("title")} />
        {providers && origin !== "employer" ? (
          <Select
            name="providerId"
            label="Träger"
            required
            defaultValue={s(values.providerId)}
            error={fieldError("providerId")}
            options={[{ value: "", label: "– bitte wählen –" }, ...providers.map((p) => ({ value: String(p.id), label: `${p.name} (${p.kindLabel})` }))]}
          />
        ) : providers ? (
          <>
            <input type="hidden" name="providerId" value={s(values.providerId)} />
          </>
        ) : null}
        {origin === "employer" ? <Field name="hostName" label="Arbeitgeber" required defaultValue={s(values.hostName)} error={fieldError("hostName")} hint="Bei wem die Maßnahme stattfindet." /> : null}
        <Field name="region" label="Region" defaultValue={s(values.region)} error={fieldError("region")} placeholder="z. B. Kamenz" />
        <Field name="location" label="Ort (Anschrift)" defaultValue={s(values.location)} error={fieldError("location")} />
        <Select name="format" label="Form" defaultValue={s(values.format) || "group"} error={fieldError("format")} options={Object.entries(MEASURE_FORMAT_LABELS).map(([value, label]) => ({ value, label }))} />
      </div>
      <TextArea name="description" label="Beschreibung" defaultValue={s(values.description)} error={fieldError("description")} />

      <h2>Einstieg, Dauer, Plätze</h2>
      <div className="form-grid">
        <div className={`field${errors.entryMode ? " field-error" : ""}`}>
          <label htmlFor="f-entryMode">
            Einstieg<span aria-hidden="true"> *</span>
          </label>
          <select id="f-entryMode" name="entryMode" value={entryMode} onChange={(e) => setEntryMode(e.currentTarget.value)}>
            {Object.entries(ENTRY_MODE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {errors.entryMode ? <div className="error">{errors.entryMode}</div> : null}
        </div>
        <Field name="duration" label="Dauer einer Teilnahme" required inputMode="numeric" defaultValue={s(values.duration)} error={fieldError("duration")} />
        <Select name="durationUnit" label="Einheit der Dauer" defaultValue={s(values.durationUnit) || "month"} error={fieldError("durationUnit")} options={DURATION_UNITS.map((u) => ({ value: u, label: DURATION_UNIT_LABELS[u][1] }))} />
        <Field name="weeklyHours" label="Stunden je Woche" required inputMode="decimal" defaultValue={s(values.weeklyHours)} error={fieldError("weeklyHours")} placeholder="39,5" />
        <Field name="capacity" label="Plätze (gleichzeitig)" required inputMode="numeric" defaultValue={s(values.capacity)} error={fieldError("capacity")} hint="Wie viele Teilnehmende zur selben Zeit einen Platz haben können." />
        <Field name="validFrom" label="Einkauf möglich ab" required defaultValue={s(values.validFrom)} error={fieldError("validFrom")} placeholder="TT.MM.JJJJ" />
        <Field name="validUntil" label="Einkauf möglich bis" required defaultValue={s(values.validUntil)} error={fieldError("validUntil")} placeholder="TT.MM.JJJJ" />
      </div>
      {entryMode === "dates" ? (
        <TextArea name="startDates" label="Starttermine" required defaultValue={s(values.startDates)} error={fieldError("startDates")} hint="Ein Datum je Zeile (TT.MM.JJJJ), innerhalb des Einkaufszeitraums." />
      ) : (
        <input type="hidden" name="startDates" value={s(values.startDates)} />
      )}

      <h2>Preis</h2>
      <div className="form-grid">
        <div className={`field${errors.priceModel ? " field-error" : ""}`}>
          <label htmlFor="f-priceModel">
            Preismodell<span aria-hidden="true"> *</span>
          </label>
          <select id="f-priceModel" name="priceModel" value={priceModel} onChange={(e) => setPriceModel(e.currentTarget.value)} aria-invalid={errors.priceModel ? true : undefined} aria-describedby={errors.priceModel ? "f-priceModel-error" : undefined}>
            <option value="">– nach Maßnahmeart –</option>
            {PRICE_MODELS.map((p) => (
              <option key={p} value={p}>
                {PRICE_MODEL_LABELS[p]}
              </option>
            ))}
          </select>
          {errors.priceModel ? <div className="error" id="f-priceModel-error">{errors.priceModel}</div> : null}
        </div>
        <Field name="price" label="Preis (EUR)" required inputMode="decimal" defaultValue={s(values.price)} error={fieldError("price")} placeholder="1.234,56" hint="Je Einheit des Preismodells; 0,00 nur ohne Vergütung." />
        {MONTHLY_MODELS.includes(priceModel) ? (
          <Select
            name="proRata"
            label="Angefangene Monate (Eintritt, Austritt)"
            required
            defaultValue={s(values.proRata) || "days"}
            error={fieldError("proRata")}
            options={PRO_RATA_RULES.map((r) => ({ value: r, label: PRO_RATA_LABELS[r] }))}
          />
        ) : null}
      </div>
      <fieldset>
        <legend>Beträge bei Ereignissen (Prämien, Erfolgsanteile)</legend>
        <p className="hint muted">Z. B. Übergangsprämie der BaE 2.000,00 € beim Wechsel in betriebliche Ausbildung; Erfolgsanteil einer § 421i-Maßnahme bei Integration. Leere Zeilen bleiben unberücksichtigt.</p>
        <table className="data">
          <caption className="sr-only">Beträge bei Ereignissen</caption>
          <thead>
            <tr>
              <th scope="col">Ereignis</th>
              <th scope="col">Bezeichnung</th>
              <th scope="col">Betrag (EUR)</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: feeRows }, (_, i) => (
              <tr key={i}>
                <td>
                  <select name={`fee-event-${i}`} aria-label={`Ereignis ${i + 1}`} defaultValue={s(values[`fee-event-${i}`])} aria-invalid={errors[`eventFees.${i}.event`] ? true : undefined}>
                    <option value="">–</option>
                    {BILL_EVENTS.map((e) => (
                      <option key={e} value={e}>
                        {BILL_EVENT_LABELS[e]}
                      </option>
                    ))}
                  </select>
                  {errors[`eventFees.${i}.event`] ? <div className="error">{errors[`eventFees.${i}.event`]}</div> : null}
                </td>
                <td>
                  <input name={`fee-label-${i}`} aria-label={`Bezeichnung ${i + 1}`} defaultValue={s(values[`fee-label-${i}`])} />
                </td>
                <td>
                  <input name={`fee-amount-${i}`} aria-label={`Betrag ${i + 1} in Euro`} inputMode="decimal" defaultValue={s(values[`fee-amount-${i}`])} aria-invalid={errors[`eventFees.${i}.amount`] ? true : undefined} />
                  {errors[`eventFees.${i}.amount`] ? <div className="error">{errors[`eventFees.${i}.amount`]}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>

      <h2>Für wen</h2>
      <fieldset className="checks">
        <legend>Zielgruppen (keine Auswahl: für alle)</legend>
        {MEASURE_TARGET_GROUPS.map((g) => (
          <label key={g}>
            <input type="checkbox" name="targetGroups" value={g} defaultChecked={groups.has(g)} /> {MEASURE_TARGET_GROUP_LABELS[g]}
          </label>
        ))}
        {errors.targetGroups ? <div className="error">{errors.targetGroups}</div> : null}
      </fieldset>
      <div className="form-grid">
        <Field name="minAge" label="Mindestalter (am Starttag)" inputMode="numeric" defaultValue={s(values.minAge)} error={fieldError("minAge")} />
        <Field name="maxAge" label="Höchstalter (am Starttag)" inputMode="numeric" defaultValue={s(values.maxAge)} error={fieldError("maxAge")} hint="Z. B. 24 für Jugendliche unter 25." />
      </div>
      <TextArea name="entryConditions" label="Zugangsvoraussetzungen" defaultValue={s(values.entryConditions)} error={fieldError("entryConditions")} />

      {origin === "ba" ? (
        <>
          <h2>Plätze der BA</h2>
          <p className="alert">{BA_NOTE}</p>
          <div className="form-grid">
            <Field name="baReference" label="Maßnahme- bzw. Vergabenummer der BA" required defaultValue={s(values.baReference)} error={fieldError("baReference")} />
          </div>
        </>
      ) : null}
      {origin === "certified" ? (
        <>
          <h2>Maßnahmezulassung (AZAV)</h2>
          <div className="form-grid">
            <Field name="azavNumber" label="Nummer der Maßnahmezulassung" required defaultValue={s(values.azavNumber)} error={fieldError("azavNumber")} />
            <Field name="azavValidFrom" label="Zulassung gültig ab" required defaultValue={s(values.azavValidFrom)} error={fieldError("azavValidFrom")} placeholder="TT.MM.JJJJ" />
            <Field name="azavValidUntil" label="Zulassung gültig bis" required defaultValue={s(values.azavValidUntil)} error={fieldError("azavValidUntil")} placeholder="TT.MM.JJJJ" />
          </div>
        </>
      ) : null}
      {note ? <p className="muted">{note}</p> : null}
      <SubmitButton>{submitLabel}</SubmitButton>
    </Form>
  );
}
