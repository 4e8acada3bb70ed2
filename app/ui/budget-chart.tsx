import { formatCents } from "~/domain/money";

export interface ChartRow {
  budgetLineId: number;
  number: string;
  title: string;
  year: number;
  limitCents: number;
  limitKind: "appropriation" | "authorisation" | "none";
  paidCents: number;
  openCommittedCents: number;
  availableCents: number;
  usedPercent: number;
  over: boolean;
}

export const CHART_COLORS = { paid: "#1d4e89", committed: "#d28b00", available: "#cfe3d6", over: "#a4161a" };

const percent = (value: number) => `${value.toLocaleString("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

/**
 * Stacked bars per budget line, drawn on the server (no client script): paid, committed and not
 * yet paid, still available – each as a share of the line's limit (appropriation, or VE before
 * the budget is adopted). A line bound over its limit runs past the 100 % mark, drawn red with
 * a warning text. The figures are in the table next to it (the chart is `aria-hidden`-free but
 * described; the table is the text alternative).
 */
export function BudgetChart({ rows, year, describedBy }: { rows: ChartRow[]; year: number; describedBy?: string }) {
  const labelW = 200;
  const barW = 560;
  const rowH = 58;
  const top = 34;
  const maxPercent = Math.min(Math.max(100, ...rows.map((r) => (r.limitCents > 0 ? Math.ceil((((r.paidCents + r.openCommittedCents) / r.limitCents) * 100) / 10) * 10 : 100))), 200);
  const x = (p: number) => labelW + (Math.min(p, maxPercent) / maxPercent) * barW;
  const height = top + rows.length * rowH + 46;
  const width = labelW + barW + 200;
  const ticks = [];
  for (let p = 0; p <= maxPercent; p += maxPercent > 150 ? 50 : 25) ticks.push(p);
  return (
    <figure className="budget-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-labelledby="budget-chart-title budget-chart-desc" aria-describedby={describedBy}>
        <title id="budget-chart-title">{`Ausschöpfung der Haushaltsstellen im Haushaltsjahr ${year}`}</title>
        <desc id="budget-chart-desc">
          {rows
            .map((r) =>
              r.limitCents > 0
                ? `${r.number}: gezahlt ${formatCents(r.paidCents)}, gebunden und nicht gezahlt ${formatCents(r.openCommittedCents)}, verfügbar ${formatCents(r.availableCents)}, ausgeschöpft ${percent(r.usedPercent)}${r.over ? ", überschritten" : ""}.`
                : `${r.number}: kein Ansatz für ${year}.`,
            )
            .join(" ")}
        </desc>
        {ticks.map((p) => (
          <g key={p}>
            <line x1={x(p)} x2={x(p)} y1={top - 6} y2={top + rows.length * rowH} stroke={p === 100 ? "#1f2328" : "#d4d9e0"} strokeWidth={p === 100 ? 2 : 1} strokeDasharray={p === 100 ? "5 3" : undefined} />
            <text x={x(p)} y={top - 12} textAnchor="middle" fontSize="12" fill="#5b6470">
              {p} %
            </text>
          </g>
        ))}
        {rows.map((r, i) => {
          const y = top + i * rowH + 8;
          const barH = 22;
          const label = (
            <>
              <text x={0} y={y + 15} fontSize="14" fontWeight="bold" fill="#1f2328">
                {r.number}
              </text>
              <text x={0} y={y + 33} fontSize="11" fill="#5b6470">
                {r.limitKind === "none" ? "kein Ansatz" : `${r.limitKind === "authorisation" ? "VE" : "Ansatz"} ${formatCents(r.limitCents)}`}
              </text>
            </>
          );
          if (r.limitCents <= 0) {
            return (
              <g key={r.budgetLineId}>
                {label}
                <rect x={labelW} y={y} width={barW} height={barH} fill="#f5f6f8" stroke="#d4d9e0" />
                <text x={labelW + 8} y={y + 15} fontSize="12" fill={r.paidCents + r.openCommittedCents > 0 ? CHART_COLORS.over : "#5b6470"}>
                  {r.paidCents + r.openCommittedCents > 0 ? `ohne Ansatz gebunden: ${formatCents(r.paidCents + r.openCommittedCents)}` : `kein Ansatz und keine VE für ${r.year}`}
                </text>
              </g>
            );
          }
          const pPaid = (r.paidCents / r.limitCents) * 100;
          const pOpen = (r.openCommittedCents / r.limitCents) * 100;
          const pAvail = (Math.max(r.availableCents, 0) / r.limitCents) * 100;
          const segments = [
            { key: "paid", from: 0, to: pPaid, fill: CHART_COLORS.paid, text: `gezahlt ${formatCents(r.paidCents)}` },
            { key: "committed", from: pPaid, to: pPaid + pOpen, fill: CHART_COLORS.committed, text: `gebunden, nicht gezahlt ${formatCents(r.openCommittedCents)}` },
            { key: "available", from: pPaid + pOpen, to: pPaid + pOpen + pAvail, fill: CHART_COLORS.available, text: `verfügbar ${formatCents(r.availableCents)}` },
          ];
          const end = x(pPaid + pOpen + pAvail);
          return (
            <g key={r.budgetLineId}>
              {label}
              {segments.map((s) =>
                s.to > s.from ? (
                  <rect key={s.key} x={x(s.from)} y={y} width={Math.max(x(s.to) - x(s.from), 0.5)} height={barH} fill={s.fill}>
                    <title>{s.text}</title>
                  </rect>
                ) : null,
              )}
              {r.over ? (
                <>
                  <rect x={x(100)} y={y - 3} width={Math.max(end - x(100), 2)} height={barH + 6} fill="none" stroke={CHART_COLORS.over} strokeWidth={3} />
                  <text x={Math.min(end, labelW + barW) + 8} y={y + 15} fontSize="12" fontWeight="bold" fill={CHART_COLORS.over}>
                    {`⚠ ${percent(r.usedPercent)} – überschritten`}
                  </text>
                </>
              ) : (
                <text x={labelW + barW + 6} y={y + 15} fontSize="12" fill="#1f2328">
                  {percent(r.usedPercent)}
                </text>
              )}
              <text x={labelW} y={y + barH + 15} fontSize="11" fill="#5b6470">
                {`gezahlt ${formatCents(r.paidCents)} · gebunden ${formatCents(r.openCommittedCents)} · verfügbar ${formatCents(r.availableCents)}`}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${labelW}, ${top + rows.length * rowH + 14})`}>
          {[
            { fill: CHART_COLORS.paid, text: "gezahlt" },
            { fill: CHART_COLORS.committed, text: "gebunden, noch nicht gezahlt" },
            { fill: CHART_COLORS.available, text: "verfügbar" },
          ].map((l, i) => (
            <g key={l.text} transform={`translate(${[0, 100, 320][i]}, 0)`}>
              <rect width={14} height={14} fill={l.fill} stroke="#5b6470" strokeWidth={0.5} />
              <text x={20} y={12} fontSize="12" fill="#1f2328">
                {l.text}
              </text>
            </g>
          ))}
          <g transform="translate(430, 0)">
            <rect width={14} height={14} fill="none" stroke={CHART_COLORS.over} strokeWidth={3} />
            <text x={20} y={12} fontSize="12" fill="#1f2328">
              über Ansatz
            </text>
          </g>
        </g>
      </svg>
      <figcaption className="muted small">Balken: Anteil am Ansatz (vor dem Beschluss des Haushalts: an der Verpflichtungsermächtigung, VE) des Haushaltsjahres {year}; gestrichelte Linie: 100 %. Die Zahlen stehen in der Tabelle.</figcaption>
    </figure>
  );
}
