import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { measuresInYearCsv, reportYear, reportYears } from "~/services/place-report.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  try {
    const year = reportYear(new URL(request.url).searchParams, await reportYears());
    return csvResponse(await measuresInYearCsv(user, year), `massnahmen-${year}.csv`);
  } catch (error) {
    throw loaderError(error);
  }
}
