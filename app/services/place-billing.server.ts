/**
 * Billing of places (issue 11, point 8): monthly bill proposals (place and month, MAE), bills on
 * events (entry, completion, success, transfer), the provider's confirmation that turns a bill
 * into an invoice for the finance line, and matching the provider's own e-invoices.
 *
 * Nothing is billed twice: the unique index (purchaseId, billKey) holds under concurrency; a
 * bill is confirmed with a conditional update (proposed → confirmed) and its invoice carries the
 * bill's reference as its number with the duplicate key of the provider.
 */
import { In, type EntityManager } from "typeorm";
import { AttendanceMonth, BankAccount, BudgetLine, Invoice, Measure, Client, Outcome, PlaceBill, PlacePurchase, Provider } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { dueDate, paymentTermProblem } from "~/domain/finance";
import { duplicateKey, sepaPurpose } from "~/domain/invoices";
import { completeQuery, type ListQuery } from "~/domain/list";
import { formatCents } from "~/domain/money";
import { can } from "~/domain/permissions";
import { attendanceWarning, BILL_KIND_LABELS, BILL_LIST, BILL_STATUS_LABELS, BILL_VAT_NOTE, dueBills, monthLast, monthParam, purchaseInvoiceProblems, purchaseReferenceIn, type BillStatus, type DueBill, type PurchaseInvoiceFinding } from "~/domain/place-bills";
import { BILL_EVENT_LABELS, type BillEvent } from "~/domain/places";
import { addDays, addMonths, formatDate } from "~/domain/time";
import { toCsv } from "~/domain/csv";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, isUniqueViolation, tx } from "~/lib/db.server";
import { paginate } from "~/lib/list.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { commitmentFor, releaseCommitments } from "./budget.server";
import { recordEvent } from "./events.server";
import { createPaymentItem } from "./payment-items.server";
import { reachablePurchase } from "./place-common.server";
import { nextReference, requireCan } from "./placement-common.server";

export interface PlaceBillRow {
  id: number;
  reference: string;
  kind: string;
  periodStart: string;
  periodEnd: string;
  event: string | null;
  calculation: string;
  amountCents: number;
  status: string;
  statusLabel: string;
  invoiceId: number | null;
}

const NOT_FOUND = "Die Abrechnung wurde nicht gefunden.";
/** Purchases that bill: the place started (running) or ended after a start. */
const BILLING_STATES = ["running", "completed", "dropped_out"];
export const ENDED_STATES = ["completed", "dropped_out"];

function rowOf(b: PlaceBill): PlaceBillRow {
  return {
    id: b.id,
    reference: b.reference,
    kind: b.kind,
    periodStart: b.periodStart,
    periodEnd: b.periodEnd,
    event: b.event,
    calculation: b.calculation,
    amountCents: b.amountCents,
    status: b.status,
    statusLabel: BILL_STATUS_LABELS[b.status as BillStatus] ?? b.status,
    invoiceId: b.invoiceId,
  };
}

// ---------------------------------------------------------------------------------------------
// Proposals (the daily job)

/**
 * The daily job: every bill a purchase has earned by `day` (months that are over, events that
 * happened) is proposed once. Idempotent and safe in several processes at once: the unique index
 * (purchaseId, billKey) refuses a second row; the loser re-reads and finds nothing left to do.
 * Returns the number of bills created.
 */
export async function proposeBills(day: string = today()): Promise<number> {
  const m0 = await em();
  // Rule 11: only purchases with money bound (an open commitment) are billed; historic purchases
  // without one and released (settled) ones propose nothing.
  const purchases = await m0
    .getRepository(PlacePurchase)
    .createQueryBuilder("p")
    .where("p.status IN (:...states)", { states: BILLING_STATES })
    .andWhere(`EXISTS (SELECT 1 FROM commitments c WHERE c."sourceType" = 'purchase' AND c."sourceId" = p.id AND c.status = 'open')`)
    .orderBy("p.id", "ASC")
    .getMany();
  let created = 0;
  for (let i = 0; i < purchases.length; i += 500) {
    const chunk = purchases.slice(i, i + 500);
    const ids = chunk.map((p) => p.id);
    const [existing, outcomes] = await Promise.all([
      m0.getRepository(PlaceBill).find({ where: { purchaseId: In(ids) }, select: { purchaseId: true, billKey: true } }),
      m0.getRepository(Outcome).find({ where: { purchaseId: In(ids), checkpoint: "exit" }, select: { purchaseId: true, status: true } }),
    ]);
    const have = new Set(existing.map((b) => `${b.purchaseId}|${b.billKey}`));
    const outcomeOf = new Map(outcomes.map((o) => [o.purchaseId, o]));
    for (const p of chunk) {
      if (!p.providerId) continue;
      const missing = dueBills(p, day, outcomeOf.get(p.id) ?? null).filter((d) => !have.has(`${p.id}|${d.billKey}`));
      if (missing.length) created += await createBills(p, missing);
    }
  }
  return created;
}

/** One transaction per purchase; a unique violation (another process was faster) means: read again. */
async function createBills(p: PlacePurchase, bills: DueBill[], attempt = 1): Promise<number> {
  try {
    return await tx(async (m) => {
      const have = new Set((await m.getRepository(PlaceBill).find({ where: { purchaseId: p.id }, select: { billKey: true } })).map((b) => b.billKey));
      const todo = bills.filter((b) => !have.has(b.billKey));
      if (!todo.length) return 0;
      // An own e-invoice of the provider that already covers a month: the month is not proposed again.
      const invoices = await m.getRepository(Invoice).find({ where: { purchaseId: p.id, status: In(["accepted", "paid"]) }, select: { id: true, periodStart: true, periodEnd: true } });
      const at = nowIso();
      const repo = m.getRepository(PlaceBill);
      for (const d of todo) {
        const covering = invoices.find((x) => x.periodStart && x.periodEnd && x.periodStart <= d.periodStart && d.periodEnd <= x.periodEnd) ?? null;
        const bill = await repo.save(
          repo.create({
            reference: await nextReference(m, PlaceBill, "AB", at.slice(0, 4), 6),
            purchaseId: p.id,
            providerId: p.providerId!,
            kind: d.kind,
            billKey: d.billKey,
            periodStart: d.periodStart,
            periodEnd: d.periodEnd,
            event: d.event,
            calculation: d.calculation,
            amountCents: d.amountCents,
            status: covering ? "invoiced" : "proposed",
            invoiceId: covering?.id ?? null,
            confirmedById: null,
            confirmedAt: null,
            createdAt: at,
            updatedAt: at,
          }),
        );
        await appendAudit(m, SYSTEM, {
          action: "bill.propose",
          summary: `Abrechnung ${bill.reference} für Platzkauf ${p.reference} (${formatDate(d.periodStart)}–${formatDate(d.periodEnd)}, ${formatCents(d.amountCents)}) ${covering ? "erstellt; schon mit eigener Rechnung abgerechnet" : "vorgeschlagen"}`,
          entityType: "place-bill",
          entityId: String(bill.id),
          providerId: p.providerId,
          details: { purchaseId: p.id, billKey: d.billKey, amountCents: d.amountCents, invoiceId: covering?.id ?? null },
        });
        if (!covering) await recordEvent(m, { type: "bill.proposed", providerId: p.providerId!, entityType: "bill", entityId: bill.id, reference: bill.reference, status: "proposed" });
      }
      return todo.length;
    });
  } catch (error) {
    if (attempt < 5 && isUniqueViolation(error)) return createBills(p, bills, attempt + 1);
    throw error;
  }
}

/**
 * Commitments of ended places (completed, dropped out) are released two months after the exit,
 * when its bills are settled. Cancelled and declined purchases are released when they end.
 */
export async function releaseEndedPurchaseCommitments(day: string = today()): Promise<number> {
  const { Commitment } = await import("../../entities");
  const m0 = await em();
  const open = await m0.getRepository(Commitment).find({ where: { status: "open", sourceType: "purchase" }, select: { sourceId: true } });
  const ids = [...new Set(open.map((c) => c.sourceId).filter((x): x is number => x !== null))];
  let released = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await m0.getRepository(PlacePurchase).find({ where: { id: In(ids.slice(i, i + 500)), status: In(ENDED_STATES) }, select: { id: true, reference: true, exitDate: true, endDate: true, status: true } });
    for (const p of rows) {
      const exit = p.exitDate ?? p.endDate;
      const until = addMonths(exit, 2);
      if (!(until < day)) continue;
      const reason = `Platz beendet am ${formatDate(exit)} (${p.status === "completed" ? "abgeschlossen" : "abgebrochen"}), Platzkauf ${p.reference}; Abrechnungsfrist bis ${formatDate(until)} abgelaufen`;
      released += await tx((m) => releaseCommitments(m, "system", "purchase", p.id, reason));
    }
  }
  return released;
}

/** The daily job of the billing section (jobs.server.ts). */
export async function placeBillingDaily(day: string = today()): Promise<{ proposed: number; released: number }> {
  const proposed = await proposeBills(day);
  const released = await releaseEndedPurchaseCommitments(day);
  return { proposed, released };
}

// ---------------------------------------------------------------------------------------------
// Confirming (portal and API)

export interface ConfirmedBill {
  billId: number;
  bill: string;
  invoiceId: number;
  invoice: string;
  paymentItemId: number;
}

async function placesLine(m: EntityManager, number: string): Promise<BudgetLine> {
  const line = await m.getRepository(BudgetLine).findOne({ where: { number } });
  if (!line) throw new RuleError(`Die Haushaltsstelle ${number} für Einzelplätze (Einstellung „places.budgetLine“) gibt es nicht; bitte wenden Sie sich an das Jobcenter.`);
  return line;
}

/**
 * The provider confirms one or more proposed bills of its own organisation (one confirmation):
 * each becomes an invoice (form "bill", its number the bill's reference, VAT-exempt) and a
 * payment item on the places budget line with the purchase's commitment, all in one transaction.
 * One invoice per bill: each bill keeps its own number (the duplicate key then refuses a second
 * invoice for it) and its own payment item, so a later correction touches one month only.
 */
export async function confirmBills(user: CurrentUser, ids: readonly number[], channel: "portal" | "api" = "portal", attempt = 1): Promise<ConfirmedBill[]> {
  requireCan(user, "confirm:bill:own");
  if (!user.providerId) throw new ForbiddenError("Abrechnungen bestätigen Träger für ihre eigene Organisation.");
  const wanted = [...new Set(ids.filter((n) => Number.isSafeInteger(n) && n > 0))];
  if (!wanted.length) throw new ValidationError("Bitte wählen Sie mindestens eine Abrechnung.", { id: "Bitte mindestens eine Abrechnung wählen." });
  const m0 = await em();
  const bills = await m0.getRepository(PlaceBill).find({ where: { id: In(wanted), providerId: user.providerId }, order: { periodStart: "ASC", id: "ASC" } });
  if (bills.length !== wanted.length) throw new NotFoundError(NOT_FOUND);
  const settings = await getSettings(m0);
  const termDays = settings["finance.paymentTermDays"];
  const termProblem = paymentTermProblem(termDays);
  if (termProblem) throw new RuleError(termProblem);
  // PostgreSQL: two confirmations taking the same next invoice or payment reference meet at a
  // unique index; the second tries again (and finds its bill confirmed, if it was the same one: 409).
  const again = (error: unknown): Promise<ConfirmedBill[]> => {
    if (attempt < 4 && isUniqueViolation(error)) return confirmBills(user, ids, channel, attempt + 1);
    throw error;
  };
  return tx(async (m) => {
    const bank = await m.getRepository(BankAccount).findOne({ where: { providerId: user.providerId!, current: true } });
    if (!bank) throw new RuleError("Für Ihre Organisation ist keine Bankverbindung hinterlegt. Bitte hinterlegen Sie unter „Organisation“ eine Bankverbindung; danach können Sie die Abrechnung bestätigen.");
    const provider = await m.getRepository(Provider).findOneOrFail({ where: { id: user.providerId! } });
    const line = await placesLine(m, settings["places.budgetLine"]);
    const purchases = new Map((await m.getRepository(PlacePurchase).find({ where: { id: In(bills.map((b) => b.purchaseId)) } })).map((p) => [p.id, p]));
    const at = nowIso();
    const receivedOn = today();
    const dueOn = dueDate(receivedOn, termDays);
    const out: ConfirmedBill[] = [];
    const dueYear = Number(dueOn.slice(0, 4));
    for (const bill of bills) {
      const purchase = purchases.get(bill.purchaseId)!;
      // Rule 11: a payment needs money bound for the purchase (the year it falls due, else the nearest open one).
      const commitment = await commitmentFor(m, "purchase", purchase.id, dueYear);
      if (!commitment || commitment.status !== "open")
        throw new RuleError(
          `Für die Abrechnung ${bill.reference} (Platzkauf ${purchase.reference}) sind für ${dueYear} keine Mittel gebunden (keine offene Mittelbindung); sie kann nicht bestätigt werden. Bitte wenden Sie sich an das Jobcenter.`,
        );
      const claimed = await m.getRepository(PlaceBill).createQueryBuilder().update().set({ status: "confirmed", confirmedById: user.id, confirmedAt: at, updatedAt: at }).where("id = :id AND status = 'proposed'", { id: bill.id }).execute();
      if (!claimed.affected) {
        const now = await m.getRepository(PlaceBill).findOneOrFail({ where: { id: bill.id } });
        throw new ConflictError(`Die Abrechnung ${bill.reference} ist nicht mehr zur Bestätigung offen (${BILL_STATUS_LABELS[now.status as BillStatus] ?? now.status}); es wurde nichts bestätigt.`);
      }
      const invoiceRepo = m.getRepository(Invoice);
      const invoice = await invoiceRepo.save(
        invoiceRepo.create({
          reference: await nextReference(m, Invoice, "RE", at.slice(0, 4), 6),
          providerId: user.providerId!,
          channel,
          form: "bill",
          documentId: null,
          sha256: "",
          duplicateKey: duplicateKey(user.providerId!, bill.reference),
          number: bill.reference,
          issueDate: receivedOn,
          typeCode: "380",
          currency: "EUR",
          buyerReference: "",
          contractReference: "",
          orderReference: purchase.reference,
          sellerName: provider.name.slice(0, 200),
          iban: bank.iban,
          netCents: bill.amountCents,
          vatCents: 0,
          grossCents: bill.amountCents,
          dueAmountCents: bill.amountCents,
          periodStart: bill.periodStart,
          periodEnd: bill.periodEnd,
          receivedOn,
          receivedAt: at,
          termDays,
          dueOn,
          status: "accepted",
          findings: [],
          terms: null,
          contractId: null,
          purchaseId: purchase.id,
          expectedCents: bill.amountCents,
          deviation: "",
          submittedById: user.id,
          registeredById: null,
          note: `Abrechnung ${bill.reference} zum Platzkauf ${purchase.reference} (${formatDate(bill.periodStart)}–${formatDate(bill.periodEnd)}): ${bill.calculation}. Vom Träger ${channel === "api" ? "über die Schnittstelle" : "im Portal"} bestätigt. ${BILL_VAT_NOTE}`.slice(0, 500),
          createdAt: at,
          updatedAt: at,
        }),
      );
      const item = await createPaymentItem(m, user.id === null ? "system" : user, {
        sourceType: "invoice",
        invoiceId: invoice.id,
        providerId: user.providerId!,
        payeeName: bank.holder || provider.name,
        iban: bank.iban,
        bic: bank.bic,
        bankAccountId: bank.id,
        amountCents: bill.amountCents,
        dueOn,
        purpose: sepaPurpose(`Rechnung ${bill.reference} Platz ${purchase.reference}`),
        budgetLineId: commitment?.budgetLineId ?? line.id,
        commitmentId: commitment?.id ?? null,
        registeredById: null,
      });
      await m.getRepository(PlaceBill).update({ id: bill.id }, { invoiceId: invoice.id });
      await appendAudit(m, actorOf(user), {
        action: "bill.confirm",
        summary: `Abrechnung ${bill.reference} (Platzkauf ${purchase.reference}, ${formatDate(bill.periodStart)}–${formatDate(bill.periodEnd)}, ${formatCents(bill.amountCents)}) bestätigt: Rechnung ${invoice.reference}, Zahlung ${item.reference}`,
        entityType: "place-bill",
        entityId: String(bill.id),
        providerId: user.providerId,
        details: { channel, invoiceId: invoice.id, paymentItemId: item.id, commitmentId: commitment?.id ?? null, budgetLineId: item.budgetLineId },
      });
      await recordEvent(m, { type: "invoice.received", providerId: user.providerId!, entityType: "invoice", entityId: invoice.id, reference: bill.reference, status: "accepted" });
      out.push({ billId: bill.id, bill: bill.reference, invoiceId: invoice.id, invoice: invoice.reference, paymentItemId: item.id });
    }
    return out;
  }).catch(again);
}

// ---------------------------------------------------------------------------------------------
// Own e-invoices (hook of invoices.server.ts)

/** The purchase an incoming e-invoice names in BT-13 or BT-12 (own organisation only), read before the transaction. */
export async function purchaseForInvoice(m: EntityManager, providerId: number, refs: { orderReference?: string | null; contractReference?: string | null } | null): Promise<PlacePurchase | null> {
  if (!refs) return null;
  const reference = purchaseReferenceIn(refs.orderReference, refs.contractReference);
  if (!reference) return null;
  return m.getRepository(PlacePurchase).findOne({ where: { reference, providerId } });
}

/**
 * What an own e-invoice of a purchase settles: the proposed bills whose period lies within the
 * invoice period (BT-73/74). Returns the sum expected and the deviation note, before the invoice is stored.
 */
export async function assessPurchaseInvoice(m: EntityManager, purchase: PlacePurchase, input: { amountCents: number; periodStart: string | null; periodEnd: string | null }): Promise<{ expectedCents: number | null; deviation: string; billIds: number[] }> {
  if (!input.periodStart || !input.periodEnd) return { expectedCents: null, deviation: `Kein Abrechnungszeitraum angegeben (BT-73/BT-74): die Rechnung kann den Abrechnungen des Platzkaufs ${purchase.reference} nicht zugeordnet werden.`, billIds: [] };
  const bills = await m
    .getRepository(PlaceBill)
    .createQueryBuilder("b")
    .where("b.purchaseId = :p AND b.status = 'proposed' AND b.periodStart >= :s AND b.periodEnd <= :e", { p: purchase.id, s: input.periodStart, e: input.periodEnd })
    .getMany();
  const sum = bills.reduce((a, b) => a + b.amountCents, 0);
  const span = `${formatDate(input.periodStart)}–${formatDate(input.periodEnd)}`;
  let deviation = "";
  if (!bills.length) deviation = `Für den Platzkauf ${purchase.reference} liegt für ${span} kein offener Abrechnungsvorschlag vor; bitte den Betrag von ${formatCents(input.amountCents)} prüfen.`;
  else if (input.amountCents > sum) deviation = `Der Rechnungsbetrag ${formatCents(input.amountCents)} liegt um ${formatCents(input.amountCents - sum)} über den Abrechnungsvorschlägen des Platzkaufs ${purchase.reference} für ${span} (${formatCents(sum)}: ${bills.map((b) => b.reference).join(", ")}).`;
  return { expectedCents: sum, deviation, billIds: bills.map((b) => b.id) };
}

/**
 * Inside the intake transaction: the findings that refuse an own e-invoice naming a purchase
 * (period already billed, place never started, period after the exit; purchaseInvoiceProblems).
 */
export async function purchaseInvoiceFindings(m: EntityManager, purchase: PlacePurchase, period: { periodStart: string | null; periodEnd: string | null }): Promise<PurchaseInvoiceFinding[]> {
  const settled =
    period.periodStart && period.periodEnd
      ? await m
          .getRepository(PlaceBill)
          .createQueryBuilder("b")
          .where("b.purchaseId = :p AND b.status IN ('confirmed', 'invoiced') AND b.periodStart <= :e AND b.periodEnd >= :s", { p: purchase.id, s: period.periodStart, e: period.periodEnd })
          .orderBy("b.periodStart", "ASC")
          .getMany()
      : [];
  return purchaseInvoiceProblems(purchase, period, settled);
}

/** Inside the intake transaction, after the invoice is stored: its proposals become "invoiced". */
export async function markBillsInvoiced(m: EntityManager, actor: CurrentUser, invoice: Pick<Invoice, "id" | "reference" | "providerId">, purchase: PlacePurchase, billIds: readonly number[]): Promise<number> {
  if (!billIds.length) return 0;
  const at = nowIso();
  const r = await m.getRepository(PlaceBill).createQueryBuilder().update().set({ status: "invoiced", invoiceId: invoice.id, updatedAt: at }).where("id IN (:...ids) AND status = 'proposed'", { ids: [...billIds] }).execute();
  await appendAudit(m, actorOf(actor), {
    action: "bill.match",
    summary: `Rechnung ${invoice.reference} dem Platzkauf ${purchase.reference} zugeordnet; ${r.affected ?? 0} Abrechnungsvorschlag/-vorschläge damit abgerechnet`,
    entityType: "place-purchase",
    entityId: String(purchase.id),
    providerId: invoice.providerId,
    details: { invoiceId: invoice.id, billIds },
  });
  return r.affected ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The bills of one purchase as the user may see them (the purchase must be reachable for the user). */
export async function billsOf(user: CurrentUser, purchaseId: number): Promise<PlaceBillRow[]> {
  const m = await em();
  const p = await reachablePurchase(m, user, purchaseId);
  const rows = await m.getRepository(PlaceBill).find({ where: { purchaseId: p.id }, order: { periodStart: "ASC", id: "ASC" } });
  return rows.map(rowOf);
}

interface BillContext {
  /** Unexcused days reported by "purchaseId|YYYY-MM". */
  unexcused: Map<string, number>;
  purchases: Map<number, { reference: string; clientId: number; measureId: number }>;
  clients: Map<number, string>;
  measures: Map<number, string>;
  providers: Map<number, string>;
}

async function contextOf(m: EntityManager, rows: PlaceBill[]): Promise<BillContext> {
  const pids = [0, ...new Set(rows.map((r) => r.purchaseId))];
  const ps = await m.getRepository(PlacePurchase).find({ where: { id: In(pids) }, select: { id: true, reference: true, clientId: true, measureId: true } });
  const [cs, ms, prs] = await Promise.all([
    m.getRepository(Client).find({ where: { id: In([0, ...ps.map((p) => p.clientId)]) }, select: { id: true, reference: true } }),
    m.getRepository(Measure).find({ where: { id: In([0, ...ps.map((p) => p.measureId)]) }, select: { id: true, title: true } }),
    m.getRepository(Provider).find({ where: { id: In([0, ...new Set(rows.map((r) => r.providerId))]) }, select: { id: true, name: true } }),
  ]);
  const months = rows.filter((r) => r.kind === "month");
  const attendance = months.length
    ? await m.getRepository(AttendanceMonth).find({ where: { purchaseId: In([...new Set(months.map((r) => r.purchaseId))]), month: In([...new Set(months.map((r) => r.periodStart.slice(0, 7)))]) }, select: { purchaseId: true, month: true, daysUnexcused: true } })
    : [];
  return {
    unexcused: new Map(attendance.map((a) => [`${a.purchaseId}|${a.month}`, a.daysUnexcused])),
    purchases: new Map(ps.map((p) => [p.id, { reference: p.reference, clientId: p.clientId, measureId: p.measureId }])),
    clients: new Map(cs.map((c) => [c.id, c.reference])),
    measures: new Map(ms.map((x) => [x.id, x.title])),
    providers: new Map(prs.map((x) => [x.id, x.name])),
  };
}

/** A bill with what lists show: the purchase, the measure, the pseudonymous client reference (never a name). */
function listRow(b: PlaceBill, ctx: BillContext) {
  const p = ctx.purchases.get(b.purchaseId);
  return {
    ...rowOf(b),
    month: b.periodStart.slice(0, 7),
    kindLabel: b.kind === "event" && b.event ? (BILL_EVENT_LABELS[b.event as BillEvent] ?? b.event) : (BILL_KIND_LABELS[b.kind] ?? b.kind),
    purchaseId: b.purchaseId,
    purchase: p?.reference ?? "",
    client: p ? (ctx.clients.get(p.clientId) ?? "") : "",
    measure: p ? (ctx.measures.get(p.measureId) ?? "") : "",
    providerId: b.providerId,
    provider: ctx.providers.get(b.providerId) ?? "",
    confirmedAt: b.confirmedAt,
    createdAt: b.createdAt,
    attendanceWarning: attendanceWarning(b, ctx.unexcused.has(`${b.purchaseId}|${b.periodStart.slice(0, 7)}`) ? { daysUnexcused: ctx.unexcused.get(`${b.purchaseId}|${b.periodStart.slice(0, 7)}`)! } : null),
  };
}
export type BillListRow = ReturnType<typeof listRow>;

function ownProvider(user: CurrentUser): number {
  if (!can(user.role, "confirm:bill:own") || !user.providerId) throw new ForbiddenError();
  return user.providerId;
}

/**
 * The provider's open proposals, grouped by month and purchase, with totals (portal overview).
 */
export async function openProposals(user: CurrentUser) {
  const providerId = ownProvider(user);
  const m = await em();
  const rows = await m.getRepository(PlaceBill).find({ where: { providerId, status: "proposed" }, order: { periodStart: "ASC", purchaseId: "ASC", id: "ASC" } });
  const ctx = await contextOf(m, rows);
  const months = new Map<string, { month: string; totalCents: number; purchases: Map<number, { purchaseId: number; purchase: string; measure: string; client: string; totalCents: number; bills: BillListRow[] }> }>();
  for (const b of rows) {
    const r = listRow(b, ctx);
    const g = months.get(r.month) ?? { month: r.month, totalCents: 0, purchases: new Map() };
    months.set(r.month, g);
    const pg = g.purchases.get(r.purchaseId) ?? { purchaseId: r.purchaseId, purchase: r.purchase, measure: r.measure, client: r.client, totalCents: 0, bills: [] };
    g.purchases.set(r.purchaseId, pg);
    pg.bills.push(r);
    pg.totalCents += r.amountCents;
    g.totalCents += r.amountCents;
  }
  return {
    months: [...months.values()].map((g) => ({ month: g.month, totalCents: g.totalCents, purchases: [...g.purchases.values()] })),
    totalCents: rows.reduce((a, b) => a + b.amountCents, 0),
    count: rows.length,
  };
}

/** The provider's own bills (history in the portal, the API): status and month filters, paging. */
export async function listOwnBills(user: CurrentUser, query: { status?: string | null; month?: string | null; page: number; pageSize: number }) {
  const providerId = ownProvider(user);
  const m = await em();
  const qb = m.getRepository(PlaceBill).createQueryBuilder("b").where("b.providerId = :p", { p: providerId });
  if (query.status) qb.andWhere("b.status = :s", { s: query.status });
  const month = monthParam(query.month);
  if (month) qb.andWhere("b.periodStart >= :ms AND b.periodStart <= :me", { ms: `${month}-01`, me: monthLast(month) });
  const { rows, raw: _raw, ...page } = await paginate(qb, { sort: "period", dir: "desc", page: query.page, pageSize: query.pageSize }, { sortColumns: { period: "b.periodStart" }, tieBreaker: "b.id" });
  const ctx = await contextOf(m, rows);
  return { rows: rows.map((b) => listRow(b, ctx)), ...page };
}

/** One bill: staff (read:place:any) every one; a provider only its own (404 otherwise). */
export async function getBill(user: CurrentUser, id: number) {
  const m = await em();
  const b = Number.isSafeInteger(id) && id > 0 ? await m.getRepository(PlaceBill).findOne({ where: { id } }) : null;
  const staff = can(user.role, "read:place:any");
  const own = can(user.role, "confirm:bill:own") && user.providerId !== null && b?.providerId === user.providerId;
  if (!b || !(staff || own)) throw new NotFoundError(NOT_FOUND);
  const ctx = await contextOf(m, [b]);
  const invoice = b.invoiceId ? await m.getRepository(Invoice).findOne({ where: { id: b.invoiceId }, select: { id: true, reference: true, number: true, status: true, channel: true, form: true, dueOn: true } }) : null;
  return { bill: listRow(b, ctx), invoice, staff };
}

export type BillQuery = Partial<ListQuery<(typeof BILL_LIST)["filters"], (typeof BILL_LIST)["sorts"][number]>>;

/** Staff overview of all bills: filters status, provider, month; sum of the selection. */
export async function listBills(user: CurrentUser, raw: BillQuery, options: { all?: boolean } = {}) {
  requireCan(user, "read:place:any");
  const query = completeQuery(BILL_LIST, raw);
  const m = await em();
  const qb = m.getRepository(PlaceBill).createQueryBuilder("b");
  if (query.status) qb.andWhere("b.status = :s", { s: query.status });
  if (query.provider) qb.andWhere("b.providerId = :p", { p: query.provider });
  const month = monthParam(query.month);
  if (month) qb.andWhere("b.periodStart >= :ms AND b.periodStart <= :me", { ms: `${month}-01`, me: monthLast(month) });
  if (query.q) qb.andWhere("(LOWER(b.reference) LIKE :q OR b.purchaseId IN (SELECT p.id FROM place_purchases p WHERE LOWER(p.reference) LIKE :q))", { q: `%${query.q.toLowerCase()}%` });
  const sum = await qb.clone().select("COALESCE(SUM(b.amountCents), 0)", "sum").getRawOne<{ sum: string }>();
  const { rows, raw: _raw, ...page } = await paginate(qb, query, {
    sortColumns: { period: "b.periodStart", reference: "b.reference", provider: "b.providerId", amount: "b.amountCents", status: "b.status" },
    tieBreaker: "b.id",
    all: options.all,
  });
  const ctx = await contextOf(m, rows);
  const providers = await m.getRepository(Provider).find({ where: { id: In([0, ...(await m.getRepository(PlaceBill).createQueryBuilder("b").select("DISTINCT b.providerId", "id").getRawMany<{ id: number }>()).map((r) => Number(r.id))]) }, order: { name: "ASC" }, select: { id: true, name: true } });
  return {
    rows: rows.map((b) => listRow(b, ctx)),
    sumCents: Number(sum?.sum ?? 0),
    providers: providers.map((p) => ({ value: String(p.id), label: p.name })),
    ...page,
  };
}

export async function billsCsv(user: CurrentUser, query: BillQuery) {
  const { rows } = await listBills(user, query, { all: true });
  return toCsv(
    ["Abrechnung", "Träger", "Platzkauf", "Kennzeichen", "Maßnahme", "Art", "von", "bis", "Berechnung", "Betrag (EUR)", "Status", "Rechnung (Kennung)"],
    rows.map((x) => [x.reference, x.provider, x.purchase, x.client, x.measure, x.kindLabel, formatDate(x.periodStart), formatDate(x.periodEnd), x.calculation, (x.amountCents / 100).toFixed(2).replace(".", ","), x.statusLabel, x.invoiceId ?? ""]),
  );
}

/** A bill as the API shows it to its provider (api-contract Bill). */
export function apiBill(x: BillListRow) {
  return {
    id: x.id,
    reference: x.reference,
    purchase: x.purchase,
    purchaseId: x.purchaseId,
    client: x.client,
    kind: x.kind,
    event: x.event,
    periodStart: x.periodStart,
    periodEnd: x.periodEnd,
    calculation: x.calculation,
    amountCents: x.amountCents,
    status: x.status,
    statusLabel: x.statusLabel,
    invoiceId: x.invoiceId,
    location: `/api/v1/bills/${x.id}`,
  };
}
