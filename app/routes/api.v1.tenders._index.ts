import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pageOfItems, parseQuery, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiListTenders } from "~/services/api-offers.server";

/** GET: published tenders, newest deadline first (`?acceptsOffers=true`, `?page=`, `?pageSize=`). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  await requireApiUser(request, "read:tender:published");
  const query = parseQuery(c.TenderQuery, request);
  return reply(c.TenderPage, pageOfItems(await apiListTenders({ acceptsOffers: query.acceptsOffers }), query));
});

export const action = apiMethodNotAllowed;
