import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import { purchaseOrderDocument } from "~/services/purchases.server";
import { idParam } from "~/ui/table";

/** The purchase order (Bestellschein): the stored PDF, rendered on demand when it is missing (staff and the ordered provider). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const documentId = await purchaseOrderDocument(user, idParam(params.id)).catch(loaderError);
  return redirect(`/documents/${documentId}`);
}
