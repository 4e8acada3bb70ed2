import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "read:provider:own");
    return json({ id: user.id, email: user.email, name: user.name, role: user.role, providerId: user.providerId });
  } catch (error) {
    return apiError(error);
  }
}

export const action = apiMethodNotAllowed;
