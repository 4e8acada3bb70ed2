import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ValidationError } from "~/domain/errors";
import * as c from "~/lib/api-contract";
import { apiRoute, asApiPage, isJson, parseQuery, parseRequest, readJsonObject, reply, unsupportedMediaType } from "~/lib/api-http.server";
import { methodNotAllowed, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { fingerprintJson, idempotentApiCall } from "~/services/idempotency.server";
import { apiMeasure, apiOwnMeasures, apiProposeMeasure, getMeasure } from "~/services/measures.server";

/** GET: the organisation's own catalogue entries and proposals, newest first (`?status=`, `?page=`, `?pageSize=`). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "propose:measure:own");
  const query = parseQuery(c.MeasureQuery, request);
  const result = await apiOwnMeasures(user, { status: query.status ?? null, page: query.page, pageSize: query.pageSize });
  return reply(c.MeasurePage, asApiPage(result, query));
});

/**
 * POST: propose a measure (JSON MeasureProposal). 201 with the entry (status proposed); 422 with
 * `errors` per field when a rule of the catalogue is not met; 400 when the body is not shaped as
 * documented. Retries only with the same Idempotency-Key.
 */
export const action = apiRoute(async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const user = await requireApiUser(request, "propose:measure:own");
  if (!isJson(request)) return unsupportedMediaType("application/json (MeasureProposal)");
  const raw = await readJsonObject(request);
  const body = parseRequest(c.MeasureProposal, raw);
  return idempotentApiCall(request, user, () => fingerprintJson(raw), async () => {
    try {
      const measure = await apiProposeMeasure(user, body);
      const location = `/api/v1/measures/${measure.id}`;
      return reply(c.Measure, apiMeasure((await getMeasure(user, measure.id)).measure), { status: 201, headers: { Location: location } });
    } catch (error) {
      if (error instanceof ValidationError) return problem(422, "Regel nicht erfüllt", error.message, {}, { errors: error.fieldErrors });
      throw error;
    }
  });
});
