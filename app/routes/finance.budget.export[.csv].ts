import type { LoaderFunctionArgs } from "@remix-run/node";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { budgetOverviewCsv, budgetQuery } from "~/services/budget.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const { year, lineId } = budgetQuery(new URL(request.url).searchParams);
  return csvResponse(await budgetOverviewCsv(user, { year, lineId }), `haushalt-${year}-${today()}.csv`);
}
