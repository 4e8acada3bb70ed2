import { In, type EntityManager } from "typeorm";
import { AwardCriterion, Offer, PastPerformanceScore, Provider, Tender } from "../../entities";
import { ConflictError, ForbiddenError } from "~/domain/errors";
import { can } from "~/domain/permissions";
import { definitionsOf, figureText, figureTypeOf, methodInWords, methodPeriod, pastPerformancePoints, periodText, pointsText, PP_MEASURE_LABELS, type PastPerformanceMethod } from "~/domain/past-performance";
import { offersReadable, type TenderState } from "~/domain/tender.machine";
import { formatDateTime } from "~/domain/time";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { providerFigures } from "./outcome-comparison.server";
import { requireTender } from "./tenders.server";

/**
 * Past performance at evaluation (issue 12 point 7): after the opening, the points of the
 * past-performance criterion are computed for every valid offer from the outcome comparison at
 * the offer deadline and stored with the figures used. A stored row is never recomputed: the
 * evaluation cannot change when the data change later.
 */

export async function pastPerformanceCriterion(m: EntityManager, tenderId: number): Promise<(AwardCriterion & { method: PastPerformanceMethod }) | null> {
  const criteria = await m.getRepository(AwardCriterion).find({ where: { tenderId, kind: "past_performance" } });
  const c = criteria.find((x) => x.method);
  return c ? (c as AwardCriterion & { method: PastPerformanceMethod }) : null;
}

/**
 * Compute and store the points of offers that have none yet (idempotent). The figures are read
 * outside the transaction (the comparison is heavy read work); the rows are written inside it,
 * skipping any offer that got its row meanwhile. Returns the number of rows written.
 */
export async function computePastPerformance(user: CurrentUser | null, tenderId: number): Promise<number> {
  // A person must be allowed to evaluate (null: the system itself, e.g. a job).
  if (user && !can(user.role, "evaluate:tender:any")) throw new ForbiddenError();
  const manager = await em();
  const tender = await requireTender(manager, tenderId);
  if (!offersReadable(tender.status as TenderState, tender.openedAt)) throw new ConflictError("Die Vorleistung wird nach der Öffnung der Angebote berechnet.");
  const criterion = await pastPerformanceCriterion(manager, tenderId);
  if (!criterion) return 0;
  const offers = await manager.getRepository(Offer).find({ where: { tenderId, status: "submitted" } });
  const existing = await manager.getRepository(PastPerformanceScore).find({ where: { tenderId, criterionId: criterion.id } });
  const missing = offers.filter((o) => !existing.some((e) => e.offerId === o.id));
  if (!missing.length) return 0;
  const method = criterion.method;
  const asOf = tender.offersUntil!;
  const { from, to } = methodPeriod(method, asOf);
  const figures = await providerFigures({ providerIds: [...new Set(missing.map((o) => o.providerId))], measure: method.measure, typeCode: figureTypeOf(method.typeCode), from, to, asOf, dropoutCountsRunning: definitionsOf(method) === 1 });
  return tx(async (m) => {
    const t = await requireTender(m, tenderId);
    const already = await m.getRepository(PastPerformanceScore).find({ where: { tenderId, criterionId: criterion.id } });
    const providers = await m.getRepository(Provider).find({ where: { id: In([0, ...missing.map((o) => o.providerId)]) } });
    let written = 0;
    for (const offer of missing.filter((o) => !already.some((e) => e.offerId === o.id))) {
      const f = figures.get(offer.providerId) ?? null;
      const result = pastPerformancePoints(method, f, t.maxPoints);
      const figure = f
        ? { k: f.k, n: f.n, rate: f.rate, low: f.low, high: f.high, expected: f.expected, ratio: f.ratio, ratioLow: f.ratioLow, ratioHigh: f.ratioHigh, overallRate: f.overallRate, suppressed: f.suppressed, from: f.from, to: f.to, asOf: f.asOf, adjustment: f.adjustment }
        : null;
      await m.getRepository(PastPerformanceScore).insert({
        tenderId,
        offerId: offer.id,
        criterionId: criterion.id,
        providerId: offer.providerId,
        pointsHundredths: Math.round(result.points * 100),
        status: result.status,
        valueUsed: result.valueUsed,
        reason: result.reason.slice(0, 1000),
        figure,
        method,
        periodFrom: from,
        periodTo: to,
        asOf,
        computedAt: nowIso(),
      });
      const name = providers.find((p) => p.id === offer.providerId)?.name ?? `Träger ${offer.providerId}`;
      await appendAudit(m, user ? actorOf(user) : SYSTEM, {
        action: "offer.past_performance",
        summary: `Vorleistung „${criterion.name}“ berechnet: ${pointsText(result.points)} Punkte (Angebot Nr. ${offer.id}, ${t.reference})`,
        entityType: "offer",
        entityId: offer.id,
        providerId: offer.providerId,
        details: { criterionId: criterion.id, bidder: name, points: result.points, status: result.status, reason: result.reason, figure, period: { from, to }, asOf },
      });
      written++;
    }
    return written;
  });
}

/** The stored computations of a tender, for the evaluation page and the Vergabevermerk. */
export async function pastPerformanceRows(m: EntityManager, tender: Tender) {
  const criterion = await pastPerformanceCriterion(m, tender.id);
  if (!criterion) return null;
  const rows = await m.getRepository(PastPerformanceScore).find({ where: { tenderId: tender.id, criterionId: criterion.id }, order: { offerId: "ASC" } });
  const method = criterion.method;
  const pct = (x: number | null | undefined) => figureText("rate", x);
  const ratio = (x: number | null | undefined) => figureText("ratio", x);
  const minCell = Number((await getSettings(m))["comparison.minCell"]) || 3;
  return {
    criterion: { id: criterion.id, name: criterion.name, weight: criterion.weight },
    measureLabel: PP_MEASURE_LABELS[method.measure],
    basis: method.basis,
    methodWords: methodInWords(method, tender.maxPoints),
    rows: rows.map((r) => {
      const f = r.figure;
      return {
        offerId: r.offerId,
        providerId: r.providerId,
        points: r.pointsHundredths / 100,
        pointsText: pointsText(r.pointsHundredths / 100),
        status: r.status,
        reason: r.reason,
        period: periodText(r.periodFrom, r.periodTo),
        dataDate: formatDateTime(r.asOf),
        computedAt: formatDateTime(r.computedAt),
        /** A suppressed figure prints only "zu wenige Fälle (< 3)": never its k, n, rate or interval. */
        suppressed: Boolean(f?.suppressed),
        k: f && !f.suppressed ? String(f.k) : "–",
        n: f && !f.suppressed ? String(f.n) : "–",
        rate: f ? (f.suppressed ? `zu wenige Fälle (< ${minCell})` : pct(f.rate)) : "keine Daten",
        interval: f && !f.suppressed && f.low !== null && f.high !== null ? `${pct(f.low)} – ${pct(f.high)}` : "–",
        expected: f && !f.suppressed && f.expected !== null && f.n > 0 ? pct(f.expected / f.n) : "–",
        ratio: f && !f.suppressed ? ratio(f.ratio) : "–",
        ratioInterval: f && !f.suppressed && f.ratioLow !== null && f.ratioHigh !== null ? `${ratio(f.ratioLow)} – ${ratio(f.ratioHigh)}` : "–",
        overall: f ? pct(f.overallRate) : "–",
        adjustment: f ? ({ regression: "logistische Regression", strata: "indirekte Standardisierung", none: "keine" } as Record<string, string>)[f.adjustment] ?? f.adjustment : "–",
      };
    }),
  };
}
