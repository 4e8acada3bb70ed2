import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { measuresInYear, reportYear, reportYears } from "~/services/place-report.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FilterBar, SelectFilter } from "~/ui/list";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Maßnahmen im Jahr${data?.report ? ` ${data.report.year}` : ""}` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:place:any");
  try {
    const years = await reportYears();
    const choice = reportYear(new URL(request.url).searchParams, years);
    // A value that is not a year, or a year without data, is said so — never another year shown instead.
    if (choice.kind !== "ok") return json({ report: null, years, problem: choice.message }, { status: choice.kind === "invalid" ? 400 : 404 });
    return json({ report: await measuresInYear(user, choice.year), years, problem: null });
  } catch (error) {
    throw loaderError(error);
  }
}

type Cell = { value: number | null; text: string };

function Figure({ label, cell, note }: { label: string; cell: Cell; note?: string }) {
  return (
    <div className="card">
      <div className="muted">{label}</div>
      <div className="value">{cell.text}</div>
      {note ? <div className="muted small">{note}</div> : null}
    </div>
  );
}

function YearChoice({ years, year }: { years: readonly number[]; year?: number }) {
  if (!years.length) return <p>Es sind noch keine Platzkäufe erfasst.</p>;
  const options = [...years].reverse().map((y) => ({ value: String(y), label: String(y) }));
  return (
    <FilterBar resetTo="/reports/measures" submitLabel="Anzeigen">
      <SelectFilter name="year" label="Jahr" options={options} allLabel={null} defaultValue={String(year ?? years[years.length - 1])} />
    </FilterBar>
  );
}

export default function MeasuresInYear() {
  const { report: r, years, problem } = useLoaderData<typeof loader>();
  if (!r)
    return (
      <>
        <h1>Maßnahmen im Jahr</h1>
        <div className="alert alert-warn" role="alert">
          {problem}
        </div>
        <YearChoice years={years} />
      </>
    );
  return (
    <>
      <h1>Maßnahmen im Jahr {r.year}</h1>
      <p className="muted">Die Zahlen des Eingliederungsberichts zu eingekauften Plätzen, aus den erfassten Platzkäufen, Teilnahmen und Verbleiben berechnet. Kleine Fallzahlen (weniger als 3 Personen) werden nicht gezeigt.</p>
      <YearChoice years={years} year={r.year} />

      <section aria-labelledby="bae">
        <h2 id="bae">Berufsausbildung in außerbetrieblichen Einrichtungen (BaE)</h2>
        <div className="cards">
          <Figure label="bei der Bundesagentur eingekaufte Plätze" cell={r.bae.fromBa} />
          <Figure label="Teilnehmende aus eigener Ausschreibung" cell={r.bae.ownTender} note={r.bae.ownCapacity.value ? `${r.bae.ownCapacity.text} Plätze laut Vertrag` : undefined} />
          <Figure label="Reha-BaE: Eintritte" cell={r.rehaBae.starts} />
        </div>
      </section>

      <section aria-labelledby="mae">
        <h2 id="mae">Arbeitsgelegenheiten (MAE)</h2>
        <div className="cards">
          <Figure label="Maßnahmen" cell={r.mae.measures} />
          <Figure label="Teilnehmende" cell={r.mae.participants} />
          <Figure label="davon Gruppenmaßnahmen" cell={r.mae.groupMeasures} note={r.mae.measures.value ? `die übrigen ${(r.mae.measures.value - (r.mae.groupMeasures.value ?? 0)).toLocaleString("de-DE")} als Einzelplätze bei Einsatzstellen` : undefined} />
        </div>
      </section>

      <section aria-labelledby="further">
        <h2 id="further">Weitere Maßnahmen</h2>
        <div className="cards">
          <Figure label="Trainingsmaßnahmen beim Arbeitgeber: Vermittlungsquote" cell={r.employerTraining.sharePercent} note={`${r.employerTraining.placed.text} von ${r.employerTraining.exits.text} Austritten vermittelt`} />
          <Figure label="Jugendberufshilfe" cell={r.youth.participants} note={`Teilnehmende in ${r.youth.measures.text} Maßnahmen`} />
          <Figure label="eigene Maßnahmen nach § 421i SGB III" cell={r.p421i.participants} note={`Teilnehmende in ${r.p421i.measures.text} Maßnahmen`} />
        </div>
      </section>

      <section aria-labelledby="types">
        <h2 id="types">Alle Maßnahmearten</h2>
        <table className="data">
          <caption>Maßnahmen, Teilnahmen und Ausgaben je Maßnahmeart im Jahr {r.year}</caption>
          <thead>
            <tr>
              <th scope="col">Maßnahmeart</th>
              <th scope="col" className="num">Maßnahmen</th>
              <th scope="col" className="num">Eintritte</th>
              <th scope="col" className="num">Austritte</th>
              <th scope="col" className="num">davon Abbrüche</th>
              <th scope="col" className="num">Integrationen</th>
              <th scope="col" className="num">Ausgaben</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.length === 0 ? (
              <tr>
                <td colSpan={7}>Für {r.year} sind keine Platzkäufe erfasst.</td>
              </tr>
            ) : (
              r.rows.map((row) => (
                <tr key={row.typeCode}>
                  <th scope="row" style={{ whiteSpace: "normal" }}>
                    {row.label}
                  </th>
                  <td className="num">{row.measures.text}</td>
                  <td className="num">{row.entries.text}</td>
                  <td className="num">{row.exits.text}</td>
                  <td className="num">{row.dropouts.text}</td>
                  <td className="num">{row.integrations.text}</td>
                  <td className="num nowrap">{row.spent}</td>
                </tr>
              ))
            )}
          </tbody>
          {r.rows.length ? (
            <tfoot>
              <tr>
                <th scope="row">{r.total.label}</th>
                <td className="num">{r.total.measures.text}</td>
                <td className="num">{r.total.entries.text}</td>
                <td className="num">{r.total.exits.text}</td>
                <td className="num">{r.total.dropouts.text}</td>
                <td className="num">{r.total.integrations.text}</td>
                <td className="num nowrap">{r.total.spent}</td>
              </tr>
            </tfoot>
          ) : null}
        </table>
        <p className="actions">
          <a href={`/reports/measures/export.csv?year=${r.year}`}>Zahlen als CSV exportieren</a>
        </p>
      </section>

      <section aria-labelledby="definitions">
        <h2 id="definitions">So wird gezählt</h2>
        <ul>
          <li>
            <strong>Teilnehmende</strong> einer Maßnahmeart sind die Platzkäufe, deren Platz im Jahr beginnen sollte (geplanter Beginn) und die tatsächlich begonnen haben (der Träger hat den Eintritt gemeldet). Nur beantragte, genehmigte, bestellte oder bestätigte Plätze zählen noch nicht, stornierte und vom Träger abgesagte nie. Eine <strong>Maßnahme</strong> zählt, wenn mindestens ein
            solcher Platz in ihr beginnt.
          </li>
          <li>
            <strong>BaE bei der Bundesagentur</strong>: Plätze in BaE-Maßnahmen, die die Agentur für Arbeit ausgeschrieben hat und an uns verkauft (keine eigene Vergabe). <strong>Eigene Ausschreibung</strong>: Plätze in BaE-Maßnahmen
            aus einem eigenen Vertrag; die Platzzahl ist die vertraglich vereinbarte Menge.
          </li>
          <li>
            <strong>MAE</strong>: Gruppenmaßnahmen bei einem Träger und Einzelplätze bei einer Einsatzstelle; jede eingerichtete Einsatzstelle zählt als eigene Maßnahme.
          </li>
          <li>
            <strong>Vermittlungsquote der Trainingsmaßnahmen beim Arbeitgeber</strong>: Austritte im Jahr, bei denen die Fallmanagerin beim Austritt eine Beschäftigung, Ausbildung oder Selbständigkeit erfasst hat, geteilt durch alle
            Austritte im Jahr, auf ganze Prozent gerundet.
          </li>
          <li>
            In der Tabelle sind <strong>Eintritte</strong> und <strong>Austritte</strong> die vom Träger gemeldeten Daten im Jahr; <strong>Abbrüche</strong> sind vorzeitige Austritte; <strong>Integrationen</strong> sind Austritte mit
            Beschäftigung, Ausbildung oder Selbständigkeit beim Austritt. <strong>Ausgaben</strong> sind die im Jahr ausgezahlten Beträge der Rechnungen zu diesen Plätzen.
          </li>
          <li>
            Zahlen von 1 oder 2 Personen stehen als „&lt; 3“, damit niemand erkennbar wird (Sozialdatenschutz). Als „gesperrt“ steht eine Zahl, aus der sich zusammen mit den anderen gezeigten Zahlen eine solche kleine Zahl
            errechnen ließe: Abbrüche und Integrationen, wenn die übrigen Austritte einer Zeile 1 oder 2 wären, und in einer Spalte eine weitere Zahl (oder die Summe), wenn sich die kleinen Zahlen sonst aus der Summe ergäben.
          </li>
        </ul>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
