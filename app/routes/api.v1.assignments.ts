import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, asApiPage, parseQuery, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { listOwnAssignments } from "~/services/clients.server";

/**
 * GET: the caller's assignments (vouchers) with what a broker may see of each client
 * (pseudonym; name and contact only with the client's consent), ending soonest first.
 */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:assignment:own");
  const query = parseQuery(c.AssignmentQuery, request);
  const result = await listOwnAssignments(user, { status: query.status, q: query.q, page: query.page, pageSize: query.pageSize });
  return reply(c.AssignmentPage, asApiPage(result, query));
});

export const action = apiMethodNotAllowed;
