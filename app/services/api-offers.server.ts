import { OFFER_STATE_LABELS, type OfferState } from "~/domain/tender";
import type { OfferSubmissionOutput as OfferSubmissionInput } from "~/lib/api-contract";
import { Offer } from "../../entities";
import { base64Bytes } from "~/domain/base64";
import { NotFoundError, ValidationError } from "~/domain/errors";
import { em } from "~/lib/db.server";
import type { CurrentUser } from "./auth.server";
import { ownOffers, submitOffer, withdrawOffer, type OfferReceipt } from "./offers.server";
import { getTenderForProvider, listPublishedTenders, visibleTender } from "./portal-tenders.server";

/** Published tenders (and those past publication that providers may still see), newest deadline first. */
export async function apiListTenders(filter: { acceptsOffers?: boolean } = {}) {
  const rows = (await listPublishedTenders()).map((t) => ({ id: t.id, reference: t.reference, title: t.title, measureType: t.measureType, measure: t.measure, offersUntil: t.offersUntil, status: t.status, statusLabel: t.statusLabel, acceptsOffers: t.open }));
  return filter.acceptsOffers === undefined ? rows : rows.filter((t) => t.acceptsOffers === filter.acceptsOffers);
}

export async function apiTender(user: CurrentUser, id: number) {
  const d = await getTenderForProvider(user, id);
  return {
    ...d.tender,
    status: d.status,
    statusLabel: d.statusLabel,
    measureType: d.measureType,
    measure: d.measure,
    procedure: d.procedure,
    acceptsOffers: d.acceptsOffers,
    acceptsQuestions: d.acceptsQuestions,
    lots: d.lots,
    criteria: d.criteria,
    questions: d.questions.filter((q) => q.answeredAt).map((q) => ({ question: q.question, answer: q.answer, answeredAt: q.answeredAt! })),
  };
}

/** The own offers for a tender the provider may see (404 for an unknown or unpublished tender). */
export async function apiOwnOffers(user: CurrentUser, tenderId: number) {
  await visibleTender(user, tenderId);
  return (await ownOffers(user, tenderId)).map((o) => ({ ...o, tenderId, statusLabel: OFFER_STATE_LABELS[o.status as OfferState] }));
}

/** The API's offer (already checked against the contract): the concept from base64 (JSON) or from the file part (multipart). */
export async function apiSubmitOffer(user: CurrentUser, tenderId: number, offer: OfferSubmissionInput, conceptFile: { filename: string; bytes: Uint8Array } | null, arrivedAt: string): Promise<OfferReceipt> {
  const concept = conceptFile ?? (offer.concept ? { filename: offer.concept.filename, bytes: conceptBytes(offer.concept.contentBase64) } : null);
  return submitOffer(user, tenderId, { lots: offer.lots.map((l) => ({ lotId: l.lotId, unitPriceCents: l.unitPriceCents, successFeeCents: l.successFeeCents ?? null })), declarations: offer.declarations, concept }, arrivedAt);
}

/** The concept's bytes from strict base64 (400 naming the field otherwise). */
function conceptBytes(text: string): Uint8Array {
  const bytes = base64Bytes(text);
  if (!bytes) throw new ValidationError("Das Konzept ist nicht gültig Base64-kodiert.", { "concept.contentBase64": "Kein gültiges Base64." });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** One own offer by id (404 for other organisations' offers). */
export async function apiOwnOffer(user: CurrentUser, offerId: number) {
  const manager = await em();
  const offer = Number.isInteger(offerId) && offerId > 0 ? await manager.getRepository(Offer).findOne({ where: { id: offerId } }) : null;
  if (!offer || offer.providerId !== user.providerId) throw new NotFoundError("Das Angebot wurde nicht gefunden.");
  return { id: offer.id, tenderId: offer.tenderId, status: offer.status as OfferState, statusLabel: OFFER_STATE_LABELS[offer.status as OfferState], version: offer.version, receivedAt: offer.receivedAt, receivedSha256: offer.receivedSha256, receivedBytes: offer.receivedBytes, withdrawnAt: offer.withdrawnAt };
}

export { withdrawOffer as apiWithdrawOffer };
