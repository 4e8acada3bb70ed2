import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiInvoice, getInvoice } from "~/services/invoices.server";

/** GET: one of the caller's own invoices with its state, findings, due date and paid date (others: 404). */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "submit:invoice:own");
  const d = await getInvoice(user, pathId(params.id, "Die Rechnung wurde nicht gefunden."));
  return reply(c.Invoice, apiInvoice(d.invoice));
});

export const action = apiMethodNotAllowed;
