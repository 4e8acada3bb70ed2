import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, isJson, parseRequest, pathId, readJsonObject, reply, unsupportedMediaType } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { purchaseParticipation, reportExit } from "~/services/participation.server";

const NOT_FOUND = "Der Platzkauf wurde nicht gefunden.";

export const loader = apiRoute(async (_args: LoaderFunctionArgs) => methodNotAllowed("POST"));

/** POST { exitDate, kind, reason?, note?, earlyCompletionConfirmed? }: completion (running → completed) or early exit with its reason (running → dropped_out). 422 (future, before the entry, after the planned end, reason missing, a completion before the planned end without earlyCompletionConfirmed); 409 when not running. */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const user = await requireApiUser(request, "report:participation:own");
  const id = pathId(params.id, NOT_FOUND);
  if (!isJson(request)) return unsupportedMediaType("application/json (ExitReport)");
  const raw = await readJsonObject(request);
  const body = parseRequest(c.ExitReport, raw);
  return idempotentApiCall(request, user, () => fingerprintJson(raw), async () => reply(c.PurchaseParticipation, purchaseParticipation(await reportExit(user, id, body, { askEarly: "api" }))));
});
