/** Helpers shared by the placement services (agreements, clients, claims, instalments). */
import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { Assignment, FeeInstalment, PlacementAgreement, PlacementClaim, Provider } from "../../entities";
import { assignmentMachine } from "~/domain/assignment.machine";
import { ForbiddenError } from "~/domain/errors";
import { instalmentMachine } from "~/domain/fee-instalment.machine";
import { formatCents } from "~/domain/money";
import { can, type Permission } from "~/domain/permissions";
import { agreementMachine } from "~/domain/placement-agreement.machine";
import { claimMachine } from "~/domain/placement-claim.machine";
import { CLAIM_EVENT_TYPES, INSTALMENT_EVENT_TYPES, instalmentReference } from "~/domain/events";
import { em, lockCounter } from "~/lib/db.server";
import type { CurrentUser } from "./auth.server";
import { storedMachine } from "./transition.server";

/**
 * The next human reference `<prefix>-<year>-<n>` (e.g. VN-2026-00042). Called inside the
 * writing transaction. On PostgreSQL the transactions taking references of one prefix wait for
 * each other (lockCounter), whatever the year: a transaction may take several years of one prefix
 * (budget commitments), and locking per year in differing orders could deadlock.
 */
export async function nextReference<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, prefix: string, year: string, digits: number): Promise<string> {
  const head = `${prefix}-${year}-`;
  await lockCounter(m, `reference:${prefix}`);
  const row = await m
    .getRepository(entity)
    .createQueryBuilder("x")
    .select("MAX(x.reference)", "max")
    // A range, not LIKE: SQLite's case-insensitive LIKE cannot use the unique index.
    .where("x.reference >= :lo AND x.reference < :hi", { lo: head, hi: `${head}~` })
    .getRawOne<{ max: string | null }>();
  const last = row?.max ? Number(row.max.slice(head.length)) : 0;
  return head + String(last + 1).padStart(digits, "0");
}

export function requireCan(user: CurrentUser, permission: Permission) {
  if (!can(user.role, permission)) throw new ForbiddenError();
}

/** The placement machines bound to their tables: every move goes through transition() (ADR 0010). */
export const ASSIGNMENTS = storedMachine(assignmentMachine, {
  target: Assignment,
  entityType: "assignment",
  action: "assignment",
  describe: (a) => `Zuweisung ${a.reference}`,
  changed: "Die Zuweisung wurde inzwischen geändert. Bitte laden Sie die Seite neu.",
});
export const AGREEMENTS = storedMachine(agreementMachine, {
  target: PlacementAgreement,
  entityType: "placement-agreement",
  action: "agreement",
  describe: (a) => `Vermittlungsvereinbarung ${a.reference}`,
  changed: "Die Vereinbarung wurde inzwischen geändert. Bitte laden Sie die Seite neu.",
});
export const CLAIMS = storedMachine(claimMachine, {
  target: PlacementClaim,
  entityType: "placement-claim",
  action: "placement",
  describe: (c) => `Vermittlungsnachweis ${c.reference}`,
  changed: "Der Vermittlungsnachweis wurde inzwischen von jemand anderem bearbeitet. Bitte laden Sie die Seite neu.",
  // The broker's own feed (ADR 0015): the claim by its reference, never the client.
  feed: (_m, c, move) => ({ type: CLAIM_EVENT_TYPES[move.event], providerId: c.providerId, entityType: "placement", entityId: c.id, reference: c.reference, status: move.to }),
});
/** Claim references already read in a transaction (a reference never changes): claim id → reference. */
const claimReferences = new WeakMap<EntityManager, Map<number, string>>();

/** Tell the transaction of `m` a claim's reference, so an instalment's feed event does not read it again. */
export function knowClaimReference(m: EntityManager, claim: Pick<PlacementClaim, "id" | "reference">): void {
  if (!m.queryRunner?.isTransactionActive) return; // only for one transaction's life (a test database may be rebuilt under a shared manager)
  const known = claimReferences.get(m) ?? new Map<number, string>();
  known.set(claim.id, claim.reference);
  claimReferences.set(m, known);
}

async function claimReference(m: EntityManager, claimId: number): Promise<string> {
  const known = claimReferences.get(m)?.get(claimId);
  if (known !== undefined) return known;
  const claim = await m.getRepository(PlacementClaim).findOne({ where: { id: claimId }, select: { id: true, reference: true } });
  if (claim) knowClaimReference(m, claim);
  return claim?.reference ?? "";
}

export const INSTALMENTS = storedMachine(instalmentMachine, {
  target: FeeInstalment,
  entityType: "fee-instalment",
  action: "instalment",
  describe: (i) => `${i.number}. Rate (${formatCents(i.amountCents)})`,
  changed: "Die Rate wurde inzwischen geändert. Bitte laden Sie die Seite neu.",
  // The broker's own feed (ADR 0015), addressed by its claim and number as the API reads it.
  feed: async (m, i, move) => {
    const claim = { reference: await claimReference(m, i.claimId) };
    return {
      type: INSTALMENT_EVENT_TYPES[move.event],
      providerId: i.providerId,
      entityType: "instalment",
      entityId: i.id,
      reference: instalmentReference(claim?.reference ?? "", i.number),
      status: move.to,
      data: { claimId: i.claimId, number: i.number },
    };
  },
});

/** Provider users reach only their own organisation's rows. */
export function ownProviderId(user: CurrentUser): number {
  if (user.role !== "provider" || !user.providerId) throw new ForbiddenError();
  return user.providerId;
}

export const NOT_A_BROKER = "Dieser Bereich ist Vermittlern mit Vermittlungsvereinbarung vorbehalten. Ihre Organisation ist nicht als Vermittler erfasst.";

/**
 * The broker-only portal (assigned clients, placement claims, placement agreements) and its
 * API: the user's own organisation, and only if that organisation is a broker. A training
 * provider's user gets a 403 even though the role carries the portal permissions (issue 8 § 11).
 */
export async function ownBrokerId(user: CurrentUser, m?: EntityManager): Promise<number> {
  const providerId = ownProviderId(user);
  const provider = await (m ?? (await em())).getRepository(Provider).findOne({ where: { id: providerId }, select: { id: true, kind: true } });
  if (provider?.kind !== "broker") throw new ForbiddenError(NOT_A_BROKER);
  return providerId;
}
