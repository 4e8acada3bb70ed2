import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM, screenshot } from "../setup/browser";
import { DEMO_PASSWORD, startServer, type TestServer } from "../setup/server";

/**
 * Browser journeys through the foundation: provider master data, users and roles, the provider
 * portal with change requests and API tokens, the provider list with CSV export/import, a
 * keyboard/accessibility smoke test and session termination on deactivation.
 *
 * The journeys build on each other (journey 1 creates the provider and user the later ones use),
 * so they run in order against one server.
 */

const ADMIN = "admin@asz-kamenz.example"; // Petra Schulze
const PROCUREMENT = "vergabe@asz-kamenz.example"; // Thomas Richter

const PROVIDER_NAME = "Vermittlung Größenwahn & Söhne";
const PROVIDER_VAT = "DE999999990"; // DE + 9 digits, not used by the demo data (DE2…)
const USER_NAME = "Karla Größenwahn";
const USER_EMAIL = "k.groessenwahn@groessenwahn-soehne.example";
const USER_PASSWORD = "Größenwahn-Start-2026!"; // 12+ characters
const IBAN_ADMIN = "DE89370400440532013000";
const IBAN_ADMIN_FORMATTED = "DE89 3704 0044 0532 0130 00";
const IBAN_BAD_CHECK = "DE89370400440532013001"; // right length, wrong check digits
const IBAN_REQUESTED = "DE02120300000000202051";
const IBAN_REQUESTED_FORMATTED = "DE02 1203 0000 0000 2020 51";

let server: TestServer;
let base: string;
let browser: Browser;

// State handed from one journey to the next.
let providerId = 0;
let apiToken = "";

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error("Chromium fehlt: bitte `apt-get install -y chromium` ausführen.");
  // One system Chromium for the file (same settings as launchBrowser()), a fresh context per journey.
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }),
  ]);
  base = server.baseUrl;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser context (own cookies) for one journey; fails fast on missing elements. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: "de-DE" });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Run a journey body; on failure keep a screenshot of the page as it was. */
async function journey(name: string, body: (page: Page, context: BrowserContext) => Promise<void>) {
  const { context, page } = await freshPage();
  try {
    await body(page, context);
  } catch (error) {
    await screenshot(page, `${name}-failure`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

/**
 * Log in through the form and wait until the app has left /login. (The shared `login()` helper
 * only waits for "networkidle", which is already reached before the client-side submission
 * finishes, so the next step could run on the login page.)
 */
async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto(`${base}/login`);
  await page.getByLabel("E-Mail").fill(email);
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.waitForURL((u) => u.pathname !== "/login");
}

/** A status message (flash) with this text is shown; waits for the new page to render. */
async function expectStatus(page: Page, text: string) {
  await expect.poll(() => page.getByRole("status").filter({ hasText: text }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
}

/**
 * Remix updates the URL before React has rendered the new page, so after a client-side
 * navigation wait for the pager text to change before reading the list.
 */
async function clickAndWaitForPager(page: Page, click: () => Promise<void>) {
  const pager = page.getByRole("navigation", { name: "Seiten" });
  const before = await pager.textContent();
  await click();
  await expect.poll(() => pager.textContent(), { timeout: 10_000 }).not.toBe(before);
}

const mainNav = (page: Page) => page.getByRole("navigation", { name: "Hauptnavigation" });

async function navLabels(page: Page): Promise<string[]> {
  return (await mainNav(page).getByRole("link").allTextContents()).map((t) => t.trim());
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Abmelden" }).click();
  await page.waitForURL((u) => u.pathname === "/login");
}

/** The definition list value (<dd>) next to a term (<dt>) inside a section. */
function fact(scope: ReturnType<Page["locator"]>, term: string) {
  return scope.locator(`dt:text-is("${term}") + dd`);
}

/** Total from the pager ("1.234 Träger · Seite 1 von 50"). */
async function pagerTotal(page: Page): Promise<number> {
  const text = (await page.getByRole("navigation", { name: "Seiten" }).locator("span").first().textContent()) ?? "";
  const m = /^([\d.]+)\s/.exec(text.trim());
  if (!m) throw new Error(`Pager ohne Anzahl: ${text}`);
  return Number(m[1].replace(/\./g, ""));
}

async function columnTexts(page: Page, column: number): Promise<string[]> {
  return (await page.locator(`table.data tbody tr td:nth-child(${column})`).allTextContents()).map((t) => t.trim());
}

/** Name cells hold "<link>Name</link> · Rechtsform"; the link text is the name. */
async function rowNames(page: Page): Promise<string[]> {
  return (await page.locator("table.data tbody tr td:first-child a").allTextContents()).map((t) => t.trim());
}

describe.sequential("Grundfunktionen im Browser", () => {
  it("1. Administration: Träger anlegen (Fehler ohne Datenverlust), Bankverbindung, Benutzer für den Träger", async () => {
    await journey("j1-admin", async (page) => {
      await signIn(page, ADMIN);
      await expect.poll(() => navLabels(page)).toContain("Träger und Vermittler");

      await mainNav(page).getByRole("link", { name: "Träger und Vermittler" }).click();
      await page.waitForURL((u) => u.pathname === "/providers");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Träger und Vermittler");

      await page.getByRole("link", { name: "Träger anlegen" }).click();
      await page.waitForURL((u) => u.pathname === "/providers/new");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Träger anlegen");

      // First attempt with a bad postal code: the German field error appears, nothing typed is lost.
      await page.getByLabel(/^Art/).selectOption({ label: "Privater Arbeitsvermittler" });
      await page.getByLabel(/^Name/).fill(PROVIDER_NAME);
      await page.getByLabel("USt-IdNr.").fill(PROVIDER_VAT);
      await page.getByLabel("Straße und Hausnummer").fill("Am Lessingplatz 7");
      await page.getByLabel("PLZ", { exact: true }).fill("123");
      await page.getByLabel("Ort", { exact: true }).fill("Kamenz");
      await page.getByLabel("Region (Landkreis)").fill("Landkreis Kamenz");
      await page.getByLabel("Arbeitsvermittlung", { exact: true }).check();
      await page.getByRole("button", { name: "Träger anlegen" }).click();

      const plzError = page.locator("#f-postalCode-error");
      await expect.poll(() => plzError.textContent()).toBe("Die Postleitzahl hat fünf Ziffern.");
      expect(await page.getByLabel("PLZ", { exact: true }).getAttribute("aria-invalid")).toBe("true");
      expect(new URL(page.url()).pathname).toBe("/providers/new");
      expect(await page.getByLabel(/^Art/).inputValue()).toBe("broker");
      expect(await page.getByLabel(/^Name/).inputValue()).toBe(PROVIDER_NAME);
      expect(await page.getByLabel("USt-IdNr.").inputValue()).toBe(PROVIDER_VAT);
      expect(await page.getByLabel("Straße und Hausnummer").inputValue()).toBe("Am Lessingplatz 7");
      expect(await page.getByLabel("PLZ", { exact: true }).inputValue()).toBe("123");
      expect(await page.getByLabel("Ort", { exact: true }).inputValue()).toBe("Kamenz");
      expect(await page.getByLabel("Region (Landkreis)").inputValue()).toBe("Landkreis Kamenz");
      expect(await page.getByLabel("Arbeitsvermittlung", { exact: true }).isChecked()).toBe(true);
      await screenshot(page, "j1-provider-new-error");

      // Fix the postal code and submit again.
      await page.getByLabel("PLZ", { exact: true }).fill("01917");
      await page.getByRole("button", { name: "Träger anlegen" }).click();
      await page.waitForURL((u) => /^\/providers\/\d+$/.test(u.pathname));
      providerId = Number(new URL(page.url()).pathname.split("/").pop());
      expect(providerId).toBeGreaterThan(0);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain(PROVIDER_NAME);
      await expectStatus(page, `Träger „${PROVIDER_NAME}“ wurde angelegt.`);
      const master = page.locator("section", { has: page.getByRole("heading", { name: "Stammdaten" }) });
      expect(await fact(master, "USt-IdNr.").textContent()).toBe(PROVIDER_VAT);
      expect(await fact(master, "Anschrift").textContent()).toContain("01917 Kamenz");

      // Bank account: an IBAN with wrong check digits is refused with a German message naming the problem.
      const bank = page.locator("section", { has: page.getByRole("heading", { name: "Bankverbindung" }) });
      expect(await bank.textContent()).toContain("Keine Bankverbindung erfasst.");
      await bank.locator("summary", { hasText: "Bankverbindung ändern" }).click();
      await bank.getByLabel(/^IBAN/).fill(IBAN_BAD_CHECK);
      await bank.getByRole("button", { name: "Bankverbindung speichern" }).click();
      const ibanError = page.locator("#f-iban-error");
      await expect.poll(() => ibanError.textContent()).toContain("Prüfziffern");
      expect(await bank.getByLabel(/^IBAN/).inputValue()).toBe(IBAN_BAD_CHECK);

      await bank.getByLabel(/^IBAN/).fill(IBAN_ADMIN);
      await bank.getByRole("button", { name: "Bankverbindung speichern" }).click();
      await expect.poll(() => fact(bank, "IBAN").textContent().catch(() => null)).toBe(IBAN_ADMIN_FORMATTED);
      await expectStatus(page, "Bankverbindung gespeichert.");
      expect(await fact(bank, "Kontoinhaber").textContent()).toBe(PROVIDER_NAME);
      expect(await fact(bank, "Geändert von").textContent()).toContain("Petra Schulze");
      await screenshot(page, "j1-provider-detail");

      // A user for the new provider.
      await mainNav(page).getByRole("link", { name: "Benutzer" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/users");
      await page.getByRole("link", { name: "Benutzer anlegen" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/users/new");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Benutzer anlegen");
      await page.getByLabel(/^Name/).fill(USER_NAME);
      await page.getByLabel(/^E-Mail/).fill(USER_EMAIL);
      await page.getByLabel(/^Rolle/).selectOption({ label: "Träger / Vermittler" });
      // Choosers name legal form, city and number after the name (two providers may share a name).
      const orgOptions = (await page.getByLabel(/^Organisation/).locator("option").allTextContents()).map((t) => t.trim());
      const org = orgOptions.filter((t) => t.startsWith(`${PROVIDER_NAME} (`));
      expect(org, orgOptions.slice(0, 5).join(" | ")).toHaveLength(1);
      await page.getByLabel(/^Organisation/).selectOption({ label: org[0] });
      // The organisation's first user administers its API tokens.
      await page.getByLabel("Verwaltet die API-Zugänge der Organisation").check();
      await page.getByLabel(/^Anfangspasswort/).fill(USER_PASSWORD);
      await screenshot(page, "j1-user-new");
      await page.getByRole("button", { name: "Benutzer anlegen" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/users");
      await expectStatus(page, `Benutzer ${USER_EMAIL} wurde angelegt.`);
      const row = page.locator("table.data tbody tr", { hasText: USER_EMAIL });
      expect(await row.count()).toBe(1);
      expect(await row.locator("td").nth(2).textContent()).toBe("Träger / Vermittler");
      expect(await row.locator("td").nth(3).textContent()).toBe(PROVIDER_NAME);
      await screenshot(page, "j1-users");

      await signOut(page);
    });
  });

  it("1b. Eine Erfolgsmeldung erscheint nur einmal, nicht auf der nächsten Seite", async () => {
    // After "Kontaktperson hinzugefügt." the official moves on to "Benutzer"; the message about the
    // provider must not stay on the user pages (it belongs to the previous action).
    await journey("j1b-flash", async (page) => {
      await signIn(page, ADMIN);
      await page.goto(`${base}/providers/${providerId || 1}`);
      const contacts = page.locator("section", { has: page.getByRole("heading", { name: "Kontaktpersonen" }) });
      await contacts.locator("summary", { hasText: "Kontaktperson hinzufügen" }).click();
      await contacts.getByLabel(/^Name/).fill("Erika Mustermann");
      await contacts.getByLabel("Funktion").fill("Ansprechpartnerin Vermittlung");
      await contacts.getByRole("button", { name: "Kontaktperson speichern" }).click();
      await expectStatus(page, "Kontaktperson hinzugefügt.");
      expect(await contacts.locator("tbody").textContent()).toContain("Erika Mustermann");

      await mainNav(page).getByRole("link", { name: "Benutzer" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/users");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Benutzer");
      await screenshot(page, "j1b-next-page");
      expect(await page.getByRole("status").filter({ hasText: "Kontaktperson hinzugefügt." }).count(), "alte Erfolgsmeldung auf der Benutzerseite").toBe(0);
    });
  });

  it("2. Portal: eigene Organisation, keine fremden Seiten, Änderungsantrag, API-Schlüssel", async () => {
    expect(providerId, "Journey 1 hat den Träger nicht angelegt").toBeGreaterThan(0);
    await journey("j2-portal", async (page) => {
      await signIn(page, USER_EMAIL, USER_PASSWORD);
      expect(new URL(page.url()).pathname).toBe("/portal");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(PROVIDER_NAME);
      const nav = await navLabels(page);
      expect(nav).toContain("Meine Organisation");
      for (const hidden of ["Benutzer", "Protokoll", "Träger und Vermittler", "Änderungsanträge", "Einstellungen", "Postausgang"]) expect(nav).not.toContain(hidden);

      // Staff pages are closed, with the German 403 page.
      const list = await page.goto(`${base}/providers`);
      expect(list?.status()).toBe(403);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Keine Berechtigung");
      expect(await page.textContent("body")).toContain("Fehlercode 403");
      await screenshot(page, "j2-forbidden");
      const otherId = providerId === 1 ? 2 : 1;
      const other = await page.goto(`${base}/providers/${otherId}`);
      expect(other?.status()).toBe(403);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Keine Berechtigung");
      const own = await page.goto(`${base}/providers/${providerId}`);
      expect(own?.status()).toBe(403); // even the own record: staff view, the portal is /portal

      // Request a new bank account: confirmation, the shown account stays the old one.
      await page.goto(`${base}/portal`);
      const bank = page.locator("section", { has: page.getByRole("heading", { name: "Bankverbindung" }) });
      expect(await fact(bank, "IBAN").textContent()).toBe(IBAN_ADMIN_FORMATTED);
      await bank.locator("summary", { hasText: "Änderung beantragen" }).click();
      await bank.getByLabel(/^IBAN/).fill(IBAN_REQUESTED);
      await bank.getByRole("button", { name: "Änderung beantragen" }).click();
      await expectStatus(page, "Ihr Änderungsantrag wurde übermittelt. Die Angaben werden wirksam, sobald das Jobcenter sie bestätigt hat.");
      expect(await fact(bank, "IBAN").textContent()).toBe(IBAN_ADMIN_FORMATTED);
      expect(await page.textContent("main")).toContain("1 Änderungsantrag wartet auf Bestätigung durch das Jobcenter.");
      expect(await page.textContent("main")).not.toContain(IBAN_REQUESTED_FORMATTED);
      await screenshot(page, "j2-portal");

      // API token: shown once, works against /api/v1/provider and /api/v1/me.
      await mainNav(page).getByRole("link", { name: "API-Zugänge" }).click();
      await page.waitForURL((u) => u.pathname === "/portal/tokens");
      await page.getByLabel(/^Bezeichnung des Zugangs/).fill("Fachverfahren Vermittlung");
      await page.getByRole("button", { name: "Schlüssel erzeugen" }).click();
      const tokenBox = page.locator("#new-token");
      await tokenBox.waitFor();
      apiToken = ((await tokenBox.textContent()) ?? "").trim();
      expect(apiToken.length).toBeGreaterThan(20);
      await expect.poll(() => page.locator("table.data tbody tr", { hasText: "Fachverfahren Vermittlung" }).count()).toBe(1);
      await screenshot(page, "j2-tokens");

      const res = await fetch(`${base}/api/v1/provider`, { headers: { Authorization: `Bearer ${apiToken}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/json");
      const body = (await res.json()) as { id: number; name: string; vatId: string };
      expect(body.name).toBe(PROVIDER_NAME);
      expect(body.id).toBe(providerId);
      expect(body.vatId).toBe(PROVIDER_VAT);
      const me = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${apiToken}` } });
      expect(me.status).toBe(200);
      // The token belongs to the organisation, not to the person who created it.
      const meBody = (await me.json()) as { role: string; providerId: number };
      expect(meBody).toMatchObject({ role: "provider", providerId });
      const anonymous = await fetch(`${base}/api/v1/provider`);
      expect(anonymous.status).toBe(401);
    });
  });

  it("3. Vergabestelle: Navigation nach Rolle, 403 für Verwaltung, Änderungsantrag bestätigen", async () => {
    expect(providerId, "Journey 1 hat den Träger nicht angelegt").toBeGreaterThan(0);
    await journey("j3-procurement", async (page) => {
      await signIn(page, PROCUREMENT);
      await expect.poll(() => navLabels(page)).toContain("Träger und Vermittler");
      const nav = await navLabels(page);
      expect(nav).toContain("Änderungsanträge");
      for (const hidden of ["Benutzer", "Einstellungen", "Postausgang"]) expect(nav).not.toContain(hidden);

      for (const path of ["/admin/users", "/admin/settings"]) {
        const res = await page.goto(`${base}${path}`);
        expect(res?.status(), path).toBe(403);
        expect(await page.getByRole("heading", { level: 1 }).textContent(), path).toBe("Keine Berechtigung");
      }

      await page.goto(`${base}/`);
      await mainNav(page).getByRole("link", { name: "Änderungsanträge" }).click();
      await page.waitForURL((u) => u.pathname === "/providers/requests");
      const row = page.locator("table.data tbody tr", { hasText: PROVIDER_NAME });
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.textContent()).toContain(USER_NAME);
      expect(await row.textContent()).toMatch(/DE02\s?1203/);
      await screenshot(page, "j3-requests");
      await row.getByRole("button", { name: "Bestätigen" }).click();
      await expectStatus(page, "Änderung bestätigt und übernommen.");
      expect(await page.locator("table.data tbody tr", { hasText: PROVIDER_NAME }).count()).toBe(0);

      await page.goto(`${base}/providers/${providerId}`);
      const bank = page.locator("section", { has: page.getByRole("heading", { name: "Bankverbindung" }) });
      expect(await fact(bank, "IBAN").textContent()).toBe(IBAN_REQUESTED_FORMATTED);
      const changedBy = (await fact(bank, "Geändert von").textContent()) ?? "";
      expect(changedBy).toContain("Thomas Richter");
      expect(changedBy).toContain(`beantragt von ${USER_NAME}`);
      expect(await bank.textContent()).toContain(IBAN_ADMIN_FORMATTED); // kept as earlier account
      await screenshot(page, "j3-provider-after-approval");
    });
  });

  it("4. Trägerliste: Filter, Sortierung, Blättern, CSV-Export und -Import", async () => {
    await journey("j4-list", async (page) => {
      await signIn(page, PROCUREMENT);
      await page.goto(`${base}/providers`);

      // Filter: Bildungsträger whose certification expires soon.
      await page.getByLabel("Art", { exact: true }).selectOption({ label: "Bildungsträger" });
      await page.getByLabel("Trägerzulassung").selectOption({ label: "läuft bald ab" });
      await clickAndWaitForPager(page, () => page.getByRole("button", { name: "Filtern" }).click());
      expect(new URL(page.url()).searchParams.get("kind")).toBe("training");
      expect(new URL(page.url()).searchParams.get("cert")).toBe("expiring");
      const kinds = await columnTexts(page, 2);
      expect(kinds.length).toBeGreaterThan(0);
      expect(new Set(kinds)).toEqual(new Set(["Bildungsträger"]));
      const badges = (await page.locator("table.data tbody tr td:nth-child(5) .badge").allTextContents()).map((t) => t.trim());
      expect(badges.length).toBe(kinds.length);
      expect(new Set(badges)).toEqual(new Set(["läuft bald ab"]));
      await screenshot(page, "j4-filtered");

      // All Bildungsträger (several pages), sorted by name descending.
      await page.getByLabel("Trägerzulassung").selectOption({ label: "alle" });
      await clickAndWaitForPager(page, () => page.getByRole("button", { name: "Filtern" }).click());
      expect(new URL(page.url()).searchParams.get("cert")).toBe("");
      await page.locator("thead").getByRole("link", { name: /^Name/ }).click();
      await page.waitForURL((u) => u.searchParams.get("sort") === "name" && u.searchParams.get("dir") === "desc");
      await expect.poll(() => page.locator("thead th[aria-sort]").getAttribute("aria-sort")).toBe("descending");
      const page1 = await rowNames(page);
      expect(page1.length).toBe(25);
      expect(page1[0].localeCompare(page1[1], "de")).toBeGreaterThanOrEqual(0);
      expect(new Set(await columnTexts(page, 2))).toEqual(new Set(["Bildungsträger"]));
      const total = await pagerTotal(page);
      expect(total).toBeGreaterThan(25);

      await page.getByRole("navigation", { name: "Seiten" }).getByRole("link", { name: "Weiter »" }).click();
      await page.waitForURL((u) => u.searchParams.get("page") === "2");
      await expect.poll(() => page.getByRole("navigation", { name: "Seiten" }).textContent()).toContain("Seite 2 von");
      const page2 = await rowNames(page);
      expect(page2.length).toBeGreaterThan(0);
      expect(page2).not.toContain(page1[0]);
      expect(page1.at(-1)!.localeCompare(page2[0], "de")).toBeGreaterThanOrEqual(0);
      expect(new Set(await columnTexts(page, 2))).toEqual(new Set(["Bildungsträger"]));
      await screenshot(page, "j4-page2");

      // CSV export of the current list (all pages).
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Liste als CSV exportieren" }).click()]);
      expect(download.suggestedFilename()).toMatch(/^traeger-\d{4}-\d{2}-\d{2}\.csv$/);
      const csvPath = await download.path();
      const bytes = fs.readFileSync(csvPath);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString("utf8").slice(1);
      const lines = text.split("\r\n").filter(Boolean);
      const header = lines[0].split(";");
      expect(header).toContain("Name");
      expect(header).toContain("IBAN");
      expect(lines.length - 1).toBe(total);

      // Re-importing the export changes nothing.
      await page.getByRole("link", { name: "CSV importieren" }).click();
      await page.waitForURL((u) => u.pathname === "/providers/import");
      await page.getByLabel("CSV-Datei").setInputFiles({ name: "export.csv", mimeType: "text/csv", buffer: bytes });
      await page.getByRole("button", { name: "Prüfen und importieren" }).click();
      await page.waitForURL((u) => u.pathname === "/providers");
      const flash = (await page.getByRole("status").filter({ hasText: "Import abgeschlossen" }).textContent()) ?? "";
      expect(flash).toContain("0 neu angelegt");
      expect(flash).toContain("0 geändert");
      expect(flash).toContain(`${total} unverändert`);

      // A broken file: every problem listed by line and column, nothing imported.
      await page.goto(`${base}/providers?active=all`);
      const before = await pagerTotal(page);
      const col = (name: string) => header.indexOf(name);
      const row = (values: Record<string, string>) => header.map((h) => values[h] ?? "").join(";");
      const broken = [
        header.join(";"),
        row({ Art: "Privater Arbeitsvermittler", Name: "Importtest Gut GmbH", "USt-IdNr.": "DE999999981", PLZ: "01917", Ort: "Kamenz" }),
        row({ Art: "Privater Arbeitsvermittler", Name: "Importtest Falsche IBAN", "USt-IdNr.": "DE999999982", IBAN: IBAN_BAD_CHECK, Kontoinhaber: "Importtest Falsche IBAN" }),
        row({ Art: "Bildungsträger", Name: "", "USt-IdNr.": "DE999999983", Ort: "Bautzen" }),
      ].join("\r\n");
      expect(col("Name")).toBeGreaterThanOrEqual(0);
      await page.goto(`${base}/providers/import`);
      await page.getByLabel("CSV-Datei").setInputFiles({ name: "fehlerhaft.csv", mimeType: "text/csv", buffer: Buffer.from("\uFEFF" + broken + "\r\n", "utf8") });
      await page.getByRole("button", { name: "Prüfen und importieren" }).click();
      const issues = page.getByRole("table", { name: "Fehler im Import" });
      await issues.waitFor();
      const issueRows = await issues.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent?.trim() ?? "")));
      expect(issueRows.map(([line, column]) => [line, column])).toEqual([
        ["3", "IBAN"],
        ["4", "Name"],
      ]);
      expect(issueRows[0][2]).toContain("Prüfziffern");
      expect(await page.getByRole("alert").first().textContent()).toContain("Die Datei wurde nicht importiert");
      await screenshot(page, "j4-import-errors");
      await page.goto(`${base}/providers?active=all`);
      expect(await pagerTotal(page)).toBe(before);
      await page.goto(`${base}/providers?q=Importtest`);
      expect(await page.textContent("table.data tbody")).toContain("Keine Träger gefunden.");
    });
  });

  it("4b. Sortierung nach Name folgt dem deutschen Alphabet (Umlaute wie Grundbuchstaben)", async () => {
    // Officials look for "Jäger & Müller" between "Ja…" and "Jo…", and "Görlitz" before
    // "Großröhrsdorf" – not behind every name with an ASCII letter at that position.
    await journey("j4b-sort", async (page) => {
      await signIn(page, PROCUREMENT);
      await page.goto(`${base}/providers?active=all&sort=name&dir=asc`);
      const names: string[] = [];
      for (let guard = 0; guard < 50; guard++) {
        await page.locator("table.data tbody tr").first().waitFor();
        names.push(...(await rowNames(page)));
        const next = page.getByRole("navigation", { name: "Seiten" }).getByRole("link", { name: "Weiter »" });
        if ((await next.count()) === 0) break;
        await clickAndWaitForPager(page, () => next.click());
      }
      expect(names.length).toBe(await pagerTotal(page));
      const outOfOrder = names
        .slice(1)
        .map((name, i) => `${names[i]}  >  ${name}`)
        .filter((_, i) => names[i].localeCompare(names[i + 1], "de") > 0);
      expect(outOfOrder, "Paare in falscher Reihenfolge (deutsche Sortierung erwartet)").toEqual([]);
    });
  });

  it("5. Tastatur und Barrierefreiheit: Fokusstart, Beschriftungen, Tabellenköpfe", async () => {
    await journey("j5-a11y", async (page) => {
      await page.goto(`${base}/login`);
      await page.waitForLoadState("networkidle");
      const focused = () => page.evaluate(() => ({ id: document.activeElement?.id ?? "", cls: document.activeElement?.className ?? "", tag: document.activeElement?.tagName ?? "" }));
      const start = await focused();
      // Keyboard users start at the skip link or the E-Mail field. The login page focuses the
      // E-Mail field on load (autofocus); otherwise the first Tab must reach one of the two.
      if (start.id !== "email") {
        await page.keyboard.press("Tab");
        const first = await focused();
        expect(first.id === "email" || String(first.cls).includes("skip-link"), JSON.stringify(first)).toBe(true);
      }
      // The skip link exists, points at the main content, and the target takes focus.
      const skip = page.locator("a.skip-link");
      expect(await skip.getAttribute("href")).toBe("#main");
      expect(await skip.textContent()).toBe("Zum Inhalt springen");
      await skip.focus();
      await screenshot(page, "j5-skip-link");
      await page.keyboard.press("Enter");
      await expect.poll(() => focused().then((f) => f.id)).toBe("main");

      await signIn(page, ADMIN);
      await page.goto(`${base}/providers/new`);
      const controls = await page.locator("input:not([type=hidden]), select, textarea").evaluateAll((els) =>
        els.map((el) => ({ name: el.getAttribute("name") ?? el.id, labels: (el as HTMLInputElement).labels?.length ?? 0, text: Array.from((el as HTMLInputElement).labels ?? []).map((l) => l.textContent?.trim()).join(" | ") })),
      );
      expect(controls.length).toBeGreaterThan(10);
      expect(controls.filter((c) => c.labels === 0)).toEqual([]);
      expect(controls.filter((c) => !c.text)).toEqual([]);

      // Every data table has column headers.
      for (const path of ["/providers", `/providers/${providerId || 1}`, "/admin/users", "/providers/requests?status=all"]) {
        await page.goto(`${base}${path}`);
        const tables = await page.locator("table").evaluateAll((ts) => ts.map((t) => ({ th: t.querySelectorAll("thead th").length, thScoped: t.querySelectorAll("th[scope=col]").length, td: t.querySelectorAll("td").length })));
        expect(tables.length, path).toBeGreaterThan(0);
        for (const t of tables) {
          expect(t.th, path).toBeGreaterThan(0);
          expect(t.thScoped, path).toBe(t.th);
        }
      }
      // Pages say what they are.
      expect(await page.locator("html").getAttribute("lang")).toBe("de");
      expect(await page.title()).toBeTruthy();
    });
  });

  it("5b. Eine unbekannte Adresse zeigt die deutsche 404-Seite ohne englische Entwicklermeldung", async () => {
    await journey("j5b-404", async (page) => {
      await signIn(page, PROCUREMENT);
      const res = await page.goto(`${base}/traeger-gibt-es-nicht`);
      expect(res?.status()).toBe(404);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Nicht gefunden");
      await screenshot(page, "j5b-404");
      const text = (await page.textContent("main")) ?? "";
      expect(text, "englische Remix-Meldung auf der Fehlerseite").not.toMatch(/No route matches|Error:/);
    });
  });

  it("6. Deaktivierter Benutzer wird bei der nächsten Navigation abgemeldet", async () => {
    expect(providerId, "Journey 1 hat den Träger nicht angelegt").toBeGreaterThan(0);
    const provider = await freshPage();
    try {
      await signIn(provider.page, USER_EMAIL, USER_PASSWORD);
      expect(new URL(provider.page.url()).pathname).toBe("/portal");

      await journey("j6-admin", async (page) => {
        await signIn(page, ADMIN);
        await page.goto(`${base}/admin/users?q=${encodeURIComponent(USER_EMAIL)}`);
        await page.getByRole("link", { name: USER_NAME }).click();
        await page.waitForURL((u) => /^\/admin\/users\/\d+$/.test(u.pathname));
        page.once("dialog", (d) => void d.accept());
        await page.getByRole("button", { name: "Benutzer deaktivieren" }).click();
        await expectStatus(page, "Benutzer deaktiviert; seine Sitzungen wurden beendet.");
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain("deaktiviert");
        await screenshot(page, "j6-user-deactivated");
      });

      // The provider's open page: the next (client-side) navigation ends on the login page.
      await mainNav(provider.page).getByRole("link", { name: "API-Zugänge" }).click();
      await provider.page.waitForURL((u) => u.pathname === "/login");
      await expect.poll(() => provider.page.getByRole("heading", { level: 1 }).textContent()).toBe("Anmelden");
      await screenshot(provider.page, "j6-logged-out");
      // A full page load does not get back in either. The API token the person created belongs to
      // the organisation and keeps working (ADR 0014); it ends when it expires or is revoked.
      const again = await provider.page.goto(`${base}/portal`);
      expect(new URL(provider.page.url()).pathname).toBe("/login");
      expect(again?.status()).toBe(200);
      if (apiToken) {
        const res = await fetch(`${base}/api/v1/provider`, { headers: { Authorization: `Bearer ${apiToken}` } });
        expect(res.status).toBe(200);
      }
      // Logging in again is refused with the generic message.
      await provider.page.getByLabel("E-Mail").fill(USER_EMAIL);
      await provider.page.getByLabel("Passwort").fill(USER_PASSWORD);
      await provider.page.getByRole("button", { name: "Anmelden" }).click();
      await expect.poll(() => provider.page.locator("#login-error").textContent().catch(() => "")).toBe("E-Mail-Adresse oder Passwort ist nicht korrekt.");
    } catch (error) {
      await screenshot(provider.page, "j6-provider-failure").catch(() => undefined);
      throw error;
    } finally {
      await provider.context.close();
    }
  });
});
