/**
 * "Maßnahmen im Jahr": the Eingliederungsbericht's figures of individual places computed from the
 * records (app/domain/place-report.ts), for any year, and as CSV.
 */
import { Contract, Invoice, Measure, MeasureType, Outcome, PaymentItem, PlacePurchase } from "../../entities";
import { toCsv } from "~/domain/csv";
import { formatCents } from "~/domain/money";
import { measureFigures, type MeasureFigures, type PurchaseFact } from "~/domain/place-report";
import { today } from "~/lib/clock.server";
import { em } from "~/lib/db.server";
import type { CurrentUser } from "./auth.server";
import { requireCan } from "./placement-common.server";

export interface MeasuresReport extends MeasureFigures {
  rows: (MeasureFigures["rows"][number] & { spent: string })[];
  total: MeasureFigures["total"] & { spent: string };
}

/**
 * The years with data (a place starting, entering or leaving in the year), oldest first, up to
 * the current year: a later year has no figures yet.
 */
export async function reportYears(): Promise<number[]> {
  const m = await em();
  const current = Number(today().slice(0, 4));
  const found = new Set<number>();
  for (const column of ["startDate", "entryDate", "exitDate"]) {
    const rows = await m.getRepository(PlacePurchase).createQueryBuilder("p").select(`SUBSTR(p.${column}, 1, 4)`, "year").where(`p.${column} IS NOT NULL`).groupBy(`SUBSTR(p.${column}, 1, 4)`).getRawMany<{ year: string }>();
    for (const r of rows) if (Number(r.year) <= current) found.add(Number(r.year));
  }
  return [...found].sort((a, b) => a - b);
}

/** The year of the report: asked for and with data, the default, or why it cannot be shown. */
export type YearChoice = { kind: "ok"; year: number } | { kind: "invalid"; asked: string; message: string } | { kind: "no_data"; year: number; message: string };

/**
 * The year asked for (?year=), else the latest full year with data (else the latest year with
 * data, else the current year). A value that is not a year, or a year without data (before the
 * records, in the future), is never replaced by another year silently: it comes back with a
 * German message.
 */
export function reportYear(search: URLSearchParams, years: readonly number[]): YearChoice {
  const raw = (search.get("year") ?? "").trim();
  const current = Number(today().slice(0, 4));
  if (raw === "") {
    const lastFull = current - 1;
    return { kind: "ok", year: years.includes(lastFull) ? lastFull : (years[years.length - 1] ?? current) };
  }
  if (!/^\d{4}$/.test(raw)) return { kind: "invalid", asked: raw, message: `„${raw.slice(0, 40)}“ ist keine Jahreszahl. Bitte wählen Sie ein Jahr aus der Liste.` };
  const year = Number(raw);
  if (year > current) return { kind: "no_data", year, message: `Für ${year} gibt es noch keine Zahlen: das Jahr liegt in der Zukunft. Bitte wählen Sie ein Jahr aus der Liste.` };
  if (years.includes(year)) return { kind: "ok", year };
  const range = years.length ? ` Erfasst sind die Jahre ${years[0]} bis ${years[years.length - 1]}.` : "";
  return { kind: "no_data", year, message: `Für ${year} sind keine Platzkäufe erfasst.${range} Bitte wählen Sie ein Jahr aus der Liste.` };
}

export async function measuresInYear(user: CurrentUser, year: number): Promise<MeasuresReport> {
  requireCan(user, "read:place:any");
  const m = await em();
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  // Every purchase that starts, enters or leaves in the year, with its measure and the outcome at exit.
  const raw = await m
    .getRepository(PlacePurchase)
    .createQueryBuilder("p")
    .innerJoin(Measure, "m", "m.id = p.measureId")
    .leftJoin(Outcome, "o", "o.purchaseId = p.id AND o.checkpoint = 'exit'")
    .select(["p.measureId AS \"measureId\"", "m.typeCode AS \"typeCode\"", "m.origin AS \"origin\"", "m.format AS \"format\"", "m.contractId AS \"contractId\""])
    .addSelect(["p.startDate AS \"startDate\"", "p.entryDate AS \"entryDate\"", "p.exitDate AS \"exitDate\"", "p.status AS \"status\"", "o.status AS \"exitOutcome\""])
    .where("(p.startDate >= :from AND p.startDate <= :to) OR (p.entryDate >= :from AND p.entryDate <= :to) OR (p.exitDate >= :from AND p.exitDate <= :to)", { from, to })
    .getRawMany<PurchaseFact>();
  const facts = raw.map((f) => ({ ...f, measureId: Number(f.measureId), contractId: f.contractId === null ? null : Number(f.contractId) }));
  const contractIds = [...new Set(facts.map((f) => f.contractId).filter((c): c is number => c !== null))];
  const contracts = contractIds.length ? await m.getRepository(Contract).createQueryBuilder("c").select(["c.id", "c.quantity"]).where("c.id IN (:...ids)", { ids: contractIds }).getMany() : [];
  // Money spent: paid payment items of invoices for places, by the measure type, paid in the year.
  const spent = await m
    .getRepository(PaymentItem)
    .createQueryBuilder("pi")
    .innerJoin(Invoice, "i", "i.id = pi.invoiceId")
    .innerJoin(PlacePurchase, "p", "p.id = i.purchaseId")
    .innerJoin(Measure, "m", "m.id = p.measureId")
    .select("m.typeCode", "typeCode")
    .addSelect("COALESCE(SUM(pi.amountCents), 0)", "cents")
    .where("pi.status = 'paid' AND pi.paidOn >= :from AND pi.paidOn <= :to", { from, to })
    .groupBy("m.typeCode")
    .getRawMany<{ typeCode: string; cents: string }>();
  const types = await m.getRepository(MeasureType).find({ order: { sortOrder: "ASC" } });
  const figures = measureFigures(year, facts, {
    contractQuantity: new Map(contracts.map((c) => [c.id, c.quantity])),
    spentByType: new Map(spent.map((s) => [s.typeCode, Number(s.cents)])),
    typeLabels: new Map(types.map((t) => [t.code, t.name])),
  });
  return { ...figures, rows: figures.rows.map((r) => ({ ...r, spent: formatCents(r.spentCents) })), total: { ...figures.total, spent: formatCents(figures.total.spentCents) } };
}

export async function measuresInYearCsv(user: CurrentUser, year: number): Promise<string> {
  const r = await measuresInYear(user, year);
  // Plain numbers for spreadsheets; suppressed cells as "< 3".
  const v = (c: { value: number | null; text: string }) => (c.value === null ? c.text : String(c.value));
  const lines: unknown[][] = [
    ["Kennzahl", `BaE-Plätze bei der BA eingekauft (Beginn ${year})`, v(r.bae.fromBa)],
    ["Kennzahl", "BaE aus eigener Ausschreibung: Teilnehmende", v(r.bae.ownTender)],
    ["Kennzahl", "BaE aus eigener Ausschreibung: Plätze laut Vertrag", v(r.bae.ownCapacity)],
    ["Kennzahl", "MAE: Maßnahmen", v(r.mae.measures)],
    ["Kennzahl", "MAE: Teilnehmende", v(r.mae.participants)],
    ["Kennzahl", "MAE: davon Gruppenmaßnahmen", v(r.mae.groupMeasures)],
    ["Kennzahl", "Trainingsmaßnahmen beim Arbeitgeber: Austritte", v(r.employerTraining.exits)],
    ["Kennzahl", "Trainingsmaßnahmen beim Arbeitgeber: vermittelt", v(r.employerTraining.placed)],
    ["Kennzahl", "Trainingsmaßnahmen beim Arbeitgeber: Vermittlungsquote (%)", v(r.employerTraining.sharePercent)],
    ["Kennzahl", "Jugendberufshilfe: Maßnahmen", v(r.youth.measures)],
    ["Kennzahl", "Jugendberufshilfe: Teilnehmende", v(r.youth.participants)],
    ["Kennzahl", "Reha-BaE: Eintritte", v(r.rehaBae.starts)],
    ["Kennzahl", "§ 421i: Maßnahmen", r.p421i.measures.text],
    ["Kennzahl", "§ 421i: Teilnehmende", r.p421i.participants.text],
  ].map((l) => [year, ...l, "", "", "", "", ""]);
  for (const row of [...r.rows, ...(r.rows.length ? [r.total] : [])]) lines.push([year, "Maßnahmeart", row.label, v(row.measures), v(row.entries), v(row.exits), v(row.dropouts), v(row.integrations), (row.spentCents / 100).toFixed(2).replace(".", ",")]);
  return toCsv(["Jahr", "Art", "Bezeichnung", "Wert / Maßnahmen", "Eintritte", "Austritte", "Abbrüche", "Integrationen", "Ausgaben (EUR)"], lines);
}
