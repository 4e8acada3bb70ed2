import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, asApiPage, parseQuery, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiPurchase, listOwnPurchases } from "~/services/purchases.server";

/** GET: the organisation's own place orders, latest start first (`?status=`, `?page=`, `?pageSize=`). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:purchase:own");
  const query = parseQuery(c.PurchaseQuery, request);
  const result = await listOwnPurchases(user, { status: query.status ?? "", page: query.page, pageSize: query.pageSize });
  return reply(c.PurchasePage, asApiPage({ ...result, rows: result.rows.map(apiPurchase) }, query));
});

export const action = apiMethodNotAllowed;
