import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvResponse, loaderError } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import { comparisonCsv } from "~/services/comparison-exports.server";

/** The comparison of all providers as CSV for German Excel, with the page's filters (staff with the comparison right). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  try {
    const file = await comparisonCsv(user, new URL(request.url).searchParams);
    return csvResponse(file.body, file.filename);
  } catch (error) {
    throw loaderError(error);
  }
}
