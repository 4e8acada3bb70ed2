import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiTender } from "~/services/api-offers.server";

/** GET: one published tender with its lots (their ids are the `lotId`s of an offer), criteria and published answers. */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:tender:published");
  return reply(c.Tender, await apiTender(user, pathId(params.id, "Die Ausschreibung wurde nicht gefunden.")));
});

export const action = apiMethodNotAllowed;
