import { problem } from "~/lib/http.server";

/** Unknown API paths answer in problem+json, not with an HTML page. */
function notFound() {
  return problem(404, "Nicht gefunden", "Diese Schnittstelle gibt es nicht. Die Beschreibung steht unter /api/v1/openapi.json.");
}
export const loader = notFound;
export const action = notFound;
