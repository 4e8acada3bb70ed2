import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { measuresInYearCsv, reportYear, reportYears } from "~/services/place-report.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  try {
    const choice = reportYear(new URL(request.url).searchParams, await reportYears());
    if (choice.kind !== "ok") return new Response(choice.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
    return csvResponse(await measuresInYearCsv(user, choice.year), `massnahmen-${choice.year}.csv`);
  } catch (error) {
    throw loaderError(error);
  }
}
