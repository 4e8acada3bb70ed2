import { freshDatabase } from "../setup/db";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Client, Measure, Outcome, PlacePurchase, Provider, User } from "../../entities";
import { BOM, parseCsv } from "~/domain/csv";
import { ForbiddenError, ValidationError } from "~/domain/errors";
import { ProviderOutcomes } from "~/lib/api-contract";
import { em } from "../setup/db";
import type { CurrentUser } from "~/services/auth.server";
import { comparisonCsv, comparisonReportPdf, ownOutcomes, ownOutcomesPage } from "~/services/comparison-exports.server";
import { saveSettings } from "~/services/settings-admin.server";

/**
 * The comparison leaves the page (issue 12, points 5, 6, 9): the staff's CSV and Beirat PDF carry
 * the page's suppression (a provider with n = 2 prints only "gesperrt", and so does the cell that would give it
 * away: one mark for both), German number format; the provider's own view and API carry no other
 * provider's name, id or figure; nobody without the right gets the files.
 *
 * BaE exits in 2007 (fixed history, independent of today):
 *   Alpha Bildungswerk   30 exits, 20 integrated (66,7 %)
 *   Beta Lernhaus        25 exits, 10 integrated (40,0 %)
 *   Gamma Kolleg         21 exits, 13 integrated (61,9 %)  ← hidden secondarily ("gesperrt")
 *   Delta Kleinstträger   2 exits,  1 integrated (50,0 %)  ← hidden primarily (also "gesperrt")
 * Overall 44 of 78 = 56,4 %.
 */

const PROVIDERS = [
  { name: "Alpha Bildungswerk GmbH", exits: 30, integrated: 20 },
  { name: "Beta Lernhaus e. V.", exits: 25, integrated: 10 },
  { name: "Gamma Kolleg gGmbH", exits: 21, integrated: 13 },
  { name: "Delta Kleinstträger UG", exits: 2, integrated: 1 },
] as const;

const ids: Record<string, number> = {};
let staff: CurrentUser;
let staffWithout: CurrentUser;
let alphaUser: CurrentUser;
let seq = 0;
const at = "2008-03-01T10:00:00.000Z";
const QUERY = new URLSearchParams({ line: "places", measure: "integration", type: "bae", period: "year", year: "2007" });

async function user(role: CurrentUser["role"], providerId: number | null, comparisonAccess = false): Promise<CurrentUser> {
  const n = ++seq;
  const now = new Date().toISOString();
  const u = await (await em()).getRepository(User).save({
    email: `vergleich${n}@test.example`, name: `Person ${n}`, role, phone: null, providerId, passwordHash: "x", active: true, providerAdmin: role === "provider", comparisonAccess,
    createdAt: now, updatedAt: now, lastLoginAt: null, passwordChangedAt: now,
  } as Partial<User>);
  return { id: u.id, email: u.email, name: u.name, role, providerId, ...(comparisonAccess ? { comparisonAccess: true } : {}) } as CurrentUser;
}

beforeAll(async () => {
  await freshDatabase();
  const m = await em();
  staff = await user("procurement", null, true);
  staffWithout = await user("procurement", null, false);
  for (const [i, p] of PROVIDERS.entries()) {
    const provider = await m.getRepository(Provider).save({
      externalKey: `VGL-${i}`, kind: "training", name: p.name, legalForm: "GmbH", street: "Weg 1", postalCode: "01917", city: "Kamenz", region: "Kamenz", vatId: null, email: `p${i}@test.example`, phone: "",
      serviceCategories: [], tradeRegistrationDate: null, active: true, createdAt: at, updatedAt: at,
    } as Partial<Provider>);
    ids[p.name] = provider.id;
    const measure = await m.getRepository(Measure).save({
      reference: `MK-VGL-${i}`, providerId: provider.id, typeCode: "bae", title: `BaE ${p.name}`, description: "", origin: "contract", contractId: null, baReference: "", azavNumber: "", azavValidFrom: null, azavValidUntil: null,
      hostName: "", region: "Kamenz", location: "Kamenz", format: "group", entryMode: "continuous", startDates: [], duration: 12, durationUnit: "month", weeklyHours: 3900, capacity: 40,
      priceModel: "place_month", priceCents: 100_000, proRata: "days", eventFees: [], targetGroups: [], minAge: null, maxAge: null, entryConditions: "", validFrom: "2005-01-01", validUntil: "2009-12-31",
      status: "active", statusReason: "", proposedById: null, decidedById: null, decidedAt: null, createdById: null, createdAt: at, updatedAt: at,
    } as Partial<Measure>);
    for (let j = 0; j < p.exits; j++) {
      const n = ++seq;
      const client = await m.getRepository(Client).save({
        reference: `K-V${String(n).padStart(5, "0")}`, firstName: "Mara", lastName: `Vergleich${n}`, birthDate: j % 3 === 0 ? "1986-04-01" : "1970-02-01", unemployedSince: j % 2 ? "2005-01-01" : "2006-06-01",
        street: "", postalCode: "", city: "", phone: "", email: "", region: "Kamenz", targetGroups: j % 5 === 0 ? ["language_needs"] : [], qualification: j % 4 === 0 ? "ohne Berufsabschluss" : "Verkäuferin",
        targetOccupation: "", monthlyBenefitCents: null, householdSize: null, healthNotes: "", caseManagerId: null, createdAt: at, updatedAt: at,
      } as Partial<Client>);
      const exitDate = `2007-${String((j % 12) + 1).padStart(2, "0")}-15`;
      const integrated = j < p.integrated;
      const purchase = await m.getRepository(PlacePurchase).save({
        reference: `EP-2007-${String(n).padStart(5, "0")}`, measureId: measure.id, providerId: provider.id, clientId: client.id, startDate: "2006-09-01", endDate: "2007-12-31",
        status: integrated ? "completed" : j % 2 ? "dropped_out" : "completed", priceModel: "place_month", priceCents: 100_000, proRata: "days", eventFees: [], hours: null, estimatedCents: 1_600_000,
        budgetLineId: null, approvalNeeded: false, consentAt: null, note: "", requestedById: staff.id, requestedAt: at, orderedAt: at, statusReason: "", entryDate: "2006-09-01", exitDate, exitReason: null, exitNote: "",
        createdAt: at, updatedAt: at,
      } as Partial<PlacePurchase>);
      await m.getRepository(Outcome).save({
        clientId: client.id, purchaseId: purchase.id, checkpoint: "exit", status: integrated ? "employment" : "none", employerName: "", startDate: integrated ? exitDate : null, weeklyHours: null,
        asOf: exitDate, note: "", recordedById: null, recordedAt: `${exitDate}T12:00:00.000Z`,
      } as Partial<Outcome>);
    }
  }
  alphaUser = await user("provider", ids[PROVIDERS[0].name]);
}, 120_000);

const rowOf = (rows: { values: string[] }[], name: string) => rows.find((r) => r.values[1] === name)!.values;

describe("CSV of the comparison (staff with the right)", () => {
  it("is German Excel: BOM, semicolons, decimal commas, the period, data date and filters in every row", async () => {
    const file = await comparisonCsv(staff, QUERY);
    expect(file.filename).toBe("traegervergleich-integration-2007.csv");
    expect(file.body.startsWith(BOM)).toBe(true);
    const csv = parseCsv(file.body);
    expect(csv.separator).toBe(";");
    expect(csv.header.slice(0, 10)).toEqual(["Kennzahl", "Träger", "Kennung", "Zeitraum von", "Zeitraum bis", "Datenstand", "Filter", "Ereignisse (k)", "Fälle (n)", "Wert in %"]);
    expect(csv.header).toContain("95-%-Grenze unten in %");
    expect(csv.rows).toHaveLength(5);
    const total = csv.rows[0].values;
    expect(total.slice(0, 5)).toEqual(["Integrationsquote", "Alle Träger (gesamt)", "", "01.01.2007", "31.12.2007"]);
    expect(total[6]).toContain("Maßnahmeart: BaE");
    expect(total[5]).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr$/);
    expect(total.slice(7, 10)).toEqual(["44", "78", "56,4"]);
    const alpha = rowOf(csv.rows, "Alpha Bildungswerk GmbH");
    expect(alpha.slice(7, 10)).toEqual(["20", "30", "66,7"]);
    // The key is always there (names need not be unique).
    expect(alpha[2]).toBe("VGL-0");
    // The interval and the limits as German decimals, low below the rate below high.
    const dec = (s: string) => Number(s.replace(",", "."));
    expect(alpha[10]).toMatch(/^\d+,\d$/);
    expect(dec(alpha[10])).toBeLessThan(66.7);
    expect(dec(alpha[11])).toBeGreaterThan(66.7);
    expect(dec(alpha[16])).toBeLessThan(56.4);
    expect(dec(alpha[17])).toBeGreaterThan(56.4);
    expect(rowOf(csv.rows, "Beta Lernhaus e. V.").slice(7, 10)).toEqual(["10", "25", "40,0"]);
  });

  it("with the protection against subtracting one's own figure, Beta is withheld too and the report says why", async () => {
    await saveSettings(staff, { "comparison.insiderProtection": "1" });
    try {
      const csv = parseCsv((await comparisonCsv(staff, QUERY)).body);
      // With Delta (n = 2) and Gamma alone withheld, Gamma would get Delta's figure by subtracting its own.
      expect(rowOf(csv.rows, "Beta Lernhaus e. V.").slice(7, 10)).toEqual(["gesperrt", "gesperrt", "gesperrt"]);
      expect(rowOf(csv.rows, "Alpha Bildungswerk GmbH").slice(7, 10)).toEqual(["20", "30", "66,7"]);
      const text = pdfText((await comparisonReportPdf(staff, QUERY)).bytes).replace(/\s+/g, " ");
      expect(text).toContain("der seine eigenen Zahlen kennt und abzieht");
    } finally {
      await saveSettings(staff, { "comparison.insiderProtection": "0" });
    }
  });

  it("prints only 'gesperrt' for the provider with n = 2 and the same for the cell that would give it away", async () => {
    const csv = parseCsv((await comparisonCsv(staff, QUERY)).body);
    const delta = rowOf(csv.rows, "Delta Kleinstträger UG");
    expect(delta.slice(7, 20)).toEqual(Array(13).fill("gesperrt"));
    expect(delta.slice(20, 22)).toEqual(["", ""]);
    expect(delta[22]).toContain("weniger als 3 Personen, eine Quote von 0 % oder 100 %, oder damit sich eine solche Zahl nicht errechnen lässt");
    const gamma = rowOf(csv.rows, "Gamma Kolleg gGmbH");
    expect(gamma.slice(7, 20)).toEqual(Array(13).fill("gesperrt"));
    // Neither hidden count nor rate appears anywhere in the file.
    const body = csv.rows.flatMap((r) => r.values.slice(7));
    for (const hidden of ["50,0", "61,9", "13", "21", "2"]) expect(body, hidden).not.toContain(hidden);
  });

  it("an unknown region is replaced by all regions as on the page, and every row says so", async () => {
    const q = new URLSearchParams(QUERY);
    q.set("region", "Atlantis");
    const csv = parseCsv((await comparisonCsv(staff, q)).body);
    expect(csv.rows[0].values[6]).toContain("Region: alle");
    for (const r of csv.rows) expect(r.values[6]).toContain("Hinweis: Die Region „Atlantis“ gibt es nicht. Gezeigt werden alle Regionen.");
    const plain = parseCsv((await comparisonCsv(staff, QUERY)).body);
    expect(plain.rows[0].values[6]).not.toContain("Hinweis");
  });

  it("is refused to staff without the right and to providers", async () => {
    await expect(comparisonCsv(staffWithout, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(comparisonCsv(alphaUser, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

function pdfText(bytes: Uint8Array): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vgl-")), "bericht.pdf");
  fs.writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

describe("the Beirat report (PDF)", () => {
  it("has the title, period, definitions, the overall figure, every provider with n and interval, the funnel as a table, the method", async () => {
    const file = await comparisonReportPdf(staff, QUERY);
    if (process.env.KEEP_PDF) fs.writeFileSync(process.env.KEEP_PDF, file.bytes);
    expect(Buffer.from(file.bytes.slice(0, 5)).toString()).toBe("%PDF-");
    expect(file.filename).toBe("traegervergleich-beirat-integration-2007.pdf");
    const text = pdfText(file.bytes).replace(/[ \t]+/g, " ");
    expect(text).toContain("Trägervergleich: Integrationsquote");
    expect(text).toContain("Kalenderjahr 2007");
    expect(text).toContain("Datenstand");
    expect(text).toContain("Was gezählt wird");
    expect(text).toContain("56,4 %");
    expect(text).toContain("66,7 %");
    expect(text).toContain("Trichterdiagramm als Tabelle");
    expect(text).toContain("Methode");
    // The privacy section names the rule of 0 % and 100 % (the setting is on by default) and not the protection against subtracting one's own (off).
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("Quoten von 0 % und 100 % werden ebenfalls gesperrt");
    expect(flat).not.toContain("abzieht");
    for (const p of PROVIDERS) expect(text).toContain(p.name.split(" ")[0]);
  });

  it("prints no suppressed number", async () => {
    const text = pdfText((await comparisonReportPdf(staff, QUERY)).bytes);
    // One mark for both reasons: "< 3" would bound the withheld value.
    expect(text).not.toMatch(/<\s?3\b/);
    expect(text).toContain("gesperrt");
    for (const hidden of ["50,0 %", "61,9 %"]) expect(text, hidden).not.toContain(hidden);
    // Delta's and Gamma's rows carry only their marks.
    const line = (name: string) => text.split("\n").find((l) => l.includes(name))!;
    const rows = (name: string) => text.split("\n").filter((l) => l.includes(name));
    expect(rows("Delta Kleinstträger").length).toBeGreaterThanOrEqual(2); // by-provider table and funnel table
    for (const l of rows("Delta Kleinstträger")) expect(l.replace(/Delta Kleinstträger( UG)?/, "").replace(/gesperrt/g, "").trim()).toBe("");
    for (const l of rows("Gamma Kolleg")) expect(l.replace(/Gamma Kolleg( gGmbH)?/, "").replace(/gesperrt/g, "").trim()).toBe("");
  });

  it("is refused to staff without the right and to providers", async () => {
    await expect(comparisonReportPdf(staffWithout, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(comparisonReportPdf(alphaUser, QUERY)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("the provider's own view (portal and API)", () => {
  const others = PROVIDERS.slice(1);

  it("gives the own figures with n and interval against the overall rate and the limits at the own n, with the position in words", async () => {
    const view = await ownOutcomes(alphaUser, { period: "year", year: "2007", typeCode: "bae" });
    expect(ProviderOutcomes.parse(view)).toEqual(view);
    expect(view.provider.name).toBe("Alpha Bildungswerk GmbH");
    expect(view.period).toMatchObject({ from: "2007-01-01", to: "2007-12-31", label: "Kalenderjahr 2007" });
    const integration = view.items.find((i) => i.measure === "integration")!;
    expect(integration).toMatchObject({ k: 20, n: 30, suppressed: "none" });
    expect(integration.value).toBeCloseTo(20 / 30, 10);
    expect(integration.overall).toBe(0.564); // rounded to 0.1 % (its k and n would give the others away)
    expect(integration.low! < integration.value! && integration.value! < integration.high!).toBe(true);
    expect(integration.limits!.low95).toBeLessThan(44 / 78);
    expect(integration.positionLabel).toMatch(/im Bereich des Erwartbaren|über der 95-%-Grenze/);
    expect(view.items.map((i) => i.measure)).toEqual(["integration", "sustainability", "dropout", "exam", "cost_per_integration"]);
  });

  it("contains no other provider's name, id or figure (JSON of the API and the page's data)", async () => {
    const api = JSON.stringify(await ownOutcomes(alphaUser, { period: "year", year: "2007", typeCode: "bae" }));
    const page = JSON.stringify(await ownOutcomesPage(alphaUser, QUERY));
    for (const text of [api, page]) {
      for (const o of others) {
        expect(text).not.toContain(o.name.split(" ")[0]);
        expect(text).not.toMatch(new RegExp(`"(providerId|id)":${ids[o.name]}\\b`));
      }
      expect(text).not.toContain("providerId");
      // The overall is a rate only: its counts (78, 44) would give the others' total away.
      expect(text).not.toMatch(/"(k|n)":(78|44|58|24)\b/);
      // No other provider's own figures.
      for (const o of others) expect(text).not.toMatch(new RegExp(`[:\\[]${String(o.integrated / o.exits).replace(".", "\\.")}[,}\\]]`));
    }
  });

  it("shows its own small cell as '< 3' like everywhere else", async () => {
    const delta = await user("provider", ids["Delta Kleinstträger UG"]);
    const view = await ownOutcomes(delta, { period: "year", year: "2007", typeCode: "bae", measure: "integration" });
    expect(view.items).toHaveLength(1);
    expect(view.items[0]).toMatchObject({ suppressed: "small", suppressedLabel: "< 3", k: null, n: null, value: null, low: null, high: null, limits: null });
    expect(view.items[0].overall).toBe(0.564); // rounded to 0.1 % (its k and n would give the others away)
  });

  it("refuses an invalid query with a German 400 naming the field", async () => {
    const refused = (q: Parameters<typeof ownOutcomes>[1]) => ownOutcomes(alphaUser, q).then(() => null, (e: unknown) => e as ValidationError);
    const broker = await refused({ measure: "placement" });
    expect(broker).toBeInstanceOf(ValidationError);
    expect(broker!.fieldErrors.measure).toMatch(/Kennzahl/);
    const line = await refused({ line: "brokers" });
    expect(line!.fieldErrors.line).toMatch(/Träger von Maßnahmen/);
    const future = await refused({ period: "year", year: String(new Date().getFullYear() + 2) });
    expect(future!.fieldErrors.year).toMatch(/Zukunft/);
    const mixed = await refused({ period: "year", year: "2007", end: "2007-12-31" });
    expect(Object.keys(mixed!.fieldErrors)).toEqual(["end"]);
  });

  it("is only for providers: staff have no own outcomes", async () => {
    await expect(ownOutcomes(staff, {})).rejects.toBeInstanceOf(ForbiddenError);
  });
});
