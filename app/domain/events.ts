/**
 * The change feed (`GET /api/v1/events`, docs/decisions/0015-change-feed.md): its event type
 * codes with German labels, which machine move reports which type, the cursor and the item a
 * provider's system reads. Pure: the table and the writing live in services/events.server.ts.
 *
 * An event names the object that changed (type, id, reference) and its status after the
 * change; the object itself is read at `href`. Nothing personal is ever in an event: tenders and
 * offers by their reference, placement claims by their claim reference (VN-…), never a client.
 */
import type { ClaimEvent } from "./placement-claim.machine";
import { CLAIM_STATE_LABELS } from "./placement-claim.machine";
import type { InstalmentEvent } from "./fee-instalment.machine";
import { INSTALMENT_STATE_LABELS } from "./fee-instalment.machine";
import type { TenderEvent } from "./tender.machine";
import { TENDER_STATE_LABELS } from "./tender.machine";
import { INVOICE_STATUS_LABELS } from "./invoices";
import type { PurchaseEvent } from "./purchase.machine";
import { MEASURE_STATE_LABELS, PURCHASE_STATE_LABELS } from "./places";

/** Every event type: a stable code (never renamed once published) and its German label. */
export const EVENT_TYPE_LABELS = {
  // Public: every provider sees them.
  "tender.published": "Ausschreibung veröffentlicht",
  "tender.question_answered": "Bieterfrage beantwortet",
  "tender.offers_closed": "Angebotsfrist abgelaufen",
  "tender.opened": "Angebote geöffnet",
  "tender.evaluated": "Wertung abgeschlossen",
  "tender.award_decided": "Zuschlag entschieden",
  "tender.bidders_informed": "Bieter informiert",
  "tender.awarded": "Zuschlag erteilt",
  "tender.cancelled": "Ausschreibung aufgehoben",
  // The provider's own offers.
  "offer.received": "Angebot eingegangen",
  "offer.replaced": "Angebot durch eine neue Fassung ersetzt",
  "offer.withdrawn": "Angebot zurückgezogen",
  // The broker's own placement claims.
  "placement.submitted": "Vermittlungsnachweis eingegangen",
  "placement.documents_requested": "Unterlagen angefordert",
  "placement.resubmitted": "Unterlagen nachgereicht, Nachweis wieder in Prüfung",
  "placement.accepted": "Vermittlungsnachweis anerkannt",
  "placement.rejected": "Vermittlungsnachweis abgelehnt",
  "placement.withdrawn": "Vermittlungsnachweis zurückgezogen",
  // The broker's own fee instalments.
  "instalment.due": "Rate fällig: Bestätigung des Arbeitgebers einreichen",
  "instalment.earned": "Rate verdient (Nachweis liegt vor)",
  "instalment.payable": "Rate sachlich richtig gezeichnet und an die Kasse übergeben",
  "instalment.paid": "Rate ausgezahlt",
  "instalment.cancelled": "Rate entfallen (Beschäftigung vor Erreichen der Dauer beendet)",
  "instalment.lapsed": "Rate entfallen (Ausschlussfrist versäumt)",
  "instalment.reinstated": "Rate wieder offen (Korrektur)",
  "instalment.revoked": "Rate widerrufen",
  // The provider's own invoices (issue 10).
  "invoice.received": "Rechnung eingegangen und angenommen",
  "invoice.rejected": "Rechnung bei Eingang abgelehnt",
  "invoice.paid": "Rechnung bezahlt",
  // The provider's own place orders (issue 11).
  "purchase.ordered": "Platz bestellt",
  "purchase.confirmed": "Platzbestellung bestätigt",
  "purchase.declined": "Platzbestellung abgelehnt",
  "purchase.started": "Teilnahme begonnen",
  "purchase.completed": "Teilnahme abgeschlossen",
  "purchase.dropped_out": "Teilnahme abgebrochen",
  "purchase.cancelled": "Platzbestellung storniert",
  "bill.proposed": "Abrechnungsvorschlag bereit",
  // Catalogue proposals of the provider.
  "measure.accepted": "Maßnahmevorschlag in den Katalog aufgenommen",
  "measure.rejected": "Maßnahmevorschlag abgelehnt",
} as const;

export type EventType = keyof typeof EVENT_TYPE_LABELS;
export const EVENT_TYPES = Object.keys(EVENT_TYPE_LABELS) as EventType[];

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(EVENT_TYPE_LABELS, value);
}

/** The kinds of objects an event names. */
export const EVENT_ENTITY_TYPES = ["tender", "offer", "placement", "instalment", "invoice", "purchase", "bill", "measure"] as const;
export type EventEntityType = (typeof EVENT_ENTITY_TYPES)[number];

/** Offers have no machine of their own; their statuses as the feed labels them. */
export const OFFER_STATUS_LABELS: Record<string, string> = {
  submitted: "eingegangen",
  replaced: "ersetzt",
  withdrawn: "zurückgezogen",
};

const STATUS_LABELS: Record<EventEntityType, Record<string, string>> = {
  tender: TENDER_STATE_LABELS,
  offer: OFFER_STATUS_LABELS,
  placement: CLAIM_STATE_LABELS,
  instalment: INSTALMENT_STATE_LABELS,
  invoice: INVOICE_STATUS_LABELS,
  purchase: PURCHASE_STATE_LABELS,
  bill: { proposed: "vorgeschlagen", confirmed: "bestätigt", invoiced: "mit eigener Rechnung abgerechnet", cancelled: "aufgehoben" },
  measure: MEASURE_STATE_LABELS,
};

/** The German label of an object's status, or null (no status, or a code without a label). */
export function statusLabel(entityType: string, status: string | null): string | null {
  if (status === null) return null;
  const labels = STATUS_LABELS[entityType as EventEntityType];
  return labels && Object.prototype.hasOwnProperty.call(labels, status) ? labels[status] : null;
}

// ---------------------------------------------------------------------------------------------
// Which machine move the feed reports (services/transition.server.ts writes it with the move)

/** Every tender move is public, except cancelling a draft that nobody outside ever saw. */
export const TENDER_EVENT_TYPES: Record<TenderEvent, EventType> = {
  publish: "tender.published",
  close_offers: "tender.offers_closed",
  open: "tender.opened",
  evaluate: "tender.evaluated",
  decide_award: "tender.award_decided",
  inform_bidders: "tender.bidders_informed",
  award: "tender.awarded",
  cancel: "tender.cancelled",
};

/** A tender move is reported unless the tender was never published (a draft cancelled). */
export function tenderMoveIsPublic(from: string, to: string): boolean {
  return from !== "draft" || to === "published";
}

export const CLAIM_EVENT_TYPES: Record<ClaimEvent, EventType> = {
  accept: "placement.accepted",
  reject: "placement.rejected",
  request_documents: "placement.documents_requested",
  resubmit: "placement.resubmitted",
  withdraw: "placement.withdrawn",
};

export const INSTALMENT_EVENT_TYPES: Record<InstalmentEvent, EventType> = {
  reach_duration: "instalment.due",
  prove: "instalment.earned",
  certify: "instalment.payable",
  end_employment: "instalment.cancelled",
  lapse: "instalment.lapsed",
  reinstate: "instalment.reinstated",
  revoke: "instalment.revoked",
  pay: "instalment.paid",
};

/** Purchase moves the provider sees (an order reached it); requesting and approving stay inside the authority. */
export const PURCHASE_EVENT_TYPES: Partial<Record<PurchaseEvent, EventType>> = {
  order: "purchase.ordered",
  confirm: "purchase.confirmed",
  decline: "purchase.declined",
  start: "purchase.started",
  complete: "purchase.completed",
  drop_out: "purchase.dropped_out",
  cancel: "purchase.cancelled",
};

/** How the feed names an offer: the tender's reference and the offer's version ("V-2026-003 / 2"). */
export function offerReference(tenderReference: string, version: number): string {
  return `${tenderReference} / ${version}`;
}

/** How the feed names an instalment: the claim's reference and its number ("VN-2026-00042 / 1. Rate"). */
export function instalmentReference(claimReference: string, number: number): string {
  return `${claimReference} / ${number}. Rate`;
}

// ---------------------------------------------------------------------------------------------
// Reading: cursor, limit, item

export const FEED_LIMIT_DEFAULT = 100;
export const FEED_LIMIT_MAX = 500;

/** The cursor a client stores: the decimal id of the last event it read; "0" is the start. */
export function formatCursor(id: number): string {
  return String(id);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * A cursor as given in `after`: absent (null or empty: from the start) or a cursor this feed
 * handed out (a decimal number, no sign, no leading zeros except "0" itself).
 */
export function parseCursor(raw: string | null): Parsed<number> {
  if (raw === null || raw === "") return { ok: true, value: 0 };
  if (!/^(0|[1-9][0-9]{0,14})$/.test(raw)) return { ok: false, error: "Ungültiger Cursor: erwartet wird der Wert „cursor“ einer früheren Antwort (oder 0 für den Anfang)." };
  return { ok: true, value: Number(raw) };
}

/** `limit` as given in the query: absent (the default) or a whole number from 1 to the maximum. */
export function parseLimit(raw: string | number | null): Parsed<number> {
  if (raw === null || raw === "") return { ok: true, value: FEED_LIMIT_DEFAULT };
  const n = typeof raw === "number" ? raw : /^[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > FEED_LIMIT_MAX) return { ok: false, error: `Der Parameter „limit“ ist eine ganze Zahl von 1 bis ${FEED_LIMIT_MAX}.` };
  return { ok: true, value: n };
}

export interface FeedQuery {
  /** Events after this id (0: from the start). */
  after: number;
  limit: number;
}

/** Both query parameters at once; errors keyed by the parameter's name. */
export function parseFeedQuery(raw: { after: string | null; limit: string | number | null }): { ok: true; query: FeedQuery } | { ok: false; errors: Record<string, string> } {
  const after = parseCursor(raw.after);
  const limit = parseLimit(raw.limit);
  const errors: Record<string, string> = {};
  if (!after.ok) errors.after = after.error;
  if (!limit.ok) errors.limit = limit.error;
  if (!after.ok || !limit.ok) return { ok: false, errors };
  return { ok: true, query: { after: after.value, limit: limit.value } };
}

/** A stored event as the reader gets it from the table. */
export interface StoredEvent {
  id: number;
  type: string;
  entityType: string;
  entityId: number;
  reference: string;
  status: string | null;
  occurredAt: string;
  data: Record<string, unknown> | null;
}

/** One event as the API shows it. */
export interface FeedItem {
  /** The event's position in the feed; also a cursor. */
  id: string;
  type: string;
  typeLabel: string;
  /** Instant, ISO 8601 UTC. */
  occurredAt: string;
  entity: { type: string; id: number; reference: string; href: string | null };
  status: string | null;
  statusLabel: string | null;
}

export interface FeedPage {
  items: FeedItem[];
  /** Store it and send it as `after` next time: the last item's id, or the `after` given when nothing is new. */
  cursor: string;
  /** More events follow right away (the page was full). */
  hasMore: boolean;
}

/** Where the API shows the object an event names, or null. */
export function eventHref(entityType: string, entityId: number, data: Record<string, unknown> | null): string | null {
  switch (entityType) {
    case "tender":
      return `/api/v1/tenders/${entityId}`;
    case "offer":
      return `/api/v1/offers/${entityId}`;
    case "placement":
      return `/api/v1/placements/${entityId}`;
    case "invoice":
      return `/api/v1/invoices/${entityId}`;
    case "purchase":
      return `/api/v1/purchases/${entityId}`;
    case "bill":
      return `/api/v1/bills/${entityId}`;
    case "measure":
      return `/api/v1/measures/${entityId}`;
    case "instalment": {
      const claimId = data?.claimId;
      const number = data?.number;
      return typeof claimId === "number" && typeof number === "number" ? `/api/v1/placements/${claimId}/instalments/${number}` : null;
    }
    default:
      return null;
  }
}

export function toFeedItem(e: StoredEvent): FeedItem {
  return {
    id: formatCursor(e.id),
    type: e.type,
    typeLabel: isEventType(e.type) ? EVENT_TYPE_LABELS[e.type] : e.type,
    occurredAt: e.occurredAt,
    entity: { type: e.entityType, id: e.entityId, reference: e.reference, href: eventHref(e.entityType, e.entityId, e.data) },
    status: e.status,
    statusLabel: statusLabel(e.entityType, e.status),
  };
}

/**
 * The page for `rows` read with `limit + 1` (the extra row only tells that more follow).
 * `after` is the cursor the client sent (0 at the start).
 */
export function feedPage(rows: StoredEvent[], query: FeedQuery): FeedPage {
  const hasMore = rows.length > query.limit;
  const items = rows.slice(0, query.limit).map(toFeedItem);
  return { items, cursor: items.length ? items[items.length - 1].id : formatCursor(query.after), hasMore };
}
