import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { ownProviderForApi } from "~/services/api.server";

/** GET: the caller's own organisation. */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "read:provider:own");
  return reply(c.Provider, await ownProviderForApi(user));
});

export const action = apiMethodNotAllowed;
