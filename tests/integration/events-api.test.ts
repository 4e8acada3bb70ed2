import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/time";
import { startServer, type TestServer } from "../setup/server";
import { createApiTokensInProcess, retryBusy, withServerDb } from "../setup/server-tools";
import type { FeedItem, FeedPage } from "~/domain/events";

/**
 * The change feed over HTTP (GET /api/v1/events, ADR 0015) against the real server: events caused
 * through the API and the services appear in order, page by page, without repeats; each provider
 * sees its own events and the public ones only; every `href` is readable with the reader's own
 * token; and after a restart of the server on the same data directory a poller continues from
 * its stored cursor with exactly the events after it. Requires a current build.
 */

const TRAINER = "traeger@bildungswerk-lausitz.example"; // DEMO-T-0001
const BROKER = "vermittler@jobbruecke-kamenz.example"; // DEMO-B-0001
const OTHER_BROKER = "angebote@demo-b-0002.example"; // DEMO-B-0002
const PROCUREMENT = "vergabe@asz-kamenz.example";
const CASE_MANAGER = "fallmanagement@asz-kamenz.example";

type Item = FeedItem;
type Page = FeedPage;

let dataDir: string;
let server: TestServer;
let trainerToken: string;
let brokerToken: string;
let otherToken: string;
let staffToken: string;
let assignmentId: number;

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

async function api(p: string, init: { token?: string; method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return fetch(server.baseUrl + p, { method: init.method ?? "GET", headers, body: init.body, redirect: "manual" });
}

async function page(token: string, after: string | null, limit: number): Promise<Page> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (after !== null) q.set("after", after);
  const res = await api(`/api/v1/events?${q}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as Page;
  expect(Object.keys(body).sort()).toEqual(["cursor", "hasMore", "items"]);
  expect(body.items.length).toBeLessThanOrEqual(limit);
  return body;
}

/** Poll from `after` to the end with pages of `limit`; checks every page's cursor. */
async function readAll(token: string, after: string | null, limit: number): Promise<{ items: Item[]; cursor: string; pages: number }> {
  const items: Item[] = [];
  let cursor = after;
  let pages = 0;
  for (;;) {
    const p = await page(token, cursor, limit);
    pages++;
    if (p.items.length) expect(p.cursor).toBe(p.items[p.items.length - 1].id);
    else expect(p.cursor).toBe(cursor ?? "0");
    if (p.hasMore) expect(p.items).toHaveLength(limit);
    items.push(...p.items);
    cursor = p.cursor;
    if (!p.hasMore) return { items, cursor, pages };
  }
}

function expectOrderedWithoutRepeats(items: Item[], after: string | null) {
  const ids = items.map((i) => Number(i.id));
  expect(new Set(ids).size).toBe(ids.length);
  ids.forEach((id, k) => expect(id).toBeGreaterThan(k === 0 ? Number(after ?? 0) : ids[k - 1]));
  for (const i of items) {
    expect(i.id).toMatch(/^[1-9][0-9]*$/);
    expect(i.typeLabel.length).toBeGreaterThan(3);
    expect(i.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(["tender", "offer", "placement", "instalment", "invoice", "purchase", "bill", "measure"]).toContain(i.entity.type);
    if (i.status !== null) expect(i.statusLabel).toBeTruthy();
  }
}

async function pdfBytes(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return doc.save();
}

/** The services in this process against the server's database (as the other HTTP tests do). */
async function inProcess<T>(work: (s: { user: (email: string) => Promise<import("~/services/auth.server").PersonUser> }) => Promise<T>): Promise<T> {
  return withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { User } = await import("../../entities");
    const user = async (email: string) => {
      const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
      return { id: u.id, email: u.email, name: u.name, role: u.role as import("~/domain/permissions").Role, providerId: u.providerId };
    };
    return work({ user });
  });
}

/** A tender published now, offers until 60 days from now (created and published through the services). */
async function publishTender(title: string): Promise<{ id: number; lotId: number }> {
  return inProcess(async ({ user }) => {
    const { createTender, publishTender: publish, saveLot, setCriteria, setDeadlines } = await import("~/services/tenders.server");
    const { nowIso, today } = await import("~/lib/clock.server");
    const { em } = await import("../setup/db");
    const { Lot } = await import("../../entities");
    const staff = await user(PROCUREMENT);
    const t = await retryBusy(() => createTender(staff, { title, description: "", measureType: "activation_45", legalBasis: "§ 45 SGB III", procedureType: "open" }));
    await retryBusy(() => saveLot(staff, t.id, null, { title: "Los Kamenz", quantity: 10, region: "Kamenz", startDate: addDays(today(), 120), durationMonths: 6, priceUnit: "participant", estimatedUnitPriceCents: 150000, estimatedSuccessFeeCents: null }));
    await retryBusy(() => setCriteria(staff, t.id, [{ name: "Preis", weight: 60, isPrice: true }, { name: "Konzept", weight: 40, isPrice: false }]));
    const now = Date.parse(nowIso());
    await retryBusy(() => setDeadlines(staff, t.id, { questionsUntil: new Date(now + 50 * 86_400_000).toISOString(), offersUntil: new Date(now + 60 * 86_400_000).toISOString(), bindingUntil: addDays(today(), 100) }));
    await retryBusy(() => publish(staff, t.id));
    const lot = await (await em()).getRepository(Lot).findOneByOrFail({ tenderId: t.id });
    return { id: t.id, lotId: lot.id };
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vt-feed-"));
  server = await startServer({ dataDir, env: { TRUST_PROXY: "" } });
  [trainerToken, brokerToken, otherToken, staffToken] = await createApiTokensInProcess(server, [TRAINER, BROKER, OTHER_BROKER, PROCUREMENT]);
  // The server's first job pass proposes the demo's due place bills (events for the providers)
  // in the background. The same idempotent pass here, to its end, so that no event of today's
  // jobs arrives between the cursors the tests take (the server's pass then finds nothing to do).
  await inProcess(async () => {
    const { closeDueTenders } = await import("~/services/tenders.server");
    const { runPlacementDay } = await import("~/services/instalments.server");
    const { placeBillingDaily } = await import("~/services/place-billing.server");
    await retryBusy(() => closeDueTenders());
    await retryBusy(() => runPlacementDay());
    await retryBusy(() => placeBillingDaily());
  });

  // A fresh assignment of DEMO-B-0001 (and the agreement it needs, unless the demo data has one).
  assignmentId = await inProcess(async ({ user }) => {
    const { em } = await import("../setup/db");
    const { today } = await import("~/lib/clock.server");
    const { PlacementAgreement, Provider } = await import("../../entities");
    const { acceptAgreement, createFeeSchedule, offerAgreements, scheduleFor } = await import("~/services/placement-agreements.server");
    const { assignClient, createClient } = await import("~/services/clients.server");
    const m = await em();
    const [procurement, caseManager, broker] = [await user(PROCUREMENT), await user(CASE_MANAGER), await user(BROKER)];
    const day = today();
    const current = async () =>
      (await m.getRepository(PlacementAgreement).find({ where: { providerId: broker.providerId! }, order: { id: "DESC" } })).find(
        (a) => (a.status === "active" || a.status === "offered") && a.validFrom <= day && a.validUntil >= day,
      );
    let agreement = await current();
    if (!agreement) {
      if (!(await scheduleFor(m, "voucher_421g", day)))
        await retryBusy(() =>
          createFeeSchedule(procurement, { code: "TEST-VGS-421G", name: "Vermittlungsgutschein (Test)", legalBasis: "voucher_421g", validFrom: "2020-01-01", firstAmount: "1.000,00", firstDays: "42", secondMonths: "6", secondSameEmployer: "on", rates: "alle;2.000,00;01.01.2020" }),
        );
      const provider = await m.getRepository(Provider).findOneByOrFail({ id: broker.providerId! });
      await retryBusy(() => offerAgreements(procurement, { legalBasis: "voucher_421g", validFrom: day, providerIds: [provider.id] }));
      agreement = await current();
    }
    if (!agreement) throw new Error("Keine Vereinbarung für DEMO-B-0001");
    if (agreement.status === "offered") await retryBusy(() => acceptAgreement(broker, agreement!.id));
    const client = await retryBusy(() =>
      createClient(caseManager, { firstName: "Erika", lastName: "Feed-Mustermann", birthDate: "1980-05-17", street: "Am Markt 3", postalCode: "01917", city: "Kamenz", phone: "03578 123456", email: "erika.feed@example.org", region: "Kamenz", targetGroups: ["long_term_unemployed"], qualification: "Kauffrau für Büromanagement", targetOccupation: "Bürokauffrau", monthlyBenefit: "563,00", householdSize: "1" }),
    );
    const a = await retryBusy(() => assignClient(caseManager, client.id, { providerId: String(broker.providerId), validFrom: day, region: "Landkreis Bautzen" }));
    return a.id;
  });
}, 180_000);

afterAll(async () => {
  if (process.env.DEBUG_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/v1/events", () => {
  let start: { trainer: string; broker: string; other: string };
  let tender: { id: number; lotId: number };
  let offerId: number;
  let claim: { id: number; reference: string };

  it("from the start: every event once, in order, page by page; every href readable with the reader's own token", async () => {
    const trainer = await readAll(trainerToken, null, 25);
    const broker = await readAll(brokerToken, null, 25);
    const other = await readAll(otherToken, null, 25);
    // The demo procedures went through the services: publications, offers, openings, awards.
    expect(trainer.items.length).toBeGreaterThan(10);
    expect(trainer.items.some((i) => i.type === "tender.published")).toBe(true);
    expect(trainer.items.some((i) => i.type === "offer.received")).toBe(true);
    for (const [feed, token] of [[trainer, trainerToken], [broker, brokerToken], [other, otherToken]] as const) {
      expectOrderedWithoutRepeats(feed.items, null);
      for (const item of feed.items) {
        expect(item.entity.href, item.type).toMatch(/^\/api\/v1\//);
        const res = await api(item.entity.href!, { token });
        expect(res.status, `${item.type} ${item.entity.href}`).toBe(200);
        await res.arrayBuffer();
      }
    }
    // Public events are the same for everyone; offers are only in their own provider's feed.
    const publicIds = (f: { items: Item[] }) => f.items.filter((i) => i.entity.type === "tender").map((i) => i.id);
    expect(publicIds(broker)).toEqual(publicIds(trainer));
    const offerIds = (f: { items: Item[] }) => new Set(f.items.filter((i) => i.entity.type === "offer").map((i) => i.entity.id));
    for (const id of offerIds(trainer)) expect(offerIds(broker).has(id) || offerIds(other).has(id)).toBe(false);
    start = { trainer: trainer.cursor, broker: broker.cursor, other: other.cursor };
  });

  it("a published tender, an offer through the API, a placement through the API and its decision appear for exactly the right providers", async () => {
    tender = await publishTender("Aktivierung Ü50 Kamenz (Änderungsstrom)");
    const concept = Buffer.from(await pdfBytes()).toString("base64");
    const offered = await api(`/api/v1/tenders/${tender.id}/offers`, {
      token: trainerToken,
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": "feed-offer-1" },
      body: JSON.stringify({ lots: [{ lotId: tender.lotId, unitPriceCents: 149000 }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: "konzept.pdf", contentBase64: concept } }),
    });
    const receipt = await offered.json();
    expect(offered.status, JSON.stringify(receipt)).toBe(201);
    offerId = receipt.offerId;

    const today = berlinDate(new Date());
    const reported = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": "feed-placement-1" },
      body: JSON.stringify({
        assignmentId,
        employerName: "Lausitzer Metallbau GmbH",
        employerStreet: "Industriestraße 12",
        employerPostalCode: "02977",
        employerCity: "Hoyerswerda",
        employerVatId: null,
        employerIban: null,
        employerManager: "Petra Schuster",
        abroad: false,
        contractDate: today,
        jobStart: addDays(today, 14),
        weeklyHours: 38.5,
        insured: true,
        fixedTermEnd: null,
        occupation: "Metallbauer",
        brokerContractDate: addDays(today, -20),
        jobOfferDate: null,
      }),
    });
    const placed = await reported.json();
    expect(reported.status, JSON.stringify(placed)).toBe(201);
    claim = { id: placed.id, reference: placed.reference };
    await inProcess(async ({ user }) => {
      const { decideClaim } = await import("~/services/placement-claims.server");
      const staff = await user(PROCUREMENT);
      await retryBusy(() => decideClaim(staff, claim.id, "request_documents", { note: "Bitte reichen Sie den Arbeitsvertrag nach." }));
    });

    const trainer = await readAll(trainerToken, start.trainer, 1);
    expectOrderedWithoutRepeats(trainer.items, start.trainer);
    const ofInterest = (items: Item[]) => items.filter((i) => (i.entity.type === "tender" && i.entity.id === tender.id) || (i.entity.type === "offer" && i.entity.id === offerId) || (i.entity.type === "placement" && i.entity.id === claim.id));
    expect(ofInterest(trainer.items).map((i) => [i.type, i.entity.id, i.status])).toEqual([
      ["tender.published", tender.id, "published"],
      ["offer.received", offerId, "submitted"],
    ]);
    const offerItem = trainer.items.find((i) => i.type === "offer.received")!;
    expect(offerItem).toMatchObject({ typeLabel: "Angebot eingegangen", statusLabel: "eingegangen", entity: { type: "offer", id: offerId, href: `/api/v1/offers/${offerId}` } });
    expect(offerItem.entity.reference).toMatch(/^V-\d{4}-\d{3} \/ 1$/);

    const broker = await readAll(brokerToken, start.broker, 2);
    expectOrderedWithoutRepeats(broker.items, start.broker);
    expect(ofInterest(broker.items).map((i) => [i.type, i.entity.id, i.status])).toEqual([
      ["tender.published", tender.id, "published"],
      ["placement.submitted", claim.id, "submitted"],
      ["placement.documents_requested", claim.id, "documents_requested"],
    ]);
    const claimItem = broker.items.find((i) => i.type === "placement.submitted")!;
    expect(claimItem.entity).toEqual({ type: "placement", id: claim.id, reference: claim.reference, href: `/api/v1/placements/${claim.id}` });
    // Nothing personal: the claim by its reference only.
    expect(JSON.stringify(broker.items)).not.toMatch(/Feed-Mustermann|Metallbau|Erika/);

    const other = await readAll(otherToken, start.other, 3);
    expect(ofInterest(other.items).map((i) => [i.type, i.entity.id])).toEqual([["tender.published", tender.id]]);
  });

  it("survives a restart: a poller continues from its stored cursor with exactly the events after it", async () => {
    // The poller reads one event and stores its cursor.
    const first = await page(trainerToken, start.trainer, 1);
    expect(first.items[0]).toMatchObject({ type: "tender.published", entity: { id: tender.id } });
    const stored = first.cursor;

    await server.stop();
    // While the server is down: a question answered (public) and the offer withdrawn (own).
    await withServerDb(server, async () => {
      const { em } = await import("../setup/db");
      const { TenderQuestion, User } = await import("../../entities");
      const { answerQuestion, askQuestion } = await import("~/services/portal-tenders.server");
      const { withdrawOffer } = await import("~/services/offers.server");
      const user = async (email: string) => {
        const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
        return { id: u.id, email: u.email, name: u.name, role: u.role as import("~/domain/permissions").Role, providerId: u.providerId };
      };
      const trainer = await user(TRAINER);
      await askQuestion(trainer, tender.id, "Ist eine Bietergemeinschaft zulässig?");
      const q = await (await em()).getRepository(TenderQuestion).findOneByOrFail({ tenderId: tender.id });
      await answerQuestion(await user(PROCUREMENT), q.id, "Ja, Bietergemeinschaften sind zulässig.");
      await withdrawOffer(trainer, offerId);
    });
    server = await startServer({ dataDir, env: { TRUST_PROXY: "" } });

    const rest = await readAll(trainerToken, stored, 2);
    expectOrderedWithoutRepeats(rest.items, stored);
    expect(rest.items.some((i) => i.id === stored)).toBe(false);
    const mine = rest.items.filter((i) => (i.entity.type === "tender" && i.entity.id === tender.id) || (i.entity.type === "offer" && i.entity.id === offerId));
    expect(mine.map((i) => i.type)).toEqual(["offer.received", "tender.question_answered", "offer.withdrawn"]);
    expect(mine[2]).toMatchObject({ status: "withdrawn", statusLabel: "zurückgezogen" });

    // Exactly what the database holds for this provider after the cursor: no gap, nothing extra.
    const held = await withServerDb(server, async () => {
      const { em } = await import("../setup/db");
      const { ApiEvent, User } = await import("../../entities");
      const u = await (await em()).getRepository(User).findOneOrFail({ where: { email: TRAINER } });
      const rows = await (await em())
        .getRepository(ApiEvent)
        .createQueryBuilder("e")
        .where("e.id > :after AND e.id <= :last", { after: Number(stored), last: Number(rest.cursor) })
        .andWhere("(e.providerId = :p OR e.providerId IS NULL)", { p: u.providerId })
        .orderBy("e.id", "ASC")
        .getMany();
      return rows.map((r) => String(r.id));
    });
    expect(rest.items.map((i) => i.id)).toEqual(held);

    // At the end the cursor stays; asking again gives nothing new.
    expect(await page(trainerToken, rest.cursor, 10)).toEqual({ items: [], cursor: rest.cursor, hasMore: false });
  });

  it("a refused change leaves no event: an offer to the cancelled tender is 409 and the feed is unchanged", async () => {
    const before = await readAll(trainerToken, start.trainer, 100);
    await inProcess(async ({ user }) => {
      const { cancelTender } = await import("~/services/tenders.server");
      const staff = await user(PROCUREMENT);
      await retryBusy(() => cancelTender(staff, tender.id, "Haushaltsmittel wurden gestrichen."));
    });
    const afterCancel = await readAll(trainerToken, before.cursor, 100);
    expect(afterCancel.items.filter((i) => i.entity.id === tender.id).map((i) => i.type)).toEqual(["tender.cancelled"]);
    const res = await api(`/api/v1/tenders/${tender.id}/offers`, {
      token: trainerToken,
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": "feed-offer-late" },
      body: JSON.stringify({ lots: [{ lotId: tender.lotId, unitPriceCents: 140000 }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: "konzept.pdf", contentBase64: Buffer.from(await pdfBytes()).toString("base64") } }),
    });
    expect(res.status).toBe(409);
    await res.arrayBuffer();
    const after = await readAll(trainerToken, afterCancel.cursor, 100);
    expect(after.items.filter((i) => i.entity.type === "offer" || i.entity.id === tender.id)).toEqual([]);
  });

  it("bad parameters are 400 problem+json keyed by the parameter; a cursor beyond the feed too", async () => {
    for (const [query, keys] of [
      ["after=abc", ["after"]],
      ["after=-1", ["after"]],
      ["after=1.5", ["after"]],
      ["limit=0", ["limit"]],
      ["limit=501", ["limit"]],
      ["limit=zehn", ["limit"]],
      ["after=x&limit=0", ["after", "limit"]],
      ["after=999999999", ["after"]],
    ] as const) {
      const res = await api(`/api/v1/events?${query}`, { token: trainerToken });
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const body = await res.json();
      expect(Object.keys(body.errors).sort(), query).toEqual(keys);
      expect(body.detail).toMatch(/Cursor|limit/);
    }
    // limit 500 is allowed, the default is 100.
    const max = await api("/api/v1/events?limit=500", { token: trainerToken });
    expect(max.status).toBe(200);
    await max.arrayBuffer();
  });

  it("without a token 401, staff 403, POST 405", async () => {
    const anonymous = await api("/api/v1/events");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    await anonymous.arrayBuffer();
    const staff = await api("/api/v1/events", { token: staffToken });
    expect(staff.status).toBe(403);
    await staff.arrayBuffer();
    const post = await api("/api/v1/events", { token: trainerToken, method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    await post.arrayBuffer();
  });
});
