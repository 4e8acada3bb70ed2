import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { parseFeedQuery } from "~/domain/events";
import { apiError, apiMethodNotAllowed, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { listEvents } from "~/services/events.server";

/**
 * GET: the change feed (ADR 0015): the caller's own events and the public ones, in order, after
 * the cursor `after` (absent: from the start), at most `limit` (1–500, default 100).
 * Answer `{ items, cursor, hasMore }`; the client stores `cursor` and sends it as `after` next time.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "read:tender:published");
    const params = new URL(request.url).searchParams;
    const parsed = parseFeedQuery({ after: params.get("after"), limit: params.get("limit") });
    if (!parsed.ok) return problem(400, "Ungültige Eingabe", Object.values(parsed.errors).join(" "), {}, { errors: parsed.errors });
    const page = await listEvents(user, { after: params.get("after"), limit: parsed.query.limit });
    // Always the current state: no cache between the poller and the feed.
    return json(page, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return apiError(error);
  }
}

export const action = apiMethodNotAllowed;
