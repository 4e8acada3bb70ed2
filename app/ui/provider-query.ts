import { intParam } from "./table";

/** The provider list's filters, sort and page from the URL (list page and CSV export). */
export function providerQueryFrom(url: URL) {
  const p = url.searchParams;
  return {
    q: p.get("q") ?? "",
    kind: p.get("kind") ?? "",
    region: p.get("region") ?? "",
    cert: p.get("cert") ?? "",
    active: (["active", "inactive", "all"].includes(p.get("active") ?? "") ? p.get("active") : "active") as "active" | "inactive" | "all",
    sort: p.get("sort") ?? "name",
    dir: p.get("dir") ?? "asc",
    page: intParam(p.get("page"), 1),
  };
}
