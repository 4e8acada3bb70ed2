import fs from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ROLES, type Role } from "~/domain/permissions";
import { CHROMIUM, screenshot } from "../setup/browser";
import { browserPages, DUMMY_IDS, EMAILS, loadIds, PRINCIPALS, routeTable, type BrowserPage, type Ids, type Principal } from "../setup/route-table";
import { loginCookie, startServer, type TestServer } from "../setup/server";
import { routeManifest, type ManifestRoute } from "../setup/server-tools";

/**
 * Accessibility as BITV 2.0 asks of public bodies (EN 301 549, i.e. WCAG 2.1 level AA):
 *
 * 1. axe-core (npm) runs in the system Chromium on every page every role can open (the pages come
 *    from the shared route table, tests/setup/route-table.ts, which the authorization test keeps
 *    complete) and finds no serious or critical violation of the WCAG 2.0/2.1 A and AA rules.
 *    On the same pages: every control is in the tab order and shows a focus ring; one h1 and a
 *    page-specific title.
 * 2. Keyboard only: a representative form per role is completed with Tab, typing, arrow keys,
 *    Space and Enter; every control reached shows a visible focus indicator; the skip link is the
 *    first stop and moves focus to the main content.
 *
 * Requires a current build (`npx remix build`).
 */

const AXE_SOURCE = fs.readFileSync(createRequire(__filename).resolve("axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** The application's name: a page title that is only this does not say what the page shows. */
const GENERIC_TITLE = "Vergabe und Trägerverwaltung";

let server: TestServer;
let browser: Browser;
let manifest: ManifestRoute[];
let ids: Ids;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error("Chromium fehlt: bitte `apt-get install -y chromium` ausführen.");
  manifest = routeManifest();
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }),
  ]);
  for (const r of ROLES) cookies[r] = await loginCookie(server.baseUrl, EMAILS[r]);
  ids = await loadIds(server, cookies.procurement);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A browser context for a principal, signed in with the session cookie from an HTTP login. */
async function contextFor(who: Principal): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "de-DE", timezoneId: "Europe/Berlin" });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(20_000);
  if (who !== "anonymous") {
    const [name, value] = cookies[who].split(/=(.*)/s);
    await context.addCookies([{ name, value, url: server.baseUrl }]);
  }
  const page = await context.newPage();
  page.on("dialog", (d) => void d.accept());
  return { context, page };
}

interface Finding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * Run axe-core on the page as it is. The source is evaluated through the DevTools protocol
 * (page.evaluate), which the page's Content-Security-Policy (scripts only with the nonce)
 * does not govern, so the check runs under the real headers.
 */
async function axe(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } };
    const result = await w.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? "", help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(" ")) }));
  }, WCAG_TAGS);
}

/**
 * Keyboard basics on the whole page, beyond axe: no control is taken out of the tab order or
 * given a positive tabindex, and each one shows a focus ring (WCAG 2.4.7) when it gets focus
 * from the keyboard. One Tab puts the browser into keyboard mode; each control is then focused
 * in turn, which keeps :focus-visible as Tab would.
 */
async function focusProblems(page: Page): Promise<string[]> {
  await page.keyboard.press("Tab");
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : ""} „${(el.textContent ?? "").trim().slice(0, 40)}“`;
    const controls = document.querySelectorAll<HTMLElement>("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]");
    for (const el of Array.from(controls)) {
      if (el.id === "main") continue; // the skip link's target: focusable by script only, on purpose
      if ((el as HTMLButtonElement).disabled) continue;
      if (el.tabIndex < 0) problems.push(`${describe(el)} ist mit der Tastatur nicht erreichbar (tabindex ${el.tabIndex})`);
      if (el.tabIndex > 0) problems.push(`${describe(el)} hat tabindex ${el.tabIndex} und stört die Reihenfolge`);
      el.focus();
      if (document.activeElement !== el) continue; // not rendered (e.g. inside a closed <details>)
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || (style.boxShadow !== "none" && style.boxShadow !== "");
      if (!ring) problems.push(`${describe(el)} zeigt beim Fokus keinen sichtbaren Rahmen`);
    }
    return problems.slice(0, 10);
  });
}

describe("axe-core on every page of every role", () => {
  it("covers every page route of the manifest for at least one principal", () => {
    const pages = browserPages(routeTable(DUMMY_IDS), manifest);
    const uiRoutes = manifest.filter((r) => r.hasComponent && r.parentId !== undefined).map((r) => r.id);
    const visited = new Set(pages.map((p) => p.routeId));
    expect(uiRoutes.filter((id) => !visited.has(id)), "Seiten, die keine Rolle im Browser öffnet").toEqual([]);
    // Every role (and anonymous visitors) is checked.
    expect(new Set(pages.map((p) => p.who))).toEqual(new Set(PRINCIPALS));
  });

  it("the checks themselves report planted faults (a field without a label, text without contrast, no focus ring, out of the tab order)", async () => {
    const { context, page } = await contextFor("anonymous");
    try {
      await page.goto(`${server.baseUrl}/login`);
      expect((await axe(page)).filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
      await page.evaluate(() => {
        document.querySelector("label[for=email]")?.remove();
        const p = document.createElement("p");
        p.textContent = "Kaum lesbar";
        p.style.color = "#f4f4f4";
        document.querySelector("main")?.append(p);
      });
      const found = (await axe(page)).filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
      expect(found).toEqual(expect.arrayContaining(["label", "color-contrast"]));
      // …and the focus check a control without a ring and one taken out of the tab order.
      expect(await focusProblems(page)).toEqual([]);
      await page.evaluate(() => {
        const button = document.querySelector<HTMLElement>("main button[type=submit]")!;
        button.style.outline = "none";
        document.querySelector<HTMLElement>("#password")!.tabIndex = -1;
      });
      const problems = await focusProblems(page);
      expect(problems.some((p) => p.startsWith("button") && p.includes("keinen sichtbaren Rahmen")), problems.join("\n")).toBe(true);
      expect(problems.some((p) => p.startsWith("input#password") && p.includes("nicht erreichbar")), problems.join("\n")).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("finds no serious or critical WCAG 2.1 A/AA violation", async () => {
    const pages = browserPages(routeTable(ids), manifest);
    const failures: string[] = [];
    const minor = new Map<string, number>();
    let checked = 0;
    const byWho = new Map<Principal, BrowserPage[]>();
    for (const p of pages) byWho.set(p.who, [...(byWho.get(p.who) ?? []), p]);
    // Two principals at a time (2 cores): each with one context and one page it reuses.
    const queue = [...byWho.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [who, list] = next;
        const { context, page } = await contextFor(who);
        try {
          for (const p of list) {
            const res = await page.goto(server.baseUrl + p.url, { waitUntil: "load" });
            if (res?.status() !== p.status) {
              failures.push(`${p.url} als ${who}: Status ${res?.status()}, erwartet ${p.status}`);
              continue;
            }
            checked++;
            // WCAG 2.4.2 and 2.4.6: the page says what it is, in its title and in one main heading.
            const head = await page.evaluate(() => ({ title: document.title.trim(), h1: Array.from(document.querySelectorAll("h1")).map((h) => (h.textContent ?? "").trim()) }));
            if (head.h1.length !== 1 || !head.h1[0]) failures.push(`${p.url} als ${who}: ${head.h1.length} Hauptüberschriften (h1), erwartet genau eine`);
            if (!head.title || head.title === GENERIC_TITLE) failures.push(`${p.url} als ${who}: Seitentitel „${head.title}“ sagt nicht, was die Seite zeigt (h1: ${head.h1.join(" | ")})`);
            for (const problem of await focusProblems(page)) failures.push(`${p.url} als ${who}: ${problem}`);
            for (const v of await axe(page)) {
              if (v.impact === "serious" || v.impact === "critical") {
                failures.push(`${p.url} als ${who}: ${v.impact} ${v.id} (${v.help}) bei ${v.nodes.join(" ; ")}`);
                await screenshot(page, `a11y-${who}-${p.routeId.replace(/[^A-Za-z0-9]+/g, "_")}`).catch(() => undefined);
              } else minor.set(v.id, (minor.get(v.id) ?? 0) + 1);
            }
          }
        } finally {
          await context.close();
        }
      }
    };
    await Promise.all([worker(), worker()]);
    console.info(`axe: ${checked} Seitenaufrufe geprüft`, minor.size ? { "moderat/gering (nicht Teil der Prüfung)": Object.fromEntries(minor) } : "");
    expect(failures).toEqual([]);
    expect(checked).toBe(pages.length);
    expect(pages.length).toBeGreaterThan(40);
  }, 600_000);
});

// ---------------------------------------------------------------------------------------------
// Keyboard only

interface Focused {
  tag: string;
  id: string;
  name: string;
  type: string;
  text: string;
  /** Outline or box-shadow drawn around the element while it has focus. */
  indicator: boolean;
  /** The element lies inside the viewport (a skip link shown on focus, for instance). */
  visible: boolean;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", id: "", name: "", type: "", text: "", indicator: false, visible: false };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    const rect = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute("name") ?? "",
      type: el.getAttribute("type") ?? "",
      text: (el.textContent ?? "").trim().slice(0, 60),
      indicator: outline || shadow,
      visible: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0 && rect.left < window.innerWidth && rect.top < window.innerHeight,
    };
  });
}

/**
 * Press Tab until the focused element matches; fails when it is not reached within `max` presses
 * (not reachable by keyboard). Every element passed on the way must show a focus indicator.
 */
async function tabTo(page: Page, matches: (f: Focused) => boolean, what: string, max = 60): Promise<Focused> {
  const current = await focused(page);
  if (current.tag !== "body" && matches(current)) return current; // e.g. a field with autofocus
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    expect(f.indicator, `kein sichtbarer Fokus auf ${JSON.stringify(f)}`).toBe(true);
    if (matches(f)) return f;
  }
  throw new Error(`Mit der Tabulatortaste nicht erreicht: ${what}`);
}

const field = (name: string) => (f: Focused) => f.name === name && f.tag !== "button";
const button = (text: string) => (f: Focused) => (f.tag === "button" || (f.tag === "input" && f.type === "submit")) && f.text.includes(text);

/** Open a page as a keyboard user arrives there: focus at the start of the document (or where the page puts it). */
async function fromTop(page: Page, url: string) {
  await page.goto(server.baseUrl + url);
  await page.waitForLoadState("networkidle");
}

async function typeInto(page: Page, name: string, text: string) {
  await tabTo(page, field(name), `Feld ${name}`);
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(text);
}

async function keyboardJourney(who: Principal, name: string, body: (page: Page) => Promise<void>) {
  const { context, page } = await contextFor(who);
  try {
    await body(page);
  } catch (error) {
    await screenshot(page, `a11y-keyboard-${name}-failure`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

describe("keyboard only", () => {
  it("the skip link is the first stop, is shown when focused, and moves focus to the main content", async () => {
    await keyboardJourney("procurement", "skip-link", async (page) => {
      await fromTop(page, "/providers");
      await page.keyboard.press("Tab");
      const first = await focused(page);
      expect(first).toMatchObject({ tag: "a", text: "Zum Inhalt springen", indicator: true, visible: true });
      await page.keyboard.press("Enter");
      await expect.poll(async () => (await focused(page)).id).toBe("main");
      // The next Tab goes into the content, past the navigation.
      await page.keyboard.press("Tab");
      const next = await page.evaluate(() => Boolean(document.activeElement?.closest("main")));
      expect(next).toBe(true);
    });
  });

  it("anonymous: signs in with the keyboard", async () => {
    await keyboardJourney("anonymous", "login", async (page) => {
      await fromTop(page, "/login");
      await typeInto(page, "email", EMAILS.auditor);
      await typeInto(page, "password", "Demo-Passwort-2026");
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => u.pathname === "/");
      await expect.poll(() => page.getByRole("navigation", { name: "Hauptnavigation" }).count()).toBe(1);
    });
  });

  it("admin: creates a user with the keyboard", async () => {
    await keyboardJourney("admin", "admin-user", async (page) => {
      await fromTop(page, "/admin/users/new");
      await typeInto(page, "name", "Tastatur Test");
      await typeInto(page, "email", "tastatur.test@asz-kamenz.example");
      // The role select: arrow keys choose an option without opening the list.
      await tabTo(page, field("role"), "Rolle");
      await page.keyboard.press("Home"); // Administration
      await page.keyboard.press("ArrowDown"); // Vergabestelle
      await expect.poll(() => page.locator("select[name=role]").inputValue()).toBe("procurement");
      await typeInto(page, "password", "Tastatur-Passwort-2026!");
      await tabTo(page, button("anlegen"), "Schaltfläche „anlegen“");
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => /^\/admin\/users\/\d+$/.test(u.pathname) || u.pathname === "/admin/users");
      await expect.poll(() => page.getByRole("status").count()).toBeGreaterThan(0);
    });
  });

  it("procurement: creates a provider with the keyboard", async () => {
    await keyboardJourney("procurement", "provider", async (page) => {
      await fromTop(page, "/providers/new");
      await typeInto(page, "name", "Tastaturträger gGmbH");
      await typeInto(page, "street", "Tastenweg 1");
      await typeInto(page, "postalCode", "01917");
      await typeInto(page, "city", "Kamenz");
      await typeInto(page, "email", "kontakt@tastaturtraeger.example");
      await tabTo(page, button("anlegen"), "Schaltfläche „anlegen“");
      await page.keyboard.press("Space");
      await page.waitForURL((u) => /^\/providers\/\d+$/.test(u.pathname));
      await expect.poll(() => page.getByRole("status").count()).toBeGreaterThan(0);
    });
  });

  it("case manager: creates a client with the keyboard", async () => {
    await keyboardJourney("case_manager", "client", async (page) => {
      await fromTop(page, "/clients/new");
      await typeInto(page, "firstName", "Tilda");
      await typeInto(page, "lastName", "Tastmann");
      await typeInto(page, "city", "Kamenz");
      // A check box: Space ticks it.
      await tabTo(page, field("targetGroups"), "erste Zielgruppe");
      await page.keyboard.press("Space");
      await expect.poll(() => page.locator("input[name=targetGroups]:checked").count()).toBe(1);
      await tabTo(page, button("anlegen"), "Schaltfläche „anlegen“");
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => /^\/clients\/\d+$/.test(u.pathname));
      await expect.poll(() => page.getByRole("status").count()).toBeGreaterThan(0);
    });
  });

  it("finance: filters the payment items with the keyboard", async () => {
    await keyboardJourney("finance", "payments", async (page) => {
      await fromTop(page, "/payments");
      await tabTo(page, (f) => f.tag === "select" || (f.tag === "input" && f.name !== ""), "erstes Filterfeld");
      const filter = await focused(page);
      if (filter.tag === "select") await page.keyboard.press("ArrowDown");
      else await page.keyboard.type("DEMO");
      await tabTo(page, (f) => f.tag === "button", "Filter-Schaltfläche");
      await page.keyboard.press("Enter");
      await expect.poll(() => new URL(page.url()).search).toContain(`${filter.name}=`);
    });
  });

  it("auditor: filters the audit log with the keyboard", async () => {
    await keyboardJourney("auditor", "audit", async (page) => {
      await fromTop(page, "/audit");
      await tabTo(page, (f) => f.tag === "select" || (f.tag === "input" && f.name !== ""), "erstes Filterfeld");
      const filter = await focused(page);
      if (filter.tag === "select") await page.keyboard.press("ArrowDown");
      else await page.keyboard.type("provider");
      await tabTo(page, (f) => f.tag === "button", "Filter-Schaltfläche");
      await page.keyboard.press("Enter");
      await expect.poll(() => new URL(page.url()).search).toContain(`${filter.name}=`);
    });
  });

  it("provider: creates an API access with the keyboard", async () => {
    await keyboardJourney("provider", "token", async (page) => {
      await fromTop(page, "/portal/tokens");
      await typeInto(page, "name", "Tastaturzugang");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.locator(".token").count()).toBeGreaterThan(0);
    });
  });
});
