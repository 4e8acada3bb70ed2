import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { readUploadForm } from "~/lib/uploads.server";
import { receiveInvoice, type IntakeResult } from "~/services/invoices.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FormError, SubmitButton } from "~/ui/form";
import { InvoiceFindings } from "~/ui/invoice-findings";

export const meta: MetaFunction = () => [{ title: "Rechnung einreichen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "submit:invoice:own");
  return json({ maxMegabytes: await getSetting("uploads.maxMegabytes") });
}

type Answer = { ok: false; formError: string; fieldErrors: Record<string, string>; rejected: IntakeResult | null };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "submit:invoice:own");
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  const { form, uploadError, headers } = await readUploadForm(request, { maxBytes, files: ["file"] });
  try {
    if (uploadError) throw uploadError;
    const f = form.get("file");
    const result = await receiveInvoice(user, { bytes: f instanceof File ? new Uint8Array(await f.arrayBuffer()) : new Uint8Array(), filename: f instanceof File ? f.name : "", channel: "portal" });
    if (result.status === "accepted") return redirectWithFlash(`/portal/invoices/${result.id}`, `Ihre Rechnung ist als ${result.reference} eingegangen und angenommen; sie wird jetzt geprüft.`);
    // Stored as rejected: the findings are shown right here (and on the invoice's page).
    return json<Answer>({ ok: false, formError: "", fieldErrors: {}, rejected: result }, { status: 422 });
  } catch (error) {
    const failure = actionError(error);
    const body = (await failure.json()) as { formError: string; fieldErrors: Record<string, string> };
    return json<Answer>({ ok: false, formError: body.formError, fieldErrors: body.fieldErrors, rejected: null }, { status: failure.status, headers });
  }
}

export default function SubmitInvoice() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const error = a?.fieldErrors?.file;
  return (
    <>
      <p>
        <Link to="/portal/invoices">« Rechnungen</Link>
      </p>
      <h1>Rechnung einreichen</h1>
      {a?.rejected ? (
        <section className="flash err" role="alert" aria-labelledby="rejected-heading">
          <h2 id="rejected-heading">Rechnung abgelehnt</h2>
          <p>
            Ihre Datei ist als <Link to={`/portal/invoices/${a.rejected.id}`}>{a.rejected.reference}</Link> eingegangen und gespeichert, wurde aber abgelehnt und wird so nicht bezahlt. Bitte beheben Sie die Befunde und reichen Sie
            die korrigierte Rechnung erneut ein.
          </p>
          <InvoiceFindings findings={a.rejected.findings} caption="Befunde der Eingangsprüfung" />
        </section>
      ) : null}
      <p className="muted">
        Erlaubt sind E-Rechnungen: eine XRechnung als XML-Datei (UBL oder CII) oder eine ZUGFeRD-/Factur-X-PDF-Datei mit eingebetteten Rechnungsdaten, höchstens {d.maxMegabytes} MB. Die Rechnung muss die Leitweg-ID der Behörde
        (BT-10) tragen, von Ihrer Organisation ausgestellt sein und eine Rechnungsnummer haben, die Sie noch nicht eingereicht haben. Nennen Sie die Vertragsnummer (z. B. V-2026-014-L1) als Vertrags- oder Bestellreferenz und den
        Abrechnungszeitraum.
      </p>
      <Form method="post" encType="multipart/form-data" className="form" noValidate>
        <FormError message={a?.formError} />
        <div className={`field${error ? " field-error" : ""}`}>
          <label htmlFor="f-file">
            Rechnungsdatei<span aria-hidden="true"> *</span>
          </label>
          <input id="f-file" name="file" type="file" accept=".xml,.pdf,application/xml,text/xml,application/pdf" required aria-invalid={error ? true : undefined} aria-describedby={error ? "f-file-error" : undefined} />
          {error ? (
            <div className="error" id="f-file-error">
              {error}
            </div>
          ) : null}
        </div>
        <SubmitButton>{busy ? "Wird übermittelt …" : "Rechnung einreichen"}</SubmitButton>
      </Form>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
