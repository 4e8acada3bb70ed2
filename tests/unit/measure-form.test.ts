import { describe, expect, it } from "vitest";
import { ValidationError } from "~/domain/errors";
import { measureFormValues, measureFromContract, measureTypeForLot, monthsBetween, parseMeasureInput, type MeasureFormContext } from "~/domain/measure-form";

/** Every field rule of a catalogue entry at its boundary (issue 11, points 1–2). */

const TYPES = [
  { code: "bae", defaultPriceModel: "place_month" },
  { code: "training", defaultPriceModel: "participant" },
  { code: "employer_training", defaultPriceModel: "none" },
  { code: "mae", defaultPriceModel: "mae_month" },
];
const CTX: MeasureFormContext = { types: TYPES, providerKind: "training" };

function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    origin: "ba",
    providerId: "7",
    typeCode: "bae",
    title: "BaE Einzelhandel (Plätze der BA)",
    region: "Kamenz",
    location: "Kamenz, Macherstraße 1",
    entryMode: "continuous",
    duration: "36",
    durationUnit: "month",
    weeklyHours: "39,5",
    capacity: "12",
    priceModel: "place_month",
    price: "1.234,56",
    proRata: "days",
    validFrom: "01.08.2007",
    validUntil: "31.07.2010",
    baReference: "BA-962-2007-0815",
    ...overrides,
  };
}

function errorsOf(raw: Record<string, unknown>, ctx: MeasureFormContext = CTX): Record<string, string> {
  try {
    parseMeasureInput(raw, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).fieldErrors;
  }
  return {};
}

describe("parseMeasureInput", () => {
  it("reads a complete BA entry: euro text to cents, hours to hundredths", () => {
    const m = parseMeasureInput(form(), CTX);
    expect(m).toMatchObject({ origin: "ba", providerId: 7, priceCents: 123456, weeklyHours: 3950, capacity: 12, duration: 36, validFrom: "2007-08-01", validUntil: "2010-07-31", baReference: "BA-962-2007-0815", proRata: "days", azavNumber: "", azavValidFrom: null });
  });

  it("capacity: 0 is refused, 1 is the smallest", () => {
    expect(errorsOf(form({ capacity: "0" }))).toEqual({ capacity: "Mindestens 1 Platz." });
    expect(parseMeasureInput(form({ capacity: "1" }), CTX).capacity).toBe(1);
    expect(errorsOf(form({ capacity: "" })).capacity).toMatch(/Zahl der Plätze/);
    expect(errorsOf(form({ capacity: "zwölf" })).capacity).toMatch(/ganze Zahl/);
  });

  it("validity: until = from is one day and fine; one day before is refused", () => {
    expect(parseMeasureInput(form({ validFrom: "01.08.2007", validUntil: "01.08.2007" }), CTX).validUntil).toBe("2007-08-01");
    expect(errorsOf(form({ validFrom: "01.08.2007", validUntil: "31.07.2007" }))).toEqual({ validUntil: "Gültig bis (31.07.2007) liegt vor gültig ab (01.08.2007)." });
    expect(errorsOf(form({ validFrom: "" })).validFrom).toBe("Gültig ab fehlt.");
    expect(errorsOf(form({ validUntil: "31.02.2008" })).validUntil).toMatch(/TT\.MM\.JJJJ/);
  });

  it("price: 0,00 only for the model without payment; that model must be 0,00", () => {
    expect(errorsOf(form({ price: "0,00" }))).toEqual({ price: "Ein Preis von 0,00 € gibt es nur beim Preismodell „ohne Vergütung“." });
    expect(parseMeasureInput(form({ price: "0,01" }), CTX).priceCents).toBe(1);
    expect(parseMeasureInput(form({ priceModel: "none", price: "0,00" }), CTX)).toMatchObject({ priceModel: "none", priceCents: 0, proRata: "" });
    expect(errorsOf(form({ priceModel: "none", price: "0,01" }))).toEqual({ price: "Ohne Vergütung ist der Preis 0,00 €." });
    expect(errorsOf(form({ price: "12,345" })).price).toMatch(/kein Betrag/);
    expect(errorsOf(form({ price: "-5,00" })).price).toMatch(/nicht negativ/);
  });

  it("the price model defaults from the type; monthly models need the pro-rata rule", () => {
    expect(parseMeasureInput(form({ typeCode: "training", priceModel: "", proRata: "" }), CTX).priceModel).toBe("participant");
    expect(parseMeasureInput(form({ priceModel: "" }), CTX).priceModel).toBe("place_month");
    expect(errorsOf(form({ proRata: "" })).proRata).toMatch(/angefangene Monate/);
    expect(parseMeasureInput(form({ priceModel: "participant", proRata: "" }), CTX).proRata).toBe("");
    expect(errorsOf(form({ typeCode: "gibt_es_nicht" })).typeCode).toMatch(/gibt es nicht/);
    expect(errorsOf(form({ typeCode: "" })).typeCode).toBe("Bitte die Maßnahmeart wählen.");
  });

  it("age limits: min = max is fine, min > max is refused", () => {
    expect(parseMeasureInput(form({ minAge: "25", maxAge: "25" }), CTX)).toMatchObject({ minAge: 25, maxAge: 25 });
    expect(errorsOf(form({ minAge: "25", maxAge: "24" }))).toEqual({ maxAge: "Das Höchstalter (24) liegt unter dem Mindestalter (25)." });
    expect(parseMeasureInput(form({ minAge: "", maxAge: "24" }), CTX)).toMatchObject({ minAge: null, maxAge: 24 });
    expect(errorsOf(form({ minAge: "13" })).minAge).toMatch(/14 bis 99/);
    expect(parseMeasureInput(form({ minAge: "14" }), CTX).minAge).toBe(14);
  });

  it("BA places need the BA's reference", () => {
    expect(errorsOf(form({ baReference: "" }))).toEqual({ baReference: "Bitte die Maßnahme- oder Vergabenummer der BA angeben (Plätze der BA, § 108 Abs. 6 GWB)." });
  });

  it("certified measures need the AZAV approval with its validity, of a training provider", () => {
    const certified = form({ origin: "certified", baReference: "", azavNumber: "AZAV-M-2007-123", azavValidFrom: "01.01.2007", azavValidUntil: "31.12.2009" });
    expect(parseMeasureInput(certified, CTX)).toMatchObject({ origin: "certified", azavNumber: "AZAV-M-2007-123", azavValidFrom: "2007-01-01", azavValidUntil: "2009-12-31", baReference: "" });
    expect(errorsOf({ ...certified, azavNumber: "" })).toEqual({ azavNumber: "Bitte die Nummer der Maßnahmezulassung (AZAV) angeben." });
    expect(Object.keys(errorsOf({ ...certified, azavValidFrom: "", azavValidUntil: "" }))).toEqual(["azavValidFrom", "azavValidUntil"]);
    expect(errorsOf({ ...certified, azavValidUntil: "31.12.2006" }).azavValidUntil).toMatch(/vor ihrem Beginn/);
    expect(parseMeasureInput({ ...certified, azavValidUntil: "01.01.2007" }, CTX).azavValidUntil).toBe("2007-01-01");
    expect(errorsOf(certified, { ...CTX, providerKind: "broker" }).providerId).toMatch(/nur bei Bildungsträgern/);
  });

  it("employer measures name the employer, need no provider, and are without payment", () => {
    const employer = form({ origin: "employer", providerId: "", hostName: "Kamenzer Logistik GmbH", typeCode: "employer_training", priceModel: "", price: "0,00", proRata: "", baReference: "" });
    expect(parseMeasureInput(employer, CTX)).toMatchObject({ origin: "employer", providerId: null, hostName: "Kamenzer Logistik GmbH", priceModel: "none", priceCents: 0 });
    expect(errorsOf({ ...employer, hostName: "" })).toEqual({ hostName: "Bitte den Arbeitgeber angeben, bei dem die Maßnahme stattfindet." });
    expect(errorsOf({ ...employer, priceModel: "participant", price: "100,00" }).priceModel).toMatch(/ohne Vergütung/);
    expect(errorsOf(form({ providerId: "" })).providerId).toBe("Bitte den Träger wählen.");
  });

  it("origin: contract only by award; an unknown one is refused", () => {
    expect(errorsOf(form({ origin: "contract" })).origin).toMatch(/nur beim Zuschlag/);
    expect(errorsOf(form({ origin: "" })).origin).toMatch(/Herkunft/);
    // Fixed by the caller (a proposal, the edit of a contract entry): the form's value does not count.
    expect(parseMeasureInput(form({ origin: "employer" }), { ...CTX, origin: "ba" }).origin).toBe("ba");
  });

  it("fixed start dates: at least one, each inside the validity", () => {
    expect(errorsOf(form({ entryMode: "dates", startDates: "" })).startDates).toMatch(/mindestens einen Starttermin/);
    expect(parseMeasureInput(form({ entryMode: "dates", startDates: "01.09.2007\n01.08.2007, 01.09.2007" }), CTX).startDates).toEqual(["2007-08-01", "2007-09-01"]);
    expect(parseMeasureInput(form({ entryMode: "dates", startDates: "31.07.2010" }), CTX).startDates).toEqual(["2010-07-31"]);
    expect(errorsOf(form({ entryMode: "dates", startDates: "01.08.2010" })).startDates).toMatch(/01\.08\.2010 liegt außerhalb/);
    expect(errorsOf(form({ entryMode: "dates", startDates: "1. August" })).startDates).toMatch(/TT\.MM\.JJJJ/);
    expect(parseMeasureInput(form({ startDates: "01.09.2007" }), CTX).startDates).toEqual([]);
  });

  it("duration and weekly hours", () => {
    expect(errorsOf(form({ duration: "0" })).duration).toBe("Die Dauer muss mindestens 1 sein.");
    expect(parseMeasureInput(form({ duration: "60" }), CTX).duration).toBe(60);
    expect(errorsOf(form({ duration: "61" })).duration).toMatch(/Höchstens 60/);
    expect(errorsOf(form({ weeklyHours: "" })).weeklyHours).toMatch(/39,5/);
    expect(errorsOf(form({ weeklyHours: "0" })).weeklyHours).toMatch(/über 0/);
    expect(parseMeasureInput(form({ weeklyHours: "80" }), CTX).weeklyHours).toBe(8000);
    expect(errorsOf(form({ weeklyHours: "80,5" })).weeklyHours).toMatch(/bis 80/);
  });

  it("event fees: rows from the form, amounts above 0, a valid event", () => {
    const values = measureFormValues(form({ "fee-event-0": "transfer", "fee-label-0": "", "fee-amount-0": "2.000,00", "fee-event-1": "", "fee-label-1": "", "fee-amount-1": "" }));
    expect(parseMeasureInput(values, CTX).eventFees).toEqual([{ event: "transfer", label: "Übergangsprämie (Wechsel in betriebliche Ausbildung)", amountCents: 200000 }]);
    expect(errorsOf(measureFormValues(form({ "fee-event-0": "success", "fee-amount-0": "0,00" })))["eventFees.0.amount"]).toBe("Bitte einen Betrag über 0,00 € angeben.");
    expect(parseMeasureInput(measureFormValues(form({ "fee-event-0": "success", "fee-amount-0": "0,01" })), CTX).eventFees[0].amountCents).toBe(1);
    expect(errorsOf(measureFormValues(form({ "fee-amount-0": "100,00" })))["eventFees.0.event"]).toMatch(/Ereignis/);
    expect(errorsOf(measureFormValues(form({ "fee-event-0": "success", "fee-amount-0": "" })))["eventFees.0.amount"]).toMatch(/Betrag in Euro/);
    // From the API: whole cents.
    expect(parseMeasureInput(form({ eventFees: [{ event: "success", label: "Erfolg", amount: 80000 }] }), CTX).eventFees).toEqual([{ event: "success", label: "Erfolg", amountCents: 80000 }]);
  });

  it("target groups: only known ones", () => {
    expect(parseMeasureInput(form({ targetGroups: ["rehab", "youth"] }), CTX).targetGroups).toEqual(["rehab", "youth"]);
    expect(errorsOf(form({ targetGroups: ["reich"] })).targetGroups).toMatch(/gibt es nicht/);
  });
});

describe("from an awarded contract", () => {
  it("maps the tender's measure type; without one, BaE by price unit and title, else other", () => {
    expect(measureTypeForLot("placement_421i", { priceUnit: "participant_success", title: "Los 1" })).toBe("p421i");
    expect(measureTypeForLot("bae", { priceUnit: "place_month", title: "Los 1" })).toBe("bae");
    expect(measureTypeForLot("activation_45", { priceUnit: "place_month", title: "BaE Metall" })).toBe("bae");
    expect(measureTypeForLot(null, { priceUnit: "place_month", title: "Kaufleute", tenderTitle: "BaE 2007" })).toBe("bae");
    expect(measureTypeForLot(null, { priceUnit: "participant", title: "BaE Metall" })).toBe("other");
    expect(measureTypeForLot("activation_45", { priceUnit: "place_month", title: "Aktivierung" })).toBe("other");
  });

  it("counts whole months of a term", () => {
    expect(monthsBetween("2007-08-01", "2010-07-31")).toBe(36);
    expect(monthsBetween("2007-03-15", "2007-04-14")).toBe(1);
    expect(monthsBetween("2007-03-15", "2007-04-13")).toBe(1);
    expect(monthsBetween("2007-01-01", "2007-12-31")).toBe(12);
  });

  it("builds the entry: title, capacity, price model and success fee, validity", () => {
    const base = { tender: { title: "BaE 2007", measureType: "bae" }, lot: { number: 2, title: "Metall", region: "Kamenz" } };
    const contract = { id: 5, providerId: 9, quantity: 12, priceUnit: "place_month", unitPriceCents: 95000, successFeeCents: null, startDate: "2007-08-01", endDate: "2010-07-31" };
    expect(measureFromContract({ ...base, contract })).toMatchObject({ origin: "contract", title: "BaE 2007 – Los 2: Metall", typeCode: "bae", capacity: 12, priceModel: "place_month", priceCents: 95000, proRata: "days", duration: 36, durationUnit: "month", entryMode: "continuous", validFrom: "2007-08-01", validUntil: "2010-07-31", region: "Kamenz", eventFees: [] });
    const success = measureFromContract({ ...base, tender: { title: "§ 421i", measureType: "placement_421i" }, contract: { ...contract, priceUnit: "participant_success", unitPriceCents: 98000, successFeeCents: 90000 } });
    expect(success).toMatchObject({ priceModel: "participant", priceCents: 98000, duration: 1, proRata: "", eventFees: [{ event: "success", amountCents: 90000 }] });
    expect(measureFromContract({ ...base, contract: { ...contract, priceUnit: "participant" } })).toMatchObject({ priceModel: "participant", eventFees: [], duration: 1 });
  });
});
