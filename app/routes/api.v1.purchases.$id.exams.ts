import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, isJson, parseRequest, pathId, readJsonObject, reply, unsupportedMediaType } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { reportExam } from "~/services/participation.server";

const NOT_FOUND = "Der Platzkauf wurde nicht gefunden.";

export const loader = apiRoute(async (_args: LoaderFunctionArgs) => methodNotAllowed("POST"));

/** POST { examName, examDate, passed, grade }: an exam result. 422 (future, before the entry); 409 before the entry. */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const user = await requireApiUser(request, "report:participation:own");
  const id = pathId(params.id, NOT_FOUND);
  if (!isJson(request)) return unsupportedMediaType("application/json (ExamReport)");
  const raw = await readJsonObject(request);
  const body = parseRequest(c.ExamReport, raw);
  return idempotentApiCall(request, user, () => fingerprintJson(raw), async () => reply(c.ExamResultRow, await reportExam(user, id, body), { status: 201 }));
});
