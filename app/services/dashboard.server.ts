import { In } from "typeorm";
import { Assignment, Client, Provider, ProviderChangeRequest } from "../../entities";
import { VOUCHER_WARNING_DAYS } from "~/domain/list-specs";
import { can, navFor } from "~/domain/permissions";
import { addDays } from "~/domain/time";
import { today } from "~/lib/clock.server";
import { em } from "~/lib/db.server";
import { getSetting } from "~/lib/settings.server";
import type { CurrentUser } from "./auth.server";
import { instalmentsToCertify } from "./instalments.server";
import { financeWork, listPaymentItems } from "./payment-items.server";
import { budgetOverview } from "./budget.server";
import { getSettings } from "~/lib/settings.server";
import { listClaims } from "./placement-claims.server";
import { requireCan } from "./placement-common.server";
import { expiringCertificates } from "./providers.server";
import { purchasesAwaitingApproval } from "./purchases.server";

/** The provider register overview (procurement, admin, auditor). */
export async function dashboard() {
  const manager = await em();
  const raw = await manager.getRepository(Provider).createQueryBuilder("p").select("p.kind", "kind").addSelect("COUNT(*)", "n").where("p.active = :a", { a: true }).groupBy("p.kind").getRawMany<{ kind: string; n: string | number }>();
  const counts = { broker: 0, training: 0, agency: 0 } as Record<string, number>;
  for (const r of raw) counts[r.kind] = Number(r.n);
  const [expiring, pendingRequests, warningDays] = await Promise.all([
    expiringCertificates(),
    manager.getRepository(ProviderChangeRequest).count({ where: { status: "pending" } }),
    getSetting("providers.certificateWarningDays"),
  ]);
  return { counts, expiring, pendingRequests, warningDays };
}

/** Assignments (vouchers) valid today that end within the warning window, soonest first. */
export async function vouchersRunningOut(user: CurrentUser, limit = 10) {
  requireCan(user, "manage:client:any");
  const m = await em();
  const day = today();
  const qb = m
    .getRepository(Assignment)
    .createQueryBuilder("a")
    .where("a.status = 'active' AND a.validFrom <= :day AND a.validUntil >= :day AND a.validUntil <= :until", { day, until: addDays(day, VOUCHER_WARNING_DAYS) });
  const total = await qb.clone().getCount();
  const rows = await qb.orderBy("a.validUntil", "ASC").addOrderBy("a.id", "ASC").limit(limit).getMany();
  const [clients, providers] = await Promise.all([
    m.getRepository(Client).find({ where: { id: In(rows.map((a) => a.clientId).concat(0)) } }),
    m.getRepository(Provider).find({ where: { id: In(rows.map((a) => a.providerId).concat(0)) } }),
  ]);
  const clientById = new Map(clients.map((c) => [c.id, c]));
  const providerById = new Map(providers.map((p) => [p.id, p.name]));
  return {
    total,
    rows: rows.map((a) => ({
      id: a.id,
      reference: a.reference,
      clientId: a.clientId,
      client: clientById.get(a.clientId) ? `${clientById.get(a.clientId)!.reference} · ${clientById.get(a.clientId)!.lastName}, ${clientById.get(a.clientId)!.firstName}` : "",
      provider: providerById.get(a.providerId) ?? "",
      validUntil: a.validUntil,
    })),
  };
}

/**
 * Each role lands on its own work: the case manager on claims to decide and vouchers running
 * out, finance on the payable items and change requests waiting for it; the provider register
 * overview for the others. Sections are only built for what the user may see.
 */
export async function homeFor(user: CurrentUser) {
  const work: {
    claimsToDecide?: Awaited<ReturnType<typeof listClaims>>;
    vouchers?: Awaited<ReturnType<typeof vouchersRunningOut>>;
    toCertify?: number;
    finance?: Awaited<ReturnType<typeof financeWork>>;
    dueItems?: Awaited<ReturnType<typeof listPaymentItems>>;
    nearLimit?: { budgetLineId: number; number: string; title: string; year: number; usedPercent: number; availableCents: number }[];
    pendingRequests?: number;
    purchasesToApprove?: number;
  } = {};
  if (user.role === "case_manager") {
    work.claimsToDecide = await listClaims(user, { status: "submitted", sort: "submittedAt", dir: "asc", pageSize: 10 });
    work.toCertify = (await instalmentsToCertify(user)).length;
    work.vouchers = await vouchersRunningOut(user);
    work.purchasesToApprove = await purchasesAwaitingApproval(user);
  }
  if (user.role === "finance") {
    work.finance = await financeWork(user);
    work.dueItems = await listPaymentItems(user, { status: "open", sort: "dueOn", dir: "asc", pageSize: 10 });
    const settings = await getSettings();
    const year = Number(work.dueItems.today.slice(0, 4));
    work.nearLimit = (await budgetOverview(user, { year }))
      .filter((r) => r.usedPercent >= settings["finance.nearLimitPercent"])
      .map((r) => ({ budgetLineId: r.budgetLineId, number: r.number, title: r.title, year: r.year, usedPercent: r.usedPercent, availableCents: r.availableCents }));
    if (can(user.role, "confirm:provider-change:any")) work.pendingRequests = await (await em()).getRepository(ProviderChangeRequest).count({ where: { status: "pending" } });
  }
  const hasWork = Object.keys(work).length > 0;
  return { work, overview: hasWork ? null : await dashboard() };
}

/** The main menu: by role, and for provider users by the organisation's kind. */
export async function navigationFor(user: CurrentUser | null) {
  if (!user) return [];
  let kind: string | null = null;
  if (user.role === "provider" && user.providerId) {
    const p = await (await em()).getRepository(Provider).findOne({ where: { id: user.providerId }, select: { id: true, kind: true } });
    kind = p?.kind ?? null;
  }
  return navFor(user.role, kind, Boolean(user.comparisonAccess)).map(({ to, label }) => ({ to, label }));
}
