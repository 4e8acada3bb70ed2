import type { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from "typeorm";
import {
  AgreementTerms,
  Assignment,
  BankAccount,
  Certification,
  ClaimDocument,
  Client,
  ContactPerson,
  EmploymentSpell,
  FeeInstalment,
  FeeSchedule,
  PaymentItem,
  PlacementAgreement,
  PlacementClaim,
  Provider,
  User,
} from "../../entities";
import type { InstalmentState } from "~/domain/fee-instalment.machine";
import { formatCents } from "~/domain/money";
import type { ClaimState } from "~/domain/placement-claim.machine";
import {
  admissionProblem,
  assignmentValidUntil,
  clientReference,
  durationReachedOn,
  exclusionDeadline,
  feeFor,
  normalizeText,
  periodsOverlap,
  planInstalments,
  RULE_SETS,
  STANDARD_INSTALMENTS,
  targetGroupsOn,
  type AgreementState,
  type FeeRate,
  type FeeScheduleData,
  type InstalmentRule,
  type LegalBasis,
  type PlannedInstalment,
} from "~/domain/placement";
import { checkPlacementRules, insuredDaysWithin, type BrokerFacts, type ClaimInput, type RuleFacts, type RuleResult } from "~/domain/placement-rules";
import { addDays, addMonths, berlinDate, daysBetween, formatDate } from "~/domain/time";
import { appendAudit, SYSTEM } from "~/lib/audit.server";
import { nowIso, today as berlinToday } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { storeDocument } from "~/lib/documents.server";
import { renderPdfFromText } from "~/lib/pdf.server";
import { getSettings } from "~/lib/settings.server";
import { demoIban, DEMO_USERS, FIRST, pick, PLACES, rng, STREETS, SURNAMES } from "./demo-data.server";
import { demoRunDay } from "./demo-run-days";

/**
 * The demo data set for placements with private brokers (Vermittlungsvereinbarungen), modelled on
 * the 2007 report of the ASZ Kamenz: over 140 brokers with agreements, 119 employment contracts
 * through brokers in 2006 and 134 in 2007, about a third of the claims abuse or deadweight.
 *
 * Everything is generated in memory first (seeded random numbers, so every run with the same
 * date looks the same), every claim is checked with `checkPlacementRules` exactly as the services
 * do, and the rows are then inserted in bulk inside one transaction. Runs after `seedDemoData`.
 */

export interface DemoPlacementResult {
  agreements: number;
  clients: number;
  assignments: number;
  claims: number;
  instalments: number;
}

type Rand = () => number;

const CASE_MANAGER_EMAIL = "fallmanagement@asz-kamenz.example";
const PROCUREMENT_EMAIL = "vergabe@asz-kamenz.example";
const DEMO_BROKER_KEY = "DEMO-B-0001";
const FAR_FUTURE = "9999-12-31";
const CHUNK = 500;

/** Claims per year of the employment contract: `accepted` reproduces the report (2006: 119, 2007: 134). */
const CONTRACT_YEAR_PLAN = [
  { year: 2005, claims: 120, accepted: 60 },
  { year: 2006, claims: 275, accepted: 119 },
  { year: 2007, claims: 285, accepted: 134 },
  { year: 2008, claims: 290, accepted: 140 },
] as const;
/** Assignments (vouchers) issued per year; 2005 was the hesitant start. */
const ASSIGNMENTS_PER_YEAR: Record<number, number> = { 2005: 1500, 2006: 3000, 2007: 3000, 2008: 3000 };
const HISTORIC_CLIENTS = 8400;
const CURRENT_CLIENTS = 600;
const CURRENT_ASSIGNMENTS = 300;

// ---------------------------------------------------------------------------------------------
// Small helpers

const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const chance = (r: Rand, p: number) => r() < p;
const yearOf = (date: string) => Number(date.slice(0, 4));
const pad = (n: number) => String(n).padStart(2, "0");
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);

function shuffle<T>(r: Rand, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

function weighted<T>(r: Rand, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1][0];
}

/** Move a Saturday or Sunday to the Friday before (or the Monday after at the start of a year). */
function workday(date: string): string {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (day !== 0 && day !== 6) return date;
  const back = addDays(date, day === 6 ? -1 : -2);
  return yearOf(back) === yearOf(date) ? back : addDays(date, day === 6 ? 2 : 1);
}

/** An instant during office hours on a Berlin date (06:00–15:59 UTC is the same Berlin day all year). */
function at(date: string, r: Rand): string {
  const minutes = int(r, 6 * 60, 15 * 60 + 59);
  return `${date}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:${pad(int(r, 0, 59))}.000Z`;
}

/**
 * Bulk insert in chunks of up to 500 rows, returning the generated ids in row order. Column names,
 * defaults, transformers (JSON, cents) and driver conversions (booleans) come from the entity
 * metadata, as in `manager.insert`; but one parameterised INSERT per chunk without TypeORM's
 * per-row query building and re-reading is about ten times faster for the ~45,000 demo rows.
 * SQLite assigns the rowids of one statement consecutively (the transaction holds the write
 * lock); PostgreSQL returns them.
 */
async function insertChunked<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<number[]> {
  const runner = m.queryRunner;
  if (!runner) throw new Error("Demodaten: Einfügen nur innerhalb einer Transaktion.");
  const meta = m.connection.getMetadata(entity);
  const driver = m.connection.driver;
  const postgres = m.connection.options.type === "postgres";
  const columns = meta.columns.filter((c) => !c.isGenerated);
  const primary = meta.primaryColumns[0];
  const size = Math.max(1, Math.min(CHUNK, Math.floor(30000 / columns.length)));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = columns.map((c) => {
        let value = (row as Record<string, unknown>)[c.propertyName];
        if (value === undefined) value = typeof c.default === "function" ? null : (c.default ?? null);
        params.push(driver.preparePersistentValue(value, c));
        return postgres ? `$${params.length}` : "?";
      });
      return `(${placeholders.join(", ")})`;
    });
    const table = meta.tablePath.split(".").map((part) => driver.escape(part)).join(".");
    const sql = `INSERT INTO ${table} (${columns.map((c) => driver.escape(c.databaseName)).join(", ")}) VALUES ${tuples.join(", ")}${postgres ? ` RETURNING ${driver.escape(primary.databaseName)}` : ""}`;
    const result = await runner.query(sql, params, true);
    if (postgres) for (const record of result.records as Record<string, unknown>[]) ids.push(Number(record[primary.databaseName]));
    else {
      if (result.affected !== undefined && result.affected !== chunk.length) throw new Error("Demodaten: nicht alle Zeilen eingefügt.");
      const last = Number(result.raw);
      for (let k = chunk.length - 1; k >= 0; k--) ids.push(last - k);
    }
  }
  if (ids.length !== rows.length || ids.some((id) => !Number.isFinite(id) || id <= 0)) throw new Error("Demodaten: eingefügte Zeilen ohne Kennung.");
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Static demo content

const FIRST_MORE = ["Steffen", "Katrin", "Mandy", "Marcel", "Sven", "Silke", "Jens", "Anja", "René", "Nadine", "Maik", "Daniela", "Uwe", "Petra", "Frank", "Kevin", "Jacqueline", "Tom", "Lisa", "Paul", "Sebastian", "Susann", "Dirk", "Cindy", "Mario", "Romy", "Thomas", "Sabine", "Rico", "Janine"];
const FIRST_NAMES = [...FIRST, ...FIRST_MORE];

interface Occupation {
  title: string;
  qualifications: string[];
  sectors: string[];
}

const OCCUPATIONS: Occupation[] = [
  { title: "Lagerist/in", qualifications: ["Fachkraft für Lagerlogistik (IHK)", "ohne Berufsabschluss, Staplerschein", "Teilezurichter/in (Facharbeiterabschluss 1987), Staplerschein"], sectors: ["logistics", "haulage", "retail"] },
  { title: "Pflegehelfer/in", qualifications: ["Pflegebasiskurs (200 Std.)", "Hauswirtschafter/in, Pflegehelferkurs", "ohne Berufsabschluss, Erfahrung in der häuslichen Pflege"], sectors: ["care"] },
  { title: "Berufskraftfahrer/in", qualifications: ["Führerschein CE, Weiterbildung nach BKrFQG", "Kfz-Schlosser/in, Führerschein C", "Führerschein CE, ADR-Bescheinigung"], sectors: ["haulage", "logistics"] },
  { title: "Verkäufer/in", qualifications: ["Verkäufer/in (IHK)", "Einzelhandelskaufmann/-frau", "Facharbeiter/in für Warenkunde (1989)"], sectors: ["retail"] },
  { title: "Elektroniker/in", qualifications: ["Elektroinstallateur/in", "Elektroniker/in für Betriebstechnik", "Elektromonteur/in (Facharbeiterabschluss 1985)"], sectors: ["electrical"] },
  { title: "Koch/Köchin", qualifications: ["Koch/Köchin (IHK)", "Beikoch/Beiköchin, Hygieneschulung", "Fachkraft im Gastgewerbe"], sectors: ["catering"] },
  { title: "Bürokaufmann/-frau", qualifications: ["Bürokaufmann/-frau (IHK)", "Facharbeiter/in für Schreibtechnik, EDV-Grundkurs", "Industriekaufmann/-frau"], sectors: ["office"] },
  { title: "Produktionshelfer/in", qualifications: ["ohne Berufsabschluss", "Teilfacharbeiter/in Metall", "angelernte/r Maschinenbediener/in"], sectors: ["metal", "plastics", "electrical", "glass"] },
  { title: "Metallbauer/in", qualifications: ["Schlosser/in (Facharbeiterabschluss 1984)", "Metallbauer/in, Schweißerprüfung", "Konstruktionsmechaniker/in"], sectors: ["metal"] },
  { title: "Reinigungskraft", qualifications: ["ohne Berufsabschluss", "Gebäudereiniger/in (angelernt)"], sectors: ["cleaning"] },
  { title: "Bauhelfer/in", qualifications: ["Maurer/in (Facharbeiterabschluss)", "ohne Berufsabschluss, Erfahrung im Tiefbau"], sectors: ["construction"] },
  { title: "Fachkraft für Schutz und Sicherheit", qualifications: ["Sachkundeprüfung nach § 34a GewO", "Werkschutzfachkraft"], sectors: ["security"] },
  { title: "Maschinen- und Anlagenführer/in", qualifications: ["Maschinen- und Anlagenführer/in (IHK)", "Facharbeiter/in für Glastechnik", "Chemiefacharbeiter/in"], sectors: ["plastics", "glass", "metal"] },
];

const PREFIXES = ["Lausitzer", "Oberlausitzer", "Westlausitzer", "Sächsische", "Kamenzer", "Elbtal", "Hoyerswerdaer", "Radeberger", "Röderland", "Heide"];
const SECTOR_PATTERNS: Record<string, string[]> = {
  logistics: ["{p} Logistik GmbH", "Logistikzentrum {c} GmbH", "{s} Lagerlogistik GmbH"],
  haulage: ["Spedition {s} GmbH & Co. KG", "{s} Transporte e.K.", "{p} Fuhrbetrieb GmbH"],
  care: ["Pflegedienst {s}", "Ambulanter Pflegedienst {c} GmbH", "Seniorenresidenz {c} gGmbH", "Diakoniestation {c}"],
  retail: ["{s} Handelsgesellschaft mbH", "Getränkemarkt {s}", "{p} Baumarkt GmbH", "Frischemarkt {c} GmbH"],
  electrical: ["{p} Elektrotechnik GmbH", "Elektro-{s} GmbH", "{p} Elektronikfertigung GmbH"],
  catering: ["Hotel zur Post {c}", "Gasthof {s}", "{p} Betriebsgastronomie GmbH", "Landhotel {s}"],
  office: ["Büroservice {s}", "Steuerbüro {s}", "{p} Verwaltungsdienste GmbH"],
  metal: ["{p} Metallbau GmbH", "Stahlbau {s} GmbH", "{p} Maschinenbau GmbH", "Metallverarbeitung {c} GmbH"],
  plastics: ["{p} Kunststofftechnik GmbH", "Kunststoffwerk {c} GmbH", "{s} Formenbau GmbH"],
  glass: ["Glaswerk {c} GmbH", "{p} Glashütte GmbH"],
  cleaning: ["Gebäudereinigung {s} GmbH", "{p} Gebäudedienste GmbH"],
  construction: ["Bauunternehmen {s} GmbH", "{p} Hoch- und Tiefbau GmbH", "Holzbau {s}"],
  security: ["{p} Sicherheitsdienst GmbH", "Wachschutz {s} GmbH"],
};

/** Employers abroad (EU), for AVGS claims where the hours rule applies (§ 45 Abs. 6 SGB III). */
const FOREIGN_EMPLOYERS = [
  { name: "Autodíly Liberec s.r.o.", street: "Průmyslová 12", postalCode: "460 01", city: "Liberec (Tschechien)", vatId: "CZ25412345", manager: "Petr Novák" },
  { name: "Zakład Metalowy Zgorzelec Sp. z o.o.", street: "ul. Przemysłowa 5", postalCode: "59-900", city: "Zgorzelec (Polen)", vatId: "PL6151234567", manager: "Marek Kowalski" },
  { name: "Hotel Ještěd Děčín a.s.", street: "Masarykova 40", postalCode: "405 02", city: "Děčín (Tschechien)", vatId: "CZ26712345", manager: "Jana Dvořáková" },
];

const HEALTH_NOTES = ["Kein Heben schwerer Lasten (ärztliches Attest)", "Keine Nachtschichten", "Eingeschränkte Belastbarkeit nach Rückenoperation", "Allergie gegen Reinigungsmittel", "Gehbehinderung, keine dauerhaft stehende Tätigkeit"];

function termsBody(basis: LegalBasis): string {
  const standing =
    basis === "voucher_421g"
      ? "Zugelassen wird jeder private Arbeitsvermittler, der eine Gewerbeanzeige für die Arbeitsvermittlung vorlegt (§ 421g Abs. 3 Nr. 4 SGB III a.F.). Eine Auswahl unter den Vermittlern findet nicht statt; die Vereinbarung wird mit jedem Vermittler zu denselben Bedingungen geschlossen."
      : "Zugelassen wird jeder private Arbeitsvermittler mit einer gültigen Trägerzulassung nach der AZAV für den Fachbereich Maßnahmen der Arbeitsvermittlung (§ 45 Abs. 4 S. 3 Nr. 2, § 176 SGB III). Läuft die Zulassung ab, ruht die Vereinbarung bis zur Vorlage einer neuen Zulassung.";
  const fee =
    basis === "voucher_421g"
      ? "Für die Vermittlung in eine versicherungspflichtige Beschäftigung von mindestens 15 Wochenstunden erhält der Vermittler 2.000 Euro einschließlich Umsatzsteuer: 1.000 Euro nach sechs Wochen Beschäftigung, den Rest nach sechs Monaten Beschäftigung beim selben Arbeitgeber."
      : "Für die Vermittlung in eine versicherungspflichtige Beschäftigung erhält der Vermittler 2.000 Euro, für langzeitarbeitslose und schwerbehinderte Kunden bis zu 2.500 Euro: 1.000 Euro nach sechs Wochen Beschäftigung, den Rest nach sechs Monaten Beschäftigung beim selben Arbeitgeber.";
  return [
    "§ 1 Zulassung",
    standing,
    "Die Vereinbarung gilt für zwölf Monate. Das Arbeits- und Sozialzentrum bietet rechtzeitig vor ihrem Ende eine Verlängerung an.",
    "§ 2 Zuweisung und Vergütung",
    "Der Vermittler wird nur für Kunden tätig, die ihm mit einer gültigen Zuweisung (Vermittlungsgutschein) zugewiesen sind. " + fee,
    "Nicht vergütet werden Beschäftigungen, die von vornherein auf weniger als drei Monate befristet sind, Beschäftigungen bei einem Arbeitgeber, bei dem der Kunde in den letzten vier Jahren mehr als drei Monate versicherungspflichtig beschäftigt war, sowie Vermittlungen in Betriebe, mit denen der Vermittler verflochten ist (BSG, Urteil vom 6.4.2006, B 7a AL 56/05 R).",
    "§ 3 Nachweise",
    "Mit dem Vermittlungsnachweis sind einzureichen: der schriftliche, vor der Vermittlung geschlossene Vermittlungsvertrag mit dem Kunden, eine Kopie des Arbeitsvertrags und die Bestätigung des Arbeitgebers über Vertragsdatum, Beginn, Arbeitszeit, Versicherungspflicht und Befristung. Für jede Rate bestätigt der Arbeitgeber die ununterbrochene Beschäftigung. Nachweise, die später als sechs Monate nach Ablauf des Monats eingehen, in dem die Beschäftigungsdauer erreicht wurde, werden nicht mehr berücksichtigt (§ 326 SGB III).",
    "§ 4 Datenschutz",
    "Der Vermittler erhebt und verwendet Daten der Kunden nur, soweit es für die Vermittlung erforderlich ist, und personenbezogene Daten nur mit Einwilligung des Kunden (§ 298 SGB III). Unterlagen sind nach Abschluss der Vermittlung zurückzugeben.",
    "§ 5 Aufbewahrung",
    "Geschäftsunterlagen zur Vermittlung sind drei Jahre aufzubewahren und danach zu löschen oder zu vernichten.",
  ].join("\n\n");
}

// ---------------------------------------------------------------------------------------------
// In-memory model

interface BrokerInfo {
  id: number;
  key: string;
  name: string;
  street: string;
  postalCode: string;
  city: string;
  active: boolean;
  tradeRegistrationDate: string | null;
  certifications: { validFrom: string; validUntil: string }[];
  account: BankAccount | null;
  contactName: string;
  userId: number | null;
  userName: string | null;
  weight: number;
  facts: BrokerFacts;
  /** Agreement per calendar year 2005–2008 and the current one. */
  yearly: Map<number, AgreementDraft>;
  current: AgreementDraft | null;
}

interface AgreementDraft {
  broker: BrokerInfo;
  reference: string;
  legalBasis: LegalBasis;
  feeScheduleId: number;
  termsId: number;
  validFrom: string;
  validUntil: string;
  status: AgreementState;
  offeredAt: string | null;
  acceptedAt: string | null;
  acceptedById: number | null;
  acceptedByName: string;
  statusReason: string;
  renewedFrom: AgreementDraft | null;
  createdAt: string;
  updatedAt: string;
  id?: number;
}

interface Employer {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  vatId: string | null;
  iban: string | null;
  manager: string | null;
  sector: string;
  key: string;
}

interface SpellDraft {
  employerName: string;
  fromDate: string;
  toDate: string | null;
  insured: boolean;
  source: "history" | "placement";
  createdAt: string | null;
}

interface ClientDraft {
  index: number;
  cohort: "historic" | "current";
  firstName: string;
  lastName: string;
  birthDate: string;
  street: string;
  postalCode: string;
  city: string;
  region: string;
  phone: string;
  email: string;
  targetGroups: string[];
  occupation: Occupation;
  qualification: string;
  monthlyBenefitCents: number | null;
  householdSize: number | null;
  healthNotes: string;
  spells: SpellDraft[];
  busyUntil: string;
  assignments: AssignmentDraft[];
  claims: ClaimDraft[];
  id?: number;
}

interface AssignmentDraft {
  seq: number;
  client: ClientDraft;
  broker: BrokerInfo;
  agreement: AgreementDraft;
  legalBasis: LegalBasis;
  issuedOn: string;
  validFrom: string;
  validUntil: string;
  maxFeeCents: number;
  consentAt: string | null;
  claim: ClaimDraft | null;
  current: boolean;
  reference?: string;
  id?: number;
}

type ClaimClass = "accepted" | "flag_rejected" | "rejected" | "withdrawn" | "submitted_clean" | "submitted_flag" | "documents_requested";

type ClaimType =
  | "clean"
  | "flag_fixed6"
  | "flag_offer"
  | "flag_start_before"
  | "flag_address_ok"
  | "flag_second_broker"
  | "reject_iban"
  | "reject_manager"
  | "reject_address"
  | "hours"
  | "hours_abroad"
  | "minijob"
  | "fixed_short"
  | "prev_employer"
  | "broker_contract_late"
  | "after_expiry"
  | "late_submission"
  | "issued_after_start";

interface Outcome {
  cls: ClaimClass;
  type: ClaimType;
}

interface InstalmentDraft {
  plan: PlannedInstalment;
  status: InstalmentState;
  confirmedUntil: string | null;
  dueAt: string | null;
  earnedAt: string | null;
  certifiedAt: string | null;
  closedAt: string | null;
  closeReason: string;
  updatedAt: string;
  id?: number;
}

interface ClaimDraft {
  seq: number;
  assignment: AssignmentDraft;
  client: ClientDraft;
  broker: BrokerInfo;
  input: ClaimInput;
  submittedOn: string;
  submittedAt: string;
  status: ClaimState;
  decidedAt: string | null;
  decisionNote: string;
  updatedAt: string;
  employmentEndedOn: string | null;
  results: RuleResult[];
  instalments: InstalmentDraft[];
  /** Current claims: uploaded document kinds. */
  documentKinds: string[];
  reference?: string;
  id?: number;
}

const ERROR_TYPES: readonly (readonly [ClaimType, number])[] = [
  ["hours", 24],
  ["minijob", 12],
  ["fixed_short", 12],
  ["prev_employer", 15],
  ["broker_contract_late", 12],
  ["after_expiry", 10],
  ["late_submission", 9],
  ["issued_after_start", 6],
];
const ACCEPTED_FLAG_TYPES: ClaimType[] = ["flag_fixed6", "flag_offer", "flag_start_before", "flag_address_ok", "flag_second_broker"];
const REJECTED_FLAG_TYPES: ClaimType[] = ["reject_iban", "reject_manager", "reject_address"];

const REVIEW_NOTES: Record<string, string> = {
  "R8-end-after-threshold": "Befristung auf sechs Monate ist im Betrieb üblich (Saisongeschäft); keine Anhaltspunkte für Mitnahme.",
  "R6-contract-after-offer": "Der Kunde hat sich auf Vorschlag und mit Unterstützung des Vermittlers beworben; die Vermittlung war ursächlich.",
  "R1-start-before-contract": "Arbeitsaufnahme auf mündliche Einstellungszusage vor Unterzeichnung des Arbeitsvertrags; plausibel.",
  "R5-address": "Gleiche Anschrift in einem Gewerbehof mit mehreren Mietern; keine personelle oder wirtschaftliche Verflechtung festgestellt.",
  "R5-iban": "Bankverbindung beim Arbeitgeber nachgefragt; Verwechslung im Formular, keine Verflechtung.",
  "R5-manager": "Namensgleichheit geprüft; verschiedene Personen, keine Verflechtung.",
  "R5-vat-id": "USt-IdNr. geprüft; Eingabefehler im Formular.",
  "R9-second-broker": "Die frühere Beschäftigung über einen anderen Vermittler ist beendet; die neue Vermittlung ist eigenständig.",
};
const INTERTWINED = "Verflechtung von Vermittler und Arbeitgeber bestätigt (BSG B 7a AL 56/05 R).";

// ---------------------------------------------------------------------------------------------

export async function seedDemoPlacements(options: { scale: number }): Promise<DemoPlacementResult> {
  const scale = Math.max(0.1, options.scale);
  const today = berlinToday();
  const yesterday = addDays(today, -1);
  const S = (n: number) => Math.round(n * scale);
  const Smin = (n: number, min = 1) => Math.max(min, Math.round(n * scale));

  const empty: DemoPlacementResult = { agreements: 0, clients: 0, assignments: 0, claims: 0, instalments: 0 };
  if (await (await em()).getRepository(FeeSchedule).exist({ where: { code: "VGS-2005" } })) return empty;
  // The demo PDFs are rendered before the transaction (no database access, takes a moment).
  const pdfs = await demoPdfs();

  return tx(async (m) => {
    if (await m.getRepository(FeeSchedule).exist({ where: { code: "VGS-2005" } })) return empty;

    const settings = await getSettings(m);
    const ruleSettings = { suspiciousEndWindowDays: settings["placement.suspiciousEndWindowDays"], sameSpellWindowDays: settings["placement.sameSpellWindowDays"] };
    const budgetLine = settings["placement.budgetLine"];

    const users = await m.getRepository(User).find();
    const byEmail = (email: string) => users.find((u) => u.email === email) ?? null;
    const caseManager = byEmail(CASE_MANAGER_EMAIL) ?? byEmail(DEMO_USERS.find((u) => u.role === "case_manager")!.email);
    const procurement = byEmail(PROCUREMENT_EMAIL) ?? byEmail(DEMO_USERS.find((u) => u.role === "procurement")!.email);
    if (!caseManager || !procurement) throw new Error("Demodaten Vermittlung: Fallmanagement- und Vergabebenutzer fehlen (zuerst die Demodaten anlegen).");

    // --- Brokers ---------------------------------------------------------------------------------
    const providers = (await m.getRepository(Provider).find({ where: { kind: "broker" } }))
      .filter((p) => p.externalKey?.startsWith("DEMO-B-"))
      .sort((a, b) => (a.externalKey! < b.externalKey! ? -1 : 1));
    if (!providers.length) throw new Error("Demodaten Vermittlung: keine Demo-Vermittler vorhanden (zuerst die Demodaten anlegen).");
    const ids = providers.map((p) => p.id);
    const certs = await m.getRepository(Certification).createQueryBuilder("c").where("c.providerId IN (:...ids)", { ids }).getMany();
    const accounts = await m.getRepository(BankAccount).createQueryBuilder("b").where("b.providerId IN (:...ids)", { ids }).orderBy("b.id", "ASC").getMany();
    const contacts = await m.getRepository(ContactPerson).createQueryBuilder("c").where("c.providerId IN (:...ids)", { ids }).orderBy("c.id", "ASC").getMany();

    const rb = rng(4210);
    const brokers: BrokerInfo[] = providers.map((p) => {
      const own = accounts.filter((a) => a.providerId === p.id);
      const account = own.find((a) => a.current) ?? null;
      const managers = contacts.filter((c) => c.providerId === p.id).map((c) => c.name);
      const user = users.find((u) => u.providerId === p.id && u.role === "provider") ?? null;
      const certifications = certs.filter((c) => c.providerId === p.id).map((c) => ({ validFrom: c.validFrom, validUntil: c.validUntil }));
      return {
        id: p.id,
        key: p.externalKey!,
        name: p.name,
        street: p.street,
        postalCode: p.postalCode,
        city: p.city,
        active: p.active,
        tradeRegistrationDate: p.tradeRegistrationDate,
        certifications,
        account,
        contactName: managers[0] ?? `${pick(rb, FIRST_NAMES)} ${pick(rb, SURNAMES)}`,
        userId: user?.id ?? null,
        userName: user?.name ?? null,
        weight: p.externalKey === DEMO_BROKER_KEY ? 1.2 : 0.25 + 2.5 * rb() * rb(),
        facts: {
          id: p.id,
          name: p.name,
          street: p.street,
          postalCode: p.postalCode,
          vatId: p.vatId,
          ibans: own.map((a) => a.iban),
          managers,
          tradeRegistrationDate: p.tradeRegistrationDate,
          certifications,
        },
        yearly: new Map(),
        current: null,
      };
    });
    const demoBroker = brokers.find((b) => b.key === DEMO_BROKER_KEY) ?? null;

    // --- Fee schedules and terms -------------------------------------------------------------------
    const vgsData: FeeScheduleData = {
      legalBasis: "voucher_421g",
      validFrom: "2005-01-01",
      instalments: STANDARD_INSTALMENTS,
      rates: [{ targetGroup: null, totalCents: 200000, validFrom: "2005-01-01" }],
    };
    const avgsRates: FeeRate[] = [
      { targetGroup: null, totalCents: 200000, validFrom: "2012-04-01" },
      { targetGroup: "long_term_unemployed", totalCents: 250000, validFrom: "2012-04-01" },
      { targetGroup: "severely_disabled", totalCents: 250000, validFrom: "2012-04-01" },
    ];
    const avgsData: FeeScheduleData = { legalBasis: "avgs_45", validFrom: "2012-04-01", instalments: STANDARD_INSTALMENTS, rates: avgsRates };
    const [vgsId, avgsId] = await insertChunked(m, FeeSchedule, [
      { code: "VGS-2005", name: "Vermittlungsgutschein nach § 421g SGB III a.F. (2.000 € in zwei Raten)", legalBasis: "voucher_421g", validFrom: vgsData.validFrom, instalments: vgsData.instalments, rates: vgsData.rates, createdAt: "2004-12-01T09:00:00.000Z", createdById: procurement.id },
      { code: "AVGS-2012", name: "AVGS-MPAV nach § 45 Abs. 4 SGB III (2.000 €, bis 2.500 € für Zielgruppen)", legalBasis: "avgs_45", validFrom: avgsData.validFrom, instalments: avgsData.instalments, rates: avgsData.rates, createdAt: "2012-03-15T09:00:00.000Z", createdById: procurement.id },
    ]);
    const [vgsTermsId, avgsTermsId] = await insertChunked(m, AgreementTerms, [
      { title: "Zulassungsbedingungen für private Arbeitsvermittler – Vermittlungsgutschein (§ 421g SGB III a.F.)", legalBasis: "voucher_421g", feeScheduleId: vgsId, termMonths: 12, body: termsBody("voucher_421g"), publishedAt: "2004-12-01T10:00:00.000Z", createdAt: "2004-12-01T09:30:00.000Z" },
      { title: "Zulassungsbedingungen für private Arbeitsvermittler – AVGS-MPAV (§ 45 Abs. 4 SGB III)", legalBasis: "avgs_45", feeScheduleId: avgsId, termMonths: 12, body: termsBody("avgs_45"), publishedAt: "2012-03-15T10:00:00.000Z", createdAt: "2012-03-15T09:30:00.000Z" },
    ]);
    const scheduleFor = (basis: LegalBasis) => (basis === "voucher_421g" ? vgsData : avgsData);
    const firstRule = (basis: LegalBasis): InstalmentRule => [...scheduleFor(basis).instalments].sort((a, b) => a.number - b.number)[0];

    // --- Agreements ----------------------------------------------------------------------------------
    const ra = rng(2005);
    const agreements: AgreementDraft[] = [];

    for (const y of [2005, 2006, 2007, 2008]) {
      const eligible = brokers.filter((b) => b.tradeRegistrationDate && b.tradeRegistrationDate < `${y}-01-01`);
      // 2005 started hesitantly (agreement instead of the BA voucher): admissions spread over the first half year.
      const starts = eligible.map((b) => ({ b, from: y === 2005 ? addDays("2005-01-01", Math.floor(ra() * ra() * 180)) : `${y}-01-01` })).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
      for (const { b, from } of starts) {
        const offeredOn = addDays(from, -int(ra, 12, 40));
        const acceptedOn = minDate(addDays(offeredOn, int(ra, 2, 10)), addDays(from, -1));
        const offeredAt = at(offeredOn, ra);
        const a: AgreementDraft = {
          broker: b,
          reference: "",
          legalBasis: "voucher_421g",
          feeScheduleId: vgsId,
          termsId: vgsTermsId,
          validFrom: from,
          validUntil: `${y}-12-31`,
          status: "expired",
          offeredAt,
          acceptedAt: at(acceptedOn, ra),
          acceptedById: null,
          acceptedByName: b.contactName,
          statusReason: "",
          renewedFrom: b.yearly.get(y - 1) ?? null,
          createdAt: at(addDays(offeredOn, -1), ra),
          updatedAt: `${y + 1}-01-01T02:00:00.000Z`,
        };
        b.yearly.set(y, a);
        agreements.push(a);
      }
    }

    // Current period (AVGS): every admissible broker; a few offers, suspensions, terminations.
    const currentPeriod = today >= "2013-04-01";
    if (currentPeriod) {
      const rc = rng(2026);
      const admissible = brokers.filter((b) => admissionProblem("avgs_45", { kind: "broker", active: b.active, tradeRegistrationDate: b.tradeRegistrationDate, certifications: b.certifications }, today) === null);
      const others = admissible.filter((b) => b !== demoBroker);
      shuffle(rc, others);
      const offered = others.splice(0, Math.min(Smin(5), Math.max(0, others.length - 1)));
      const expiring = new Set(others.slice(0, Smin(10)));
      const active = demoBroker && admissible.includes(demoBroker) ? [demoBroker, ...others] : others;
      const accept = (b: BrokerInfo, from: string, status: AgreementState, statusReason = "", updatedOn?: string) => {
        const offeredOn = minDate(addDays(from, -int(rc, 7, 30)), addDays(yesterday, -2));
        const acceptedOn = minDate(addDays(offeredOn, int(rc, 1, 8)), yesterday);
        const a: AgreementDraft = {
          broker: b,
          reference: "",
          legalBasis: "avgs_45",
          feeScheduleId: avgsId,
          termsId: avgsTermsId,
          validFrom: from,
          validUntil: assignmentValidUntil(from, 12),
          status,
          offeredAt: at(offeredOn, rc),
          acceptedAt: at(acceptedOn, rc),
          acceptedById: b.userId,
          acceptedByName: b.userName ?? b.contactName,
          statusReason,
          renewedFrom: null,
          createdAt: at(addDays(offeredOn, -1), rc),
          updatedAt: at(updatedOn ?? acceptedOn, rc),
        };
        b.current = a;
        agreements.push(a);
        return a;
      };
      for (const b of active) {
        let from: string;
        if (b === demoBroker) from = addDays(today, -250);
        else if (expiring.has(b)) from = addDays(addMonths(today, -12), int(rc, 32, 57));
        else from = addDays(today, -int(rc, 0, 290));
        accept(b, from, "active");
      }
      for (const b of offered) {
        const from = addDays(today, int(rc, 3, 25));
        const offeredOn = addDays(today, -int(rc, 1, 12));
        const a: AgreementDraft = {
          broker: b,
          reference: "",
          legalBasis: "avgs_45",
          feeScheduleId: avgsId,
          termsId: avgsTermsId,
          validFrom: from,
          validUntil: assignmentValidUntil(from, 12),
          status: "offered",
          offeredAt: at(offeredOn, rc),
          acceptedAt: null,
          acceptedById: null,
          acceptedByName: "",
          statusReason: "",
          renewedFrom: null,
          createdAt: at(offeredOn, rc),
          updatedAt: at(offeredOn, rc),
        };
        b.current = a;
        agreements.push(a);
      }
      // Suspended: the AZAV admission expired during the term.
      const lapsedCert = brokers
        .filter((b) => b.active && !b.current && b.certifications.length && !b.certifications.some((c) => c.validFrom <= today && today <= c.validUntil))
        .map((b) => ({ b, until: b.certifications.map((c) => c.validUntil).sort().at(-1)! }))
        .filter(({ until }) => until > addDays(addMonths(today, -11), 30));
      for (const { b, until } of lapsedCert.slice(0, Smin(3))) {
        const from = maxDate(addDays(addMonths(today, -11), int(rc, 0, 20)), addDays(until, -int(rc, 60, 200)));
        if (from >= until) continue;
        accept(b, from, "suspended", `Die AZAV-Trägerzulassung ist am ${formatDate(until)} abgelaufen; die Vereinbarung ruht bis zur Vorlage einer gültigen Zulassung (§ 45 Abs. 4 S. 3 Nr. 2, § 176 SGB III).`, minDate(addDays(until, int(rc, 1, 5)), yesterday));
      }
      // Terminated: brokers who gave up the business.
      const quitters = brokers.filter((b) => !b.active && !b.current && b.certifications.length);
      for (const b of quitters.slice(0, Smin(3))) {
        const from = addDays(today, -int(rc, 120, 300));
        if (!b.certifications.some((c) => c.validFrom <= from && from <= c.validUntil)) continue;
        accept(b, from, "terminated", "Der Vermittler hat die Arbeitsvermittlung eingestellt (Gewerbeabmeldung); Vereinbarung einvernehmlich zum Monatsende beendet.", addDays(today, -int(rc, 5, 60)));
      }
    }

    // References numbered per year of the start in the order of the offers (as the service does),
    // then inserted year by year so that renewedFromId can point backwards.
    {
      const counter = new Map<number, number>();
      for (const a of [...agreements].sort((x, y) => (x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : 0))) {
        const y = yearOf(a.validFrom);
        const n = (counter.get(y) ?? 0) + 1;
        counter.set(y, n);
        a.reference = `VV-${y}-${String(n).padStart(4, "0")}`;
      }
    }
    agreements.sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : a.reference < b.reference ? -1 : 1));
    {
      const byYear = new Map<number, AgreementDraft[]>();
      for (const a of agreements) {
        const y = a.legalBasis === "voucher_421g" ? yearOf(a.validFrom) : 9999;
        byYear.set(y, [...(byYear.get(y) ?? []), a]);
      }
      for (const y of [...byYear.keys()].sort((a, b) => a - b)) {
        const list = byYear.get(y)!;
        const rowIds = await insertChunked(
          m,
          PlacementAgreement,
          list.map((a) => ({
            reference: a.reference,
            providerId: a.broker.id,
            termsId: a.termsId,
            legalBasis: a.legalBasis,
            feeScheduleId: a.feeScheduleId,
            validFrom: a.validFrom,
            validUntil: a.validUntil,
            status: a.status,
            offeredAt: a.offeredAt,
            offeredById: procurement.id,
            acceptedAt: a.acceptedAt,
            acceptedById: a.acceptedById,
            acceptedByName: a.acceptedByName,
            statusReason: a.statusReason,
            documentId: null,
            renewedFromId: a.renewedFrom?.id ?? null,
            createdAt: a.createdAt,
            updatedAt: a.updatedAt,
          })),
        );
        list.forEach((a, i) => (a.id = rowIds[i]));
      }
    }

    // --- Employers -------------------------------------------------------------------------------
    const re = rng(1990);
    const brokerKeys = new Set(brokers.map((b) => normalizeText(b.name)));
    const employers: Employer[] = [];
    const employerKeys = new Set<string>();
    const sectors = Object.keys(SECTOR_PATTERNS);
    for (let attempt = 0; employers.length < 240 && attempt < 5000; attempt++) {
      const sector = sectors[attempt % sectors.length];
      const place = chance(re, 0.8) ? PLACES[int(re, 0, 8)] : pick(re, PLACES);
      const name = pick(re, SECTOR_PATTERNS[sector]).replace("{p}", pick(re, PREFIXES)).replace("{s}", pick(re, SURNAMES)).replace("{c}", place.city);
      const key = normalizeText(name);
      if (employerKeys.has(key) || brokerKeys.has(key)) continue;
      employerKeys.add(key);
      const n = employers.length;
      employers.push({
        name,
        street: `${pick(re, STREETS)} ${int(re, 1, 120)}`,
        postalCode: place.postalCode,
        city: place.city,
        vatId: `DE3${String(10000000 + n * 7919).slice(-8)}`,
        iban: demoIban(String(86050000 + int(re, 0, 8999)), String(7000000 + n * 13)),
        manager: `${pick(re, FIRST_NAMES)} ${pick(re, SURNAMES)}`,
        sector,
        key,
      });
    }
    const employersBySector = new Map<string, Employer[]>();
    for (const e of employers) employersBySector.set(e.sector, [...(employersBySector.get(e.sector) ?? []), e]);
    const employerByKey = new Map(employers.map((e) => [e.key, e]));

    // --- Clients ---------------------------------------------------------------------------------
    const clients: ClientDraft[] = [];
    const historic: ClientDraft[] = [];
    const currentCohort: ClientDraft[] = [];
    const rcl = rng(1917);
    const newClient = (cohort: "historic" | "current"): ClientDraft => {
      const r = rcl;
      const ref = cohort === "historic" ? "2007-01-01" : today;
      const ageRoll = r();
      const age = ageRoll < 0.2 ? int(r, 18, 24) : ageRoll < 0.75 ? int(r, 25, 49) : int(r, 50, 62);
      const birthDate = addDays(ref, -Math.round(age * 365.25) - int(r, 0, 364));
      const place = chance(r, 0.85) ? PLACES[int(r, 0, 8)] : pick(r, PLACES);
      const firstName = pick(r, FIRST_NAMES);
      const lastName = pick(r, SURNAMES);
      const groups: string[] = [];
      if (chance(r, 0.4)) groups.push("long_term_unemployed");
      if (chance(r, 0.05)) groups.push("severely_disabled");
      const occupation = pick(r, OCCUPATIONS);
      const translit = (s: string) => s.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss").replace(/é/g, "e").replace(/[^a-z]/g, "");
      const internal = chance(r, 0.7);
      const c: ClientDraft = {
        index: clients.length,
        cohort,
        firstName,
        lastName,
        birthDate,
        street: `${pick(r, STREETS)} ${int(r, 1, 90)}`,
        postalCode: place.postalCode,
        city: place.city,
        region: place.region,
        phone: chance(r, 0.7) ? (chance(r, 0.5) ? `0357${int(r, 1, 9)} ${int(r, 1000, 99999)}` : `01${pick(r, ["51", "52", "60", "70", "71", "76"])} ${int(r, 1000000, 9999999)}`) : "",
        email: chance(r, 0.35) ? `${translit(firstName)}.${translit(lastName)}${int(r, 1, 99)}@post.example` : "",
        targetGroups: groups,
        occupation,
        qualification: `${pick(r, occupation.qualifications)}${chance(r, 0.3) ? `; zuletzt tätig ${int(r, 1, 6)} Jahre als ${occupation.title}` : ""}`,
        monthlyBenefitCents: internal ? int(r, 400, 1300) * 100 : null,
        householdSize: internal ? weighted(r, [[1, 40], [2, 25], [3, 18], [4, 12], [5, 5]] as const) : null,
        healthNotes: chance(r, 0.12) ? pick(r, HEALTH_NOTES) : "",
        spells: [],
        busyUntil: "0000-01-01",
        assignments: [],
        claims: [],
      };
      // Earlier insured jobs (0–3), all ending well before the first possible assignment.
      const spellCount = weighted(r, [[0, 15], [1, 35], [2, 30], [3, 20]] as const);
      let end = addDays(cohort === "historic" ? "2004-12-31" : addMonths(today, -10), -int(r, 0, 900));
      for (let i = 0; i < spellCount; i++) {
        const from = addDays(addMonths(end, -int(r, 3, 60)), 1);
        if (from < addMonths(birthDate, 17 * 12)) break;
        c.spells.push({ employerName: pick(r, employers).name, fromDate: from, toDate: end, insured: chance(r, 0.9), source: "history", createdAt: null });
        end = addDays(from, -int(r, 30, 700));
      }
      clients.push(c);
      (cohort === "historic" ? historic : currentCohort).push(c);
      return c;
    };
    for (let i = 0; i < S(HISTORIC_CLIENTS); i++) newClient("historic");
    for (let i = 0; i < Math.max(S(CURRENT_CLIENTS), 150); i++) newClient("current");

    const pickClient = (r: Rand, cohort: ClientDraft[], kind: "historic" | "current", on: string, needsNoClaim: boolean): ClientDraft => {
      for (let i = 0; i < 300; i++) {
        const c = cohort[Math.floor(r() * cohort.length)];
        if (c.busyUntil < on && (!needsNoClaim || c.claims.length === 0)) return c;
      }
      return newClient(kind);
    };

    // --- Assignments and claims --------------------------------------------------------------------
    const assignments: AssignmentDraft[] = [];
    const claims: ClaimDraft[] = [];
    /** Clients whose placed job ended: candidates for a later claim by another broker (R9 flag). */
    const endedPlacements: ClaimDraft[] = [];

    const makeAssignment = (r: Rand, client: ClientDraft, broker: BrokerInfo, agreement: AgreementDraft, issuedOn: string, current: boolean, consent: boolean): AssignmentDraft => {
      const basis = agreement.legalBasis;
      const validUntil = assignmentValidUntil(issuedOn, 3);
      const fee = feeFor(scheduleFor(basis), targetGroupsOn(client.targetGroups, client.birthDate, issuedOn), issuedOn);
      if (fee === null) throw new Error(`Demodaten Vermittlung: kein Vergütungssatz am ${issuedOn}.`);
      const consentOn = current ? minDate(addDays(issuedOn, int(r, 0, 4)), yesterday) : addDays(issuedOn, int(r, 0, 4));
      const a: AssignmentDraft = {
        seq: assignments.length,
        client,
        broker,
        agreement,
        legalBasis: basis,
        issuedOn,
        validFrom: issuedOn,
        validUntil,
        maxFeeCents: fee,
        consentAt: consent ? at(consentOn, r) : null,
        claim: null,
        current,
      };
      client.busyUntil = maxDate(client.busyUntil, validUntil);
      client.assignments.push(a);
      assignments.push(a);
      return a;
    };

    const pickEmployer = (r: Rand, client: ClientDraft): Employer => {
      const used = new Set(client.spells.map((s) => normalizeText(s.employerName)));
      for (const other of client.claims) used.add(normalizeText(other.input.employerName));
      for (let i = 0; i < 50; i++) {
        const list = chance(r, 0.8) ? employersBySector.get(pick(r, client.occupation.sectors)) ?? employers : employers;
        const e = pick(r, list);
        if (!used.has(e.key)) return e;
      }
      return employers.find((e) => !used.has(e.key))!;
    };

    const factsFor = (c: ClaimDraft, ref: (o: ClaimDraft) => string, assignmentId: (a: AssignmentDraft) => number): RuleFacts => ({
      claim: c.input,
      broker: c.broker.facts,
      assignment: {
        id: assignmentId(c.assignment),
        providerId: c.assignment.broker.id,
        legalBasis: c.assignment.legalBasis,
        issuedOn: c.assignment.issuedOn,
        validFrom: c.assignment.validFrom,
        validUntil: c.assignment.validUntil,
        maxFeeCents: c.assignment.maxFeeCents,
      },
      history: c.client.spells.map((s) => ({ employerName: s.employerName, from: s.fromDate, to: s.toDate, insured: s.insured })),
      severeDisabilityException: false,
      otherClaims: c.client.claims
        .filter((o) => o !== c && o.seq < c.seq)
        .map((o) => ({ id: o.seq + 1, reference: ref(o), providerId: o.broker.id, assignmentId: assignmentId(o.assignment), status: o.status, employerName: o.input.employerName, jobStart: o.input.jobStart })),
      otherBrokerAssignments: c.client.assignments
        .filter((o) => o !== c.assignment && o.broker.id !== c.broker.id && periodsOverlap(o, c.assignment))
        .map((o) => ({ reference: o.reference ?? `VG-${o.seq}`, providerId: o.broker.id })),
      firstInstalment: firstRule(c.assignment.legalBasis),
      submittedOn: c.submittedOn,
      settings: ruleSettings,
    });
    const draftRef = (o: ClaimDraft) => o.reference ?? `VN-ENTWURF-${o.seq}`;
    const draftAssignmentId = (a: AssignmentDraft) => a.seq + 1;

    /** Build the facts of a claim for a type; null when the type cannot be realised here. */
    const buildClaim = (
      r: Rand,
      a: AssignmentDraft,
      type: ClaimType,
      contractIn: string,
      jobStartIn: string | null,
      contractYear: number | null,
      submittedOnIn: string | null,
    ): { input: ClaimInput; submittedOn: string } | null => {
      const client = a.client;
      const broker = a.broker;
      let employer = pickEmployer(r, client);
      let contractDate = contractIn;
      let jobStart = jobStartIn ?? minDate(chance(r, 0.3) ? contractDate : addDays(contractDate, int(r, 1, 14)), a.validUntil);
      if (jobStart < contractDate) jobStart = contractDate;
      const roll = r();
      let fixedTermEnd: string | null = roll < 0.55 ? null : roll < 0.85 ? addDays(addMonths(jobStart, 12), -1) : roll < 0.95 ? addDays(addMonths(jobStart, 24), -1) : addDays(addMonths(jobStart, int(r, 4, 5)), -1);
      const span = daysBetween(a.issuedOn, contractDate);
      if (span < 1) return null;
      let brokerContractDate: string | null = addDays(a.issuedOn, int(r, 0, Math.min(20, span - 1)));
      let jobOfferDate: string | null = chance(r, 0.3) ? addDays(brokerContractDate, int(r, 0, daysBetween(brokerContractDate, contractDate))) : null;
      let weeklyHours = chance(r, 0.15) ? int(r, 20, 29) * 100 : pick(r, [3000, 3500, 3750, 3900, 4000, 4000]);
      let insured = true;
      let abroad = false;
      let street = employer.street;
      let postalCode = employer.postalCode;
      let city = employer.city;
      let iban: string | null = chance(r, 0.6) ? employer.iban : null;
      let manager: string | null = chance(r, 0.8) ? employer.manager : null;
      let vatId: string | null = chance(r, 0.7) ? employer.vatId : null;
      let name = employer.name;
      let submittedOn: string | null = submittedOnIn;
      const inYear = (d: string) => contractYear === null || yearOf(d) === contractYear;

      switch (type) {
        case "clean":
        case "flag_second_broker":
          break;
        case "flag_fixed6":
          fixedTermEnd = addDays(durationReachedOn(jobStart, { afterDays: null, afterMonths: 6 }), int(r, 0, 10));
          break;
        case "flag_offer":
          jobOfferDate = addDays(brokerContractDate, -int(r, 1, 6));
          break;
        case "flag_start_before": {
          const start = addDays(contractDate, -int(r, 1, 3));
          if (start < a.validFrom || start < a.issuedOn || !(brokerContractDate < contractDate)) return null;
          jobStart = start;
          if (fixedTermEnd) fixedTermEnd = addDays(addMonths(jobStart, 12), -1);
          break;
        }
        case "flag_address_ok":
        case "reject_address":
          street = broker.street;
          postalCode = broker.postalCode;
          city = broker.city;
          break;
        case "reject_iban":
          if (!broker.account) return null;
          iban = broker.account.iban;
          break;
        case "reject_manager":
          if (!broker.facts.managers.length) return null;
          manager = broker.facts.managers[0];
          break;
        case "hours":
          weeklyHours = int(r, 20, 29) * 50;
          break;
        case "hours_abroad": {
          const f = pick(r, FOREIGN_EMPLOYERS);
          name = f.name;
          street = f.street;
          postalCode = f.postalCode;
          city = f.city;
          vatId = f.vatId;
          manager = f.manager;
          iban = null;
          abroad = true;
          weeklyHours = chance(r, 0.6) ? 1450 : int(r, 20, 28) * 50;
          break;
        }
        case "minijob":
          insured = false;
          weeklyHours = int(r, 6, 12) * 100;
          break;
        case "fixed_short":
          fixedTermEnd = addDays(jobStart, int(r, 27, 80));
          break;
        case "prev_employer": {
          const windowStart = addMonths(jobStart, -48);
          const lastDay = addDays(jobStart, -1);
          let spell = client.spells.find((s) => s.source === "history" && insuredDaysWithin([{ employerName: s.employerName, from: s.fromDate, to: s.toDate, insured: s.insured }], s.employerName, windowStart, lastDay) > 100);
          if (!spell) {
            // A job the case manager recorded: preferably before the client's first voucher.
            const e = pickEmployer(r, client);
            const months = int(r, 5, 18);
            let to = minDate(addDays(jobStart, -int(r, 60, 500)), addDays(client.assignments[0].issuedOn, -int(r, 1, 30)));
            if (daysBetween(maxDate(addDays(addMonths(to, -months), 1), windowStart), to) < 120) to = addDays(jobStart, -int(r, 60, 500));
            spell = { employerName: e.name, fromDate: addDays(addMonths(to, -months), 1), toDate: to, insured: true, source: "history", createdAt: null };
            client.spells.push(spell);
          }
          employer = employerByKey.get(normalizeText(spell.employerName)) ?? employer;
          name = spell.employerName;
          street = employer.street;
          postalCode = employer.postalCode;
          city = employer.city;
          break;
        }
        case "broker_contract_late":
          brokerContractDate = addDays(contractDate, int(r, 0, 10));
          jobOfferDate = null;
          break;
        case "after_expiry": {
          const c = addDays(a.validUntil, int(r, 2, 25));
          if (!inYear(c)) return null;
          contractDate = c;
          jobStart = addDays(c, int(r, 0, 10));
          jobOfferDate = null;
          if (fixedTermEnd) fixedTermEnd = addDays(addMonths(jobStart, 12), -1);
          break;
        }
        case "issued_after_start": {
          const start = addDays(a.issuedOn, -int(r, 3, 20));
          const c = addDays(start, -int(r, 0, 4));
          if (!inYear(c)) return null;
          jobStart = start;
          contractDate = c;
          brokerContractDate = addDays(c, -int(r, 1, 5));
          jobOfferDate = null;
          if (fixedTermEnd) fixedTermEnd = addDays(addMonths(jobStart, 12), -1);
          break;
        }
        case "late_submission": {
          const deadline = exclusionDeadline(durationReachedOn(jobStart, firstRule(a.legalBasis)), RULE_SETS[a.legalBasis].claimPeriodMonths);
          submittedOn = addDays(deadline, int(r, 3, 60));
          break;
        }
      }
      if (!submittedOn) submittedOn = addDays(maxDate(jobStart, contractDate), int(r, 2, 40));
      if (a.current && submittedOn > yesterday) return null;
      return {
        input: {
          employerName: name,
          employerStreet: street,
          employerPostalCode: postalCode,
          employerCity: city,
          employerVatId: vatId,
          employerIban: iban,
          employerManager: manager,
          abroad,
          contractDate,
          jobStart,
          weeklyHours,
          insured,
          fixedTermEnd,
          occupation: client.occupation.title,
          brokerContractDate,
          jobOfferDate,
          claimedFeeCents: a.maxFeeCents,
        },
        submittedOn,
      };
    };

    const classFits = (cls: ClaimClass, results: RuleResult[]) => {
      const errors = results.some((x) => x.severity === "error");
      const flags = results.some((x) => x.severity === "flag");
      switch (cls) {
        case "accepted":
        case "documents_requested":
          return !errors;
        case "submitted_clean":
          return !errors && !flags;
        case "submitted_flag":
        case "flag_rejected":
          return !errors && flags;
        case "rejected":
          return errors;
        case "withdrawn":
          return true;
      }
    };

    const fallbackType = (o: Outcome, basis: LegalBasis): ClaimType =>
      o.cls === "rejected" ? (RULE_SETS[basis].hoursApplyTo === "all" ? "hours" : "minijob") : o.cls === "flag_rejected" ? "reject_address" : o.cls === "submitted_flag" ? "flag_address_ok" : "clean";

    /** Generate, check and record a claim for an assignment. Returns false when the outcome could not be realised. */
    const makeClaim = (r: Rand, a: AssignmentDraft, outcome: Outcome, contractDate: string, jobStart: string | null, contractYear: number | null, submittedOn: string | null): ClaimDraft | null => {
      for (let attempt = 0; attempt < 8; attempt++) {
        const type = attempt < 5 ? outcome.type : fallbackType(outcome, a.legalBasis);
        const spellsBefore = a.client.spells.length;
        const built = buildClaim(r, a, type, contractDate, jobStart, contractYear, submittedOn);
        if (!built) continue;
        const c: ClaimDraft = {
          seq: claims.length,
          assignment: a,
          client: a.client,
          broker: a.broker,
          input: built.input,
          submittedOn: built.submittedOn,
          submittedAt: at(built.submittedOn, r),
          status: "submitted",
          decidedAt: null,
          decisionNote: "",
          updatedAt: "",
          employmentEndedOn: null,
          results: [],
          instalments: [],
          documentKinds: [],
        };
        c.results = checkPlacementRules(factsFor(c, draftRef, draftAssignmentId));
        if (!classFits(outcome.cls, c.results)) {
          a.client.spells.length = spellsBefore; // drop a spell added for a failed attempt
          continue;
        }
        a.claim = c;
        a.client.claims.push(c);
        claims.push(c);
        return c;
      }
      return null;
    };

    const errorsOf = (c: ClaimDraft) => c.results.filter((x) => x.severity === "error");
    const flagsOf = (c: ClaimDraft) => c.results.filter((x) => x.severity === "flag");
    const reviewNote = (c: ClaimDraft) => {
      const codes = [...new Set(flagsOf(c).map((f) => f.code))];
      return codes.length ? `Prüfhinweise geprüft: ${codes.map((code) => REVIEW_NOTES[code] ?? "keine Bedenken.").join(" ")}`.slice(0, 2000) : "";
    };
    const rejectionNote = (c: ClaimDraft) => (errorsOf(c).length ? errorsOf(c).map((e) => e.message).join(" ") : `${INTERTWINED} ${flagsOf(c).map((f) => f.message).join(" ")}`).slice(0, 2000);

    /** The instalments of an accepted claim, their states on `asOf`, and the employment's end. */
    const settleInstalments = (r: Rand, c: ClaimDraft, mode: "historic" | "current", targets?: InstalmentState[]) => {
      const basis = c.assignment.legalBasis;
      const plans = planInstalments(scheduleFor(basis).instalments, c.input.claimedFeeCents, c.input.jobStart, RULE_SETS[basis].claimPeriodMonths);
      const decidedOn = berlinDate(c.decidedAt!);
      const last = plans[plans.length - 1];
      let ended: string | null = null;
      if (c.input.fixedTermEnd && c.input.fixedTermEnd < addDays(last.earliestOn, -1)) ended = c.input.fixedTermEnd;
      const lapse = new Set<number>();
      if (mode === "historic" && !ended) {
        const u = r();
        if (u < 0.03) ended = addDays(c.input.jobStart, int(r, 10, 38));
        else if (u < 0.19) ended = addDays(plans[0].earliestOn, int(r, 1, Math.max(1, daysBetween(plans[0].earliestOn, last.earliestOn) - 2)));
        else if (u < 0.24) lapse.add(2);
        if (chance(r, 0.02)) lapse.add(1);
      } else if (mode === "current" && !targets && !ended && daysBetween(c.input.jobStart, today) > 45 && chance(r, 0.08)) {
        ended = addDays(c.input.jobStart, int(r, 12, 36));
      }
      // Today's claims: an end that lies ahead has not happened yet.
      if (mode === "current" && ended && ended > addDays(today, -3)) ended = null;
      const asOf = mode === "historic" ? FAR_FUTURE : today;
      let previousDone = true;
      c.instalments = plans.map((plan, i) => {
        const d: InstalmentDraft = { plan, status: "pending", confirmedUntil: null, dueAt: null, earnedAt: null, certifiedAt: null, closedAt: null, closeReason: "", updatedAt: c.decidedAt! };
        const reported = ended ? minDate(addDays(maxDate(ended, decidedOn), int(r, 2, 20)), mode === "current" ? yesterday : FAR_FUTURE) : null;
        // earliestOn is the day after the period's last day: an end on that last day completes the period.
        if (ended && ended < addDays(plan.earliestOn, -1) && reported && reported <= (mode === "current" ? yesterday : FAR_FUTURE)) {
          d.status = "cancelled";
          d.closedAt = at(reported, r);
          d.closeReason = plan.number === 1 ? "Beschäftigung vor Ablauf von sechs Wochen beendet" : "Beschäftigung vor Ablauf von sechs Monaten beendet";
          d.updatedAt = d.closedAt;
          c.employmentEndedOn = ended;
          previousDone = false;
          return d;
        }
        if (asOf < plan.earliestOn) return d;
        d.status = "due";
        d.dueAt = `${plan.earliestOn}T04:00:00.000Z`;
        d.updatedAt = d.dueAt;
        if (mode === "historic" && (lapse.has(plan.number) || (lapse.has(1) && plan.number > 1))) {
          d.status = "lapsed";
          d.closedAt = `${addDays(plan.deadlineOn, 1)}T04:00:00.000Z`;
          d.closeReason = `Ausschlussfrist versäumt: kein Nachweis bis ${formatDate(plan.deadlineOn)} (${RULE_SETS[basis].claimPeriodCitation}).`;
          d.updatedAt = d.closedAt;
          return d;
        }
        let target: InstalmentState = mode === "historic" ? "paid" : targets?.[i] ?? weighted(r, [["due", 30], ["earned", 20], ["payable", 25], ["paid", 25]] as const);
        if (mode === "current" && !targets && i > 0 && !previousDone) target = "due";
        const limit = mode === "current" ? yesterday : FAR_FUTURE;
        const proofOn = addDays(maxDate(plan.earliestOn, addDays(decidedOn, 1)), int(r, 0, mode === "historic" ? 40 : 12));
        if (target === "due" || proofOn > limit) {
          previousDone = false;
          return d;
        }
        d.status = "earned";
        d.confirmedUntil = minDate(addDays(plan.earliestOn, int(r, 0, 5)), proofOn);
        d.earnedAt = at(proofOn, r);
        d.updatedAt = d.earnedAt;
        const certifyOn = addDays(proofOn, int(r, 1, 8));
        if (target === "earned" || certifyOn > limit) {
          previousDone = false;
          return d;
        }
        d.status = "payable";
        d.certifiedAt = at(certifyOn, r);
        d.updatedAt = d.certifiedAt;
        // Paid in the first payment run (10th or 25th of the month) after a few days for the signatures.
        const paidOn = demoRunDay(addDays(certifyOn, int(r, 3, 12)));
        if (target === "payable" || paidOn > limit) {
          previousDone = false;
          return d;
        }
        d.status = "paid";
        d.closedAt = at(paidOn, r);
        d.updatedAt = d.closedAt;
        return d;
      });
      // The placement becomes part of the client's employment history (open-ended unless an end
      // was reported, as the service records it); a fixed term frees the client for new vouchers.
      c.client.spells.push({ employerName: c.input.employerName, fromDate: c.input.jobStart, toDate: c.employmentEndedOn, insured: c.input.insured, source: "placement", createdAt: c.decidedAt });
      const to = c.employmentEndedOn ?? c.input.fixedTermEnd ?? null;
      c.client.busyUntil = maxDate(c.client.busyUntil, to ?? FAR_FUTURE);
      if (mode === "historic" && c.employmentEndedOn && c.client.claims.length === 1) endedPlacements.push(c);
    };

    const decide = (r: Rand, c: ClaimDraft, cls: ClaimClass, decidedOn: string, mode: "historic" | "current", targets?: InstalmentState[]) => {
      c.updatedAt = c.submittedAt;
      switch (cls) {
        case "accepted":
          c.status = "accepted";
          c.decidedAt = at(decidedOn, r);
          c.decisionNote = reviewNote(c);
          c.updatedAt = c.decidedAt;
          settleInstalments(r, c, mode, targets);
          break;
        case "rejected":
        case "flag_rejected":
          c.status = "rejected";
          c.decidedAt = at(decidedOn, r);
          c.decisionNote = rejectionNote(c);
          c.updatedAt = c.decidedAt;
          break;
        case "withdrawn":
          c.status = "withdrawn";
          c.updatedAt = at(decidedOn, r);
          break;
        case "documents_requested":
          c.status = "documents_requested";
          c.decisionNote = "Bitte reichen Sie die Bestätigung des Arbeitgebers nach (Vertragsdatum, Beginn, Arbeitszeit, Versicherungspflicht, Befristung).";
          c.updatedAt = at(decidedOn, r);
          break;
        case "submitted_clean":
        case "submitted_flag":
          c.status = "submitted";
          break;
      }
    };

    // Historic period 2005–2008: a schedule of vouchers, then claims picked by selection sampling so
    // that the numbers per contract year come out exactly.
    const rh = rng(421);
    interface Slot {
      issuedOn: string;
      broker: BrokerInfo;
      tentative: string;
    }
    const slots: Slot[] = [];
    for (const y of [2005, 2006, 2007, 2008]) {
      const yearBrokers = brokers.filter((b) => b.yearly.has(y));
      const total = yearBrokers.reduce((s, b) => s + b.weight, 0);
      for (let i = 0; i < S(ASSIGNMENTS_PER_YEAR[y]); i++) {
        const day = y === 2005 ? Math.floor(Math.sqrt(rh()) * 365) : Math.floor(rh() * 365);
        const issuedOn = workday(addDays(`${y}-01-01`, day));
        let broker: BrokerInfo | null = null;
        for (let t = 0; t < 200 && !broker; t++) {
          let x = rh() * total;
          const b = yearBrokers.find((c) => (x -= c.weight) < 0) ?? yearBrokers[yearBrokers.length - 1];
          if (b.yearly.get(y)!.validFrom <= issuedOn) broker = b;
        }
        if (!broker) broker = yearBrokers.filter((b) => b.yearly.get(y)!.validFrom <= issuedOn)[0] ?? null;
        if (!broker) continue;
        slots.push({ issuedOn, broker, tentative: addDays(issuedOn, int(rh, 5, 75)) });
      }
    }
    slots.sort((a, b) => (a.issuedOn < b.issuedOn ? -1 : a.issuedOn > b.issuedOn ? 1 : 0));

    interface YearPlan {
      year: number;
      pool: Outcome[];
      candidatesLeft: number;
      accepted: number;
      total: number;
    }
    const candidates = new Map<number, number>();
    for (const s of slots) candidates.set(yearOf(s.tentative), (candidates.get(yearOf(s.tentative)) ?? 0) + 1);
    const plans = new Map<number, YearPlan>();
    const buildPlan = (year: number, total: number, accepted: number): YearPlan => {
      const withdrawn = Math.round(total * 0.12);
      const flagRejected = Math.round(total * 0.03);
      const rejected = Math.max(0, total - accepted - withdrawn - flagRejected);
      const acceptedFlagged = Math.round(accepted * 0.12);
      const pool: Outcome[] = [];
      for (let i = 0; i < accepted; i++) pool.push({ cls: "accepted", type: i < acceptedFlagged ? ACCEPTED_FLAG_TYPES[i % ACCEPTED_FLAG_TYPES.length] : "clean" });
      for (let i = 0; i < flagRejected; i++) pool.push({ cls: "flag_rejected", type: REJECTED_FLAG_TYPES[i % REJECTED_FLAG_TYPES.length] });
      for (let i = 0; i < rejected; i++) pool.push({ cls: "rejected", type: weighted(rh, ERROR_TYPES) });
      for (let i = 0; i < withdrawn; i++) pool.push({ cls: "withdrawn", type: chance(rh, 0.5) ? "clean" : weighted(rh, ERROR_TYPES) });
      return { year, pool: shuffle(rh, pool), candidatesLeft: candidates.get(year) ?? 0, accepted, total: accepted + withdrawn + flagRejected + rejected };
    };
    for (const p of CONTRACT_YEAR_PLAN) plans.set(p.year, buildPlan(p.year, S(p.claims), S(p.accepted)));
    {
      // Vouchers of late 2008 lead to contracts in 2009: claims in proportion to 2008.
      const p08 = CONTRACT_YEAR_PLAN[3];
      const c08 = candidates.get(2008) ?? 1;
      const total = Math.round(((candidates.get(2009) ?? 0) * S(p08.claims)) / c08);
      plans.set(2009, buildPlan(2009, total, Math.round((total * p08.accepted) / p08.claims)));
    }

    for (const slot of slots) {
      const year = yearOf(slot.tentative);
      const plan = plans.get(year);
      let outcome: Outcome | null = null;
      if (plan) {
        const left = plan.candidatesLeft--;
        if (plan.pool.length && rh() * left < plan.pool.length) outcome = plan.pool.pop()!;
      }
      const agreement = slot.broker.yearly.get(yearOf(slot.issuedOn))!;
      let client: ClientDraft | null = null;
      if (outcome?.type === "flag_second_broker") {
        const i = endedPlacements.findIndex((p) => p.broker !== slot.broker && p.client.busyUntil < slot.issuedOn && p.client.claims.length === 1 && p.decidedAt! < slot.issuedOn);
        if (i >= 0) client = endedPlacements.splice(i, 1)[0].client;
        else outcome = { ...outcome, type: "clean" };
      }
      if (!client) client = pickClient(rh, historic, "historic", slot.issuedOn, outcome !== null);
      const a = makeAssignment(rh, client, slot.broker, agreement, slot.issuedOn, false, outcome !== null || chance(rh, 0.85));
      if (!outcome || !plan) continue;
      const c = makeClaim(rh, a, outcome, slot.tentative, null, year, null);
      if (!c) {
        plan.pool.push(outcome);
        continue;
      }
      decide(rh, c, outcome.cls, addDays(c.submittedOn, int(rh, 5, 35)), "historic");
    }
    for (const plan of plans.values()) {
      if (plan.pool.length) throw new Error(`Demodaten Vermittlung: ${plan.pool.length} Vermittlungsnachweise für ${plan.year} nicht untergebracht.`);
    }

    // Current period (AVGS): ~300 vouchers over the last eight months, ~40 claims, DEMO-B-0001's portal.
    if (currentPeriod) {
      const rq = rng(45);
      const activeBrokers = brokers.filter((b) => b.current?.status === "active");
      const brokerOn = (issuedOn: string, exclude: BrokerInfo | null) => {
        const list = activeBrokers.filter((b) => b !== exclude && b.current!.validFrom <= issuedOn);
        if (!list.length) return null;
        const total = list.reduce((s, b) => s + b.weight, 0);
        let x = rq() * total;
        return list.find((b) => (x -= b.weight) < 0) ?? list[list.length - 1];
      };
      interface CurrentSlot {
        issuedOn: string;
        broker: BrokerInfo;
        consent: boolean;
        claim: { outcome: Outcome; contractDate: string; jobStart: string; decidedOn: string; targets?: InstalmentState[]; docs: string[] } | null;
      }
      const cslots: CurrentSlot[] = [];
      const claimSlot = (broker: BrokerInfo | null, outcome: Outcome, jobStartAgo: number, targets?: InstalmentState[]) => {
        const jobStart = addDays(today, -jobStartAgo);
        const contractDate = outcome.type === "flag_start_before" ? jobStart : addDays(jobStart, -int(rq, 0, 7));
        let issuedOn = workday(addDays(contractDate, -int(rq, 8, 35)));
        if (issuedOn >= contractDate) issuedOn = addDays(contractDate, -8);
        const b = broker ?? brokerOn(issuedOn, demoBroker);
        if (!b || b.current!.validFrom > issuedOn) return;
        const submitted = minDate(addDays(jobStart, int(rq, 1, 6)), addDays(yesterday, -1));
        const decidedOn = minDate(addDays(submitted, int(rq, 2, 8)), yesterday);
        const docs = outcome.cls === "documents_requested" ? ["employment_contract", "broker_contract"] : ["employment_contract", "employer_confirmation", "broker_contract"];
        cslots.push({ issuedOn, broker: b, consent: true, claim: { outcome, contractDate, jobStart, decidedOn, targets, docs } });
      };
      if (demoBroker?.current?.status === "active") {
        claimSlot(demoBroker, { cls: "submitted_clean", type: "clean" }, 12);
        claimSlot(demoBroker, { cls: "submitted_flag", type: "flag_offer" }, 20);
        claimSlot(demoBroker, { cls: "rejected", type: "hours_abroad" }, 28);
        claimSlot(demoBroker, { cls: "accepted", type: "clean" }, 55, ["due", "pending"]);
        claimSlot(demoBroker, { cls: "accepted", type: "clean" }, 95, ["payable", "pending"]);
        claimSlot(demoBroker, { cls: "accepted", type: "clean" }, 200, ["paid", "due"]);
        for (let i = 0; i < 13; i++) cslots.push({ issuedOn: workday(addDays(today, -int(rq, 2, 85))), broker: demoBroker, consent: i < 10, claim: null });
      }
      const submittedFlagTypes: ClaimType[] = ["flag_address_ok", "flag_offer", "reject_iban", "flag_fixed6", "reject_manager"];
      for (let i = 0; i < Smin(8); i++) claimSlot(null, { cls: "submitted_clean", type: "clean" }, int(rq, 3, 35));
      for (let i = 0; i < Smin(5); i++) claimSlot(null, { cls: "submitted_flag", type: submittedFlagTypes[i % submittedFlagTypes.length] }, int(rq, 3, 35));
      for (let i = 0; i < Smin(3); i++) claimSlot(null, { cls: "documents_requested", type: "clean" }, int(rq, 20, 50));
      for (let i = 0; i < Smin(18); i++) {
        const roll = rq();
        claimSlot(null, { cls: "accepted", type: i % 8 === 3 ? "flag_offer" : i % 8 === 6 ? "flag_fixed6" : "clean" }, roll < 0.25 ? int(rq, 10, 40) : roll < 0.7 ? int(rq, 43, 180) : int(rq, 185, 230));
      }
      const currentRejectTypes: ClaimType[] = ["minijob", "fixed_short", "broker_contract_late", "prev_employer"];
      for (let i = 0; i < Smin(3); i++) claimSlot(null, { cls: "rejected", type: currentRejectTypes[i % currentRejectTypes.length] }, int(rq, 20, 120));
      const withClaims = cslots.length;
      for (let i = withClaims; i < Math.max(S(CURRENT_ASSIGNMENTS), withClaims + 10); i++) {
        const issuedOn = workday(addDays(today, -int(rq, 1, 240)));
        const b = brokerOn(issuedOn, demoBroker);
        if (b) cslots.push({ issuedOn, broker: b, consent: chance(rq, 0.78), claim: null });
      }
      cslots.sort((a, b) => (a.issuedOn < b.issuedOn ? -1 : a.issuedOn > b.issuedOn ? 1 : 0));
      for (const slot of cslots) {
        const client = pickClient(rq, currentCohort, "current", slot.issuedOn, slot.claim !== null);
        const a = makeAssignment(rq, client, slot.broker, slot.broker.current!, slot.issuedOn, true, slot.consent);
        if (!slot.claim) continue;
        const sc = slot.claim;
        const submittedOn = minDate(addDays(sc.jobStart, int(rq, 1, 6)), addDays(sc.decidedOn, -1));
        const c = makeClaim(rq, a, sc.outcome, sc.contractDate, sc.jobStart, null, submittedOn);
        if (!c) continue;
        c.documentKinds = sc.docs;
        decide(rq, c, sc.outcome.cls, minDate(maxDate(sc.decidedOn, addDays(c.submittedOn, 1)), yesterday), "current", sc.targets);
      }
    }

    // --- References ----------------------------------------------------------------------------------
    const assignmentCounter = new Map<number, number>();
    for (const a of [...assignments].sort((x, y) => (x.issuedOn < y.issuedOn ? -1 : x.issuedOn > y.issuedOn ? 1 : x.seq - y.seq))) {
      const y = yearOf(a.issuedOn);
      const n = (assignmentCounter.get(y) ?? 0) + 1;
      assignmentCounter.set(y, n);
      a.reference = `VG-${y}-${String(n).padStart(6, "0")}`;
    }
    const claimCounter = new Map<number, number>();
    for (const c of [...claims].sort((x, y) => (x.submittedAt < y.submittedAt ? -1 : x.submittedAt > y.submittedAt ? 1 : x.seq - y.seq))) {
      const y = yearOf(c.submittedOn);
      const n = (claimCounter.get(y) ?? 0) + 1;
      claimCounter.set(y, n);
      c.reference = `VN-${y}-${String(n).padStart(5, "0")}`;
    }

    // --- Insert clients, history, assignments ---------------------------------------------------------
    const rt = rng(7);
    const clientRows = clients.map((c, i) => {
      const first = c.assignments[0]?.issuedOn;
      const createdOn = first ? addDays(first, -int(rt, 5, 120)) : c.cohort === "historic" ? addDays("2005-01-03", int(rt, 0, 1400)) : addDays(today, -int(rt, 20, 700));
      const createdAt = at(minDate(createdOn, yesterday), rt);
      for (const s of c.spells) if (s.source === "history") s.createdAt = createdAt;
      return {
        reference: clientReference(i + 1),
        firstName: c.firstName,
        lastName: c.lastName,
        birthDate: c.birthDate,
        street: c.street,
        postalCode: c.postalCode,
        city: c.city,
        phone: c.phone,
        email: c.email,
        region: c.region,
        targetGroups: c.targetGroups,
        qualification: c.qualification,
        // The covariate "duration of unemployment" (issue 12): unemployed since the day after the last earlier job.
        unemployedSince: lastHistoryJobEnd(c.spells),
        targetOccupation: c.occupation.title,
        monthlyBenefitCents: c.monthlyBenefitCents,
        householdSize: c.householdSize,
        healthNotes: c.healthNotes,
        caseManagerId: caseManager.id,
        createdAt,
        updatedAt: createdAt,
      };
    });
    const clientIds = await insertChunked(m, Client, clientRows);
    clients.forEach((c, i) => (c.id = clientIds[i]));

    const spellRows: QueryDeepPartialEntity<EmploymentSpell>[] = [];
    for (const c of clients)
      for (const s of c.spells) spellRows.push({ clientId: c.id!, employerName: s.employerName, fromDate: s.fromDate, toDate: s.toDate, insured: s.insured, source: s.source, createdAt: s.createdAt ?? nowIso() });
    await insertChunked(m, EmploymentSpell, spellRows);

    const assignmentStatus = (a: AssignmentDraft) => (a.claim?.status === "accepted" ? "redeemed" : a.current && a.validUntil >= today ? "active" : "expired");
    const assignmentIds = await insertChunked(
      m,
      Assignment,
      assignments.map((a) => {
        const status = assignmentStatus(a);
        const createdAt = at(a.issuedOn, rt);
        const updatedAt = status === "redeemed" ? a.claim!.decidedAt! : status === "expired" ? `${addDays(a.validUntil, 1)}T03:00:00.000Z` : (a.consentAt ?? createdAt);
        return {
          reference: a.reference!,
          clientId: a.client.id!,
          providerId: a.broker.id,
          agreementId: a.agreement.id!,
          legalBasis: a.legalBasis,
          issuedOn: a.issuedOn,
          validFrom: a.validFrom,
          validUntil: a.validUntil,
          region: a.client.region,
          maxFeeCents: a.maxFeeCents,
          status,
          consentAt: a.consentAt,
          consentRecordedById: a.consentAt ? caseManager.id : null,
          consentWithdrawnAt: null,
          flag: "",
          createdById: caseManager.id,
          createdAt,
          updatedAt: updatedAt < createdAt ? createdAt : updatedAt,
        };
      }),
    );
    assignments.forEach((a, i) => (a.id = assignmentIds[i]));

    // --- Claims: the final check with the real references, then insert --------------------------------
    let flaggedCount = 0;
    for (const c of claims) {
      const results = checkPlacementRules(factsFor(c, (o) => o.reference!, (a) => a.id!));
      const codes = (list: RuleResult[]) => list.map((x) => `${x.severity}:${x.code}`).join(",");
      if (codes(results) !== codes(c.results)) throw new Error(`Demodaten Vermittlung: Prüfergebnis von ${c.reference} weicht ab (${codes(c.results)} / ${codes(results)}).`);
      c.results = results;
      if (c.status === "rejected") c.decisionNote = rejectionNote(c);
      if (c.status === "accepted") c.decisionNote = reviewNote(c);
      if (results.some((x) => x.severity === "flag")) flaggedCount++;
    }
    const claimIds = await insertChunked(
      m,
      PlacementClaim,
      claims.map((c) => ({
        reference: c.reference!,
        assignmentId: c.assignment.id!,
        clientId: c.client.id!,
        providerId: c.broker.id,
        legalBasis: c.assignment.legalBasis,
        ...c.input,
        status: c.status,
        ruleResults: c.results,
        flagged: c.results.some((x) => x.severity === "flag"),
        severeDisabilityException: false,
        channel: "portal",
        submittedAt: c.submittedAt,
        submittedById: c.assignment.current ? c.broker.userId : null,
        decidedAt: c.decidedAt,
        decidedById: c.decidedAt ? procurement.id : null,
        decisionNote: c.decisionNote,
        decisionDocumentId: null,
        employmentEndedOn: c.employmentEndedOn,
        updatedAt: c.updatedAt < c.submittedAt ? c.submittedAt : c.updatedAt,
      })),
    );
    claims.forEach((c, i) => (c.id = claimIds[i]));

    // --- Instalments and payable items -----------------------------------------------------------------
    const instalmentList: { c: ClaimDraft; d: InstalmentDraft }[] = [];
    for (const c of claims) for (const d of c.instalments) instalmentList.push({ c, d });
    const instalmentIds = await insertChunked(
      m,
      FeeInstalment,
      instalmentList.map(({ c, d }) => ({
        claimId: c.id!,
        providerId: c.broker.id,
        number: d.plan.number,
        label: d.plan.label,
        amountCents: d.plan.amountCents,
        sameEmployer: d.plan.sameEmployer,
        earliestOn: d.plan.earliestOn,
        deadlineOn: d.plan.deadlineOn,
        status: d.status,
        confirmedUntil: d.confirmedUntil,
        dueAt: d.dueAt,
        earnedAt: d.earnedAt,
        certifiedAt: d.certifiedAt,
        certifiedById: d.certifiedAt ? caseManager.id : null,
        closedAt: d.closedAt,
        closeReason: d.closeReason,
        lastReminderOn: null,
        updatedAt: d.updatedAt,
      })),
    );
    instalmentList.forEach(({ d }, i) => (d.id = instalmentIds[i]));

    // Certified instalments are payment items whose factual check is signed (the certification);
    // the demo's finance line (demo-finance) signs, orders and pays them through runs.
    const payableRows: QueryDeepPartialEntity<PaymentItem>[] = [];
    const perYear = new Map<string, number>();
    for (const { c, d } of instalmentList) {
      if (d.status !== "payable" && d.status !== "paid") continue;
      const account = c.broker.account;
      if (!account) throw new Error(`Demodaten Vermittlung: ${c.broker.name} hat keine Bankverbindung.`);
      const year = d.certifiedAt!.slice(0, 4);
      const n = (perYear.get(year) ?? 0) + 1;
      perYear.set(year, n);
      const reference = `ZA-${year}-${String(n).padStart(6, "0")}`;
      payableRows.push({
        reference,
        sourceType: "instalment",
        invoiceId: null,
        instalmentId: d.id!,
        providerId: c.broker.id,
        payeeName: (account.holder || c.broker.name).slice(0, 200),
        iban: account.iban,
        bic: account.bic,
        bankAccountId: account.id,
        amountCents: d.plan.amountCents,
        dueOn: addDays(d.certifiedAt!.slice(0, 10), 30),
        // As the service writes it (instalments.server.ts): SEPA remittance text without umlauts.
        purpose: `Vermittlungsverguetung ${c.reference} ${d.plan.number}. Rate`,
        endToEndId: `VT-${reference}`,
        budgetLineId: null,
        commitmentId: null,
        status: d.status === "paid" ? "paid" : "awaiting_arithmetic",
        holdReason: "",
        registeredById: null,
        factualById: caseManager.id,
        factualAt: d.certifiedAt!,
        paidOn: d.status === "paid" ? (d.closedAt ?? d.certifiedAt!).slice(0, 10) : null,
        paidNote: "",
        vopSuggestedName: "",
        cancelReason: "",
        createdAt: d.certifiedAt!,
        updatedAt: d.certifiedAt!,
      });
    }
    void budgetLine;
    await insertChunked(m, PaymentItem, payableRows);

    // --- Documents of the current claims (the same demo PDF bytes for every claim) ----------------------
    const claimDocumentRows: QueryDeepPartialEntity<ClaimDocument>[] = [];
    for (const c of claims) {
      if (!c.assignment.current) continue;
      for (const kind of c.documentKinds) {
        const pdf = pdfs[kind as keyof typeof pdfs];
        const doc = await storeDocument(m, { origin: "upload", title: `${pdf.title} – ${c.reference}`, filename: pdf.filename, contentType: "application/pdf", bytes: pdf.bytes, entityType: "placement-claim", entityId: c.id!, providerId: c.broker.id, createdById: c.broker.userId });
        claimDocumentRows.push({ claimId: c.id!, instalmentId: null, documentId: doc.id, kind, uploadedAt: c.submittedAt, uploadedById: c.broker.userId });
      }
      for (const d of c.instalments) {
        if (!d.earnedAt) continue;
        const kind = d.plan.number === 1 ? "confirmation_42_days" : "confirmation_6_months";
        const pdf = pdfs.employer_confirmation;
        const doc = await storeDocument(m, { origin: "upload", title: `Arbeitgeberbestätigung ${d.plan.number}. Rate – ${c.reference}`, filename: pdf.filename, contentType: "application/pdf", bytes: pdf.bytes, entityType: "placement-claim", entityId: c.id!, providerId: c.broker.id, createdById: c.broker.userId });
        claimDocumentRows.push({ claimId: c.id!, instalmentId: d.id!, documentId: doc.id, kind, uploadedAt: d.earnedAt, uploadedById: c.broker.userId });
      }
    }
    await insertChunked(m, ClaimDocument, claimDocumentRows);

    const result: DemoPlacementResult = { agreements: agreements.length, clients: clients.length, assignments: assignments.length, claims: claims.length, instalments: instalmentList.length };
    await appendAudit(m, SYSTEM, {
      action: "demo.placements",
      summary: `Demodaten Vermittlung angelegt: ${result.agreements} Vereinbarungen, ${result.clients} Kunden, ${result.assignments} Zuweisungen, ${result.claims} Vermittlungsnachweise, ${result.instalments} Raten (Umfang ${scale})`,
      details: {
        scale,
        ...result,
        flaggedClaims: flaggedCount,
        payableItems: payableRows.length,
        claimDocuments: claimDocumentRows.length,
        paidCents: payableRows.filter((p) => p.status === "paid").reduce((s, p) => s + Number(p.amountCents), 0),
        paid: formatCents(payableRows.filter((p) => p.status === "paid").reduce((s, p) => s + Number(p.amountCents), 0)),
      },
    });
    return result;
  });
}

/** One small PDF per document kind; every demo claim refers to the same bytes. */
async function demoPdfs() {
  const letterhead = { authority: "Demo-Unterlage", address: "Muster-Arbeitgeber GmbH\nMusterstraße 1\n01917 Kamenz", contact: "", footer: "Demodokument der Vergabe- und Trägerverwaltung – enthält keine echten Daten." };
  const render = (text: string, title: string) => renderPdfFromText(text, {}, letterhead, { title });
  return {
    employment_contract: {
      title: "Arbeitsvertrag (Kopie)",
      filename: "arbeitsvertrag.pdf",
      bytes: await render(
        "# Arbeitsvertrag (Muster)\n\nZwischen der Muster-Arbeitgeber GmbH und dem Arbeitnehmer wird ein unbefristetes, sozialversicherungspflichtiges Arbeitsverhältnis geschlossen.\n\n- Beginn: laut Vermittlungsnachweis\n- Wöchentliche Arbeitszeit: laut Vermittlungsnachweis\n- Probezeit: sechs Monate\n\nDies ist ein Demodokument.",
        "Arbeitsvertrag (Muster)",
      ),
    },
    broker_contract: {
      title: "Vermittlungsvertrag mit dem Kunden",
      filename: "vermittlungsvertrag.pdf",
      bytes: await render(
        "# Vermittlungsvertrag (Muster)\n\nZwischen dem Vermittler und dem Kunden wird schriftlich vereinbart, dass der Vermittler bei der Suche nach einer versicherungspflichtigen Beschäftigung unterstützt. Eine Vergütung wird nur bei erfolgreicher Vermittlung fällig und vom Arbeits- und Sozialzentrum gezahlt (§ 296 SGB III).\n\nDies ist ein Demodokument.",
        "Vermittlungsvertrag (Muster)",
      ),
    },
    employer_confirmation: {
      title: "Bestätigung des Arbeitgebers",
      filename: "arbeitgeberbestaetigung.pdf",
      bytes: await render(
        "# Bestätigung des Arbeitgebers\n\nWir bestätigen Datum des Arbeitsvertrags, Beginn der Beschäftigung, wöchentliche Arbeitszeit, Versicherungspflicht und gegebenenfalls das Ende der Befristung wie im Vermittlungsnachweis angegeben. Die Einstellung erfolgte auf Vermittlung des genannten Vermittlers. Die Beschäftigung besteht bis zum angegebenen Tag ununterbrochen.\n\nDies ist ein Demodokument.",
        "Bestätigung des Arbeitgebers",
      ),
    },
  };
}

/** The day after the latest earlier (history) job ended, or null without one (issue 12's covariate). */
function lastHistoryJobEnd(spells: readonly SpellDraft[]): string | null {
  let last: string | null = null;
  for (const s of spells) if (s.source === "history" && s.toDate && (last === null || s.toDate > last)) last = s.toDate;
  return last ? addDays(last, 1) : null;
}
