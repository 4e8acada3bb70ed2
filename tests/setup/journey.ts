import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { screenshot } from "./browser";
import { DEMO_PASSWORD } from "./server";

/**
 * Helpers for a multi-person browser journey: one context (own cookies) per person for the
 * whole file, dialogs confirmed, a screenshot of that person's page when a step fails. The
 * browser and the base URL are read lazily (the server restarts between phases).
 */
export interface Actor {
  context: BrowserContext;
  page: Page;
}

export function journey(options: { browser: () => Browser; base: () => string; screenshotPrefix: string; contextOptions?: Parameters<Browser["newContext"]>[0] }) {
  const actors = new Map<string, Actor>();

  async function actor(email: string): Promise<Actor> {
    const known = actors.get(email);
    if (known) return known;
    const context = await options.browser().newContext({ viewport: { width: 1280, height: 900 }, locale: "de-DE", timezoneId: "Europe/Berlin", ...options.contextOptions });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    const page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
    const a = { context, page };
    actors.set(email, a);
    return a;
  }

  /** Run a step as a person; on failure keep a screenshot of that person's page. */
  async function as(email: string, name: string, body: (page: Page) => Promise<void>) {
    const { page } = await actor(email);
    try {
      await body(page);
    } catch (error) {
      await screenshot(page, `${options.screenshotPrefix}-${name}-failure`).catch(() => undefined);
      throw error;
    }
  }

  /** Sign in through the form and wait for the next page's navigation (the URL changes before it renders). */
  async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
    await page.goto(`${options.base()}/login`);
    if (new URL(page.url()).pathname !== "/login") return; // still signed in
    await page.getByLabel("E-Mail").fill(email);
    await page.getByLabel("Passwort").fill(password);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.waitForURL((u) => u.pathname !== "/login");
    await expect.poll(() => page.getByRole("navigation", { name: "Hauptnavigation" }).count()).toBe(1);
  }

  async function closeAll() {
    for (const a of actors.values()) await a.context.close().catch(() => undefined);
  }

  return { actor, as, signIn, closeAll };
}

export async function h1(page: Page): Promise<string> {
  return ((await page.getByRole("heading", { level: 1 }).textContent().catch(() => "")) ?? "").replace(/\s+/g, " ").trim();
}

export async function expectHeading(page: Page, text: string | RegExp) {
  if (typeof text === "string") await expect.poll(() => h1(page), { timeout: 10_000 }).toContain(text);
  else await expect.poll(() => h1(page), { timeout: 10_000 }).toMatch(text);
}

/** A status message (flash) with this text is shown. */
export async function expectStatus(page: Page, text: string) {
  await expect.poll(() => page.getByRole("status").filter({ hasText: text }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
}
