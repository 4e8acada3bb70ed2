import { parseListQuery } from "~/domain/list";
import { PROVIDER_LIST } from "~/domain/list-specs";

/** The provider list's filters, sort and page from the URL (list page and CSV export). */
export function providerQueryFrom(url: URL) {
  const query = parseListQuery(url.searchParams, PROVIDER_LIST);
  return { ...query, active: query.active as "active" | "inactive" | "all" };
}
