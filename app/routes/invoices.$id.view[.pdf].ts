import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import { invoiceViewPdf } from "~/services/invoices.server";
import { idParam } from "~/ui/table";

/** The readable PDF of an e-invoice, rendered from its data (staff; a provider for its own invoices). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return invoiceViewPdf(user, idParam(params.id)).catch(loaderError);
}
