import { In, type EntityManager } from "typeorm";
import { AwardCriterion, Contract, Lot, Offer, Provider, Tender } from "../../entities";
import { lotValueCents, PROCEDURE_LABELS, type PriceUnit, type ProcedureType, type Regime } from "~/domain/tender";
import { offersReadable, type TenderState } from "~/domain/tender.machine";
import { addDays, addMonths, berlinLocalToUtc, berlinOffsetMinutes } from "~/domain/time";
import { appendAudit, type Actor } from "~/lib/audit.server";
import { config } from "~/lib/config.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { getSettings } from "~/lib/settings.server";
import { readOffers } from "./offers.server";
import { methodInWords } from "~/domain/past-performance";

/**
 * Open Contracting Data Standard 1.1.5: one compiled-style release per tender, in a release
 * package. Only core fields plus the official Lots extension (declared in `extensions`).
 *
 * Sealed offers (ADR 0006): before the opening nothing about offers is read at all, neither
 * the bidders nor their number; after the opening the bidders appear as tenderers, and prices
 * (award values) are read through `readOffers` only, with an audit entry for the decryption.
 */

/** The ocid prefix registered with the OCDS Data Support Team ("ocds-jcktest" until registered). */
export const OCDS_OCID_PREFIX = "ocds-jcktest";

/** The official Lots extension (tender.lots, item.relatedLot, award.relatedLots). */
export const OCDS_LOTS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json";

const CURRENCY = "EUR";
const BUYER_ID = "buyer";

export interface OcdsValue {
  amount: number;
  currency: string;
}
export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
}
export interface OcdsOrganizationReference {
  id: string;
  name: string;
}
export interface OcdsParty extends OcdsOrganizationReference {
  address?: { streetAddress?: string; postalCode?: string; locality?: string; countryName?: string };
  contactPoint?: { name?: string; email?: string; telephone?: string };
  roles: string[];
}
export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  initiationType: "tender";
  language: string;
  parties: OcdsParty[];
  buyer: OcdsOrganizationReference;
  tender: {
    id: string;
    title: string;
    description: string;
    status: string;
    procuringEntity: OcdsOrganizationReference;
    items: { id: string; description: string; quantity: number; unit: { name: string; value: OcdsValue }; relatedLot: string }[];
    value: OcdsValue;
    procurementMethod: string;
    procurementMethodDetails: string;
    mainProcurementCategory: "services";
    awardCriteria: "ratedCriteria";
    awardCriteriaDetails: string;
    tenderPeriod?: OcdsPeriod;
    enquiryPeriod?: OcdsPeriod;
    awardPeriod?: OcdsPeriod;
    numberOfTenderers?: number;
    tenderers?: OcdsOrganizationReference[];
    lots: { id: string; title: string; description?: string; status: string; value: OcdsValue; contractPeriod: OcdsPeriod }[];
  };
  awards?: {
    id: string;
    title: string;
    status: string;
    date?: string;
    value?: OcdsValue;
    suppliers?: OcdsOrganizationReference[];
    contractPeriod?: OcdsPeriod;
    relatedLots: string[];
  }[];
  contracts?: {
    id: string;
    awardID: string;
    title: string;
    status: string;
    dateSigned: string;
    value: OcdsValue;
    period: OcdsPeriod;
  }[];
}
export interface OcdsReleasePackage {
  uri?: string;
  version: "1.1";
  extensions: string[];
  publishedDate: string;
  publisher: { name: string };
  releases: OcdsRelease[];
}

export interface OcdsOptions {
  /** Who exports: recorded when offers are decrypted for award values. */
  actor?: Actor;
  /** The package's own URI (the route passes its URL). */
  uri?: string;
  /** Overrides OCDS_OCID_PREFIX. */
  prefix?: string;
}

const EXPORT_ACTOR: Actor = { id: null, label: "ocds-export" };

// ---------------------------------------------------------------- formatting helpers

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant (ISO UTC) as ISO 8601 in Berlin time with its offset: 2026-12-01T10:00:00+01:00. */
export function ocdsDateTime(instant: string): string {
  const d = new Date(instant);
  const offset = berlinOffsetMinutes(d);
  const local = new Date(Math.floor(d.getTime() / 1000) * 1000 + offset * 60000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A business date (YYYY-MM-DD) as the start or the end of that day in Berlin. */
function dayStart(date: string): string {
  return ocdsDateTime(berlinLocalToUtc(`${date}T00:00:00`)!);
}
function dayEnd(date: string): string {
  return ocdsDateTime(berlinLocalToUtc(`${date}T23:59:59`)!);
}

function euros(cents: number): OcdsValue {
  return { amount: Math.round(cents) / 100, currency: CURRENCY };
}

function period(start: string | null | undefined, end: string | null | undefined): OcdsPeriod | undefined {
  const p: OcdsPeriod = {};
  if (start) p.startDate = ocdsDateTime(start);
  if (end) p.endDate = ocdsDateTime(end);
  return Object.keys(p).length ? p : undefined;
}

/** Start date plus whole months, ending the day before (36 months from 01.09.2027 → 31.08.2030). */
function lotPeriod(lot: Lot): OcdsPeriod {
  return { startDate: dayStart(lot.startDate), endDate: dayEnd(addDays(addMonths(lot.startDate, lot.durationMonths), -1)) };
}

const lotId = (lot: Lot) => `lot-${lot.number}`;
const awardId = (lot: Lot) => `award-${lot.number}`;
const providerPartyId = (providerId: number) => `provider-${providerId}`;

/** Total value of a lot at given prices over its whole duration (not capped like § 3 VgV estimates). */
function totalCents(priceUnit: string, quantity: number, months: number, unitPriceCents: number, successFeeCents: number | null): number {
  switch (priceUnit as PriceUnit) {
    case "place_month":
      return quantity * unitPriceCents * months;
    case "participant_success":
      return quantity * (unitPriceCents + (successFeeCents ?? 0));
    default:
      return quantity * unitPriceCents;
  }
}

const UNIT_NAMES: Record<PriceUnit, string> = {
  place_month: "Platz (Preis je Platz und Monat)",
  participant: "Teilnehmer (Preis je Teilnehmer)",
  participant_success: "Teilnehmer (Preis je Teilnehmer zzgl. Erfolgsprämie)",
};

/** Our procedure types → the closed OCDS method codelist. */
const METHODS: Record<ProcedureType, "open" | "selective" | "limited"> = { open: "open", restricted: "selective", negotiated: "limited" };

const AFTER_AWARD_DECISION: TenderState[] = ["award_decided", "bidders_informed", "awarded"];

/** Our states → the closed OCDS tenderStatus codelist. */
function tenderStatus(state: TenderState, lots: Lot[]): string {
  switch (state) {
    case "draft":
      return "planned";
    case "cancelled":
      return "cancelled";
    case "awarded":
      // Every lot ended without an award: the process failed.
      return lots.length && lots.every((l) => l.awardDecision && !l.awardedOfferId) ? "unsuccessful" : "complete";
    default:
      // published … bidders_informed: the process is still running (standstill, possible cancellation).
      return "active";
  }
}

/** releaseTag codelist, from the furthest stage reached. */
function releaseTags(state: TenderState, hasContracts: boolean): string[] {
  switch (state) {
    case "draft":
      return ["planning"];
    case "cancelled":
      return ["tenderCancellation"];
    case "award_decided":
    case "bidders_informed":
      return ["award"];
    case "awarded":
      return hasContracts ? ["award", "contract"] : ["award"];
    default:
      return ["tender"];
  }
}

function contractStatus(status: string): string {
  if (["pending", "active", "terminated", "cancelled"].includes(status)) return status;
  if (["ended", "completed", "finished", "closed"].includes(status)) return "terminated";
  return "active";
}

/** "Macherstraße 55\n01917 Kamenz" → OCDS address. */
function address(lines: string[]): OcdsParty["address"] {
  const clean = lines.map((l) => l.trim()).filter(Boolean);
  const out: NonNullable<OcdsParty["address"]> = { countryName: "Deutschland" };
  const cityLine = clean.findIndex((l) => /^\d{5}\s+\S/.test(l));
  if (cityLine >= 0) {
    const m = /^(\d{5})\s+(.+)$/.exec(clean[cityLine])!;
    out.postalCode = m[1];
    out.locality = m[2];
    clean.splice(cityLine, 1);
  }
  if (clean.length) out.streetAddress = clean.join(", ");
  return out;
}

function contactPoint(text: string, name: string): OcdsParty["contactPoint"] | undefined {
  const email = /[^\s·,;<>]+@[^\s·,;<>]+/.exec(text)?.[0];
  const telephone = /(?:Telefon|Tel\.?|Fon)\s*:?\s*(\+?[\d][\d\s/()-]*\d)/i.exec(text)?.[1]?.trim();
  if (!email && !telephone) return undefined;
  return { name, ...(email ? { email } : {}), ...(telephone ? { telephone } : {}) };
}

function latest(...instants: (string | null | undefined)[]): string {
  return instants.filter((x): x is string => Boolean(x)).reduce((a, b) => (b > a ? b : a), "");
}

// ---------------------------------------------------------------- building

interface Context {
  prefix: string;
  actor: Actor;
  buyer: OcdsParty;
}

async function buildRelease(m: EntityManager, tender: Tender, ctx: Context): Promise<OcdsRelease> {
  const state = tender.status as TenderState;
  const ocid = `${ctx.prefix}-${tender.reference}`;
  const [lots, criteria] = await Promise.all([
    m.getRepository(Lot).find({ where: { tenderId: tender.id }, order: { number: "ASC" } }),
    m.getRepository(AwardCriterion).find({ where: { tenderId: tender.id }, order: { position: "ASC" } }),
  ]);

  // Nothing about offers is read while they are sealed: no query on offers, contracts or prices.
  const readable = offersReadable(state, tender.openedAt);
  const offers = readable ? await m.getRepository(Offer).find({ where: { tenderId: tender.id, status: "submitted" }, order: { receivedAt: "ASC" } }) : [];
  const contracts = readable ? await m.getRepository(Contract).find({ where: { tenderId: tender.id }, order: { id: "ASC" } }) : [];
  const decided = readable && (AFTER_AWARD_DECISION.includes(state) || (state === "cancelled" && tender.awardDecidedAt !== null));
  const decidedLots = decided ? lots.filter((l) => l.awardDecision || l.awardedOfferId) : [];

  const providerIds = [...new Set([...offers.map((o) => o.providerId), ...contracts.map((c) => c.providerId)])];
  const providers = providerIds.length ? await m.getRepository(Provider).find({ where: { id: In(providerIds) } }) : [];
  const providerRef = (id: number): OcdsOrganizationReference => ({ id: providerPartyId(id), name: providers.find((p) => p.id === id)?.name ?? `Träger ${id}` });

  // Award values are offer prices: decrypted through the one service, and recorded.
  let prices = new Map<number, { lotId: number; unitPriceCents: number; successFeeCents: number | null }[]>();
  if (decidedLots.some((l) => l.awardedOfferId)) {
    const opened = await readOffers(m, tender);
    prices = new Map(opened.map((o) => [o.id, o.content.lots]));
    await tx((w) =>
      appendAudit(w, ctx.actor, {
        action: "offer.unseal",
        summary: `${opened.length} Angebot(e) entschlüsselt für den OCDS-Export (${tender.reference}): Zuschlagswerte`,
        entityType: "tender",
        entityId: tender.id,
      }),
    );
  }

  const suppliers = new Set<number>([...contracts.map((c) => c.providerId)]);
  const awards: NonNullable<OcdsRelease["awards"]> = [];
  for (const lot of decidedLots) {
    const offer = lot.awardedOfferId ? offers.find((o) => o.id === lot.awardedOfferId) ?? null : null;
    const awardStatus = !lot.awardedOfferId ? "unsuccessful" : state === "awarded" ? "active" : state === "cancelled" ? "cancelled" : "pending";
    const award: NonNullable<OcdsRelease["awards"]>[number] = {
      id: awardId(lot),
      title: `Zuschlag Los ${lot.number}: ${lot.title}`,
      status: awardStatus,
      relatedLots: [lotId(lot)],
    };
    const date = state === "awarded" ? tender.awardedAt : tender.awardDecidedAt;
    if (date) award.date = ocdsDateTime(date);
    if (lot.awardedOfferId) {
      const line = prices.get(lot.awardedOfferId)?.find((l) => l.lotId === lot.id);
      if (line) award.value = euros(totalCents(lot.priceUnit, lot.quantity, lot.durationMonths, line.unitPriceCents, line.successFeeCents));
      const providerId = offer?.providerId ?? contracts.find((c) => c.offerId === lot.awardedOfferId)?.providerId;
      if (providerId) {
        award.suppliers = [providerRef(providerId)];
        if (awardStatus !== "cancelled") suppliers.add(providerId);
      }
      award.contractPeriod = lotPeriod(lot);
    }
    awards.push(award);
  }

  const tenderers = [...new Set(offers.map((o) => o.providerId))];
  const parties: OcdsParty[] = [ctx.buyer];
  for (const id of [...new Set([...tenderers, ...suppliers])]) {
    const p = providers.find((x) => x.id === id);
    const roles = [...(tenderers.includes(id) ? ["tenderer"] : []), ...(suppliers.has(id) ? ["supplier"] : [])];
    parties.push({ ...providerRef(id), ...(p ? { address: address([p.street, `${p.postalCode} ${p.city}`]) } : {}), roles });
  }

  const ocdsContracts: NonNullable<OcdsRelease["contracts"]> = contracts.map((c) => {
    const lot = lots.find((l) => l.id === c.lotId);
    const months = lot?.durationMonths ?? 0;
    return {
      id: c.reference,
      awardID: lot ? awardId(lot) : `award-${c.lotId}`,
      title: lot ? `Vertrag Los ${lot.number}: ${lot.title}` : `Vertrag ${c.reference}`,
      status: contractStatus(c.status),
      dateSigned: ocdsDateTime(c.concludedAt),
      value: euros(totalCents(c.priceUnit, c.quantity, months, c.unitPriceCents, c.successFeeCents)),
      period: { startDate: dayStart(c.startDate), endDate: dayEnd(c.endDate) },
    };
  });

  // The latest change; offer receipts do not count (they would tell when someone bid).
  const changedAt = latest(tender.createdAt, tender.updatedAt, tender.publishedAt, tender.closedAt, tender.openedAt, tender.evaluatedAt, tender.awardDecidedAt, tender.informedAt, tender.awardedAt, tender.cancelledAt, ...contracts.map((c) => c.concludedAt));
  const buyerRef = { id: ctx.buyer.id, name: ctx.buyer.name };
  const regime = (tender.regime === "eu" ? "eu" : "national") as Regime;
  const method = (PROCEDURE_LABELS[tender.procedureType as ProcedureType] ? tender.procedureType : "open") as ProcedureType;

  const release: OcdsRelease = {
    ocid,
    id: `${ocid}-${state}-${changedAt.replace(/[-:.]/g, "")}`,
    date: ocdsDateTime(changedAt),
    tag: releaseTags(state, ocdsContracts.length > 0),
    initiationType: "tender",
    language: "de",
    parties,
    buyer: buyerRef,
    tender: {
      id: tender.reference,
      title: tender.title,
      description: tender.description,
      status: tenderStatus(state, lots),
      procuringEntity: buyerRef,
      items: lots.map((l) => ({
        id: `item-${l.number}`,
        description: [`Los ${l.number}: ${l.title}`, l.region].filter(Boolean).join(", "),
        quantity: l.quantity,
        unit: { name: UNIT_NAMES[l.priceUnit as PriceUnit] ?? l.priceUnit, value: euros(l.estimatedUnitPriceCents) },
        relatedLot: lotId(l),
      })),
      value: euros(tender.estimatedValueCents),
      procurementMethod: METHODS[method],
      procurementMethodDetails: PROCEDURE_LABELS[method][regime],
      mainProcurementCategory: "services",
      awardCriteria: "ratedCriteria",
      awardCriteriaDetails: criteria.length
        ? `${criteria.map((c) => `${c.name}${c.isPrice ? " (Preis)" : ""}: ${c.weight} %`).join("; ")}. Qualitätskriterien werden mit 0 bis ${tender.maxPoints} Punkten bewertet; der niedrigste Preis erhält die volle Punktzahl, jeder andere anteilig.${criteria.filter((c) => c.kind === "past_performance" && c.method).map((c) => ` ${methodInWords(c.method!, tender.maxPoints)}`).join("")}`
        : "Zuschlagskriterien noch nicht festgelegt.",
      lots: lots.map((l) => ({
        id: lotId(l),
        title: l.title,
        ...(l.region ? { description: l.region } : {}),
        status: decided && l.awardDecision && !l.awardedOfferId ? "unsuccessful" : tenderStatus(state, [l]),
        // The estimate as for the tender's value (§ 3 VgV), so the lots add up to it.
        value: euros(lotValueCents({ ...l, priceUnit: l.priceUnit as PriceUnit })),
        contractPeriod: lotPeriod(l),
      })),
    },
  };
  const tenderPeriod = period(tender.publishedAt, tender.offersUntil);
  if (tenderPeriod) release.tender.tenderPeriod = tenderPeriod;
  if (tender.questionsUntil) release.tender.enquiryPeriod = period(tender.publishedAt, tender.questionsUntil);
  if (readable) {
    const awardPeriod = period(tender.openedAt, state === "awarded" ? tender.awardedAt : null);
    if (awardPeriod) release.tender.awardPeriod = awardPeriod;
    release.tender.numberOfTenderers = tenderers.length;
    release.tender.tenderers = tenderers.map(providerRef);
  }
  if (awards.length) release.awards = awards;
  if (ocdsContracts.length) release.contracts = ocdsContracts;
  return release;
}

/**
 * The release package for the given tenders (all tenders when omitted), ordered by id. Tenders
 * that do not exist are skipped. Not to be called inside `tx()`: decrypting award values writes
 * its audit entry in a transaction of its own.
 */
export async function ocdsReleasePackage(tenderIds?: number[], options: OcdsOptions = {}): Promise<OcdsReleasePackage> {
  const m = await em();
  const settings = await getSettings(m);
  const authority = settings["letterhead.authority"];
  const contact = contactPoint(settings["letterhead.contact"], authority);
  const buyer: OcdsParty = {
    id: BUYER_ID,
    name: authority,
    address: address(settings["letterhead.address"].split(/\r?\n/)),
    ...(contact ? { contactPoint: contact } : {}),
    roles: ["buyer", "procuringEntity"],
  };
  const ctx: Context = { prefix: options.prefix ?? OCDS_OCID_PREFIX, actor: options.actor ?? EXPORT_ACTOR, buyer };
  const tenders =
    tenderIds === undefined
      ? await m.getRepository(Tender).find({ order: { id: "ASC" } })
      : tenderIds.length
        ? await m.getRepository(Tender).find({ where: { id: In(tenderIds) }, order: { id: "ASC" } })
        : [];
  const releases: OcdsRelease[] = [];
  for (const t of tenders) releases.push(await buildRelease(m, t, ctx));
  const publishedDate = releases.length ? releases.map((r) => r.date).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)) : ocdsDateTime(nowIso());
  return {
    ...(options.uri ? { uri: options.uri } : {}),
    version: "1.1",
    extensions: [OCDS_LOTS_EXTENSION],
    publishedDate,
    publisher: { name: authority },
    releases,
  };
}

/** The URL of a tender's package (for the package's `uri`). */
export function ocdsTenderUrl(tenderId: number): string {
  return `${config().publicUrl.replace(/\/$/, "")}/tenders/${tenderId}/ocds.json`;
}
