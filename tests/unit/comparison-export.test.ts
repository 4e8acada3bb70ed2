import { describe, expect, it } from "vitest";
import { csvRows, csvValue, CSV_HEADER, figureCells, fileSlug, formatValue, outlierText, reportTemplateData, type ExportFigure, type ExportReport } from "~/domain/comparison-export";
import { distinctNames, ownItem, reportFromComparison } from "~/domain/comparison-report";
import { POSITION_WORDS } from "~/domain/comparison-export";

const figure = (over: Partial<ExportFigure>): ExportFigure => ({
  label: "Träger", k: 12, n: 30, rate: 0.4, low: 0.246, high: 0.577, expected: 0.35, ratio: 1.14, ratioLow: 0.59, ratioHigh: 2.0,
  limits: { low95: 0.2, high95: 0.55, low998: 0.12, high998: 0.65 }, position: "within", ratioPosition: null, suppression: "none", ...over,
});

const report = (providers: ExportFigure[]): ExportReport => ({
  measure: "integration", measureLabel: "Integrationsquote", definition: "…", unit: "rate", from: "2007-01-01", to: "2007-12-31", periodLabel: "Kalenderjahr 2007", asOf: "2008-01-15T09:30:00.000Z",
  filters: [{ label: "Maßnahmeart", value: "BaE" }], overall: figure({ label: "Alle Träger (gesamt)", k: 30, n: 70, limits: null, position: null }), providers, method: ["Schritt: Text"], minCell: 3,
});

describe("German numbers", () => {
  it("writes shares as percent with a decimal comma, money in euros, days", () => {
    expect(formatValue(0.8312, "rate")).toBe("83,1 %");
    expect(formatValue(123456789, "cents")).toBe("1.234.567,89 €");
    expect(formatValue(42, "days")).toBe("42 Tage");
    expect(formatValue(null, "rate")).toBe("–");
    expect(csvValue(0.8312, "rate")).toBe("83,1");
    expect(csvValue(123456789, "cents")).toBe("1234567,89");
    expect(csvValue(12.5, "days")).toBe("12,5");
  });
});

describe("suppressed figures print only their mark", () => {
  it("a small cell: 'gesperrt' in every numeric cell (the same mark as a secondary one: two marks would bound it), never the count, rate, interval or limits", () => {
    const cells = figureCells(figure({ suppression: "small", k: 1, n: 2, rate: 0.5 }), "rate");
    expect(new Set(Object.values(cells))).toEqual(new Set(["gesperrt"]));
  });

  it("a secondary cell: 'gesperrt' everywhere", () => {
    expect(new Set(Object.values(figureCells(figure({ suppression: "secondary" }), "rate")))).toEqual(new Set(["gesperrt"]));
  });

  it("the CSV row of a suppressed provider carries no digit of its figures; a shown one its numbers", () => {
    const rows = csvRows(report([figure({ label: "A" }), figure({ label: "B", suppression: "small", k: 1, n: 2, rate: 0.5, low: 0.0126, high: 0.987 })]));
    expect(rows[0]).toHaveLength(CSV_HEADER("rate").length);
    expect(rows[1].slice(7, 10)).toEqual([12, 30, "40,0"]);
    expect(rows[2].slice(7, 20)).toEqual(Array(13).fill("gesperrt"));
    // The note does not say which of the two reasons applies.
    const secondary = csvRows(report([figure({ label: "C", suppression: "secondary" })]))[1];
    expect(rows[2][rows[2].length - 1]).toBe(secondary[secondary.length - 1]);
    expect(rows[2].join(";")).not.toMatch(/50,0|1,3|98,7/);
  });

  it("a rolling period's CSV says on every shown row that its counts are rounded, a calendar year's does not; the method says why", () => {
    const rolling = { ...report([figure({ label: "A" })]), perturbed: true };
    for (const row of csvRows(rolling)) expect(String(row[row.length - 1])).toMatch(/zufällig auf Vielfache von 3 gerundet/);
    for (const row of csvRows(report([figure({ label: "A" })]))) expect(String(row[row.length - 1])).not.toMatch(/gerundet/);
    const c = { measure: "integration" as const, period: { from: "2006-01-01", to: "2007-12-31" }, overall: { integration: { k: 30, n: 70, rate: 30 / 70, low: 0.3, high: 0.5, method: "wilson" as const, suppressed: null } }, rows: [], funnel: null, model: null };
    const meta = { periodLabel: "24 Monate", asOf: "2008-01-15T09:30:00.000Z", filters: [], minCell: 3 };
    expect(reportFromComparison(c as never, { ...meta, perturbed: true }).method.join(" ")).toMatch(/Differenz zweier Zeiträume/);
    expect(reportFromComparison(c as never, meta).method.join(" ")).not.toMatch(/Differenz zweier Zeiträume/);
  });

  it("the report data name the outliers, never a suppressed one", () => {
    const r = report([figure({ label: "Hoch", position: "above998" }), figure({ label: "Versteckt", suppression: "small", position: "below998" }), figure({ label: "Mitte" })]);
    expect(outlierText(r)).toBe("Hoch (über der 99,8-%-Grenze (deutlich auffällig)).");
    const data = reportTemplateData(r, "01.02.2008, 10:00 Uhr", []);
    expect(data.providers[1]).toMatchObject({ label: "Versteckt", k: "gesperrt", n: "gesperrt", rate: "gesperrt", interval: "gesperrt" });
    expect(outlierText(report([figure({})]))).toBe("keiner der ausgewiesenen Träger.");
    // Counted as the page counts: with cases of this measure, shown or withheld; not one without any.
    expect(reportTemplateData(report([figure({}), figure({ suppression: "small", n: null }), figure({ k: 0, n: 0, rate: null })]), "01.02.2008, 10:00 Uhr", []).providerCount).toBe("2");
  });

  it("file names say measure and year", () => {
    expect(fileSlug({ measure: "cost_per_integration", from: "2007-01-01", to: "2007-12-31" })).toBe("cost-per-integration-2007");
    expect(fileSlug({ measure: "dropout", from: "2006-01-01", to: "2007-12-31" })).toBe("dropout-2006-01-01-bis-2007-12-31");
  });
});

describe("the provider's own item", () => {
  const cell = (k: number, n: number) => ({ k, n, rate: n ? k / n : null, low: 0.1, high: 0.9, method: "wilson" as const, suppressed: null });
  it("gives the overall rate only, the limits at the own n and the position in words", () => {
    const item = ownItem("integration", cell(20, 30), cell(44, 78), { expectedRate: 0.5, ratio: 1.2, ratioLow: 0.8, ratioHigh: 1.7 }, 3, POSITION_WORDS);
    expect(item).toMatchObject({ k: 20, n: 30, overall: 44 / 78, position: "within", positionLabel: "im Bereich des Erwartbaren", ratio: 1.2 });
    expect(Object.keys(item.limits!)).toEqual(["low95", "high95", "low998", "high998"]);
    expect(JSON.stringify(item)).not.toMatch(/\b78\b|\b44\b/);
  });
  it("an own n of 2 (the boundary: 3 is shown) prints '< 3' without numbers", () => {
    expect(ownItem("integration", cell(1, 2), cell(44, 78), null, 3, POSITION_WORDS)).toMatchObject({ suppressed: "small", suppressedLabel: "< 3", k: null, n: null, value: null, limits: null });
    expect(ownItem("integration", cell(1, 3), cell(44, 78), null, 3, POSITION_WORDS)).toMatchObject({ suppressed: "none", k: 1, n: 3 });
  });
  it("a hidden overall hides the comparison (no limits, no expected), not the own figure", () => {
    const hidden = { ...cell(0, 0), suppressed: "secondary" as const };
    const item = ownItem("integration", cell(20, 30), hidden, { expectedRate: 0.5, ratio: 1.2, ratioLow: 0.8, ratioHigh: 1.7 }, 3, POSITION_WORDS);
    expect(item).toMatchObject({ k: 20, n: 30, overall: null, limits: null, position: null, expected: null, ratio: null });
  });
});

describe("provider names are not unique", () => {
  it("appends the key to a name that occurs more than once, and only then", () => {
    const names = distinctNames([
      { id: 7, name: "Bildungswerk Bischofswerda", key: "DEMO-T-0007" },
      { id: 8, name: "Bildungswerk Bischofswerda", key: "DEMO-T-0008" },
      { id: 9, name: "bildungswerk bischofswerda ", key: "Nr. 9" },
      { id: 10, name: "Köhler Bildungszentrum", key: "DEMO-T-0010" },
    ]);
    expect(names.get(7)).toEqual({ name: "Bildungswerk Bischofswerda (DEMO-T-0007)", key: "DEMO-T-0007" });
    expect(names.get(8)!.name).toBe("Bildungswerk Bischofswerda (DEMO-T-0008)");
    expect(names.get(9)!.name).toBe("bildungswerk bischofswerda  (Nr. 9)");
    expect(names.get(10)).toEqual({ name: "Köhler Bildungszentrum", key: "DEMO-T-0010" });
  });

  it("gives the CSV a column 'Kennung' with the key of every provider (even a suppressed one), empty for the total", () => {
    const cell = (k: number, n: number, suppressed: null | "small" = null) => ({ k, n, rate: k / n, low: 0.1, high: 0.9, method: "wilson" as const, suppressed });
    const r = reportFromComparison(
      {
        measure: "integration",
        period: { from: "2007-01-01", to: "2007-12-31" },
        overall: { integration: cell(30, 62) },
        rows: [
          { providerId: 1, name: "A (DEMO-T-0001)", key: "DEMO-T-0001", cells: { integration: cell(20, 40) }, expectedRate: null, ratio: null, ratioLow: null, ratioHigh: null, position: null },
          { providerId: 2, name: "A (Nr. 2)", key: "Nr. 2", cells: { integration: cell(1, 2, "small") }, expectedRate: null, ratio: null, ratioLow: null, ratioHigh: null, position: null },
        ],
        funnel: null,
        model: null,
      },
      { periodLabel: "2007", asOf: "2008-01-15", filters: [], minCell: 3 },
    );
    const header = CSV_HEADER("rate");
    const col = header.indexOf("Kennung");
    expect(col).toBe(2);
    const rows = csvRows(r);
    expect(rows.map((row) => row[col])).toEqual(["", "DEMO-T-0001", "Nr. 2"]);
    expect(rows.map((row) => row[1])).toEqual(["Alle Träger (gesamt)", "A (DEMO-T-0001)", "A (Nr. 2)"]);
  });
});

describe("interval wording", () => {
  it("never says the true value lies in the interval with 95 % probability, nor that an outlier deviates by chance with 1 to 20", async () => {
    const { readFileSync } = await import("node:fs");
    const files = ["templates/comparison-report.md", "app/routes/comparison._index/method.tsx", "app/routes/portal.outcomes.tsx", "app/services/comparison-exports.server.ts"];
    for (const f of files) {
      const text = readFileSync(f, "utf8").replace(/\s+/g, " ");
      expect(text, f).not.toMatch(/Wahrscheinlichkeit liegt|mit 95 % Wahrscheinlichkeit|Wahrscheinlichkeit von 1 zu 20|1 zu 500/);
    }
    expect(readFileSync("templates/comparison-report.md", "utf8")).toContain("in etwa 1 von 20 Fällen zu erwarten (99,8 %: etwa 1 von 500)");
    expect(readFileSync("app/routes/comparison._index/method.tsx", "utf8")).toContain("Bei wiederholten Erhebungen enthielten 95 % solcher Intervalle den wahren Wert.");
  });
});

describe("model tables suppress small counts with secondary suppression", () => {
  it("hides an n below 3, the next smallest n, and events of hidden rows; a small event count is hidden with its complement", async () => {
    const { modelTableHidden } = await import("~/domain/comparison-report");
    // n: 2 is small → hidden, 10 (the smallest further) too; events of those rows hidden with them.
    expect(modelTableHidden([{ n: 2, events: 1 }, { n: 10, events: 5 }, { n: 40, events: 20 }, { n: 30, events: 12 }], 3)).toEqual([
      { n: true, events: true },
      { n: true, events: true },
      { n: false, events: false },
      { n: false, events: false },
    ]);
    // All n fine, one event count of 1: it and the next smallest event count are hidden.
    expect(modelTableHidden([{ n: 20, events: 1 }, { n: 25, events: 8 }, { n: 30, events: 15 }], 3)).toEqual([
      { n: false, events: true },
      { n: false, events: true },
      { n: false, events: false },
    ]);
    // Nothing small: nothing hidden (0 events is not a small count, and without the setting 0 % is shown).
    expect(modelTableHidden([{ n: 20, events: 0 }, { n: 25, events: 8 }], 3).every((h) => !h.n && !h.events)).toBe(true);
  });
  it("hides events whose complement is 1 or 2 (11 of 12), and with the setting 0 % and 100 %, the hidden rows together being neither", async () => {
    const { modelTableHidden } = await import("~/domain/comparison-report");
    // 11 of 12: one person without the event; hidden, with the next smallest event count (so the total gives neither away).
    expect(modelTableHidden([{ n: 12, events: 11 }, { n: 25, events: 8 }, { n: 30, events: 15 }], 3).map((h) => h.events)).toEqual([true, true, false]);
    // 0 of 5 (all five without the event): with the setting hidden, and the next (4 of 10) too, so the two are not 0 % together.
    const rows = [{ n: 5, events: 0 }, { n: 10, events: 4 }, { n: 30, events: 15 }, { n: 40, events: 22 }];
    expect(modelTableHidden(rows, 3, true).map((h) => h.events)).toEqual([true, true, false, false]);
    expect(modelTableHidden(rows, 3, false).map((h) => h.events)).toEqual([false, false, false, false]);
    // 0 of 5 and 0 of 6 hidden together would be 0 of 11: a row with the event goes too.
    expect(modelTableHidden([{ n: 5, events: 0 }, { n: 6, events: 0 }, { n: 30, events: 15 }, { n: 40, events: 22 }], 3, true).map((h) => h.events)).toEqual([true, true, true, false]);
  });
});
