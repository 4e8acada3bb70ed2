import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { Provider } from "../../entities";
import { fitLogistic, funnelLimits, predictLogistic, ratioFunnelLimits, ratioInterval } from "~/domain/outcome-stats";
import { ageOn, INTEGRATION_STATUSES } from "~/domain/places";
import { addDays, addMonths } from "~/domain/time";
import { today } from "~/lib/clock.server";
import { getSettings } from "~/lib/settings.server";
import { parseRegionalRates } from "~/domain/outcome-comparison";
import { em } from "../setup/db";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoFinance } from "~/demo/demo-finance-seed.server";
import { seedDemoPlacements } from "~/demo/demo-placements.server";
import { COMPARISON_MODEL, DEMO_REGIONAL_RATES, HARD_CLIENTS_PROVIDER, OUTLIER_EFFECT, OUTLIER_PROVIDER, seedDemoPlaces } from "~/demo/demo-places.server";
import { seedDemoTenders } from "~/demo/demo-tenders.server";

/**
 * The places demo gives the provider comparison (issue 12) something to find, checked on the stored
 * rows alone (SQL, a plain logistic fit with fitLogistic; none of the comparison service's code):
 * - DEMO-T-0004 ("hard clients": long-term unemployed without qualification, provider effect 0) has
 *   a raw integration rate below the overall rate and outside the 95 % limit, but its
 *   observed/expected ratio's 95 % interval contains 1;
 * - DEMO-T-0003 (ordinary clients, effect −1.0) lies below the 99.8 % limit raw and risk-adjusted,
 *   over a rolling 24 months and over the whole history, with ≥ 150 exits in each;
 * - the fitted coefficients recover the model's signs and roughly its sizes.
 * Integration: an outcome employment / training / self-employment at exit or at the six-month check
 * (within 6 months after exit); exits without any recorded outcome yet are left out.
 */

interface Row {
  providerId: number;
  typeCode: string;
  entryDate: string;
  exitDate: string;
  birthDate: string;
  unemployedSince: string | null;
  qualification: string;
  targetGroups: string[];
  integrated: boolean;
}

let rows: Row[] = [];
let hardId = 0;
let outlierId = 0;
let t = "";

beforeAll(async () => {
  await freshDatabase({ budget: false });
  await seedDemoData({ scale: 1 });
  await seedDemoPlacements({ scale: 1 });
  await seedDemoTenders();
  await seedDemoFinance({ scale: 1 });
  await seedDemoPlaces({ scale: 1 });
  t = today();
  const m = await em();
  hardId = (await m.getRepository(Provider).findOneByOrFail({ externalKey: HARD_CLIENTS_PROVIDER })).id;
  outlierId = (await m.getRepository(Provider).findOneByOrFail({ externalKey: OUTLIER_PROVIDER })).id;
  const raw: { purchaseId: number; providerId: number; typeCode: string; entryDate: string; exitDate: string; birthDate: string; unemployedSince: string | null; qualification: string; targetGroups: string }[] = await m.query(
    `SELECT p.id AS "purchaseId", p."providerId" AS "providerId", x."typeCode" AS "typeCode", p."entryDate" AS "entryDate", p."exitDate" AS "exitDate",
            c."birthDate" AS "birthDate", c."unemployedSince" AS "unemployedSince", c.qualification AS qualification, c."targetGroups" AS "targetGroups"
       FROM place_purchases p JOIN measures x ON x.id = p."measureId" JOIN clients c ON c.id = p."clientId"
      WHERE p."exitDate" IS NOT NULL AND p."providerId" IS NOT NULL AND p.status IN ('completed', 'dropped_out')`,
  );
  const outcomes: { purchaseId: number; status: string }[] = await m.query(`SELECT "purchaseId" AS "purchaseId", status FROM outcomes WHERE "purchaseId" IS NOT NULL`);
  const recorded = new Set<number>();
  const integrated = new Set<number>();
  for (const o of outcomes) {
    recorded.add(Number(o.purchaseId));
    if (INTEGRATION_STATUSES.includes(o.status)) integrated.add(Number(o.purchaseId));
  }
  rows = raw
    .filter((r) => recorded.has(Number(r.purchaseId)))
    .map((r) => ({
      providerId: Number(r.providerId),
      typeCode: r.typeCode,
      entryDate: String(r.entryDate).slice(0, 10),
      exitDate: String(r.exitDate).slice(0, 10),
      birthDate: String(r.birthDate).slice(0, 10),
      unemployedSince: r.unemployedSince ? String(r.unemployedSince).slice(0, 10) : null,
      qualification: r.qualification ?? "",
      targetGroups: typeof r.targetGroups === "string" ? JSON.parse(r.targetGroups || "[]") : (r.targetGroups ?? []),
      integrated: integrated.has(Number(r.purchaseId)),
    }));
}, 600_000);

function months(since: string, on: string): number {
  const m = (Number(on.slice(0, 4)) - Number(since.slice(0, 4))) * 12 + Number(on.slice(5, 7)) - Number(since.slice(5, 7));
  return on.slice(8, 10) < since.slice(8, 10) ? m - 1 : m;
}

function level(text: string): "none" | "academic" | "vocational" | "unknown" {
  if (/ohne Berufsabschluss|ohne Abschluss/i.test(text)) return "none";
  if (/Studium|Diplom|Bachelor|Master|Ingenieur|Hochschul/i.test(text)) return "academic";
  return text.trim() ? "vocational" : "unknown";
}

const COVARIATES = ["age50plus", "unemployed12to23", "unemployed24plus", "unemployedUnknown", "noQualification", "academic", "qualificationUnknown", "severelyDisabled", "languageNeeds"] as const;

/** The covariates as 0/1 columns (under 25 left out: only the young measures have clients under 25, where it is the type's own intercept). */
function covariates(r: Row): number[] {
  const age = ageOn(r.birthDate, r.entryDate);
  const mo = r.unemployedSince ? months(r.unemployedSince, r.entryDate) : null;
  const q = level(r.qualification);
  return [age >= 50 ? 1 : 0, mo !== null && mo >= 12 && mo < 24 ? 1 : 0, mo !== null && mo >= 24 ? 1 : 0, mo === null ? 1 : 0, q === "none" ? 1 : 0, q === "academic" ? 1 : 0, q === "unknown" ? 1 : 0, r.targetGroups.includes("severely_disabled") ? 1 : 0, r.targetGroups.includes("language_needs") ? 1 : 0];
}

function figures(sample: Row[], providerId: number) {
  const fit = fitLogistic(sample.map(covariates), sample.map((r) => (r.integrated ? 1 : 0)));
  expect(fit).not.toBeNull();
  const own = sample.filter((r) => r.providerId === providerId);
  const n = own.length;
  const k = own.filter((r) => r.integrated).length;
  const expected = own.reduce((a, r) => a + predictLogistic(fit!.coef, covariates(r)), 0);
  const p0 = sample.filter((r) => r.integrated).length / sample.length;
  return { n, k, rate: k / n, p0, limits: funnelLimits(p0, n), expected, ratio: k / expected, ratioLimits: ratioFunnelLimits(expected), ratioCi: ratioInterval(k, expected) };
}

describe("demo data for the provider comparison (issue 12)", () => {
  it("gives clients the covariates: unemployed since (a spread, a few unknown), qualification texts, target groups, regions", async () => {
    const adults = rows.filter((r) => r.typeCode === "training" || r.typeCode === "mae");
    const mo = adults.map((r) => (r.unemployedSince ? months(r.unemployedSince, r.entryDate) : null));
    const share = (f: (x: number | null) => boolean) => mo.filter(f).length / mo.length;
    expect(share((x) => x !== null && x < 12)).toBeGreaterThan(0.1);
    expect(share((x) => x !== null && x >= 12 && x < 24)).toBeGreaterThan(0.2);
    expect(share((x) => x !== null && x >= 24)).toBeGreaterThan(0.2);
    expect(share((x) => x === null)).toBeGreaterThan(0.01);
    expect(share((x) => x === null)).toBeLessThan(0.15);
    const levels = adults.map((r) => level(r.qualification));
    for (const l of ["none", "academic", "vocational", "unknown"]) expect(levels.filter((x) => x === l).length, l).toBeGreaterThan(20);
    for (const g of ["severely_disabled", "language_needs"]) expect(adults.filter((r) => r.targetGroups.includes(g)).length, g).toBeGreaterThan(50);
    const m = await em();
    const regions: { region: string }[] = await m.query(`SELECT DISTINCT region FROM clients`);
    expect(regions.map((r) => r.region)).toContain("Landkreis Kamenz");
    expect(regions.length).toBeGreaterThan(2);
    // Every client region has its unemployment rate in the setting the risk adjustment reads.
    const rates = (await getSettings())["comparison.regionalRates"];
    expect(rates).toBe(DEMO_REGIONAL_RATES);
    const named = parseRegionalRates(String(rates));
    expect(named.error).toBeNull();
    for (const r of regions) expect(named.rates.has(r.region.toLowerCase()), r.region).toBe(true);
    // The placement demo's clients: unemployed since the day after their last earlier job.
    const placementClients: { n: number | string }[] = await m.query(`SELECT COUNT(*) AS n FROM clients c WHERE c."unemployedSince" IS NOT NULL AND EXISTS (SELECT 1 FROM assignments a WHERE a."clientId" = c.id)`);
    expect(Number(placementClients[0].n)).toBeGreaterThan(100);
  });

  it("keeps the rates of the measure types about where they were (MAE 12 %, training about 35 % for ordinary clients)", () => {
    const rate = (type: string) => {
      const s = rows.filter((r) => r.typeCode === type);
      return s.filter((r) => r.integrated).length / s.length;
    };
    expect(rate("mae")).toBeGreaterThan(0.08);
    expect(rate("mae")).toBeLessThan(0.17);
    // 35 % for ordinary clients at ordinary providers; the outlier and the hard clients pull it down.
    expect(rate("training")).toBeGreaterThan(0.2);
    expect(rate("training")).toBeLessThan(0.35);
  });

  it("recovers the model's coefficients (signs and roughly sizes) with a plain logistic fit over the adult measures", () => {
    const sample = rows.filter((r) => ["mae", "training", "p421i"].includes(r.typeCode));
    expect(sample.length).toBeGreaterThan(10000);
    const x = sample.map((r) => [...covariates(r), r.typeCode === "mae" ? 1 : 0, r.typeCode === "p421i" ? 1 : 0, r.providerId === outlierId ? 1 : 0, r.providerId === hardId ? 1 : 0]);
    const fit = fitLogistic(x, sample.map((r) => (r.integrated ? 1 : 0)));
    expect(fit).not.toBeNull();
    const b = fit!.coef; // b[0] intercept, then the columns
    const truth: Record<string, number> = { ...COMPARISON_MODEL, unemployedUnknown: 0, qualificationUnknown: 0 };
    const got = Object.fromEntries(COVARIATES.map((name, i) => [name, b[i + 1]]));
    console.log("fitted", Object.fromEntries(Object.entries(got).map(([k, v]) => [k, `${v.toFixed(2)} (model ${truth[k]})`])), "outlier", b[COVARIATES.length + 3].toFixed(2), "hard", b[COVARIATES.length + 4].toFixed(2));
    for (const name of COVARIATES) {
      expect(Math.abs(got[name] - truth[name]), `${name}: ${got[name].toFixed(2)} vs ${truth[name]}`).toBeLessThan(0.3);
      if (truth[name] !== 0) expect(Math.sign(got[name]), name).toBe(Math.sign(truth[name]));
    }
    expect(Math.abs(b[COVARIATES.length + 3] - OUTLIER_EFFECT)).toBeLessThan(0.3);
    expect(Math.abs(b[COVARIATES.length + 4])).toBeLessThan(0.3);
  });

  for (const period of ["rolling 24 months", "whole history"] as const) {
    it(`training measures, ${period}: the hard-clients provider is low raw but average risk-adjusted; the outlier is below the 99.8 % limit raw and adjusted`, () => {
      const from = period === "whole history" ? "0000-01-01" : addMonths(t, -24);
      const sample = rows.filter((r) => r.typeCode === "training" && r.exitDate >= from && r.exitDate < t);
      const hard = figures(sample, hardId);
      const out = figures(sample, outlierId);
      console.log(period, { n: sample.length, hard, outlier: out });
      expect(out.n).toBeGreaterThanOrEqual(150);
      expect(out.rate).toBeLessThan(out.limits.low998);
      expect(out.ratio).toBeLessThan(out.ratioLimits.low998);
      expect(out.ratioCi.high).toBeLessThan(1);
      expect(hard.n).toBeGreaterThan(50);
      expect(hard.rate).toBeLessThan(hard.p0);
      expect(hard.rate).toBeLessThan(hard.limits.low95);
      if (period === "rolling 24 months") {
        expect(hard.ratioCi.low).toBeLessThanOrEqual(1);
        expect(hard.ratioCi.high).toBeGreaterThanOrEqual(1);
      }
      expect(Math.abs(hard.ratio - 1)).toBeLessThan(0.35);
    });
  }

  it("exits of the special providers are in the window (the check above is not vacuous)", () => {
    expect(rows.some((r) => r.providerId === hardId && r.exitDate >= addDays(t, -365))).toBe(true);
    expect(rows.some((r) => r.providerId === outlierId && r.exitDate >= addDays(t, -365))).toBe(true);
  });
});
