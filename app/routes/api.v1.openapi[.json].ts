import { json } from "@remix-run/node";
import { openApiDocument } from "~/lib/openapi";

/** Public: the description of the API (it reveals no data). */
export async function loader() {
  return json(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
}
