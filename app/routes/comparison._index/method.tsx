import { Link } from "@remix-run/react";
import { modelTableHidden } from "~/domain/comparison-report";
import { formatNumber, formatPercent, GROUP_DISCLOSURE_NOTE, PERTURBATION_NOTE, WITHHELD } from "~/domain/outcome-format";
import { formatDateTime } from "~/domain/time";
import type { ComparisonViewData } from "./types";

/** The method in plain German: definitions, period, data date, intervals, suppression, the model. */
export function Method({ view }: { view: ComparisonViewData }) {
  const model = view.model;
  const strataHidden = model ? modelTableHidden(model.strata, view.minCell, view.groupDisclosure) : [];
  const calibrationHidden = model ? modelTableHidden(model.calibration.map((g) => ({ n: g.n, events: g.observed })), view.minCell, view.groupDisclosure) : [];
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
        <strong>Zeitraum:</strong> {view.query.period.label} (Austritte, Eintritte, Prüfungen bzw. Zuweisungen in diesem Zeitraum).
        {view.query.line === "brokers" ? " Die Vermittlungsquote zählt nach dem Datum der Zuweisung (Vermittlungsgutschein); die Zahl der Arbeitsverträge im Überblick zählt wie der Jahresbericht nach dem Vertragsdatum." : ""} <strong>Datenstand:</strong> {formatDateTime(view.dataAsOf)}; später Erfasstes zählt nicht.
      </p>
      {view.query.line === "places" && (view.query.typeCode === null || view.query.typeCode === "employer_training") ? (
        <p>
          <strong>{view.options.types.find((t) => t.value === "employer_training")?.label ?? "Trainingsmaßnahme beim Arbeitgeber"}:</strong> Diese Plätze haben keinen Träger – der Arbeitgeber stellt sie –, deshalb erscheinen sie in diesem Vergleich nicht. Ihre Ergebnisse stehen im Bericht{" "}
          <Link to={`/reports/measures?year=${view.query.period.to.slice(0, 4)}`}>Maßnahmen im Jahr</Link>.
        </p>
      ) : null}
      <p>
        <strong>Intervalle:</strong> 95-%-Konfidenzintervall nach Wilson; bei weniger als 10 Fällen das exakte Intervall nach Clopper und Pearson. Für tatsächlich ÷ erwartet das Intervall nach Byar. Die Grenzen im Trichterdiagramm sind die 95-%- und 99,8-%-Kontrollgrenzen um die Gesamtquote (Binomialverteilung, Spiegelhalter 2005), beim risikoadjustierten Vergleich um 1 aus der Poisson-Verteilung mit der erwarteten Zahl E (exakt, ebenso interpoliert). Das 95-%-Konfidenzintervall gibt den Bereich an, der mit den Daten vereinbar ist: Bei wiederholten Erhebungen enthielten 95 % solcher Intervalle den wahren Wert. Liegt ein Träger außerhalb der 95-%-Grenzen, wäre eine so große Abweichung bei rein zufälliger Schwankung um den Gesamtwert in etwa 1 von 20 Fällen zu erwarten (99,8 %: etwa 1 von 500).
      </p>
      <p>
        <strong>Datenschutz:</strong> Werte mit weniger als {view.minCell} Personen werden nicht gezeigt, ebenso eine Quote, bei der nur 1 bis {view.minCell - 1} Personen das Ereignis hatten oder nicht hatten (etwa 1 von 15 oder 14 von 15: sie benennt die eine Person). Damit sie sich nicht aus Summen und übrigen Werten errechnen lassen, werden weitere Werte gesperrt, auch über die Maßnahmearten und Regionen hinweg (der Wert über alle Arten oder alle Regionen ist die Summe der einzelnen){view.insiderProtection ? " und so, dass auch ein gesperrter Träger, der seine eigenen Zahlen kennt und abzieht, keinen anderen gesperrten Wert erhält" : ""}; eine Quote mit gesperrter Fallzahl wird nicht gezeigt. Alle diese Werte stehen gleich als „gesperrt“: eine eigene Kennzeichnung für Werte unter {view.minCell} würde verraten, in welchem Bereich der gesperrte Wert liegt.
        {view.groupDisclosure && view.isRate ? ` ${GROUP_DISCLOSURE_NOTE}` : null}
      </p>
      {view.query.period.kind !== "year" ? (
        <p>
          <strong>Rundung:</strong> {PERTURBATION_NOTE}
        </p>
      ) : null}
      {!model ? (
        <p>
          <strong>Risikoadjustierung:</strong> {!view.isRate ? "entfällt: die Kennzahl ist kein Anteil." : view.allSuppressed || view.overall[view.query.measure]?.suppressed ? "wird nicht gezeigt: die Zahlen sind zum Schutz der Sozialdaten gesperrt." : "keine (es liegen keine Fälle vor)."}
        </p>
      ) : (
        <>
          <h3>Risikoadjustierung</h3>
          <p>
            {model.method === "regression" ? (
              <>
                Für jeden Fall wird aus den Merkmalen der Kundin oder des Kunden (Altersgruppe, Dauer der Arbeitslosigkeit, Qualifikation, Schwerbehinderung, Sprachförderbedarf, Arbeitslosenquote der Region{view.regionalRatesKnown.length ? "" : " – derzeit keine hinterlegt"}) mit dem Modell unten die erwartete Wahrscheinlichkeit
                bestimmt: p = 1 ÷ (1 + exp(−η)) mit η = Achsenabschnitt + Summe der Koeffizienten der zutreffenden Merkmale (bei der Arbeitslosenquote Koeffizient × Prozentpunkte). Erwartet je Träger ist die Summe dieser Wahrscheinlichkeiten. Geschätzt wird mit der Korrektur nach Firth (penalisierte Likelihood, wie im R-Paket logistf): Sie liefert auch dann endliche Werte, wenn in einer kleinen Gruppe niemand das Ergebnis erreicht hat; ein großer Standardfehler zeigt dann, wie wenig die Gruppe aussagt.
              </>
            ) : (
              <>
                Die Fälle werden nach Altersgruppe und Dauer der Arbeitslosigkeit in Schichten geteilt (nur diese beiden Merkmale); erwartet ist für jeden Fall die Quote seiner Schicht über alle Träger, erwartet je Träger deren Summe.
              </>
            )}{" "}
            {model.reason}
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
                  <tr>
                    <th scope="row">Achsenabschnitt (Bezugsgruppe)</th>
                    <td className="num">{formatNumber(model.intercept, 3)}</td>
                    <td className="num">{formatNumber(model.interceptSe ?? null, 3)}</td>
                    <td className="num">–</td>
                  </tr>
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
                      <td className="num">{calibrationHidden[i].n ? WITHHELD : g.n}</td>
                      <td className="num">{formatPercent(g.meanPredicted)}</td>
                      {/* n × mean expectation: hidden with n (it would give n away). */}
                      <td className="num">{calibrationHidden[i].n ? "–" : formatNumber(g.expected, 1)}</td>
                      <td className="num">{calibrationHidden[i].events ? (calibrationHidden[i].n ? "–" : WITHHELD) : g.observed}</td>
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
                  <th scope="col" className="num">Ereignisse</th>
                  <th scope="col" className="num">Quote</th>
                </tr>
              </thead>
              <tbody>
                {model.strata.map((s, i) => (
                  <tr key={s.key}>
                    <th scope="row">{s.key}</th>
                    <td className="num">{strataHidden[i].n ? WITHHELD : s.n}</td>
                    <td className="num">{strataHidden[i].events ? (strataHidden[i].n ? "–" : WITHHELD) : s.events}</td>
                    <td className="num">{strataHidden[i].events || s.n === 0 ? "–" : formatPercent(s.rate)}</td>
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
