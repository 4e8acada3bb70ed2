import { Contract, Lot, Provider, Tender, User } from "../../entities";
import { isRole } from "~/domain/permissions";
import { addDays, addMonths, berlinLocalToUtc } from "~/domain/time";
import { atSimulatedTime, today as berlinToday } from "~/lib/clock.server";
import { em } from "~/lib/db.server";
import { renderPdfFromText } from "~/lib/pdf.server";
import { getSettings } from "~/lib/settings.server";
import type { PersonUser } from "~/services/auth.server";
import { concludeAward, decideAward, decideLot, evaluationView, finishEvaluation, formalCheck, informBidders, justifyLowPrice, scoreOffer } from "~/services/evaluation.server";
import { confirmOpening, submitOffer } from "~/services/offers.server";
import { cancelTender, closeDueTenders, createTender, publishTender, saveLot, setCriteria, setDeadlines } from "~/services/tenders.server";

async function demoUser(email: string): Promise<PersonUser | null> {
  const u = await (await em()).getRepository(User).findOne({ where: { email } });
  if (!u || !isRole(u.role)) return null;
  return { id: u.id, email: u.email, name: u.name, role: u.role, providerId: u.providerId };
}

async function conceptPdf(bidder: PersonUser, topic: string): Promise<Uint8Array> {
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

/**
 * The simulated calendar of the demo procedures. Every step runs through the real services with
 * the application clock set to its simulated moment (atSimulatedTime), so publication, offers,
 * deadline, opening, evaluation and award carry consistent dates in the tender, the offers and
 * the audit trail (and the procurement record built from them). Nothing is moved afterwards.
 */
class DemoCalendar {
  /** Today in Berlin, read once before any simulation. */
  constructor(readonly today: string) {}

  /** A Berlin local time `days` from today ("HH:MM"). */
  at(days: number, time: string): string {
    return berlinLocalToUtc(`${addDays(this.today, days)}T${time}`)!;
  }

  /** Run `work` at a Berlin local time `days` from today. */
  run<T>(days: number, time: string, work: () => Promise<T>): Promise<T> {
    return atSimulatedTime(this.at(days, time), work);
  }
}

/**
 * Create, set up and publish a tender through the services: prepared three days before the
 * publication, the offer period ending at noon `deadlineDays` from today (at least the minimum
 * period plus five days after the publication).
 */
async function publishDemo(cal: DemoCalendar, staff: PersonUser, spec: DemoTenderSpec, deadlineDays: number, publish = true): Promise<Tender> {
  const settings = await getSettings();
  const publishDays = deadlineDays - settings["procurement.minDays.eu.open"] - 5;
  // Preparation never lies in the future, even for a draft whose publication is still ahead.
  const tender = await cal.run(Math.min(publishDays - 3, -2), "09:12", async () => {
    const t = await createTender(staff, { title: spec.title, description: spec.description, measureType: spec.measureType, legalBasis: spec.legalBasis, procedureType: "open" });
    for (const lot of spec.lots) await saveLot(staff, t.id, null, lot);
    await setCriteria(staff, t.id, spec.criteria);
    return t;
  });
  await cal.run(Math.min(publishDays - 1, -1), "14:30", () =>
    setDeadlines(staff, tender.id, { questionsUntil: cal.at(deadlineDays - 7, "12:00"), offersUntil: cal.at(deadlineDays, "12:00"), bindingUntil: addDays(cal.today, deadlineDays + 60) }),
  );
  if (publish) await cal.run(publishDays, "09:30", () => publishTender(staff, tender.id));
  return (await (await em()).getRepository(Tender).findOneByOrFail({ id: tender.id }));
}

/** One offer, received at a Berlin local time `days` from today. */
async function bid(cal: DemoCalendar, days: number, time: string, bidder: PersonUser | null, tender: Tender, prices: number[], fees: (number | null)[] = []) {
  if (!bidder) return;
  const lots = await (await em()).getRepository(Lot).find({ where: { tenderId: tender.id }, order: { number: "ASC" } });
  const concept = await conceptPdf(bidder, tender.title);
  await cal.run(days, time, () => submitOffer(bidder, tender.id, { lots: lots.slice(0, prices.length).map((l, i) => ({ lotId: l.id, unitPriceCents: prices[i], successFeeCents: fees[i] ?? null })), declarations: DECLARATIONS, concept: { filename: "konzept.pdf", bytes: concept } }));
}

/** The deadline job right after the offer period (noon on the deadline day), and the two-person opening that afternoon. */
async function closeAndOpen(cal: DemoCalendar, deadlineDays: number, staff: PersonUser, staff2: PersonUser, tender: Tender, open = true) {
  await cal.run(deadlineDays, "12:05", () => closeDueTenders());
  if (!open) return;
  await cal.run(deadlineDays, "14:00", () => confirmOpening(staff, tender.id));
  await cal.run(deadlineDays, "14:07", () => confirmOpening(staff2, tender.id));
}

type StopAt = "evaluated" | "award_decided" | "bidders_informed" | "awarded";

/**
 * Evaluate with two evaluators and award every lot to its best offer, up to the given state,
 * over the working days after the opening: formal check (+1), scoring (+2, +3), evaluation
 * finished (+4), award decided (+5), bidders informed (+6), contract after the standstill.
 */
async function evaluateAndAward(cal: DemoCalendar, deadlineDays: number, staff1: PersonUser, staff2: PersonUser, tender: Tender, stopAt: StopAt) {
  const d = deadlineDays;
  const view = await cal.run(d + 1, "09:40", async () => {
    const v = await evaluationView(staff1, tender.id);
    for (const o of v.offers) await formalCheck(staff1, o.id, "admitted", "");
    return v;
  });
  const quality = view.criteria.filter((c) => !c.isPrice);
  await cal.run(d + 2, "10:15", async () => {
    for (const [i, o] of view.offers.entries()) await scoreOffer(staff1, o.id, Object.fromEntries(quality.map((c) => [c.id, (i + c.position) % (tender.maxPoints + 1)])));
  });
  await cal.run(d + 3, "11:20", async () => {
    for (const [i, o] of view.offers.entries()) await scoreOffer(staff2, o.id, Object.fromEntries(quality.map((c) => [c.id, (i + c.position + 1) % (tender.maxPoints + 1)])));
    const before = await evaluationView(staff1, tender.id);
    for (const p of before.problems) {
      const m = /niedrige Angebot von (.+) braucht/.exec(p);
      const offer = m ? before.offers.find((o) => o.providerName === m[1]) : null;
      if (offer) await justifyLowPrice(staff1, offer.id, "Der Bieter hat die Kalkulation schriftlich erläutert (Personalkosten nach Tarif, eigene Räume); der Preis ist auskömmlich.");
    }
  });
  await cal.run(d + 4, "09:05", () => finishEvaluation(staff1, tender.id));
  if (stopAt === "evaluated") return;
  await cal.run(d + 5, "10:30", async () => {
    const ranked = await evaluationView(staff1, tender.id);
    for (const lot of ranked.lots) {
      const best = ranked.ranking.find((r) => r.lotId === lot.id)?.ranked[0];
      await decideLot(staff1, tender.id, lot.id, best?.offerId ?? null, best ? `Wirtschaftlichstes Angebot mit ${best.total.toLocaleString("de-DE")} von 100 Punkten.` : "Kein wertbares Angebot eingegangen.");
    }
    await decideAward(staff1, tender.id);
  });
  if (stopAt === "award_decided") return;
  await cal.run(d + 6, "08:45", () => informBidders(staff1, tender.id));
  if (stopAt !== "awarded") return;
  // The contract after the standstill (EU regime) or the next working day (below the thresholds).
  const informed = await (await em()).getRepository(Tender).findOneByOrFail({ id: tender.id });
  const conclude = informed.standstillEndsAt ? new Date(Date.parse(informed.standstillEndsAt) + 9 * 3600_000).toISOString() : cal.at(d + 7, "10:00");
  await atSimulatedTime(conclude, () => concludeAward(staff1, tender.id));
}

/**
 * Demo tenders in every state, through the real services at their simulated dates, modelled on
 * the ASZ Kamenz in 2007: one own BaE tender with 12 places (offers being received), three
 * § 421i placement measures with 16 participants each (awarded after a full procedure with
 * several offers), and procedures that are closed, opened, informed, cancelled and in draft.
 * Runs once.
 */
export async function seedDemoTenders(): Promise<number> {
  const manager = await em();
  if ((await manager.getRepository(Tender).count()) > 0) return 0;
  const staff = await demoUser("vergabe@asz-kamenz.example");
  const staff2 = await demoUser("vergabe2@asz-kamenz.example");
  if (!staff || !staff2) return 0;
  const cal = new DemoCalendar(berlinToday());
  const year = Number(cal.today.slice(0, 4));
  const bidders = await Promise.all(
    ["traeger@bildungswerk-lausitz.example", "angebote@demo-t-0002.example", "angebote@demo-t-0003.example", "angebote@demo-t-0004.example", "vermittler@jobbruecke-kamenz.example", "angebote@demo-b-0002.example"].map(demoUser),
  );
  const [t1, t2, t3, t4, b1, b2] = bidders;
  let count = 0;

  // 1. The 2007 placement measures (§ 421i SGB III a.F.): three lots of 16, full procedure, awarded.
  const measuresDeadline = -30;
  const measures = await publishDemo(cal, staff, {
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
  }, measuresDeadline);
  await bid(cal, measuresDeadline - 4, "10:17", t2, measures, [115000, 118000, 119500], [75000, 75000, 75000]);
  await bid(cal, measuresDeadline - 3, "15:42", t3, measures, [109000, 121000, 112000], [80000, 80000, 80000]);
  await bid(cal, measuresDeadline - 1, "09:03", b1, measures, [98000, 99000, 99000], [90000, 90000, 90000]);
  await bid(cal, measuresDeadline, "11:26", b2, measures, [125000, 125000, 0].filter(Boolean), [70000, 70000]);
  await closeAndOpen(cal, measuresDeadline, staff, staff2, measures);
  await evaluateAndAward(cal, measuresDeadline, staff, staff2, measures, "awarded");
  count++;

  // 2. The own BaE tender of 2007: 12 places, 36 months, offers being received.
  const bae = await publishDemo(cal, staff, {
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
  }, 25);
  await bid(cal, -2, "10:41", t1, bae, [91250]);
  await bid(cal, -1, "16:08", t4, bae, [93800]);
  count++;

  // 3. Training measures: offer period over, waiting for the two-person opening.
  const closed = await publishDemo(cal, staff, {
    title: "Trainingsmaßnahmen zur Eignungsfeststellung und Bewerbung (§ 48 SGB III a.F.)",
    description: "Kurze Maßnahmen zur Feststellung der Eignung und zum Bewerbungstraining, je 4 Wochen, laufend.",
    measureType: "training",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 48–52 SGB III a.F.",
    lots: [{ title: "Eignungsfeststellung und Bewerbungstraining", quantity: 120, region: "Landkreis Kamenz", startDate: `${year + 1}-01-15`, durationMonths: 12, priceUnit: "participant", estimatedUnitPriceCents: 45000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 70, isPrice: true, description: "" },
      { name: "Konzept", weight: 30, isPrice: false, description: "" },
    ],
  }, -1);
  await bid(cal, -4, "13:55", t2, closed, [43000]);
  await bid(cal, -2, "08:31", t3, closed, [47500]);
  await closeAndOpen(cal, -1, staff, staff2, closed, false);
  count++;

  // 4. Youth vocational aid: opened, evaluation under way (one confirmation each).
  const opened = await publishDemo(cal, staff, {
    title: "Jugendberufshilfe: Kompetenzagentur Westlausitz",
    description: "Aufsuchende Beratung und Begleitung junger Menschen unter 25 Jahren beim Übergang von der Schule in Ausbildung und Arbeit.",
    measureType: "youth",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. § 13 SGB VIII",
    lots: [{ title: "Kompetenzagentur", quantity: 60, region: "Landkreis Kamenz", startDate: `${year + 1}-02-01`, durationMonths: 24, priceUnit: "participant", estimatedUnitPriceCents: 210000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 40, isPrice: true, description: "" },
      { name: "Konzept und Netzwerk", weight: 60, isPrice: false, description: "" },
    ],
  }, -2);
  await bid(cal, -5, "11:12", t1, opened, [198000]);
  await bid(cal, -3, "14:47", t4, opened, [215000]);
  await closeAndOpen(cal, -2, staff, staff2, opened);
  count++;

  // 5. QAL course: bidders informed, contract not yet concluded.
  const informed = await publishDemo(cal, staff, {
    title: "Qualifizierung und Arbeit (QAL) – Chemnitzer Modell, Kurs Frühjahr",
    description: "Dreimonatiger Qualifizierungskurs mit anschließender mindestens zwölfmonatiger sozialversicherungspflichtiger Beschäftigung.",
    measureType: "qal",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. ESF-Förderrichtlinie",
    lots: [{ title: "QAL-Kurs Kamenz", quantity: 20, region: "Landkreis Kamenz", startDate: `${year + 1}-04-01`, durationMonths: 3, priceUnit: "participant", estimatedUnitPriceCents: 260000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 50, isPrice: true, description: "" },
      { name: "Konzept", weight: 50, isPrice: false, description: "" },
    ],
  }, -9);
  await bid(cal, -12, "09:58", t3, informed, [255000]);
  await bid(cal, -10, "17:20", t2, informed, [249000]);
  await closeAndOpen(cal, -9, staff, staff2, informed);
  await evaluateAndAward(cal, -9, staff, staff2, informed, "bidders_informed");
  count++;

  // 6. and 7. Evaluated, and award decided (bidders not yet informed).
  for (const [title, stopAt, prices, deadline] of [
    ["Aktivierungshilfe für Jüngere (§ 45 SGB III)", "evaluated", [310000, 298000], -6],
    ["Coaching für Langzeitarbeitslose (§ 45 SGB III)", "award_decided", [185000, 179000], -7],
  ] as const) {
    const t = await publishDemo(cal, staff, {
      title,
      description: "Maßnahme zur Aktivierung und beruflichen Eingliederung für Leistungsberechtigte im Landkreis Kamenz.",
      measureType: "activation_45",
      legalBasis: "§ 16 Abs. 1 SGB II i. V. m. § 45 SGB III",
      lots: [{ title, quantity: 24, region: "Landkreis Kamenz", startDate: `${year + 1}-02-15`, durationMonths: 6, priceUnit: "participant", estimatedUnitPriceCents: 300000, estimatedSuccessFeeCents: null }],
      criteria: [
        { name: "Preis", weight: 55, isPrice: true, description: "" },
        { name: "Konzept", weight: 45, isPrice: false, description: "" },
      ],
    }, deadline);
    await bid(cal, deadline - 3, "10:05", t2, t, [prices[0]]);
    await bid(cal, deadline - 1, "15:33", t4, t, [prices[1]]);
    await closeAndOpen(cal, deadline, staff, staff2, t);
    await evaluateAndAward(cal, deadline, staff, staff2, t, stopAt);
    count++;
  }

  // 8. FbW course: cancelled after the offer period (no economic offer).
  const cancelled = await publishDemo(cal, staff, {
    title: "Berufliche Weiterbildung Lagerlogistik mit Staplerschein",
    description: "Weiterbildung mit Abschluss Fachkraft für Lagerlogistik (Teilqualifikation) und Flurförderzeugschein.",
    measureType: "fbw",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 81 ff. SGB III",
    lots: [{ title: "Lagerlogistik", quantity: 15, region: "Landkreis Kamenz", startDate: `${year + 1}-05-01`, durationMonths: 6, priceUnit: "participant", estimatedUnitPriceCents: 380000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis", weight: 60, isPrice: true, description: "" },
      { name: "Konzept", weight: 40, isPrice: false, description: "" },
    ],
  }, -5);
  await closeAndOpen(cal, -5, staff, staff2, cancelled, false);
  await cal.run(-3, "10:10", () => cancelTender(staff, cancelled.id, "Der Bedarf ist durch Bildungsgutscheine gedeckt; eine eigene Maßnahme ist nicht mehr erforderlich."));
  count++;

  // 9. A draft in preparation.
  await publishDemo(
    cal,
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
    45,
    false,
  );
  count++;
  return count;
}

/** Title of the running demo contract's tender (seedDemoRunningContract). */
export const RUNNING_CONTRACT_TENDER_TITLE = "BaE kooperativ – 12 Plätze, Ausbildungsjahrgang im Frühjahr";

/**
 * One contract that is running now, for the finance line's monthly invoices: the 2007-style own
 * BaE tender "BaE kooperativ", through the real services at its simulated dates: published about
 * eleven months ago, awarded to Bildungswerk Lausitz about ten months ago (concludeAward commits
 * its value in every year of the term), 12 places × 912,50 € per month for 36 months from the
 * first of the month eight months ago. Runs once; returns the contract's id (or null).
 */
export async function seedDemoRunningContract(): Promise<number | null> {
  const manager = await em();
  const existing = await manager.getRepository(Tender).findOne({ where: { title: RUNNING_CONTRACT_TENDER_TITLE } });
  if (existing) return (await manager.getRepository(Contract).findOne({ where: { tenderId: existing.id } }))?.id ?? null;
  const staff = await demoUser("vergabe@asz-kamenz.example");
  const staff2 = await demoUser("vergabe2@asz-kamenz.example");
  const t1 = await demoUser("traeger@bildungswerk-lausitz.example");
  const t4 = await demoUser("angebote@demo-t-0004.example");
  if (!staff || !staff2 || !t1) return null;
  const cal = new DemoCalendar(berlinToday());
  const start = addMonths(`${cal.today.slice(0, 7)}-01`, -8);
  const deadline = -310;
  const tender = await publishDemo(cal, staff, {
    title: RUNNING_CONTRACT_TENDER_TITLE,
    description: "Außerbetriebliche Berufsausbildung (kooperatives Modell mit Betrieben der Region) für 12 junge Menschen aus dem Landkreis Kamenz, 36 Monate, mit sozialpädagogischer Begleitung.",
    measureType: "bae",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 240–246 SGB III",
    lots: [{ title: "BaE kooperativ, Kamenz", quantity: 12, region: "Landkreis Kamenz", startDate: start, durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000, estimatedSuccessFeeCents: null }],
    criteria: [
      { name: "Preis je Platz und Monat", weight: 60, isPrice: true, description: "Monatspreis je Platz (umsatzsteuerfrei)" },
      { name: "Konzept: Ausbildungsplanung und Kooperationsbetriebe", weight: 40, isPrice: false, description: "" },
    ],
  }, deadline);
  await bid(cal, deadline - 6, "10:12", t1, tender, [91250]);
  await bid(cal, deadline - 2, "14:40", t4, tender, [94900]);
  await closeAndOpen(cal, deadline, staff, staff2, tender);
  await evaluateAndAward(cal, deadline, staff, staff2, tender, "awarded");
  return (await manager.getRepository(Contract).findOne({ where: { tenderId: tender.id } }))?.id ?? null;
}
