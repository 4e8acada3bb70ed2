import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { CLAIM_LIST } from "~/domain/list-specs";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { claimsCsv } from "~/services/placement-claims.server";

/** The placement claims (the list's filters and order, every page) as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const csv = await claimsCsv(user, parseListQuery(new URL(request.url).searchParams, CLAIM_LIST));
  return csvResponse(csv, `vermittlungsnachweise-${today()}.csv`);
}
