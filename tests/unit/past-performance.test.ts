import { describe, expect, it } from "vitest";
import { criteriaKindProblems, DEFAULT_METHOD, DEFINITIONS_VERSION, definitionsOf, figureTypeOf, methodInWords, methodPeriod, methodProblems, pastPerformancePoints, type FigureInput, type PastPerformanceMethod } from "~/domain/past-performance";
import { pastPerformanceFromForm } from "~/domain/tender-forms";

const MAX = 3;
const ratioMethod: PastPerformanceMethod = { ...DEFAULT_METHOD("bae", MAX), measure: "integration", zeroAt: 0.8, fullAt: 1.2, minN: 10, neutralPoints: 1.5 };
const ctx = { maxPoints: MAX };

function fig(over: Partial<FigureInput> = {}): FigureInput {
  return { k: 30, n: 50, rate: 0.6, low: 0.46, high: 0.72, expected: 0.5, ratio: 1.2, ratioLow: 0.9, ratioHigh: 1.5, overallRate: 0.5, suppressed: false, ...over };
}

describe("pastPerformancePoints: linear between two anchors", () => {
  it("exactly at the lower anchor: 0 points; exactly at the upper anchor: the full points", () => {
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 0.8 }), MAX).points).toBe(0);
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 1.2 }), MAX).points).toBe(3);
  });
  it("below the lower anchor 0, above the upper anchor the maximum (clamped)", () => {
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 0.79 }), MAX).points).toBe(0);
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 1.21 }), MAX).points).toBe(3);
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 2.5 }), MAX).points).toBe(3);
  });
  it("in between: proportional, rounded to two decimals", () => {
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 1.0 }), MAX).points).toBe(1.5);
    // 3 × (0.9 − 0.8) / 0.4 = 0.75
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 0.9 }), MAX).points).toBe(0.75);
    // 3 × (0.8123 − 0.8) / 0.4 = 0.092250… → 0.09
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 0.8123 }), MAX).points).toBe(0.09);
    // 3 × (0.8234 − 0.8) / 0.4 = 0.1755 → 0.18 (half up)
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: 0.8234 }), MAX).points).toBe(0.18);
  });
  it("the raw rate basis uses the rate, not the ratio", () => {
    const m: PastPerformanceMethod = { ...ratioMethod, basis: "rate", zeroAt: 0.4, fullAt: 0.7 };
    const r = pastPerformancePoints(m, fig({ rate: 0.55, ratio: 5 }), MAX);
    expect(r.points).toBe(1.5);
    expect(r.reason).toContain("Quote 55,00 %");
  });
  it("drop-out rate: lower is better, anchors descend", () => {
    const m: PastPerformanceMethod = { ...ratioMethod, measure: "dropout", basis: "rate", zeroAt: 0.3, fullAt: 0.1, periodKind: "months", periodLength: 48 };
    expect(methodProblems(m, ctx)).toEqual({});
    expect(pastPerformancePoints(m, fig({ rate: 0.1 }), MAX).points).toBe(3);
    expect(pastPerformancePoints(m, fig({ rate: 0.3 }), MAX).points).toBe(0);
    expect(pastPerformancePoints(m, fig({ rate: 0.2 }), MAX).points).toBe(1.5);
  });
});

describe("pastPerformancePoints: too little data", () => {
  it("one below the minimum n: the neutral points; exactly the minimum: scored", () => {
    const below = pastPerformancePoints(ratioMethod, fig({ n: 9, ratio: 1.2 }), MAX);
    expect(below).toMatchObject({ points: 1.5, status: "neutral" });
    expect(below.reason).toContain("Nur 9 Fälle, Mindestfallzahl 10");
    expect(pastPerformancePoints(ratioMethod, fig({ n: 10, ratio: 1.2 }), MAX)).toMatchObject({ points: 3, status: "scored" });
    expect(pastPerformancePoints(ratioMethod, fig({ n: 11, ratio: 1.2 }), MAX)).toMatchObject({ points: 3, status: "scored" });
  });
  it("a suppressed figure, no figure, or no expected value: the neutral points", () => {
    expect(pastPerformancePoints(ratioMethod, fig({ suppressed: true, n: 50 }), MAX)).toMatchObject({ points: 1.5, status: "neutral" });
    expect(pastPerformancePoints(ratioMethod, fig({ suppressed: true }), MAX).reason).toContain("unterdrückt");
    expect(pastPerformancePoints(ratioMethod, null, MAX)).toMatchObject({ points: 1.5, status: "neutral", valueUsed: null });
    expect(pastPerformancePoints(ratioMethod, fig({ ratio: null }), MAX).status).toBe("neutral");
  });
  it("the neutral points are configurable", () => {
    expect(pastPerformancePoints({ ...ratioMethod, neutralPoints: 0 }, null, MAX).points).toBe(0);
  });
});

describe("pastPerformancePoints: bands and intervals", () => {
  const bands: PastPerformanceMethod = { ...ratioMethod, scoring: "bands", zeroAt: null, fullAt: null, bands: [{ threshold: 0.9, points: 1 }, { threshold: 1.0, points: 2 }, { threshold: 1.1, points: 3 }] };
  it("exactly at a threshold gets that band; just below gets the band below", () => {
    expect(methodProblems(bands, ctx)).toEqual({});
    expect(pastPerformancePoints(bands, fig({ ratio: 1.0 }), MAX).points).toBe(2);
    expect(pastPerformancePoints(bands, fig({ ratio: 0.9999 }), MAX).points).toBe(1);
    expect(pastPerformancePoints(bands, fig({ ratio: 0.89 }), MAX).points).toBe(0);
    expect(pastPerformancePoints(bands, fig({ ratio: 1.1 }), MAX).points).toBe(3);
  });
  it("only significant deviations count: an interval containing 1 scores as 1", () => {
    const sig: PastPerformanceMethod = { ...ratioMethod, interval: "significant" };
    const r = pastPerformancePoints(sig, fig({ ratio: 1.2, ratioLow: 0.95, ratioHigh: 1.5 }), MAX);
    expect(r).toMatchObject({ points: 1.5, valueUsed: 1 });
    expect(r.reason).toContain("nicht gesichert");
    // Interval excludes 1 (the lower bound exactly above it): the point estimate counts.
    expect(pastPerformancePoints(sig, fig({ ratio: 1.2, ratioLow: 1.01, ratioHigh: 1.4 }), MAX)).toMatchObject({ points: 3, valueUsed: 1.2 });
    // The reference exactly on the bound counts as "contained".
    expect(pastPerformancePoints(sig, fig({ ratio: 1.2, ratioLow: 1, ratioHigh: 1.4 }), MAX).valueUsed).toBe(1);
    // Raw rate: the reference is the overall rate.
    const sigRate: PastPerformanceMethod = { ...sig, basis: "rate", zeroAt: 0.4, fullAt: 0.7 };
    expect(pastPerformancePoints(sigRate, fig({ rate: 0.65, low: 0.52, high: 0.76, overallRate: 0.55 }), MAX)).toMatchObject({ valueUsed: 0.55, points: 1.5 });
    expect(pastPerformancePoints(sigRate, fig({ rate: 0.65, low: 0.52, high: 0.76, overallRate: null }), MAX).status).toBe("neutral");
  });
});

describe("a method keeps the definitions it was frozen with", () => {
  it("a method saved before version 2 publishes the drop-out rate over all entries; a new one over entries whose planned end is past", () => {
    const old: PastPerformanceMethod = { ...ratioMethod, measure: "dropout", zeroAt: 1.2, fullAt: 0.8, definitions: undefined };
    expect(definitionsOf(old)).toBe(1);
    expect(methodInWords(old, MAX)).toContain("(vorzeitige Austritte ohne Integration ÷ Eintritte)");
    const now = { ...old, definitions: DEFINITIONS_VERSION };
    expect(definitionsOf(now)).toBe(2);
    expect(methodInWords(now, MAX)).toContain("÷ Eintritte, deren geplantes Ende vorbei ist)");
    expect(DEFAULT_METHOD("bae", MAX).definitions).toBe(DEFINITIONS_VERSION);
  });
});

describe("the reason names the exact figure the points follow from", () => {
  it("a ratio of 1.1431 gives 2.57 points (not 2.55 as the rounded 1,14 would), and the reason shows 1,1431", () => {
    const r = pastPerformancePoints(ratioMethod, { k: 20, n: 40, rate: 0.5, low: 0.35, high: 0.65, expected: 17.496, ratio: 20 / 17.496, ratioLow: 0.7, ratioHigh: 1.8, overallRate: 0.44, suppressed: false }, MAX);
    expect(r.points).toBe(2.57);
    expect(r.reason).toContain("Verhältnis 1,1431");
  });
});

describe("methodProblems: German messages", () => {
  it("accepts the default method", () => {
    expect(methodProblems(DEFAULT_METHOD("bae", MAX), ctx)).toEqual({});
    expect(methodProblems(DEFAULT_METHOD("placement_37", MAX), ctx)).toEqual({});
    // The tender's types map to the comparison's catalogue: § 421i measures are places, § 37 the brokers.
    expect(DEFAULT_METHOD("placement_37", MAX)).toMatchObject({ typeCode: "p37", measure: "placement" });
    expect(DEFAULT_METHOD("placement_421i", MAX)).toMatchObject({ typeCode: "p421i", measure: "integration" });
    expect(DEFAULT_METHOD("activation_45", MAX)).toMatchObject({ typeCode: null, measure: "integration" });
    expect(DEFAULT_METHOD("other", MAX)).toMatchObject({ typeCode: null });
  });
  it("the drop-out rate of a 36-month measure needs a period in which entries can have ended: 48 months or 4 calendar years", () => {
    const dropout = (typeCode: string, periodKind: "months" | "calendar_years", periodLength: number) =>
      methodProblems({ ...DEFAULT_METHOD("bae", MAX), typeCode, measure: "dropout", periodKind, periodLength, zeroAt: 0.5, fullAt: 0.1 }, ctx)["pp-periodLength"];
    expect(dropout("bae", "months", 47)).toContain("bis zu 36 Monate");
    expect(dropout("bae", "months", 47)).toContain("mindestens 48 Monate oder 4 Kalenderjahre");
    expect(dropout("bae", "months", 48)).toBeUndefined();
    expect(dropout("reha_bae", "months", 24)).toBeTruthy();
    expect(dropout("bae", "calendar_years", 3)).toBeTruthy();
    expect(dropout("bae", "calendar_years", 4)).toBeUndefined();
    // Short measures: 12 months are enough.
    expect(dropout("fbw", "months", 12)).toBeUndefined();
    expect(dropout("training", "calendar_years", 1)).toBeUndefined();
  });
  it("anchors all under 1 %: the message repeats what was typed and what it probably meant", () => {
    const m = { ...DEFAULT_METHOD("bae", MAX), basis: "rate" as const, scoring: "linear" as const, zeroAt: 0.002, fullAt: 0.006 };
    expect(methodProblems(m, ctx)["pp-fullAt"]).toBe("Quoten werden in Prozent angegeben: 0,6 bedeutet 0,6 %, nicht 60 %. Bitte z. B. 60 für 60 % eingeben.");
    expect(methodProblems({ ...m, zeroAt: 0.002, fullAt: 0.01 }, ctx)["pp-fullAt"]).toBeUndefined();
  });
  it("anchors out of order, minimum n below 3, neutral points above the scale", () => {
    expect(methodProblems({ ...ratioMethod, zeroAt: 1.2, fullAt: 0.8 }, ctx)["pp-fullAt"]).toContain("nicht in der richtigen Reihenfolge");
    expect(methodProblems({ ...ratioMethod, zeroAt: 1, fullAt: 1 }, ctx)["pp-fullAt"]).toBeTruthy();
    expect(methodProblems({ ...ratioMethod, minN: 2 }, ctx)["pp-minN"]).toContain("ab 3");
    expect(methodProblems({ ...ratioMethod, minN: 3 }, ctx)["pp-minN"]).toBeUndefined();
    expect(methodProblems({ ...ratioMethod, neutralPoints: 3.01 }, ctx)["pp-neutralPoints"]).toContain("0 bis 3");
    expect(methodProblems({ ...ratioMethod, neutralPoints: 3 }, ctx)["pp-neutralPoints"]).toBeUndefined();
    expect(methodProblems({ ...ratioMethod, basis: "rate", zeroAt: 40, fullAt: 70 }, ctx)["pp-zeroAt"]).toContain("zwischen 0 und 100 %");
  });
  it("the measure must fit the earlier contracts' type: placements only for brokers, exams only where there are exams; the message names only measures the form offers", () => {
    const bae = { ...ratioMethod, typeCode: "bae" };
    expect(methodProblems({ ...bae, measure: "placement" }, ctx)["pp-measure"]).toContain("nur für die Vermittlung durch Dritte");
    const brokers = methodProblems({ ...ratioMethod, typeCode: "p37", measure: "integration" }, ctx)["pp-measure"];
    expect(brokers).toContain("möglich: Vermittlungsquote.");
    expect(methodProblems({ ...ratioMethod, typeCode: "mae", measure: "exam" }, ctx)["pp-measure"]).toBe("Die Prüfungserfolgsquote gibt es für die Maßnahmeart „Arbeitsgelegenheit (MAE, § 16 Abs. 3 SGB II a.F.)“ nicht; möglich: Integrationsquote, Nachhaltigkeitsquote, Abbruchquote.");
    expect(methodProblems({ ...bae, measure: "exam" }, ctx)["pp-measure"]).toBeUndefined();
    expect(methodProblems({ ...ratioMethod, typeCode: "reha_bae", measure: "exam" }, ctx)["pp-measure"]).toBeUndefined();
    // All types: every measure (the placement rate then reads the brokers).
    for (const measure of ["integration", "exam", "placement"] as const) expect(methodProblems({ ...ratioMethod, typeCode: null, measure }, ctx)["pp-measure"]).toBeUndefined();
  });
  it("takes the earlier contracts' type from the comparison's catalogue (MAE and Reha-BaE too), and still reads methods stored with the tender's codes", () => {
    expect(methodProblems({ ...ratioMethod, typeCode: "mae" }, ctx)["pp-typeCode"]).toBeUndefined();
    expect(methodProblems({ ...ratioMethod, typeCode: "reha_bae" }, ctx)["pp-typeCode"]).toBeUndefined();
    expect(methodProblems({ ...ratioMethod, typeCode: "employer_training" }, ctx)["pp-typeCode"]).toBeTruthy();
    expect(methodProblems({ ...ratioMethod, typeCode: "activation_45" }, ctx)["pp-typeCode"]).toBeTruthy();
    expect(methodProblems({ ...ratioMethod, typeCode: "placement_421i" }, ctx)).toEqual({});
    expect(figureTypeOf("placement_421i")).toBe("p421i");
    expect(figureTypeOf("placement_37")).toBe("p37");
    expect(methodInWords({ ...ratioMethod, typeCode: "placement_421i" }, MAX)).toContain("in Maßnahmen der Art „Vermittlungsmaßnahme nach § 421i SGB III a.F.“");
    expect(methodInWords({ ...ratioMethod, typeCode: "mae" }, MAX)).toContain("„Arbeitsgelegenheit (MAE, § 16 Abs. 3 SGB II a.F.)“");
  });
  it("rate anchors all under 1 % are refused as percent typed as fractions (0,4 meant 40 %); 1 % is accepted", () => {
    const rate = { ...ratioMethod, basis: "rate" as const };
    expect(methodProblems({ ...rate, zeroAt: 0.004, fullAt: 0.007 }, ctx)["pp-fullAt"]).toContain("in Prozent");
    expect(methodProblems({ ...rate, zeroAt: 0.004, fullAt: 0.01 }, ctx)["pp-fullAt"]).toBeUndefined();
    expect(methodProblems({ ...rate, scoring: "bands", bands: [{ threshold: 0.004, points: 1 }, { threshold: 0.006, points: 2 }] }, ctx)["pp-bands"]).toContain("in Prozent");
    expect(methodProblems({ ...ratioMethod, zeroAt: 0.004, fullAt: 0.007 }, ctx)["pp-fullAt"]).toBeUndefined(); // a ratio may be small
  });
  it("bands must ascend with points in the right direction", () => {
    const b = (bands: { threshold: number; points: number }[]) => methodProblems({ ...ratioMethod, scoring: "bands", bands }, ctx)["pp-bands"];
    expect(b([{ threshold: 1, points: 2 }, { threshold: 0.9, points: 3 }])).toContain("aufsteigend");
    expect(b([{ threshold: 0.9, points: 3 }, { threshold: 1, points: 2 }])).toContain("nicht weniger Punkte");
    expect(b([{ threshold: 0.9, points: 4 }])).toContain("0 bis 3");
    expect(b([])).toContain("1 bis 8");
  });
  it("criteria: at most one past-performance criterion, not the price, and with a method", () => {
    expect(criteriaKindProblems([{ name: "Preis", isPrice: true, kind: "past_performance", method: ratioMethod }], ctx)).toContain("Der Preis kann nicht zugleich das Kriterium Vorleistung sein.");
    expect(criteriaKindProblems([{ name: "A", isPrice: false, kind: "past_performance", method: ratioMethod }, { name: "B", isPrice: false, kind: "past_performance", method: ratioMethod }], ctx)).toContain("Höchstens ein Kriterium kann die Vorleistung sein.");
    expect(criteriaKindProblems([{ name: "A", isPrice: false, kind: "past_performance", method: null }], ctx)[0]).toContain("nicht festgelegt");
  });
});

describe("period and words", () => {
  it("24 months before the offer deadline (Berlin date) and the last completed calendar years", () => {
    // 31.12.2026 00:00 Berlin
    expect(methodPeriod({ periodKind: "months", periodLength: 24 }, "2026-12-30T23:00:00.000Z")).toEqual({ from: "2024-12-31", to: "2026-12-30" });
    expect(methodPeriod({ periodKind: "calendar_years", periodLength: 2 }, "2026-12-30T23:00:00.000Z")).toEqual({ from: "2024-01-01", to: "2025-12-31" });
    expect(methodPeriod({ periodKind: "calendar_years", periodLength: 1 }, "2027-01-04T08:00:00.000Z")).toEqual({ from: "2026-01-01", to: "2026-12-31" });
  });
  it("the published sentence names the measure, period, basis, anchors, minimum n and the neutral points", () => {
    const words = methodInWords(ratioMethod, MAX);
    expect(words).toContain("Integrationsquote");
    expect(words).toContain("in den 24 Monaten vor dem Ende der Angebotsfrist");
    expect(words).toContain("risikobereinigt");
    expect(words).toContain("von 0 Punkten bei einem Verhältnis von 0,80 bis 3 Punkten bei 1,20");
    expect(words).toContain("weniger als 10 gewerteten Fällen");
    expect(words).toContain("1,5 Punkte");
    expect(words).toContain("§ 65 Abs. 5 VgV");
  });
});

describe("pastPerformanceFromForm", () => {
  it("reads percent for rates, decimals with a comma, bands, and 'all' types", () => {
    const m = pastPerformanceFromForm({ "pp-measure": "integration", "pp-typeCode": "all", "pp-periodKind": "calendar_years", "pp-periodLength": "2", "pp-basis": "rate", "pp-scoring": "bands", "pp-bands": "40=1; 50=2; 60,5=3", "pp-minN": "5", "pp-neutralPoints": "1,5", "pp-interval": "significant" });
    expect(m).toMatchObject({ typeCode: null, periodKind: "calendar_years", periodLength: 2, basis: "rate", scoring: "bands", minN: 5, neutralPoints: 1.5, interval: "significant" });
    expect(m.bands.map((b) => b.points)).toEqual([1, 2, 3]);
    expect(m.bands[2].threshold).toBeCloseTo(0.605, 10);
    const bad = pastPerformanceFromForm({ "pp-measure": "integration", "pp-basis": "ratio", "pp-scoring": "linear", "pp-zeroAt": "abc", "pp-fullAt": "1,2", "pp-minN": "10", "pp-neutralPoints": "1", "pp-periodLength": "24" });
    expect(methodProblems(bad, ctx)["pp-zeroAt"]).toContain("Wert für 0 Punkte");
  });
});
