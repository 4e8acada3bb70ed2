import { describe, expect, it } from "vitest";
import {
  cellOf,
  compare,
  parseComparisonQuery,
  parseRegionalRates,
  qualificationLevel,
  regionsOf,
  resolvePeriod,
  suppressCells,
  unemploymentBand,
  ageGroup,
  formatRateCell,
  type BrokerFact,
  type Cell,
  type Covariates,
  type Facts,
  type PlaceFact,
} from "~/domain/outcome-comparison";
import { cellKey, clopperPearson, hosmerLemeshow, randomRound, recordKey, wilson } from "~/domain/outcome-stats";
import { reportFromComparison, ownItem } from "~/domain/comparison-report";
import { csvRows, figureCells, POSITION_WORDS } from "~/domain/comparison-export";
import { can, navFor } from "~/domain/permissions";
import { denseFixed } from "../support/dense-rank";

describe("permission and navigation", () => {
  it("shows „Trägervergleich“ only to eligible roles that were granted the comparison", () => {
    for (const role of ["admin", "procurement", "case_manager", "auditor"] as const) {
      expect(can(role, "read:comparison:any")).toBe(true);
      expect(navFor(role, null, true).some((n) => n.to === "/comparison")).toBe(true);
      expect(navFor(role, null, false).some((n) => n.to === "/comparison")).toBe(false);
    }
    expect(can("finance", "read:comparison:any")).toBe(false);
    expect(navFor("finance", null, true).some((n) => n.to === "/comparison")).toBe(false);
    expect(can("provider", "read:comparison:any")).toBe(false);
    expect(navFor("provider", "training").some((n) => n.to === "/portal/outcomes")).toBe(true);
  });
});

const cov = (over: Partial<Covariates> = {}): Covariates => ({ ageGroup: "25to49", unemployment: "lt12", qualification: "vocational", severelyDisabled: false, languageNeeds: false, regionalRate: null, ...over });
const place = (over: Partial<PlaceFact> = {}): PlaceFact => ({
  providerId: 1,
  typeCode: "bae",
  region: "Kamenz",
  entryDate: "2007-02-01",
  exitDate: "2007-06-30",
  droppedOut: false,
  integrated: false,
  sustained: null,
  examDate: null,
  examPassed: false,
  paidCents: 0,
  covariates: cov(),
  ...over,
});
const broker = (over: Partial<BrokerFact> = {}): BrokerFact => ({ providerId: 7, region: "Kamenz", issuedOn: "2007-03-01", placedOn: null, secondInstalment: false, paidCents: 0, covariates: cov(), ...over });
const year2007 = resolvePeriod("year", { year: 2007 });
const run = (facts: Partial<Facts>, measure: Parameters<typeof compare>[1]["measure"], extra: Partial<Parameters<typeof compare>[1]> = {}) =>
  compare({ places: facts.places ?? [], brokers: facts.brokers ?? [] }, { measure, period: year2007, adjust: "raw", minCell: 3, asOf: "2099-01-01", ...extra });

describe("covariates", () => {
  it("reads the qualification level from the free text", () => {
    expect(qualificationLevel("ohne Berufsabschluss")).toBe("none");
    expect(qualificationLevel("Hauptschule, ohne Abschluss")).toBe("none");
    expect(qualificationLevel("Diplom-Ingenieur (FH)")).toBe("academic");
    expect(qualificationLevel("Master Sozialarbeit")).toBe("academic");
    expect(qualificationLevel("  ")).toBe("unknown");
    expect(qualificationLevel(null)).toBe("unknown");
    expect(qualificationLevel("Facharbeiter Metall")).toBe("vocational");
  });
  it("groups age on the day: the day before the 25th birthday is under 25, the birthday is not", () => {
    expect(ageGroup("1982-06-15", "2007-06-14")).toBe("u25");
    expect(ageGroup("1982-06-15", "2007-06-15")).toBe("25to49");
    expect(ageGroup("1957-06-15", "2007-06-15")).toBe("50plus");
    expect(ageGroup(null, "2007-06-15")).toBe("unknown");
  });
  it("bands the duration of unemployment (12 months exactly is 12–23)", () => {
    expect(unemploymentBand("2006-06-16", "2007-06-15")).toBe("lt12");
    expect(unemploymentBand("2006-06-15", "2007-06-15")).toBe("12to23");
    expect(unemploymentBand("2005-06-15", "2007-06-15")).toBe("24plus");
    expect(unemploymentBand(null, "2007-06-15")).toBe("unknown");
  });
  it("parses the regional rates in German number format, with a German error", () => {
    const ok = parseRegionalRates("Kamenz=14,9; Hoyerswerda=19,8");
    expect(ok.error).toBeNull();
    expect(ok.rates.get("kamenz")).toBe(14.9);
    expect(ok.rates.get("hoyerswerda")).toBe(19.8);
    expect(parseRegionalRates("").rates.size).toBe(0);
    expect(parseRegionalRates("Kamenz 14.9").error).toMatch(/Region=Quote/);
    expect(parseRegionalRates("Kamenz=14,9; Kamenz=15").error).toMatch(/doppelt/);
  });
});

describe("periods", () => {
  it("a rolling 24 months window ends on the day given and starts 24 months earlier plus one day", () => {
    const p = resolvePeriod("rolling24", { end: "2007-12-31" });
    expect([p.from, p.to]).toEqual(["2006-01-01", "2007-12-31"]);
    const r12 = resolvePeriod("rolling12", { end: "2008-02-29" });
    expect([r12.from, r12.to]).toEqual(["2007-03-01", "2008-02-29"]);
  });
  it("counts an exit on the first and on the last day of the window, not the days outside", () => {
    const period = resolvePeriod("rolling24", { end: "2007-12-31" });
    const facts = { places: ["2005-12-31", "2006-01-01", "2007-12-31", "2008-01-01"].map((exitDate) => place({ exitDate, integrated: true })), brokers: [] };
    const r = compare(facts, { measure: "integration", period, adjust: "raw", minCell: 3, suppress: false, asOf: "2099-01-01" });
    expect(r.overall.integration!.n).toBe(2);
  });
  it("parses the filters: invalid years and dates come back with German messages, never an exception", () => {
    const d = { period: "rolling24" as const, today: "2026-12-06", minYear: 2005 };
    const a = parseComparisonQuery({ period: "year", year: "1800" }, d);
    expect(a.errors[0]).toMatch(/keine Daten/);
    expect(a.query.period.from).toBe("2025-01-01");
    const b = parseComparisonQuery({ period: "year", year: "abc" }, d);
    expect(b.errors[0]).toMatch(/keine Jahreszahl/);
    const c = parseComparisonQuery({ period: "rolling12", end: "31.12.2007" }, d);
    expect(c.errors).toEqual([]);
    expect(c.query.period.from).toBe("2007-01-01");
    const e = parseComparisonQuery({ period: "rolling12", end: "32.13.2007", measure: "nonsense" }, d);
    expect(e.errors.length).toBe(2);
    expect(e.query.measure).toBe("integration");
    const f = parseComparisonQuery({}, d);
    expect(f.query.period.to).toBe("2026-12-06");
    expect(f.query.period.from).toBe("2024-12-07");
    // A year alone means that calendar year (as the API reads it), not the default window.
    const h = parseComparisonQuery({ adjust: "foo" }, d);
    expect(h.errors).toEqual(["Die Darstellung „foo“ gibt es nicht. Gezeigt wird die tatsächliche Quote."]);
    expect(h.problems).toEqual({ adjust: "Die Darstellung „foo“ gibt es nicht." });
    expect(h.query.adjust).toBe("raw");
    expect(parseComparisonQuery({ adjust: "adjusted" }, d).errors).toEqual([]);
    const g = parseComparisonQuery({ year: "2007" }, d);
    expect(g.errors).toEqual([]);
    expect([g.query.period.from, g.query.period.to]).toEqual(["2007-01-01", "2007-12-31"]);
  });
});

describe("measures, hand-computed", () => {
  it("integration rate = integrated exits ÷ exits, with the exact interval below n = 10", () => {
    const r = run({ places: [place({ integrated: true }), place({ integrated: true }), place({ integrated: true }), place()] }, "integration", { suppress: false });
    const c = r.rows[0].cells.integration!;
    expect([c.k, c.n, c.rate, c.method]).toEqual([3, 4, 0.75, "exact"]);
    const cp = clopperPearson(3, 4);
    expect(c.low).toBeCloseTo(cp.low, 10);
    expect(c.low).toBeCloseTo(0.1941, 3);
    expect(c.high).toBeCloseTo(0.9937, 3);
  });
  it("uses Wilson from n = 10", () => {
    const places = Array.from({ length: 10 }, (_, i) => place({ integrated: i < 4 }));
    const c = run({ places }, "integration").rows[0].cells.integration!;
    expect(c.method).toBe("wilson");
    expect(c.low).toBeCloseTo(wilson(4, 10).low, 12);
    expect(formatRateCell(c, "integration")).toBe("40,0 % (16,8–68,7 %; n = 10)");
  });
  it("sustainability counts integrations with a recorded six-month outcome", () => {
    const places = [place({ integrated: true, sustained: true }), place({ integrated: true, sustained: false }), place({ integrated: true, sustained: true }), place({ integrated: true, sustained: null }), place({ sustained: null })];
    const c = run({ places }, "integration", { suppress: false }).rows[0].cells.sustainability!;
    expect([c.k, c.n]).toEqual([2, 3]);
  });
  it("drop-out rate = early exits without integration ÷ entries of the period", () => {
    const places = [place({ droppedOut: true }), place({ droppedOut: true, entryDate: "2006-12-31" }), place(), place({ exitDate: null })];
    const c = run({ places }, "dropout", { suppress: false }).rows[0].cells.dropout!;
    expect([c.k, c.n]).toEqual([1, 3]);
  });
  it("drop-out rate counts an entry only once its planned end is past the data's day (day before: counted; the day itself: not yet)", () => {
    const asOf = "2008-03-15";
    const places = [
      place({ droppedOut: true, plannedEnd: "2008-06-30" }), // dropped out early, planned end still ahead: not yet counted
      place({ plannedEnd: "2008-06-30", exitDate: null }), // running
      place({ droppedOut: true, plannedEnd: "2008-03-14" }),
      place({ plannedEnd: "2008-03-14" }),
      place({ plannedEnd: "2008-03-15", exitDate: null }), // ends today: may still drop out today
    ];
    const c = run({ places }, "dropout", { suppress: false, asOf }).rows[0].cells.dropout!;
    expect([c.k, c.n]).toEqual([1, 2]);
    // The definition before (for tenders frozen with it): every entry of the period.
    const before = run({ places }, "dropout", { suppress: false, asOf, dropoutCountsRunning: true }).rows[0].cells.dropout!;
    expect([before.k, before.n]).toEqual([2, 5]);
  });
  it("exam success = passes ÷ candidates with an exam in the period", () => {
    const places = [place({ examDate: "2007-06-01", examPassed: true }), place({ examDate: "2007-06-01" }), place({ examDate: "2007-07-01", examPassed: true }), place({ examDate: "2008-01-02", examPassed: true }), place()];
    const c = run({ places }, "exam", { suppress: false }).rows[0].cells.exam!;
    expect([c.k, c.n]).toEqual([2, 3]);
  });
  it("cost per integration = paid cents ÷ integrations", () => {
    const places = [place({ paidCents: 300000, integrated: true }), place({ paidCents: 150000 }), place({ paidCents: 150000, integrated: true }), place({ paidCents: 0, integrated: true })];
    const c = run({ places }, "cost_per_integration", { suppress: false }).rows[0].cells.cost_per_integration!;
    expect([c.k, c.n, c.rate]).toEqual([600000, 3, 200000]);
    expect(formatRateCell(c, "cost_per_integration").replace(/\s/g, " ")).toBe("2.000,00 € (n = 3)");
  });
  it("broker measures: placements ÷ assignments, median days, second instalment, cost per lasting placement", () => {
    const brokers = [
      broker({ placedOn: "2007-03-11", secondInstalment: true, paidCents: 200000 }),
      broker({ placedOn: "2007-03-31", secondInstalment: false, paidCents: 100000 }),
      broker({ placedOn: "2007-04-30", secondInstalment: true, paidCents: 200000 }),
      broker(),
      broker({ issuedOn: "2006-12-31", placedOn: "2007-01-05" }),
    ];
    const r = run({ brokers }, "placement", { suppress: false });
    const cells = r.rows[0].cells;
    expect([cells.placement!.k, cells.placement!.n]).toEqual([3, 4]);
    expect(cells.days_to_placement!.rate).toBe(30); // 10, 30, 60 days
    expect(cells.days_to_placement!.n).toBe(3);
    expect(cells.days_to_placement!.low).toBeNull();
    expect([cells.second_instalment!.k, cells.second_instalment!.n]).toEqual([2, 3]);
    expect([cells.cost_per_lasting!.k, cells.cost_per_lasting!.n, cells.cost_per_lasting!.rate]).toEqual([500000, 2, 250000]);
  });
});

describe("suppression", () => {
  const cell = (n: number): Cell => ({ ...cellOf("integration", []), n, k: Math.floor(n / 2), rate: 0.5, low: 0.1, high: 0.9, method: "wilson" });
  it("hides a provider with n = 2 and, with the total published, the next smallest cells too: two, so that neither withheld provider gets the 2 by subtracting itself", () => {
    const out = suppressCells([cell(2), cell(40), cell(12), cell(25)], cell(79), 3);
    expect(out.cells.map((c) => c.suppressed)).toEqual(["small", null, "secondary", "secondary"]);
    expect(out.cells[0].rate).toBeNull();
    expect(out.cells[2].n).toBe(0);
    expect(out.total.suppressed).toBeNull();
  });
  it("two small cells together are still small: a third cell is hidden, and a fourth, since the third's provider would get 1 + 1 by subtracting itself", () => {
    const out = suppressCells([cell(1), cell(1), cell(30), cell(9)], cell(41), 3);
    expect(out.cells.map((c) => c.suppressed)).toEqual(["small", "small", "secondary", "secondary"]);
    expect(out.total.suppressed).toBeNull();
  });
  it("with one further provider only, both are hidden and the total too (the provider of 30 knows its own figure: 32 − 30 = 2)", () => {
    const out = suppressCells([cell(2), cell(30)], cell(32), 3);
    expect(out.cells.map((c) => c.suppressed)).toEqual(["small", "secondary"]);
    expect(out.total.suppressed).toBe("secondary");
  });
  it("a single small provider: the total is hidden too", () => {
    const out = suppressCells([cell(2)], cell(2), 3);
    expect(out.cells[0].suppressed).toBe("small");
    expect(out.total.suppressed).toBe("small");
  });
  it("a rate whose complement is 1 or 2 persons is hidden like one whose numerator is: 14 of 15 names the one who was not placed", () => {
    const of15 = (k: number): Cell => ({ ...cell(15), k });
    const hidden = (k: number) => suppressCells([of15(k), cell(40), cell(41)], cell(96), 3).cells[0].suppressed;
    expect(hidden(14)).toBe("secondary"); // complement 1
    expect(hidden(13)).toBe("secondary"); // complement 2
    expect(hidden(12)).toBeNull(); // complement 3: shown
    expect(hidden(15)).toBeNull(); // all: no single person singled out among the others
    expect(hidden(0)).toBeNull();
    expect(hidden(1)).toBe("secondary");
    expect(hidden(3)).toBeNull();
    // … and the next smallest cells go too, so that the hidden one cannot be worked out from the total, not even by a withheld provider subtracting itself.
    expect(suppressCells([of15(14), cell(40), cell(41)], cell(96), 3).cells.map((c) => c.suppressed)).toEqual(["secondary", "secondary", "secondary"]);
  });
  it("nothing small, nothing hidden", () => {
    const out = suppressCells([{ ...cell(3), k: 3 }, cell(30)], cell(33), 3);
    expect(out.cells.every((c) => c.suppressed === null)).toBe(true);
  });
  it("compare() suppresses per measure column and keeps suppressed providers off the funnel plot", () => {
    const places = [
      ...Array.from({ length: 2 }, () => place({ providerId: 1, integrated: true })),
      ...Array.from({ length: 20 }, (_, i) => place({ providerId: 2, integrated: i < 8 })),
      ...Array.from({ length: 10 }, (_, i) => place({ providerId: 3, integrated: i < 3 })),
      ...Array.from({ length: 30 }, (_, i) => place({ providerId: 4, integrated: i < 12 })),
    ];
    const r = run({ places }, "integration");
    const s = Object.fromEntries(r.rows.map((x) => [x.providerId, x.cells.integration!.suppressed]));
    // 1 is small; 3 (the next smallest) and 2 go too, so that neither 3 nor 2 gets 1's figure by subtracting itself.
    expect(s).toEqual({ 1: "small", 2: "secondary", 3: "secondary", 4: null });
    expect(r.funnel!.points.map((p) => p.providerId).sort()).toEqual([4]);
    expect(r.funnel!.notPlotted).toBe(3);
    expect(r.overall.integration!.n).toBe(62);
  });
});

describe("group disclosure: 0 % and 100 % (setting comparison.groupDisclosure), and a withheld provider subtracting itself", () => {
  const rate = (k: number, n: number): Cell => ({ ...cellOf("integration", []), k, n, rate: n ? k / n : null, low: 0, high: 1, method: n < 10 ? "exact" : "wilson" });
  it("6 of 6 and 0 of 5 are primary with the setting, 3 of 6 and 4 of 7 are not; without it only the small cells are", () => {
    const hidden = (c: Cell, group: boolean) => suppressCells([c, rate(20, 40), rate(11, 30), rate(9, 25)], rate(60, 120), 3, new Set(), false, group).cells[0].suppressed;
    expect(hidden(rate(6, 6), true)).toBe("secondary");
    expect(suppressCells([rate(6, 6), rate(20, 40), rate(11, 30), rate(9, 25)], rate(46, 101), 3, new Set(), false, true).cells.map((c) => c.suppressed)).toEqual(["secondary", null, "secondary", "secondary"]);
    expect(hidden(rate(0, 5), true)).toBe("secondary");
    expect(hidden(rate(3, 6), true)).toBeNull();
    expect(hidden(rate(3, 7), true)).toBeNull();
    expect(hidden(rate(6, 6), false)).toBeNull();
    expect(hidden(rate(0, 5), false)).toBeNull();
  });
  it("a total of 100 % is withheld with the setting: it would tell the outcome of a withheld provider of 2", () => {
    const cells = [rate(2, 2), rate(12, 12), rate(9, 9)];
    const on = suppressCells(cells, rate(23, 23), 3, new Set(), false, true);
    expect(on.total.suppressed).not.toBeNull();
    expect(on.cells.every((c) => c.suppressed !== null)).toBe(true);
    const off = suppressCells(cells, rate(23, 23), 3, new Set(), false, false);
    // Without the setting: the total and the 9 of 9 are published and the withheld 2 follow as 2 of 2.
    expect(off.total.suppressed).toBeNull();
    expect(off.total.k - off.cells.reduce((a, c) => a + c.k, 0)).toBe(off.total.n - off.cells.reduce((a, c) => a + c.n, 0));
  });
  it("the withheld cells together are never 0 % or 100 % of their persons (the total minus the published cells)", () => {
    // 0 of 2 (small) and 0 of 4 (0 %) withheld, total 10 of 26: the remainder 0 of 6 would tell both; a mixed cell goes too
    // (4 of 8), and one more (6 of 12): without it the provider of 4 of 8 would get 0 of 6 by subtracting itself.
    const cells = [rate(0, 2), rate(0, 4), rate(4, 8), rate(6, 12)];
    const out = suppressCells(cells, rate(10, 26), 3, new Set(), false, true);
    expect(out.cells.map((c) => c.suppressed)).toEqual(["small", "secondary", "secondary", "secondary"]);
    const withheld = cells.filter((_, i) => out.cells[i].suppressed !== null);
    const k = withheld.reduce((a, c) => a + c.k, 0);
    const n = withheld.reduce((a, c) => a + c.n, 0);
    expect(k > 0 && k < n).toBe(true);
  });
  it("a mixed remainder needs no cell for itself: 1 of 2, 0 of 4 and 4 of 8 withheld leave 6 of 12 published", () => {
    // 1 of 2 and 0 of 4 (1 of 6 together) would do for an outsider; the provider of 0 of 4 would get 1 of 2 by
    // subtracting itself, so 4 of 8 goes too; then no two of the three are 0 % or 100 % together.
    const out = suppressCells([rate(1, 2), rate(0, 4), rate(4, 8), rate(6, 12)], rate(11, 26), 3, new Set(), false, true);
    expect(out.cells.map((c) => c.suppressed)).toEqual(["small", "secondary", "secondary", null]);
  });

  const random = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  it("40 random provider × type × region tables: no published rate is 0 % or 100 %, and no line's withheld cells are together", () => {
    let withheldLines = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = random(seed * 31337);
      const places: PlaceFact[] = [];
      for (let p = 1; p <= 6; p++)
        for (const t of ["bae", "mae", "fbw"])
          for (const region of ["Kamenz", "Bautzen"]) {
            const n = r() < 0.3 ? 0 : r() < 0.4 ? 1 + Math.floor(r() * 3) : Math.floor(r() * 10);
            const p1 = r() < 0.3 ? 0.95 : 0.5;
            for (let i = 0; i < n; i++) places.push(place({ providerId: p, typeCode: t, region, integrated: r() < p1 }));
          }
      const exact = (t: string | null, region: string | null) => run({ places }, "integration", { typeCode: t, region, suppress: false });
      for (const t of [null, "bae", "mae", "fbw"])
        for (const region of [null, "Kamenz", "Bautzen"]) {
          const v = run({ places }, "integration", { typeCode: t, region, groupDisclosure: true });
          const x = exact(t, region);
          const published = [...v.rows.map((row) => row.cells.integration!), v.overall.integration!].filter((c) => c.suppressed === null && c.n > 0);
          for (const c of published) expect(c.k > 0 && c.k < c.n, `seed ${seed} ${t} ${region}: ${c.k} of ${c.n}`).toBe(true);
          // The view's column: its withheld providers together, worked out as the total minus the published ones.
          if (v.overall.integration!.suppressed !== null) continue;
          const hiddenIds = v.rows.filter((row) => row.cells.integration!.suppressed !== null).map((row) => row.providerId);
          if (hiddenIds.length === 0) continue;
          withheldLines++;
          const hx = x.rows.filter((row) => hiddenIds.includes(row.providerId)).map((row) => row.cells.integration!);
          const k = hx.reduce((a, c) => a + c.k, 0);
          const n = hx.reduce((a, c) => a + c.n, 0);
          expect(k > 0 && k < n, `seed ${seed} ${t} ${region}: withheld ${k} of ${n}`).toBe(true);
          // A withheld provider subtracting its own figure: the others withheld are still two or more, together neither 0 % nor 100 %.
          hx.forEach((own, i) => {
            if (own.n === 0) return;
            const rest = hx.filter((_, j) => j !== i && hx[j].n > 0);
            const rk = k - own.k;
            const rn = n - own.n;
            expect(rest.length >= 2 && rk > 0 && rk < rn, `seed ${seed} ${t} ${region}: provider ${hiddenIds[i]} gets ${rk} of ${rn} over ${rest.length}`).toBe(true);
          });
        }
    }
    expect(withheldLines).toBeGreaterThan(20);
  }, 120_000);
});

describe("risk adjustment", () => {
  // Provider A has harder clients (80 % aged 50+), provider B easier ones; within each group both
  // achieve the same rate (50+: 20 %, 25–49: 60 %). A's raw rate is lower, its ratio is 1.
  const group = (providerId: number, n: number, events: number, c: Covariates) => Array.from({ length: n }, (_, i) => place({ providerId, integrated: i < events, covariates: c }));
  const hard = cov({ ageGroup: "50plus" });
  const easy = cov();
  const places = [...group(1, 80, 16, hard), ...group(1, 20, 12, easy), ...group(2, 20, 4, hard), ...group(2, 80, 48, easy)];

  it("the regression gives A a lower raw rate but a ratio of 1", () => {
    const r = run({ places }, "integration", { adjust: "adjusted" });
    expect(r.adjustment).toBe("regression");
    const a = r.rows.find((x) => x.providerId === 1)!;
    const b = r.rows.find((x) => x.providerId === 2)!;
    expect(a.cells.integration!.rate).toBeCloseTo(0.28, 10);
    expect(b.cells.integration!.rate).toBeCloseTo(0.52, 10);
    // Firth's correction: with one binary variable the fitted rate of a group of n with k events
    // is (k + ½) ÷ (n + 1), so the ratio is 1 up to that half case: 50+ 20.5/101, 25–49 60.5/101.
    const expectedA = (80 * 20.5 + 20 * 60.5) / 101;
    const expectedB = (20 * 20.5 + 80 * 60.5) / 101;
    expect(a.expected!).toBeCloseTo(expectedA, 6);
    expect(b.expected!).toBeCloseTo(expectedB, 6);
    expect(a.ratio!).toBeCloseTo(28 / expectedA, 6);
    expect(b.ratio!).toBeCloseTo(52 / expectedB, 6);
    expect(Math.abs(a.ratio! - 1)).toBeLessThan(0.01);
    expect(a.ratioLow!).toBeLessThan(1);
    expect(a.ratioHigh!).toBeGreaterThan(1);
    expect(r.model!.variables.map((v) => v.label)).toEqual(["Alter 50 Jahre und älter"]);
    // odds ratio of 0.2 against 0.6 (0.25 ÷ 1.5), with Firth's ½ added to each cell of the 2 × 2 table
    expect(r.model!.variables[0].oddsRatio).toBeCloseTo((20.5 / 80.5) / (60.5 / 40.5), 6);
    expect(r.model!.reason).toMatch(/Firth/);
    expect(r.model!.auc!).toBeGreaterThan(0.5);
    expect(r.funnel!.kind).toBe("ratio");
    expect(r.funnel!.points.every((p) => p.position === "within")).toBe(true);
  });
  it("the raw funnel plot puts A below and B above the overall rate", () => {
    const r = run({ places }, "integration");
    expect(r.funnel!.kind).toBe("rate");
    expect(r.funnel!.centre).toBeCloseTo(0.4, 10);
    const pos = Object.fromEntries(r.funnel!.points.map((p) => [p.providerId, p.position]));
    expect(pos[1]).toMatch(/^below/);
    expect(pos[2]).toMatch(/^above/);
    expect(r.funnel!.outside.length).toBe(2);
    // The curves run from the smallest n shown (100) to a tenth beyond the largest, at whole n.
    expect(r.funnel!.curve[0].x).toBe(100);
    expect(r.funnel!.curve[r.funnel!.curve.length - 1].x).toBe(110);
    expect(r.funnel!.curve.every((c) => Number.isInteger(c.x))).toBe(true);
  });
  it("estimates a model when a group has no event at all (separation), where plain maximum likelihood gives up", () => {
    // 2,000 cases, 200 events; the 30 clients unemployed 12–23 months and the 20 in the reference
    // group under 12 months all without an event (the brokers' demo data had such groups).
    const mixed = [
      ...group(1, 600, 60, cov({ unemployment: "24plus" })),
      ...group(2, 600, 70, cov({ unemployment: "24plus", ageGroup: "50plus" })),
      ...group(1, 375, 40, cov({ unemployment: "unknown" })),
      ...group(2, 375, 30, cov({ unemployment: "unknown", ageGroup: "50plus" })),
      ...group(1, 30, 0, cov({ unemployment: "12to23" })),
      ...group(2, 20, 0, cov({ unemployment: "lt12" })),
    ];
    const r = run({ places: mixed }, "integration", { adjust: "adjusted" });
    expect(r.adjustment).toBe("regression");
    const v = Object.fromEntries(r.model!.variables.map((x) => [x.label, x]));
    // finite, strongly negative relative to the others, with a wide standard error
    expect(v["arbeitslos 12 bis 23 Monate"].coef).toBeLessThan(v["arbeitslos 24 Monate und länger"].coef - 0.5);
    expect(v["arbeitslos 12 bis 23 Monate"].se).toBeGreaterThan(1);
    expect(Number.isFinite(r.model!.intercept!)).toBe(true);
    // expected events over all cases equal the observed ones up to Firth's small shift
    const expected = r.rows.reduce((a, x) => a + x.expected!, 0);
    expect(Math.abs(expected - 200)).toBeLessThan(3);
    // The page names what is not in the model because it is the same for everyone.
    expect(r.model!.reason).toMatch(/Nicht im Modell, weil bei allen Fällen gleich: .*Sprachförderbedarf/);
    expect(r.model!.reason).not.toMatch(/unbekannt/);
  });
  it("falls back to strata when there are too few events per variable", () => {
    const small = [...group(1, 8, 2, hard), ...group(1, 2, 1, easy), ...group(2, 2, 0, hard), ...group(2, 8, 5, easy)];
    const r = run({ places: small }, "integration", { adjust: "adjusted" });
    expect(r.adjustment).toBe("strata");
    expect(r.model!.reason).toMatch(/Zu wenige Ereignisse/);
    const a = r.rows.find((x) => x.providerId === 1)!;
    // strata rates: 50+ 2/10, 25–49 6/10 → expected for A = 8·0.2 + 2·0.6 = 2.8
    expect(a.expected!).toBeCloseTo(2.8, 10);
    expect(a.ratio!).toBeCloseTo(3 / 2.8, 10);
  });
});

describe("censoring: only six-month windows that are over at the data date (issue 12, fix a)", () => {
  // Exit 16.04.2007: the six months end with 15.10.2007 (DOMAIN.md § 1.5), complete on 16.10.2007.
  const exit = "2007-04-16";
  const at = (asOf: string) => run({ places: [place({ exitDate: exit }), ...Array.from({ length: 5 }, () => place({ exitDate: "2007-01-10", integrated: true }))] }, "integration", { suppress: false, asOf });
  it("an exit counts in the integration rate from the day after its six months, not on their last day", () => {
    expect(at("2007-10-15").rows[0].cells.integration!.n).toBe(5);
    expect(at("2007-10-15").rows[0].cells.integration!.rate).toBe(1);
    expect(at("2007-10-16").rows[0].cells.integration!.n).toBe(6);
    expect(at("2007-10-16").rows[0].cells.integration!.k).toBe(5);
  });
  it("an ISO instant as the data date counts by its day", () => {
    expect(at("2007-10-16T08:00:00.000Z").rows[0].cells.integration!.n).toBe(6);
  });
  it("cost per integration is censored the same way", () => {
    const places = [place({ exitDate: exit, paidCents: 500000 }), place({ exitDate: "2007-01-10", integrated: true, paidCents: 100000 })];
    expect(run({ places }, "cost_per_integration", { suppress: false, asOf: "2007-10-15" }).rows[0].cells.cost_per_integration!.k).toBe(100000);
    expect(run({ places }, "cost_per_integration", { suppress: false, asOf: "2007-10-16" }).rows[0].cells.cost_per_integration!.k).toBe(600000);
  });
  it("sustainability counts an integration from the day after six months from its start", () => {
    const places = [place({ exitDate: "2007-03-31", integrated: true, integratedOn: "2007-05-02", sustained: false }), place({ exitDate: "2007-01-10", integrated: true, sustained: true })];
    expect(run({ places }, "sustainability", { suppress: false, asOf: "2007-11-01" }).rows[0].cells.sustainability!.n).toBe(1);
    expect(run({ places }, "sustainability", { suppress: false, asOf: "2007-11-02" }).rows[0].cells.sustainability!.n).toBe(2);
    // Without a start date the exit date stands in.
    const noStart = [place({ exitDate: "2007-03-31", integrated: true, sustained: true })];
    expect(run({ places: noStart }, "sustainability", { suppress: false, asOf: "2007-09-30" }).rows[0].cells.sustainability!.n).toBe(0);
    expect(run({ places: noStart }, "sustainability", { suppress: false, asOf: "2007-10-01" }).rows[0].cells.sustainability!.n).toBe(1);
  });
});

describe("linked suppression (issue 12, fix a)", () => {
  const k = (n: number, kk: number): Cell => ({ k: kk, n, rate: kk / n, low: 0, high: 1, method: "wilson", suppressed: null });
  it("a rate with 1 or 2 persons in the numerator is primary, 0 and 3 are not", () => {
    const out = suppressCells([k(15, 1), k(20, 2), k(20, 0), k(20, 3), k(30, 10)], k(105, 16), 3);
    // Hidden, but labelled "gesperrt" (secondary): their n of 15 and 20 is not below 3. The third (0 of 20) goes with
    // them: with two withheld, each provider would get the other's figure by subtracting its own.
    expect(out.cells.map((c) => c.suppressed)).toEqual(["secondary", "secondary", "secondary", null, null]);
    expect(out.cells[0].k).toBe(0);
    expect(out.cells[0].n).toBe(0);
  });
  it("the total is hidden when its numerator is small", () => {
    const out = suppressCells([k(15, 1), k(20, 0), k(20, 0)], k(55, 1), 3);
    expect(out.total.suppressed).toBe("secondary");
    expect(out.total.rate).toBeNull();
    // A person count of 1 or 2 itself is "< 3".
    expect(suppressCells([k(2, 1), k(20, 5), k(20, 6)], k(42, 12), 3).cells[0].suppressed).toBe("small");
  });

  // The reviewer's case: a broker with 1 placement of 15 assignments that did not last, 1.000 € paid.
  const brokers = [
    ...Array.from({ length: 15 }, (_, i) => broker({ providerId: 7, placedOn: i === 0 ? "2007-03-20" : null, paidCents: i === 0 ? 100000 : 0 })),
    ...Array.from({ length: 20 }, (_, i) => broker({ providerId: 8, placedOn: i < 8 ? "2007-04-01" : null, secondInstalment: i < 5, paidCents: i < 8 ? 150000 : 0 })),
    ...Array.from({ length: 25 }, (_, i) => broker({ providerId: 9, placedOn: i < 10 ? "2007-05-01" : null, secondInstalment: i < 6, paidCents: i < 10 ? 125000 : 0 })),
    ...Array.from({ length: 30 }, (_, i) => broker({ providerId: 10, placedOn: i < 12 ? "2007-04-15" : null, secondInstalment: i < 9, paidCents: i < 12 ? 200000 : 0 })),
  ];
  it("hides the broker's days, second-instalment share and cost per lasting placement with its placement cell", () => {
    const r = run({ brokers }, "placement");
    const row = r.rows.find((x) => x.providerId === 7)!;
    for (const m of ["placement", "days_to_placement", "second_instalment", "cost_per_lasting"] as const) {
      expect(row.cells[m]!.suppressed, m).not.toBeNull();
      expect(row.cells[m]!.k, m).toBe(0);
      expect(row.cells[m]!.n, m).toBe(0);
      expect(row.cells[m]!.rate, m).toBeNull();
    }
    // Secondary suppression in each column, so that the total does not give it away.
    for (const m of ["placement", "days_to_placement", "second_instalment", "cost_per_lasting"] as const) {
      const hidden = r.rows.filter((x) => x.cells[m]!.suppressed !== null).length;
      expect(hidden + (r.overall[m]!.suppressed !== null ? 1 : 0), m).toBeGreaterThanOrEqual(2);
    }
    // Nothing in the view model reveals the 1, the 1.000 € or whether it lasted.
    const json = JSON.stringify(row);
    expect(json).not.toMatch(/100000/);
    expect(json).not.toMatch(/"k":1[,}]/);
    const report = reportFromComparison(
      { measure: "cost_per_lasting", period: year2007, overall: r.overall, rows: r.rows.map((x) => ({ ...x, name: `Träger ${x.providerId}` })), funnel: null, model: null },
      { periodLabel: "2007", asOf: "2008-01-15", filters: [], minCell: 3 },
    );
    const text = csvRows(report).map((line) => line.join(";")).join("\n");
    const mine = text.split("\n").find((line) => line.includes("Träger 7"))!;
    expect(mine).not.toMatch(/1000|1\.000/);
    expect(mine).not.toMatch(/;1;/);
    for (const m of ["placement", "days_to_placement", "second_instalment"] as const) {
      const rep = reportFromComparison({ measure: m, period: year2007, overall: r.overall, rows: r.rows.map((x) => ({ ...x, name: `Träger ${x.providerId}` })), funnel: null, model: null }, { periodLabel: "2007", asOf: "2008-01-15", filters: [], minCell: 3 });
      const line = csvRows(rep).map((l) => l.join(";")).find((l) => l.includes("Träger 7"))!;
      expect(line, m).not.toMatch(/;1;|1000/);
    }
  });
  it("hides a place provider's sustainability and cost per integration with its integration cell", () => {
    const places = [
      ...Array.from({ length: 12 }, (_, i) => place({ providerId: 1, integrated: i < 2, sustained: i < 2 ? true : null, paidCents: 50000 })),
      ...Array.from({ length: 20 }, (_, i) => place({ providerId: 2, integrated: i < 8, sustained: i < 8 ? i < 5 : null, paidCents: 50000 })),
      ...Array.from({ length: 30 }, (_, i) => place({ providerId: 3, integrated: i < 12, sustained: i < 12 ? i < 9 : null, paidCents: 50000 })),
      ...Array.from({ length: 25 }, (_, i) => place({ providerId: 4, integrated: i < 10, sustained: i < 10 ? i < 6 : null, paidCents: 50000 })),
    ];
    const r = run({ places }, "integration");
    const row = r.rows.find((x) => x.providerId === 1)!;
    expect(row.cells.integration!.suppressed).toBe("secondary"); // 2 of 12: hidden for its numerator
    expect(row.cells.sustainability!.suppressed).not.toBeNull(); // n = 2 anyway
    expect(row.cells.cost_per_integration!.suppressed).not.toBeNull(); // 600 € ÷ 2 would be shown otherwise
    expect(row.cells.cost_per_integration!.k).toBe(0);
    expect(r.rows.filter((x) => x.cells.cost_per_integration!.suppressed !== null).length).toBeGreaterThanOrEqual(2);
  });
  it("a cost cell with an amount paid but no integration is never shown with its amount", () => {
    const places = [
      ...Array.from({ length: 10 }, () => place({ providerId: 1, paidCents: 70000 })),
      ...Array.from({ length: 20 }, (_, i) => place({ providerId: 2, integrated: i < 8, paidCents: 50000 })),
      ...Array.from({ length: 30 }, (_, i) => place({ providerId: 3, integrated: i < 12, paidCents: 50000 })),
    ];
    const r = run({ places }, "cost_per_integration");
    const c = r.rows.find((x) => x.providerId === 1)!.cells.cost_per_integration!;
    expect(c.suppressed).toBe("secondary");
    expect(c.k).toBe(0);
    // Unsuppressed (the provider's own view): the export never carries the cents of an n = 0 cost cell.
    const own = run({ places }, "cost_per_integration", { suppress: false }).rows.find((x) => x.providerId === 1)!.cells.cost_per_integration!;
    expect([own.n, own.k]).toEqual([0, 700000]);
    const rep = reportFromComparison({ measure: "cost_per_integration", period: year2007, overall: {}, rows: [{ providerId: 1, name: "A", cells: { cost_per_integration: own }, expectedRate: null, ratio: null, ratioLow: null, ratioHigh: null, position: null }], funnel: null, model: null }, { periodLabel: "2007", asOf: "2008-01-15", filters: [], minCell: 3 });
    expect(rep.providers[0].k).toBeNull();
    expect(csvRows(rep)[1].join(";")).not.toMatch(/7000/);
    expect(ownItem("cost_per_integration", own, undefined, null, 3, POSITION_WORDS).k).toBeNull();
  });
});

describe("cost measures over all types", () => {
  it("a type without payments does not add its integrations to another type's costs (MAE 13 paid integrations, youth 7 unpaid)", () => {
    const places = [
      ...Array.from({ length: 20 }, (_, i) => place({ providerId: 1, typeCode: "mae", integrated: i < 13, paidCents: i < 20 ? 8128 : 0 })),
      ...Array.from({ length: 10 }, (_, i) => place({ providerId: 1, typeCode: "youth", integrated: i < 7, paidCents: 0 })),
    ];
    const all = run({ places }, "cost_per_integration", { suppress: false }).rows[0].cells.cost_per_integration!;
    const mae = run({ places }, "cost_per_integration", { suppress: false, typeCode: "mae" }).rows[0].cells.cost_per_integration!;
    expect([all.k, all.n]).toEqual([20 * 8128, 13]);
    expect(all.rate).toBe(mae.rate);
    const youth = run({ places }, "cost_per_integration", { suppress: false, typeCode: "youth" }).rows[0].cells.cost_per_integration!;
    expect(youth.noPayments).toBe(true);
  });
});

describe("cost measures without payments recorded (issue 12, fix a)", () => {
  it("a place provider without any payment is 'keine Zahlungen erfasst', and the overall cost uses only paying providers", () => {
    const places = [
      ...Array.from({ length: 10 }, (_, i) => place({ providerId: 1, integrated: i < 4, paidCents: 100000 })),
      ...Array.from({ length: 10 }, (_, i) => place({ providerId: 2, integrated: i < 5, paidCents: 0 })),
    ];
    const r = run({ places }, "cost_per_integration", { suppress: false });
    const none = r.rows.find((x) => x.providerId === 2)!.cells.cost_per_integration!;
    expect(none.noPayments).toBe(true);
    expect(none.rate).toBeNull();
    expect(none.k).toBe(0);
    expect(formatRateCell(none, "cost_per_integration")).toBe("keine Zahlungen erfasst");
    const total = r.overall.cost_per_integration!;
    expect([total.k, total.n, total.rate]).toEqual([1000000, 4, 250000]); // not 1.000.000 ÷ 9
    const rep = reportFromComparison({ measure: "cost_per_integration", period: year2007, overall: r.overall, rows: r.rows.map((x) => ({ ...x, name: `T${x.providerId}` })), funnel: null, model: null }, { periodLabel: "2007", asOf: "2008-01-15", filters: [], minCell: 3 });
    expect(csvRows(rep).find((l) => l[1] === "T2")!.join(";")).toMatch(/keine Zahlungen erfasst/);
    expect(figureCells(rep.providers.find((p) => p.label === "T2")!, "cents").rate).toBe("keine Zahlungen erfasst");
  });
  it("the same for brokers' cost per lasting placement", () => {
    const brokers = [
      ...Array.from({ length: 10 }, (_, i) => broker({ providerId: 7, placedOn: i < 6 ? "2007-04-01" : null, secondInstalment: i < 4, paidCents: i < 6 ? 100000 : 0 })),
      ...Array.from({ length: 10 }, (_, i) => broker({ providerId: 8, placedOn: i < 6 ? "2007-04-01" : null, secondInstalment: i < 5 })),
    ];
    const r = run({ brokers }, "cost_per_lasting", { suppress: false });
    expect(r.rows.find((x) => x.providerId === 8)!.cells.cost_per_lasting!.noPayments).toBe(true);
    expect(r.rows.find((x) => x.providerId === 7)!.cells.cost_per_lasting!.noPayments).toBeFalsy();
    expect(r.overall.cost_per_lasting!.rate).toBe(150000); // 6 × 1.000 € ÷ 4 lasting, not ÷ 9
  });
});

describe("funnel note counts (issue 12, fix a)", () => {
  it("counts only suppressed providers as not plotted, the ones without cases separately", () => {
    const places = [
      ...Array.from({ length: 2 }, () => place({ providerId: 1, integrated: true })),
      ...Array.from({ length: 20 }, (_, i) => place({ providerId: 2, integrated: i < 8 })),
      ...Array.from({ length: 10 }, (_, i) => place({ providerId: 3, integrated: i < 3 })),
      ...Array.from({ length: 30 }, (_, i) => place({ providerId: 4, integrated: i < 12 })),
      // Provider 5 has only an exam, no exit in the period: no case for the integration rate.
      place({ providerId: 5, exitDate: null, examDate: "2007-05-01" }),
    ];
    const r = run({ places }, "integration");
    expect(r.funnel!.notPlotted).toBe(3);
    expect(r.funnel!.noCases).toBe(1);
    expect(r.allSuppressed).toBe(false);
  });
  it("4 exits among 4 providers: every cell is withheld for small numbers — allSuppressed, not 'no data'", () => {
    const places = [1, 2, 3, 4].map((providerId) => place({ providerId, integrated: providerId === 1 }));
    const r = run({ places }, "integration");
    expect(r.rows.every((x) => x.cells.integration!.suppressed !== null)).toBe(true);
    expect(r.allSuppressed).toBe(true);
    expect(run({ places: [] }, "integration").allSuppressed).toBe(false);
  });
});

describe("suppression across the measure types (the all-types view minus the per-type views)", () => {
  // Integration per provider and type: [provider, type, exits, integrated].
  const table: [number, string, number, number][] = [
    // Provider 1: BaE 2 of 12 (primary: 2 integrations) – 9/78 over all types minus § 421i 3/16 and MAE 4/50 would give it away.
    [1, "bae", 12, 2],
    [1, "p421i", 16, 3],
    [1, "mae", 50, 4],
    [2, "bae", 30, 10],
    [2, "mae", 40, 8],
    [3, "bae", 25, 9],
    [3, "p421i", 20, 6],
    [4, "mae", 60, 12],
    [4, "p421i", 18, 5],
    [5, "bae", 2, 0], // a cell under 3
    [5, "mae", 33, 7],
  ];
  const places = table.flatMap(([providerId, typeCode, n, k]) => Array.from({ length: n }, (_, i) => place({ providerId, typeCode, integrated: i < k })));
  const views = [null, "bae", "p421i", "mae"] as const;
  const shown = new Map(views.map((t) => [t, run({ places }, "integration", { typeCode: t })]));
  const cellIn = (t: (typeof views)[number], providerId: number) => shown.get(t)!.rows.find((r) => r.providerId === providerId)?.cells.integration;
  const hidden = (t: (typeof views)[number], providerId: number) => cellIn(t, providerId)?.suppressed != null;

  it("every provider's row (its types and its all-types figure) has no withheld cell alone", () => {
    for (const id of [1, 2, 3, 4, 5]) {
      const cells = [...views.filter((t) => t !== null && cellIn(t, id)).map((t) => hidden(t, id)), hidden(null, id)];
      const count = cells.filter(Boolean).length;
      expect(count === 0 || count >= 2, `provider ${id}: ${count} of ${cells.length} withheld`).toBe(true);
    }
    // The example from the walk: BaE 2 of 12 is withheld, and so is at least one more of provider 1's figures.
    expect(hidden("bae", 1)).toBe(true);
    expect(hidden("p421i", 1) || hidden("mae", 1) || hidden(null, 1)).toBe(true);
  });

  it("every view's column (its providers and its total) has no withheld cell alone, and the type totals with the grand total neither", () => {
    for (const t of views) {
      const r = shown.get(t)!;
      const count = r.rows.filter((x) => x.cells.integration!.suppressed !== null).length + (r.overall.integration!.suppressed !== null ? 1 : 0);
      expect(count === 0 || count >= 2, `view ${t}: ${count} withheld`).toBe(true);
    }
    const totals = views.map((t) => shown.get(t)!.overall.integration!.suppressed !== null);
    const count = totals.filter(Boolean).length;
    expect(count === 0 || count >= 2).toBe(true);
  });

  it("the staff page's per-type view is unchanged where nothing could be worked out (a single type)", () => {
    const single = table.filter(([, t]) => t === "mae").flatMap(([providerId, typeCode, n, k]) => Array.from({ length: n }, (_, i) => place({ providerId, typeCode, integrated: i < k })));
    const r = run({ places: single }, "integration", { typeCode: "mae" });
    expect(r.rows.every((x) => x.cells.integration!.suppressed === null)).toBe(true);
  });
});

describe("no withheld cell of the provider × type table follows from a linear solve over the published ones", () => {
  const determined = denseFixed;

  /** The attacker's view: every published cell of the all-types view and of each type's view; the withheld ones are the unknowns. */
  function solvable(places: PlaceFact[]): string[] {
    const types = [...new Set(places.map((p) => p.typeCode))].sort();
    const providers = [...new Set(places.map((p) => p.providerId))].sort((a, b) => a - b);
    const views = new Map([null, ...types].map((t) => [t, run({ places }, "integration", { typeCode: t })]));
    // Entries: [row, column] with row = provider or "total", column = type or "all".
    const entries: { row: number | "total"; col: string; hidden: boolean }[] = [];
    for (const [t, r] of views) {
      for (const x of r.rows) entries.push({ row: x.providerId, col: t ?? "all", hidden: x.cells.integration!.suppressed !== null });
      entries.push({ row: "total", col: t ?? "all", hidden: r.overall.integration!.suppressed !== null });
    }
    const unknown = entries.filter((e) => e.hidden);
    const index = new Map(unknown.map((e, i) => [`${e.row}|${e.col}`, i]));
    const equations: number[][] = [];
    const equation = (terms: { row: number | "total"; col: string; sign: number }[]) => {
      const eq = Array(unknown.length).fill(0);
      for (const t of terms) {
        const i = index.get(`${t.row}|${t.col}`);
        if (i !== undefined) eq[i] += t.sign;
      }
      if (eq.some((v) => v !== 0)) equations.push(eq);
    };
    const has = (row: number | "total", col: string) => entries.some((e) => e.row === row && e.col === col);
    for (const row of [...providers, "total" as const]) equation([...types.filter((t) => has(row, t)).map((col) => ({ row, col, sign: 1 })), { row, col: "all", sign: -1 }]);
    for (const col of [...types, "all"]) equation([...providers.filter((p) => has(p, col)).map((row) => ({ row, col, sign: 1 })), { row: "total", col, sign: -1 }]);
    if (unknown.length === 0) return [];
    const fixed = determined(equations, unknown.length);
    return unknown.filter((_, i) => fixed[i]).map((e) => `${e.row}|${e.col}`);
  }

  const random = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);

  // Without the bridge rule (row and column rule only), seed 25 leaves two all-types figures solvable: provider 8
  // has FbW only (9, shown), so its withheld all-types figure is that FbW figure.
  it("60 random tables (8 providers × 4 types, many small cells): every withheld cell stays unknown", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = random(seed);
      const places: PlaceFact[] = [];
      for (let p = 1; p <= 8; p++)
        for (const t of ["bae", "mae", "p421i", "fbw"]) {
          const n = r() < 0.3 ? 0 : r() < 0.4 ? 1 + Math.floor(r() * 3) : Math.floor(r() * 12);
          for (let i = 0; i < n; i++) places.push(place({ providerId: p, typeCode: t, integrated: r() < 0.5 }));
        }
      expect(solvable(places), `seed ${seed}`).toEqual([]);
    }
  });

  /**
   * The attacker's view with regions: every published cell of every view (a type or all × a region or all); the
   * equations are each view's column, each provider's types adding up to its all-types figure (per region and
   * over all), and each provider's regions adding up to its all-regions figure (per type and over all).
   */
  function solvableAcross(facts: Partial<Facts>, measure: "integration" | "placement"): string[] {
    const places = facts.places ?? [];
    const types: (string | null)[] = measure === "placement" ? [] : [...new Set(places.map((p) => p.typeCode))].sort();
    const regions = [...new Set((measure === "placement" ? facts.brokers ?? [] : places).map((p) => p.region))].sort();
    const tcols = [null, ...types];
    const rcols = [null, ...regions];
    type Row = number | "total";
    const entries = new Map<string, boolean>();
    const key = (row: Row, t: string | null, r: string | null) => `${row}|${t ?? "all"}|${r ?? "all"}`;
    const rows = new Set<Row>(["total"]);
    for (const t of tcols)
      for (const r of rcols) {
        const v = run(facts, measure, { typeCode: t, region: r });
        for (const x of v.rows) {
          rows.add(x.providerId);
          entries.set(key(x.providerId, t, r), x.cells[measure]!.suppressed !== null);
        }
        entries.set(key("total", t, r), v.overall[measure]!.suppressed !== null);
      }
    const unknown = [...entries].filter(([, h]) => h).map(([k]) => k);
    const index = new Map(unknown.map((k, i) => [k, i]));
    const equations: number[][] = [];
    const equation = (terms: { k: string; sign: number }[]) => {
      const eq = Array(unknown.length).fill(0);
      for (const t of terms) if (index.has(t.k)) eq[index.get(t.k)!] += t.sign;
      if (eq.some((v) => v !== 0)) equations.push(eq);
    };
    const providers = [...rows].filter((x): x is number => x !== "total");
    for (const t of tcols) for (const r of rcols) equation([...providers.map((p) => ({ k: key(p, t, r), sign: 1 })), { k: key("total", t, r), sign: -1 }]);
    for (const row of rows) {
      if (types.length) for (const r of rcols) equation([...types.map((t) => ({ k: key(row, t, r), sign: 1 })), { k: key(row, null, r), sign: -1 }]);
      for (const t of tcols) equation([...regions.map((r) => ({ k: key(row, t, r), sign: 1 })), { k: key(row, t, null), sign: -1 }]);
    }
    if (unknown.length === 0) return [];
    const fixed = determined(equations, unknown.length);
    return unknown.filter((_, i) => fixed[i]);
  }

  it("30 random tables with regions (6 providers × 3 types × 3 regions): every withheld cell stays unknown", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = random(seed * 7919);
      const places: PlaceFact[] = [];
      for (let p = 1; p <= 6; p++)
        for (const t of ["bae", "mae", "fbw"])
          for (const region of ["Kamenz", "Bautzen", "Dresden"]) {
            const n = r() < 0.3 ? 0 : r() < 0.4 ? 1 + Math.floor(r() * 3) : Math.floor(r() * 10);
            for (let i = 0; i < n; i++) places.push(place({ providerId: p, typeCode: t, region, integrated: r() < 0.5 }));
          }
      expect(solvableAcross({ places }, "integration"), `seed ${seed}`).toEqual([]);
    }
  }, 120_000);

  it("30 random broker tables (8 brokers × 3 regions): no withheld placement figure follows from the all-regions view", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = random(seed * 104729);
      const brokers: BrokerFact[] = [];
      for (let p = 1; p <= 8; p++)
        for (const region of ["Kamenz", "Bautzen", "Dresden"]) {
          const n = r() < 0.3 ? 0 : r() < 0.4 ? 1 + Math.floor(r() * 3) : Math.floor(r() * 12);
          for (let i = 0; i < n; i++) brokers.push(broker({ providerId: p, region, placedOn: r() < 0.5 ? "2007-05-01" : null }));
        }
      expect(solvableAcross({ brokers }, "placement"), `seed ${seed}`).toEqual([]);
    }
  });

  it("a region without records has nothing withheld: not the all-regions total (the walk found the CSV's total 'gesperrt' where the page said 'no data')", () => {
    const places = [place({ providerId: 1, region: "Kamenz" }), place({ providerId: 1, region: "Kamenz" })];
    expect(run({ places }, "integration").overall.integration!.suppressed).not.toBeNull();
    const empty = run({ places }, "integration", { region: "Bautzen" });
    expect(empty.rows).toEqual([]);
    expect(empty.overall.integration!.suppressed).toBeNull();
    expect(empty.overall.integration!.n).toBe(0);
  });

  it("a withheld second-instalment cell withholds the cost per lasting placement too (its n is the second instalment's k)", () => {
    const brokers: BrokerFact[] = [];
    const add = (providerId: number, count: number, placed: number, second: number, cents: number) => {
      for (let i = 0; i < count; i++) brokers.push(broker({ providerId, placedOn: i < placed ? "2007-04-01" : null, secondInstalment: i < second, paidCents: i < second ? cents : 0 }));
    };
    // Provider 1: placement 10 of 20 (published), second instalment 9 of 10 (withheld: the one without it),
    // cost over 9 lasting placements: published, its n = 9 would give "9 of 10" back.
    add(1, 20, 10, 9, 100_000);
    add(2, 20, 10, 5, 50_000);
    add(3, 20, 10, 6, 50_000);
    const cell = (m: "placement" | "second_instalment" | "cost_per_lasting") => run({ brokers }, m).rows.find((r) => r.providerId === 1)!.cells[m]!;
    expect(cell("placement").suppressed).toBeNull();
    expect(cell("second_instalment").suppressed).not.toBeNull();
    expect(cell("cost_per_lasting").suppressed).not.toBeNull();
    expect(cell("cost_per_lasting").n).toBe(0);
  });

  it("the region filter's choices: one spelling per region, none for records without a region, the chosen one always", () => {
    const facts = { places: [place({ region: "Kamenz" }), place({ region: "kamenz " }), place({ region: " " }), place({ region: "Bautzen" })], brokers: [broker({ region: "Stadt Dresden" })] };
    expect(regionsOf(facts)).toEqual(["Bautzen", "Kamenz", "Stadt Dresden"]);
    expect(regionsOf(facts, "Görlitz")).toEqual(["Bautzen", "Görlitz", "Kamenz", "Stadt Dresden"]);
    expect(regionsOf(facts, "KAMENZ")).toEqual(["Bautzen", "KAMENZ", "Stadt Dresden"]);
  });

  it("a region written differently (\"Kamenz \" and \"kamenz\") is one region, so a single region's view withholds what all regions withhold", () => {
    const places = [
      ...Array.from({ length: 2 }, () => place({ providerId: 1, region: "Kamenz " })),
      ...Array.from({ length: 9 }, (_, i) => place({ providerId: 1, region: "kamenz", integrated: i < 4 })),
      ...Array.from({ length: 20 }, (_, i) => place({ providerId: 2, region: "Kamenz", integrated: i < 8 })),
    ];
    const all = run({ places }, "integration");
    const one = run({ places }, "integration", { region: "KAMENZ" });
    expect(one.rows.map((x) => x.cells.integration)).toEqual(all.rows.map((x) => x.cells.integration));
  });

});

describe("perturbed counts in rolling periods (cell-key random rounding)", () => {
  it("rounds a count to a multiple of 3 by its key: up with probability r/3, multiples (and 0) unchanged", () => {
    expect(randomRound(0, 0.01, 3)).toBe(0);
    expect(randomRound(9, 0.01, 3)).toBe(9);
    // 10 = 9 + 1: up below the key 1/3, down from it on.
    expect(randomRound(10, 0.3333, 3)).toBe(12);
    expect(randomRound(10, 1 / 3, 3)).toBe(9);
    // 11 = 9 + 2: up below 2/3.
    expect(randomRound(11, 0.6666, 3)).toBe(12);
    expect(randomRound(11, 2 / 3, 3)).toBe(9);
  });

  it("is unbiased: over evenly spread keys the mean of the rounded counts is the count", () => {
    for (const c of [1, 2, 4, 5, 13, 14]) {
      const keys = Array.from({ length: 3000 }, (_, i) => (i + 0.5) / 3000);
      const mean = keys.reduce((a, k) => a + randomRound(c, k, 3), 0) / keys.length;
      expect(mean).toBeCloseTo(c, 6);
    }
  });

  it("a cell key is fixed for the same records in any order and changes with one record more", () => {
    const keys = [1, 2, 3, 4].map((id) => recordKey(id, 12345));
    expect(cellKey(keys)).toBe(cellKey([...keys].reverse()));
    expect(cellKey([...keys, recordKey(5, 12345)])).not.toBe(cellKey(keys));
    // Another installation (salt), other keys.
    expect(recordKey(1, 12345)).not.toBe(recordKey(1, 54321));
    for (const k of keys) expect(k >= 0 && k < 1).toBe(true);
  });

  // Provider 1: two exits in 2025 (withheld in the calendar year 2025) and eight in 2026; 24 months to
  // 31.12.2026 minus the calendar year 2026 would give the withheld 2025 cell back if both were exact.
  const facts = (): Facts => {
    const places: PlaceFact[] = [];
    let id = 1;
    const add = (providerId: number, exitDate: string, integrated: boolean) => places.push(place({ id: id++, providerId, entryDate: `${exitDate.slice(0, 4)}-01-10`, exitDate, integrated }));
    add(1, "2025-05-10", true);
    add(1, "2025-06-10", false);
    for (let i = 0; i < 8; i++) add(1, `2026-0${1 + (i % 6)}-1${i}`, i % 2 === 0);
    for (const p of [2, 3, 4]) for (let i = 0; i < 20; i++) add(p, `202${5 + (i % 2)}-0${1 + (i % 6)}-0${1 + (i % 9)}`, i % 3 === 0);
    return { places, brokers: [] };
  };
  const rolling = resolvePeriod("rolling24", { end: "2026-12-31" });
  const opts = { measure: "integration" as const, period: rolling, adjust: "raw" as const, minCell: 3, asOf: "2099-01-01" };

  it("every published count of a rolling period is a multiple of 3, n = events + non-events, rate and interval from them", () => {
    const r = compare(facts(), { ...opts, perturbSalt: 777 });
    const cells = [...r.rows.map((x) => x.cells.integration!), r.overall.integration!].filter((c) => c.suppressed === null);
    expect(cells.length).toBeGreaterThan(3);
    for (const c of cells) {
      expect(c.k % 3).toBe(0);
      expect((c.n - c.k) % 3).toBe(0);
      expect(c.rate).toBeCloseTo(c.k / c.n, 12);
      const w = wilson(c.k, c.n);
      if (c.n >= 10) expect(c.low).toBeCloseTo(w.low, 12);
    }
  });

  it("without the salt (calendar years, past performance) the counts are exact", () => {
    const exact = compare(facts(), opts);
    const p1 = exact.rows.find((x) => x.providerId === 1)!.cells.integration!;
    expect([p1.k, p1.n]).toEqual([5, 10]);
  });

  it("the same records give the same figures on every call; another salt other figures somewhere", () => {
    const a = compare(facts(), { ...opts, perturbSalt: 777 });
    const b = compare(facts(), { ...opts, perturbSalt: 777 });
    expect(a.rows.map((x) => x.cells.integration)).toEqual(b.rows.map((x) => x.cells.integration));
    const salts = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => compare(facts(), { ...opts, perturbSalt: s }).rows.map((x) => `${x.cells.integration!.k}/${x.cells.integration!.n}`).join());
    expect(new Set(salts).size).toBeGreaterThan(1);
  });

  it("withheld cells stay withheld, and the centre line and expected counts follow the published total", () => {
    const many = facts();
    many.places.push(place({ id: 999, providerId: 5, exitDate: "2026-03-03", integrated: true }));
    const r = compare(many, { ...opts, perturbSalt: 777 });
    expect(r.rows.find((x) => x.providerId === 5)!.cells.integration!.suppressed).toBe("small");
    const total = r.overall.integration!;
    expect(r.funnel!.centre).toBeCloseTo(total.k / total.n, 12);
    const adjusted = compare(many, { ...opts, adjust: "adjusted", perturbSalt: 777 });
    expect(adjusted.model!.n).toBe(total.n);
    expect(adjusted.model!.events).toBe(total.k);
    // The model's description names the published counts, not the exact ones.
    // (Half the clients under 25: a regression with one variable.)
    const mixed = { places: many.places.map((p, i) => ({ ...p, covariates: cov({ ageGroup: i % 2 ? "u25" : "25to49" }) })), brokers: [] };
    const exact = compare(mixed, { ...opts, adjust: "adjusted" }).model!;
    const published = compare(mixed, { ...opts, adjust: "adjusted", perturbSalt: 777 });
    const t = published.overall.integration!;
    expect(exact.reason).toContain(`über alle ${exact.n} Fälle des Zeitraums (${exact.events} Ereignisse)`);
    expect(published.model!.reason).toContain(`(${t.n} Fälle, ${t.k} Ereignisse, beide zufällig auf Vielfache von 3 gerundet`);
    expect(published.model!.reason).not.toContain(`${exact.n} Fälle`);
    expect(published.model!.calibration.reduce((a, g) => a + g.expected, 0)).toBeCloseTo((exact.calibration.reduce((a, g) => a + g.expected, 0) * t.k) / exact.events, 6);
    // The Hosmer–Lemeshow test is that of the published table, not of the exact one.
    expect(published.model!.hosmerLemeshow!.statistic).toBeCloseTo(hosmerLemeshow(published.model!.calibration).hosmerLemeshow, 12);
    expect(published.model!.calibration.every((g) => g.n % 3 === 0 && g.observed % 3 === 0)).toBe(true);
    // Every provider shown: the expected counts add up to the published total (a multiple of 3), not to the exact 26.
    expect(compare(facts(), opts).overall.integration!.k).toBe(26);
    const shown = compare(facts(), { ...opts, adjust: "adjusted", perturbSalt: 777 });
    expect(shown.rows.every((x) => x.expected !== null)).toBe(true);
    expect(shown.overall.integration!.k % 3).toBe(0);
    expect(shown.rows.reduce((a, x) => a + x.expected!, 0)).toBeCloseTo(shown.overall.integration!.k, 6);
  });
});
