import { describe, expect, it } from "vitest";
import { formatCents, parseEuroToCents } from "~/domain/money";
import {
  addDays,
  berlinDate,
  berlinLocalToUtc,
  berlinOffsetMinutes,
  daysBetween,
  formatDate,
  formatDateTime,
  formatDateTimeSeconds,
  isIsoDate,
  parseDate,
  utcToBerlinLocal,
} from "~/domain/time";

describe("berlinLocalToUtc across daylight saving time", () => {
  it("spring: last minute of winter time 2026-03-29 01:59 → 00:59Z", () => {
    expect(berlinLocalToUtc("2026-03-29T01:59")).toBe("2026-03-29T00:59:00.000Z");
  });

  it("spring: first minute of summer time 03:00 → 01:00Z", () => {
    expect(berlinLocalToUtc("2026-03-29T03:00")).toBe("2026-03-29T01:00:00.000Z");
  });

  it("spring: the nonexistent 02:30 moves forward by the gap (= 03:30 CEST = 01:30Z)", () => {
    const utc = berlinLocalToUtc("2026-03-29T02:30");
    expect(utc).toBe("2026-03-29T01:30:00.000Z");
    expect(utcToBerlinLocal(utc!)).toBe("2026-03-29T03:30");
  });

  it("spring: the edges of the gap (02:00 → 03:00 CEST, 02:59 → 03:59 CEST)", () => {
    expect(berlinLocalToUtc("2026-03-29T02:00")).toBe("2026-03-29T01:00:00.000Z");
    expect(berlinLocalToUtc("2026-03-29T02:59")).toBe("2026-03-29T01:59:00.000Z");
  });

  it("autumn: the edges of the repeated hour take the earlier instant (02:00 → 00:00Z, 02:59 → 00:59Z)", () => {
    expect(berlinLocalToUtc("2026-10-25T02:00")).toBe("2026-10-25T00:00:00.000Z");
    expect(berlinLocalToUtc("2026-10-25T02:59")).toBe("2026-10-25T00:59:00.000Z");
  });

  it("autumn: ambiguous 2026-10-25 02:30 takes the earlier instant 00:30Z (CEST)", () => {
    expect(berlinLocalToUtc("2026-10-25T02:30")).toBe("2026-10-25T00:30:00.000Z");
  });

  it("autumn: 01:59 is still summer time, 03:00 already winter time", () => {
    expect(berlinLocalToUtc("2026-10-25T01:59")).toBe("2026-10-24T23:59:00.000Z");
    expect(berlinLocalToUtc("2026-10-25T03:00")).toBe("2026-10-25T02:00:00.000Z");
  });

  it("winter: 2026-12-01T09:00 → 08:00Z; summer: 2026-07-01T09:00 → 07:00Z", () => {
    expect(berlinLocalToUtc("2026-12-01T09:00")).toBe("2026-12-01T08:00:00.000Z");
    expect(berlinLocalToUtc("2026-07-01T09:00")).toBe("2026-07-01T07:00:00.000Z");
  });

  it("accepts seconds and a space instead of T", () => {
    expect(berlinLocalToUtc("2026-12-01 09:00:30")).toBe("2026-12-01T08:00:30.000Z");
  });

  it.each([["2026-02-31T10:00"], ["2026-13-01T10:00"], ["2026-12-01T24:00"], ["2026-12-01T10:60"], ["01.12.2026 10:00"], [""], ["2026-12-01"]])(
    "rejects malformed or impossible %j with null",
    (input) => {
      expect(berlinLocalToUtc(input)).toBeNull();
    },
  );

  it("offset is 60 in winter and 120 in summer, switching exactly at 01:00Z", () => {
    expect(berlinOffsetMinutes(new Date("2026-03-29T00:59:59Z"))).toBe(60);
    expect(berlinOffsetMinutes(new Date("2026-03-29T01:00:00Z"))).toBe(120);
    expect(berlinOffsetMinutes(new Date("2026-10-25T00:59:59Z"))).toBe(120);
    expect(berlinOffsetMinutes(new Date("2026-10-25T01:00:00Z"))).toBe(60);
  });
});

describe("utcToBerlinLocal", () => {
  it.each([
    ["2026-12-01T09:00"],
    ["2026-07-01T00:00"],
    ["2026-03-29T01:59"],
    ["2026-03-29T03:00"],
    ["2026-10-25T01:59"],
    ["2026-10-25T03:00"],
    ["2026-12-31T23:59"],
  ])("round-trips %s", (local) => {
    expect(utcToBerlinLocal(berlinLocalToUtc(local)!)).toBe(local);
  });

  it("shows midnight as 00, not 24, and on the Berlin calendar day", () => {
    expect(utcToBerlinLocal("2026-06-30T22:00:00.000Z")).toBe("2026-07-01T00:00");
    expect(berlinDate("2026-06-30T22:00:00.000Z")).toBe("2026-07-01");
    expect(berlinDate("2026-06-30T21:59:59.000Z")).toBe("2026-06-30");
  });

  it("both instants of the repeated autumn hour show as 02:30", () => {
    expect(utcToBerlinLocal("2026-10-25T00:30:00Z")).toBe("2026-10-25T02:30");
    expect(utcToBerlinLocal("2026-10-25T01:30:00Z")).toBe("2026-10-25T02:30");
  });
});

describe("formatDateTime, formatDate", () => {
  it("formats in Berlin time, German style", () => {
    expect(formatDateTime("2026-12-01T08:00:00.000Z")).toBe("01.12.2026, 09:00 Uhr");
    expect(formatDateTime("2026-07-01T07:05:00.000Z")).toBe("01.07.2026, 09:05 Uhr");
    expect(formatDateTime("2026-12-31T23:30:00.000Z")).toBe("01.01.2027, 00:30 Uhr");
    expect(formatDateTimeSeconds("2026-12-01T08:00:07.000Z")).toBe("01.12.2026, 09:00:07 Uhr");
  });

  it("shows a dash for missing values", () => {
    expect(formatDateTime(null)).toBe("–");
    expect(formatDateTime(undefined)).toBe("–");
    expect(formatDate(null)).toBe("–");
    expect(formatDate("")).toBe("–");
  });

  it("formatDate turns YYYY-MM-DD into DD.MM.YYYY", () => {
    expect(formatDate("2026-12-01")).toBe("01.12.2026");
    expect(formatDate("2028-02-29")).toBe("29.02.2028");
  });
});

describe("parseDate, isIsoDate", () => {
  it.each([
    ["01.12.2026", "2026-12-01"],
    ["1.2.2026", "2026-02-01"],
    [" 31.12.2026 ", "2026-12-31"],
    ["2026-12-01", "2026-12-01"],
    ["29.02.2028", "2028-02-29"],
    ["2028-02-29", "2028-02-29"],
  ])("parses %j as %s", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([["31.02.2026"], ["29.02.2026"], ["2026-02-29"], ["2026-02-30"], ["32.01.2026"], ["01.13.2026"], ["00.01.2026"], ["2026-1-5"], ["01.12.26"], [""], ["heute"]])(
    "rejects %j",
    (input) => {
      expect(parseDate(input)).toBeNull();
    },
  );

  it("isIsoDate checks the calendar", () => {
    expect(isIsoDate("2026-04-30")).toBe(true);
    expect(isIsoDate("2026-04-31")).toBe(false);
    expect(isIsoDate("2100-02-29")).toBe(false);
    expect(isIsoDate("2000-02-29")).toBe(true);
  });
});

describe("daysBetween and addDays", () => {
  it("counts across month ends and leap days", () => {
    expect(daysBetween("2026-01-31", "2026-02-01")).toBe(1);
    expect(daysBetween("2026-02-28", "2026-03-01")).toBe(1);
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysBetween("2026-12-31", "2027-01-01")).toBe(1);
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
    expect(daysBetween("2028-01-01", "2029-01-01")).toBe(366);
    expect(daysBetween("2026-03-01", "2026-02-01")).toBe(-28);
    expect(daysBetween("2026-05-05", "2026-05-05")).toBe(0);
  });

  it("is not thrown off by the DST switch days", () => {
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
    expect(daysBetween("2026-10-24", "2026-10-26")).toBe(2);
  });

  it("distinguishes day 41 from day 42 (boundary of a six-week period)", () => {
    expect(addDays("2026-01-01", 41)).toBe("2026-02-11");
    expect(addDays("2026-01-01", 42)).toBe("2026-02-12");
    expect(daysBetween("2026-01-01", "2026-02-11")).toBe(41);
    expect(daysBetween("2026-01-01", "2026-02-12")).toBe(42);
    // across February in a leap year
    expect(addDays("2028-02-01", 41)).toBe("2028-03-13");
    expect(addDays("2026-02-01", 41)).toBe("2026-03-14");
  });

  it("adds across month, year and leap-day boundaries, also backwards", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2028-02-29", 1)).toBe("2028-03-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(addDays("2026-03-29", 0)).toBe("2026-03-29");
  });

  it("addDays and daysBetween are inverse", () => {
    for (const n of [-400, -1, 0, 1, 28, 29, 59, 365, 366, 1000]) {
      expect(daysBetween("2027-12-15", addDays("2027-12-15", n))).toBe(n);
    }
  });
});

describe("formatCents", () => {
  it.each([
    [123456, "1.234,56 €"],
    [-123456, "-1.234,56 €"],
    [0, "0,00 €"],
    [5, "0,05 €"],
    [-5, "-0,05 €"],
    [100, "1,00 €"],
    [99999, "999,99 €"],
    [100000, "1.000,00 €"],
    [123456789, "1.234.567,89 €"],
  ])("%i → %s", (cents, expected) => {
    expect(formatCents(cents)).toBe(expected);
  });

  it("shows a dash for null/undefined", () => {
    expect(formatCents(null)).toBe("–");
    expect(formatCents(undefined)).toBe("–");
  });
});

describe("parseEuroToCents", () => {
  it.each([
    ["1.234,56", 123456],
    ["1234,5", 123450],
    ["1234,56", 123456],
    ["1234.56", 123456],
    ["1234", 123400],
    ["1.234", 123400],
    ["1.234 €", 123400],
    ["1.234,56 EUR", 123456],
    ["1.234.567,89", 123456789],
    ["0,01", 1],
    ["0", 0],
    ["-12,50", -1250],
    [" 7,5 ", 750],
  ])("%j → %i cents", (input, cents) => {
    expect(parseEuroToCents(input)).toBe(cents);
  });

  it.each([["12,345"], ["1234.5"], ["1234.567"], ["12.34.56"], ["1,2,3"], ["abc"], ["1.23,4x"], ["-"], ["€"], [""], ["   "], ["99999999999999999"]])(
    "%j → null",
    (input) => {
      expect(parseEuroToCents(input)).toBeNull();
    },
  );

  it("round-trips formatCents output", () => {
    for (const c of [0, 1, 99, 100, 123456, -123456, 100000000]) {
      expect(parseEuroToCents(formatCents(c))).toBe(c);
    }
  });
});
