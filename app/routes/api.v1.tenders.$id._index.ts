import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiMethodNotAllowed, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiTender } from "~/services/api-offers.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "read:tender:published");
    const id = Number(params.id);
    if (!Number.isInteger(id) || id <= 0) return problem(404, "Nicht gefunden", "Die Ausschreibung wurde nicht gefunden.");
    return json(await apiTender(user, id));
  } catch (error) {
    return apiError(error);
  }
}

export const action = apiMethodNotAllowed;
