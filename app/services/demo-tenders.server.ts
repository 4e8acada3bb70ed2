import { Lot, Provider, Tender, User } from "../../entities";
import { isRole } from "~/domain/permissions";
import { addDays, berlinDate, berlinLocalToUtc } from "~/domain/time";
import { now } from "~/lib/clock.server";
import { em } from "~/lib/db.server";
import { renderPdfFromText } from "~/lib/pdf.server";
import { getSettings } from "~/lib/settings.server";
import type { CurrentUser } from "./auth.server";
import { submitOffer } from "./offers.server";
import { createTender, publishTender, saveLot, setCriteria, setDeadlines } from "./tenders.server";

async function demoUser(email: string): Promise<CurrentUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  if (!isRole(u.role)) throw new Error("Demo-Benutzer ohne gültige Rolle");
  return { id: u.id, email: u.email, name: u.name, role: u.role, providerId: u.providerId };
}

/**
 * Demo tenders through the real services: the 2007 situation of the ASZ Kamenz (one own BaE
 * tender with 12 places, published, with an offer; a § 421i placement measure in three lots of
 * 16 participants in preparation). Runs once: skipped when tenders exist.
 */
export async function seedDemoTenders(): Promise<number> {
  const manager = await em();
  if ((await manager.getRepository(Tender).count()) > 0) return 0;
  const staff = await demoUser("vergabe@asz-kamenz.example");
  const today = berlinDate(now());
  const settings = await getSettings();
  const minDays = settings["procurement.minDays.eu.open"];

  const bae = await createTender(staff, {
    title: "Berufsausbildung in außerbetrieblichen Einrichtungen (BaE) – 12 Plätze",
    description: "Außerbetriebliche Berufsausbildung benachteiligter junger Menschen nach §§ 240 ff. SGB III für 12 Auszubildende aus dem Landkreis Kamenz, Ausbildungsdauer 36 Monate, mit sozialpädagogischer Begleitung und Stützunterricht.",
    measureType: "bae",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. §§ 240–246 SGB III",
    procedureType: "open",
  });
  await saveLot(staff, bae.id, null, { title: "BaE kooperativ, Kamenz", quantity: 12, region: "Landkreis Kamenz", startDate: `${Number(today.slice(0, 4)) + 1}-09-01`, durationMonths: 36, priceUnit: "place_month", estimatedUnitPriceCents: 95000, estimatedSuccessFeeCents: null });
  await setCriteria(staff, bae.id, [
    { name: "Preis je Platz und Monat", weight: 60, isPrice: true, description: "Monatspreis je Platz inkl. USt." },
    { name: "Konzept: Ausbildungsplanung und Stützunterricht", weight: 25, isPrice: false, description: "" },
    { name: "Konzept: Übergang in betriebliche Ausbildung", weight: 15, isPrice: false, description: "" },
  ]);
  const deadlineDay = addDays(today, minDays + 5);
  await setDeadlines(staff, bae.id, { questionsUntil: berlinLocalToUtc(`${addDays(deadlineDay, -7)}T12:00`), offersUntil: berlinLocalToUtc(`${deadlineDay}T12:00`), bindingUntil: addDays(deadlineDay, 60) });
  await publishTender(staff, bae.id);

  const trainer = await demoUser("traeger@bildungswerk-lausitz.example").catch(() => null);
  if (trainer) {
    const provider = await manager.getRepository(Provider).findOne({ where: { id: trainer.providerId ?? 0 } });
    const concept = await renderPdfFromText(
      `# Konzept BaE\n\n${provider?.name ?? "Bildungsträger"}\n\nAusbildungsplanung, Stützunterricht und Übergangsmanagement für 12 Auszubildende.`,
      {},
      { authority: provider?.name ?? "Bildungsträger", address: `${provider?.street ?? ""}\n${provider?.postalCode ?? ""} ${provider?.city ?? ""}`, contact: provider?.email ?? "", footer: "Konzept zum Angebot" },
    );
    const lot = await manager.getRepository(Lot).find({ where: { tenderId: bae.id } });
    await submitOffer(trainer, bae.id, { lots: [{ lotId: lot[0].id, unitPriceCents: 91250 }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true }, concept: { filename: "konzept-bae.pdf", bytes: concept } });
  }

  const measure = await createTender(staff, {
    title: "Vermittlungsmaßnahmen nach § 421i SGB III – drei Maßnahmen mit je 16 Teilnehmenden",
    description: "Beauftragung von Trägern mit Maßnahmen zur Eingliederung arbeitsloser Leistungsberechtigter in sozialversicherungspflichtige Beschäftigung, Vergütung je Teilnehmer und Erfolgsprämie.",
    measureType: "placement_421i",
    legalBasis: "§ 16 Abs. 1 SGB II i. V. m. § 421i SGB III a.F.",
    procedureType: "open",
  });
  for (const [i, region] of ["Kamenz", "Hoyerswerda", "Radeberg"].entries()) {
    await saveLot(staff, measure.id, null, { title: `Maßnahme ${i + 1}: Region ${region}`, quantity: 16, region: `Landkreis Kamenz (${region})`, startDate: `${Number(today.slice(0, 4)) + 1}-03-01`, durationMonths: 6, priceUnit: "participant_success", estimatedUnitPriceCents: 120000, estimatedSuccessFeeCents: 80000 });
  }
  await setCriteria(staff, measure.id, [
    { name: "Preis", weight: 50, isPrice: true, description: "Preis je Teilnehmer zzgl. Erfolgsprämie" },
    { name: "Konzept", weight: 35, isPrice: false, description: "" },
    { name: "Eingliederungserfolge früherer Maßnahmen", weight: 15, isPrice: false, description: "§ 65 Abs. 5 VgV" },
  ]);
  return 2;
}
