import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { measureFormValues } from "~/domain/measure-form";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createMeasure, measureFormOptions } from "~/services/measures.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { MeasureForm } from "~/ui/measure-form";

export const meta: MetaFunction = () => [{ title: "Maßnahme anlegen – Maßnahmenkatalog" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "manage:measure:any");
  return json(await measureFormOptions(user));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:measure:any");
  const values = formObject(await request.formData(), ["targetGroups"]);
  try {
    const measure = await createMeasure(user, measureFormValues(values));
    return redirectWithFlash(`/measures/${measure.id}`, `Die Maßnahme ${measure.reference} „${measure.title}“ ist im Katalog.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function NewMeasure() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/measures">« Maßnahmenkatalog</Link>
      </p>
      <h1>Maßnahme anlegen</h1>
      <p className="muted">Plätze der BA, zugelassene Maßnahmen von Trägern (AZAV) und Maßnahmen bei Arbeitgebern. Die Maßnahme ist nach dem Speichern im Katalog und kann eingekauft werden.</p>
      <MeasureForm
        origin="ba"
        originFixed={false}
        types={d.types}
        providers={d.providers}
        values={(a?.values ?? {}) as Record<string, unknown>}
        errors={a?.fieldErrors ?? {}}
        formError={a?.formError}
        submitLabel="In den Katalog aufnehmen"
      />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
