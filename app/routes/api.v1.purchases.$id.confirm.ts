import type { ActionFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { apiPurchase, confirmPurchase, ownPurchase } from "~/services/purchases.server";

export const loader = () => methodNotAllowed("POST");

/** POST: confirm an own order (status ordered; otherwise 409; another organisation's: 404). */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const user = await requireApiUser(request, "answer:purchase:own");
  const id = pathId(params.id, "Der Platzkauf wurde nicht gefunden.");
  return idempotentApiCall(request, user, () => fingerprintJson({ confirm: id }), async () => {
    await confirmPurchase(user, id);
    return reply(c.Purchase, apiPurchase(await ownPurchase(user, id)));
  });
});
