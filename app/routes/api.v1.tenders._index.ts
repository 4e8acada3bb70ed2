import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiListTenders } from "~/services/api-offers.server";

export async function loader({ request }: LoaderFunctionArgs) {
  try {
    await requireApiUser(request, "read:tender:published");
    return json(await apiListTenders());
  } catch (error) {
    return apiError(error);
  }
}

export const action = apiMethodNotAllowed;
