/**
 * Invoice intake (Rechnungseingang, issue 10 points 4–9): e-invoices from the portal and the API
 * (XRechnung UBL/CII, ZUGFeRD PDF) and paper/PDF invoices registered by staff. Every received
 * file is stored byte for byte with its SHA-256; an invoice that fails a check is stored as
 * "rejected" with all findings (the provider sees why); an accepted one is matched to its
 * contract and becomes a payment item waiting for the factual check.
 *
 * CPU work (hashing, reading and checking the XML, rendering the view PDF) happens outside the
 * transaction; the transaction only stores (DESIGN § 7).
 */
import { storeBytes } from "~/lib/files.server";
import { In, type EntityManager } from "typeorm";
import { BankAccount, BudgetLine, Contract, Document, Invoice, PaymentItem, PlacePurchase, Provider, User } from "../../entities";
import type { SettingValues } from "~/domain/settings";
import type { BusinessTerms } from "~/domain/einvoice";
import { ForbiddenError, NotFoundError, RuleError, ValidationError } from "~/domain/errors";
import { allowedForPeriod, contractValueCents, dueDate, dueLabel, dueState, paymentTermProblem } from "~/domain/finance";
import { formatIban, normalizeIban, validateIban } from "~/domain/iban";
import {
  duplicateFinding,
  duplicateKey,
  INVOICE_CHANNEL_LABELS,
  INVOICE_FORM_LABELS,
  INVOICE_STATUS_LABELS,
  invoiceDeviation,
  leitwegFinding,
  matchContract,
  providerInvoiceState,
  sellerFinding,
  sepaPurpose,
  type IntakeFinding,
  type InvoiceStatus,
} from "~/domain/invoices";
import { completeQuery, type ListQuery } from "~/domain/list";
import { INVOICE_LIST } from "~/domain/list-specs";
import { formatCents, parseEuroToCents } from "~/domain/money";
import { OPEN_STATES, PAYMENT_ITEM_STATE_LABELS, type PaymentItemState } from "~/domain/payment-item.machine";
import { can } from "~/domain/permissions";
import { toCsv } from "~/domain/csv";
import { addDays, formatDate, parseDate } from "~/domain/time";
import { appendAudit } from "~/lib/audit.server";
import { nowIso, today } from "~/lib/clock.server";
import { em, isUniqueViolation, tx } from "~/lib/db.server";
import { documentResponse, storeDocument } from "~/lib/documents.server";
import { isPdf, readInvoiceFile, type InvoiceFileResult } from "~/lib/einvoice.server";
import { paginate, providersWithRows } from "~/lib/list.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { commitmentFor } from "./budget.server";
import { recordEvent } from "./events.server";
import { createPaymentItem } from "./payment-items.server";
import { assessPurchaseInvoice, markBillsInvoiced, purchaseForInvoice, purchaseInvoiceFindings } from "./place-billing.server";
import { nextReference, requireCan } from "./placement-common.server";

export interface InvoiceFile {
  bytes: Uint8Array;
  filename: string;
}

export interface IntakeResult {
  id: number;
  reference: string;
  status: InvoiceStatus;
  statusLabel: string;
  findings: IntakeFinding[];
  /** The earlier accepted invoice when this one is a duplicate. */
  duplicateOf: { id: number; reference: string } | null;
  paymentItemId: number | null;
}

const ONLY_XML_OR_PDF = "Bitte laden Sie eine E-Rechnung hoch: eine XRechnung als XML-Datei (UBL oder CII) oder eine ZUGFeRD-/Factur-X-PDF-Datei.";

/** XML text: the first non-blank character (after a BOM) is "<". */
/** UTF-16 text (a byte order mark, or "<" followed by a zero byte): XML, but not in the encoding XRechnung requires. */
function isUtf16(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  return (bytes[0] === 0x3c && bytes[1] === 0x00) || (bytes[0] === 0x00 && bytes[1] === 0x3c);
}

function looksLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 4096 && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[i])) i++;
  return bytes[i] === 0x3c;
}

/** Size and type of an upload: at most the upload limit (setting uploads.maxMegabytes), XML or PDF only. */
export function checkInvoiceUpload(file: InvoiceFile | null, maxMegabytes: number, field = "file"): InvoiceFile {
  if (!file || !file.bytes.length) throw new ValidationError("Bitte wählen Sie die Rechnungsdatei.", { [field]: "Bitte eine Datei wählen." });
  if (file.bytes.length > maxMegabytes * 1048576) {
    throw new ValidationError(`Die Datei „${file.filename}“ ist größer als ${maxMegabytes} MB und wurde nicht angenommen.`, { [field]: `Höchstens ${maxMegabytes} MB.` });
  }
  if (isUtf16(file.bytes))
    throw new ValidationError(`Die Datei „${file.filename}“ ist in UTF-16 kodiert; XRechnung verlangt UTF-8. Bitte speichern Sie die Rechnung als UTF-8 und senden Sie sie erneut.`, { [field]: "Die Datei muss UTF-8-kodiert sein." });
  if (!isPdf(file.bytes) && !looksLikeXml(file.bytes)) throw new ValidationError(`Die Datei „${file.filename}“ ist weder XML noch PDF. ${ONLY_XML_OR_PDF}`, { [field]: ONLY_XML_OR_PDF });
  return file;
}

function termsOf(read: InvoiceFileResult): BusinessTerms | null {
  return read.terms;
}

/** The data an intake needs from the database, read before the transaction. */
async function intakeContext(m: EntityManager, providerId: number) {
  const provider = await m.getRepository(Provider).findOne({ where: { id: providerId } });
  if (!provider) throw new NotFoundError("Der Träger wurde nicht gefunden.");
  const [contracts, bank, settings] = await Promise.all([
    m.getRepository(Contract).find({ where: { providerId }, order: { id: "ASC" } }),
    m.getRepository(BankAccount).findOne({ where: { providerId, current: true } }),
    getSettings(m),
  ]);
  return { provider, contracts, bank, settings };
}

/** What the contract allows and the deviation note, for an invoice amount and period. */
async function assess(m: EntityManager, input: { contract: Contract | null; amountCents: number; periodStart: string | null; periodEnd: string | null; invoiceIban: string | null; masterIban: string | null; excludeInvoiceId?: number }) {
  const c = input.contract;
  let allowed: number | null = null;
  let before = 0;
  if (c) {
    if (c.priceUnit === "place_month") allowed = input.periodStart && input.periodEnd ? allowedForPeriod(c, input.periodStart, input.periodEnd) : null;
    else allowed = contractValueCents(c);
    {
      // What was invoiced before on the contract: no invoice may take more than its whole value.
      const qb = m
        .getRepository(Invoice)
        .createQueryBuilder("i")
        .select("COALESCE(SUM(i.grossCents), 0)", "sum")
        .where("i.contractId = :c AND i.status IN (:...s)", { c: c.id, s: ["accepted", "paid"] });
      if (input.excludeInvoiceId) qb.andWhere("i.id <> :id", { id: input.excludeInvoiceId });
      before = Number((await qb.getRawOne<{ sum: string }>())?.sum ?? 0);
    }
  }
  const deviation = invoiceDeviation({ amountCents: input.amountCents, contract: c, periodStart: input.periodStart, periodEnd: input.periodEnd, allowedCents: allowed, invoicedBeforeCents: before, contractTotalCents: c ? contractValueCents(c) : null, invoiceIban: input.invoiceIban, masterIban: input.masterIban });
  return { expectedCents: allowed, deviation };
}

function termDaysFor(contract: Contract | null, settingDays: number): number {
  const days = contract?.paymentTermDays ?? settingDays;
  const problem = paymentTermProblem(days);
  if (problem) throw new RuleError(problem);
  return days;
}

interface IntakeInput {
  providerId: number;
  channel: "portal" | "api" | "manual";
  file: InvoiceFile;
  read: InvoiceFileResult;
  submittedById: number | null;
  registeredById: number | null;
  contractId?: number | null;
}

/** Store an e-invoice (accepted or rejected) with its file, payment item, audit entry and event. */
async function storeEInvoice(actor: CurrentUser, input: IntakeInput, attempt = 1): Promise<IntakeResult> {
  const { file, read } = input;
  const t = termsOf(read);
  // Hash and write the file before the transaction (DESIGN.md § 7); the row points to it inside.
  const stored = await storeBytes(file.bytes);
  const sha256 = stored.sha256;
  const m0 = await em();
  const ctx = await intakeContext(m0, input.providerId);
  const findings: IntakeFinding[] = read.findings.map((f) => ({ rule: f.rule, message: f.message, ...(f.term ? { term: f.term } : {}) }));
  if (t) {
    const leitweg = leitwegFinding(t.buyerReference, ctx.settings["finance.leitwegId"]);
    if (leitweg) findings.push(leitweg);
    const seller = sellerFinding({ name: t.sellerName, vatId: t.sellerVatId }, ctx.provider);
    if (seller) findings.push(seller);
  }
  const contract = input.contractId ? (ctx.contracts.find((c) => c.id === input.contractId) ?? null) : matchContract(ctx.contracts, t?.contractReference ?? null, t?.orderReference ?? null);
  // Places (issue 11): no contract, but the purchase reference "EP-…" in BT-13/BT-12.
  const purchase = contract ? null : await purchaseForInvoice(m0, input.providerId, t);
  const settingDays = ctx.settings["finance.paymentTermDays"];
  const termDays = termDaysFor(contract, settingDays);
  const invoiceIban = t?.ibans[0] ? normalizeIban(t.ibans[0]) : null;
  const contentType = isPdf(file.bytes) ? "application/pdf" : "application/xml";

  // PostgreSQL: two processes taking the same invoice (or the same next reference) at once meet
  // at a unique index; the second try then sees the first and stores a DUPLIKAT refusal.
  const again = (error: unknown): Promise<IntakeResult> => {
    if (attempt < 3 && isUniqueViolation(error)) return storeEInvoice(actor, input, attempt + 1);
    throw error;
  };
  return tx(async (m) => {
    const at = nowIso();
    const receivedOn = today();
    const reference = await nextReference(m, Invoice, "RE", at.slice(0, 4), 6);
    const key = t?.number ? duplicateKey(input.providerId, t.number) : null;
    const earlier = key ? await m.getRepository(Invoice).findOne({ where: { duplicateKey: key } }) : null;
    if (earlier && t?.number) findings.push(duplicateFinding(earlier.reference, t.number, earlier.receivedOn));
    // Places: an own e-invoice for a period already billed, a place never started or after the exit is refused.
    if (purchase) findings.push(...(await purchaseInvoiceFindings(m, purchase, { periodStart: t?.periodStart ?? null, periodEnd: t?.periodEnd ?? null })));
    // A wrong IBAN (BR-DE-19) does not refuse the invoice: it is taken in and its payment item
    // cannot be signed or paid until the IBAN is corrected (issue 10, point 7). Every other finding refuses.
    const status: InvoiceStatus = findings.some((f) => !PAYABLE_AFTER_CORRECTION.has(f.rule)) ? "rejected" : "accepted";
    const dueOn = dueDate(receivedOn, termDays);
    const amountCents = t?.dueAmountCents ?? 0;
    let { expectedCents, deviation } = status === "accepted" ? await assess(m, { contract, amountCents: t?.grossTotalCents ?? amountCents, periodStart: t?.periodStart ?? null, periodEnd: t?.periodEnd ?? null, invoiceIban, masterIban: ctx.bank?.iban ?? null }) : { expectedCents: null, deviation: "" };
    const placeMatch = status === "accepted" && purchase ? await assessPurchaseInvoice(m, purchase, { amountCents: t?.grossTotalCents ?? amountCents, periodStart: t?.periodStart ?? null, periodEnd: t?.periodEnd ?? null }) : null;
    if (placeMatch) {
      expectedCents = placeMatch.expectedCents;
      deviation = [placeMatch.deviation, deviation.replace(/^Kein Vertrag gefunden:.*?wählen\.\s*/, "")].filter(Boolean).join(" ").slice(0, 1000);
    }
    const doc = await storeDocument(m, {
      origin: "upload",
      title: `Rechnung ${t?.number ?? file.filename} (Original)`,
      filename: file.filename || (contentType === "application/pdf" ? "rechnung.pdf" : "rechnung.xml"),
      contentType,
      bytes: file.bytes,
      stored,
      entityType: "invoice",
      providerId: input.providerId,
      createdById: actor.id,
    });
    const repo = m.getRepository(Invoice);
    const invoice = await repo.save(
      repo.create({
        reference,
        providerId: input.providerId,
        channel: input.channel,
        form: read.form ?? (contentType === "application/pdf" ? "zugferd" : "ubl"),
        documentId: doc.id,
        sha256,
        duplicateKey: status === "accepted" ? key : null,
        number: (t?.number ?? "").slice(0, 200),
        issueDate: t?.issueDate ?? null,
        typeCode: (t?.typeCode ?? "").slice(0, 10),
        currency: (t?.currency ?? "EUR").slice(0, 3),
        buyerReference: (t?.buyerReference ?? "").slice(0, 200),
        contractReference: (t?.contractReference ?? "").slice(0, 200),
        orderReference: (t?.orderReference ?? "").slice(0, 200),
        sellerName: (t?.sellerName ?? "").slice(0, 200),
        iban: (invoiceIban ?? "").slice(0, 34),
        netCents: t?.netTotalCents ?? 0,
        vatCents: t?.vatTotalCents ?? 0,
        grossCents: t?.grossTotalCents ?? 0,
        dueAmountCents: amountCents,
        periodStart: t?.periodStart ?? null,
        periodEnd: t?.periodEnd ?? null,
        receivedOn,
        receivedAt: at,
        termDays,
        dueOn,
        status,
        findings,
        terms: t,
        contractId: contract?.id ?? null,
        purchaseId: purchase?.id ?? null,
        expectedCents,
        deviation,
        submittedById: input.submittedById,
        registeredById: input.registeredById,
        note: "",
        createdAt: at,
        updatedAt: at,
      }),
    );
    await m.getRepository(Document).update({ id: doc.id }, { entityId: String(invoice.id) });
    const item = status === "accepted" ? await createItem(m, actor, invoice, contract, ctx, purchase) : null;
    if (placeMatch && purchase) await markBillsInvoiced(m, actor, invoice, purchase, placeMatch.billIds);
    const verb = status === "accepted" ? "eingegangen und angenommen" : `bei Eingang abgelehnt (${findings.map((f) => f.rule).join(", ")})`;
    await appendAudit(m, actorOf(actor), {
      action: input.channel === "manual" ? "invoice.register" : status === "accepted" ? "invoice.receive" : "invoice.reject",
      summary: `Rechnung ${reference} (Nr. ${invoice.number || "–"}, ${ctx.provider.name}, ${formatCents(invoice.dueAmountCents)}) ${verb}${input.channel === "manual" ? " – von Hand erfasst" : ""}`,
      entityType: "invoice",
      entityId: String(invoice.id),
      providerId: input.providerId,
      details: { channel: input.channel, form: invoice.form, sha256, documentId: doc.id, findings: findings.map((f) => f.rule), contractId: invoice.contractId, paymentItem: item?.reference ?? null },
    });
    await recordEvent(m, { type: status === "accepted" ? "invoice.received" : "invoice.rejected", providerId: input.providerId, entityType: "invoice", entityId: invoice.id, reference: invoice.number || reference, status });
    return {
      id: invoice.id,
      reference,
      status,
      statusLabel: INVOICE_STATUS_LABELS[status],
      findings,
      duplicateOf: earlier ? { id: earlier.id, reference: earlier.reference } : null,
      paymentItemId: item?.id ?? null,
    };
  }).catch(again);
}

/** Findings that let an invoice in; its payment item waits for a correction (a wrong IBAN: BR-DE-19). */
const PAYABLE_AFTER_CORRECTION = new Set(["BR-DE-19"]);

/**
 * The payment item of an accepted invoice: payee from the master data (else the invoice IBAN),
 * due amount, due date, budget. An invoice whose IBAN is wrong (BR-DE-19) pays to that IBAN as
 * written: the item is blocked until someone corrects it (storno and a new item).
 */
async function lineIdByNumber(m: EntityManager, number: string): Promise<number | null> {
  return (await m.getRepository(BudgetLine).findOne({ where: { number } }))?.id ?? null;
}

async function createItem(m: EntityManager, actor: CurrentUser, invoice: Invoice, contract: Contract | null, ctx: { provider: Provider; bank: BankAccount | null; settings: SettingValues }, purchase: PlacePurchase | null = null): Promise<PaymentItem> {
  const commitment = contract ? await commitmentFor(m, "contract", contract.id, Number(invoice.dueOn.slice(0, 4))) : purchase ? await commitmentFor(m, "purchase", purchase.id, Number(invoice.dueOn.slice(0, 4))) : null;
  const terms = invoice.terms as BusinessTerms | null;
  if (invoice.findings.some((f) => f.rule === "BR-DE-19")) ctx = { ...ctx, bank: null };
  return createPaymentItem(m, actor.id === null ? "system" : actor, {
    sourceType: "invoice",
    invoiceId: invoice.id,
    providerId: ctx.provider.id,
    payeeName: ctx.bank?.holder || terms?.accounts[0]?.name || ctx.provider.name,
    iban: ctx.bank?.iban ?? invoice.iban,
    bic: ctx.bank ? ctx.bank.bic : (terms?.bic ?? null),
    bankAccountId: ctx.bank?.id ?? null,
    amountCents: invoice.dueAmountCents,
    dueOn: invoice.dueOn,
    purpose: sepaPurpose(`Rechnung ${invoice.number}`),
    // The contract's line (its commitment's, else the line tendered contracts are committed on);
    // without a contract staff choose the line before the factual check.
    budgetLineId: commitment?.budgetLineId ?? contract?.budgetLineId ?? (contract ? await lineIdByNumber(m, ctx.settings["finance.contractBudgetLine"]) : purchase ? (purchase.budgetLineId ?? (await lineIdByNumber(m, ctx.settings["places.budgetLine"]))) : null),
    commitmentId: commitment?.id ?? null,
    registeredById: invoice.registeredById,
  });
}

// ---------------------------------------------------------------------------------------------
// Intake

/** An e-invoice from the portal or the API: size and type, read and check (outside the tx), store. */
export async function receiveInvoice(user: CurrentUser, input: { bytes: Uint8Array; filename: string; channel: "portal" | "api" }): Promise<IntakeResult> {
  requireCan(user, "submit:invoice:own");
  if (!user.providerId) throw new ForbiddenError("Rechnungen reichen Träger und Vermittler für ihre eigene Organisation ein.");
  const m = await em();
  const settings = await getSettings(m);
  const file = checkInvoiceUpload({ bytes: input.bytes, filename: input.filename }, settings["uploads.maxMegabytes"]);
  const read = await readInvoiceFile(file.bytes, file.filename, { maxBytes: settings["uploads.maxMegabytes"] * 1048576 });
  return storeEInvoice(user, { providerId: user.providerId, channel: input.channel, file, read, submittedById: user.id, registeredById: null });
}

export interface ManualInvoiceValues {
  providerId?: unknown;
  number?: unknown;
  issueDate?: unknown;
  net?: unknown;
  vat?: unknown;
  gross?: unknown;
  due?: unknown;
  iban?: unknown;
  contractId?: unknown;
  periodStart?: unknown;
  periodEnd?: unknown;
  note?: unknown;
}

/**
 * A paper or PDF invoice registered by staff (register:invoice:any). The scan is required; a
 * PDF that carries a ZUGFeRD invoice is read like the portal reads it. The registrant never
 * signs its payment (the item's registeredById).
 */
export async function registerInvoice(user: PersonUser, raw: ManualInvoiceValues, scan: InvoiceFile | null): Promise<IntakeResult> {
  requireCan(user, "register:invoice:any");
  const str = (v: unknown) => String(v ?? "").trim();
  const m0 = await em();
  const settings = await getSettings(m0);
  const errors: Record<string, string> = {};
  const providerId = Number(str(raw.providerId));
  const provider = Number.isInteger(providerId) && providerId > 0 ? await m0.getRepository(Provider).findOne({ where: { id: providerId } }) : null;
  if (!provider) errors.providerId = "Bitte wählen Sie den Rechnungssteller.";
  const contractId = str(raw.contractId) ? Number(str(raw.contractId)) : null;
  const contract = contractId ? await m0.getRepository(Contract).findOne({ where: { id: contractId } }) : null;
  if (contractId && (!contract || (provider && contract.providerId !== provider.id))) errors.contractId = "Dieser Vertrag gehört nicht zum gewählten Rechnungssteller.";
  const scanOk = Boolean(scan && scan.bytes.length && scan.bytes.length <= settings["uploads.maxMegabytes"] * 1048576 && isPdf(scan.bytes));
  if (!scan || !scan.bytes.length) errors.scan = "Bitte laden Sie den Scan der Rechnung (PDF) hoch.";
  else if (scan.bytes.length > settings["uploads.maxMegabytes"] * 1048576) errors.scan = `Die Datei ist größer als ${settings["uploads.maxMegabytes"]} MB.`;
  else if (!isPdf(scan.bytes)) errors.scan = "Der Scan muss eine PDF-Datei sein.";

  // A ZUGFeRD PDF: its data count, read like the portal reads it (outside the transaction).
  const read = scanOk ? await readInvoiceFile(scan!.bytes, scan!.filename, { maxBytes: settings["uploads.maxMegabytes"] * 1048576 }) : null;
  if (read?.terms) {
    if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
    return storeEInvoice(user, { providerId: provider!.id, channel: "manual", file: scan!, read, submittedById: null, registeredById: user.id, contractId: contract?.id ?? null });
  }

  const number = str(raw.number);
  const issueDate = parseDate(str(raw.issueDate));
  const net = parseEuroToCents(str(raw.net));
  const vat = str(raw.vat) ? parseEuroToCents(str(raw.vat)) : 0;
  const gross = parseEuroToCents(str(raw.gross));
  const due = str(raw.due) ? parseEuroToCents(str(raw.due)) : gross;
  const iban = validateIban(str(raw.iban));
  const periodStart = str(raw.periodStart) ? parseDate(str(raw.periodStart)) : null;
  const periodEnd = str(raw.periodEnd) ? parseDate(str(raw.periodEnd)) : null;
  if (!number) errors.number = "Bitte geben Sie die Rechnungsnummer an.";
  else if (number.length > 200) errors.number = "Höchstens 200 Zeichen.";
  if (!issueDate) errors.issueDate = str(raw.issueDate) ? `„${str(raw.issueDate).slice(0, 20)}“ ist kein gültiges Datum; bitte als TT.MM.JJJJ angeben.` : "Bitte geben Sie das Rechnungsdatum an (TT.MM.JJJJ).";
  else if (issueDate > today()) errors.issueDate = "Das Rechnungsdatum liegt in der Zukunft.";
  if (net === null || net < 0) errors.net = "Bitte geben Sie den Nettobetrag an, z. B. 1.234,50.";
  if (vat === null || vat < 0) errors.vat = "Bitte geben Sie die Umsatzsteuer an (0, wenn steuerfrei).";
  if (gross === null || gross <= 0) errors.gross = str(raw.gross) && gross !== null ? "Der Bruttobetrag muss größer als 0 € sein; eine Gutschrift wird nicht als Rechnung erfasst." : "Bitte geben Sie den Bruttobetrag an, z. B. 1.234,50.";
  else if (net !== null && vat !== null && net + vat !== gross) errors.gross = `Netto ${formatCents(net)} + Umsatzsteuer ${formatCents(vat)} ergibt ${formatCents(net + vat)}, nicht ${formatCents(gross)}.`;
  if (str(raw.due) && (due === null || due <= 0)) errors.due = "Bitte geben Sie den Zahlbetrag als Betrag an, z. B. 1.234,50 (leer: der Bruttobetrag).";
  else if (gross !== null && due !== null && due > gross) errors.due = "Der Zahlbetrag kann nicht höher sein als der Bruttobetrag.";
  if (!iban.ok) errors.iban = iban.error;
  if (str(raw.periodStart) && !periodStart) errors.periodStart = "Bitte als TT.MM.JJJJ angeben.";
  if (str(raw.periodEnd) && !periodEnd) errors.periodEnd = "Bitte als TT.MM.JJJJ angeben.";
  if (periodStart && periodEnd && periodEnd < periodStart) errors.periodEnd = "Das Ende liegt vor dem Beginn.";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Felder.", errors);
  const ctx = await intakeContext(m0, provider!.id);
  const termDays = termDaysFor(contract, settings["finance.paymentTermDays"]);
  const stored = await storeBytes(scan!.bytes);
  const sha256 = stored.sha256;
  const ibanValue = iban.ok ? iban.iban : "";

  return tx(async (m) => {
    const at = nowIso();
    const receivedOn = today();
    const key = duplicateKey(provider!.id, number);
    const earlier = await m.getRepository(Invoice).findOne({ where: { duplicateKey: key } });
    if (earlier) throw new RuleError(duplicateFinding(earlier.reference, number, earlier.receivedOn).message.replace("Ihrer Organisation", "dieses Rechnungsstellers"));
    const reference = await nextReference(m, Invoice, "RE", at.slice(0, 4), 6);
    const dueOn = dueDate(receivedOn, termDays);
    const { expectedCents, deviation } = await assess(m, { contract, amountCents: gross!, periodStart, periodEnd, invoiceIban: ibanValue, masterIban: ctx.bank?.iban ?? null });
    const doc = await storeDocument(m, { origin: "upload", title: `Rechnung ${number} (Scan)`, filename: scan!.filename || "rechnung.pdf", contentType: "application/pdf", bytes: scan!.bytes, stored, entityType: "invoice", providerId: provider!.id, createdById: user.id });
    const repo = m.getRepository(Invoice);
    const invoice = await repo.save(
      repo.create({
        reference,
        providerId: provider!.id,
        channel: "manual",
        form: "paper",
        documentId: doc.id,
        sha256,
        duplicateKey: key,
        number,
        issueDate,
        typeCode: "380",
        currency: "EUR",
        buyerReference: "",
        contractReference: contract?.reference ?? "",
        orderReference: "",
        sellerName: provider!.name,
        iban: ibanValue,
        netCents: net!,
        vatCents: vat!,
        grossCents: gross!,
        dueAmountCents: due!,
        periodStart,
        periodEnd,
        receivedOn,
        receivedAt: at,
        termDays,
        dueOn,
        status: "accepted",
        findings: [],
        terms: null,
        contractId: contract?.id ?? null,
        expectedCents,
        deviation,
        submittedById: null,
        registeredById: user.id,
        note: str(raw.note).slice(0, 500),
        createdAt: at,
        updatedAt: at,
      }),
    );
    await m.getRepository(Document).update({ id: doc.id }, { entityId: String(invoice.id) });
    const item = await createItem(m, user, invoice, contract, ctx);
    await appendAudit(m, actorOf(user), {
      action: "invoice.register",
      summary: `Rechnung ${reference} (Nr. ${number}, ${provider!.name}, ${formatCents(due!)}) von Hand erfasst; Zahlung ${item.reference}`,
      entityType: "invoice",
      entityId: String(invoice.id),
      providerId: provider!.id,
      details: { channel: "manual", sha256, documentId: doc.id, contractId: invoice.contractId, paymentItem: item.reference },
    });
    await recordEvent(m, { type: "invoice.received", providerId: provider!.id, entityType: "invoice", entityId: invoice.id, reference: number, status: "accepted" });
    return { id: invoice.id, reference, status: "accepted" as const, statusLabel: INVOICE_STATUS_LABELS.accepted, findings: [], duplicateOf: null, paymentItemId: item.id };
  });
}

/** The open payment item of an invoice (the newest, a correction replaces the old one). */
async function itemOf(m: EntityManager, invoiceId: number): Promise<PaymentItem | null> {
  return m.getRepository(PaymentItem).findOne({ where: { invoiceId }, order: { id: "DESC" } });
}

/**
 * Staff choose the contract an invoice bills (only while its payment awaits the factual check):
 * the deviation, the term and due date and the budget of the item follow the contract.
 */
export async function assignContract(user: PersonUser, invoiceId: number, contractIdRaw: unknown): Promise<void> {
  if (!can(user.role, "register:invoice:any") && !can(user.role, "certify:payment:any")) throw new ForbiddenError();
  const contractId = Number(contractIdRaw);
  if (!Number.isInteger(contractId) || contractId <= 0) throw new ValidationError("Bitte wählen Sie einen Vertrag.", { contractId: "Bitte einen Vertrag wählen." });
  const m0 = await em();
  const settingDays = (await getSettings(m0))["finance.paymentTermDays"];
  await tx(async (m) => {
    const invoice = await m.getRepository(Invoice).findOne({ where: { id: invoiceId } });
    if (!invoice) throw new NotFoundError("Die Rechnung wurde nicht gefunden.");
    const contract = await m.getRepository(Contract).findOne({ where: { id: contractId } });
    if (!contract || contract.providerId !== invoice.providerId) throw new ValidationError("Dieser Vertrag gehört nicht zum Rechnungssteller.", { contractId: "Vertrag eines anderen Auftragnehmers." });
    const item = await itemOf(m, invoice.id);
    if (!item || !["awaiting_factual", "on_hold"].includes(item.status)) throw new RuleError("Der Vertrag kann nur gewählt werden, solange die Zahlung auf „sachlich richtig“ wartet.");
    const bank = item.bankAccountId ? await m.getRepository(BankAccount).findOne({ where: { id: item.bankAccountId } }) : null;
    const termDays = termDaysFor(contract, settingDays);
    const dueOn = dueDate(invoice.receivedOn, termDays);
    const { expectedCents, deviation } = await assess(m, { contract, amountCents: invoice.grossCents, periodStart: invoice.periodStart, periodEnd: invoice.periodEnd, invoiceIban: invoice.iban || null, masterIban: bank?.iban ?? null, excludeInvoiceId: invoice.id });
    await m.getRepository(Invoice).update({ id: invoice.id }, { contractId: contract.id, expectedCents, deviation, termDays, dueOn, updatedAt: nowIso() });
    const commitment = await commitmentFor(m, "contract", contract.id, Number(dueOn.slice(0, 4)));
    await m.getRepository(PaymentItem).update({ id: item.id }, { dueOn, budgetLineId: commitment?.budgetLineId ?? contract.budgetLineId ?? null, commitmentId: commitment?.id ?? null, updatedAt: nowIso() });
    await appendAudit(m, actorOf(user), {
      action: "invoice.match",
      summary: `Rechnung ${invoice.reference} dem Vertrag ${contract.reference} zugeordnet; fällig ${formatDate(dueOn)}${deviation ? ` – Abweichung: ${deviation}` : ""}`.slice(0, 1000),
      entityType: "invoice",
      entityId: String(invoice.id),
      providerId: invoice.providerId,
      details: { contractId: contract.id, previousContractId: invoice.contractId, paymentItem: item.reference, dueOn },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export type InvoiceQuery = Partial<ListQuery<(typeof INVOICE_LIST)["filters"], (typeof INVOICE_LIST)["sorts"][number]>>;

function rowOf(x: Invoice, day: string, warn: number, item: PaymentItem | undefined | null, providers: Map<number, string>, contracts: Map<number, string>) {
  const open = item ? OPEN_STATES.includes(item.status as PaymentItemState) : false;
  const state = providerInvoiceState(x, item ?? null);
  return {
    id: x.id,
    reference: x.reference,
    number: x.number,
    providerId: x.providerId,
    provider: x.providerId ? (providers.get(x.providerId) ?? x.sellerName) : x.sellerName,
    channel: x.channel,
    channelLabel: INVOICE_CHANNEL_LABELS[x.channel] ?? x.channel,
    form: x.form,
    formLabel: INVOICE_FORM_LABELS[x.form] ?? x.form,
    issueDate: x.issueDate,
    receivedOn: x.receivedOn,
    receivedAt: x.receivedAt,
    dueOn: x.dueOn,
    dueState: open ? dueState(day, x.dueOn, warn) : null,
    dueText: open ? dueLabel(day, x.dueOn) : formatDate(x.dueOn),
    grossCents: x.grossCents,
    dueAmountCents: x.dueAmountCents,
    currency: x.currency,
    status: x.status,
    statusLabel: INVOICE_STATUS_LABELS[x.status as InvoiceStatus] ?? x.status,
    providerState: state,
    findings: x.findings,
    contractId: x.contractId,
    contract: x.contractId ? (contracts.get(x.contractId) ?? "") : "",
    deviation: x.deviation,
    paymentItem: item ? { id: item.id, reference: item.reference, status: item.status, statusLabel: PAYMENT_ITEM_STATE_LABELS[item.status as PaymentItemState] ?? item.status, paidOn: item.paidOn } : null,
    paidOn: item?.paidOn ?? null,
  };
}

async function decorate(m: EntityManager, rows: Invoice[]) {
  const ids = rows.map((r) => r.id);
  const items = ids.length ? await m.getRepository(PaymentItem).find({ where: { invoiceId: In(ids) }, order: { id: "ASC" } }) : [];
  const byInvoice = new Map<number, PaymentItem>();
  for (const i of items) if (i.invoiceId) byInvoice.set(i.invoiceId, i); // the newest wins
  const providers = new Map((await m.getRepository(Provider).find({ where: { id: In([0, ...rows.map((r) => r.providerId ?? 0)]) } })).map((p) => [p.id, p.name]));
  const contracts = new Map((await m.getRepository(Contract).find({ where: { id: In([0, ...rows.map((r) => r.contractId ?? 0)]) } })).map((c) => [c.id, c.reference]));
  return { byInvoice, providers, contracts };
}

/** Staff list of all invoices (read:payable:any): filters status, provider, contract match, due, received period. */
export async function listInvoices(user: CurrentUser, raw: InvoiceQuery, options: { all?: boolean } = {}) {
  requireCan(user, "read:payable:any");
  const query = completeQuery(INVOICE_LIST, raw);
  const m = await em();
  const settings = await getSettings(m);
  const day = today();
  const warn = settings["finance.dueWarningDays"];
  const qb = m.getRepository(Invoice).createQueryBuilder("x");
  const openInvoice = "x.status = 'accepted'";
  if (query.status) qb.andWhere("x.status = :s", { s: query.status });
  if (query.provider) qb.andWhere("x.providerId = :p", { p: query.provider });
  if (query.match === "matched") qb.andWhere("x.contractId IS NOT NULL");
  if (query.match === "unmatched") qb.andWhere("x.contractId IS NULL AND x.status <> 'rejected'");
  if (query.match === "deviation") qb.andWhere("x.deviation <> '' AND x.status <> 'rejected'");
  if (query.due === "overdue") qb.andWhere(`x.dueOn < :d AND ${openInvoice}`, { d: day });
  if (query.due === "soon") qb.andWhere(`x.dueOn >= :d AND x.dueOn <= :w AND ${openInvoice}`, { d: day, w: addDays(day, warn) });
  const from = query.from ? parseDate(query.from) : null;
  const to = query.to ? parseDate(query.to) : null;
  if (from) qb.andWhere("x.receivedOn >= :from", { from });
  if (to) qb.andWhere("x.receivedOn <= :to", { to });
  if (query.q) qb.andWhere("(LOWER(x.number) LIKE :q OR LOWER(x.reference) LIKE :q OR LOWER(x.sellerName) LIKE :q)", { q: `%${query.q.toLowerCase()}%` });
  const sum = await qb.clone().select("COALESCE(SUM(x.dueAmountCents), 0)", "sum").getRawOne<{ sum: string }>();
  const { rows, raw: _raw, ...page } = await paginate(qb, query, {
    sortColumns: { receivedOn: "x.receivedAt", dueOn: "x.dueOn", reference: "x.reference", seller: "x.sellerName", amount: "x.dueAmountCents", status: "x.status" },
    tieBreaker: "x.id",
    all: options.all,
  });
  const { byInvoice, providers, contracts } = await decorate(m, rows);
  const providerOptions = await providersWithRows(m, Invoice);
  return {
    rows: rows.map((x) => rowOf(x, day, warn, byInvoice.get(x.id), providers, contracts)),
    sumCents: Number(sum?.sum ?? 0),
    providers: providerOptions,
    today: day,
    warnDays: warn,
    ...page,
  };
}

export async function invoicesCsv(user: CurrentUser, query: InvoiceQuery) {
  const { rows } = await listInvoices(user, query, { all: true });
  return toCsv(
    ["Rechnung", "Rechnungsnummer", "Rechnungssteller", "Eingang", "Weg", "Form", "Rechnungsdatum", "Zahlbetrag (EUR)", "fällig am", "Status", "Vertrag", "Abweichung", "Zahlung", "Zahlungsstatus", "bezahlt am", "Prüfbefunde"],
    rows.map((x) => [
      x.reference,
      x.number,
      x.provider,
      formatDate(x.receivedOn),
      x.channelLabel,
      x.formLabel,
      formatDate(x.issueDate),
      (x.dueAmountCents / 100).toFixed(2).replace(".", ","),
      formatDate(x.dueOn),
      x.statusLabel,
      x.contract,
      x.deviation,
      x.paymentItem?.reference ?? "",
      x.paymentItem?.statusLabel ?? "",
      formatDate(x.paidOn),
      x.findings.map((f) => f.rule).join(" "),
    ]),
  );
}

/** A provider's own invoices (portal and API), newest first; `status` filters the invoice status. */
export async function listOwnInvoices(user: CurrentUser, query: { status?: string | null; page: number; pageSize: number }) {
  if (!can(user.role, "read:invoice:own") || !user.providerId) throw new ForbiddenError();
  const m = await em();
  const settings = await getSettings(m);
  const qb = m.getRepository(Invoice).createQueryBuilder("x").where("x.providerId = :p", { p: user.providerId });
  if (query.status) qb.andWhere("x.status = :s", { s: query.status });
  const { rows, raw: _raw, ...page } = await paginate(qb, { sort: "receivedOn", dir: "desc", page: query.page, pageSize: query.pageSize }, { sortColumns: { receivedOn: "x.receivedAt" }, tieBreaker: "x.id" });
  const { byInvoice, providers, contracts } = await decorate(m, rows);
  return { rows: rows.map((x) => rowOf(x, today(), settings["finance.dueWarningDays"], byInvoice.get(x.id), providers, contracts)), ...page };
}

/** One invoice with everything its page shows. Staff: read:payable:any; a provider: only its own (404 otherwise). */
export async function getInvoice(user: CurrentUser, id: number) {
  const m = await em();
  const invoice = await m.getRepository(Invoice).findOne({ where: { id } });
  const staff = can(user.role, "read:payable:any");
  const own = can(user.role, "read:invoice:own") && user.providerId !== null && invoice?.providerId === user.providerId;
  if (!invoice || !(staff || own)) throw new NotFoundError("Die Rechnung wurde nicht gefunden.");
  const settings = await getSettings(m);
  const { byInvoice, providers, contracts } = await decorate(m, [invoice]);
  const item = byInvoice.get(invoice.id) ?? null;
  const [doc, contract, registeredBy, bank] = await Promise.all([
    invoice.documentId ? m.getRepository(Document).findOne({ where: { id: invoice.documentId } }) : null,
    invoice.contractId ? m.getRepository(Contract).findOne({ where: { id: invoice.contractId } }) : null,
    invoice.registeredById ? m.getRepository(User).findOne({ where: { id: invoice.registeredById } }) : null,
    item?.bankAccountId ? m.getRepository(BankAccount).findOne({ where: { id: item.bankAccountId } }) : null,
  ]);
  const purchase = invoice.purchaseId ? await m.getRepository(PlacePurchase).findOne({ where: { id: invoice.purchaseId }, select: { id: true, reference: true } }) : null;
  const choosable = staff && !purchase && item && ["awaiting_factual", "on_hold"].includes(item.status) && invoice.providerId ? await m.getRepository(Contract).find({ where: { providerId: invoice.providerId }, order: { reference: "ASC" } }) : [];
  return {
    invoice: rowOf(invoice, today(), settings["finance.dueWarningDays"], item, providers, contracts),
    terms: (invoice.terms as BusinessTerms | null) ?? null,
    paper: invoice.terms === null,
    manual: {
      netCents: invoice.netCents,
      vatCents: invoice.vatCents,
      grossCents: invoice.grossCents,
      iban: invoice.iban ? formatIban(invoice.iban) : "",
      periodStart: invoice.periodStart,
      periodEnd: invoice.periodEnd,
      note: invoice.note,
    },
    sha256: invoice.sha256,
    termDays: invoice.termDays,
    expectedCents: invoice.expectedCents,
    document: doc ? { id: doc.id, filename: doc.filename, contentType: doc.contentType, size: doc.size } : null,
    contract: contract ? { id: contract.id, reference: contract.reference, priceUnit: contract.priceUnit, quantity: contract.quantity, unitPriceCents: contract.unitPriceCents, startDate: contract.startDate, endDate: contract.endDate, paymentTermDays: contract.paymentTermDays } : null,
    /** The place purchase a confirmed bill or a matched e-invoice bills (issue 11). */
    purchase: purchase ? { id: purchase.id, reference: purchase.reference } : null,
    contractChoices: staff ? choosable.map((c) => ({ value: String(c.id), label: `${c.reference} (${formatDate(c.startDate)}–${formatDate(c.endDate)})` })) : [],
    registeredBy: staff ? (registeredBy?.name ?? null) : null,
    payee: staff && item ? { name: item.payeeName, iban: formatIban(item.iban), fromMasterData: Boolean(bank) } : null,
    staff,
  };
}

/**
 * What the payment item's factual check shows about its invoice (for /payments/:id): the
 * invoice, its findings, matched contract, what the contract allows and the deviation note.
 * Null when the item has no invoice.
 */
export async function invoiceForItem(user: CurrentUser, itemId: number) {
  requireCan(user, "read:payable:any");
  const m = await em();
  const item = await m.getRepository(PaymentItem).findOne({ where: { id: itemId } });
  if (!item) throw new NotFoundError("Die Zahlung wurde nicht gefunden.");
  if (!item.invoiceId) return null;
  const d = await getInvoice(user, item.invoiceId);
  return {
    id: d.invoice.id,
    reference: d.invoice.reference,
    number: d.invoice.number,
    href: `/invoices/${d.invoice.id}`,
    viewPdfHref: d.paper ? null : `/invoices/${d.invoice.id}/view.pdf`,
    document: d.document,
    contract: d.contract,
    expectedCents: d.expectedCents,
    grossCents: d.invoice.grossCents,
    dueAmountCents: d.invoice.dueAmountCents,
    deviation: d.invoice.deviation,
    findings: d.invoice.findings,
    registeredBy: d.registeredBy,
    /** The contract can still be chosen on the invoice page. */
    canChooseContract: d.contractChoices.length > 0,
  };
}

/**
 * The readable PDF of an e-invoice, rendered from its data (outside any transaction), stored
 * once as a generated document and reused.
 */
export async function invoiceViewPdf(user: CurrentUser, id: number): Promise<Response> {
  const d = await getInvoice(user, id);
  if (!d.terms) throw new NotFoundError("Für eine von Hand erfasste Rechnung gibt es keine Ansicht aus Daten; bitte öffnen Sie den Scan.");
  const m = await em();
  const existing = await m.getRepository(Document).findOne({ where: { entityType: "invoice-view", entityId: String(id) }, order: { id: "DESC" } });
  if (existing) return documentResponse(existing);
  const { renderInvoicePdf } = await import("~/lib/invoice-pdf.server");
  const settings = await getSettings(m);
  const bytes = await renderInvoicePdf(d.terms, { authority: settings["letterhead.authority"], address: settings["letterhead.address"], contact: settings["letterhead.contact"], footer: settings["letterhead.footer"] });
  const file = await storeBytes(bytes);
  const doc = await tx(async (mx) => {
    const again = await mx.getRepository(Document).findOne({ where: { entityType: "invoice-view", entityId: String(id) } });
    if (again) return again;
    const stored = await storeDocument(mx, {
      origin: "generated",
      title: `Rechnung ${d.invoice.number} (Ansicht)`,
      filename: `rechnung-${d.invoice.reference}.pdf`,
      contentType: "application/pdf",
      bytes,
      stored: file,
      entityType: "invoice-view",
      entityId: id,
      providerId: d.invoice.providerId,
      createdById: user.id,
    });
    await appendAudit(mx, actorOf(user), { action: "invoice.view_pdf", summary: `Ansicht der Rechnung ${d.invoice.reference} als PDF erzeugt`, entityType: "invoice", entityId: String(id), providerId: d.invoice.providerId, details: { documentId: stored.id } });
    return stored;
  });
  return documentResponse(doc);
}

/** Options for the manual registration form: providers and their contracts. */
export async function registrationOptions(user: CurrentUser) {
  requireCan(user, "register:invoice:any");
  const m = await em();
  const [providers, contracts, settings] = await Promise.all([
    m.getRepository(Provider).find({ where: { active: true }, order: { name: "ASC" } }),
    m.getRepository(Contract).find({ order: { reference: "ASC" } }),
    getSettings(m),
  ]);
  return {
    providers: providers.map((p) => ({ value: String(p.id), label: p.name })),
    contracts: contracts.map((c) => ({ value: String(c.id), label: `${c.reference} (${providers.find((p) => p.id === c.providerId)?.name ?? `Träger #${c.providerId}`})`, providerId: c.providerId })),
    maxMegabytes: settings["uploads.maxMegabytes"],
    paymentTermDays: settings["finance.paymentTermDays"],
  };
}


type InvoiceRow = ReturnType<typeof rowOf>;

/** An invoice as the API shows it to its provider (api-contract Invoice). */
export function apiInvoice(x: InvoiceRow) {
  return {
    id: x.id,
    reference: x.reference,
    number: x.number,
    status: x.status,
    statusLabel: x.statusLabel,
    state: x.providerState.code,
    stateLabel: x.providerState.label,
    channel: x.channel,
    form: x.form,
    issueDate: x.issueDate,
    receivedAt: x.receivedAt,
    receivedOn: x.receivedOn,
    // A refused invoice is not due: nothing will be paid on it.
    dueOn: x.status === "rejected" ? null : x.dueOn,
    paidOn: x.paidOn,
    currency: x.currency,
    grossCents: x.grossCents,
    dueAmountCents: x.dueAmountCents,
    contract: x.contract || null,
    findings: x.findings.map((f) => ({ rule: f.rule, message: f.message, term: f.term ?? null })),
    location: `/api/v1/invoices/${x.id}`,
  };
}
