import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { OUTCOME_DUE_LIST } from "~/domain/participation";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { outcomesDueCsv } from "~/services/participation.server";

/** The worklist „Verbleib erfassen“ as CSV: the same filters and order as the page, every row. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "record:outcome:any");
  const query = parseListQuery(new URL(request.url).searchParams, OUTCOME_DUE_LIST);
  return csvResponse(await outcomesDueCsv(user, query), `verbleib-offen-${today()}.csv`);
}
