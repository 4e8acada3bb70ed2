import { describe, expect, it } from "vitest";
import {
  CLAIM_EVENT_TYPES,
  EVENT_ENTITY_TYPES,
  EVENT_TYPE_LABELS,
  EVENT_TYPES,
  eventHref,
  FEED_LIMIT_DEFAULT,
  FEED_LIMIT_MAX,
  feedPage,
  INSTALMENT_EVENT_TYPES,
  instalmentReference,
  isEventType,
  offerReference,
  OFFER_STATUS_LABELS,
  parseCursor,
  parseFeedQuery,
  parseLimit,
  statusLabel,
  TENDER_EVENT_TYPES,
  tenderMoveIsPublic,
  toFeedItem,
  type StoredEvent,
} from "~/domain/events";
import { CLAIM_STATES, claimMachine } from "~/domain/placement-claim.machine";
import { INSTALMENT_STATES, instalmentMachine } from "~/domain/fee-instalment.machine";
import { TENDER_STATES, TENDER_TRANSITIONS } from "~/domain/tender.machine";

/** The change feed's pure part (ADR 0015): type codes and labels, machine mapping, cursor, page, item. */

const row = (id: number, over: Partial<StoredEvent> = {}): StoredEvent => ({
  id,
  type: "offer.received",
  entityType: "offer",
  entityId: 12,
  reference: "V-2026-003 / 1",
  status: "submitted",
  occurredAt: "2026-12-06T10:00:00.000Z",
  data: null,
  ...over,
});

describe("event types", () => {
  it("every code is a stable dotted name of a known object kind, with a German label", () => {
    expect(EVENT_TYPES.length).toBeGreaterThan(20);
    for (const type of EVENT_TYPES) {
      expect(type).toMatch(/^[a-z]+\.[a-z_]+$/);
      expect(["tender", "offer", "placement", "instalment", "invoice", "purchase", "bill", "measure"]).toContain(type.split(".")[0]);
      expect(EVENT_TYPE_LABELS[type].length, type).toBeGreaterThan(5);
      expect(EVENT_TYPE_LABELS[type], type).not.toMatch(/\b(the|was|has been)\b/i);
    }
    expect(new Set(Object.values(EVENT_TYPE_LABELS)).size).toBe(EVENT_TYPES.length);
    expect(isEventType("offer.received")).toBe(true);
    expect(isEventType("offer.gone")).toBe(false);
    expect(isEventType("toString")).toBe(false);
  });

  it("every event of the tender, claim and instalment machines reports a type of its own object", () => {
    for (const t of TENDER_TRANSITIONS) expect(TENDER_EVENT_TYPES[t.event].startsWith("tender."), t.event).toBe(true);
    for (const t of claimMachine.transitions) expect(CLAIM_EVENT_TYPES[t.event].startsWith("placement."), t.event).toBe(true);
    for (const t of instalmentMachine.transitions) expect(INSTALMENT_EVENT_TYPES[t.event].startsWith("instalment."), t.event).toBe(true);
    for (const type of [...Object.values(TENDER_EVENT_TYPES), ...Object.values(CLAIM_EVENT_TYPES), ...Object.values(INSTALMENT_EVENT_TYPES)]) expect(isEventType(type), type).toBe(true);
  });

  it("a tender's moves are public once it was published; a cancelled draft is never reported", () => {
    expect(tenderMoveIsPublic("draft", "published")).toBe(true);
    expect(tenderMoveIsPublic("draft", "cancelled")).toBe(false);
    for (const from of TENDER_STATES.filter((s) => s !== "draft")) expect(tenderMoveIsPublic(from, "cancelled"), from).toBe(true);
    expect(tenderMoveIsPublic("published", "offers_closed")).toBe(true);
  });

  it("every status the feed can carry has a German label", () => {
    for (const s of TENDER_STATES) expect(statusLabel("tender", s)).toBeTruthy();
    for (const s of CLAIM_STATES) expect(statusLabel("placement", s)).toBeTruthy();
    for (const s of INSTALMENT_STATES) expect(statusLabel("instalment", s)).toBeTruthy();
    for (const s of Object.keys(OFFER_STATUS_LABELS)) expect(statusLabel("offer", s)).toBeTruthy();
    expect(statusLabel("offer", "submitted")).toBe("eingegangen");
    expect(statusLabel("tender", "published")).toBe("veröffentlicht");
    expect(statusLabel("offer", null)).toBeNull();
    expect(statusLabel("offer", "constructor")).toBeNull();
    expect(statusLabel("unknown", "submitted")).toBeNull();
  });

  it("references name tender and version, claim and instalment number", () => {
    expect(offerReference("V-2026-003", 1)).toBe("V-2026-003 / 1");
    expect(instalmentReference("VN-2026-00042", 2)).toBe("VN-2026-00042 / 2. Rate");
  });
});

describe("cursor and limit", () => {
  it("the cursor is absent (start), 0, or a decimal id without sign or leading zeros", () => {
    expect(parseCursor(null)).toEqual({ ok: true, value: 0 });
    expect(parseCursor("")).toEqual({ ok: true, value: 0 });
    expect(parseCursor("0")).toEqual({ ok: true, value: 0 });
    expect(parseCursor("1")).toEqual({ ok: true, value: 1 });
    expect(parseCursor("123456789012345")).toEqual({ ok: true, value: 123456789012345 });
    for (const bad of ["-1", "01", "1.5", "1e3", " 1", "1 ", "abc", "0x10", "1234567890123456", "∞"]) {
      const r = parseCursor(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error).toContain("Cursor");
    }
  });

  it("limit: default 100, a whole number from 1 to 500", () => {
    expect(FEED_LIMIT_DEFAULT).toBe(100);
    expect(FEED_LIMIT_MAX).toBe(500);
    expect(parseLimit(null)).toEqual({ ok: true, value: 100 });
    expect(parseLimit("")).toEqual({ ok: true, value: 100 });
    expect(parseLimit("1")).toEqual({ ok: true, value: 1 });
    expect(parseLimit("500")).toEqual({ ok: true, value: 500 });
    expect(parseLimit(7)).toEqual({ ok: true, value: 7 });
    for (const bad of ["0", "501", "-1", "1.5", "zehn", "1e2", 0, 501, 2.5, Number.NaN]) expect(parseLimit(bad).ok, String(bad)).toBe(false);
  });

  it("both at once: the errors keyed by the parameter's name", () => {
    expect(parseFeedQuery({ after: "42", limit: "10" })).toEqual({ ok: true, query: { after: 42, limit: 10 } });
    expect(parseFeedQuery({ after: null, limit: null })).toEqual({ ok: true, query: { after: 0, limit: 100 } });
    const bad = parseFeedQuery({ after: "x", limit: "0" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(["after", "limit"]);
    const one = parseFeedQuery({ after: "5", limit: "9999" });
    expect(one.ok === false && Object.keys(one.errors)).toEqual(["limit"]);
  });
});

describe("items and pages", () => {
  it("an item has exactly the documented shape", () => {
    expect(toFeedItem(row(123))).toEqual({
      id: "123",
      type: "offer.received",
      typeLabel: "Angebot eingegangen",
      occurredAt: "2026-12-06T10:00:00.000Z",
      entity: { type: "offer", id: 12, reference: "V-2026-003 / 1", href: "/api/v1/offers/12" },
      status: "submitted",
      statusLabel: "eingegangen",
    });
    expect(toFeedItem(row(1, { status: null })).statusLabel).toBeNull();
  });

  it("href: where the API shows the object", () => {
    expect(eventHref("tender", 4, null)).toBe("/api/v1/tenders/4");
    expect(eventHref("offer", 12, null)).toBe("/api/v1/offers/12");
    expect(eventHref("placement", 7, null)).toBe("/api/v1/placements/7");
    expect(eventHref("instalment", 99, { claimId: 7, number: 2 })).toBe("/api/v1/placements/7/instalments/2");
    expect(eventHref("instalment", 99, null)).toBeNull();
    expect(eventHref("purchase", 5, null)).toBe("/api/v1/purchases/5");
    expect(eventHref("bill", 6, null)).toBe("/api/v1/bills/6");
    expect(eventHref("measure", 8, null)).toBe("/api/v1/measures/8");
    expect(eventHref("contract", 1, null)).toBeNull();
    for (const kind of EVENT_ENTITY_TYPES) expect(eventHref(kind, 1, { claimId: 1, number: 1 })).toMatch(/^\/api\/v1\//);
  });

  it("a full page says more follow; the cursor is the last item's id", () => {
    const page = feedPage([row(3), row(5), row(8)], { after: 2, limit: 2 });
    expect(page.items.map((i) => i.id)).toEqual(["3", "5"]);
    expect(page.cursor).toBe("5");
    expect(page.hasMore).toBe(true);
    const last = feedPage([row(8)], { after: 5, limit: 2 });
    expect(last).toMatchObject({ cursor: "8", hasMore: false });
  });

  it("nothing new: the cursor stays the one given (\"0\" at the very start)", () => {
    expect(feedPage([], { after: 0, limit: 100 })).toEqual({ items: [], cursor: "0", hasMore: false });
    expect(feedPage([], { after: 57, limit: 100 })).toEqual({ items: [], cursor: "57", hasMore: false });
  });
});
