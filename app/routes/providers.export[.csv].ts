import type { LoaderFunctionArgs } from "@remix-run/node";
import { berlinDate } from "~/domain/time";
import { now } from "~/lib/clock.server";
import { csvResponse } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { exportProvidersCsv } from "~/services/provider-csv.server";
import { providerQueryFrom } from "~/ui/provider-query";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "export:provider:any");
  const { csv } = await exportProvidersCsv(user, providerQueryFrom(new URL(request.url)));
  return csvResponse(csv, `traeger-${berlinDate(now())}.csv`);
}
