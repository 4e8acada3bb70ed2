import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** The system Chromium (Debian package), never a downloaded browser. */
export const CHROMIUM = "/usr/bin/chromium";

export async function launchBrowser(): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM)) throw new Error("Chromium fehlt: bitte `apt-get install -y chromium` ausführen.");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "vt-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context.on("close", () => fs.rmSync(profile, { recursive: true, force: true }));
  return context;
}

export async function login(page: Page, baseUrl: string, email: string, password = "Demo-Passwort-2026") {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("E-Mail").fill(email);
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.waitForLoadState("networkidle");
}

/** Save a screenshot under test-results/ (used on failure and for review). */
export async function screenshot(page: Page, name: string) {
  const dir = path.resolve(__dirname, "../../test-results");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
