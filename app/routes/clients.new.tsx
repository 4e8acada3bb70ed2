import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createClient } from "~/services/clients.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { ClientForm, type ClientFormValues } from "~/ui/staff-placement";

export const meta: MetaFunction = () => [{ title: "Neuer Kunde" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:client:any");
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:client:any");
  const values = formObject(await request.formData(), ["targetGroups"]);
  try {
    const client = await createClient(user, values);
    return redirectWithFlash(`/clients/${client.id}`, `Kunde ${client.reference} wurde angelegt.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function NewClient() {
  const a = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/clients">« Kunden</Link>
      </p>
      <h1>Neuer Kunde</h1>
      <p className="muted">Der Kunde erhält ein Kennzeichen (z. B. K-000123). Vermittler sehen nur das Kennzeichen und, mit Einwilligung des Kunden, Name und Kontaktdaten.</p>
      <ClientForm values={(a?.values ?? {}) as ClientFormValues} errors={(a?.fieldErrors ?? {}) as Record<string, string>} formError={a?.formError} submitLabel="Kunden anlegen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
