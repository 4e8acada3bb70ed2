/**
 * The reasons of the § 134 GWB information in words: why a bidder's offer is not to receive the
 * award in a lot. Pure: the caller passes the ranking of the lot.
 */

export interface ScoredOfferFacts {
  providerName: string;
  rank: number;
  total: number;
  priceLabel: string;
  priceScore: number;
  /** Quality points per criterion id (evaluators' average), null if not scored. */
  qualityPoints: Record<number, number | null>;
}

export interface CriterionFacts {
  id: number;
  name: string;
  weight: number;
  isPrice: boolean;
}

export interface LostLotFacts {
  /** "Los 2: Region Hoyerswerda" */
  lot: string;
  /** The bidder's own offer in this lot: excluded (with the reason) or ranked. */
  own: { excluded: true; exclusionReason: string } | { excluded: false; ranked: ScoredOfferFacts | null };
  /** The offer to receive the award, or null when no award is made. */
  winner: ScoredOfferFacts | null;
  noAward: boolean;
  awardReasons: string;
  /** How many offers were ranked in the lot. */
  rankedCount: number;
  maxPoints: number;
  criteria: CriterionFacts[];
}

export function points(n: number): string {
  return n.toLocaleString("de-DE", { minimumFractionDigits: 1, maximumFractionDigits: 2 });
}

function sentence(text: string): string {
  const t = text.trim();
  return t === "" || /[.!?]$/.test(t) ? t : `${t}.`;
}

/** One criterion compared: "Konzept (Gewichtung 35 %): Ihr Angebot 1,5 von 3 Punkten, das vorgesehene Angebot 2,5 Punkte". */
function criterionComparison(c: CriterionFacts, own: ScoredOfferFacts, winner: ScoredOfferFacts, maxPoints: number): string {
  if (c.isPrice)
    return `${c.name} (Gewichtung ${c.weight} %): Ihr Preis von ${own.priceLabel} ergibt ${points(own.priceScore)} von ${maxPoints} Punkten, der Preis des vorgesehenen Angebots von ${winner.priceLabel} ${points(winner.priceScore)} Punkte`;
  const mine = own.qualityPoints[c.id];
  const theirs = winner.qualityPoints[c.id];
  return `${c.name} (Gewichtung ${c.weight} %): Ihr Angebot ${mine === null || mine === undefined ? "ohne Wertung" : `${points(mine)} von ${maxPoints} Punkten`}, das vorgesehene Angebot ${theirs === null || theirs === undefined ? "ohne Wertung" : `${points(theirs)} Punkte`}`;
}

/** The reasons for one lot, in words (German), as the letter prints them. */
export function lostLotReason(f: LostLotFacts): string {
  if (f.own.excluded) return `${f.lot}: Ihr Angebot wurde von der Wertung ausgeschlossen. ${sentence(f.own.exclusionReason)}`;
  if (f.noAward || !f.winner) return `${f.lot}: In diesem Los wird kein Zuschlag erteilt. ${sentence(f.awardReasons)}`;
  const own = f.own.ranked;
  if (!own) return `${f.lot}: Ihr Angebot konnte in diesem Los nicht gewertet werden. Der Zuschlag soll auf das wirtschaftlichste Angebot von ${f.winner.providerName} erteilt werden.`;
  const gap = Math.round((f.winner.total - own.total) * 100) / 100;
  const parts = [
    `${f.lot}: Der Zuschlag soll auf das wirtschaftlichste Angebot (bestes Preis-Leistungs-Verhältnis) erteilt werden, das Angebot von ${f.winner.providerName} mit ${points(f.winner.total)} von 100 Punkten.`,
    `Ihr Angebot erreichte ${points(own.total)} Punkte und liegt damit auf Platz ${own.rank} von ${f.rankedCount} gewerteten Angeboten${gap > 0 ? `, ${points(gap)} Punkte hinter dem vorgesehenen Angebot` : " (bei gleicher Punktzahl entscheidet der niedrigere Preis)"}.`,
    `Im Einzelnen: ${f.criteria.map((c) => criterionComparison(c, own, f.winner!, f.maxPoints)).join("; ")}.`,
  ];
  if (f.awardReasons.trim()) parts.push(`Begründung der Zuschlagsentscheidung: ${sentence(f.awardReasons)}`);
  return parts.join(" ");
}
