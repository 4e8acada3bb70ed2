import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { PAYABLE_LIST } from "~/domain/list-specs";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { payablesCsv } from "~/services/instalments.server";
import { today } from "~/lib/clock.server";

/** The payable instalments (the list's filters and order, every page) as CSV for the cash office. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const csv = await payablesCsv(user, parseListQuery(new URL(request.url).searchParams, PAYABLE_LIST));
  return csvResponse(csv, `zahlbare-raten-${today()}.csv`);
}
