import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { AGREEMENT_LIST } from "~/domain/list-specs";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { agreementsCsv } from "~/services/placement-agreements.server";

/** The placement agreements (the list's filters and order, every page) as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:placement:any");
  const csv = await agreementsCsv(user, parseListQuery(new URL(request.url).searchParams, AGREEMENT_LIST));
  return csvResponse(csv, `vermittlungsvereinbarungen-${today()}.csv`);
}
