import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, filePart, isMultipart, parseRequest, pathId, readMultipart, reply, unsupportedMediaType, withRequestNames } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintForm, idempotentApiCall } from "~/services/idempotency.server";
import { ownInstalment, proveInstalment } from "~/services/instalments.server";

const NOT_FOUND = "Die Rate wurde nicht gefunden.";

function ids(params: LoaderFunctionArgs["params"]) {
  return { claimId: pathId(params.id, NOT_FOUND), number: pathId(params.number, NOT_FOUND) };
}

/** GET: one instalment of an own claim (state, dates, amount). */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "submit:placement:own");
  const key = ids(params);
  return reply(c.Instalment, await ownInstalment(user, key.claimId, key.number));
});

/**
 * POST: the employer's confirmation for this instalment (multipart: the PDF part "confirmation",
 * "confirmedUntil", "uninterrupted", for the second instalment "sameEmployer"). 200 with the
 * instalment when it is earned; 422 with the reason otherwise (e.g. day 41, deadline passed).
 */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const user = await requireApiUser(request, "submit:placement:own");
  const key = ids(params);
  if (!isMultipart(request)) return unsupportedMediaType("multipart/form-data mit der PDF-Datei „confirmation“");
  const form = await readMultipart(request, { files: ["confirmation"], texts: ["confirmedUntil", "uninterrupted", "sameEmployer"] });
  const fields = parseRequest(c.InstalmentProofMultipart.omit({ confirmation: true }), {
    confirmedUntil: form.get("confirmedUntil") ?? undefined,
    uninterrupted: form.get("uninterrupted") ?? undefined,
    sameEmployer: form.get("sameEmployer") ?? undefined,
  });
  const instalment = await ownInstalment(user, key.claimId, key.number);
  const file = await filePart(form, "confirmation");
  return idempotentApiCall(request, user, () => fingerprintForm(form), async () => {
    await withRequestNames({ file: "confirmation" }, () => proveInstalment(user, instalment.id, { confirmedUntil: fields.confirmedUntil, uninterrupted: fields.uninterrupted, sameEmployer: fields.sameEmployer ?? "" }, file));
    return reply(c.Instalment, await ownInstalment(user, key.claimId, key.number));
  });
});
