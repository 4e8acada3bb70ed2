import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiOwnOffer, apiWithdrawOffer } from "~/services/api-offers.server";

const NOT_FOUND = "Das Angebot wurde nicht gefunden.";

/** GET: one of the caller's own offers (receipt data). */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "submit:offer:own");
  return reply(c.OwnOffer, await apiOwnOffer(user, pathId(params.id, NOT_FOUND)));
});

/** DELETE: withdraw the caller's current offer before the deadline (204). */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "DELETE") return methodNotAllowed("GET, DELETE");
  const user = await requireApiUser(request, "submit:offer:own");
  await apiWithdrawOffer(user, pathId(params.id, NOT_FOUND));
  return new Response(null, { status: 204 });
});
