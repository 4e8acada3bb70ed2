import { describe, expect, it } from "vitest";
import { costByYear, eventAmount, monthBill, monthBills, placeEnd, totalOf, type PriceTerms } from "~/domain/places";
import { attendanceWarning, billedSpan, dueBills, monthParam, purchaseInvoiceProblems, purchaseReferenceIn, type BilledPurchase } from "~/domain/place-bills";

/**
 * The bills of a place at their boundaries: pro rata by calendar days, the started month in
 * full, the 15th as the reference day; a 36-month BaE place; event fees; the cost per year.
 */

const terms = (over: Partial<PriceTerms> = {}): PriceTerms => ({ priceModel: "place_month", priceCents: 300_000, proRata: "days", eventFees: [], ...over });

describe("monthBill: pro rata by calendar days", () => {
  it("entry on the 16th of a 30-day month bills 15/30", () => {
    const b = monthBill(terms(), "2026-04-16", "2026-12-31", "2026-04")!;
    expect(b).toMatchObject({ periodStart: "2026-04-16", periodEnd: "2026-04-30", days: 15, amountCents: 150_000 });
    expect(b.calculation).toBe("15 von 30 Tagen × 3.000,00 € = 1.500,00 €");
  });
  it("entry on the 1st is a full month; on the 2nd it is 30/31 (rounded to the cent)", () => {
    expect(monthBill(terms(), "2026-05-01", "2026-12-31", "2026-05")).toMatchObject({ days: 31, amountCents: 300_000, calculation: "voller Monat: 3.000,00 €" });
    expect(monthBill(terms(), "2026-05-02", "2026-12-31", "2026-05")).toMatchObject({ days: 30, amountCents: Math.round((300_000 * 30) / 31) });
  });
  it("exit on the last day is a full month; a day before is not; February of a leap year has 29 days", () => {
    expect(monthBill(terms(), "2026-01-01", "2026-06-30", "2026-06")!.amountCents).toBe(300_000);
    expect(monthBill(terms(), "2026-01-01", "2026-06-29", "2026-06")!.amountCents).toBe(290_000);
    expect(monthBill(terms(), "2028-01-01", "2028-02-14", "2028-02")).toMatchObject({ days: 14, amountCents: Math.round((300_000 * 14) / 29) });
  });
  it("a month outside the place is not billed; a one-day place bills one day", () => {
    expect(monthBill(terms(), "2026-04-16", "2026-12-31", "2026-03")).toBeNull();
    expect(monthBill(terms(), "2026-04-16", "2026-12-31", "2027-01")).toBeNull();
    expect(monthBill(terms(), "2026-04-30", "2026-04-30", "2026-04")).toMatchObject({ days: 1, amountCents: 10_000 });
  });
  it("per-participant and hour models have no month bills", () => {
    expect(monthBill(terms({ priceModel: "participant" }), "2026-04-01", "2026-12-31", "2026-04")).toBeNull();
    expect(monthBill(terms({ priceModel: "hour" }), "2026-04-01", "2026-12-31", "2026-04")).toBeNull();
    expect(monthBill(terms({ priceModel: "mae_month", priceCents: 25_000 }), "2026-04-01", "2026-12-31", "2026-04")!.amountCents).toBe(25_000);
  });
});

describe("monthBill: started month in full", () => {
  it("entry on the last day and exit on the first day bill the whole month", () => {
    const t = terms({ proRata: "full" });
    expect(monthBill(t, "2026-04-30", "2026-12-31", "2026-04")).toMatchObject({ days: 1, amountCents: 300_000 });
    expect(monthBill(t, "2026-04-01", "2026-12-01", "2026-12")).toMatchObject({ days: 1, amountCents: 300_000 });
    expect(monthBill(t, "2026-04-30", "2026-12-31", "2026-03")).toBeNull();
  });
});

describe("monthBill: the 15th as the reference day", () => {
  const t = terms({ proRata: "from_16th" });
  it("entry on the 15th counts, on the 16th not", () => {
    expect(monthBill(t, "2026-04-15", "2026-12-31", "2026-04")).toMatchObject({ amountCents: 300_000, days: 16 });
    expect(monthBill(t, "2026-04-16", "2026-12-31", "2026-04")).toBeNull();
  });
  it("exit on the 14th does not count, on the 15th it counts", () => {
    expect(monthBill(t, "2026-01-01", "2026-06-14", "2026-06")).toBeNull();
    expect(monthBill(t, "2026-01-01", "2026-06-15", "2026-06")).toMatchObject({ amountCents: 300_000, days: 15 });
  });
});

describe("monthBills", () => {
  it("a 36-month BaE place from the 1st: exactly 36 full bills", () => {
    const end = placeEnd("2026-09-01", 36, "month");
    expect(end).toBe("2029-08-31");
    const bills = monthBills(terms({ priceCents: 95_000 }), "2026-09-01", end);
    expect(bills).toHaveLength(36);
    expect(bills.every((b) => b.amountCents === 95_000 && b.calculation.startsWith("voller Monat"))).toBe(true);
    expect(bills[0].month).toBe("2026-09");
    expect(bills[35].month).toBe("2029-08");
  });
  it("a 36-month place from the 16th: 37 bills, the first and the last pro rata", () => {
    const end = placeEnd("2026-09-16", 36, "month");
    expect(end).toBe("2029-09-15");
    const bills = monthBills(terms(), "2026-09-16", end);
    expect(bills).toHaveLength(37);
    expect(bills[0]).toMatchObject({ days: 15, amountCents: 150_000 });
    expect(bills[36]).toMatchObject({ days: 15, amountCents: 150_000 });
    expect(totalOf(bills.map((b) => ({ year: 0, amountCents: b.amountCents })))).toBe(36 * 300_000);
  });
});

describe("eventAmount and costByYear", () => {
  const p421i = terms({ priceModel: "participant", priceCents: 100_000, eventFees: [{ event: "success", label: "Erfolgsanteil", amountCents: 150_000 }] });
  it("event fees by event; none for another event", () => {
    expect(eventAmount(p421i, "success")).toBe(150_000);
    expect(eventAmount(p421i, "entry")).toBe(0);
    expect(eventAmount(terms({ eventFees: [{ event: "transfer", label: "a", amountCents: 1 }, { event: "transfer", label: "b", amountCents: 2 }] }), "transfer")).toBe(3);
  });
  it("participant price in the start year, success part in the end year", () => {
    expect(costByYear(p421i, "2026-11-01", "2027-04-30")).toEqual([
      { year: 2026, amountCents: 100_000 },
      { year: 2027, amountCents: 150_000 },
    ]);
  });
  it("monthly model: each month in its year; 31.12./1.1. split exactly", () => {
    expect(costByYear(terms(), "2026-12-01", "2027-01-31")).toEqual([
      { year: 2026, amountCents: 300_000 },
      { year: 2027, amountCents: 300_000 },
    ]);
  });
  it("hours: price × hours at the end", () => {
    expect(costByYear(terms({ priceModel: "hour", priceCents: 4_500, hours: 120 }), "2026-11-01", "2027-02-28")).toEqual([{ year: 2027, amountCents: 540_000 }]);
  });
});

function purchase(over: Partial<BilledPurchase>): BilledPurchase {
  return {
    priceModel: "place_month",
    priceCents: 300_000,
    proRata: "days",
    eventFees: [],
    hours: null,
    startDate: "2026-04-16",
    endDate: "2026-12-31",
    entryDate: "2026-04-16",
    exitDate: null,
    exitReason: null,
    status: "running",
    ...over,
  } as BilledPurchase;
}

describe("dueBills (what the job proposes)", () => {
  it("only months that are over: on the last day of a month it is not yet billed, the next day it is", () => {
    expect(dueBills(purchase({}), "2026-04-30", null).map((b) => b.billKey)).toEqual([]);
    expect(dueBills(purchase({}), "2026-05-01", null).map((b) => b.billKey)).toEqual(["month:2026-04"]);
  });
  it("a dropout: the exit month pro rata, nothing after it", () => {
    const bills = dueBills(purchase({ status: "dropped_out", exitDate: "2026-06-10", exitReason: "illness" }), "2027-03-01", null);
    expect(bills.map((b) => b.billKey)).toEqual(["month:2026-04", "month:2026-05", "month:2026-06"]);
    expect(bills[2]).toMatchObject({ periodEnd: "2026-06-10", amountCents: 100_000 });
  });
  it("§ 421i-style participant price with a success part: entry = base price; success only with an integration outcome at exit", () => {
    const p = purchase({ priceModel: "participant", priceCents: 100_000, eventFees: [{ event: "success", label: "Erfolgsanteil", amountCents: 150_000 }] });
    expect(dueBills(p, "2026-05-01", null)).toEqual([expect.objectContaining({ billKey: "event:entry", amountCents: 100_000, periodStart: "2026-04-16" })]);
    const ended = { ...p, status: "completed", exitDate: "2026-10-31" } as BilledPurchase;
    expect(dueBills(ended, "2026-11-05", { status: "none" }).map((b) => b.billKey)).toEqual(["event:entry"]);
    expect(dueBills(ended, "2026-11-05", { status: "employment" }).map((b) => [b.billKey, b.amountCents])).toEqual([
      ["event:entry", 100_000],
      ["event:success", 150_000],
    ]);
  });
  it("hours at completion; the BaE transfer bonus only for training as outcome and as exit reason", () => {
    const hours = purchase({ priceModel: "hour", priceCents: 4_500, hours: 120, status: "completed", exitDate: "2026-10-31" });
    expect(dueBills(hours, "2026-11-01", null)).toEqual([expect.objectContaining({ billKey: "event:completion", amountCents: 540_000 })]);
    const bae = purchase({ startDate: "2026-09-01", entryDate: "2026-09-01", endDate: "2029-08-31", status: "dropped_out", exitDate: "2026-09-30", exitReason: "training", eventFees: [{ event: "transfer", label: "Übergangsprämie", amountCents: 200_000 }] });
    expect(dueBills(bae, "2026-10-01", { status: "training" }).map((b) => b.billKey)).toEqual(["month:2026-09", "event:transfer"]);
    expect(dueBills(bae, "2026-10-01", { status: "employment" }).map((b) => b.billKey)).toEqual(["month:2026-09"]);
    expect(dueBills({ ...bae, exitReason: "employment" } as BilledPurchase, "2026-10-01", { status: "training" }).map((b) => b.billKey)).toEqual(["month:2026-09"]);
  });
});

describe("purchase references and month filters", () => {
  it("finds EP-… in the order or contract reference", () => {
    expect(purchaseReferenceIn("Bestellung ep-2026-000042", null)).toBe("EP-2026-000042");
    expect(purchaseReferenceIn("", "EP-2026-000007")).toBe("EP-2026-000007");
    expect(purchaseReferenceIn("V-2026-0001", "")).toBeNull();
  });
  it("month filter: YYYY-MM only", () => {
    expect(monthParam("2026-04")).toBe("2026-04");
    expect(monthParam("2026-13")).toBeNull();
    expect(monthParam("04.2026")).toBeNull();
  });
});

describe("review fixes", () => {
  it("attendance warning: more unexcused days than half the billed days of the month (30 days: 15 none, 16 warn); none for events", () => {
    const month = { kind: "month", periodStart: "2026-04-01", periodEnd: "2026-04-30" };
    expect(attendanceWarning(month, { daysUnexcused: 15 })).toBeNull();
    expect(attendanceWarning(month, { daysUnexcused: 16 })).toBe("16 von 30 Tagen unentschuldigt gefehlt");
    expect(attendanceWarning(month, null)).toBeNull();
    expect(attendanceWarning({ ...month, kind: "event" }, { daysUnexcused: 30 })).toBeNull();
  });

  it("billed span: an entry before the planned start bills from the start; an exit after the planned end ends at the end", () => {
    expect(billedSpan({ startDate: "2026-04-20", endDate: "2027-04-19", entryDate: "2026-04-01", exitDate: null })).toEqual({ from: "2026-04-20", to: "2027-04-19" });
    expect(billedSpan({ startDate: "2026-04-20", endDate: "2027-04-19", entryDate: "2026-04-21", exitDate: "2027-05-01" })).toEqual({ from: "2026-04-21", to: "2027-04-19" });
    expect(billedSpan({ startDate: "2026-04-20", endDate: "2027-04-19", entryDate: null, exitDate: "2026-06-30" })).toEqual({ from: "2026-04-20", to: "2026-06-30" });
  });

  it("own e-invoice findings: overlap by one day with a confirmed bill; never started; a period starting the day after the exit", () => {
    const running = { reference: "EP-2026-000001", status: "running", exitDate: null };
    const settled = [{ reference: "AB-2026-000001", status: "confirmed", periodStart: "2026-01-01", periodEnd: "2026-01-31" }];
    expect(purchaseInvoiceProblems(running, { periodStart: "2026-01-31", periodEnd: "2026-02-28" }, settled).map((f) => f.rule)).toEqual(["ASZ-PLATZ-1"]);
    expect(purchaseInvoiceProblems(running, { periodStart: "2026-02-01", periodEnd: "2026-02-28" }, settled)).toEqual([]);
    expect(purchaseInvoiceProblems({ ...running, status: "ordered" }, { periodStart: "2026-02-01", periodEnd: "2026-02-28" }, []).map((f) => f.rule)).toEqual(["ASZ-PLATZ-2"]);
    const ended = { ...running, status: "dropped_out", exitDate: "2026-02-14" };
    expect(purchaseInvoiceProblems(ended, { periodStart: "2026-02-15", periodEnd: "2026-02-28" }, []).map((f) => f.rule)).toEqual(["ASZ-PLATZ-3"]);
    expect(purchaseInvoiceProblems(ended, { periodStart: "2026-02-14", periodEnd: "2026-02-28" }, [])).toEqual([]);
  });
});
