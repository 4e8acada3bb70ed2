import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiOwnOffer, apiWithdrawOffer } from "~/services/api-offers.server";

/** DELETE: withdraw the caller's current offer before the deadline (204). */
export async function action({ request, params }: ActionFunctionArgs) {
  try {
    if (request.method !== "DELETE") return problem(405, "Methode nicht erlaubt", "Ein Angebot wird mit DELETE zurückgezogen.", { Allow: "GET, DELETE" });
    const user = await requireApiUser(request, "submit:offer:own");
    const id = Number(params.id);
    if (!Number.isInteger(id) || id <= 0) return problem(404, "Nicht gefunden", "Das Angebot wurde nicht gefunden.");
    await apiWithdrawOffer(user, id);
    return new Response(null, { status: 204 });
  } catch (error) {
    return apiError(error);
  }
}

/** GET: one of the caller's own offers (receipt data). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "submit:offer:own");
    const offer = await apiOwnOffer(user, Number(params.id));
    return json(offer);
  } catch (error) {
    return apiError(error);
  }
}
