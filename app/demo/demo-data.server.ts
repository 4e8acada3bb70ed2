import { BankAccount, Certification, ContactPerson, Provider, User } from "../../entities";
import { seedDemoBudget } from "./demo-finance.server";
import { ibanMod97 } from "~/domain/iban";
import type { Role } from "~/domain/permissions";
import { addDays } from "~/domain/time";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso, today as berlinToday } from "~/lib/clock.server";
import { tx } from "~/lib/db.server";
import { hashPassword } from "~/lib/password.server";

/**
 * The demo data set: one user per role (two where a later four-eyes step needs two people),
 * provider users for two organisations (each organisation's user administers its API tokens), and at --scale 1 about 150 private brokers, 60 training
 * providers and the Bundesagentur für Arbeit, modelled on the Landkreis Kamenz of the 2007 report.
 */
export const DEMO_PASSWORD = "Demo-Passwort-2026";

export const DEMO_USERS: { email: string; name: string; role: Role; providerKey?: string; phone?: string; comparisonAccess?: boolean }[] = [
  { email: "admin@asz-kamenz.example", name: "Petra Schulze", role: "admin", phone: "03578 787-100" },
  { email: "vergabe@asz-kamenz.example", name: "Thomas Richter", role: "procurement", phone: "03578 787-214", comparisonAccess: true },
  { email: "vergabe2@asz-kamenz.example", name: "Katrin Vogel", role: "procurement", phone: "03578 787-215" },
  { email: "fallmanagement@asz-kamenz.example", name: "Sabine Krause", role: "case_manager", phone: "03578 787-331", comparisonAccess: true },
  { email: "fallmanagement2@asz-kamenz.example", name: "Michael Wagner", role: "case_manager", phone: "03578 787-332" },
  { email: "kasse@asz-kamenz.example", name: "Frank Neumann", role: "finance", phone: "03578 787-412" },
  { email: "kasse2@asz-kamenz.example", name: "Monika Lehmann", role: "finance", phone: "03578 787-413" },
  { email: "pruefung@asz-kamenz.example", name: "Dr. Jens Hoffmann", role: "auditor", phone: "03578 787-120", comparisonAccess: true },
  { email: "vermittler@jobbruecke-kamenz.example", name: "Andreas Wolf", role: "provider", providerKey: "DEMO-B-0001" },
  { email: "traeger@bildungswerk-lausitz.example", name: "Claudia Berger", role: "provider", providerKey: "DEMO-T-0001" },
  // The Bundesagentur für Arbeit as the seller of BaE places (public–public purchase, § 108 Abs. 6 GWB).
  { email: "bae@arbeitsagentur-bautzen.example", name: "Birgit Hahn", role: "provider", providerKey: "DEMO-BA-0001" },
  // Further bidders for the demo tenders (one account per organisation).
  { email: "angebote@demo-t-0002.example", name: "Jörg Lange", role: "provider", providerKey: "DEMO-T-0002" },
  { email: "angebote@demo-t-0003.example", name: "Ines Scholz", role: "provider", providerKey: "DEMO-T-0003" },
  { email: "angebote@demo-t-0004.example", name: "Volker Seidel", role: "provider", providerKey: "DEMO-T-0004" },
  { email: "angebote@demo-b-0002.example", name: "Yvonne Horn", role: "provider", providerKey: "DEMO-B-0002" },
];

/** Deterministic pseudo-random numbers (mulberry32), so every demo set looks the same. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SURNAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer"];
export const FIRST = ["Andreas", "Birgit", "Christian", "Doreen", "Enrico", "Franziska", "Gerd", "Heike", "Ines", "Jörg", "Kerstin", "Lars", "Manuela", "Nico", "Olaf", "Peggy", "Ronny", "Sandra", "Torsten", "Ulrike", "Volker", "Yvonne"];
export const PLACES: { city: string; postalCode: string; region: string }[] = [
  { city: "Kamenz", postalCode: "01917", region: "Landkreis Kamenz" },
  { city: "Hoyerswerda", postalCode: "02977", region: "Landkreis Kamenz" },
  { city: "Radeberg", postalCode: "01454", region: "Landkreis Kamenz" },
  { city: "Pulsnitz", postalCode: "01896", region: "Landkreis Kamenz" },
  { city: "Königsbrück", postalCode: "01936", region: "Landkreis Kamenz" },
  { city: "Großröhrsdorf", postalCode: "01900", region: "Landkreis Kamenz" },
  { city: "Bernsdorf", postalCode: "02994", region: "Landkreis Kamenz" },
  { city: "Wittichenau", postalCode: "02997", region: "Landkreis Kamenz" },
  { city: "Ottendorf-Okrilla", postalCode: "01458", region: "Landkreis Kamenz" },
  { city: "Bautzen", postalCode: "02625", region: "Landkreis Bautzen" },
  { city: "Bischofswerda", postalCode: "01877", region: "Landkreis Bautzen" },
  { city: "Dresden", postalCode: "01067", region: "Stadt Dresden" },
  { city: "Görlitz", postalCode: "02826", region: "Niederschlesischer Oberlausitzkreis" },
  { city: "Meißen", postalCode: "01662", region: "Landkreis Meißen" },
  { city: "Riesa", postalCode: "01587", region: "Landkreis Riesa-Großenhain" },
];
export const STREETS = ["Bahnhofstraße", "Hauptstraße", "Am Markt", "Dresdner Straße", "Bautzener Straße", "Schulstraße", "Lessingstraße", "Gartenstraße", "Poststraße", "Weißbacher Straße", "Talstraße", "Friedensstraße"];
const BODIES = ["CERTQUA GmbH", "DEKRA Certification GmbH", "TÜV Rheinland Cert GmbH", "HZA Hanseatische Zertifizierungsagentur", "DQS GmbH", "Cert-IT GmbH"];
const BROKER_PATTERNS = ["Arbeitsvermittlung {s}", "{s} Personalvermittlung", "Jobbrücke {c}", "Personalservice {s}", "{s} & {s2} Arbeitsvermittlung", "Vermittlungsbüro {s}", "Lausitzer Jobagentur {s}", "Perspektive Arbeit {c}"];
const TRAINING_PATTERNS = ["Bildungswerk {c}", "{s} Bildungszentrum", "Berufsförderungswerk {c}", "Lausitzer Bildungsgesellschaft {s}", "Ausbildungsverbund {c}", "Qualifizierungszentrum {c}", "Bildungsinstitut {s}"];
const LEGAL_FORMS_BROKER = ["Einzelunternehmen", "GmbH", "UG (haftungsbeschränkt)", "GbR"];
const LEGAL_FORMS_TRAINING = ["gGmbH", "GmbH", "e. V.", "GmbH & Co. KG"];

/** A valid German IBAN from a bank code and an account number (check digits computed). */
export function demoIban(blz: string, account: string): string {
  const bban = blz.padStart(8, "0") + account.padStart(10, "0");
  const check = 98 - ibanMod97(`DE00${bban}`);
  return `DE${String(check).padStart(2, "0")}${bban}`;
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

export interface DemoResult {
  providers: number;
  users: number;
}

export async function seedDemoData(options: { scale: number }): Promise<DemoResult> {
  const scale = Math.max(0.1, options.scale);
  const r = rng(2007);
  const today = berlinToday();
  const brokers = Math.round(150 * scale);
  const trainers = Math.round(60 * scale);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  return tx(async (m) => {
    const providerRepo = m.getRepository(Provider);
    const at = nowIso();
    let created = 0;
    const specs: { key: string; kind: string; index: number }[] = [
      { key: "DEMO-BA-0001", kind: "agency", index: 0 },
      ...Array.from({ length: brokers }, (_, i) => ({ key: `DEMO-B-${String(i + 1).padStart(4, "0")}`, kind: "broker", index: i })),
      ...Array.from({ length: trainers }, (_, i) => ({ key: `DEMO-T-${String(i + 1).padStart(4, "0")}`, kind: "training", index: i })),
    ];
    const existing = new Set((await providerRepo.find({ select: { externalKey: true } })).map((p) => p.externalKey));
    const providerIds = new Map<string, number>();
    for (const spec of specs) {
      if (existing.has(spec.key)) continue;
      const place = spec.index === 0 && spec.kind !== "agency" ? PLACES[0] : pick(r, PLACES);
      const s = pick(r, SURNAMES);
      const s2 = pick(r, SURNAMES);
      let name: string;
      let legalForm: string;
      let categories: string[];
      if (spec.kind === "agency") {
        name = "Bundesagentur für Arbeit, Agentur für Arbeit Bautzen";
        legalForm = "Körperschaft des öffentlichen Rechts";
        categories = ["bae", "fbw", "rehab"];
      } else if (spec.kind === "broker") {
        name = spec.index === 0 ? "Jobbrücke Kamenz" : pick(r, BROKER_PATTERNS).replace("{s}", s).replace("{s2}", s2).replace("{c}", place.city);
        legalForm = pick(r, LEGAL_FORMS_BROKER);
        categories = ["placement"];
      } else {
        name = spec.index === 0 ? "Bildungswerk Lausitz" : pick(r, TRAINING_PATTERNS).replace("{s}", s).replace("{c}", place.city);
        legalForm = pick(r, LEGAL_FORMS_TRAINING);
        categories = ["training", ...(r() < 0.5 ? ["bae"] : []), ...(r() < 0.4 ? ["activation"] : []), ...(r() < 0.3 ? ["fbw"] : []), ...(r() < 0.2 ? ["youth"] : [])];
      }
      const seq = spec.kind === "agency" ? 900 : spec.kind === "broker" ? 100000 + spec.index : 500000 + spec.index;
      const provider = await providerRepo.save(
        providerRepo.create({
          externalKey: spec.key,
          kind: spec.kind,
          name: `${name}${spec.index > 0 && spec.kind !== "agency" && r() < 0.15 ? ` ${spec.index}` : ""}`,
          legalForm,
          street: `${pick(r, STREETS)} ${1 + Math.floor(r() * 80)}`,
          postalCode: place.postalCode,
          city: place.city,
          region: spec.kind === "agency" ? "Landkreis Bautzen" : place.region,
          vatId: `DE${String(200000000 + seq * 7).slice(0, 9)}`,
          email: `info@${spec.key.toLowerCase()}.example`,
          phone: `0357${Math.floor(r() * 10)} ${1000 + Math.floor(r() * 9000)}`,
          serviceCategories: categories,
          // Brokers registered their trade for job placement at various times since 1994.
          tradeRegistrationDate: spec.kind === "broker" ? addDays("1994-08-01", Math.floor(r() * 4500)) : null,
          active: spec.index === 0 || !(spec.kind === "broker" && r() < 0.05),
          createdAt: at,
          updatedAt: at,
        }),
      );
      providerIds.set(spec.key, provider.id);
      created++;
      await m.getRepository(ContactPerson).save({
        providerId: provider.id,
        name: `${pick(r, FIRST)} ${pick(r, SURNAMES)}`,
        role: spec.kind === "broker" ? "Inhaber/in" : "Geschäftsführung",
        email: `kontakt@${spec.key.toLowerCase()}.example`,
        phone: provider.phone,
      });
      // Certification mix: most valid, some expiring within 90 days, some expired, brokers partly none.
      const roll = r();
      if (spec.kind !== "agency" && !(spec.kind === "broker" && roll < 0.12)) {
        const until = roll < 0.2 ? addDays(today, 10 + Math.floor(r() * 75)) : roll < 0.28 ? addDays(today, -Math.floor(30 + r() * 400)) : addDays(today, 120 + Math.floor(r() * 1000));
        await m.getRepository(Certification).save({
          providerId: provider.id,
          certifyingBody: pick(r, BODIES),
          certificateNumber: `AZAV-${spec.key.slice(5)}-${2021 + Math.floor(r() * 4)}`,
          validFrom: addDays(until, -5 * 365 + 1),
          validUntil: until,
          scope: spec.kind === "broker" ? "Fachbereich 3: Maßnahmen der Arbeitsvermittlung (§ 45 Abs. 4 S. 3 Nr. 2 SGB III)" : "Fachbereiche 1, 2 und 4 (§ 5 AZAV)",
          changedAt: at,
          changedById: null,
        });
      }
      await m.getRepository(BankAccount).save({
        providerId: provider.id,
        iban: demoIban(String(85050000 + Math.floor(r() * 9000)), String(1000000 + seq)),
        bic: null,
        holder: provider.name,
        current: true,
        changedAt: at,
        changedById: null,
        requestedById: null,
      });
    }

    let users = 0;
    for (const u of DEMO_USERS) {
      if (await m.getRepository(User).exist({ where: { email: u.email } })) continue;
      let providerId: number | null = null;
      if (u.providerKey) {
        providerId = providerIds.get(u.providerKey) ?? (await providerRepo.findOne({ where: { externalKey: u.providerKey } }))?.id ?? null;
        if (!providerId) continue;
      }
      await m.getRepository(User).save({ email: u.email, name: u.name, phone: u.phone ?? null, role: u.role, providerId, providerAdmin: u.role === "provider", comparisonAccess: u.comparisonAccess === true, passwordHash, active: true, createdAt: at, updatedAt: at, passwordChangedAt: at, lastLoginAt: null });
      users++;
    }
    const budget = await seedDemoBudget(m, today, at);
    await appendAudit(m, SYSTEM, {
      action: "demo_data.seed",
      summary: `Demodaten angelegt: ${created} Träger, ${users} Benutzer, ${budget.lines} Haushaltsstellen (Umfang ${scale})`,
      details: { scale, providers: created, users, budgetYears: budget.years },
    });
    return { providers: created, users };
  });
}
