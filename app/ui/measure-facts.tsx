import { Link } from "@remix-run/react";
import { formatCents } from "~/domain/money";
import { formatDate } from "~/domain/time";

/** What a catalogue entry detail shows (staff and portal): the fields of the entry, in German. */
export interface MeasureFactsData {
  reference: string;
  typeName: string;
  origin: string;
  originLabel: string;
  providerName: string;
  hostName: string;
  region: string;
  location: string;
  description: string;
  formatLabel: string;
  entryMode: string;
  entryModeLabel: string;
  startDates: string[];
  durationLabel: string;
  weeklyHoursLabel: string;
  capacity: number;
  priceModel: string;
  priceModelLabel: string;
  priceCents: number;
  proRataLabel: string;
  eventFees: { event: string; eventLabel: string; label: string; amountCents: number }[];
  targetGroupLabels: string[];
  minAge: number | null;
  maxAge: number | null;
  entryConditions: string;
  validFrom: string;
  validUntil: string;
  baReference: string;
  baNote: string;
  azavNumber: string;
  azavValidFrom: string | null;
  azavValidUntil: string | null;
  contractId: number | null;
  contractReference: string | null;
  tenderId: number | null;
  tenderReference: string | null;
  createdBy: string;
  proposedBy: string;
}

function ages(min: number | null, max: number | null): string {
  if (min === null && max === null) return "keine Altersgrenze";
  if (min !== null && max !== null) return `${min} bis ${max} Jahre (am Starttag)`;
  return min !== null ? `ab ${min} Jahren (am Starttag)` : `bis ${max} Jahre (am Starttag)`;
}

export function MeasureFacts({ measure: x, staff }: { measure: MeasureFactsData; staff: boolean }) {
  return (
    <div className="grid grid-wide">
      <section className="panel" aria-labelledby="h-measure">
        <h2 id="h-measure">Maßnahme</h2>
        <dl className="facts">
          <dt>Nummer</dt>
          <dd>{x.reference}</dd>
          <dt>Maßnahmeart</dt>
          <dd>{x.typeName}</dd>
          <dt>{x.origin === "employer" ? "Arbeitgeber" : "Träger"}</dt>
          <dd>
            {x.origin === "employer" ? x.hostName : x.providerName || "–"}
            {x.origin !== "employer" && x.hostName ? ` (Einsatzstelle: ${x.hostName})` : ""}
          </dd>
          <dt>Region, Ort</dt>
          <dd>{[x.region, x.location].filter(Boolean).join(", ") || "–"}</dd>
          <dt>Form</dt>
          <dd>{x.formatLabel}</dd>
          <dt>Einstieg</dt>
          <dd>
            {x.entryModeLabel}
            {x.entryMode === "dates" && x.startDates.length ? `: ${x.startDates.map(formatDate).join(", ")}` : ""}
          </dd>
          <dt>Dauer einer Teilnahme</dt>
          <dd>{x.durationLabel}</dd>
          <dt>Stunden je Woche</dt>
          <dd>{x.weeklyHoursLabel}</dd>
          <dt>Plätze</dt>
          <dd>{x.capacity.toLocaleString("de-DE")} gleichzeitig</dd>
          <dt>Einkauf möglich</dt>
          <dd>
            {formatDate(x.validFrom)} bis {formatDate(x.validUntil)}
          </dd>
          {x.description ? (
            <>
              <dt>Beschreibung</dt>
              <dd style={{ whiteSpace: "pre-wrap" }}>{x.description}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="panel" aria-labelledby="h-price">
        <h2 id="h-price">Preis</h2>
        <dl className="facts">
          <dt>Preismodell</dt>
          <dd>{x.priceModelLabel}</dd>
          <dt>Preis</dt>
          <dd>{x.priceModel === "none" ? "ohne Vergütung" : `${formatCents(x.priceCents)} ${x.priceModelLabel}`}</dd>
          {x.proRataLabel ? (
            <>
              <dt>Angefangene Monate</dt>
              <dd>{x.proRataLabel}</dd>
            </>
          ) : null}
          <dt>Beträge bei Ereignissen</dt>
          <dd>
            {x.eventFees.length ? (
              <ul className="plain">
                {x.eventFees.map((f, i) => (
                  <li key={i}>
                    {f.label}: {formatCents(f.amountCents)}{f.label === f.eventLabel ? "" : ` (${f.eventLabel})`}
                  </li>
                ))}
              </ul>
            ) : (
              "keine"
            )}
          </dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="h-who">
        <h2 id="h-who">Für wen</h2>
        <dl className="facts">
          <dt>Zielgruppen</dt>
          <dd>{x.targetGroupLabels.length ? x.targetGroupLabels.join(", ") : "alle"}</dd>
          <dt>Alter</dt>
          <dd>{ages(x.minAge, x.maxAge)}</dd>
          <dt>Zugangsvoraussetzungen</dt>
          <dd style={{ whiteSpace: "pre-wrap" }}>{x.entryConditions || "–"}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="h-origin">
        <h2 id="h-origin">Herkunft</h2>
        <dl className="facts">
          <dt>Herkunft</dt>
          <dd>{x.originLabel}</dd>
          {x.origin === "ba" ? (
            <>
              <dt>Nummer der BA</dt>
              <dd>{x.baReference}</dd>
              <dt>Vergaberecht</dt>
              <dd>{x.baNote}</dd>
            </>
          ) : null}
          {x.origin === "certified" ? (
            <>
              <dt>Maßnahmezulassung (AZAV)</dt>
              <dd>{x.azavNumber}</dd>
              <dt>Zulassung gültig</dt>
              <dd>
                {formatDate(x.azavValidFrom)} bis {formatDate(x.azavValidUntil)}
              </dd>
            </>
          ) : null}
          {x.origin === "contract" ? (
            <>
              <dt>Vertrag</dt>
              <dd>
                {x.contractReference ?? "–"}
                {staff && x.tenderId ? (
                  <>
                    {" "}
                    aus <Link to={`/tenders/${x.tenderId}`}>{x.tenderReference}</Link>
                  </>
                ) : null}
              </dd>
            </>
          ) : null}
          {staff && (x.createdBy || x.proposedBy) ? (
            <>
              <dt>{x.proposedBy ? "Vorgeschlagen von" : "Angelegt von"}</dt>
              <dd>{x.proposedBy || x.createdBy}</dd>
            </>
          ) : null}
        </dl>
      </section>
    </div>
  );
}
