/**
 * Placement agreements with private brokers (Vermittlungsvereinbarungen), their legal bases,
 * rule sets and fee schedules. Pure: no I/O. DOMAIN.md §§ 0, 1, 4.
 */
import { addDays, addMonths, formatDate, parseDate } from "./time";

/**
 * Last day of a period of `months` calendar months that begins with, and counts, the day `start`
 * (§ 187 Abs. 2, § 188 Abs. 2 and 3 BGB via § 26 SGB X): 01.01. + 3 → 31.03.; 31.03. + 6 → 30.09.;
 * 30.11.2007 + 3 → 29.02.2008; 30.11.2006 + 3 → 28.02.2007. When the target month lacks the
 * day before the start's day number, the period ends on that month's last day.
 */
export function periodEndAfterMonths(start: string, months: number): string {
  const plain = addMonths(start, months);
  // addMonths clamped the day (31.03. + 6 → 30.09.): that month's last day already ends the period.
  return plain.slice(8) === start.slice(8) ? addDays(plain, -1) : plain;
}

/** The legal basis of an agreement, an assignment (voucher) and therefore of a claim. */
export const LEGAL_BASES = ["voucher_421g", "avgs_45", "contract_37", "own_programme"] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const LEGAL_BASIS_LABELS: Record<LegalBasis, string> = {
  voucher_421g: "Vermittlungsgutschein (§ 16 Abs. 1 SGB II i. V. m. § 421g SGB III a.F.)",
  avgs_45: "Aktivierungs- und Vermittlungsgutschein AVGS-MPAV (§ 45 Abs. 4 SGB III)",
  contract_37: "Beauftragung Dritter mit der Vermittlung (§ 37 SGB III a.F.)",
  own_programme: "Eigenes Programm des Trägers",
};

export const LEGAL_BASIS_SHORT: Record<LegalBasis, string> = {
  voucher_421g: "§ 421g SGB III a.F.",
  avgs_45: "§ 45 SGB III",
  contract_37: "§ 37 SGB III a.F.",
  own_programme: "eigenes Programm",
};

export function isLegalBasis(v: unknown): v is LegalBasis {
  return typeof v === "string" && (LEGAL_BASES as readonly string[]).includes(v);
}

/**
 * When a legal basis was in force: a dated setting ("Vermittlung" group), one line per period
 * "code;gültig ab;gültig bis" (empty "bis": still in force). A basis without any line has no
 * limit. § 421g SGB III a.F. ended on 31.03.2012 (replaced by the AVGS, § 45 Abs. 4 SGB III, from
 * 01.04.2012); § 37 SGB III a.F. ended on 31.12.2008.
 */
export interface LegalBasisPeriod {
  basis: LegalBasis;
  validFrom: string;
  validUntil: string | null;
}

export const DEFAULT_LEGAL_BASIS_PERIODS_TEXT = "voucher_421g;2002-03-27;2012-03-31\navgs_45;2012-04-01;\ncontract_37;1998-01-01;2008-12-31";

export function parseLegalBasisPeriods(text: string): { ok: true; periods: LegalBasisPeriod[] } | { ok: false; error: string } {
  const periods: LegalBasisPeriod[] = [];
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const parts = line.split(";").map((p) => p.trim());
    const problem = `Geltungszeiträume, Zeile ${i + 1}: bitte „Rechtsgrundlage;JJJJ-MM-TT;JJJJ-MM-TT“ (Ende leer lassen, solange sie gilt; Rechtsgrundlagen: ${LEGAL_BASES.join(", ")}).`;
    if (parts.length !== 3 || !isLegalBasis(parts[0])) return { ok: false, error: problem };
    const validFrom = parseDate(parts[1]);
    const validUntil = parts[2] === "" ? null : parseDate(parts[2]);
    if (!validFrom || (parts[2] !== "" && !validUntil)) return { ok: false, error: problem };
    if (validUntil && validUntil < validFrom) return { ok: false, error: `Geltungszeiträume, Zeile ${i + 1}: Das Ende liegt vor dem Beginn.` };
    periods.push({ basis: parts[0], validFrom, validUntil });
  }
  return { ok: true, periods };
}

/** The period of `basis` in force on `date`, or undefined (null: the basis has no period at all, so no limit). */
function periodOn(basis: LegalBasis, periods: readonly LegalBasisPeriod[], date: string): LegalBasisPeriod | undefined | null {
  const own = periods.filter((p) => p.basis === basis);
  if (!own.length) return null;
  return own.find((p) => p.validFrom <= date && (p.validUntil === null || date <= p.validUntil));
}

/** Why an agreement (or voucher) under `basis` cannot start on `start`, or null when the basis is in force that day. */
export function legalBasisProblem(basis: LegalBasis, periods: readonly LegalBasisPeriod[], start: string): string | null {
  const period = periodOn(basis, periods, start);
  if (period !== undefined) return null;
  const own = periods.filter((p) => p.basis === basis).sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const ended = own.filter((p) => p.validUntil !== null && p.validUntil < start).at(-1);
  if (ended && !own.some((p) => p.validFrom > start))
    return `${LEGAL_BASIS_SHORT[basis]} galt nur bis ${formatDate(ended.validUntil!)}; eine Vereinbarung ab ${formatDate(start)} kann nicht darauf gestützt werden.`;
  return `${LEGAL_BASIS_SHORT[basis]} gilt am ${formatDate(start)} nicht (${own.map((p) => `${formatDate(p.validFrom)} – ${p.validUntil ? formatDate(p.validUntil) : "heute"}`).join(", ")}).`;
}

/** An agreement cannot outlast its legal basis: the end of the term, cut at the end of the basis's period. */
export function endWithinLegalBasis(basis: LegalBasis, periods: readonly LegalBasisPeriod[], start: string, end: string): string {
  const period = periodOn(basis, periods, start);
  return period?.validUntil && period.validUntil < end ? period.validUntil : end;
}

/**
 * The rule set per legal basis (statutory, [V] in DOMAIN.md): which checks apply and with which
 * citation. The numbers a statute fixes live here; adjustable [M] values are settings.
 */
export interface RuleSet {
  /** Minimum weekly hours: "all" jobs, only jobs "abroad" in the EU/EEA, or no hours rule. */
  minWeeklyHours: number;
  hoursApplyTo: "all" | "abroad" | "none";
  hoursCitation: string;
  /** Domestic jobs must be subject to social insurance. */
  requireInsured: boolean;
  insuredCitation: string;
  /** Proof of the broker's standing on the placement date. */
  brokerStanding: "trade_registration" | "azav" | "none";
  standingCitation: string;
  /** Jobs limited from the outset to under this many months are excluded. */
  minFixedTermMonths: number;
  /**
   * Previous employer: more than `previousEmployerMonths` months of insured employment within
   * `previousEmployerYears` before the job (one uninterrupted spell in calendar months, several
   * spells added up with 30-day months: DOMAIN.md § 1.5).
   */
  previousEmployerYears: number;
  previousEmployerMonths: number;
  exclusionCitation: string;
  /** A second valid assignment of the same client to another broker: refused or flagged. */
  parallelAssignments: "refuse" | "flag";
  /** Exclusion period for claiming (months after the end of the month in which the duration was reached). */
  claimPeriodMonths: number;
  claimPeriodCitation: string;
  validityCitation: string;
  /** Longest validity of a voucher/assignment (§ 421g: three months). */
  maxValidityMonths: number;
}

const RULES_421G: RuleSet = {
  minWeeklyHours: 15,
  hoursApplyTo: "all",
  hoursCitation: "§ 421g Abs. 1 SGB III a.F.",
  requireInsured: true,
  insuredCitation: "§ 421g Abs. 1 SGB III a.F.",
  brokerStanding: "trade_registration",
  standingCitation: "§ 421g Abs. 3 Nr. 4 SGB III a.F.",
  minFixedTermMonths: 3,
  previousEmployerYears: 4,
  previousEmployerMonths: 3,
  exclusionCitation: "§ 421g Abs. 3 SGB III a.F.",
  parallelAssignments: "refuse",
  claimPeriodMonths: 6,
  claimPeriodCitation: "§ 326 SGB III a.F.",
  validityCitation: "§ 421g Abs. 1 SGB III a.F.",
  maxValidityMonths: 3,
};

export const RULE_SETS: Record<LegalBasis, RuleSet> = {
  voucher_421g: RULES_421G,
  avgs_45: {
    ...RULES_421G,
    hoursApplyTo: "abroad",
    hoursCitation: "§ 45 Abs. 6 SGB III",
    insuredCitation: "§ 45 Abs. 6 SGB III",
    brokerStanding: "azav",
    standingCitation: "§ 45 Abs. 4 S. 3 Nr. 2, § 176 SGB III",
    exclusionCitation: "§ 45 Abs. 6 SGB III",
    claimPeriodCitation: "§ 326 SGB III",
    validityCitation: "§ 45 Abs. 4 SGB III",
  },
  contract_37: { ...RULES_421G, hoursCitation: "Vermittlungsvertrag nach § 37 SGB III a.F.", parallelAssignments: "flag", validityCitation: "Vermittlungsvertrag nach § 37 SGB III a.F.", maxValidityMonths: 12 },
  own_programme: { ...RULES_421G, hoursCitation: "Programmbedingungen", standingCitation: "Programmbedingungen", brokerStanding: "trade_registration", parallelAssignments: "flag", validityCitation: "Programmbedingungen", maxValidityMonths: 12 },
};

/** Target groups that can raise the fee (DOMAIN.md § 1.2). */
export const TARGET_GROUPS = ["long_term_unemployed", "severely_disabled", "under_25", "over_50"] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];
export const TARGET_GROUP_LABELS: Record<TargetGroup, string> = {
  long_term_unemployed: "langzeitarbeitslos",
  severely_disabled: "schwerbehindert",
  under_25: "unter 25 Jahre",
  over_50: "über 50 Jahre",
};
export function isTargetGroup(v: unknown): v is TargetGroup {
  return typeof v === "string" && (TARGET_GROUPS as readonly string[]).includes(v);
}

/** Age-based groups follow from the birth date on a given day; the others are recorded attributes. */
export function targetGroupsOn(recorded: readonly string[], birthDate: string | null, on: string): TargetGroup[] {
  const groups = new Set<TargetGroup>(recorded.filter(isTargetGroup).filter((g) => g !== "under_25" && g !== "over_50"));
  if (birthDate) {
    // The birthday on which an age is reached is the day after the period of that many years (§ 187 Abs. 2 S. 2 BGB).
    if (on <= periodEndAfterMonths(birthDate, 25 * 12)) groups.add("under_25");
    if (on > periodEndAfterMonths(birthDate, 50 * 12)) groups.add("over_50");
  }
  return TARGET_GROUPS.filter((g) => groups.has(g));
}

// ---------------------------------------------------------------------------------------------
// Fee schedules: data, not code.

/** One instalment of a schedule. `amountCents: null` = the rest of the total. */
export interface InstalmentRule {
  number: number;
  label: string;
  amountCents: number | null;
  /** Employment duration that earns it: days (42) or calendar months (6). */
  afterDays: number | null;
  afterMonths: number | null;
  sameEmployer: boolean;
}

/** A total fee, optionally for one target group, valid from a date. */
export interface FeeRate {
  targetGroup: TargetGroup | null;
  totalCents: number;
  validFrom: string;
}

export interface FeeScheduleData {
  legalBasis: LegalBasis;
  validFrom: string;
  instalments: InstalmentRule[];
  rates: FeeRate[];
}

/** The standard 2007 schedule: €2,000 incl. VAT, €1,000 after six weeks, the rest after six months. */
export const STANDARD_INSTALMENTS: InstalmentRule[] = [
  { number: 1, label: "1. Rate nach sechs Wochen Beschäftigung", amountCents: 100000, afterDays: 42, afterMonths: null, sameEmployer: false },
  { number: 2, label: "2. Rate nach sechs Monaten beim selben Arbeitgeber", amountCents: null, afterDays: null, afterMonths: 6, sameEmployer: true },
];

/** Problems with a schedule (German), empty when usable. */
export function scheduleProblems(s: FeeScheduleData): string[] {
  const problems: string[] = [];
  if (!s.instalments.length) problems.push("Mindestens eine Rate ist anzugeben.");
  const rest = s.instalments.filter((i) => i.amountCents === null);
  if (rest.length > 1) problems.push("Nur eine Rate kann „Restbetrag“ sein.");
  for (const i of s.instalments) {
    if ((i.afterDays === null) === (i.afterMonths === null)) problems.push(`Rate ${i.number}: bitte entweder Tage oder Monate Beschäftigung angeben.`);
    if (i.amountCents !== null && i.amountCents <= 0) problems.push(`Rate ${i.number}: der Betrag muss größer als 0 sein.`);
  }
  const base = s.rates.filter((r) => r.targetGroup === null);
  if (!base.length) problems.push("Ein Grundbetrag (ohne Zielgruppe) ist anzugeben.");
  const fixed = s.instalments.reduce((sum, i) => sum + (i.amountCents ?? 0), 0);
  for (const r of s.rates) {
    if (r.totalCents < fixed) problems.push(`Der Gesamtbetrag ab ${formatDate(r.validFrom)} ist kleiner als die Summe der festen Raten.`);
    if (!rest.length && r.totalCents !== fixed) problems.push(`Ohne Restbetragsrate muss der Gesamtbetrag ab ${formatDate(r.validFrom)} der Summe der Raten entsprechen.`);
  }
  return problems;
}

/** The fee for a client on a date: the highest rate among the base rate and the client's target groups, each the latest valid one. */
export function feeFor(s: Pick<FeeScheduleData, "rates">, groups: readonly TargetGroup[], on: string): number | null {
  const latest = (group: TargetGroup | null) =>
    s.rates
      .filter((r) => r.targetGroup === group && r.validFrom <= on)
      .sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1))[0]?.totalCents ?? null;
  const base = latest(null);
  if (base === null) return null;
  return Math.max(base, ...groups.map((g) => latest(g) ?? 0));
}

export interface PlannedInstalment {
  number: number;
  label: string;
  amountCents: number;
  /**
   * First day on which the instalment is due and its proof can be dated and accepted: the day
   * after the period's last day (a period is complete only when its last day is over, DOMAIN.md § 1.5).
   */
  earliestOn: string;
  /** Last day for the proof: the exclusion period ends so many months after the end of the month in which the period's last day lies. */
  deadlineOn: string;
  sameEmployer: boolean;
}

/**
 * Last day of the period an employment from `jobStart` must last for `rule` (the job start being
 * day 1): day 42, or the day before the 6-month anniversary (see periodEndAfterMonths). The
 * duration is reached at the end of this day.
 */
export function durationReachedOn(jobStart: string, rule: Pick<InstalmentRule, "afterDays" | "afterMonths">): string {
  if (rule.afterDays !== null) return addDays(jobStart, rule.afterDays - 1);
  return periodEndAfterMonths(jobStart, rule.afterMonths ?? 0);
}

/** First day on which the period is complete (the day after its last day): 16.04.2007 + 42 days → 28.05.2007; + 6 months → 16.10.2007. */
export function periodCompleteOn(jobStart: string, rule: Pick<InstalmentRule, "afterDays" | "afterMonths">): string {
  return addDays(durationReachedOn(jobStart, rule), 1);
}

/** End of the exclusion period: `months` after the end of the month in which `reachedOn` lies (§ 326 SGB III). */
export function exclusionDeadline(reachedOn: string, months: number): string {
  const firstOfNext = addMonths(`${reachedOn.slice(0, 7)}-01`, 1);
  return addDays(addMonths(firstOfNext, months), -1);
}

/** The instalments an accepted claim creates; the amounts never add up to more than the fee. */
export function planInstalments(rules: readonly InstalmentRule[], totalCents: number, jobStart: string, claimPeriodMonths: number): PlannedInstalment[] {
  const fixed = rules.reduce((s, r) => s + (r.amountCents ?? 0), 0);
  let remaining = totalCents;
  return [...rules]
    .sort((a, b) => a.number - b.number)
    .map((r) => {
      const wanted = r.amountCents ?? Math.max(0, totalCents - fixed);
      const amount = Math.min(wanted, remaining);
      remaining -= amount;
      const lastDay = durationReachedOn(jobStart, r);
      return { number: r.number, label: r.label, amountCents: amount, earliestOn: addDays(lastDay, 1), deadlineOn: exclusionDeadline(lastDay, claimPeriodMonths), sameEmployer: r.sameEmployer };
    });
}

/** Kinds of uploaded proof (DOMAIN.md § 1.3). */
export const CLAIM_DOCUMENT_KINDS = {
  employment_contract: "Arbeitsvertrag (Kopie)",
  employer_confirmation: "Bestätigung des Arbeitgebers",
  broker_contract: "Vermittlungsvertrag mit dem Kunden",
  confirmation_42_days: "Arbeitgeberbestätigung: sechs Wochen Beschäftigung",
  confirmation_6_months: "Arbeitgeberbestätigung: sechs Monate beim selben Arbeitgeber",
  other: "Sonstige Unterlage",
} as const;
export type ClaimDocumentKind = keyof typeof CLAIM_DOCUMENT_KINDS;

// ---------------------------------------------------------------------------------------------
// Agreements

export const AGREEMENT_STATES = ["draft", "offered", "active", "suspended", "terminated", "expired"] as const;
export type AgreementState = (typeof AGREEMENT_STATES)[number];
export const AGREEMENT_STATE_LABELS: Record<AgreementState, string> = {
  draft: "Entwurf",
  offered: "angeboten",
  active: "aktiv",
  suspended: "ruhend",
  terminated: "gekündigt",
  expired: "abgelaufen",
};

/** Admission conditions under today's or the 2007 rules: a reason (German) why a broker cannot be admitted, or null. */
export function admissionProblem(
  basis: LegalBasis,
  broker: { kind: string; active: boolean; tradeRegistrationDate: string | null; certifications: { validFrom: string; validUntil: string }[] },
  on: string,
): string | null {
  if (broker.kind !== "broker") return "Nur private Arbeitsvermittler können zugelassen werden.";
  if (!broker.active) return "Der Vermittler ist inaktiv.";
  const standing = RULE_SETS[basis].brokerStanding;
  if (standing === "azav" && !broker.certifications.some((c) => c.validFrom <= on && on <= c.validUntil))
    return `Keine am ${on.split("-").reverse().join(".")} gültige AZAV-Trägerzulassung (${RULE_SETS[basis].standingCitation}).`;
  if (standing === "trade_registration" && !(broker.tradeRegistrationDate && broker.tradeRegistrationDate <= on))
    return `Keine Gewerbeanzeige für Arbeitsvermittlung (${RULE_SETS[basis].standingCitation}).`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Assignments (Zuweisung / Vermittlungsgutschein)

export const ASSIGNMENT_STATES = ["active", "redeemed", "expired", "withdrawn"] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];
export const ASSIGNMENT_STATE_LABELS: Record<AssignmentState, string> = {
  active: "gültig",
  redeemed: "eingelöst",
  expired: "abgelaufen",
  withdrawn: "zurückgezogen",
};

/** Default validity: `months` calendar months from the first day (3 months: 01.01. – 31.03.). */
export function assignmentValidUntil(validFrom: string, months: number): string {
  return periodEndAfterMonths(validFrom, months);
}

/** Do two validity periods overlap (inclusive dates)? */
export function periodsOverlap(a: { validFrom: string; validUntil: string }, b: { validFrom: string; validUntil: string }): boolean {
  return a.validFrom <= b.validUntil && b.validFrom <= a.validUntil;
}

/** Reference formats: K-004711, VG-2007-000123, VN-2007-00042, VV-2007-0007. */
export function clientReference(n: number): string {
  return `K-${String(n).padStart(6, "0")}`;
}

/** Normalised text for comparing names and addresses (case, spaces, punctuation, "straße"). */
export function normalizeText(v: string | null | undefined): string {
  return (v ?? "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/str\.?(?=\s|\d|$)/g, "strasse")
    .replace(/\b(gmbh|ug|e\.?\s?k\.?|ohg|kg|ag|haftungsbeschränkt|mbh)\b/g, "")
    .replace(/[^a-z0-9äöü]+/g, "");
}

/** Weekly hours are stored in hundredths (14,5 h = 1450). */
export function formatHours(hundredths: number): string {
  const v = hundredths / 100;
  return `${v.toLocaleString("de-DE", { maximumFractionDigits: 2 })} Std.`;
}

export function parseHours(input: string): number | null {
  const v = input.trim().replace(/\s*(std\.?|h)$/i, "").replace(",", ".");
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(v)) return null;
  const n = Math.round(Number(v) * 100);
  return n > 0 && n <= 8000 ? n : null;
}
