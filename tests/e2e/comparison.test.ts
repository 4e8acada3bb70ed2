import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM, screenshot } from "../setup/browser";
import { expectHeading, journey } from "../setup/journey";
import { startServer, type TestServer } from "../setup/server";
import { withServerDb } from "../setup/server-tools";

/**
 * The provider comparison in the browser (issue 12, point 9): procurement opens the comparison,
 * filters to BaE in 2007 (fixed history of the demo; the 24 months up to 31.12.2007: the calendar
 * year alone has so few BaE cases per provider that every cell is withheld, which the page says),
 * sees the funnel plot of the drop-out rate (SVG and the table behind it),
 * downloads the report for the advisory board as PDF; then the training provider opens its own
 * outcomes in the portal and sees no other provider's name, and the comparison's files are
 * refused to it.
 */

const PROCUREMENT = "vergabe@asz-kamenz.example"; // Thomas Richter, granted the comparison by the demo
const TRAINER = "traeger@bildungswerk-lausitz.example"; // Claudia Berger, Bildungswerk Lausitz (DEMO-T-0001)

let server: TestServer;
let browser: Browser;
let base = "";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vt-cmp-"));
const { as, signIn, closeAll } = journey({ browser: () => browser, base: () => base, screenshotPrefix: "cmp", contextOptions: { acceptDownloads: true } });
const squash = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

let ownName = "";
let otherNames: string[] = [];
let plotted: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error("Chromium fehlt: bitte `apt-get install -y chromium` ausführen.");
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] }),
  ]);
  base = server.baseUrl;
  // Every organisation of the demo: the trainer's own name and all the others'.
  const names = await withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { Provider, User } = await import("../../entities");
    const m = await em();
    const trainer = await m.getRepository(User).findOneByOrFail({ email: TRAINER });
    const all = await m.getRepository(Provider).find();
    return { own: all.find((p) => p.id === trainer.providerId)!.name, others: all.filter((p) => p.id !== trainer.providerId).map((p) => p.name) };
  });
  ownName = names.own;
  otherNames = names.others;
}, 300_000);

afterAll(async () => {
  await closeAll();
  await browser?.close();
  await server?.stop();
});

describe("comparison journey: procurement compares BaE 2007 and exports the Beirat report; a provider sees only its own figures", () => {
  it("1. procurement opens the comparison from the menu and filters to BaE, calendar year 2007", async () => {
    await as(PROCUREMENT, "1-filter", async (page) => {
      await signIn(page, PROCUREMENT);
      await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Trägervergleich" }).click();
      await expectHeading(page, "Trägervergleich");
      const filters = page.getByRole("search", { name: "Auswahl des Vergleichs" });
      await filters.getByLabel("Bereich").selectOption("places");
      await filters.getByLabel("Kennzahl").selectOption("dropout");
      await filters.getByLabel("Maßnahmeart").selectOption("bae");
      await filters.getByLabel("Zeitraum").selectOption("year");
      await filters.getByLabel("Jahr (Kalenderjahr)").selectOption("2007");
      await filters.getByRole("button", { name: "Anzeigen" }).click();
      await page.waitForURL((u) => u.searchParams.get("year") === "2007" && u.searchParams.get("type") === "bae");
      // The calendar year alone: a few cases per provider, every cell withheld – and said so.
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("zum Schutz der Sozialdaten gesperrt");
      // The figure of all providers together is withheld too: with Reha-BaE's total (one provider)
      // withheld, BaE's total is the next smallest of the type totals (suppression across types).
      const summary = page.getByRole("region", { name: "Überblick" });
      expect(squash(await summary.textContent())).toMatch(/Abbruchquote aller Träger\s*gesperrt/);
      expect(squash(await page.locator("main").textContent())).toContain("Auch der Wert aller Träger zusammen ist gesperrt.");
      // The 24 months up to the end of 2007.
      await filters.getByLabel("Zeitraum").selectOption("rolling24");
      await filters.getByLabel("Ende (12/24 Monate)").fill("31.12.2007");
      await filters.getByRole("button", { name: "Anzeigen" }).click();
      await page.waitForURL((u) => u.searchParams.get("period") === "rolling24" && u.searchParams.get("type") === "bae");
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("24 Monate vom 01.01.2006 bis 31.12.2007");
    });
  });

  it("2. sees the funnel plot: an SVG with the points, and the table behind it listing each plotted provider", async () => {
    await as(PROCUREMENT, "2-funnel", async (page) => {
      const svg = page.locator("svg.funnel-plot");
      await expect.poll(() => svg.count()).toBe(1);
      expect(await svg.locator("circle").count()).toBeGreaterThan(0);
      const rows = page.locator(".funnel-data tbody tr");
      expect(await rows.count()).toBeGreaterThan(0);
      plotted = await rows.evaluateAll((trs) => trs.map((tr) => (tr.querySelector("th, td")?.textContent ?? "").replace(/\s+/g, " ").trim()));
      expect(plotted.length).toBeGreaterThan(0);
      expect(plotted.every((name) => otherNames.includes(name) || name === ownName)).toBe(true);
      await screenshot(page, "cmp1-funnel");
    });
  });

  it("3. exports the report for the advisory board: a PDF with the title, the period and the plotted providers", async () => {
    await as(PROCUREMENT, "3-pdf", async (page) => {
      const downloading = page.waitForEvent("download");
      await page.getByRole("link", { name: "Bericht für den Beirat (PDF)" }).click();
      const download = await downloading;
      const file = path.join(tmp, "beirat.pdf");
      await download.saveAs(file);
      expect(download.suggestedFilename()).toBe("traegervergleich-beirat-dropout-2006-01-01-bis-2007-12-31.pdf");
      expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
      const text = squash(execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" }));
      expect(text).toContain("Trägervergleich: Abbruchquote");
      expect(text).toContain("24 Monate vom 01.01.2006 bis 31.12.2007");
      expect(text).toContain("BaE");
      for (const name of plotted) expect(text).toContain(name.split(" ")[0]);
      // The CSV with the same filters.
      const csv = await page.request.get(`${base}/comparison/export.csv${new URL(page.url()).search}`);
      expect(csv.status()).toBe(200);
      const body = await csv.text();
      expect(body.charCodeAt(0)).toBe(0xfeff);
      expect(body).toMatch(/Abbruchquote;Alle Träger \(gesamt\);;?01\.01\.2006;31\.12\.2007/);
      await screenshot(page, "cmp2-exported");
    });
  });

  it("4. the training provider opens its own outcomes: its own figures against all providers, no other provider's name", async () => {
    await as(TRAINER, "4-own", async (page) => {
      await signIn(page, TRAINER);
      await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Unsere Ergebnisse" }).click();
      await expectHeading(page, "Unsere Ergebnisse");
      const main = squash(await page.locator("main").textContent());
      expect(main).toContain(ownName);
      expect(main).toContain("Integrationsquote");
      expect(main).toContain("alle Träger");
      expect(await page.locator("table.own-outcomes tbody tr").count()).toBe(5);
      // The whole HTML, including the data handed to the browser.
      const html = await page.content();
      expect(otherNames.length).toBeGreaterThan(3);
      for (const name of otherNames) expect(html, name).not.toContain(name);
      await screenshot(page, "cmp3-own-outcomes");
      // BaE 2007 as a filter: still only the own organisation.
      await page.getByLabel("Maßnahmeart").selectOption("bae");
      await page.getByLabel("Zeitraum").selectOption("year");
      await page.getByLabel("Jahr (bei Kalenderjahr)").selectOption("2007");
      await page.getByRole("button", { name: "Anzeigen" }).click();
      await page.waitForURL((u) => u.searchParams.get("year") === "2007");
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("Kalenderjahr 2007");
      const filtered = await page.content();
      for (const name of otherNames) expect(filtered, name).not.toContain(name);
    });
  });

  it("5. the comparison and its files are refused to the provider", async () => {
    await as(TRAINER, "5-refused", async (page) => {
      for (const url of ["/comparison?type=bae&period=year&year=2007", "/comparison/export.csv?type=bae&period=year&year=2007", "/comparison/report.pdf?type=bae&period=year&year=2007"]) {
        const res = await page.request.get(`${base}${url}`, { maxRedirects: 0 });
        expect(res.status(), url).toBe(403);
        expect(await res.text()).not.toContain("Abbruchquote;");
      }
    });
  });
});
