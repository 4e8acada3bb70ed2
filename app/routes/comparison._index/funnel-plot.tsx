import { scaleLinear } from "d3-scale";
import { formatNumber, formatPercent, POSITION_LABELS } from "~/domain/outcome-format";
import { labelled, labels } from "./funnel-labels";
import { H, M, W } from "./funnel-size";
import type { ComparisonViewData } from "./types";


/** The funnel plot as server-rendered SVG (readable without JavaScript), with its data as a table. */
export function FunnelPlot({ view }: { view: ComparisonViewData }) {
  const f = view.funnel;
  if (!f || f.points.length === 0) return <p className="muted">Kein Träger hat genug Fälle für das Trichterdiagramm.</p>;
  const ratio = f.kind === "ratio";
  const fmtY = (v: number) => (ratio ? formatNumber(v, 2) : formatPercent(v));
  const maxX = Math.max(...f.curve.map((c) => c.x), ...f.points.map((p) => p.x));
  const maxY = ratio ? Math.max(2, ...f.points.map((p) => p.y * 1.1)) : Math.min(1, 1.1 * Math.max(...f.points.map((p) => p.y), ...f.curve.map((c) => c.high998)));
  const x = scaleLinear().domain([0, maxX]).range([M.left, W - M.right]).nice();
  const y = scaleLinear().domain([0, maxY]).range([H - M.bottom, M.top]).nice();
  const line = (key: "low95" | "high95" | "low998" | "high998") => f.curve.map((c, i) => `${i ? "L" : "M"}${x(c.x).toFixed(1)},${y(Math.min(c[key], y.domain()[1])).toFixed(1)}`).join("");
  const xLabel = ratio ? "erwartete Zahl der Ereignisse (E) nach den Merkmalen der Kundinnen und Kunden" : "Zahl der Fälle (n)";
  const yLabel = ratio ? "tatsächlich ÷ erwartet" : view.measureLabel;
  const outside = view.outsideNames;
  const cy = (v: number) => y(Math.min(v, y.domain()[1]));
  const placed = labels(
    labelled(f.points).map((p) => ({ name: p.name, cx: x(p.x), cy: cy(p.y) })),
    f.points.map((p) => ({ cx: x(p.x), cy: cy(p.y) })),
  );
  const numbered = placed.filter((l) => l.number !== null);
  return (
    <section aria-labelledby="funnel">
      <h2 id="funnel">Trichterdiagramm</h2>
      <figure className="funnel">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="funnel-title funnel-desc" className="funnel-plot">
          <title id="funnel-title">{`${view.measureLabel}${ratio ? " (risikoadjustiert)" : ""} je ${view.query.line === "brokers" ? "Vermittler" : "Träger"}, ${view.query.period.label}`}</title>
          <desc id="funnel-desc">{`${f.points.length} Punkte; Mittellinie ${ratio ? "1 (wie erwartet)" : `Gesamtquote ${formatPercent(f.centre)}`}; 95-%- und 99,8-%-Kontrollgrenzen. ${outside.length ? `Außerhalb der Grenzen: ${outside.map((o) => `${o.name} (${POSITION_LABELS[o.position]})`).join("; ")}.` : "Alle innerhalb der Grenzen."} Die Werte stehen in der Tabelle unter dem Diagramm.`}</desc>
          <g className="axis" aria-hidden="true">
            {x.ticks(8).map((t) => (
              <g key={`x${t}`} transform={`translate(${x(t)},${H - M.bottom})`}>
                <line y2={6} />
                <text y={20} textAnchor="middle">{t.toLocaleString("de-DE")}</text>
              </g>
            ))}
            {y.ticks(6).map((t) => (
              <g key={`y${t}`} transform={`translate(${M.left},${y(t)})`}>
                <line x2={-6} />
                <line className="grid" x2={W - M.left - M.right} />
                <text x={-10} dy="0.32em" textAnchor="end">{fmtY(t)}</text>
              </g>
            ))}
            <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
            <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
            <text x={(M.left + W - M.right) / 2} y={H - 10} textAnchor="middle" className="axis-label">{xLabel}</text>
            <text transform={`translate(16,${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="axis-label">{yLabel}</text>
          </g>
          <line className="centre" x1={M.left} x2={W - M.right} y1={y(f.centre)} y2={y(f.centre)} />
          <path className="limit limit95" d={line("high95")} />
          <path className="limit limit95" d={line("low95")} />
          <path className="limit limit998" d={line("high998")} />
          <path className="limit limit998" d={line("low998")} />
          {f.points.map((p) => (
            <g key={p.providerId} className={`point point-${p.position}`}>
              <circle cx={x(p.x)} cy={y(Math.min(p.y, y.domain()[1]))} r={5} />
            </g>
          ))}
          {placed.map((l) => (
            <g key={l.name} className="point-label">
              {l.leader ? <line x1={l.cx} y1={l.cy} x2={l.anchor === "start" ? l.box.x1 : l.box.x2} y2={Math.max(l.box.y1, Math.min(l.box.y2, l.cy))} /> : null}
              <text x={l.tx} y={l.ty} textAnchor={l.anchor}>
                {l.number !== null ? String(l.number) : l.name}
              </text>
            </g>
          ))}
        </svg>
        <figcaption className="muted small">
          Linie: {ratio ? "1 = so viele Ereignisse wie nach den Merkmalen der Kundinnen und Kunden erwartet" : `Gesamtquote ${formatPercent(f.centre)}`}; gestrichelt: 95-%-Grenzen; durchgezogen: 99,8-%-Grenzen.
          {f.notPlotted ? ` ${f.notPlotted} wegen kleiner Fallzahl nicht gezeigt.` : ""}
          {numbered.length ? ` Nummern im Diagramm: ${numbered.map((l) => `${l.number} = ${l.name}`).join("; ")}.` : ""}
        </figcaption>
      </figure>
      {outside.length ? (
        <p>
          <strong>Außerhalb der Grenzen:</strong> {outside.map((o) => `${o.name} (${POSITION_LABELS[o.position]})`).join("; ")}.
        </p>
      ) : (
        <p>Alle gezeigten {view.query.line === "brokers" ? "Vermittler" : "Träger"} liegen innerhalb der 95-%-Grenzen.</p>
      )}
      <div className="funnel-data table-scroll">
        <table className="data">
          <caption>Werte des Trichterdiagramms als Tabelle</caption>
          <thead>
            <tr>
              <th scope="col">{view.query.line === "brokers" ? "Vermittler" : "Träger"}</th>
              <th scope="col" className="num">{ratio ? "E" : "n"}</th>
              <th scope="col" className="num">{ratio ? "tatsächlich ÷ erwartet" : "Quote"}</th>
              <th scope="col" className="num">95-%-Grenzen</th>
              <th scope="col" className="num">99,8-%-Grenzen</th>
              <th scope="col">Lage</th>
            </tr>
          </thead>
          <tbody>
            {f.points.map((p) => (
              <tr key={p.providerId}>
                <th scope="row">{p.name}</th>
                <td className="num">{formatNumber(p.x, ratio ? 1 : 0)}</td>
                <td className="num">{fmtY(p.y)}</td>
                <td className="num">{`${fmtY(p.limits.low95)}–${fmtY(p.limits.high95)}`}</td>
                <td className="num">{`${fmtY(p.limits.low998)}–${fmtY(p.limits.high998)}`}</td>
                <td>{POSITION_LABELS[p.position]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
