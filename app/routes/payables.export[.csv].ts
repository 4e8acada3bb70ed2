import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { payablesCsv } from "~/services/instalments.server";
import { today } from "~/lib/clock.server";

/** The payable instalments (same filters as the list) as CSV for the cash office. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const p = new URL(request.url).searchParams;
  const csv = await payablesCsv(user, { status: p.get("status") ?? "", q: p.get("q") ?? "" });
  return csvResponse(csv, `zahlbare-raten-${today()}.csv`);
}
