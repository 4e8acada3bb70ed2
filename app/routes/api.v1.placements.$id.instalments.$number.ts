import { json, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { ownInstalment, proveInstalment } from "~/services/instalments.server";
import { expectedPartsHandler } from "~/lib/uploads.server";

function ids(params: LoaderFunctionArgs["params"]): { claimId: number; number: number } | null {
  const claimId = Number(params.id);
  const number = Number(params.number);
  return Number.isInteger(claimId) && claimId > 0 && Number.isInteger(number) && number > 0 ? { claimId, number } : null;
}

/** GET: one instalment of an own claim (state, dates, amount). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "submit:placement:own");
    const key = ids(params);
    if (!key) return problem(404, "Nicht gefunden", "Die Rate wurde nicht gefunden.");
    return json(await ownInstalment(user, key.claimId, key.number));
  } catch (error) {
    return apiError(error);
  }
}

/**
 * POST: the employer's confirmation for this instalment. multipart/form-data with the PDF part
 * "confirmation" and the fields "confirmedUntil" (date), "uninterrupted" and, for the second
 * instalment, "sameEmployer" ("true"). 200 with the instalment when it is earned; 400 with the
 * transition table's German reason otherwise (e.g. day 41, deadline passed).
 */
export async function action({ request, params }: ActionFunctionArgs) {
  try {
    if (request.method !== "POST") return problem(405, "Methode nicht erlaubt", "Bestätigungen werden mit POST eingereicht.", { Allow: "GET, POST" });
    const user = await requireApiUser(request, "submit:placement:own");
    const key = ids(params);
    if (!key) return problem(404, "Nicht gefunden", "Die Rate wurde nicht gefunden.");
    if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) return problem(415, "Nicht unterstütztes Format", "Bitte senden Sie multipart/form-data mit der PDF-Datei „confirmation“.");
    const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(request, expectedPartsHandler({ maxPartSize: maxBytes, files: ["confirmation"] }));
    } catch {
      return problem(413, "Zu groß", `Die Datei ist größer als ${Math.round(maxBytes / 1048576)} MB.`, { Connection: "close" });
    }
    const instalment = await ownInstalment(user, key.claimId, key.number);
    const file = form.get("confirmation");
    await proveInstalment(
      user,
      instalment.id,
      { confirmedUntil: String(form.get("confirmedUntil") ?? ""), uninterrupted: String(form.get("uninterrupted") ?? ""), sameEmployer: String(form.get("sameEmployer") ?? "") },
      file instanceof File && file.size ? { filename: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null,
    );
    return json(await ownInstalment(user, key.claimId, key.number));
  } catch (error) {
    return apiError(error);
  }
}
