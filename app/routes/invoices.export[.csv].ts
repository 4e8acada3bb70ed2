import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListQuery } from "~/domain/list";
import { INVOICE_LIST } from "~/domain/list-specs";
import { today } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { invoicesCsv } from "~/services/invoices.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:payable:any");
  const query = parseListQuery(new URL(request.url).searchParams, INVOICE_LIST);
  return csvResponse(await invoicesCsv(user, query), `rechnungen-${today()}.csv`);
}
