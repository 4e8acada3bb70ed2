import { PDFDocument } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../setup/db";
import { ApiEvent, FeeInstalment, PlacementClaim, TenderQuestion, User } from "../../entities";
import { ForbiddenError, ValidationError } from "~/domain/errors";
import { addDays } from "~/domain/time";
import { nowIso, today } from "~/lib/clock.server";
import { tx } from "~/lib/db.server";
import { em } from "../setup/db";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoPlacements } from "~/demo/demo-placements.server";
import type { PersonUser as CurrentUser } from "~/services/auth.server";
import { listEvents, recordEvent, type EventInput } from "~/services/events.server";
import { runPlacementDay } from "~/services/instalments.server";
import { submitOffer, withdrawOffer } from "~/services/offers.server";
import { decideClaim } from "~/services/placement-claims.server";
import { answerQuestion, askQuestion } from "~/services/portal-tenders.server";
import { cancelTender, createTender, publishTender, saveLot, setCriteria, setDeadlines } from "~/services/tenders.server";
import type { FeedItem } from "~/domain/events";

/**
 * The change feed in process (ADR 0015), on SQLite and, in CI, on PostgreSQL: events are written
 * with the change in its transaction (a rollback leaves none), event-writing transactions become
 * visible in id order under concurrency, and each provider reads its own events plus the public
 * ones. The HTTP side and the restart are in events-api.test.ts.
 */

let procurement: CurrentUser;
let trainer: CurrentUser; // DEMO-T-0001
let broker: CurrentUser; // DEMO-B-0001
let otherBroker: CurrentUser; // DEMO-B-0002

async function currentUser(email: string): Promise<CurrentUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as CurrentUser["role"], providerId: u.providerId };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every event the user can see after `after`, read page by page. */
async function readAll(user: CurrentUser, after: string | null = null, limit = 50): Promise<{ items: FeedItem[]; cursor: string }> {
  const items: FeedItem[] = [];
  let cursor = after;
  for (;;) {
    const page = await listEvents(user, { after: cursor, limit });
    items.push(...page.items);
    cursor = page.cursor;
    if (!page.hasMore) return { items, cursor };
  }
}

async function head(user: CurrentUser): Promise<string> {
  return (await readAll(user)).cursor;
}

function marker(providerId: number | null, reference: string): EventInput {
  return { type: "tender.published", providerId, entityType: "tender", entityId: 1, reference, status: "published" };
}

async function pdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return doc.save();
}

/** A tender ready to publish: one lot, criteria, an offer period of 60 days from now. */
async function draftTender(title: string): Promise<number> {
  const t = await createTender(procurement, { title, description: "", measureType: "activation_45", legalBasis: "§ 45 SGB III", procedureType: "open" });
  const start = addDays(today(), 120);
  await saveLot(procurement, t.id, null, { title: "Los Kamenz", quantity: 10, region: "Kamenz", startDate: start, durationMonths: 6, priceUnit: "participant", estimatedUnitPriceCents: 150000, estimatedSuccessFeeCents: null });
  await setCriteria(procurement, t.id, [
    { name: "Preis", weight: 60, isPrice: true },
    { name: "Konzept", weight: 40, isPrice: false },
  ]);
  const now = Date.parse(nowIso());
  await setDeadlines(procurement, t.id, {
    questionsUntil: new Date(now + 50 * 86_400_000).toISOString(),
    offersUntil: new Date(now + 60 * 86_400_000).toISOString(),
    bindingUntil: addDays(today(), 100),
  });
  return t.id;
}

beforeAll(async () => {
  await freshDatabase();
  await seedDemoData({ scale: 0.1 });
  await seedDemoPlacements({ scale: 0.1 });
  procurement = await currentUser("vergabe@asz-kamenz.example");
  trainer = await currentUser("traeger@bildungswerk-lausitz.example");
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
  otherBroker = await currentUser("angebote@demo-b-0002.example");
}, 120_000);

describe("writing", () => {
  it("an event exists exactly when its transaction commits: a rollback leaves none", async () => {
    const before = await (await em()).getRepository(ApiEvent).count();
    await expect(
      tx(async (m) => {
        await recordEvent(m, marker(null, "ROLLBACK-1"));
        throw new Error("später gescheitert");
      }),
    ).rejects.toThrow("später gescheitert");
    expect(await (await em()).getRepository(ApiEvent).count()).toBe(before);
    expect((await readAll(trainer)).items.some((i) => i.entity.reference === "ROLLBACK-1")).toBe(false);

    // A refused transition writes nothing either: publishing a tender without lots.
    const t = await createTender(procurement, { title: "Unvollständige Ausschreibung", description: "", measureType: "other", legalBasis: "§ 45 SGB III", procedureType: "open" });
    await expect(publishTender(procurement, t.id)).rejects.toThrow();
    expect(await (await em()).getRepository(ApiEvent).count({ where: { entityType: "tender", entityId: t.id } })).toBe(0);
  });

  it("a reader never sees the event of a transaction that is still open (and then rolls back)", async () => {
    const start = await head(trainer);
    let fail!: () => void;
    const holding = new Promise<void>((r) => (fail = r));
    let written!: () => void;
    const inside = new Promise<void>((r) => (written = r));
    const doomed = tx(async (m) => {
      await recordEvent(m, marker(null, "ROLLBACK-2"));
      written();
      await holding; // e.g. a PDF being rendered, a file being stored
      throw new Error("gescheitert");
    }).catch((e: Error) => e.message);
    await inside;
    // On SQLite this process has one connection: a plain read now would run inside the open transaction.
    const reading = listEvents(trainer, { after: start, limit: 10 });
    await sleep(50);
    fail();
    expect(await doomed).toBe("gescheitert");
    expect((await reading).items.map((i) => i.entity.reference)).not.toContain("ROLLBACK-2");
    expect((await readAll(trainer, start)).items.map((i) => i.entity.reference)).not.toContain("ROLLBACK-2");
  });

  it("is refused outside a transaction (it must commit with the change)", async () => {
    await expect(recordEvent(await em(), marker(null, "NO-TX"))).rejects.toThrow(/Transaktion/);
  });
});

describe("order under concurrency", () => {
  it("a second writer gets its id only after the first committed; a reader never sees the later event without the earlier", async () => {
    const start = await head(trainer);
    let releaseA!: () => void;
    const holdA = new Promise<void>((r) => (releaseA = r));
    let aWritten!: () => void;
    const aIn = new Promise<void>((r) => (aWritten = r));
    const a = tx(async (m) => {
      await recordEvent(m, marker(null, "ORDER-A"));
      aWritten();
      await holdA; // A stays open (on PostgreSQL: its event has an id, not yet committed)
    });
    await aIn;
    let bWritten = false;
    const b = tx(async (m) => {
      await recordEvent(m, marker(null, "ORDER-B"));
      bWritten = true;
    });
    await sleep(300);
    // Without the append lock, PostgreSQL would have given B the next id and committed it by now.
    expect(bWritten).toBe(false);
    const midRead = readAll(trainer, start);
    await sleep(100);
    releaseA();
    await Promise.all([a, b]);
    const mid = (await midRead).items.map((i) => i.entity.reference);
    // Whatever the reader saw is a prefix of the order: B never without A.
    if (mid.includes("ORDER-B")) expect(mid.indexOf("ORDER-A")).toBeGreaterThanOrEqual(0);
    const done = (await readAll(trainer, start)).items.filter((i) => i.entity.reference.startsWith("ORDER-"));
    expect(done.map((i) => i.entity.reference)).toEqual(["ORDER-A", "ORDER-B"]);
    expect(Number(done[0].id)).toBeLessThan(Number(done[1].id));
  });

  it("a poller reading while many transactions write concurrently misses nothing and repeats nothing", async () => {
    const start = await head(trainer);
    // Staggered so that about six are open at a time (fewer than the pool's connections, so
    // the poller gets its turn), each committing a random while after taking its id.
    const writers = Array.from({ length: 40 }, (_, i) =>
      sleep(i * 4).then(() =>
        tx(async (m) => {
          await recordEvent(m, marker(i % 3 === 0 ? trainer.providerId : null, `RUSH-${i}`));
          await sleep(Math.floor(Math.random() * 25)); // commit a little later, in any order if allowed
        }),
      ),
    );
    let finished = false;
    const all = Promise.all(writers).finally(() => (finished = true));
    const seen: string[] = [];
    let cursor: string | null = start;
    for (;;) {
      const wasFinished = finished;
      const page = await listEvents(trainer, { after: cursor, limit: 4 });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.cursor;
      if (wasFinished && !page.hasMore) break;
      if (!page.hasMore) await sleep(1);
    }
    await all;
    const ids = seen.map(Number);
    expect(new Set(ids).size).toBe(ids.length); // no repeats
    expect([...ids].sort((x, y) => x - y)).toEqual(ids); // ascending
    const stored = await (await em())
      .getRepository(ApiEvent)
      .createQueryBuilder("e")
      .where("e.id > :start", { start: Number(start) })
      .andWhere("(e.providerId = :p OR e.providerId IS NULL)", { p: trainer.providerId })
      .orderBy("e.id", "ASC")
      .getMany();
    expect(ids).toEqual(stored.map((e) => e.id)); // no gaps: everything committed was read
    expect(stored.filter((e) => e.reference.startsWith("RUSH-"))).toHaveLength(40);
  });
});

describe("what the services report", () => {
  it("tenders: publication, answers and cancellation are public; offers only for their provider", async () => {
    const starts = { trainer: await head(trainer), broker: await head(broker) };
    const draftOnly = await draftTender("Entwurf, der nie erscheint");
    await cancelTender(procurement, draftOnly, "Bedarf ist vor der Veröffentlichung entfallen.");
    const id = await draftTender("Aktivierung Ü50 Kamenz (Änderungsstrom)");
    await publishTender(procurement, id);
    const lotId = (await (await em()).query(`SELECT id FROM lots WHERE "tenderId" = ${id}`))[0].id as number;
    const offer = { lots: [{ lotId, unitPriceCents: 149000 }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: "konzept.pdf", bytes: await pdf() } };
    const first = await submitOffer(trainer, id, offer);
    const second = await submitOffer(trainer, id, { ...offer, lots: [{ lotId, unitPriceCents: 145000 }] });
    await withdrawOffer(trainer, second.offerId);
    await askQuestion(trainer, id, "Ist eine Bietergemeinschaft zulässig?");
    const q = await (await em()).getRepository(TenderQuestion).findOneByOrFail({ tenderId: id });
    await answerQuestion(procurement, q.id, "Ja, Bietergemeinschaften sind zulässig.");
    await cancelTender(procurement, id, "Haushaltsmittel wurden gestrichen, Neuausschreibung folgt.");

    const mine = (await readAll(trainer, starts.trainer, 3)).items;
    const reference = mine.find((i) => i.type === "tender.published")!.entity.reference;
    expect(mine.map((i) => [i.type, i.entity.type, i.entity.id, i.status])).toEqual([
      ["tender.published", "tender", id, "published"],
      ["offer.received", "offer", first.offerId, "submitted"],
      ["offer.replaced", "offer", first.offerId, "replaced"],
      ["offer.received", "offer", second.offerId, "submitted"],
      ["offer.withdrawn", "offer", second.offerId, "withdrawn"],
      ["tender.question_answered", "tender", id, "published"],
      ["tender.cancelled", "tender", id, "cancelled"],
    ]);
    expect(mine[0]).toMatchObject({ typeLabel: "Ausschreibung veröffentlicht", statusLabel: "veröffentlicht", entity: { href: `/api/v1/tenders/${id}` } });
    expect(mine[1]).toMatchObject({ typeLabel: "Angebot eingegangen", statusLabel: "eingegangen", entity: { reference: `${reference} / 1`, href: `/api/v1/offers/${first.offerId}` } });
    expect(mine[3].entity.reference).toBe(`${reference} / 2`);
    for (const item of mine) expect(item.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(mine.some((i) => i.entity.id === draftOnly && i.entity.type === "tender")).toBe(false);

    // Another provider sees the tender's public events, never the offers.
    const theirs = (await readAll(broker, starts.broker)).items;
    expect(theirs.map((i) => i.type)).toEqual(["tender.published", "tender.question_answered", "tender.cancelled"]);
    // Nothing of who asked: the event names the tender only.
    expect(JSON.stringify(theirs)).not.toContain("Bietergemeinschaft");
  });

  it("claims and instalments: the broker's own, by claim reference and number, nobody else's", async () => {
    const starts = { broker: await head(broker), other: await head(otherBroker), trainer: await head(trainer) };
    const claim = await (await em()).getRepository(PlacementClaim).findOneOrFail({ where: { providerId: broker.providerId!, status: "submitted" }, order: { id: "ASC" } });
    await decideClaim(procurement, claim.id, "request_documents", { note: "Bitte reichen Sie den Arbeitsvertrag nach." });
    // The daily job on a day far ahead: pending instalments become due or lapse.
    await runPlacementDay(addDays(today(), 400));

    const mine = (await readAll(broker, starts.broker, 7)).items;
    expect(mine[0]).toMatchObject({
      type: "placement.documents_requested",
      entity: { type: "placement", id: claim.id, reference: claim.reference, href: `/api/v1/placements/${claim.id}` },
      status: "documents_requested",
      statusLabel: "Unterlagen angefordert",
    });
    const instalmentEvents = mine.filter((i) => i.entity.type === "instalment");
    expect(instalmentEvents.length).toBeGreaterThan(0);
    const rows = await (await em()).getRepository(FeeInstalment).find({ where: { providerId: broker.providerId! } });
    const claims = new Map((await (await em()).getRepository(PlacementClaim).find({ where: { providerId: broker.providerId! } })).map((c) => [c.id, c.reference]));
    for (const e of instalmentEvents) {
      expect(["instalment.due", "instalment.lapsed"]).toContain(e.type);
      const row = rows.find((r) => r.id === e.entity.id)!;
      expect(row, e.id).toBeTruthy();
      expect(e.entity.href).toBe(`/api/v1/placements/${row.claimId}/instalments/${row.number}`);
      expect(e.entity.reference).toBe(`${claims.get(row.claimId)} / ${row.number}. Rate`);
    }
    // The last event of each instalment carries its current status.
    for (const row of rows) {
      const last = instalmentEvents.filter((e) => e.entity.id === row.id).pop();
      if (last) expect(last.status).toBe(row.status);
    }

    const ids = new Set(mine.map((i) => i.id));
    for (const other of [otherBroker, trainer]) {
      const theirs = (await readAll(other, other === trainer ? starts.trainer : starts.other)).items;
      expect(theirs.filter((i) => ids.has(i.id))).toEqual([]);
      expect(theirs.every((i) => i.entity.type !== "placement" || !claims.has(i.entity.id))).toBe(true);
    }
  });
});

describe("reading", () => {
  it("validates the cursor and the limit (keyed by the parameter), and refuses a cursor beyond the feed", async () => {
    for (const bad of ["abc", "-1", "01", "1.5"]) {
      const error = await listEvents(trainer, { after: bad, limit: 10 }).catch((e) => e);
      expect(error, bad).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).fieldErrors)).toEqual(["after"]);
    }
    for (const bad of [0, 501, 1.5]) {
      const error = await listEvents(trainer, { after: null, limit: bad }).catch((e) => e);
      expect(error, String(bad)).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).fieldErrors)).toEqual(["limit"]);
    }
    const end = await head(trainer);
    const beyond = await listEvents(trainer, { after: String(Number(end) + 1000), limit: 10 }).catch((e) => e);
    expect(beyond).toBeInstanceOf(ValidationError);
    expect((beyond as ValidationError).fieldErrors.after).toContain("Cursor");
  });

  it("at the end the cursor stays where it was; from the start it is a string too", async () => {
    const end = await head(trainer);
    expect(await listEvents(trainer, { after: end, limit: 10 })).toEqual({ items: [], cursor: end, hasMore: false });
    const first = await listEvents(trainer, { after: null, limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.cursor).toBe(first.items[0].id);
    expect(first.hasMore).toBe(true);
  });

  it("is for provider users only", async () => {
    await expect(listEvents(procurement, { after: null, limit: 10 })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
