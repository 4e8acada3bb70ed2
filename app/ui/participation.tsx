import { Link, useFetcher } from "@remix-run/react";
import type { ReactNode } from "react";
import { attendanceRate } from "~/domain/participation";
import { formatHours } from "~/domain/placement";
import { EXIT_REASON_LABELS, EXIT_REASONS, OUTCOME_CHECKPOINT_LABELS, OUTCOME_STATUS_LABELS, OUTCOME_STATUSES } from "~/domain/places";
import { formatDate, formatDateTime } from "~/domain/time";
import type { ClientOutcomeRow, ParticipationData } from "~/services/participation.server";
import { Field, FormError, Select, TextArea } from "~/ui/form";

/**
 * The participation section of a purchase page (staff: /purchases/:id, portal:
 * /portal/purchases/:id): entry and exit, attendance per month with totals and the attendance
 * rate, exams, outcomes (staff only) and the report forms. The forms post to the report routes
 * with a fetcher: a refused report shows its messages at the form, and what was typed stays.
 */
export function ParticipationPanel({ data, purchaseId, status, mode }: { data: ParticipationData; purchaseId: number; status: string; mode: "staff" | "portal" }) {
  const reportUrl = mode === "portal" ? `/portal/purchases/${purchaseId}/report` : `/purchases/${purchaseId}/report`;
  const running = ["running", "completed", "dropped_out"].includes(status);
  return (
    <section className="panel" aria-labelledby="h-participation">
      <h2 id="h-participation">Teilnahme</h2>
      <dl className="facts">
        <dt>Geplanter Zeitraum</dt>
        <dd>
          {formatDate(data.startDate)} bis {formatDate(data.endDate)}
        </dd>
        <dt>Eintritt</dt>
        <dd>{data.entryDate ? formatDate(data.entryDate) : <span className="muted">noch nicht gemeldet</span>}</dd>
        <dt>Austritt</dt>
        <dd>
          {data.exitDate ? (
            <>
              {formatDate(data.exitDate)} – {status === "dropped_out" ? `vorzeitig (${data.exitReasonLabel})` : "regulär abgeschlossen"}
              {data.exitNote ? <div className="muted prewrap">{data.exitNote}</div> : null}
            </>
          ) : (
            <span className="muted">{running ? "läuft" : "–"}</span>
          )}
        </dd>
      </dl>

      {data.canReport && status === "confirmed" ? <EntryForm url={reportUrl} data={data} /> : null}

      <h3>Anwesenheit</h3>
      <AttendanceTable data={data} />
      {data.canReport && running && data.reportableMonths.length ? <AttendanceForm url={reportUrl} data={data} /> : null}

      {data.showExams || data.exams.length ? (
        <>
          <h3>Prüfungen</h3>
          <ExamTable data={data} />
          {data.canReport && running && data.showExams ? <ExamForm url={reportUrl} data={data} /> : null}
        </>
      ) : null}

      {data.canReport && status === "running" ? <ExitForm url={reportUrl} data={data} /> : null}

      {mode === "staff" ? (
        <>
          <h3>Verbleib</h3>
          <OutcomeTable data={data} />
          {data.canRecordOutcome ? <OutcomeForm url={`/purchases/${purchaseId}/outcome`} data={data} /> : null}
          {!data.exitDate ? <p className="muted">Der Verbleib wird nach dem Austritt erfasst.</p> : null}
        </>
      ) : null}
    </section>
  );
}

type Refusal = { formError?: string; fieldErrors?: Record<string, string> } | undefined;

function Busy({ state, children, confirm }: { state: string; children: ReactNode; confirm?: string }) {
  return (
    <button
      type="submit"
      className="button"
      disabled={state !== "idle"}
      onClick={
        confirm
          ? (e) => {
              if (!window.confirm(confirm)) e.preventDefault();
            }
          : undefined
      }
    >
      {children}
    </button>
  );
}

function EntryForm({ url, data }: { url: string; data: ParticipationData }) {
  const fetcher = useFetcher<Refusal>();
  const err = fetcher.data?.fieldErrors ?? {};
  return (
    <fetcher.Form method="post" action={url} className="form narrow" noValidate aria-labelledby="h-entry">
      <h3 id="h-entry">Eintritt melden</h3>
      <FormError message={fetcher.data?.formError} />
      <input type="hidden" name="intent" value="entry" />
      <Field
        idPrefix="pe"
        name="entryDate"
        label="Eintrittsdatum"
        type="date"
        defaultValue={data.today < data.startDate ? data.today : data.startDate}
        error={err.entryDate}
        required
        hint={`Nicht in der Zukunft; frühestens 30 Tage vor dem geplanten Beginn (${formatDate(data.startDate)}).`}
      />
      <Busy state={fetcher.state}>Eintritt melden</Busy>
    </fetcher.Form>
  );
}

function AttendanceTable({ data }: { data: ParticipationData }) {
  if (!data.attendance.length) return <p className="muted">Noch keine Anwesenheit gemeldet.</p>;
  const sum = (f: (r: ParticipationData["attendance"][number]) => number) => data.attendance.reduce((s, r) => s + f(r), 0);
  const present = sum((r) => r.daysPresent);
  const excused = sum((r) => r.daysExcused);
  const unexcused = sum((r) => r.daysUnexcused);
  const rate = (p: number, all: number) => {
    const v = attendanceRate(p, all);
    return v === null ? "–" : `${v.toLocaleString("de-DE")} %`;
  };
  return (
    <table className="data">
      <caption className="muted">Tage je Monat; die Anwesenheitsquote ist der Anteil der anwesenden an allen gemeldeten Tagen.</caption>
      <thead>
        <tr>
          <th scope="col">Monat</th>
          <th scope="col" className="num">
            Tage in der Teilnahme
          </th>
          <th scope="col" className="num">
            anwesend
          </th>
          <th scope="col" className="num">
            entschuldigt
          </th>
          <th scope="col" className="num">
            unentschuldigt
          </th>
          <th scope="col" className="num">
            Quote
          </th>
          <th scope="col">Gemeldet</th>
        </tr>
      </thead>
      <tbody>
        {data.attendance.map((r) => (
          <tr key={r.month}>
            <th scope="row">
              {r.monthLabel} {r.billed ? <span className="badge">abgerechnet</span> : null}
            </th>
            <td className="num">{r.daysInParticipation}</td>
            <td className="num">{r.daysPresent}</td>
            <td className="num">{r.daysExcused}</td>
            <td className="num">{r.daysUnexcused}</td>
            <td className="num">{rate(r.daysPresent, r.daysPresent + r.daysExcused + r.daysUnexcused)}</td>
            <td className="nowrap">
              {formatDateTime(r.reportedAt)} <span className="muted">({CHANNEL_LABELS[r.channel] ?? r.channel})</span>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Summe</th>
          <td className="num">{sum((r) => r.daysInParticipation)}</td>
          <td className="num">{present}</td>
          <td className="num">{excused}</td>
          <td className="num">{unexcused}</td>
          <td className="num">{rate(present, present + excused + unexcused)}</td>
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

const CHANNEL_LABELS: Record<string, string> = { portal: "Portal", api: "Schnittstelle", staff: "Jobcenter" };

function AttendanceForm({ url, data }: { url: string; data: ParticipationData }) {
  const fetcher = useFetcher<Refusal>();
  const err = fetcher.data?.fieldErrors ?? {};
  const key = data.attendance.map((r) => r.reportedAt).join("|");
  return (
    <fetcher.Form key={key} method="post" action={url} className="form" noValidate aria-labelledby="h-attendance-form">
      <h4 id="h-attendance-form">Monat melden oder korrigieren</h4>
      <p className="muted">Ein Monat kann korrigiert werden, bis er abgerechnet ist. Zusammen höchstens die Tage des Monats in der Teilnahme (in Klammern).</p>
      <FormError message={fetcher.data?.formError} />
      <input type="hidden" name="intent" value="attendance" />
      <div className="form-grid">
        <Select idPrefix="pa" name="month" label="Monat" options={data.reportableMonths.map((m) => ({ value: m.value, label: `${m.label} (${m.maxDays} Tage)` }))} error={err.month} required />
        <Field idPrefix="pa" name="daysPresent" label="Tage anwesend" inputMode="numeric" defaultValue="0" error={err.daysPresent} required />
        <Field idPrefix="pa" name="daysExcused" label="Tage entschuldigt" inputMode="numeric" defaultValue="0" error={err.daysExcused} required />
        <Field idPrefix="pa" name="daysUnexcused" label="Tage unentschuldigt" inputMode="numeric" defaultValue="0" error={err.daysUnexcused} required />
      </div>
      <Busy state={fetcher.state}>Anwesenheit speichern</Busy>
    </fetcher.Form>
  );
}

function ExamTable({ data }: { data: ParticipationData }) {
  if (!data.exams.length) return <p className="muted">Noch keine Prüfung gemeldet.</p>;
  return (
    <table className="data">
      <thead>
        <tr>
          <th scope="col">Prüfung</th>
          <th scope="col">Datum</th>
          <th scope="col">Ergebnis</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {data.exams.map((e) => (
          <tr key={e.id}>
            <td>{e.examName}</td>
            <td className="nowrap">{formatDate(e.examDate)}</td>
            <td>{e.passed ? <span className="badge ok">bestanden</span> : <span className="badge err">nicht bestanden</span>}</td>
            <td>{e.grade || "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ExamForm({ url, data }: { url: string; data: ParticipationData }) {
  const fetcher = useFetcher<Refusal>();
  const err = fetcher.data?.fieldErrors ?? {};
  return (
    <fetcher.Form key={data.exams.length} method="post" action={url} className="form" noValidate aria-labelledby="h-exam-form">
      <h4 id="h-exam-form">Prüfungsergebnis melden</h4>
      <FormError message={fetcher.data?.formError} />
      <input type="hidden" name="intent" value="exam" />
      <div className="form-grid">
        <Field idPrefix="px" name="examName" label="Prüfung" error={err.examName} required placeholder="z. B. Gesellenprüfung Tischler" />
        <Field idPrefix="px" name="examDate" label="Prüfungsdatum" type="date" error={err.examDate} required />
        <Select
          idPrefix="px"
          name="passed"
          label="Ergebnis"
          options={[
            { value: "", label: "bitte wählen" },
            { value: "yes", label: "bestanden" },
            { value: "no", label: "nicht bestanden" },
          ]}
          error={err.passed}
          required
        />
        <Field idPrefix="px" name="grade" label="Note" error={err.grade} />
      </div>
      <Busy state={fetcher.state}>Ergebnis speichern</Busy>
    </fetcher.Form>
  );
}

function ExitForm({ url, data }: { url: string; data: ParticipationData }) {
  const fetcher = useFetcher<Refusal>();
  const err = fetcher.data?.fieldErrors ?? {};
  return (
    <fetcher.Form method="post" action={url} className="form" noValidate aria-labelledby="h-exit-form">
      <h3 id="h-exit-form">Abschluss oder vorzeitigen Austritt melden</h3>
      <p className="muted">Danach endet die Teilnahme; Anwesenheit kann bis zum Monat des Austritts gemeldet werden.</p>
      <FormError message={fetcher.data?.formError} />
      <input type="hidden" name="intent" value="exit" />
      <div className="form-grid">
        <Field idPrefix="pq" name="exitDate" label="Austrittsdatum" type="date" error={err.exitDate} required hint={`Geplantes Ende: ${formatDate(data.endDate)}`} />
        <Select
          idPrefix="pq"
          name="kind"
          label="Art"
          options={[
            { value: "completed", label: "regulär abgeschlossen" },
            { value: "dropped_out", label: "vorzeitiger Austritt" },
          ]}
          error={err.kind}
          required
        />
        <Select idPrefix="pq" name="reason" label="Grund (bei vorzeitigem Austritt)" options={[{ value: "", label: "–" }, ...EXIT_REASONS.map((r) => ({ value: r, label: EXIT_REASON_LABELS[r] }))]} error={err.reason} />
      </div>
      <TextArea idPrefix="pq" name="note" label="Erläuterung" error={err.note} hint="Pflicht beim Grund „sonstiger Grund“." />
      {err.earlyCompletionConfirmed ? (
        <div className="field checks field-error">
          <label>
            <input type="checkbox" name="earlyCompletionConfirmed" value="1" aria-describedby="pq-early-error" /> Ja, die Teilnahme wurde vor dem geplanten Ende regulär abgeschlossen (kein vorzeitiger Austritt).
          </label>
          <div className="error" id="pq-early-error">
            {err.earlyCompletionConfirmed}
          </div>
        </div>
      ) : null}
      <Busy state={fetcher.state} confirm="Austritt jetzt melden? Die Teilnahme endet damit; das lässt sich nicht zurücknehmen.">
        Austritt melden
      </Busy>
    </fetcher.Form>
  );
}

function OutcomeTable({ data }: { data: ParticipationData }) {
  if (!data.outcomes.length) return <p className="muted">Noch kein Verbleib erfasst.</p>;
  return (
    <table className="data">
      <thead>
        <tr>
          <th scope="col">Zeitpunkt</th>
          <th scope="col">Verbleib</th>
          <th scope="col">Arbeitgeber / Betrieb</th>
          <th scope="col">Beginn</th>
          <th scope="col" className="num">
            Wochenstunden
          </th>
          <th scope="col">Stand</th>
          <th scope="col">Notiz</th>
        </tr>
      </thead>
      <tbody>
        {data.outcomes.map((o) => (
          <tr key={o.id}>
            <td>{o.checkpointLabel}</td>
            <td>{o.status === "none" ? o.statusLabel : <span className="badge ok">{o.statusLabel}</span>}</td>
            <td>{o.employerName || "–"}</td>
            <td className="nowrap">{o.startDate ? formatDate(o.startDate) : "–"}</td>
            <td className="num">{o.weeklyHours !== null ? formatHours(o.weeklyHours) : "–"}</td>
            <td className="nowrap">{formatDate(o.asOf)}</td>
            <td className="prewrap">{o.note || "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OutcomeForm({ url, data }: { url: string; data: ParticipationData }) {
  const fetcher = useFetcher<Refusal>();
  const err = fetcher.data?.fieldErrors ?? {};
  const hasExit = data.outcomes.some((o) => o.checkpoint === "exit");
  const followUpOpen = !!data.followUpFrom && data.today >= data.followUpFrom;
  const checkpoint = hasExit && followUpOpen ? "six_months" : "exit";
  return (
    <fetcher.Form key={data.outcomes.map((o) => `${o.id}:${o.asOf}:${o.status}`).join("|")} method="post" action={url} className="form" noValidate aria-labelledby="h-outcome-form">
      <h4 id="h-outcome-form">Verbleib erfassen oder korrigieren</h4>
      <p className="muted">
        Nach dem Austritt und erneut {data.followUpMonths} Monate später{data.followUpFrom ? ` (ab ${formatDate(data.followUpFrom)})` : ""}. Eine Arbeitsaufnahme zählt als Integration, wenn sie höchstens sechs Monate nach
        dem Austritt beginnt. Für Träger nicht sichtbar.
      </p>
      <FormError message={fetcher.data?.formError} />
      <div className="form-grid">
        <Select
          idPrefix="po"
          name="checkpoint"
          label="Zeitpunkt"
          options={[
            { value: "exit", label: OUTCOME_CHECKPOINT_LABELS.exit },
            { value: "six_months", label: `${OUTCOME_CHECKPOINT_LABELS.six_months}${data.followUpFrom ? ` (ab ${formatDate(data.followUpFrom)})` : ""}` },
          ]}
          defaultValue={checkpoint}
          error={err.checkpoint}
          required
        />
        <Select idPrefix="po" name="status" label="Verbleib" options={OUTCOME_STATUSES.map((s) => ({ value: s, label: OUTCOME_STATUS_LABELS[s] }))} error={err.status} required />
        <Field idPrefix="po" name="employerName" label="Arbeitgeber / Ausbildungsbetrieb" error={err.employerName} hint="Bei Beschäftigung und Ausbildung Pflicht." />
        <Field idPrefix="po" name="startDate" label="Beginn" type="date" error={err.startDate} hint="Darf vor dem Austritt liegen (Arbeit während der Maßnahme gefunden)." />
        <Field idPrefix="po" name="weeklyHours" label="Wochenstunden" inputMode="decimal" placeholder="z. B. 39,5" error={err.weeklyHours} hint="Bei Beschäftigung Pflicht." />
        <Field idPrefix="po" name="asOf" label="Stand (festgestellt am)" type="date" defaultValue={data.today} error={err.asOf} required />
      </div>
      <TextArea idPrefix="po" name="note" label="Notiz" error={err.note} />
      <Busy state={fetcher.state}>Verbleib speichern</Busy>
    </fetcher.Form>
  );
}

/**
 * The answer of a report or outcome form sent without JavaScript and refused: the message, each
 * field's error and what was typed (nothing is lost), and the way back. With JavaScript the
 * panel shows the same messages at its form.
 */
export function ReportRefused({ data, back }: { data: { formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> } | undefined; back: string }) {
  const values = Object.entries(data?.values ?? {}).filter(([k, v]) => k !== "intent" && String(v ?? "") !== "");
  if (!data)
    return (
      <>
        <h1>Teilnahme melden</h1>
        <p>Meldungen und der Verbleib werden auf der Seite des Platzkaufs erfasst.</p>
        <p>
          <Link to={back}>Zum Platzkauf</Link>
        </p>
      </>
    );
  return (
    <>
      <h1>Meldung nicht gespeichert</h1>
      <FormError message={data.formError} />
      {Object.keys(data.fieldErrors).length ? (
        <ul>
          {Object.entries(data.fieldErrors).map(([k, m]) => (
            <li key={k}>
              <strong>{FIELD_LABELS[k] ?? k}:</strong> {m}
            </li>
          ))}
        </ul>
      ) : null}
      {values.length ? (
        <>
          <h2>Ihre Eingaben</h2>
          <dl className="facts">
            {values.map(([k, v]) => [<dt key={`${k}-t`}>{FIELD_LABELS[k] ?? k}</dt>, <dd key={`${k}-d`}>{String(v)}</dd>])}
          </dl>
        </>
      ) : null}
      <p>Bitte gehen Sie zurück und melden Sie erneut; Ihre Eingaben stehen oben.</p>
      <p>
        <Link to={back}>Zurück zum Platzkauf</Link>
      </p>
    </>
  );
}

const FIELD_LABELS: Record<string, string> = {
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
  earlyCompletionConfirmed: "Regulärer Abschluss",
  checkpoint: "Zeitpunkt",
  status: "Verbleib",
  employerName: "Arbeitgeber / Betrieb",
  startDate: "Beginn",
  weeklyHours: "Wochenstunden",
  asOf: "Stand",
};

/** The client page's outcomes: place outcomes and accepted broker placements (read-only). */
export function ClientOutcomesPanel({ rows }: { rows: ClientOutcomeRow[] }) {
  return (
    <section className="panel" aria-labelledby="h-outcomes">
      <h2 id="h-outcomes">Verbleib nach Maßnahmen und Vermittlungen</h2>
      {rows.length === 0 ? (
        <p className="muted">Noch kein Verbleib erfasst und keine angenommene Vermittlung.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Herkunft</th>
              <th scope="col">Zeitpunkt</th>
              <th scope="col">Verbleib</th>
              <th scope="col">Arbeitgeber / Betrieb</th>
              <th scope="col">Beginn</th>
              <th scope="col" className="num">
                Wochenstunden
              </th>
              <th scope="col">Stand</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.source}-${r.reference}-${r.checkpointLabel}`}>
                <td className="nowrap">
                  <Link to={r.href}>{r.reference}</Link>
                  <div className="muted small">{r.source === "place" ? "Platzkauf" : "Vermittlung"}</div>
                </td>
                <td>{r.checkpointLabel}</td>
                <td>{r.integration ? <span className="badge ok">{r.statusLabel}</span> : r.statusLabel}</td>
                <td>{r.employerName || "–"}</td>
                <td className="nowrap">{r.startDate ? formatDate(r.startDate) : "–"}</td>
                <td className="num">{r.weeklyHours !== null ? formatHours(r.weeklyHours) : "–"}</td>
                <td className="nowrap">{formatDate(r.asOf)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
