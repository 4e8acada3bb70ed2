import { In } from "typeorm";
import { AuditEvent, AwardCriterion, Lot, Offer, Provider, Tender } from "../../entities";
import { formatCents } from "~/domain/money";
import { criterionLabel, measureTypeLabel, PRICE_UNIT_LABELS, PROCEDURE_LABELS, REGIME_LABELS, type PriceUnit, type ProcedureType, type Regime } from "~/domain/tender";
import { offersReadable, TENDER_STATE_LABELS, type TenderState } from "~/domain/tender.machine";
import { formatDate, formatDateTime, formatDateTimeSeconds } from "~/domain/time";
import { appendAudit } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { describeDocument, findSameDocument, renderDocument, storePrepared, type GenerateDocumentInput } from "~/lib/documents.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { evaluationView } from "./evaluation.server";
import { requireTender } from "./tenders.server";
import { pastPerformanceRows } from "./past-performance.server";

/** Audit actions that do not change the procedure: left out of the record's timeline. */
const NOT_IN_TIMELINE = new Set(["tender.record"]);

/**
 * The procurement record (Vergabevermerk, § 8 Abs. 2 VgV), built from the tender's data and its
 * audit trail. Available at every stage (before the opening without any offer content). When
 * the procedure changed since the last record, a new PDF is stored (earlier ones stay as they
 * were); asked again for an unchanged procedure, the stored record is returned.
 */
export async function createProcurementRecord(user: CurrentUser, tenderId: number) {
  // The evaluation view is read outside the transaction (it opens offers only when allowed).
  const pre = await tx((m) => requireTender(m, tenderId));
  const evaluation = offersReadable(pre.status as TenderState, pre.openedAt) ? await evaluationView(user, tenderId) : null;
  const { input, reference, status } = await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    const settings = await getSettings(m);
    // One after another: inside a transaction the queries share one connection.
    const lots = await m.getRepository(Lot).find({ where: { tenderId }, order: { number: "ASC" } });
    const criteria = await m.getRepository(AwardCriterion).find({ where: { tenderId }, order: { position: "ASC" } });
    const events = await m.getRepository(AuditEvent).find({ where: { entityType: "tender", entityId: String(tenderId) }, order: { seq: "ASC" } });
    const offerRows = await m.getRepository(Offer).find({ where: { tenderId } });
    const providers = await m.getRepository(Provider).find({ where: { id: In([0, ...offerRows.map((o) => o.providerId)]) } });
    const name = (id: number) => providers.find((p) => p.id === id)?.name ?? `Träger ${id}`;
    const notes = tender.recordNotes ?? {};
    const pastPerformance = await pastPerformanceRows(m, tender);
    const regime = tender.regime as Regime;
    const submitted = offerRows.filter((o) => o.status === "submitted");
    const ranking = evaluation?.ranking ?? [];
    const data = {
      reference: tender.reference,
      title: tender.title,
      status: TENDER_STATE_LABELS[tender.status as TenderState],
      buyer: `${settings["letterhead.authority"]}\n${settings["letterhead.address"]}`,
      measure: measureTypeLabel(tender.measureType),
      legalBasis: tender.legalBasis,
      value: formatCents(tender.estimatedValueCents),
      regime: REGIME_LABELS[regime],
      regimeReason: tender.regimeReason || "Wird mit der Veröffentlichung festgestellt.",
      procedure: `${PROCEDURE_LABELS[tender.procedureType as ProcedureType][regime]} (${PROCEDURE_LABELS[tender.procedureType as ProcedureType].eu} / ${PROCEDURE_LABELS[tender.procedureType as ProcedureType].national}).`,
      procedureReasons: notes.procedureReasons || (tender.procedureType === "open" ? "Offenes Verfahren als Regelverfahren; keine besondere Begründung erforderlich." : "Begründung noch nicht vermerkt."),
      lots: lots.map((l) => ({ number: l.number, title: l.title, quantity: l.quantity, duration: `${l.durationMonths} Monate ab ${formatDate(l.startDate)}`, priceUnit: PRICE_UNIT_LABELS[l.priceUnit as PriceUnit] })),
      criteria: criteria.map((c) => ({ name: criterionLabel(c), weight: `${c.weight} %` })),
      pastPerformanceMethod: pastPerformance ? `Kriterium „${pastPerformance.criterion.name}“ (${pastPerformance.criterion.weight} %). ${pastPerformance.methodWords}` : "Die Vorleistung (Leistungsbilanz) ist kein Zuschlagskriterium.",
      pastPerformance: (pastPerformance?.rows ?? []).map((x) => {
        const noData = x.n === "–";
        // A suppressed figure: only "zu wenige Fälle (< 3)", never k/n beside it.
        return {
          bidder: name(x.providerId),
          period: `${x.period} (Stand ${x.dataDate})`,
          rate: x.suppressed ? x.rate : noData ? "keine Daten" : `${x.rate} (${x.k}/${x.n})`,
          interval: x.interval,
          ratio: noData ? "–" : pastPerformance!.basis === "ratio" ? `${x.ratio} (${x.ratioInterval}); erwartet ${x.expected}` : `Gesamtquote ${x.overall}`,
          points: x.pointsText,
          reason: x.reason,
        };
      }),
      lotReasons: notes.lotReasons || "entfällt",
      offerSummary: evaluation
        ? `${submitted.length} gültige Angebote; die Inhalte wurden am ${formatDateTime(tender.openedAt)} von zwei Personen geöffnet.`
        : `${submitted.length} Angebot(e) eingegangen; die Inhalte sind bis zur Öffnung versiegelt.`,
      offers: evaluation
        ? evaluation.offers.map((o) => ({ bidder: o.providerName, receivedAt: formatDateTimeSeconds(o.receivedAt), result: o.formalResult === "admitted" ? "zugelassen" : o.formalResult === "excluded" ? "ausgeschlossen" : "noch nicht geprüft", reason: o.exclusionReason || offerOutcome(o.id, lots, ranking, tender.status === "opened") }))
        : [],
      maxPoints: String(tender.maxPoints),
      // The ranking with everyone's points exists once the evaluation is finished (independent scoring before).
      rankingNote: !evaluation ? "Die Angebote sind noch versiegelt." : tender.status === "opened" ? "Die Wertung läuft noch; die Rangfolge steht fest, wenn sie abgeschlossen ist." : "",
      ranking:
        evaluation && tender.status !== "opened"
          ? ranking.flatMap((r) =>
              r.ranked.map((x) => ({
                lot: `Los ${lots.find((l) => l.id === r.lotId)?.number ?? "–"}`,
                rank: String(x.rank),
                bidder: x.providerName,
                price: x.priceLabel,
                points: [
                  `${criteria.find((c) => c.isPrice)?.name ?? "Preis"} ${recordPoints(x.priceScore)}`,
                  ...criteria.filter((c) => !c.isPrice).map((c) => {
                    const given = (x.qualityPoints as Record<number, number | null>)[c.id];
                    return `${c.name} ${given === null || given === undefined ? "–" : recordPoints(given)}`;
                  }),
                ].join("; "),
                total: recordPoints(x.total),
              })),
            )
          : [],
      lowOffers: ranking.flatMap((r) => r.ranked.filter((x) => x.abnormallyLow).map((x) => ({ lot: `Los ${lots.find((l) => l.id === r.lotId)?.number ?? "–"}`, bidder: x.providerName, justification: x.justification || "noch keine Aufklärung" }))),
      awards: lots
        .filter((l) => l.awardDecision)
        .map((l) => ({
          lot: `Los ${l.number}`,
          decision: l.awardDecision === "award" ? "Zuschlag" : "kein Zuschlag",
          winner: l.awardedOfferId ? name(offerRows.find((o) => o.id === l.awardedOfferId)?.providerId ?? 0) : "–",
          reasons: l.awardReasons,
        })),
      subcontracting: notes.subcontracting || "keine Angaben zu Unteraufträgen",
      cancellation: tender.status === "cancelled" ? `Aufgehoben am ${formatDateTime(tender.cancelledAt)}. Gründe: ${tender.cancelReason}` : "Das Verfahren wurde nicht aufgehoben.",
      nonElectronicReasons: notes.nonElectronicReasons || "entfällt: Angebote wurden ausschließlich elektronisch abgegeben.",
      conflictsOfInterest: notes.conflictsOfInterest || "Keine Interessenkonflikte bekannt geworden.",
      timeline: events.filter((e) => !NOT_IN_TIMELINE.has(e.action)).map((e) => ({ at: formatDateTimeSeconds(e.at), actor: e.actorLabel, summary: e.summary })),
      retainUntil: tender.retainUntil ? formatDate(tender.retainUntil) : "mindestens drei Jahre nach Zuschlag",
    };
    const input: GenerateDocumentInput = {
      template: "procurement-record",
      data,
      stamp: { generatedAt: formatDateTime(nowIso()) },
      title: `Vergabevermerk ${tender.reference}`,
      filename: `vergabevermerk-${tender.reference}.pdf`,
      entityType: "tender",
      entityId: String(tenderId),
      providerId: null,
      createdById: user.id,
    };
    return { input, reference: tender.reference, status: data.status };
  });
  // Unchanged since the last record: that record (no second copy, nothing rendered).
  const manager = await em();
  const source = await describeDocument(input, manager);
  const stored = await findSameDocument(manager, source);
  if (stored) return stored;
  const prepared = await renderDocument(source);
  return tx(async (m) => {
    const same = await findSameDocument(m, prepared);
    if (same) return same;
    const doc = await storePrepared(m, prepared);
    await appendAudit(m, actorOf(user), { action: "tender.record", summary: `Vergabevermerk erstellt (${reference}, Stand: ${status})`, entityType: "tender", entityId: tenderId, details: { sha256: doc.sha256 } });
    return doc;
  });
}

const recordPoints = (p: number) => p.toLocaleString("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Why an admitted offer was or was not considered, per lot it bid for: its rank and points against the awarded offer. */
function offerOutcome(
  offerId: number,
  lots: readonly { id: number; number: number; awardDecision: string | null; awardedOfferId: number | null }[],
  ranking: readonly { lotId: number; ranked: readonly { offerId: number; rank: number; total: number }[] }[],
  running: boolean,
): string {
  if (running) return "–";
  const parts = ranking.flatMap((r) => {
    const own = r.ranked.find((x) => x.offerId === offerId);
    if (!own) return [];
    const lot = lots.find((l) => l.id === r.lotId);
    const label = `Los ${lot?.number ?? "–"}`;
    if (lot?.awardedOfferId === offerId) return [`${label}: Zuschlag (Rang 1, ${recordPoints(own.total)} Punkte)`];
    const winner = r.ranked.find((x) => x.offerId === lot?.awardedOfferId);
    if (lot?.awardDecision === "no_award") return [`${label}: kein Zuschlag im Los`];
    return [`${label}: nicht berücksichtigt, Rang ${own.rank} von ${r.ranked.length} mit ${recordPoints(own.total)} Punkten${winner ? ` (bezuschlagt ${recordPoints(winner.total)} Punkte)` : ""}`];
  });
  return parts.join("; ") || "–";
}
