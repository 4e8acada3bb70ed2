import { Lot, Offer, Provider, Tender, User } from "../../entities";
import { isRole } from "~/domain/permissions";
import { addDays, berlinLocalToUtc } from "~/domain/time";
import { today as berlinToday } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { renderPdfFromText } from "~/lib/pdf.server";
import { getSettings } from "~/lib/settings.server";
import type { CurrentUser } from "~/services/auth.server";
import { concludeAward, decideAward, decideLot, evaluationView, finishEvaluation, formalCheck, informBidders, justifyLowPrice, scoreOffer } from "~/services/evaluation.server";
import { confirmOpening, submitOffer } from "~/services/offers.server";
import { cancelTender, closeDueTenders, createTender, publishTender, saveLot, setCriteria, setDeadlines } from "~/services/tenders.server";

async function demoUser(email: string): Promise<CurrentUser | null> {
  const u = await (await em()).getRepository(User).findOne({ where: { email } });
  if (!u || !isRole(u.role)) return null;
  return { id: u.id, email: u.email, name: u.name, role: u.role, providerId: u.providerId };
}

async function conceptPdf(bidder: CurrentUser, topic: string): Promise<Uint8Array> {
  const provider = await (await em()).getRepository(Provider).findOne({ where: { id: bidder.providerId ?? 0 } });
  const name = provider?.name ?? "Träger";
  return renderPdfFromText(`# Konzept: ${topic}\n\n${name}\n\nZiele, Methoden, Personal, Qualitätssicherung und Zusammenarbeit mit dem Jobcenter.`, {}, { authority: name, address: `${provider?.street ?? ""}\n${provider?.postalCode ?? ""} ${provider?.city ?? ""}`, contact: provider?.email ?? "", footer: "Konzept zum Angebot" });
}

const DECLARATIONS = { eligible: true, noExclusionGrounds: true, certificateValid: true };

interface DemoTenderSpec {
  title: string;
  description: string;
  measureType: string;
  legalBasis: string;
  lots: { title: string; quantity: number; region: string; startDate: string; durationMonths: number; priceUnit: "place_month" | "participant" | "participant_success"; estimatedUnitPriceCents: number; estimatedSuccessFeeCents: number | null }[];
  criteria: { name: string; weight: number; isPrice: boolean; description: string }[];
}

/** Create, set up and publish a tender through the services (deadline after the minimum period). */
async function publishDemo(staff: CurrentUser, spec: DemoTenderSpec, publish = true): Promise<Tender> {
  const settings = await getSettings();
  const tender = await createTender(staff, { title: spec.title, description: spec.description, measureType: spec.measureType, legalBasis: spec.legalBasis, procedureType: "open" });
  for (const lot of spec.lots) await saveLot(staff, tender.id, null, lot);
  await setCriteria(staff, tender.id, spec.criteria);
  const deadlineDay = addDays(berlinToday(), settings["procurement.minDays.eu.open"] + 5);
  await setDeadlines(staff, tender.id, { questionsUntil: berlinLocalToUtc(`${addDays(deadlineDay, -7)}T12:00`), offersUntil: berlinLocalToUtc(`${deadlineDay}T12:00`), bindingUntil: addDays(deadlineDay, 60) });
  if (publish) await publishTender(staff, tender.id);
  return tender;
}

async function bid(bidder: CurrentUser | null, tender: Tender, prices: number[], fees: (number | null)[] = []) {
  if (!bidder) return;
  const lots = await (await em()).getRepository(Lot).find({ where: { tenderId: tender.id }, order: { number: "ASC" } });
  await submitOffer(bidder, tender.id, { lots: lots.slice(0, prices.length).map((l, i) => ({ lotId: l.id, unitPriceCents: prices[i], successFeeCents: fees[i] ?? null })), declarations: DECLARATIONS, concept: { filename: "konzept.pdf", bytes: await conceptPdf(bidder, tender.title) } });
}

/**
 * A demo procedure from the past: its offer period is moved to have ended yesterday (demo data
 * only; the real service refuses such a deadline), then the deadline job closes it.
 */
async function endOfferPeriod(tender: Tender) {
  const yesterday = addDays(berlinToday(), -1);
  await tx(async (m) => {
    await m.getRepository(Tender).update(
      { id: tender.id },
      { publishedAt: berlinLocalToUtc(`${addDays(yesterday, -40)}T09:00`), questionsUntil: berlinLocalToUtc(`${addDays(yesterday, -8)}T12:00`), offersUntil: berlinLocalToUtc(`${yesterday}T12:00`), bindingUntil: addDays(yesterday, 60) },
    );
    // The demo offers arrived in the days before that deadline.
    const offers = await m.getRepository(Offer).find({ where: { tenderId: tender.id }, order: { id: "ASC" } });
    for (const [i, o] of offers.entries()) await m.getRepository(Offer).update({ id: o.id }, { receivedAt: berlinLocalToUtc(`${addDays(yesterday, -3 + (i % 3))}T${String(9 + i).padStart(2, "0")}:17`)! });
  });
  await closeDueTenders();
}

type StopAt = "evaluated" | "award_decided" | "bidders_informed" | "awarded";

/** Evaluate with two evaluators and award every lot to its best offer, up to the given state. */
async function evaluateAndAward(staff1: CurrentUser, staff2: CurrentUser, tender: Tender, stopAt: StopAt) {
  const view = await evaluationView(staff1, tender.id);
  for (const o of view.offers) await formalCheck(staff1, o.id, "admitted", "");
  const quality = view.criteria.filter((c) => !c.isPrice);
  for (const [i, o] of view.offers.entries()) {
    await scoreOffer(staff1, o.id, Object.fromEntries(quality.map((c) => [c.id, (i + c.position) % (tender.maxPoints + 1)])));
    await scoreOffer(staff2, o.id, Object.fromEntries(quality.map((c) => [c.id, (i + c.position + 1) % (tender.maxPoints + 1)])));
  }
  const before = await evaluationView(staff1, tender.id);
  for (const p of before.problems) {
    const m = /niedrige Angebot von (.+) braucht/.exec(p);
    const offer = m ? before.offers.find((o) => o.providerName === m[1]) : null;
    if (offer) await justifyLowPrice(staff1, offer.id, "Der Bieter hat die Kalkulation schriftlich erläutert (Personalkosten nach Tarif, eigene Räume); der Preis ist auskömmlich.");
  }
  await finishEvaluation(staff1, tender.id);
  if (stopAt === "evaluated") return;
  const ranked = await evaluationView(staff1, tender.id);
  for (const lot of ranked.lots) {
    const best = ranked.ranking.find((r) => r.lotId === lot.id)?.ranked[0];
    await decideLot(staff1, tender.id, lot.id, best?.offerId ?? null, best ? `Wirtschaftlichstes Angebot mit ${best.total.toLocaleString("de-DE")} von 100 Punkten.` : "Kein wertbares Angebot eingegangen.");
  }
  await decideAward(staff1, tender.id);
  if (stopAt === "award_decided") return;
  await informBidders(staff1, tender.id);
  if (stopAt === "awarded") await concludeAward(staff1, tender.id);
}

/**
 * Demo tenders in every state, through the real services, modelled on the ASZ Kamenz in 2007:
 * one own BaE tender with 12 places (offers being received), three § 421i placement measures
 * with 16 participants each (awarded after a full procedure with several offers), and
 * procedures that are closed, opened, informed, cancelled and in draft. Runs once.
 */
export async function seedDemoTenders(): Promise<number> {
  const manager = await em();
  if ((await manager.getRepository(Tender).count()) > 0) return 0;
  const staff = await demoUser("vergabe@asz-kamenz.example");
  const staff2 = await demoUser("vergabe2@asz-kamenz.example");
  if (!staff || !staff2) return 0;
  const year = Number(berlinToday().slice(0, 4));
  const bidders = await Promise.all(
    ["traeger@bildungswerk-lausitz.example", "angebote@demo-t-0002.example", "angebote@demo-t-0003.example", "angebote@demo-t-0004.example", "vermittler@jobbruecke-kamenz.example", "angebote@demo-b-0002.example"].map(demoUser),
  );
  const [t1, t2, t3, t4, b1, b2] = bidders;
  let count = 0;

  // 1. The 2007 placement measures (§ 421i SGB III a.F.): three lots of 16, full procedure, awarded.
  const measures = await publishDemo(staff, {
    title: "Vermittlungsmaßnahmen nach § 421i SGB III – drei Maßnahmen mit je 16 Teilnehmenden",
    description: "Beauftragung von Trägern mit Maßnahmen zur Eingliederung arbeitsloser Leistungsberechtigter in sozialversicherungspflichtige Beschäftigung; Vergütung je Teilnehmer und Erfolgsprämie je Integration.",
    measureType: "placement_421i",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. § 421i SGB III a.F.",
    lots: ["Kamenz", "Hoyerswerda", "Radeberg"].map((region, i) => ({ title: `Maßnahme ${i + 1}: Region ${region}`, quantity: 16, region: `Landkreis Kamenz (${region})`, startDate: `${year + 1}-03-01`, durationMonths: 6, priceUnit: "participant_success" as const, estimatedUnitPriceCents: 120000, estimatedSuccessFeeCents: 80000 })),
    criteria: [
      { name: "Preis", weight: 50, isPrice: true, description: "Preis je Teilnehmer zuzüglich Erfolgsprämie" },
      { name: "Konzept", weight: 35, isPrice: false, description: "" },
      { name: "Eingliederungserfolge früherer Maßnahmen", weight: 15, isPrice: false, description: "§ 65 Abs. 5 VgV" },
    ],
  });
  await bid(t2, measures, [115000, 118000, 119500], [75000, 75000, 75000]);
  await bid(t3, measures, [109000, 121000, 112000], [80000, 80000, 80000]);
  await bid(b1, measures, [98000, 99000, 99000], [90000, 90000, 90000]);
  await bid(b2, measures, [125000, 125000, 0].filter(Boolean), [70000, 70000]);
  await endOfferPeriod(measures);
  await confirmOpening(staff, measures.id);
  await confirmOpening(staff2, measures.id);
  await evaluateAndAward(staff, staff2, measures, "awarded");
  count++;

  // 2. The own BaE tender of 2007: 12 places, 36 months, offers being received.
  const bae = await publishDemo(staff, {
    title: "Berufsausbildung in außerbetrieblichen Einrichtungen (BaE) – 12 Plätze",
    description: "Außerbetriebliche Berufsausbildung benachteiligter junger Menschen nach §§ 240 ff. SGB III für 12 Auszubildende aus dem Landkreis Kamenz, Ausbildungsdauer 36 Monate, mit sozialpädagogischer Begleitung und Stützunterricht.",
    measureType: "bae",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 240–246 SGB III",
    lots: [{ title: "BaE kooperativ, Kamenz", quantity: 12, region: "Landkreis Kamenz", startDate: `${year + 1}-09-01`, durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis je Platz und Monat", weight: 60, isPrice: true, description: "Monatspreis je Platz inkl. USt." },
      { name: "Konzept: Ausbildungsplanung und Stützunterricht", weight: 25, isPrice: false, description: "" },
      { name: "Konzept: Übergang in betriebliche Ausbildung", weight: 15, isPrice: false, description: "" },
    ],
  });
  await bid(t1, bae, [91250]);
  await bid(t4, bae, [93800]);
  count++;

  // 3. Training measures: offer period over, waiting for the two-person opening.
  const closed = await publishDemo(staff, {
    title: "Trainingsmaßnahmen zur Eignungsfeststellung und Bewerbung (§ 48 SGB III a.F.)",
    description: "Kurze Maßnahmen zur Feststellung der Eignung und zum Bewerbungstraining, je 4 Wochen, laufend.",
    measureType: "training",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 48–52 SGB III a.F.",
    lots: [{ title: "Eignungsfeststellung und Bewerbungstraining", quantity: 120, region: "Landkreis Kamenz", startDate: `${year + 1}-01-15`, durationMonths: 12, priceUnit: "participant", estimatedUnitPriceCents: 45000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 70, isPrice: true, description: "" },
      { name: "Konzept", weight: 30, isPrice: false, description: "" },
    ],
  });
  await bid(t2, closed, [43000]);
  await bid(t3, closed, [47500]);
  await endOfferPeriod(closed);
  count++;

  // 4. Youth vocational aid: opened, evaluation under way (one confirmation each).
  const opened = await publishDemo(staff, {
    title: "Jugendberufshilfe: Kompetenzagentur Westlausitz",
    description: "Aufsuchende Beratung und Begleitung junger Menschen unter 25 Jahren beim Übergang von der Schule in Ausbildung und Arbeit.",
    measureType: "youth",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. § 13 SGB VIII",
    lots: [{ title: "Kompetenzagentur", quantity: 60, region: "Landkreis Kamenz", startDate: `${year + 1}-02-01`, durationMonths: 24, priceUnit: "participant", estimatedUnitPriceCents: 210000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 40, isPrice: true, description: "" },
      { name: "Konzept und Netzwerk", weight: 60, isPrice: false, description: "" },
    ],
  });
  await bid(t1, opened, [198000]);
  await bid(t4, opened, [215000]);
  await endOfferPeriod(opened);
  await confirmOpening(staff, opened.id);
  await confirmOpening(staff2, opened.id);
  count++;

  // 5. QAL course: bidders informed, contract not yet concluded.
  const informed = await publishDemo(staff, {
    title: "Qualifizierung und Arbeit (QAL) – Chemnitzer Modell, Kurs Frühjahr",
    description: "Dreimonatiger Qualifizierungskurs mit anschließender mindestens zwölfmonatiger sozialversicherungspflichtiger Beschäftigung.",
    measureType: "qal",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. ESF-Förderrichtlinie",
    lots: [{ title: "QAL-Kurs Kamenz", quantity: 20, region: "Landkreis Kamenz", startDate: `${year + 1}-04-01`, durationMonths: 3, priceUnit: "participant", estimatedUnitPriceCents: 260000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 50, isPrice: true, description: "" },
      { name: "Konzept", weight: 50, isPrice: false, description: "" },
    ],
  });
  await bid(t3, informed, [255000]);
  await bid(t2, informed, [249000]);
  await endOfferPeriod(informed);
  await confirmOpening(staff, informed.id);
  await confirmOpening(staff2, informed.id);
  await evaluateAndAward(staff, staff2, informed, "bidders_informed");
  count++;

  // 6. and 7. Evaluated, and award decided (bidders not yet informed).
  for (const [title, stopAt, prices] of [
    ["Aktivierungshilfe für Jüngere (§ 45 SGB III)", "evaluated", [310000, 298000]],
    ["Coaching für Langzeitarbeitslose (§ 45 SGB III)", "award_decided", [185000, 179000]],
  ] as const) {
    const t = await publishDemo(staff, {
      title,
      description: "Maßnahme zur Aktivierung und beruflichen Eingliederung für Leistungsberechtigte im Landkreis Kamenz.",
      measureType: "activation_45",
      legalBasis: "§ 16 Abs. 1 SGB II i. V. m. § 45 SGB III",
      lots: [{ title, quantity: 24, region: "Landkreis Kamenz", startDate: `${year + 1}-02-15`, durationMonths: 6, priceUnit: "participant", estimatedUnitPriceCents: 300000, estimatedSuccessFeeCents: null }],
      criteria: [
        { name: "Preis", weight: 55, isPrice: true, description: "" },
        { name: "Konzept", weight: 45, isPrice: false, description: "" },
      ],
    });
    await bid(t2, t, [prices[0]]);
    await bid(t4, t, [prices[1]]);
    await endOfferPeriod(t);
    await confirmOpening(staff, t.id);
    await confirmOpening(staff2, t.id);
    await evaluateAndAward(staff, staff2, t, stopAt);
    count++;
  }

  // 8. FbW course: cancelled after the offer period (no economic offer).
  const cancelled = await publishDemo(staff, {
    title: "Berufliche Weiterbildung Lagerlogistik mit Staplerschein",
    description: "Weiterbildung mit Abschluss Fachkraft für Lagerlogistik (Teilqualifikation) und Flurförderzeugschein.",
    measureType: "fbw",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 81 ff. SGB III",
    lots: [{ title: "Lagerlogistik", quantity: 15, region: "Landkreis Kamenz", startDate: `${year + 1}-05-01`, durationMonths: 6, priceUnit: "participant", estimatedUnitPriceCents: 380000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 60, isPrice: true, description: "" },
      { name: "Konzept", weight: 40, isPrice: false, description: "" },
    ],
  });
  await cancelTender(staff, cancelled.id, "Der Bedarf ist durch Bildungsgutscheine gedeckt; eine eigene Maßnahme ist nicht mehr erforderlich.");
  count++;

  // 9. A draft in preparation.
  await publishDemo(
    staff,
    {
      title: "Arbeitsgelegenheiten mit Mehraufwandsentschädigung 2008",
      description: "Träger für Arbeitsgelegenheiten im öffentlichen Interesse (Entwurf).",
      measureType: "other",
      legalBasis: "§ 16 Abs. 3 SGB II a.F.",
      lots: [{ title: "Arbeitsgelegenheiten Landkreis Kamenz", quantity: 200, region: "Landkreis Kamenz", startDate: `${year + 1}-01-01`, durationMonths: 12, priceUnit: "participant", estimatedUnitPriceCents: 150000, estimatedSuccessFeeCents: null }],
      criteria: [
        { name: "Preis", weight: 50, isPrice: true, description: "" },
        { name: "Konzept", weight: 50, isPrice: false, description: "" },
      ],
    },
    false,
  );
  count++;
  return count;
}
