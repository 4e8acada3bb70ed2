import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { measureFormValues } from "~/domain/measure-form";
import { MEASURE_ORIGIN_LABELS } from "~/domain/places";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { proposalFormOptions, proposeMeasure } from "~/services/measures.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { MeasureForm } from "~/ui/measure-form";

export const meta: MetaFunction = () => [{ title: "Maßnahme vorschlagen – Trägerportal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "propose:measure:own");
  return json(await proposalFormOptions(user).catch(loaderError));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "propose:measure:own");
  const values = formObject(await request.formData(), ["targetGroups"]);
  try {
    const measure = await proposeMeasure(user, measureFormValues(values), "portal");
    return redirectWithFlash(`/portal/measures/${measure.id}`, `Ihr Vorschlag ${measure.reference} ist eingegangen. Das Jobcenter prüft ihn; Sie sehen die Entscheidung hier.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function ProposeMeasure() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/portal/measures">« Maßnahmen</Link>
      </p>
      <h1>Maßnahme vorschlagen</h1>
      <p className="muted">
        {d.providerName} schlägt vor: {MEASURE_ORIGIN_LABELS[d.origin]}.{" "}
        {d.origin === "certified" ? "Bitte geben Sie die Maßnahmezulassung nach AZAV mit ihrer Gültigkeit an." : "Bitte geben Sie die Maßnahme- oder Vergabenummer der BA an."} Das Jobcenter prüft den Vorschlag; erst danach können Plätze
        gekauft werden.
      </p>
      <MeasureForm
        origin={d.origin}
        originFixed
        types={d.types}
        providers={null}
        values={(a?.values ?? {}) as Record<string, unknown>}
        errors={a?.fieldErrors ?? {}}
        formError={a?.formError}
        submitLabel="Vorschlag einreichen"
      />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
