import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, isJson, parseRequest, pathId, readJsonObject, reply, unsupportedMediaType } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { purchaseParticipation, reportEntry } from "~/services/participation.server";

const NOT_FOUND = "Der Platzkauf wurde nicht gefunden.";

export const loader = apiRoute(async (_args: LoaderFunctionArgs) => methodNotAllowed("POST"));

/** POST { entryDate }: the entry (confirmed → running). 422 with field errors when a rule is broken (future, more than 30 days before the planned start); 409 when the purchase is not confirmed. */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const user = await requireApiUser(request, "report:participation:own");
  const id = pathId(params.id, NOT_FOUND);
  if (!isJson(request)) return unsupportedMediaType("application/json (EntryReport)");
  const raw = await readJsonObject(request);
  const body = parseRequest(c.EntryReport, raw);
  return idempotentApiCall(request, user, () => fingerprintJson(raw), async () => reply(c.PurchaseParticipation, purchaseParticipation(await reportEntry(user, id, body))));
});
