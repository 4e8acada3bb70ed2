import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { MEASURE_LIST } from "~/domain/measure-form";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { measuresCsv } from "~/services/measures.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const query = parseListQuery(new URL(request.url).searchParams, MEASURE_LIST);
  return csvResponse(await measuresCsv(user, query), `massnahmen-${today()}.csv`);
}
