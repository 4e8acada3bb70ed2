/**
 * The provider comparison leaves the page (issue 12, points 5 and 6): the staff's CSV and the
 * report for the advisory board (Beirat) as PDF, both from the same view as the page
 * (comparisonView: same filters, same suppression), and the provider's own view for the portal
 * and the API (ownComparison: its own figures, the overall RATE only, never another provider).
 *
 * Read-only: nothing is stored. The PDF is rendered outside any transaction (DESIGN § 7); the
 * Beirat's copy is the file the member of staff downloads (the figures can be reproduced from
 * the data date and filters printed in it).
 */
import { CSV_HEADER, csvRows, fileSlug, formatAsOf, POSITION_WORDS, reportTemplateData, type ExportReport } from "~/domain/comparison-export";
import { ownItem, reportFromComparison, unitOf, type OwnItem } from "~/domain/comparison-report";
import { toCsv } from "~/domain/csv";
import { ValidationError } from "~/domain/errors";
import { lineOf, measuresOf, MEASURE_DEFINITIONS, MEASURE_LABELS, RATE_MEASURES, type MeasureKey, type QueryInput } from "~/domain/outcome-comparison";
import { formatDateTime } from "~/domain/time";
import { nowIso, today } from "~/lib/clock.server";
import { em } from "~/lib/db.server";
import { renderPdf } from "~/lib/pdf.server";
import { getSettings } from "~/lib/settings.server";
import { Assignment, MeasureType, PlacePurchase, Provider } from "../../entities";
import type { CurrentUser } from "./auth.server";
import { comparisonView, ownComparison, type ComparisonView, type OwnComparison } from "./outcome-comparison.server";

/** The page's query string → the comparison's input (the same names as the page's GET form). */
export function queryInput(params: URLSearchParams): QueryInput {
  const get = (k: string) => params.get(k);
  return { line: get("line"), measure: get("measure"), type: get("type"), region: get("region"), period: get("period"), year: get("year"), end: get("end"), adjust: get("adjust") };
}

function filtersOf(view: ComparisonView): { label: string; value: string }[] {
  const q = view.query;
  return [
    { label: "Bereich", value: q.line === "brokers" ? "Vermittlung (Vermittlungsgutscheine)" : "Plätze und Maßnahmen" },
    // Brokers have no measure types.
    ...(q.line === "brokers" ? [] : [{ label: "Maßnahmeart", value: view.typeLabel ?? "alle" }]),
    { label: "Region", value: q.region ?? "alle" },
    { label: "Darstellung", value: q.adjust === "adjusted" ? "risikoadjustiert (tatsächlich ÷ erwartet)" : "Quoten" },
    // A filter that could not be used (e.g. an unknown region) is replaced as on the page, and said so.
    ...(view.errors.length ? [{ label: "Hinweis", value: view.errors.join(" ") }] : []),
  ];
}

async function staffReport(user: CurrentUser, params: URLSearchParams): Promise<{ report: ExportReport; view: ComparisonView }> {
  const view = await comparisonView(user, queryInput(params));
  const report = reportFromComparison(
    { measure: view.query.measure, period: view.query.period, overall: view.overall, rows: view.rows, funnel: view.funnel, model: view.model },
    { periodLabel: view.query.period.label, asOf: view.dataAsOf, filters: filtersOf(view), minCell: view.minCell, perturbed: view.query.period.kind !== "year", groupDisclosure: view.groupDisclosure, insiderProtection: view.insiderProtection },
  );
  return { report, view };
}

/** CSV for German Excel: the page's figures with the same suppression; period, data date and filters in every row. */
export async function comparisonCsv(user: CurrentUser, params: URLSearchParams): Promise<{ body: string; filename: string }> {
  const { report } = await staffReport(user, params);
  return { body: toCsv(CSV_HEADER(report.unit), csvRows(report)), filename: `traegervergleich-${fileSlug(report)}.csv` };
}

const TERMS = (report: ExportReport) => [
  { term: "k", meaning: report.unit === "cents" ? "ausgezahlter Betrag" : "Zahl der Ereignisse (z. B. Integrationen)" },
  { term: "n", meaning: "Zahl der Fälle, auf die sich der Wert bezieht (z. B. Austritte)" },
  { term: "95-%-Bereich", meaning: "Das 95-%-Konfidenzintervall gibt den Bereich an, der mit den Daten vereinbar ist: Bei wiederholten Erhebungen enthielten 95 % solcher Intervalle den wahren Wert. Je kleiner n, desto breiter." },
  { term: "erwartet", meaning: "der Wert, den ein durchschnittlicher Träger mit denselben Kundinnen und Kunden erreicht hätte (Alter, Dauer der Arbeitslosigkeit, Qualifikation, Schwerbehinderung, Sprachförderbedarf, Arbeitslosenquote der Region)" },
  { term: "tatsächlich/erwartet", meaning: "über 1: mehr Ereignisse als nach den Kundinnen und Kunden zu erwarten (bei Abbrüchen also schlechter), unter 1: weniger" },
  { term: "Grenzen", meaning: "95 % bzw. 99,8 % der Träger mit dieser Fallzahl lägen innerhalb, wenn alle in Wahrheit gleich gut wären" },
];

/** The Beirat report as PDF (rendered outside any transaction; nothing is stored). */
export async function comparisonReportPdf(user: CurrentUser, params: URLSearchParams): Promise<{ bytes: Uint8Array; filename: string }> {
  const { report } = await staffReport(user, params);
  const settings = await getSettings();
  const data = reportTemplateData(report, formatDateTime(nowIso()), TERMS(report));
  const bytes = await renderPdf({
    template: "comparison-report",
    data,
    letterhead: { authority: settings["letterhead.authority"], address: settings["letterhead.address"], contact: settings["letterhead.contact"], footer: settings["letterhead.footer"] },
    title: `Trägervergleich: ${report.measureLabel} (${report.periodLabel})`,
  });
  return { bytes, filename: `traegervergleich-beirat-${fileSlug(report)}.pdf` };
}

// ---------------------------------------------------------------------------------------------
// The provider's own view

export interface OwnOutcomes {
  provider: { name: string };
  line: "places" | "brokers";
  typeCode: string | null;
  period: { kind: "year" | "rolling12" | "rolling24"; from: string; to: string; label: string };
  asOf: string;
  minCell: number;
  items: OwnItem[];
}

/** The own figures for every measure of the line (or the one asked for), each against the anonymised overall. */
async function ownView(user: CurrentUser, input: QueryInput, only: MeasureKey | null): Promise<{ view: OwnOutcomes; errors: string[]; problems: OwnComparison["problems"] }> {
  const first = await ownComparison(user, { ...input, measure: only ?? input.measure ?? null, adjust: "raw" });
  const measures = only ? [only] : [...measuresOf(first.query.line)];
  const views = await Promise.all(measures.map((m) => (m === first.query.measure ? first : ownComparison(user, { ...input, measure: m, adjust: "raw" }))));
  const items = views.map((v) => {
    const m = v.query.measure;
    const adjusted = RATE_MEASURES.includes(m) ? { expectedRate: v.own.expectedRate, ratio: v.own.ratio, ratioLow: v.own.ratioLow, ratioHigh: v.own.ratioHigh } : null;
    return ownItem(m, v.own.cells[m], v.overall[m], adjusted, v.minCell, POSITION_WORDS);
  });
  const m = await em();
  const provider = await m.getRepository(Provider).findOne({ where: { id: user.providerId! }, select: { id: true, name: true } });
  const q = first.query;
  return {
    view: { provider: { name: provider?.name ?? "" }, line: q.line, typeCode: q.typeCode, period: { kind: q.period.kind, from: q.period.from, to: q.period.to, label: q.period.label }, asOf: first.dataAsOf, minCell: first.minCell, items },
    errors: first.errors,
    problems: first.problems,
  };
}

/** The API's answer: an invalid or impossible query is a 400 naming the field, never silently replaced. */
export async function ownOutcomes(
  user: CurrentUser,
  query: { line?: "places" | "brokers"; measure?: MeasureKey; typeCode?: string; period?: "year" | "rolling12" | "rolling24"; year?: string; end?: string },
): Promise<OwnOutcomes> {
  const fieldErrors: Record<string, string> = {};
  if (query.period === "year" && query.end) fieldErrors.end = "„end“ gilt nur für rolling12 und rolling24; für ein Kalenderjahr bitte „year“ angeben.";
  if (query.period && query.period !== "year" && query.year) fieldErrors.year = "„year“ gilt nur für period=year.";
  if (!query.period && query.end) fieldErrors.period = "Mit „end“ bitte auch period=rolling12 oder rolling24 angeben.";
  if (Object.keys(fieldErrors).length) throw new ValidationError(`Bitte prüfen Sie die Angaben: ${Object.values(fieldErrors).join(" ")}`, fieldErrors);
  const period = query.period ?? (query.year ? "year" : undefined);
  const input: QueryInput = { line: query.line ?? null, measure: query.measure ?? null, type: query.typeCode ?? null, period: period ?? null, year: query.year ?? null, end: query.end ?? null };
  const { view, problems } = await ownView(user, input, query.measure ?? null);
  if (query.measure && lineOf(query.measure) !== view.line) fieldErrors.measure = `Die Kennzahl „${query.measure}“ gibt es für Ihre Organisation nicht: ${view.line === "brokers" ? "Vermittler haben die Kennzahlen placement, days_to_placement, second_instalment und cost_per_lasting" : "Träger haben die Kennzahlen integration, sustainability, dropout, exam und cost_per_integration"}.`;
  if (query.line && query.line !== view.line) fieldErrors.line = view.line === "brokers" ? "Ihre Organisation vermittelt: es gibt nur die Kennzahlen der Vermittlung (line=brokers)." : "Ihre Organisation ist ein Träger von Maßnahmen: es gibt nur die Kennzahlen der Plätze (line=places).";
  // The query's problems by the API's field names, without the page's "shown instead".
  for (const [field, problem] of Object.entries(problems)) {
    const key = field === "type" ? "typeCode" : field;
    if (!fieldErrors[key]) fieldErrors[key] = problem!;
  }
  if (Object.keys(fieldErrors).length) throw new ValidationError(`Bitte prüfen Sie die Angaben: ${Object.values(fieldErrors).join(" ")}`, fieldErrors);
  return view;
}

/** The portal page: the same figures, the filters' options, the query's problems as messages. */
export async function ownOutcomesPage(user: CurrentUser, params: URLSearchParams) {
  const input = queryInput(params);
  const { view, errors } = await ownView(user, { ...input, measure: null }, null);
  const currentYear = Number(today().slice(0, 4));
  const m = await em();
  const types = view.line === "places" ? await m.getRepository(MeasureType).find({ order: { sortOrder: "ASC" } }) : [];
  const first =
    view.line === "brokers"
      ? await m.getRepository(Assignment).createQueryBuilder("a").select("MIN(a.issuedOn)", "d").where("a.providerId = :id", { id: user.providerId }).getRawOne<{ d: unknown }>()
      : await m.getRepository(PlacePurchase).createQueryBuilder("p").select("MIN(p.entryDate)", "d").where("p.providerId = :id", { id: user.providerId }).getRawOne<{ d: unknown }>();
  const firstDay = first?.d instanceof Date ? first.d.toISOString() : first?.d ? String(first.d) : null;
  const firstYear = Math.min(currentYear, Number(view.period.from.slice(0, 4)), firstDay ? Number(firstDay.slice(0, 4)) : currentYear);
  return {
    view,
    errors,
    asOfText: formatAsOf(view.asOf),
    filters: { line: view.line, type: view.typeCode ?? "", period: view.period.kind, year: view.period.kind === "year" ? view.period.from.slice(0, 4) : String(currentYear - 1) },
    options: {
      lines: [] as { value: string; label: string }[],
      types: types.map((t) => ({ value: t.code, label: t.name })),
      periods: [
        { value: "year", label: "Kalenderjahr" },
        { value: "rolling12", label: "letzte 12 Monate" },
        { value: "rolling24", label: "letzte 24 Monate" },
      ],
      years: Array.from({ length: currentYear - firstYear + 1 }, (_, i) => String(currentYear - i)).map((y) => ({ value: y, label: y })),
    },
  };
}

export { MEASURE_DEFINITIONS, MEASURE_LABELS, unitOf };
