import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, isJson, parseRequest, pathId, readJsonObject, reply, unsupportedMediaType } from "~/lib/api-http.server";
import { methodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { attendanceOf, reportAttendance } from "~/services/participation.server";

const NOT_FOUND = "Der Platzkauf wurde nicht gefunden.";

/** GET: the reported months of an own purchase. */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "report:participation:own");
  const { purchase, months } = await attendanceOf(user, pathId(params.id, NOT_FOUND));
  return reply(c.AttendanceList, { purchaseId: purchase.id, reference: purchase.reference, items: months });
});

/**
 * POST { month, daysPresent, daysExcused, daysUnexcused }: report or correct one month. 422 with
 * field errors (month outside the participation or in the future, too many days); 409 before the
 * entry or once the month is billed.
 */
export const action = apiRoute(async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const user = await requireApiUser(request, "report:participation:own");
  const id = pathId(params.id, NOT_FOUND);
  if (!isJson(request)) return unsupportedMediaType("application/json (AttendanceReport)");
  const raw = await readJsonObject(request);
  const body = parseRequest(c.AttendanceReport, raw);
  return idempotentApiCall(request, user, () => fingerprintJson(raw), async () => reply(c.AttendanceMonthRow, await reportAttendance(user, id, body)));
});
