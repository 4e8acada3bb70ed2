/**
 * One description per list page: which filters it has, which columns sort, and the order a
 * person needs first (newest or most urgent). The list page and its CSV export parse the URL
 * with the same spec, so both always show the same selection. Pure: no I/O.
 */

export type SortDir = "asc" | "desc";

export type FilterDef =
  | { type: "text" }
  | { type: "flag" }
  | { type: "int"; min: number; max: number }
  | { type: "choice"; options: readonly string[]; default: string };

/** Free text search (trimmed, at most 100 characters). */
export const text = (): { type: "text" } => ({ type: "text" });
/** A check box: "1" in the URL means on. */
export const flag = (): { type: "flag" } => ({ type: "flag" });
/** A positive whole number within bounds (an id, a year); anything else means "no filter". */
export const int = (min = 1, max = Number.MAX_SAFE_INTEGER): { type: "int"; min: number; max: number } => ({ type: "int", min, max });
/** One of a fixed set of values; anything else falls back to the default ("" = all). */
export const choice = <const O extends readonly string[]>(options: O, fallback: O[number] | "" = ""): { type: "choice"; options: O; default: string } => ({
  type: "choice",
  options,
  default: fallback,
});

export interface ListSpec<F extends Record<string, FilterDef>, S extends string> {
  filters: F;
  sorts: readonly S[];
  /** The order when the URL names none: what a person needs first. */
  default: readonly [S, SortDir];
  /** Direction a column starts with when its header is clicked (dates: newest first). */
  firstDir?: Partial<Record<S, SortDir>>;
  pageSize?: number;
}

export function listSpec<const F extends Record<string, FilterDef>, const S extends string>(spec: ListSpec<F, S>): ListSpec<F, S> {
  if (!spec.sorts.includes(spec.default[0])) throw new Error(`Default sort ${spec.default[0]} is not a sort column`);
  return spec;
}

type FilterValue<D> = D extends { type: "flag" } ? boolean : D extends { type: "int" } ? number | undefined : string;

export type ListQuery<F extends Record<string, FilterDef> = Record<string, FilterDef>, S extends string = string> = { [K in keyof F]: FilterValue<F[K]> } & {
  sort: S;
  dir: SortDir;
  page: number;
  pageSize: number;
};

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 25;

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d{1,15}$/.test(value.trim())) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/** Filters, sort and page from the URL; unknown values fall back to the spec's defaults. */
export function parseListQuery<F extends Record<string, FilterDef>, S extends string>(params: URLSearchParams, spec: ListSpec<F, S>): ListQuery<F, S> {
  const filters: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec.filters)) {
    const raw = params.get(name);
    switch (def.type) {
      case "text":
        filters[name] = (raw ?? "").trim().slice(0, 100);
        break;
      case "flag":
        filters[name] = raw === "1" || raw === "on" || raw === "true";
        break;
      case "int": {
        const n = positiveInt(raw);
        filters[name] = n !== undefined && n >= def.min && n <= def.max ? n : undefined;
        break;
      }
      case "choice":
        filters[name] = raw !== null && def.options.includes(raw) ? raw : def.default;
        break;
    }
  }
  const rawSort = params.get("sort") ?? "";
  const chosen = (spec.sorts as readonly string[]).includes(rawSort);
  const sort = (chosen ? rawSort : spec.default[0]) as S;
  const rawDir = params.get("dir");
  const dir: SortDir = rawDir === "asc" || rawDir === "desc" ? rawDir : chosen ? (spec.firstDir?.[sort] ?? "asc") : spec.default[1];
  const pageSize = Math.min(Math.max(positiveInt(params.get("size")) ?? spec.pageSize ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  return { ...(filters as { [K in keyof F]: FilterValue<F[K]> }), sort, dir, page: positiveInt(params.get("page")) ?? 1, pageSize };
}

/** Page count and the requested page clamped into range (page 99 of 3 shows page 3). */
export function pageBounds(total: number, page: number, pageSize: number): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const clamped = Math.min(Math.max(Math.trunc(page) || 1, 1), pages);
  return { page: clamped, pages, offset: (clamped - 1) * pageSize };
}

/**
 * The page numbers a pager shows: always the first and the last, the current one with
 * `radius` neighbours, and null for a gap ("1 … 4 5 6 … 28").
 */
export function pageWindow(page: number, pages: number, radius = 2): (number | null)[] {
  const shown = new Set<number>([1, pages]);
  for (let p = page - radius; p <= page + radius; p++) if (p >= 1 && p <= pages) shown.add(p);
  const sorted = [...shown].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (typeof last === "number" && p - last === 2) out.push(last + 1);
    else if (typeof last === "number" && p - last > 2) out.push(null);
    out.push(p);
  }
  return out;
}

/** The header link's next direction: the same column flips, another starts with its first direction. */
export function nextSortDir(column: string, current: { sort: string; dir: SortDir }, firstDir: SortDir = "asc"): SortDir {
  if (current.sort === column) return current.dir === "asc" ? "desc" : "asc";
  return firstDir;
}

/**
 * A service's query from what a caller passed (route, API, test): missing fields take the
 * spec's defaults, a sort that is not whitelisted falls back to the default order.
 */
export function completeQuery<F extends Record<string, FilterDef>, S extends string>(spec: ListSpec<F, S>, partial: Partial<Record<string, unknown>>): ListQuery<F, S> {
  const base = parseListQuery(new URLSearchParams(), spec);
  const merged = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) merged[k] = v;
  const chosen = (spec.sorts as readonly string[]).includes(String(partial.sort ?? ""));
  merged.sort = chosen ? partial.sort : spec.default[0];
  merged.dir = partial.dir === "asc" || partial.dir === "desc" ? partial.dir : chosen ? (spec.firstDir?.[partial.sort as S] ?? "asc") : spec.default[1];
  merged.page = typeof partial.page === "number" && partial.page > 0 ? Math.trunc(partial.page) : 1;
  merged.pageSize = Math.min(Math.max(typeof partial.pageSize === "number" ? Math.trunc(partial.pageSize) : base.pageSize, 1), MAX_PAGE_SIZE);
  return merged as ListQuery<F, S>;
}
