/**
 * The statistics of the provider comparison against published reference values and hand
 * computations (issue 12 point 9).
 */
import { describe, expect, it } from "vitest";
import {
  ratePosition,
  ratioPosition,
  auc,
  calibrationTable,
  clopperPearson,
  EXACT_BELOW,
  fitLogistic,
  funnelLimit,
  funnelLimits,
  funnelPosition,
  isSmall,
  median,
  predictLogistic,
  rateInterval,
  ratioFunnelLimits,
  poissonCdf,
  poissonQuantile,
  ratioInterval,
  stratumRates,
  suppressColumn,
  wilson,
  zFor,
  fixedUnknowns,
} from "~/domain/outcome-stats";
import { denseFixed } from "../support/dense-rank";

const close = (actual: number, expected: number, digits = 4) => expect(actual).toBeCloseTo(expected, digits);

describe("Wilson score interval", () => {
  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
  // methods. Stat Med 1998;17:857–872, Table I, method 3 (score, no continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("%i / %i → %f–%f (Newcombe 1998)", (k, n, low, high) => {
    const i = wilson(k, n);
    close(i.low, low);
    close(i.high, high);
  });

  it("k = n gives the upper bound 1; the interval lies inside 0..1 and contains the rate", () => {
    const i = wilson(20, 20);
    expect(i.high).toBe(1);
    close(i.low, 1 - 0.1611);
    for (const [k, n] of [[1, 3], [2, 3], [50, 51], [3, 1000]]) {
      const w = wilson(k, n);
      expect(w.low).toBeGreaterThanOrEqual(0);
      expect(w.high).toBeLessThanOrEqual(1);
      expect(w.low).toBeLessThan(k / n);
      expect(w.high).toBeGreaterThan(k / n);
    }
  });

  it("refuses impossible counts", () => {
    expect(() => wilson(1, 0)).toThrow(RangeError);
    expect(() => wilson(4, 3)).toThrow(RangeError);
    expect(() => wilson(-1, 3)).toThrow(RangeError);
  });
});

describe("exact (Clopper–Pearson) interval", () => {
  // Newcombe 1998, Table I, method 5 (exact).
  it.each([
    [81, 263, 0.2527, 0.3676],
    [15, 148, 0.0578, 0.1617],
    [0, 20, 0.0, 0.1684],
    [1, 29, 0.0009, 0.1776],
  ])("%i / %i → %f–%f (Newcombe 1998)", (k, n, low, high) => {
    const i = clopperPearson(k, n);
    close(i.low, low);
    close(i.high, high);
  });

  it(`is used below n = ${EXACT_BELOW}, Wilson from n = ${EXACT_BELOW}`, () => {
    expect(rateInterval(1, EXACT_BELOW - 1).method).toBe("exact");
    expect(rateInterval(1, EXACT_BELOW).method).toBe("wilson");
    expect(rateInterval(1, EXACT_BELOW).low).toBe(wilson(1, EXACT_BELOW).low);
  });
});

describe("funnel-plot limits (Spiegelhalter 2005, binomial with interpolation)", () => {
  it("n = 10 around 50 % by hand: F(1)=11/1024, F(2)=56/1024, F(7)=968/1024, F(8)=1013/1024", () => {
    // upper 97.5 %: r = 8, α = (1013/1024 − 0.975) / (45/1024) → (8 − α) / 10
    const alphaHigh = (1013 / 1024 - 0.975) / (45 / 1024);
    close(funnelLimit(0.5, 10, 0.975), (8 - alphaHigh) / 10, 10);
    // lower 2.5 %: r = 2, α = (56/1024 − 0.025) / (45/1024)
    const alphaLow = (56 / 1024 - 0.025) / (45 / 1024);
    close(funnelLimit(0.5, 10, 0.025), (2 - alphaLow) / 10, 10);
  });

  it("the 99.8 % limits lie outside the 95 % limits and narrow as n grows towards the normal approximation", () => {
    const small = funnelLimits(0.3, 50);
    const large = funnelLimits(0.3, 5000);
    expect(small.low998).toBeLessThan(small.low95);
    expect(small.high998).toBeGreaterThan(small.high95);
    expect(large.high95 - large.low95).toBeLessThan(small.high95 - small.low95);
    const half = zFor(0.95) * Math.sqrt((0.3 * 0.7) / 5000);
    close(large.high95, 0.3 + half, 2);
    close(large.low95, 0.3 - half, 2);
  });

  it("positions: on the limit is within, beyond it is outside", () => {
    const l = { low95: 0.2, high95: 0.4, low998: 0.15, high998: 0.45 };
    expect(funnelPosition(0.4, l)).toBe("within");
    expect(funnelPosition(0.2, l)).toBe("within");
    expect(funnelPosition(0.41, l)).toBe("above95");
    expect(funnelPosition(0.46, l)).toBe("above998");
    expect(funnelPosition(0.19, l)).toBe("below95");
    expect(funnelPosition(0.14, l)).toBe("below998");
  });

  it("a provider's position comes from the exact tails: Bin(100, 0.5) has P(X ≥ 60) = 0.0284, P(X ≥ 61) = 0.0176, P(X ≥ 65) = 0.00176, P(X ≥ 66) = 0.000895", () => {
    expect(ratePosition(60, 100, 0.5)).toBe("within");
    expect(ratePosition(61, 100, 0.5)).toBe("above95");
    expect(ratePosition(65, 100, 0.5)).toBe("above95");
    expect(ratePosition(66, 100, 0.5)).toBe("above998");
    // The same on the other side (symmetric at 0.5).
    expect(ratePosition(40, 100, 0.5)).toBe("within");
    expect(ratePosition(39, 100, 0.5)).toBe("below95");
    expect(ratePosition(35, 100, 0.5)).toBe("below95");
    expect(ratePosition(34, 100, 0.5)).toBe("below998");
  });

  it("3 of 3 against an overall 89.5 % is not unusual (P = 0.717), although it touches the interpolated 99.8 % curve", () => {
    const l = funnelLimits(0.895, 3);
    expect(1).toBeGreaterThan(l.high998); // drawn: the curve ends just under 100 %
    expect(ratePosition(3, 3, 0.895)).toBe("within");
    expect(ratePosition(0, 3, 0.895)).toBe("below95"); // P(X = 0) = 0.105³ = 0.00116
  });

  it("an observed count against its expected count by Poisson tails at E = 10: 17 within, 18 above 95 %, 22 above 99.8 %; 4 within, 3 below 95 %, 1 below 99.8 %", () => {
    expect(ratioPosition(17, 10)).toBe("within");
    expect(ratioPosition(18, 10)).toBe("above95"); // P(X ≥ 18) = 0.0143
    expect(ratioPosition(21, 10)).toBe("above95"); // P(X ≥ 21) = 0.00159
    expect(ratioPosition(22, 10)).toBe("above998"); // P(X ≥ 22) = 0.00069
    expect(ratioPosition(4, 10)).toBe("within"); // P(X ≤ 4) = 0.0293
    expect(ratioPosition(3, 10)).toBe("below95"); // P(X ≤ 3) = 0.0103
    expect(ratioPosition(2, 10)).toBe("below95"); // P(X ≤ 2) = 0.00277
    expect(ratioPosition(1, 10)).toBe("below998"); // P(X ≤ 1) = 0.000499
  });

  it("Poisson cdf and quantile against hand-computed values at E = 1", () => {
    const e = Math.exp(-1);
    close(poissonCdf(0, 1), e, 12);
    close(poissonCdf(1, 1), 2 * e, 12);
    close(poissonCdf(2, 1), 2.5 * e, 12);
    close(poissonCdf(3, 1), (8 / 3) * e, 12);
    expect(poissonCdf(-1, 1)).toBe(0);
    expect(poissonQuantile(0.975, 1)).toBe(3); // F(2) = 0.9197 < 0.975 ≤ F(3) = 0.9810
    expect(poissonQuantile(0.36, 1)).toBe(0);
    expect(poissonQuantile(0.37, 1)).toBe(1);
    // Large means: the quantile lies near E + z·√E.
    expect(Math.abs(poissonQuantile(0.975, 10000) - (10000 + 1.96 * 100))).toBeLessThan(3);
  });

  it("exact Poisson ratio limits with interpolation (Spiegelhalter 2005), by hand at E = 1", () => {
    const e = Math.exp(-1);
    const [f2, f3] = [2.5 * e, (8 / 3) * e];
    const alpha = (f3 - 0.975) / (f3 - f2);
    const l = ratioFunnelLimits(1);
    close(l.high95, 3 - alpha, 10); // 2.9019…
    close(l.high95, 2.90195, 4);
    expect(l.low95).toBe(0); // r = 0, the interpolated limit lies below 0
    // 99.8 %: F(4) = (65/24)e⁻¹ < 0.999 ≤ F(5) = (163/60)e⁻¹.
    const [f4, f5] = [(65 / 24) * e, (163 / 60) * e];
    close(l.high998, 5 - (f5 - 0.999) / (f5 - f4), 10);
    // Not the normal approximation 1 ± z/√E any more (that gave 2.96 and 4.09 here).
    expect(Math.abs(l.high95 - (1 + 1.959964))).toBeGreaterThan(0.05);
    // Large E: close to the normal approximation.
    const big = ratioFunnelLimits(2500);
    close(big.high95, 1 + 1.959964 / 50, 2);
    close(big.low95, 1 - 1.959964 / 50, 2);
  });

  it("the lower 95 % limit leaves 0 where P(0 events) = e^-E drops below 2.5 % (E = ln 40 ≈ 3.689), not at E = 3.84", () => {
    const threshold = Math.log(40);
    expect(ratioFunnelLimits(threshold - 0.01).low95).toBe(0);
    expect(ratioFunnelLimits(threshold + 0.01).low95).toBeGreaterThan(0);
    // 0 events of 14 cases with E = 3.7: below the 95 % limit (the old 1 − z/√E was 0 up to E = 3.84).
    expect(funnelPosition(0, ratioFunnelLimits(3.7))).toBe("below95");
    expect(Math.max(0, 1 - 1.959964 / Math.sqrt(3.7))).toBe(0);
    // … with E = 3.6, P(0) = e^-3.6 = 2.73 % > 2.5 %: 0 events are not yet significant.
    expect(funnelPosition(0, ratioFunnelLimits(3.6))).toBe("within");
  });

  it("at E = 1: 2 events within, 3 events just above the 95 % limit (2.90) and within 99.8 % (4.87)", () => {
    const l = ratioFunnelLimits(1);
    expect(funnelPosition(2, l)).toBe("within");
    expect(funnelPosition(3, l)).toBe("above95");
    expect(funnelPosition(4, l)).toBe("above95");
    expect(funnelPosition(5, l)).toBe("above998");
  });
});

describe("observed/expected ratio interval (Byar)", () => {
  it("O = 10, E = 8 by hand", () => {
    const z = zFor(0.95);
    close(z, 1.959964, 6);
    const low = (10 * (1 - 1 / 90 - z / (3 * Math.sqrt(10))) ** 3) / 8;
    const high = (11 * (1 - 1 / 99 + z / (3 * Math.sqrt(11))) ** 3) / 8;
    const i = ratioInterval(10, 8);
    close(i.low, low, 8);
    close(i.high, high, 8);
    // close to the exact Poisson limits for O = 10: 4.795 and 18.39 (Breslow & Day)
    close(i.low * 8, 4.795, 1);
    close(i.high * 8, 18.39, 1);
  });

  it("O = 0 has lower bound 0", () => {
    expect(ratioInterval(0, 3).low).toBe(0);
  });
});

/** Deterministic pseudo-random numbers for the simulations. */
function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe("logistic regression (IRLS)", () => {
  it("recovers known coefficients from simulated data within three standard errors", () => {
    const r = lcg(20071231);
    const truth = [-0.6, -0.4, -1.0, -0.8, 0.5];
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const row = [r() < 0.3 ? 1 : 0, r() < 0.4 ? 1 : 0, r() < 0.35 ? 1 : 0, r() * 2 - 1];
      x.push(row);
      y.push(r() < predictLogistic(truth, row) ? 1 : 0);
    }
    const fit = fitLogistic(x, y)!;
    expect(fit.converged).toBe(true);
    truth.forEach((b, j) => {
      expect(Math.abs(fit.coef[j] - b)).toBeLessThan(3 * fit.se[j]);
      expect(fit.se[j]).toBeLessThan(0.08);
    });
  });

  it("returns null for a constant covariate (singular) and for perfect separation", () => {
    expect(fitLogistic([[1], [1], [1], [1]], [0, 1, 0, 1])).toBeNull();
    expect(fitLogistic([[0], [0], [1], [1]], [0, 0, 1, 1])).toBeNull();
    expect(fitLogistic([[1], [1], [1], [1]], [0, 1, 0, 1], { firth: true })).toBeNull();
  });

  // With one binary covariate Firth's estimate is known in closed form: the log odds ratio of the
  // 2 × 2 table with ½ added to each cell, and the intercept the log odds of the reference group
  // with ½ added (Firth 1993; Heinze & Schemper 2002).
  const table = (a: number, b: number, c: number, d: number) => {
    // a events / b non-events with x = 1; c events / d non-events with x = 0
    const x: number[][] = [];
    const y: number[] = [];
    const add = (xv: number, yv: number, count: number) => {
      for (let i = 0; i < count; i++) {
        x.push([xv]);
        y.push(yv);
      }
    };
    add(1, 1, a);
    add(1, 0, b);
    add(0, 1, c);
    add(0, 0, d);
    return fitLogistic(x, y, { firth: true })!;
  };
  it("Firth: equals the 2 × 2 table with ½ added to each cell", () => {
    const fit = table(12, 30, 7, 45);
    expect(fit.converged).toBe(true);
    expect(fit.coef[0]).toBeCloseTo(Math.log(7.5 / 45.5), 8);
    expect(fit.coef[1]).toBeCloseTo(Math.log((12.5 * 45.5) / (30.5 * 7.5)), 8);
  });
  it("Firth: stays finite under separation (a group without any event), where maximum likelihood returns null", () => {
    const fit = table(0, 9, 40, 60);
    expect(fit.converged).toBe(true);
    expect(fit.coef[1]).toBeCloseTo(Math.log((0.5 * 60.5) / (9.5 * 40.5)), 8);
    expect(fit.coef[0]).toBeCloseTo(Math.log(40.5 / 60.5), 8);
    // and in the reference group too
    const ref = table(30, 70, 0, 12);
    expect(ref.coef[0]).toBeCloseTo(Math.log(0.5 / 12.5), 8);
    expect(ref.coef[1]).toBeCloseTo(Math.log((30.5 * 12.5) / (70.5 * 0.5)), 8);
  });
  it("Firth: on large samples the estimates agree with maximum likelihood", () => {
    const r = lcg(42);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const row = [r() < 0.3 ? 1 : 0, r() * 2 - 1];
      x.push(row);
      y.push(r() < predictLogistic([-0.5, 0.7, -0.4], row) ? 1 : 0);
    }
    const ml = fitLogistic(x, y)!;
    const firth = fitLogistic(x, y, { firth: true })!;
    ml.coef.forEach((b, j) => expect(Math.abs(firth.coef[j] - b)).toBeLessThan(ml.se[j] / 10));
  });
});

describe("model fit: AUC and calibration", () => {
  it("AUC by hand: 3 of 4 pairs ordered correctly; ties count one half", () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([0.1, 0.2], [1, 1])).toBeNull();
  });

  it("calibration table: deciles of equal size with expected and observed events", () => {
    const p = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    const y = p.map((v, i) => (i % 10 < Math.round(v * 10) ? 1 : 0));
    const t = calibrationTable(p, y, 10);
    expect(t.groups).toHaveLength(10);
    expect(t.groups.every((g) => g.n === 10)).toBe(true);
    close(t.groups[0].expected, p.slice(0, 10).reduce((a, b) => a + b, 0), 10);
    expect(t.groups.reduce((s, g) => s + g.observed, 0)).toBe(y.reduce((a: number, b) => a + b, 0));
    expect(t.df).toBe(8);
    expect(t.pValue).toBeGreaterThan(0.05);
  });

  it("stratum rates for indirect standardisation", () => {
    const s = stratumRates(["a", "a", "b", "b", "b"], [1, 0, 1, 1, 0]);
    expect(s.get("a")).toEqual({ n: 2, events: 1, rate: 0.5 });
    close(s.get("b")!.rate, 2 / 3, 10);
  });
});

describe("suppression of small cells (primary and secondary)", () => {
  it("primary: 1 and 2 persons, not 0 and not 3", () => {
    expect([0, 1, 2, 3].map((n) => isSmall(n, 3))).toEqual([false, true, true, false]);
  });

  it("a single suppressed cell takes the smallest further cell with it (else total − others gives it away)", () => {
    const r = suppressColumn([5, 2, 7, 4], 3);
    expect([...r.hidden].sort()).toEqual([1, 3]);
    expect(r.totalHidden).toBe(false);
  });

  it("two small cells are not enough: their sum could still be worked out and split; a cell of at least 3 joins them", () => {
    const r = suppressColumn([1, 2, 10, 20], 3);
    expect([...r.hidden].sort()).toEqual([0, 1, 2]);
  });

  it("nothing small: nothing hidden; no cell left to hide: the total is hidden", () => {
    expect(suppressColumn([3, 4, 0], 3).hidden.size).toBe(0);
    expect(suppressColumn([2, 2], 3)).toEqual({ hidden: new Set([0, 1]), totalHidden: true });
  });

  it("every hidden set it returns is safe: at least two cells, a sum of at least 3 and one cell of at least 3", () => {
    const r = lcg(7);
    for (let t = 0; t < 500; t++) {
      const counts = Array.from({ length: 1 + Math.floor(r() * 6) }, () => Math.floor(r() * 8));
      const { hidden, totalHidden } = suppressColumn(counts, 3);
      counts.forEach((c, i) => {
        if (isSmall(c, 3)) expect(hidden.has(i)).toBe(true);
      });
      if (hidden.size > 0 && !totalHidden) {
        const h = [...hidden];
        expect(h.length).toBeGreaterThanOrEqual(2);
        expect(h.some((i) => counts[i] >= 3)).toBe(true);
      }
    }
  });

  it("median", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("fixedUnknowns (which withheld cells a linear solve gives away)", () => {
  const eq = (...terms: [number, number][]) => new Map(terms);
  it("a chain: x0 + x1 and x1 alone fix both; x0 + x1 and x1 + x2 fix none", () => {
    expect([...fixedUnknowns([eq([0, 1], [1, 1]), eq([1, 1])])].sort()).toEqual([0, 1]);
    expect([...fixedUnknowns([eq([0, 1], [1, 1]), eq([1, 1], [2, -1])])]).toEqual([]);
  });
  it("a cycle of four withheld cells in a 2 × 2 table (rows and columns) fixes none; with the total of one row known as well, still none", () => {
    // x0 x1 / x2 x3: row sums and column sums known.
    const table = [eq([0, 1], [1, 1]), eq([2, 1], [3, 1]), eq([0, 1], [2, 1]), eq([1, 1], [3, 1])];
    expect([...fixedUnknowns(table)]).toEqual([]);
    // A diagonal sum known as well breaks the cycle: now every cell follows.
    expect([...fixedUnknowns([...table, eq([0, 1], [3, 1])])].sort()).toEqual([0, 1, 2, 3]);
  });
  it("agrees with a dense rank test on 200 random sparse systems", () => {
    let seed = 99;
    const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let t = 0; t < 200; t++) {
      const unknowns = 2 + Math.floor(r() * 10);
      const equations = Array.from({ length: 1 + Math.floor(r() * unknowns) }, () => {
        const e = new Map<number, number>();
        for (let i = 0; i < unknowns; i++) if (r() < 0.3) e.set(i, r() < 0.7 ? 1 : -1);
        return e;
      }).filter((e) => e.size > 0);
      const dense = equations.map((e) => Array.from({ length: unknowns }, (_, i) => e.get(i) ?? 0));
      const fixed = denseFixed(dense, unknowns);
      const expected = Array.from({ length: unknowns }, (_, i) => i).filter((i) => fixed[i]);
      expect([...fixedUnknowns(equations)].sort((a, b) => a - b), `system ${t}`).toEqual(expected);
    }
  });
});
