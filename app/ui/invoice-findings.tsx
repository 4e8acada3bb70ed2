import { findingMessage } from "~/domain/invoices";
/** The findings of an invoice's intake check: rule id, business term and the German message. */
export function InvoiceFindings({ findings, caption = "Prüfbefunde" }: { findings: { rule: string; message: string; term?: string | null }[]; caption?: string }) {
  if (!findings.length) return <p className="muted">Keine Befunde: die Rechnung erfüllt EN 16931 und XRechnung und die Prüfungen bei Eingang.</p>;
  return (
    <table className="data">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Regel</th>
          <th scope="col">Begriff</th>
          <th scope="col">Befund</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f, i) => (
          <tr key={`${f.rule}-${i}`}>
            <td className="mono nowrap">{f.rule}</td>
            <td className="mono nowrap">{f.term || "–"}</td>
            <td>{findingMessage(f)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
