import { freshDatabase } from "../setup/db";
import { In, IsNull, Not } from "typeorm";
import { beforeAll, describe, expect, it } from "vitest";
import { BankStatement, BankStatementLine, BudgetLine, Commitment, Document, FeeInstalment, PaymentItem, PaymentRun, PaymentRunItem, User } from "../../entities";
import { ConflictError, RuleError, ValidationError } from "~/domain/errors";
import { formatSepaAmount } from "~/domain/sepa";
import { setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import { readBytes } from "~/lib/files.server";
import { sha256Hex } from "~/lib/hash.server";
import { getSettings } from "~/lib/settings.server";
import { buildCamt053, buildCamt054 } from "~/demo/camt-fixture";
import { seedDemoData } from "~/demo/demo-data.server";
import { seedDemoPlacements } from "~/demo/demo-placements.server";
import type { PersonUser } from "~/services/auth.server";
import { ownInstalment, ownInstalments } from "~/services/instalments.server";
import { recordVop, importVopFile } from "~/services/payment-items.server";
import { cancelRun, createRun, getRun, getStatement, ignoreStatementLine, bookStatementLine, importBankStatement, markSent, previewRun, runFileResponse, vopWork } from "~/services/payment-runs.server";
import { insertItems, itemRow } from "../support/payment-fixtures";
import { PAIN_001_001_09_XSD, validateXsd } from "../support/xsd";

/**
 * Payment runs (issue 10 §§ 13–16): who enters a run, the pain.001.001.09 file (XSD-valid,
 * exact count and sum, no address lines), exactly once (concurrent runs, cancel), VoP, and the
 * camt.053 / camt.054 import booking items paid back to the broker.
 */

let finance: PersonUser;
let finance2: PersonUser;
let broker: PersonUser;
const DAY = "2026-03-02"; // a Monday
const EXEC = "2026-03-03";

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

async function servedFile(user: PersonUser, runId: number) {
  const res = await runFileResponse(user, runId);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/xml/);
  return new Uint8Array(await res.arrayBuffer());
}

beforeAll(async () => {
  await freshDatabase();
  setClock(`${DAY}T09:00:00.000Z`);
  await seedDemoData({ scale: 0.1 });
  await seedDemoPlacements({ scale: 0.1 });
  finance = await currentUser("kasse@asz-kamenz.example");
  finance2 = await currentUser("kasse2@asz-kamenz.example");
  broker = await currentUser("vermittler@jobbruecke-kamenz.example");
  // Only the test's own items are in play.
  const m = await em();
  await m.getRepository(PaymentItem).update({ status: "ordered" }, { status: "awaiting_order" });
}, 180_000);

describe("creating a run", () => {
  let runId: number;
  let inRun: PaymentItem[];

  it("takes only ordered items due up to the date with a VoP result that is not 'no match'; the others are listed with reasons", async () => {
    const m = await em();
    const [a, b, noVop, noMatch, later, awaiting, badIban] = await insertItems(m, [
      itemRow({ purpose: "Rechnung RE-2026-0001", amountCents: 123_456 }),
      itemRow({ purpose: "Vermittlungsverguetung VN-2026-00001 1. Rate", vopResult: "close_match", vopSuggestedName: "Müller GmbH", amountCents: 100_001 }),
      itemRow({ vopResult: null, vopCheckedAt: null }),
      itemRow({ vopResult: "no_match" }),
      itemRow({ dueOn: "2026-03-20" }),
      itemRow({ status: "awaiting_order" }),
      itemRow({ iban: "DE00370400440532013000" }),
    ]);
    const preview = await previewRun(finance, DAY);
    expect(preview).toMatchObject({ count: 2, sumCents: 223_457 });
    expect(preview!.refused.map((r) => r.id).sort()).toEqual([noVop.id, noMatch.id, badIban.id].sort());

    const result = await createRun(finance, { dueUntil: DAY, executionDate: EXEC });
    runId = result.run.id;
    expect(result.run).toMatchObject({ itemCount: 2, ctrlSumCents: 223_457 });
    expect(result.run.reference).toMatch(/^ZL-2026-\d{4}$/);
    const reasons = Object.fromEntries(result.refused.map((r) => [r.id, r.reason]));
    expect(reasons[noVop.id]).toContain("Empfängerüberprüfung");
    expect(reasons[noMatch.id]).toContain("keine Übereinstimmung");
    expect(reasons[badIban.id]).toContain("IBAN");
    expect(reasons[later.id]).toBeUndefined();
    expect(reasons[awaiting.id]).toBeUndefined();

    inRun = await m.getRepository(PaymentItem).find({ where: { paymentRunId: runId }, order: { id: "ASC" } });
    expect(inRun.map((i) => i.id)).toEqual([a.id, b.id]);
    expect(inRun.every((i) => i.status === "in_run")).toBe(true);
    for (const other of [noVop, noMatch, later, awaiting, badIban]) expect((await m.getRepository(PaymentItem).findOneByOrFail({ id: other.id })).paymentRunId).toBeNull();
    const run = await m.getRepository(PaymentRun).findOneByOrFail({ id: runId });
    expect(run).toMatchObject({ status: "created", itemCount: 2, ctrlSumCents: 223_457, dueUntil: DAY, executionDate: EXEC });
    expect(run.listDocumentId).not.toBeNull();
  });

  it("writes a pain.001.001.09 file that validates against the XSD, with exact NbOfTxs/CtrlSum, one end-to-end id per item, the remittance, the authority's account and no address lines", async () => {
    const m = await em();
    const run = await m.getRepository(PaymentRun).findOneByOrFail({ id: runId });
    const bytes = await servedFile(finance, runId);
    expect(sha256Hex(bytes)).toBe(run.fileSha256);
    const doc = await m.getRepository(Document).findOneByOrFail({ id: run.fileDocumentId! });
    expect(doc.sha256).toBe(run.fileSha256);
    expect(Buffer.from(await readBytes(doc.sha256)).equals(Buffer.from(bytes))).toBe(true);
    const xml = new TextDecoder().decode(bytes);
    expect(validateXsd(xml, PAIN_001_001_09_XSD)).toEqual([]);
    expect(xml.match(/<NbOfTxs>(\d+)<\/NbOfTxs>/g)).toEqual(["<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>"]);
    expect(xml.match(/<CtrlSum>([\d.]+)<\/CtrlSum>/g)).toEqual([`<CtrlSum>${formatSepaAmount(223_457)}</CtrlSum>`, `<CtrlSum>${formatSepaAmount(223_457)}</CtrlSum>`]);
    expect(xml).toContain("<CtrlSum>2234.57</CtrlSum>");
    const e2e = [...xml.matchAll(/<EndToEndId>([^<]+)<\/EndToEndId>/g)].map((x) => x[1]);
    expect(e2e.sort()).toEqual(inRun.map((i) => i.endToEndId).sort());
    expect(xml).toContain("<Ustrd>Rechnung RE-2026-0001</Ustrd>");
    expect(xml).toContain("<Ustrd>Vermittlungsverguetung VN-2026-00001 1. Rate</Ustrd>");
    const settings = await getSettings(m);
    expect(xml).toMatch(new RegExp(`<DbtrAcct><Id><IBAN>${settings["finance.debtorIban"]}</IBAN>`));
    expect(xml).toContain(`<MsgId>${run.messageId}</MsgId>`);
    expect(xml).not.toContain("<PstlAdr>");
    expect(xml).not.toContain("<AdrLine>");
    // Served again: the same stored bytes, never regenerated.
    expect(sha256Hex(await servedFile(finance, runId))).toBe(run.fileSha256);
    const detail = await getRun(finance, runId);
    expect(detail.items).toHaveLength(2);
    expect(detail.run.fileSha256).toBe(run.fileSha256);
  });

  it("refuses a run when nothing is eligible, and bad dates with field messages", async () => {
    await expect(createRun(finance, { dueUntil: DAY, executionDate: EXEC })).rejects.toBeInstanceOf(RuleError);
    await expect(createRun(finance, { dueUntil: "", executionDate: "2026-03-07" })).rejects.toMatchObject({ fieldErrors: { dueUntil: expect.any(String), executionDate: expect.stringContaining("kein Bankarbeitstag") } });
    await expect(createRun(finance, { dueUntil: DAY, executionDate: "2026-02-27" })).rejects.toBeInstanceOf(ValidationError);
    await expect(createRun(broker, { dueUntil: DAY, executionDate: EXEC })).rejects.toThrow();
  });

  it("two concurrent runs: every item lands in exactly one; the second finds nothing", async () => {
    const m = await em();
    const fresh = await insertItems(m, [itemRow(), itemRow(), itemRow()]);
    const results = await Promise.allSettled([createRun(finance, { dueUntil: DAY, executionDate: EXEC }), createRun(finance2, { dueUntil: DAY, executionDate: EXEC })]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toBeInstanceOf(RuleError);
    const links = await m.getRepository(PaymentRunItem).find({ where: { paymentItemId: In(fresh.map((f) => f.id)) } });
    expect(links).toHaveLength(3);
    expect(new Set(links.map((l) => l.paymentRunId)).size).toBe(1);
    // Nowhere an item in two runs that are not cancelled.
    const all = await m.getRepository(PaymentRunItem).find();
    const live = new Set((await m.getRepository(PaymentRun).find({ where: { status: Not("cancelled") } })).map((r) => r.id));
    const seen = new Map<number, number>();
    for (const l of all.filter((l) => live.has(l.paymentRunId))) seen.set(l.paymentItemId, (seen.get(l.paymentItemId) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it("cancelling a created run returns its items to 'ordered'; a new run takes them; a sent run cannot be cancelled", async () => {
    const m = await em();
    const run = await m.getRepository(PaymentRun).findOneOrFail({ where: { status: "created" }, order: { id: "DESC" } });
    const ids = (await m.getRepository(PaymentRunItem).find({ where: { paymentRunId: run.id } })).map((l) => l.paymentItemId);
    await expect(cancelRun(finance, run.id, "kurz")).rejects.toBeInstanceOf(ValidationError);
    expect(await cancelRun(finance, run.id, "Falsches Ausführungsdatum gewählt")).toEqual({ returned: 3 });
    const back = await m.getRepository(PaymentItem).find({ where: { id: In(ids) } });
    expect(back.every((i) => i.status === "ordered" && i.paymentRunId === null)).toBe(true);
    expect(await m.getRepository(PaymentRun).findOneByOrFail({ id: run.id })).toMatchObject({ status: "cancelled", cancelReason: "Falsches Ausführungsdatum gewählt", cancelledById: finance.id });
    const again = await createRun(finance, { dueUntil: DAY, executionDate: EXEC });
    expect(again.run.itemCount).toBe(3);
    await markSent(finance, again.run.id);
    await expect(cancelRun(finance, again.run.id, "Doch nicht senden, bitte")).rejects.toBeInstanceOf(ConflictError);
    expect((await m.getRepository(PaymentRun).findOneByOrFail({ id: again.run.id })).status).toBe("sent");
  });
});

describe("a file that cannot be written", () => {
  it("abandons the run at once and returns its items (no run left in 'building')", async () => {
    const m = await em();
    const [bad] = await insertItems(m, [itemRow({ payeeName: "###" })]);
    await expect(createRun(finance, { dueUntil: DAY, executionDate: EXEC })).rejects.toBeInstanceOf(ValidationError);
    expect(await m.getRepository(PaymentRun).count({ where: { status: "building" } })).toBe(0);
    const after = await m.getRepository(PaymentItem).findOneByOrFail({ id: bad.id });
    expect(after).toMatchObject({ status: "ordered", paymentRunId: null });
    const abandoned = await m.getRepository(PaymentRun).findOneOrFail({ where: {}, order: { id: "DESC" } });
    expect(abandoned.status).toBe("cancelled");
    expect(abandoned.cancelReason).toContain("Datei konnte nicht geschrieben werden");
    await m.getRepository(PaymentItem).update({ id: bad.id }, { status: "cancelled" });
  });
});

describe("Verification of Payee", () => {
  it("records results by hand and from a file; 'no match' keeps the item out with the German message", async () => {
    const m = await em();
    const [x, y] = await insertItems(m, [itemRow({ vopResult: null, vopCheckedAt: null, iban: "DE91100000000123456789" }), itemRow({ vopResult: null, vopCheckedAt: null, iban: "DE91100000000123456789" })]);
    const work = await vopWork(finance);
    const group = work.groups.find((g) => g.iban === "DE91100000000123456789")!;
    expect(group.items.map((i) => i.id).sort()).toEqual([x.id, y.id].sort());
    await recordVop(finance, [x.id], "no_match");
    const after = await vopWork(finance);
    const shown = after.groups.flatMap((g) => g.items).find((i) => i.id === x.id)!;
    expect(shown.vopLabel).toBe("keine Übereinstimmung");
    expect(shown.vopMessage).toContain("Die Zahlung wird angehalten");
    const res = await importVopFile(finance, "IBAN;Name;Ergebnis;Vorgeschlagener Name\nDE91 1000 0000 0123 4567 89;Träger;Übereinstimmung;\nDE89370400440532013001;X;MTCH;\n");
    expect(res.matched).toBe(2);
    expect(res.errors).toHaveLength(1);
    expect((await m.getRepository(PaymentItem).findOneByOrFail({ id: y.id })).vopResult).toBe("match");
    await m.getRepository(PaymentItem).update({ id: In([x.id, y.id]) }, { status: "awaiting_order" });
  });
});

describe("bank statements", () => {
  let runId: number;
  let items: PaymentItem[];
  let instalment: FeeInstalment;
  let commitment: Commitment;
  let camt: string;

  it("a camt.053 books the run's items paid: the instalment is paid for the broker, the commitment consumed, the run booked", async () => {
    const m = await em();
    // The demo broker's payable instalment: its item ordered, with a commitment to consume.
    const providerInstalments = await m.getRepository(FeeInstalment).find({ where: { providerId: broker.providerId!, status: "payable" } });
    const item = await m.getRepository(PaymentItem).findOneOrFail({ where: { instalmentId: In(providerInstalments.map((i) => i.id)), status: Not("paid") } });
    instalment = providerInstalments.find((i) => i.id === item.instalmentId)!;
    const line = await m.getRepository(BudgetLine).findOneByOrFail({ number: "1.4820.7690" });
    commitment = await m.getRepository(Commitment).save({ reference: "MB-TEST-0001", budgetLineId: line.id, year: 2026, sourceType: "manual", sourceId: null, providerId: broker.providerId!, description: "Test", amountCents: item.amountCents + 50_000, consumedCents: 0, releasedCents: 0, status: "open", createdAt: `${DAY}T09:00:00.000Z`, createdById: null, closedAt: null, closeReason: "", updatedAt: `${DAY}T09:00:00.000Z` });
    await m.getRepository(PaymentItem).update({ id: item.id }, { status: "ordered", vopResult: "match", dueOn: "2026-02-20", commitmentId: commitment.id, budgetLineId: line.id });
    const [other, mismatch] = await insertItems(m, [itemRow({ amountCents: 77_700 }), itemRow({ amountCents: 55_500 })]);
    const run = await createRun(finance, { dueUntil: DAY, executionDate: EXEC });
    runId = run.run.id;
    items = await m.getRepository(PaymentItem).find({ where: { paymentRunId: runId } });
    expect(items.map((i) => i.id).sort()).toEqual([item.id, other.id, mismatch.id].sort());
    await markSent(finance, runId);
    camt = buildCamt053({
      messageId: "STMT-2026-03-03",
      createdAt: "2026-03-03T18:00:00.000Z",
      account: { iban: "DE02120300000000202051", name: "Landkreis Kamenz" },
      bookingDate: EXEC,
      openingBalanceCents: 10_000_000,
      entries: [
        ...items.map((i) => ({ endToEndId: i.endToEndId, amountCents: i.id === mismatch.id ? i.amountCents + 1 : i.amountCents, creditDebit: "DBIT" as const, counterpartyName: i.payeeName, counterpartyIban: i.iban, remittance: i.purpose, batchId: "B1" })),
        { endToEndId: "VT-UNBEKANNT-1", amountCents: 12_345, creditDebit: "DBIT" as const, counterpartyName: "Unbekannt", counterpartyIban: "DE89370400440532013000", remittance: "Gebuehr" },
      ],
    });
    const result = await importBankStatement(finance, { filename: "auszug.xml", bytes: new TextEncoder().encode(camt) });
    expect(result.booked.map((b) => b.reference).sort()).toEqual([item.reference, other.reference].sort());
    expect(result.mismatched).toHaveLength(1);
    expect(result.mismatched[0].reason).toContain("Betrag weicht ab");
    expect(result.unmatched).toBe(2);

    const paid = await m.getRepository(PaymentItem).findOneByOrFail({ id: item.id });
    expect(paid).toMatchObject({ status: "paid", paidOn: EXEC });
    expect(paid.bankLineId).not.toBeNull();
    expect((await m.getRepository(PaymentItem).findOneByOrFail({ id: mismatch.id })).status).toBe("in_run");
    expect((await m.getRepository(FeeInstalment).findOneByOrFail({ id: instalment.id })).status).toBe("paid");
    const own = await ownInstalments(broker);
    expect(own.find((i) => i.id === instalment.id)).toMatchObject({ status: "paid", statusLabel: "ausgezahlt am 03.03.2026" });
    // What GET /api/v1/placements/{id}/instalments/{number} answers: paid, with the booking day of the statement.
    expect(await ownInstalment(broker, instalment.claimId, instalment.number)).toMatchObject({ status: "paid", paidOn: EXEC, statusLabel: "ausgezahlt am 03.03.2026" });
    expect((await m.getRepository(Commitment).findOneByOrFail({ id: commitment.id })).consumedCents).toBe(item.amountCents);
    // Not all paid yet: the run waits.
    expect((await m.getRepository(PaymentRun).findOneByOrFail({ id: runId })).status).toBe("sent");
  });

  it("the same file twice is refused; a DOCTYPE is refused; a wrong type is refused", async () => {
    await expect(importBankStatement(finance, { filename: "auszug-kopie.xml", bytes: new TextEncoder().encode(camt) })).rejects.toBeInstanceOf(ConflictError);
    const evil = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>` + camt.replace(/^<\?xml[^>]*\?>/, "");
    await expect(importBankStatement(finance, { filename: "evil.xml", bytes: new TextEncoder().encode(evil) })).rejects.toBeInstanceOf(ValidationError);
    await expect(importBankStatement(finance, { filename: "auszug.pdf", bytes: new TextEncoder().encode("%PDF-1.4") })).rejects.toMatchObject({ fieldErrors: { file: expect.stringContaining("XML") } });
    const otherAccount = camt.replace(/DE02120300000000202051/g, "DE89370400440532013000");
    await expect(importBankStatement(finance, { filename: "fremd.xml", bytes: new TextEncoder().encode(otherAccount) })).rejects.toMatchObject({ fieldErrors: { file: expect.stringContaining("nicht zum Auszahlungskonto") } });
    expect(await (await em()).getRepository(BankStatement).count()).toBe(1);
  });

  it("open lines are listed: one booked by hand to the mismatched item, one marked done; the run becomes booked", async () => {
    const m = await em();
    const statement = await m.getRepository(BankStatement).findOneOrFail({ where: {}, order: { id: "DESC" } });
    const view = await getStatement(finance, statement.id);
    const open = view.lines.filter((l) => l.status === "unmatched");
    expect(open).toHaveLength(2);
    const mismatchLine = open.find((l) => l.endToEndId !== "VT-UNBEKANNT-1")!;
    const unknownLine = open.find((l) => l.endToEndId === "VT-UNBEKANNT-1")!;
    const mismatchItem = items.find((i) => i.endToEndId === mismatchLine.endToEndId)!;
    await expect(bookStatementLine(finance, mismatchLine.id, { reference: mismatchItem.reference, reason: "kurz" })).rejects.toBeInstanceOf(ValidationError);
    // A bank movement proves only its own payment: not another one (named by its end-to-end id),
    // and without a known id only one of the same amount to the same account.
    const [other] = await insertItems(m, [itemRow({ amountCents: 1_234, dueOn: "2099-12-31" })]);
    await expect(bookStatementLine(finance, mismatchLine.id, { reference: other.reference, reason: "Versuch einer Fremdbuchung" })).rejects.toThrow(/End-to-End-ID .* kann keiner anderen Zahlung zugeordnet werden/);
    await expect(bookStatementLine(finance, unknownLine.id, { reference: other.reference, reason: "Versuch einer Fremdbuchung" })).rejects.toThrow(/passt nicht zur Zahlung/);
    expect((await m.getRepository(PaymentItem).findOneByOrFail({ id: other.id })).status).toBe("ordered");
    await m.getRepository(PaymentItem).delete({ id: other.id });
    await bookStatementLine(finance, mismatchLine.id, { reference: mismatchItem.reference.toLowerCase(), reason: "Bank hat 1 Cent Gebühr aufgeschlagen, geklärt" });
    await ignoreStatementLine(finance, unknownLine.id, "Kontoführungsgebühr, keine Zahlung");
    await expect(ignoreStatementLine(finance, unknownLine.id, "Kontoführungsgebühr, keine Zahlung")).rejects.toBeInstanceOf(ConflictError);
    const after = await getStatement(finance, statement.id);
    expect(after.lines.filter((l) => l.status === "unmatched")).toHaveLength(0);
    const booked = await m.getRepository(PaymentItem).findOneByOrFail({ id: mismatchItem.id });
    expect(booked.status).toBe("paid");
    // The difference to the bank's amount stays on the payment, not only on the statement line.
    expect(booked.paidNote).toMatch(/Differenz/);
    expect((await m.getRepository(PaymentRun).findOneByOrFail({ id: runId })).status).toBe("booked");
    expect(await m.getRepository(BankStatementLine).count({ where: { paymentItemId: Not(IsNull()) } })).toBe(3);
  });

  it("a camt.054 notification books too; lines of items already paid are noted, not booked twice", async () => {
    const m = await em();
    const [z] = await insertItems(m, [itemRow({ amountCents: 4_200 })]);
    const run = await createRun(finance, { dueUntil: DAY, executionDate: EXEC });
    const paidBefore = items[0];
    const xml = buildCamt054({
      messageId: "NTFCTN-1",
      createdAt: "2026-03-04T08:00:00.000Z",
      account: { iban: "DE02120300000000202051", name: "Landkreis Kamenz" },
      bookingDate: "2026-03-04",
      entries: [
        { endToEndId: z.endToEndId, amountCents: 4_200, creditDebit: "DBIT", counterpartyName: z.payeeName, counterpartyIban: z.iban, remittance: z.purpose },
        { endToEndId: paidBefore.endToEndId, amountCents: paidBefore.amountCents, creditDebit: "DBIT", counterpartyName: paidBefore.payeeName, counterpartyIban: paidBefore.iban, remittance: paidBefore.purpose },
      ],
    });
    const result = await importBankStatement(finance, { filename: "avis.xml", bytes: new TextEncoder().encode(xml) });
    expect(result.kind).toBe("camt.054");
    expect(result.booked.map((b) => b.reference)).toEqual([z.reference]);
    expect((await m.getRepository(PaymentItem).findOneByOrFail({ id: z.id })).paidOn).toBe("2026-03-04");
    expect((await m.getRepository(PaymentRun).findOneByOrFail({ id: run.run.id })).status).toBe("booked");
    const lines = await m.getRepository(BankStatementLine).find({ where: { statementId: result.id } });
    expect(lines.find((l) => l.endToEndId === paidBefore.endToEndId)).toMatchObject({ status: "ignored" });
  });
});
