import { In, type EntityManager } from "typeorm";
import { commitFunds } from "./budget.server";
import { contractValueCents, spreadOverYears } from "~/domain/finance";
import { AwardCriterion, Certification, Contract, Lot, Offer, OfferScore, PastPerformanceScore, Provider, Tender, User } from "../../entities";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { formatCents } from "~/domain/money";
import { lostLotReason, points } from "~/domain/bidder-information";
import { certificationState, providerChoiceLabel } from "~/domain/provider";
import { abnormallyLow, priceScore, standstillDays, totalScore, type PriceUnit } from "~/domain/tender";
import { addDays, addMonths, berlinDate, berlinLocalToUtc, formatDate, formatDateTime } from "~/domain/time";
import { appendAudit } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { prepareDocument, storeRendered, type GenerateDocumentInput, type PreparedDocument } from "~/lib/documents.server";
import { enqueueTemplateMail } from "~/lib/mail-template.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser, type PersonUser } from "./auth.server";
import { signatory } from "./letters.server";
import { readOffers, type OfferContent } from "./offers.server";
import { createMeasureForContract } from "./measures.server";
import { requireTender, TENDERS, tenderFacts } from "./tenders.server";
import { planTransition, transition } from "./transition.server";
import { pastPerformanceRows } from "./past-performance.server";

const EVALUATION_STATES = ["opened", "evaluated", "award_decided", "bidders_informed", "awarded"];

/** The price compared in a lot: unit price, plus the success fee where the lot pays one. */
function comparisonPrice(l: OfferContent["lots"][number]): number {
  return l.unitPriceCents + (l.successFeeCents ?? 0);
}

export interface RankedOffer {
  offerId: number;
  providerId: number;
  providerName: string;
  /** Name with legal form, city and number, for the award chooser. */
  providerLabel: string;
  priceCents: number;
  priceLabel: string;
  qualityPoints: Record<number, number | null>;
  priceScore: number;
  total: number;
  rank: number;
  abnormallyLow: boolean;
  justification: string;
}

/** Scores and ranking per lot: quality points are the evaluators' average; pure computation over loaded data. */
async function computeRanking(m: EntityManager, tender: Tender) {
  const settings = await getSettings(m);
  // One after another: inside a transaction the queries share one connection.
  const offers = await readOffers(m, tender);
  const lots = await m.getRepository(Lot).find({ where: { tenderId: tender.id }, order: { number: "ASC" } });
  const criteria = await m.getRepository(AwardCriterion).find({ where: { tenderId: tender.id }, order: { position: "ASC" } });
  const scores = await m.getRepository(OfferScore).find({ where: { tenderId: tender.id } });
  // Past performance (issue 12): computed once after the opening and stored, never scored by hand.
  const computed = await m.getRepository(PastPerformanceScore).find({ where: { tenderId: tender.id } });
  const providers = await m.getRepository(Provider).find({ where: { id: In([0, ...offers.map((o) => o.providerId)]) } });
  const priceCriterion = criteria.find((c) => c.isPrice)!;
  const quality = criteria.filter((c) => !c.isPrice);
  const perLot = lots.map((lot) => {
    const admitted = offers.filter((o) => o.formalResult === "admitted" && o.content.lots.some((l) => l.lotId === lot.id));
    const prices = admitted.map((o) => comparisonPrice(o.content.lots.find((l) => l.lotId === lot.id)!));
    const lowest = prices.length ? Math.min(...prices) : 0;
    const low = abnormallyLow(prices, settings["procurement.lowPricePercent"]);
    const ranked: RankedOffer[] = admitted.map((o, i) => {
      const offerLot = o.content.lots.find((l) => l.lotId === lot.id)!;
      const qualityPoints: Record<number, number | null> = {};
      for (const c of quality) {
        if (c.kind === "past_performance") {
          const row = computed.find((x) => x.offerId === o.id && x.criterionId === c.id);
          qualityPoints[c.id] = row ? row.pointsHundredths / 100 : null;
          continue;
        }
        const given = scores.filter((s) => s.offerId === o.id && s.criterionId === c.id);
        qualityPoints[c.id] = given.length ? Math.round((given.reduce((s, x) => s + x.points, 0) / given.length) * 100) / 100 : null;
      }
      const ps = priceScore(prices[i], lowest, tender.maxPoints);
      const total = totalScore([{ weight: priceCriterion.weight, points: ps, maxPoints: tender.maxPoints }, ...quality.map((c) => ({ weight: c.weight, points: qualityPoints[c.id] ?? 0, maxPoints: tender.maxPoints }))]);
      return {
        offerId: o.id,
        providerId: o.providerId,
        providerName: providers.find((p) => p.id === o.providerId)?.name ?? "–",
        providerLabel: ((p) => (p ? providerChoiceLabel(p) : "–"))(providers.find((p) => p.id === o.providerId)),
        priceCents: prices[i],
        priceLabel: `${formatCents(offerLot.unitPriceCents)}${offerLot.successFeeCents ? ` + ${formatCents(offerLot.successFeeCents)}` : ""}`,
        qualityPoints,
        priceScore: ps,
        total,
        rank: 0,
        abnormallyLow: low.has(i),
        justification: o.lowPriceJustification,
      };
    });
    ranked.sort((a, b) => b.total - a.total || a.priceCents - b.priceCents);
    ranked.forEach((r, i) => (r.rank = i + 1));
    return { lot, ranked };
  });
  return { offers, lots, criteria, quality, scores, computed, perLot, providers };
}

/** The evaluation screen: decrypted offers (only after opening), formal checks, own scores, ranking. */
export async function evaluationView(user: CurrentUser, tenderId: number) {
  const manager = await em();
  const tender = await requireTender(manager, tenderId);
  if (!EVALUATION_STATES.includes(tender.status)) throw new ConflictError("Die Wertung beginnt nach der Öffnung der Angebote.");
  const r = await computeRanking(manager, tender);
  const certs = await manager.getRepository(Certification).find({ where: { providerId: In([0, ...r.offers.map((o) => o.providerId)]) } });
  const deadlineDate = berlinDate(tender.offersUntil!);
  const evaluatorIds = [...new Set(r.scores.map((s) => s.evaluatorId))];
  const evaluators = evaluatorIds.length ? await manager.getRepository(User).find({ where: { id: In(evaluatorIds) } }) : [];
  const showAll = tender.status !== "opened";
  return {
    tender: { id: tender.id, reference: tender.reference, title: tender.title, status: tender.status, maxPoints: tender.maxPoints, regime: tender.regime, standstillEndsAt: tender.standstillEndsAt },
    criteria: r.criteria,
    lots: r.lots.map((l) => ({ id: l.id, number: l.number, title: l.title, awardDecision: l.awardDecision, awardedOfferId: l.awardedOfferId, awardReasons: l.awardReasons })),
    offers: r.offers.map((o) => ({
      id: o.id,
      providerId: o.providerId,
      providerName: r.providers.find((p) => p.id === o.providerId)?.name ?? "–",
      receivedAt: o.receivedAt,
      lots: o.content.lots.map((l) => ({ ...l, lotNumber: r.lots.find((x) => x.id === l.lotId)?.number ?? 0 })),
      declarations: o.content.declarations,
      concept: o.content.concept,
      certificationOnDeadline: certificationState(certs.filter((c) => c.providerId === o.providerId), deadlineDate, 0),
      formalResult: o.formalResult,
      exclusionReason: o.exclusionReason,
      lowPriceJustification: o.lowPriceJustification,
      myScores: Object.fromEntries(r.scores.filter((s) => s.offerId === o.id && s.evaluatorId === user.id).map((s) => [s.criterionId, s.points])),
      scoredBy: [...new Set(r.scores.filter((s) => s.offerId === o.id).map((s) => s.evaluatorId))].length,
    })),
    // Independent scoring: the ranking with everyone's points is shown once the evaluation is finished.
    ranking: showAll ? r.perLot.map((p) => ({ lotId: p.lot.id, ranked: p.ranked })) : r.perLot.map((p) => ({ lotId: p.lot.id, ranked: p.ranked.map((x) => ({ ...x, qualityPoints: {}, total: 0, rank: 0 })) })),
    evaluators: evaluators.map((e) => e.name),
    problems: tender.status === "opened" ? evaluationProblems(r) : [],
    pastPerformance: await (async () => {
      const pp = await pastPerformanceRows(manager, tender);
      if (!pp) return null;
      const missing = r.offers.filter((o) => !pp.rows.some((x) => x.offerId === o.id)).length;
      return { ...pp, missing, rows: pp.rows.map((x) => ({ ...x, providerName: r.providers.find((p) => p.id === x.providerId)?.name ?? "–" })) };
    })(),
  };
}

function evaluationProblems(r: Awaited<ReturnType<typeof computeRanking>>): string[] {
  const problems: string[] = [];
  const unchecked = r.offers.filter((o) => !o.formalResult).length;
  if (unchecked) problems.push(`${unchecked} Angebot(e) ohne formale Prüfung.`);
  for (const o of r.offers.filter((x) => x.formalResult === "admitted")) {
    for (const c of r.quality.filter((x) => x.kind === "past_performance"))
      if (!r.computed.some((x) => x.offerId === o.id && x.criterionId === c.id)) problems.push(`Angebot Nr. ${o.id}: Die Vorleistung („${c.name}“) ist noch nicht berechnet.`);
    for (const c of r.quality.filter((x) => x.kind !== "past_performance")) {
      const evaluators = new Set(r.scores.filter((s) => s.offerId === o.id && s.criterionId === c.id).map((s) => s.evaluatorId));
      if (evaluators.size < 2) {
        problems.push(`Angebot Nr. ${o.id}: „${c.name}“ ist von ${evaluators.size} statt mindestens zwei Personen bewertet.`);
        break;
      }
    }
  }
  for (const p of r.perLot) for (const x of p.ranked) if (x.abnormallyLow && !x.justification.trim()) problems.push(`Los ${p.lot.number}: Das ungewöhnlich niedrige Angebot von ${x.providerName} braucht eine schriftliche Aufklärung (§ 60 VgV).`);
  return problems;
}

async function requireOfferInState(m: EntityManager, offerId: number, state: string) {
  const offer = await m.getRepository(Offer).findOne({ where: { id: offerId } });
  if (!offer || offer.status !== "submitted") throw new NotFoundError("Das Angebot wurde nicht gefunden.");
  const tender = await requireTender(m, offer.tenderId);
  if (tender.status !== state) throw new ConflictError(state === "opened" ? "Prüfung und Bewertung sind nur nach der Öffnung und vor Abschluss der Wertung möglich." : "Diese Aktion passt nicht zum Stand des Verfahrens.");
  return { offer, tender };
}

export async function formalCheck(user: CurrentUser, offerId: number, result: string, reason: string): Promise<void> {
  if (result !== "admitted" && result !== "excluded") throw new ValidationError("Bitte wählen Sie „zugelassen“ oder „ausgeschlossen“.");
  if (result === "excluded" && reason.trim().length < 10) throw new ValidationError("Bitte begründen Sie den Ausschluss (mindestens 10 Zeichen).", { reason: "Bitte begründen Sie den Ausschluss." });
  await tx(async (m) => {
    const { offer, tender } = await requireOfferInState(m, offerId, "opened");
    await m.getRepository(Offer).update({ id: offerId }, { formalResult: result, exclusionReason: result === "excluded" ? reason.trim().slice(0, 1000) : "", formalCheckedById: user.id });
    await appendAudit(m, actorOf(user), { action: "offer.formal_check", summary: `Formale Prüfung Angebot Nr. ${offerId} (${tender.reference}): ${result === "admitted" ? "zugelassen" : `ausgeschlossen – ${reason.trim()}`}`.slice(0, 500), entityType: "offer", entityId: offerId, providerId: offer.providerId, details: { result, reason } });
  });
}

/** One evaluator's points for several quality criteria of one offer, saved together. */
export async function scoreOffer(user: PersonUser, offerId: number, points: Record<number, number>, note = ""): Promise<number> {
  return tx(async (m) => {
    const { offer, tender } = await requireOfferInState(m, offerId, "opened");
    if (offer.formalResult !== "admitted") throw new ConflictError("Bewertet werden nur formal zugelassene Angebote.");
    let saved = 0;
    for (const [key, value] of Object.entries(points)) {
      const criterionId = Number(key);
      const criterion = await m.getRepository(AwardCriterion).findOne({ where: { id: criterionId, tenderId: tender.id } });
      if (!criterion || criterion.isPrice) throw new ValidationError("Der Preis wird berechnet, nicht bewertet.");
      if (criterion.kind === "past_performance") throw new ValidationError(`„${criterion.name}“ wird aus der Leistungsbilanz berechnet, nicht von Hand bewertet.`);
      if (!Number.isInteger(value) || value < 0 || value > tender.maxPoints) throw new ValidationError(`„${criterion.name}“: Punkte von 0 bis ${tender.maxPoints}.`, { points: `Punkte von 0 bis ${tender.maxPoints}.` });
      const repo = m.getRepository(OfferScore);
      const existing = await repo.findOne({ where: { offerId, criterionId, evaluatorId: user.id } });
      if (existing) await repo.update({ id: existing.id }, { points: value, note: note.slice(0, 2000), at: nowIso() });
      else await repo.insert({ tenderId: tender.id, offerId, criterionId, evaluatorId: user.id, points: value, note: note.slice(0, 2000), at: nowIso() });
      await appendAudit(m, actorOf(user), { action: "offer.score", summary: `Bewertung „${criterion.name}“: ${value} Punkte (Angebot Nr. ${offerId}, ${tender.reference})`, entityType: "offer", entityId: offerId, providerId: offer.providerId, details: { criterionId, points: value, before: existing?.points ?? null } });
      saved++;
    }
    return saved;
  });
}

export async function justifyLowPrice(user: CurrentUser, offerId: number, text: string): Promise<void> {
  if (text.trim().length < 20) throw new ValidationError("Bitte halten Sie die Aufklärung des Preises schriftlich fest (mindestens 20 Zeichen).", { justification: "Mindestens 20 Zeichen." });
  await tx(async (m) => {
    const { offer, tender } = await requireOfferInState(m, offerId, "opened");
    await m.getRepository(Offer).update({ id: offerId }, { lowPriceJustification: text.trim().slice(0, 5000) });
    await appendAudit(m, actorOf(user), { action: "offer.low_price_justification", summary: `Aufklärung eines ungewöhnlich niedrigen Preises vermerkt (Angebot Nr. ${offerId}, ${tender.reference})`, entityType: "offer", entityId: offerId, providerId: offer.providerId });
  });
}

export async function finishEvaluation(user: CurrentUser, tenderId: number): Promise<void> {
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    const problems = tender.status === "opened" ? evaluationProblems(await computeRanking(m, tender)) : [];
    await transition(m, TENDERS, {
      entity: tender,
      event: "evaluate",
      facts: await tenderFacts(m, tender, { evaluationProblems: problems }),
      actor: user,
      set: { evaluatedAt: nowIso() },
      audit: { summary: `Wertung abgeschlossen (${tender.reference})` },
    });
  });
}

/** Decide one lot: the winning offer (an admitted offer for this lot) or no award, with reasons. */
export async function decideLot(user: CurrentUser, tenderId: number, lotId: number, offerId: number | null, reasons: string): Promise<void> {
  if (reasons.trim().length < 10) throw new ValidationError("Bitte begründen Sie die Entscheidung (mindestens 10 Zeichen).", { reasons: "Bitte begründen Sie die Entscheidung." });
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    if (tender.status !== "evaluated") throw new ConflictError("Über den Zuschlag wird nach Abschluss der Wertung entschieden.");
    const lot = await m.getRepository(Lot).findOne({ where: { id: lotId, tenderId } });
    if (!lot) throw new NotFoundError("Das Los wurde nicht gefunden.");
    if (offerId) {
      const offers = await readOffers(m, tender);
      const offer = offers.find((o) => o.id === offerId);
      if (!offer || offer.formalResult !== "admitted" || !offer.content.lots.some((l) => l.lotId === lotId)) throw new ValidationError("Der Zuschlag kann nur auf ein zugelassenes Angebot für dieses Los erteilt werden.");
    }
    await m.getRepository(Lot).update({ id: lotId }, { awardedOfferId: offerId, awardDecision: offerId ? "award" : "no_award", awardReasons: reasons.trim().slice(0, 5000) });
    await appendAudit(m, actorOf(user), { action: "tender.lot_decision", summary: `Los ${lot.number}: ${offerId ? `Zuschlag vorgesehen auf Angebot Nr. ${offerId}` : "kein Zuschlag"} (${tender.reference})`, entityType: "tender", entityId: tenderId, details: { lotId, offerId, reasons } });
  });
}

export async function decideAward(user: CurrentUser, tenderId: number): Promise<void> {
  await tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    await transition(m, TENDERS, {
      entity: tender,
      event: "decide_award",
      facts: await tenderFacts(m, tender),
      actor: user,
      set: { awardDecidedAt: nowIso() },
      audit: { summary: `Zuschlagsentscheidung getroffen (${tender.reference})` },
    });
  });
}

/**
 * Inform the bidders (§ 134 GWB): a letter (PDF, stored, and by mail) to every unsuccessful
 * bidder with the winner's name, the reasons and the earliest contract date. Under the EU
 * regime the contract may be concluded only after the standstill (10 days, electronic dispatch,
 * counted from the day after dispatch); below it the letters go out without a hard standstill.
 */
export async function informBidders(user: CurrentUser, tenderId: number): Promise<{ letters: number }> {
  // Rendered as if sent now; the letters say only the day, so the bytes fit unless Berlin's midnight passes meanwhile.
  const ahead = await bidderLettersAhead(user, tenderId, nowIso());
  return tx(async (m) => {
    const sentAt = nowIso();
    const tender = await requireTender(m, tenderId);
    // Asked before the letters are written; the move is committed once their number is known.
    const planned = planTransition(TENDERS, { entity: tender, event: "inform_bidders", facts: await tenderFacts(m, tender), actor: user });
    const { letters, earliest, standstillEndsAt } = await bidderLetters(m, tender, user, sentAt);
    for (const letter of letters) {
      const doc = await storeRendered(m, letter.input, ahead.get(letter.providerId));
      if (letter.email) {
        await enqueueTemplateMail(m, { to: letter.email, template: "mail-bidder-information", data: { reference: tender.reference, title: tender.title, earliest }, attachmentDocumentId: doc.id });
      }
    }
    await planned.commit(m, {
      set: { informedAt: sentAt, standstillEndsAt, updatedAt: sentAt },
      audit: { summary: `Bieter informiert (${letters.length} Schreiben, ${tender.reference}); frühester Vertragsschluss ${earliest}`, details: { letters: letters.length, standstillEndsAt } },
    });
    return { letters: letters.length };
  });
}

/** The letters rendered before the transaction (DESIGN.md § 7), by provider; none if the bidders cannot be informed now. */
async function bidderLettersAhead(user: CurrentUser, tenderId: number, sentAt: string): Promise<Map<number, PreparedDocument>> {
  const m = await em();
  const tender = await requireTender(m, tenderId);
  const ahead = new Map<number, PreparedDocument>();
  try {
    planTransition(TENDERS, { entity: tender, event: "inform_bidders", facts: await tenderFacts(m, tender), actor: user });
  } catch {
    return ahead; // refused: the transaction says why
  }
  for (const letter of (await bidderLetters(m, tender, user, sentAt)).letters) ahead.set(letter.providerId, await prepareDocument(letter.input, m));
  return ahead;
}

interface BidderLetter {
  providerId: number;
  email: string;
  input: GenerateDocumentInput;
}

/** What each unsuccessful bidder is told in letters sent at `sentAt`. */
async function bidderLetters(m: EntityManager, tender: Tender, user: CurrentUser, sentAt: string) {
  const r = await computeRanking(m, tender);
  const eu = tender.regime === "eu";
  const standstillEndsAt = eu ? berlinLocalToUtc(`${addDays(berlinDate(sentAt), standstillDays(true) + 1)}T00:00`) : null;
  const earliest = standstillEndsAt ? formatDateTime(standstillEndsAt) : "sofort";
  const letters: BidderLetter[] = [];
  const bidderIds = [...new Set(r.offers.map((o) => o.providerId))];
  const settings = await getSettings(m);
  const sender = await signatory(m, user.id);
  for (const providerId of bidderIds) {
    const provider = r.providers.find((p) => p.id === providerId);
    const lost = r.perLot.flatMap((p) => {
      const mine = p.ranked.find((x) => x.providerId === providerId) ?? null;
      const offeredHere = r.offers.some((o) => o.providerId === providerId && o.content.lots.some((l) => l.lotId === p.lot.id));
      const lot = r.lots.find((l) => l.id === p.lot.id)!;
      if (!offeredHere || (lot.awardedOfferId && r.offers.find((o) => o.id === lot.awardedOfferId)?.providerId === providerId)) return [];
      const winner = p.ranked.find((x) => x.offerId === lot.awardedOfferId) ?? null;
      const own = r.offers.find((o) => o.providerId === providerId && o.content.lots.some((l) => l.lotId === p.lot.id));
      const label = `Los ${lot.number}: ${lot.title}`;
      const reasons = lostLotReason({
        lot: label,
        own: own?.formalResult === "excluded" ? { excluded: true, exclusionReason: own.exclusionReason } : { excluded: false, ranked: mine },
        winner,
        noAward: lot.awardDecision === "no_award",
        awardReasons: lot.awardReasons,
        rankedCount: p.ranked.length,
        maxPoints: tender.maxPoints,
        criteria: r.criteria.map((c) => ({ id: c.id, name: c.name, weight: c.weight, isPrice: c.isPrice })),
      });
      return [{ lot: label, winner: winner?.providerName ?? "kein Zuschlag", ownScore: mine ? points(mine.total) : "–", winnerScore: winner ? points(winner.total) : "–", reasons }];
    });
    if (!lost.length || !provider) continue;
    letters.push({
      providerId: provider.id,
      email: provider.email,
      input: {
        template: "rejection-letter",
        data: {
          providerName: provider.name,
          providerAddress: `${provider.street}\n${provider.postalCode} ${provider.city}`,
          reference: tender.reference,
          title: tender.title,
          lots: lost.map(({ lot, winner, ownScore, winnerScore }) => ({ lot, winner, ownScore, winnerScore })),
          reasonsText: lost.map((l) => l.reasons).join("\n\n"),
          standstill: eu
            ? `Der Vertrag wird frühestens am ${earliest} geschlossen (Wartefrist von ${standstillDays(true)} Kalendertagen nach § 134 Abs. 2 GWB, beginnend am Tag nach der elektronischen Absendung dieser Information).`
            : "Diese Information ergeht unterhalb der EU-Schwellenwerte als gute Verwaltungspraxis; eine gesetzliche Wartefrist besteht nicht.",
          review: eu
            ? `Nachprüfung: Zuständig ist die ${settings["procurement.reviewBody"]}. Ein Nachprüfungsantrag ist unzulässig, soweit ein erkannter Verstoß nicht innerhalb von zehn Kalendertagen uns gegenüber gerügt wurde (§ 160 Abs. 3 GWB).`
            : "Beanstandungen richten Sie bitte schriftlich an die Vergabestelle; das Aktenzeichen steht oben rechts.",
          sentAt: formatDate(berlinDate(sentAt)),
          officialName: sender.officialName,
          officialPhone: sender.officialPhone,
          officialEmail: sender.officialEmail,
          closing: sender.closing,
          signatureNote: sender.signatureNote,
        },
        title: `Bieterinformation ${tender.reference} – ${provider.name}`,
        filename: `bieterinformation-${tender.reference}-${provider.id}.pdf`,
        entityType: "tender",
        entityId: String(tender.id),
        providerId: provider.id,
        createdById: user.id,
      },
    });
  }
  return { letters, earliest, standstillEndsAt };
}

/** Conclude: the awarded lots become contracts (after the standstill under the EU regime). */
export async function concludeAward(user: CurrentUser, tenderId: number): Promise<{ contracts: number }> {
  return tx(async (m) => {
    const tender = await requireTender(m, tenderId);
    // Asked before the contracts are written; the move is committed once their number is known.
    const planned = planTransition(TENDERS, { entity: tender, event: "award", facts: await tenderFacts(m, tender), actor: user });
    const offers = await readOffers(m, tender);
    const lots = await m.getRepository(Lot).find({ where: { tenderId }, order: { number: "ASC" } });
    const at = nowIso();
    let contracts = 0;
    let lastEnd = berlinDate(at);
    const budgetLineNumber = (await getSettings(m))["finance.contractBudgetLine"];
    for (const lot of lots.filter((l) => l.awardDecision === "award" && l.awardedOfferId)) {
      const offer = offers.find((o) => o.id === lot.awardedOfferId)!;
      const price = offer.content.lots.find((l) => l.lotId === lot.id)!;
      const end = addDays(addMonths(lot.startDate, lot.durationMonths), -1);
      if (end > lastEnd) lastEnd = end;
      const contract = await m.getRepository(Contract).save({
        reference: `${tender.reference}-L${lot.number}`,
        tenderId,
        lotId: lot.id,
        providerId: offer.providerId,
        offerId: offer.id,
        quantity: lot.quantity,
        priceUnit: lot.priceUnit as PriceUnit,
        unitPriceCents: price.unitPriceCents,
        successFeeCents: price.successFeeCents,
        startDate: lot.startDate,
        endDate: end,
        status: "active",
        concludedAt: at,
      });
      const provider = await m.getRepository(Provider).findOne({ where: { id: offer.providerId } });
      // Rule 11: the contract's value is committed in every year of its term before the award takes effect.
      const commitments = await commitFunds(m, user, {
        budgetLineNumber: budgetLineNumber,
        sourceType: "contract",
        sourceId: contract.id,
        providerId: offer.providerId,
        description: `Vertrag ${contract.reference} (${provider?.name ?? ""}, ${lot.title})`,
        shares: spreadOverYears(contractValueCents(contract), contract.startDate, contract.endDate),
      });
      await m.getRepository(Contract).update({ id: contract.id }, { budgetLineId: commitments[0]?.budgetLineId ?? null });
      // Issue 11: every contract is a catalogue entry (origin contract), in the award's transaction.
      await createMeasureForContract(m, user, { tender, lot, contract });
      if (provider?.email) {
        await enqueueTemplateMail(m, {
          to: provider.email,
          template: "mail-award",
          data: { reference: tender.reference, lotNumber: lot.number, lotTitle: lot.title, contract: contract.reference, quantity: lot.quantity, unit: lot.priceUnit === "place_month" ? "Plätze" : "Teilnehmer", price: formatCents(price.unitPriceCents), start: formatDate(lot.startDate), end: formatDate(end) },
        });
      }
      contracts++;
    }
    const settings = await getSettings(m);
    const retainFromAward = addDays(berlinDate(at), 365 * settings["procurement.retentionYears"]);
    await planned.commit(m, {
      set: { awardedAt: at, retainUntil: retainFromAward > lastEnd ? retainFromAward : lastEnd, updatedAt: at },
      audit: { summary: `Zuschlag erteilt (${tender.reference}): ${contracts} Vertrag/Verträge`, details: { contracts } },
    });
    return { contracts };
  });
}
