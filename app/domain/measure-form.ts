/**
 * A catalogue entry (Measure) as typed in a form or sent through the API: parsing and every
 * field rule with its German message (issue 11, points 1–2). Pure: the service passes what it
 * knows (the active measure types, the chosen provider's kind, the origin when it is fixed).
 *
 * Also the catalogue entry an awarded contract lot becomes (measureFromContract) and the list
 * spec of /measures. DOMAIN.md § 6; the places vocabulary is in ./places.
 */
import { z } from "zod";
import { choice, int, listSpec, text as textFilter } from "./list";
import { parseEuroToCents } from "./money";
import { parseHours } from "./placement";
import {
  BILL_EVENTS,
  BILL_EVENT_LABELS,
  DURATION_UNITS,
  ENTRY_MODES,
  MEASURE_FORMATS,
  MEASURE_ORIGINS,
  MEASURE_STATES,
  MEASURE_TARGET_GROUPS,
  MONTHLY_MODELS,
  PRICE_MODELS,
  PRO_RATA_RULES,
  type MeasureOrigin,
} from "./places";
import { addDays, formatDate, parseDate } from "./time";
import { fieldErrors, textValue } from "./validation";
import { ValidationError } from "./errors";

// ---------------------------------------------------------------------------------------------
// The list of /measures (filters, sorts, default order)

export const MEASURE_LIST = listSpec({
  filters: { q: textFilter(), type: textFilter(), origin: choice(MEASURE_ORIGINS), provider: int(), region: textFilter(), status: choice(MEASURE_STATES) },
  sorts: ["title", "type", "provider", "validUntil", "capacity"],
  default: ["title", "asc"],
  firstDir: { validUntil: "desc", capacity: "desc" },
});

// ---------------------------------------------------------------------------------------------
// Input

/** Origins staff may choose by hand; "contract" entries come from an award only. */
export const MANUAL_ORIGINS = ["ba", "certified", "employer"] as const;
export const BA_NOTE = "Kooperation öffentlicher Auftraggeber (§ 108 Abs. 6 GWB): keine eigene Vergabe";

export interface MeasureInput {
  origin: MeasureOrigin;
  providerId: number | null;
  hostName: string;
  typeCode: string;
  title: string;
  description: string;
  region: string;
  location: string;
  format: string;
  entryMode: string;
  startDates: string[];
  duration: number;
  durationUnit: string;
  weeklyHours: number;
  capacity: number;
  priceModel: string;
  priceCents: number;
  proRata: string;
  eventFees: { event: string; label: string; amountCents: number }[];
  targetGroups: string[];
  minAge: number | null;
  maxAge: number | null;
  entryConditions: string;
  validFrom: string;
  validUntil: string;
  baReference: string;
  azavNumber: string;
  azavValidFrom: string | null;
  azavValidUntil: string | null;
}

export interface MeasureFormContext {
  /** The measure types that may be chosen (active ones), with the price model each starts with. */
  types: readonly { code: string; defaultPriceModel: string }[];
  /** The chosen provider's kind (training, broker, agency), null when none is chosen or unknown. */
  providerKind: string | null;
  /** The origin, when it is not the form's to choose (a provider's proposal, the edit of an entry). */
  origin?: MeasureOrigin;
}

const MAX_DURATION: Record<string, number> = { month: 60, week: 260, day: 1000 };

/** Text: missing → "", trimmed, at most `max` characters. */
const text = (max: number) => textValue.pipe(z.string().max(max, `Höchstens ${max} Zeichen.`));

/** A whole number typed in a form or sent as JSON; "" → null. */
const optionalInt = textValue.transform((v, ctx) => {
  if (v === "") return null;
  if (!/^\d{1,6}$/.test(v)) {
    ctx.addIssue({ code: "custom", message: "Bitte eine ganze Zahl angeben." });
    return z.NEVER;
  }
  return Number(v);
});

/** Euro text ("1.234,56") or, from the API, whole cents. */
const money = (what: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null ? "" : v),
    z.union([z.number(), z.string()]).transform((v, ctx) => {
      if (typeof v === "number") {
        if (!Number.isSafeInteger(v)) {
          ctx.addIssue({ code: "custom", message: `${what}: bitte ganze Cent angeben.` });
          return z.NEVER;
        }
        return v;
      }
      const t = v.trim();
      if (!t) {
        ctx.addIssue({ code: "custom", message: `${what}: bitte einen Betrag in Euro angeben, z. B. 1.234,56.` });
        return z.NEVER;
      }
      const cents = parseEuroToCents(t);
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: `${what}: „${t.slice(0, 30)}“ ist kein Betrag; bitte in Euro angeben, z. B. 1.234,56.` });
        return z.NEVER;
      }
      return cents;
    }),
  );

/** A date typed as TT.MM.JJJJ or YYYY-MM-DD; "" → null. */
const date = (label: string) =>
  textValue.transform((v, ctx) => {
    if (!v) return null;
    const d = parseDate(v);
    if (!d) {
      ctx.addIssue({ code: "custom", message: `${label}: bitte als TT.MM.JJJJ angeben.` });
      return z.NEVER;
    }
    return d;
  });

/** Start dates: a list, or text with one date per line (or separated by commas or semicolons). */
const startDates = z.preprocess(
  (v) => (v === undefined || v === null ? [] : typeof v === "string" ? v.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean) : v),
  z.array(z.string(), { invalid_type_error: "Bitte die Starttermine als Liste von Daten angeben." }).max(100, "Höchstens 100 Starttermine.").transform((list, ctx) => {
    const out: string[] = [];
    for (const raw of list) {
      const d = parseDate(raw);
      if (!d) {
        ctx.addIssue({ code: "custom", message: `Starttermin „${raw.slice(0, 30)}“: bitte als TT.MM.JJJJ angeben.` });
        return z.NEVER;
      }
      if (!out.includes(d)) out.push(d);
    }
    return out.sort();
  }),
);

const choiceOf = <T extends readonly string[]>(options: T, message: string) => textValue.pipe(z.string().refine((v) => (options as readonly string[]).includes(v), message));

const eventFee = z.object({
  event: choiceOf(BILL_EVENTS, "Bitte das Ereignis wählen, bei dem der Betrag fällig wird."),
  label: text(100),
  amount: money("Betrag"),
});

const baseSchema = z.object({
  origin: textValue,
  providerId: textValue,
  hostName: text(200),
  typeCode: textValue,
  title: textValue.pipe(z.string().min(3, "Bitte einen Titel angeben (mindestens 3 Zeichen).").max(200, "Höchstens 200 Zeichen.")),
  description: text(2000),
  region: text(100),
  location: text(200),
  format: textValue.transform((v) => v || "group").pipe(z.string().refine((v) => (MEASURE_FORMATS as readonly string[]).includes(v), "Bitte Gruppenmaßnahme oder Einzelplatz wählen.")),
  entryMode: choiceOf(ENTRY_MODES, "Bitte wählen: feste Starttermine oder laufender Einstieg."),
  startDates,
  duration: optionalInt,
  durationUnit: choiceOf(DURATION_UNITS, "Bitte die Einheit der Dauer wählen (Monate, Wochen oder Tage)."),
  weeklyHours: z.preprocess((v) => (typeof v === "number" ? String(v) : v), textValue),
  capacity: optionalInt,
  priceModel: textValue,
  price: money("Preis"),
  proRata: textValue,
  eventFees: z.array(eventFee, { invalid_type_error: "Bitte die Beträge je Ereignis als Liste angeben." }).max(10, "Höchstens 10 Beträge je Ereignis.").optional().default([]),
  targetGroups: z.preprocess((v) => (v === undefined || v === null || v === "" ? [] : typeof v === "string" ? [v] : v), z.array(z.string(), { invalid_type_error: "Bitte die Zielgruppen als Liste angeben." })),
  minAge: optionalInt,
  maxAge: optionalInt,
  entryConditions: text(2000),
  validFrom: date("Gültig ab"),
  validUntil: date("Gültig bis"),
  baReference: text(100),
  azavNumber: text(100),
  azavValidFrom: date("Zulassung gültig ab"),
  azavValidUntil: date("Zulassung gültig bis"),
});

/**
 * Parse a catalogue entry; throws a ValidationError with a German message per field. The
 * rules (each at its boundary in tests/unit/measure-form.test.ts): provider or, for an
 * employer's measure, the employer; the type among the active ones; capacity ≥ 1; the validity
 * with validUntil ≥ validFrom; fixed start dates inside it; price 0,00 only (and always) for
 * the model "ohne Vergütung", which employer measures have; the pro-rata rule for monthly
 * models; event fees above 0; minimum age ≤ maximum age; a BA reference for BA places; the AZAV
 * approval with its validity for certified measures, of a training provider only.
 */
export function parseMeasureInput(raw: unknown, ctx: MeasureFormContext): MeasureInput {
  const result = baseSchema.safeParse(raw);
  const errors: Record<string, string> = result.success ? {} : fieldErrors(result.error);
  const fail = (field: string, message: string) => {
    if (!(field in errors)) errors[field] = message;
  };
  const v = result.success ? result.data : null;
  const input = (raw ?? {}) as Record<string, unknown>;

  // Origin: fixed by the caller, else one of the manual ones.
  const originText = ctx.origin ?? String(input.origin ?? "").trim();
  let origin: MeasureOrigin | null = null;
  if (ctx.origin) origin = ctx.origin;
  else if (originText === "contract") fail("origin", "Katalogeinträge aus Verträgen entstehen nur beim Zuschlag, nicht von Hand.");
  else if ((MANUAL_ORIGINS as readonly string[]).includes(originText)) origin = originText as MeasureOrigin;
  else fail("origin", "Bitte die Herkunft wählen: Plätze der BA, zugelassene Maßnahme (AZAV) oder beim Arbeitgeber.");

  if (!v) throw new ValidationError("Bitte prüfen Sie die markierten Angaben.", errors);

  // Provider or employer.
  let providerId: number | null = null;
  if (v.providerId) {
    if (/^\d{1,9}$/.test(v.providerId) && Number(v.providerId) > 0) providerId = Number(v.providerId);
    else fail("providerId", "Bitte den Träger aus der Liste wählen.");
  }
  if (origin === "employer") {
    if (!v.hostName) fail("hostName", "Bitte den Arbeitgeber angeben, bei dem die Maßnahme stattfindet.");
  } else if (origin && providerId === null && !errors.providerId) {
    fail("providerId", "Bitte den Träger wählen.");
  }

  // Type, and the price model it starts with.
  const type = ctx.types.find((t) => t.code === v.typeCode);
  if (!type) fail("typeCode", v.typeCode ? "Diese Maßnahmeart gibt es nicht (mehr); bitte eine aus der Liste wählen." : "Bitte die Maßnahmeart wählen.");
  const priceModel = v.priceModel || (origin === "employer" ? "none" : (type?.defaultPriceModel ?? ""));
  if (!(PRICE_MODELS as readonly string[]).includes(priceModel)) fail("priceModel", "Bitte das Preismodell wählen.");

  // Period.
  if (!v.validFrom) fail("validFrom", "Gültig ab fehlt.");
  if (!v.validUntil) fail("validUntil", "Gültig bis fehlt.");
  if (v.validFrom && v.validUntil && v.validUntil < v.validFrom) fail("validUntil", `Gültig bis (${formatDate(v.validUntil)}) liegt vor gültig ab (${formatDate(v.validFrom)}).`);

  // Entry and duration.
  if (v.entryMode === "dates") {
    if (v.startDates.length === 0) fail("startDates", "Bitte mindestens einen Starttermin angeben (bei laufendem Einstieg „laufender Einstieg“ wählen).");
    else if (v.validFrom && v.validUntil) {
      const outside = v.startDates.find((d) => d < v.validFrom! || d > v.validUntil!);
      if (outside) fail("startDates", `Der Starttermin ${formatDate(outside)} liegt außerhalb der Gültigkeit (${formatDate(v.validFrom)} bis ${formatDate(v.validUntil)}).`);
    }
  }
  const max = MAX_DURATION[v.durationUnit] ?? 60;
  if (v.duration === null) fail("duration", "Bitte die Dauer einer Teilnahme angeben.");
  else if (v.duration < 1) fail("duration", "Die Dauer muss mindestens 1 sein.");
  else if (v.duration > max) fail("duration", `Höchstens ${max} bei dieser Einheit.`);

  const weeklyHours = v.weeklyHours ? parseHours(v.weeklyHours) : null;
  if (!v.weeklyHours) fail("weeklyHours", "Bitte die Stunden je Woche angeben, z. B. 39,5.");
  else if (weeklyHours === null) fail("weeklyHours", "Bitte die Stunden je Woche als Zahl über 0 bis 80 angeben, z. B. 39,5.");

  if (v.capacity === null) fail("capacity", "Bitte die Zahl der Plätze angeben.");
  else if (v.capacity < 1) fail("capacity", "Mindestens 1 Platz.");
  else if (v.capacity > 100000) fail("capacity", "Höchstens 100.000 Plätze.");

  // Price.
  if (origin === "employer" && priceModel && priceModel !== "none") fail("priceModel", "Maßnahmen beim Arbeitgeber sind ohne Vergütung: bitte „ohne Vergütung“ wählen.");
  if (v.price < 0) fail("price", "Der Preis darf nicht negativ sein.");
  else if (priceModel === "none" && v.price !== 0) fail("price", "Ohne Vergütung ist der Preis 0,00 €.");
  else if (priceModel && priceModel !== "none" && v.price === 0) fail("price", "Ein Preis von 0,00 € gibt es nur beim Preismodell „ohne Vergütung“.");
  let proRata = "";
  if (MONTHLY_MODELS.includes(priceModel)) {
    if ((PRO_RATA_RULES as readonly string[]).includes(v.proRata)) proRata = v.proRata;
    else fail("proRata", "Bitte wählen, wie angefangene Monate bei Eintritt und Austritt abgerechnet werden.");
  }
  const eventFees = v.eventFees.map((f, i) => {
    if (f.amount <= 0) fail(`eventFees.${i}.amount`, "Bitte einen Betrag über 0,00 € angeben.");
    return { event: f.event, label: f.label || BILL_EVENT_LABELS[f.event as keyof typeof BILL_EVENT_LABELS], amountCents: f.amount };
  });

  // Who the measure is for.
  const unknownGroup = v.targetGroups.find((g) => !(MEASURE_TARGET_GROUPS as readonly string[]).includes(g));
  if (unknownGroup) fail("targetGroups", `Die Zielgruppe „${unknownGroup.slice(0, 40)}“ gibt es nicht.`);
  for (const [field, age] of [["minAge", v.minAge], ["maxAge", v.maxAge]] as const) {
    if (age !== null && (age < 14 || age > 99)) fail(field, "Bitte ein Alter von 14 bis 99 Jahren angeben.");
  }
  if (v.minAge !== null && v.maxAge !== null && v.minAge > v.maxAge) fail("maxAge", `Das Höchstalter (${v.maxAge}) liegt unter dem Mindestalter (${v.minAge}).`);

  // The origin's data.
  if (origin === "ba" && !v.baReference) fail("baReference", "Bitte die Maßnahme- oder Vergabenummer der BA angeben (Plätze der BA, § 108 Abs. 6 GWB).");
  if (origin === "certified") {
    if (!v.azavNumber) fail("azavNumber", "Bitte die Nummer der Maßnahmezulassung (AZAV) angeben.");
    if (!v.azavValidFrom) fail("azavValidFrom", "Bitte angeben, ab wann die Maßnahmezulassung gilt.");
    if (!v.azavValidUntil) fail("azavValidUntil", "Bitte angeben, bis wann die Maßnahmezulassung gilt.");
    if (v.azavValidFrom && v.azavValidUntil && v.azavValidUntil < v.azavValidFrom) fail("azavValidUntil", `Die Zulassung endet (${formatDate(v.azavValidUntil)}) vor ihrem Beginn (${formatDate(v.azavValidFrom)}).`);
    if (providerId !== null && ctx.providerKind !== null && ctx.providerKind !== "training") fail("providerId", "Zugelassene Maßnahmen (AZAV) gibt es nur bei Bildungsträgern; dieser Träger ist kein Bildungsträger.");
  }

  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die markierten Angaben.", errors);
  return {
    origin: origin!,
    providerId,
    hostName: v.hostName,
    typeCode: v.typeCode,
    title: v.title,
    description: v.description,
    region: v.region,
    location: v.location,
    format: v.format,
    entryMode: v.entryMode,
    startDates: v.entryMode === "dates" ? v.startDates : [],
    duration: v.duration!,
    durationUnit: v.durationUnit,
    weeklyHours: weeklyHours!,
    capacity: v.capacity!,
    priceModel,
    priceCents: v.price,
    proRata,
    eventFees,
    targetGroups: v.targetGroups,
    minAge: v.minAge,
    maxAge: v.maxAge,
    entryConditions: v.entryConditions,
    validFrom: v.validFrom!,
    validUntil: v.validUntil!,
    baReference: origin === "ba" ? v.baReference : "",
    azavNumber: origin === "certified" ? v.azavNumber : "",
    azavValidFrom: origin === "certified" ? v.azavValidFrom : null,
    azavValidUntil: origin === "certified" ? v.azavValidUntil : null,
  };
}

/**
 * A form's fields → the object parseMeasureInput reads: the event fee rows (fee-event-N,
 * fee-label-N, fee-amount-N; empty rows left out) become `eventFees`, checkboxes a list.
 */
export function measureFormValues(form: Record<string, unknown>): Record<string, unknown> {
  const eventFees: { event: string; label: string; amount: string }[] = [];
  for (let i = 0; i < 10; i++) {
    const event = String(form[`fee-event-${i}`] ?? "").trim();
    const label = String(form[`fee-label-${i}`] ?? "").trim();
    const amount = String(form[`fee-amount-${i}`] ?? "").trim();
    if (event || label || amount) eventFees.push({ event, label, amount });
  }
  return { ...form, eventFees };
}

/** Reasons (reject, close): at least 10 characters. */
export const reasonSchema = z.object({
  reason: textValue.pipe(z.string().min(10, "Bitte den Grund angeben (mindestens 10 Zeichen).").max(1000, "Höchstens 1000 Zeichen.")),
});

// ---------------------------------------------------------------------------------------------
// From an awarded contract

/** The tender's measure type (app/domain/tender.ts MEASURE_TYPES) → the catalogue's type code. */
const TENDER_TYPE_TO_MEASURE_TYPE: Record<string, string> = {
  bae: "bae",
  placement_421i: "p421i",
  placement_37: "p37",
  training: "training",
  fbw: "fbw",
  qal: "qal",
  youth: "youth",
  other: "other",
};

/**
 * The catalogue type of an awarded lot: from the tender's measure type where the catalogue has
 * it; otherwise "bae" for a place-and-month lot whose title names BaE, else "other".
 */
export function measureTypeForLot(tenderMeasureType: string | null, lot: { priceUnit: string; title: string; tenderTitle?: string }): string {
  const mapped = tenderMeasureType ? TENDER_TYPE_TO_MEASURE_TYPE[tenderMeasureType] : undefined;
  if (mapped && mapped !== "other") return mapped;
  if (lot.priceUnit === "place_month" && /\bBaE\b/.test(`${lot.tenderTitle ?? ""} ${lot.title}`)) return "bae";
  return "other";
}

/** Whole months from start to end (a contract's term: 01.08. to 31.07. three years later is 36). */
export function monthsBetween(start: string, end: string): number {
  const next = addDays(end, 1);
  let months = (Number(next.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + (Number(next.slice(5, 7)) - Number(start.slice(5, 7)));
  if (Number(next.slice(8, 10)) < Number(start.slice(8, 10))) months--;
  return Math.max(1, months);
}

export interface AwardedLot {
  tender: { title: string; measureType: string | null };
  lot: { number: number; title: string; region: string };
  contract: { id: number; providerId: number; quantity: number; priceUnit: string; unitPriceCents: number; successFeeCents: number | null; startDate: string; endDate: string };
}

/** The catalogue entry an awarded contract lot becomes (origin contract, active, continuous entry). */
export function measureFromContract(a: AwardedLot): MeasureInput {
  const { tender, lot, contract } = a;
  const priceModel = contract.priceUnit === "place_month" ? "place_month" : "participant";
  const eventFees = contract.priceUnit === "participant_success" && contract.successFeeCents ? [{ event: "success", label: "Erfolgsprämie je Integration", amountCents: contract.successFeeCents }] : [];
  return {
    origin: "contract",
    providerId: contract.providerId,
    hostName: "",
    typeCode: measureTypeForLot(tender.measureType, { priceUnit: contract.priceUnit, title: lot.title, tenderTitle: tender.title }),
    title: `${tender.title} – Los ${lot.number}: ${lot.title}`.slice(0, 200),
    description: "",
    region: lot.region,
    location: "",
    format: "group",
    entryMode: "continuous",
    startDates: [],
    duration: contract.priceUnit === "place_month" ? monthsBetween(contract.startDate, contract.endDate) : 1,
    durationUnit: "month",
    weeklyHours: 3900,
    capacity: Math.max(1, contract.quantity),
    priceModel,
    priceCents: contract.unitPriceCents,
    proRata: priceModel === "place_month" ? "days" : "",
    eventFees,
    targetGroups: [],
    minAge: null,
    maxAge: null,
    entryConditions: "",
    validFrom: contract.startDate,
    validUntil: contract.endDate,
    baReference: "",
    azavNumber: "",
    azavValidFrom: null,
    azavValidUntil: null,
  };
}

/** Hundredths of an hour → "39,5". */
export function formatHours(hundredths: number): string {
  const s = (hundredths / 100).toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
  return s.replace(".", ",");
}

/** Cents → the euro text a form shows ("1.234,56", no sign). */
export function euroText(cents: number): string {
  const euros = Math.floor(Math.abs(cents) / 100);
  return `${cents < 0 ? "-" : ""}${String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, ".")},${String(Math.abs(cents) % 100).padStart(2, "0")}`;
}

/** The fields of a catalogue entry in German (the audit entry of an edit names what changed). */
export const MEASURE_FIELD_LABELS: Record<string, string> = {
  providerId: "Träger",
  hostName: "Arbeitgeber",
  typeCode: "Maßnahmeart",
  title: "Titel",
  description: "Beschreibung",
  region: "Region",
  location: "Ort",
  format: "Form",
  entryMode: "Einstieg",
  startDates: "Starttermine",
  duration: "Dauer",
  durationUnit: "Einheit der Dauer",
  weeklyHours: "Stunden je Woche",
  capacity: "Plätze",
  priceModel: "Preismodell",
  priceCents: "Preis",
  proRata: "angefangene Monate",
  eventFees: "Beträge bei Ereignissen",
  targetGroups: "Zielgruppen",
  minAge: "Mindestalter",
  maxAge: "Höchstalter",
  entryConditions: "Zugangsvoraussetzungen",
  validFrom: "gültig ab",
  validUntil: "gültig bis",
  baReference: "Nummer der BA",
  azavNumber: "Maßnahmezulassung",
  azavValidFrom: "Zulassung gültig ab",
  azavValidUntil: "Zulassung gültig bis",
};
