/**
 * The links to the comparison's files (issue 12, point 5): CSV for Excel and the report for the
 * advisory board as PDF, with exactly the filters of the page (the same URL query). Owned by the
 * exports work; rendered by the staff page app/routes/comparison._index/route.tsx.
 */
export interface ExportQuery {
  line: string;
  measure: string;
  typeCode: string | null;
  region: string | null;
  period: { kind: string; from: string; to: string };
  adjust: string;
}

export function exportSearch(q: ExportQuery): string {
  const p = new URLSearchParams({ line: q.line, measure: q.measure });
  if (q.typeCode) p.set("type", q.typeCode);
  if (q.region) p.set("region", q.region);
  p.set("period", q.period.kind);
  if (q.period.kind === "year") p.set("year", q.period.from.slice(0, 4));
  else p.set("end", `${q.period.to.slice(8, 10)}.${q.period.to.slice(5, 7)}.${q.period.to.slice(0, 4)}`);
  p.set("adjust", q.adjust);
  return p.toString();
}

export function ComparisonExports({ query }: { query: ExportQuery }) {
  const search = exportSearch(query);
  return (
    <p className="actions comparison-exports">
      <a href={`/comparison/export.csv?${search}`} download>
        Zahlen als CSV exportieren
      </a>{" "}
      <a href={`/comparison/report.pdf?${search}`} download>
        Bericht für den Beirat (PDF)
      </a>
    </p>
  );
}
