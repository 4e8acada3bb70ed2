import { describe, expect, it } from "vitest";
import { choice, flag, int, listSpec, nextSortDir, pageBounds, pageWindow, parseListQuery, text } from "~/domain/list";
import { AGREEMENT_LIST, CLAIM_LIST, CLIENT_LIST, PAYMENT_ITEM_LIST, PROVIDER_LIST, TENDER_LIST } from "~/domain/list-specs";

const SPEC = listSpec({
  filters: { q: text(), status: choice(["open", "done"]), active: choice(["active", "all"], "active"), late: flag(), year: int(1900, 2999) },
  sorts: ["createdAt", "name"],
  default: ["createdAt", "desc"],
  firstDir: { createdAt: "desc" },
});
const parse = (qs: string) => parseListQuery(new URLSearchParams(qs), SPEC);

describe("parseListQuery", () => {
  it("without parameters gives the spec's default order, page 1 and empty filters", () => {
    expect(parse("")).toEqual({ q: "", status: "", active: "active", late: false, year: undefined, sort: "createdAt", dir: "desc", page: 1, pageSize: 25 });
  });
  it("keeps whitelisted values and drops everything else", () => {
    const q = parse("q=%20Meier%20&status=done&active=all&late=1&year=2007&sort=name&dir=desc&page=3");
    expect(q).toMatchObject({ q: "Meier", status: "done", active: "all", late: true, year: 2007, sort: "name", dir: "desc", page: 3 });
    const bad = parse("status=DROP&active=x&late=yes&year=1899&sort=password&dir=sideways&page=-2");
    expect(bad).toMatchObject({ status: "", active: "active", late: false, year: undefined, sort: "createdAt", dir: "desc", page: 1 });
  });
  it("int filters accept their bounds and refuse one beyond", () => {
    expect(parse("year=1900").year).toBe(1900);
    expect(parse("year=2999").year).toBe(2999);
    expect(parse("year=3000").year).toBeUndefined();
    expect(parse("year=20.5").year).toBeUndefined();
  });
  it("a chosen column without a direction starts with its first direction", () => {
    expect(parse("sort=name")).toMatchObject({ sort: "name", dir: "asc" });
    expect(parse("sort=createdAt")).toMatchObject({ sort: "createdAt", dir: "desc" });
  });
  it("caps the page size at 200 and search text at 100 characters", () => {
    expect(parse("size=200").pageSize).toBe(200);
    expect(parse("size=201").pageSize).toBe(200);
    expect(parse(`q=${"x".repeat(150)}`).q).toHaveLength(100);
  });
  it("refuses a default sort that is not a sort column", () => {
    expect(() => listSpec({ filters: {}, sorts: ["a"], default: ["b" as "a", "asc"] })).toThrow();
  });
});

describe("default order of the list pages (what is current first)", () => {
  const defaults = (spec: { default: readonly [string, string] }) => spec.default.join(" ");
  it("agreements by end date, latest first", () => expect(defaults(AGREEMENT_LIST)).toBe("validUntil desc"));
  it("claims by receipt, newest first", () => expect(defaults(CLAIM_LIST)).toBe("submittedAt desc"));
  it("clients newest first", () => expect(defaults(CLIENT_LIST)).toBe("createdAt desc"));
  it("payment items: the earliest due first", () => expect(defaults(PAYMENT_ITEM_LIST)).toBe("dueOn asc"));
  it("tenders newest first", () => expect(defaults(TENDER_LIST)).toBe("createdAt desc"));
  it("providers alphabetical, active only", () => {
    expect(defaults(PROVIDER_LIST)).toBe("name asc");
    expect(parseListQuery(new URLSearchParams(""), PROVIDER_LIST).active).toBe("active");
  });
});

describe("pageBounds", () => {
  it("clamps the page into range", () => {
    expect(pageBounds(685, 1, 25)).toEqual({ page: 1, pages: 28, offset: 0 });
    expect(pageBounds(685, 28, 25)).toEqual({ page: 28, pages: 28, offset: 675 });
    expect(pageBounds(685, 29, 25)).toEqual({ page: 28, pages: 28, offset: 675 });
    expect(pageBounds(0, 5, 25)).toEqual({ page: 1, pages: 1, offset: 0 });
    expect(pageBounds(25, 2, 25)).toEqual({ page: 1, pages: 1, offset: 0 });
    expect(pageBounds(26, 2, 25)).toEqual({ page: 2, pages: 2, offset: 25 });
  });
});

describe("pageWindow", () => {
  it("shows first, last and two neighbours, gaps as null", () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(1, 28)).toEqual([1, 2, 3, null, 28]);
    expect(pageWindow(10, 28)).toEqual([1, null, 8, 9, 10, 11, 12, null, 28]);
    expect(pageWindow(28, 28)).toEqual([1, null, 26, 27, 28]);
  });
  it("fills a gap of one page with the page instead of …", () => {
    expect(pageWindow(4, 28)).toEqual([1, 2, 3, 4, 5, 6, null, 28]);
    expect(pageWindow(5, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("nextSortDir", () => {
  it("flips the current column and starts another with its first direction", () => {
    expect(nextSortDir("name", { sort: "name", dir: "asc" })).toBe("desc");
    expect(nextSortDir("name", { sort: "name", dir: "desc" })).toBe("asc");
    expect(nextSortDir("createdAt", { sort: "name", dir: "asc" }, "desc")).toBe("desc");
    expect(nextSortDir("city", { sort: "name", dir: "desc" })).toBe("asc");
  });
});

describe("completeQuery", () => {
  it("fills what the caller left out with the spec's defaults", async () => {
    const { completeQuery } = await import("~/domain/list");
    expect(completeQuery(SPEC, { status: "open" })).toMatchObject({ status: "open", active: "active", sort: "createdAt", dir: "desc", page: 1, pageSize: 25 });
    expect(completeQuery(SPEC, { sort: "name" })).toMatchObject({ sort: "name", dir: "asc" });
    expect(completeQuery(SPEC, { sort: "secret", dir: "asc" })).toMatchObject({ sort: "createdAt", dir: "asc" });
    expect(completeQuery(SPEC, { pageSize: 1 }).pageSize).toBe(1);
    expect(completeQuery(SPEC, { pageSize: 5000 }).pageSize).toBe(200);
  });
});

describe("menus by provider kind", () => {
  it("a training provider does not see the broker menus; a broker does", async () => {
    const { navFor } = await import("~/domain/permissions");
    const BROKER_MENUS = ["/portal/agreements", "/portal/clients", "/portal/placements"];
    const broker = navFor("provider", "broker").map((n) => n.to);
    const training = navFor("provider", "training").map((n) => n.to);
    for (const to of BROKER_MENUS) {
      expect(broker).toContain(to);
      expect(training).not.toContain(to);
    }
    expect(training).toEqual(expect.arrayContaining(["/portal", "/portal/tenders", "/portal/contracts"]));
    // Staff menus do not depend on a provider kind.
    expect(navFor("case_manager", null).map((n) => n.to)).toEqual(expect.arrayContaining(["/clients", "/placements"]));
  });
});

describe("providerChoiceLabel", () => {
  it("tells two brokers with the same name apart by legal form, city and number", async () => {
    const { providerChoiceLabel } = await import("~/domain/provider");
    const a = providerChoiceLabel({ id: 17, name: "Jobbrücke", legalForm: "GmbH", city: "Kamenz" });
    const b = providerChoiceLabel({ id: 18, name: "Jobbrücke", legalForm: "GmbH", city: "Kamenz" });
    expect(a).toBe("Jobbrücke (GmbH, Kamenz, Nr. 17)");
    expect(a).not.toBe(b);
    expect(providerChoiceLabel({ id: 3, name: "Ein Verein", legalForm: "", city: null })).toBe("Ein Verein (Nr. 3)");
  });
});
