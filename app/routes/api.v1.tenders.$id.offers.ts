import { json, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { nowIso } from "~/lib/clock.server";
import { apiError, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { apiOwnOffers, apiSubmitOffer } from "~/services/api-offers.server";
import { expectedPartsHandler } from "~/lib/uploads.server";

function tenderId(raw: string | undefined): number | null {
  const id = Number(raw);
  return Number.isInteger(id) && id > 0 ? id : null;
}

/** GET: the caller's own offers (receipt data) for this tender. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "submit:offer:own");
    const id = tenderId(params.id);
    if (!id) return problem(404, "Nicht gefunden", "Die Ausschreibung wurde nicht gefunden.");
    return json(await apiOwnOffers(user, id));
  } catch (error) {
    return apiError(error);
  }
}

/** POST: submit or replace an offer (JSON, or multipart with parts "offer" and "concept"). 201 with the receipt; 409 when late. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  // Arrival counts for the deadline, taken before the body is read.
  const arrivedAt = context?.arrivedAt ?? nowIso();
  try {
    if (request.method !== "POST") return problem(405, "Methode nicht erlaubt", "Angebote werden mit POST abgegeben.", { Allow: "GET, POST" });
    const user = await requireApiUser(request, "submit:offer:own");
    const id = tenderId(params.id);
    if (!id) return problem(404, "Nicht gefunden", "Die Ausschreibung wurde nicht gefunden.");
    const type = request.headers.get("Content-Type") ?? "";
    const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
    let receipt;
    if (type.startsWith("multipart/form-data")) {
      let form: FormData;
      try {
        form = await unstable_parseMultipartFormData(request, expectedPartsHandler({ maxPartSize: maxBytes, files: ["concept"] }));
      } catch {
        return problem(413, "Zu groß", `Eine Datei ist größer als ${Math.round(maxBytes / 1048576)} MB.`);
      }
      const file = form.get("concept");
      receipt = await apiSubmitOffer(user, id, { offerJson: String(form.get("offer") ?? ""), conceptFile: file instanceof File && file.size ? { filename: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null }, arrivedAt);
    } else if (type.startsWith("application/json")) {
      const length = Number(request.headers.get("Content-Length") ?? 0);
      if (length > maxBytes * 1.4 + 65536) return problem(413, "Zu groß", `Das Angebot ist größer als ${Math.round(maxBytes / 1048576)} MB.`);
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return problem(400, "Ungültige Eingabe", "Der Inhalt ist kein gültiges JSON.");
      }
      receipt = await apiSubmitOffer(user, id, { json: body }, arrivedAt);
    } else {
      return problem(415, "Nicht unterstütztes Format", "Bitte senden Sie application/json oder multipart/form-data.");
    }
    return json(receipt, { status: 201 });
  } catch (error) {
    return apiError(error);
  }
}
