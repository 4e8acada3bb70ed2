import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { readUploadForm } from "~/lib/uploads.server";
import { registerInvoice, registrationOptions } from "~/services/invoices.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { Field, FormError, Select, SubmitButton, TextArea } from "~/ui/form";

export const meta: MetaFunction = () => [{ title: "Rechnung von Hand erfassen – Rechnungseingang" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "register:invoice:any");
  return json(await registrationOptions(user));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "register:invoice:any");
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  const { form, values, uploadError, headers } = await readUploadForm(request, { maxBytes, files: ["scan"] });
  try {
    if (uploadError) throw uploadError;
    const f = form.get("scan");
    const scan = f instanceof File && f.size > 0 ? { filename: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } : null;
    const result = await registerInvoice(user, values, scan);
    const message =
      result.status === "accepted"
        ? `Rechnung ${result.reference} erfasst; die Zahlung wartet auf „sachlich richtig“ (das zeichnet eine andere Person).`
        : `Die ZUGFeRD-Rechnung ist als ${result.reference} gespeichert, wurde aber abgelehnt: ${result.findings.map((x) => x.rule).join(", ")}.`;
    return redirectWithFlash(`/invoices/${result.id}`, message);
  } catch (error) {
    const failure = actionError(error, values);
    return json(await failure.json(), { status: failure.status, headers });
  }
}

export default function NewInvoice() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>() as { formError?: string; fieldErrors?: Record<string, string>; values?: Record<string, string> } | undefined;
  const busy = useNavigation().state === "submitting";
  const e = a?.fieldErrors ?? {};
  const v = a?.values ?? {};
  return (
    <>
      <p>
        <Link to="/invoices">« Rechnungen</Link>
      </p>
      <h1>Rechnung von Hand erfassen</h1>
      <p className="muted">
        Für Rechnungen auf Papier oder als PDF ohne E-Rechnungsdaten. Der Scan ist Pflicht und wird unverändert gespeichert. Ist die PDF-Datei eine ZUGFeRD-Rechnung, werden ihre Daten gelesen und geprüft wie im Portal; die Felder
        unten sind dann nicht nötig. Wer eine Rechnung erfasst, zeichnet ihre Zahlung nicht. Zahlungsziel ohne Vertrag: {d.paymentTermDays} Tage ab heute.
      </p>
      <Form method="post" encType="multipart/form-data" className="form" noValidate>
        <FormError message={a?.formError} />
        {a ? <p className="muted">Bitte wählen Sie den Scan erneut aus; Ihre übrigen Angaben sind erhalten.</p> : null}
        <fieldset>
          <legend>Rechnungssteller und Vertrag</legend>
          <Select name="providerId" label="Rechnungssteller" required options={[{ value: "", label: "– bitte wählen –" }, ...d.providers]} defaultValue={v.providerId ?? ""} error={e.providerId} />
          <Select name="contractId" label="Vertrag (optional)" options={[{ value: "", label: "– kein Vertrag / später wählen –" }, ...d.contracts.map((c) => ({ value: c.value, label: c.label }))]} defaultValue={v.contractId ?? ""} error={e.contractId} />
        </fieldset>
        <fieldset>
          <legend>Rechnung</legend>
          <Field name="number" label="Rechnungsnummer" required defaultValue={v.number} error={e.number} />
          <Field name="issueDate" label="Rechnungsdatum" required placeholder="TT.MM.JJJJ" defaultValue={v.issueDate} error={e.issueDate} />
          <Field name="periodStart" label="Abgerechneter Zeitraum von" placeholder="TT.MM.JJJJ" defaultValue={v.periodStart} error={e.periodStart} />
          <Field name="periodEnd" label="Abgerechneter Zeitraum bis" placeholder="TT.MM.JJJJ" defaultValue={v.periodEnd} error={e.periodEnd} />
        </fieldset>
        <fieldset>
          <legend>Beträge in Euro</legend>
          <Field name="net" label="Netto" required inputMode="decimal" placeholder="1.234,50" defaultValue={v.net} error={e.net} />
          <Field name="vat" label="Umsatzsteuer" inputMode="decimal" hint="0, wenn steuerfrei" defaultValue={v.vat} error={e.vat} />
          <Field name="gross" label="Brutto" required inputMode="decimal" defaultValue={v.gross} error={e.gross} />
          <Field name="due" label="Zahlbetrag" inputMode="decimal" hint="Leer: der Bruttobetrag (abzüglich bereits gezahlter Beträge hier eintragen)" defaultValue={v.due} error={e.due} />
        </fieldset>
        <fieldset>
          <legend>Zahlung</legend>
          <Field name="iban" label="IBAN laut Rechnung" required autoComplete="off" defaultValue={v.iban} error={e.iban} hint="Gezahlt wird an die Bankverbindung der Stammdaten, wenn es eine gibt; eine abweichende IBAN wird für die sachliche Prüfung vermerkt." />
          <TextArea name="note" label="Vermerk (optional)" defaultValue={v.note} error={e.note} />
        </fieldset>
        <fieldset>
          <legend>Scan</legend>
          <div className={`field${e.scan ? " field-error" : ""}`}>
            <label htmlFor="f-scan">
              Rechnung als PDF<span aria-hidden="true"> *</span>
            </label>
            <input id="f-scan" name="scan" type="file" accept="application/pdf,.pdf" required aria-invalid={e.scan ? true : undefined} aria-describedby={e.scan ? "f-scan-error" : "f-scan-hint"} />
            <div className="hint" id="f-scan-hint">
              Höchstens {d.maxMegabytes} MB.
            </div>
            {e.scan ? (
              <div className="error" id="f-scan-error">
                {e.scan}
              </div>
            ) : null}
          </div>
        </fieldset>
        <SubmitButton>{busy ? "Wird gespeichert …" : "Rechnung erfassen"}</SubmitButton>
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
