import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { formObject } from "~/domain/validation";
import { redirectWithFlash } from "~/lib/flash.server";
import { actionError, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { getProvider, updateProvider } from "~/services/providers.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { ProviderForm, type ProviderFormValues } from "~/ui/provider-form";
import { idParam } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Stammdaten bearbeiten" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "edit:provider:any");
  const detail = await getProvider(user, idParam(params.id)).catch(loaderError);
  return json({ provider: detail.provider });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "edit:provider:any");
  const id = idParam(params.id);
  const values = formObject(await request.formData(), ["serviceCategories"]);
  try {
    await updateProvider(user, id, values);
    return redirectWithFlash(`/providers/${id}`, "Stammdaten gespeichert.");
  } catch (error) {
    return actionError(error, values);
  }
}

export default function EditProvider() {
  const { provider } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <>
      <p>
        <Link to={`/providers/${provider.id}`}>« {provider.name}</Link>
      </p>
      <h1>Stammdaten bearbeiten</h1>
      <ProviderForm values={(data?.values ?? provider) as ProviderFormValues} errors={data?.fieldErrors ?? {}} formError={data?.formError} submitLabel="Speichern" />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
