import { describe, expect, it } from "vitest";
import { DEFAULT_LEGAL_BASIS_PERIODS_TEXT, endWithinLegalBasis, legalBasisProblem, parseLegalBasisPeriods, type LegalBasisPeriod } from "~/domain/placement";
import { parseSettingValue, settingDefinition } from "~/domain/settings";

/** The legal bases' periods of validity (a dated setting, like the EU thresholds). */

function defaults(): LegalBasisPeriod[] {
  const parsed = parseLegalBasisPeriods(DEFAULT_LEGAL_BASIS_PERIODS_TEXT);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.periods;
}

describe("legal basis periods: parsing", () => {
  it("reads the defaults: § 421g a.F. until 31.03.2012, AVGS from 01.04.2012 and open-ended", () => {
    const periods = defaults();
    expect(periods).toContainEqual({ basis: "voucher_421g", validFrom: "2002-03-27", validUntil: "2012-03-31" });
    expect(periods).toContainEqual({ basis: "avgs_45", validFrom: "2012-04-01", validUntil: null });
  });

  it("accepts German dates and an empty end", () => {
    expect(parseLegalBasisPeriods("avgs_45;01.04.2012;")).toEqual({ ok: true, periods: [{ basis: "avgs_45", validFrom: "2012-04-01", validUntil: null }] });
  });

  it.each([
    ["unknown code", "voucher;2002-03-27;2012-03-31"],
    ["missing field", "voucher_421g;2002-03-27"],
    ["impossible date", "voucher_421g;2002-02-30;2012-03-31"],
    ["end before start", "voucher_421g;2012-03-31;2012-03-30"],
  ])("refuses %s with a German message", (_name, text) => {
    const r = parseLegalBasisPeriods(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^Geltungszeiträume, Zeile 1/);
  });

  it("the settings form checks the format", () => {
    const def = settingDefinition("placement.legalBasisPeriods")!;
    expect(parseSettingValue(def, "voucher_421g;2002-03-27;2012-03-31").ok).toBe(true);
    expect(parseSettingValue(def, "voucher_421g;gestern;2012-03-31").ok).toBe(false);
  });
});

describe("legal basis periods: an agreement must start while its basis is in force", () => {
  const periods = defaults();

  it("§ 421g a.F.: last day 31.03.2012 allowed, 01.04.2012 refused naming the end", () => {
    expect(legalBasisProblem("voucher_421g", periods, "2012-03-31")).toBeNull();
    expect(legalBasisProblem("voucher_421g", periods, "2012-04-01")).toBe("§ 421g SGB III a.F. galt nur bis 31.03.2012; eine Vereinbarung ab 01.04.2012 kann nicht darauf gestützt werden.");
    expect(legalBasisProblem("voucher_421g", periods, "2026-12-01")).toContain("galt nur bis 31.03.2012");
  });

  it("§ 421g a.F.: first day 27.03.2002 allowed, the day before refused", () => {
    expect(legalBasisProblem("voucher_421g", periods, "2002-03-27")).toBeNull();
    expect(legalBasisProblem("voucher_421g", periods, "2002-03-26")).toContain("gilt am 26.03.2002 nicht");
  });

  it("AVGS: from 01.04.2012 on, not before", () => {
    expect(legalBasisProblem("avgs_45", periods, "2012-04-01")).toBeNull();
    expect(legalBasisProblem("avgs_45", periods, "2030-01-01")).toBeNull();
    expect(legalBasisProblem("avgs_45", periods, "2012-03-31")).toContain("gilt am 31.03.2012 nicht");
  });

  it("a basis without any period has no limit", () => {
    expect(legalBasisProblem("own_programme", periods, "1990-01-01")).toBeNull();
  });

  it("the term ends with the basis at the latest", () => {
    expect(endWithinLegalBasis("voucher_421g", periods, "2011-06-01", "2012-05-31")).toBe("2012-03-31");
    expect(endWithinLegalBasis("voucher_421g", periods, "2011-01-01", "2011-12-31")).toBe("2011-12-31");
    expect(endWithinLegalBasis("avgs_45", periods, "2026-12-01", "2027-11-30")).toBe("2027-11-30");
  });
});
