/**
 * Demo data of the finance line after placements and tenders (seedDemoFinance):
 *
 * 1. Commitments for every demo voucher (the voucher amount spread over the voucher's period,
 *    line placement.budgetLine), consumed by the paid instalments in the year they were paid
 *    (as consumeCommitment does: the payment year's commitment, at most its rest), released when
 *    the voucher expired without a placement or its fee is settled.
 * 2. Every paid item paid THROUGH A RUN: runs on the demo run days (demo-run-days.ts), each with
 *    its real pain.001.001.09 file, a camt.053 statement whose lines are matched to the items,
 *    the three signatures (factual: the certifying case manager or the procurement officer;
 *    arithmetic: kasse@; order: kasse2@) and VoP "match". Only the last three runs get the run
 *    list PDF (rendering thousands of historic PDFs would make the seed slow).
 * 3. The running contract's monthly XRechnung invoices (BaE kooperativ) and place purchases
 *    (Einzelplatzeinkauf) of other training providers, with real UBL files.
 * 4. Today's work in every state of the item machine, through the real services.
 *
 * Deterministic (seeded random numbers), bulk inserts inside few transactions, CPU work (XML,
 * PDF, hashes) outside them.
 */
import { In, type EntityManager, type ObjectLiteral, type EntityTarget, type QueryDeepPartialEntity } from "typeorm";
import {
  Assignment,
  BankAccount,
  BankStatement,
  BankStatementLine,
  BudgetLine,
  Commitment,
  ContactPerson,
  Contract,
  Document,
  FeeInstalment,
  Invoice,
  PaymentItem,
  PaymentRun,
  PaymentRunItem,
  PlacementClaim,
  Provider,
  User,
} from "../../entities";
import { readAndCheck } from "~/domain/einvoice";
import { spreadOverYears, voucherPeriod, dueDate as invoiceDueDate, endToEndId } from "~/domain/finance";
import { isRole } from "~/domain/permissions";
import { buildCreditTransfer } from "~/domain/sepa";
import { addDays, addMonths, berlinLocalToUtc } from "~/domain/time";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { atSimulatedTime, nowIso, today as berlinToday } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { storeDocument } from "~/lib/documents.server";
import { sha256Hex } from "~/lib/hash.server";
import { getSettings } from "~/lib/settings.server";
import type { PersonUser } from "~/services/auth.server";
import { demoIban, FIRST, pick, rng, SURNAMES } from "./demo-data.server";
import { demoRunDay } from "./demo-run-days";
import { buildCamt053 } from "./camt-fixture";
import { buildXRechnungUbl, type XRechnungInput } from "./xrechnung-fixture";

export interface DemoFinanceResult {
  commitments: number;
  runs: number;
  paidItems: number;
  invoices: number;
  statements: number;
}

const CASE_MANAGER = "fallmanagement@asz-kamenz.example";
const PROCUREMENT = "vergabe@asz-kamenz.example";
const KASSE = "kasse@asz-kamenz.example";
const KASSE2 = "kasse2@asz-kamenz.example";
const TRAINER = "DEMO-T-0001";
const BUYER = { name: "Landkreis Kamenz, Arbeits- und Sozialzentrum (ASZ)", street: "Macherstraße 55", postalCode: "01917", city: "Kamenz", email: "rechnungseingang@asz-kamenz.example" };
const MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

/** A Berlin local time on a day as ISO instant. */
function at(date: string, time: string): string {
  return berlinLocalToUtc(`${date}T${time}`)!;
}

function monthEnd(monthStart: string): string {
  return addDays(addMonths(monthStart, 1), -1);
}

function monthName(monthStart: string): string {
  return `${MONTHS[Number(monthStart.slice(5, 7)) - 1]} ${monthStart.slice(0, 4)}`;
}

async function insertChunked<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[], size = 300): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const result = await m.getRepository(entity).insert(rows.slice(i, i + size));
    for (const identifier of result.identifiers) ids.push(Number(identifier.id));
  }
  return ids;
}

/** References PREFIX-YEAR-NNN… continuing after the ones already stored (as nextReference numbers them). */
async function referenceCounter<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, prefix: string, digits: number) {
  const rows: { reference: string }[] = await m.getRepository(entity).createQueryBuilder("x").select("x.reference", "reference").where("x.reference LIKE :p", { p: `${prefix}-%` }).getRawMany();
  const max = new Map<string, number>();
  for (const r of rows) {
    const [, year, n] = r.reference.split("-");
    max.set(year, Math.max(max.get(year) ?? 0, Number(n)));
  }
  return (year: string | number) => {
    const n = (max.get(String(year)) ?? 0) + 1;
    max.set(String(year), n);
    return `${prefix}-${year}-${String(n).padStart(digits, "0")}`;
  };
}

async function personUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  if (!isRole(u.role)) throw new Error(`Demodaten Finanzen: unbekannte Rolle ${u.role}`);
  return { id: u.id, email: u.email, name: u.name, role: u.role, providerId: u.providerId };
}

/** What a commitment has consumed so far (in memory while seeding). */
interface CommitmentSlot {
  key: string;
  id?: number;
  row: QueryDeepPartialEntity<Commitment> & { amountCents: number; consumedCents: number; releasedCents: number; year: number };
}

/** consumeCommitment's rule: the payment year's commitment of the order, else the linked one; at most its rest. */
function consume(slots: CommitmentSlot[], paidOn: string, amountCents: number): CommitmentSlot | null {
  if (!slots.length) return null;
  const year = Number(paidOn.slice(0, 4));
  const target = slots.find((s) => s.row.year === year) ?? slots.find((s) => s.row.status === "open") ?? slots[0];
  const rest = target.row.amountCents - target.row.consumedCents - target.row.releasedCents;
  target.row.consumedCents += Math.max(Math.min(rest, amountCents), 0);
  return target;
}

interface PaidItemPlan {
  id: number;
  reference: string;
  amountCents: number;
  payeeName: string;
  iban: string;
  bic: string | null;
  endToEndId: string;
  purpose: string;
  paidOn: string;
  factualAt: string;
  dueOn: string;
}

/**
 * The finance line's demo data. Runs once after seedDemoData, seedDemoPlacements and
 * seedDemoTenders (it adds the running contract's tender itself).
 */
export async function seedDemoFinance(options: { scale: number } = { scale: 1 }): Promise<DemoFinanceResult> {
  const empty: DemoFinanceResult = { commitments: 0, runs: 0, paidItems: 0, invoices: 0, statements: 0 };
  const m0 = await em();
  if (await m0.getRepository(PaymentRun).exist()) return empty;
  if (!(await m0.getRepository(User).exist({ where: { email: KASSE2 } }))) return empty;
  const scale = Math.max(0.1, options.scale);
  const today = berlinToday();
  const r = rng(1907);

  // The running contract (through the tender services, at simulated dates).
  const { seedDemoRunningContract } = await import("./demo-tenders.server");
  const contractId = await seedDemoRunningContract();

  const settings = await getSettings(m0);
  const caseManager = await personUser(CASE_MANAGER);
  const procurement = await personUser(PROCUREMENT);
  const kasse = await personUser(KASSE);
  const kasse2 = await personUser(KASSE2);
  const debtor = { name: settings["finance.debtorName"], iban: settings["finance.debtorIban"].replace(/\s+/g, ""), bic: settings["finance.debtorBic"].trim() || null };
  const letterhead = { authority: settings["letterhead.authority"], address: settings["letterhead.address"], contact: settings["letterhead.contact"], footer: settings["letterhead.footer"] };
  const leitwegId = settings["finance.leitwegId"];

  // ---- Invoice files (built and checked before any transaction) --------------------------------
  const contract = contractId ? await m0.getRepository(Contract).findOneOrFail({ where: { id: contractId } }) : null;
  const trainers = (await m0.getRepository(Provider).find({ where: { kind: "training" } })).filter((p) => p.externalKey?.startsWith("DEMO-T-")).sort((a, b) => (a.externalKey! < b.externalKey! ? -1 : 1));
  const trainerIds = trainers.map((t) => t.id);
  const accounts = trainerIds.length ? await m0.getRepository(BankAccount).find({ where: { providerId: In(trainerIds), current: true } }) : [];
  const contacts = trainerIds.length ? await m0.getRepository(ContactPerson).find({ where: { providerId: In(trainerIds) }, order: { id: "ASC" } }) : [];
  const trainerUsers = await m0.getRepository(User).find({ where: { role: "provider" } });

  interface InvoicePlan {
    provider: Provider;
    account: BankAccount;
    xml: string;
    input: XRechnungInput;
    channel: "portal" | "api";
    receivedOn: string;
    receivedAt: string;
    contract: Contract | null;
    lineNumber: string;
    /** Target of the payment item: paid (with paidOn) or a current state, or rejected (no item). */
    fate: { kind: "paid"; paidOn: string } | { kind: "current" } | { kind: "rejected"; findings: { rule: string; message: string; term?: string }[] };
  }
  const invoicePlans: InvoicePlan[] = [];
  const sellerOf = (p: Provider, account: BankAccount) => {
    const contact = contacts.find((c) => c.providerId === p.id);
    return { name: p.name, street: p.street, postalCode: p.postalCode, city: p.city, vatId: p.vatId ?? "", contactName: contact?.name ?? `${pick(r, FIRST)} ${pick(r, SURNAMES)}`, phone: contact?.phone ?? p.phone ?? "", email: contact?.email ?? p.email ?? "", iban: account.iban };
  };
  const lastRunDay = addDays(today, -3);
  if (contract) {
    const provider = trainers.find((t) => t.id === contract.providerId) ?? (await m0.getRepository(Provider).findOneOrFail({ where: { id: contract.providerId } }));
    const account = accounts.find((a) => a.providerId === provider.id) ?? (await m0.getRepository(BankAccount).findOneOrFail({ where: { providerId: provider.id, current: true } }));
    const termDays = contract.paymentTermDays ?? settings["finance.paymentTermDays"];
    const short = provider.name.replace(/[^A-Za-z]/g, "").slice(0, 3).toUpperCase() || "RE";
    let n = 40 + Math.floor(r() * 20);
    for (let month = `${contract.startDate.slice(0, 7)}-01`; addMonths(month, 1) <= today && month <= contract.endDate; month = addMonths(month, 1)) {
      const issueDate = addDays(addMonths(month, 1), 1 + Math.floor(r() * 3));
      if (issueDate > today) break;
      const receivedOn = issueDate;
      const input: XRechnungInput = {
        number: `${short}-${month.slice(0, 4)}-${String(n++).padStart(4, "0")}`,
        issueDate,
        buyerReference: leitwegId,
        contractReference: contract.reference,
        periodStart: month,
        periodEnd: monthEnd(month),
        dueDate: invoiceDueDate(receivedOn, termDays),
        seller: sellerOf(provider, account),
        buyer: BUYER,
        lines: [{ name: `BaE kooperativ – Platzmonat ${monthName(month)}`, quantity: contract.quantity, unitPriceCents: contract.unitPriceCents, description: `${contract.quantity} Ausbildungsplätze × Monatspreis laut Vertrag ${contract.reference}` }],
        note: `Abrechnung ${monthName(month)} zum Vertrag ${contract.reference}`,
      };
      const paidOn = demoRunDay(addDays(receivedOn, 12));
      invoicePlans.push({ provider, account, xml: buildXRechnungUbl(input), input, channel: invoicePlans.length % 3 === 1 ? "api" : "portal", receivedOn, receivedAt: at(receivedOn, `0${8 + Math.floor(r() * 2)}:${String(10 + Math.floor(r() * 49))}`), contract, lineNumber: settings["finance.contractBudgetLine"], fate: paidOn <= lastRunDay ? { kind: "paid", paidOn } : { kind: "current" } });
    }
    // The training provider's invoice with the wrong Leitweg-ID: refused at intake (the portal shows why).
    const lastMonth = addMonths(`${today.slice(0, 7)}-01`, -1);
    const wrong: XRechnungInput = { ...invoicePlans.at(-1)?.input ?? { seller: sellerOf(provider, account), buyer: BUYER, lines: [{ name: "BaE kooperativ", quantity: contract.quantity, unitPriceCents: contract.unitPriceCents }] }, number: `${short}-${lastMonth.slice(0, 4)}-${String(n++).padStart(4, "0")}`, issueDate: addDays(today, -4), buyerReference: "14625000-ASZ02-12", contractReference: contract.reference, periodStart: lastMonth, periodEnd: monthEnd(lastMonth), dueDate: null } as XRechnungInput;
    invoicePlans.push({
      provider,
      account,
      xml: buildXRechnungUbl(wrong),
      input: wrong,
      channel: "portal",
      receivedOn: addDays(today, -4),
      receivedAt: at(addDays(today, -4), "11:42"),
      contract,
      lineNumber: settings["finance.contractBudgetLine"],
      fate: {
        kind: "rejected",
        findings: [
          {
            rule: "LEITWEG-ID",
            term: "BT-10",
            message: `Die Leitweg-ID der Rechnung (BT-10) „${wrong.buyerReference}“ ist nicht die Leitweg-ID dieser Behörde („${leitwegId}“). Bitte stellen Sie die Rechnung mit der richtigen Leitweg-ID aus.`,
          },
        ],
      },
    });
  }
  // Place purchases (Einzelplatzeinkauf) of other training providers: this and last month's bills.
  const purchasers = trainers.filter((t) => t.externalKey !== TRAINER).slice(0, Math.max(4, Math.round(8 * Math.min(scale, 1))));
  for (const [i, provider] of purchasers.entries()) {
    const account = accounts.find((a) => a.providerId === provider.id);
    if (!account) continue;
    const places = 1 + (i % 3);
    const price = 78000 + 2500 * i;
    for (const back of [2, 1]) {
      const month = addMonths(`${today.slice(0, 7)}-01`, -back);
      const receivedOn = addDays(addMonths(month, 1), back === 2 ? 2 + i : Math.min(1 + i, Number(today.slice(8, 10)) - 1));
      if (receivedOn > today) continue;
      const input: XRechnungInput = {
        number: `EP-${month.slice(0, 7).replace("-", "")}-${String(100 + i * 7 + back)}`,
        issueDate: receivedOn,
        buyerReference: leitwegId,
        orderReference: `EPK-${month.slice(0, 4)}-${provider.externalKey!.slice(-4)}`,
        periodStart: month,
        periodEnd: monthEnd(month),
        dueDate: invoiceDueDate(receivedOn, settings["finance.paymentTermDays"]),
        seller: sellerOf(provider, account),
        buyer: BUYER,
        lines: [{ name: `Einzelplatz Qualifizierung – ${monthName(month)}`, quantity: places, unitPriceCents: price, description: `${places} Teilnehmerplatz/-plätze im Einzelplatzeinkauf` }],
      };
      const paidOn = demoRunDay(addDays(receivedOn, 12));
      invoicePlans.push({ provider, account, xml: buildXRechnungUbl(input), input, channel: i % 2 ? "api" : "portal", receivedOn, receivedAt: at(receivedOn, `1${i % 6}:${String((11 + i * 7) % 60).padStart(2, "0")}`), contract: null, lineNumber: "1.4820.7610", fate: back === 2 && i % 2 === 0 && paidOn <= lastRunDay ? { kind: "paid", paidOn } : { kind: "current" } });
    }
  }
  const checked = invoicePlans.map((p) => {
    const result = readAndCheck(p.xml);
    if (!result.valid) throw new Error(`Demodaten Finanzen: Demo-Rechnung ${p.input.number} ist ungültig: ${result.findings.map((f) => f.rule).join(", ")}`);
    return result;
  });

  // ---- Phase 1: commitments, invoices, their items ----------------------------------------------
  const phase1 = await tx(async (m) => {
    const lines = new Map((await m.getRepository(BudgetLine).find()).map((l) => [l.number, l]));
    const voucherLine = lines.get(settings["placement.budgetLine"]);
    if (!voucherLine) throw new Error(`Demodaten Finanzen: Haushaltsstelle ${settings["placement.budgetLine"]} fehlt.`);
    const nextMb = await referenceCounter(m, Commitment, "MB", 5);
    const nextZa = await referenceCounter(m, PaymentItem, "ZA", 6);
    const nextRe = await referenceCounter(m, Invoice, "RE", 6);

    // Vouchers ---------------------------------------------------------------------------------
    const assignments = await m.getRepository(Assignment).find({ order: { id: "ASC" } });
    const claims = await m.getRepository(PlacementClaim).find({ select: { id: true, assignmentId: true, status: true } });
    const instalments = await m.getRepository(FeeInstalment).find({ select: { id: true, claimId: true, status: true, closedAt: true } });
    const items = await m.getRepository(PaymentItem).find({ where: { sourceType: "instalment" }, order: { id: "ASC" } });
    const claimOf = new Map(claims.map((c) => [c.id, c]));
    const instalmentsOfClaim = new Map<number, typeof instalments>();
    for (const i of instalments) instalmentsOfClaim.set(i.claimId, [...(instalmentsOfClaim.get(i.claimId) ?? []), i]);
    const claimsOfAssignment = new Map<number, typeof claims>();
    for (const c of claims) claimsOfAssignment.set(c.assignmentId, [...(claimsOfAssignment.get(c.assignmentId) ?? []), c]);

    const slots: CommitmentSlot[] = [];
    const slotsOf = new Map<number, CommitmentSlot[]>();
    for (const a of assignments) {
      const period = voucherPeriod(a.issuedOn, a.validUntil);
      const own: CommitmentSlot[] = spreadOverYears(a.maxFeeCents, period.start, period.end).map((s) => ({
        key: `${a.id}:${s.year}`,
        row: {
          reference: nextMb(s.year),
          budgetLineId: voucherLine.id,
          year: s.year,
          sourceType: "voucher",
          sourceId: a.id,
          providerId: a.providerId,
          description: `Vermittlungsgutschein ${a.reference}`.slice(0, 300),
          amountCents: s.amountCents,
          consumedCents: 0,
          releasedCents: 0,
          status: "open",
          createdAt: a.createdAt,
          createdById: a.createdById,
          closedAt: null,
          closeReason: "",
          updatedAt: a.createdAt,
        },
      }));
      slots.push(...own);
      slotsOf.set(a.id, own);
    }
    // Instalment items: link and consume (paid ones in order of payment).
    const itemLinks = new Map<number, CommitmentSlot | null>();
    const instalmentById = new Map(instalments.map((i) => [i.id, i]));
    const sortedItems = [...items].sort((a, b) => ((a.paidOn ?? "9999") < (b.paidOn ?? "9999") ? -1 : (a.paidOn ?? "9999") > (b.paidOn ?? "9999") ? 1 : a.id - b.id));
    for (const item of sortedItems) {
      const inst = instalmentById.get(item.instalmentId!);
      const claim = inst ? claimOf.get(inst.claimId) : undefined;
      const own = claim ? (slotsOf.get(claim.assignmentId) ?? []) : [];
      if (item.status === "paid") itemLinks.set(item.id, consume(own, item.paidOn!, item.amountCents));
      else {
        const year = Number(item.dueOn.slice(0, 4));
        itemLinks.set(item.id, own.find((s) => s.row.year === year) ?? own.find((s) => s.row.status === "open") ?? own[0] ?? null);
      }
    }
    // Release: an expired voucher without an accepted placement, or a placement whose fee is settled.
    let released = 0;
    for (const a of assignments) {
      const own = slotsOf.get(a.id) ?? [];
      const accepted = (claimsOfAssignment.get(a.id) ?? []).filter((c) => c.status === "accepted");
      let closedAt: string | null = null;
      let reason = "";
      if (a.status === "expired" && !accepted.length) {
        closedAt = `${addDays(a.validUntil, 1)}T03:00:00.000Z`;
        reason = "Gutschein ohne Vermittlung abgelaufen; gebundene Mittel freigegeben.";
      } else if (accepted.length) {
        const insts = accepted.flatMap((c) => instalmentsOfClaim.get(c.id) ?? []);
        if (insts.length && insts.every((i) => ["paid", "cancelled", "lapsed"].includes(i.status))) {
          closedAt = insts.map((i) => i.closedAt ?? "").sort().at(-1) || null;
          reason = "Vermittlungsvergütung abgerechnet; Restmittel freigegeben.";
        }
      }
      if (!closedAt || closedAt.slice(0, 10) > today) continue;
      for (const s of own) {
        const rest = s.row.amountCents - s.row.consumedCents;
        s.row.releasedCents = rest;
        s.row.status = "closed";
        s.row.closedAt = closedAt;
        s.row.closeReason = reason;
        s.row.updatedAt = closedAt;
        released += rest;
      }
    }

    // Place purchases: one manual commitment per provider and year (the framework of places bought).
    const purchaseLine = lines.get("1.4820.7610");
    const purchaseSlots = new Map<string, CommitmentSlot>();
    for (const p of invoicePlans.filter((x) => !x.contract && purchaseLine)) {
      const year = Number(p.input.periodStart.slice(0, 4));
      const key = `${p.provider.id}:${year}`;
      if (purchaseSlots.has(key)) continue;
      const createdAt = at(`${year}-01-${String(8 + (p.provider.id % 10)).padStart(2, "0")}`, "10:00");
      const amount = p.input.lines[0].quantity * p.input.lines[0].unitPriceCents * 12;
      const slot: CommitmentSlot = {
        key,
        row: { reference: nextMb(year), budgetLineId: purchaseLine!.id, year, sourceType: "manual", sourceId: null, providerId: p.provider.id, description: `Einzelplatzeinkauf ${year}: ${p.provider.name} (${p.input.orderReference})`.slice(0, 300), amountCents: amount, consumedCents: 0, releasedCents: 0, status: "open", createdAt, createdById: procurement.id, closedAt: null, closeReason: "", updatedAt: createdAt },
      };
      purchaseSlots.set(key, slot);
      slots.push(slot);
    }

    const commitmentIds = await insertChunked(m, Commitment, slots.map((s) => s.row));
    slots.forEach((s, i) => (s.id = commitmentIds[i]));

    // Contract commitments (from concludeAward) are consumed by the paid invoices below.
    const contractSlots = contract ? (await m.getRepository(Commitment).find({ where: { sourceType: "contract", sourceId: contract.id }, order: { year: "ASC" } })).map((c) => ({ key: `c${c.id}`, id: c.id, row: { ...c } }) as CommitmentSlot) : [];

    // Invoices and their items ---------------------------------------------------------------------
    const invoiceRows: { plan: InvoicePlan; invoiceId: number; itemId: number | null }[] = [];
    for (const [i, plan] of invoicePlans.entries()) {
      const read = checked[i];
      const t = read.terms!;
      const bytes = new TextEncoder().encode(plan.xml);
      const submitter = trainerUsers.find((u) => u.providerId === plan.provider.id) ?? null;
      const doc = await storeDocument(m, { origin: "upload", title: `Rechnung ${t.number} (Original)`, filename: `${t.number}.xml`, contentType: "application/xml", bytes, entityType: "invoice", providerId: plan.provider.id, createdById: submitter?.id ?? null });
      const rejected = plan.fate.kind === "rejected";
      const termDays = plan.contract?.paymentTermDays ?? settings["finance.paymentTermDays"];
      const dueOn = invoiceDueDate(plan.receivedOn, termDays);
      const status = rejected ? "rejected" : plan.fate.kind === "paid" ? "paid" : "accepted";
      const [invoiceId] = await insertChunked(m, Invoice, [
        {
          reference: nextRe(plan.receivedOn.slice(0, 4)),
          providerId: plan.provider.id,
          channel: plan.channel,
          form: "ubl",
          documentId: doc.id,
          sha256: sha256Hex(bytes),
          duplicateKey: rejected ? null : `${plan.provider.id}:${t.number!.trim().toUpperCase()}`,
          number: t.number ?? "",
          issueDate: t.issueDate,
          typeCode: t.typeCode ?? "380",
          currency: t.currency ?? "EUR",
          buyerReference: t.buyerReference ?? "",
          contractReference: t.contractReference ?? "",
          orderReference: t.orderReference ?? "",
          sellerName: t.sellerName ?? "",
          iban: plan.account.iban,
          netCents: t.netTotalCents ?? 0,
          vatCents: t.vatTotalCents ?? 0,
          grossCents: t.grossTotalCents ?? 0,
          dueAmountCents: t.dueAmountCents ?? 0,
          periodStart: t.periodStart,
          periodEnd: t.periodEnd,
          receivedOn: plan.receivedOn,
          receivedAt: plan.receivedAt,
          termDays,
          dueOn,
          status,
          findings: rejected ? (plan.fate as { findings: { rule: string; message: string }[] }).findings : [],
          terms: t,
          contractId: plan.contract?.id ?? null,
          expectedCents: rejected || !plan.contract ? null : plan.contract.quantity * plan.contract.unitPriceCents,
          deviation: "",
          submittedById: submitter?.id ?? null,
          registeredById: null,
          note: "",
          createdAt: plan.receivedAt,
          updatedAt: plan.receivedAt,
        },
      ]);
      await m.getRepository(Document).update({ id: doc.id }, { entityId: String(invoiceId) });
      if (rejected) {
        invoiceRows.push({ plan, invoiceId, itemId: null });
        continue;
      }
      const line = lines.get(plan.lineNumber)!;
      const ownSlots = plan.contract ? contractSlots : [...purchaseSlots.values()].filter((s) => s.row.providerId === plan.provider.id);
      const paid = plan.fate.kind === "paid" ? plan.fate.paidOn : null;
      const slot = paid ? consume(ownSlots, paid, t.dueAmountCents ?? 0) : (ownSlots.find((s) => s.row.year === Number(dueOn.slice(0, 4))) ?? ownSlots[0] ?? null);
      const reference = nextZa(plan.receivedOn.slice(0, 4));
      const factualAt = at(addDays(plan.receivedOn, 3), "10:20");
      const [itemId] = await insertChunked(m, PaymentItem, [
        {
          reference,
          sourceType: "invoice",
          invoiceId,
          instalmentId: null,
          providerId: plan.provider.id,
          payeeName: plan.account.holder || plan.provider.name,
          iban: plan.account.iban,
          bic: plan.account.bic,
          bankAccountId: plan.account.id,
          amountCents: t.dueAmountCents ?? 0,
          dueOn,
          purpose: `Rechnung ${t.number}`.replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, " ").slice(0, 140),
          endToEndId: endToEndId(reference),
          budgetLineId: line.id,
          commitmentId: slot?.id ?? null,
          status: paid ? "paid" : "awaiting_factual",
          holdReason: "",
          registeredById: null,
          factualById: paid ? procurement.id : null,
          factualAt: paid ? factualAt : null,
          paidOn: paid,
          paidNote: "",
          vopSuggestedName: "",
          cancelReason: "",
          createdAt: plan.receivedAt,
          updatedAt: plan.receivedAt,
        },
      ]);
      invoiceRows.push({ plan, invoiceId, itemId });
    }
    // Contract and place-purchase commitments: what the paid invoices consumed (the voucher ones were inserted with theirs).
    for (const s of [...contractSlots, ...purchaseSlots.values()]) await m.getRepository(Commitment).update({ id: s.id! }, { consumedCents: s.row.consumedCents });

    return { itemLinks: [...itemLinks.entries()].map(([id, s]) => [id, s?.id ?? null, voucherLine.id] as const), commitments: slots.length, released, invoices: invoiceRows.length };
  });

  // ---- Phase 2: runs from the paid items, files built outside any transaction --------------------
  const all = await m0.getRepository(PaymentItem).find({ where: { status: "paid" }, order: { paidOn: "ASC", id: "ASC" } });
  const byDay = new Map<string, PaidItemPlan[]>();
  for (const i of all) {
    if (!i.paidOn) continue;
    byDay.set(i.paidOn, [...(byDay.get(i.paidOn) ?? []), { id: i.id, reference: i.reference, amountCents: i.amountCents, payeeName: i.payeeName, iban: i.iban, bic: i.bic, endToEndId: i.endToEndId, purpose: i.purpose, paidOn: i.paidOn, factualAt: i.factualAt ?? i.createdAt, dueOn: i.dueOn }]);
  }
  const nextZl = await referenceCounter(m0, PaymentRun, "ZL", 4);
  const runs = [...byDay.entries()].map(([executionDate, items]) => {
    // Signed and ordered in the days before, the run built two working days before the execution date.
    const createdOn = addDays(executionDate, -2);
    const createdAt = at(createdOn, "13:30");
    const reference = nextZl(createdOn.slice(0, 4));
    const messageId = `${reference}-${createdAt.replace(/\D/g, "").slice(0, 14)}`;
    const file = buildCreditTransfer({
      messageId,
      createdAt,
      initiatingPartyName: debtor.name,
      debtor,
      executionDate,
      batchBooking: true,
      payments: items.map((i) => ({ endToEndId: i.endToEndId, amountCents: i.amountCents, creditorName: i.payeeName, creditorIban: i.iban, creditorBic: i.bic, remittance: i.purpose })),
    });
    const xml = new TextEncoder().encode(file.xml);
    const statementMessageId = `STMT-${executionDate.replace(/-/g, "")}-${reference.slice(-4)}`;
    const camt = new TextEncoder().encode(
      buildCamt053({
        messageId: statementMessageId,
        createdAt: at(addDays(executionDate, 1), "06:10"),
        account: { iban: debtor.iban, name: debtor.name },
        bookingDate: executionDate,
        entries: items.map((i) => ({ endToEndId: i.endToEndId, amountCents: i.amountCents, creditDebit: "DBIT" as const, counterpartyName: i.payeeName, counterpartyIban: i.iban, remittance: i.purpose })),
      }),
    );
    return { reference, messageId, createdAt, createdOn, executionDate, items, file, xml, sha: sha256Hex(xml), camt, camtSha: sha256Hex(camt), statementMessageId };
  });
  // The run lists of the last three runs (the others are historic demo runs without a PDF).
  const { renderPaymentRunListPdf } = await import("~/lib/payment-pdf.server");
  const lists = new Map<string, Uint8Array>();
  for (const run of runs.slice(-3)) {
    lists.set(
      run.reference,
      await renderPaymentRunListPdf(
        { runReference: run.reference, executionDate: run.executionDate, debtor, messageId: run.messageId, fileSha256: run.sha, count: run.file.nbOfTxs, ctrlSumCents: run.file.ctrlSumCents, items: run.items.map((i) => ({ payeeName: i.payeeName, payeeIban: i.iban, endToEndId: i.endToEndId, remittance: i.purpose, amountCents: i.amountCents })), generatedAt: run.createdAt },
        letterhead,
      ),
    );
  }

  // ---- Phase 3: store runs, statements, update the items -------------------------------------------
  await tx(async (m) => {
    const links = new Map(phase1.itemLinks.map(([id, c, line]) => [id, { commitmentId: c, budgetLineId: line }]));
    const runRows: QueryDeepPartialEntity<PaymentRun>[] = [];
    const docIds: { file: number; list: number | null; camt: number }[] = [];
    for (const run of runs) {
      const file = await storeDocument(m, { origin: "generated", title: `SEPA-Datei Zahllauf ${run.reference}`, filename: `zahllauf-${run.reference}.xml`, contentType: "application/xml", bytes: run.xml, template: "pain.001.001.09", entityType: "payment-run", providerId: null, createdById: kasse.id });
      const pdf = lists.get(run.reference);
      const list = pdf ? await storeDocument(m, { origin: "generated", title: `Zahllaufliste ${run.reference}`, filename: `zahllaufliste-${run.reference}.pdf`, contentType: "application/pdf", bytes: pdf, template: "payment-run-list", entityType: "payment-run", providerId: null, createdById: kasse.id }) : null;
      const camt = await storeDocument(m, { origin: "upload", title: `Kontoauszug camt.053 ${run.statementMessageId}`, filename: `kontoauszug-${run.executionDate}.xml`, contentType: "application/xml", bytes: run.camt, entityType: "bank-statement", providerId: null, createdById: kasse.id });
      docIds.push({ file: file.id, list: list?.id ?? null, camt: camt.id });
      const bookedAt = at(addDays(run.executionDate, 1), "08:15");
      runRows.push({
        reference: run.reference,
        status: "booked",
        dueUntil: addDays(run.executionDate, 7),
        executionDate: run.executionDate,
        messageId: run.messageId,
        itemCount: run.file.nbOfTxs,
        ctrlSumCents: run.file.ctrlSumCents,
        fileDocumentId: file.id,
        fileSha256: run.sha,
        listDocumentId: list?.id ?? null,
        createdById: kasse.id,
        createdAt: run.createdAt,
        sentAt: at(run.createdOn, "15:05"),
        sentById: kasse.id,
        cancelledAt: null,
        cancelledById: null,
        cancelReason: "",
        updatedAt: bookedAt,
      });
    }
    const runIds = await insertChunked(m, PaymentRun, runRows);
    const statementIds = await insertChunked(
      m,
      BankStatement,
      runs.map((run, i) => ({ kind: "camt.053", documentId: docIds[i].camt, sha256: run.camtSha, messageId: run.statementMessageId, entryCount: run.items.length, matchedCount: run.items.length, importedById: kasse.id, importedAt: at(addDays(run.executionDate, 1), "08:15") })),
    );
    const runItemRows: QueryDeepPartialEntity<PaymentRunItem>[] = [];
    const lineRows: QueryDeepPartialEntity<BankStatementLine>[] = [];
    runs.forEach((run, i) => {
      for (const [n, item] of run.items.entries()) {
        runItemRows.push({ paymentRunId: runIds[i], paymentItemId: item.id, amountCents: item.amountCents, endToEndId: item.endToEndId });
        lineRows.push({ statementId: statementIds[i], entryRef: `${run.statementMessageId}-${n + 1}`, endToEndId: item.endToEndId, amountCents: item.amountCents, creditDebit: "DBIT", bookingDate: run.executionDate, counterpartyName: item.payeeName.slice(0, 200), counterpartyIban: item.iban, remittance: item.purpose, paymentItemId: item.id, status: "matched", note: "", bookedById: kasse.id, bookedAt: at(addDays(run.executionDate, 1), "08:15") });
      }
    });
    await insertChunked(m, PaymentRunItem, runItemRows, 500);
    const lineIds = await insertChunked(m, BankStatementLine, lineRows, 300);
    // Documents point to their run / statement.
    for (const [i, d] of docIds.entries()) {
      await m.createQueryBuilder().update("documents").set({ entityId: String(runIds[i]) }).where("id IN (:...ids)", { ids: [d.file, ...(d.list ? [d.list] : [])] }).execute();
      await m.createQueryBuilder().update("documents").set({ entityId: String(statementIds[i]) }).where("id = :id", { id: d.camt }).execute();
    }
    // Every paid item: three signatures in order, VoP match, its run and bank line.
    let k = 0;
    for (const [i, run] of runs.entries()) {
      for (const item of run.items) {
        // The signatures between the factual check and the run: arithmetic, order, VoP, in that order.
        const factualAt = item.factualAt;
        // Office hours: the working day after the factual check (or that day when the run follows at once).
        const signDay = (() => {
          let d = addDays(factualAt.slice(0, 10), 1);
          while ([0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay())) d = addDays(d, 1);
          return d <= run.createdOn ? d : run.createdOn;
        })();
        const mm = (n: number) => String(n % 60).padStart(2, "0");
        const slot = (time: string, fallbackHours: number) => {
          const t = at(signDay, time);
          return t > factualAt && t < run.createdAt ? t : new Date(Date.parse(factualAt) + fallbackHours * 60_000).toISOString();
        };
        const step = { arithmetic: slot(`09:${mm(5 + k * 7)}`, 20), order: slot(`11:${mm(3 + k * 11)}`, 40), vop: slot(`12:${mm(10 + k * 3)}`, 50) };
        const link = links.get(item.id);
        await m.getRepository(PaymentItem).update(
          { id: item.id },
          {
            ...(link ? { commitmentId: link.commitmentId, budgetLineId: link.budgetLineId } : {}),
            factualAt,
            arithmeticById: kasse.id,
            arithmeticAt: step.arithmetic,
            orderById: kasse2.id,
            orderAt: step.order,
            vopResult: "match",
            vopSuggestedName: "",
            vopCheckedAt: step.vop,
            vopById: kasse.id,
            paymentRunId: runIds[i],
            paidById: kasse.id,
            bankLineId: lineIds[k],
            updatedAt: at(addDays(run.executionDate, 1), "08:15"),
          },
        );
        k++;
      }
    }
    // The instalment items still open: their commitment.
    for (const [id, c, line] of phase1.itemLinks) {
      if (all.some((x) => x.id === id)) continue;
      await m.getRepository(PaymentItem).update({ id }, { commitmentId: c, budgetLineId: line });
    }
    await seedDemoFeed(m);
    await appendAudit(m, SYSTEM, {
      action: "demo.finance",
      summary: `Demodaten Finanzen angelegt: ${phase1.commitments} Mittelbindungen, ${phase1.invoices} Rechnungen, ${runs.length} Zahlläufe mit ${all.length} ausgezahlten Zahlungen (Umfang ${scale})`,
      details: { scale, commitments: phase1.commitments, releasedCents: phase1.released, invoices: phase1.invoices, runs: runs.length, paidItems: all.length },
    });
  });

  // ---- Phase 4: today's work in every state, through the services -----------------------------------
  await seedCurrentWork({ today, kasse, kasse2, caseManager, procurement, debtor, letterhead });

  return { commitments: phase1.commitments, runs: runs.length, paidItems: all.length, invoices: phase1.invoices, statements: runs.length };
}

interface CurrentWorkContext {
  today: string;
  kasse: PersonUser;
  kasse2: PersonUser;
  caseManager: PersonUser;
  procurement: PersonUser;
  debtor: { name: string; iban: string; bic: string | null };
  letterhead: { authority: string; address: string; contact: string; footer: string };
}

/** A moment `hoursAgo` hours before now (the signatures of today's work lie in the recent past). */
function ago(hoursAgo: number): string {
  return new Date(Date.parse(nowIso()) - hoursAgo * 3600_000).toISOString();
}

async function seedCurrentWork(c: CurrentWorkContext) {
  const { signItems, recordVop, cancelItem, correctItem, holdItemsForBankChange, PAYMENT_ITEMS, PAYMENT_RUNS, itemFacts } = await import("~/services/payment-items.server");
  const m = await em();
  const open = await m.getRepository(PaymentItem).find({ where: { status: In(["awaiting_factual", "awaiting_arithmetic"]) }, order: { id: "ASC" } });
  const invoices = open.filter((i) => i.sourceType === "invoice");
  const instalments = open.filter((i) => i.sourceType === "instalment");
  const ids = (list: PaymentItem[]) => list.map((i) => i.id);
  const sign = (user: PersonUser, list: PaymentItem[], signature: "factual" | "arithmetic" | "order", hoursAgo: number) => (list.length ? atSimulatedTime(ago(hoursAgo), () => signItems(user, ids(list), signature)) : null);

  // Invoices (awaiting the factual check) and certified instalments (awaiting arithmetic) spread
  // over every state: each at least twice, the order of steps as in the office.
  const inv = (n: number) => (invoices[n] ? [invoices[n]] : []);
  const range = (from: number, to: number) => invoices.slice(from, to);
  // 0–1 stay new; 2–3 are cancelled; 4–5 factual only; 6–7 awaiting the order; 8–9 on hold; 10– ordered.
  await sign(c.procurement, range(4, 10), "factual", 52);
  await sign(c.kasse, range(8, 10), "arithmetic", 48);
  // The payee of 8–9 changed its bank account after the signatures: the items are held.
  const heldProviders = [...new Set(range(8, 10).map((i) => i.providerId))];
  for (const [n, providerId] of heldProviders.entries()) {
    const provider = await m.getRepository(Provider).findOneOrFail({ where: { id: providerId } });
    await atSimulatedTime(ago(46 - n), () =>
      tx(async (mm) => {
        await mm.getRepository(BankAccount).update({ providerId, current: true }, { current: false });
        const account = await mm.getRepository(BankAccount).save(mm.getRepository(BankAccount).create({ providerId, iban: demoIban("85055000", String(3300000 + providerId)), bic: null, holder: provider.name, current: true, changedAt: nowIso(), changedById: null, requestedById: null }));
        await holdItemsForBankChange(mm, providerId, account);
      }),
    );
  }
  await sign(c.procurement, invoices.slice(10), "factual", 40);
  const arith = instalments.slice(0, Math.max(instalments.length - 2, 0));
  await sign(c.kasse, [...arith, ...range(6, 8), ...invoices.slice(10)], "arithmetic", 30);
  // Invoices 6–7 stay awaiting the order; the certified instalments and the newer invoices are ordered.
  const toOrder = [...arith, ...invoices.slice(10)];
  await sign(c.kasse2, toOrder, "order", 20);
  void inv;
  const ordered = await m.getRepository(PaymentItem).find({ where: { id: In([0, ...ids(toOrder)]), status: "ordered" }, order: { id: "ASC" } });
  // VoP: the first two match (they go into the current run); then one close match, one no match,
  // one without a result yet; the rest match.
  const [r1, r2, o1, o2, , ...oRest] = ordered;
  await atSimulatedTime(ago(18), async () => {
    if (o1) await recordVop(c.kasse, [o1.id], "close_match", `${o1.payeeName.replace(/ (GmbH|e\. V\.|gGmbH|UG.*|GbR)$/, "").trim()} Service GmbH`);
    if (o2) await recordVop(c.kasse, [o2.id], "no_match");
    const match = [r1, r2, ...oRest].filter(Boolean);
    if (match.length) await recordVop(c.kasse, ids(match), "match");
  });

  // The current run: created, file ready, not yet sent — two ordered items with a VoP match.
  const ready = await m.getRepository(PaymentItem).find({ where: { status: "ordered", vopResult: "match" }, order: { dueOn: "ASC", id: "ASC" } });
  if (ready.length >= 2) await seedCreatedRun(c, ready.filter((x) => x.id === r1?.id || x.id === r2?.id).length === 2 ? ready.filter((x) => x.id === r1?.id || x.id === r2?.id) : ready.slice(0, 2), PAYMENT_ITEMS, PAYMENT_RUNS, itemFacts);

  // Cancelled with a reason, and one corrected pair (cancelled + its replacement).
  const stillOrdered = [
    ...(await m.getRepository(PaymentItem).find({ where: { status: "ordered", vopResult: "match" }, order: { id: "DESC" } })),
    ...(await m.getRepository(PaymentItem).find({ where: { status: "awaiting_order" }, order: { id: "DESC" } })),
  ];
  await atSimulatedTime(ago(4), async () => {
    const [x, y] = range(2, 4);
    if (x) await cancelItem(c.kasse, x.id, "Rechnung doppelt eingereicht (auch per Post); die Zahlung erfolgt über die erste Rechnung.");
    if (y) await cancelItem(c.kasse2, y.id, "Leistung im Abrechnungsmonat nicht erbracht (Maßnahme ausgesetzt); Träger informiert.");
    if (stillOrdered[0]) await correctItem(c.kasse, stillOrdered[0].id, { amount: ((stillOrdered[0].amountCents - 2500) / 100).toFixed(2).replace(".", ","), reason: "Rechnerische Korrektur: ein Fehltag ist nicht abrechenbar (Kürzung um 25,00 €)." });
  });
}

async function seedCreatedRun(
  c: CurrentWorkContext,
  items: PaymentItem[],
  PAYMENT_ITEMS: typeof import("~/services/payment-items.server").PAYMENT_ITEMS,
  PAYMENT_RUNS: typeof import("~/services/payment-items.server").PAYMENT_RUNS,
  itemFacts: typeof import("~/services/payment-items.server").itemFacts,
) {
  const { transition, tryTransition } = await import("~/services/transition.server");
  const dueUntil = items.map((i) => i.dueOn).sort().at(-1)!;
  const executionDate = demoRunDay(addDays(c.today, 1));
  const run = await atSimulatedTime(ago(2), () =>
    tx(async (m) => {
      const nextZl = await referenceCounter(m, PaymentRun, "ZL", 4);
      const createdAt = nowIso();
      const reference = nextZl(createdAt.slice(0, 4));
      const run = await m.getRepository(PaymentRun).save(
        m.getRepository(PaymentRun).create({ reference, status: "building", dueUntil, executionDate, messageId: `${reference}-${createdAt.replace(/\D/g, "").slice(0, 14)}`, itemCount: 0, ctrlSumCents: 0, fileDocumentId: null, fileSha256: "", listDocumentId: null, createdById: c.kasse.id, createdAt, sentAt: null, sentById: null, cancelledAt: null, cancelledById: null, cancelReason: "", updatedAt: createdAt }),
      );
      for (const item of items) {
        await tryTransition(m, PAYMENT_ITEMS, { entity: item, event: "add_to_run", facts: await itemFacts(m, item, c.kasse, { dueUntil }), actor: c.kasse, set: { paymentRunId: run.id }, audit: { summary: `Zahlung ${item.reference} in Zahllauf ${reference} aufgenommen` } });
      }
      const taken = await m.getRepository(PaymentItem).find({ where: { paymentRunId: run.id, status: "in_run" }, order: { dueOn: "ASC", id: "ASC" } });
      await m.getRepository(PaymentRunItem).insert(taken.map((x) => ({ paymentRunId: run.id, paymentItemId: x.id, amountCents: x.amountCents, endToEndId: x.endToEndId })));
      return { run, taken };
    }),
  );
  const file = buildCreditTransfer({ messageId: run.run.messageId, createdAt: run.run.createdAt, initiatingPartyName: c.debtor.name, debtor: c.debtor, executionDate, batchBooking: true, payments: run.taken.map((i) => ({ endToEndId: i.endToEndId, amountCents: i.amountCents, creditorName: i.payeeName, creditorIban: i.iban, creditorBic: i.bic, remittance: i.purpose })) });
  const xml = new TextEncoder().encode(file.xml);
  const sha = sha256Hex(xml);
  const { renderPaymentRunListPdf } = await import("~/lib/payment-pdf.server");
  const pdf = await renderPaymentRunListPdf({ runReference: run.run.reference, executionDate, debtor: c.debtor, messageId: run.run.messageId, fileSha256: sha, count: file.nbOfTxs, ctrlSumCents: file.ctrlSumCents, items: run.taken.map((i) => ({ payeeName: i.payeeName, payeeIban: i.iban, endToEndId: i.endToEndId, remittance: i.purpose, amountCents: i.amountCents })), generatedAt: run.run.createdAt }, c.letterhead);
  await atSimulatedTime(ago(2), () =>
    tx(async (m) => {
      const f = await storeDocument(m, { origin: "generated", title: `SEPA-Datei Zahllauf ${run.run.reference}`, filename: `zahllauf-${run.run.reference}.xml`, contentType: "application/xml", bytes: xml, template: "pain.001.001.09", entityType: "payment-run", entityId: run.run.id, providerId: null, createdById: c.kasse.id });
      const l = await storeDocument(m, { origin: "generated", title: `Zahllaufliste ${run.run.reference}`, filename: `zahllaufliste-${run.run.reference}.pdf`, contentType: "application/pdf", bytes: pdf, template: "payment-run-list", entityType: "payment-run", entityId: run.run.id, providerId: null, createdById: c.kasse.id });
      await transition(m, PAYMENT_RUNS, { entity: run.run, event: "finish", facts: { state: "building" }, actor: c.kasse, set: { fileDocumentId: f.id, listDocumentId: l.id, fileSha256: sha, itemCount: file.nbOfTxs, ctrlSumCents: file.ctrlSumCents }, audit: { summary: `Zahllauf ${run.run.reference} erstellt: ${file.nbOfTxs} Zahlungen` } });
    }),
  );
}

/**
 * The change feed of the demo's history (ADR 0015): what the services would have reported when
 * the demo's invoices arrived and its payments were booked, so a provider's system that reads
 * the feed from the start learns the same states the portal shows. Inserted in the order the
 * changes happened.
 */
async function seedDemoFeed(m: EntityManager): Promise<number> {
  const { ApiEvent, FeeInstalment, PlacementClaim } = await import("../../entities");
  const { instalmentReference } = await import("~/domain/events");
  const rows: { type: string; providerId: number | null; entityType: string; entityId: number; reference: string; status: string | null; occurredAt: string; data: Record<string, unknown> | null }[] = [];
  for (const inv of await m.getRepository(Invoice).find({ order: { id: "ASC" } })) {
    if (!inv.providerId) continue;
    rows.push({ type: inv.status === "rejected" ? "invoice.rejected" : "invoice.received", providerId: inv.providerId, entityType: "invoice", entityId: inv.id, reference: inv.number || inv.reference, status: inv.status === "rejected" ? "rejected" : "accepted", occurredAt: inv.receivedAt, data: null });
  }
  const paid = await m.getRepository(PaymentItem).find({ where: { status: "paid" }, order: { paidOn: "ASC", id: "ASC" } });
  const instalments = new Map((await m.getRepository(FeeInstalment).find({ where: { id: In([0, ...paid.map((p) => p.instalmentId ?? 0)]) } })).map((i) => [i.id, i]));
  const claims = new Map((await m.getRepository(PlacementClaim).find({ where: { id: In([0, ...[...instalments.values()].map((i) => i.claimId)]) }, select: { id: true, reference: true } })).map((c) => [c.id, c.reference]));
  const invoices = new Map((await m.getRepository(Invoice).find({ where: { id: In([0, ...paid.map((p) => p.invoiceId ?? 0)]) } })).map((i) => [i.id, i]));
  for (const p of paid) {
    const occurredAt = `${p.paidOn}T10:00:00.000Z`;
    const inst = p.instalmentId ? instalments.get(p.instalmentId) : null;
    if (inst) rows.push({ type: "instalment.paid", providerId: p.providerId, entityType: "instalment", entityId: inst.id, reference: instalmentReference(claims.get(inst.claimId) ?? "", inst.number), status: "paid", occurredAt, data: { claimId: inst.claimId, number: inst.number } });
    const inv = p.invoiceId ? invoices.get(p.invoiceId) : null;
    if (inv) rows.push({ type: "invoice.paid", providerId: p.providerId, entityType: "invoice", entityId: inv.id, reference: inv.number || inv.reference, status: "paid", occurredAt, data: null });
  }
  rows.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  for (let i = 0; i < rows.length; i += 300) await m.getRepository(ApiEvent).insert(rows.slice(i, i + 300) as QueryDeepPartialEntity<InstanceType<typeof ApiEvent>>[]);
  return rows.length;
}
