import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiMeasure, getMeasure } from "~/services/measures.server";

/** GET: one of the organisation's own catalogue entries or proposals (others: 404). */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "propose:measure:own");
  const d = await getMeasure(user, pathId(params.id, "Die Maßnahme wurde nicht gefunden."));
  return reply(c.Measure, apiMeasure(d.measure));
});

export const action = apiMethodNotAllowed;
