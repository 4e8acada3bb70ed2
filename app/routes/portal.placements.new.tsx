import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { formatCents } from "~/domain/money";
import { durationReachedOn, exclusionDeadline, isLegalBasis, RULE_SETS } from "~/domain/placement";
import { berlinDate, formatDate } from "~/domain/time";
import { nowIso } from "~/lib/clock.server";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { readUploadForm, type UploadForm } from "~/lib/uploads.server";
import { isReadablePdf } from "~/lib/pdf-check.server";
import { discardPendingUpload, keepPendingUpload, takePendingUpload, type KeptUpload } from "~/lib/pending-uploads.server";
import { ownAssignments } from "~/services/clients.server";
import { submitClaim, type UploadedFile } from "~/services/placement-claims.server";
import { fingerprintForm, idempotent } from "~/services/idempotency.server";
import type { PersonUser } from "~/services/auth.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Vermittlung melden – Trägerportal" }];

/** Valid assignments, and expired ones for which a job started on the last valid day could still be claimed. */
function claimable(a: { status: string; validUntil: string; legalBasis: string }, today: string): boolean {
  if (a.status === "active") return true;
  if (a.status !== "expired" || !isLegalBasis(a.legalBasis)) return false;
  return exclusionDeadline(durationReachedOn(a.validUntil, { afterDays: 42, afterMonths: null }), RULE_SETS[a.legalBasis].claimPeriodMonths) >= today;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "submit:placement:own");
  const wanted = Number(new URL(request.url).searchParams.get("assignment"));
  const today = berlinDate(nowIso());
  const all = await ownAssignments(user, { status: "all" }).catch(loaderError);
  const assignments = all
    .filter((a) => claimable(a, today))
    .map((a) => ({
      id: a.assignmentId,
      label: `${a.client} · ${a.assignment}${a.name ? ` · ${a.name}` : ""} · gültig ${formatDate(a.validFrom)}–${formatDate(a.validUntil)}${a.status !== "active" ? ` (${a.statusLabel})` : ""}`,
      maxFeeCents: a.maxFeeCents,
    }));
  const preselected = assignments.find((a) => a.id === wanted)?.id ?? (assignments.length === 1 ? assignments[0].id : null);
  return json({
    assignments,
    preselected,
    maxMegabytes: await getSetting("uploads.maxMegabytes"),
    // New with every rendering of the form (also after a failed submit, whose key was freed).
    submissionKey: crypto.randomUUID(),
  });
}

const CLAIM_FILES = ["employmentContract", "employerConfirmation", "brokerContract"] as const;
type ClaimFile = (typeof CLAIM_FILES)[number];
/** The hidden field that carries a kept upload's token in the re-shown form. */
const tokenField = (name: ClaimFile) => `${name}Token`;

async function upload(form: FormData, name: string): Promise<UploadedFile | null> {
  const f = form.get(name);
  return f instanceof File && f.size > 0 ? { filename: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } : null;
}

/** The hidden field with the form's own key: a second submit of the same form is not a second claim. */
const SUBMISSION_KEY = "submissionKey";

/** A double submit waits this long for the first submit's answer (and gets it) instead of a conflict. */
const DOUBLE_SUBMIT_WAIT_MS = 30_000;

/** What the broker reads when the submission key itself is the problem. */
const KEY_MESSAGES: Record<number, string> = {
  400: "Das Formular ist unvollständig übertragen worden. Bitte laden Sie die Seite neu und senden Sie den Nachweis erneut.",
  409: "Dieser Nachweis wird noch übermittelt. Bitte sehen Sie in einem Moment in der Liste Ihrer Vermittlungsnachweise nach, bevor Sie ihn erneut senden.",
  422: "Dieses Formular wurde bereits mit anderen Angaben abgeschickt. Bitte laden Sie die Seite neu, um einen weiteren Nachweis einzureichen.",
};

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "submit:placement:own");
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  // An oversize file becomes a field error; what was typed comes back with it.
  const read = await readUploadForm(request, { maxBytes, files: CLAIM_FILES });
  const { values, headers } = read;
  // A double click (or a resend after a dropped connection) carries the same submission key and
  // the same content: it gets the first submit's answer, the claim is filed once (ADR 0016).
  // Without the field (a form loaded before this existed) the submit runs as before.
  const response = await idempotent(request, `user:${user.id}`, await fingerprintForm(read.form), () => submitForm(user, read), {
    key: values[SUBMISSION_KEY] || null,
    waitMs: DOUBLE_SUBMIT_WAIT_MS,
  });
  if ((response.headers.get("Content-Type") ?? "").startsWith("application/problem+json")) {
    // The key's own answers (submitForm never answers problem+json): a message on the form.
    return json({ ok: false as const, formError: KEY_MESSAGES[response.status] ?? KEY_MESSAGES[400], fieldErrors: {} as Record<string, string>, values, issues: null, kept: {} as Partial<Record<ClaimFile, KeptUpload>> }, { status: response.status, headers });
  }
  // The answer of submitForm, or the stored answer of the same form's first submit.
  return response as Awaited<ReturnType<typeof submitForm>>;
}

async function submitForm(user: PersonUser, { form, values, uploadError, headers }: UploadForm) {
  const files: Record<ClaimFile, UploadedFile | null> = { employmentContract: null, employerConfirmation: null, brokerContract: null };
  /** Tokens of files kept from an earlier attempt of this form (a newly chosen file replaces them). */
  const tokens: Partial<Record<ClaimFile, string>> = {};
  try {
    if (uploadError) throw uploadError;
    for (const name of CLAIM_FILES) {
      files[name] = await upload(form, name);
      if (files[name]) continue;
      const token = values[tokenField(name)];
      files[name] = await takePendingUpload(user.id, name, token);
      if (files[name]) tokens[name] = token;
    }
    const result = await submitClaim(user, values, files, "portal");
    for (const token of Object.values(tokens)) await discardPendingUpload(token);
    const message =
      result.status === "rejected"
        ? `Ihr Vermittlungsnachweis ${result.reference} ist eingegangen, erfüllt die Voraussetzungen für eine Vergütung aber nicht und wurde abgelehnt. Die Gründe stehen unten und im Bescheid.`
        : `Ihr Vermittlungsnachweis ${result.reference} ist eingegangen und wird geprüft.`;
    return redirectWithFlash(`/portal/placements/${result.id}`, message);
  } catch (error) {
    const failure = actionError(error, values);
    const body = (await failure.json()) as {
      ok: false;
      formError: string;
      fieldErrors: Record<string, string>;
      values: Record<string, string>;
      issues: unknown;
    };
    // The files that were not the problem wait server-side, so the broker need not choose them
    // again (not after an oversize upload: that answer asks for all files anew; and only real PDFs,
    // since the input may have failed before the files were looked at).
    const kept: Partial<Record<ClaimFile, KeptUpload>> = {};
    for (const name of CLAIM_FILES) {
      const file = files[name];
      const token = tokens[name];
      if (!file || uploadError || body.fieldErrors[name] || !(await isReadablePdf(file.bytes))) {
        if (token) await discardPendingUpload(token);
        continue;
      }
      kept[name] = token ? { token, filename: file.filename } : await keepPendingUpload(user.id, name, file);
    }
    return json({ ...body, kept }, { status: failure.status, headers });
  }
}

function euro(cents: number): string {
  return formatCents(cents).replace(/\s*€$/, "");
}

export default function NewPlacement() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string> = a?.fieldErrors ?? {};
  const values: Record<string, string> = a?.values ?? {};
  const submitted = Boolean(a);
  const [selected, setSelected] = useState<string>(values.assignmentId ?? (d.preselected ? String(d.preselected) : ""));
  const fee = d.assignments.find((x) => String(x.id) === selected)?.maxFeeCents ?? null;
  const fileErrors = CLAIM_FILES.some((k) => errors[k]);
  const kept: Partial<Record<string, KeptUpload>> = a?.kept ?? {};
  const checked = (name: string, fallback: boolean) => (submitted ? values[name] === "on" : fallback);

  if (!d.assignments.length) {
    return (
      <>
        <p>
          <Link to="/portal/placements">« Vermittlungsnachweise</Link>
        </p>
        <h1>Vermittlung melden</h1>
        <p className="muted">Sie haben keine gültige (oder kürzlich abgelaufene) Zuweisung, zu der Sie eine Vermittlung melden können.</p>
      </>
    );
  }

  return (
    <>
      <p>
        <Link to="/portal/placements">« Vermittlungsnachweise</Link>
      </p>
      <h1>Vermittlung melden</h1>
      <p className="muted">
        Der Nachweis wird bei Eingang geprüft (Gültigkeit der Zuweisung, Arbeitszeit, Befristung, Vorbeschäftigung, Vermittlungsvertrag, Ausschlussfrist). Erfüllt er die Voraussetzungen nicht, wird er sofort abgelehnt
        und Sie erhalten einen Bescheid mit den Gründen.
      </p>
      <Form method="post" encType="multipart/form-data" className="form" noValidate>
        <input type="hidden" name={SUBMISSION_KEY} value={d.submissionKey} />
        <FormError message={a?.formError} />
        {(fileErrors || (a && Object.keys(errors).length)) && CLAIM_FILES.some((k) => !kept[k]) && !String(a?.formError ?? "").includes("erneut aus") ? (
          <p className="muted">Aus Sicherheitsgründen behält der Browser gewählte Dateien nicht immer: bitte prüfen Sie die Dateiauswahl vor dem erneuten Absenden.</p>
        ) : null}
        <fieldset>
          <legend>Zuweisung</legend>
          <div className={`field${errors.assignmentId ? " field-error" : ""}`}>
            <label htmlFor="f-assignmentId">
              Kunde und Zuweisung<span aria-hidden="true"> *</span>
            </label>
            <select
              id="f-assignmentId"
              name="assignmentId"
              value={selected}
              onChange={(e) => setSelected(e.target.value)}
              aria-invalid={errors.assignmentId ? true : undefined}
              aria-describedby={errors.assignmentId ? "f-assignmentId-error" : undefined}
            >
              <option value="">– bitte wählen –</option>
              {d.assignments.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.label}
                </option>
              ))}
            </select>
            {errors.assignmentId ? (
              <div className="error" id="f-assignmentId-error">
                {errors.assignmentId}
              </div>
            ) : null}
          </div>
        </fieldset>

        <fieldset>
          <legend>Arbeitgeber</legend>
          <div className="form-grid">
            <Field name="employerName" label="Name des Arbeitgebers" required defaultValue={values.employerName} error={errors.employerName} />
            <Field name="employerStreet" label="Straße und Hausnummer" required defaultValue={values.employerStreet} error={errors.employerStreet} />
            <Field name="employerPostalCode" label="PLZ" required inputMode="numeric" defaultValue={values.employerPostalCode} error={errors.employerPostalCode} />
            <Field name="employerCity" label="Ort" required defaultValue={values.employerCity} error={errors.employerCity} />
            <Field name="employerVatId" label="USt-IdNr. (optional)" defaultValue={values.employerVatId} error={errors.employerVatId} />
            <Field name="employerIban" label="IBAN des Arbeitgebers (optional)" defaultValue={values.employerIban} error={errors.employerIban} />
            <Field name="employerManager" label="Geschäftsführer/Inhaber (optional)" defaultValue={values.employerManager} error={errors.employerManager} />
          </div>
          <div className="field">
            <label>
              <input type="checkbox" name="abroad" defaultChecked={checked("abroad", false)} /> Beschäftigung im EU/EWR-Ausland
            </label>
          </div>
        </fieldset>

        <fieldset>
          <legend>Beschäftigung</legend>
          <div className="form-grid">
            <Field name="contractDate" label="Datum des Arbeitsvertrags" type="date" required defaultValue={values.contractDate} error={errors.contractDate} />
            <Field name="jobStart" label="Beschäftigungsbeginn" type="date" required defaultValue={values.jobStart} error={errors.jobStart} />
            <Field name="weeklyHours" label="Wöchentliche Arbeitszeit (Std.)" required inputMode="decimal" placeholder="z. B. 38,5" defaultValue={values.weeklyHours} error={errors.weeklyHours} />
            <Field name="fixedTermEnd" label="Befristet bis (optional)" type="date" defaultValue={values.fixedTermEnd} error={errors.fixedTermEnd} hint="Leer lassen bei unbefristeter Beschäftigung." />
            <Field name="occupation" label="Tätigkeit" required defaultValue={values.occupation} error={errors.occupation} />
          </div>
          <div className={`field${errors.insured ? " field-error" : ""}`}>
            <label>
              <input type="checkbox" name="insured" defaultChecked={checked("insured", true)} /> sozialversicherungspflichtig
            </label>
            {errors.insured ? <div className="error">{errors.insured}</div> : null}
          </div>
        </fieldset>

        <fieldset>
          <legend>Vermittlung und Vergütung</legend>
          <div className="form-grid">
            <Field
              name="brokerContractDate"
              label="Datum des Vermittlungsvertrags"
              type="date"
              required
              defaultValue={values.brokerContractDate}
              error={errors.brokerContractDate}
              hint="Der schriftliche Vertrag mit dem Kunden muss vor dem Arbeitsvertrag geschlossen sein."
            />
            <Field name="jobOfferDate" label="Datum des Stellenangebots (optional)" type="date" defaultValue={values.jobOfferDate} error={errors.jobOfferDate} />
            <div key={selected}>
              <Field
                name="claimedFee"
                label="Vergütung in Euro (optional)"
                inputMode="decimal"
                defaultValue={submitted && values.assignmentId === selected ? values.claimedFee : fee !== null ? euro(fee) : ""}
                error={errors.claimedFee}
                hint={fee !== null ? `Höchstens der Betrag der Zuweisung: ${formatCents(fee)}. Leer lassen: der Betrag der Zuweisung.` : "Leer lassen: der Betrag der Zuweisung."}
              />
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>Unterlagen (PDF, höchstens {d.maxMegabytes} MB je Datei)</legend>
          {[
            ["employmentContract", "Arbeitsvertrag (Kopie)", true],
            ["employerConfirmation", "Bestätigung des Arbeitgebers", true],
            ["brokerContract", "Vermittlungsvertrag mit dem Kunden", true],
          ].map(([name, label, required]) => (
            <div key={String(name)} className={`field${errors[String(name)] ? " field-error" : ""}`}>
              <label htmlFor={`f-${name}`}>
                {label}
                {required ? <span aria-hidden="true"> *</span> : null}
              </label>
              {kept[String(name)] ? (
                <p className="muted" id={`f-${name}-kept`}>
                  <input type="hidden" name={`${name}Token`} value={kept[String(name)]!.token} />
                  {`Bereits hochgeladen: ${kept[String(name)]!.filename}. Sie müssen die Datei nicht erneut auswählen; eine neu gewählte Datei ersetzt sie.`}
                </p>
              ) : null}
              <input
                id={`f-${name}`}
                name={String(name)}
                type="file"
                accept="application/pdf,.pdf"
                aria-invalid={errors[String(name)] ? true : undefined}
                aria-describedby={[errors[String(name)] ? `f-${name}-error` : "", kept[String(name)] ? `f-${name}-kept` : ""].filter(Boolean).join(" ") || undefined}
              />
              {errors[String(name)] ? (
                <div className="error" id={`f-${name}-error`}>
                  {errors[String(name)]}
                </div>
              ) : null}
            </div>
          ))}
        </fieldset>

        <button type="submit" className="button" disabled={busy}>
          {busy ? "Wird übermittelt …" : "Vermittlungsnachweis einreichen"}
        </button>
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
