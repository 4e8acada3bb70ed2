import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import { openDocument } from "~/services/documents.server";
import { idParam } from "~/ui/table";

/** Serve a stored document; provider users reach only their own organisation's documents. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return openDocument(user, idParam(params.id)).catch(loaderError);
}
