import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, parseQuery, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { ownOutcomes } from "~/services/comparison-exports.server";

/** GET: the organisation's own outcomes against the anonymised overall rate and the limits at its n (issue 12, point 6). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:outcomes:own");
  const query = parseQuery(c.ProviderOutcomeQuery, request);
  return reply(c.ProviderOutcomes, await ownOutcomes(user, query));
});

export const action = apiMethodNotAllowed;
