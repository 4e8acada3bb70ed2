import { z } from "zod";
import { Offer } from "../../entities";
import { NotFoundError, ValidationError } from "~/domain/errors";
import { em } from "~/lib/db.server";
import { fieldErrors } from "~/domain/validation";
import type { CurrentUser } from "./auth.server";
import { ownOffers, submitOffer, withdrawOffer, type OfferReceipt } from "./offers.server";
import { getTenderForProvider, listPublishedTenders } from "./portal-tenders.server";

/** The API's offer body: prices in cents, declarations, the concept as base64 (JSON) or as a file part (multipart). */
const apiOfferSchema = z.object({
  lots: z
    .array(
      z.object({
        lotId: z.number({ invalid_type_error: "lotId muss eine Zahl sein." }).int(),
        unitPriceCents: z.number({ invalid_type_error: "unitPriceCents muss eine ganze Zahl (Cent) sein." }).int("unitPriceCents muss eine ganze Zahl (Cent) sein."),
        successFeeCents: z.number().int().nullable().optional(),
      }),
    )
    .min(1, "Mindestens ein Los mit Preis angeben."),
  declarations: z.object({ eligible: z.boolean(), noExclusionGrounds: z.boolean(), certificateValid: z.boolean() }),
  concept: z.object({ filename: z.string().min(1).max(200), contentBase64: z.string().min(1) }).nullable().optional(),
});

export async function apiListTenders() {
  return (await listPublishedTenders()).map((t) => ({ id: t.id, reference: t.reference, title: t.title, measure: t.measure, offersUntil: t.offersUntil, status: t.statusLabel, acceptsOffers: t.open }));
}

export async function apiTender(user: CurrentUser, id: number) {
  const d = await getTenderForProvider(user, id);
  return { ...d.tender, status: d.statusLabel, procedure: d.procedure, acceptsOffers: d.acceptsOffers, lots: d.lots, criteria: d.criteria, questions: d.questions.filter((q) => q.answeredAt).map((q) => ({ question: q.question, answer: q.answer, answeredAt: q.answeredAt })) };
}

/** Parse a JSON body (concept in base64) or a multipart body (part "offer" = JSON, part "concept" = PDF). */
export async function apiSubmitOffer(user: CurrentUser, tenderId: number, body: { json?: unknown; offerJson?: string; conceptFile?: { filename: string; bytes: Uint8Array } | null }, arrivedAt: string): Promise<OfferReceipt> {
  let raw: unknown = body.json;
  if (body.offerJson !== undefined) {
    try {
      raw = JSON.parse(body.offerJson);
    } catch {
      throw new ValidationError("Der Teil „offer“ ist kein gültiges JSON.");
    }
  }
  const parsed = apiOfferSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError("Das Angebot ist unvollständig oder fehlerhaft.", fieldErrors(parsed.error));
  const o = parsed.data;
  const concept = body.conceptFile ?? (o.concept ? { filename: o.concept.filename, bytes: new Uint8Array(Buffer.from(o.concept.contentBase64, "base64")) } : null);
  return submitOffer(user, tenderId, { lots: o.lots.map((l) => ({ lotId: l.lotId, unitPriceCents: l.unitPriceCents, successFeeCents: l.successFeeCents ?? null })), declarations: o.declarations, concept }, arrivedAt);
}

/** One own offer by id (404 for other organisations' offers). */
export async function apiOwnOffer(user: CurrentUser, offerId: number) {
  const manager = await em();
  const offer = Number.isInteger(offerId) && offerId > 0 ? await manager.getRepository(Offer).findOne({ where: { id: offerId } }) : null;
  if (!offer || offer.providerId !== user.providerId) throw new NotFoundError("Das Angebot wurde nicht gefunden.");
  return { id: offer.id, tenderId: offer.tenderId, status: offer.status, version: offer.version, receivedAt: offer.receivedAt, receivedSha256: offer.receivedSha256, receivedBytes: offer.receivedBytes, withdrawnAt: offer.withdrawnAt };
}

export { ownOffers as apiOwnOffers, withdrawOffer as apiWithdrawOffer };
