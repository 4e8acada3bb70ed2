import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { CHROMIUM, screenshot } from "../setup/browser";
import { expectHeading, expectStatus, h1, journey } from "../setup/journey";
import { phasedServer } from "../setup/phased-server";
import { addDays, addMonths, berlinDate, berlinLocalToUtc, formatDate } from "~/domain/time";

/**
 * The placement journey in the browser (issue: "case manager assigns, broker reports a placement
 * (one rejected with its message), staff accept, instalment 1 earned after 42 days (clock moved
 * with APP_TIME), handed to finance").
 *
 * The server runs outside production with APP_TIME, in three phases on one data directory and
 * one port (open browser pages keep working across the restarts):
 *   A  tomorrow (A) 09:00 (example dates below for A = 01.12.2026)
 *                        the case manager creates a client (with employment history) and assigns
 *                        it to Jobbrücke Kamenz (AVGS, § 45 SGB III) with consent; a second
 *                        assignment to another broker is refused. The broker reports a Minijob
 *                        (refused on receipt: not insured, § 45 Abs. 6 SGB III) and then a valid
 *                        placement (contract 01.12.2026, start 02.12.2026); the case manager accepts.
 *   B' 12.01.2027 10:00  day 42 of the job, the last day of the six weeks: the period is complete only
 *                        when that day is over (DOMAIN.md § 1.5), so the 1st instalment is still
 *                        pending and a proof (even one confirming up to day 42) is refused.
 *   B  13.01.2027 10:00  day 43: the daily job has made the 1st instalment due (from 13.01.2027);
 *                        the broker uploads the employer's confirmation (earned), the case manager
 *                        signs "sachlich richtig" (payable), finance sees it and exports the CSV.
 * Sessions live 10 hours on the application clock, so everyone signs in again after a jump.
 */

const CASE_MANAGER = "fallmanagement@asz-kamenz.example"; // Sabine Krause
const BROKER = "vermittler@jobbruecke-kamenz.example"; // Andreas Wolf, Jobbrücke Kamenz
const FINANCE = "kasse@asz-kamenz.example"; // Frank Neumann

const BROKER_ORG = "Jobbrücke Kamenz";

// Every date derives from today (a real browser's clock moves on; docs/decisions/0009): phase A is
// tomorrow, the job starts the day after, day 42 of the job is B', day 43 is B.
const A = addDays(berlinDate(new Date()), 1);
const J = addDays(A, 1); // job start
const BC = addDays(A, -11); // broker–client contract
const D42 = addDays(J, 41);
const D43 = addDays(J, 42);
const DEADLINE = addDays(addMonths(`${D42.slice(0, 7)}-01`, 7), -1); // end of the 6th month after day 42's month (§ 326 SGB III)
const de = formatDate;
const YEAR = A.slice(0, 4);
const PHASE_A = berlinLocalToUtc(`${A}T09:00`)!;
const PHASE_B1 = berlinLocalToUtc(`${D42}T10:00`)!;
const PHASE_B = berlinLocalToUtc(`${D43}T10:00`)!;

// A distinctive client (no demo client has these names).
const FIRST_NAME = "Henriette";
const LAST_NAME = "Zschornack-Wunderlich";
const FULL_NAME = `${FIRST_NAME} ${LAST_NAME}`;
const HEALTH_NOTE = "Rückenleiden, kein schweres Heben (intern)";
const PREVIOUS_EMPLOYER = "Lausitzer Glaswerk GmbH";

const MINIJOB_EMPLOYER = "Bäckerei Sonnenschein Kamenz";
const EMPLOYER = "Kamenzer Metallbau Richter GmbH";

let browser: Browser;
let base = "";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-placements-"));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vt-placements-files-"));
const server = phasedServer(dataDir);

// State handed from one step to the next.
let clientId = 0;
let clientRef = "";
let assignmentRef = "";
let rejectedRef = "";
let claimId = 0;
let claimRef = "";
const pdfs: Record<string, string> = {};

/** (Re)start the server on the same data directory and port with the application clock at `appTime`. */
async function startPhase(appTime: string) {
  await server.phase(appTime);
  base = server.baseUrl;
}

// ---------------------------------------------------------------- browser helpers

const { as, signIn, closeAll } = journey({ browser: () => browser, base: () => base, screenshotPrefix: "p", contextOptions: { acceptDownloads: true } });

const squash = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

async function bodyText(page: Page): Promise<string> {
  return squash(await page.locator("body").textContent());
}

const section = (page: Page, headingId: string) => page.locator("section", { has: page.locator(`h2#${headingId}`) });
const mainNav = (page: Page) => page.getByRole("navigation", { name: "Hauptnavigation" });

/** The text of every cell of the table rows containing `text`. */
async function rowText(scope: ReturnType<Page["locator"]>, text: string): Promise<string> {
  return squash(await scope.locator("tbody tr", { hasText: text }).first().textContent());
}

/** A small, real PDF (one page, Helvetica) made with pdf-lib. */
async function makePdf(name: string, lines: string[]): Promise<string> {
  const doc = await PDFDocument.create();
  doc.setTitle(name);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 72, y: 760 - i * 20, size: 12, font }));
  const file = path.join(tmp, name);
  fs.writeFileSync(file, await doc.save());
  return file;
}

/**
 * Broker, on "Zugewiesene Kunden": search for the client's reference, so the row is found however
 * many other valid assignments the demo broker has (the list is paged, ending soonest first).
 */
async function findOwnClient(page: Page) {
  await page.getByRole("search").getByLabel("Suche").fill(clientRef);
  await page.getByRole("search").getByRole("button", { name: "Filtern" }).click();
  await page.waitForURL((u) => u.pathname === "/portal/clients" && u.searchParams.get("q") === clientRef);
}

/** Broker: "Zugewiesene Kunden" → the client's row → "Vermittlung melden". */
async function openReportForm(page: Page) {
  await mainNav(page).getByRole("link", { name: "Zugewiesene Kunden" }).click();
  await page.waitForURL((u) => u.pathname === "/portal/clients");
  await expectHeading(page, "Zugewiesene Kunden");
  await findOwnClient(page);
  const row = page.locator("table.data tbody tr", { hasText: clientRef });
  await expect.poll(() => row.count()).toBe(1);
  await row.getByRole("link", { name: "Vermittlung melden" }).click();
  await page.waitForURL((u) => u.pathname === "/portal/placements/new");
  await expectHeading(page, "Vermittlung melden");
  // The assignment is preselected from the link.
  const selected = await page.getByLabel(/^Kunde und Zuweisung/).evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? "");
  expect(selected).toContain(clientRef);
  expect(selected).toContain(assignmentRef);
  expect(selected).toContain(FULL_NAME); // consent recorded: the name is shown
}

interface Job {
  employer: string;
  street: string;
  postalCode: string;
  city: string;
  contractDate: string;
  jobStart: string;
  hours: string;
  insured: boolean;
  occupation: string;
  brokerContractDate: string;
}

async function fillReport(page: Page, job: Job) {
  await page.getByLabel(/^Name des Arbeitgebers/).fill(job.employer);
  await page.getByLabel(/^Straße und Hausnummer/).fill(job.street);
  await page.getByLabel(/^PLZ/).fill(job.postalCode);
  await page.getByLabel(/^Ort/).fill(job.city);
  await page.getByLabel(/^Datum des Arbeitsvertrags/).fill(job.contractDate);
  await page.getByLabel(/^Beschäftigungsbeginn/).fill(job.jobStart);
  await page.getByLabel(/^Wöchentliche Arbeitszeit/).fill(job.hours);
  await page.getByLabel(/^Tätigkeit/).fill(job.occupation);
  await page.getByLabel("sozialversicherungspflichtig").setChecked(job.insured);
  await page.getByLabel(/^Datum des Vermittlungsvertrags/).fill(job.brokerContractDate);
  // The fee is prefilled with the assignment's amount (2.000 €, no target group).
  expect(await page.getByLabel(/^Vergütung in Euro/).inputValue()).toBe("2.000,00");
  await page.getByLabel(/^Arbeitsvertrag \(Kopie\)/).setInputFiles(pdfs.contract);
  await page.getByLabel(/^Bestätigung des Arbeitgebers/).setInputFiles(pdfs.confirmation);
  await page.getByLabel(/^Vermittlungsvertrag mit dem Kunden/).setInputFiles(pdfs.brokerContract);
}

/** Submit the report and wait for the claim page it redirects to. */
async function submitReport(page: Page): Promise<{ id: number; reference: string }> {
  await page.getByRole("button", { name: "Vermittlungsnachweis einreichen" }).click();
  await page.waitForURL((u) => /^\/portal\/placements\/\d+$/.test(u.pathname), { timeout: 15_000 });
  await expectHeading(page, new RegExp(`^Vermittlungsnachweis VN-${YEAR}-\\d{5}`));
  const reference = new RegExp(`^Vermittlungsnachweis (VN-${YEAR}-\\d{5})`).exec(await h1(page))?.[1] ?? "";
  return { id: Number(new URL(page.url()).pathname.split("/").pop()), reference };
}

/** Staff: open the claim page. */
async function openClaim(page: Page) {
  await page.goto(`${base}/placements/${claimId}`);
  await expectHeading(page, `Vermittlungsnachweis ${claimRef}`);
}

/** Broker: open the claim page in the portal. */
async function openPortalClaim(page: Page) {
  await page.goto(`${base}/portal/placements/${claimId}`);
  await expectHeading(page, `Vermittlungsnachweis ${claimRef}`);
}

/** The row of the 1st instalment in the "Raten" section. */
const firstInstalment = (page: Page) => section(page, "h-instalments").locator("tbody tr", { hasText: "1. Rate" });

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error("Chromium fehlt: bitte `apt-get install -y chromium` ausführen.");
  [, browser] = await Promise.all([
    startPhase(PHASE_A),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }),
  ]);
  pdfs.contract = await makePdf("Arbeitsvertrag.pdf", ["Arbeitsvertrag", `zwischen ${EMPLOYER} und ${FULL_NAME}`, `Beginn: ${de(J)}`]);
  pdfs.confirmation = await makePdf("Arbeitgeberbestaetigung.pdf", ["Bestaetigung des Arbeitgebers", `${FULL_NAME} wird eingestellt.`]);
  pdfs.brokerContract = await makePdf("Vermittlungsvertrag.pdf", ["Vermittlungsvertrag", `zwischen Jobbruecke Kamenz und ${FULL_NAME}`, `vom ${de(BC)}`]);
  pdfs.proof = await makePdf("Bestaetigung-6-Wochen.pdf", ["Bestaetigung des Arbeitgebers", `${FULL_NAME} ist seit dem ${de(J)}`, "ununterbrochen beschaeftigt."]);
});

afterAll(async () => {
  await closeAll();
  await browser?.close();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.sequential("Vermittlung im Browser: Zuweisung bis zahlbare Rate", () => {
  it("1. Fallmanagement legt einen Kunden mit Erwerbsbiografie an und weist ihn Jobbrücke Kamenz zu (mit Einwilligung)", async () => {
    await as(CASE_MANAGER, "1-client", async (page) => {
      await signIn(page, CASE_MANAGER);
      await mainNav(page).getByRole("link", { name: "Kunden" }).click();
      await page.waitForURL((u) => u.pathname === "/clients");
      await expectHeading(page, "Kunden");
      await page.getByRole("link", { name: "Neuer Kunde" }).click();
      await page.waitForURL((u) => u.pathname === "/clients/new");
      await expectHeading(page, "Neuer Kunde");
      await page.getByLabel(/^Vorname/).fill(FIRST_NAME);
      await page.getByLabel(/^Nachname/).fill(LAST_NAME);
      await page.getByLabel(/^Geburtsdatum/).fill("1979-05-14");
      await page.getByLabel(/^Straße und Hausnummer/).fill("Macherstraße 12");
      await page.getByLabel(/^PLZ/).fill("01917");
      await page.getByLabel(/^Ort/).fill("Kamenz");
      await page.getByLabel(/^Telefon/).fill("03578 123456");
      await page.getByLabel(/^Region/).fill("Kamenz");
      await page.getByLabel(/^Zielberuf/).fill("Metallbauer/in");
      await page.getByLabel(/^Qualifikation/).fill("Schlosserin (Facharbeiterabschluss), Schweißerprüfung");
      await page.getByLabel(/^Gesundheit/).fill(HEALTH_NOTE);
      await page.getByRole("button", { name: "Kunden anlegen" }).click();
      await page.waitForURL((u) => /^\/clients\/\d+$/.test(u.pathname));
      clientId = Number(new URL(page.url()).pathname.split("/").pop());
      await expectHeading(page, `${LAST_NAME}, ${FIRST_NAME}`);
      clientRef = /(K-\d{6})/.exec(await h1(page))?.[1] ?? "";
      expect(clientRef).toMatch(/^K-\d{6}$/);
      await expectStatus(page, `Kunde ${clientRef} wurde angelegt.`);

      // Employment history: an earlier insured job with another employer.
      const history = section(page, "h-history");
      expect(await history.textContent()).toContain("Keine Beschäftigungen erfasst.");
      await history.locator("summary", { hasText: "Beschäftigung hinzufügen" }).click();
      const spellForm = history.locator("form.form");
      await spellForm.getByLabel(/^Arbeitgeber/).fill(PREVIOUS_EMPLOYER);
      await spellForm.getByLabel(/^von/).fill("2019-03-01");
      await spellForm.getByLabel(/^bis/).fill("2024-06-30");
      expect(await spellForm.getByLabel("sozialversicherungspflichtig").isChecked()).toBe(true);
      await spellForm.getByRole("button", { name: "Beschäftigung speichern" }).click();
      await expectStatus(page, "Beschäftigung in die Erwerbsbiografie aufgenommen.");
      await expect.poll(() => rowText(history, PREVIOUS_EMPLOYER)).toContain("01.03.2019");
      const spell = await rowText(history, PREVIOUS_EMPLOYER);
      expect(spell).toContain("30.06.2024");
      expect(spell).toContain("Erwerbsbiografie");

      // Assignment to Jobbrücke Kamenz, valid from today, with consent.
      const assignments = section(page, "h-assignments");
      expect(await assignments.textContent()).toContain("Noch keine Zuweisung.");
      const assignForm = assignments.locator("form.form");
      const brokerSelect = assignForm.getByLabel(/^Vermittler \(mit aktiver Vereinbarung\)/);
      const options = (await brokerSelect.locator("option").allTextContents()).map((t) => t.trim());
      const jobbruecke = options.find((o) => o.startsWith(`${BROKER_ORG} `)) ?? "";
      expect(jobbruecke, options.slice(0, 5).join(" | ")).not.toBe("");
      await brokerSelect.selectOption({ label: jobbruecke });
      expect(await assignForm.getByLabel(/^Gültig ab/).inputValue()).toBe(`${A}`);
      await assignForm.getByLabel("Einwilligung zur Weitergabe von Name und Kontaktdaten liegt vor").check();
      await assignForm.getByRole("button", { name: "Zuweisen" }).click();
      const flash = page.getByRole("status").filter({ hasText: `erstellt (gültig ${de(A)} –` });
      await expect.poll(() => flash.count()).toBe(1);
      assignmentRef = new RegExp(`Zuweisung (VG-${YEAR}-\\d{6}) erstellt`).exec(squash(await flash.textContent()))?.[1] ?? "";
      expect(assignmentRef).toMatch(new RegExp(`^VG-${YEAR}-\\d{6}$`));
      const row = await rowText(assignments, assignmentRef);
      expect(row).toContain(BROKER_ORG);
      expect(row).toContain("§ 45 SGB III");
      expect(row).toContain(`${de(A)} –`);
      expect(row).toContain("2.000,00 €");
      expect(row).toContain(`liegt vor seit ${de(A)}`);
      await screenshot(page, "p1-client-assigned");

      // A second assignment of the same client to another broker is refused (one voucher, one broker).
      const other = options.find((o) => o !== "bitte wählen" && !o.startsWith(`${BROKER_ORG} `)) ?? "";
      expect(other).not.toBe("");
      await assignForm.getByLabel(/^Vermittler \(mit aktiver Vereinbarung\)/).selectOption({ label: other });
      await assignForm.getByRole("button", { name: "Zuweisen" }).click();
      const refusal = assignments.getByRole("alert").filter({ hasText: "bereits eine gültige Zuweisung" });
      await expect.poll(() => refusal.count()).toBe(1);
      expect(squash(await refusal.textContent())).toMatch(
        new RegExp(`^Der Kunde hat bereits eine gültige Zuweisung an einen anderen Vermittler: ${assignmentRef} \\(bis \\d\\d\\.\\d\\d\\.\\d{4}\\)\\. Ein Vermittlungsgutschein gilt nur für einen Vermittler \\(§ 45 Abs\\. 4 SGB III\\)\\.$`),
      );
      expect(await assignments.locator("tbody tr").count()).toBe(1);
      await screenshot(page, "p1-second-assignment-refused");

      // The client list names the broker the client is assigned to.
      await page.goto(`${base}/clients?q=${encodeURIComponent(LAST_NAME)}`);
      await expectHeading(page, "Kunden");
      const listed = page.locator("table.data tbody tr", { hasText: clientRef });
      await expect.poll(() => listed.count()).toBe(1);
      expect(squash(await listed.textContent())).toContain(`${LAST_NAME}, ${FIRST_NAME}`);
      expect(squash(await listed.textContent())).toContain(BROKER_ORG);
    });
  });

  it("2. Der Vermittler sieht den Kunden (mit Name), meldet einen Minijob (abgelehnt) und dann eine versicherungspflichtige Beschäftigung", async () => {
    expect(assignmentRef, "Schritt 1 hat keine Zuweisung angelegt").not.toBe("");
    await as(BROKER, "2-report", async (page) => {
      await signIn(page, BROKER);
      await mainNav(page).getByRole("link", { name: "Zugewiesene Kunden" }).click();
      await page.waitForURL((u) => u.pathname === "/portal/clients");
      await expectHeading(page, "Zugewiesene Kunden");
      await findOwnClient(page);
      const row = page.locator("table.data tbody tr", { hasText: clientRef });
      await expect.poll(() => row.count()).toBe(1);
      const text = squash(await row.textContent());
      expect(text).toContain(assignmentRef);
      expect(text).toContain(FULL_NAME);
      expect(text).toContain("Macherstraße 12, 01917 Kamenz");
      expect(text).toContain("Metallbauer/in");
      expect(text).toContain("2.000,00 €");
      // Internal data never reach the broker.
      expect(await bodyText(page)).not.toContain(HEALTH_NOTE);
      await screenshot(page, "p2-portal-clients");

      // A Minijob: under AVGS the hours rule applies only abroad, but a domestic job must be insured.
      await openReportForm(page);
      await fillReport(page, {
        employer: MINIJOB_EMPLOYER,
        street: "Bautzner Straße 3",
        postalCode: "01917",
        city: "Kamenz",
        contractDate: `${A}`,
        jobStart: `${J}`,
        hours: "10",
        insured: false,
        occupation: "Verkäuferin (Minijob)",
        brokerContractDate: `${BC}`,
      });
      const rejected = await submitReport(page);
      rejectedRef = rejected.reference;
      await expectStatus(page, `Ihr Vermittlungsnachweis ${rejectedRef} ist eingegangen, erfüllt die Voraussetzungen für eine Vergütung aber nicht und wurde abgelehnt.`);
      expect(await h1(page)).toBe(`Vermittlungsnachweis ${rejectedRef} abgelehnt`);
      const reasons = page.locator("#rejection");
      expect(await reasons.count()).toBe(1);
      const reasonText = squash(await reasons.textContent());
      expect(reasonText).toContain(`Der Nachweis wurde abgelehnt (${de(A)}, 09:`);
      expect(reasonText).toContain("Die Beschäftigung ist nicht sozialversicherungspflichtig");
      expect(reasonText).toContain("(§ 45 Abs. 6 SGB III)");
      expect(reasonText).toContain("Widerspruch");
      // Only this one reason: 10 hours a week are no obstacle under AVGS for a job in Germany.
      expect(await reasons.locator("li").count()).toBe(1);
      expect(await bodyText(page)).not.toContain("Mindestarbeitszeit");
      const rules = section(page, "h-rules");
      expect(squash(await rules.textContent())).toContain("Ablehnungsgründe");
      expect(await rules.getByRole("link", { name: /Bescheid|Ablehnung/ }).count()).toBeGreaterThan(0);
      expect(squash(await section(page, "h-data").textContent())).toContain("10 Std. wöchentlich, nicht sozialversicherungspflichtig");
      await screenshot(page, "p2-claim-rejected");

      // The valid placement: insured, 38.5 hours, contract today, start tomorrow.
      await openReportForm(page);
      await fillReport(page, {
        employer: EMPLOYER,
        street: "Gewerbering 7",
        postalCode: "01917",
        city: "Kamenz",
        contractDate: `${A}`,
        jobStart: `${J}`,
        hours: "38,5",
        insured: true,
        occupation: "Metallbauerin",
        brokerContractDate: `${BC}`,
      });
      const claim = await submitReport(page);
      claimId = claim.id;
      claimRef = claim.reference;
      expect(claimRef).not.toBe(rejectedRef);
      await expectStatus(page, `Ihr Vermittlungsnachweis ${claimRef} ist eingegangen und wird geprüft.`);
      expect(await h1(page)).toBe(`Vermittlungsnachweis ${claimRef} eingereicht`);
      expect(await page.locator("#rejection").count()).toBe(0);
      expect(squash(await section(page, "h-rules").textContent())).toContain("Keine Prüfregel verletzt.");
      const data = squash(await section(page, "h-data").textContent());
      expect(data).toContain(`${clientRef} – ${FULL_NAME}`);
      expect(data).toContain(`${EMPLOYER}, Gewerbering 7, 01917 Kamenz`);
      expect(data).toContain("38,5 Std. wöchentlich, sozialversicherungspflichtig");
      expect(data).toContain("2.000,00 €");
      const docs = squash(await section(page, "h-docs").textContent());
      expect(docs).toContain("Arbeitsvertrag.pdf");
      expect(docs).toContain("Arbeitgeberbestaetigung.pdf");
      await screenshot(page, "p2-claim-submitted");
    });
  });

  it(`3. Fallmanagement findet den Nachweis, sieht keine verletzte Prüfregel und erkennt an; die 1. Rate ist ab Tag 43 (${de(D43)}) fällig`, async () => {
    expect(claimId, "Schritt 2 hat keinen Nachweis eingereicht").toBeGreaterThan(0);
    await as(CASE_MANAGER, "3-accept", async (page) => {
      await mainNav(page).getByRole("link", { name: "Vermittlungsnachweise" }).click();
      await page.waitForURL((u) => u.pathname === "/placements");
      await expectHeading(page, "Vermittlungsnachweise");
      // Both claims of the client, found by its reference.
      await page.locator("#q").fill(clientRef);
      await page.getByRole("button", { name: "Filtern" }).click();
      await page.waitForURL((u) => u.searchParams.get("q") === clientRef);
      const rows = page.locator("table.data tbody tr", { hasText: clientRef });
      await expect.poll(() => rows.count()).toBe(2);
      const rejectedRow = await rowText(page.locator("table.data").last(), rejectedRef);
      expect(rejectedRow).toContain("abgelehnt");
      expect(rejectedRow).toContain("1 Fehler");
      const claimRow = await rowText(page.locator("table.data").last(), claimRef);
      expect(claimRow).toContain(BROKER_ORG);
      expect(claimRow).toContain(EMPLOYER);
      expect(claimRow).toContain(`${de(A)}`);
      expect(claimRow).toContain(`Beginn ${de(J)}`);
      expect(claimRow).toContain("2.000,00 €");
      expect(claimRow).toContain("eingereicht");
      expect(claimRow).not.toContain("Fehler");
      await screenshot(page, "p3-placements-list");

      await page.getByRole("link", { name: claimRef, exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/placements/${claimId}`);
      await expectHeading(page, `Vermittlungsnachweis ${claimRef} eingereicht`);
      const rules = section(page, "h-rules");
      expect(squash(await rules.textContent())).toContain("Alle Prüfregeln erfüllt");
      expect(await rules.locator(".rule-error").count()).toBe(0);
      const placement = squash(await section(page, "h-placement").textContent());
      expect(placement).toContain(BROKER_ORG);
      expect(placement).toContain(`${clientRef} – ${FULL_NAME}`);
      expect(placement).toContain(assignmentRef);
      expect(placement).toContain("AVGS-MPAV (§ 45 Abs. 4 SGB III)");
      expect(placement).toContain(`${de(BC)}`);
      expect(await section(page, "h-placement").getByRole("link", { name: "Kundenakte" }).getAttribute("href")).toBe(`/clients/${clientId}`);
      const job = squash(await section(page, "h-job").textContent());
      expect(job).toContain(`Beschäftigungsbeginn${de(J)}`);
      expect(job).toContain("Sozialversicherungspflichtigja");
      expect(squash(await section(page, "h-docs").textContent())).toContain("Arbeitsvertrag (Kopie)");
      await screenshot(page, "p3-claim-review");

      // Accept (the confirmation dialog is accepted by the actor's dialog handler).
      await section(page, "h-decide").getByRole("button", { name: "Anerkennen" }).click();
      await expectStatus(page, "Der Vermittlungsnachweis ist anerkannt.");
      await expectHeading(page, `Vermittlungsnachweis ${claimRef} anerkannt`);
      const first = squash(await firstInstalment(page).textContent());
      expect(first).toContain("1. Rate nach sechs Wochen Beschäftigung");
      expect(first).toContain("1.000,00 €");
      expect(first).toContain(`${de(D43)}`); // the day after day 42 (12.01.2027) of a job that began on 02.12.2026
      expect(first).toContain(`${de(DEADLINE)}`); // six months after the end of the month of day 42 (§ 326 SGB III)
      expect(first).toContain("Beschäftigungsdauer noch nicht erreicht");
      expect(await firstInstalment(page).getByRole("button", { name: "Sachlich richtig" }).count()).toBe(0);
      const second = squash(await section(page, "h-instalments").locator("tbody tr", { hasText: "2. Rate" }).textContent());
      expect(second).toContain("1.000,00 €");
      expect(second).toContain("Beschäftigungsdauer noch nicht erreicht");
      expect(squash(await section(page, "h-letters").textContent())).not.toContain("Noch kein Schreiben.");
      await screenshot(page, "p3-claim-accepted");
    });
  });

  it(`4. Tag 42 (${de(D42)}): die sechs Wochen sind erst mit Ablauf des Tages vollendet; die 1. Rate ist noch nicht fällig, eine Bestätigung wird abgewiesen`, async () => {
    expect(claimId, "Schritt 2 hat keinen Nachweis eingereicht").toBeGreaterThan(0);
    await startPhase(PHASE_B1);
    await as(BROKER, "4-too-early", async (page) => {
      await signIn(page, BROKER);
      await openPortalClaim(page);
      expect(await h1(page)).toContain("anerkannt");
      await expect.poll(async () => squash(await firstInstalment(page).textContent())).toContain("Beschäftigungsdauer noch nicht erreicht");
      const form = page.locator("form", { has: page.locator("h4", { hasText: "1. Rate" }) });
      expect(squash(await form.textContent())).toContain(`bis mindestens ${de(D42)}; einzureichen ab ${de(D43)} bis ${de(DEADLINE)}`);
      await form.getByLabel(/^Beschäftigung bestätigt bis/).fill(`${D42}`);
      await form.getByLabel("Bestätigung (PDF)").setInputFiles(pdfs.proof);
      await form.getByLabel("ununterbrochen beschäftigt").check();
      await form.getByRole("button", { name: "Bestätigung hochladen" }).click();
      const refusal = page.getByRole("alert").filter({ hasText: `Die Beschäftigungsdauer für die 1. Rate ist erst mit Ablauf des ${de(D42)} erreicht; die Bestätigung des Arbeitgebers kann ab dem ${de(D43)} eingereicht werden.` });
      await expect.poll(() => refusal.count()).toBe(1);
      expect(squash(await firstInstalment(page).textContent())).toContain("Beschäftigungsdauer noch nicht erreicht");
      await screenshot(page, "p4-proof-too-early");
    });
  });

  it(`5. Tag 43 (${de(D43)}): der Tagesjob hat die 1. Rate fällig gestellt; Arbeitgeberbestätigung → verdient`, async () => {
    expect(claimId, "Schritt 2 hat keinen Nachweis eingereicht").toBeGreaterThan(0);
    await startPhase(PHASE_B);
    await as(BROKER, "5-proof", async (page) => {
      await signIn(page, BROKER);
      // The daily job runs every JOB_INTERVAL_MS (500 ms) after the start: reload until it did.
      await expect
        .poll(
          async () => {
            await openPortalClaim(page);
            return squash(await firstInstalment(page).textContent());
          },
          { timeout: 20_000, interval: 500 },
        )
        .toContain("Nachweis fehlt");
      // The 2nd instalment stays pending (six months).
      expect(squash(await section(page, "h-instalments").locator("tbody tr", { hasText: "2. Rate" }).textContent())).toContain("Beschäftigungsdauer noch nicht erreicht");
      await screenshot(page, "p5-instalment-due");

      const form = page.locator("form", { has: page.locator("h4", { hasText: "1. Rate" }) });
      await form.getByLabel(/^Beschäftigung bestätigt bis/).fill(`${D42}`);
      await form.getByLabel("Bestätigung (PDF)").setInputFiles(pdfs.proof);
      await form.getByLabel("ununterbrochen beschäftigt").check();
      await form.getByRole("button", { name: "Bestätigung hochladen" }).click();
      await expectStatus(page, "Die Bestätigung des Arbeitgebers für die 1. Rate liegt vor; die Rate (1.000,00 €) ist verdient und wird zur Zahlung geprüft.");
      await expect.poll(async () => squash(await firstInstalment(page).textContent())).toContain("verdient (Nachweis liegt vor)");
      expect(squash(await firstInstalment(page).textContent())).toContain(`bestätigt bis ${de(D42)}`);
      expect(await page.locator("form", { has: page.locator("h4", { hasText: "1. Rate" }) }).count()).toBe(0);
      expect(squash(await section(page, "h-docs").textContent())).toContain("Bestaetigung-6-Wochen.pdf");
      await screenshot(page, "p5-instalment-earned");
    });
  });

  it("6. Fallmanagement zeichnet die Rate sachlich richtig; sie geht an die Kasse", async () => {
    expect(claimId, "Schritt 2 hat keinen Nachweis eingereicht").toBeGreaterThan(0);
    await as(CASE_MANAGER, "6-certify", async (page) => {
      await signIn(page, CASE_MANAGER);
      await mainNav(page).getByRole("link", { name: "Vermittlungsnachweise" }).click();
      await page.waitForURL((u) => u.pathname === "/placements");
      await expectHeading(page, "Vermittlungsnachweise");
      const worklist = section(page, "h-certify");
      const row = worklist.locator("tbody tr", { hasText: claimRef });
      await expect.poll(() => row.count()).toBe(1);
      const text = squash(await row.textContent());
      expect(text).toContain(BROKER_ORG);
      expect(text).toContain("1. Rate");
      expect(text).toContain("1.000,00 €");
      expect(text).toContain(`${de(D42)}`);
      await screenshot(page, "p6-worklist");
      await row.getByRole("button", { name: "Sachlich richtig" }).click();
      await expectStatus(page, "1. Rate (1.000,00 €) sachlich richtig gezeichnet und als zahlbar an die Kasse übergeben.");
      await expect.poll(() => worklist.locator("tbody tr", { hasText: claimRef }).count()).toBe(0);

      await openClaim(page);
      const first = squash(await firstInstalment(page).textContent());
      expect(first).toContain("sachlich richtig, an Kasse übergeben");
      expect(first).toContain(`${de(D42)}`);
      await screenshot(page, "p6-claim-payable");
    });
  });

  it("7. Die Kasse sieht die Zahlung der Rate mit Empfänger, Betrag, Fälligkeit und Verwendungszweck und exportiert sie als CSV", async () => {
    expect(claimId, "Schritt 2 hat keinen Nachweis eingereicht").toBeGreaterThan(0);
    await as(FINANCE, "7-payables", async (page) => {
      await signIn(page, FINANCE);
      await mainNav(page).getByRole("link", { name: "Zahlungen" }).click();
      await page.waitForURL((u) => u.pathname === "/payments");
      await expectHeading(page, "Zahlungen");

      await page.locator("#q").fill(claimRef);
      await page.getByRole("button", { name: "Filtern" }).click();
      await page.waitForURL((u) => u.searchParams.get("q") === claimRef);
      const rows = page.locator("table.data tbody tr");
      await expect.poll(() => rows.count()).toBe(1);
      const cells = (await rows.first().locator("td").allTextContents()).map(squash);
      expect(cells[0]).toMatch(/^ZA-\d{4}-\d{6}$/);
      // The payee with its IBAN below.
      expect(cells[1]).toMatch(new RegExp(`^${BROKER_ORG} ?DE\\d\\d( \\d{4}){4} \\d\\d$`));
      expect(cells[2]).toBe(`Vermittlungsverguetung ${claimRef} 1. Rate`);
      // Due 30 days after the certification (setting finance.paymentTermDays).
      expect(cells[3]).toBe(`${de(addDays(D43, 30))}, in 30 Tagen`);
      expect(cells[4]).toBe("1.000,00 €");
      // The certification was the factual check; the arithmetic check comes next, by someone else.
      expect(cells[5]).toBe("wartet auf ‚rechnerisch richtig‘1.4820.7690");
      expect(squash(await page.locator("table.data tfoot").textContent())).toContain("1.000,00 €");
      await screenshot(page, "p7-payables");

      // The CSV of the selection.
      const downloading = page.waitForEvent("download");
      await page.getByRole("link", { name: "Auswahl als CSV exportieren" }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe(`zahlungen-${D43}.csv`);
      const file = path.join(tmp, "zahlbare-raten.csv");
      await download.saveAs(file);
      const csv = fs.readFileSync(file, "utf8");
      const lines = csv.replace(/^\uFEFF/, "").split(/\r?\n/).filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain("Zahlungsempfänger");
      expect(lines[1]).toContain(BROKER_ORG);
      expect(lines[1]).toContain(claimRef);
      expect(lines[1]).toContain("1000,00");
      expect(lines[1]).toContain(`Vermittlungsverguetung ${claimRef} 1. Rate`);
      expect(lines[1]).toContain(`${de(addDays(D43, 30))}`);
    });
  });
});
