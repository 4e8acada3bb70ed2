import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import { createProviderDatasheet } from "~/services/provider-documents.server";
import { idParam } from "~/ui/table";

/** POST: generate the provider's data sheet (a new stored PDF each time) and show it. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const doc = await createProviderDatasheet(user, idParam(params.id)).catch(loaderError);
  return redirect(`/documents/${doc.id}`);
}

export async function loader({ params }: ActionFunctionArgs) {
  return redirect(`/providers/${idParam(params.id)}`);
}
