import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { PURCHASE_LIST, purchasesCsv } from "~/services/purchases.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  const query = parseListQuery(new URL(request.url).searchParams, PURCHASE_LIST);
  return csvResponse(await purchasesCsv(user, query), `platzkaeufe-${today()}.csv`);
}
