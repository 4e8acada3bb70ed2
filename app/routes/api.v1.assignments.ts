import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiMethodNotAllowed, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { ownAssignments } from "~/services/clients.server";

/**
 * GET: the caller's assignments (vouchers) with what a broker may see of each client
 * (pseudonym; name and contact only with the client's consent). `?status=active` (default) or `all`.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "read:assignment:own");
    const status = new URL(request.url).searchParams.get("status") ?? "active";
    if (status !== "active" && status !== "all") return problem(400, "Ungültige Eingabe", "Der Parameter „status“ ist „active“ oder „all“.");
    return json(await ownAssignments(user, { status }));
  } catch (error) {
    return apiError(error);
  }
}

export const action = apiMethodNotAllowed;
