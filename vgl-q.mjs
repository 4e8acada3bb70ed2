import { chromium } from "playwright-core";
const base = "http://localhost:3102";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.goto(`${base}/login`);
await page.getByLabel("E-Mail").fill("vergabe@asz-kamenz.example");
await page.getByLabel("Passwort").fill("Demo-Passwort-2026");
await page.getByRole("button", { name: "Anmelden" }).click();
await page.waitForURL((u) => !u.pathname.startsWith("/login"));
for (const q of process.argv.slice(2)) {
  await page.goto(`${base}/comparison?${q}`);
  const t = (await page.locator("main").textContent()).replace(/\s+/g, " ");
  console.log(q, "→", t.includes("keine Daten") ? "KEINE DATEN" : t.slice(300, 700));
}
await browser.close();
