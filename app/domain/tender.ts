import { z } from "zod";
import { berlinDate, daysBetween, formatDate } from "./time";
// The German error map for every schema (DESIGN.md § 3: errors in German).
import "./validation";

/** Tendering rules (DOMAIN.md § 2, validation rules 13–14): value, regime, periods, criteria, scores. */

export const MEASURE_TYPES = [
  { code: "bae", label: "Berufsausbildung in außerbetrieblichen Einrichtungen (BaE)" },
  { code: "placement_421i", label: "Vermittlungsmaßnahme nach § 421i SGB III a.F." },
  { code: "activation_45", label: "Maßnahme zur Aktivierung und beruflichen Eingliederung (§ 45 SGB III)" },
  { code: "placement_37", label: "Beauftragung Dritter mit der Vermittlung (§ 37 SGB III a.F.)" },
  { code: "training", label: "Trainingsmaßnahme (§§ 48–52 SGB III a.F.)" },
  { code: "fbw", label: "Berufliche Weiterbildung (FbW)" },
  { code: "qal", label: "Qualifizierung und Arbeit (QAL)" },
  { code: "youth", label: "Jugendberufshilfe" },
  { code: "other", label: "Sonstige Leistung" },
] as const;
export const MEASURE_TYPE_CODES = MEASURE_TYPES.map((m) => m.code) as string[];
export function measureTypeLabel(code: string) {
  return MEASURE_TYPES.find((m) => m.code === code)?.label ?? code;
}

export const PROCEDURE_TYPES = ["open", "restricted", "negotiated"] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];
export type Regime = "eu" | "national";
/** National and EU names of each procedure type. */
export const PROCEDURE_LABELS: Record<ProcedureType, Record<Regime, string>> = {
  open: { eu: "Offenes Verfahren", national: "Öffentliche Ausschreibung" },
  restricted: { eu: "Nicht offenes Verfahren", national: "Beschränkte Ausschreibung" },
  negotiated: { eu: "Verhandlungsverfahren", national: "Verhandlungsvergabe" },
};
export const REGIME_LABELS: Record<Regime, string> = { eu: "Oberschwellenbereich (EU-Vergaberecht, GWB/VgV)", national: "Unterschwellenbereich (nationales Vergaberecht, UVgO/VOL/A)" };

export const PRICE_UNITS = ["place_month", "participant", "participant_success"] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];
export const PRICE_UNIT_LABELS: Record<PriceUnit, string> = {
  place_month: "je Platz und Monat",
  participant: "je Teilnehmer",
  participant_success: "je Teilnehmer zzgl. Erfolgsprämie",
};

export interface LotForValue {
  quantity: number;
  durationMonths: number;
  priceUnit: PriceUnit;
  estimatedUnitPriceCents: number;
  estimatedSuccessFeeCents?: number | null;
}

/** The longest period counted in full (§ 3 Abs. 11 VgV); longer or open-ended contracts count 48 months. */
export const MAX_VALUE_MONTHS = 48;

/**
 * Estimated value of a lot (§ 3 VgV), in cents: places × monthly price × months (at most 48) for
 * BaE-like lots; participants × price (plus success fee) otherwise.
 */
export function lotValueCents(lot: LotForValue): number {
  switch (lot.priceUnit) {
    case "place_month":
      return lot.quantity * lot.estimatedUnitPriceCents * Math.min(lot.durationMonths, MAX_VALUE_MONTHS);
    case "participant":
      return lot.quantity * lot.estimatedUnitPriceCents;
    case "participant_success":
      return lot.quantity * (lot.estimatedUnitPriceCents + (lot.estimatedSuccessFeeCents ?? 0));
  }
}

export function tenderValueCents(lots: LotForValue[]): number {
  return lots.reduce((sum, l) => sum + lotValueCents(l), 0);
}

/** A dated EU threshold (Annex XIV social services and general services), in cents. */
export interface Threshold {
  validFrom: string;
  socialServicesCents: number;
  generalServicesCents: number;
}

export const DEFAULT_THRESHOLDS_TEXT = "2024-01-01;750000;221000\n2026-01-01;750000;216000";

/** Settings text "gültig ab;soziale Dienstleistungen €;allgemeine Dienstleistungen €" per line. */
export function parseThresholds(text: string): { ok: true; thresholds: Threshold[] } | { ok: false; error: string } {
  const thresholds: Threshold[] = [];
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const m = /^(\d{4}-\d{2}-\d{2})\s*;\s*(\d+)\s*;\s*(\d+)$/.exec(line);
    if (!m) return { ok: false, error: `Schwellenwerte, Zeile ${i + 1}: bitte „JJJJ-MM-TT;Betrag soziale Dienstleistungen;Betrag allgemeine Dienstleistungen“ (ganze Euro).` };
    thresholds.push({ validFrom: m[1], socialServicesCents: Number(m[2]) * 100, generalServicesCents: Number(m[3]) * 100 });
  }
  if (!thresholds.length) return { ok: false, error: "Mindestens ein Schwellenwert ist nötig." };
  return { ok: true, thresholds: thresholds.sort((a, b) => a.validFrom.localeCompare(b.validFrom)) };
}

export function thresholdOn(thresholds: Threshold[], date: string): Threshold {
  const applicable = thresholds.filter((t) => t.validFrom <= date);
  return applicable.at(-1) ?? thresholds[0];
}

export interface RegimeDecision {
  regime: Regime;
  valueCents: number;
  thresholdCents: number;
  reason: string;
}

/** Labour-market services are social services (Annex XIV Dir. 2014/24/EU). */
export function decideRegime(valueCents: number, thresholds: Threshold[], date: string, socialServices = true): RegimeDecision {
  const t = thresholdOn(thresholds, date);
  const thresholdCents = socialServices ? t.socialServicesCents : t.generalServicesCents;
  const eu = valueCents >= thresholdCents;
  const fmt = (c: number) => `${(c / 100).toLocaleString("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;
  return {
    regime: eu ? "eu" : "national",
    valueCents,
    thresholdCents,
    reason: `Geschätzter Auftragswert ${fmt(valueCents)} ${eu ? "erreicht den" : "liegt unter dem"} Schwellenwert von ${fmt(thresholdCents)} für ${socialServices ? "soziale und andere besondere Dienstleistungen" : "Dienstleistungen"} (gültig ab ${formatDate(t.validFrom)}): ${eu ? "EU-Vergaberecht (§§ 130 GWB, 64–66 VgV)" : "nationales Vergaberecht (UVgO bzw. Landesrecht)"}.`,
  };
}

/** Minimum offer period in days per regime and procedure (settings; DOMAIN.md § 2.2). */
export interface MinimumPeriods {
  eu: Record<ProcedureType, number>;
  national: Record<ProcedureType, number>;
}

/**
 * Is the offer period long enough? Counted from the day after dispatch: published on day D, a
 * period of n days ends with day D + n, so the deadline's Berlin date must be at least D + n.
 */
export function offerPeriodProblem(publishedAt: string, offersUntil: string, minimumDays: number, regime: Regime, procedure: ProcedureType): string | null {
  const days = daysBetween(berlinDate(publishedAt), berlinDate(offersUntil));
  if (days >= minimumDays) return null;
  return `Die Angebotsfrist beträgt nur ${days} Tage; für ${PROCEDURE_LABELS[procedure][regime]} (${regime === "eu" ? "EU" : "national"}) gilt eine Mindestfrist von ${minimumDays} Tagen ab dem Tag nach der Veröffentlichung.`;
}

export interface CriterionInput {
  name: string;
  weight: number;
  isPrice: boolean;
}

/** Weights add up to 100, exactly one price criterion with a weight above 0, names unique. */
export function criteriaProblems(criteria: CriterionInput[]): string[] {
  const problems: string[] = [];
  if (criteria.length === 0) return ["Es sind keine Zuschlagskriterien festgelegt."];
  const sum = criteria.reduce((s, c) => s + c.weight, 0);
  if (sum !== 100) problems.push(`Die Gewichtungen ergeben ${sum} statt 100.`);
  const prices = criteria.filter((c) => c.isPrice);
  if (prices.length !== 1) problems.push("Genau ein Kriterium muss der Preis sein.");
  else if (prices[0].weight <= 0) problems.push("Der Preis muss mit mehr als 0 gewichtet sein.");
  if (criteria.some((c) => !Number.isInteger(c.weight) || c.weight < 0)) problems.push("Gewichtungen sind ganze Zahlen ab 0.");
  const names = criteria.map((c) => c.name.trim().toLowerCase());
  if (new Set(names).size !== names.length) problems.push("Zwei Kriterien haben denselben Namen.");
  return problems;
}

/**
 * Price score (weighted points): the lowest price gets the full points, every other offer
 * points = max × lowest / price. Rounded to two decimals.
 */
export function priceScore(price: number, lowest: number, maxPoints: number): number {
  if (price <= 0 || lowest <= 0) return 0;
  return Math.round(((maxPoints * lowest) / price) * 100) / 100;
}

/** Total on a 0–100 scale: Σ weight × points / maxPoints. */
export function totalScore(parts: { weight: number; points: number; maxPoints: number }[]): number {
  return Math.round(parts.reduce((s, p) => s + (p.weight * p.points) / p.maxPoints, 0) * 100) / 100;
}

/**
 * Abnormally low offers: a price more than `percent` % below the next higher price in the same
 * lot is flagged for a written justification (§ 60 VgV). Returns the indices flagged.
 */
export function abnormallyLow(prices: number[], percent: number): Set<number> {
  const flagged = new Set<number>();
  const order = prices.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  for (let k = 0; k < order.length - 1; k++) {
    const next = order[k + 1].p;
    if (next > 0 && order[k].p < next * (1 - percent / 100)) flagged.add(order[k].i);
  }
  return flagged;
}

/** Earliest contract date after informing bidders (§ 134 GWB): 10 days electronic, 15 otherwise, from the day after dispatch. */
export function standstillDays(electronic: boolean): number {
  return electronic ? 10 : 15;
}

export const tenderSchema = z.object({
  title: z.string().trim().min(5, "Bitte geben Sie einen aussagekräftigen Titel an (mindestens 5 Zeichen).").max(300, "Titel: höchstens 300 Zeichen."),
  description: z.string().trim().max(20000, "Beschreibung: höchstens 20.000 Zeichen.").default(""),
  measureType: z.string().refine((v) => MEASURE_TYPE_CODES.includes(v), "Bitte wählen Sie die Art der Maßnahme."),
  legalBasis: z.string().trim().min(3, "Bitte geben Sie die Rechtsgrundlage an, z. B. „§ 45 SGB III“.").max(200, "Rechtsgrundlage: höchstens 200 Zeichen."),
  procedureType: z.enum(PROCEDURE_TYPES, { errorMap: () => ({ message: "Bitte wählen Sie die Verfahrensart." }) }),
});
export type TenderInput = z.output<typeof tenderSchema>;

export const lotSchema = z.object({
  title: z.string().trim().min(3, "Bitte geben Sie einen Titel für das Los an.").max(300, "Titel: höchstens 300 Zeichen."),
  quantity: z.coerce.number({ invalid_type_error: "Bitte geben Sie die Zahl der Plätze bzw. Teilnehmer an." }).int("Plätze/Teilnehmer: bitte eine ganze Zahl.").min(1, "Mindestens 1 Platz bzw. Teilnehmer.").max(100000, "Zu viele Plätze."),
  region: z.string().trim().max(100, "Region: höchstens 100 Zeichen.").default(""),
  startDate: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, "Bitte geben Sie den Beginn als Datum an."),
  durationMonths: z.coerce.number({ invalid_type_error: "Bitte geben Sie die Laufzeit in Monaten an." }).int("Laufzeit: ganze Monate.").min(1, "Laufzeit mindestens 1 Monat.").max(120, "Laufzeit höchstens 120 Monate."),
  priceUnit: z.enum(PRICE_UNITS, { errorMap: () => ({ message: "Bitte wählen Sie die Preiseinheit." }) }),
  estimatedUnitPriceCents: z.number().int().min(0, "Der geschätzte Preis darf nicht negativ sein."),
  estimatedSuccessFeeCents: z.number().int().min(0).nullable().default(null),
});
export type LotInput = z.output<typeof lotSchema>;

/** A criterion's name in documents: the price criterion marked as such unless its name says so. */
export function criterionLabel(c: { name: string; isPrice: boolean }): string {
  return c.isPrice && !/preis/i.test(c.name) ? `${c.name} (Preis)` : c.name;
}

/** States of an offer version: the last one received counts until it is withdrawn. */
export const OFFER_STATES = ["submitted", "replaced", "withdrawn"] as const;
export type OfferState = (typeof OFFER_STATES)[number];
export const OFFER_STATE_LABELS: Record<OfferState, string> = { submitted: "gültig (zählt)", replaced: "ersetzt", withdrawn: "zurückgezogen" };
