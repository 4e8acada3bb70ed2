import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderError } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import { comparisonReportPdf } from "~/services/comparison-exports.server";

/** The report for the advisory board (Beirat) as PDF, with the page's filters (staff with the comparison right). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  try {
    const file = await comparisonReportPdf(user, new URL(request.url).searchParams);
    return new Response(new Uint8Array(file.bytes), {
      headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${file.filename}"`, "Cache-Control": "no-store" },
    });
  } catch (error) {
    throw loaderError(error);
  }
}
