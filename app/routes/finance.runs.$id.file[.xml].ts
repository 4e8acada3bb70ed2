import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { runFileResponse } from "~/services/payment-runs.server";
import { idParam } from "~/ui/table";

/** The run's pain.001 file exactly as stored when the run was created (checked against its SHA-256). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  return runFileResponse(user, idParam(params.id)).catch(loaderError);
}
