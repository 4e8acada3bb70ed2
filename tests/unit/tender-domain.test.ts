import { describe, expect, it } from "vitest";
import {
  abnormallyLow,
  criteriaProblems,
  decideRegime,
  DEFAULT_THRESHOLDS_TEXT,
  lotValueCents,
  MAX_VALUE_MONTHS,
  offerPeriodProblem,
  parseThresholds,
  priceScore,
  standstillDays,
  tenderValueCents,
  thresholdOn,
  totalScore,
  type Threshold,
} from "~/domain/tender";

/** Rules 13 (value → regime, criteria, minimum offer period) and § 2 of DOMAIN.md. */

function thresholds(text: string): Threshold[] {
  const parsed = parseThresholds(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.thresholds;
}

describe("lotValueCents (§ 3 VgV)", () => {
  it("place_month: places × monthly price × months (BaE)", () => {
    expect(lotValueCents({ quantity: 12, durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000 })).toBe(12 * 95000 * 36);
    expect(lotValueCents({ quantity: 12, durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000 })).toBe(41_040_000);
  });

  it("place_month: 47 and 48 months count in full, 49 months count as 48", () => {
    const lot = (months: number) => ({ quantity: 10, durationMonths: months, priceUnit: "place_month" as const, estimatedUnitPriceCents: 100000 });
    expect(MAX_VALUE_MONTHS).toBe(48);
    expect(lotValueCents(lot(47))).toBe(10 * 100000 * 47);
    expect(lotValueCents(lot(48))).toBe(10 * 100000 * 48);
    expect(lotValueCents(lot(49))).toBe(10 * 100000 * 48);
    expect(lotValueCents(lot(120))).toBe(10 * 100000 * 48);
  });

  it("participant: participants × price, independent of the duration", () => {
    expect(lotValueCents({ quantity: 25, durationMonths: 6, priceUnit: "participant", estimatedUnitPriceCents: 280000 })).toBe(25 * 280000);
    expect(lotValueCents({ quantity: 25, durationMonths: 60, priceUnit: "participant", estimatedUnitPriceCents: 280000, estimatedSuccessFeeCents: 99999 })).toBe(25 * 280000);
  });

  it("participant_success: participants × (price + success fee); a missing fee counts 0", () => {
    expect(lotValueCents({ quantity: 80, durationMonths: 12, priceUnit: "participant_success", estimatedUnitPriceCents: 300000, estimatedSuccessFeeCents: 150000 })).toBe(80 * 450000);
    expect(lotValueCents({ quantity: 80, durationMonths: 12, priceUnit: "participant_success", estimatedUnitPriceCents: 300000, estimatedSuccessFeeCents: null })).toBe(80 * 300000);
    expect(lotValueCents({ quantity: 80, durationMonths: 12, priceUnit: "participant_success", estimatedUnitPriceCents: 300000 })).toBe(80 * 300000);
  });

  it("tenderValueCents adds the lots", () => {
    expect(
      tenderValueCents([
        { quantity: 12, durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000 },
        { quantity: 80, durationMonths: 12, priceUnit: "participant_success", estimatedUnitPriceCents: 300000, estimatedSuccessFeeCents: 150000 },
      ]),
    ).toBe(41_040_000 + 36_000_000);
    expect(tenderValueCents([])).toBe(0);
  });
});

describe("decideRegime (rule 13: value ≥ 750.000 € → EU rules)", () => {
  const list = thresholds(DEFAULT_THRESHOLDS_TEXT);

  it("exactly 750.000,00 € → eu", () => {
    const d = decideRegime(75_000_000, list, "2026-06-01");
    expect(d.regime).toBe("eu");
    expect(d.thresholdCents).toBe(75_000_000);
    expect(d.valueCents).toBe(75_000_000);
    expect(d.reason).toContain("750.000,00 €");
    expect(d.reason).toContain("erreicht den Schwellenwert von 750.000,00 €");
    expect(d.reason).toContain("EU-Vergaberecht");
  });

  it("749.999,99 € → national", () => {
    const d = decideRegime(74_999_999, list, "2026-06-01");
    expect(d.regime).toBe("national");
    expect(d.reason).toContain("749.999,99 €");
    expect(d.reason).toContain("liegt unter dem Schwellenwert");
    expect(d.reason).toContain("nationales Vergaberecht");
  });

  it("uses the threshold valid on the date (general services changed on 2026-01-01)", () => {
    // 221.000 € until 2025-12-31, 216.000 € from 2026-01-01 (general services).
    const value = 21_800_000; // 218.000 €
    const before = decideRegime(value, list, "2025-12-31", false);
    const after = decideRegime(value, list, "2026-01-01", false);
    expect(before.thresholdCents).toBe(22_100_000);
    expect(before.regime).toBe("national");
    expect(before.reason).toMatch(/gültig ab (2024-01-01|01\.01\.2024)/);
    expect(after.thresholdCents).toBe(21_600_000);
    expect(after.regime).toBe("eu");
    expect(after.reason).toMatch(/gültig ab (2026-01-01|01\.01\.2026)/);
  });

  it("a future change of the social-services threshold applies from its date only", () => {
    const dated = thresholds("2024-01-01;750000;221000\n2027-01-01;800000;230000");
    const value = 78_000_000; // 780.000 €
    expect(decideRegime(value, dated, "2026-12-31").regime).toBe("eu");
    expect(decideRegime(value, dated, "2027-01-01").regime).toBe("national");
    expect(decideRegime(value, dated, "2027-01-01").thresholdCents).toBe(80_000_000);
  });

  it("thresholdOn: latest threshold not after the date; before all of them the earliest", () => {
    const dated = thresholds("2026-01-01;750000;216000\n2024-01-01;750000;221000");
    expect(thresholdOn(dated, "2025-06-30").validFrom).toBe("2024-01-01");
    expect(thresholdOn(dated, "2026-01-01").validFrom).toBe("2026-01-01");
    expect(thresholdOn(dated, "2020-01-01").validFrom).toBe("2024-01-01");
  });
});

describe("parseThresholds (settings text)", () => {
  it("parses good lines into cents, sorted by date, ignoring blank lines, CRLF and spaces", () => {
    const r = parseThresholds("2026-01-01 ; 750000 ; 216000\r\n\r\n  2024-01-01;750000;221000  \n");
    expect(r).toEqual({
      ok: true,
      thresholds: [
        { validFrom: "2024-01-01", socialServicesCents: 75_000_000, generalServicesCents: 22_100_000 },
        { validFrom: "2026-01-01", socialServicesCents: 75_000_000, generalServicesCents: 21_600_000 },
      ],
    });
  });

  it("the default setting parses", () => {
    expect(parseThresholds(DEFAULT_THRESHOLDS_TEXT).ok).toBe(true);
  });

  it.each([
    ["2024-01-01;750000", 1],
    ["2024-01-01;750000;221000\n01.01.2026;750000;216000", 2],
    ["2024-01-01;750000;221000\n2026-01-01;750.000;216.000", 2],
    ["2024-01-01;750000,00;221000", 1],
    ["2024-01-01;-750000;221000", 1],
    ["Schwellenwert 750000", 1],
  ])("bad line %j → German error naming line %i", (text, line) => {
    const r = parseThresholds(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(`Zeile ${line}`);
    expect(r.error).toContain("JJJJ-MM-TT");
    expect(r.error).toContain("ganze Euro");
  });

  it("empty text → at least one threshold needed", () => {
    expect(parseThresholds("")).toEqual({ ok: false, error: "Mindestens ein Schwellenwert ist nötig." });
    expect(parseThresholds(" \n \n")).toEqual({ ok: false, error: "Mindestens ein Schwellenwert ist nötig." });
  });
});

describe("offerPeriodProblem (minimum period from the day after publication, Berlin dates)", () => {
  // Published 2026-12-01 10:00 Berlin (CET = UTC+1).
  const published = "2026-12-01T09:00:00.000Z";

  it("deadline on 2026-12-31 at any time → ok (30 days)", () => {
    expect(offerPeriodProblem(published, "2026-12-30T23:00:00.000Z", 30, "eu", "open")).toBeNull(); // 31.12. 00:00
    expect(offerPeriodProblem(published, "2026-12-31T09:00:00.000Z", 30, "eu", "open")).toBeNull(); // 31.12. 10:00
    expect(offerPeriodProblem(published, "2026-12-31T22:59:00.000Z", 30, "eu", "open")).toBeNull(); // 31.12. 23:59
  });

  it("deadline 2026-12-30 23:59 Berlin → problem naming 30 days", () => {
    const p = offerPeriodProblem(published, "2026-12-30T22:59:00.000Z", 30, "eu", "open");
    expect(p).not.toBeNull();
    expect(p).toContain("Mindestfrist von 30 Tagen");
    expect(p).toContain("nur 29 Tage");
    expect(p).toContain("Offenes Verfahren");
    expect(p).toContain("(EU)");
  });

  it("national regime uses the national procedure name", () => {
    const p = offerPeriodProblem(published, "2026-12-10T09:00:00.000Z", 14, "national", "restricted");
    expect(p).toContain("Beschränkte Ausschreibung");
    expect(p).toContain("(national)");
    expect(p).toContain("Mindestfrist von 14 Tagen");
  });

  it("DST: published 2026-03-28 10:00 CET, 30 days end with 2026-04-27 (CEST)", () => {
    const march = "2026-03-28T09:00:00.000Z"; // 10:00 CET, the day before the change
    // 2026-04-27 00:00 CEST = 2026-04-26T22:00Z: a UTC-date count would say 29 days.
    expect(offerPeriodProblem(march, "2026-04-26T22:00:00.000Z", 30, "eu", "open")).toBeNull();
    // 2026-04-26 23:59 CEST = 21:59Z → only 29 days.
    const p = offerPeriodProblem(march, "2026-04-26T21:59:00.000Z", 30, "eu", "open");
    expect(p).toContain("Mindestfrist von 30 Tagen");
    expect(p).toContain("nur 29 Tage");
  });

  it("publication late in the evening counts by the Berlin date (23:30 Berlin is still the same day)", () => {
    // 2026-12-01 23:30 Berlin = 22:30Z.
    expect(offerPeriodProblem("2026-12-01T22:30:00.000Z", "2026-12-30T23:00:00.000Z", 30, "eu", "open")).toBeNull();
    // 2026-12-02 00:30 Berlin = 23:30Z on 12-01: the period starts a day later.
    expect(offerPeriodProblem("2026-12-01T23:30:00.000Z", "2026-12-30T23:00:00.000Z", 30, "eu", "open")).toContain("nur 29 Tage");
  });
});

describe("criteriaProblems (rule 13: criteria and weights)", () => {
  const c = (name: string, weight: number, isPrice = false) => ({ name, weight, isPrice });

  it("Preis 60 / Konzept 40 → no problems", () => {
    expect(criteriaProblems([c("Preis", 60, true), c("Konzept", 40)])).toEqual([]);
  });

  it("weights summing to 99 or 101 are refused with the sum named", () => {
    expect(criteriaProblems([c("Preis", 60, true), c("Konzept", 39)])).toEqual(["Die Gewichtungen ergeben 99 statt 100."]);
    expect(criteriaProblems([c("Preis", 60, true), c("Konzept", 41)])).toEqual(["Die Gewichtungen ergeben 101 statt 100."]);
  });

  it("no price criterion", () => {
    expect(criteriaProblems([c("Konzept", 60), c("Personal", 40)])).toEqual(["Genau ein Kriterium muss der Preis sein."]);
  });

  it("two price criteria", () => {
    expect(criteriaProblems([c("Preis", 50, true), c("Erfolgsprämie", 30, true), c("Konzept", 20)])).toEqual(["Genau ein Kriterium muss der Preis sein."]);
  });

  it("price weighted 0", () => {
    expect(criteriaProblems([c("Preis", 0, true), c("Konzept", 100)])).toEqual(["Der Preis muss mit mehr als 0 gewichtet sein."]);
  });

  it("duplicate names (case and spaces ignored)", () => {
    expect(criteriaProblems([c("Preis", 60, true), c("Konzept", 20), c(" konzept ", 20)])).toEqual(["Zwei Kriterien haben denselben Namen."]);
  });

  it("no criteria at all; non-integer and negative weights", () => {
    expect(criteriaProblems([])).toEqual(["Es sind keine Zuschlagskriterien festgelegt."]);
    expect(criteriaProblems([c("Preis", 60.5, true), c("Konzept", 39.5)])).toEqual(["Gewichtungen sind ganze Zahlen ab 0."]);
    expect(criteriaProblems([c("Preis", 110, true), c("Konzept", -10)])).toEqual(["Gewichtungen sind ganze Zahlen ab 0."]);
  });
});

describe("scores", () => {
  it("priceScore: the lowest price gets the maximum, double the price gets half", () => {
    expect(priceScore(100000, 100000, 3)).toBe(3);
    expect(priceScore(200000, 100000, 3)).toBe(1.5);
    expect(priceScore(200000, 100000, 100)).toBe(50);
    expect(priceScore(150000, 100000, 3)).toBe(2); // 3 × 2/3
    expect(priceScore(300000, 100000, 10)).toBe(3.33); // rounded to two decimals
  });

  it("priceScore: zero or negative prices score 0", () => {
    expect(priceScore(0, 100000, 3)).toBe(0);
    expect(priceScore(100000, 0, 3)).toBe(0);
  });

  it("totalScore: Σ weight × points / maxPoints on a 0–100 scale", () => {
    expect(totalScore([{ weight: 60, points: 3, maxPoints: 3 }, { weight: 40, points: 3, maxPoints: 3 }])).toBe(100);
    expect(totalScore([{ weight: 60, points: 1.5, maxPoints: 3 }, { weight: 40, points: 2, maxPoints: 3 }])).toBe(56.67);
    expect(totalScore([{ weight: 60, points: 0, maxPoints: 3 }, { weight: 40, points: 0, maxPoints: 3 }])).toBe(0);
    expect(totalScore([])).toBe(0);
  });
});

describe("abnormallyLow (20 % below the next higher price)", () => {
  it("79,99 vs 100 → flagged; 80 vs 100 → not flagged (cents)", () => {
    expect([...abnormallyLow([7999, 10000], 20)]).toEqual([0]);
    expect([...abnormallyLow([8000, 10000], 20)]).toEqual([]);
  });

  it("79,99 vs 100 → flagged; 80 vs 100 → not flagged (euros)", () => {
    expect([...abnormallyLow([100, 79.99], 20)]).toEqual([1]);
    expect([...abnormallyLow([100, 80], 20)]).toEqual([]);
  });

  it("a single offer is never flagged", () => {
    expect(abnormallyLow([1], 20).size).toBe(0);
    expect(abnormallyLow([], 20).size).toBe(0);
  });

  it("compares with the next higher price, not with the average; returns original indices", () => {
    // 50 is far below 100, but 100 is not far below 110.
    expect([...abnormallyLow([110, 50, 100], 20)].sort()).toEqual([1]);
  });
});

describe("standstillDays (§ 134 GWB)", () => {
  it("10 days electronic, 15 otherwise", () => {
    expect(standstillDays(true)).toBe(10);
    expect(standstillDays(false)).toBe(15);
  });
});

describe("criterionLabel", () => {
  it("marks the price criterion unless its name already says Preis", async () => {
    const { criterionLabel } = await import("~/domain/tender");
    expect(criterionLabel({ name: "Preis", isPrice: true })).toBe("Preis");
    expect(criterionLabel({ name: "Preis je Platz und Monat", isPrice: true })).toBe("Preis je Platz und Monat");
    expect(criterionLabel({ name: "Kosten je Teilnehmer", isPrice: true })).toBe("Kosten je Teilnehmer (Preis)");
    expect(criterionLabel({ name: "Konzept", isPrice: false })).toBe("Konzept");
  });
});
