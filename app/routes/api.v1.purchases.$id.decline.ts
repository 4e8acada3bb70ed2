import type { ActionFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, isJson, parseRequest, pathId, readJsonObject, reply, unsupportedMediaType } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { apiPurchase, declinePurchase, ownPurchase } from "~/services/purchases.server";

export const loader = () => methodNotAllowed("POST");

/** POST: decline an own order with `{ "reason": "…" }` (422 without; 409 unless ordered; another organisation's: 404). */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const user = await requireApiUser(request, "answer:purchase:own");
  const id = pathId(params.id, "Der Platzkauf wurde nicht gefunden.");
  if (!isJson(request)) return unsupportedMediaType("application/json mit { \"reason\": \"…\" }");
  const raw = await readJsonObject(request);
  return idempotentApiCall(request, user, () => fingerprintJson(raw), async () => {
    // The reason rule is the machine's (422 with its German text); unknown fields are a 400.
    const body = parseRequest(c.PurchaseDecline.partial().strict(), raw);
    await declinePurchase(user, id, body.reason ?? "");
    return reply(c.Purchase, apiPurchase(await ownPurchase(user, id)));
  });
});
