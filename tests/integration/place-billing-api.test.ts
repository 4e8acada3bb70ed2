import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../setup/server";
import { createApiTokensInProcess, retryBusy, withServerDb } from "../setup/server-tools";

/**
 * The bills API for providers (/api/v1/bills): the own bills with a status filter, one bill,
 * the confirmation (201 with the invoice, idempotent with the same key, 409 once confirmed, 404
 * for another organisation's bill, scope "invoices" needed). Self-sufficient: a running place of
 * DEMO-T-0001 that started three months before today is created in the server's database and
 * its months are proposed by the job's function. Requires a current build.
 */

const TRAINER = "traeger@bildungswerk-lausitz.example";
const OTHER_PROVIDER = "vermittler@jobbruecke-kamenz.example";
const PROCUREMENT = "vergabe@asz-kamenz.example";

let server: TestServer;
let trainer: string;
let other: string;
let staff: string;
let readOnly: string;
let billIds: number[];
let purchaseReference: string;

async function api(path: string, init: { token?: string; method?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const res = await fetch(server.baseUrl + "/api/v1" + path, { method: init.method ?? "GET", headers, redirect: "manual" });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

beforeAll(async () => {
  server = await startServer();
  [trainer, other, staff] = await createApiTokensInProcess(server, [TRAINER, OTHER_PROVIDER, PROCUREMENT], "Abrechnungstest");
  const setup = await withServerDb(server, async () => {
    const { tx } = await import("~/lib/db.server");
    const { em } = await import("../setup/db");
    const { today } = await import("~/lib/clock.server");
    const { addMonths } = await import("~/domain/time");
    const { placeEnd, costByYear } = await import("~/domain/places");
    const { Client, Measure, PlacePurchase, User, BankAccount } = await import("../../entities");
    const { commitFunds } = await import("~/services/budget.server");
    const { proposeBills } = await import("~/services/place-billing.server");
    const { createToken } = await import("~/services/api-tokens.server");
    const m = await em();
    const user = await m.getRepository(User).findOneOrFail({ where: { email: TRAINER } });
    const providerId = user.providerId!;
    const { token } = await retryBusy(() => createToken({ id: null, label: "test" }, user.id, "Nur lesen", { scopes: ["read"] }));
    expect(await m.getRepository(BankAccount).count({ where: { providerId, current: true } })).toBe(1);
    const start = `${addMonths(today(), -3).slice(0, 7)}-01`;
    const end = placeEnd(start, 36, "month");
    const terms = { priceModel: "place_month", priceCents: 95_000, proRata: "days", eventFees: [], hours: null };
    const at = new Date().toISOString();
    const p = await retryBusy(() =>
      tx(async (t) => {
        const client = await t.getRepository(Client).save(t.getRepository(Client).create({ reference: "K-API-0001", firstName: "Max", lastName: "Beispiel", birthDate: "2006-01-01", street: "", postalCode: "", city: "Kamenz", phone: "", email: "", region: "Kamenz", targetGroups: [], qualification: "", targetOccupation: "", monthlyBenefitCents: null, householdSize: null, healthNotes: "", caseManagerId: null, createdAt: at, updatedAt: at }));
        const measure = await t.getRepository(Measure).save(
          t.getRepository(Measure).create({ reference: "MK-API-0001", providerId, typeCode: "bae", title: "BaE kooperativ (API-Test)", description: "", origin: "ba", contractId: null, baReference: "", azavNumber: "", azavValidFrom: null, azavValidUntil: null, hostName: "", region: "Kamenz", location: "Kamenz", format: "individual", entryMode: "continuous", startDates: [], duration: 36, durationUnit: "month", weeklyHours: 3900, capacity: 10, ...terms, targetGroups: [], minAge: null, maxAge: null, entryConditions: "", validFrom: "2000-01-01", validUntil: "2075-12-31", status: "active", statusReason: "", proposedById: null, decidedById: null, decidedAt: null, createdById: null, createdAt: at, updatedAt: at }),
        );
        const shares = costByYear(terms, start, end);
        const purchase = await t.getRepository(PlacePurchase).save(
          t.getRepository(PlacePurchase).create({ reference: "EP-2026-990001", measureId: measure.id, providerId, clientId: client.id, startDate: start, endDate: end, status: "running", ...terms, estimatedCents: shares.reduce((a, s) => a + s.amountCents, 0), budgetLineId: null, approvalNeeded: false, consentAt: null, note: "", requestedById: user.id, requestedAt: at, approvedById: null, approvedAt: null, orderedAt: at, orderDocumentId: null, answeredById: null, answeredAt: null, statusReason: "", entryDate: start, exitDate: null, exitReason: null, exitNote: "", createdAt: at, updatedAt: at }),
        );
        await commitFunds(t, "system", { budgetLineNumber: "1.4820.7610", sourceType: "purchase", sourceId: purchase.id, providerId, description: `Platzkauf ${purchase.reference}`, shares });
        return purchase;
      }),
    );
    await retryBusy(() => proposeBills(today()));
    const { PlaceBill } = await import("../../entities");
    const bills = await m.getRepository(PlaceBill).find({ where: { purchaseId: p.id }, order: { periodStart: "ASC" } });
    return { billIds: bills.map((b) => b.id), reference: p.reference, readOnly: token };
  });
  billIds = setup.billIds;
  purchaseReference = setup.reference;
  readOnly = setup.readOnly;
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe("GET /api/v1/bills", () => {
  it("lists the own bills with the status filter; another organisation sees none of them", async () => {
    expect(billIds).toHaveLength(3);
    const res = await api("/bills?status=proposed&pageSize=100", { token: trainer });
    expect(res.status).toBe(200);
    const mine = (res.body!.items as { id: number; purchase: string; status: string; location: string }[]).filter((b) => billIds.includes(b.id));
    expect(mine).toHaveLength(3);
    expect(mine.every((b) => b.purchase === purchaseReference && b.status === "proposed" && b.location === `/api/v1/bills/${b.id}`)).toBe(true);
    expect((await api("/bills?status=confirmed&pageSize=100", { token: trainer })).body!.items.some((b: { id: number }) => billIds.includes(b.id))).toBe(false);
    expect((await api("/bills?status=paid", { token: trainer })).status).toBe(400);
    const others = await api("/bills?pageSize=100", { token: other });
    expect(others.status).toBe(200);
    expect(others.body!.items.some((b: { id: number }) => billIds.includes(b.id))).toBe(false);
    expect((await api("/bills", { token: staff })).status).toBe(403);
    expect((await api("/bills")).status).toBe(401);
  });

  it("one own bill; another organisation's: 404", async () => {
    const one = await api(`/bills/${billIds[0]}`, { token: trainer });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: billIds[0], kind: "month", amountCents: 95_000, status: "proposed", invoiceId: null });
    expect((await api(`/bills/${billIds[0]}`, { token: other })).status).toBe(404);
    expect((await api(`/bills/999999`, { token: trainer })).status).toBe(404);
  });
});

describe("POST /api/v1/bills/{id}/confirm", () => {
  it("404 for another organisation; 403 without the scope invoices; 201 with the invoice; same key replays; again: 409", async () => {
    const id = billIds[0];
    expect((await api(`/bills/${id}/confirm`, { token: other, method: "POST" })).status).toBe(404);
    const scope = await api(`/bills/${id}/confirm`, { token: readOnly, method: "POST" });
    expect(scope.status).toBe(403);
    const first = await api(`/bills/${id}/confirm`, { token: trainer, method: "POST", headers: { "Idempotency-Key": `bill-${id}` } });
    expect(first.status).toBe(201);
    expect(first.body!.bill).toMatchObject({ id, status: "confirmed" });
    expect(first.body!.invoice.number).toBe(first.body!.bill.reference);
    expect(first.headers.get("location")).toBe(`/api/v1/invoices/${first.body!.invoice.id}`);
    const replay = await api(`/bills/${id}/confirm`, { token: trainer, method: "POST", headers: { "Idempotency-Key": `bill-${id}` } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body!.invoice.id).toBe(first.body!.invoice.id);
    const again = await api(`/bills/${id}/confirm`, { token: trainer, method: "POST" });
    expect(again.status).toBe(409);
    const invoice = await api(`/invoices/${first.body!.invoice.id}`, { token: trainer });
    expect(invoice.status).toBe(200);
    expect(invoice.body).toMatchObject({ channel: "api", form: "bill", grossCents: 95_000, status: "accepted" });
    expect((await api(`/bills/${id}`, { token: trainer })).body).toMatchObject({ status: "confirmed", invoiceId: first.body!.invoice.id });
    expect((await api(`/bills/${id}/confirm`, { token: trainer })).status).toBe(405);
  });
});
