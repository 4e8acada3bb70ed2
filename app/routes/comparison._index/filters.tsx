import { Form, Link } from "@remix-run/react";
import type { ComparisonViewData } from "./types";

/** The filters as a GET form: works without JavaScript, the URL can be shared. */
export function Filters({ view }: { view: ComparisonViewData }) {
  const q = view.query;
  const endDe = `${q.period.to.slice(8, 10)}.${q.period.to.slice(5, 7)}.${q.period.to.slice(0, 4)}`;
  return (
    <Form method="get" className="filters comparison-filters" role="search" aria-label="Auswahl des Vergleichs">
      <div className="field">
        <label htmlFor="line">Bereich</label>
        <select id="line" name="line" defaultValue={q.line}>
          <option value="places">Plätze und Maßnahmen</option>
          <option value="brokers">Vermittler</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="measure">Kennzahl</label>
        <select id="measure" name="measure" defaultValue={q.measure}>
          {view.measures.map((m) => (
            <option key={m.key} value={m.key}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      {q.line === "places" ? (
        <div className="field">
          <label htmlFor="type">Maßnahmeart</label>
          <select id="type" name="type" defaultValue={q.typeCode ?? ""}>
            <option value="">alle</option>
            {view.options.types.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="region">Region</label>
        <select id="region" name="region" defaultValue={q.region ?? ""}>
          <option value="">alle</option>
          {view.options.regions.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="period">Zeitraum</label>
        <select id="period" name="period" defaultValue={q.period.kind}>
          <option value="year">Kalenderjahr</option>
          <option value="rolling12">12 Monate bis</option>
          <option value="rolling24">24 Monate bis</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="year">Jahr (Kalenderjahr)</label>
        <select id="year" name="year" defaultValue={q.period.kind === "year" ? q.period.from.slice(0, 4) : String(view.options.years[1] ?? view.options.years[0] ?? "")}>
          {view.options.years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="end">Ende (12/24 Monate)</label>
        <input id="end" name="end" type="text" inputMode="numeric" placeholder="TT.MM.JJJJ" defaultValue={q.period.kind === "year" ? "" : endDe} size={10} />
      </div>
      <div className="field">
        <label htmlFor="adjust">Darstellung</label>
        <select id="adjust" name="adjust" defaultValue={q.adjust}>
          <option value="raw">tatsächliche Quote</option>
          <option value="adjusted">risikoadjustiert (tatsächlich ÷ erwartet)</option>
        </select>
      </div>
      <button type="submit" className="button">
        Anzeigen
      </button>
      <Link to="/comparison">Zurücksetzen</Link>
    </Form>
  );
}
