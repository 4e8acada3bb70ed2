import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, parseQuery, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { listEvents } from "~/services/events.server";

/**
 * GET: the change feed (ADR 0015): the caller's own events and the public ones, in order, after
 * the cursor `after` (absent: from the start), at most `limit` (1–500, default 100).
 * Answer `{ items, cursor, hasMore }`; the client stores `cursor` and sends it as `after` next time.
 */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:tender:published");
  const query = parseQuery(c.EventQuery, request);
  const page = await listEvents(user, { after: query.after ?? null, limit: query.limit });
  // Always the current state: no cache between the poller and the feed.
  return reply(c.EventPage, page, { headers: { "Cache-Control": "no-store" } });
});

export const action = apiMethodNotAllowed;
