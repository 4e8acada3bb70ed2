/**
 * The placement-claim rules of DOMAIN.md § 7 items 1–10, as one pure function over plain facts.
 * Run when the broker submits a claim and again when staff decide. Each result names the rule,
 * the values and the legal citation in German. "error" rejects; "flag" needs a reviewer.
 */
import { formatCents } from "./money";
import { normalizeText, formatHours, periodEndAfterMonths, RULE_SETS, type LegalBasis, durationReachedOn, exclusionDeadline, type InstalmentRule } from "./placement";
import { addDays, addMonths, daysBetween, formatDate } from "./time";

export type RuleSeverity = "error" | "flag";

export interface RuleResult {
  /** Rule number in DOMAIN.md § 7 and a short code, e.g. "R2-hours". */
  code: string;
  severity: RuleSeverity;
  message: string;
}

export interface EmploymentSpellFact {
  employerName: string;
  from: string;
  /** Inclusive last day; null = still employed. */
  to: string | null;
  insured: boolean;
}

export interface ClaimInput {
  employerName: string;
  employerStreet: string;
  employerPostalCode: string;
  employerCity: string;
  employerVatId: string | null;
  employerIban: string | null;
  employerManager: string | null;
  /** Job in another EU/EEA state (AVGS: the hours rule applies only there). */
  abroad: boolean;
  contractDate: string;
  jobStart: string;
  /** Hundredths of an hour. */
  weeklyHours: number;
  insured: boolean;
  fixedTermEnd: string | null;
  occupation: string;
  brokerContractDate: string | null;
  /** When the employer's job offer reached the client (optional). */
  jobOfferDate: string | null;
  claimedFeeCents: number;
}

export interface BrokerFacts {
  id: number;
  name: string;
  street: string;
  postalCode: string;
  vatId: string | null;
  ibans: string[];
  /** Names of owners / managing directors / contact persons. */
  managers: string[];
  tradeRegistrationDate: string | null;
  certifications: { validFrom: string; validUntil: string }[];
}

export interface AssignmentFacts {
  id: number;
  providerId: number;
  legalBasis: LegalBasis;
  issuedOn: string;
  validFrom: string;
  validUntil: string;
  maxFeeCents: number;
}

export interface OtherClaimFact {
  id: number;
  reference: string;
  providerId: number;
  assignmentId: number;
  status: string;
  employerName: string;
  jobStart: string;
}

export interface RuleFacts {
  claim: ClaimInput;
  broker: BrokerFacts;
  assignment: AssignmentFacts;
  /** Client's employment history before this job. */
  history: EmploymentSpellFact[];
  /** Severely disabled and a fixed-term job: exception to the previous-employer rule, recorded by staff. */
  severeDisabilityException: boolean;
  /** Other claims for the same client (any broker, any programme), not including this one. */
  otherClaims: OtherClaimFact[];
  /** Valid assignments of the same client to other brokers overlapping this one. */
  otherBrokerAssignments: { reference: string; providerId: number }[];
  /** The first instalment rule of the schedule (the exclusion period counts from its duration). */
  firstInstalment: Pick<InstalmentRule, "afterDays" | "afterMonths">;
  /** Day the claim reached the authority (Berlin date). */
  submittedOn: string;
  /** [M] settings */
  settings: { suspiciousEndWindowDays: number; sameSpellWindowDays: number };
}

const OPEN_OR_ACCEPTED = ["submitted", "documents_requested", "accepted"];

function d(date: string | null | undefined): string {
  return formatDate(date);
}

/** Days of a period of months that need not run without a break (§ 191 BGB: a month counts 30 days). */
export const DAYS_PER_MONTH_191_BGB = 30;

export interface PreviousEmployment {
  /** The insured spells with this employer inside the window, clipped, merged where they overlap or adjoin. */
  spells: { from: string; to: string }[];
  /** Insured days in the window, each day once. */
  days: number;
  /** More than `months` months (DOMAIN.md § 1.5)? */
  exceeds: boolean;
}

/**
 * Insured employment with one employer within [windowStart, lastDay] (inclusive), and whether it is
 * more than `months` months (DOMAIN.md § 1.5): one uninterrupted spell is measured in calendar
 * months (§ 188 Abs. 2 BGB: 01.01.–31.03. is exactly three months, 01.01.–01.04. more); several
 * spells are added up in days with 30-day months (§ 191 BGB: more than 90 days = more than three months).
 * Spells that overlap (the same job recorded twice) or adjoin (31.01. and 01.02.) form one spell.
 */
export function previousEmployment(spells: EmploymentSpellFact[], employer: string, windowStart: string, lastDay: string, months: number): PreviousEmployment {
  const key = normalizeText(employer);
  const clipped: { from: string; to: string }[] = [];
  for (const s of spells) {
    if (!s.insured || normalizeText(s.employerName) !== key) continue;
    const from = s.from > windowStart ? s.from : windowStart;
    const to = s.to === null || s.to > lastDay ? lastDay : s.to;
    if (to >= from) clipped.push({ from, to });
  }
  clipped.sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0));
  const merged: { from: string; to: string }[] = [];
  for (const s of clipped) {
    const last = merged[merged.length - 1];
    if (last && s.from <= addDays(last.to, 1)) {
      if (s.to > last.to) last.to = s.to;
    } else merged.push({ ...s });
  }
  const days = merged.reduce((sum, s) => sum + daysBetween(s.from, s.to) + 1, 0);
  const exceeds =
    merged.length === 1 ? merged[0].to > periodEndAfterMonths(merged[0].from, months) : days > months * DAYS_PER_MONTH_191_BGB;
  return { spells: merged, days, exceeds };
}

/** Insured days with one employer within [windowStart, lastDay] (inclusive), each day once. */
export function insuredDaysWithin(spells: EmploymentSpellFact[], employer: string, windowStart: string, lastDay: string): number {
  return previousEmployment(spells, employer, windowStart, lastDay, 0).days;
}

/**
 * Is the job limited from the outset to under `months` months? (start 01.01., end 30.03. = 2 months 30 days → yes; end 31.03. → no;
 * start 30.11.2007: the three months end on 29.02.2008, so an end on 28.02.2008 is under three months.)
 */
export function limitedUnder(jobStart: string, fixedTermEnd: string | null, months: number): boolean {
  if (!fixedTermEnd) return false;
  return fixedTermEnd < periodEndAfterMonths(jobStart, months);
}

export function checkPlacementRules(f: RuleFacts): RuleResult[] {
  const out: RuleResult[] = [];
  const c = f.claim;
  const a = f.assignment;
  const rs = RULE_SETS[a.legalBasis];
  const err = (code: string, message: string) => out.push({ code, severity: "error", message });
  const flag = (code: string, message: string) => out.push({ code, severity: "flag", message });
  const validity = `${d(a.validFrom)}–${d(a.validUntil)}`;

  // 1. Validity of the voucher/assignment.
  if (c.contractDate < a.validFrom || c.contractDate > a.validUntil)
    err("R1-contract-date", `Datum des Arbeitsvertrags ${d(c.contractDate)} liegt außerhalb der Gültigkeit der Zuweisung (${validity}) (${rs.validityCitation}).`);
  if (c.jobStart < a.validFrom || c.jobStart > a.validUntil)
    err("R1-job-start", `Beschäftigungsbeginn ${d(c.jobStart)} liegt außerhalb der Gültigkeit der Zuweisung (${validity}) (${rs.validityCitation}).`);
  if (a.issuedOn > c.jobStart)
    err("R1-issued-after-start", `Die Zuweisung wurde am ${d(a.issuedOn)} ausgestellt, nach Beginn der Beschäftigung am ${d(c.jobStart)} (${rs.validityCitation}).`);
  if (c.jobStart < c.contractDate) flag("R1-start-before-contract", `Beschäftigungsbeginn ${d(c.jobStart)} liegt vor dem Datum des Arbeitsvertrags ${d(c.contractDate)}; bitte prüfen.`);

  // 2. Hours and insurance, by legal basis.
  const hoursApply = rs.hoursApplyTo === "all" || (rs.hoursApplyTo === "abroad" && c.abroad);
  if (hoursApply && c.weeklyHours < rs.minWeeklyHours * 100)
    err("R2-hours", `Wöchentliche Arbeitszeit ${formatHours(c.weeklyHours)} liegt unter der Mindestarbeitszeit von ${rs.minWeeklyHours} Std. (${rs.hoursCitation}).`);
  if (rs.requireInsured && !c.abroad && !c.insured)
    err("R2-insured", `Die Beschäftigung ist nicht sozialversicherungspflichtig (z. B. Minijob, Arbeitsgelegenheit, Selbständigkeit); vergütet wird nur eine versicherungspflichtige Beschäftigung (${rs.insuredCitation}).`);

  // 3. Limited from the outset to under three months.
  if (limitedUnder(c.jobStart, c.fixedTermEnd, rs.minFixedTermMonths))
    err("R3-fixed-term", `Die Beschäftigung ist von vornherein auf weniger als ${rs.minFixedTermMonths} Monate befristet (${d(c.jobStart)} bis ${d(c.fixedTermEnd)}) (${rs.exclusionCitation}).`);

  // 4. Previous employer within four years (months counted as DOMAIN.md § 1.5 says).
  const windowStart = addMonths(c.jobStart, -12 * rs.previousEmployerYears);
  const months = rs.previousEmployerMonths;
  const prior = previousEmployment(f.history, c.employerName, windowStart, addDays(c.jobStart, -1), months);
  if (prior.exceeds) {
    const what =
      prior.spells.length === 1
        ? `vom ${d(prior.spells[0].from)} bis ${d(prior.spells[0].to)} ununterbrochen (${prior.days} Tage)`
        : `in ${prior.spells.length} Zeiträumen insgesamt ${prior.days} Tage`;
    const measure =
      prior.spells.length === 1
        ? `mehr als ${months} Monate (§ 188 Abs. 2 BGB)`
        : `mehr als ${months} Monate (${months * DAYS_PER_MONTH_191_BGB} Tage, § 191 BGB)`;
    if (f.severeDisabilityException && c.fixedTermEnd)
      flag("R4-previous-employer-exception", `Vorbeschäftigung beim selben Arbeitgeber seit ${d(windowStart)} ${what}, ${measure}; Ausnahme für befristete Beschäftigung schwerbehinderter Menschen ist erfasst.`);
    else
      err("R4-previous-employer", `Der Kunde war in den letzten ${rs.previousEmployerYears} Jahren (seit ${d(windowStart)}) ${what} versicherungspflichtig bei „${c.employerName}“ beschäftigt, ${measure} (${rs.exclusionCitation}).`);
  }

  // 5. Broker and employer intertwined (BSG B 7a AL 56/05 R).
  const bsg = "BSG, Urteil vom 6.4.2006, B 7a AL 56/05 R";
  if (normalizeText(c.employerName) === normalizeText(f.broker.name))
    err("R5-identical", `Arbeitgeber „${c.employerName}“ und Vermittler sind identisch; eine Vermittlung in den eigenen Betrieb wird nicht vergütet (${bsg}).`);
  else {
    if (c.employerVatId && f.broker.vatId && c.employerVatId.replace(/\s/g, "").toUpperCase() === f.broker.vatId.replace(/\s/g, "").toUpperCase())
      flag("R5-vat-id", `Arbeitgeber und Vermittler haben dieselbe USt-IdNr. ${c.employerVatId} (${bsg}).`);
    if (normalizeText(c.employerStreet) && normalizeText(c.employerStreet) === normalizeText(f.broker.street) && c.employerPostalCode.trim() === f.broker.postalCode.trim())
      flag("R5-address", `Arbeitgeber und Vermittler haben dieselbe Anschrift (${c.employerStreet}, ${c.employerPostalCode}) (${bsg}).`);
    const iban = (c.employerIban ?? "").replace(/\s/g, "").toUpperCase();
    if (iban && f.broker.ibans.some((b) => b.replace(/\s/g, "").toUpperCase() === iban)) flag("R5-iban", `Arbeitgeber und Vermittler haben dieselbe Bankverbindung (IBAN endet auf ${iban.slice(-4)}) (${bsg}).`);
    const manager = normalizeText(c.employerManager);
    if (manager && f.broker.managers.some((m) => normalizeText(m) === manager)) flag("R5-manager", `Geschäftsführer/Inhaber des Arbeitgebers (${c.employerManager}) ist zugleich für den Vermittler tätig (${bsg}).`);
  }

  // 6. Written broker–client contract before the placement; fee within the voucher.
  if (!c.brokerContractDate) err("R6-broker-contract", `Es fehlt der schriftliche Vermittlungsvertrag zwischen Vermittler und Kunde (§ 296 SGB III).`);
  else if (c.brokerContractDate >= c.contractDate)
    err("R6-broker-contract", `Der Vermittlungsvertrag vom ${d(c.brokerContractDate)} liegt nicht vor dem Arbeitsvertrag vom ${d(c.contractDate)} (§ 296 SGB III).`);
  if (c.brokerContractDate && c.jobOfferDate && c.brokerContractDate > c.jobOfferDate)
    flag("R6-contract-after-offer", `Der Vermittlungsvertrag vom ${d(c.brokerContractDate)} ist nach dem Stellenangebot vom ${d(c.jobOfferDate)} datiert; Ursächlichkeit der Vermittlung prüfen.`);
  if (c.claimedFeeCents > a.maxFeeCents)
    err("R6-fee", `Die geltend gemachte Vergütung ${formatCents(c.claimedFeeCents)} übersteigt den Betrag der Zuweisung von ${formatCents(a.maxFeeCents)} (${rs.validityCitation}).`);

  // 7. The broker's standing on the placement date.
  if (rs.brokerStanding === "trade_registration" && !(f.broker.tradeRegistrationDate && f.broker.tradeRegistrationDate <= c.contractDate))
    err("R7-trade-registration", `Am ${d(c.contractDate)} lag keine Gewerbeanzeige des Vermittlers für Arbeitsvermittlung vor${f.broker.tradeRegistrationDate ? ` (angezeigt erst am ${d(f.broker.tradeRegistrationDate)})` : ""} (${rs.standingCitation}).`);
  if (rs.brokerStanding === "azav" && !f.broker.certifications.some((z) => z.validFrom <= c.contractDate && c.contractDate <= z.validUntil))
    err("R7-azav", `Am ${d(c.contractDate)} hatte der Vermittler keine gültige AZAV-Trägerzulassung (${rs.standingCitation}).`);

  // 8. The instalment conditions (42 days, six months, same employer) are checked per proof
  // (fee-instalment.machine.ts); the total is capped by planInstalments. Fixed terms ending just
  // after a threshold are flagged here.
  const window = f.settings.suspiciousEndWindowDays;
  if (c.fixedTermEnd) {
    for (const [label, reached] of [
      ["sechs Wochen", durationReachedOn(c.jobStart, { afterDays: 42, afterMonths: null })],
      ["sechs Monaten", durationReachedOn(c.jobStart, { afterDays: null, afterMonths: 6 })],
    ] as const) {
      if (c.fixedTermEnd >= reached && c.fixedTermEnd <= addDays(reached, window))
        flag("R8-end-after-threshold", `Die Befristung endet am ${d(c.fixedTermEnd)}, kurz nach ${label} Beschäftigung (${d(reached)}); Mitnahme prüfen.`);
    }
  }

  // 9. One voucher = one broker, one placement; one employment spell earns one fee.
  for (const o of f.otherClaims) {
    if (!OPEN_OR_ACCEPTED.includes(o.status)) continue;
    if (o.assignmentId === a.id) err("R9-one-placement", `Für diese Zuweisung liegt bereits der Vermittlungsnachweis ${o.reference} vor; eine Zuweisung wird nur einmal vergütet.`);
    else if (normalizeText(o.employerName) === normalizeText(c.employerName) && Math.abs(daysBetween(o.jobStart, c.jobStart)) <= f.settings.sameSpellWindowDays)
      // Another broker's claim number is not disclosed to this broker.
      err("R9-same-spell", `Dieselbe Beschäftigung (${c.employerName}, ab ${d(o.jobStart)}) ist bereits ${o.providerId === f.broker.id ? `mit ${o.reference}` : "von einem anderen Vermittler"} geltend gemacht; eine Beschäftigung wird nur einmal vergütet.`);
    else if (o.providerId !== f.broker.id) flag("R9-second-broker", `Ein anderer Vermittler hat für denselben Kunden den Vermittlungsnachweis ${o.reference} eingereicht.`);
  }
  if (f.otherBrokerAssignments.length)
    flag("R9-parallel-assignment", `Der Kunde hat zugleich gültige Zuweisungen an andere Vermittler (${f.otherBrokerAssignments.map((x) => x.reference).join(", ")}).`);
  if (a.providerId !== f.broker.id) err("R9-other-broker", "Die Zuweisung gilt für einen anderen Vermittler.");

  // 10. Exclusion period.
  const deadline = exclusionDeadline(durationReachedOn(c.jobStart, f.firstInstalment), rs.claimPeriodMonths);
  if (f.submittedOn > deadline)
    err("R10-exclusion-period", `Der Vermittlungsnachweis ist am ${d(f.submittedOn)} eingegangen, nach Ablauf der Ausschlussfrist am ${d(deadline)} (${rs.claimPeriodCitation}).`);

  return out;
}

export function hasErrors(results: RuleResult[]): boolean {
  return results.some((r) => r.severity === "error");
}
