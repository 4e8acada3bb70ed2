import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiPurchase, ownPurchase } from "~/services/purchases.server";

/** GET: one own place order with the participant (pseudonymous; name and contact only with consent). Others: 404. */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:purchase:own");
  return reply(c.Purchase, apiPurchase(await ownPurchase(user, pathId(params.id, "Der Platzkauf wurde nicht gefunden."))));
});

export const action = apiMethodNotAllowed;
