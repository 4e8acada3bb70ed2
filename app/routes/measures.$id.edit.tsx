import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { measureFormValues } from "~/domain/measure-form";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { formValuesOf, getMeasure, measureFormOptions, updateMeasure } from "~/services/measures.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { MeasureForm } from "~/ui/measure-form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.measure.reference} ändern – Maßnahmenkatalog` : "Maßnahme ändern" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:measure:any");
  const [detail, options] = await Promise.all([getMeasure(user, idParam(params.id)).catch(loaderError), measureFormOptions(user)]);
  return json({ measure: detail.measure, values: formValuesOf(detail.measure), ...options });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:measure:any");
  const id = idParam(params.id);
  const values = formObject(await request.formData(), ["targetGroups"]);
  try {
    const measure = await updateMeasure(user, id, measureFormValues(values));
    return redirectWithFlash(`/measures/${id}`, `Die Maßnahme ${measure.reference} wurde geändert.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function EditMeasure() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const x = d.measure;
  return (
    <>
      <p>
        <Link to={`/measures/${x.id}`}>« {x.title}</Link>
      </p>
      <h1>Maßnahme {x.reference} ändern</h1>
      <p className="muted">
        Herkunft: {x.originLabel}
        {x.contractReference ? ` (Vertrag ${x.contractReference})` : ""}. Die Herkunft und {x.origin === "contract" ? "der Träger bleiben" : "die Nummer bleibt"} unverändert.
      </p>
      <div className="alert alert-warn" role="note">
        Änderungen gelten für künftige Käufe. Bereits gekaufte Plätze behalten Preis, Preismodell, Anteilsregel und Beträge, zu denen sie gekauft wurden.
      </div>
      <MeasureForm
        origin={x.origin}
        originFixed
        types={d.types}
        providers={x.origin === "contract" ? null : d.providers}
        values={(a?.values ?? d.values) as Record<string, unknown>}
        errors={a?.fieldErrors ?? {}}
        formError={a?.formError}
        submitLabel="Änderungen speichern"
      />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
