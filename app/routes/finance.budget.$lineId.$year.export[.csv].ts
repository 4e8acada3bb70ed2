import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderError, csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { budgetDetailCsv, idOf } from "~/services/budget.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const lineId = idOf(params.lineId) ?? 0;
  const year = Number(params.year);
  try {
    return csvResponse(await budgetDetailCsv(user, lineId, year), `haushalt-${lineId}-${year}.csv`);
  } catch (error) {
    loaderError(error);
  }
}
