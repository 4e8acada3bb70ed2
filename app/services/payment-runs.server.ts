/**
 * Payment runs (Zahllauf, issue 10 points 13–14), Verification of Payee work (15) and bank
 * statements (16).
 *
 * A run is built EXACTLY ONCE in three steps (DESIGN.md § 7: CPU work outside the write lock):
 *   1. one transaction: the run row (status building) and every eligible ordered item moved
 *      ordered → in_run through the machine, the run id written in the same conditional update,
 *      so an item can never be in two runs;
 *   2. outside any transaction: the pain.001.001.09 file and the run list PDF from plain data;
 *   3. one transaction: both documents stored, the file's SHA-256 on the run, building → created.
 * A process that dies between 1 and 3 leaves a run in "building": recoverAbandonedRuns() (at
 * start-up and in the daily job) abandons it and returns its items to "ordered". The file is
 * stored once with its hash and served as stored; it is never regenerated.
 */
import { storeBytes } from "~/lib/files.server";
import { In, IsNull, type EntityManager } from "typeorm";
import { BankStatement, BankStatementLine, Document, PaymentItem, PaymentRun, PaymentRunItem, User } from "../../entities";
import { BankStatementError, CAMT_DEFAULT_MAX_BYTES, parseBankStatement, type BankEntry } from "~/domain/camt";
import { ConflictError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { formatIban, normalizeIban, validateIban } from "~/domain/iban";
import { formatCents } from "~/domain/money";
import { PAYMENT_ITEM_STATE_LABELS, PAYMENT_RUN_STATE_LABELS, paymentItemMachine, type PaymentItemFacts, type PaymentItemState, type PaymentRunState } from "~/domain/payment-item.machine";
import { buildCreditTransfer } from "~/domain/sepa";
import { addDays, formatDate, isIsoDate, parseDate } from "~/domain/time";
import { VOP_LABELS, vopBlocks, vopWarning, type VopResult } from "~/domain/vop";
import { ROLE_PERMISSIONS } from "~/domain/permissions";
import { appendAudit } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { databaseKind, em, isUniqueViolation, tx } from "~/lib/db.server";
import { readBytes } from "~/lib/files.server";
import { sha256Hex } from "~/lib/hash.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { bookItem, itemFacts, itemsFacts, PAYMENT_ITEMS, PAYMENT_RUNS } from "./payment-items.server";
import { nextReference, requireCan } from "./placement-common.server";
import { transition, tryTransition } from "./transition.server";

// ---------------------------------------------------------------------------------------------
// Dates

/** The next bank business day after `day` (Monday to Friday, without the TARGET2 holidays). */
export function nextBankDay(day: string): string {
  let d = addDays(day, 1);
  while (!isBankDay(d)) d = addDays(d, 1);
  return d;
}

export function isBankDay(day: string): boolean {
  const wd = new Date(`${day}T12:00:00Z`).getUTCDay();
  if (wd === 0 || wd === 6) return false;
  const md = day.slice(5);
  if (md === "01-01" || md === "05-01" || md === "12-25" || md === "12-26") return false;
  const easter = easterSunday(Number(day.slice(0, 4)));
  return day !== addDays(easter, -2) && day !== addDays(easter, 1);
}

function easterSunday(y: number): string {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${y}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// Creating a run

export interface RunInput {
  dueUntil?: unknown;
  executionDate?: unknown;
}

export interface RefusedItem {
  id: number;
  reference: string;
  payeeName: string;
  amountCents: number;
  reason: string;
}

export interface CreateRunResult {
  run: { id: number; reference: string; itemCount: number; ctrlSumCents: number; fileSha256: string };
  refused: RefusedItem[];
  /** Milliseconds: checks before (reads), inside the write transactions (1, 3) and outside (2: file, PDF), for the benchmark. */
  timing: { prepareMs: number; phase1Ms: number; phase2Ms: number; phase3Ms: number };
}

function checkRunInput(raw: RunInput): { dueUntil: string; executionDate: string } {
  const dueRaw = String(raw.dueUntil ?? "").trim();
  const execRaw = String(raw.executionDate ?? "").trim();
  // ISO from the date fields, TT.MM.JJJJ typed by hand: both are dates.
  const dueUntil = parseDate(dueRaw) ?? "";
  const executionDate = parseDate(execRaw) ?? "";
  const errors: Record<string, string> = {};
  const invalid = (v: string) => `„${v.slice(0, 20)}“ ist kein gültiges Datum; bitte als TT.MM.JJJJ angeben.`;
  if (!dueUntil) errors.dueUntil = dueRaw ? invalid(dueRaw) : "Bitte geben Sie an, bis zu welchem Tag fällige Zahlungen aufgenommen werden.";
  if (!executionDate) errors.executionDate = execRaw ? invalid(execRaw) : "Bitte geben Sie das Ausführungsdatum an.";
  else if (executionDate < today()) errors.executionDate = "Das Ausführungsdatum kann nicht in der Vergangenheit liegen.";
  else if (executionDate > addDays(today(), 90)) errors.executionDate = "Das Ausführungsdatum kann höchstens 90 Tage in der Zukunft liegen.";
  else if (!isBankDay(executionDate)) errors.executionDate = `Der ${formatDate(executionDate)} ist kein Bankarbeitstag; nächster Bankarbeitstag: ${formatDate(nextBankDay(executionDate))}.`;
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  return { dueUntil, executionDate };
}

async function debtorFromSettings(m: EntityManager) {
  const s = await getSettings(m);
  const iban = validateIban(s["finance.debtorIban"]);
  if (!iban.ok) throw new RuleError(`Die IBAN des Auszahlungskontos in den Einstellungen ist fehlerhaft (${iban.error}); bitte zuerst korrigieren.`);
  if (!s["finance.debtorName"].trim()) throw new RuleError("Der Kontoinhaber des Auszahlungskontos fehlt in den Einstellungen.");
  const letterhead = { authority: s["letterhead.authority"], address: s["letterhead.address"], contact: s["letterhead.contact"], footer: s["letterhead.footer"] };
  return { debtor: { name: s["finance.debtorName"], iban: iban.iban, bic: s["finance.debtorBic"].trim() || null }, letterhead };
}

function userPermissions(user: CurrentUser): readonly string[] {
  return ROLE_PERMISSIONS[user.role];
}

/** Ordered items due up to the date: which would enter a run and which are refused, with the machine's reasons. */
async function sortOut(m: EntityManager, user: PersonUser, dueUntil: string) {
  const items = await m.getRepository(PaymentItem).createQueryBuilder("x").where("x.status = :s", { s: "ordered" }).andWhere("x.dueOn <= :d", { d: dueUntil }).andWhere("x.paymentRunId IS NULL").orderBy("x.dueOn", "ASC").addOrderBy("x.id", "ASC").getMany();
  const eligible: PaymentItem[] = [];
  const facts = new Map<number, PaymentItemFacts>();
  const refused: RefusedItem[] = [];
  const all = await itemsFacts(m, items, user, { dueUntil });
  for (const [k, item] of items.entries()) {
    const f = all[k];
    const decision = paymentItemMachine.decide("add_to_run", f, userPermissions(user));
    facts.set(item.id, f);
    if (decision.ok) eligible.push(item);
    else refused.push({ id: item.id, reference: item.reference, payeeName: item.payeeName, amountCents: item.amountCents, reason: decision.reason });
  }
  return { eligible, refused, facts };
}

/** What a run up to this date would take (read only), for the form's preview. */
export async function previewRun(user: PersonUser, dueRaw: string) {
  requireCan(user, "run:payment:any");
  const dueUntil = parseDate(dueRaw);
  if (!dueUntil) return null;
  const m = await em();
  const { eligible, refused } = await sortOut(m, user, dueUntil);
  return {
    dueUntil,
    count: eligible.length,
    sumCents: eligible.reduce((s, i) => s + i.amountCents, 0),
    closeMatches: eligible.filter((i) => i.vopResult === "close_match" || i.vopResult === "not_possible").map((i) => ({ id: i.id, reference: i.reference, payeeName: i.payeeName, warning: vopWarning(i.vopResult as VopResult, i.vopSuggestedName || null) })),
    refused,
  };
}

/** Test hook: wait after phase 1 (the crash test kills the process here). */
async function pauseAfterPhase1(runId: number) {
  if (process.env.PAYMENT_RUN_PAUSE_AFTER_PHASE1 !== "1") return;
  process.stdout.write(`PAYMENT_RUN_PHASE1_DONE ${runId}\n`);
  await new Promise((resolve) => setTimeout(resolve, 10 * 60_000));
}

/** Advisory lock key for building payment runs (PostgreSQL). */
const RUN_LOCK = 7_301_001;

export async function createRun(user: PersonUser, raw: RunInput): Promise<CreateRunResult> {
  requireCan(user, "run:payment:any");
  const { dueUntil, executionDate } = checkRunInput(raw);
  const { debtor, letterhead } = await debtorFromSettings(await em());

  // Phase 1: the run and its items, in one transaction.
  // The machine's facts are gathered before the write transaction (reads only, outside the gate);
  // inside it the chosen rows are read again and decided on their current state, VoP and IBAN.
  let t0 = performance.now();
  const pre = await sortOut(await em(), user, dueUntil);
  const prepareMs = performance.now() - t0;
  t0 = performance.now();
  const { run, refused } = await tx(async (m) => {
    // One run is built at a time: on PostgreSQL a second creator waits here and then finds the
    // items taken (SQLite's write gate does the same); no race on the ZL reference either.
    if (databaseKind() === "postgres") await m.query("SELECT pg_advisory_xact_lock($1)", [RUN_LOCK]);
    const fresh = pre.eligible.length ? await m.getRepository(PaymentItem).find({ where: { id: In(pre.eligible.map((i) => i.id)), status: "ordered", paymentRunId: IsNull() }, order: { dueOn: "ASC", id: "ASC" } }) : [];
    const refused = [...pre.refused];
    const eligible: PaymentItem[] = [];
    const facts = new Map<number, PaymentItemFacts>();
    for (const item of fresh) {
      const iban = validateIban(item.iban);
      const f: PaymentItemFacts = { ...pre.facts.get(item.id)!, state: item.status as PaymentItemState, vopResult: item.vopResult, ibanProblem: iban.ok ? null : iban.error, dueOn: item.dueOn, dueUntil };
      const decision = paymentItemMachine.decide("add_to_run", f, userPermissions(user));
      if (decision.ok) {
        eligible.push(item);
        facts.set(item.id, f);
      } else refused.push({ id: item.id, reference: item.reference, payeeName: item.payeeName, amountCents: item.amountCents, reason: decision.reason });
    }
    if (!eligible.length) {
      throw new RuleError(
        refused.length
          ? `Keine Zahlung kann in den Zahllauf: ${refused.length} angeordnete Zahlung(en) bis ${formatDate(dueUntil)} sind gesperrt (siehe Gründe in der Vorschau).`
          : `Es gibt keine angeordneten Zahlungen, die bis zum ${formatDate(dueUntil)} fällig sind.`,
      );
    }
    const at = nowIso();
    const reference = await nextReference(m, PaymentRun, "ZL", at.slice(0, 4), 4);
    const run = await m.getRepository(PaymentRun).save(
      m.getRepository(PaymentRun).create({
        reference,
        status: "building",
        dueUntil,
        executionDate,
        messageId: `${reference}-${at.replace(/\D/g, "").slice(0, 14)}`,
        itemCount: 0,
        ctrlSumCents: 0,
        fileDocumentId: null,
        fileSha256: "",
        listDocumentId: null,
        createdById: user.id,
        createdAt: at,
        sentAt: null,
        sentById: null,
        cancelledAt: null,
        cancelledById: null,
        cancelReason: "",
        updatedAt: at,
      }),
    );
    await appendAudit(m, actorOf(user), {
      action: "payment-run.create",
      summary: `Zahllauf ${reference} begonnen: fällig bis ${formatDate(dueUntil)}, Ausführung am ${formatDate(executionDate)}`,
      entityType: "payment-run",
      entityId: String(run.id),
      details: { dueUntil, executionDate, messageId: run.messageId },
    });
    const taken: PaymentItem[] = [];
    for (const item of eligible) {
      // Conditional on "ordered": an item another run took in the meantime is skipped.
      const moved = await tryTransition(m, PAYMENT_ITEMS, {
        entity: item,
        event: "add_to_run",
        facts: facts.get(item.id)!,
        actor: user,
        set: { paymentRunId: run.id },
        audit: { summary: `Zahlung ${item.reference} in Zahllauf ${reference} aufgenommen (${item.payeeName}, ${formatCents(item.amountCents)})`, details: { run: reference } },
      });
      if (moved) taken.push(item);
    }
    if (!taken.length) throw new ConflictError("Die Zahlungen wurden inzwischen in einen anderen Zahllauf aufgenommen; bitte laden Sie die Seite neu.");
    for (let i = 0; i < taken.length; i += 500) {
      await m.getRepository(PaymentRunItem).insert(taken.slice(i, i + 500).map((x) => ({ paymentRunId: run.id, paymentItemId: x.id, amountCents: x.amountCents, endToEndId: x.endToEndId })));
    }
    return { run, refused };
  });
  const phase1Ms = performance.now() - t0;
  await pauseAfterPhase1(run.id);

  // Phase 2: file and run list from plain data, outside any transaction.
  t0 = performance.now();
  let built: { xml: Uint8Array; sha: string; pdf: Uint8Array; count: number; sumCents: number };
  try {
    built = await buildRunDocuments(run, debtor, letterhead);
  } catch (error) {
    await abandonRun(run.id, "system", `Datei konnte nicht geschrieben werden: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  const phase2Ms = performance.now() - t0;

  // Phase 3: store both documents once, run → created.
  // The bytes go to the file store before the transaction; inside only the rows are written.
  const [xmlStored, pdfStored] = [await storeBytes(built.xml), await storeBytes(built.pdf)];
  t0 = performance.now();
  await tx(async (m) => {
    const { storeDocument } = await import("~/lib/documents.server");
    const file = await storeDocument(m, { stored: xmlStored, origin: "generated", title: `SEPA-Datei Zahllauf ${run.reference}`, filename: `zahllauf-${run.reference}.xml`, contentType: "application/xml", bytes: built.xml, template: "pain.001.001.09", entityType: "payment-run", entityId: run.id, providerId: null, createdById: user.id });
    const list = await storeDocument(m, { stored: pdfStored, origin: "generated", title: `Zahllaufliste ${run.reference}`, filename: `zahllaufliste-${run.reference}.pdf`, contentType: "application/pdf", bytes: built.pdf, template: "payment-run-list", entityType: "payment-run", entityId: run.id, providerId: null, createdById: user.id });
    await transition(m, PAYMENT_RUNS, {
      entity: run,
      event: "finish",
      facts: { state: "building" },
      actor: user,
      set: { fileDocumentId: file.id, listDocumentId: list.id, fileSha256: built.sha, itemCount: built.count, ctrlSumCents: built.sumCents },
      audit: { summary: `Zahllauf ${run.reference} erstellt: ${built.count} Zahlungen, ${formatCents(built.sumCents)}, Datei SHA-256 ${built.sha.slice(0, 16)}…`, details: { itemCount: built.count, ctrlSumCents: built.sumCents, fileSha256: built.sha } },
    });
  });
  const phase3Ms = performance.now() - t0;
  return { run: { id: run.id, reference: run.reference, itemCount: built.count, ctrlSumCents: built.sumCents, fileSha256: built.sha }, refused, timing: { prepareMs, phase1Ms, phase2Ms, phase3Ms } };
}

async function buildRunDocuments(run: PaymentRun, debtor: { name: string; iban: string; bic: string | null }, letterhead: { authority: string; address: string; contact: string; footer: string }) {
  const m = await em();
  const items = await m.getRepository(PaymentItem).find({ where: { paymentRunId: run.id, status: "in_run" }, order: { dueOn: "ASC", id: "ASC" } });
  const file = buildCreditTransfer({
    messageId: run.messageId,
    createdAt: run.createdAt,
    initiatingPartyName: debtor.name,
    debtor,
    executionDate: run.executionDate,
    batchBooking: true,
    payments: items.map((i) => ({ endToEndId: i.endToEndId, amountCents: i.amountCents, creditorName: i.payeeName, creditorIban: i.iban, creditorBic: i.bic, remittance: i.purpose })),
  });
  const xml = new TextEncoder().encode(file.xml);
  const sha = sha256Hex(xml);
  const { renderPaymentRunListPdf } = await import("~/lib/payment-pdf.server");
  const pdf = await renderPaymentRunListPdf(
    {
      runReference: run.reference,
      executionDate: run.executionDate,
      debtor,
      messageId: run.messageId,
      fileSha256: sha,
      count: file.nbOfTxs,
      ctrlSumCents: file.ctrlSumCents,
      items: items.map((i) => ({ payeeName: i.payeeName, payeeIban: i.iban, endToEndId: i.endToEndId, remittance: i.purpose, amountCents: i.amountCents })),
      generatedAt: nowIso(),
    },
    letterhead,
  );
  return { xml, sha, pdf, count: file.nbOfTxs, sumCents: file.ctrlSumCents };
}

/** Return a run's items to "ordered" (inside the caller's transaction). */
async function returnItems(m: EntityManager, run: PaymentRun, actor: PersonUser | "system", why: string): Promise<number> {
  const items = await m.getRepository(PaymentItem).find({ where: { paymentRunId: run.id, status: "in_run" } });
  let n = 0;
  for (const item of items) {
    const moved = await tryTransition(m, PAYMENT_ITEMS, {
      entity: item,
      event: "return_from_run",
      facts: await itemFacts(m, item, actor),
      actor,
      set: { paymentRunId: null },
      audit: { summary: `Zahlung ${item.reference} aus Zahllauf ${run.reference} zurückgegeben (${why})`, details: { run: run.reference } },
    });
    if (moved) n++;
  }
  return n;
}

async function abandonRun(runId: number, actor: "system", why: string): Promise<boolean> {
  return tx(async (m) => {
    const run = await m.getRepository(PaymentRun).findOne({ where: { id: runId } });
    if (!run || run.status !== "building") return false;
    const returned = await returnItems(m, run, actor, "Zahllauf verworfen");
    const moved = await tryTransition(m, PAYMENT_RUNS, {
      entity: run,
      event: "abandon",
      facts: { state: "building" },
      actor,
      set: { cancelledAt: nowIso(), cancelReason: why.slice(0, 500) },
      audit: { summary: `Halb erstellter Zahllauf ${run.reference} verworfen, ${returned} Zahlung(en) wieder angeordnet: ${why}`.slice(0, 1000), details: { returned } },
    });
    return Boolean(moved);
  });
}

/**
 * Runs left in "building" (the process stopped between writing the run and storing its file)
 * are abandoned and their items return to "ordered". Called at start-up and by the daily job;
 * `olderThanMinutes` spares runs another process may still be building.
 */
export async function recoverAbandonedRuns(options: { olderThanMinutes?: number } = {}): Promise<number> {
  const m = await em();
  const before = new Date(Date.parse(nowIso()) - (options.olderThanMinutes ?? 0) * 60_000).toISOString();
  const runs = await m.getRepository(PaymentRun).createQueryBuilder("r").where("r.status = :s", { s: "building" }).andWhere("r.createdAt <= :b", { b: before }).getMany();
  let n = 0;
  for (const run of runs) if (await abandonRun(run.id, "system", "Der Zahllauf wurde beim Erstellen unterbrochen (Neustart).")) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Cancel, sent

export async function cancelRun(user: PersonUser, id: number, rawReason: unknown): Promise<{ returned: number }> {
  requireCan(user, "run:payment:any");
  const reason = String(rawReason ?? "").trim();
  if (reason.length < 10) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", { reason: "Bitte begründen Sie die Stornierung (mindestens 10 Zeichen)." });
  return tx(async (m) => {
    const run = await m.getRepository(PaymentRun).findOne({ where: { id } });
    if (!run) throw new NotFoundError("Der Zahllauf wurde nicht gefunden.");
    const paid = await m.getRepository(PaymentItem).count({ where: { paymentRunId: run.id, status: "paid" } });
    if (paid && run.status === "created") throw new RuleError(`Der Zahllauf kann nicht storniert werden: ${paid} seiner Zahlungen sind bereits als ausgezahlt gebucht.`);
    await transition(m, PAYMENT_RUNS, {
      entity: run,
      event: "cancel",
      facts: { state: run.status as PaymentRunState, reason },
      actor: user,
      set: { cancelledAt: nowIso(), cancelledById: user.id, cancelReason: reason.slice(0, 500) },
      audit: { summary: `Zahllauf ${run.reference} storniert: ${reason}`, details: { reason } },
    });
    const returned = await returnItems(m, run, user, `Zahllauf storniert: ${reason}`);
    return { returned };
  });
}

export async function markSent(user: PersonUser, id: number): Promise<void> {
  requireCan(user, "run:payment:any");
  await tx(async (m) => {
    const run = await m.getRepository(PaymentRun).findOne({ where: { id } });
    if (!run) throw new NotFoundError("Der Zahllauf wurde nicht gefunden.");
    const own = await m.getRepository(PaymentItem).count({ where: { paymentRunId: run.id, orderById: user.id } });
    if (own) throw new RuleError(`${own === 1 ? "Eine Zahlung" : `${own} Zahlungen`} dieses Zahllaufs haben Sie angeordnet; die Datei übermittelt eine andere Person (die Kasse führt aus und ordnet nicht an).`);
    await transition(m, PAYMENT_RUNS, { entity: run, event: "send", facts: { state: run.status as PaymentRunState }, actor: user, set: { sentAt: nowIso(), sentById: user.id }, audit: { summary: `Zahllauf ${run.reference} an die Bank übermittelt (Datei SHA-256 ${run.fileSha256.slice(0, 16)}…)` } });
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function listRuns(user: CurrentUser) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const runs = await m.getRepository(PaymentRun).find({ order: { createdAt: "DESC", id: "DESC" }, take: 200 });
  const users = new Map((await m.getRepository(User).find({ where: { id: In([0, ...runs.map((r) => r.createdById)]) } })).map((u) => [u.id, u.name]));
  return runs.map((r) => ({ id: r.id, reference: r.reference, status: r.status, statusLabel: PAYMENT_RUN_STATE_LABELS[r.status as PaymentRunState] ?? r.status, itemCount: r.itemCount, ctrlSumCents: r.ctrlSumCents, executionDate: r.executionDate, dueUntil: r.dueUntil, createdAt: r.createdAt, createdBy: users.get(r.createdById) ?? "" }));
}

/** Defaults for the create form: due up to today + warning days, execution on the next bank day. */
export async function runDefaults() {
  const s = await getSettings(await em());
  const day = today();
  return { dueUntil: addDays(day, s["finance.dueWarningDays"]), executionDate: nextBankDay(day) };
}

export async function getRun(user: CurrentUser, id: number) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const run = await m.getRepository(PaymentRun).findOne({ where: { id } });
  if (!run) throw new NotFoundError("Der Zahllauf wurde nicht gefunden.");
  const rows = await m.getRepository(PaymentRunItem).find({ where: { paymentRunId: run.id }, order: { id: "ASC" } });
  const items = new Map((await m.getRepository(PaymentItem).find({ where: { id: In([0, ...rows.map((r) => r.paymentItemId)]) } })).map((i) => [i.id, i]));
  const users = new Map((await m.getRepository(User).find({ where: { id: In([0, run.createdById, run.sentById ?? 0, run.cancelledById ?? 0]) } })).map((u) => [u.id, u.name]));
  const docs = new Map((await m.getRepository(Document).find({ where: { id: In([0, run.fileDocumentId ?? 0, run.listDocumentId ?? 0]) } })).map((d) => [d.id, d]));
  const perms = ROLE_PERMISSIONS[user.role];
  return {
    run: {
      ...run,
      statusLabel: PAYMENT_RUN_STATE_LABELS[run.status as PaymentRunState] ?? run.status,
      createdBy: users.get(run.createdById) ?? "",
      sentBy: run.sentById ? (users.get(run.sentById) ?? "") : null,
      cancelledBy: run.cancelledById ? (users.get(run.cancelledById) ?? "") : null,
    },
    file: run.fileDocumentId && docs.get(run.fileDocumentId) ? { id: run.fileDocumentId, filename: docs.get(run.fileDocumentId)!.filename, size: docs.get(run.fileDocumentId)!.size } : null,
    list: run.listDocumentId ? { id: run.listDocumentId } : null,
    items: rows.map((r) => {
      const i = items.get(r.paymentItemId);
      return {
        id: r.paymentItemId,
        reference: i?.reference ?? `#${r.paymentItemId}`,
        payeeName: i?.payeeName ?? "",
        iban: formatIban(i?.iban ?? ""),
        purpose: i?.purpose ?? "",
        endToEndId: r.endToEndId,
        amountCents: r.amountCents,
        status: i?.status ?? "",
        statusLabel: PAYMENT_ITEM_STATE_LABELS[(i?.status ?? "") as PaymentItemState] ?? "",
        paidOn: i?.paidOn ?? null,
        stillInRun: i?.paymentRunId === run.id,
      };
    }),
    canCancel: run.status === "created" && perms.includes("run:payment:any"),
    canSend: run.status === "created" && perms.includes("run:payment:any"),
  };
}

/** The stored pain.001 file as written, checked against the hash recorded on the run. */
export async function runFileResponse(user: CurrentUser, id: number): Promise<Response> {
  requireCan(user, "read:payable:any");
  const m = await em();
  const run = await m.getRepository(PaymentRun).findOne({ where: { id } });
  if (!run || !run.fileDocumentId) throw new NotFoundError("Der Zahllauf hat keine Datei.");
  const doc = await m.getRepository(Document).findOneOrFail({ where: { id: run.fileDocumentId } });
  const bytes = await readBytes(doc.sha256);
  if (sha256Hex(bytes) !== run.fileSha256) throw new Error(`Die gespeicherte Datei des Zahllaufs ${run.reference} stimmt nicht mit ihrem Hashwert überein.`);
  const { contentDisposition } = await import("~/lib/documents.server");
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "Content-Type": "application/xml; charset=utf-8",
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": contentDisposition(doc.filename, "attachment"),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
      ETag: `"${run.fileSha256}"`,
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Verification of Payee: the work list

const VOP_OPEN: PaymentItemState[] = ["awaiting_factual", "awaiting_arithmetic", "awaiting_order", "ordered", "on_hold"];

export async function vopWork(user: CurrentUser) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const items = await m.getRepository(PaymentItem).createQueryBuilder("x").where("x.status IN (:...s)", { s: VOP_OPEN }).andWhere("(x.vopResult IS NULL OR x.vopResult IN (:...r))", { r: ["close_match", "no_match"] }).orderBy("x.iban", "ASC").addOrderBy("x.dueOn", "ASC").take(1000).getMany();
  const groups = new Map<string, { iban: string; ibanFormatted: string; payeeNames: string[]; items: { id: number; reference: string; payeeName: string; amountCents: number; dueOn: string; status: string; statusLabel: string; vopResult: string | null; vopLabel: string | null; vopMessage: string | null }[] }>();
  for (const i of items) {
    const g = groups.get(i.iban) ?? { iban: i.iban, ibanFormatted: formatIban(i.iban), payeeNames: [], items: [] };
    if (!g.payeeNames.includes(i.payeeName)) g.payeeNames.push(i.payeeName);
    const r = i.vopResult as VopResult | null;
    g.items.push({ id: i.id, reference: i.reference, payeeName: i.payeeName, amountCents: i.amountCents, dueOn: i.dueOn, status: i.status, statusLabel: PAYMENT_ITEM_STATE_LABELS[i.status as PaymentItemState] ?? i.status, vopResult: r, vopLabel: r ? VOP_LABELS[r] : null, vopMessage: r ? (vopBlocks(r) ?? vopWarning(r, i.vopSuggestedName || null)) : null });
    groups.set(i.iban, g);
  }
  return { groups: [...groups.values()], count: items.length };
}

// ---------------------------------------------------------------------------------------------
// Bank statements

export const STATEMENT_MAX_BYTES = 10 * 1024 * 1024;

export interface StatementImportResult {
  id: number;
  kind: string;
  entries: number;
  booked: { line: number; reference: string; amountCents: number }[];
  mismatched: { line: number; reference: string; reason: string }[];
  unmatched: number;
}

export async function importBankStatement(user: PersonUser, upload: { filename: string; bytes: Uint8Array; contentType?: string }): Promise<StatementImportResult> {
  requireCan(user, "book:payment:any");
  if (!upload.bytes.byteLength) throw new ValidationError("Bitte wählen Sie eine Datei.", { file: "Bitte wählen Sie die Datei des Kontoauszugs (camt.053 oder camt.054, XML)." });
  if (upload.bytes.byteLength > STATEMENT_MAX_BYTES) throw new ValidationError("Die Datei ist zu groß.", { file: `Die Datei ist zu groß (höchstens ${STATEMENT_MAX_BYTES / 1024 / 1024} MB).` });
  const name = upload.filename.toLowerCase();
  if (!name.endsWith(".xml") && !name.endsWith(".camt")) throw new ValidationError("Falscher Dateityp.", { file: "Bitte laden Sie eine XML-Datei (camt.053 oder camt.054) hoch." });
  const sha256 = sha256Hex(upload.bytes);
  const m0 = await em();
  const seen = await m0.getRepository(BankStatement).findOne({ where: { sha256 } });
  if (seen) throw new ConflictError(`Diese Datei wurde bereits am ${formatDate(seen.importedAt.slice(0, 10))} eingelesen (Kontoauszug #${seen.id}).`);
  // Parsing and hashing outside the transaction.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(upload.bytes);
  } catch {
    throw new ValidationError("Die Datei ist nicht UTF-8-kodiert.", { file: "Die Datei ist kein lesbarer Kontoauszug (keine UTF-8-Kodierung)." });
  }
  let parsed;
  try {
    parsed = parseBankStatement(text, { maxBytes: Math.min(STATEMENT_MAX_BYTES, CAMT_DEFAULT_MAX_BYTES) });
  } catch (error) {
    if (error instanceof BankStatementError) throw new ValidationError(error.message, { file: error.message });
    throw error;
  }
  // Only statements of the authority's payment account book its payments.
  const own = validateIban((await getSettings(m0))["finance.debtorIban"]);
  if (parsed.account?.iban && own.ok && parsed.account.iban.replace(/\s/g, "").toUpperCase() !== own.iban) {
    const msg = `Der Kontoauszug gehört zum Konto ${formatIban(parsed.account.iban)}, nicht zum Auszahlungskonto ${formatIban(own.iban)} (Einstellungen).`;
    throw new ValidationError(msg, { file: msg });
  }
  const entries: BankEntry[] = parsed.statements.flatMap((s) => s.entries);
  const result: StatementImportResult = { id: 0, kind: parsed.kind, entries: entries.length, booked: [], mismatched: [], unmatched: 0 };
  const stored = await storeBytes(upload.bytes);
  try {
    await tx(async (m) => {
      const { storeDocument } = await import("~/lib/documents.server");
      const doc = await storeDocument(m, { stored, origin: "upload", title: `Kontoauszug ${parsed.kind} ${parsed.messageId}`.slice(0, 200), filename: upload.filename, contentType: "application/xml", bytes: upload.bytes, entityType: "bank-statement", providerId: null, createdById: user.id });
      const at = nowIso();
      const statement = await m.getRepository(BankStatement).save(m.getRepository(BankStatement).create({ kind: parsed.kind, documentId: doc.id, sha256, messageId: parsed.messageId.slice(0, 100), entryCount: entries.length, matchedCount: 0, importedById: user.id, importedAt: at }));
      await m.getRepository(Document).update({ id: doc.id }, { entityId: String(statement.id) });
      result.id = statement.id;
      const e2e = entries.map((e) => e.endToEndId).filter((x): x is string => Boolean(x));
      const items = new Map((await m.getRepository(PaymentItem).find({ where: { endToEndId: In(["", ...e2e]) } })).map((i) => [i.endToEndId, i]));
      let matched = 0;
      for (const [n, e] of entries.entries()) {
        const line = await m.getRepository(BankStatementLine).save(
          m.getRepository(BankStatementLine).create({
            statementId: statement.id,
            entryRef: e.entryRef?.slice(0, 100) ?? null,
            endToEndId: e.endToEndId?.slice(0, 35) ?? null,
            amountCents: e.amountCents,
            creditDebit: e.creditDebit,
            bookingDate: e.bookingDate,
            counterpartyName: (e.counterpartyName ?? "").slice(0, 200),
            counterpartyIban: (e.counterpartyIban ?? "").slice(0, 34),
            remittance: (e.remittance ?? "").slice(0, 500),
            paymentItemId: null,
            status: "unmatched",
            note: "",
            bookedById: null,
            bookedAt: null,
          }),
        );
        const item = e.endToEndId ? items.get(e.endToEndId) : undefined;
        const set = (status: string, note: string, paymentItemId: number | null = null) => m.getRepository(BankStatementLine).update({ id: line.id }, { status, note: note.slice(0, 500), paymentItemId });
        if (e.creditDebit !== "DBIT") {
          await set("unmatched", "Gutschrift (kein Zahlungsausgang) – bitte prüfen, z. B. Rücküberweisung.");
          result.unmatched++;
        } else if (e.status !== "BOOK") {
          await set("ignored", `Nicht gebucht (Status ${e.status}); wird mit dem Kontoauszug gebucht.`);
        } else if (!item) {
          await set("unmatched", e.endToEndId ? `Keine Zahlung mit der End-to-End-ID ${e.endToEndId}.` : "Ohne End-to-End-ID.");
          result.unmatched++;
        } else if (item.status === "paid") {
          await set("ignored", `Zahlung ${item.reference} ist bereits als ausgezahlt gebucht (am ${formatDate(item.paidOn)}).`, item.id);
        } else if (item.status !== "in_run" && item.status !== "ordered") {
          await set("unmatched", `Zahlung ${item.reference} ist „${PAYMENT_ITEM_STATE_LABELS[item.status as PaymentItemState] ?? item.status}“ und kann nicht gebucht werden.`, item.id);
          result.unmatched++;
          result.mismatched.push({ line: n + 1, reference: item.reference, reason: `Status „${PAYMENT_ITEM_STATE_LABELS[item.status as PaymentItemState] ?? item.status}“` });
        } else if (item.amountCents !== e.amountCents) {
          const reason = `Betrag weicht ab: Zahlung ${item.reference} über ${formatCents(item.amountCents)}, Kontoauszug ${formatCents(e.amountCents)}. Nicht gebucht.`;
          await set("unmatched", reason, null);
          result.unmatched++;
          result.mismatched.push({ line: n + 1, reference: item.reference, reason });
        } else {
          await bookItem(m, user, item, { paidOn: e.bookingDate ?? today(), bankLineId: line.id });
          await set("matched", `Zahlung ${item.reference} gebucht.`, item.id);
          matched++;
          result.booked.push({ line: n + 1, reference: item.reference, amountCents: item.amountCents });
        }
      }
      await m.getRepository(BankStatement).update({ id: statement.id }, { matchedCount: matched });
      await appendAudit(m, actorOf(user), {
        action: "bank-statement.import",
        summary: `Kontoauszug (${parsed.kind}) ${parsed.messageId} eingelesen: ${entries.length} Umsätze, ${matched} Zahlungen gebucht, ${result.unmatched} offen`,
        entityType: "bank-statement",
        entityId: String(statement.id),
        details: { sha256, kind: parsed.kind, entries: entries.length, matched, unmatched: result.unmatched },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("Diese Datei wurde bereits eingelesen.");
    throw error;
  }
  return result;
}

export async function listStatements(user: CurrentUser) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const rows = await m.getRepository(BankStatement).find({ order: { importedAt: "DESC", id: "DESC" }, take: 200 });
  const open = await m.getRepository(BankStatementLine).createQueryBuilder("l").select("l.statementId", "id").addSelect("COUNT(*)", "n").where("l.status = :s", { s: "unmatched" }).groupBy("l.statementId").getRawMany<{ id: number; n: string }>();
  const openBy = new Map(open.map((o) => [Number(o.id), Number(o.n)]));
  const users = new Map((await m.getRepository(User).find({ where: { id: In([0, ...rows.map((r) => r.importedById)]) } })).map((u) => [u.id, u.name]));
  return rows.map((r) => ({ id: r.id, kind: r.kind, messageId: r.messageId, entryCount: r.entryCount, matchedCount: r.matchedCount, openCount: openBy.get(r.id) ?? 0, importedAt: r.importedAt, importedBy: users.get(r.importedById) ?? "", documentId: r.documentId }));
}

const LINE_STATUS_LABELS: Record<string, string> = { matched: "automatisch gebucht", unmatched: "offen", booked: "von Hand gebucht", ignored: "ohne Buchung erledigt" };

export async function getStatement(user: CurrentUser, id: number) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const s = await m.getRepository(BankStatement).findOne({ where: { id } });
  if (!s) throw new NotFoundError("Der Kontoauszug wurde nicht gefunden.");
  const lines = await m.getRepository(BankStatementLine).find({ where: { statementId: id }, order: { id: "ASC" } });
  const items = new Map((await m.getRepository(PaymentItem).find({ where: { id: In([0, ...lines.map((l) => l.paymentItemId ?? 0)]) } })).map((i) => [i.id, i]));
  // For an open line with a known end-to-end id (an amount that differs): the item, to suggest.
  const byE2e = new Map((await m.getRepository(PaymentItem).find({ where: { endToEndId: In(["", ...lines.filter((l) => l.status === "unmatched" && l.endToEndId).map((l) => l.endToEndId!)]) } })).map((i) => [i.endToEndId, i.reference]));
  return {
    statement: s,
    lines: lines.map((l) => ({ ...l, suggestedReference: l.status === "unmatched" && l.endToEndId ? (byE2e.get(l.endToEndId) ?? "") : "", statusLabel: LINE_STATUS_LABELS[l.status] ?? l.status, item: l.paymentItemId && items.get(l.paymentItemId) ? { id: l.paymentItemId, reference: items.get(l.paymentItemId)!.reference } : null, counterpartyIbanFormatted: formatIban(l.counterpartyIban) })),
    canBook: ROLE_PERMISSIONS[user.role].includes("book:payment:any"),
  };
}

/** Book an open DBIT line to an item chosen by its reference, with a reason. */
export async function bookStatementLine(user: PersonUser, lineId: number, raw: { reference?: unknown; reason?: unknown }): Promise<string> {
  requireCan(user, "book:payment:any");
  const reference = String(raw.reference ?? "").trim().toUpperCase();
  const reason = String(raw.reason ?? "").trim();
  const errors: Record<string, string> = {};
  if (!reference) errors.reference = "Bitte geben Sie die Nummer der Zahlung an (z. B. ZA-2026-000123).";
  if (reason.length < 10) errors.reason = "Bitte begründen Sie die Zuordnung (mindestens 10 Zeichen).";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  return tx(async (m) => {
    const line = await m.getRepository(BankStatementLine).findOne({ where: { id: lineId } });
    if (!line) throw new NotFoundError("Der Umsatz wurde nicht gefunden.");
    if (line.status !== "unmatched") throw new ConflictError("Dieser Umsatz ist bereits erledigt.");
    if (line.creditDebit !== "DBIT") throw new RuleError("Eine Gutschrift kann keiner Auszahlung zugeordnet werden; bitte als erledigt markieren.");
    const item = await m.getRepository(PaymentItem).findOne({ where: { reference } });
    if (!item) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", { reference: `Keine Zahlung mit der Nummer ${reference}.` });
    if (item.status !== "in_run" && item.status !== "ordered") throw new RuleError(`Zahlung ${item.reference} ist „${PAYMENT_ITEM_STATE_LABELS[item.status as PaymentItemState] ?? item.status}“ und kann nicht gebucht werden.`);
    // A bank movement is evidence for one payment only: the one its end-to-end id names, or, without
    // a known id, one of the same amount to the same account. Anything else is not this payment.
    const named = line.endToEndId ? await m.getRepository(PaymentItem).findOne({ where: { endToEndId: line.endToEndId } }) : null;
    if (named && named.id !== item.id)
      throw new RuleError(`Der Umsatz trägt die End-to-End-ID ${line.endToEndId} der Zahlung ${named.reference}${named.status === "paid" ? ", die bereits als ausgezahlt gebucht ist" : ""}; er kann keiner anderen Zahlung zugeordnet werden. Bitte als erledigt markieren.`);
    if (!named) {
      if (item.amountCents !== line.amountCents) throw new RuleError(`Der Umsatz über ${formatCents(line.amountCents)} passt nicht zur Zahlung ${item.reference} über ${formatCents(item.amountCents)}.`);
      if (line.counterpartyIban && normalizeIban(line.counterpartyIban) !== item.iban) throw new RuleError(`Der Umsatz ging an die IBAN ${formatIban(line.counterpartyIban)}, die Zahlung ${item.reference} an ${formatIban(item.iban)}.`);
    }
    const note = `Von Hand zugeordnet: ${reason}${item.amountCents !== line.amountCents ? ` (Betrag der Zahlung ${formatCents(item.amountCents)}, Umsatz ${formatCents(line.amountCents)}, Differenz ${formatCents(line.amountCents - item.amountCents)})` : ""}`;
    // The note (with any difference to the bank's amount) stays on the payment too, not only on the line.
    await bookItem(m, user, item, { paidOn: line.bookingDate ?? today(), bankLineId: line.id, reason: note });
    const upd = await m.getRepository(BankStatementLine).update({ id: line.id, status: "unmatched" }, { status: "booked", paymentItemId: item.id, note: note.slice(0, 500), bookedById: user.id, bookedAt: nowIso() });
    if (!upd.affected) throw new ConflictError("Der Umsatz wurde inzwischen bearbeitet; bitte laden Sie die Seite neu.");
    await appendAudit(m, actorOf(user), { action: "bank-statement.book-line", summary: `Umsatz ${formatCents(line.amountCents)} (${line.counterpartyName || "ohne Namen"}) der Zahlung ${item.reference} zugeordnet: ${reason}`, entityType: "bank-statement", entityId: String(line.statementId), details: { lineId: line.id, item: item.reference, reason } });
    return item.reference;
  });
}

export async function ignoreStatementLine(user: PersonUser, lineId: number, rawReason: unknown): Promise<void> {
  requireCan(user, "book:payment:any");
  const reason = String(rawReason ?? "").trim();
  if (reason.length < 10) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", { reason: "Bitte begründen Sie, warum der Umsatz keiner Zahlung zugeordnet wird (mindestens 10 Zeichen)." });
  await tx(async (m) => {
    const line = await m.getRepository(BankStatementLine).findOne({ where: { id: lineId } });
    if (!line) throw new NotFoundError("Der Umsatz wurde nicht gefunden.");
    const upd = await m.getRepository(BankStatementLine).update({ id: line.id, status: "unmatched" }, { status: "ignored", note: `Erledigt ohne Buchung: ${reason}`.slice(0, 500), bookedById: user.id, bookedAt: nowIso() });
    if (!upd.affected) throw new ConflictError("Dieser Umsatz ist bereits erledigt.");
    await appendAudit(m, actorOf(user), { action: "bank-statement.ignore-line", summary: `Umsatz ${formatCents(line.amountCents)} (${line.counterpartyName || "ohne Namen"}) ohne Buchung erledigt: ${reason}`, entityType: "bank-statement", entityId: String(line.statementId), details: { lineId: line.id, reason } });
  });
}

