import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM, screenshot } from "../setup/browser";
import { expectHeading, expectStatus, journey } from "../setup/journey";
import { startServer, type TestServer } from "../setup/server";
import { withServerDb } from "../setup/server-tools";
import { PAIN_001_001_09_XSD, validateXsd } from "../support/xsd";
import { buildXRechnungUbl } from "~/demo/xrechnung-fixture";
import { buildCamt053 } from "~/demo/camt-fixture";
import { addDays, berlinDate, formatDate } from "~/domain/time";

/**
 * The finance line in the browser (issue 10, point 19): a provider uploads an XRechnung for its
 * contract → factual check (procurement) → the same person's second signature is refused with
 * its message → arithmetic check (finance A) → payment order (finance B, authorised) → VoP →
 * payment run → the pain.001 file is downloaded and valid against the XSD → the bank statement
 * (camt.053) is imported → the provider sees the invoice paid. Dates derive from today.
 */

const PROVIDER = "traeger@bildungswerk-lausitz.example"; // Bildungswerk Lausitz (DEMO-T-0001)
const PROCUREMENT = "vergabe@asz-kamenz.example"; // Thomas Richter: factual check
const FINANCE_A = "kasse@asz-kamenz.example"; // Frank Neumann: arithmetic check, VoP, run, statement
const FINANCE_B = "kasse2@asz-kamenz.example"; // Monika Lehmann: payment order (authority up to 100.000 €)

let browser: Browser;
let server: TestServer;
let base = "";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vt-finance-e2e-"));
const TODAY = berlinDate(new Date());
const NUMBER = `BW-E2E-${Date.now().toString(36).toUpperCase()}`;

const { as, signIn, closeAll } = journey({ browser: () => browser, base: () => base, screenshotPrefix: "f", contextOptions: { acceptDownloads: true } });
const squash = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

// Handed from step to step.
let invoiceFile = "";
let contractReference = "";
let amountCents = 0;
let itemPath = "";
let itemReference = "";
let runPath = "";
let painFile = "";
let debtor = { iban: "", name: "" };

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error("Chromium fehlt: bitte `apt-get install -y chromium` ausführen.");
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] }),
  ]);
  base = server.baseUrl;
  // The provider's own data for its e-invoice: master data, bank account, the running contract, the authority's Leitweg-ID.
  const facts = await withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { getSettings } = await import("~/lib/settings.server");
    const { BankAccount, Contract, Provider, User } = await import("../../entities");
    const m = await em();
    const user = await m.getRepository(User).findOneByOrFail({ email: PROVIDER });
    const provider = await m.getRepository(Provider).findOneByOrFail({ id: user.providerId! });
    const account = await m.getRepository(BankAccount).findOneByOrFail({ providerId: provider.id, current: true });
    const contract = await m
      .getRepository(Contract)
      .createQueryBuilder("c")
      .where("c.providerId = :p AND c.priceUnit = 'place_month' AND c.startDate <= :d AND c.endDate >= :d", { p: provider.id, d: TODAY })
      .getOneOrFail();
    const settings = await getSettings(m);
    return { provider, account, contract, leitweg: settings["finance.leitwegId"], debtor: { iban: settings["finance.debtorIban"], name: settings["finance.debtorName"] } };
  });
  debtor = facts.debtor;
  contractReference = facts.contract.reference;
  const monthStart = `${TODAY.slice(0, 7)}-01`;
  const xml = buildXRechnungUbl({
    number: NUMBER,
    issueDate: TODAY,
    buyerReference: facts.leitweg,
    contractReference,
    periodStart: monthStart,
    periodEnd: TODAY,
    seller: {
      name: facts.provider.name,
      street: facts.provider.street,
      postalCode: facts.provider.postalCode,
      city: facts.provider.city,
      vatId: facts.provider.vatId!,
      contactName: "Claudia Berger",
      phone: "03578 1234",
      email: "rechnung@bildungswerk-lausitz.example",
      iban: facts.account.iban,
    },
    buyer: { name: "Landkreis Kamenz, Arbeits- und Sozialzentrum", street: "Macherstraße 55", postalCode: "01917", city: "Kamenz", email: "rechnung@asz-kamenz.example" },
    lines: [{ name: `BaE-Plätze ${formatDate(monthStart)}–${formatDate(TODAY)}`, quantity: 1, unitPriceCents: 250_000 }],
  });
  amountCents = 250_000;
  invoiceFile = path.join(tmp, `${NUMBER}.xml`);
  fs.writeFileSync(invoiceFile, xml);
}, 240_000);

afterAll(async () => {
  await closeAll();
  await browser?.close();
  await server?.stop();
});

async function openItem(page: Page) {
  await page.goto(`${base}${itemPath}`);
  await expectHeading(page, `Zahlung ${itemReference}`);
}

describe("finance journey: from the provider's e-invoice to the bank statement", () => {
  it("1. the provider uploads its XRechnung for the contract; it is accepted and waits for the factual check", async () => {
    await as(PROVIDER, "1-upload", async (page) => {
      await signIn(page, PROVIDER);
      await page.goto(`${base}/portal/invoices/new`);
      await page.locator('input[type="file"][name="file"]').setInputFiles(invoiceFile);
      await page.getByRole("button", { name: "Rechnung einreichen" }).click();
      await page.waitForURL((u) => /^\/portal\/invoices\/\d+$/.test(u.pathname));
      await expectStatus(page, "eingegangen und angenommen");
      const text = squash(await page.locator("main").textContent());
      expect(text).toContain(NUMBER);
      await screenshot(page, "f1-invoice-accepted");
    });
  });

  it("2. procurement signs 'sachlich richtig'; a second signature by the same person is refused with its message", async () => {
    await as(PROCUREMENT, "2-factual", async (page) => {
      await signIn(page, PROCUREMENT);
      await page.goto(`${base}/payments?q=${encodeURIComponent(NUMBER)}`);
      const link = page.locator("table.data tbody tr a").first();
      itemReference = squash(await link.textContent());
      expect(itemReference).toMatch(/^ZA-\d{4}-\d{6}$/);
      await link.click();
      await page.waitForURL((u) => /^\/payments\/\d+$/.test(u.pathname));
      itemPath = new URL(page.url()).pathname;
      // The factual check sees the contract and what it allows.
      expect(squash(await page.locator("section", { has: page.locator("h2#h-factual") }).textContent())).toContain(contractReference);
      await page.getByRole("button", { name: "„sachlich richtig“ zeichnen" }).click();
      await expectStatus(page, "„sachlich richtig“ gezeichnet.");

      // The same person tries the arithmetic check on the list (bulk form): refused, with the reason.
      await page.goto(`${base}/payments?status=awaiting_arithmetic&q=${encodeURIComponent(NUMBER)}`);
      await page.locator('input[name="id"]').first().check();
      await page.getByRole("button", { name: /Ausgewählte „rechnerisch richtig“ zeichnen/ }).click();
      await expectStatus(page, "0 Zahlungen „rechnerisch richtig“ gezeichnet.");
      const status = squash(await page.getByRole("status").first().textContent());
      expect(status).toContain(`${itemReference}: Sie haben diese Zahlung bereits „sachlich richtig“ gezeichnet; „rechnerisch richtig“ muss eine andere Person zeichnen (Vier-Augen-Prinzip).`);
      await screenshot(page, "f2-second-signature-refused");
    });
  });

  it("3. finance A signs 'rechnerisch richtig', finance B orders (authorised for the line), finance A records the VoP result", async () => {
    await as(FINANCE_A, "3-arithmetic", async (page) => {
      await signIn(page, FINANCE_A);
      await openItem(page);
      await page.getByRole("button", { name: "„rechnerisch richtig“ zeichnen" }).click();
      await expectStatus(page, "„rechnerisch richtig“ gezeichnet.");
      // Finance A may not also order it.
      expect(squash(await page.locator("main").textContent())).toContain("„Anordnung“: Sie haben diese Zahlung bereits „rechnerisch richtig“ gezeichnet");
    });
    await as(FINANCE_B, "3-order", async (page) => {
      await signIn(page, FINANCE_B);
      await openItem(page);
      await page.getByRole("button", { name: "„Anordnung“ zeichnen" }).click();
      await expectStatus(page, "„Anordnung“ gezeichnet.");
      const signatures = squash(await page.locator("section", { has: page.locator("h2#h-signatures") }).textContent());
      expect(signatures).toContain("Thomas Richter");
      expect(signatures).toContain("Frank Neumann");
      expect(signatures).toContain("Monika Lehmann");
      expect(await page.getByRole("link", { name: "Auszahlungsanordnung (PDF)" }).count()).toBe(1);
      await screenshot(page, "f3-ordered");
    });
    await as(FINANCE_A, "3-vop", async (page) => {
      await openItem(page);
      await page.getByLabel("Übereinstimmung", { exact: true }).check();
      await page.getByRole("button", { name: "Ergebnis speichern" }).click();
      await expectStatus(page, "Empfängerüberprüfung ist erfasst");
    });
  });

  it("4. finance creates a payment run; the pain.001 file is downloaded and valid against the XSD", async () => {
    await as(FINANCE_A, "4-run", async (page) => {
      await page.goto(`${base}/finance/runs`);
      await expectHeading(page, "Zahlläufe");
      // Due in 30 days: the run takes everything due up to then.
      await page.locator("#p-dueUntil").fill(addDays(TODAY, 31));
      await page.getByRole("button", { name: "Vorschau aktualisieren" }).click();
      await page.waitForURL((u) => u.searchParams.has("dueUntil"));
      await page.getByRole("button", { name: /^Zahllauf erstellen/ }).click();
      await page.waitForURL((u) => /^\/finance\/runs\/\d+$/.test(u.pathname));
      runPath = new URL(page.url()).pathname;
      await expectStatus(page, "erstellt");
      expect(squash(await page.locator("main").textContent())).toContain(itemReference);

      const downloading = page.waitForEvent("download");
      await page.getByRole("link", { name: /^SEPA-Datei/ }).click();
      const download = await downloading;
      painFile = path.join(tmp, "run.xml");
      await download.saveAs(painFile);
      const xml = fs.readFileSync(painFile, "utf8");
      expect(validateXsd(xml, PAIN_001_001_09_XSD)).toEqual([]);
      expect(xml).toContain(`<EndToEndId>VT-${itemReference}</EndToEndId>`);
      expect(xml).toContain(`<Ustrd>Rechnung ${NUMBER}</Ustrd>`);
      expect(xml).not.toContain("<AdrLine>");
      await screenshot(page, "f4-run");
    });
  });

  it("5. the bank statement (camt.053) is imported and books the run's payments", async () => {
    await as(FINANCE_A, "5-statement", async (page) => {
      const xml = fs.readFileSync(painFile, "utf8");
      const entries = [...xml.matchAll(/<CdtTrfTxInf>([\s\S]*?)<\/CdtTrfTxInf>/g)].map((m) => {
        const tx = m[1];
        const pick = (re: RegExp) => re.exec(tx)?.[1] ?? null;
        return {
          endToEndId: pick(/<EndToEndId>([^<]+)<\/EndToEndId>/),
          amountCents: Math.round(Number(pick(/<InstdAmt Ccy="EUR">([^<]+)<\/InstdAmt>/)) * 100),
          creditDebit: "DBIT" as const,
          counterpartyName: pick(/<Cdtr>\s*<Nm>([^<]+)<\/Nm>/),
          counterpartyIban: pick(/<CdtrAcct>\s*<Id>\s*<IBAN>([^<]+)<\/IBAN>/),
          remittance: pick(/<Ustrd>([^<]+)<\/Ustrd>/),
        };
      });
      expect(entries.some((e) => e.endToEndId === `VT-${itemReference}` && e.amountCents === amountCents)).toBe(true);
      const camt = buildCamt053({ messageId: `E2E-${Date.now()}`, createdAt: new Date().toISOString(), account: { iban: debtor.iban, name: debtor.name }, bookingDate: TODAY, entries });
      const camtFile = path.join(tmp, "auszug.xml");
      fs.writeFileSync(camtFile, camt);
      await page.goto(`${base}/finance/statements`);
      await page.locator('input[type="file"][name="file"]').setInputFiles(camtFile);
      await page.getByRole("button", { name: "Einlesen und buchen" }).click();
      await page.waitForURL((u) => /^\/finance\/statements\/\d+$/.test(u.pathname));
      await expectStatus(page, "Zahlungen als ausgezahlt gebucht");
      await page.goto(`${base}${runPath}`);
      expect(squash(await page.locator("main").textContent())).toContain("vollständig gebucht");
      await openItem(page);
      expect(squash(await page.locator("h1").textContent())).toContain("ausgezahlt");
      await screenshot(page, "f5-paid");
    });
  });

  it("6. the provider sees its invoice paid, with the day", async () => {
    await as(PROVIDER, "6-paid", async (page) => {
      await page.goto(`${base}/portal/invoices`);
      const row = squash(await page.locator("table.data tbody tr", { hasText: NUMBER }).first().textContent());
      expect(row).toContain(`bezahlt am ${formatDate(TODAY)}`);
      await screenshot(page, "f6-provider-paid");
    });
  });
});
