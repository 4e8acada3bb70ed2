import { describe, expect, it } from "vitest";
import {
  attendanceProblems,
  attendanceRate,
  entryProblems,
  examProblems,
  exitProblems,
  followUpDue,
  formatMonth,
  outcomeProblems,
  lateReportProblem,
  participationDaysIn,
  reportableLast,
  REPORTS_AFTER_EXIT_MONTHS,
  toDays,
} from "~/domain/participation";

/** The pure participation rules at their boundaries (issue 11, point 6). */

describe("entry", () => {
  const start = "2026-06-09";
  it("today is fine, tomorrow is in the future", () => {
    expect(entryProblems({ entryDate: "2026-05-10", today: "2026-05-10", startDate: "2026-05-10" })).toEqual({});
    expect(entryProblems({ entryDate: "2026-05-11", today: "2026-05-10", startDate: "2026-05-10" }).entryDate).toMatch(/11\.05\.2026 liegt in der Zukunft/);
  });
  it("30 days before the planned start is fine, 31 are refused naming the earliest day", () => {
    expect(entryProblems({ entryDate: "2026-05-10", today: "2026-05-10", startDate: start })).toEqual({});
    expect(entryProblems({ entryDate: "2026-05-09", today: "2026-05-10", startDate: start }).entryDate).toBe(
      "Der Eintritt am 09.05.2026 liegt mehr als 30 Tage vor dem geplanten Beginn (09.06.2026); frühestens möglich ist der 10.05.2026. Bei einem früheren Beginn klären Sie den Platz bitte mit dem Jobcenter.",
    );
  });
  it("a late entry (after the planned start) is fine; an empty or impossible date is named", () => {
    expect(entryProblems({ entryDate: "2026-05-01", today: "2026-05-10", startDate: "2026-04-01" })).toEqual({});
    expect(entryProblems({ entryDate: "", today: "2026-05-10", startDate: start }).entryDate).toMatch(/Eintrittsdatum an/);
    expect(entryProblems({ entryDate: "2026-02-30", today: "2026-05-10", startDate: start }).entryDate).toMatch(/gültiges Datum/);
  });
});

describe("days of a month in the participation", () => {
  it("entry on the 20th of a 30-day month: 11 days; a whole month; exit on the 3rd: 3 days; February in a leap year", () => {
    expect(participationDaysIn("2026-04", "2026-04-20", "2029-04-19")).toEqual({ days: 11, from: "2026-04-20", to: "2026-04-30" });
    expect(participationDaysIn("2026-05", "2026-04-20", "2029-04-19").days).toBe(31);
    expect(participationDaysIn("2026-06", "2026-04-20", "2026-06-03").days).toBe(3);
    expect(participationDaysIn("2028-02", "2026-04-20", "2029-04-19").days).toBe(29);
    expect(participationDaysIn("2026-03", "2026-04-20", "2029-04-19").days).toBe(0);
  });
});

describe("attendance", () => {
  const ctx = { entryDate: "2026-04-20", exitDate: null, endDate: "2029-04-19", today: "2026-05-10" };
  const days = (p: unknown, e: unknown, u: unknown) => ({ daysPresent: p, daysExcused: e, daysUnexcused: u });
  it("the sum may reach the month's days in the participation, one more is refused with the maximum", () => {
    expect(attendanceProblems({ month: "2026-04", ...days(9, 1, 1) }, ctx)).toMatchObject({ errors: {}, maxDays: 11, days: { present: 9, excused: 1, unexcused: 1 } });
    expect(attendanceProblems({ month: "2026-04", ...days(9, 1, 2) }, ctx).errors.daysPresent).toMatch(/höchstens 11 Tage, gemeldet sind 12/);
  });
  it("the month: not before the entry month, not in the future, not after the exit month", () => {
    expect(attendanceProblems({ month: "2026-03", ...days(0, 0, 0) }, ctx).errors.month).toMatch(/März 2026 liegt vor dem Eintritt \(20\.04\.2026\)/);
    expect(attendanceProblems({ month: "2026-06", ...days(0, 0, 0) }, ctx).errors.month).toMatch(/Juni 2026 liegt in der Zukunft/);
    expect(attendanceProblems({ month: "2026-05", ...days(0, 0, 0) }, ctx).errors).toEqual({});
    const exited = { ...ctx, exitDate: "2026-04-25" };
    expect(attendanceProblems({ month: "2026-05", ...days(0, 0, 0) }, exited).errors.month).toMatch(/nach dem Austritt/);
    expect(attendanceProblems({ month: "2026-04", ...days(6, 0, 0) }, exited).errors).toEqual({});
    expect(attendanceProblems({ month: "2026-04", ...days(7, 0, 0) }, exited).errors.daysPresent).toMatch(/höchstens 6 Tage/);
    expect(attendanceProblems({ month: "2026-13", ...days(0, 0, 0) }, ctx).errors.month).toMatch(/JJJJ-MM/);
  });
  it("days are whole numbers from 0", () => {
    const bad = attendanceProblems({ month: "2026-05", ...days(-1, "1,5", 2.5) }, ctx).errors;
    expect(Object.keys(bad).sort()).toEqual(["daysExcused", "daysPresent", "daysUnexcused"]);
    expect([toDays("12"), toDays(0), toDays(" 3 "), toDays(""), toDays(null), toDays(100), toDays("40")]).toEqual([12, 0, 3, null, null, null, 40]);
  });
  it("rate in percent with one decimal; none without days", () => {
    expect(attendanceRate(9, 11)).toBe(81.8);
    expect(attendanceRate(0, 0)).toBeNull();
    expect(formatMonth("2026-12")).toBe("Dezember 2026");
  });
});

describe("exams and exit", () => {
  it("exam: on the entry day fine, the day before refused; today fine, tomorrow refused", () => {
    const c = { entryDate: "2026-04-20", today: "2026-05-10" };
    expect(examProblems({ examName: "Gesellenprüfung", examDate: "2026-04-20", grade: "" }, c)).toEqual({});
    expect(examProblems({ examName: "Gesellenprüfung", examDate: "2026-04-19", grade: "" }, c).examDate).toMatch(/vor dem Eintritt/);
    expect(examProblems({ examName: "Gesellenprüfung", examDate: "2026-05-10", grade: "" }, c)).toEqual({});
    expect(examProblems({ examName: "Gesellenprüfung", examDate: "2026-05-11", grade: "" }, c).examDate).toMatch(/in der Zukunft/);
    expect(examProblems({ examName: " ", examDate: "2026-05-10", grade: "" }, c).examName).toBeTruthy();
  });
  it("exit: not before the entry, not in the future; an early exit needs a reason from the list", () => {
    const c = { entryDate: "2026-04-20", endDate: "2029-04-19", today: "2026-05-10", askEarly: false };
    expect(exitProblems({ exitDate: "2026-04-20", kind: "completed" }, c)).toEqual({});
    expect(exitProblems({ exitDate: "2026-04-19", kind: "completed" }, c).exitDate).toMatch(/vor dem Eintritt/);
    expect(exitProblems({ exitDate: "2026-05-11", kind: "completed" }, c).exitDate).toMatch(/in der Zukunft/);
    expect(exitProblems({ exitDate: "2026-05-01", kind: "dropped_out" }, c).reason).toMatch(/Grund/);
    expect(exitProblems({ exitDate: "2026-05-01", kind: "dropped_out", reason: "holiday" }, c).reason).toMatch(/Grund/);
    expect(exitProblems({ exitDate: "2026-05-01", kind: "dropped_out", reason: "moved" }, c)).toEqual({});
    expect(exitProblems({ exitDate: "2026-05-01", kind: "gone" }, c).kind).toBeTruthy();
  });
  it("the form asks about a completion before the planned end; on the planned end it does not", () => {
    const c = { entryDate: "2026-04-20", endDate: "2026-05-08", today: "2026-05-10", askEarly: true };
    expect(exitProblems({ exitDate: "2026-05-07", kind: "completed" }, c).earlyCompletionConfirmed).toMatch(/vor dem geplanten Ende \(08\.05\.2026\)/);
    expect(exitProblems({ exitDate: "2026-05-07", kind: "completed", earlyCompletionConfirmed: true }, c)).toEqual({});
    expect(exitProblems({ exitDate: "2026-05-08", kind: "completed" }, c)).toEqual({});
  });
});

describe("outcomes", () => {
  const ctx = { exitDate: "2025-11-10", today: "2026-05-10", followUpMonths: 6 };
  const employment = { checkpoint: "exit", status: "employment", employerName: "Tischlerei Lehmann", startDate: "2025-12-01", weeklyHours: "39,5", asOf: "2025-12-01" };
  it("employment with employer, start and hours (hundredths)", () => {
    expect(outcomeProblems(employment, ctx)).toMatchObject({ errors: {}, clean: { weeklyHours: 3950, employerName: "Tischlerei Lehmann" } });
    expect(outcomeProblems({ ...employment, employerName: "" }, ctx).errors.employerName).toBe("Bitte den Arbeitgeber angeben.");
    expect(outcomeProblems({ ...employment, weeklyHours: "" }, ctx).errors.weeklyHours).toBeTruthy();
    expect(outcomeProblems({ ...employment, weeklyHours: "99" }, ctx).errors.weeklyHours).toBeTruthy();
    expect(outcomeProblems({ ...employment, startDate: "" }, ctx).errors.startDate).toBeTruthy();
  });
  it("the start: before the exit is fine; exit + 6 months is the last day that counts", () => {
    expect(outcomeProblems({ ...employment, startDate: "2025-09-01" }, ctx).errors).toEqual({});
    expect(outcomeProblems({ ...employment, startDate: "2026-05-10" }, ctx).errors).toEqual({});
    expect(outcomeProblems({ ...employment, startDate: "2026-05-11" }, ctx).errors.startDate).toMatch(/„keine Integration“/);
  });
  it("none clears the employment fields; as-of not before the exit, not in the future", () => {
    expect(outcomeProblems({ ...employment, status: "none" }, ctx).clean).toMatchObject({ employerName: "", startDate: null, weeklyHours: null });
    expect(outcomeProblems({ ...employment, asOf: "2025-11-09" }, ctx).errors.asOf).toMatch(/vor dem Austritt/);
    expect(outcomeProblems({ ...employment, asOf: "2026-05-11" }, ctx).errors.asOf).toMatch(/in der Zukunft/);
  });
  it("six months: from exit + follow-up months, one day earlier refused", () => {
    expect(followUpDue("2025-11-10", 6)).toBe("2026-05-10");
    expect(followUpDue("2025-08-31", 6)).toBe("2026-02-28");
    const six = { ...employment, checkpoint: "six_months", asOf: "2026-05-10" };
    expect(outcomeProblems(six, ctx).errors).toEqual({});
    expect(outcomeProblems(six, { ...ctx, today: "2026-05-09" }).errors.checkpoint).toMatch(/ab dem 10\.05\.2026/);
    expect(outcomeProblems({ ...six, asOf: "2026-05-09" }, ctx).errors.asOf).toMatch(/10\.05\.2026/);
  });
});

describe("review fixes", () => {
  const ctx = { entryDate: "2026-04-20", exitDate: null, endDate: "2029-04-19", today: "2026-05-10" };
  const days = (p: unknown, e: unknown, u: unknown) => ({ daysPresent: p, daysExcused: e, daysUnexcused: u });
  it("the current month counts only up to today: 10 days on the 10th, 11 are refused", () => {
    expect(attendanceProblems({ month: "2026-05", ...days(8, 1, 1) }, ctx)).toMatchObject({ errors: {}, maxDays: 10 });
    expect(attendanceProblems({ month: "2026-05", ...days(9, 1, 1) }, ctx).errors.daysPresent).toBe(
      "Im Mai 2026 liegen bis heute 10 Tage der Teilnahme (01.05.2026 bis 10.05.2026): anwesend, entschuldigt und unentschuldigt zusammen höchstens 10 Tage, gemeldet sind 11.",
    );
    expect(reportableLast({ exitDate: null, endDate: "2029-04-19" }, "2026-05-10")).toBe("2026-05-10");
    expect(reportableLast({ exitDate: "2026-04-25", endDate: "2029-04-19" }, "2026-05-10")).toBe("2026-04-25");
  });
  it(`reports on an ended place: until exit + ${REPORTS_AFTER_EXIT_MONTHS} months, not a day longer; exam dates likewise`, () => {
    expect(lateReportProblem(null, "2040-01-01")).toBeNull();
    expect(lateReportProblem("2026-01-31", "2026-07-31")).toBeNull();
    expect(lateReportProblem("2026-01-31", "2026-08-01")).toMatch(/endete am 31\.01\.2026.*bis 31\.07\.2026/);
    const exam = (examDate: string) => examProblems({ examName: "Gesellenprüfung", examDate, grade: "" }, { entryDate: "2025-01-01", today: "2026-09-01", exitDate: "2026-01-31" });
    expect(exam("2026-07-31")).toEqual({});
    expect(exam("2026-08-01").examDate).toMatch(/mehr als 6 Monate nach dem Austritt \(31\.01\.2026\)/);
  });
  it("an exit after the planned end is refused; on the planned end it is fine", () => {
    const c = { entryDate: "2026-01-01", endDate: "2026-05-05", today: "2026-05-10", askEarly: false };
    expect(exitProblems({ exitDate: "2026-05-05", kind: "completed" }, c)).toEqual({});
    expect(exitProblems({ exitDate: "2026-05-06", kind: "completed" }, c).exitDate).toMatch(/^Die Teilnahme endet planmäßig am 05\.05\.2026/);
  });
});

describe("review fixes: outcome plausibility", () => {
  const ctx = { exitDate: "2026-03-31", today: "2026-05-10", followUpMonths: 6, from: "2025-10-01" };
  const employment = (startDate: string, weeklyHours = "39") => outcomeProblems({ checkpoint: "exit", status: "employment", employerName: "Tischlerei", startDate, weeklyHours, asOf: "2026-05-10" }, ctx).errors;
  it("the start lies not before the entry (the entry day is fine) and not after today (today is fine)", () => {
    expect(employment("2025-10-01")).toEqual({});
    expect(employment("2025-09-30").startDate).toMatch(/vor dem Eintritt in die Maßnahme \(01\.10\.2025\)/);
    expect(employment("2026-05-10")).toEqual({});
    expect(employment("2026-05-11").startDate).toMatch(/11\.05\.2026 liegt in der Zukunft/);
    const training = outcomeProblems({ checkpoint: "exit", status: "training", employerName: "Autohaus", startDate: "2025-09-30", asOf: "2026-05-10" }, ctx).errors;
    expect(training.startDate).toMatch(/vor dem Eintritt/);
  });
  it("employment: 1 to 60 weekly hours", () => {
    expect(employment("2026-04-01", "1")).toEqual({});
    expect(employment("2026-04-01", "0,99").weeklyHours).toMatch(/zwischen 1 und 60 Wochenstunden/);
    expect(employment("2026-04-01", "60")).toEqual({});
    expect(employment("2026-04-01", "60,01").weeklyHours).toMatch(/zwischen 1 und 60 Wochenstunden/);
  });
});
