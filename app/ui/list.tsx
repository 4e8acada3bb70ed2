/**
 * The one list-page pattern: <FilterBar> with filter fields, <DataTable> with sortable headers
 * and an empty state, <Pager> with page numbers, first/last and the CSV link. Sorting, filtering
 * and paging happen on the server (see domain/list.ts and lib/list.server.ts); these components
 * only write the URL.
 */
import { Form, Link, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { nextSortDir, pageWindow, type SortDir } from "~/domain/list";

// ---------------------------------------------------------------------------------------------
// Filter bar

/** GET form that keeps the current sort; "Zurücksetzen" goes back to the unfiltered list. */
export function FilterBar({ resetTo, children, submitLabel = "Filtern", keep = [] }: { resetTo: string; children: ReactNode; submitLabel?: string; keep?: string[] }) {
  const [params] = useSearchParams();
  return (
    <Form method="get" className="filters" role="search">
      {["sort", "dir", ...keep].map((name) => {
        const value = params.get(name);
        return value ? <input key={name} type="hidden" name={name} value={value} /> : null;
      })}
      {children}
      <button type="submit" className="button">
        {submitLabel}
      </button>
      <Link to={resetTo}>Zurücksetzen</Link>
    </Form>
  );
}

export function SearchFilter({ name = "q", label = "Suche", placeholder }: { name?: string; label?: string; placeholder?: string }) {
  const [params] = useSearchParams();
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input id={name} name={name} type="search" defaultValue={params.get(name) ?? ""} placeholder={placeholder} />
    </div>
  );
}

export interface Option {
  value: string | number;
  label: string;
}

/** Turns a label table ({active: "aktiv", …}) into options. */
export const optionsOf = (labels: Record<string, string>): Option[] => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** A select; `allLabel: null` leaves out the "alle" option (the filter has its own default). */
export function SelectFilter({ name, label, options, allLabel = "alle", defaultValue = "" }: { name: string; label: string; options: Option[]; allLabel?: string | null; defaultValue?: string }) {
  const [params] = useSearchParams();
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={params.get(name) ?? defaultValue}>
        {allLabel !== null ? <option value="">{allLabel}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckFilter({ name, label }: { name: string; label: ReactNode }) {
  const [params] = useSearchParams();
  return (
    <div className="field checks">
      <label>
        <input type="checkbox" name={name} value="1" defaultChecked={params.get(name) === "1"} /> {label}
      </label>
    </div>
  );
}

/** Links that set one filter (work lists: "wartet auf Entscheidung", "Gutschein läuft ab"). */
export function QuickFilters({ items }: { items: { label: string; params: Record<string, string>; count?: number; warn?: boolean }[] }) {
  const [current] = useSearchParams();
  return (
    <div className="cards">
      {items.map((item) => {
        const active = Object.entries(item.params).every(([k, v]) => current.get(k) === v);
        return (
          <Link key={item.label} className={`card${item.warn && item.count ? " warn" : ""}`} to={`?${new URLSearchParams(item.params).toString()}`} aria-current={active ? "true" : undefined}>
            <div className="muted">{item.label}</div>
            {item.count !== undefined ? <div className="value">{item.count.toLocaleString("de-DE")}</div> : null}
          </Link>
        );
      })}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Table

export interface Column<Row> {
  /** Header text. */
  header: ReactNode;
  /** The sort key the server accepts; the header becomes a link. */
  sort?: string;
  /** Direction the column starts with (dates: "desc", newest first). */
  firstDir?: SortDir;
  className?: string;
  cell: (row: Row) => ReactNode;
}

function SortLink({ column, sort, dir, children, firstDir }: { column: string; sort: string; dir: SortDir; children: ReactNode; firstDir?: SortDir }) {
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.set("sort", column);
  next.set("dir", nextSortDir(column, { sort, dir }, firstDir));
  next.delete("page");
  return (
    <Link to={`?${next.toString()}`}>
      {children}
      {sort === column ? (dir === "asc" ? " ▲" : " ▼") : ""}
    </Link>
  );
}

/** Headers take the alignment of their column ("num"), not its cell styling ("mono"). */
const headerClass = (className?: string) => (className?.split(" ").includes("num") ? "num" : undefined);

/**
 * The list table. `sort`/`dir` are the order the server applied (also when the URL names none),
 * so the sorted column carries aria-sort. An empty list shows `empty` in one full-width row.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  empty,
  sort,
  dir,
  caption,
  footer,
}: {
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string | number;
  empty: ReactNode;
  sort?: string;
  dir?: SortDir;
  caption?: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <table className="data">
      {caption ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col" className={headerClass(c.className)} aria-sort={c.sort && c.sort === sort ? (dir === "desc" ? "descending" : "ascending") : undefined}>
              {c.sort && sort !== undefined && dir ? (
                <SortLink column={c.sort} sort={sort} dir={dir} firstDir={c.firstDir}>
                  {c.header}
                </SortLink>
              ) : (
                c.header
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={columns.length} className="muted empty">
              {empty}
            </td>
          </tr>
        ) : null}
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((c, i) => (
              <td key={i} className={c.className}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {footer && rows.length ? <tfoot>{footer}</tfoot> : null}
    </table>
  );
}

// ---------------------------------------------------------------------------------------------
// Pager

/** The same query as the page, without the page number (for the CSV export). */
export function useExportQuery(): string {
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.delete("page");
  next.delete("index");
  const qs = next.toString();
  return qs ? `?${qs}` : "";
}

/**
 * "1.234 Träger · Seite 2 von 50", then ⇤ Erste « Zurück 1 2 [3] 4 5 … 50 Weiter › Letzte »,
 * and the CSV link for the whole selection.
 */
export function Pager({ page, pages, total, noun = "Einträge", csvHref, csvLabel = "Auswahl als CSV exportieren" }: { page: number; pages: number; total: number; noun?: string; csvHref?: string | null; csvLabel?: string }) {
  const [params] = useSearchParams();
  const link = (p: number) => {
    const next = new URLSearchParams(params);
    if (p === 1) next.delete("page");
    else next.set("page", String(p));
    const qs = next.toString();
    return qs ? `?${qs}` : "?";
  };
  return (
    <nav className="pager" aria-label="Seiten">
      <span>
        {total.toLocaleString("de-DE")} {noun} · Seite {page} von {pages}
      </span>
      {pages > 1 ? (
        <>
          {page > 1 ? (
            <>
              <Link to={link(1)} aria-label="Erste Seite">
                ⇤ Erste
              </Link>
              <Link to={link(page - 1)} rel="prev">
                « Zurück
              </Link>
            </>
          ) : null}
          <span className="pages">
            {pageWindow(page, pages).map((p, i) =>
              p === null ? (
                <span key={`gap-${i}`} className="muted" aria-hidden="true">
                  …
                </span>
              ) : p === page ? (
                <strong key={p} aria-current="page">
                  {p}
                </strong>
              ) : (
                <Link key={p} to={link(p)} aria-label={`Seite ${p}`}>
                  {p}
                </Link>
              ),
            )}
          </span>
          {page < pages ? (
            <>
              <Link to={link(page + 1)} rel="next">
                Weiter »
              </Link>
              <Link to={link(pages)} aria-label="Letzte Seite">
                Letzte ⇥
              </Link>
            </>
          ) : null}
        </>
      ) : null}
      {csvHref ? (
        <a className="csv" href={csvHref} download>
          {csvLabel}
        </a>
      ) : null}
    </nav>
  );
}
