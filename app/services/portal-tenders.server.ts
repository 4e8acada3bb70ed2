import { In } from "typeorm";
import { AwardCriterion, Contract, Document, Lot, Provider, Tender, TenderDownload, TenderQuestion } from "../../entities";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { methodInWords } from "~/domain/past-performance";
import { criterionLabel, measureTypeLabel, PRICE_UNIT_LABELS, PROCEDURE_LABELS, REGIME_LABELS, type PriceUnit, type ProcedureType, type Regime } from "~/domain/tender";
import { TENDER_STATE_LABELS, type TenderState } from "~/domain/tender.machine";
import { formatDate, formatDateTime } from "~/domain/time";
import { appendAudit } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { storeDocument } from "~/lib/documents.server";
import { isReadablePdf } from "~/lib/pdf-check.server";
import { getSetting } from "~/lib/settings.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { recordEvent } from "./events.server";
import { ownOffers } from "./offers.server";
import { requireTender } from "./tenders.server";

const VISIBLE_TO_PROVIDERS: TenderState[] = ["published", "offers_closed", "opened", "evaluated", "award_decided", "bidders_informed", "awarded", "cancelled"];

/** Published tenders for the provider portal (open ones first). */
export async function listPublishedTenders() {
  const manager = await em();
  const rows = await manager.getRepository(Tender).find({ where: { status: In(VISIBLE_TO_PROVIDERS) }, order: { offersUntil: "DESC" }, take: 200 });
  const now = nowIso();
  return rows.map((t) => ({ id: t.id, reference: t.reference, title: t.title, measureType: t.measureType, measure: measureTypeLabel(t.measureType), offersUntil: t.offersUntil, status: t.status as TenderState, statusLabel: TENDER_STATE_LABELS[t.status as TenderState], open: t.status === "published" && !!t.offersUntil && now < t.offersUntil }));
}

/** A tender a provider may see (published or later), or 404: unknown and unpublished tenders look alike. */
export async function visibleTender(user: CurrentUser, id: number): Promise<Tender> {
  if (!can(user.role, "read:tender:published")) throw new ForbiddenError();
  const tender = await (await em()).getRepository(Tender).findOne({ where: { id } });
  if (!tender || !VISIBLE_TO_PROVIDERS.includes(tender.status as TenderState)) throw new NotFoundError("Die Ausschreibung wurde nicht gefunden.");
  return tender;
}

export async function getTenderForProvider(user: CurrentUser, id: number) {
  const tender = await visibleTender(user, id);
  const manager = await em();
  const [lots, criteria, questions, offers, publicDocuments] = await Promise.all([
    manager.getRepository(Lot).find({ where: { tenderId: id }, order: { number: "ASC" } }),
    manager.getRepository(AwardCriterion).find({ where: { tenderId: id }, order: { position: "ASC" } }),
    manager.getRepository(TenderQuestion).find({ where: { tenderId: id }, order: { askedAt: "ASC" } }),
    ownOffers(user, id),
    manager.getRepository(Document).find({ where: { entityType: "tender-public", entityId: String(id) }, order: { id: "ASC" } }),
  ]);
  const now = nowIso();
  return {
    tender: { id: tender.id, reference: tender.reference, title: tender.title, description: tender.description, legalBasis: tender.legalBasis, questionsUntil: tender.questionsUntil, offersUntil: tender.offersUntil, bindingUntil: tender.bindingUntil, maxPoints: tender.maxPoints },
    status: tender.status as TenderState,
    statusLabel: TENDER_STATE_LABELS[tender.status as TenderState],
    measureType: tender.measureType,
    measure: measureTypeLabel(tender.measureType),
    procedure: PROCEDURE_LABELS[tender.procedureType as ProcedureType][tender.regime as Regime],
    acceptsOffers: tender.status === "published" && !!tender.offersUntil && now < tender.offersUntil,
    acceptsQuestions: tender.status === "published" && (!tender.questionsUntil || now < tender.questionsUntil),
    lots: lots.map((l) => ({ id: l.id, number: l.number, title: l.title, quantity: l.quantity, region: l.region, startDate: l.startDate, durationMonths: l.durationMonths, priceUnit: l.priceUnit, priceUnitLabel: PRICE_UNIT_LABELS[l.priceUnit as PriceUnit] })),
    criteria: criteria.map((c) => ({ id: c.id, name: c.name, weight: c.weight, isPrice: c.isPrice, description: c.description, methodWords: c.kind === "past_performance" && c.method ? methodInWords(c.method, tender.maxPoints) : null })),
    // Answers are published to all bidders without the asker's identity; own open questions are shown too.
    questions: questions.filter((q) => q.answeredAt || q.providerId === user.providerId).map((q) => ({ id: q.id, question: q.question, answer: q.answer, answeredAt: q.answeredAt, own: q.providerId === user.providerId })),
    offers,
    descriptionDocumentId: publicDocuments.find((d) => d.template === "tender-description")?.id ?? null,
    documents: publicDocuments.map((d) => ({ id: d.id, title: d.title, size: d.size })),
  };
}

/** A provider opens a tender document: noted, so answers to bidder questions reach it. */
export async function downloadTenderDocument(user: PersonUser, tenderId: number, documentId?: number): Promise<number> {
  const detail = await getTenderForProvider(user, tenderId);
  const chosen = documentId ? detail.documents.find((d) => d.id === documentId)?.id : detail.descriptionDocumentId;
  if (!chosen) throw new NotFoundError("Für diese Ausschreibung liegen keine solchen Unterlagen vor.");
  if (user.providerId) {
    await tx(async (m) => {
      const exists = await m.getRepository(TenderDownload).findOne({ where: { tenderId, providerId: user.providerId! } });
      if (!exists) await m.getRepository(TenderDownload).insert({ tenderId, providerId: user.providerId!, userId: user.id, at: nowIso() });
    });
  }
  return chosen;
}

/** Staff add an attachment (PDF only, checked by content, size limit) to the tender documents. */
export async function addTenderAttachment(user: CurrentUser, tenderId: number, filename: string, bytes: Uint8Array): Promise<void> {
  const maxBytes = (await getSetting("uploads.maxMegabytes")) * 1048576;
  if (!bytes.length) throw new ValidationError("Bitte wählen Sie eine Datei aus.", { file: "Bitte wählen Sie eine Datei aus." });
  if (bytes.length > maxBytes) throw new ValidationError(`Die Datei ist größer als ${Math.round(maxBytes / 1048576)} MB.`, { file: "Die Datei ist zu groß." });
  if (!(await isReadablePdf(bytes))) throw new ValidationError("Nur PDF-Dateien sind zulässig (der Inhalt der Datei ist kein PDF).", { file: "Nur PDF-Dateien sind zulässig." });
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    if (!["draft", "published"].includes(tender.status)) throw new ConflictError("Unterlagen können nur bis zum Ende der Angebotsfrist ergänzt werden.");
    const clean = filename.replace(/[\\/]/g, "_").slice(0, 150) || "anlage.pdf";
    const doc = await storeDocument(m, { origin: "upload", title: `Anlage: ${clean}`, filename: clean, contentType: "application/pdf", bytes, entityType: "tender-public", entityId: String(tenderId), providerId: null, createdById: user.id });
    await appendAudit(m, actorOf(user), { action: "tender.attachment", summary: `Anlage „${clean}“ zu ${tender.reference} hinzugefügt`, entityType: "tender", entityId: tenderId, details: { documentId: doc.id, sha256: doc.sha256, size: doc.size } });
  });
}

export async function askQuestion(user: PersonUser, tenderId: number, text: string): Promise<void> {
  const question = text.trim();
  if (question.length < 10) throw new ValidationError("Bitte formulieren Sie Ihre Frage (mindestens 10 Zeichen).", { question: "Bitte formulieren Sie Ihre Frage (mindestens 10 Zeichen)." });
  const detail = await getTenderForProvider(user, tenderId);
  if (!detail.acceptsQuestions) throw new ConflictError("Die Frist für Bieterfragen ist abgelaufen.");
  await tx(async (m) => {
    const q = await m.getRepository(TenderQuestion).save({ tenderId, providerId: user.providerId!, askedById: user.id, question: question.slice(0, 5000), askedAt: nowIso(), answer: "", answeredAt: null, answeredById: null });
    await appendAudit(m, actorOf(user), { action: "tender.question", summary: `Bieterfrage gestellt (${detail.tender.reference})`, entityType: "tender_question", entityId: q.id, providerId: user.providerId });
  });
}

/** Staff answer a question; the answer goes to every bidder who downloaded the documents, without the asker's name. */
export async function answerQuestion(user: CurrentUser, questionId: number, text: string): Promise<void> {
  const answer = text.trim();
  if (answer.length < 5) throw new ValidationError("Bitte geben Sie eine Antwort ein.", { answer: "Bitte geben Sie eine Antwort ein." });
  await tx(async (m) => {
    const q = await m.getRepository(TenderQuestion).findOne({ where: { id: questionId } });
    if (!q) throw new NotFoundError("Die Frage wurde nicht gefunden.");
    const tender = await requireTender(m, q.tenderId);
    await m.getRepository(TenderQuestion).update({ id: questionId }, { answer: answer.slice(0, 10000), answeredAt: nowIso(), answeredById: user.id });
    // Public: the answer is published to every bidder, without the asker (ADR 0015).
    await recordEvent(m, { type: "tender.question_answered", providerId: null, entityType: "tender", entityId: tender.id, reference: tender.reference, status: tender.status, data: { questionId } });
    await appendAudit(m, actorOf(user), { action: "tender.answer", summary: `Bieterfrage beantwortet und veröffentlicht (${tender.reference})`, entityType: "tender_question", entityId: questionId });
    const downloads = await m.getRepository(TenderDownload).find({ where: { tenderId: tender.id } });
    const providers = downloads.length ? await m.getRepository(Provider).find({ where: { id: In(downloads.map((d) => d.providerId)) } }) : [];
    for (const p of providers.filter((x) => x.email)) {
      await enqueueTemplateMail(m, { to: p.email, template: "mail-question-answered", data: { reference: tender.reference, title: tender.title, question: q.question, answer } });
    }
  });
}

export async function ownContracts(user: CurrentUser) {
  if (!user.providerId) return [];
  const manager = await em();
  const rows = await manager.getRepository(Contract).find({ where: { providerId: user.providerId }, order: { concludedAt: "DESC" } });
  return rows;
}
