import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";

/** GET: who is asking (the token's user or, for an organisation token, the token). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:provider:own");
  return reply(c.Me, { id: user.id, email: user.email, name: user.name, role: user.role, providerId: user.providerId });
});

export const action = apiMethodNotAllowed;
