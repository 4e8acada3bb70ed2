import { describe, expect, it } from "vitest";
import { lostLotReason, type LostLotFacts, type ScoredOfferFacts } from "~/domain/bidder-information";

const criteria = [
  { id: 1, name: "Preis", weight: 60, isPrice: true },
  { id: 2, name: "Konzept", weight: 40, isPrice: false },
];
const winner: ScoredOfferFacts = { providerName: "Jobbrücke Kamenz", rank: 1, total: 88.5, priceLabel: "980,00 €", priceScore: 3, qualityPoints: { 2: 2.25 } };
const own: ScoredOfferFacts = { providerName: "Bildungswerk Lausitz", rank: 3, total: 61.2, priceLabel: "1.150,00 €", priceScore: 2.56, qualityPoints: { 2: 1.5 } };

function facts(over: Partial<LostLotFacts> = {}): LostLotFacts {
  return { lot: "Los 1: Kamenz", own: { excluded: false, ranked: own }, winner, noAward: false, awardReasons: "Bestes Preis-Leistungs-Verhältnis", rankedCount: 4, maxPoints: 3, criteria, ...over };
}

describe("§ 134 GWB reasons in words", () => {
  it("a ranked offer: the winner with points, own place of all ranked offers, the gap, each criterion compared", () => {
    const text = lostLotReason(facts());
    expect(text).toContain("das Angebot von Jobbrücke Kamenz mit 88,5 von 100 Punkten");
    expect(text).toContain("Ihr Angebot erreichte 61,2 Punkte und liegt damit auf Platz 3 von 4 gewerteten Angeboten, 27,3 Punkte hinter dem vorgesehenen Angebot.");
    expect(text).toContain("Preis (Gewichtung 60 %): Ihr Preis von 1.150,00 € ergibt 2,56 von 3 Punkten, der Preis des vorgesehenen Angebots von 980,00 € 3,0 Punkte");
    expect(text).toContain("Konzept (Gewichtung 40 %): Ihr Angebot 1,5 von 3 Punkten, das vorgesehene Angebot 2,25 Punkte");
    expect(text).toContain("Begründung der Zuschlagsentscheidung: Bestes Preis-Leistungs-Verhältnis.");
    expect(text).not.toMatch(/Rang/);
  });

  it("equal points: no gap, the tie rule is named", () => {
    const text = lostLotReason(facts({ own: { excluded: false, ranked: { ...own, total: 88.5, rank: 2 } } }));
    expect(text).toContain("auf Platz 2 von 4 gewerteten Angeboten (bei gleicher Punktzahl entscheidet der niedrigere Preis).");
  });

  it("an excluded offer: the exclusion and its reason, no comparison", () => {
    const text = lostLotReason(facts({ own: { excluded: true, exclusionReason: "Erklärung zur Trägerzulassung fehlt" } }));
    expect(text).toBe("Los 1: Kamenz: Ihr Angebot wurde von der Wertung ausgeschlossen. Erklärung zur Trägerzulassung fehlt.");
  });

  it("no award in the lot: says so with the reasons", () => {
    const text = lostLotReason(facts({ winner: null, noAward: true, awardReasons: "Alle Angebote über dem Budget" }));
    expect(text).toBe("Los 1: Kamenz: In diesem Los wird kein Zuschlag erteilt. Alle Angebote über dem Budget.");
  });

  it("an unscored quality criterion is named as such", () => {
    const text = lostLotReason(facts({ own: { excluded: false, ranked: { ...own, qualityPoints: { 2: null } } } }));
    expect(text).toContain("Konzept (Gewichtung 40 %): Ihr Angebot ohne Wertung");
  });
});
