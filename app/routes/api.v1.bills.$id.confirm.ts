import type { ActionFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { sha256Hex } from "~/lib/hash.server";
import { requireApiUser } from "~/lib/session.server";
import { idempotentApiCall } from "~/services/idempotency.server";
import { apiBill, confirmBills, getBill } from "~/services/place-billing.server";

const NOT_FOUND = "Die Abrechnung wurde nicht gefunden.";

/** Only POST. */
export const loader = () => methodNotAllowed("POST");

/** POST (no body): confirm a proposed bill of the own organisation; 201 with the invoice it became. */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const user = await requireApiUser(request, "confirm:bill:own");
  const id = pathId(params.id, NOT_FOUND);
  await getBill(user, id); // 404 for another organisation's bill, before anything is remembered
  return idempotentApiCall(request, user, () => sha256Hex(new TextEncoder().encode(`confirm-bill:${id}`)), async () => {
    const [done] = await confirmBills(user, [id], "api");
    const d = await getBill(user, id);
    const location = `/api/v1/invoices/${done.invoiceId}`;
    return reply(c.BillConfirmation, { bill: apiBill(d.bill), invoice: { id: done.invoiceId, reference: done.invoice, number: done.bill, location } }, { status: 201, headers: { Location: location } });
  });
});
