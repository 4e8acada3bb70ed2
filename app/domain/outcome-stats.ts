/**
 * Statistics for the provider comparison (issue 12, DOMAIN.md § 5, ADR 0023): intervals for a
 * proportion, funnel-plot control limits, logistic regression (IRLS) with its fit (AUC,
 * calibration table), indirect standardisation and small-cell suppression. Pure: no I/O.
 * Distribution quantiles come from the @stdlib packages; only the closed-form Wilson interval
 * and the regression's few linear-algebra steps are our own.
 */
import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";
import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import binomialQuantile from "@stdlib/stats-base-dists-binomial-quantile";
import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

export interface Interval {
  low: number;
  high: number;
}

/** Two-sided standard normal quantile for a confidence level (0.95 → 1.95996…). */
export function zFor(level: number): number {
  return normalQuantile(1 - (1 - level) / 2, 0, 1);
}

/** Wilson score interval for k successes in n trials (Newcombe 1998, method 3). */
export function wilson(k: number, n: number, level = 0.95): Interval {
  if (!(n > 0)) throw new RangeError("n must be positive");
  if (k < 0 || k > n) throw new RangeError("k must lie in 0..n");
  const z = zFor(level);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = ((z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n)));
  return { low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

/** Exact (Clopper–Pearson) interval from beta quantiles. */
export function clopperPearson(k: number, n: number, level = 0.95): Interval {
  if (!(n > 0)) throw new RangeError("n must be positive");
  if (k < 0 || k > n) throw new RangeError("k must lie in 0..n");
  const a = (1 - level) / 2;
  return {
    low: k === 0 ? 0 : betaQuantile(a, k, n - k + 1),
    high: k === n ? 1 : betaQuantile(1 - a, k + 1, n - k),
  };
}

/** Below this n the exact interval is used instead of Wilson's (DOMAIN.md § 5: "exact where n is small"). */
export const EXACT_BELOW = 10;

export type IntervalMethod = "wilson" | "exact";

/** The interval shown for a rate: Wilson, exact below EXACT_BELOW. */
export function rateInterval(k: number, n: number, level = 0.95): Interval & { method: IntervalMethod } {
  return n < EXACT_BELOW ? { ...clopperPearson(k, n, level), method: "exact" } : { ...wilson(k, n, level), method: "wilson" };
}

/**
 * Funnel-plot control limit for a proportion (Spiegelhalter 2005, Stat Med 24:1185, appendix A.1.1):
 * the binomial quantile r_p of n trials at rate p0, interpolated so the limit is continuous in n:
 * α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)), limit = (r_p − α) / n. `p` is the tail probability
 * (0.025 / 0.975 for 95 %, 0.001 / 0.999 for 99.8 %).
 */
export function funnelLimit(p0: number, n: number, p: number): number {
  if (!(n > 0)) throw new RangeError("n must be positive");
  if (p0 <= 0) return 0;
  if (p0 >= 1) return 1;
  const r = binomialQuantile(p, n, p0);
  const fr = binomialCdf(r, n, p0);
  const frm1 = r > 0 ? binomialCdf(r - 1, n, p0) : 0;
  const alpha = fr - frm1 > 0 ? (fr - p) / (fr - frm1) : 0;
  return Math.min(1, Math.max(0, (r - alpha) / n));
}

export interface FunnelLimits {
  n: number;
  low95: number;
  high95: number;
  low998: number;
  high998: number;
}

/** The four limits at one n. */
export function funnelLimits(p0: number, n: number): FunnelLimits {
  return {
    n,
    low95: funnelLimit(p0, n, 0.025),
    high95: funnelLimit(p0, n, 0.975),
    low998: funnelLimit(p0, n, 0.001),
    high998: funnelLimit(p0, n, 0.999),
  };
}

/**
 * Poisson cdf F(r; mean) = P(X ≤ r), exact through the chi-square identity
 * P(X ≤ r) = 1 − P(χ²(2(r + 1)) ≤ 2·mean); 0 for r < 0.
 */
export function poissonCdf(r: number, mean: number): number {
  if (r < 0) return 0;
  if (mean <= 0) return 1;
  return Math.min(1, Math.max(0, 1 - chisquareCdf(2 * mean, 2 * (Math.floor(r) + 1))));
}

/** The smallest r with F(r; mean) ≥ p (the Poisson p-quantile). */
export function poissonQuantile(p: number, mean: number): number {
  if (mean <= 0) return 0;
  // Start a safe distance below the mean and step up (a few dozen steps for any mean).
  let r = Math.max(0, Math.floor(mean - 10 * Math.sqrt(mean) - 10));
  while (r > 0 && poissonCdf(r - 1, mean) >= p) r = Math.max(0, r - Math.ceil(Math.sqrt(mean)) - 1);
  while (poissonCdf(r, mean) < p) r++;
  return r;
}

/**
 * Limit for an observed/expected ratio at the expected count E (Spiegelhalter 2005, indirectly
 * standardised ratios, exact Poisson with the same interpolation as funnelLimit): r_p the Poisson
 * p-quantile of mean E, α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)), limit = (r_p − α) / E (not
 * below 0). Exact where it matters — at small E, where 1 ± z/√E is wrong.
 */
export function ratioFunnelLimit(expected: number, p: number): number {
  if (!(expected > 0)) throw new RangeError("expected must be positive");
  const r = poissonQuantile(p, expected);
  const fr = poissonCdf(r, expected);
  const frm1 = poissonCdf(r - 1, expected);
  const alpha = fr - frm1 > 0 ? (fr - p) / (fr - frm1) : 0;
  return Math.max(0, (r - alpha) / expected);
}

/** The four limits of an observed/expected ratio at the expected count E. */
export function ratioFunnelLimits(expected: number): { e: number; low95: number; high95: number; low998: number; high998: number } {
  if (!(expected > 0)) throw new RangeError("expected must be positive");
  return {
    e: expected,
    low95: ratioFunnelLimit(expected, 0.025),
    high95: ratioFunnelLimit(expected, 0.975),
    low998: ratioFunnelLimit(expected, 0.001),
    high998: ratioFunnelLimit(expected, 0.999),
  };
}

/** Where a point lies against its limits. */
export type FunnelPosition = "above998" | "above95" | "within" | "below95" | "below998";

/**
 * Where k of n lies against the overall rate p0, by the exact binomial tails: above a limit when
 * P(X ≥ k) ≤ its tail (2.5 % or 0.1 %), i.e. k beyond the quantile the limit is drawn from;
 * below when P(X ≤ k) is under it. The drawn curves (funnelLimit) are interpolated between counts
 * so they are continuous; a point at the edge of what is possible (3 of 3 against 89.5 %, which
 * happens by chance 72 % of the time) touches the curve there without being unusual.
 */
export function ratePosition(k: number, n: number, p0: number): FunnelPosition {
  if (!(n > 0)) throw new RangeError("n must be positive");
  const upper = k <= 0 ? 1 : 1 - binomialCdf(k - 1, n, p0);
  const lower = binomialCdf(k, n, p0);
  return tailPosition(upper, lower);
}

/** The same for an observed count against its expected count (Poisson tails, as ratioFunnelLimit). */
export function ratioPosition(observed: number, expected: number): FunnelPosition {
  if (!(expected > 0)) throw new RangeError("expected must be positive");
  const upper = observed <= 0 ? 1 : 1 - poissonCdf(observed - 1, expected);
  const lower = poissonCdf(observed, expected);
  return tailPosition(upper, lower);
}

function tailPosition(upper: number, lower: number): FunnelPosition {
  if (upper <= 0.001) return "above998";
  if (upper <= 0.025) return "above95";
  if (lower < 0.001) return "below998";
  if (lower < 0.025) return "below95";
  return "within";
}

/** Where a value lies against drawn limits (for values without counts; counts use ratePosition / ratioPosition). */
export function funnelPosition(value: number, l: { low95: number; high95: number; low998: number; high998: number }): FunnelPosition {
  if (value > l.high998) return "above998";
  if (value > l.high95) return "above95";
  if (value < l.low998) return "below998";
  if (value < l.low95) return "below95";
  return "within";
}

/**
 * Interval for an observed/expected ratio with O observed events (Byar's approximation to the
 * exact Poisson limits, Breslow & Day 1987, vol. II, p. 69).
 */
export function ratioInterval(observed: number, expected: number, level = 0.95): Interval {
  if (!(expected > 0)) throw new RangeError("expected must be positive");
  const z = zFor(level);
  const o = observed;
  const low = o === 0 ? 0 : (o * Math.pow(1 - 1 / (9 * o) - z / (3 * Math.sqrt(o)), 3)) / expected;
  const o1 = o + 1;
  const high = (o1 * Math.pow(1 - 1 / (9 * o1) + z / (3 * Math.sqrt(o1)), 3)) / expected;
  return { low: Math.max(0, low), high };
}

// ---------------------------------------------------------------------------------------------
// Logistic regression by iteratively reweighted least squares
// ---------------------------------------------------------------------------------------------

export interface LogisticFit {
  /** Coefficients, the intercept first. */
  coef: number[];
  /** Standard errors from the inverse of the information matrix. */
  se: number[];
  iterations: number;
  converged: boolean;
  logLik: number;
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** Linear predictor → probability for one row (without the intercept column; coef[0] is the intercept). */
export function predictLogistic(coef: readonly number[], x: readonly number[]): number {
  let t = coef[0];
  for (let j = 0; j < x.length; j++) t += coef[j + 1] * x[j];
  return sigmoid(t);
}

/** Cholesky decomposition of a symmetric positive definite matrix (lower triangle); null if not SPD. */
function cholesky(a: number[][]): number[][] | null {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 1e-12)) return null;
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  }
  return l;
}

function choleskySolve(l: number[][], b: number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/**
 * Fits P(y = 1 | x) = 1 / (1 + exp(−(b0 + b·x))) by Newton–Raphson (IRLS). `x` rows hold the
 * covariates without the intercept. Returns null when the information matrix is singular
 * (a covariate constant or collinear) – the caller then standardises over strata instead.
 * Plain maximum likelihood returns null on separation (an estimate beyond ±50); with `firth` the
 * penalised likelihood (addFirthTerm) is maximised instead, which stays finite there.
 */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly number[], options: { maxIterations?: number; tolerance?: number; firth?: boolean } = {}): LogisticFit | null {
  const n = x.length;
  if (n === 0 || y.length !== n) return null;
  const p = x[0].length + 1;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  const groups = covariatePatterns(x, y);
  let beta = new Array<number>(p).fill(0);
  let converged = false;
  let iterations = 0;
  let info: number[][] = [];
  for (; iterations < maxIterations; ) {
    iterations++;
    const grad = new Array<number>(p).fill(0);
    info = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (const g of groups) {
      const xi = g.x;
      const mu = predictLogistic(beta, xi);
      const w = g.cases * mu * (1 - mu);
      const r = g.events - g.cases * mu;
      grad[0] += r;
      info[0][0] += w;
      for (let j = 1; j < p; j++) {
        const xij = xi[j - 1];
        grad[j] += r * xij;
        info[j][0] += w * xij;
        for (let k = 1; k <= j; k++) info[j][k] += w * xij * xi[k - 1];
      }
    }
    for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) info[j][k] = info[k][j];
    const l = cholesky(info);
    if (!l) return null;
    if (options.firth) addFirthTerm(l, groups, beta, grad);
    let step = choleskySolve(l, grad);
    // Firth's iterations may overshoot from far away: at most 5 on the logit scale per step (as logistf).
    const largest = Math.max(...step.map(Math.abs));
    if (options.firth && largest > 5) step = step.map((v) => (v * 5) / largest);
    beta = beta.map((b, j) => b + step[j]);
    if (beta.some((b) => !Number.isFinite(b) || Math.abs(b) > 50)) return null; // separation
    if (Math.max(...step.map(Math.abs)) < tolerance) {
      converged = true;
      break;
    }
  }
  const l = cholesky(info);
  if (!l) return null;
  const se = beta.map((_, j) => {
    const e = new Array<number>(p).fill(0);
    e[j] = 1;
    return Math.sqrt(choleskySolve(l, e)[j]);
  });
  let logLik = 0;
  for (const g of groups) {
    const mu = predictLogistic(beta, g.x);
    logLik += g.events * Math.log(Math.max(mu, 1e-300)) + (g.cases - g.events) * Math.log(Math.max(1 - mu, 1e-300));
  }
  return { coef: beta, se, iterations, converged, logLik };
}

interface Pattern {
  x: readonly number[];
  cases: number;
  events: number;
}

/**
 * The cases grouped by identical covariates: the likelihood, its score and information (and
 * Firth's term) are sums over cases, and cases with the same covariates contribute the same terms,
 * so a sum over the distinct patterns weighted by their counts is the same fit. The comparison's
 * covariates are indicators, so 60,000 cases have a few hundred patterns.
 */
function covariatePatterns(x: readonly (readonly number[])[], y: readonly number[]): Pattern[] {
  const byKey = new Map<string, Pattern>();
  for (let i = 0; i < x.length; i++) {
    const key = x[i].join(",");
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { x: x[i], cases: 0, events: 0 }));
    g.cases++;
    g.events += y[i];
  }
  return [...byKey.values()];
}

/**
 * Firth's correction (Firth 1993) of the score: + h_i (½ − μ_i) z_i for each case, with h_i the
 * diagonal of the hat matrix W^½ Z (ZᵀWZ)⁻¹ ZᵀW^½ (z_i = (1, x_i)). It maximises the likelihood
 * penalised by Jeffreys' prior, which gives finite estimates when a group has no event (separation)
 * and removes most of the small-sample bias; with a single binary covariate it equals the log odds
 * ratio with ½ added to each cell of the 2 × 2 table. `l` is the Cholesky factor of ZᵀWZ; the
 * cases of one covariate pattern share h_i and μ_i.
 */
function addFirthTerm(l: number[][], groups: readonly Pattern[], beta: readonly number[], grad: number[]): void {
  const p = beta.length;
  const z = new Array<number>(p);
  const v = new Array<number>(p);
  for (const g of groups) {
    z[0] = 1;
    for (let j = 1; j < p; j++) z[j] = g.x[j - 1];
    const mu = predictLogistic(beta, g.x);
    // h_i = w_i · zᵀ (L Lᵀ)⁻¹ z = w_i · |L⁻¹ z|²
    let norm = 0;
    for (let j = 0; j < p; j++) {
      let t = z[j];
      for (let k = 0; k < j; k++) t -= l[j][k] * v[k];
      v[j] = t / l[j][j];
      norm += v[j] * v[j];
    }
    const h = mu * (1 - mu) * norm;
    const adjust = g.cases * h * (0.5 - mu);
    for (let j = 0; j < p; j++) grad[j] += adjust * z[j];
  }
}

/** Area under the ROC curve (the Mann–Whitney statistic; ties count one half). Null without both outcomes. */
export function auc(predicted: readonly number[], y: readonly number[]): number | null {
  const idx = predicted.map((v, i) => i).sort((a, b) => predicted[a] - predicted[b]);
  const ranks = new Array<number>(predicted.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && predicted[idx[j + 1]] === predicted[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]] = rank;
    i = j + 1;
  }
  let pos = 0;
  let rankSum = 0;
  y.forEach((v, i) => {
    if (v) {
      pos++;
      rankSum += ranks[i];
    }
  });
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface CalibrationGroup {
  n: number;
  meanPredicted: number;
  expected: number;
  observed: number;
}

/**
 * Calibration table: the cases sorted by predicted probability and cut into `groups` groups of
 * (nearly) equal size, each with expected (Σ p) and observed events; plus the Hosmer–Lemeshow
 * statistic on groups − 2 degrees of freedom.
 */
export function calibrationTable(predicted: readonly number[], y: readonly number[], groups = 10): { groups: CalibrationGroup[]; hosmerLemeshow: number; df: number; pValue: number } {
  const order = predicted.map((_, i) => i).sort((a, b) => predicted[a] - predicted[b]);
  const g = Math.max(1, Math.min(groups, order.length));
  const out: CalibrationGroup[] = [];
  for (let k = 0; k < g; k++) {
    const from = Math.floor((k * order.length) / g);
    const to = Math.floor(((k + 1) * order.length) / g);
    let expected = 0;
    let observed = 0;
    for (let i = from; i < to; i++) {
      expected += predicted[order[i]];
      observed += y[order[i]] ? 1 : 0;
    }
    const n = to - from;
    if (n > 0) out.push({ n, meanPredicted: expected / n, expected, observed });
  }
  return { groups: out, ...hosmerLemeshow(out) };
}

/** The Hosmer–Lemeshow statistic of calibration groups (χ² with groups − 2 degrees of freedom). */
export function hosmerLemeshow(groups: readonly CalibrationGroup[]): { hosmerLemeshow: number; df: number; pValue: number } {
  let hl = 0;
  for (const c of groups) {
    const v = c.expected * (1 - c.meanPredicted);
    if (v > 0) hl += ((c.observed - c.expected) ** 2) / v;
  }
  const df = Math.max(1, groups.length - 2);
  return { hosmerLemeshow: hl, df, pValue: 1 - chisquareCdf(hl, df) };
}

/**
 * Indirect standardisation: each case's expected probability is the overall rate of its stratum
 * (the strata rates computed over all cases).
 */
export function stratumRates(keys: readonly string[], y: readonly number[]): Map<string, { n: number; events: number; rate: number }> {
  const m = new Map<string, { n: number; events: number; rate: number }>();
  keys.forEach((k, i) => {
    const s = m.get(k) ?? { n: 0, events: 0, rate: 0 };
    s.n++;
    s.events += y[i] ? 1 : 0;
    m.set(k, s);
  });
  for (const s of m.values()) s.rate = s.events / s.n;
  return m;
}

// ---------------------------------------------------------------------------------------------
// Suppression of small cells (DOMAIN.md § 4: n < 3; § 5: also secondary)
// ---------------------------------------------------------------------------------------------

/** Primary: a count of persons from 1 to min − 1. (0 names nobody.) */
export function isSmall(n: number, min: number): boolean {
  return n > 0 && n < min;
}

/**
 * Secondary suppression of one column of person counts whose total is published: returns the
 * indices to hide. A single hidden cell could be worked out as total − the others, and so could
 * several hidden cells that are all small (their sum would be small); then the smallest further
 * cell of at least `min` is hidden too. If no such cell exists, `totalHidden` is true.
 *
 * With `events` (a rate's numerators, one per count), the hidden cells together must also have
 * the event and its absence: their events, total − the others, of 0 or of all their persons
 * would tell every hidden person's outcome (group disclosure, docs/decisions/0023), so a further
 * cell is hidden as above.
 *
 * With `insiders` (the cells are different organisations, each knowing its own figure), the
 * hidden cells must stay protected without any one of them: a provider withheld together with one
 * other would get the other's figure as total − the published − its own (a user walk found
 * "0 of 2" this way), so every hidden set less one of its cells must pass the same test.
 */
export function suppressColumn(counts: readonly number[], min: number, alreadyHidden: ReadonlySet<number> = new Set(), events?: readonly number[], insiders = false): { hidden: Set<number>; totalHidden: boolean } {
  const hidden = new Set<number>(alreadyHidden);
  counts.forEach((c, i) => {
    if (isSmall(c, min)) hidden.add(i);
  });
  const protectedSet = (h: readonly number[]) => {
    const sum = h.reduce((s, i) => s + counts[i], 0);
    const hiddenEvents = events ? h.reduce((s, i) => s + events[i], 0) : 1;
    const mixed = !events || (hiddenEvents > 0 && hiddenEvents < sum);
    return h.length >= 2 && !isSmall(sum, min) && h.some((i) => counts[i] >= min) && mixed;
  };
  for (;;) {
    const h = [...hidden];
    if (h.length === 0) return { hidden, totalHidden: false };
    // Only cells with persons count as insiders (an empty cell is no organisation in this column).
    const safe = protectedSet(h) && (!insiders || h.every((i) => counts[i] === 0 || protectedSet(h.filter((j) => j !== i))));
    if (safe) return { hidden, totalHidden: false };
    const next = counts
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => !hidden.has(i) && c >= min)
      .sort((a, b) => a.c - b.c)[0];
    if (!next) return { hidden, totalHidden: true };
    hidden.add(next.i);
  }
}

/**
 * The unknowns fixed by a system of linear equations (sparse rows: unknown → coefficient; the
 * published values are already moved to the right-hand side, which does not matter here): unknown
 * i is fixed exactly when the unit vector e_i lies in the rows' span. Incremental Gauss–Jordan
 * elimination keeps the span in reduced row echelon form (each pivot column zero in every other
 * row); then e_i lies in it if and only if i is a pivot whose row has no other entry. Used as the
 * audit of the suppression over three dimensions, where no graph rule is exact (Gusfield 1988
 * covers two).
 */
export function fixedUnknowns(equations: readonly ReadonlyMap<number, number>[]): Set<number> {
  const EPS = 1e-9;
  const basis = new Map<number, Map<number, number>>();
  // Column → the pivots of the rows holding it outside their pivot.
  const holders = new Map<number, Set<number>>();
  const hold = (col: number, pivot: number, on: boolean) => {
    if (on) (holders.get(col) ?? holders.set(col, new Set()).get(col)!).add(pivot);
    else holders.get(col)?.delete(pivot);
  };
  // Short equations first: they fill in less.
  for (const eq of [...equations].sort((a, b) => a.size - b.size)) {
    const v = new Map(eq);
    for (const col of [...eq.keys()]) {
      const row = basis.get(col);
      const f = v.get(col);
      if (!row || f === undefined) continue;
      for (const [c, x] of row) {
        const y = (v.get(c) ?? 0) - f * x;
        if (Math.abs(y) < EPS) v.delete(c);
        else v.set(c, y);
      }
    }
    if (v.size === 0) continue;
    // Pivot: among the entries not much smaller than the largest (stability), the column held by the fewest rows (least fill-in).
    let big = 0;
    for (const x of v.values()) big = Math.max(big, Math.abs(x));
    let q = -1;
    let cost = Infinity;
    for (const [c, x] of v) {
      if (Math.abs(x) < big / 4) continue;
      const h = holders.get(c)?.size ?? 0;
      if (h < cost || (h === cost && c < q)) (q = c), (cost = h);
    }
    const d = v.get(q)!;
    for (const [c, x] of v) v.set(c, x / d);
    // Clear column q from the other rows.
    for (const pivot of [...(holders.get(q) ?? [])]) {
      const row = basis.get(pivot)!;
      const f = row.get(q)!;
      for (const [c, x] of v) {
        const y = (row.get(c) ?? 0) - f * x;
        if (Math.abs(y) < EPS) {
          row.delete(c);
          if (c !== pivot) hold(c, pivot, false);
        } else {
          row.set(c, y);
          if (c !== pivot) hold(c, pivot, true);
        }
      }
    }
    holders.delete(q);
    basis.set(q, v);
    for (const c of v.keys()) if (c !== q) hold(c, q, true);
  }
  return new Set([...basis].filter(([, row]) => row.size === 1).map(([pivot]) => pivot));
}

/** Median of numbers (null when empty). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------------------------------------
// Perturbation of published counts (cell-key method with unbiased random rounding)

/** A 32-bit integer hash (the finaliser of a well-mixed integer hash: every input bit reaches every output bit). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A record's key in [0, 1): fixed for the record (its id) and the installation's secret salt. */
export function recordKey(id: number, salt: number): number {
  return mix32((mix32(id >>> 0) ^ salt) >>> 0) / 4294967296;
}

/**
 * The cell key of a set of records: the fractional part of the sum of their record keys. The same
 * records always give the same key (asking again, in any view, gives the same figure, so the noise
 * cannot be averaged away); a different set gives an unrelated one.
 */
export function cellKey(keys: Iterable<number>): number {
  let s = 0;
  for (const k of keys) s += k;
  return s - Math.floor(s);
}

/**
 * Unbiased random rounding of a count to a multiple of `base`, driven by a cell key in [0, 1):
 * a remainder r is rounded up with probability r/base, down otherwise (so the expected value is the
 * count itself). Multiples of `base` (0 included) stay as they are.
 */
export function randomRound(count: number, key: number, base: number): number {
  const r = ((count % base) + base) % base;
  if (r === 0) return count;
  return key < r / base ? count - r + base : count - r;
}
