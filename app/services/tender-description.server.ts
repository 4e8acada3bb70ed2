import { AwardCriterion, Lot, Tender } from "../../entities";
import { criterionLabel, measureTypeLabel, PRICE_UNIT_LABELS, PROCEDURE_LABELS, REGIME_LABELS, type PriceUnit, type ProcedureType, type Regime } from "~/domain/tender";
import { methodInWords } from "~/domain/past-performance";
import { formatDate, formatDateTime } from "~/domain/time";
import type { EntityManager } from "typeorm";
import { storeRendered, type GenerateDocumentInput, type PreparedDocument } from "~/lib/documents.server";

/** The service description PDF, stored at publication for everyone (entityType "tender-public"); `ahead` rendered before the transaction. */
export async function createTenderDescription(m: EntityManager, tender: Tender, createdById: number | null, ahead: PreparedDocument | null) {
  return storeRendered(m, await tenderDescriptionInput(m, tender, createdById), ahead);
}

/** What the service description says: the tender as it is published (regime decided), its lots and criteria. */
export async function tenderDescriptionInput(m: EntityManager, tender: Tender, createdById: number | null): Promise<GenerateDocumentInput> {
  const lots = await m.getRepository(Lot).find({ where: { tenderId: tender.id }, order: { number: "ASC" } });
  const criteria = await m.getRepository(AwardCriterion).find({ where: { tenderId: tender.id }, order: { position: "ASC" } });
  return {
    template: "tender-description",
    data: {
      reference: tender.reference,
      title: tender.title,
      measure: measureTypeLabel(tender.measureType),
      legalBasis: tender.legalBasis,
      procedure: PROCEDURE_LABELS[tender.procedureType as ProcedureType][tender.regime as Regime],
      regime: REGIME_LABELS[tender.regime as Regime],
      questionsUntil: formatDateTime(tender.questionsUntil),
      offersUntil: formatDateTime(tender.offersUntil),
      bindingUntil: formatDate(tender.bindingUntil),
      description: tender.description || "–",
      lots: lots.map((l) => ({ number: l.number, title: l.title, quantity: l.quantity, region: l.region || "–", startDate: formatDate(l.startDate), duration: `${l.durationMonths} Monate`, priceUnit: PRICE_UNIT_LABELS[l.priceUnit as PriceUnit] })),
      criteria: criteria.map((c) => ({ name: criterionLabel(c), weight: `${c.weight} %`, description: [c.description, c.kind === "past_performance" && c.method ? methodInWords(c.method, tender.maxPoints) : ""].filter(Boolean).join(" ") || "–" })),
      scoring: `Wertung nach gewichteten Punkten: Qualitätskriterien 0 bis ${tender.maxPoints} Punkte; beim Preis erhält das niedrigste Angebot ${tender.maxPoints} Punkte, jedes andere ${tender.maxPoints} × niedrigster Preis ÷ eigener Preis.`,
    },
    title: `Leistungsbeschreibung ${tender.reference}`,
    filename: `leistungsbeschreibung-${tender.reference}.pdf`,
    entityType: "tender-public",
    entityId: String(tender.id),
    providerId: null,
    createdById,
  };
}
