import { describe, expect, it } from "vitest";
import type { LegalBasis } from "~/domain/placement";
import {
  checkPlacementRules,
  hasErrors,
  insuredDaysWithin,
  limitedUnder,
  type AssignmentFacts,
  type BrokerFacts,
  type ClaimInput,
  type EmploymentSpellFact,
  type OtherClaimFact,
  type RuleFacts,
  type RuleResult,
} from "~/domain/placement-rules";

/**
 * DOMAIN.md § 7 rules 1–10 with their boundary values. Every test starts from one clean claim
 * (no results at all) and changes one thing; expected messages are written out by hand.
 */

const BSG = "BSG, Urteil vom 6.4.2006, B 7a AL 56/05 R";

interface Overrides extends Partial<Omit<RuleFacts, "claim" | "broker" | "assignment" | "settings">> {
  claim?: Partial<ClaimInput>;
  broker?: Partial<BrokerFacts>;
  assignment?: Partial<AssignmentFacts>;
  settings?: Partial<RuleFacts["settings"]>;
}

/**
 * A clean voucher placement (§ 421g a.F.): voucher 15.11.2006–14.02.2007, broker contract 20.11.2006,
 * job offer 01.12.2006, employment contract 20.12.2006, job start 01.01.2007, 38,5 h, insured,
 * not fixed-term, claim received 20.02.2007 (day 42 = 11.02.2007).
 */
function facts(o: Overrides = {}): RuleFacts {
  const { claim, broker, assignment, settings, ...rest } = o;
  return {
    claim: {
      employerName: "Holzbau Kamenz GmbH",
      employerStreet: "Bautzener Straße 12",
      employerPostalCode: "01917",
      employerCity: "Kamenz",
      employerVatId: "DE123456789",
      employerIban: "DE02120300000000202051",
      employerManager: "Erika Muster",
      abroad: false,
      contractDate: "2006-12-20",
      jobStart: "2007-01-01",
      weeklyHours: 3850,
      insured: true,
      fixedTermEnd: null,
      occupation: "Tischler",
      brokerContractDate: "2006-11-20",
      jobOfferDate: "2006-12-01",
      claimedFeeCents: 200000,
      ...claim,
    },
    broker: {
      id: 1,
      name: "Vermittlung Lausitz GmbH",
      street: "Kirchstraße 3",
      postalCode: "02977",
      vatId: "DE987654321",
      ibans: ["DE89 3704 0044 0532 0130 00"],
      managers: ["Hans Vermittler", "Petra Partner"],
      tradeRegistrationDate: "2005-03-01",
      certifications: [{ validFrom: "2006-01-01", validUntil: "2009-12-31" }],
      ...broker,
    },
    assignment: {
      id: 10,
      providerId: 1,
      legalBasis: "voucher_421g",
      issuedOn: "2006-11-15",
      validFrom: "2006-11-15",
      validUntil: "2007-02-14",
      maxFeeCents: 200000,
      ...assignment,
    },
    // An insured spell at another employer: must never count for rule 4.
    history: [{ employerName: "Bäckerei Zimmermann", from: "2004-01-01", to: "2006-06-30", insured: true }],
    severeDisabilityException: false,
    otherClaims: [],
    otherBrokerAssignments: [],
    firstInstalment: { afterDays: 42, afterMonths: null },
    submittedOn: "2007-02-20",
    ...rest,
    settings: { suspiciousEndWindowDays: 14, sameSpellWindowDays: 30, ...settings },
  };
}

const run = (o: Overrides = {}) => checkPlacementRules(facts(o));
const error = (code: string, message: string): RuleResult => ({ code, severity: "error", message });
const flag = (code: string, message: string): RuleResult => ({ code, severity: "flag", message });
const codes = (results: RuleResult[]) => results.map((r) => `${r.severity}:${r.code}`);

describe("the baseline", () => {
  it.each<LegalBasis>(["voucher_421g", "avgs_45", "contract_37", "own_programme"])("a clean claim under %s yields no results at all", (legalBasis) => {
    const results = run({ assignment: { legalBasis } });
    expect(results).toEqual([]);
    expect(hasErrors(results)).toBe(false);
  });
});

describe("rule 1: validity of the voucher / assignment", () => {
  it("contract date and job start on validUntil accepted", () => {
    expect(run({ claim: { contractDate: "2007-02-14", jobStart: "2007-02-14" } })).toEqual([]);
  });

  it("contract date validUntil + 1 rejected", () => {
    expect(run({ claim: { contractDate: "2007-02-15", jobStart: "2007-02-14" } })).toEqual([
      error("R1-contract-date", "Datum des Arbeitsvertrags 15.02.2007 liegt außerhalb der Gültigkeit der Zuweisung (15.11.2006–14.02.2007) (§ 421g Abs. 1 SGB III a.F.)."),
      flag("R1-start-before-contract", "Beschäftigungsbeginn 14.02.2007 liegt vor dem Datum des Arbeitsvertrags 15.02.2007; bitte prüfen."),
    ]);
  });

  it("job start validUntil + 1 rejected", () => {
    expect(run({ claim: { contractDate: "2007-02-14", jobStart: "2007-02-15" } })).toEqual([
      error("R1-job-start", "Beschäftigungsbeginn 15.02.2007 liegt außerhalb der Gültigkeit der Zuweisung (15.11.2006–14.02.2007) (§ 421g Abs. 1 SGB III a.F.)."),
    ]);
  });

  it("contract date on validFrom accepted, the day before rejected", () => {
    const early = { brokerContractDate: "2006-11-10", jobOfferDate: null };
    expect(run({ claim: { ...early, contractDate: "2006-11-15" } })).toEqual([]);
    expect(run({ claim: { ...early, contractDate: "2006-11-14" } })).toEqual([
      error("R1-contract-date", "Datum des Arbeitsvertrags 14.11.2006 liegt außerhalb der Gültigkeit der Zuweisung (15.11.2006–14.02.2007) (§ 421g Abs. 1 SGB III a.F.)."),
    ]);
  });

  it("job start before validFrom rejected", () => {
    const results = run({
      assignment: { issuedOn: "2006-11-01" },
      claim: { brokerContractDate: "2006-11-10", jobOfferDate: null, contractDate: "2006-11-15", jobStart: "2006-11-14" },
    });
    expect(results).toEqual([
      error("R1-job-start", "Beschäftigungsbeginn 14.11.2006 liegt außerhalb der Gültigkeit der Zuweisung (15.11.2006–14.02.2007) (§ 421g Abs. 1 SGB III a.F.)."),
      flag("R1-start-before-contract", "Beschäftigungsbeginn 14.11.2006 liegt vor dem Datum des Arbeitsvertrags 15.11.2006; bitte prüfen."),
    ]);
  });

  it("assignment issued after the job start rejected; issued on the job start accepted", () => {
    expect(run({ assignment: { issuedOn: "2007-01-02" } })).toEqual([
      error("R1-issued-after-start", "Die Zuweisung wurde am 02.01.2007 ausgestellt, nach Beginn der Beschäftigung am 01.01.2007 (§ 421g Abs. 1 SGB III a.F.)."),
    ]);
    expect(run({ assignment: { issuedOn: "2007-01-01" } })).toEqual([]);
  });

  it("AVGS cites § 45 Abs. 4 SGB III", () => {
    const results = run({ assignment: { legalBasis: "avgs_45" }, claim: { contractDate: "2007-02-14", jobStart: "2007-02-15" } });
    expect(results).toEqual([
      error("R1-job-start", "Beschäftigungsbeginn 15.02.2007 liegt außerhalb der Gültigkeit der Zuweisung (15.11.2006–14.02.2007) (§ 45 Abs. 4 SGB III)."),
    ]);
  });
});

describe("rule 2: weekly hours and insurance, by legal basis", () => {
  it("§ 421g: 14,99 h rejected, 15 h accepted", () => {
    const results = run({ claim: { weeklyHours: 1499 } });
    expect(results).toEqual([error("R2-hours", "Wöchentliche Arbeitszeit 14,99 Std. liegt unter der Mindestarbeitszeit von 15 Std. (§ 421g Abs. 1 SGB III a.F.).")]);
    expect(results[0].message).toContain("14,99 Std.");
    expect(results[0].message).toContain("15 Std.");
    expect(results[0].message).toContain("§ 421g Abs. 1 SGB III a.F.");
    expect(hasErrors(results)).toBe(true);
    expect(run({ claim: { weeklyHours: 1500 } })).toEqual([]);
  });

  it("§ 421g: the hours rule applies to jobs abroad too", () => {
    expect(codes(run({ claim: { weeklyHours: 1499, abroad: true } }))).toEqual(["error:R2-hours"]);
  });

  it("§ 421g: an uninsured job (minijob) rejected", () => {
    expect(run({ claim: { insured: false } })).toEqual([
      error(
        "R2-insured",
        "Die Beschäftigung ist nicht sozialversicherungspflichtig (z. B. Minijob, Arbeitsgelegenheit, Selbständigkeit); vergütet wird nur eine versicherungspflichtige Beschäftigung (§ 421g Abs. 1 SGB III a.F.).",
      ),
    ]);
  });

  it("AVGS: a domestic insured 10-hour job passes the hours rule", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, claim: { weeklyHours: 1000 } })).toEqual([]);
  });

  it("AVGS: a job abroad with 14,99 h rejected, with 15 h accepted", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, claim: { abroad: true, weeklyHours: 1499 } })).toEqual([
      error("R2-hours", "Wöchentliche Arbeitszeit 14,99 Std. liegt unter der Mindestarbeitszeit von 15 Std. (§ 45 Abs. 6 SGB III)."),
    ]);
    expect(run({ assignment: { legalBasis: "avgs_45" }, claim: { abroad: true, weeklyHours: 1500 } })).toEqual([]);
  });

  it("AVGS: a domestic job that is not insured rejected (R2-insured)", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, claim: { insured: false, weeklyHours: 1000 } })).toEqual([
      error(
        "R2-insured",
        "Die Beschäftigung ist nicht sozialversicherungspflichtig (z. B. Minijob, Arbeitsgelegenheit, Selbständigkeit); vergütet wird nur eine versicherungspflichtige Beschäftigung (§ 45 Abs. 6 SGB III).",
      ),
    ]);
  });

  it("AVGS: the German insurance requirement is not applied to a job abroad", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, claim: { insured: false, abroad: true } })).toEqual([]);
  });

  it("§ 37 contract: its own citation", () => {
    expect(run({ assignment: { legalBasis: "contract_37" }, claim: { weeklyHours: 1000 } })).toEqual([
      error("R2-hours", "Wöchentliche Arbeitszeit 10 Std. liegt unter der Mindestarbeitszeit von 15 Std. (Vermittlungsvertrag nach § 37 SGB III a.F.)."),
    ]);
  });
});

describe("rule 3: limited from the outset to under three months", () => {
  it("01.01.–30.03.2007 (2 months 30 days) rejected", () => {
    expect(run({ claim: { fixedTermEnd: "2007-03-30" } })).toEqual([
      error("R3-fixed-term", "Die Beschäftigung ist von vornherein auf weniger als 3 Monate befristet (01.01.2007 bis 30.03.2007) (§ 421g Abs. 3 SGB III a.F.)."),
    ]);
  });

  it("01.01.–31.03.2007 (exactly three months) accepted", () => {
    expect(run({ claim: { fixedTermEnd: "2007-03-31" } })).toEqual([]);
  });

  it("a month-end start: 30.11.2007–28.02.2008 rejected, –29.02.2008 accepted (§ 188 Abs. 3 BGB)", () => {
    const shifted: Overrides = {
      assignment: { issuedOn: "2007-11-01", validFrom: "2007-11-01", validUntil: "2008-01-31" },
      submittedOn: "2008-01-15",
    };
    const claim = { brokerContractDate: "2007-11-05", jobOfferDate: "2007-11-10", contractDate: "2007-11-20", jobStart: "2007-11-30" };
    expect(run({ ...shifted, claim: { ...claim, fixedTermEnd: "2008-02-28" } })).toEqual([
      error("R3-fixed-term", "Die Beschäftigung ist von vornherein auf weniger als 3 Monate befristet (30.11.2007 bis 28.02.2008) (§ 421g Abs. 3 SGB III a.F.)."),
    ]);
    expect(run({ ...shifted, claim: { ...claim, fixedTermEnd: "2008-02-29" } })).toEqual([]);
  });

  it("AVGS cites § 45 Abs. 6 SGB III", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, claim: { fixedTermEnd: "2007-03-30" } })[0].message).toContain("(§ 45 Abs. 6 SGB III)");
  });

  it("limitedUnder boundaries", () => {
    expect(limitedUnder("2007-01-01", null, 3)).toBe(false);
    expect(limitedUnder("2007-01-01", "2007-03-30", 3)).toBe(true);
    expect(limitedUnder("2007-01-01", "2007-03-31", 3)).toBe(false);
    expect(limitedUnder("2007-01-15", "2007-04-13", 3)).toBe(true);
    expect(limitedUnder("2007-01-15", "2007-04-14", 3)).toBe(false);
    // Month-end starts: the three months end on the last day of February.
    expect(limitedUnder("2007-11-30", "2008-02-28", 3)).toBe(true);
    expect(limitedUnder("2007-11-30", "2008-02-29", 3)).toBe(false);
    expect(limitedUnder("2006-11-30", "2007-02-27", 3)).toBe(true);
    expect(limitedUnder("2006-11-30", "2007-02-28", 3)).toBe(false);
    expect(limitedUnder("2007-03-31", "2007-06-29", 3)).toBe(true);
    expect(limitedUnder("2007-03-31", "2007-06-30", 3)).toBe(false);
    // An end before the start is certainly under three months.
    expect(limitedUnder("2007-01-01", "2006-12-31", 3)).toBe(true);
  });
});

describe("rule 4: previous employer within four years (months counted as DOMAIN.md § 1.5)", () => {
  // Job start 01.01.2007: the window is 01.01.2003 (addMonths(jobStart, -48)) to 31.12.2006.
  const spell = (from: string, to: string | null, over: Partial<EmploymentSpellFact> = {}): EmploymentSpellFact => ({
    employerName: "Holzbau Kamenz GmbH",
    from,
    to,
    insured: true,
    ...over,
  });
  const cite = "§ 421g Abs. 3 SGB III a.F.";
  /** One uninterrupted spell: calendar months (§ 188 Abs. 2 BGB). */
  const r4one = (from: string, to: string, days: number, basisCitation = cite) =>
    error(
      "R4-previous-employer",
      `Der Kunde war in den letzten 4 Jahren (seit 01.01.2003) vom ${from} bis ${to} ununterbrochen (${days} Tage) versicherungspflichtig bei „Holzbau Kamenz GmbH“ beschäftigt, mehr als 3 Monate (§ 188 Abs. 2 BGB) (${basisCitation}).`,
    );
  /** Several spells: added up with 30-day months (§ 191 BGB). */
  const r4sum = (count: number, days: number) =>
    error(
      "R4-previous-employer",
      `Der Kunde war in den letzten 4 Jahren (seit 01.01.2003) in ${count} Zeiträumen insgesamt ${days} Tage versicherungspflichtig bei „Holzbau Kamenz GmbH“ beschäftigt, mehr als 3 Monate (90 Tage, § 191 BGB) (${cite}).`,
    );

  describe("one uninterrupted spell is measured in calendar months", () => {
    it.each([
      ["2006-01-01", "2006-03-31", "common year, 90 days"],
      ["2004-01-01", "2004-03-31", "leap year, 91 days"],
      ["2006-02-01", "2006-04-30", "common year, 89 days"],
      ["2004-02-01", "2004-04-30", "leap year, 90 days"],
      ["2006-07-01", "2006-09-30", "92 days"],
      ["2006-10-02", "2006-12-31", "91 days, the three months would end on 01.01.2007"],
    ])("%s – %s is exactly three months or less (%s): no exclusion", (from, to) => {
      expect(run({ history: [spell(from, to)] })).toEqual([]);
    });

    it("01.01.–01.04. is more than three months: excluded (common and leap year)", () => {
      expect(run({ history: [spell("2006-01-01", "2006-04-01")] })).toEqual([r4one("01.01.2006", "01.04.2006", 91)]);
      expect(run({ history: [spell("2004-01-01", "2004-04-01")] })).toEqual([r4one("01.01.2004", "01.04.2004", 92)]);
    });

    it("01.02.–01.05. is more than three months: excluded with 90 days in a common year and 91 in a leap year", () => {
      expect(run({ history: [spell("2006-02-01", "2006-05-01")] })).toEqual([r4one("01.02.2006", "01.05.2006", 90)]);
      expect(run({ history: [spell("2004-02-01", "2004-05-01")] })).toEqual([r4one("01.02.2004", "01.05.2004", 91)]);
    });

    it("a spell still running (to: null) or ending after the job start is cut at the day before the job start", () => {
      // 01.10.–31.12.2006 is exactly three months; from 30.09.2006 it is more.
      expect(run({ history: [spell("2006-10-01", null)] })).toEqual([]);
      expect(run({ history: [spell("2006-09-30", null)] })).toEqual([r4one("30.09.2006", "31.12.2006", 93)]);
      expect(run({ history: [spell("2006-09-30", "2007-06-30")] })).toEqual([r4one("30.09.2006", "31.12.2006", 93)]);
    });

    it("a spell reaching back before the window counts from the window's first day", () => {
      // 31.12.2002–31.03.2003 → 01.01.–31.03.2003 in the window: exactly three months.
      expect(run({ history: [spell("2002-12-31", "2003-03-31")] })).toEqual([]);
      expect(run({ history: [spell("2002-12-31", "2003-04-01")] })).toEqual([r4one("01.01.2003", "01.04.2003", 91)]);
      // Starting exactly four years before the job start: fully inside.
      expect(run({ history: [spell("2003-01-01", "2003-04-01")] })).toEqual([r4one("01.01.2003", "01.04.2003", 91)]);
    });

    it("adjoining records (31.01. and 01.02.) and overlapping or duplicate records form one spell", () => {
      // 01.01.–31.01.2004 + 01.02.–31.03.2004: one spell of exactly three months (91 days in 2004).
      expect(run({ history: [spell("2004-01-01", "2004-01-31"), spell("2004-02-01", "2004-03-31")] })).toEqual([]);
      expect(run({ history: [spell("2004-01-01", "2004-01-31"), spell("2004-02-01", "2004-04-01")] })).toEqual([r4one("01.01.2004", "01.04.2004", 92)]);
      const s = spell("2006-01-01", "2006-03-31");
      expect(run({ history: [s, { ...s }, spell("2006-02-10", "2006-02-20")] })).toEqual([]);
      expect(run({ history: [spell("2006-01-01", "2006-02-28"), spell("2006-02-01", "2006-04-01")] })).toEqual([r4one("01.01.2006", "01.04.2006", 91)]);
    });
  });

  describe("several spells are added up with 30-day months (§ 191 BGB)", () => {
    it("two spells adding up to 90 days: no exclusion; to 91 days: excluded", () => {
      // 01.03.–14.04.2005 = 45 days; 01.07.–14.08.2005 = 45 days; 01.07.–15.08.2005 = 46 days.
      expect(run({ history: [spell("2005-03-01", "2005-04-14"), spell("2005-07-01", "2005-08-14")] })).toEqual([]);
      expect(run({ history: [spell("2005-03-01", "2005-04-14"), spell("2005-07-01", "2005-08-15")] })).toEqual([r4sum(2, 91)]);
    });

    it("a one-day gap splits a spell: 01.01.–30.01. and 01.02.–31.03.2004 (90 days) pass, one more day (91) does not", () => {
      expect(run({ history: [spell("2004-01-01", "2004-01-30"), spell("2004-02-01", "2004-03-31")] })).toEqual([]);
      expect(run({ history: [spell("2004-01-01", "2004-01-30"), spell("2004-02-01", "2004-04-01")] })).toEqual([r4sum(2, 91)]);
    });

    it("only days inside the window count: an old spell ending on the window's first day adds one day, one ending the day before adds none", () => {
      const recent = spell("2006-10-03", "2006-12-31"); // 90 days, less than three calendar months
      expect(run({ history: [recent, spell("2002-06-01", "2003-01-01")] })).toEqual([r4sum(2, 91)]);
      expect(run({ history: [recent, spell("2002-06-01", "2002-12-31")] })).toEqual([]);
    });
  });

  it("insuredDaysWithin counts each day once, clipped to the window", () => {
    const s = spell("2006-06-01", "2006-07-30"); // 60 days
    expect(insuredDaysWithin([s, { ...s }], "Holzbau Kamenz GmbH", "2003-01-01", "2006-12-31")).toBe(60);
    expect(insuredDaysWithin([spell("2006-07-01", "2006-08-31"), s], "Holzbau Kamenz GmbH", "2003-01-01", "2006-12-31")).toBe(92);
    expect(insuredDaysWithin([s, spell("2006-06-10", "2006-06-20")], "Holzbau Kamenz GmbH", "2003-01-01", "2006-12-31")).toBe(60);
    expect(insuredDaysWithin([spell("2002-12-31", "2003-03-31")], "Holzbau Kamenz GmbH", "2003-01-01", "2006-12-31")).toBe(90);
    // The window follows the job start: 29.02.2008 looks back to 29.02.2004.
    expect(insuredDaysWithin([spell("2004-02-28", "2004-03-01")], "Holzbau Kamenz GmbH", "2004-02-29", "2008-02-28")).toBe(2);
    expect(insuredDaysWithin([], "Holzbau Kamenz GmbH", "2004-02-29", "2008-02-28")).toBe(0);
  });

  it("uninsured spells and other employers do not count", () => {
    expect(run({ history: [spell("2006-01-01", "2006-12-31", { insured: false })] })).toEqual([]);
    expect(run({ history: [spell("2006-01-01", "2006-12-31", { employerName: "Holzbau Bautzen GmbH" })] })).toEqual([]);
  });

  it("the employer name is normalised (legal form, case, spaces)", () => {
    expect(run({ history: [spell("2006-01-01", "2006-04-01", { employerName: "HOLZBAU  KAMENZ" })] })).toEqual([r4one("01.01.2006", "01.04.2006", 91)]);
  });

  it("severe-disability exception with a fixed-term job: a flag instead of the error", () => {
    const history = [spell("2006-01-01", "2006-04-01")];
    expect(run({ history, severeDisabilityException: true, claim: { fixedTermEnd: "2007-12-31" } })).toEqual([
      flag(
        "R4-previous-employer-exception",
        "Vorbeschäftigung beim selben Arbeitgeber seit 01.01.2003 vom 01.01.2006 bis 01.04.2006 ununterbrochen (91 Tage), mehr als 3 Monate (§ 188 Abs. 2 BGB); Ausnahme für befristete Beschäftigung schwerbehinderter Menschen ist erfasst.",
      ),
    ]);
  });

  it("the exception needs both: recorded and a fixed-term job", () => {
    const history = [spell("2006-01-01", "2006-04-01")];
    expect(run({ history, severeDisabilityException: true })).toEqual([r4one("01.01.2006", "01.04.2006", 91)]);
    expect(run({ history, severeDisabilityException: false, claim: { fixedTermEnd: "2007-12-31" } })).toEqual([r4one("01.01.2006", "01.04.2006", 91)]);
  });

  it("AVGS cites § 45 Abs. 6 SGB III", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, history: [spell("2006-01-01", "2006-04-01")] })).toEqual([r4one("01.01.2006", "01.04.2006", 91, "§ 45 Abs. 6 SGB III")]);
  });
});

describe("rule 5: broker and employer intertwined (BSG B 7a AL 56/05 R)", () => {
  it("identical name (after normalisation) → error", () => {
    expect(run({ claim: { employerName: "VERMITTLUNG LAUSITZ" } })).toEqual([
      error("R5-identical", `Arbeitgeber „VERMITTLUNG LAUSITZ“ und Vermittler sind identisch; eine Vermittlung in den eigenen Betrieb wird nicht vergütet (${BSG}).`),
    ]);
  });

  it("shared VAT id → one flag, not an error", () => {
    const results = run({ claim: { employerVatId: "de 987 654 321" } });
    expect(results).toEqual([flag("R5-vat-id", `Arbeitgeber und Vermittler haben dieselbe USt-IdNr. de 987 654 321 (${BSG}).`)]);
    expect(hasErrors(results)).toBe(false);
  });

  it("shared address („Kirchstr. 3“ = „Kirchstraße 3“, same postcode) → one flag", () => {
    expect(run({ claim: { employerStreet: "Kirchstr. 3", employerPostalCode: "02977 " } })).toEqual([
      flag("R5-address", `Arbeitgeber und Vermittler haben dieselbe Anschrift (Kirchstr. 3, 02977 ) (${BSG}).`),
    ]);
    // The same street in another town is no match.
    expect(run({ claim: { employerStreet: "Kirchstraße 3", employerPostalCode: "01917" } })).toEqual([]);
  });

  it("shared IBAN (spaces and case ignored) → one flag", () => {
    expect(run({ claim: { employerIban: "de89370400440532013000" } })).toEqual([
      flag("R5-iban", `Arbeitgeber und Vermittler haben dieselbe Bankverbindung (IBAN endet auf 3000) (${BSG}).`),
    ]);
  });

  it("shared manager or owner → one flag", () => {
    expect(run({ claim: { employerManager: "petra  partner" } })).toEqual([
      flag("R5-manager", `Geschäftsführer/Inhaber des Arbeitgebers (petra  partner) ist zugleich für den Vermittler tätig (${BSG}).`),
    ]);
  });

  it("all four shared → four flags, no error", () => {
    const results = run({ claim: { employerVatId: "DE987654321", employerStreet: "Kirchstraße 3", employerPostalCode: "02977", employerIban: "DE89 3704 0044 0532 0130 00", employerManager: "Hans Vermittler" } });
    expect(codes(results)).toEqual(["flag:R5-vat-id", "flag:R5-address", "flag:R5-iban", "flag:R5-manager"]);
    expect(hasErrors(results)).toBe(false);
  });

  it("missing employer data never matches", () => {
    expect(run({ claim: { employerVatId: null, employerIban: null, employerManager: null, employerStreet: "" }, broker: { vatId: null, street: "" } })).toEqual([]);
  });

  it("an identical employer is reported once as an error, without the flags", () => {
    expect(codes(run({ claim: { employerName: "Vermittlung Lausitz GmbH", employerVatId: "DE987654321", employerIban: "DE89370400440532013000" } }))).toEqual([
      "error:R5-identical",
    ]);
  });
});

describe("rule 6: written broker–client contract before the placement; fee within the voucher", () => {
  it("missing broker contract → error", () => {
    expect(run({ claim: { brokerContractDate: null } })).toEqual([
      error("R6-broker-contract", "Es fehlt der schriftliche Vermittlungsvertrag zwischen Vermittler und Kunde (§ 296 SGB III)."),
    ]);
  });

  it("broker contract on the day of the employment contract → error (must predate)", () => {
    expect(run({ claim: { brokerContractDate: "2006-12-20", jobOfferDate: null } })).toEqual([
      error("R6-broker-contract", "Der Vermittlungsvertrag vom 20.12.2006 liegt nicht vor dem Arbeitsvertrag vom 20.12.2006 (§ 296 SGB III)."),
    ]);
  });

  it("broker contract the day before → accepted", () => {
    expect(run({ claim: { brokerContractDate: "2006-12-19", jobOfferDate: null } })).toEqual([]);
  });

  it("broker contract after the job offer → flag; on the day of the offer → nothing", () => {
    expect(run({ claim: { brokerContractDate: "2006-12-02", jobOfferDate: "2006-12-01" } })).toEqual([
      flag("R6-contract-after-offer", "Der Vermittlungsvertrag vom 02.12.2006 ist nach dem Stellenangebot vom 01.12.2006 datiert; Ursächlichkeit der Vermittlung prüfen."),
    ]);
    expect(run({ claim: { brokerContractDate: "2006-12-01", jobOfferDate: "2006-12-01" } })).toEqual([]);
  });

  it("broker contract after the employment contract and after the offer → the error and the flag", () => {
    expect(codes(run({ claim: { brokerContractDate: "2006-12-21" } }))).toEqual(["error:R6-broker-contract", "flag:R6-contract-after-offer"]);
  });

  it("claimed fee 2.000,01 € over a 2.000 € voucher → error; exactly 2.000 € accepted", () => {
    expect(run({ claim: { claimedFeeCents: 200001 } })).toEqual([
      error("R6-fee", "Die geltend gemachte Vergütung 2.000,01 € übersteigt den Betrag der Zuweisung von 2.000,00 € (§ 421g Abs. 1 SGB III a.F.)."),
    ]);
    expect(run({ claim: { claimedFeeCents: 200000 } })).toEqual([]);
    expect(run({ claim: { claimedFeeCents: 250000 }, assignment: { maxFeeCents: 250000 } })).toEqual([]);
  });
});

describe("rule 7: the broker's standing on the placement date", () => {
  it("§ 421g without Gewerbeanzeige → error", () => {
    expect(run({ broker: { tradeRegistrationDate: null } })).toEqual([
      error("R7-trade-registration", "Am 20.12.2006 lag keine Gewerbeanzeige des Vermittlers für Arbeitsvermittlung vor (§ 421g Abs. 3 Nr. 4 SGB III a.F.)."),
    ]);
  });

  it("§ 421g with the Gewerbeanzeige after the contract date → error naming its date", () => {
    expect(run({ broker: { tradeRegistrationDate: "2006-12-21" } })).toEqual([
      error(
        "R7-trade-registration",
        "Am 20.12.2006 lag keine Gewerbeanzeige des Vermittlers für Arbeitsvermittlung vor (angezeigt erst am 21.12.2006) (§ 421g Abs. 3 Nr. 4 SGB III a.F.).",
      ),
    ]);
  });

  it("§ 421g with the Gewerbeanzeige on the contract date → accepted", () => {
    expect(run({ broker: { tradeRegistrationDate: "2006-12-20" } })).toEqual([]);
  });

  it("§ 421g does not ask for AZAV", () => {
    expect(run({ broker: { certifications: [] } })).toEqual([]);
  });

  it("AVGS: AZAV valid until the day before the contract date → error; valid on that day → accepted", () => {
    const avgs = { legalBasis: "avgs_45" as const };
    expect(run({ assignment: avgs, broker: { certifications: [{ validFrom: "2004-01-01", validUntil: "2006-12-19" }] } })).toEqual([
      error("R7-azav", "Am 20.12.2006 hatte der Vermittler keine gültige AZAV-Trägerzulassung (§ 45 Abs. 4 S. 3 Nr. 2, § 176 SGB III)."),
    ]);
    expect(run({ assignment: avgs, broker: { certifications: [{ validFrom: "2004-01-01", validUntil: "2006-12-20" }] } })).toEqual([]);
  });

  it("AVGS: AZAV valid from the contract date → accepted, from the day after → error; any one certificate suffices", () => {
    const avgs = { legalBasis: "avgs_45" as const };
    expect(run({ assignment: avgs, broker: { certifications: [{ validFrom: "2006-12-20", validUntil: "2009-12-31" }] } })).toEqual([]);
    expect(codes(run({ assignment: avgs, broker: { certifications: [{ validFrom: "2006-12-21", validUntil: "2009-12-31" }] } }))).toEqual(["error:R7-azav"]);
    expect(
      run({
        assignment: avgs,
        broker: {
          certifications: [
            { validFrom: "2001-01-01", validUntil: "2003-12-31" },
            { validFrom: "2006-12-01", validUntil: "2006-12-31" },
          ],
        },
      }),
    ).toEqual([]);
  });

  it("AVGS does not ask for a Gewerbeanzeige", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, broker: { tradeRegistrationDate: null } })).toEqual([]);
  });
});

describe("rule 8: fixed terms ending just after a threshold are flagged", () => {
  // Job start 01.01.2007: day 42 = 11.02.2007, six months = 30.06.2007.
  const sixMonthsFlag = (end: string) =>
    flag("R8-end-after-threshold", `Die Befristung endet am ${end}, kurz nach sechs Monaten Beschäftigung (30.06.2007); Mitnahme prüfen.`);

  it("end on the six-month day or within the window after it → flag", () => {
    expect(run({ claim: { fixedTermEnd: "2007-06-30" } })).toEqual([sixMonthsFlag("30.06.2007")]);
    expect(run({ claim: { fixedTermEnd: "2007-07-14" } })).toEqual([sixMonthsFlag("14.07.2007")]);
  });

  it("end the day before six months, or after the window → no flag", () => {
    expect(run({ claim: { fixedTermEnd: "2007-06-29" } })).toEqual([]);
    expect(run({ claim: { fixedTermEnd: "2007-07-15" } })).toEqual([]);
  });

  it("window 0: only an end on the day itself", () => {
    expect(run({ settings: { suspiciousEndWindowDays: 0 }, claim: { fixedTermEnd: "2007-06-30" } })).toEqual([sixMonthsFlag("30.06.2007")]);
    expect(run({ settings: { suspiciousEndWindowDays: 0 }, claim: { fixedTermEnd: "2007-07-01" } })).toEqual([]);
  });

  it("six weeks: an end on day 42 or within the window → flag (besides the three-month error); day 41 or after the window → no flag", () => {
    const r3 = (end: string) =>
      error("R3-fixed-term", `Die Beschäftigung ist von vornherein auf weniger als 3 Monate befristet (01.01.2007 bis ${end}) (§ 421g Abs. 3 SGB III a.F.).`);
    const sixWeeksFlag = (end: string) =>
      flag("R8-end-after-threshold", `Die Befristung endet am ${end}, kurz nach sechs Wochen Beschäftigung (11.02.2007); Mitnahme prüfen.`);
    expect(run({ claim: { fixedTermEnd: "2007-02-11" } })).toEqual([r3("11.02.2007"), sixWeeksFlag("11.02.2007")]);
    expect(run({ claim: { fixedTermEnd: "2007-02-25" } })).toEqual([r3("25.02.2007"), sixWeeksFlag("25.02.2007")]);
    expect(run({ claim: { fixedTermEnd: "2007-02-10" } })).toEqual([r3("10.02.2007")]);
    expect(run({ claim: { fixedTermEnd: "2007-02-26" } })).toEqual([r3("26.02.2007")]);
  });

  it("a month-end start: six months from 31.08.2007 end on 29.02.2008", () => {
    const shifted: Overrides = {
      assignment: { issuedOn: "2007-08-01", validFrom: "2007-08-01", validUntil: "2007-10-31" },
      claim: { brokerContractDate: "2007-08-02", jobOfferDate: "2007-08-03", contractDate: "2007-08-20", jobStart: "2007-08-31" },
      submittedOn: "2007-10-20",
      settings: { suspiciousEndWindowDays: 0 },
    };
    expect(run({ ...shifted, claim: { ...shifted.claim, fixedTermEnd: "2008-02-29" } })).toEqual([
      flag("R8-end-after-threshold", "Die Befristung endet am 29.02.2008, kurz nach sechs Monaten Beschäftigung (29.02.2008); Mitnahme prüfen."),
    ]);
    expect(run({ ...shifted, claim: { ...shifted.claim, fixedTermEnd: "2008-02-28" } })).toEqual([]);
  });
});

describe("rule 9: one voucher, one broker, one placement; one spell, one fee", () => {
  const other = (over: Partial<OtherClaimFact> = {}): OtherClaimFact => ({
    id: 5,
    reference: "VN-2007-00042",
    providerId: 1,
    assignmentId: 10,
    status: "submitted",
    employerName: "Holzbau Kamenz GmbH",
    jobStart: "2007-01-01",
    ...over,
  });
  const onePlacement = error("R9-one-placement", "Für diese Zuweisung liegt bereits der Vermittlungsnachweis VN-2007-00042 vor; eine Zuweisung wird nur einmal vergütet.");

  it("a second claim on the same assignment → error, for every open or accepted status", () => {
    for (const status of ["submitted", "documents_requested", "accepted"]) {
      expect(run({ otherClaims: [other({ status })] })).toEqual([onePlacement]);
    }
    // Even for a different job.
    expect(run({ otherClaims: [other({ employerName: "Bäckerei Zimmermann", jobStart: "2007-01-20" })] })).toEqual([onePlacement]);
  });

  it("withdrawn or rejected other claims are ignored", () => {
    for (const status of ["withdrawn", "rejected"]) {
      expect(run({ otherClaims: [other({ status })] })).toEqual([]);
      expect(run({ otherClaims: [other({ status, providerId: 2, assignmentId: 11 })] })).toEqual([]);
    }
  });

  it("the same employer and job start within sameSpellWindowDays at another broker → error", () => {
    const spell = (jobStart: string) => other({ reference: "VN-2007-00043", providerId: 2, assignmentId: 11, employerName: "HOLZBAU KAMENZ", jobStart });
    expect(run({ otherClaims: [spell("2007-01-31")] })).toEqual([
      error("R9-same-spell", "Dieselbe Beschäftigung (Holzbau Kamenz GmbH, ab 31.01.2007) ist bereits von einem anderen Vermittler geltend gemacht; eine Beschäftigung wird nur einmal vergütet."),
    ]);
    // The broker's own earlier claim (on another voucher) is named.
    expect(run({ otherClaims: [other({ reference: "VN-2007-00044", assignmentId: 11, employerName: "Holzbau Kamenz GmbH", jobStart: "2007-01-31" })] })).toEqual([
      error("R9-same-spell", "Dieselbe Beschäftigung (Holzbau Kamenz GmbH, ab 31.01.2007) ist bereits mit VN-2007-00044 geltend gemacht; eine Beschäftigung wird nur einmal vergütet."),
    ]);
    expect(codes(run({ otherClaims: [spell("2006-12-02")] }))).toEqual(["error:R9-same-spell"]);
    // 31 days apart: another spell, only the second broker is flagged.
    expect(run({ otherClaims: [spell("2007-02-01")] })).toEqual([
      flag("R9-second-broker", "Ein anderer Vermittler hat für denselben Kunden den Vermittlungsnachweis VN-2007-00043 eingereicht."),
    ]);
    expect(codes(run({ otherClaims: [spell("2006-12-01")] }))).toEqual(["flag:R9-second-broker"]);
  });

  it("the same spell claimed by the same broker under another assignment → error", () => {
    expect(codes(run({ otherClaims: [other({ assignmentId: 11 })] }))).toEqual(["error:R9-same-spell"]);
  });

  it("another broker's claim for a different job → flag", () => {
    expect(run({ otherClaims: [other({ reference: "VN-2007-00050", providerId: 2, assignmentId: 11, employerName: "Bäckerei Zimmermann" })] })).toEqual([
      flag("R9-second-broker", "Ein anderer Vermittler hat für denselben Kunden den Vermittlungsnachweis VN-2007-00050 eingereicht."),
    ]);
  });

  it("the same broker's claim for a different job under another assignment → nothing", () => {
    expect(run({ otherClaims: [other({ assignmentId: 11, employerName: "Bäckerei Zimmermann" })] })).toEqual([]);
  });

  it("valid assignments to other brokers → one flag listing them", () => {
    expect(
      run({
        otherBrokerAssignments: [
          { reference: "VG-2007-000123", providerId: 2 },
          { reference: "VG-2007-000124", providerId: 3 },
        ],
      }),
    ).toEqual([flag("R9-parallel-assignment", "Der Kunde hat zugleich gültige Zuweisungen an andere Vermittler (VG-2007-000123, VG-2007-000124).")]);
  });

  it("an assignment for another broker → error", () => {
    expect(run({ assignment: { providerId: 2 } })).toEqual([error("R9-other-broker", "Die Zuweisung gilt für einen anderen Vermittler.")]);
  });

  it("the same-spell window is a setting", () => {
    const o = [other({ reference: "VN-2007-00043", providerId: 2, assignmentId: 11, jobStart: "2007-01-11" })];
    expect(codes(run({ otherClaims: o, settings: { sameSpellWindowDays: 10 } }))).toEqual(["error:R9-same-spell"]);
    expect(codes(run({ otherClaims: o, settings: { sameSpellWindowDays: 9 } }))).toEqual(["flag:R9-second-broker"]);
  });
});

describe("rule 10: exclusion period", () => {
  // Day 42 = 11.02.2007 → six months after the end of February = 31.08.2007.
  it("received on 31.08.2007 accepted, on 01.09.2007 rejected", () => {
    expect(run({ submittedOn: "2007-08-31" })).toEqual([]);
    expect(run({ submittedOn: "2007-09-01" })).toEqual([
      error("R10-exclusion-period", "Der Vermittlungsnachweis ist am 01.09.2007 eingegangen, nach Ablauf der Ausschlussfrist am 31.08.2007 (§ 326 SGB III a.F.)."),
    ]);
  });

  it("AVGS cites today's § 326 SGB III", () => {
    expect(run({ assignment: { legalBasis: "avgs_45" }, submittedOn: "2007-09-01" })).toEqual([
      error("R10-exclusion-period", "Der Vermittlungsnachweis ist am 01.09.2007 eingegangen, nach Ablauf der Ausschlussfrist am 31.08.2007 (§ 326 SGB III)."),
    ]);
  });

  it("the period counts from the schedule's first instalment", () => {
    // A first instalment after six months: reached 30.06.2007 → deadline 31.12.2007.
    const firstInstalment = { afterDays: null, afterMonths: 6 };
    expect(run({ firstInstalment, submittedOn: "2007-12-31" })).toEqual([]);
    expect(codes(run({ firstInstalment, submittedOn: "2008-01-01" }))).toEqual(["error:R10-exclusion-period"]);
    // Day 41 would end in the same month: the deadline is unchanged.
    expect(codes(run({ firstInstalment: { afterDays: 41, afterMonths: null }, submittedOn: "2007-09-01" }))).toEqual(["error:R10-exclusion-period"]);
    // Day 60 = 01.03.2007 → 30.09.2007.
    expect(run({ firstInstalment: { afterDays: 60, afterMonths: null }, submittedOn: "2007-09-30" })).toEqual([]);
  });
});

describe("hasErrors", () => {
  it("true only with at least one error", () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([flag("R9-second-broker", "x"), flag("R5-iban", "y")])).toBe(false);
    expect(hasErrors([flag("R5-iban", "y"), error("R6-fee", "z")])).toBe(true);
  });
});

describe("several problems at once", () => {
  it("are all reported, in rule order", () => {
    const results = run({
      claim: { weeklyHours: 1000, fixedTermEnd: "2007-02-11", brokerContractDate: null, claimedFeeCents: 250000 },
      broker: { tradeRegistrationDate: null },
      submittedOn: "2007-09-01",
    });
    expect(codes(results)).toEqual([
      "error:R2-hours",
      "error:R3-fixed-term",
      "error:R6-broker-contract",
      "error:R6-fee",
      "error:R7-trade-registration",
      "flag:R8-end-after-threshold",
      "error:R10-exclusion-period",
    ]);
  });
});
