import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { BILL_LIST } from "~/domain/place-bills";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { billsCsv } from "~/services/place-billing.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const query = parseListQuery(new URL(request.url).searchParams, BILL_LIST);
  return csvResponse(await billsCsv(user, query), `abrechnungen-plaetze-${today()}.csv`);
}
