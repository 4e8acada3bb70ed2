import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ValidationError } from "~/domain/errors";
import * as c from "~/lib/api-contract";
import { apiRoute, asApiPage, filePart, isJson, isMultipart, jsonObject, parseQuery, parseRequest, readJsonObject, readMultipart, reply, textPart, unsupportedMediaType } from "~/lib/api-http.server";
import { methodNotAllowed, problem } from "~/lib/http.server";
import { apiSubmitPlacement } from "~/services/api.server";
import { fingerprintForm, fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { requireApiUser } from "~/lib/session.server";
import { listClaims, type UploadedFile } from "~/services/placement-claims.server";

const FILES = ["employmentContract", "employerConfirmation", "brokerContract"] as const;

/** GET: the caller's own placement claims, newest first (`?status=`, `?q=`, `?page=`, `?pageSize=`). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "submit:placement:own");
  const query = parseQuery(c.PlacementQuery, request);
  const result = await listClaims(user, { status: query.status ?? "", q: query.q ?? "", page: query.page, pageSize: query.pageSize });
  return reply(c.PlacementPage, asApiPage(result, query));
});

/**
 * POST: report a placement. multipart/form-data with the part "placement" (JSON) and the three
 * PDFs; or application/json without files (the documents follow in the portal). 201 when
 * submitted; 422 when the rules rejected it on arrival (the claim exists, with a decision letter).
 */
export const action = apiRoute(async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const user = await requireApiUser(request, "submit:placement:own");
  let body: c.PlacementSubmissionOutput;
  let files: Partial<Record<(typeof FILES)[number], UploadedFile | null>> = {};
  let requireFiles = true;
  let prefix = "";
  let fingerprint: () => string | Promise<string>;
  if (isMultipart(request)) {
    const form = await readMultipart(request, { files: ["placement", ...FILES] });
    fingerprint = () => fingerprintForm(form);
    const text = await textPart(form, "placement");
    if (!text?.trim()) throw new ValidationError("Der Teil „placement“ mit den Angaben als JSON fehlt.", { placement: "Angabe fehlt." });
    prefix = "placement";
    body = parseRequest(c.PlacementSubmission, jsonObject(text, "placement"), prefix);
    for (const name of FILES) files[name] = await filePart(form, name);
  } else if (isJson(request)) {
    const raw = await readJsonObject(request);
    fingerprint = () => fingerprintJson(raw);
    body = parseRequest(c.PlacementSubmission, raw);
    // Without files: the documents are uploaded later in the portal, before a decision.
    requireFiles = false;
  } else {
    return unsupportedMediaType("multipart/form-data (mit Dateien) oder application/json");
  }
  // Without an Idempotency-Key every POST files a claim; with one, a retry gets the first answer.
  return idempotentApiCall(request, user, fingerprint, async () => {
    const result = await apiSubmitPlacement(user, body, files, { requireFiles, part: prefix || null });
    const location = `/api/v1/placements/${result.id}`;
    const receipt = { id: result.id, reference: result.reference, status: result.status, statusLabel: result.statusLabel, location };
    if (result.status === "rejected") {
      const detail = `Der Vermittlungsnachweis ${result.reference} wurde bei Eingang abgelehnt: ${result.errors.map((e) => e.message).join(" ")}`;
      const rejected = c.PlacementRejected.parse({ type: "about:blank", title: "Nachweis abgelehnt", status: 422, detail, claim: receipt, rules: result.errors });
      return problem(422, rejected.title, rejected.detail, { Location: location }, { claim: rejected.claim, rules: rejected.rules });
    }
    return reply(c.PlacementReceipt, receipt, { status: 201, headers: { Location: location } });
  });
});
