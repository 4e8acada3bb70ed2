import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM, screenshot } from "../setup/browser";
import { expectHeading, expectStatus, h1, journey } from "../setup/journey";
import { phasedServer } from "../setup/phased-server";
import { addDays, addMonths, berlinDate, berlinLocalToUtc, formatDate } from "~/domain/time";

/**
 * The tendering journey in the browser (issue: "procurement creates and publishes a tender with
 * two lots; three providers submit (one after the deadline, refused); two users open; two
 * evaluate; award; the letters are in the mail outbox; the procurement record names the winner").
 *
 * The server runs outside production with APP_TIME, in three phases on one data directory and
 * one port (so open browser pages keep working across the restarts):
 *   A  tomorrow 09:00            draft, publication, two offers, a bidder question and its answer
 *   B  19 days later, 11:57      a third provider fills in the offer form three minutes before the deadline
 *   C  the same day, 12:05       the deadline job has closed the tender; the third offer arrives late and
 *                        is refused; opening, evaluation, award, outbox, procurement record.
 * Sessions live 10 hours on the application clock, so everyone signs in again after a jump.
 */

const PROCUREMENT = "vergabe@asz-kamenz.example"; // Thomas Richter
const PROCUREMENT2 = "vergabe2@asz-kamenz.example"; // Katrin Vogel
const ADMIN = "admin@asz-kamenz.example"; // Petra Schulze
const BROKER = "vermittler@jobbruecke-kamenz.example"; // Andreas Wolf, Jobbrücke Kamenz
const TRAINER = "traeger@bildungswerk-lausitz.example"; // Claudia Berger, Bildungswerk Lausitz
const LATE_USER = "angebote@spaeter-traeger.example";
const LATE_NAME = "Lothar Spät";
const LATE_PASSWORD = "Späte-Abgabe-2026!";

const BROKER_ORG = "Jobbrücke Kamenz";
const TRAINER_ORG = "Bildungswerk Lausitz";
// Organisation e-mail addresses of the demo data (info@<external key>.example).
const TRAINER_ORG_MAIL = "info@demo-t-0001.example";
const BROKER_ORG_MAIL = "info@demo-b-0001.example";

// Every date derives from today (a real browser's clock moves on; docs/decisions/0009): phase A is
// tomorrow, the offer deadline 19 days later, the lots start on the first of a month three months on.
const DAY_A = addDays(berlinDate(new Date()), 1);
const DEADLINE_DAY = addDays(DAY_A, 19);
const at = (day: string, time: string) => berlinLocalToUtc(`${day}T${time}`)!;
const PHASE_A = at(DAY_A, "09:00");
const PHASE_B = at(DEADLINE_DAY, "11:57");
const PHASE_C = at(DEADLINE_DAY, "12:05");
const LOT_START = `${addMonths(DAY_A, 3).slice(0, 7)}-01`;
const lotTerm = (months: number) => `${formatDate(LOT_START)} – ${formatDate(addDays(addMonths(LOT_START, months), -1))}`;
const deDay = (day: string) => formatDate(day).replace(/\./g, "\\.");
const DEADLINE_TEXT = `${formatDate(DEADLINE_DAY)}, 12:00 Uhr`;

const TITLE = "Vermittlung in Arbeit 2027 – Kamenz und Hoyerswerda";
const LOT1 = "Vermittlungscoaching Kamenz";
const LOT2 = "Aktivierungsplätze Hoyerswerda";

// Distinctive prices: they must never appear on a staff page before the opening.
const PRICES = {
  broker: { lot1: "1.437,50", lot2: "777,77" },
  trainer: { lot1: "1.512,34", lot2: "745,61" },
  late: { lot1: "1.399,99", lot2: "701,01" },
};
const QUESTION = "Dürfen die Coachingtermine in Los 1 auch in Räumen des Bieters in Bernsdorf stattfinden?";
const ANSWER = "Ja, sofern die Räume mit öffentlichen Verkehrsmitteln aus Kamenz erreichbar sind.";

let browser: Browser;
let base = "";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-tendering-"));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vt-tendering-files-"));
const server = phasedServer(dataDir);

// State handed from one step to the next.
let tenderId = 0;
let reference = "";
let lateOrg = "";
const receipts: Record<string, string> = {};

/** (Re)start the server on the same data directory and port with the application clock at `appTime`. */
async function startPhase(appTime: string) {
  await server.phase(appTime);
  base = server.baseUrl;
}

// ---------------------------------------------------------------- browser helpers

const { as, signIn, closeAll } = journey({ browser: () => browser, base: () => base, screenshotPrefix: "t" });

async function bodyText(page: Page): Promise<string> {
  return ((await page.locator("body").textContent()) ?? "").replace(/\s+/g, " ");
}

const section = (page: Page, headingId: string) => page.locator("section", { has: page.locator(`h2#${headingId}`) });
const mainNav = (page: Page) => page.getByRole("navigation", { name: "Hauptnavigation" });

/** Staff: open the tender page and wait for it. */
async function openTender(page: Page) {
  await page.goto(`${base}/tenders/${tenderId}`);
  await expectHeading(page, reference);
}

/** The value of a card ("Eingegangene Angebote" → "2"). */
async function card(page: Page, label: string): Promise<string> {
  const c = page.locator(".card", { has: page.locator(".muted", { hasText: label }) });
  return ((await c.locator(".value").textContent()) ?? "").trim();
}

/** Provider: from the portal's navigation to the tender page. */
async function openPortalTender(page: Page) {
  await mainNav(page).getByRole("link", { name: "Ausschreibungen" }).click();
  await page.waitForURL((u) => u.pathname === "/portal/tenders");
  await expectHeading(page, "Ausschreibungen");
  await page.getByRole("link", { name: reference, exact: true }).click();
  await page.waitForURL((u) => u.pathname === `/portal/tenders/${tenderId}`);
  await expectHeading(page, reference);
}

/** A small, valid PDF as the concept. */
function conceptPdf(name: string, marker: string): string {
  const file = path.join(tmp, name);
  const body = [
    "%PDF-1.4",
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj",
    `4 0 obj << /Length ${30 + marker.length} >> stream\nBT /F1 12 Tf 72 760 Td (${marker}) Tj ET\nendstream endobj`,
    "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj",
    "trailer << /Root 1 0 R >>",
    "%%EOF",
    "",
  ].join("\n");
  fs.writeFileSync(file, body, "latin1");
  return file;
}

/** Fill the offer form: prices for both lots, the concept, the three declarations. */
async function fillOffer(page: Page, prices: { lot1: string; lot2: string }, concept: string) {
  const offer = section(page, "h-offer");
  await offer.getByLabel(/^Los 1:/).fill(prices.lot1);
  await offer.getByLabel(/^Los 2:/).fill(prices.lot2);
  await offer.getByLabel("Konzept (PDF)").setInputFiles(concept);
  await offer.getByLabel(/Eignungsanforderungen/).check();
  await offer.getByLabel(/keine Ausschlussgründe/).check();
  await offer.getByLabel(/Trägerzulassung \(AZAV\)/).check();
}

/** Text of a PDF via pdftotext (poppler), through a file in tmp. */
function pdfText(bytes: Buffer, name: string): string {
  const pdf = path.join(tmp, `${name}.pdf`);
  const txt = path.join(tmp, `${name}.txt`);
  fs.writeFileSync(pdf, bytes);
  execFileSync("pdftotext", ["-enc", "UTF-8", pdf, txt]);
  return fs.readFileSync(txt, "utf8").replace(/\s+/g, " ");
}

/** Every way a price could show up: "1.437,50", "1437,50", "1437.50", cents "143750". */
function priceForms(p: string): string[] {
  const plain = p.replace(/\./g, "");
  return [p, plain, plain.replace(",", "."), plain.replace(",", "")];
}

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
});

afterAll(async () => {
  await closeAll();
  await browser?.close();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.sequential("Ausschreibung im Browser: Entwurf bis Zuschlag", () => {
  it("1. Vergabestelle legt die Ausschreibung mit zwei Losen an, Mindestfrist wird geprüft, dann veröffentlicht", async () => {
    await as(PROCUREMENT, "1-draft", async (page) => {
      await signIn(page, PROCUREMENT);
      await page.goto(`${base}/tenders/new`);
      await expectHeading(page, "Ausschreibung anlegen");
      await page.getByLabel(/^Titel/).fill(TITLE);
      await page.getByLabel(/^Art der Maßnahme/).selectOption({ label: "Vermittlungsmaßnahme nach § 421i SGB III a.F." });
      await page.getByLabel(/^Rechtsgrundlage/).fill("§ 16 Abs. 1 SGB II i. V. m. § 421i SGB III a.F.");
      await page.getByLabel(/^Verfahrensart/).selectOption({ label: "Offenes Verfahren / Öffentliche Ausschreibung" });
      await page.getByLabel("Beschreibung der Leistung").fill("Vermittlung arbeitsloser Leistungsberechtigter in sozialversicherungspflichtige Beschäftigung, in zwei Losen.");
      await page.getByRole("button", { name: "Entwurf anlegen" }).click();
      await page.waitForURL((u) => /^\/tenders\/\d+$/.test(u.pathname));
      tenderId = Number(new URL(page.url()).pathname.split("/").pop());
      await expectHeading(page, TITLE);
      reference = /^(V-\d{4}-\d{3})/.exec(await h1(page))?.[1] ?? "";
      expect(reference).toMatch(new RegExp(`^V-${DAY_A.slice(0, 4)}-\\d{3}$`)); // the year of the application clock
      await expectStatus(page, `Ausschreibung ${reference} angelegt.`);
      expect(await h1(page)).toContain("Entwurf");

      // Lot 1 ("je Teilnehmer"). The lot form and the "Angaben" form both have a field named
      // "title" with id "f-title": the label "Titel des Loses" must point to the lot's own field.
      const lots = section(page, "h-lots");
      const lotForm = lots.locator("form.form");
      expect.soft(await lotForm.getByLabel(/^Titel des Loses/).count(), "Beschriftung „Titel des Loses“ gehört zu keinem Feld des Los-Formulars (doppelte id f-title)").toBe(1);
      const addLot = async (title: string, quantity: string, start: string, months: string, unit: string, price: string) => {
        if (!(await lots.locator("details").evaluate((d) => (d as HTMLDetailsElement).open))) await lots.locator("summary", { hasText: "Los hinzufügen" }).click();
        await lotForm.locator('input[name="title"]').fill(title);
        await lotForm.getByLabel(/^Plätze \/ Teilnehmer/).fill(quantity);
        await lotForm.getByLabel(/^Region/).fill("Landkreis Kamenz");
        await lotForm.getByLabel(/^Beginn/).fill(start);
        await lotForm.getByLabel(/^Laufzeit \(Monate\)/).fill(months);
        await lotForm.getByLabel(/^Preiseinheit/).selectOption({ label: unit });
        await lotForm.getByLabel(/^Geschätzter Preis je Einheit/).fill(price);
        const rows = await lots.locator("tbody tr", { hasText: "Landkreis Kamenz" }).count();
        await lotForm.getByRole("button", { name: "Los speichern" }).click();
        await expect.poll(() => lots.locator("tbody tr", { hasText: "Landkreis Kamenz" }).count()).toBe(rows + 1);
      };
      await addLot(LOT1, "20", LOT_START, "6", "je Teilnehmer", "1.500,00");
      await expectStatus(page, "Los angelegt.");
      await addLot(LOT2, "10", LOT_START, "12", "je Platz und Monat", "800,00");
      const lotRows = lots.locator("tbody tr");
      expect(await lotRows.nth(0).textContent()).toContain(LOT1);
      expect(await lotRows.nth(0).textContent()).toContain("je Teilnehmer");
      expect(await lotRows.nth(0).textContent()).toContain("30.000,00");
      expect(await lotRows.nth(1).textContent()).toContain(LOT2);
      expect(await lotRows.nth(1).textContent()).toContain("je Platz und Monat");
      expect(await lotRows.nth(1).textContent()).toContain("96.000,00");
      // 126.000 € is below the EU threshold for social services: national award rules.
      await expect.poll(() => card(page, "Geschätzter Auftragswert")).toContain("126.000,00");
      expect(await bodyText(page)).toContain("Unterschwellenbereich");

      // Award criteria: price 60, concept 40.
      const criteria = section(page, "h-criteria");
      await criteria.getByLabel("Kriterium 1", { exact: true }).fill("Preis");
      await criteria.getByLabel("Gewichtung 1", { exact: true }).fill("60");
      await criteria.getByLabel("Kriterium 1 ist der Preis").check();
      await criteria.getByLabel("Erläuterung 1", { exact: true }).fill("Preis je Einheit laut Los");
      await criteria.getByLabel("Kriterium 2", { exact: true }).fill("Konzept");
      await criteria.getByLabel("Gewichtung 2", { exact: true }).fill("40");
      await criteria.getByLabel("Erläuterung 2", { exact: true }).fill("Vermittlungsstrategie und Arbeitgeberkontakte");
      await criteria.getByRole("button", { name: "Kriterien speichern" }).click();
      await expectStatus(page, "Zuschlagskriterien gespeichert.");

      // Deadlines: first a period shorter than the national minimum (14 days for a public tender).
      const deadlines = section(page, "h-deadlines");
      await deadlines.getByLabel(/^Bieterfragen bis/).fill(`${addDays(DAY_A, 6)}T12:00`);
      await deadlines.getByLabel(/^Angebote bis/).fill(`${addDays(DAY_A, 9)}T12:00`);
      await deadlines.getByLabel(/^Bindefrist bis/).fill(addDays(DAY_A, 87));
      await deadlines.getByRole("button", { name: "Fristen speichern" }).click();
      await expectStatus(page, "Fristen gespeichert.");
      await expect.poll(() => card(page, "Angebote bis")).toBe(`${formatDate(addDays(DAY_A, 9))}, 12:00 Uhr`);
      const publish = section(page, "h-publish");
      expect(await publish.textContent()).toContain("Mindestfrist von 14 Tagen");
      await screenshot(page, "t1-tender-draft");

      await publish.getByRole("button", { name: "Veröffentlichen" }).click();
      const refusal = page.getByRole("alert").filter({ hasText: "Mindestfrist" });
      await expect.poll(() => refusal.count()).toBeGreaterThan(0);
      expect(await refusal.first().textContent()).toBe(
        "Die Angebotsfrist beträgt nur 9 Tage; für Öffentliche Ausschreibung (national) gilt eine Mindestfrist von 14 Tagen ab dem Tag nach der Veröffentlichung.",
      );
      expect(await h1(page)).toContain("Entwurf");
      await screenshot(page, "t1-publish-refused");

      // A long enough period, then publish.
      await deadlines.getByLabel(/^Bieterfragen bis/).fill(`${addDays(DAY_A, 14)}T12:00`);
      await deadlines.getByLabel(/^Angebote bis/).fill(`${DEADLINE_DAY}T12:00`);
      await deadlines.getByRole("button", { name: "Fristen speichern" }).click();
      await expect.poll(() => card(page, "Angebote bis")).toBe(DEADLINE_TEXT);
      await expect.poll(async () => (await publish.textContent()) ?? "").toContain("Alle Angaben sind vollständig.");
      await publish.getByRole("button", { name: "Veröffentlichen" }).click();
      await expectStatus(page, "Die Ausschreibung ist veröffentlicht.");
      await expect.poll(() => h1(page)).toContain("veröffentlicht");

      // Frozen: no criteria inputs, no lot form or removal, no deadline form.
      expect(await page.locator("#c-name-0").count()).toBe(0);
      expect(await page.locator('input[name="c-price"]').count()).toBe(0);
      expect(await page.getByRole("button", { name: "Kriterien speichern" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Los speichern" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Entfernen" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Fristen speichern" }).count()).toBe(0);
      const frozen = (await section(page, "h-criteria").locator("tbody").textContent()) ?? "";
      expect(frozen).toMatch(/Preis\s*Preis\s*60 %/);
      expect(frozen).toMatch(/Konzept\s*40 %/);
      const facts = section(page, "h-deadlines");
      expect(await facts.locator('dt:text-is("Veröffentlicht") + dd').textContent()).toMatch(new RegExp(`^${deDay(DAY_A)}, 09:0\\d Uhr$`));
      await screenshot(page, "t1-tender-published");
    });
  });

  it("2. Zwei Träger geben Angebote ab (Eingang mit SHA-256), Bieterfrage wird beantwortet, Preise bleiben versiegelt", async () => {
    expect(tenderId, "Schritt 1 hat keine Ausschreibung veröffentlicht").toBeGreaterThan(0);
    const submit = async (email: string, key: "broker" | "trainer", file: string) =>
      as(email, `2-offer-${key}`, async (page) => {
        await signIn(page, email);
        await openPortalTender(page);
        expect(await h1(page)).toContain("veröffentlicht");
        const offer = section(page, "h-offer");
        expect(await offer.textContent()).toContain("Sie haben noch kein Angebot abgegeben.");
        await fillOffer(page, PRICES[key], file);
        await offer.getByRole("button", { name: "Angebot verbindlich abgeben" }).click();
        const receipt = page.locator("#receipt");
        await expect.poll(() => receipt.count()).toBe(1);
        const text = ((await receipt.textContent()) ?? "").replace(/\s+/g, " ");
        expect(text).toContain("Ihr Angebot ist eingegangen.");
        expect(text).toMatch(new RegExp(`Eingang: ${deDay(DAY_A)}, 09:\\d\\d:\\d\\d Uhr`));
        expect(text).toContain("Fassung 1");
        const sha = /Prüfwert SHA-256: ([0-9a-f]{64})\./.exec(text)?.[1] ?? "";
        expect(sha, text).toMatch(/^[0-9a-f]{64}$/);
        receipts[key] = sha;
        expect(await receipt.getByRole("link", { name: "Eingangsbestätigung als PDF" }).count()).toBe(1);
        // The list of own offers (reloaded after the submission) names this version as the valid one.
        const row = offer.locator("tbody tr").first();
        await expect.poll(async () => (await row.textContent()) ?? "").toContain(sha.slice(0, 16));
        expect(await row.textContent()).toContain("gültig (zählt)");
        await screenshot(page, `t2-portal-receipt-${key}`);
      });
    await submit(BROKER, "broker", conceptPdf("Konzept Jobbrücke.pdf", "Konzept Jobbruecke Kamenz"));
    await submit(TRAINER, "trainer", conceptPdf("Konzept Bildungswerk.pdf", "Konzept Bildungswerk Lausitz"));
    expect(receipts.broker).not.toBe(receipts.trainer);

    // The trainer asks a bidder question.
    await as(TRAINER, "2-question", async (page) => {
      const questions = section(page, "h-questions");
      await questions.getByLabel("Ihre Frage an die Vergabestelle").fill(QUESTION);
      await questions.getByRole("button", { name: "Frage stellen" }).click();
      await expectStatus(page, "Ihre Frage wurde übermittelt.");
      await expect.poll(async () => (await questions.textContent()) ?? "").toContain(QUESTION);
      expect(await questions.textContent()).toContain("noch nicht beantwortet");
    });

    // Procurement: two offers counted, no price anywhere, the question answered.
    await as(PROCUREMENT, "2-staff", async (page) => {
      await openTender(page);
      expect(await card(page, "Eingegangene Angebote")).toBe("2");
      expect(await bodyText(page)).toContain("Inhalte versiegelt bis zur Öffnung");
      const text = await bodyText(page);
      for (const p of [...Object.values(PRICES.broker), ...Object.values(PRICES.trainer)]) {
        for (const form of priceForms(p)) expect(text, `Preis ${form} auf der Seite der Vergabestelle`).not.toContain(form);
      }
      expect(text).not.toContain(BROKER_ORG);
      expect(text).not.toContain(TRAINER_ORG);
      // The tender list shows the count as well.
      await page.goto(`${base}/tenders`);
      await expectHeading(page, "Ausschreibungen");
      expect(await page.locator("table.data tbody tr", { hasText: reference }).textContent()).toContain("veröffentlicht");

      await openTender(page);
      const questions = section(page, "h-questions");
      expect(await questions.textContent()).toContain(QUESTION);
      await questions.getByLabel(/^Antwort \(wird allen Bietern/).fill(ANSWER);
      await questions.getByRole("button", { name: "Antwort veröffentlichen" }).click();
      await expectStatus(page, "Antwort veröffentlicht");
      await expect.poll(async () => (await questions.textContent()) ?? "").toContain(ANSWER);
    });

    // The other bidder sees question and answer, without the asker.
    await as(BROKER, "2-answer", async (page) => {
      await page.reload();
      await expectHeading(page, reference);
      const questions = section(page, "h-questions");
      await expect.poll(async () => (await questions.textContent()) ?? "").toContain(ANSWER);
      const text = (await questions.textContent()) ?? "";
      expect(text).toContain(QUESTION);
      expect(text).not.toContain("(Ihre)");
      expect(text).not.toContain(TRAINER_ORG);
    });
  });

  it("3. Ein dritter Träger gibt nach Fristablauf ab: abgewiesen (409), nichts gespeichert", async () => {
    expect(tenderId, "Schritt 1 hat keine Ausschreibung veröffentlicht").toBeGreaterThan(0);
    // Phase B: three minutes before the deadline. The administration creates the third provider's
    // account; the provider fills in the form.
    await startPhase(PHASE_B);
    await as(ADMIN, "3-user", async (page) => {
      await signIn(page, ADMIN);
      await page.goto(`${base}/admin/users/new`);
      await expectHeading(page, "Benutzer anlegen");
      await page.getByLabel(/^Name/).fill(LATE_NAME);
      await page.getByLabel(/^E-Mail/).fill(LATE_USER);
      await page.getByLabel(/^Rolle/).selectOption({ label: "Träger / Vermittler" });
      const orgs = (await page.getByLabel(/^Organisation/).locator("option").allTextContents()).map((t) => t.trim());
      // Options read "Name (legal form, city, Nr. 12)"; the texts later name the organisation only.
      const lateOption = orgs.find((o) => o !== "– keine –" && !o.startsWith(`${BROKER_ORG} (`) && !o.startsWith(`${TRAINER_ORG} (`) && !o.startsWith("Bundesagentur")) ?? "";
      lateOrg = lateOption.replace(/ \((?:[^()]|\([^()]*\))*Nr\. \d+\)$/, ""); // the legal form may carry brackets: "UG (haftungsbeschränkt)"
      expect(lateOrg).not.toBe("");
      expect(lateOrg).not.toBe(lateOption);
      await page.getByLabel(/^Organisation/).selectOption({ label: lateOption });
      await page.getByLabel(/^Anfangspasswort/).fill(LATE_PASSWORD);
      await page.getByRole("button", { name: "Benutzer anlegen" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/users");
      await expectStatus(page, `Benutzer ${LATE_USER} wurde angelegt.`);
    });

    await as(LATE_USER, "3-late", async (page) => {
      await signIn(page, LATE_USER, LATE_PASSWORD);
      await openPortalTender(page);
      expect(await section(page, "h-facts").textContent()).toContain(DEADLINE_TEXT);
      await fillOffer(page, PRICES.late, conceptPdf("Konzept spaet.pdf", "Konzept spaeter Traeger"));
    });

    // Phase C: five minutes after the deadline. The page stays open; the provider submits now.
    await startPhase(PHASE_C);
    await as(LATE_USER, "3-late-submit", async (page) => {
      const posted = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/portal/tenders/${tenderId}`);
      await section(page, "h-offer").getByRole("button", { name: "Angebot verbindlich abgeben" }).click();
      const response = await posted;
      expect(response.status()).toBe(409);
      const payload = (await response.json()) as { formError?: string };
      expect(payload.formError).toMatch(new RegExp(`^Die Angebotsfrist ist am ${deDay(DEADLINE_DAY)}, 12:00 Uhr abgelaufen\\. Ihr Angebot ist um ${deDay(DEADLINE_DAY)}, 12:0\\d:\\d\\d Uhr eingegangen und kann nicht mehr angenommen werden\\.$`));
      await page.waitForLoadState("networkidle");
      await screenshot(page, "t3-late-refused");
      expect(await page.locator("#receipt").count(), "keine Eingangsbestätigung").toBe(0);
      // The provider must see why nothing was accepted (the form error of the 409).
      const shown = page.getByRole("alert").filter({ hasText: `Angebotsfrist ist am ${DEADLINE_TEXT} abgelaufen` });
      await expect.poll(() => shown.count(), { timeout: 3000 }).toBeGreaterThan(0).catch(() => undefined);
      expect.soft(await shown.count(), "Die Abweisung (409) wird dem Träger nicht angezeigt").toBeGreaterThan(0);
      await page.reload();
      await expectHeading(page, reference);
      expect(await section(page, "h-offer").textContent()).toContain("Sie haben noch kein Angebot abgegeben.");
      expect(await section(page, "h-offer").textContent()).toContain("Die Angebotsabgabe ist nicht (mehr) möglich.");
    });

    // Still two offers for procurement; the deadline job has closed the offer period.
    await as(PROCUREMENT, "3-staff", async (page) => {
      await signIn(page, PROCUREMENT);
      await openTender(page);
      await expect.poll(() => h1(page)).toContain("Angebotsfrist abgelaufen");
      expect(await card(page, "Eingegangene Angebote")).toBe("2");
    });
  });

  it("4. Öffnung nur durch zwei Personen; Niederschrift in der Vergabeakte", async () => {
    expect(tenderId, "Schritt 1 hat keine Ausschreibung veröffentlicht").toBeGreaterThan(0);
    await as(PROCUREMENT, "4-open-1", async (page) => {
      await signIn(page, PROCUREMENT);
      await openTender(page);
      const opening = section(page, "h-open");
      await opening.getByRole("button", { name: "Öffnung bestätigen" }).click();
      await expectStatus(page, "Ihre Bestätigung ist vermerkt. Eine zweite Person der Vergabestelle muss die Öffnung bestätigen.");
      await expect.poll(async () => (await opening.textContent()) ?? "").toContain("Sie haben bereits bestätigt");
      expect(await opening.textContent()).toContain("Bestätigt von: Thomas Richter");
      expect(await opening.getByRole("button", { name: "Öffnung bestätigen" }).count(), "zweite Bestätigung derselben Person").toBe(0);
      expect(await h1(page)).toContain("Angebotsfrist abgelaufen");
      // Still sealed.
      const text = await bodyText(page);
      for (const p of Object.values(PRICES.broker)) expect(text).not.toContain(p);
      await screenshot(page, "t4-opening-first");
    });
    await as(PROCUREMENT2, "4-open-2", async (page) => {
      await signIn(page, PROCUREMENT2);
      await openTender(page);
      const opening = section(page, "h-open");
      expect(await opening.textContent()).toContain("Bestätigt von: Thomas Richter");
      await opening.getByRole("button", { name: "Öffnung bestätigen" }).click();
      await expectStatus(page, "Die Angebote sind geöffnet; die Niederschrift wurde erstellt.");
      await expect.poll(() => h1(page)).toContain("geöffnet");
      expect(await section(page, "h-open").count()).toBe(0);
      const docs = section(page, "h-docs");
      const record = docs.getByRole("link", { name: `Niederschrift Angebotsöffnung ${reference}` });
      expect(await record.count()).toBe(1);
      await screenshot(page, "t4-opened");

      // The opening record names both bidders with their prices; the late offer only as refused.
      const href = (await record.getAttribute("href")) ?? "";
      const res = await page.request.get(`${base}${href}`);
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toContain("application/pdf");
      const text = pdfText(await res.body(), "niederschrift");
      expect(text).toContain(reference);
      expect(text).toContain(BROKER_ORG);
      expect(text).toContain(TRAINER_ORG);
      expect(text).toContain("Thomas Richter");
      expect(text).toContain("Katrin Vogel");
      expect(text).toContain(PRICES.broker.lot1);
      expect(text).toContain(PRICES.trainer.lot2);
      expect(text).toContain("Eingegangene Angebote 2");
      expect(text).toMatch(new RegExp(`${lateOrg} ${deDay(DEADLINE_DAY)}, 12:0\\d:\\d\\d Uhr verspätet eingegangen, nicht angenommen`));
      for (const p of Object.values(PRICES.late)) expect(text).not.toContain(p);
    });
  });

  it("5. Wertung durch zwei Personen, Zuschlagsentscheidung, Bieterinformation, Zuschlag; Vertrag im Portal", async () => {
    expect(tenderId, "Schritt 1 hat keine Ausschreibung veröffentlicht").toBeGreaterThan(0);
    const offerSection = (page: Page, org: string) => page.locator(`section[aria-label="Angebot ${org}"]`);
    const toEvaluation = async (page: Page) => {
      await openTender(page);
      await page.getByRole("link", { name: "Wertung und Zuschlag" }).click();
      await page.waitForURL((u) => u.pathname === `/tenders/${tenderId}/evaluation`);
      await expectHeading(page, `Wertung und Zuschlag: ${TITLE}`);
    };
    const score = async (page: Page, org: string, points: string, scoredBy: number) => {
      const s = offerSection(page, org);
      await s.getByLabel(/^Konzept \(40 %\), 0–3 Punkte/).fill(points);
      await s.getByRole("button", { name: "Bewertung speichern" }).click();
      await expect.poll(async () => (await s.textContent()) ?? "").toContain(scoredBy === 1 ? "bewertet von 1 Person" : `bewertet von ${scoredBy} Personen`);
    };

    await as(PROCUREMENT, "5-formal", async (page) => {
      await toEvaluation(page);
      for (const org of [BROKER_ORG, TRAINER_ORG]) {
        const s = offerSection(page, org);
        expect(await s.count(), `Angebot ${org}`).toBe(1);
        expect(await s.textContent()).toContain("Erklärungen: vollständig");
        await s.getByLabel("zugelassen", { exact: true }).check();
        await s.getByRole("button", { name: "Prüfung speichern" }).click();
        await expect.poll(async () => (await s.locator("h3 .badge").textContent()) ?? "").toBe("zugelassen");
      }
      expect(await offerSection(page, BROKER_ORG).textContent()).toContain(`Los 1: ${PRICES.broker.lot1} €`);
      expect(await offerSection(page, BROKER_ORG).textContent()).toContain("Konzept: Konzept Jobbrücke.pdf");
      expect(await page.locator(`section[aria-label="Angebot ${lateOrg}"]`).count()).toBe(0);
      await score(page, BROKER_ORG, "3", 1);
      await score(page, TRAINER_ORG, "2", 1);
      // Finishing now is refused: every concept needs a second evaluator.
      expect(await bodyText(page)).toContain("statt mindestens zwei Personen bewertet");
    });
    await as(PROCUREMENT2, "5-score", async (page) => {
      await toEvaluation(page);
      // Independent scoring: the colleague's points are not prefilled.
      expect(await offerSection(page, BROKER_ORG).getByLabel(/^Konzept \(40 %\)/).inputValue()).toBe("");
      await score(page, BROKER_ORG, "3", 2);
      await score(page, TRAINER_ORG, "1", 2);
      await page.getByRole("button", { name: "Wertung abschließen" }).click();
      await expectStatus(page, "Wertung abgeschlossen.");
      await expect.poll(() => page.locator('section[aria-label="Los 1"]').count()).toBe(1);
    });

    await as(PROCUREMENT, "5-award", async (page) => {
      await page.reload();
      await expectHeading(page, "Wertung und Zuschlag");
      const ranking = async (lot: number) =>
        page
          .locator(`section[aria-label="Los ${lot}"] tbody tr`)
          .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll("td")).map((td) => (td.textContent ?? "").replace(/\s+/g, " ").trim())));
      await expect.poll(async () => (await ranking(1)).length).toBe(2);
      const lot1 = await ranking(1);
      const lot2 = await ranking(2);
      // Lot 1: cheapest and best concept → 100 points; Lot 2: dearer but the better concept wins.
      expect(lot1.map((r) => [r[0], r[1]])).toEqual([
        ["1", BROKER_ORG],
        ["2", TRAINER_ORG],
      ]);
      expect(lot1[0][2]).toBe(`${PRICES.broker.lot1} €`);
      expect(lot1[0][3]).toBe("3");
      expect(lot1[0][4]).toBe("3");
      expect(lot1[0][5]).toBe("100");
      expect(lot1[1][4]).toBe("1,5");
      expect(lot2.map((r) => [r[0], r[1]])).toEqual([
        ["1", BROKER_ORG],
        ["2", TRAINER_ORG],
      ]);
      expect(lot2[1][3]).toBe("3"); // the trainer is cheapest in lot 2
      expect(Number(lot2[0][5].replace(",", "."))).toBeGreaterThan(Number(lot2[1][5].replace(",", ".")));
      await screenshot(page, "t5-evaluation-ranking");

      for (const lot of [1, 2]) {
        const s = page.locator(`section[aria-label="Los ${lot}"]`);
        const selected = await s.getByLabel("Zuschlag auf").evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? "");
        // The chooser names legal form, city and number, so two bidders of the same name differ.
        expect(selected).toMatch(new RegExp(`^${BROKER_ORG} \\(.*Nr\\. \\d+\\) – Rang 1$`));
        expect(await s.getByLabel("Begründung").inputValue()).toMatch(/^Wirtschaftlichstes Angebot mit [\d,]+ von 100 Punkten\.$/);
        await s.getByRole("button", { name: "Entscheidung speichern" }).click();
        await expect.poll(async () => (await s.textContent()) ?? "").toContain(`Entscheidung: Zuschlag auf ${BROKER_ORG}`);
      }
      await page.getByRole("button", { name: "Zuschlagsentscheidung treffen" }).click();
      await expectStatus(page, "Zuschlagsentscheidung getroffen. Jetzt die Bieter informieren.");
      await page.getByRole("button", { name: "Bieter informieren (§ 134 GWB)" }).click();
      await expectStatus(page, "1 Bieterinformation erstellt und versandt.");
      // National regime: no standstill period before the contract.
      expect(await bodyText(page)).not.toContain("Wartefrist bis");
      await page.getByRole("button", { name: "Zuschlag erteilen" }).click();
      await expectStatus(page, "Zuschlag erteilt: 2 Verträge angelegt.");
      await screenshot(page, "t5-awarded");
      await openTender(page);
      expect(await h1(page)).toContain("Zuschlag erteilt");
      expect(await section(page, "h-docs").getByRole("link", { name: `Bieterinformation ${reference} – ${TRAINER_ORG}` }).count()).toBe(1);
    });

    await as(BROKER, "5-contracts", async (page) => {
      await signIn(page, BROKER);
      await mainNav(page).getByRole("link", { name: "Verträge" }).click();
      await page.waitForURL((u) => u.pathname === "/portal/contracts");
      await expectHeading(page, "Verträge");
      const rows = page.locator("table.data tbody tr");
      await expect.poll(() => rows.count()).toBe(2);
      const texts = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, " "));
      const l1 = texts.find((t) => t.includes(`${reference}-L1`)) ?? "";
      const l2 = texts.find((t) => t.includes(`${reference}-L2`)) ?? "";
      expect(l1).toContain(`${PRICES.broker.lot1} € je Teilnehmer`);
      expect(l1).toContain(lotTerm(6));
      expect(l2).toContain(`${PRICES.broker.lot2} € je Platz und Monat`);
      expect(l2).toContain(lotTerm(12));
      await screenshot(page, "t5-portal-contracts");
      // The status column is shown to the provider in German (not the stored code "active").
      const states = (await rows.locator("td:nth-child(5)").allTextContents()).map((t) => t.trim());
      expect.soft(states, "Vertragsstatus wird als interner Code „active“ statt auf Deutsch angezeigt").not.toContain("active");
    });
    await as(TRAINER, "5-loser", async (page) => {
      await signIn(page, TRAINER);
      await page.goto(`${base}/portal/contracts`);
      await expectHeading(page, "Verträge");
      // The losing bidder has no contract from this tender (the demo's running BaE contract is its only one).
      expect(await bodyText(page)).not.toContain(`${reference}-L`);
    });
  });

  it("6. Postausgang: Information nach § 134 GWB an den unterlegenen Bieter", async () => {
    expect(tenderId, "Schritt 1 hat keine Ausschreibung veröffentlicht").toBeGreaterThan(0);
    await as(ADMIN, "6-outbox", async (page) => {
      await signIn(page, ADMIN);
      await mainNav(page).getByRole("link", { name: "Postausgang" }).click();
      await page.waitForURL((u) => u.pathname === "/admin/mail");
      await expectHeading(page, "Postausgang");
      const info = page.locator("table.data tbody tr", { hasText: `Information nach § 134 GWB: ${reference}` });
      await expect.poll(() => info.count()).toBe(1);
      const cells = (await info.locator("td").allTextContents()).map((t) => t.trim());
      expect(cells[2]).toBe(TRAINER_ORG_MAIL);
      expect(cells[1]).toMatch(new RegExp(`^${deDay(DEADLINE_DAY)}, 12:\\d\\d Uhr$`));
      // The winner gets the award mails, not the § 134 information.
      const award = page.locator("table.data tbody tr", { hasText: `Zuschlag: ${reference}, Los` });
      expect(await award.count()).toBe(2);
      for (const t of await award.locator("td:nth-child(3)").allTextContents()) expect(t.trim()).toBe(BROKER_ORG_MAIL);
      await screenshot(page, "t6-outbox");

      // The .eml carries the letter as a PDF attachment.
      const href = (await info.getByRole("link", { name: ".eml öffnen" }).getAttribute("href")) ?? "";
      const eml = await page.request.get(`${base}${href}`);
      expect(eml.status()).toBe(200);
      const raw = await eml.text();
      expect(raw).toContain(`bieterinformation-${reference}`);
      expect(raw).toMatch(/application\/pdf/);
    });
  });

  it("7. Vergabevermerk (PDF) nennt den Zuschlagsempfänger", async () => {
    expect(tenderId, "Schritt 1 hat keine Ausschreibung veröffentlicht").toBeGreaterThan(0);
    await as(PROCUREMENT, "7-record", async (page) => {
      await openTender(page);
      const pdfResponse = page.waitForResponse((r) => /^\/documents\/\d+$/.test(new URL(r.url()).pathname) && r.request().method() === "GET", { timeout: 15_000 });
      await page.getByRole("button", { name: "Vergabevermerk (PDF)" }).click();
      const first = await pdfResponse;
      const docPath = new URL(first.url()).pathname;
      // A document navigation (the browser loads the file), not a client-side fetch that leaves a blank page.
      expect(first.request().isNavigationRequest()).toBe(true);
      // Asked again for the unchanged procedure: the stored record, not a second copy.
      await openTender(page);
      const againResponse = page.waitForResponse((r) => /^\/documents\/\d+$/.test(new URL(r.url()).pathname) && r.request().method() === "GET", { timeout: 15_000 });
      await page.getByRole("button", { name: "Vergabevermerk (PDF)" }).click();
      expect(new URL((await againResponse).url()).pathname).toBe(docPath);
      // Fetch the stored document with the page's cookies.
      const res = await page.request.get(`${base}${docPath}`);
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toContain("application/pdf");
      const text = pdfText(await res.body(), "vergabevermerk");
      expect(text).toContain(reference);
      expect(text).toContain("Vergabevermerk");
      expect(text).toContain("Zuschlag");
      expect(text).toContain(BROKER_ORG);
      expect(text).toContain(TRAINER_ORG);
      expect(text).toContain("Zuschlag erteilt");
    });
  });
});
