import { In, type EntityManager } from "typeorm";
import { ApiToken, AuditEvent, Lot, Offer, OpeningConfirmation, Provider, Tender, User } from "../../entities";
import { tokenPrefixLabel } from "~/domain/api-tokens";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { offerReference } from "~/domain/events";
import { formatCents } from "~/domain/money";
import { PRICE_UNIT_LABELS, PROCEDURE_LABELS, type PriceUnit, type ProcedureType, type Regime } from "~/domain/tender";
import { offersReadable } from "~/domain/tender.machine";
import { formatDateTime, formatDateTimeSeconds } from "~/domain/time";
import { appendAudit, canonicalJson } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { can } from "~/domain/permissions";
import { em, tx } from "~/lib/db.server";
import { prepareDocument, storeRendered, type GenerateDocumentInput, type PreparedDocument } from "~/lib/documents.server";
import { isReadablePdf } from "~/lib/pdf-check.server";
import { enqueueMail } from "~/lib/mailer.server";
import { readBytes, sniffContentType, storeBytes } from "~/lib/files.server";
import { sha256Hex } from "~/lib/hash.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { sealParts, unseal, unwrapDataKey } from "~/lib/sealing.server";
import { decodeSealedOffer, encodeSealedOffer } from "~/domain/sealed-offer";
import { getSetting } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { recordEvent } from "./events.server";
import { lockTender, requireTender, TENDERS, tenderFacts } from "./tenders.server";
import { transition } from "./transition.server";
import { computePastPerformance } from "./past-performance.server";

/** What a bidder submits: prices per lot, declarations, a concept document. */
export interface OfferSubmission {
  lots: { lotId: number; unitPriceCents: number; successFeeCents?: number | null }[];
  declarations: { eligible: boolean; noExclusionGrounds: boolean; certificateValid: boolean };
  concept: { filename: string; bytes: Uint8Array } | null;
}

/** The sealed content, as stored (encrypted) and as read after the opening. */
export interface OfferContent {
  lots: { lotId: number; unitPriceCents: number; successFeeCents: number | null }[];
  declarations: OfferSubmission["declarations"];
  concept: { filename: string; sha256: string; size: number } | null;
}

export interface OfferReceipt {
  offerId: number;
  tenderReference: string;
  receivedAt: string;
  sha256: string;
  bytes: number;
  version: number;
}

/** Check a submission against the tender's lots; German messages per field. */
/** `conceptIsPdf`: the concept loaded as a PDF with at least one page (checked before, outside any transaction). */
function validateSubmission(s: OfferSubmission, lots: Lot[], maxBytes: number, conceptIsPdf: boolean): OfferContent {
  const errors: Record<string, string> = {};
  if (!s.lots.length) errors.lots = "Bitte geben Sie für mindestens ein Los einen Preis an.";
  const seen = new Set<number>();
  for (const l of s.lots) {
    const lot = lots.find((x) => x.id === l.lotId);
    if (!lot) errors.lots = "Das Angebot nennt ein Los, das es in dieser Ausschreibung nicht gibt.";
    else if (seen.has(l.lotId)) errors[`lot-${l.lotId}`] = `Los ${lot.number} ist doppelt angegeben.`;
    else if (!Number.isInteger(l.unitPriceCents) || l.unitPriceCents <= 0) errors[`lot-${l.lotId}`] = `Los ${lot.number}: Bitte einen Preis über 0 € angeben (${PRICE_UNIT_LABELS[lot.priceUnit as PriceUnit]}).`;
    else if (lot.priceUnit === "participant_success" && !(l.successFeeCents && l.successFeeCents > 0)) errors[`lot-${l.lotId}-fee`] = `Los ${lot.number}: Bitte die Erfolgsprämie angeben.`;
    seen.add(l.lotId);
  }
  const d = s.declarations;
  if (!d.eligible) errors.eligible = "Bitte erklären Sie Ihre Eignung.";
  if (!d.noExclusionGrounds) errors.noExclusionGrounds = "Bitte erklären Sie, dass keine Ausschlussgründe (§§ 123, 124 GWB) vorliegen.";
  if (!d.certificateValid) errors.certificateValid = "Bitte bestätigen Sie, dass Ihre Trägerzulassung (AZAV) am Ende der Angebotsfrist gültig ist.";
  if (!s.concept || s.concept.bytes.length === 0) errors.concept = "Bitte laden Sie Ihr Konzept als PDF hoch.";
  else if (s.concept.bytes.length > maxBytes) errors.concept = `Das Konzept ist größer als ${Math.round(maxBytes / 1048576)} MB.`;
  else if (!conceptIsPdf) errors.concept = "Das Konzept muss eine PDF-Datei sein (der Inhalt ist kein PDF).";
  if (Object.keys(errors).length) throw new ValidationError("Das Angebot ist unvollständig. Bitte prüfen Sie die markierten Angaben.", errors);
  return {
    lots: s.lots.map((l) => ({ lotId: l.lotId, unitPriceCents: l.unitPriceCents, successFeeCents: l.successFeeCents ?? null })),
    declarations: { ...d },
    concept: s.concept ? { filename: s.concept.filename.replace(/[\\/]/g, "_").slice(0, 200), sha256: sha256Hex(s.concept.bytes), size: s.concept.bytes.length } : null,
  };
}

/**
 * Submit (or replace) an offer. `arrivedAt` is the instant the request reached the server,
 * taken before the upload was read: an offer that arrived before the deadline is accepted even
 * when many arrive in the same second and wait for the database. Contents are sealed before
 * they are written; only the receipt data stays in clear.
 */
export async function submitOffer(user: CurrentUser, tenderId: number, submission: OfferSubmission, arrivedAt: string = nowIso()): Promise<OfferReceipt> {
  if (user.role !== "provider" || !user.providerId) throw new ForbiddenError("Nur Träger und Vermittler können Angebote abgeben.");
  const providerId = user.providerId;
  const manager = await em();
  const tender = await requireTender(manager, tenderId);
  await refuseLate(tender, arrivedAt, user);
  const lots = await manager.getRepository(Lot).find({ where: { tenderId } });
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  const conceptIsPdf = !!submission.concept && submission.concept.bytes.length > 0 && submission.concept.bytes.length <= maxBytes && (await isReadablePdf(submission.concept.bytes));
  const content = validateSubmission(submission, lots, maxBytes, conceptIsPdf);
  const receivedSha256 = sha256Hex(Buffer.from(canonicalJson(content), "utf8"));
  const sealed = sealParts(unwrapDataKey(tender.wrappedDataKey), encodeSealedOffer(content, submission.concept?.bytes ?? null), offerAad({ tenderId, providerId, receivedSha256 }));
  const stored = await storeBytes(sealed.ciphertext);
  const receivedBytes = Buffer.byteLength(canonicalJson(content)) + (submission.concept?.bytes.length ?? 0);

  return tx(async (m) => {
    const current = await lockTender(m, tenderId);
    // Checked again under the lock: the tender may have been cancelled meanwhile.
    const problem = lateProblem(current, arrivedAt);
    if (problem) throw new ConflictError(problem.message);
    const previous = await m.getRepository(Offer).find({ where: { tenderId, providerId }, order: { version: "DESC" } });
    const version = (previous[0]?.version ?? 0) + 1;
    const replaced = previous.filter((o) => o.status === "submitted");
    if (replaced.length) await m.getRepository(Offer).update({ id: In(replaced.map((o) => o.id)) }, { status: "replaced" });
    const offer = await m.getRepository(Offer).save(
      m.getRepository(Offer).create({
        tenderId,
        providerId,
        submittedById: user.id,
        submittedByApiTokenId: user.apiToken?.id ?? null,
        status: "submitted",
        version,
        receivedAt: arrivedAt,
        receivedSha256,
        receivedBytes,
        sealedSha256: stored.sha256,
        sealIv: sealed.iv,
        sealTag: sealed.tag,
        withdrawnAt: null,
        receiptDocumentId: null,
        formalResult: "",
        exclusionReason: "",
        formalCheckedById: null,
        lowPriceJustification: "",
      }),
    );
    for (const r of replaced) await recordEvent(m, { type: "offer.replaced", providerId, entityType: "offer", entityId: r.id, reference: offerReference(current.reference, r.version), status: "replaced" });
    await recordEvent(m, { type: "offer.received", providerId, entityType: "offer", entityId: offer.id, reference: offerReference(current.reference, version), status: "submitted" });
    await appendAudit(m, actorOf(user), {
      action: replaced.length ? "offer.replace" : "offer.submit",
      summary: `Angebot ${replaced.length ? "ersetzt" : "eingegangen"} (${current.reference}, Fassung ${version})`,
      entityType: "offer",
      entityId: offer.id,
      providerId,
      details: { tenderId, receivedAt: arrivedAt, sha256: receivedSha256, bytes: receivedBytes },
    });
    const provider = await m.getRepository(Provider).findOne({ where: { id: providerId } });
    await enqueueTemplateMail(m, {
      to: [...new Set([user.email, provider?.email ?? ""].filter(Boolean))],
      template: "mail-offer-receipt",
      data: { reference: current.reference, title: current.title, receivedAt: formatDateTimeSeconds(arrivedAt), version, sha256: receivedSha256 },
    });
    return { offerId: offer.id, tenderReference: current.reference, receivedAt: arrivedAt, sha256: receivedSha256, bytes: receivedBytes, version };
  });
}

/** Why an offer arriving at `arrivedAt` cannot be taken, or null. Open while published (or just closed) and before the deadline. */
function lateProblem(tender: Tender, arrivedAt: string): { late: boolean; message: string } | null {
  const receiving = tender.status === "published" || tender.status === "offers_closed";
  if (receiving && tender.offersUntil !== null && arrivedAt < tender.offersUntil) return null;
  if (receiving) return { late: true, message: `Die Angebotsfrist ist am ${formatDateTime(tender.offersUntil)} abgelaufen. Ihr Angebot ist um ${formatDateTimeSeconds(arrivedAt)} eingegangen und kann nicht mehr angenommen werden.` };
  return { late: false, message: "Für diese Ausschreibung können keine Angebote abgegeben werden." };
}

/** Before any work: refuse a late offer, and record the refusal in the audit trail. */
async function refuseLate(tender: Tender, arrivedAt: string, user: CurrentUser) {
  const problem = lateProblem(tender, arrivedAt);
  if (!problem) return;
  if (problem.late) {
    await tx((m) =>
      appendAudit(m, actorOf(user), {
        action: "offer.late_refused",
        summary: `Verspätetes Angebot abgewiesen (${tender.reference}, Eingang ${formatDateTimeSeconds(arrivedAt)})`,
        entityType: "tender",
        entityId: tender.id,
        providerId: user.providerId,
        details: { arrivedAt, offersUntil: tender.offersUntil },
      }),
    );
  }
  throw new ConflictError(problem.message);
}

export async function withdrawOffer(user: CurrentUser, offerId: number): Promise<void> {
  const arrivedAt = nowIso();
  await tx(async (m) => {
    const offer = await m.getRepository(Offer).findOne({ where: { id: offerId } });
    if (!offer || offer.providerId !== user.providerId) throw new NotFoundError("Das Angebot wurde nicht gefunden.");
    if (offer.status !== "submitted") throw new ConflictError("Nur das aktuelle Angebot kann zurückgezogen werden.");
    const tender = await lockTender(m, offer.tenderId);
    if (!(tender.status === "published" && tender.offersUntil && arrivedAt < tender.offersUntil)) throw new ConflictError("Nach Ablauf der Angebotsfrist kann ein Angebot nicht mehr zurückgezogen werden.");
    await m.getRepository(Offer).update({ id: offerId }, { status: "withdrawn", withdrawnAt: arrivedAt });
    await recordEvent(m, { type: "offer.withdrawn", providerId: offer.providerId, entityType: "offer", entityId: offerId, reference: offerReference(tender.reference, offer.version), status: "withdrawn" });
    await appendAudit(m, actorOf(user), { action: "offer.withdraw", summary: `Angebot zurückgezogen (${tender.reference})`, entityType: "offer", entityId: offerId, providerId: offer.providerId, details: { at: arrivedAt } });
  });
}

/** A provider's own offers for a tender: receipt data only (its own prices it knows). */
export async function ownOffers(user: CurrentUser, tenderId: number) {
  if (!user.providerId) return [];
  const manager = await em();
  const rows = await manager.getRepository(Offer).find({ where: { tenderId, providerId: user.providerId }, order: { version: "DESC" } });
  return rows.map((o) => ({ id: o.id, status: o.status, version: o.version, receivedAt: o.receivedAt, receivedSha256: o.receivedSha256, receivedBytes: o.receivedBytes, withdrawnAt: o.withdrawnAt, receiptDocumentId: o.receiptDocumentId }));
}

/** The receipt PDF of an offer (generated once, then served as stored; rendered outside the write transaction). */
export async function offerReceiptDocument(user: CurrentUser, offerId: number) {
  const manager = await em();
  const visible = (offer: Offer | null): Offer => {
    if (!offer || (user.role === "provider" && offer.providerId !== user.providerId)) throw new NotFoundError("Das Angebot wurde nicht gefunden.");
    return offer;
  };
  const offer = visible(await manager.getRepository(Offer).findOne({ where: { id: offerId } }));
  if (offer.receiptDocumentId) return offer.receiptDocumentId;
  const ahead = await prepareDocument(await receiptInput(manager, offer, user), manager);
  return tx(async (m) => {
    const current = visible(await m.getRepository(Offer).findOne({ where: { id: offerId } }));
    if (current.receiptDocumentId) return current.receiptDocumentId; // another request stored it meanwhile
    const doc = await storeRendered(m, await receiptInput(m, current, user), ahead);
    await m.getRepository(Offer).update({ id: current.id }, { receiptDocumentId: doc.id });
    return doc.id;
  });
}

async function receiptInput(m: EntityManager, offer: Offer, user: CurrentUser): Promise<GenerateDocumentInput> {
  const tender = await requireTender(m, offer.tenderId);
  const provider = await m.getRepository(Provider).findOne({ where: { id: offer.providerId } });
  return {
    template: "offer-receipt",
    data: {
      providerName: provider?.name ?? "–",
      providerAddress: provider ? `${provider.street}\n${provider.postalCode} ${provider.city}` : "–",
      reference: tender.reference,
      title: tender.title,
      receivedAt: formatDateTimeSeconds(offer.receivedAt),
      version: offer.version,
      submittedBy: await offerSubmitterName(m, offer),
      size: `${offer.receivedBytes.toLocaleString("de-DE")} Bytes`,
      sha256: offer.receivedSha256,
      offersUntil: formatDateTime(tender.offersUntil),
    },
    title: `Eingangsbestätigung ${tender.reference}`,
    filename: `eingangsbestaetigung-${tender.reference}-${offer.version}.pdf`,
    entityType: "offer",
    entityId: String(offer.id),
    providerId: offer.providerId,
    createdById: user.id,
  };
}

/** Who sent an offer: the person, or the API token it came through (an organisation token has no person). */
async function offerSubmitterName(m: EntityManager, offer: Offer): Promise<string> {
  const person = offer.submittedById !== null ? await m.getRepository(User).findOne({ where: { id: offer.submittedById } }) : null;
  const token = offer.submittedByApiTokenId !== null ? await m.getRepository(ApiToken).findOne({ where: { id: offer.submittedByApiTokenId } }) : null;
  const via = token ? `API-Zugang „${token.name}“ (${tokenPrefixLabel(token.prefix)})` : null;
  if (person && via) return `${person.name} über ${via}`;
  return person?.name ?? via ?? "–";
}

// ---------------------------------------------------------------- opening

/**
 * One procurement user confirms the opening. With the second confirmation by a different
 * person the tender moves to "opened", the offers become readable and the opening record is
 * written.
 */
export async function confirmOpening(user: PersonUser, tenderId: number): Promise<{ opened: boolean; documentId: number | null }> {
  const at = nowIso();
  const result = await confirmOpeningTx(user, tenderId, at, await openingRecordAhead(user, tenderId, at));
  // Past performance (issue 12): computed right after the opening from the figures at the offer
  // deadline. A failure does not undo the opening: the evaluation page offers to compute again.
  if (result.opened) await computePastPerformance(user, tenderId).catch((error) => console.error(`Vorleistung der Ausschreibung ${tenderId} nicht berechnet:`, error instanceof Error ? error.message : String(error)));
  return result;
}

/**
 * If this confirmation will be the second, the opening record rendered before the transaction
 * (DESIGN.md § 7), as it will read when the tender is opened at `at`; null otherwise. It lists
 * the bidders' prices, so it stays in memory: its bytes reach the file store only inside the
 * transaction that opens the tender (and records the unsealing).
 */
async function openingRecordAhead(user: PersonUser, tenderId: number, at: string): Promise<PreparedDocument | null> {
  if (!can(user.role, "open:tender:any")) return null;
  const m = await em();
  const tender = await m.getRepository(Tender).findOne({ where: { id: tenderId } });
  if (!tender || tender.status !== "offers_closed") return null;
  const confirmations = await m.getRepository(OpeningConfirmation).find({ where: { tenderId }, order: { id: "ASC" } });
  if (confirmations.some((c) => c.userId === user.id) || confirmations.length + 1 < 2) return null;
  const opened = Object.assign(new Tender(), tender, { status: "opened", openedAt: at });
  return prepareDocument((await openingRecordInput(m, user, opened)).input, m, { store: false });
}

async function confirmOpeningTx(user: PersonUser, tenderId: number, at: string, ahead: PreparedDocument | null): Promise<{ opened: boolean; documentId: number | null }> {
  return tx(async (m) => {
    const tender = await lockTender(m, tenderId);
    if (tender.status !== "offers_closed") throw new ConflictError(tender.status === "published" ? "Die Angebotsfrist läuft noch; vorher dürfen Angebote nicht geöffnet werden." : "Die Angebote dieser Ausschreibung können nicht (mehr) geöffnet werden.");
    const already = await m.getRepository(OpeningConfirmation).findOne({ where: { tenderId, userId: user.id } });
    if (already) throw new ConflictError("Sie haben die Öffnung bereits bestätigt. Eine zweite, andere Person der Vergabestelle muss bestätigen.");
    await m.getRepository(OpeningConfirmation).insert({ tenderId, userId: user.id, at });
    await appendAudit(m, actorOf(user), { action: "tender.opening_confirm", summary: `Öffnung der Angebote bestätigt (${tender.reference})`, entityType: "tender", entityId: tenderId });
    const facts = await tenderFacts(m, tender);
    if (facts.openingConfirmations < 2) return { opened: false, documentId: null };
    await transition(m, TENDERS, { entity: tender, event: "open", facts, actor: user, set: { openedAt: at, updatedAt: at }, audit: { summary: `Angebote geöffnet (${tender.reference}) durch zwei Personen` } });
    const record = await openingRecordInput(m, user, tender);
    await appendAudit(m, actorOf(user), { action: "offer.unseal", summary: `${record.unsealed} Angebot(e) entschlüsselt für die Öffnungsniederschrift (${tender.reference})`, entityType: "tender", entityId: tender.id });
    const doc = await storeRendered(m, record.input, ahead);
    return { opened: true, documentId: doc.id };
  });
}

/** The context a sealed offer is bound to (its tender, bidder and receipt hash). */
function offerAad(o: Pick<Offer, "tenderId" | "providerId" | "receivedSha256">): string {
  return `offer:${o.tenderId}:${o.providerId}:${o.receivedSha256}`;
}

/** Decrypt the offers of an opened tender. Refused before the opening, for everyone. */
export async function readOffers(m: EntityManager, tender: Tender): Promise<(Offer & { content: OfferContent })[]> {
  if (!offersReadable(tender.status as never, tender.openedAt)) throw new ForbiddenError("Die Angebote sind bis zur Öffnung nach Ablauf der Angebotsfrist versiegelt.");
  const key = unwrapDataKey(tender.wrappedDataKey);
  const offers = await m.getRepository(Offer).find({ where: { tenderId: tender.id, status: "submitted" }, order: { receivedAt: "ASC" } });
  const out: (Offer & { content: OfferContent })[] = [];
  for (const o of offers) {
    const bytes = await readBytes(o.sealedSha256);
    const { content } = decodeSealedOffer<OfferContent>(unseal(key, bytes, o.sealIv, o.sealTag, offerAad(o)));
    out.push({ ...o, content });
  }
  return out;
}

/**
 * The concept of one offer, after the opening, for those who evaluate (the PDF as uploaded). Each
 * reading is recorded in the audit trail; before the opening it is refused like the offer itself.
 */
export async function offerConcept(user: CurrentUser, tenderId: number, offerId: number): Promise<{ filename: string; bytes: Uint8Array }> {
  if (!can(user.role, "evaluate:tender:any")) throw new ForbiddenError();
  const m = await em();
  const tender = await requireTender(m, tenderId);
  if (!offersReadable(tender.status as never, tender.openedAt)) throw new ForbiddenError("Die Angebote sind bis zur Öffnung nach Ablauf der Angebotsfrist versiegelt.");
  const offer = await m.getRepository(Offer).findOne({ where: { id: offerId, tenderId } });
  if (!offer) throw new NotFoundError("Das Angebot wurde nicht gefunden.");
  const plaintext = unseal(unwrapDataKey(tender.wrappedDataKey), await readBytes(offer.sealedSha256), offer.sealIv, offer.sealTag, offerAad(offer));
  const { content, concept } = decodeSealedOffer<OfferContent>(plaintext);
  if (!concept || !content.concept) throw new NotFoundError("Dieses Angebot enthält kein Konzept.");
  await tx((t) =>
    appendAudit(t, actorOf(user), {
      action: "offer.concept_read",
      summary: `Konzept eines Angebots geöffnet (${tender.reference}, Fassung ${offer.version})`,
      entityType: "offer",
      entityId: offer.id,
      providerId: offer.providerId,
      details: { tenderId, sha256: content.concept!.sha256 },
    }),
  );
  return { filename: content.concept.filename || "konzept.pdf", bytes: concept };
}

/** The opening record of an opened tender, from its decrypted offers (the caller records the unsealing). */
async function openingRecordInput(m: EntityManager, user: CurrentUser, tender: Tender): Promise<{ input: GenerateDocumentInput; unsealed: number }> {
  const offers = await readOffers(m, tender);
  const lots = await m.getRepository(Lot).find({ where: { tenderId: tender.id }, order: { number: "ASC" } });
  const providers = await m.getRepository(Provider).find({ where: { id: In([0, ...offers.map((o) => o.providerId)]) } });
  const confirmations = await m.getRepository(OpeningConfirmation).find({ where: { tenderId: tender.id }, order: { id: "ASC" } });
  const confirmers = [...confirmations.map((c) => c.userId), ...(confirmations.some((c) => c.userId === user.id) ? [] : [user.id])]; // before the transaction: the coming confirmation too
  const people = await m.getRepository(User).find({ where: { id: In([0, ...confirmers]) } });
  const openers = confirmers.map((id) => people.find((u) => u.id === id)).filter((u): u is User => u !== undefined);
  const others = await m.getRepository(Offer).find({ where: { tenderId: tender.id, status: In(["withdrawn", "replaced"]) }, order: { receivedAt: "ASC" } });
  const lateEvents = await m.getRepository(AuditEvent).find({ where: { action: "offer.late_refused", entityType: "tender", entityId: String(tender.id) }, order: { seq: "ASC" } });
  const lateProviders = lateEvents.length ? await m.getRepository(Provider).find({ where: { id: In([0, ...lateEvents.map((e) => e.providerId ?? 0)]) } }) : [];
  providers.push(...lateProviders.filter((p) => !providers.some((x) => x.id === p.id)));
  const name = (pid: number) => providers.find((p) => p.id === pid)?.name ?? `Träger ${pid}`;
  const rows: Record<string, string | number>[] = [];
  offers.forEach((o, i) => {
    for (const l of o.content.lots) {
      const lot = lots.find((x) => x.id === l.lotId);
      rows.push({
        no: i + 1,
        bidder: name(o.providerId),
        receivedAt: formatDateTimeSeconds(o.receivedAt),
        lot: lot ? `Los ${lot.number}` : "–",
        price: `${formatCents(l.unitPriceCents)} ${lot ? PRICE_UNIT_LABELS[lot.priceUnit as PriceUnit] : ""}${l.successFeeCents ? ` + ${formatCents(l.successFeeCents)} Erfolgsprämie` : ""}`,
        state: o.content.concept && o.content.declarations.eligible && o.content.declarations.noExclusionGrounds && o.content.declarations.certificateValid ? "fristgerecht, vollständig" : "fristgerecht, unvollständig",
      });
    }
  });
  const input: GenerateDocumentInput = {
    template: "opening-record",
    data: {
      reference: tender.reference,
      title: tender.title,
      procedure: PROCEDURE_LABELS[tender.procedureType as ProcedureType][tender.regime as Regime],
      offersUntil: formatDateTime(tender.offersUntil),
      openedAt: formatDateTimeSeconds(tender.openedAt),
      openers: openers.map((u) => u.name).join(" und "),
      offerCount: offers.length,
      offers: rows,
      others: [
        ...others.map((o) => ({ bidder: name(o.providerId), at: formatDateTimeSeconds(o.withdrawnAt ?? o.receivedAt), what: o.status === "withdrawn" ? "zurückgezogen" : `durch Fassung ${o.version + 1} ersetzt` })),
        ...lateEvents.map((e) => ({ bidder: name(e.providerId ?? 0), at: formatDateTimeSeconds(String((e.details as { arrivedAt?: string } | null)?.arrivedAt ?? e.at)), what: "verspätet eingegangen, nicht angenommen" })),
      ],
    },
    title: `Niederschrift Angebotsöffnung ${tender.reference}`,
    filename: `oeffnung-${tender.reference}.pdf`,
    entityType: "tender",
    entityId: String(tender.id),
    providerId: null,
    createdById: user.id,
  };
  return { input, unsealed: offers.length };
}
