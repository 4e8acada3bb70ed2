import { json } from "@remix-run/node";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { openApiDocument } from "~/lib/openapi";

/** Public: the description of the API (it reveals no data). */
export async function loader() {
  return json(openApiDocument, { headers: { "Cache-Control": "public, max-age=300" } });
}

export const action = apiMethodNotAllowed;
