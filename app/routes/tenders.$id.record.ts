import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { createProcurementRecord } from "~/services/procurement-record.server";
import { idParam } from "~/ui/table";

/** POST: write the procurement record as of now (a new stored PDF) and show it. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "read:tender:any");
  const doc = await createProcurementRecord(user, idParam(params.id)).catch(loaderError);
  return redirect(`/documents/${doc.id}`);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "read:tender:any");
  return redirect(`/tenders/${idParam(params.id)}`);
}
