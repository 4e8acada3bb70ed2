import { describe, expect, it } from "vitest";
import {
  availableCents,
  contractMonths,
  contractValueCents,
  dueDate,
  dueLabel,
  dueState,
  MAX_PAYMENT_TERM_DAYS,
  paidCents,
  paymentTermProblem,
  shortfallMessage,
  spreadOverYears,
  type LineYearFigures,
} from "~/domain/finance";

/** The pure budget and payment rules of app/domain/finance.ts (DOMAIN.md § 3.1–3.3, rules 11–12). */

const sum = (shares: { amountCents: number }[]) => shares.reduce((a, s) => a + s.amountCents, 0);

describe("spreadOverYears", () => {
  it("keeps a term inside one year in that year", () => {
    expect(spreadOverYears(123_456, "2026-02-01", "2026-11-30")).toEqual([{ year: 2026, amountCents: 123_456 }]);
  });

  it("puts a single day's amount into that day's year", () => {
    expect(spreadOverYears(99, "2027-12-31", "2027-12-31")).toEqual([{ year: 2027, amountCents: 99 }]);
    expect(spreadOverYears(99, "2028-01-01", "2028-01-01")).toEqual([{ year: 2028, amountCents: 99 }]);
  });

  it("splits at the year boundary by days: 31 Dec and 1 Jan are one day each", () => {
    expect(spreadOverYears(1_000, "2026-12-31", "2027-01-01")).toEqual([
      { year: 2026, amountCents: 500 },
      { year: 2027, amountCents: 500 },
    ]);
  });

  it("splits an odd cent so the total adds up exactly (the earlier year gets the remainder on a tie)", () => {
    const s = spreadOverYears(1_001, "2026-12-31", "2027-01-01");
    expect(sum(s)).toBe(1_001);
    expect(s).toEqual([
      { year: 2026, amountCents: 501 },
      { year: 2027, amountCents: 500 },
    ]);
  });

  it("weights by the days of each year, counting 29 February in a leap year", () => {
    // 2028 is a leap year: 366 days; 2029: 365 days.
    const s = spreadOverYears(731_00, "2028-01-01", "2029-12-31");
    expect(s).toEqual([
      { year: 2028, amountCents: 366_00 },
      { year: 2029, amountCents: 365_00 },
    ]);
    // A term from 29 Feb 2028 to 28 Feb 2029: 307 days in 2028, 59 in 2029.
    const t = spreadOverYears(366_00, "2028-02-29", "2029-02-28");
    expect(t).toEqual([
      { year: 2028, amountCents: 307_00 },
      { year: 2029, amountCents: 59_00 },
    ]);
  });

  it("spreads a contract over three calendar years and the cents add up for awkward amounts", () => {
    for (const amount of [1, 2, 3, 100, 99_999, 1_234_567_89, 7_000_000_01]) {
      const s = spreadOverYears(amount, "2026-07-15", "2028-03-14");
      expect(sum(s)).toBe(amount);
      expect(s.every((x) => x.amountCents >= 0 && Number.isInteger(x.amountCents))).toBe(true);
    }
    const s = spreadOverYears(600_000_00, "2026-07-15", "2028-03-14");
    expect(s.map((x) => x.year)).toEqual([2026, 2027, 2028]);
  });

  it("leaves out years that get no cent and refuses an end before the start", () => {
    expect(spreadOverYears(1, "2026-12-31", "2027-12-31")).toEqual([{ year: 2027, amountCents: 1 }]);
    expect(() => spreadOverYears(100, "2027-01-02", "2027-01-01")).toThrow(/Ende liegt vor dem Beginn/);
  });
});

describe("contractMonths and contractValueCents", () => {
  it("counts whole months of a term ending the day before the anniversary", () => {
    expect(contractMonths("2026-01-01", "2026-12-31")).toBe(12);
    expect(contractMonths("2026-02-15", "2026-05-14")).toBe(3);
    expect(contractMonths("2026-02-15", "2026-05-13")).toBe(2);
    expect(contractMonths("2026-03-01", "2026-03-10")).toBe(1); // at least one month
    expect(contractMonths("2027-07-01", "2029-06-30")).toBe(24);
  });

  it("place-and-month contracts bind places × price × months", () => {
    expect(contractValueCents({ priceUnit: "place_month", quantity: 12, unitPriceCents: 850_00, successFeeCents: null, startDate: "2026-01-01", endDate: "2026-12-31" })).toBe(12 * 850_00 * 12);
  });

  it("participant contracts bind participants × (price + success fee)", () => {
    expect(contractValueCents({ priceUnit: "participant", quantity: 20, unitPriceCents: 1_500_00, successFeeCents: null, startDate: "2026-01-01", endDate: "2027-06-30" })).toBe(30_000_00);
    expect(contractValueCents({ priceUnit: "participant_success", quantity: 20, unitPriceCents: 1_500_00, successFeeCents: 500_00, startDate: "2026-01-01", endDate: "2027-06-30" })).toBe(40_000_00);
  });
});

describe("payment term and due date (§ 271a BGB)", () => {
  it("allows 1 to 60 days and refuses 0, 61 and fractions", () => {
    expect(MAX_PAYMENT_TERM_DAYS).toBe(60);
    expect(paymentTermProblem(60)).toBeNull();
    expect(paymentTermProblem(1)).toBeNull();
    expect(paymentTermProblem(61)).toMatch(/über 60 Tage.*§ 271a Abs\. 2 BGB.*61 Tage/);
    expect(paymentTermProblem(0)).toMatch(/mindestens ein Tag/);
    expect(paymentTermProblem(-5)).toMatch(/mindestens ein Tag/);
    expect(paymentTermProblem(30.5)).toMatch(/mindestens ein Tag/);
  });

  it("is receipt + term, across months and the year end", () => {
    expect(dueDate("2026-03-02", 30)).toBe("2026-04-01");
    expect(dueDate("2026-12-15", 30)).toBe("2027-01-14");
    expect(dueDate("2028-02-01", 30)).toBe("2028-03-02"); // leap year
    expect(dueDate("2026-01-01", 60)).toBe("2026-03-02");
    expect(() => dueDate("2026-01-01", 61)).toThrow(RangeError);
    expect(() => dueDate("2026-01-01", 0)).toThrow(RangeError);
  });
});

describe("dueState boundaries", () => {
  it("due today is due soon, not overdue; yesterday is overdue", () => {
    expect(dueState("2026-05-10", "2026-05-10", 5)).toBe("due_soon");
    expect(dueState("2026-05-11", "2026-05-10", 5)).toBe("overdue");
    expect(dueLabel("2026-05-10", "2026-05-10")).toMatch(/heute fällig/);
    expect(dueLabel("2026-05-11", "2026-05-10")).toMatch(/seit 1 Tag überfällig/);
  });

  it("the warning starts exactly warnDays before the due date", () => {
    expect(dueState("2026-05-05", "2026-05-10", 5)).toBe("due_soon");
    expect(dueState("2026-05-04", "2026-05-10", 5)).toBe("open");
    expect(dueState("2026-12-31", "2027-01-03", 3)).toBe("due_soon");
    expect(dueState("2026-12-30", "2027-01-03", 3)).toBe("open");
    expect(dueState("2026-05-10", "2026-05-10", 0)).toBe("due_soon");
    expect(dueState("2026-05-09", "2026-05-10", 0)).toBe("open");
  });
});

describe("availableCents", () => {
  const f = (o: Partial<LineYearFigures>): LineYearFigures => ({ appropriationCents: 0, authorisationCents: 0, committedCents: 0, consumedCents: 0, uncoveredCents: 0, ...o });

  it("is the appropriation minus commitments minus payments not covered by a commitment", () => {
    expect(availableCents(f({ appropriationCents: 100_000_00, committedCents: 30_000_00, consumedCents: 10_000_00, uncoveredCents: 5_000_00 }))).toBe(65_000_00);
    expect(paidCents(f({ consumedCents: 10_000_00, uncoveredCents: 5_000_00 }))).toBe(15_000_00);
  });

  it("uses the commitment authorisation (VE) while no appropriation is adopted, and only then", () => {
    expect(availableCents(f({ authorisationCents: 40_000_00, committedCents: 15_000_00 }))).toBe(25_000_00);
    expect(availableCents(f({ appropriationCents: 50_000_00, authorisationCents: 400_000_00, committedCents: 15_000_00 }))).toBe(35_000_00);
    expect(availableCents(f({}))).toBe(0);
  });

  it("can go negative when more was paid without a commitment than was left", () => {
    expect(availableCents(f({ appropriationCents: 1_000_00, committedCents: 900_00, uncoveredCents: 200_00 }))).toBe(-100_00);
  });

  it("the refusal names line, year and shortfall (never a negative availability)", () => {
    const msg = shortfallMessage("9.9999.0001", "Testmittel", 2027, 1_000_01, 1_000_00);
    expect(msg).toContain("9.9999.0001");
    expect(msg).toContain("Haushaltsjahr 2027");
    expect(msg).toContain("es fehlen 0,01 €");
    expect(shortfallMessage("X", "Y", 2027, 500_00, -100_00)).toContain("verfügbar 0,00 €, es fehlen 500,00 €");
  });
});
