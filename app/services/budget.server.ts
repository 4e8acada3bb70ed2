/**
 * Budget lines, appropriations, commitments and ordering authorities (DOMAIN.md § 3.1, rule 11).
 *
 * Every order that binds money commits its expected cost first, in every year it runs
 * (`commitFunds`, called inside the order's own transaction: an award, a voucher, a place
 * purchase). Payments consume the commitment of their source in the year they are paid
 * (`consumeCommitment`); what is left is released when the order ends or is cancelled
 * (`releaseCommitments`). Available = appropriation − commitments − payments not covered.
 */
import { can, isRole, ROLE_LABELS } from "~/domain/permissions";
import { In, IsNull, type EntityManager } from "typeorm";
import { Assignment, BudgetLine, BudgetYear, Commitment, Contract, OrderingAuthority, PaymentItem, User } from "../../entities";
import { toCsv } from "~/domain/csv";
import { addMonths, formatDate, formatDateTime } from "~/domain/time";
import { availableCents, paidCents, shortfallMessage, voucherPeriod, type LineYearFigures, type YearShare } from "~/domain/finance";
import { parseEuroToCents, formatCents } from "~/domain/money";
import { NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { databaseKind, em, tx } from "~/lib/db.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { nextReference, requireCan } from "./placement-common.server";

export const COMMITMENT_SOURCE_LABELS: Record<string, string> = {
  contract: "Vertrag (Zuschlag)",
  voucher: "Vermittlungsgutschein",
  purchase: "Platzkauf",
  manual: "manuell",
};

export async function budgetLineByNumber(m: EntityManager, number: string): Promise<BudgetLine> {
  const line = await m.getRepository(BudgetLine).findOne({ where: { number: number.trim() } });
  if (!line) throw new RuleError(`Die Haushaltsstelle ${number} ist nicht angelegt; bitte legen Sie sie unter „Haushalt“ an, bevor Mittel gebunden werden.`);
  return line;
}

/** The figures of one line in one year (LineYearFigures), read inside the caller's transaction. */
export async function lineYearFigures(m: EntityManager, budgetLineId: number, year: number): Promise<LineYearFigures> {
  const by = await m.getRepository(BudgetYear).findOne({ where: { budgetLineId, year } });
  const c = await m
    .getRepository(Commitment)
    .createQueryBuilder("c")
    .select("COALESCE(SUM(c.amountCents - c.releasedCents), 0)", "committed")
    .addSelect("COALESCE(SUM(c.consumedCents), 0)", "consumed")
    .where("c.budgetLineId = :l AND c.year = :y", { l: budgetLineId, y: year })
    .getRawOne<{ committed: string; consumed: string }>();
  const paid = await paidInYear(m, budgetLineId, year);
  const consumed = Number(c?.consumed ?? 0);
  return {
    appropriationCents: by?.appropriationCents ?? 0,
    authorisationCents: by?.authorisationCents ?? 0,
    committedCents: Number(c?.committed ?? 0),
    consumedCents: consumed,
    uncoveredCents: Math.max(paid - consumed, 0),
  };
}

async function paidInYear(m: EntityManager, budgetLineId: number, year: number): Promise<number> {
  const row = await m
    .getRepository(PaymentItem)
    .createQueryBuilder("p")
    .select("COALESCE(SUM(p.amountCents), 0)", "paid")
    .where("p.budgetLineId = :l AND p.status = 'paid' AND p.paidOn >= :from AND p.paidOn <= :to", { l: budgetLineId, from: `${year}-01-01`, to: `${year}-12-31` })
    .getRawOne<{ paid: string }>();
  return Number(row?.paid ?? 0);
}

export interface CommitInput {
  budgetLineNumber: string;
  sourceType: "contract" | "voucher" | "purchase" | "manual";
  sourceId: number | null;
  providerId: number | null;
  description: string;
  shares: YearShare[];
}

/**
 * Commit an order's cost in every year it runs (rule 11), inside the order's transaction. Every
 * year is checked before anything is written; the first year without enough money refuses the
 * whole order with the line, the year and the shortfall.
 */
export async function commitFunds(m: EntityManager, actor: CurrentUser | "system", input: CommitInput): Promise<Commitment[]> {
  const line = await budgetLineByNumber(m, input.budgetLineNumber);
  if (!line.active) throw new RuleError(`Die Haushaltsstelle ${line.number} ist gesperrt; es können keine Mittel gebunden werden.`);
  // PostgreSQL: two processes committing on the same line wait for each other (SQLite: the write gate serialises).
  if (databaseKind() === "postgres") await m.query("SELECT id FROM budget_lines WHERE id = $1 FOR UPDATE", [line.id]);
  for (const share of input.shares) {
    const available = availableCents(await lineYearFigures(m, line.id, share.year));
    if (share.amountCents > available) throw new RuleError(shortfallMessage(line.number, line.title, share.year, share.amountCents, available));
  }
  const at = nowIso();
  const out: Commitment[] = [];
  for (const share of input.shares) {
    const c = await m.getRepository(Commitment).save(
      m.getRepository(Commitment).create({
        reference: await nextReference(m, Commitment, "MB", String(share.year), 5),
        budgetLineId: line.id,
        year: share.year,
        sourceType: input.sourceType,
        sourceId: input.sourceId,
        providerId: input.providerId,
        description: input.description.slice(0, 300),
        amountCents: share.amountCents,
        consumedCents: 0,
        releasedCents: 0,
        status: "open",
        createdAt: at,
        createdById: actor === "system" ? null : actor.id,
        closedAt: null,
        closeReason: "",
        updatedAt: at,
      }),
    );
    out.push(c);
  }
  await appendAudit(m, actor === "system" ? SYSTEM : actorOf(actor), {
    action: "commitment.create",
    summary: `Mittel gebunden: ${input.description} – Haushaltsstelle ${line.number}, ${out.map((c) => `${c.year}: ${formatCents(c.amountCents)}`).join(", ")}`,
    entityType: "commitment",
    entityId: String(out[0]?.id ?? ""),
    providerId: input.providerId,
    details: { budgetLine: line.number, sourceType: input.sourceType, sourceId: input.sourceId, shares: input.shares },
  });
  return out;
}

/** The open commitment a payment of this source in this year draws on (the payment year's, else the nearest open one). */
export async function commitmentFor(m: EntityManager, sourceType: string, sourceId: number, year: number): Promise<Commitment | null> {
  const rows = await m.getRepository(Commitment).find({ where: { sourceType, sourceId }, order: { year: "ASC" } });
  return rows.find((c) => c.year === year) ?? rows.find((c) => c.status === "open") ?? rows[0] ?? null;
}

/**
 * A payment consumes its commitment in the year it is paid; what the commitment cannot cover is
 * a payment not covered by a commitment (it reduces what is available all the same).
 */
export async function consumeCommitment(m: EntityManager, item: Pick<PaymentItem, "commitmentId" | "amountCents" | "reference">, paidOn: string): Promise<{ consumedCents: number; uncoveredCents: number }> {
  if (!item.commitmentId) return { consumedCents: 0, uncoveredCents: item.amountCents };
  const linked = await m.getRepository(Commitment).findOne({ where: { id: item.commitmentId } });
  if (!linked) return { consumedCents: 0, uncoveredCents: item.amountCents };
  const year = Number(paidOn.slice(0, 4));
  // A payment is charged to the year it is paid in: the same order's commitment of that year. An
  // order without money bound in that year (paid before its first or after its last year) has
  // nothing to consume: the payment is not covered by a commitment and reduces what is available.
  const target =
    linked.year === year
      ? linked
      : linked.sourceId === null
        ? null
        : await m.getRepository(Commitment).findOne({ where: { sourceType: linked.sourceType, sourceId: linked.sourceId, year, budgetLineId: linked.budgetLineId } });
  if (!target) return { consumedCents: 0, uncoveredCents: item.amountCents };
  const rest = target.amountCents - target.consumedCents - target.releasedCents;
  const consumed = Math.max(Math.min(rest, item.amountCents), 0);
  if (consumed > 0) {
    await m.getRepository(Commitment).update({ id: target.id }, { consumedCents: target.consumedCents + consumed, updatedAt: nowIso() });
  }
  if (target.id !== item.commitmentId) await m.getRepository(PaymentItem).update({ reference: item.reference }, { commitmentId: target.id });
  return { consumedCents: consumed, uncoveredCents: item.amountCents - consumed };
}

/** The order ended or was cancelled: release what its commitments still bind. */
export async function releaseCommitments(m: EntityManager, actor: CurrentUser | "system", sourceType: string, sourceId: number, reason: string): Promise<number> {
  // PostgreSQL: the rows stay locked until commit, so a second process releasing the same order
  // at the same moment (the daily job runs in every process) waits and then finds them closed.
  const lock = m.connection.options.type === "postgres" ? { lock: { mode: "pessimistic_write" as const } } : {};
  const rows = await m.getRepository(Commitment).find({ where: { sourceType, sourceId, status: "open" }, order: { id: "ASC" }, ...lock });
  let released = 0;
  const at = nowIso();
  const changed: Commitment[] = [];
  for (const c of rows) {
    // Payment items still open on this order keep what they need.
    const pending = await m
      .getRepository(PaymentItem)
      .createQueryBuilder("p")
      .select("COALESCE(SUM(p.amountCents), 0)", "s")
      .where("p.commitmentId = :c AND p.status NOT IN ('paid', 'cancelled')", { c: c.id })
      .getRawOne<{ s: string }>();
    const rest = c.amountCents - c.consumedCents - c.releasedCents - Number(pending?.s ?? 0);
    if (rest <= 0 && Number(pending?.s ?? 0) > 0) continue;
    await m.getRepository(Commitment).update({ id: c.id }, { releasedCents: c.releasedCents + Math.max(rest, 0), status: Number(pending?.s ?? 0) > 0 ? "open" : "closed", closedAt: at, closeReason: reason.slice(0, 500), updatedAt: at });
    released += Math.max(rest, 0);
    changed.push(c);
  }
  // Audited when something changed (not again for an order whose rest is held by open payments).
  if (changed.length) {
    await appendAudit(m, actor === "system" ? SYSTEM : actorOf(actor), {
      action: "commitment.release",
      summary: `Restmittel freigegeben (${COMMITMENT_SOURCE_LABELS[sourceType] ?? sourceType} ${sourceId}): ${formatCents(released)} – ${reason}`,
      entityType: "commitment",
      entityId: String(changed[0].id),
      providerId: changed[0].providerId,
      details: { sourceType, sourceId, releasedCents: released, reason },
    });
  }
  return released;
}

// ---------------------------------------------------------------------------------------------
// Budget lines and years (staff with manage:budget:any)

/** A positive integer id from a form or URL (anything else: null). */
export function idOf(raw: unknown): number | null {
  const n = Number(String(raw ?? "").trim());
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : null;
}

function yearOf(raw: unknown): number {
  const y = Number(raw);
  if (!Number.isInteger(y) || y < 2000 || y > 2100) throw new ValidationError("Bitte geben Sie ein Haushaltsjahr zwischen 2000 und 2100 an.", { year: "Bitte geben Sie ein Haushaltsjahr zwischen 2000 und 2100 an." });
  return y;
}

/** Run one field's check, collecting its German message instead of stopping at the first. */
function field<T>(errors: Record<string, string>, fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      Object.assign(errors, e.fieldErrors);
      return null;
    }
    throw e;
  }
}

/** The largest amount a budget figure can plausibly have (10 Mrd. €): a typo beyond it is refused, not stored. */
const MAX_BUDGET_CENTS = 10_000_000_000_00;

function euros(raw: unknown, field: string, label: string, required = false): number {
  const text = String(raw ?? "").trim();
  if (!text && required) throw new ValidationError(`${label}: bitte einen Betrag in Euro angeben.`, { [field]: "Bitte einen Betrag in Euro angeben, z. B. 150.000,00 (0 für keinen)." });
  const cents = parseEuroToCents(text || "0");
  if (cents === null || cents < 0) throw new ValidationError(`${label}: bitte einen Betrag in Euro angeben, z. B. 150.000,00.`, { [field]: `Bitte einen Betrag in Euro angeben, z. B. 150.000,00.` });
  if (cents > MAX_BUDGET_CENTS) throw new ValidationError(`${label}: höchstens ${formatCents(MAX_BUDGET_CENTS)}.`, { [field]: `Höchstens ${formatCents(MAX_BUDGET_CENTS)} – bitte den Betrag prüfen.` });
  return cents;
}

export async function createBudgetLine(user: PersonUser, raw: { number?: unknown; title?: unknown }) {
  requireCan(user, "manage:budget:any");
  const number = String(raw.number ?? "").trim();
  const title = String(raw.title ?? "").trim();
  const errors: Record<string, string> = {};
  if (!/^[0-9A-Za-z][0-9A-Za-z./-]{1,39}$/.test(number)) errors.number = "Bitte geben Sie die Haushaltsstelle an, z. B. 1.4820.7690 (Ziffern, Buchstaben, Punkte, Bindestriche).";
  if (title.length < 3 || title.length > 200) errors.title = "Bitte geben Sie eine Bezeichnung an (3 bis 200 Zeichen).";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  return tx(async (m) => {
    if (await m.getRepository(BudgetLine).findOne({ where: { number } })) throw new ValidationError("Diese Haushaltsstelle gibt es schon.", { number: "Diese Haushaltsstelle gibt es schon." });
    const line = await m.getRepository(BudgetLine).save(m.getRepository(BudgetLine).create({ number, title, active: true, createdAt: nowIso() }));
    await appendAudit(m, actorOf(user), { action: "budget.line-create", summary: `Haushaltsstelle ${number} angelegt (${title})`, entityType: "budget-line", entityId: String(line.id) });
    return line;
  });
}

/** Set a year's appropriation (Ansatz) and commitment authorisation (VE) of a line. */
export async function setBudgetYear(user: PersonUser, budgetLineId: number, raw: { year?: unknown; appropriation?: unknown; authorisation?: unknown }) {
  requireCan(user, "manage:budget:any");
  if (!idOf(budgetLineId)) throw new NotFoundError("Die Haushaltsstelle wurde nicht gefunden.");
  const errors: Record<string, string> = {};
  const year = field(errors, () => yearOf(raw.year))!;
  const appropriationCents = field(errors, () => euros(raw.appropriation, "appropriation", "Ansatz", true))!;
  const authorisationCents = field(errors, () => euros(raw.authorisation, "authorisation", "Verpflichtungsermächtigung"))!;
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  return tx(async (m) => {
    const line = await m.getRepository(BudgetLine).findOne({ where: { id: budgetLineId } });
    if (!line) throw new NotFoundError("Die Haushaltsstelle wurde nicht gefunden.");
    const figures = await lineYearFigures(m, line.id, year);
    const limit = appropriationCents > 0 ? appropriationCents : authorisationCents;
    const bound = figures.committedCents + figures.uncoveredCents;
    if (limit < bound)
      throw new RuleError(`Im Haushaltsjahr ${year} sind auf ${line.number} bereits ${formatCents(bound)} gebunden oder gezahlt; der Ansatz kann nicht darunter sinken.`);
    const at = nowIso();
    const existing = await m.getRepository(BudgetYear).findOne({ where: { budgetLineId, year } });
    if (existing) await m.getRepository(BudgetYear).update({ id: existing.id }, { appropriationCents, authorisationCents, updatedAt: at, updatedById: user.id });
    else await m.getRepository(BudgetYear).insert({ budgetLineId, year, appropriationCents, authorisationCents, updatedAt: at, updatedById: user.id });
    await appendAudit(m, actorOf(user), {
      action: "budget.year-set",
      summary: `Haushaltsstelle ${line.number}, ${year}: Ansatz ${formatCents(appropriationCents)}, VE ${formatCents(authorisationCents)}${existing ? ` (vorher Ansatz ${formatCents(existing.appropriationCents)}, VE ${formatCents(existing.authorisationCents)})` : ""}`,
      entityType: "budget-line",
      entityId: String(line.id),
      details: { year, appropriationCents, authorisationCents },
    });
  });
}

export async function setBudgetLineActive(user: PersonUser, budgetLineId: number, active: boolean) {
  requireCan(user, "manage:budget:any");
  return tx(async (m) => {
    const line = idOf(budgetLineId) ? await m.getRepository(BudgetLine).findOne({ where: { id: budgetLineId } }) : null;
    if (!line) throw new NotFoundError("Die Haushaltsstelle wurde nicht gefunden.");
    await m.getRepository(BudgetLine).update({ id: line.id }, { active });
    await appendAudit(m, actorOf(user), { action: active ? "budget.line-open" : "budget.line-lock", summary: `Haushaltsstelle ${line.number} ${active ? "freigegeben" : "gesperrt"}`, entityType: "budget-line", entityId: String(line.id) });
  });
}

/** A manual commitment (e.g. a contract concluded outside this system) or its release. */
export async function createManualCommitment(user: PersonUser, raw: { budgetLineId?: unknown; year?: unknown; amount?: unknown; description?: unknown }) {
  requireCan(user, "manage:budget:any");
  const errors: Record<string, string> = {};
  const year = field(errors, () => yearOf(raw.year))!;
  const amountCents = field(errors, () => euros(raw.amount, "amount", "Betrag"));
  const description = String(raw.description ?? "").trim();
  if (amountCents !== null && amountCents <= 0) errors.amount = "Bitte geben Sie einen Betrag über 0 € an, z. B. 12.500,00.";
  if (description.length < 5 || description.length > 300) errors.description = "Bitte beschreiben Sie, wofür die Mittel gebunden werden (5 bis 300 Zeichen).";
  if (!idOf(raw.budgetLineId)) errors.budgetLineId = "Bitte wählen Sie eine Haushaltsstelle.";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  return tx(async (m) => {
    const lineId = idOf(raw.budgetLineId);
    const line = lineId ? await m.getRepository(BudgetLine).findOne({ where: { id: lineId } }) : null;
    if (!line) throw new ValidationError("Bitte wählen Sie eine Haushaltsstelle.", { budgetLineId: "Bitte wählen Sie eine Haushaltsstelle." });
    return commitFunds(m, user, { budgetLineNumber: line.number, sourceType: "manual", sourceId: null, providerId: null, description, shares: [{ year, amountCents: amountCents! }] });
  });
}

export async function releaseCommitment(user: PersonUser, commitmentId: number, reason: string, where: { budgetLineId?: number; year?: number } = {}) {
  requireCan(user, "manage:budget:any");
  reason = String(reason ?? "");
  if (!idOf(commitmentId)) throw new NotFoundError("Die Mittelbindung wurde nicht gefunden.");
  if (reason.trim().length < 10) throw new ValidationError("Bitte begründen Sie die Freigabe (mindestens 10 Zeichen).", { reason: "Bitte begründen Sie die Freigabe (mindestens 10 Zeichen)." });
  return tx(async (m) => {
    const c = await m.getRepository(Commitment).findOne({ where: { id: commitmentId } });
    if (!c || (where.budgetLineId !== undefined && c.budgetLineId !== where.budgetLineId) || (where.year !== undefined && c.year !== where.year)) throw new NotFoundError("Die Mittelbindung wurde nicht gefunden.");
    if (c.status !== "open") throw new RuleError("Diese Mittelbindung ist bereits abgeschlossen.");
    const running = await runningOrder(m, c);
    if (running) throw new RuleError(running);
    const pending = await m.getRepository(PaymentItem).count({ where: { commitmentId: c.id, status: In(["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold", "in_run"]) } });
    if (pending) throw new RuleError(`Auf dieser Mittelbindung warten noch ${pending} Zahlungen; sie kann erst danach freigegeben werden.`);
    const rest = c.amountCents - c.consumedCents - c.releasedCents;
    const at = nowIso();
    await m.getRepository(Commitment).update({ id: c.id }, { releasedCents: c.releasedCents + rest, status: "closed", closedAt: at, closeReason: reason.trim().slice(0, 500), updatedAt: at });
    await appendAudit(m, actorOf(user), {
      action: "commitment.release",
      summary: `Restmittel der Mittelbindung ${c.reference} freigegeben: ${formatCents(rest)} – ${reason.trim()}`,
      entityType: "commitment",
      entityId: String(c.id),
      providerId: c.providerId,
      details: { releasedCents: rest, reason: reason.trim() },
    });
    return rest;
  });
}

/**
 * Why the order behind a commitment still binds its money (rule 11), or null: a contract until it
 * ended or was terminated, a voucher while its fee can still fall due (unless it was withdrawn).
 * Manual commitments can be released at any time.
 */
async function runningOrder(m: EntityManager, c: Commitment): Promise<string | null> {
  if (!c.sourceId) return null;
  const day = today();
  if (c.sourceType === "contract") {
    const { Contract } = await import("../../entities");
    const k = await m.getRepository(Contract).findOne({ where: { id: c.sourceId } });
    if (k && k.status === "active" && k.endDate >= day)
      return `Der Vertrag ${k.reference} läuft bis ${formatDate(k.endDate)}; seine Mittel bleiben in jedem Jahr seiner Laufzeit gebunden. Restmittel werden nach seinem Ende frei (oder wenn er beendet wird).`;
  }
  if (c.sourceType === "voucher") {
    const { Assignment } = await import("../../entities");
    const a = await m.getRepository(Assignment).findOne({ where: { id: c.sourceId } });
    if (a && a.status !== "withdrawn") {
      const end = voucherPeriod(a.issuedOn, a.validUntil).end;
      if (end >= day) return `Aus dem Gutschein ${a.reference} kann bis ${formatDate(end)} noch eine Vergütung fällig werden; seine Mittel bleiben bis dahin gebunden.`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Ordering authority (Anordnungsbefugnis): granted by an admin per person, line and maximum

export async function authorityFor(m: EntityManager, userId: number, budgetLineId: number): Promise<number | null> {
  const rows = await m.getRepository(OrderingAuthority).find({ where: { userId, budgetLineId, revokedAt: IsNull() } });
  return rows.length ? Math.max(...rows.map((r) => r.maxAmountCents)) : null;
}

export async function grantAuthority(user: PersonUser, raw: { userId?: unknown; budgetLineId?: unknown; maxAmount?: unknown; note?: unknown }) {
  requireCan(user, "grant:ordering-authority:any");
  const errors: Record<string, string> = {};
  const granteeId = idOf(raw.userId);
  const lineId = idOf(raw.budgetLineId);
  if (!granteeId) errors.userId = "Bitte wählen Sie eine aktive Person der Behörde.";
  if (!lineId) errors.budgetLineId = "Bitte wählen Sie eine Haushaltsstelle.";
  const maxAmountCents = parseEuroToCents(String(raw.maxAmount ?? "").trim());
  if (maxAmountCents === null || maxAmountCents <= 0) errors.maxAmount = "Bitte geben Sie einen Höchstbetrag über 0 € an, z. B. 5.000,00.";
  const note = String(raw.note ?? "").trim();
  if (note.length > 500) errors.note = "Die Bemerkung darf höchstens 500 Zeichen lang sein.";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  return tx(async (m) => {
    const grantee = await m.getRepository(User).findOne({ where: { id: granteeId! } });
    if (!grantee || grantee.role === "provider" || !grantee.active) throw new ValidationError("Bitte wählen Sie eine aktive Person der Behörde.", { userId: "Bitte wählen Sie eine aktive Person der Behörde." });
    if (!isRole(grantee.role) || !can(grantee.role, "order:payment:any"))
      throw new ValidationError("Diese Person kann keine Zahlungen anordnen.", { userId: `${grantee.name} hat die Rolle „${isRole(grantee.role) ? ROLE_LABELS[grantee.role] : grantee.role}“; anordnen kann nur die Leistungsrechnung / Kasse.` });
    const line = await m.getRepository(BudgetLine).findOne({ where: { id: lineId! } });
    if (!line) throw new ValidationError("Bitte wählen Sie eine Haushaltsstelle.", { budgetLineId: "Bitte wählen Sie eine Haushaltsstelle." });
    const at = nowIso();
    // One current authority per person and line: a new grant replaces the old one.
    const previous = await m.getRepository(OrderingAuthority).find({ where: { userId: grantee.id, budgetLineId: line.id, revokedAt: IsNull() } });
    for (const p of previous) await m.getRepository(OrderingAuthority).update({ id: p.id }, { revokedAt: at, revokedById: user.id });
    const a = await m.getRepository(OrderingAuthority).save(
      m.getRepository(OrderingAuthority).create({ userId: grantee.id, budgetLineId: line.id, maxAmountCents: maxAmountCents!, grantedById: user.id, grantedAt: at, revokedAt: null, revokedById: null, note }),
    );
    await appendAudit(m, actorOf(user), {
      action: "authority.grant",
      summary: `Anordnungsbefugnis erteilt: ${grantee.name} für ${line.number} bis ${formatCents(maxAmountCents)}${previous.length ? ` (ersetzt bis ${formatCents(previous[0].maxAmountCents)})` : ""}`,
      entityType: "user",
      entityId: String(grantee.id),
      details: { budgetLine: line.number, maxAmountCents, note },
    });
    return a;
  });
}

export async function revokeAuthority(user: PersonUser, authorityId: number) {
  requireCan(user, "grant:ordering-authority:any");
  return tx(async (m) => {
    const a = idOf(authorityId) ? await m.getRepository(OrderingAuthority).findOne({ where: { id: authorityId } }) : null;
    if (!a || a.revokedAt) throw new NotFoundError("Die Anordnungsbefugnis wurde nicht gefunden oder ist bereits entzogen.");
    await m.getRepository(OrderingAuthority).update({ id: a.id }, { revokedAt: nowIso(), revokedById: user.id });
    const [grantee, line] = await Promise.all([m.getRepository(User).findOneBy({ id: a.userId }), m.getRepository(BudgetLine).findOneBy({ id: a.budgetLineId })]);
    await appendAudit(m, actorOf(user), {
      action: "authority.revoke",
      summary: `Anordnungsbefugnis entzogen: ${grantee?.name ?? a.userId} für ${line?.number ?? a.budgetLineId} (bis ${formatCents(a.maxAmountCents)})`,
      entityType: "user",
      entityId: String(a.userId),
    });
  });
}

export async function listAuthorities(user: CurrentUser) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const rows = await m.getRepository(OrderingAuthority).find({ order: { grantedAt: "DESC" } });
  const users = new Map((await m.getRepository(User).find({ where: { id: In([0, ...rows.flatMap((r) => [r.userId, r.grantedById, r.revokedById ?? 0])]) } })).map((u) => [u.id, u.name]));
  const lines = new Map((await m.getRepository(BudgetLine).find()).map((l) => [l.id, l]));
  return rows.map((r) => ({
    ...r,
    userName: users.get(r.userId) ?? `#${r.userId}`,
    grantedByName: users.get(r.grantedById) ?? "",
    revokedByName: r.revokedById ? (users.get(r.revokedById) ?? "") : "",
    budgetLine: lines.get(r.budgetLineId)?.number ?? "",
    budgetLineTitle: lines.get(r.budgetLineId)?.title ?? "",
  }));
}

// ---------------------------------------------------------------------------------------------
// Overview

export interface BudgetOverviewRow extends LineYearFigures {
  budgetLineId: number;
  number: string;
  title: string;
  active: boolean;
  year: number;
  /** The limit the figures are measured against: the appropriation, or before it is adopted the VE. */
  limitCents: number;
  /** "appropriation" | "authorisation" | "none": which figure the limit is. */
  limitKind: "appropriation" | "authorisation" | "none";
  paidCents: number;
  /** Committed and not yet paid (commitments minus what payments consumed). */
  openCommittedCents: number;
  availableCents: number;
  /** Bound share of the limit, 0–100+ (commitments and uncovered payments); without a limit 0, or 100 when something is bound. */
  usedPercent: number;
  /** More bound than the limit allows. */
  over: boolean;
}

function overviewRow(line: BudgetLine, year: number, f: LineYearFigures): BudgetOverviewRow {
  const limitKind = f.appropriationCents > 0 ? "appropriation" : f.authorisationCents > 0 ? "authorisation" : "none";
  const limit = f.appropriationCents > 0 ? f.appropriationCents : f.authorisationCents;
  const used = f.committedCents + f.uncoveredCents;
  return {
    budgetLineId: line.id,
    number: line.number,
    title: line.title,
    active: line.active,
    year,
    ...f,
    limitCents: limit,
    limitKind,
    paidCents: paidCents(f),
    openCommittedCents: Math.max(f.committedCents - f.consumedCents, 0),
    availableCents: availableCents(f),
    usedPercent: limit > 0 ? Math.round((used * 1000) / limit) / 10 : used > 0 ? 100 : 0,
    over: used > limit,
  };
}

/**
 * Per line and year: appropriation, committed, paid, available (one grouped query per figure).
 * With a year, every line (of the filter) has a row for it, even with nothing booked yet.
 */
export async function budgetOverview(user: CurrentUser, opts: { year?: number; lineId?: number } = {}): Promise<BudgetOverviewRow[]> {
  requireCan(user, "read:payable:any");
  const m = await em();
  const lines = await m.getRepository(BudgetLine).find({ where: opts.lineId ? { id: opts.lineId } : {}, order: { number: "ASC" } });
  const years = await m.getRepository(BudgetYear).find({ where: opts.year ? { year: opts.year } : {} });
  const commitQ = m
    .getRepository(Commitment)
    .createQueryBuilder("c")
    .select("c.budgetLineId", "line")
    .addSelect("c.year", "year")
    .addSelect("COALESCE(SUM(c.amountCents - c.releasedCents), 0)", "committed")
    .addSelect("COALESCE(SUM(c.consumedCents), 0)", "consumed")
    .groupBy("c.budgetLineId")
    .addGroupBy("c.year");
  if (opts.year) commitQ.where("c.year = :y", { y: opts.year });
  const paidQ = m
    .getRepository(PaymentItem)
    .createQueryBuilder("p")
    .select("p.budgetLineId", "line")
    .addSelect("SUBSTR(p.paidOn, 1, 4)", "year")
    .addSelect("COALESCE(SUM(p.amountCents), 0)", "paid")
    .where("p.status = 'paid' AND p.budgetLineId IS NOT NULL AND p.paidOn IS NOT NULL")
    .groupBy("p.budgetLineId")
    .addGroupBy("SUBSTR(p.paidOn, 1, 4)");
  if (opts.year) paidQ.andWhere("p.paidOn >= :from AND p.paidOn <= :to", { from: `${opts.year}-01-01`, to: `${opts.year}-12-31` });
  const [commits, paids] = await Promise.all([commitQ.getRawMany<{ line: number; year: number; committed: string; consumed: string }>(), paidQ.getRawMany<{ line: number; year: string; paid: string }>()]);
  const key = (l: number, y: number) => `${l}|${y}`;
  const byYear = new Map(years.map((y) => [key(y.budgetLineId, y.year), y]));
  const byCommit = new Map(commits.map((c) => [key(Number(c.line), Number(c.year)), c]));
  const byPaid = new Map(paids.map((p) => [key(Number(p.line), Number(p.year)), Number(p.paid)]));
  const keys = new Set([...byYear.keys(), ...byCommit.keys(), ...byPaid.keys()]);
  if (opts.year) for (const line of lines) keys.add(key(line.id, opts.year));
  const out: BudgetOverviewRow[] = [];
  for (const line of lines) {
    for (const k of [...keys].filter((k) => k.startsWith(`${line.id}|`))) {
      const year = Number(k.split("|")[1]);
      const y = byYear.get(k);
      const c = byCommit.get(k);
      const consumed = Number(c?.consumed ?? 0);
      out.push(
        overviewRow(line, year, {
          appropriationCents: y?.appropriationCents ?? 0,
          authorisationCents: y?.authorisationCents ?? 0,
          committedCents: Number(c?.committed ?? 0),
          consumedCents: consumed,
          uncoveredCents: Math.max((byPaid.get(k) ?? 0) - consumed, 0),
        }),
      );
    }
  }
  return out.sort((a, b) => a.number.localeCompare(b.number) || b.year - a.year);
}

/** The overview's query: the chosen year (default: the current year of the app clock) and line. */
export function budgetQuery(params: URLSearchParams): { year: number; lineId: number | undefined; current: number } {
  const current = Number(today().slice(0, 4));
  const y = Number(params.get("year"));
  const year = Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : current;
  return { year, lineId: idOf(params.get("line")) ?? undefined, current };
}

/** The years the overview offers: every year with an appropriation or a commitment, and the current one. */
export async function budgetYearsOffered(): Promise<number[]> {
  const m = await em();
  const rows = await m.getRepository(BudgetYear).createQueryBuilder("y").select("DISTINCT y.year", "year").getRawMany<{ year: number }>();
  const commits = await m.getRepository(Commitment).createQueryBuilder("c").select("DISTINCT c.year", "year").getRawMany<{ year: number }>();
  const set = new Set([...rows, ...commits].map((r) => Number(r.year)));
  set.add(Number(today().slice(0, 4)));
  return [...set].sort((a, b) => b - a);
}

const LIMIT_KIND_LABELS: Record<BudgetOverviewRow["limitKind"], string> = { appropriation: "Ansatz", authorisation: "VE", none: "–" };

/** The overview as German Excel CSV. */
export async function budgetOverviewCsv(user: CurrentUser, opts: { year?: number; lineId?: number } = {}): Promise<string> {
  const rows = await budgetOverview(user, opts);
  return toCsv(
    ["Haushaltsstelle", "Bezeichnung", "Haushaltsjahr", "Ansatz (EUR)", "VE (EUR)", "Maßstab", "gebunden (EUR)", "gezahlt (EUR)", "davon ohne Mittelbindung (EUR)", "gebunden, nicht gezahlt (EUR)", "verfügbar (EUR)", "ausgeschöpft (%)", "überschritten", "gesperrt"],
    rows.map((r) => [
      r.number,
      r.title,
      r.year,
      euroCell(r.appropriationCents),
      euroCell(r.authorisationCents),
      LIMIT_KIND_LABELS[r.limitKind],
      euroCell(r.committedCents),
      euroCell(r.paidCents),
      euroCell(r.uncoveredCents),
      euroCell(r.openCommittedCents),
      euroCell(r.availableCents),
      r.limitCents === 0 ? "" : r.usedPercent.toLocaleString("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      r.over ? "ja" : "nein",
      r.active ? "nein" : "ja",
    ]),
  );
}

/** A plain number with a decimal comma for spreadsheets ("1234,50"). */
function euroCell(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

export const COMMITMENT_STATUS_LABELS: Record<string, string> = { open: "offen", closed: "abgeschlossen" };

/** The commitments and payments behind one line's figures in one year (drill-down). */
export async function budgetDetail(user: CurrentUser, budgetLineId: number, year: number) {
  requireCan(user, "read:payable:any");
  if (!idOf(budgetLineId) || !Number.isInteger(year) || year < 2000 || year > 2100) throw new NotFoundError("Die Haushaltsstelle oder das Haushaltsjahr wurde nicht gefunden.");
  const m = await em();
  const line = await m.getRepository(BudgetLine).findOne({ where: { id: budgetLineId } });
  if (!line) throw new NotFoundError("Die Haushaltsstelle wurde nicht gefunden.");
  const [figures, budgetYear, commitments, payments] = await Promise.all([
    lineYearFigures(m, line.id, year),
    m.getRepository(BudgetYear).findOne({ where: { budgetLineId, year } }),
    m.getRepository(Commitment).find({ where: { budgetLineId, year }, order: { createdAt: "DESC", id: "DESC" }, take: 1000 }),
    m
      .getRepository(PaymentItem)
      .createQueryBuilder("p")
      .where("p.budgetLineId = :l AND p.status = 'paid' AND p.paidOn >= :from AND p.paidOn <= :to", { l: budgetLineId, from: `${year}-01-01`, to: `${year}-12-31` })
      .orderBy("p.paidOn", "DESC")
      .addOrderBy("p.id", "DESC")
      .take(1000)
      .getMany(),
  ]);
  // Where each commitment comes from: the tender of a contract, the client of a voucher.
  const ids = (type: string) => [0, ...commitments.filter((c) => c.sourceType === type && c.sourceId).map((c) => c.sourceId!)];
  const [contracts, assignments] = await Promise.all([
    m.getRepository(Contract).find({ where: { id: In(ids("contract")) }, select: { id: true, tenderId: true, reference: true } }),
    m.getRepository(Assignment).find({ where: { id: In(ids("voucher")) }, select: { id: true, clientId: true, reference: true } }),
  ]);
  const contractById = new Map(contracts.map((c) => [c.id, c]));
  const assignmentById = new Map(assignments.map((a) => [a.id, a]));
  const commitmentRef = new Map(commitments.map((c) => [c.id, c.reference]));
  const source = (c: Commitment): { sourceText: string; sourceHref: string | null } => {
    if (c.sourceType === "contract" && c.sourceId) {
      const k = contractById.get(c.sourceId);
      return { sourceText: k ? `Vertrag ${k.reference}` : `Vertrag Nr. ${c.sourceId}`, sourceHref: k ? `/tenders/${k.tenderId}` : null };
    }
    if (c.sourceType === "voucher" && c.sourceId) {
      const a = assignmentById.get(c.sourceId);
      return { sourceText: a ? `Vermittlungsgutschein ${a.reference}` : `Vermittlungsgutschein Nr. ${c.sourceId}`, sourceHref: a ? `/clients/${a.clientId}` : null };
    }
    return { sourceText: COMMITMENT_SOURCE_LABELS[c.sourceType] ?? c.sourceType, sourceHref: null };
  };
  const row = overviewRow(line, year, figures);
  return {
    line: { id: line.id, number: line.number, title: line.title, active: line.active },
    year,
    budgetYear: budgetYear ? { appropriationCents: budgetYear.appropriationCents, authorisationCents: budgetYear.authorisationCents, updatedAt: budgetYear.updatedAt } : null,
    figures: row,
    commitments: commitments.map((c) => ({
      id: c.id,
      reference: c.reference,
      sourceType: c.sourceType,
      sourceLabel: COMMITMENT_SOURCE_LABELS[c.sourceType] ?? c.sourceType,
      ...source(c),
      description: c.description,
      amountCents: c.amountCents,
      consumedCents: c.consumedCents,
      releasedCents: c.releasedCents,
      restCents: c.amountCents - c.consumedCents - c.releasedCents,
      status: c.status,
      statusLabel: COMMITMENT_STATUS_LABELS[c.status] ?? c.status,
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      closeReason: c.closeReason,
    })),
    payments: payments.map((p) => ({ id: p.id, reference: p.reference, payeeName: p.payeeName, amountCents: p.amountCents, paidOn: p.paidOn, purpose: p.purpose, commitmentId: p.commitmentId, commitmentReference: p.commitmentId ? (commitmentRef.get(p.commitmentId) ?? null) : null })),
  };
}

export type BudgetDetail = Awaited<ReturnType<typeof budgetDetail>>;

/** The drill-down as German Excel CSV: the commitments, then the payments. */
export async function budgetDetailCsv(user: CurrentUser, budgetLineId: number, year: number): Promise<string> {
  const d = await budgetDetail(user, budgetLineId, year);
  const rows: unknown[][] = [
    ...d.commitments.map((c) => ["Mittelbindung", c.reference, formatDateTime(c.createdAt), c.sourceText, c.description, euroCell(c.amountCents), euroCell(c.consumedCents), euroCell(c.releasedCents), euroCell(c.restCents), c.statusLabel, c.closeReason]),
    ...d.payments.map((p) => ["Zahlung", p.reference, formatDate(p.paidOn), p.payeeName, p.purpose, euroCell(p.amountCents), "", "", "", p.commitmentReference ? `aus ${p.commitmentReference}` : "ohne Mittelbindung", ""]),
  ];
  return toCsv(["Art", "Nummer", "Datum", "Herkunft / Zahlungsempfänger", "Beschreibung / Verwendungszweck", "Betrag (EUR)", "verbraucht (EUR)", "freigegeben (EUR)", "Rest (EUR)", "Status", "Grund der Freigabe"], rows);
}

export async function budgetLines(activeOnly = false) {
  const m = await em();
  return m.getRepository(BudgetLine).find({ where: activeOnly ? { active: true } : {}, order: { number: "ASC" } });
}

/** Active staff who can be granted an ordering authority (the grant form's choice). */
export async function authorityCandidates(user: CurrentUser) {
  requireCan(user, "grant:ordering-authority:any");
  const m = await em();
  const users = await m.getRepository(User).find({ where: { active: true }, order: { name: "ASC" } });
  // Only people whose role may order payments at all (finance): an authority for anyone else could never be used.
  return users.filter((u) => isRole(u.role) && can(u.role, "order:payment:any")).map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role }));
}

/**
 * Daily: commitments whose order can no longer cost anything are released (what they still
 * bind goes back to the line). A voucher's fee can fall due until nine months after its last
 * valid day (six months of employment plus the claim period, domain/finance.ts voucherPeriod);
 * a contract's last invoices may come up to six months after its end. Payment items still open
 * on a commitment keep what they need (releaseCommitments).
 */
export async function releaseEndedCommitments(day: string): Promise<number> {
  const { Assignment, Contract } = await import("../../entities");
  const m0 = await em();
  const open = await m0.getRepository(Commitment).find({ where: { status: "open", sourceType: In(["voucher", "contract"]) }, select: { id: true, sourceType: true, sourceId: true } });
  const voucherIds = [...new Set(open.filter((c) => c.sourceType === "voucher" && c.sourceId).map((c) => c.sourceId!))];
  const contractIds = [...new Set(open.filter((c) => c.sourceType === "contract" && c.sourceId).map((c) => c.sourceId!))];
  const ended: { type: string; id: number; reason: string }[] = [];
  for (let i = 0; i < voucherIds.length; i += 500) {
    const rows = await m0.getRepository(Assignment).find({ where: { id: In(voucherIds.slice(i, i + 500)) }, select: { id: true, reference: true, issuedOn: true, validUntil: true } });
    for (const a of rows) {
      const end = voucherPeriod(a.issuedOn, a.validUntil).end;
      if (end < day) ended.push({ type: "voucher", id: a.id, reason: `Gutschein ${a.reference}: Zeitraum für Vergütungen am ${formatDate(end)} abgelaufen` });
    }
  }
  for (let i = 0; i < contractIds.length; i += 500) {
    const rows = await m0.getRepository(Contract).find({ where: { id: In(contractIds.slice(i, i + 500)) }, select: { id: true, reference: true, endDate: true } });
    for (const c of rows) {
      const end = addMonths(c.endDate, 6);
      if (end < day) ended.push({ type: "contract", id: c.id, reason: `Vertrag ${c.reference} am ${formatDate(c.endDate)} beendet, Rechnungsfrist bis ${formatDate(end)} abgelaufen` });
    }
  }
  let released = 0;
  for (const e of ended) released += await tx((m) => releaseCommitments(m, "system", e.type, e.id, e.reason));
  return released;
}
