import { Link, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * Deprecated: list pages use ui/list.tsx (DataTable, Pager with page numbers and CSV link).
 * Kept so branches written against it still build; remove once nothing imports it.
 */
/** Column header that sorts the list on the server (keeps the other filters). */
export function SortHeader({ field, children, className }: { field: string; children: ReactNode; className?: string }) {
  const [params] = useSearchParams();
  const current = params.get("sort");
  const dir = params.get("dir") === "desc" ? "desc" : "asc";
  const next = new URLSearchParams(params);
  next.set("sort", field);
  next.set("dir", current === field && dir === "asc" ? "desc" : "asc");
  next.delete("page");
  const ariaSort = current === field ? (dir === "asc" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" aria-sort={ariaSort} className={className}>
      <Link to={`?${next.toString()}`}>
        {children}
        {current === field ? (dir === "asc" ? " ▲" : " ▼") : ""}
      </Link>
    </th>
  );
}

export function Pager({ page, pages, total, noun = "Einträge" }: { page: number; pages: number; total: number; noun?: string }) {
  const [params] = useSearchParams();
  const link = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    return `?${next.toString()}`;
  };
  return (
    <nav className="pager" aria-label="Seiten">
      <span>
        {total.toLocaleString("de-DE")} {noun} · Seite {page} von {pages}
      </span>
      {page > 1 ? <Link to={link(page - 1)}>« Zurück</Link> : null}
      {page < pages ? <Link to={link(page + 1)}>Weiter »</Link> : null}
    </nav>
  );
}

export function intParam(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function idParam(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Response("Nicht gefunden", { status: 404 });
  return n;
}
