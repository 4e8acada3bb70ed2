import { Link } from "@remix-run/react";
import { FormError } from "~/ui/form";

const LABELS: Record<string, string> = {
  intent: "Meldung",
  entryDate: "Eintrittsdatum",
  month: "Monat",
  daysPresent: "Tage anwesend",
  daysExcused: "Tage entschuldigt",
  daysUnexcused: "Tage unentschuldigt",
  examName: "Prüfung",
  examDate: "Prüfungsdatum",
  passed: "Ergebnis",
  grade: "Note",
  exitDate: "Austrittsdatum",
  kind: "Art des Austritts",
  reason: "Grund",
  note: "Notiz",
  earlyCompletionConfirmed: "Regulärer Abschluss bestätigt",
  checkpoint: "Zeitpunkt",
  status: "Verbleib",
  employerName: "Arbeitgeber / Betrieb",
  startDate: "Beginn",
  weeklyHours: "Wochenstunden",
  asOf: "Stand",
};

/**
 * The answer of a report or outcome form when it was sent without JavaScript and refused: the
 * message, each field's error and what was typed (nothing is lost), and the way back. With
 * JavaScript the purchase page's panel shows the same messages at its form.
 */
export function ReportRefused({ data, back }: { data: { formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> } | undefined; back: string }) {
  const values = Object.entries(data?.values ?? {}).filter(([k, v]) => k !== "intent" && String(v ?? "") !== "");
  return (
    <main className="page">
      <h1>Meldung nicht gespeichert</h1>
      <FormError message={data?.formError ?? "Die Meldung konnte nicht gespeichert werden."} />
      {data && Object.keys(data.fieldErrors).length ? (
        <ul>
          {Object.entries(data.fieldErrors).map(([k, m]) => (
            <li key={k}>
              <strong>{LABELS[k] ?? k}:</strong> {m}
            </li>
          ))}
        </ul>
      ) : null}
      {values.length ? (
        <>
          <h2>Ihre Eingaben</h2>
          <dl className="facts">
            {values.map(([k, v]) => (
              <div key={k}>
                <dt>{LABELS[k] ?? k}</dt>
                <dd>{String(v)}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      <p>
        <Link to={back}>Zurück zum Platzkauf</Link>
      </p>
    </main>
  );
}
