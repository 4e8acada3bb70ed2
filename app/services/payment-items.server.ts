/**
 * Payment items (DOMAIN.md § 3.3, rule 12): what finance releases. Invoices and certified broker
 * instalments become items; each goes sachlich richtig → rechnerisch richtig → Anordnung →
 * payment run → paid through one machine (domain/payment-item.machine.ts), signed by three
 * different people, none of whom entered the payee's bank data or registered the invoice by hand.
 */
import { storeBytes } from "~/lib/files.server";
import { In, IsNull, type EntityManager } from "typeorm";
import { BankAccount, BudgetLine, Commitment, Document, FeeInstalment, Invoice, PaymentItem, PaymentRun, PlacementClaim, Provider, User } from "../../entities";
import { ConflictError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { dueLabel, dueState, endToEndId } from "~/domain/finance";
import { formatIban, validateIban } from "~/domain/iban";
import { completeQuery, type ListQuery } from "~/domain/list";
import { PAYMENT_ITEM_LIST } from "~/domain/list-specs";
import { formatCents, parseEuroToCents } from "~/domain/money";
import { instalmentReference } from "~/domain/events";
import { ROLE_PERMISSIONS } from "~/domain/permissions";
import { OPEN_STATES, PAYMENT_ITEM_STATE_LABELS, paymentItemMachine, paymentRunMachine, SIGNATURE_LABELS, type PaymentItemEvent, type PaymentItemFacts, type PaymentItemState, type Signature } from "~/domain/payment-item.machine";
import { toCsv } from "~/domain/csv";
import { addDays, berlinDate, formatDate, formatDateTime, parseDate } from "~/domain/time";
import { VOP_RESULTS, type VopResult } from "~/domain/vop";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { paginate } from "~/lib/list.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { authorityFor, consumeCommitment } from "./budget.server";
import { INSTALMENTS, nextReference, requireCan } from "./placement-common.server";
import { storedMachine, transition, tryTransition } from "./transition.server";
import { recordEvent } from "./events.server";

export const PAYMENT_ITEMS = storedMachine(paymentItemMachine, {
  target: PaymentItem,
  entityType: "payment-item",
  action: "payment",
  describe: (r) => `Zahlung ${r.reference} (${r.payeeName}, ${formatCents(r.amountCents)})`,
  changed: "Die Zahlung wurde inzwischen von jemand anderem bearbeitet; bitte laden Sie die Seite neu.",
});

export const PAYMENT_RUNS = storedMachine(paymentRunMachine, {
  target: PaymentRun,
  entityType: "payment-run",
  action: "payment-run",
  describe: (r) => `Zahllauf ${r.reference}`,
  changed: "Der Zahllauf wurde inzwischen von jemand anderem bearbeitet; bitte laden Sie die Seite neu.",
});

const SIGN_EVENT: Record<Signature, PaymentItemEvent> = { factual: "sign_factual", arithmetic: "sign_arithmetic", order: "order" };
const SIGN_FIELDS: Record<Signature, { by: keyof PaymentItem; at: keyof PaymentItem }> = {
  factual: { by: "factualById", at: "factualAt" },
  arithmetic: { by: "arithmeticById", at: "arithmeticAt" },
  order: { by: "orderById", at: "orderAt" },
};

/** Who entered, requested or confirmed the bank data an item pays to. */
/** What the facts of a set of items read: their budget lines, bank accounts and the actor's ordering authority per line. */
interface FactSources {
  lines: Map<number, BudgetLine>;
  accounts: Map<number, BankAccount>;
  authority: Map<number, number | null>;
}

async function factSources(m: EntityManager, items: readonly PaymentItem[], actorId: number | null): Promise<FactSources> {
  const lineIds = [...new Set(items.map((i) => i.budgetLineId).filter((x): x is number => x !== null))];
  const accountIds = [...new Set(items.map((i) => i.bankAccountId).filter((x): x is number => x !== null))];
  const [lines, accounts] = await Promise.all([
    lineIds.length ? m.getRepository(BudgetLine).find({ where: { id: In(lineIds) } }) : [],
    accountIds.length ? m.getRepository(BankAccount).find({ where: { id: In(accountIds) } }) : [],
  ]);
  const authority = new Map<number, number | null>();
  if (actorId) for (const line of lines) authority.set(line.id, await authorityFor(m, actorId, line.id));
  return { lines: new Map(lines.map((l) => [l.id, l])), accounts: new Map(accounts.map((a) => [a.id, a])), authority };
}

function factsFrom(item: PaymentItem, actor: CurrentUser | "system", sources: FactSources, extra: Partial<PaymentItemFacts>): PaymentItemFacts {
  const line = item.budgetLineId ? (sources.lines.get(item.budgetLineId) ?? null) : null;
  const account = item.bankAccountId ? sources.accounts.get(item.bankAccountId) : undefined;
  const actorId = actor === "system" ? null : actor.id;
  const iban = validateIban(item.iban);
  return {
    state: item.status as PaymentItemState,
    actorId,
    actorIsProvider: actor !== "system" && actor.role === "provider",
    factualById: item.factualById,
    arithmeticById: item.arithmeticById,
    orderById: item.orderById,
    registeredById: item.registeredById,
    bankDataBy: account ? [account.changedById, account.requestedById].filter((x): x is number => x !== null) : [],
    amountCents: item.amountCents,
    budgetLineNumber: line?.number ?? null,
    authorityMaxCents: actorId && line ? (sources.authority.get(line.id) ?? null) : null,
    ibanProblem: iban.ok ? null : iban.error,
    vopResult: item.vopResult,
    dueOn: item.dueOn,
    ...extra,
  };
}

/** The facts the machine needs for an item and an acting person (PaymentItemFacts). */
export async function itemFacts(m: EntityManager, item: PaymentItem, actor: CurrentUser | "system", extra: Partial<PaymentItemFacts> = {}): Promise<PaymentItemFacts> {
  return (await itemsFacts(m, [item], actor, extra))[0];
}

/** The same for many items at once: a few queries for all of them, not three per item. */
export async function itemsFacts(m: EntityManager, items: readonly PaymentItem[], actor: CurrentUser | "system", extra: Partial<PaymentItemFacts> = {}): Promise<PaymentItemFacts[]> {
  const sources = await factSources(m, items, actor === "system" ? null : actor.id);
  return items.map((item) => factsFrom(item, actor, sources, extra));
}

// ---------------------------------------------------------------------------------------------
// Creating items

export interface NewItem {
  sourceType: "invoice" | "instalment";
  invoiceId?: number | null;
  instalmentId?: number | null;
  providerId: number;
  payeeName: string;
  iban: string;
  bic: string | null;
  bankAccountId: number | null;
  amountCents: number;
  dueOn: string;
  purpose: string;
  budgetLineId: number | null;
  commitmentId: number | null;
  registeredById?: number | null;
  /** An instalment's certification is the factual check: the item starts with it signed. */
  factualBy?: { id: number; at: string } | null;
  replacesId?: number | null;
}

/** Insert an item inside the caller's transaction (reference, end-to-end id, state) and audit it. */
export async function createPaymentItem(m: EntityManager, actor: CurrentUser | "system", input: NewItem): Promise<PaymentItem> {
  const at = nowIso();
  const reference = await nextReference(m, PaymentItem, "ZA", at.slice(0, 4), 6);
  const item = await m.getRepository(PaymentItem).save(
    m.getRepository(PaymentItem).create({
      reference,
      sourceType: input.sourceType,
      invoiceId: input.invoiceId ?? null,
      instalmentId: input.instalmentId ?? null,
      providerId: input.providerId,
      payeeName: input.payeeName.slice(0, 200),
      iban: input.iban,
      bic: input.bic,
      bankAccountId: input.bankAccountId,
      amountCents: input.amountCents,
      dueOn: input.dueOn,
      purpose: input.purpose.slice(0, 140),
      endToEndId: endToEndId(reference),
      budgetLineId: input.budgetLineId,
      commitmentId: input.commitmentId,
      status: input.factualBy ? "awaiting_arithmetic" : "awaiting_factual",
      holdReason: validateIban(input.iban).ok ? "" : "IBAN fehlerhaft (BR-DE-19): die Zahlung kann erst nach der Korrektur freigegeben werden.",
      registeredById: input.registeredById ?? null,
      factualById: input.factualBy?.id ?? null,
      factualAt: input.factualBy?.at ?? null,
      arithmeticById: null,
      arithmeticAt: null,
      orderById: null,
      orderAt: null,
      orderDocumentId: null,
      vopResult: null,
      vopSuggestedName: "",
      vopCheckedAt: null,
      vopById: null,
      paymentRunId: null,
      paidOn: null,
      paidById: null,
      paidNote: "",
      bankLineId: null,
      cancelledAt: null,
      cancelReason: "",
      replacesId: input.replacesId ?? null,
      createdAt: at,
      updatedAt: at,
    }),
  );
  await appendAudit(m, actor === "system" ? SYSTEM : actorOf(actor), {
    action: "payment.create",
    summary: `Zahlung ${reference} angelegt: ${item.payeeName}, ${formatCents(item.amountCents)}, fällig ${formatDate(item.dueOn)} (${item.purpose})`,
    entityType: "payment-item",
    entityId: String(item.id),
    providerId: item.providerId,
    details: { sourceType: input.sourceType, invoiceId: item.invoiceId, instalmentId: item.instalmentId, replacesId: item.replacesId, status: item.status },
  });
  return item;
}

// ---------------------------------------------------------------------------------------------
// Signing (one or many items with one confirmation; each item is checked on its own)

export interface SignOutcome {
  signed: { id: number; reference: string }[];
  refused: { id: number; reference: string; reason: string }[];
  /** Items ordered in this call: their payment order PDFs are rendered after the commit. */
  ordered: number[];
}

export async function signItems(user: PersonUser, ids: number[], signature: Signature): Promise<SignOutcome> {
  const event = SIGN_EVENT[signature];
  if (!ids.length) throw new ValidationError("Bitte wählen Sie mindestens eine Zahlung.");
  if (ids.length > 500) throw new ValidationError("Bitte zeichnen Sie höchstens 500 Zahlungen auf einmal.");
  const outcome: SignOutcome = { signed: [], refused: [], ordered: [] };
  await tx(async (m) => {
    const items = await m.getRepository(PaymentItem).find({ where: { id: In(ids) }, order: { id: "ASC" } });
    for (const id of ids.filter((id) => !items.some((i) => i.id === id))) outcome.refused.push({ id, reference: `#${id}`, reason: "Die Zahlung wurde nicht gefunden." });
    for (const item of items) {
      const facts = await itemFacts(m, item, user);
      const decision = paymentItemMachine.decide(event, facts, userPermissions(user));
      if (!decision.ok) {
        outcome.refused.push({ id: item.id, reference: item.reference, reason: decision.reason });
        continue;
      }
      const at = nowIso();
      const fields = SIGN_FIELDS[signature];
      const set: Partial<PaymentItem> = { [fields.by]: user.id, [fields.at]: at, holdReason: "" } as Partial<PaymentItem>;
      // A re-signed factual check after a hold starts the other two signatures anew.
      if (signature === "factual") Object.assign(set, { arithmeticById: null, arithmeticAt: null, orderById: null, orderAt: null, orderDocumentId: null });
      await transition(m, PAYMENT_ITEMS, {
        entity: item,
        event,
        facts,
        actor: user,
        set,
        audit: { summary: `Zahlung ${item.reference} „${SIGNATURE_LABELS[signature]}“ gezeichnet (${item.payeeName}, ${formatCents(item.amountCents)})`, details: { signature } },
      });
      outcome.signed.push({ id: item.id, reference: item.reference });
      if (signature === "order") outcome.ordered.push(item.id);
    }
  });
  if (outcome.ordered.length) await renderPaymentOrders(outcome.ordered);
  return outcome;
}

/** The machine asks the role's permissions: the same map the routes use. */
function userPermissions(user: CurrentUser): readonly string[] {
  return ROLE_PERMISSIONS[user.role];
}

/**
 * The payment order (Auszahlungsanordnung) of ordered items: rendered from plain data after the
 * signing transaction (never inside it), then stored in a short transaction of its own. An item
 * whose PDF is missing (the process stopped in between) gets it from the daily job.
 */
export async function renderPaymentOrders(ids: number[]): Promise<number> {
  const { renderPaymentOrderPdf } = await import("~/lib/payment-pdf.server");
  const m0 = await em();
  const items = await m0.getRepository(PaymentItem).find({ where: { id: In(ids), status: In(["ordered", "in_run", "paid"]) } });
  const todo = items.filter((i) => !i.orderDocumentId && i.orderById);
  if (!todo.length) return 0;
  const settings = await getSettings(m0);
  const letterhead = { authority: settings["letterhead.authority"], address: settings["letterhead.address"], contact: settings["letterhead.contact"], footer: settings["letterhead.footer"] };
  const users = new Map((await m0.getRepository(User).find({ where: { id: In([0, ...todo.flatMap((i) => [i.factualById ?? 0, i.arithmeticById ?? 0, i.orderById ?? 0])]) } })).map((u) => [u.id, u]));
  const lines = new Map((await m0.getRepository(BudgetLine).find({ where: { id: In([0, ...todo.map((i) => i.budgetLineId ?? 0)]) } })).map((l) => [l.id, l]));
  const commitments = new Map((await m0.getRepository(Commitment).find({ where: { id: In([0, ...todo.map((i) => i.commitmentId ?? 0)]) } })).map((c) => [c.id, c]));
  const rendered: { id: number; bytes: Uint8Array; reference: string; providerId: number }[] = [];
  for (const item of todo) {
    const sig = (by: number | null, at: string | null) => (by && at ? { name: users.get(by)?.name ?? `#${by}`, role: roleLabel(users.get(by)?.role), at } : null);
    const line = item.budgetLineId ? lines.get(item.budgetLineId) : undefined;
    const c = item.commitmentId ? commitments.get(item.commitmentId) : undefined;
    const rest = c ? c.amountCents - c.consumedCents - c.releasedCents : 0;
    const bytes = await renderPaymentOrderPdf(
      {
        reference: item.reference,
        payeeName: item.payeeName,
        payeeIban: item.iban,
        payeeBic: item.bic,
        amountCents: item.amountCents,
        dueDate: item.dueOn,
        remittance: item.purpose,
        purpose: item.sourceType === "invoice" ? "Rechnung (siehe Verwendungszweck)" : "Vermittlungsvergütung (Rate)",
        budgetLine: line ? { number: line.number, title: line.title } : { number: "–", title: "keine Haushaltsstelle" },
        // The budget year is the year the money leaves (paid, else due).
        budgetYear: Number((item.paidOn ?? item.dueOn).slice(0, 4)),
        commitment: c ? { reference: c.reference, beforeCents: rest, afterCents: rest - item.amountCents } : null,
        signatures: { factual: sig(item.factualById, item.factualAt), arithmetic: sig(item.arithmeticById, item.arithmeticAt), order: sig(item.orderById, item.orderAt) },
        vop: item.vopResult ? { result: item.vopResult as VopResult, checkedAt: item.vopCheckedAt, suggestedName: item.vopSuggestedName || null } : null,
        generatedAt: nowIso(),
      },
      letterhead,
    );
    rendered.push({ id: item.id, bytes, reference: item.reference, providerId: item.providerId });
  }
  const { storeDocument } = await import("~/lib/documents.server");
  // Into the file store before the transaction (DESIGN.md § 7); inside only the rows.
  const stored = await Promise.all(rendered.map((r) => storeBytes(r.bytes)));
  await tx(async (m) => {
    for (const [k, r] of rendered.entries()) {
      const doc = await storeDocument(m, {
        stored: stored[k],
        origin: "generated",
        title: `Auszahlungsanordnung ${r.reference}`,
        filename: `auszahlungsanordnung-${r.reference}.pdf`,
        contentType: "application/pdf",
        bytes: r.bytes,
        template: "payment-order",
        entityType: "payment-item",
        entityId: r.id,
        providerId: null,
      });
      await m.getRepository(PaymentItem).update({ id: r.id, orderDocumentId: IsNull() }, { orderDocumentId: doc.id });
    }
  });
  return rendered.length;
}

/** The payment order PDF of an ordered item: the stored one, or rendered now (outside any transaction) and stored once. */
export async function paymentOrderDocument(user: CurrentUser, id: number): Promise<number> {
  requireCan(user, "read:payable:any");
  const m = await em();
  const item = await m.getRepository(PaymentItem).findOne({ where: { id } });
  if (!item) throw new NotFoundError("Die Zahlung wurde nicht gefunden.");
  if (!item.orderById) throw new RuleError("Die Zahlung ist noch nicht angeordnet; eine Auszahlungsanordnung gibt es erst nach der Anordnung.");
  if (!item.orderDocumentId) await renderPaymentOrders([id]);
  const after = await m.getRepository(PaymentItem).findOneOrFail({ where: { id } });
  if (!after.orderDocumentId) throw new ConflictError("Die Auszahlungsanordnung konnte nicht erstellt werden; bitte versuchen Sie es erneut.");
  return after.orderDocumentId;
}

/** Ordered items without their payment order PDF (at most 200 a pass). */
export async function renderMissingPaymentOrders(): Promise<number> {
  const m = await em();
  const rows = await m.getRepository(PaymentItem).find({ where: { status: In(["ordered", "in_run"]), orderDocumentId: IsNull() }, select: { id: true }, take: 200 });
  return rows.length ? renderPaymentOrders(rows.map((r) => r.id)) : 0;
}

function roleLabel(role: string | undefined): string {
  return role === "finance" ? "Leistungsrechnung / Kasse" : role === "procurement" ? "Vergabestelle" : role === "case_manager" ? "Fallmanagement" : role === "admin" ? "Administration" : "";
}

/**
 * The budget line an item is charged to, chosen while it waits for the factual check (an invoice
 * without a contract, a correction): the signers then see where the money comes from.
 */
export async function assignBudgetLine(user: PersonUser, id: number, rawLineId: unknown): Promise<void> {
  requireCan(user, "certify:payment:any");
  const lineId = Number(rawLineId);
  await tx(async (m) => {
    const item = await m.getRepository(PaymentItem).findOne({ where: { id } });
    if (!item) throw new NotFoundError("Die Zahlung wurde nicht gefunden.");
    if (!["awaiting_factual", "on_hold"].includes(item.status)) throw new RuleError("Die Haushaltsstelle kann nur vor der Zeichnung „sachlich richtig“ zugeordnet werden; danach ist eine Korrektur nötig.");
    const line = Number.isInteger(lineId) && lineId > 0 ? await m.getRepository(BudgetLine).findOne({ where: { id: lineId } }) : null;
    if (!line || !line.active) throw new ValidationError("Bitte wählen Sie eine freigegebene Haushaltsstelle.", { budgetLineId: "Bitte wählen Sie eine freigegebene Haushaltsstelle." });
    const previous = item.budgetLineId ? await m.getRepository(BudgetLine).findOne({ where: { id: item.budgetLineId } }) : null;
    await m.getRepository(PaymentItem).update({ id: item.id, status: item.status }, { budgetLineId: line.id, commitmentId: previous?.id === line.id ? item.commitmentId : null, updatedAt: nowIso() });
    await appendAudit(m, actorOf(user), {
      action: "payment.assign_line",
      summary: `Zahlung ${item.reference}: Haushaltsstelle ${line.number}${previous ? ` (vorher ${previous.number})` : ""} zugeordnet`,
      entityType: "payment-item",
      entityId: String(item.id),
      providerId: item.providerId,
      details: { budgetLine: line.number, previous: previous?.number ?? null },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Verification of Payee, hold, cancel, correct

export async function recordVop(user: PersonUser, ids: number[], result: string, suggestedName = ""): Promise<number> {
  requireCan(user, "run:payment:any");
  if (!(VOP_RESULTS as readonly string[]).includes(result)) throw new ValidationError("Bitte wählen Sie das Ergebnis der Empfängerüberprüfung.", { result: "Bitte wählen Sie das Ergebnis der Empfängerüberprüfung." });
  return tx(async (m) => {
    const items = await m.getRepository(PaymentItem).find({ where: { id: In(ids.length ? ids : [0]), status: In(["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"]) } });
    if (!items.length) throw new RuleError("Keine der gewählten Zahlungen wartet auf die Empfängerüberprüfung (bereits im Zahllauf oder erledigt).");
    const at = nowIso();
    for (const item of items) {
      await m.getRepository(PaymentItem).update({ id: item.id }, { vopResult: result, vopSuggestedName: suggestedName.slice(0, 200), vopCheckedAt: at, vopById: user.id, updatedAt: at });
      await appendAudit(m, actorOf(user), {
        action: "payment.vop",
        summary: `Empfängerüberprüfung für ${item.reference} (${item.payeeName}, ${formatIban(item.iban)}): ${result}${suggestedName ? `, vorgeschlagener Name „${suggestedName}“` : ""}`,
        entityType: "payment-item",
        entityId: String(item.id),
        providerId: item.providerId,
        details: { result, suggestedName },
      });
    }
    return items.length;
  });
}

/** The results of a VoP file, matched by IBAN to the open items (names are compared by the bank, not here). */
export async function importVopFile(user: PersonUser, text: string): Promise<{ matched: number; unmatched: string[]; errors: { line: number; message: string }[] }> {
  requireCan(user, "run:payment:any");
  const { parseVopFile } = await import("~/domain/vop");
  const parsed = parseVopFile(text);
  const m = await em();
  const open = await m.getRepository(PaymentItem).find({ where: { status: In(["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"]), iban: In([...parsed.rows.map((r) => r.iban), ""]) } });
  let matched = 0;
  const unmatched: string[] = [];
  for (const row of parsed.rows) {
    const ids = open.filter((i) => i.iban === row.iban).map((i) => i.id);
    if (!ids.length) {
      unmatched.push(formatIban(row.iban));
      continue;
    }
    matched += await recordVop(user, ids, row.result, row.suggestedName ?? "");
  }
  return { matched, unmatched, errors: parsed.errors };
}

/**
 * The payee's bank data changed after signing: its items that carry a signature wait on hold
 * until the factual check is signed again with the new account (called inside the change's
 * transaction). Items in a run or paid are not touched.
 */
export async function holdItemsForBankChange(m: EntityManager, providerId: number, account: BankAccount): Promise<number> {
  const items = await m.getRepository(PaymentItem).find({ where: { providerId, status: In(["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered"]) } });
  let held = 0;
  for (const item of items) {
    const newData = { iban: account.iban, bic: account.bic, bankAccountId: account.id, payeeName: (account.holder || item.payeeName).slice(0, 200) };
    if (item.status === "awaiting_factual") {
      await m.getRepository(PaymentItem).update({ id: item.id }, { ...newData, updatedAt: nowIso() });
      continue;
    }
    const moved = await tryTransition(m, PAYMENT_ITEMS, {
      entity: item,
      event: "hold",
      facts: await itemFacts(m, item, "system"),
      actor: "system",
      set: {
        ...newData,
        vopResult: null,
        vopCheckedAt: null,
        vopById: null,
        factualById: null,
        factualAt: null,
        arithmeticById: null,
        arithmeticAt: null,
        orderById: null,
        orderAt: null,
        orderDocumentId: null,
        holdReason: `Bankverbindung des Zahlungsempfängers geändert (${formatIban(account.iban)}); die Zahlung muss neu gezeichnet werden.`,
      },
      audit: { summary: `Zahlung ${item.reference} angehalten: Bankverbindung geändert (vorher ${formatIban(item.iban)}, jetzt ${formatIban(account.iban)})` },
    });
    if (moved) held++;
  }
  return held;
}

export async function cancelItem(user: PersonUser, id: number, reason: string): Promise<PaymentItem> {
  return tx(async (m) => {
    const item = await m.getRepository(PaymentItem).findOne({ where: { id } });
    if (!item) throw new NotFoundError("Die Zahlung wurde nicht gefunden.");
    await transition(m, PAYMENT_ITEMS, {
      entity: item,
      event: "cancel",
      facts: await itemFacts(m, item, user, { reason }),
      actor: user,
      set: { cancelledAt: nowIso(), cancelReason: reason.trim().slice(0, 500) },
      audit: { details: { reason: reason.trim() } },
    });
    if (item.invoiceId) await m.getRepository(Invoice).update({ id: item.invoiceId, status: "accepted" }, { status: "cancelled", updatedAt: nowIso() });
    return item;
  });
}

/**
 * A correction after the factual check: the item is cancelled and a new one takes its place,
 * with the corrected amount, IBAN or due date, and waits for all three signatures again.
 */
export async function correctItem(user: PersonUser, id: number, raw: { amount?: unknown; iban?: unknown; dueOn?: unknown; reason?: unknown }): Promise<PaymentItem> {
  requireCan(user, "cancel:payment:any");
  const reason = String(raw.reason ?? "").trim();
  const errors: Record<string, string> = {};
  const amountCents = raw.amount === undefined || raw.amount === "" ? null : parseEuroToCents(String(raw.amount));
  if (raw.amount !== undefined && raw.amount !== "" && (amountCents === null || amountCents <= 0)) errors.amount = "Bitte geben Sie einen Betrag über 0 € an, z. B. 1.234,56.";
  const ibanRaw = String(raw.iban ?? "").trim();
  const iban = ibanRaw ? validateIban(ibanRaw) : null;
  if (iban && !iban.ok) errors.iban = iban.error;
  const dueRaw = String(raw.dueOn ?? "").trim();
  const dueOn = dueRaw ? parseDate(dueRaw) : "";
  if (dueOn === null) errors.dueOn = "Bitte geben Sie die Fälligkeit als Datum an, z. B. 31.01.2027.";
  if (reason.length < 10) errors.reason = "Bitte begründen Sie die Korrektur (mindestens 10 Zeichen).";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  return tx(async (m) => {
    const item = await m.getRepository(PaymentItem).findOne({ where: { id } });
    if (!item) throw new NotFoundError("Die Zahlung wurde nicht gefunden.");
    // A correction may lower what is paid, never raise it above what the source owes.
    const ceiling = await owedBySource(m, item);
    if (amountCents !== null && ceiling !== null && amountCents > ceiling.cents)
      throw new ValidationError("Bitte prüfen Sie die markierten Felder.", { amount: `Der Betrag darf ${ceiling.what} (${formatCents(ceiling.cents)}) nicht übersteigen.` });
    await transition(m, PAYMENT_ITEMS, {
      entity: item,
      event: "cancel",
      facts: await itemFacts(m, item, user, { reason }),
      actor: user,
      set: { cancelledAt: nowIso(), cancelReason: `Korrektur: ${reason}`.slice(0, 500) },
      audit: { details: { reason, correction: true } },
    });
    const next = await createPaymentItem(m, user, {
      sourceType: item.sourceType as "invoice" | "instalment",
      invoiceId: item.invoiceId,
      instalmentId: item.instalmentId,
      providerId: item.providerId,
      payeeName: item.payeeName,
      iban: iban && iban.ok ? iban.iban : item.iban,
      bic: iban && iban.ok ? null : item.bic,
      bankAccountId: iban && iban.ok ? null : item.bankAccountId,
      amountCents: amountCents ?? item.amountCents,
      dueOn: dueOn || item.dueOn,
      purpose: item.purpose,
      budgetLineId: item.budgetLineId,
      commitmentId: item.commitmentId,
      // The person who typed the corrected data may not sign it.
      registeredById: user.id,
      replacesId: item.id,
    });
    return next;
  });
}

/** What an item's source owes at most: the invoice's amount due (BT-115) or the instalment. */
async function owedBySource(m: EntityManager, item: PaymentItem): Promise<{ cents: number; what: string } | null> {
  if (item.invoiceId) {
    const inv = await m.getRepository(Invoice).findOne({ where: { id: item.invoiceId } });
    return inv ? { cents: inv.dueAmountCents, what: `den fälligen Betrag der Rechnung ${inv.number || inv.reference}` } : null;
  }
  if (item.instalmentId) {
    const i = await m.getRepository(FeeInstalment).findOne({ where: { id: item.instalmentId } });
    return i ? { cents: i.amountCents, what: `die ${i.number}. Rate` } : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Booking (paid): from a bank statement line or by hand with a reason

/** Mark an item paid inside the caller's transaction; consumes the commitment and tells the source. */
export async function bookItem(m: EntityManager, user: PersonUser, item: PaymentItem, input: { paidOn: string; bankLineId?: number | null; reason?: string | null }): Promise<void> {
  const facts = await itemFacts(m, item, user, { reason: input.reason ?? null, bankLine: Boolean(input.bankLineId) });
  await transition(m, PAYMENT_ITEMS, {
    entity: item,
    event: "book",
    facts,
    actor: user,
    set: { paidOn: input.paidOn, paidById: user.id, paidNote: (input.reason ?? "").trim().slice(0, 500), bankLineId: input.bankLineId ?? null },
    audit: { summary: `Zahlung ${item.reference} ausgezahlt am ${formatDate(input.paidOn)} (${item.payeeName}, ${formatCents(item.amountCents)})${input.bankLineId ? " – Kontoauszug" : ` – von Hand: ${input.reason}`}`, details: { paidOn: input.paidOn, bankLineId: input.bankLineId ?? null } },
  });
  await consumeCommitment(m, item, input.paidOn);
  if (item.instalmentId) {
    const inst = await m.getRepository(FeeInstalment).findOne({ where: { id: item.instalmentId } });
    if (inst && inst.status === "payable") {
      const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: inst.claimId });
      await tryTransition(m, INSTALMENTS, {
        entity: inst,
        event: "pay",
        facts: { state: "payable", today: input.paidOn, number: inst.number, jobStart: claim.jobStart, earliestOn: inst.earliestOn, deadlineOn: inst.deadlineOn, sameEmployerRequired: inst.sameEmployer, employmentEndedOn: claim.employmentEndedOn },
        actor: user,
        set: { closedAt: nowIso(), updatedAt: nowIso() },
        audit: { about: `${instalmentReference(claim.reference, inst.number)} (${formatCents(inst.amountCents)})`, details: { paymentItem: item.reference, paidOn: input.paidOn } },
      });
    }
  }
  if (item.invoiceId) {
    await m.getRepository(Invoice).update({ id: item.invoiceId }, { status: "paid", updatedAt: nowIso() });
    // [invoices worker] The change feed tells the provider its invoice was paid (issue 10, point 9).
    const inv = await m.getRepository(Invoice).findOne({ where: { id: item.invoiceId } });
    if (inv?.providerId) await recordEvent(m, { type: "invoice.paid", providerId: inv.providerId, entityType: "invoice", entityId: inv.id, reference: inv.number || inv.reference, status: "paid" });
  }
  if (item.paymentRunId) await completeRunIfPaid(m, user, item.paymentRunId);
}

async function completeRunIfPaid(m: EntityManager, user: PersonUser, runId: number) {
  const unpaid = await m.getRepository(PaymentItem).count({ where: { paymentRunId: runId, status: "in_run" } });
  if (unpaid) return;
  const run = await m.getRepository(PaymentRun).findOne({ where: { id: runId } });
  if (!run || !["created", "sent"].includes(run.status)) return;
  await tryTransition(m, PAYMENT_RUNS, { entity: run, event: "complete", facts: { state: run.status as "created" | "sent", unpaid: 0 }, actor: user, audit: { summary: `Zahllauf ${run.reference} vollständig gebucht` } });
}

export async function bookByHand(user: PersonUser, id: number, raw: { paidOn?: unknown; reason?: unknown }): Promise<void> {
  requireCan(user, "book:payment:any");
  const paidOn = parseDate(String(raw.paidOn ?? ""));
  const reason = String(raw.reason ?? "").trim();
  const errors: Record<string, string> = {};
  const rawPaidOn = String(raw.paidOn ?? "").trim();
  if (!paidOn) errors.paidOn = rawPaidOn ? `„${rawPaidOn.slice(0, 20)}“ ist kein gültiges Datum; bitte als TT.MM.JJJJ angeben, z. B. 15.01.2027.` : "Bitte geben Sie den Tag der Auszahlung an, z. B. 15.01.2027.";
  else if (paidOn > today()) errors.paidOn = "Der Tag der Auszahlung kann nicht in der Zukunft liegen.";
  if (reason.length < 10) errors.reason = "Bitte begründen Sie die Buchung von Hand (mindestens 10 Zeichen), z. B. mit der Buchungsnummer des Kontoauszugs.";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  await tx(async (m) => {
    const item = await m.getRepository(PaymentItem).findOne({ where: { id } });
    if (!item) throw new NotFoundError("Die Zahlung wurde nicht gefunden.");
    // Paid no earlier than it was ordered (a payment order comes before the money leaves).
    const orderedOn = item.orderAt ? berlinDate(item.orderAt) : berlinDate(item.createdAt);
    if (paidOn! < orderedOn) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", { paidOn: `Die Zahlung wurde erst am ${formatDate(orderedOn)} angeordnet; sie kann nicht früher ausgezahlt worden sein.` });
    await bookItem(m, user, item, { paidOn: paidOn!, reason });
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export type PaymentItemQuery = Partial<ListQuery<(typeof PAYMENT_ITEM_LIST)["filters"], (typeof PAYMENT_ITEM_LIST)["sorts"][number]>>;

export async function listPaymentItems(user: CurrentUser, raw: PaymentItemQuery, options: { all?: boolean } = {}) {
  requireCan(user, "read:payable:any");
  const query = completeQuery(PAYMENT_ITEM_LIST, raw);
  const m = await em();
  const settings = await getSettings(m);
  const day = today();
  const warn = settings["finance.dueWarningDays"];
  const qb = m.getRepository(PaymentItem).createQueryBuilder("x");
  if (query.status === "open") qb.andWhere("x.status IN (:...open)", { open: OPEN_STATES });
  else if (query.status) qb.andWhere("x.status = :s", { s: query.status });
  if (query.due === "overdue") qb.andWhere("x.dueOn < :d AND x.status IN (:...open)", { d: day, open: OPEN_STATES });
  if (query.due === "soon") qb.andWhere("x.dueOn >= :d AND x.dueOn <= :w AND x.status IN (:...open)", { d: day, w: addDays(day, warn), open: OPEN_STATES });
  if (query.source) qb.andWhere("x.sourceType = :src", { src: query.source });
  if (query.line) qb.andWhere("x.budgetLineId = :line", { line: query.line });
  if (query.provider) qb.andWhere("x.providerId = :prov", { prov: query.provider });
  if (query.run) qb.andWhere("x.paymentRunId = :run", { run: query.run });
  if (query.q) qb.andWhere("(LOWER(x.payeeName) LIKE :q OR LOWER(x.purpose) LIKE :q OR LOWER(x.reference) LIKE :q)", { q: `%${query.q.toLowerCase()}%` });
  const sum = await qb.clone().select("COALESCE(SUM(x.amountCents), 0)", "sum").getRawOne<{ sum: string }>();
  const { rows, raw: _raw, ...page } = await paginate(qb, query, {
    sortColumns: { dueOn: "x.dueOn", reference: "x.reference", payee: "x.payeeName", amount: "x.amountCents", status: "x.status", createdAt: "x.createdAt" },
    tieBreaker: "x.id",
    all: options.all,
  });
  const lines = new Map((await m.getRepository(BudgetLine).find()).map((l) => [l.id, l.number]));
  return {
    rows: rows.map((x) => ({
      id: x.id,
      reference: x.reference,
      sourceType: x.sourceType,
      payeeName: x.payeeName,
      iban: x.iban,
      ibanFormatted: formatIban(x.iban),
      bic: x.bic,
      amountCents: x.amountCents,
      dueOn: x.dueOn,
      dueState: OPEN_STATES.includes(x.status as PaymentItemState) ? dueState(day, x.dueOn, warn) : null,
      dueText: dueLabel(day, x.dueOn),
      purpose: x.purpose,
      budgetLine: x.budgetLineId ? (lines.get(x.budgetLineId) ?? "") : "",
      status: x.status,
      statusLabel: PAYMENT_ITEM_STATE_LABELS[x.status as PaymentItemState] ?? x.status,
      holdReason: x.holdReason,
      vopResult: x.vopResult,
      paidOn: x.paidOn,
      endToEndId: x.endToEndId,
      signatures: { factual: Boolean(x.factualById), arithmetic: Boolean(x.arithmeticById), order: Boolean(x.orderById) },
    })),
    sumCents: Number(sum?.sum ?? 0),
    today: day,
    warnDays: warn,
    ...page,
  };
}

export async function paymentItemsCsv(user: CurrentUser, query: PaymentItemQuery) {
  const { rows } = await listPaymentItems(user, query, { all: true });
  return toCsv(
    ["Zahlung", "Art", "Zahlungsempfänger", "IBAN", "BIC", "Betrag (EUR)", "fällig am", "Haushaltsstelle", "Verwendungszweck", "Status", "End-to-End-ID", "ausgezahlt am"],
    rows.map((x) => [x.reference, x.sourceType === "invoice" ? "Rechnung" : "Rate", x.payeeName, x.iban, x.bic ?? "", (x.amountCents / 100).toFixed(2).replace(".", ","), formatDate(x.dueOn), x.budgetLine, x.purpose, x.statusLabel, x.endToEndId, formatDate(x.paidOn)]),
  );
}

/** One item with everything the detail page shows: signatures with names, source, run, documents, history. */
export async function getPaymentItem(user: CurrentUser, id: number) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const item = await m.getRepository(PaymentItem).findOne({ where: { id } });
  if (!item) throw new NotFoundError("Die Zahlung wurde nicht gefunden.");
  const ids = [item.factualById, item.arithmeticById, item.orderById, item.registeredById, item.paidById, item.vopById].filter((x): x is number => x !== null);
  const users = new Map((await m.getRepository(User).find({ where: { id: In([0, ...ids]) } })).map((u) => [u.id, u.name]));
  const [line, commitment, provider, invoice, run, orderDoc, replacedBy] = await Promise.all([
    item.budgetLineId ? m.getRepository(BudgetLine).findOne({ where: { id: item.budgetLineId } }) : null,
    item.commitmentId ? m.getRepository(Commitment).findOne({ where: { id: item.commitmentId } }) : null,
    m.getRepository(Provider).findOne({ where: { id: item.providerId } }),
    item.invoiceId ? m.getRepository(Invoice).findOne({ where: { id: item.invoiceId } }) : null,
    item.paymentRunId ? m.getRepository(PaymentRun).findOne({ where: { id: item.paymentRunId } }) : null,
    item.orderDocumentId ? m.getRepository(Document).findOne({ where: { id: item.orderDocumentId } }) : null,
    m.getRepository(PaymentItem).findOne({ where: { replacesId: item.id } }),
  ]);
  const replaces = item.replacesId ? await m.getRepository(PaymentItem).findOne({ where: { id: item.replacesId } }) : null;
  let instalment: { claimId: number; claimReference: string; number: number } | null = null;
  if (item.instalmentId) {
    const i = await m.getRepository(FeeInstalment).findOne({ where: { id: item.instalmentId } });
    const c = i ? await m.getRepository(PlacementClaim).findOne({ where: { id: i.claimId } }) : null;
    if (i && c) instalment = { claimId: c.id, claimReference: c.reference, number: i.number };
  }
  const sig = (by: number | null, at: string | null) => (by ? { name: users.get(by) ?? `#${by}`, at: formatDateTime(at), self: by === user.id } : null);
  const permissions = ROLE_PERMISSIONS[user.role];
  const facts = await itemFacts(m, item, user);
  const possible = (["sign_factual", "sign_arithmetic", "order", "cancel", "book"] as PaymentItemEvent[]).map((event) => {
    const d = paymentItemMachine.decide(event, { ...facts, reason: "x".repeat(10), bankLine: false }, permissions);
    return { event, ok: d.ok, reason: d.ok ? null : d.reason, permitted: paymentItemMachine.permitted(event, item.status as PaymentItemState, permissions) };
  });
  return {
    item: { ...item, ibanFormatted: formatIban(item.iban), statusLabel: PAYMENT_ITEM_STATE_LABELS[item.status as PaymentItemState] ?? item.status, ibanProblem: facts.ibanProblem },
    signatures: { factual: sig(item.factualById, item.factualAt), arithmetic: sig(item.arithmeticById, item.arithmeticAt), order: sig(item.orderById, item.orderAt) },
    registeredBy: item.registeredById ? (users.get(item.registeredById) ?? "") : null,
    paidBy: item.paidById ? (users.get(item.paidById) ?? "") : null,
    vopBy: item.vopById ? (users.get(item.vopById) ?? "") : null,
    line: line ? { id: line.id, number: line.number, title: line.title } : null,
    commitment: commitment ? { id: commitment.id, reference: commitment.reference, year: commitment.year, amountCents: commitment.amountCents, restCents: commitment.amountCents - commitment.consumedCents - commitment.releasedCents } : null,
    provider: provider ? { id: provider.id, name: provider.name } : null,
    invoice: invoice ? { id: invoice.id, reference: invoice.reference, number: invoice.number } : null,
    instalment,
    run: run ? { id: run.id, reference: run.reference, status: run.status } : null,
    orderDocument: orderDoc ? { id: orderDoc.id, filename: orderDoc.filename } : null,
    replaces: replaces ? { id: replaces.id, reference: replaces.reference } : null,
    replacedBy: replacedBy ? { id: replacedBy.id, reference: replacedBy.reference } : null,
    actions: possible,
    authorityMaxCents: facts.authorityMaxCents,
  };
}

/** The day each instalment's payment was booked (paid items only), for what the broker sees. */
export async function paidOnByInstalment(m: EntityManager, instalmentIds: number[]): Promise<Map<number, string>> {
  if (!instalmentIds.length) return new Map();
  const rows = await m.getRepository(PaymentItem).find({ where: { instalmentId: In(instalmentIds), status: "paid" }, select: { id: true, instalmentId: true, paidOn: true } });
  return new Map(rows.filter((r) => r.instalmentId && r.paidOn).map((r) => [r.instalmentId!, r.paidOn!]));
}

/** Counts for finance's home page: waiting for each signature, due soon, overdue, on hold, runs in progress. */
export async function financeWork(user: CurrentUser) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const settings = await getSettings(m);
  const day = today();
  const byState = await m.getRepository(PaymentItem).createQueryBuilder("x").select("x.status", "status").addSelect("COUNT(*)", "n").addSelect("COALESCE(SUM(x.amountCents), 0)", "sum").groupBy("x.status").getRawMany<{ status: string; n: string; sum: string }>();
  const count = (s: string) => Number(byState.find((r) => r.status === s)?.n ?? 0);
  const sum = (s: string) => Number(byState.find((r) => r.status === s)?.sum ?? 0);
  const openQb = () => m.getRepository(PaymentItem).createQueryBuilder("x").where("x.status IN (:...open)", { open: OPEN_STATES });
  const [overdue, dueSoon, runs] = await Promise.all([
    openQb().andWhere("x.dueOn < :d", { d: day }).getCount(),
    openQb().andWhere("x.dueOn >= :d AND x.dueOn <= :w", { d: day, w: addDays(day, settings["finance.dueWarningDays"]) }).getCount(),
    m.getRepository(PaymentRun).find({ where: { status: In(["building", "created", "sent"]) }, order: { createdAt: "DESC" }, take: 10 }),
  ]);
  return {
    waiting: (["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold", "in_run"] as const).map((s) => ({ status: s, label: PAYMENT_ITEM_STATE_LABELS[s], count: count(s), sumCents: sum(s) })),
    overdue,
    dueSoon,
    warnDays: settings["finance.dueWarningDays"],
    runs: runs.map((r) => ({ id: r.id, reference: r.reference, status: r.status, itemCount: r.itemCount, ctrlSumCents: r.ctrlSumCents, executionDate: r.executionDate })),
  };
}
