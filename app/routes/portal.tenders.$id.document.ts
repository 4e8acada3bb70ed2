import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { downloadTenderDocument } from "~/services/portal-tenders.server";
import { idParam } from "~/ui/table";

/** The tender documents; the download is noted so answers to bidder questions reach this bidder. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:tender:published");
  const requested = Number(new URL(request.url).searchParams.get("doc")) || undefined;
  const documentId = await downloadTenderDocument(user, idParam(params.id), requested).catch(loaderError);
  return redirect(`/documents/${documentId}`);
}
