import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../setup/server";
import { createApiTokensInProcess, retryBusy, withServerDb } from "../setup/server-tools";

/**
 * The place orders of the provider API (/api/v1/purchases): the own list and one order with the
 * participant as participantView shows it (no name without consent; never benefit, household or
 * health data), confirm and decline (422 without a reason, 409 in the wrong state, 404 for
 * another organisation's order), idempotent retries. The orders are bought through the services
 * in this process against the server's database, relative to today (the server's clock).
 */

const TRAINER = "traeger@bildungswerk-lausitz.example"; // DEMO-T-0001
const BROKER = "vermittler@jobbruecke-kamenz.example"; // DEMO-B-0001: another organisation
const STAFF = "fallmanagement@asz-kamenz.example";

interface Setup {
  anon: { id: number; reference: string; client: string; lastName: string };
  named: { id: number; reference: string; name: string };
  toDecline: { id: number; reference: string };
  other: { id: number; reference: string };
}

let server: TestServer;
let trainer: string;
let broker: string;
let staff: string;
let setup: Setup;

type Json = Record<string, unknown>;
async function call(path: string, init: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
  const res = await fetch(`${server.baseUrl}/api/v1${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as Json) : null };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

beforeAll(async () => {
  server = await startServer();
  [trainer, broker, staff] = await createApiTokensInProcess(server, [TRAINER, BROKER, STAFF], "Platzbestellungen");
  setup = await withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { today } = await import("~/lib/clock.server");
    const { Client, Measure, Provider, User } = await import("../../entities");
    const { buyPlace } = await import("~/services/purchases.server");
    const m = await em();
    const day = today();
    const cm = await m.getRepository(User).findOneByOrFail({ email: STAFF });
    const cmUser = { id: cm.id, email: cm.email, name: cm.name, role: "case_manager" as const, providerId: null };
    const trainerOrg = await m.getRepository(Provider).findOneByOrFail({ externalKey: "DEMO-T-0001" });
    const otherOrg = await m.getRepository(Provider).findOneByOrFail({ externalKey: "DEMO-B-0002" });
    const at = new Date().toISOString();
    const measure = (providerId: number, reference: string) =>
      m.getRepository(Measure).save({
        reference, providerId, typeCode: "training", title: `API-Testkurs ${reference}`, description: "", origin: "contract", contractId: null, baReference: "", azavNumber: "", azavValidFrom: null, azavValidUntil: null,
        hostName: "", region: "Kamenz", location: "Kamenz", format: "group", entryMode: "continuous", startDates: [], duration: 2, durationUnit: "month", weeklyHours: 2000, capacity: 10,
        priceModel: "participant", priceCents: 150_000, proRata: "days", eventFees: [], targetGroups: [], minAge: null, maxAge: null, entryConditions: "",
        validFrom: addDays(day, -10), validUntil: addDays(day, 400), status: "active", statusReason: "", proposedById: null, decidedById: null, decidedAt: null, createdById: null, createdAt: at, updatedAt: at,
      } as never) as unknown as Promise<{ id: number }>;
    const mine = await measure(trainerOrg.id, "MK-API-00001");
    const theirs = await measure(otherOrg.id, "MK-API-00002");
    // Clients without another place in the period: fresh ones, with markers a provider must never see.
    const client = (n: number) =>
      m.getRepository(Client).save({
        reference: `K-API-${n}`, firstName: "Ilka", lastName: `Vertraulich${n}`, birthDate: "1988-04-04", street: "Am Markt 1", postalCode: "01917", city: "Kamenz", phone: "03578 99", email: `ilka${n}@privat.example`,
        region: "Kamenz", targetGroups: [], qualification: "Bürokauffrau", targetOccupation: "Sachbearbeiterin", monthlyBenefitCents: 56300, householdSize: 4, healthNotes: "Gesundheit-Marker-Qx71", caseManagerId: null, createdAt: at, updatedAt: at,
      } as never) as unknown as Promise<{ id: number; reference: string; firstName: string; lastName: string }>;
    const [c1, c2, c3, c4] = [await client(1), await client(2), await client(3), await client(4)];
    const start = addDays(day, 30);
    const buy = (measureId: number, clientId: number, consent = false) => retryBusy(() => buyPlace(cmUser, { measureId: String(measureId), clientId: String(clientId), startDate: start, consent: consent ? "on" : "" }));
    const p1 = await buy(mine.id, c1.id);
    const p2 = await buy(mine.id, c2.id, true);
    const p3 = await buy(mine.id, c3.id);
    const p4 = await buy(theirs.id, c4.id, true);
    return {
      anon: { id: p1.id, reference: p1.reference, client: c1.reference, lastName: c1.lastName },
      named: { id: p2.id, reference: p2.reference, name: `${c2.firstName} ${c2.lastName}` },
      toDecline: { id: p3.id, reference: p3.reference },
      other: { id: p4.id, reference: p4.reference },
    };
  });
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

describe("GET /api/v1/purchases", () => {
  it("lists the own orders with the participant as the provider may see it, never another organisation's", async () => {
    const res = await call("/purchases?pageSize=100&status=ordered", { token: trainer });
    expect(res.status).toBe(200);
    const items = res.body!.items as Json[];
    const refs = items.map((i) => i.reference);
    expect(refs).toEqual(expect.arrayContaining([setup.anon.reference, setup.named.reference, setup.toDecline.reference]));
    expect(refs).not.toContain(setup.other.reference);
    const anon = items.find((i) => i.id === setup.anon.id)!;
    expect(anon.participant).toMatchObject({ client: setup.anon.client, name: null, contact: null });
    expect(anon.location).toBe(`/api/v1/purchases/${setup.anon.id}`);
    expect(String(anon.orderDocument)).toMatch(/^\/documents\/\d+$/);
    expect((items.find((i) => i.id === setup.named.id)!.participant as Json).name).toBe(setup.named.name);
    expect(res.text).not.toContain(setup.anon.lastName);
    for (const marker of ["monthlyBenefit", "household", "health", "Gesundheit-Marker-Qx71", "56300"]) expect(res.text).not.toContain(marker);
  });

  it("another organisation sees none of them; staff tokens are refused; a bad status is a 400", async () => {
    const other = await call("/purchases?pageSize=100", { token: broker });
    expect(other.status).toBe(200);
    expect((other.body!.items as Json[]).map((i) => i.id)).not.toContain(setup.anon.id);
    expect((await call("/purchases", { token: staff })).status).toBe(403);
    expect((await call("/purchases")).status).toBe(401);
    expect((await call("/purchases?status=requested", { token: trainer })).status).toBe(400);
  });
});

describe("GET /api/v1/purchases/{id}", () => {
  it("one own order; another organisation's is 404", async () => {
    const res = await call(`/purchases/${setup.named.id}`, { token: trainer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: setup.named.id, reference: setup.named.reference, status: "ordered", priceCents: 150_000 });
    expect((res.body!.participant as Json).contact).toMatchObject({ city: "Kamenz" });
    expect((await call(`/purchases/${setup.other.id}`, { token: trainer })).status).toBe(404);
    expect((await call(`/purchases/${setup.anon.id}`, { token: broker })).status).toBe(404);
    expect((await call(`/purchases/abc`, { token: trainer })).status).toBe(404);
  });
});

describe("POST /api/v1/purchases/{id}/confirm and /decline", () => {
  it("confirms an own order once (a retry with the same key replays; a second confirm is 409)", async () => {
    const headers = { "Idempotency-Key": `bestaetigen-${setup.anon.id}` };
    const res = await call(`/purchases/${setup.anon.id}/confirm`, { token: trainer, method: "POST", headers });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "confirmed", statusLabel: "vom Träger bestätigt" });
    expect(res.body!.answeredAt).toEqual(expect.any(String));
    const replay = await call(`/purchases/${setup.anon.id}/confirm`, { token: trainer, method: "POST", headers });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await call(`/purchases/${setup.anon.id}/confirm`, { token: trainer, method: "POST" })).status).toBe(409);
    expect((await call(`/purchases/${setup.other.id}/confirm`, { token: trainer, method: "POST" })).status).toBe(404);
    expect((await call(`/purchases/${setup.named.id}/confirm`, { token: broker, method: "POST" })).status).toBe(404);
    expect((await call(`/purchases/${setup.named.id}/confirm`, { token: staff, method: "POST" })).status).toBe(403);
    expect((await call(`/purchases/${setup.anon.id}/confirm`, { token: trainer })).status).toBe(405);
  });

  it("declines with a reason only (422 without, 400 for unknown fields, 415 without JSON); then 409", async () => {
    const path = `/purchases/${setup.toDecline.id}/decline`;
    const none = await call(path, { token: trainer, method: "POST", body: {} });
    expect(none.status).toBe(422);
    expect(none.body!.detail).toBe("Bitte begründen Sie die Absage (mindestens 10 Zeichen).");
    expect((await call(path, { token: trainer, method: "POST", body: { reason: "kurz" } })).status).toBe(422);
    expect((await call(path, { token: trainer, method: "POST", body: { reason: "Die Gruppe ist voll belegt.", extra: 1 } })).status).toBe(400);
    expect((await call(path, { token: trainer, method: "POST", body: "reason=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } })).status).toBe(415);
    expect((await call(`/purchases/${setup.other.id}/decline`, { token: trainer, method: "POST", body: { reason: "Die Gruppe ist voll belegt." } })).status).toBe(404);
    const ok = await call(path, { token: trainer, method: "POST", body: { reason: "Die Gruppe ist voll belegt." } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "declined", statusReason: "Die Gruppe ist voll belegt." });
    expect((await call(path, { token: trainer, method: "POST", body: { reason: "Die Gruppe ist voll belegt." } })).status).toBe(409);
    // A declined order's commitments are released.
    const released = await withServerDb(server, async () => {
      const { em } = await import("../setup/db");
      const { Commitment } = await import("../../entities");
      return (await em()).getRepository(Commitment).find({ where: { sourceType: "purchase", sourceId: setup.toDecline.id } });
    });
    expect(released.length).toBe(1);
    expect(released[0]).toMatchObject({ status: "closed", releasedCents: 150_000 });
  });

  it("the feed reports the order, the confirmation and the decline by reference only", async () => {
    // Every page of the trainer's feed (the demo's bills and orders come before this test's events).
    const all: Json[] = [];
    let text = "";
    for (let after = "0"; ; ) {
      const res = await call(`/events?after=${after}&limit=500`, { token: trainer });
      expect(res.status).toBe(200);
      all.push(...(res.body!.items as Json[]));
      text += res.text;
      if (!res.body!.hasMore) break;
      after = String(res.body!.cursor);
    }
    const res = { text };
    const events = all.filter((e) => String(e.type).startsWith("purchase."));
    const ref = (e: Json) => String((e.entity as Json).reference);
    const mine = events.filter((e) => [setup.anon.reference, setup.toDecline.reference].includes(ref(e)));
    expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(["purchase.ordered", "purchase.confirmed", "purchase.declined"]));
    expect(res.text).not.toContain(setup.anon.lastName);
    expect(events.map(ref)).not.toContain(setup.other.reference);
    expect((mine[0].entity as Json).href).toMatch(/^\/api\/v1\/purchases\/\d+$/);
  });
});
