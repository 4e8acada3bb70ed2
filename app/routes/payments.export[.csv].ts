import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { PAYMENT_ITEM_LIST } from "~/domain/list-specs";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { paymentItemsCsv } from "~/services/payment-items.server";
import { today } from "~/lib/clock.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const query = parseListQuery(new URL(request.url).searchParams, PAYMENT_ITEM_LIST);
  return csvResponse(await paymentItemsCsv(user, query), `zahlungen-${today()}.csv`);
}
