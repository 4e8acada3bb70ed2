import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { Client, Measure, PlaceBill, PlacePurchase, User } from "../../entities";
import { em } from "../setup/db";
import { setClock } from "~/lib/clock.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { createToken } from "~/services/api-tokens.server";
import * as entryRoute from "~/routes/api.v1.purchases.$id.entry";
import * as attendanceRoute from "~/routes/api.v1.purchases.$id.attendance";
import * as examsRoute from "~/routes/api.v1.purchases.$id.exams";
import * as exitRoute from "~/routes/api.v1.purchases.$id.exit";

/**
 * The participation API in process (the HTTP contract of the same operations is checked against
 * the OpenAPI document in api-contract.test.ts): own purchases only (404 for another
 * organisation's), the `places` scope for POST (403 without), 400/422 with field errors, 409
 * for a wrong state, idempotent retries. Today is 10.05.2026.
 */

const CTX = { nonce: "", clientAddress: "127.0.0.1" };
let own: string; // traeger@ (DEMO-T-0001), every scope
let readOnly: string; // traeger@, scope read only
let other: string; // angebote@demo-t-0002
let providerId: number;
let measureId: number;
let clientId: number;
let seq = 0;

type Route = { action: (args: never) => Promise<Response>; loader: (args: never) => Promise<Response> };

async function call(route: Route, id: number, token: string, init: { method?: string; body?: unknown; raw?: string; contentType?: string; key?: string } = {}) {
  const method = init.method ?? "POST";
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (method !== "GET") headers["Content-Type"] = init.contentType ?? "application/json";
  if (init.key) headers["Idempotency-Key"] = init.key;
  const request = new Request(`http://localhost/api/v1/purchases/${id}/x`, { method, headers, body: method === "GET" ? undefined : (init.raw ?? JSON.stringify(init.body ?? {})) });
  const handler = (method === "GET" ? route.loader : route.action) as (args: unknown) => Promise<Response>;
  const res = await handler({ request, params: { id: String(id) }, context: CTX });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

async function purchase(over: Partial<PlacePurchase> = {}): Promise<PlacePurchase> {
  const repo = (await em()).getRepository(PlacePurchase);
  seq++;
  return repo.save(
    repo.create({
      reference: `PK-A-${String(seq).padStart(5, "0")}`,
      measureId,
      providerId,
      clientId,
      startDate: "2026-04-20",
      endDate: "2029-04-19",
      status: "confirmed",
      priceModel: "place_month",
      priceCents: 150000,
      proRata: "days",
      eventFees: [],
      hours: null,
      estimatedCents: 5400000,
      budgetLineId: null,
      approvalNeeded: false,
      consentAt: null,
      note: "",
      requestedById: 1,
      requestedAt: "2026-03-01T09:00:00.000Z",
      orderedAt: "2026-03-01T10:00:00.000Z",
      statusReason: "",
      entryDate: null,
      exitDate: null,
      exitReason: null,
      exitNote: "",
      createdAt: "2026-03-01T09:00:00.000Z",
      updatedAt: "2026-03-01T09:00:00.000Z",
      ...over,
    }),
  );
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  setClock("2026-05-10T10:00:00.000Z");
  const m = await em();
  const users = m.getRepository(User);
  const trainer = await users.findOneOrFail({ where: { email: "traeger@bildungswerk-lausitz.example" } });
  const second = await users.findOneOrFail({ where: { email: "angebote@demo-t-0002.example" } });
  providerId = trainer.providerId!;
  own = (await createToken({ id: null, label: "test" }, trainer.id, "Alles")).token;
  readOnly = (await createToken({ id: null, label: "test" }, trainer.id, "Nur lesen", { scopes: ["read"] })).token;
  other = (await createToken({ id: null, label: "test" }, second.id, "Fremd")).token;
  const clients = m.getRepository(Client);
  clientId = (await clients.save(clients.create({ reference: "KD-A-0001", firstName: "Anna", lastName: "Teilnehmerin", birthDate: null, targetGroups: [], monthlyBenefitCents: null, householdSize: null, healthNotes: "", caseManagerId: null, createdAt: "2026-01-01T09:00:00.000Z", updatedAt: "2026-01-01T09:00:00.000Z" }))).id;
  const measures = m.getRepository(Measure);
  measureId = (
    await measures.save(
      measures.create({ reference: "MK-A-0001", providerId, typeCode: "fbw", title: "FbW Lagerlogistik (Test)", origin: "certified", format: "group", entryMode: "continuous", startDates: [], duration: 12, durationUnit: "month", weeklyHours: 3500, capacity: 12, priceModel: "place_month", priceCents: 90000, proRata: "days", eventFees: [], targetGroups: [], validFrom: "2020-01-01", validUntil: "2035-12-31", status: "active", createdAt: "2026-01-01T09:00:00.000Z", updatedAt: "2026-01-01T09:00:00.000Z" }),
    )
  ).id;
}, 180_000);

describe("entry", () => {
  it("200 with the purchase running; a retry with the same key is replayed; another organisation's purchase is 404", async () => {
    const p = await purchase();
    expect((await call(entryRoute, p.id, other, { body: { entryDate: "2026-04-20" } })).status).toBe(404);
    const res = await call(entryRoute, p.id, own, { body: { entryDate: "2026-04-20" }, key: "entry-1" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: p.id, status: "running", statusLabel: expect.any(String), entryDate: "2026-04-20", exitDate: null });
    const again = await call(entryRoute, p.id, own, { body: { entryDate: "2026-04-20" }, key: "entry-1" });
    expect(again.status).toBe(200);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    // Without the key, a second entry is a state conflict.
    expect((await call(entryRoute, p.id, own, { body: { entryDate: "2026-04-20" } })).status).toBe(409);
  });

  it("403 without the places scope; 415 for a form; 400 for a wrong type or an unknown field; 422 naming the field for a broken rule", async () => {
    const p = await purchase();
    expect((await call(entryRoute, p.id, readOnly, { body: { entryDate: "2026-04-20" } })).status).toBe(403);
    expect((await call(entryRoute, p.id, own, { raw: "entryDate=2026-04-20", contentType: "application/x-www-form-urlencoded" })).status).toBe(415);
    const typo = await call(entryRoute, p.id, own, { body: { entryDate: "2026-04-20", entry: "x" } });
    expect(typo.status).toBe(400);
    expect(Object.keys(typo.body!.errors)).toEqual(["entry"]);
    const tomorrow = await call(entryRoute, p.id, own, { body: { entryDate: "2026-05-11" } });
    expect(tomorrow.status).toBe(422);
    expect(tomorrow.body!.errors.entryDate).toMatch(/in der Zukunft/);
    const early = await call(entryRoute, p.id, own, { body: { entryDate: "2026-03-20" } });
    expect(early.status).toBe(422);
    expect(early.body!.errors.entryDate).toMatch(/mehr als 30 Tage/);
    expect((await call(entryRoute, p.id, own, { body: { entryDate: "2026-03-21" } })).status).toBe(200);
  });
});

describe("attendance", () => {
  it("409 before the entry; 422 for too many days, naming the maximum; 200 and listed; 409 after a confirmed bill", async () => {
    const p = await purchase();
    const before = await call(attendanceRoute, p.id, own, { body: { month: "2026-04", daysPresent: 1, daysExcused: 0, daysUnexcused: 0 } });
    expect(before.status).toBe(409);
    await call(entryRoute, p.id, own, { body: { entryDate: "2026-04-20" } });
    const over = await call(attendanceRoute, p.id, own, { body: { month: "2026-04", daysPresent: 12, daysExcused: 0, daysUnexcused: 0 } });
    expect(over.status).toBe(422);
    expect(over.body!.errors.daysPresent).toMatch(/höchstens 11 Tage/);
    const bad = await call(attendanceRoute, p.id, own, { body: { month: "April", daysPresent: -1, daysExcused: 0, daysUnexcused: 0 } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body!.errors).sort()).toEqual(["daysPresent", "month"]);
    const ok = await call(attendanceRoute, p.id, own, { body: { month: "2026-04", daysPresent: 11, daysExcused: 0, daysUnexcused: 0 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ month: "2026-04", daysPresent: 11, daysInParticipation: 11, billed: false, channel: "api" });
    const list = await call(attendanceRoute, p.id, readOnly, { method: "GET" });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ purchaseId: p.id, reference: p.reference, items: [{ month: "2026-04", daysPresent: 11 }] });
    expect((await call(attendanceRoute, p.id, other, { method: "GET" })).status).toBe(404);
    expect((await call(attendanceRoute, p.id, other, { body: { month: "2026-04", daysPresent: 1, daysExcused: 0, daysUnexcused: 0 } })).status).toBe(404);
    expect((await call(attendanceRoute, p.id, readOnly, { body: { month: "2026-04", daysPresent: 1, daysExcused: 0, daysUnexcused: 0 } })).status).toBe(403);
    const bills = (await em()).getRepository(PlaceBill);
    await bills.save(
      bills.create({ reference: "AB-A-0001", purchaseId: p.id, providerId, kind: "month", billKey: "month:2026-04", periodStart: "2026-04-20", periodEnd: "2026-04-30", event: null, calculation: "Test", amountCents: 33000, status: "invoiced", invoiceId: null, confirmedById: null, confirmedAt: null, createdAt: "2026-05-01T09:00:00.000Z", updatedAt: "2026-05-01T09:00:00.000Z" }),
    );
    const late = await call(attendanceRoute, p.id, own, { body: { month: "2026-04", daysPresent: 10, daysExcused: 1, daysUnexcused: 0 } });
    expect(late.status).toBe(409);
    expect(late.body!.detail).toMatch(/bereits abgerechnet/);
    expect((await call(attendanceRoute, p.id, own, { method: "GET" })).body!.items[0]).toMatchObject({ daysPresent: 11, billed: true });
  });
});

describe("exams and exit", () => {
  it("exam 201; before the entry 422; exit without a reason 422; exit 200; another organisation 404; without scope 403", async () => {
    const p = await purchase();
    await call(entryRoute, p.id, own, { body: { entryDate: "2026-04-20" } });
    const exam = await call(examsRoute, p.id, own, { body: { examName: "IHK-Abschlussprüfung Fachlagerist", examDate: "2026-05-08", passed: true, grade: "2,3" } });
    expect(exam.status).toBe(201);
    expect(exam.body).toMatchObject({ examName: "IHK-Abschlussprüfung Fachlagerist", passed: true, grade: "2,3" });
    const early = await call(examsRoute, p.id, own, { body: { examName: "Zwischenprüfung", examDate: "2026-04-19", passed: true } });
    expect(early.status).toBe(422);
    expect(early.body!.errors.examDate).toMatch(/vor dem Eintritt/);
    expect((await call(examsRoute, p.id, other, { body: { examName: "X", examDate: "2026-05-08", passed: true } })).status).toBe(404);
    expect((await call(examsRoute, p.id, readOnly, { body: { examName: "X", examDate: "2026-05-08", passed: true } })).status).toBe(403);
    const noReason = await call(exitRoute, p.id, own, { body: { exitDate: "2026-05-08", kind: "dropped_out" } });
    expect(noReason.status).toBe(422);
    expect(Object.keys(noReason.body!.errors)).toEqual(["reason"]);
    expect((await call(exitRoute, p.id, own, { body: { exitDate: "2026-04-19", kind: "completed" } })).status).toBe(422);
    expect((await call(exitRoute, p.id, other, { body: { exitDate: "2026-05-08", kind: "completed" } })).status).toBe(404);
    expect((await call(exitRoute, p.id, readOnly, { body: { exitDate: "2026-05-08", kind: "completed" } })).status).toBe(403);
    const done = await call(exitRoute, p.id, own, { body: { exitDate: "2026-05-08", kind: "dropped_out", reason: "employment", note: "Arbeitsvertrag bei Spedition" } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "dropped_out", exitDate: "2026-05-08", exitReason: "employment" });
    expect((await call(exitRoute, p.id, own, { body: { exitDate: "2026-05-08", kind: "completed" } })).status).toBe(409);
    // The answers never carry outcomes or anything personal.
    expect(JSON.stringify(done.body)).not.toMatch(/Teilnehmerin|Anna/);
  });

  it("a completion before the planned end needs earlyCompletionConfirmed: true (422 naming the field); on the planned end it does not (review fix)", async () => {
    const p = await purchase();
    await call(entryRoute, p.id, own, { body: { entryDate: "2026-04-20" } });
    const asked = await call(exitRoute, p.id, own, { body: { exitDate: "2026-05-08", kind: "completed" } });
    expect(asked.status).toBe(422);
    expect(Object.keys(asked.body!.errors)).toEqual(["earlyCompletionConfirmed"]);
    expect(asked.body!.errors.earlyCompletionConfirmed).toMatch(/vor dem geplanten Ende \(19\.04\.2029\).*"earlyCompletionConfirmed": true/);
    const confirmed = await call(exitRoute, p.id, own, { body: { exitDate: "2026-05-08", kind: "completed", earlyCompletionConfirmed: true } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "completed", exitDate: "2026-05-08" });
    const onEnd = await purchase({ startDate: "2026-04-20", endDate: "2026-05-08" });
    await call(entryRoute, onEnd.id, own, { body: { entryDate: "2026-04-20" } });
    expect((await call(exitRoute, onEnd.id, own, { body: { exitDate: "2026-05-08", kind: "completed" } })).status).toBe(200);
  });

  it("GET on the POST-only addresses is 405", async () => {
    const p = await purchase();
    const res = await call(entryRoute, p.id, own, { method: "GET" });
    expect(res.status).toBe(405);
  });
});
