import { redirect, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { DomainError, ValidationError } from "~/domain/errors";
import { redirectWithFlash } from "~/lib/flash.server";
import { requirePermission } from "~/lib/session.server";
import { getSetting } from "~/lib/settings.server";
import { addTenderAttachment } from "~/services/portal-tenders.server";
import { idParam } from "~/ui/table";
import { expectedPartsHandler } from "~/lib/uploads.server";

/** POST (multipart): add a PDF attachment to the tender documents; back to the tender page with a message. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "manage:tender:any");
  const id = idParam(params.id);
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  try {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(request, expectedPartsHandler({ maxPartSize: maxBytes, files: ["file"] }));
    } catch {
      throw new ValidationError(`Die Datei ist größer als ${Math.round(maxBytes / 1048576)} MB oder konnte nicht gelesen werden.`);
    }
    const file = form.get("file");
    if (!(file instanceof File)) throw new ValidationError("Bitte wählen Sie eine Datei aus.");
    await addTenderAttachment(user, id, file.name, new Uint8Array(await file.arrayBuffer()));
    return redirectWithFlash(`/tenders/${id}`, `Anlage „${file.name}“ hinzugefügt.`);
  } catch (error) {
    if (error instanceof DomainError && error.status !== 404 && error.status !== 403) return redirectWithFlash(`/tenders/${id}`, `Anlage nicht hinzugefügt: ${error.message}`);
    throw error instanceof DomainError ? new Response(error.message, { status: error.status }) : error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "manage:tender:any");
  return redirect(`/tenders/${idParam(params.id)}`);
}
