import { Link, useSearchParams } from "@remix-run/react";
import { formatPercent, formatRateCell, formatRatio, POSITION_LABELS, WITHHELD } from "~/domain/outcome-format";

const byName = new Intl.Collator("de");
import type { ComparisonViewData } from "./types";

type SortKey = "name" | "n" | "rate" | "ratio";
type Row = ComparisonViewData["rows"][number];

const value = (r: Row, key: SortKey, measure: ComparisonViewData["query"]["measure"]): number | string | null => {
  const c = r.cells[measure];
  if (key === "name") return r.name;
  if (key === "n") return c && c.suppressed === null ? c.n : null;
  if (key === "rate") return c && c.suppressed === null ? c.rate : null;
  return r.ratio;
};

/** Sorted by name, n, rate or ratio; a rate is always shown with its interval and n in the same row. */
function sortRows(rows: readonly Row[], key: SortKey, dir: "asc" | "desc", measure: ComparisonViewData["query"]["measure"]): Row[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a, key, measure);
    const vb = value(b, key, measure);
    if (va === null || vb === null) return va === vb ? byName.compare(a.name, b.name) : va === null ? 1 : -1; // hidden values last
    const d = typeof va === "string" ? byName.compare(va, vb as string) : va - (vb as number);
    return d === 0 ? byName.compare(a.name, b.name) : sign * d;
  });
}

export function ByProviderTable({ view }: { view: ComparisonViewData }) {
  const [params] = useSearchParams();
  const sort = (["name", "n", "rate", "ratio"].includes(params.get("sort") ?? "") ? params.get("sort") : "name") as SortKey;
  const dir = params.get("dir") === "desc" ? "desc" : "asc";
  const rows = sortRows(view.rows, sort, dir, view.query.measure);
  const header = (key: SortKey, label: string) => {
    const next = new URLSearchParams(params);
    next.set("sort", key);
    next.set("dir", sort === key && dir === "asc" ? "desc" : "asc");
    return (
      <Link to={`?${next.toString()}`}>
        {label}
        {sort === key ? (dir === "asc" ? " ▲" : " ▼") : ""}
      </Link>
    );
  };
  const selected = view.query.measure;
  const others = view.measures.filter((m) => m.key !== selected);
  return (
    <section aria-labelledby="by-provider">
      <h2 id="by-provider">Je {view.query.line === "brokers" ? "Vermittler" : "Träger"}</h2>
      <div className="table-scroll">
        <table className="data comparison-table">
          <thead>
            <tr>
              <th scope="col" aria-sort={sort === "name" ? (dir === "asc" ? "ascending" : "descending") : undefined}>{header("name", "Name")}</th>
              <th scope="col" className="num" aria-sort={sort === "n" ? (dir === "asc" ? "ascending" : "descending") : undefined}>{header("n", "n")}</th>
              <th scope="col" aria-sort={sort === "rate" ? (dir === "asc" ? "ascending" : "descending") : undefined}>{header("rate", view.isRate ? `${view.measureLabel} (95-%-Intervall; n)` : `${view.measureLabel} (n)`)}</th>
              {view.isRate ? <th scope="col">erwartet</th> : null}
              {view.isRate ? <th scope="col" aria-sort={sort === "ratio" ? (dir === "asc" ? "ascending" : "descending") : undefined}>{header("ratio", "tatsächlich ÷ erwartet (95 %)")}</th> : null}
              {view.isRate ? <th scope="col">Lage im Trichter</th> : null}
              {others.map((m) => (
                <th scope="col" key={m.key}>{m.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const c = r.cells[selected]!;
              return (
                <tr key={r.providerId}>
                  <th scope="row">{r.name}</th>
                  <td className="num">{c.suppressed ? WITHHELD : c.n.toLocaleString("de-DE")}</td>
                  <td>{formatRateCell(c, selected, view.minCell)}</td>
                  {view.isRate ? <td>{r.expectedRate !== null ? formatPercent(r.expectedRate) : "–"}</td> : null}
                  {view.isRate ? <td>{formatRatio(r.ratio, r.ratioLow, r.ratioHigh)}</td> : null}
                  {view.isRate ? <td>{r.position ? POSITION_LABELS[r.position] : "–"}</td> : null}
                  {others.map((m) => (
                    <td key={m.key}>{r.cells[m.key] ? formatRateCell(r.cells[m.key]!, m.key, view.minCell) : "–"}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">alle zusammen</th>
              <td className="num">{view.overall[selected]?.suppressed ? "gesperrt" : (view.overall[selected]?.n ?? 0).toLocaleString("de-DE")}</td>
              <td>{view.overall[selected] ? formatRateCell(view.overall[selected]!, selected, view.minCell) : "–"}</td>
              {view.isRate ? <td colSpan={3} /> : null}
              {others.map((m) => (
                <td key={m.key}>{view.overall[m.key] ? formatRateCell(view.overall[m.key]!, m.key, view.minCell) : "–"}</td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
