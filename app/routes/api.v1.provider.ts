import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { ownProviderForApi } from "~/services/api.server";

export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "read:provider:own");
    return json(await ownProviderForApi(user));
  } catch (error) {
    return apiError(error);
  }
}

export const action = apiMethodNotAllowed;
