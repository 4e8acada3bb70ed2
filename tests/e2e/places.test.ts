import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM, screenshot } from "../setup/browser";
import { expectHeading, journey } from "../setup/journey";
import { phasedServer } from "../setup/phased-server";
import type { TestServer } from "../setup/server";
import { retryBusy, withServerDb } from "../setup/server-tools";
import { addDays, addMonths, berlinDate, berlinLocalToUtc, formatDate } from "~/domain/time";

/**
 * Individual places in the browser (issue 11, point 10): a case manager buys a BaE place from the
 * BA's catalogue entry → above the approval amount, so a second case manager approves → the BA
 * confirms the order in its portal → reports the entry and a month of attendance → the monthly
 * bill is proposed and the BA confirms it → it reaches finance as a payment item → a dropout is
 * reported and billing stops with the exit month. All dates derive from today (ADR 0009): phase A
 * (buying, approval, confirmation) is tomorrow, the place starts on the first day of the next
 * month; phase B is the third day of the month after the start, so the first month is over and
 * billed by the daily job when the server starts again with its clock there.
 */

const CASE_MANAGER = "fallmanagement@asz-kamenz.example"; // Sabine Krause: buys
const TEAM_LEAD = "fallmanagement2@asz-kamenz.example"; // Michael Wagner: second approval
const BA = "bae@arbeitsagentur-bautzen.example"; // Agentur für Arbeit Bautzen (DEMO-BA-0001)
const FINANCE = "kasse@asz-kamenz.example";

let browser: Browser;
let base = "";
const TODAY = berlinDate(new Date());
const A = addDays(TODAY, 1);
const START = addMonths(`${A.slice(0, 7)}-01`, 1);
const B = addDays(addMonths(START, 1), 2);
const FIRST_MONTH = START.slice(0, 7);
const TAG = Date.now().toString(36).toUpperCase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-places-"));
const server = phasedServer(dataDir);
/** The server's database from the test process (the server keeps running). */
const serverDb = { dataDir } as TestServer;

async function startPhase(day: string) {
  await server.phase(berlinLocalToUtc(`${day}T09:00`)!);
  base = server.baseUrl;
}

const { as, signIn, closeAll } = journey({ browser: () => browser, base: () => base, screenshotPrefix: "pl" });
const squash = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

let measureId = 0;
let clientId = 0;
let clientReference = "";
let purchasePath = "";
let purchaseId = 0;
let purchaseReference = "";
let billReference = "";

beforeAll(async () => {
  [, browser] = await Promise.all([
    startPhase(A),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] }),
  ]);
  // The BA's catalogue entry for this journey (staff enter BA places by hand: § 108 Abs. 6 GWB,
  // no tender of our own) and a 19-year-old client without other participations.
  const fixture = await withServerDb(serverDb, async () => {
    const { tx } = await import("~/lib/db.server");
    const { em } = await import("../setup/db");
    const { nowIso } = await import("~/lib/clock.server");
    const { Client, Provider, User } = await import("../../entities");
    const { createMeasure } = await import("~/services/measures.server");
    const m = await em();
    const ba = await m.getRepository(Provider).findOneByOrFail({ externalKey: "DEMO-BA-0001" });
    const u = await m.getRepository(User).findOneByOrFail({ email: "vergabe@asz-kamenz.example" });
    const procurement = { id: u.id, email: u.email, name: u.name, role: "procurement" as const, providerId: null };
    const de = (d: string) => formatDate(d);
    const measure = await retryBusy(() => createMeasure(procurement, {
      origin: "ba",
      providerId: String(ba.id),
      typeCode: "bae",
      title: `BaE Fachkraft Lagerlogistik – Plätze der BA (${TAG})`,
      region: "Kamenz",
      location: "Bautzen, Neusalzaer Straße 2",
      entryMode: "continuous",
      duration: "36",
      durationUnit: "month",
      weeklyHours: "39",
      capacity: "4",
      priceModel: "place_month",
      price: "950,00",
      proRata: "days",
      validFrom: de(addDays(TODAY, -400)),
      validUntil: de(addDays(TODAY, 400)),
      baReference: `BA-BZ-E2E-${TAG}`,
      targetGroups: ["youth"],
      maxAge: "24",
      eventFees: [],
    }));
    const at = nowIso();
    const client = await retryBusy(() => tx((t) =>
      t.getRepository(Client).save(
        t.getRepository(Client).create({
          reference: `K-E${TAG.slice(-5)}`.slice(0, 12),
          firstName: "Lena",
          lastName: "Journeyfeld",
          birthDate: addDays(TODAY, -19 * 365),
          region: "Kamenz",
          targetGroups: [],
          qualification: "Realschulabschluss",
          targetOccupation: "Fachkraft für Lagerlogistik",
          monthlyBenefitCents: 56300,
          householdSize: 3,
          healthNotes: "vertraulich: Allergie",
          caseManagerId: null,
          createdAt: at,
          updatedAt: at,
        }),
      ),
    ));
    return { measureId: measure.id, clientId: client.id, clientReference: client.reference };
  });
  ({ measureId, clientId, clientReference } = fixture);
}, 300_000);

afterAll(async () => {
  await closeAll();
  await browser?.close();
  await server.stop();
});

async function billsOfPurchase(): Promise<{ billKey: string; status: string; amountCents: number; reference: string }[]> {
  return withServerDb(serverDb, async () => {
    const { em } = await import("../setup/db");
    const { PlaceBill } = await import("../../entities");
    const rows = await (await em()).getRepository(PlaceBill).find({ where: { purchaseId }, order: { billKey: "ASC" } });
    return rows.map((b) => ({ billKey: b.billKey, status: b.status, amountCents: b.amountCents, reference: b.reference }));
  });
}

describe("places journey: from the BA catalogue to the payment item and a dropout", () => {
  it("1. the case manager checks and buys a BaE place; above the approval amount it waits for a second person", async () => {
    await as(CASE_MANAGER, "1-buy", async (page) => {
      await signIn(page, CASE_MANAGER);
      await page.goto(`${base}/purchases/new?clientId=${clientId}&measureId=${measureId}`);
      await expectHeading(page, "Platz kaufen");
      await page.locator("input[name='startDate']").fill(START);
      await page.getByLabel(/Der Kunde willigt ein/).check();
      await page.getByRole("button", { name: "Prüfen" }).click();
      // The check names the cost in every year of the 36 months and the second approval.
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("zweite Person");
      const text = squash(await page.locator("main").textContent());
      for (let y = Number(START.slice(0, 4)); y <= Number(addMonths(START, 36).slice(0, 4)) - (addMonths(START, 36).slice(5) === "01-01" ? 1 : 0); y++) expect(text).toContain(String(y));
      await screenshot(page, "pl1-check");
      await page.getByRole("button", { name: "Platz kaufen" }).click();
      await page.waitForURL((u) => /^\/purchases\/\d+$/.test(u.pathname));
      purchasePath = new URL(page.url()).pathname;
      purchaseId = Number(purchasePath.split("/").pop());
      await expectHeading(page, /EP-\d{4}-\d{5}/);
      purchaseReference = /EP-\d{4}-\d{5}/.exec(squash(await page.locator("h1").textContent()))![0];
      expect(squash(await page.locator("main").textContent())).toContain("beantragt");
      // The requester sees no approval button (four eyes).
      expect(await page.getByRole("button", { name: "Genehmigen und bestellen" }).count()).toBe(0);
    });
  });

  it("2. a second case manager approves; the place is ordered from the BA", async () => {
    await as(TEAM_LEAD, "2-approve", async (page) => {
      await signIn(page, TEAM_LEAD);
      await page.goto(`${base}${purchasePath}`);
      await page.getByRole("button", { name: "Genehmigen und bestellen" }).click();
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("bestellt");
      await screenshot(page, "pl2-approved");
    });
  });

  it("3. the BA confirms the order in its portal; the participant shows with consent, never benefit or health data", async () => {
    await as(BA, "3-confirm", async (page) => {
      await signIn(page, BA);
      await page.goto(`${base}/portal/purchases`);
      await page.getByRole("link", { name: purchaseReference }).click();
      await page.waitForURL((u) => u.pathname === `/portal/purchases/${purchaseId}`);
      const view = squash(await page.locator("main").textContent());
      expect(view).toContain(clientReference);
      expect(view).toContain("Lena Journeyfeld");
      expect(view).not.toContain("Allergie");
      expect(view).not.toContain("563,00");
      await page.getByRole("button", { name: /Bestellung bestätigen/ }).click();
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("vom Träger bestätigt");
      await screenshot(page, "pl3-confirmed");
    });
  });

  it("4. a month later: the BA reports the entry and the first month's attendance", async () => {
    await startPhase(B);
    await as(BA, "4-entry", async (page) => {
      await signIn(page, BA);
      await page.goto(`${base}/portal/purchases/${purchaseId}`);
      await page.locator("#pe-entryDate").fill(START);
      await page.getByRole("button", { name: "Eintritt melden" }).click();
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("läuft");
      await page.reload();
      await page.locator("select[name='month']").selectOption(FIRST_MONTH);
      await page.locator("#pa-daysPresent").fill("19");
      await page.locator("#pa-daysExcused").fill("2");
      await page.locator("#pa-daysUnexcused").fill("1");
      await page.getByRole("button", { name: "Anwesenheit speichern" }).click();
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("19");
      await screenshot(page, "pl4-running");
    });
  });

  it("5. the daily billing proposes the first month's bill; the BA confirms it in the portal", async () => {
    // The daily job proposes the months that are over. The job runner ran once at the start of
    // this phase, possibly before the entry was reported: run the job's billing as its next run would.
    await withServerDb(serverDb, async () => {
      const { proposeBills } = await import("~/services/place-billing.server");
      await retryBusy(() => proposeBills(B));
    });
    expect((await billsOfPurchase()).find((b) => b.billKey === `month:${FIRST_MONTH}`)?.status).toBe("proposed");
    const first = (await billsOfPurchase()).find((b) => b.billKey === `month:${FIRST_MONTH}`)!;
    expect(first.amountCents).toBe(95000);
    billReference = first.reference;
    await as(BA, "5-bill", async (page) => {
      await page.goto(`${base}/portal/purchases/${purchaseId}`);
      const row = page.locator("tr", { hasText: billReference });
      await row.getByRole("button", { name: /bestätigen/ }).click();
      await expect.poll(async () => (await billsOfPurchase()).find((b) => b.reference === billReference)?.status).toBe("confirmed");
      await screenshot(page, "pl5-bill-confirmed");
    });
  });

  it("6. the confirmed bill reaches finance as a payment item on the places budget line", async () => {
    await as(FINANCE, "6-finance", async (page) => {
      await signIn(page, FINANCE);
      await page.goto(`${base}/payments?status=&q=${encodeURIComponent(billReference)}`);
      const table = squash(await page.locator("table.data").first().textContent());
      expect(table).toContain("950,00");
      expect(table).toContain(billReference);
      await page.locator("table.data tbody tr a").first().click();
      await page.waitForURL((u) => /^\/payments\/\d+$/.test(u.pathname));
      const item = squash(await page.locator("main").textContent());
      expect(item).toContain("1.4820.7610");
      await screenshot(page, "pl6-payment-item");
    });
  });

  it("7. a dropout is reported; billing stops with the exit month", async () => {
    await as(BA, "7-dropout", async (page) => {
      await page.goto(`${base}/portal/purchases/${purchaseId}`);
      await page.locator("#pq-exitDate").fill(B);
      await page.locator("#pq-kind").selectOption("dropped_out");
      await page.locator("#pq-reason").selectOption("illness");
      await page.getByRole("button", { name: /Austritt melden/ }).click();
      await expect.poll(async () => squash(await page.locator("main").textContent())).toContain("abgebrochen");
      await screenshot(page, "pl7-dropped-out");
    });
    // The job as it would run four months later: the exit month is billed up to the exit day (three days), nothing after it.
    await withServerDb(serverDb, async () => {
      const { proposeBills } = await import("~/services/place-billing.server");
      await retryBusy(() => proposeBills(addMonths(B, 4)));
    });
    const months = (await billsOfPurchase()).filter((b) => b.billKey.startsWith("month:"));
    expect(months.map((b) => b.billKey.slice(6))).toEqual([FIRST_MONTH, B.slice(0, 7)]);
    const daysInExitMonth = Number(addDays(addMonths(`${B.slice(0, 7)}-01`, 1), -1).slice(8));
    expect(months[1].amountCents).toBe(Math.round((95000 * 3) / daysInExitMonth));
  });
});
