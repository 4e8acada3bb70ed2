import { formatNumber, formatPercent } from "~/domain/outcome-format";
import { formatDateTime } from "~/domain/time";
import type { ComparisonViewData } from "./types";

/** The method in plain German: definitions, period, data date, intervals, suppression, the model. */
export function Method({ view }: { view: ComparisonViewData }) {
  const model = view.model;
  return (
    <section aria-labelledby="method" className="method">
      <h2 id="method">So wird gerechnet</h2>
      <dl>
        {view.measures.map((m) => (
          <div key={m.key}>
            <dt>{m.label}</dt>
            <dd>{m.definition}</dd>
          </div>
        ))}
      </dl>
      <p>
        <strong>Zeitraum:</strong> {view.query.period.label} (Austritte, Eintritte, Prüfungen bzw. Zuweisungen in diesem Zeitraum). <strong>Datenstand:</strong> {formatDateTime(view.dataAsOf)}; später Erfasstes zählt nicht.
      </p>
      <p>
        <strong>Intervalle:</strong> 95-%-Konfidenzintervall nach Wilson; bei weniger als 10 Fällen das exakte Intervall nach Clopper und Pearson. Für tatsächlich ÷ erwartet das Intervall nach Byar. Die Grenzen im Trichterdiagramm sind die 95-%- und 99,8-%-Kontrollgrenzen um die Gesamtquote (Binomialverteilung, Spiegelhalter 2005), beim risikoadjustierten Vergleich 1 ± z/√E. Das 95-%-Konfidenzintervall gibt den Bereich an, der mit den Daten vereinbar ist: Bei wiederholten Erhebungen enthielten 95 % solcher Intervalle den wahren Wert. Liegt ein Träger außerhalb der 95-%-Grenzen, wäre eine so große Abweichung bei rein zufälliger Schwankung um den Gesamtwert in etwa 1 von 20 Fällen zu erwarten (99,8 %: etwa 1 von 500).
      </p>
      <p>
        <strong>Datenschutz:</strong> Werte mit weniger als {view.minCell} Personen werden nicht gezeigt („&lt; {view.minCell}“). Damit sie sich nicht aus der Summe und den übrigen Werten einer Spalte errechnen lassen, wird der nächstkleinere Wert ebenfalls gesperrt („gesperrt“); eine Quote mit gesperrter Fallzahl wird nicht gezeigt.
      </p>
      {!model ? (
        <p>
          <strong>Risikoadjustierung:</strong> {view.isRate ? "keine (es liegen keine Fälle vor)." : "entfällt: die Kennzahl ist kein Anteil."}
        </p>
      ) : (
        <>
          <h3>Risikoadjustierung</h3>
          <p>
            Für jeden Fall wird aus den Merkmalen der Kundin oder des Kunden (Altersgruppe, Dauer der Arbeitslosigkeit, Qualifikation, Schwerbehinderung, Sprachförderbedarf, Arbeitslosenquote der Region{view.regionalRatesKnown.length ? "" : " – derzeit keine hinterlegt"}) die erwartete Wahrscheinlichkeit
            bestimmt; erwartet je Träger ist deren Summe. {model.reason}
            {view.regionalError ? ` Die hinterlegten Arbeitslosenquoten sind fehlerhaft und bleiben unberücksichtigt: ${view.regionalError}` : ""}
          </p>
          {model.method === "regression" ? (
            <>
              <table className="data">
                <caption>Modell: Merkmale und ihre Wirkung (Bezug: 25–49 Jahre, unter 12 Monate arbeitslos, mit Berufsabschluss)</caption>
                <thead>
                  <tr>
                    <th scope="col">Merkmal</th>
                    <th scope="col" className="num">Koeffizient</th>
                    <th scope="col" className="num">Standardfehler</th>
                    <th scope="col" className="num">Odds Ratio</th>
                  </tr>
                </thead>
                <tbody>
                  {model.variables.map((v) => (
                    <tr key={v.label}>
                      <th scope="row">{v.label}</th>
                      <td className="num">{formatNumber(v.coef, 3)}</td>
                      <td className="num">{formatNumber(v.se, 3)}</td>
                      <td className="num">{formatNumber(v.oddsRatio, 2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p>
                Trennschärfe (AUC): {formatNumber(model.auc, 2)} (0,5 = Zufall, 1 = perfekt). Hosmer-Lemeshow: {formatNumber(model.hosmerLemeshow?.statistic ?? null, 1)} bei {model.hosmerLemeshow?.df} Freiheitsgraden, p = {formatNumber(model.hosmerLemeshow?.pValue ?? null, 3)}.
              </p>
              <table className="data">
                <caption>Kalibrierung: Fälle nach erwarteter Wahrscheinlichkeit in Gruppen, erwartet gegen beobachtet</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">Gruppe</th>
                    <th scope="col" className="num">Fälle</th>
                    <th scope="col" className="num">mittlere Erwartung</th>
                    <th scope="col" className="num">erwartet</th>
                    <th scope="col" className="num">beobachtet</th>
                  </tr>
                </thead>
                <tbody>
                  {model.calibration.map((g, i) => (
                    <tr key={i}>
                      <td className="num">{i + 1}</td>
                      <td className="num">{g.n}</td>
                      <td className="num">{formatPercent(g.meanPredicted)}</td>
                      <td className="num">{formatNumber(g.expected, 1)}</td>
                      <td className="num">{g.n < view.minCell ? `< ${view.minCell}` : g.observed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <table className="data">
              <caption>Schichten (Altersgruppe × Dauer der Arbeitslosigkeit) und ihre Quote über alle Träger</caption>
              <thead>
                <tr>
                  <th scope="col">Schicht</th>
                  <th scope="col" className="num">Fälle</th>
                  <th scope="col" className="num">Quote</th>
                </tr>
              </thead>
              <tbody>
                {model.strata.map((s) => (
                  <tr key={s.key}>
                    <th scope="row">{s.key}</th>
                    <td className="num">{s.n < view.minCell ? `< ${view.minCell}` : s.n}</td>
                    <td className="num">{s.n < view.minCell ? "–" : formatPercent(s.rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
