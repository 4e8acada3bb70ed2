import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { offerReceiptDocument } from "~/services/offers.server";
import { idParam } from "~/ui/table";

/** The offer's receipt PDF (generated once, then the stored document). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "submit:offer:own");
  const documentId = await offerReceiptDocument(user, idParam(params.id)).catch(loaderError);
  return redirect(`/documents/${documentId}`);
}
