import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, asApiPage, parseQuery, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiBill, listOwnBills } from "~/services/place-billing.server";

/** GET: the caller's own bills, newest period first (`?status=`, `?page=`, `?pageSize=`). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "confirm:bill:own");
  const query = parseQuery(c.BillQuery, request);
  const result = await listOwnBills(user, { status: query.status ?? null, page: query.page, pageSize: query.pageSize });
  return reply(c.BillPage, asApiPage({ ...result, rows: result.rows.map(apiBill) }, query));
});

export const action = apiMethodNotAllowed;
