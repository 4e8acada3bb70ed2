import type { LoaderFunctionArgs } from "@remix-run/node";
import { contentDisposition } from "~/lib/documents.server";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { offerConcept } from "~/services/offers.server";
import { idParam } from "~/ui/table";

/** GET: an offer's concept (PDF) after the opening, for evaluators; each reading is audited. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "evaluate:tender:any");
  const { filename, bytes } = await offerConcept(user, idParam(params.id), idParam(params.offerId)).catch(loaderError);
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": contentDisposition(filename, "inline"),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
