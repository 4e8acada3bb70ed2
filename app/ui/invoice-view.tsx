/**
 * An e-invoice's business terms shown as a readable invoice (semantic HTML, German labels). Each
 * value names its EN 16931 business term in small print, so staff can match it with the
 * validator's messages (BR-… rule ids name the same terms).
 */
import type { ReactNode } from "react";
import { money, type BusinessTerms } from "~/domain/einvoice";
import {
  addressLines,
  date,
  decimalDe,
  ibanDisplay,
  paymentMeansLabel,
  percent,
  period,
  totalsRows,
  typeLabel,
  unitLabel,
  vatCategoryLabel,
} from "~/domain/einvoice/display";

function Bt({ children }: { children: string }) {
  return <small className="muted"> ({children})</small>;
}

function Fact({ label, term, children }: { label: string; term: string; children: ReactNode }) {
  return (
    <>
      <dt>
        {label}
        <Bt>{term}</Bt>
      </dt>
      <dd>{children ?? "–"}</dd>
    </>
  );
}

function Address({ lines }: { lines: string[] }) {
  return (
    <>
      {lines.map((l, i) => (
        <span key={i}>
          {i > 0 ? <br /> : null}
          {l}
        </span>
      ))}
    </>
  );
}

export function InvoiceView({ terms: t, headingLevel = 2 }: { terms: BusinessTerms; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? "h2" : "h3";
  const m = (c: number | null) => money(c, t.currency);
  const allowancesCharges = [...t.allowances, ...t.charges];
  return (
    <article className="invoice-view" aria-label={`Rechnung ${t.number ?? ""}`.trim()}>
      <section className="panel" aria-labelledby="inv-parties">
        <H id="inv-parties">
          {typeLabel(t.typeCode)} {t.number ?? "ohne Nummer"}
        </H>
        <div className="grid">
          <address>
            <strong>Verkäufer</strong>
            <Bt>BG-4</Bt>
            <br />
            {t.sellerName ?? "–"}
            <Bt>BT-27</Bt>
            {t.sellerTradingName && t.sellerTradingName !== t.sellerName ? (
              <>
                <br />
                {t.sellerTradingName}
              </>
            ) : null}
            <br />
            <Address lines={addressLines(t.sellerAddress)} />
            {t.sellerContact ? (
              <>
                <br />
                {[t.sellerContact.name, t.sellerContact.phone].filter(Boolean).join(", ")}
                {t.sellerContact.email ? (
                  <>
                    <br />
                    <a href={`mailto:${t.sellerContact.email}`}>{t.sellerContact.email}</a>
                  </>
                ) : null}
              </>
            ) : null}
          </address>
          <address>
            <strong>Käufer</strong>
            <Bt>BG-7</Bt>
            <br />
            {t.buyerName ?? "–"}
            <Bt>BT-44</Bt>
            <br />
            <Address lines={addressLines(t.buyerAddress)} />
          </address>
        </div>
        <dl className="facts">
          <Fact label="Rechnungsnummer" term="BT-1">{t.number}</Fact>
          <Fact label="Rechnungsdatum" term="BT-2">{date(t.issueDate)}</Fact>
          <Fact label="Rechnungsart" term="BT-3">{typeLabel(t.typeCode)}</Fact>
          <Fact label="Währung" term="BT-5">{t.currency}</Fact>
          <Fact label="Fällig am" term="BT-9">{date(t.dueDate)}</Fact>
          <Fact label="Leitweg-ID / Käuferreferenz" term="BT-10">{t.buyerReference}</Fact>
          {t.contractReference ? <Fact label="Vertragsnummer" term="BT-12">{t.contractReference}</Fact> : null}
          {t.orderReference ? <Fact label="Bestellnummer" term="BT-13">{t.orderReference}</Fact> : null}
          {t.periodStart || t.periodEnd ? <Fact label="Abrechnungszeitraum" term="BT-73/74">{period(t.periodStart, t.periodEnd)}</Fact> : null}
          <Fact label="USt-IdNr. des Verkäufers" term="BT-31">{t.sellerVatId}</Fact>
          {t.sellerTaxId ? <Fact label="Steuernummer des Verkäufers" term="BT-32">{t.sellerTaxId}</Fact> : null}
        </dl>
      </section>

      <section className="panel" aria-labelledby="inv-lines">
        <H id="inv-lines">
          Positionen <Bt>BG-25</Bt>
        </H>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Nr.</th>
              <th scope="col">Bezeichnung</th>
              <th scope="col" className="num">Menge</th>
              <th scope="col">Einheit</th>
              <th scope="col" className="num">Preis</th>
              <th scope="col">USt</th>
              <th scope="col" className="num">Netto</th>
            </tr>
          </thead>
          <tbody>
            {t.lines.map((l, i) => (
              <tr key={`${l.id ?? ""}-${i}`}>
                <td>{l.id ?? "–"}</td>
                <td>{l.name ?? "–"}</td>
                <td className="num">{decimalDe(l.quantity)}</td>
                <td>{unitLabel(l.unitCode)}</td>
                <td className="num">
                  {decimalDe(l.price)}
                  {l.priceBaseQuantity !== "1" ? ` je ${decimalDe(l.priceBaseQuantity)}` : ""}
                </td>
                <td>
                  {l.vatCategoryCode ?? "–"} {percent(l.vatRatePercent)}
                </td>
                <td className="num">{m(l.netCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {allowancesCharges.length ? (
          <table className="data" aria-label="Nachlässe und Zuschläge auf Dokumentebene">
            <thead>
              <tr>
                <th scope="col">Art</th>
                <th scope="col">Grund</th>
                <th scope="col">USt</th>
                <th scope="col" className="num">Betrag</th>
              </tr>
            </thead>
            <tbody>
              {allowancesCharges.map((a, i) => (
                <tr key={i}>
                  <td>
                    {a.charge ? "Zuschlag" : "Nachlass"}
                    <Bt>{a.charge ? "BG-21" : "BG-20"}</Bt>
                  </td>
                  <td>{a.reason ?? a.reasonCode ?? "–"}</td>
                  <td>
                    {a.vatCategoryCode ?? "–"} {percent(a.vatRatePercent)}
                  </td>
                  <td className="num">{m(a.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="inv-totals">
        <H id="inv-totals">Summen</H>
        <table className="data">
          <tbody>
            {totalsRows(t).map((r) => (
              <tr key={r.term + r.label}>
                <th scope="row">
                  {r.label}
                  <Bt>{r.term}</Bt>
                </th>
                <td className="num">{r.strong ? <strong>{r.value}</strong> : r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="data" aria-label="Umsatzsteuer nach Kategorien">
          <caption>
            Umsatzsteuer <Bt>BG-23</Bt>
          </caption>
          <thead>
            <tr>
              <th scope="col">Kategorie</th>
              <th scope="col" className="num">Satz</th>
              <th scope="col" className="num">Bemessungsgrundlage</th>
              <th scope="col" className="num">Steuer</th>
            </tr>
          </thead>
          <tbody>
            {t.vatBreakdown.map((v, i) => (
              <tr key={i}>
                <td>
                  {vatCategoryLabel(v.categoryCode)}
                  {v.exemptionReason ? <small className="muted"> – {v.exemptionReason}</small> : null}
                </td>
                <td className="num">{percent(v.ratePercent)}</td>
                <td className="num">{m(v.taxableCents)}</td>
                <td className="num">{m(v.taxCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel" aria-labelledby="inv-payment">
        <H id="inv-payment">
          Zahlung <Bt>BG-16</Bt>
        </H>
        <dl className="facts">
          <Fact label="Zahlungsart" term="BT-81">{paymentMeansLabel(t.paymentMeansCode)}</Fact>
          {t.accounts.map((a, i) => (
            <Fact key={i} label={t.accounts.length > 1 ? `Konto ${i + 1}` : "Konto"} term="BT-84">
              <span className="mono">{ibanDisplay(a.iban)}</span>
              {a.bic ? <> · BIC {a.bic}</> : null}
              {a.name ? <> · {a.name}</> : null}
            </Fact>
          ))}
          {t.remittanceInformation ? <Fact label="Verwendungszweck" term="BT-83">{t.remittanceInformation}</Fact> : null}
          {t.mandateId ? <Fact label="Mandatsreferenz" term="BT-89">{t.mandateId}</Fact> : null}
          <Fact label="Zahlungsbedingungen" term="BT-20">
            {t.paymentTerms ? <span className="prewrap">{t.paymentTerms}</span> : "–"}
          </Fact>
        </dl>
      </section>
    </article>
  );
}
