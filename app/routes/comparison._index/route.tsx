/**
 * Trägervergleich (issue 12): staff with the right (an admin grants it) compare the providers'
 * outcomes — every rate with n and interval, a funnel plot instead of a league table, actual
 * against expected given the clients, and the method in plain German. Read-heavy page (STYLE.md § 3).
 */
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatRateCell, WITHHELD } from "~/domain/outcome-format";
import { formatDateTime } from "~/domain/time";
import { now } from "~/lib/clock.server";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { comparisonView, FACTS_NOW_REUSE_MS } from "~/services/outcome-comparison.server";
import { ComparisonExports } from "~/ui/comparison-exports";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { ByProviderTable } from "./by-provider-table";
import { Filters } from "./filters";
import { FunnelPlot } from "./funnel-plot";
import { Method } from "./method";
import type { ComparisonViewData } from "./types";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Trägervergleich${data ? `: ${data.view.measureLabel}, ${data.view.query.period.label}` : ""}` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:comparison:any");
  try {
    const search = new URL(request.url).searchParams;
    const get = (k: string) => search.get(k);
    const view = await comparisonView(user, { line: get("line"), measure: get("measure"), type: get("type"), region: get("region"), period: get("period"), year: get("year"), end: get("end"), adjust: get("adjust") });
    // Whole minutes since the figures were read (they may be reused for up to FACTS_NOW_REUSE_MS).
    const ageMinutes = Math.max(0, Math.floor((now().getTime() - Date.parse(view.dataAsOf)) / 60_000));
    return json({ view, ageMinutes, reuseMinutes: FACTS_NOW_REUSE_MS / 60_000 });
  } catch (error) {
    throw loaderError(error);
  }
}


function Summary({ view, ageMinutes, reuseMinutes }: { view: ComparisonViewData; ageMinutes: number; reuseMinutes: number }) {
  const overall = view.overall[view.query.measure];
  const scope = [view.typeLabel, view.query.region].filter(Boolean).join(", ");
  return (
    <section aria-labelledby="summary" className="cards">
      <h2 id="summary" className="sr-only">
        Überblick
      </h2>
      <div className="card">
        <div className="muted">{view.measureLabel} aller {view.query.line === "brokers" ? "Vermittler" : "Träger"}</div>
        <div className="value">{overall ? formatRateCell(overall, view.query.measure, view.minCell) : "–"}</div>
      </div>
      <div className="card">
        <div className="muted">Zeitraum</div>
        <div className="value small-value">{view.query.period.label}</div>
        {scope ? <div className="muted small">{scope}</div> : null}
      </div>
      <div className="card">
        <div className="muted">Verglichen</div>
        <div className="value">{view.rows.filter((r) => r.cells[view.query.measure]?.suppressed || (r.cells[view.query.measure]?.n ?? 0) > 0).length.toLocaleString("de-DE")}</div>
        <div className="muted small">{view.query.line === "brokers" ? "Vermittler" : "Träger"} mit Fällen dieser Kennzahl im Zeitraum</div>
      </div>
      {view.query.line === "brokers" ? (
        <div className="card">
          <div className="muted">Arbeitsverträge durch private Vermittler im Zeitraum (nach Vertragsdatum)</div>
          <div className="value">{view.brokerContracts !== null ? view.brokerContracts.toLocaleString("de-DE") : view.brokerContractsWithheld === "small" ? WITHHELD : "–"}</div>
          <div className="muted small">
            {view.brokerContractsWithheld === "view"
              ? "nur für ein Kalenderjahr über alle Regionen ausgewiesen (sonst ließen sich wenige Verträge als Differenz errechnen)"
              : view.brokerContractsWithheld === "small"
                ? `weniger als ${view.minCell} Verträge: zum Schutz der Sozialdaten gesperrt`
                : "anerkannte Vermittlungen; die Quoten unten zählen dagegen nach dem Datum der Zuweisung"}
          </div>
        </div>
      ) : null}
      <div className="card">
        <div className="muted">Datenstand</div>
        <div className="value small-value">{formatDateTime(view.dataAsOf)}</div>
        <div className="muted small">
          alles bis dahin Erfasste
          {ageMinutes >= 1 ? `; vor ${ageMinutes === 1 ? "einer Minute" : `${ageMinutes} Minuten`} gelesen. Neue Eingaben erscheinen nach spätestens ${reuseMinutes} Minuten` : ""}
        </div>
      </div>
    </section>
  );
}

/** What a user can choose to see more figures: a longer period, and all types or all regions where one is chosen. */
function wider(q: { typeCode: string | null; region: string | null }): string {
  const ways = ["ein längerer Zeitraum", ...(q.typeCode ? ["alle Maßnahmearten"] : []), ...(q.region ? ["alle Regionen"] : [])];
  const text = ways.length === 1 ? ways[0] : `${ways.slice(0, -1).join(", ")} oder ${ways[ways.length - 1]}`;
  return `${text[0].toUpperCase()}${text.slice(1)} ${ways.length === 1 ? "zeigt" : "zeigen"} mehr.`;
}

export default function ComparisonPage() {
  const { view, ageMinutes, reuseMinutes } = useLoaderData<typeof loader>();
  const overall = view.overall[view.query.measure];
  return (
    <>
      <h1>Trägervergleich</h1>
      <p className="muted">
        Ergebnisse der Träger und Vermittler mit Fallzahl und 95-%-Intervall, im Trichterdiagramm statt als Rangliste. Kleine Fallzahlen (unter {view.minCell} Personen) werden nicht gezeigt.
      </p>
      <Filters view={view} />
      {view.errors.length ? (
        <div className="alert alert-warn" role="alert">
          <ul>
            {view.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.allSuppressed ? (
        <>
          {/* The overall figure stays: with every provider hidden it gives none of them away, and the CSV and the PDF show it too. */}
          <Summary view={view} ageMinutes={ageMinutes} reuseMinutes={reuseMinutes} />
          <div className="alert alert-info" role="status">
            Für diese Auswahl im Zeitraum ({view.query.period.label}) gibt es Fälle, aber die Zahlen jedes Trägers sind zum Schutz der Sozialdaten gesperrt: weil eine Zahl weniger als {view.minCell} Personen betrifft oder weil sie sich sonst aus der Summe und den übrigen Zahlen errechnen ließe.{" "}
            {overall?.suppressed ? "Auch der Wert aller Träger zusammen ist gesperrt." : "Gezeigt wird nur der Wert aller Träger zusammen."} {wider(view.query)}
          </div>
          <ComparisonExports query={view.query} />
        </>
      ) : view.rows.length === 0 || !overall || overall.n === 0 ? (
        <div className="alert alert-info" role="status">
          {view.query.typeCode === "employer_training"
            ? "Trainingsmaßnahmen beim Arbeitgeber haben keinen Träger – der Arbeitgeber stellt den Platz –, deshalb gibt es für sie keinen Trägervergleich. Ihre Ergebnisse stehen im Bericht „Maßnahmen im Jahr“ (Hinweis unten)."
            : view.query.measure === "dropout" && view.rows.length > 0
              ? `Die Abbruchquote zählt eine Teilnahme erst, wenn ihr geplantes Ende am Datenstand vorbei ist; die Eintritte dieses Zeitraums (${view.query.period.label}) laufen noch (BaE-Plätze bis zu 36 Monate). Ein früherer Zeitraum zeigt sie, die übrigen Kennzahlen zeigen diesen.`
              : `Für diese Auswahl gibt es im Zeitraum (${view.query.period.label}) keine Daten. Bitte wählen Sie einen anderen Zeitraum, eine andere Kennzahl oder Maßnahmeart.`}
        </div>
      ) : (
        <>
          <Summary view={view} ageMinutes={ageMinutes} reuseMinutes={reuseMinutes} />
          {view.isRate ? <FunnelPlot view={view} /> : <p className="muted">Für {view.measureLabel} gibt es kein Trichterdiagramm: die Kennzahl ist kein Anteil.</p>}
          <ByProviderTable view={view} />
          {/* Added by the exports work (CSV, Beirat PDF with the same filters). */}
          <ComparisonExports query={view.query} />
        </>
      )}
      <Method view={view} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
