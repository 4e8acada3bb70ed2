import { describe, expect, it } from "vitest";
import {
  admissionProblem,
  assignmentValidUntil,
  durationReachedOn,
  exclusionDeadline,
  feeFor,
  formatHours,
  isLegalBasis,
  isTargetGroup,
  LEGAL_BASES,
  LEGAL_BASIS_LABELS,
  LEGAL_BASIS_SHORT,
  normalizeText,
  parseHours,
  periodEndAfterMonths,
  periodsOverlap,
  periodCompleteOn,
  planInstalments,
  RULE_SETS,
  scheduleProblems,
  STANDARD_INSTALMENTS,
  TARGET_GROUPS,
  targetGroupsOn,
  type FeeRate,
  type FeeScheduleData,
  type InstalmentRule,
} from "~/domain/placement";

/**
 * Placement fees and the date helpers behind them (DOMAIN.md §§ 0, 1; DESIGN.md § 8).
 * Expected dates are worked out by hand from §§ 187 Abs. 2, 188 Abs. 2 and 3 BGB, never from the code.
 */

describe("legal bases", () => {
  it("has the four bases, each with a label and a short citation", () => {
    expect([...LEGAL_BASES]).toEqual(["voucher_421g", "avgs_45", "contract_37", "own_programme"]);
    expect(LEGAL_BASIS_LABELS.voucher_421g).toBe("Vermittlungsgutschein (§ 16 Abs. 1 SGB II i. V. m. § 421g SGB III a.F.)");
    expect(LEGAL_BASIS_LABELS.avgs_45).toBe("Aktivierungs- und Vermittlungsgutschein AVGS-MPAV (§ 45 Abs. 4 SGB III)");
    expect(LEGAL_BASIS_SHORT.voucher_421g).toBe("§ 421g SGB III a.F.");
    expect(LEGAL_BASIS_SHORT.contract_37).toBe("§ 37 SGB III a.F.");
    for (const b of LEGAL_BASES) {
      expect(LEGAL_BASIS_LABELS[b]).toBeTruthy();
      expect(LEGAL_BASIS_SHORT[b]).toBeTruthy();
      expect(RULE_SETS[b]).toBeDefined();
    }
  });

  it("isLegalBasis accepts exactly the four names", () => {
    for (const b of LEGAL_BASES) expect(isLegalBasis(b)).toBe(true);
    for (const v of ["", "voucher", "VOUCHER_421G", "avgs", null, undefined, 421, {}]) expect(isLegalBasis(v)).toBe(false);
  });
});

describe("RULE_SETS (statutory values per legal basis)", () => {
  it("§ 421g a.F.: 15 h for every job, insured, Gewerbeanzeige, 3 months, 4 years / more than 3 months, 6-month exclusion period", () => {
    expect(RULE_SETS.voucher_421g).toEqual({
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
    });
  });

  it("AVGS (§ 45): hours only abroad, AZAV instead of Gewerbeanzeige, same exclusions, today's citations", () => {
    const r = RULE_SETS.avgs_45;
    expect(r.hoursApplyTo).toBe("abroad");
    expect(r.minWeeklyHours).toBe(15);
    expect(r.requireInsured).toBe(true);
    expect(r.brokerStanding).toBe("azav");
    expect(r.standingCitation).toBe("§ 45 Abs. 4 S. 3 Nr. 2, § 176 SGB III");
    expect(r.minFixedTermMonths).toBe(3);
    expect(r.previousEmployerYears).toBe(4);
    expect(r.previousEmployerMonths).toBe(3);
    expect(r.exclusionCitation).toBe("§ 45 Abs. 6 SGB III");
    expect(r.claimPeriodCitation).toBe("§ 326 SGB III");
    expect(r.claimPeriodCitation).not.toContain("a.F.");
    expect(r.validityCitation).toBe("§ 45 Abs. 4 SGB III");
  });

  it("§ 37 contracts and own programmes flag parallel assignments instead of refusing them", () => {
    expect(RULE_SETS.contract_37.parallelAssignments).toBe("flag");
    expect(RULE_SETS.own_programme.parallelAssignments).toBe("flag");
    expect(RULE_SETS.voucher_421g.parallelAssignments).toBe("refuse");
    expect(RULE_SETS.avgs_45.parallelAssignments).toBe("refuse");
    expect(RULE_SETS.contract_37.hoursCitation).toBe("Vermittlungsvertrag nach § 37 SGB III a.F.");
    expect(RULE_SETS.own_programme.standingCitation).toBe("Programmbedingungen");
    expect(RULE_SETS.own_programme.brokerStanding).toBe("trade_registration");
    // A voucher lasts at most three months; contracts and programmes may assign for up to a year.
    expect(RULE_SETS.avgs_45.maxValidityMonths).toBe(3);
    expect(RULE_SETS.contract_37.maxValidityMonths).toBe(12);
    expect(RULE_SETS.own_programme.maxValidityMonths).toBe(12);
  });

  it("spreading the 2007 set did not share mutable state between bases", () => {
    expect(RULE_SETS.avgs_45).not.toBe(RULE_SETS.voucher_421g);
    expect(RULE_SETS.voucher_421g.hoursApplyTo).toBe("all");
    expect(RULE_SETS.voucher_421g.brokerStanding).toBe("trade_registration");
  });
});

describe("targetGroupsOn (age groups follow the birth date)", () => {
  it("under_25: the day before the 25th birthday yes, on the birthday no", () => {
    expect(targetGroupsOn([], "1982-03-15", "2007-03-14")).toEqual(["under_25"]);
    expect(targetGroupsOn([], "1982-03-15", "2007-03-15")).toEqual([]);
    expect(targetGroupsOn([], "1982-03-15", "2007-03-16")).toEqual([]);
  });

  it("over_50: on the 50th birthday yes, the day before no", () => {
    expect(targetGroupsOn([], "1957-03-15", "2007-03-14")).toEqual([]);
    expect(targetGroupsOn([], "1957-03-15", "2007-03-15")).toEqual(["over_50"]);
  });

  it("a person born on 29 February turns 25 on 1 March in a common year (§ 188 Abs. 3 BGB)", () => {
    expect(targetGroupsOn([], "1984-02-29", "2009-02-28")).toEqual(["under_25"]);
    expect(targetGroupsOn([], "1984-02-29", "2009-03-01")).toEqual([]);
    // In a leap year the birthday exists.
    expect(targetGroupsOn([], "1983-02-28", "2008-02-27")).toEqual(["under_25"]);
    expect(targetGroupsOn([], "1983-02-28", "2008-02-28")).toEqual([]);
  });

  it("recorded groups are kept, recorded age groups and unknown names ignored, order follows TARGET_GROUPS", () => {
    expect(targetGroupsOn(["severely_disabled", "under_25", "over_50", "bogus", "long_term_unemployed"], null, "2007-01-01")).toEqual(["long_term_unemployed", "severely_disabled"]);
    expect(targetGroupsOn(["severely_disabled", "long_term_unemployed"], "1957-01-01", "2007-01-01")).toEqual(["long_term_unemployed", "severely_disabled", "over_50"]);
    expect(targetGroupsOn(["long_term_unemployed", "long_term_unemployed"], null, "2007-01-01")).toEqual(["long_term_unemployed"]);
  });

  it("isTargetGroup knows the four groups", () => {
    expect([...TARGET_GROUPS]).toEqual(["long_term_unemployed", "severely_disabled", "under_25", "over_50"]);
    expect(isTargetGroup("over_50")).toBe(true);
    expect(isTargetGroup("over_60")).toBe(false);
    expect(isTargetGroup(null)).toBe(false);
  });
});

describe("feeFor", () => {
  const rates: FeeRate[] = [
    { targetGroup: null, totalCents: 200000, validFrom: "2005-01-01" },
    { targetGroup: null, totalCents: 210000, validFrom: "2008-01-01" },
    { targetGroup: "long_term_unemployed", totalCents: 250000, validFrom: "2007-03-01" },
    { targetGroup: "severely_disabled", totalCents: 230000, validFrom: "2005-01-01" },
    { targetGroup: "over_50", totalCents: 150000, validFrom: "2005-01-01" },
  ];
  const s = { rates };

  it("base rate without target groups", () => {
    expect(feeFor(s, [], "2007-02-28")).toBe(200000);
  });

  it("a target-group rate applies from its validFrom: the day before no, on the day yes", () => {
    expect(feeFor(s, ["long_term_unemployed"], "2007-02-28")).toBe(200000);
    expect(feeFor(s, ["long_term_unemployed"], "2007-03-01")).toBe(250000);
  });

  it("the highest rate among base and all groups wins", () => {
    expect(feeFor(s, ["severely_disabled", "long_term_unemployed"], "2007-02-28")).toBe(230000);
    expect(feeFor(s, ["severely_disabled", "long_term_unemployed"], "2007-03-01")).toBe(250000);
    expect(feeFor(s, ["long_term_unemployed", "severely_disabled"], "2007-03-01")).toBe(250000);
  });

  it("a group rate below the base rate never lowers the fee; a group without a rate gets the base rate", () => {
    expect(feeFor(s, ["over_50"], "2007-03-01")).toBe(200000);
    expect(feeFor(s, ["under_25"], "2007-03-01")).toBe(200000);
  });

  it("takes the latest valid base rate, whatever the order of the list", () => {
    expect(feeFor(s, [], "2007-12-31")).toBe(200000);
    expect(feeFor(s, [], "2008-01-01")).toBe(210000);
    expect(feeFor({ rates: [...rates].reverse() }, [], "2008-01-01")).toBe(210000);
    expect(feeFor({ rates: [...rates].reverse() }, [], "2007-12-31")).toBe(200000);
  });

  it("the latest group rate replaces an earlier one, even a higher earlier one", () => {
    const r: FeeRate[] = [
      { targetGroup: null, totalCents: 200000, validFrom: "2005-01-01" },
      { targetGroup: "long_term_unemployed", totalCents: 250000, validFrom: "2005-01-01" },
      { targetGroup: "long_term_unemployed", totalCents: 220000, validFrom: "2009-01-01" },
    ];
    expect(feeFor({ rates: r }, ["long_term_unemployed"], "2008-12-31")).toBe(250000);
    expect(feeFor({ rates: r }, ["long_term_unemployed"], "2009-01-01")).toBe(220000);
  });

  it("null without a base rate valid on the day, even if a group rate is valid", () => {
    expect(feeFor(s, ["severely_disabled"], "2004-12-31")).toBeNull();
    expect(feeFor({ rates: rates.filter((r) => r.targetGroup !== null) }, ["severely_disabled"], "2007-03-01")).toBeNull();
    expect(feeFor({ rates: [] }, [], "2007-03-01")).toBeNull();
  });
});

describe("durationReachedOn (the job start is day 1)", () => {
  const sixWeeks = { afterDays: 42, afterMonths: null };
  const sixMonths = { afterDays: null, afterMonths: 6 };

  it("42 days: start 01.01.2007 → day 42 is 11.02.2007", () => {
    expect(durationReachedOn("2007-01-01", sixWeeks)).toBe("2007-02-11");
    expect(durationReachedOn("2007-01-01", { afterDays: 1, afterMonths: null })).toBe("2007-01-01");
    // Across the end of February in a leap year.
    expect(durationReachedOn("2008-02-01", sixWeeks)).toBe("2008-03-13");
  });

  it("6 months: start 01.01.2007 → 30.06.2007", () => {
    expect(durationReachedOn("2007-01-01", sixMonths)).toBe("2007-06-30");
    expect(durationReachedOn("2007-02-28", sixMonths)).toBe("2007-08-27");
    expect(durationReachedOn("2008-02-29", sixMonths)).toBe("2008-08-28");
    expect(durationReachedOn("2007-07-15", sixMonths)).toBe("2008-01-14");
  });

  it("6 months from a month end: the period ends on the last day of the shorter month (§ 188 Abs. 3 BGB)", () => {
    expect(durationReachedOn("2007-03-31", sixMonths)).toBe("2007-09-30");
    expect(durationReachedOn("2007-08-31", sixMonths)).toBe("2008-02-29");
    expect(durationReachedOn("2006-08-31", sixMonths)).toBe("2007-02-28");
    expect(durationReachedOn("2006-08-30", sixMonths)).toBe("2007-02-28");
    expect(durationReachedOn("2007-08-30", sixMonths)).toBe("2008-02-29");
    expect(durationReachedOn("2007-08-29", sixMonths)).toBe("2008-02-28");
  });
});

describe("periodEndAfterMonths", () => {
  it.each([
    ["2007-01-01", 3, "2007-03-31"],
    ["2007-01-15", 3, "2007-04-14"],
    ["2007-11-30", 3, "2008-02-29"],
    ["2006-11-30", 3, "2007-02-28"],
    ["2007-01-31", 1, "2007-02-28"],
    ["2007-01-29", 1, "2007-02-28"],
    ["2008-01-29", 1, "2008-02-28"],
    ["2008-01-30", 1, "2008-02-29"],
    ["2007-05-31", 3, "2007-08-30"],
    ["2007-03-01", 1, "2007-03-31"],
    ["2007-12-01", 12, "2008-11-30"],
  ])("%s + %i months ends on %s", (start, months, end) => {
    expect(periodEndAfterMonths(start, months)).toBe(end);
  });
});

describe("exclusionDeadline (§ 326 SGB III: months after the end of the month)", () => {
  it("reached 11.02.2007 with 6 months → 31.08.2007", () => {
    expect(exclusionDeadline("2007-02-11", 6)).toBe("2007-08-31");
    expect(exclusionDeadline("2007-02-01", 6)).toBe("2007-08-31");
    expect(exclusionDeadline("2007-02-28", 6)).toBe("2007-08-31");
  });

  it("the first day of the next month starts the next period", () => {
    expect(exclusionDeadline("2007-03-01", 6)).toBe("2007-09-30");
  });

  it("across a year end and into February", () => {
    expect(exclusionDeadline("2007-06-30", 6)).toBe("2007-12-31");
    expect(exclusionDeadline("2007-08-15", 6)).toBe("2008-02-29");
    expect(exclusionDeadline("2006-08-15", 6)).toBe("2007-02-28");
    expect(exclusionDeadline("2007-12-31", 6)).toBe("2008-06-30");
  });

  it("0 months = end of the same month", () => {
    expect(exclusionDeadline("2007-02-11", 0)).toBe("2007-02-28");
  });
});

describe("planInstalments (the total never exceeds the fee)", () => {
  it("standard schedule, €2,000: €1,000 after 42 days, €1,000 after six months, each due the day after its period ends, with deadlines", () => {
    expect(planInstalments(STANDARD_INSTALMENTS, 200000, "2007-01-01", 6)).toEqual([
      {
        number: 1,
        label: "1. Rate nach sechs Wochen Beschäftigung",
        amountCents: 100000,
        earliestOn: "2007-02-12",
        deadlineOn: "2007-08-31",
        sameEmployer: false,
      },
      {
        number: 2,
        label: "2. Rate nach sechs Monaten beim selben Arbeitgeber",
        amountCents: 100000,
        earliestOn: "2007-07-01",
        deadlineOn: "2007-12-31",
        sameEmployer: true,
      },
    ]);
  });

  it("€2,500 total → 1,000 + 1,500 (the rest instalment = total − fixed)", () => {
    const plan = planInstalments(STANDARD_INSTALMENTS, 250000, "2007-01-01", 6);
    expect(plan.map((p) => p.amountCents)).toEqual([100000, 150000]);
  });

  it("a total below the fixed instalment: the fixed one is cut, the rest is 0", () => {
    expect(planInstalments(STANDARD_INSTALMENTS, 80000, "2007-01-01", 6).map((p) => p.amountCents)).toEqual([80000, 0]);
    expect(planInstalments(STANDARD_INSTALMENTS, 0, "2007-01-01", 6).map((p) => p.amountCents)).toEqual([0, 0]);
  });

  it("two fixed instalments above the total: the second gets only what is left", () => {
    const rules: InstalmentRule[] = [
      { number: 1, label: "1", amountCents: 150000, afterDays: 42, afterMonths: null, sameEmployer: false },
      { number: 2, label: "2", amountCents: 150000, afterDays: null, afterMonths: 6, sameEmployer: true },
    ];
    expect(planInstalments(rules, 200000, "2007-01-01", 6).map((p) => p.amountCents)).toEqual([150000, 50000]);
  });

  it("never more than the total, for any total", () => {
    for (const total of [0, 1, 99999, 100000, 100001, 150000, 200000, 250000, 999999]) {
      const sum = planInstalments(STANDARD_INSTALMENTS, total, "2007-01-01", 6).reduce((s, p) => s + p.amountCents, 0);
      expect(sum).toBe(total);
    }
  });

  it("sorts by instalment number, whatever the input order", () => {
    const plan = planInstalments([...STANDARD_INSTALMENTS].reverse(), 200000, "2007-01-01", 6);
    expect(plan.map((p) => p.number)).toEqual([1, 2]);
    expect(plan[0].amountCents).toBe(100000);
  });

  it("a month-end job start: the six months end with 29.02.2008, due from 01.03.2008; the deadline counts from February, the month of the period's last day", () => {
    const plan = planInstalments(STANDARD_INSTALMENTS, 200000, "2007-08-31", 6);
    expect(plan[0]).toMatchObject({ earliestOn: "2007-10-12", deadlineOn: "2008-04-30" });
    expect(plan[1]).toMatchObject({ earliestOn: "2008-03-01", deadlineOn: "2008-08-31" });
  });

  it("periodCompleteOn is the day after the period's last day (DOMAIN.md § 1.5: 16.04.2007 → 28.05.2007 and 16.10.2007)", () => {
    expect(periodCompleteOn("2007-04-16", { afterDays: 42, afterMonths: null })).toBe("2007-05-28");
    expect(periodCompleteOn("2007-04-16", { afterDays: null, afterMonths: 6 })).toBe("2007-10-16");
    expect(periodCompleteOn("2007-12-31", { afterDays: 1, afterMonths: null })).toBe("2008-01-01");
  });
});

describe("scheduleProblems", () => {
  const base = (over: Partial<FeeScheduleData> = {}): FeeScheduleData => ({
    legalBasis: "voucher_421g",
    validFrom: "2005-01-01",
    instalments: STANDARD_INSTALMENTS,
    rates: [
      { targetGroup: null, totalCents: 200000, validFrom: "2005-01-01" },
      { targetGroup: "long_term_unemployed", totalCents: 250000, validFrom: "2007-03-01" },
    ],
    ...over,
  });

  it("the standard schedule has no problems", () => {
    expect(scheduleProblems(base())).toEqual([]);
  });

  it("no instalments", () => {
    expect(scheduleProblems(base({ instalments: [] }))).toEqual([
      "Mindestens eine Rate ist anzugeben.",
      "Ohne Restbetragsrate muss der Gesamtbetrag ab 01.01.2005 der Summe der Raten entsprechen.",
      "Ohne Restbetragsrate muss der Gesamtbetrag ab 01.03.2007 der Summe der Raten entsprechen.",
    ]);
  });

  it("two rest instalments", () => {
    const two: InstalmentRule[] = [
      { number: 1, label: "a", amountCents: null, afterDays: 42, afterMonths: null, sameEmployer: false },
      { number: 2, label: "b", amountCents: null, afterDays: null, afterMonths: 6, sameEmployer: true },
    ];
    expect(scheduleProblems(base({ instalments: two }))).toEqual(["Nur eine Rate kann „Restbetrag“ sein."]);
  });

  it("days and months both or neither; amount 0 or negative", () => {
    const bad: InstalmentRule[] = [
      { number: 1, label: "a", amountCents: 0, afterDays: 42, afterMonths: 1, sameEmployer: false },
      { number: 2, label: "b", amountCents: null, afterDays: null, afterMonths: null, sameEmployer: true },
      { number: 3, label: "c", amountCents: -5, afterDays: 10, afterMonths: null, sameEmployer: false },
    ];
    expect(scheduleProblems(base({ instalments: bad }))).toEqual([
      "Rate 1: bitte entweder Tage oder Monate Beschäftigung angeben.",
      "Rate 1: der Betrag muss größer als 0 sein.",
      "Rate 2: bitte entweder Tage oder Monate Beschäftigung angeben.",
      "Rate 3: der Betrag muss größer als 0 sein.",
    ]);
  });

  it("a base rate (without target group) is required", () => {
    expect(scheduleProblems(base({ rates: [{ targetGroup: "long_term_unemployed", totalCents: 250000, validFrom: "2007-03-01" }] }))).toEqual([
      "Ein Grundbetrag (ohne Zielgruppe) ist anzugeben.",
    ]);
  });

  it("a total below the fixed instalments: 999,99 € refused, 1.000,00 € accepted", () => {
    expect(scheduleProblems(base({ rates: [{ targetGroup: null, totalCents: 99999, validFrom: "2006-07-01" }] }))).toEqual([
      "Der Gesamtbetrag ab 01.07.2006 ist kleiner als die Summe der festen Raten.",
    ]);
    expect(scheduleProblems(base({ rates: [{ targetGroup: null, totalCents: 100000, validFrom: "2006-07-01" }] }))).toEqual([]);
  });

  it("without a rest instalment every total must equal the sum of the instalments", () => {
    const fixed: InstalmentRule[] = [
      { number: 1, label: "a", amountCents: 100000, afterDays: 42, afterMonths: null, sameEmployer: false },
      { number: 2, label: "b", amountCents: 100000, afterDays: null, afterMonths: 6, sameEmployer: true },
    ];
    expect(scheduleProblems(base({ instalments: fixed, rates: [{ targetGroup: null, totalCents: 200000, validFrom: "2005-01-01" }] }))).toEqual([]);
    expect(scheduleProblems(base({ instalments: fixed }))).toEqual(["Ohne Restbetragsrate muss der Gesamtbetrag ab 01.03.2007 der Summe der Raten entsprechen."]);
  });
});

describe("admissionProblem", () => {
  const broker = (over: Partial<Parameters<typeof admissionProblem>[1]> = {}) => ({
    kind: "broker",
    active: true,
    tradeRegistrationDate: "2005-03-01" as string | null,
    certifications: [{ validFrom: "2006-01-01", validUntil: "2008-12-31" }],
    ...over,
  });

  it("a registered, certified, active broker can be admitted under every basis", () => {
    for (const b of LEGAL_BASES) expect(admissionProblem(b, broker(), "2007-03-01")).toBeNull();
  });

  it("only brokers, only active ones", () => {
    expect(admissionProblem("voucher_421g", broker({ kind: "training" }), "2007-03-01")).toBe("Nur private Arbeitsvermittler können zugelassen werden.");
    expect(admissionProblem("voucher_421g", broker({ active: false }), "2007-03-01")).toBe("Der Vermittler ist inaktiv.");
  });

  it("§ 421g: Gewerbeanzeige on or before the day", () => {
    const msg = "Keine Gewerbeanzeige für Arbeitsvermittlung (§ 421g Abs. 3 Nr. 4 SGB III a.F.).";
    expect(admissionProblem("voucher_421g", broker({ tradeRegistrationDate: null }), "2007-03-01")).toBe(msg);
    expect(admissionProblem("voucher_421g", broker({ tradeRegistrationDate: "2007-03-02" }), "2007-03-01")).toBe(msg);
    expect(admissionProblem("voucher_421g", broker({ tradeRegistrationDate: "2007-03-01" }), "2007-03-01")).toBeNull();
    // The Gewerbeanzeige is irrelevant under AVGS.
    expect(admissionProblem("avgs_45", broker({ tradeRegistrationDate: null }), "2007-03-01")).toBeNull();
    expect(admissionProblem("own_programme", broker({ tradeRegistrationDate: null }), "2007-03-01")).toBe("Keine Gewerbeanzeige für Arbeitsvermittlung (Programmbedingungen).");
  });

  it("AVGS: an AZAV certificate valid on the day, both ends inclusive", () => {
    const cert = [{ validFrom: "2007-03-01", validUntil: "2007-03-31" }];
    expect(admissionProblem("avgs_45", broker({ certifications: cert }), "2007-03-01")).toBeNull();
    expect(admissionProblem("avgs_45", broker({ certifications: cert }), "2007-03-31")).toBeNull();
    expect(admissionProblem("avgs_45", broker({ certifications: cert }), "2007-02-28")).toBe(
      "Keine am 28.02.2007 gültige AZAV-Trägerzulassung (§ 45 Abs. 4 S. 3 Nr. 2, § 176 SGB III).",
    );
    expect(admissionProblem("avgs_45", broker({ certifications: cert }), "2007-04-01")).toBe(
      "Keine am 01.04.2007 gültige AZAV-Trägerzulassung (§ 45 Abs. 4 S. 3 Nr. 2, § 176 SGB III).",
    );
    expect(admissionProblem("avgs_45", broker({ certifications: [] }), "2007-03-01")).toContain("Keine am 01.03.2007 gültige AZAV-Trägerzulassung");
    // The certificate is irrelevant under § 421g.
    expect(admissionProblem("voucher_421g", broker({ certifications: [] }), "2007-03-01")).toBeNull();
  });
});

describe("assignmentValidUntil (calendar months from the first day)", () => {
  it.each([
    ["2007-01-01", 3, "2007-03-31"],
    ["2007-01-15", 3, "2007-04-14"],
    ["2007-11-30", 3, "2008-02-29"],
    ["2006-11-30", 3, "2007-02-28"],
    ["2007-05-31", 3, "2007-08-30"],
    ["2007-10-31", 3, "2008-01-30"],
  ])("from %s for %i months → until %s", (from, months, until) => {
    expect(assignmentValidUntil(from, months)).toBe(until);
  });
});

describe("periodsOverlap (inclusive dates)", () => {
  const p = (validFrom: string, validUntil: string) => ({ validFrom, validUntil });
  it("sharing one day overlaps, adjacent periods do not", () => {
    expect(periodsOverlap(p("2007-01-01", "2007-03-31"), p("2007-03-31", "2007-06-30"))).toBe(true);
    expect(periodsOverlap(p("2007-03-31", "2007-06-30"), p("2007-01-01", "2007-03-31"))).toBe(true);
    expect(periodsOverlap(p("2007-01-01", "2007-03-31"), p("2007-04-01", "2007-06-30"))).toBe(false);
    expect(periodsOverlap(p("2007-04-01", "2007-06-30"), p("2007-01-01", "2007-03-31"))).toBe(false);
  });
  it("containment and identical single days overlap", () => {
    expect(periodsOverlap(p("2007-01-01", "2007-12-31"), p("2007-05-01", "2007-05-02"))).toBe(true);
    expect(periodsOverlap(p("2007-05-01", "2007-05-02"), p("2007-01-01", "2007-12-31"))).toBe(true);
    expect(periodsOverlap(p("2007-05-01", "2007-05-01"), p("2007-05-01", "2007-05-01"))).toBe(true);
  });
});

describe("normalizeText", () => {
  it("legal forms, case and spaces do not matter", () => {
    expect(normalizeText("Holzbau Kamenz GmbH")).toBe("holzbaukamenz");
    expect(normalizeText("HOLZBAU  KAMENZ")).toBe("holzbaukamenz");
    expect(normalizeText("Müller e.K.")).toBe("müller");
    expect(normalizeText("Schmidt UG (haftungsbeschränkt)")).toBe("schmidt");
    expect(normalizeText("Zug AG")).toBe("zug");
    expect(normalizeText("Lange OHG")).toBe("lange");
  });

  it("legal forms are removed only as whole words", () => {
    expect(normalizeText("Magnus Bau")).toBe("magnusbau");
    expect(normalizeText("Kaufhaus Augusta")).toBe("kaufhausaugusta");
  });

  it("„Str.“, „Str“, „Straße“ and „Strasse“ are the same street", () => {
    const expected = "bautzenerstrasse12";
    for (const v of ["Bautzener Str. 12", "Bautzener Straße 12", "Bautzener Strasse 12", "bautzener str 12", "Bautzener Str.12"]) expect(normalizeText(v)).toBe(expected);
    expect(normalizeText("Hauptstr. 5")).toBe(normalizeText("Hauptstraße 5"));
    // "str" inside a word stays as it is.
    expect(normalizeText("Astra Logistik")).toBe("astralogistik");
  });

  it("null and undefined become the empty string", () => {
    expect(normalizeText(null)).toBe("");
    expect(normalizeText(undefined)).toBe("");
    expect(normalizeText("  ")).toBe("");
  });

  it("different names stay different", () => {
    expect(normalizeText("Holzbau Kamenz GmbH")).not.toBe(normalizeText("Holzbau Bautzen GmbH"));
  });
});

describe("weekly hours in hundredths", () => {
  it.each([
    ["15", 1500],
    ["14,99", 1499],
    ["14.99", 1499],
    ["14,5", 1450],
    ["38,5 Std.", 3850],
    ["38,5 std", 3850],
    ["40h", 4000],
    [" 20 ", 2000],
    ["0,01", 1],
    ["80", 8000],
  ])("parseHours(%j) = %i", (input, expected) => {
    expect(parseHours(input)).toBe(expected);
  });

  it.each([[""], ["0"], ["0,00"], ["80,01"], ["100"], ["-5"], ["14,999"], ["vierzehn"], ["1.500"], ["14,5,5"]])("parseHours(%j) = null", (input) => {
    expect(parseHours(input)).toBeNull();
  });

  it("formatHours shows German decimals", () => {
    expect(formatHours(1499)).toBe("14,99 Std.");
    expect(formatHours(1500)).toBe("15 Std.");
    expect(formatHours(1450)).toBe("14,5 Std.");
    expect(formatHours(3850)).toBe("38,5 Std.");
    expect(formatHours(1)).toBe("0,01 Std.");
  });

  it("round trip", () => {
    for (const n of [1, 1450, 1499, 1500, 3850, 8000]) expect(parseHours(formatHours(n))).toBe(n);
  });
});
