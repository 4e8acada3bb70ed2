/**
 * Shared by the place services (catalogue, purchases, participation, billing): the purchase
 * machine bound to its table, the facts of a move, the one place that decides what a provider
 * sees of a participant (DOMAIN.md § 4, rule 15), and the provider-scoped loaders.
 */
import type { EntityManager } from "typeorm";
import { Client, Measure, PlacePurchase } from "../../entities";
import { NotFoundError } from "~/domain/errors";
import { PURCHASE_EVENT_TYPES } from "~/domain/events";
import { formatCents, parseEuroToCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { ageOn, PROVIDER_VISIBLE_STATES, PURCHASE_STATE_LABELS, type PurchaseState } from "~/domain/places";
import { purchaseMachine, type PurchaseFacts } from "~/domain/purchase.machine";
import type { SettingValues } from "~/domain/settings";
import { today } from "~/lib/clock.server";
import type { CurrentUser } from "./auth.server";
import { storedMachine } from "./transition.server";

/** Every purchase move goes through transition(PLACE_PURCHASES, …) (ADR 0010). */
export const PLACE_PURCHASES = storedMachine(purchaseMachine, {
  target: PlacePurchase,
  entityType: "place-purchase",
  action: "purchase",
  describe: (p) => `Platzkauf ${p.reference} (${formatCents(p.estimatedCents)})`,
  changed: "Der Platzkauf wurde inzwischen von jemand anderem bearbeitet; bitte laden Sie die Seite neu.",
  // The provider's own feed (ADR 0015): the purchase by its reference, never the client.
  feed: (_m, p, move) => {
    const type = PURCHASE_EVENT_TYPES[move.event];
    return type && p.providerId ? { type, providerId: p.providerId, entityType: "purchase", entityId: p.id, reference: p.reference, status: move.to } : null;
  },
});

/** The facts of a purchase move; `extra` carries the event's input (entry/exit dates, reason). */
export function purchaseFacts(p: PlacePurchase, actor: CurrentUser | "system", extra: Partial<PurchaseFacts> = {}): PurchaseFacts {
  return {
    state: p.status as PurchaseState,
    today: today(),
    actorId: actor === "system" ? null : actor.id,
    requestedById: p.requestedById,
    approvalNeeded: p.approvalNeeded,
    startDate: p.startDate,
    entryDate: p.entryDate,
    exitDate: p.exitDate,
    exitReason: p.exitReason,
    ...extra,
  };
}

/** The approval amount in cents (setting places.approvalAbove, "10.000,00"). */
export function approvalAboveCents(settings: SettingValues): number {
  return parseEuroToCents(settings["places.approvalAbove"]) ?? 0;
}

/** A participant as a provider sees it (DOMAIN.md § 4): never benefits, household or health data. */
export interface ParticipantView {
  purchaseId: number;
  purchase: string;
  /** The pseudonymous reference. */
  client: string;
  /** Name and contact only with the client's consent and while the place is held or running. */
  name: string | null;
  contact: { street: string; postalCode: string; city: string; phone: string; email: string } | null;
  /** What the measure needs: the age on the start date (for age-limited measures), qualification and target occupation. */
  ageAtStart: number | null;
  qualification: string;
  targetOccupation: string;
  startDate: string;
  endDate: string;
  entryDate: string | null;
  exitDate: string | null;
  status: string;
  statusLabel: string;
}

/** The one place that decides which client fields a provider sees of a participant (rule 15). */
export function participantView(p: PlacePurchase, c: Client, m: Pick<Measure, "minAge" | "maxAge">): ParticipantView {
  const consent = !!p.consentAt && !p.consentWithdrawnAt && ["ordered", "confirmed", "running"].includes(p.status);
  return {
    purchaseId: p.id,
    purchase: p.reference,
    client: c.reference,
    name: consent ? `${c.firstName} ${c.lastName}` : null,
    contact: consent ? { street: c.street, postalCode: c.postalCode, city: c.city, phone: c.phone, email: c.email } : null,
    ageAtStart: (m.minAge !== null || m.maxAge !== null) && c.birthDate ? ageOn(c.birthDate, p.startDate) : null,
    qualification: c.qualification,
    targetOccupation: c.targetOccupation,
    startDate: p.startDate,
    endDate: p.endDate,
    entryDate: p.entryDate,
    exitDate: p.exitDate,
    status: p.status,
    statusLabel: PURCHASE_STATE_LABELS[p.status as PurchaseState] ?? p.status,
  };
}

/**
 * A purchase as the signed-in user may reach it: staff with read:place:any every one; a provider
 * only its own organisation's, and only once the order reached it (ordered at some point: a
 * request refused or cancelled before it was ordered never reached the provider, nor did its
 * internal reasons). Anything else is "not found".
 */
export async function reachablePurchase(m: EntityManager, user: CurrentUser, id: number): Promise<PlacePurchase> {
  const p = Number.isSafeInteger(id) && id > 0 ? await m.getRepository(PlacePurchase).findOne({ where: { id } }) : null;
  if (p && can(user.role, "read:place:any")) return p;
  if (p && can(user.role, "read:purchase:own") && user.providerId !== null && p.providerId === user.providerId && p.orderedAt !== null && PROVIDER_VISIBLE_STATES.includes(p.status as PurchaseState)) return p;
  throw new NotFoundError("Der Platzkauf wurde nicht gefunden.");
}
