import { json, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { CLAIM_STATES } from "~/domain/placement-claim.machine";
import { apiError, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { listClaims, submitClaim, type UploadedFile } from "~/services/placement-claims.server";
import { expectedPartsHandler } from "~/lib/uploads.server";

/** GET: the caller's own placement claims, newest first (`?status=`, `?page=`, 25 per page). */
export async function loader({ request }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "submit:placement:own");
    const params = new URL(request.url).searchParams;
    const status = params.get("status") ?? "";
    if (status && !(CLAIM_STATES as readonly string[]).includes(status)) return problem(400, "Ungültige Eingabe", `Der Parameter „status“ ist einer von: ${CLAIM_STATES.join(", ")}.`);
    const pageText = params.get("page");
    const page = pageText === null ? 1 : Number(pageText);
    if (!Number.isInteger(page) || page < 1) return problem(400, "Ungültige Eingabe", "Der Parameter „page“ ist eine ganze Zahl ab 1.");
    return json(await listClaims(user, { status, page }));
  } catch (error) {
    return apiError(error);
  }
}

async function filePart(form: FormData, name: string): Promise<UploadedFile | null> {
  const f = form.get(name);
  return f instanceof File && f.size > 0 ? { filename: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } : null;
}

/**
 * POST: report a placement. multipart/form-data with the part "placement" (JSON) and the PDFs
 * "employmentContract", "employerConfirmation" (required) and "brokerContract" (optional); or
 * application/json without files (the documents follow in the portal). 201 when submitted;
 * 422 when the rules rejected it on arrival (the claim exists, with a decision letter).
 */
export async function action({ request }: ActionFunctionArgs) {
  try {
    if (request.method !== "POST") return problem(405, "Methode nicht erlaubt", "Vermittlungsnachweise werden mit POST eingereicht.", { Allow: "GET, POST" });
    const user = await requireApiUser(request, "submit:placement:own");
    const type = request.headers.get("Content-Type") ?? "";
    const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
    let raw: unknown;
    let files: {
      employmentContract?: UploadedFile | null;
      employerConfirmation?: UploadedFile | null;
      brokerContract?: UploadedFile | null;
    } = {};
    let requireFiles = true;
    if (type.startsWith("multipart/form-data")) {
      let form: FormData;
      try {
        form = await unstable_parseMultipartFormData(request, expectedPartsHandler({ maxPartSize: maxBytes, files: ["placement", "employmentContract", "employerConfirmation", "brokerContract"] }));
      } catch {
        // The rest of the body stays unread: the connection is closed after this answer.
        return problem(413, "Zu groß", `Eine Datei ist größer als ${Math.round(maxBytes / 1048576)} MB.`, { Connection: "close" });
      }
      const part = form.get("placement");
      const text = part instanceof File ? await part.text() : part;
      if (typeof text !== "string" || !text.trim()) return problem(400, "Ungültige Eingabe", "Der Teil „placement“ mit den Angaben als JSON fehlt.");
      try {
        raw = JSON.parse(text);
      } catch {
        return problem(400, "Ungültige Eingabe", "Der Teil „placement“ ist kein gültiges JSON.");
      }
      files = {
        employmentContract: await filePart(form, "employmentContract"),
        employerConfirmation: await filePart(form, "employerConfirmation"),
        brokerContract: await filePart(form, "brokerContract"),
      };
    } else if (type.startsWith("application/json")) {
      const length = Number(request.headers.get("Content-Length") ?? 0);
      if (length > 1048576)
        return problem(413, "Zu groß", "Die Angaben sind größer als 1 MB.", {
          Connection: "close",
        });
      try {
        raw = await request.json();
      } catch {
        return problem(400, "Ungültige Eingabe", "Der Inhalt ist kein gültiges JSON.");
      }
      // Without files: the documents are uploaded later in the portal, before a decision.
      requireFiles = false;
    } else {
      return problem(415, "Nicht unterstütztes Format", "Bitte senden Sie multipart/form-data (mit Dateien) oder application/json.");
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return problem(400, "Ungültige Eingabe", "Die Angaben müssen ein JSON-Objekt sein.");
    // The placement data is JSON in both forms of the request: booleans must be JSON booleans.
    const result = await submitClaim(user, raw, files, "api", { requireFiles, jsonInput: true });
    const location = `/api/v1/placements/${result.id}`;
    if (result.status === "rejected") {
      return problem(
        422,
        "Nachweis abgelehnt",
        `Der Vermittlungsnachweis ${result.reference} wurde bei Eingang abgelehnt: ${result.errors.map((e) => e.message).join(" ")}`,
        { Location: location },
        {
          claim: {
            id: result.id,
            reference: result.reference,
            status: result.status,
            statusLabel: result.statusLabel,
            location,
          },
          errors: result.errors,
          duplicate: result.duplicate,
        }
      );
    }
    // An identical report within minutes (a retry) returns the existing claim with 200 instead of creating one.
    return json({ ...result, location }, { status: result.duplicate ? 200 : 201, headers: { Location: location } });
  } catch (error) {
    return apiError(error);
  }
}
