import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiBill, getBill } from "~/services/place-billing.server";

/** GET: one of the caller's own bills (others: 404). */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "confirm:bill:own");
  const d = await getBill(user, pathId(params.id, "Die Abrechnung wurde nicht gefunden."));
  return reply(c.Bill, apiBill(d.bill));
});

export const action = apiMethodNotAllowed;
