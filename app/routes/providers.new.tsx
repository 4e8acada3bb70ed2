import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createProvider } from "~/services/providers.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { ProviderForm, type ProviderFormValues } from "~/ui/provider-form";

export const meta: MetaFunction = () => [{ title: "Träger anlegen" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "create:provider:any");
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "create:provider:any");
  const values = formObject(await request.formData(), ["serviceCategories"]);
  try {
    const provider = await createProvider(user, values);
    return redirectWithFlash(`/providers/${provider.id}`, `Träger „${provider.name}“ wurde angelegt.`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function NewProvider() {
  const data = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to="/providers">« Träger und Vermittler</Link>
      </p>
      <h1>Träger anlegen</h1>
      <ProviderForm values={(data?.values ?? {}) as ProviderFormValues} errors={data?.fieldErrors ?? {}} formError={data?.formError} submitLabel="Träger anlegen" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
