import {
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  type SerializeFrom,
} from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatValue, POSITION_WORDS } from "~/domain/comparison-export";
import { loaderError } from "~/lib/http.server";
import { requirePermission } from "~/lib/session.server";
import { ownOutcomesPage } from "~/services/comparison-exports.server";
import { GeneralErrorBoundary } from "~/ui/error-boundary";
import { FilterBar, SelectFilter } from "~/ui/list";

export const meta: MetaFunction = () => [
  { title: "Unsere Ergebnisse – Trägerportal" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:outcomes:own");
  try {
    return json(await ownOutcomesPage(user, new URL(request.url).searchParams));
  } catch (error) {
    throw loaderError(error);
  }
}

type LoaderData = SerializeFrom<typeof loader>;
type Item = LoaderData["view"]["items"][number];

function Filters({ data }: { data: LoaderData }) {
  const f = data.filters;
  return (
    <FilterBar resetTo="/portal/outcomes" submitLabel="Anzeigen">
      {data.options.lines.length > 1 ? (
        <SelectFilter
          name="line"
          label="Bereich"
          options={data.options.lines}
          allLabel={null}
          defaultValue={f.line}
        />
      ) : null}
      {data.options.types.length ? (
        <SelectFilter
          name="type"
          label="Maßnahmeart"
          options={data.options.types}
          allLabel="alle"
          defaultValue={f.type}
        />
      ) : null}
      <SelectFilter
        name="period"
        label="Zeitraum"
        options={data.options.periods}
        allLabel={null}
        defaultValue={f.period}
      />
      <SelectFilter
        name="year"
        label="Jahr (bei Kalenderjahr)"
        options={data.options.years}
        allLabel={null}
        defaultValue={f.year}
      />
    </FilterBar>
  );
}

function Value({ item, value }: { item: Item; value: number | null }) {
  return <>{formatValue(value, item.unit)}</>;
}

function OwnRow({ item }: { item: Item }) {
  if (item.suppressed !== "none") {
    return (
      <tr>
        <th scope="row">{item.measureLabel}</th>
        <td colSpan={4}>
          {item.suppressedLabel}{" "}
          <span className="muted small">
            (
            {item.suppressed === "small"
              ? "zu wenige Fälle"
              : "gesperrt, damit sich eine kleine Zahl nicht errechnen lässt"}
            )
          </span>
        </td>
        <td className="num">
          <Value item={item} value={item.overall} />
        </td>
        <td>–</td>
        <td>–</td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row">{item.measureLabel}</th>
      <td className="num nowrap">
        {item.unit === "cents" ? (
          <>
            <Value item={item} value={item.k} />
            <div className="muted small">ausgezahlt</div>
          </>
        ) : (
          item.k
        )}
      </td>
      <td className="num">{item.n}</td>
      <td className="num nowrap">
        <strong>
          <Value item={item} value={item.value} />
        </strong>
        {item.low !== null && item.high !== null ? (
          <div className="muted small">
            95 %: <Value item={item} value={item.low} /> –{" "}
            <Value item={item} value={item.high} />
          </div>
        ) : null}
      </td>
      <td className="num nowrap">
        {item.expected !== null ? (
          <Value item={item} value={item.expected} />
        ) : (
          "–"
        )}
        {item.ratio !== null ? (
          <div className="muted small">
            Verhältnis {item.ratio.toFixed(2).replace(".", ",")}
            {item.ratioLow !== null && item.ratioHigh !== null
              ? ` (${item.ratioLow
                  .toFixed(2)
                  .replace(".", ",")} – ${item.ratioHigh
                  .toFixed(2)
                  .replace(".", ",")})`
              : ""}
          </div>
        ) : null}
      </td>
      <td className="num nowrap">
        <Value item={item} value={item.overall} />
      </td>
      <td className="nowrap">
        {item.limits ? (
          <>
            95 %: <Value item={item} value={item.limits.low95} /> –{" "}
            <Value item={item} value={item.limits.high95} />
            <div className="muted small">
              99,8 %: <Value item={item} value={item.limits.low998} /> –{" "}
              <Value item={item} value={item.limits.high998} />
            </div>
          </>
        ) : (
          "–"
        )}
      </td>
      <td>
        {item.position ? (
          <span
            className={`badge ${item.position === "within" ? "ok" : "warn"}`}
          >
            {POSITION_WORDS[item.position]}
          </span>
        ) : (
          "–"
        )}
      </td>
    </tr>
  );
}

export default function PortalOutcomes() {
  const data = useLoaderData<typeof loader>();
  const v = data.view;
  return (
    <>
      <h1>Unsere Ergebnisse</h1>
      <p className="muted">
        Ihre Ergebnisse je Kennzahl mit Fallzahl und 95-%-Vertrauensbereich,
        verglichen mit dem Gesamtwert aller Träger und den Grenzen, in denen ein
        Wert bei Ihrer Fallzahl noch zufällig vom Gesamtwert abweichen kann.
        Andere Träger werden nicht genannt und nicht einzeln gezeigt.
      </p>
      {data.errors.length ? (
        <div className="alert alert-warn" role="alert">
          {data.errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
      <Filters data={data} />
      <p>
        <strong>{v.period.label}</strong> · Datenstand {data.asOfText} ·{" "}
        {v.provider.name}
      </p>
      <div className="table-scroll">
        <table className="data own-outcomes">
          <caption>
            Ihre Kennzahlen gegen den Gesamtwert aller Träger ({v.period.label})
          </caption>
          <thead>
            <tr>
              <th scope="col">Kennzahl</th>
              <th scope="col" className="num">
                Ereignisse (k)
              </th>
              <th scope="col" className="num">
                Fälle (n)
              </th>
              <th scope="col" className="num">
                Ihr Wert (95-%-Bereich)
              </th>
              <th scope="col" className="num">
                erwartet
              </th>
              <th scope="col" className="num">
                alle Träger
              </th>
              <th scope="col">Grenzen bei Ihrem n</th>
              <th scope="col">Lage</th>
            </tr>
          </thead>
          <tbody>
            {v.items.length ? (
              v.items.map((item) => <OwnRow key={item.measure} item={item} />)
            ) : (
              <tr>
                <td colSpan={8}>Für diesen Zeitraum liegen keine Daten vor.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="definitions">
        <h2 id="definitions">So wird gezählt</h2>
        <dl>
          {v.items.map((item) => (
            <div key={item.measure}>
              <dt>
                <strong>{item.measureLabel}</strong>
              </dt>
              <dd>{item.definition}</dd>
            </div>
          ))}
        </dl>
        <ul>
          <li>
            <strong>Vertrauensbereich</strong>: Das 95-%-Konfidenzintervall gibt den Bereich an, der mit den Daten vereinbar ist: Bei wiederholten Erhebungen enthielten 95 % solcher Intervalle den wahren Wert. (nach Wilson, bei weniger als
            10 Fällen exakt). Je kleiner die Fallzahl, desto breiter.
          </li>
          <li>
            <strong>Alle Träger</strong>: der Gesamtwert aller Träger zusammen,
            ohne Namen und ohne Zahlen einzelner Träger. Er fehlt, wo er Zahlen
            anderer Träger verraten würde: bei zu wenigen anderen Trägern, bei
            sehr kleinen Zahlen oder wenn alle anderen dasselbe Ergebnis hatten
            (0 % oder 100 %).
          </li>
          <li>
            <strong>Erwartet</strong>: der Wert, den Träger im Durchschnitt mit
            Kundinnen und Kunden wie Ihren erreichen (Alter, Dauer der
            Arbeitslosigkeit, Qualifikation, Schwerbehinderung,
            Sprachförderbedarf, Arbeitslosenquote der Region). Das Verhältnis
            tatsächlich ÷ erwartet über 1 heißt: besser als erwartet (bei der
            Abbruchquote: mehr Abbrüche).
          </li>
          <li>
            <strong>Grenzen</strong>: liegt Ihr Wert innerhalb der 95-%-Grenzen,
            ist er „im Bereich des Erwartbaren“; außerhalb der 99,8-%-Grenzen
            ist ein Zufall sehr unwahrscheinlich.
          </li>
          <li>
            Fallzahlen unter {v.minCell} stehen als „&lt; {v.minCell}“ ohne
            weitere Zahlen (Sozialdatenschutz).
          </li>
        </ul>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
