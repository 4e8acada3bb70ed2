import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ValidationError } from "~/domain/errors";
import * as c from "~/lib/api-contract";
import { nowIso } from "~/lib/clock.server";
import { apiRoute, fileLimitBytes, filePart, isJson, isMultipart, jsonObject, pageOfItems, parseQuery, parseRequest, pathId, readBody, readMultipart, reply, textPart, unsupportedMediaType, utf8Text } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintForm, fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { apiOwnOffers, apiSubmitOffer } from "~/services/api-offers.server";
import { offerUploads } from "~/lib/work-slots.server";

const NOT_FOUND = "Die Ausschreibung wurde nicht gefunden.";

/** GET: the caller's own offers (receipt data) for this tender, newest version first; 404 for an unknown tender. */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "submit:offer:own");
  const id = pathId(params.id, NOT_FOUND);
  const query = parseQuery(c.PageQuery, request);
  return reply(c.OfferPage, pageOfItems(await apiOwnOffers(user, id), query));
});

/** POST: submit or replace an offer (JSON, or multipart with parts "offer" and "concept"). 201 with the receipt; 409 when late. */
export const action = apiRoute(async ({ request, params, context }: ActionFunctionArgs) => {
  // Arrival counts for the deadline, taken before the body is read.
  const arrivedAt = (context?.arrivedAt as string | undefined) ?? nowIso();
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const user = await requireApiUser(request, "submit:offer:own");
  const id = pathId(params.id, NOT_FOUND);
  // The body is read first (network time, no slot held: a slow sender must not block the others);
  // parsing and the offer's CPU work then wait for a work slot, in arrival order
  // (app/lib/work-slots.server.ts).
  let form: FormData | null = null;
  let body: Uint8Array | null = null;
  if (isMultipart(request)) form = await readMultipart(request, { files: ["offer", "concept"] });
  // The concept travels as base64: 4/3 of the file limit plus room for the rest.
  else if (isJson(request)) body = await readBody(request, Math.ceil(((await fileLimitBytes()) * 4) / 3) + 65536);
  else return unsupportedMediaType("application/json oder multipart/form-data (Teile „offer“ und „concept“)");
  return offerUploads.run(async () => {
    let offer: c.OfferSubmissionOutput;
    let concept: { filename: string; bytes: Uint8Array } | null = null;
    let fingerprint: () => string | Promise<string>;
    if (form) {
      const parts = form;
      fingerprint = () => fingerprintForm(parts);
      const text = await textPart(parts, "offer");
      if (!text) throw new ValidationError("Der Teil „offer“ mit dem Angebot als JSON fehlt.", { offer: "Angabe fehlt." });
      offer = parseRequest(c.OfferSubmission.omit({ concept: true }), jsonObject(text, "offer"), "offer");
      concept = await filePart(parts, "concept");
    } else {
      const raw = jsonObject(utf8Text(body!), "");
      fingerprint = () => fingerprintJson(raw);
      offer = parseRequest(c.OfferSubmission, raw);
    }
    // A retry with the same Idempotency-Key gets this answer again; nothing is submitted twice.
    return idempotentApiCall(request, user, fingerprint, async () => {
      const receipt = await apiSubmitOffer(user, id, offer, concept, arrivedAt);
      const location = `/api/v1/offers/${receipt.offerId}`;
      return reply(c.OfferReceipt, { ...receipt, location }, { status: 201, headers: { Location: location } });
    });
  });
});
