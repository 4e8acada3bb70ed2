import { describe, expect, it } from "vitest";
import { z } from "zod";
import { assignSchema, claimSchema as claimSchemaOn, clientSchema, correctionSchema, proofSchema, spellSchema } from "~/domain/placement.schema";
import { fieldErrors, germanErrorMap } from "~/domain/validation";

/** Submission day of the fixtures (the pinned "today" of the schema). */
const TODAY = "2007-02-10";
const claimSchema = claimSchemaOn(TODAY);
const errorsOf = (r: { success: boolean; error?: z.ZodError }) => {
  expect(r.success).toBe(false);
  return fieldErrors(r.error!);
};

const base = {
  assignmentId: "7",
  employerName: "Kamenzer Logistik GmbH",
  employerStreet: "Industriestraße 4",
  employerPostalCode: "01917",
  employerCity: "Kamenz",
  contractDate: "01.02.2007",
  jobStart: "2007-02-05",
  weeklyHours: "38,5",
  insured: "on",
  occupation: "Lagerist",
  brokerContractDate: "20.01.2007",
};

describe("claimSchema (portal form and API JSON alike)", () => {
  it("parses German and ISO dates, hours in hundredths, checkboxes and JSON booleans", () => {
    expect(claimSchema.parse(base)).toMatchObject({ assignmentId: 7, contractDate: "2007-02-01", jobStart: "2007-02-05", weeklyHours: 3850, insured: true, abroad: false, fixedTermEnd: null, employerIban: null, claimedFee: null });
    expect(claimSchema.parse({ ...base, weeklyHours: 15, insured: true, abroad: true, claimedFee: 2000 })).toMatchObject({ weeklyHours: 1500, insured: true, abroad: true, claimedFee: 200000 });
  });

  it("names each bad field in German", () => {
    const r = claimSchema.safeParse({ ...base, contractDate: "31.02.2007", jobStart: "", weeklyHours: "viel", employerIban: "DE00 1234", fixedTermEnd: "01.01.2007" });
    expect(r.success).toBe(false);
    const e = fieldErrors((r as { error: import("zod").ZodError }).error);
    expect(e.contractDate).toBe("Datum des Arbeitsvertrags: bitte als TT.MM.JJJJ angeben.");
    expect(e.jobStart).toBe("Beschäftigungsbeginn fehlt.");
    expect(e.weeklyHours).toBe("Bitte die wöchentliche Arbeitszeit in Stunden angeben, z. B. 38,5.");
    expect(e.employerIban).toMatch(/^IBAN des Arbeitgebers: /);
  });

  it("a fixed term ending before the job start is refused", () => {
    const r = claimSchema.safeParse({ ...base, fixedTermEnd: "04.02.2007" });
    expect(r.success).toBe(false);
    expect(fieldErrors((r as { error: import("zod").ZodError }).error).fixedTermEnd).toBe("Das Ende der Befristung liegt vor dem Beschäftigungsbeginn.");
    expect(claimSchema.parse({ ...base, fixedTermEnd: "05.02.2007" }).fixedTermEnd).toBe("2007-02-05");
  });
});

describe("assignment and correction schemas", () => {
  it("validity: optional end, not before the start", () => {
    expect(assignSchema.parse({ providerId: "3", validFrom: "15.01.2007" })).toMatchObject({ providerId: 3, validFrom: "2007-01-15", validUntil: null });
    const r = assignSchema.safeParse({ providerId: "3", validFrom: "15.01.2007", validUntil: "14.01.2007" });
    expect(r.success && "ok").toBe(false);
  });

  it("a correction needs a reason of 10 characters; an empty end means the employment continues", () => {
    expect(correctionSchema.parse({ endedOn: "", reason: "Meldung war falsch." })).toEqual({ endedOn: null, reason: "Meldung war falsch." });
    expect(correctionSchema.safeParse({ endedOn: "", reason: "123456789" }).success).toBe(false);
  });
});

describe("strict API input: wrong types are refused naming the field, never read as no", () => {
  it.each([["yes"], [1], [0], ["1"], [["on"]], [{}]])("insured: %j → German field error", (insured) => {
    expect(errorsOf(claimSchema.safeParse({ ...base, insured }))).toEqual({ insured: "Bitte ja oder nein angeben (true oder false)." });
  });

  it("booleans: true/false, on, true/false, ja/nein and missing (= no) are accepted", () => {
    for (const [v, expected] of [[true, true], [false, false], ["on", true], ["true", true], ["false", false], ["ja", true], ["nein", false], [undefined, false], ["", false]] as const)
      expect(claimSchema.parse({ ...base, insured: v }).insured).toBe(expected);
    expect(errorsOf(proofSchema.safeParse({ confirmedUntil: "10.02.2007", uninterrupted: "yes" }))).toEqual({ uninterrupted: "Bitte ja oder nein angeben (true oder false)." });
  });

  it("API JSON: insured is required and must be a JSON boolean; abroad defaults to false", () => {
    const json = claimSchemaOn(TODAY, { json: true });
    const { insured: _omit, ...withoutInsured } = { ...base, insured: true };
    expect(errorsOf(json.safeParse(withoutInsured))).toEqual({ insured: "Angabe fehlt (true oder false)." });
    for (const insured of ["on", "true", "ja", 1, null])
      expect(errorsOf(json.safeParse({ ...base, insured }))).toEqual({ insured: "Bitte ja oder nein angeben (true oder false)." });
    expect(json.parse({ ...base, insured: false })).toMatchObject({ insured: false, abroad: false });
    expect(json.parse({ ...base, insured: true, abroad: true })).toMatchObject({ insured: true, abroad: true });
    expect(errorsOf(json.safeParse({ ...base, insured: true, abroad: "yes" }))).toEqual({ abroad: "Bitte ja oder nein angeben (true oder false)." });
  });

  it("the claimed fee must be positive: -100, 0 and -0,01 refused, 0,01 accepted; missing = the voucher's amount", () => {
    for (const claimedFee of [-100, 0, "-100,00", "0,00", "-0,01"])
      expect(errorsOf(claimSchema.safeParse({ ...base, claimedFee }))).toEqual({ claimedFee: "Die Vergütung muss größer als 0,00 € sein." });
    expect(claimSchema.parse({ ...base, claimedFee: "0,01" }).claimedFee).toBe(1);
    expect(claimSchema.parse({ ...base, claimedFee: 1999.99 }).claimedFee).toBe(199999);
    expect(claimSchema.parse({ ...base, claimedFee: "" }).claimedFee).toBeNull();
    expect(errorsOf(claimSchema.safeParse({ ...base, claimedFee: [2000] }))).toEqual({ claimedFee: "Bitte einen Betrag angeben, z. B. 2.000,00." });
  });

  it("text fields refuse lists and objects and say so in German; numbers are read as text", () => {
    expect(errorsOf(claimSchema.safeParse({ ...base, employerName: ["A", "B"], occupation: { x: 1 } }))).toEqual({
      employerName: "Erwartet wird Text, nicht eine Liste.",
      occupation: "Erwartet wird Text, nicht ein Objekt.",
    });
    expect(claimSchema.parse({ ...base, employerPostalCode: 1917 }).employerPostalCode).toBe("1917");
    expect(errorsOf(claimSchema.safeParse({ ...base, employerName: "x".repeat(201) }))).toEqual({ employerName: "Höchstens 200 Zeichen." });
    expect(claimSchema.parse({ ...base, employerName: "x".repeat(200) }).employerName).toHaveLength(200);
  });

  it("the assignment id: a number or digits; lists, booleans and fractions refused", () => {
    expect(claimSchema.parse({ ...base, assignmentId: 7 }).assignmentId).toBe(7);
    for (const assignmentId of [["7"], true, 7.5, "7a", "", -7, 0])
      expect(errorsOf(claimSchema.safeParse({ ...base, assignmentId }))).toEqual({ assignmentId: "Bitte die Zuweisung wählen." });
  });

  it("dates and hours of the wrong type are refused per field", () => {
    expect(errorsOf(claimSchema.safeParse({ ...base, jobStart: ["2007-02-05"], weeklyHours: [38] }))).toEqual({
      jobStart: "Erwartet wird Text, nicht eine Liste.",
      weeklyHours: "Bitte die wöchentliche Arbeitszeit in Stunden angeben, z. B. 38,5.",
    });
  });
});

describe("dates that must lie in the past (pinned today)", () => {
  it("contract date: today accepted, tomorrow refused", () => {
    expect(claimSchema.parse({ ...base, contractDate: "10.02.2007", jobStart: "2007-02-12" }).contractDate).toBe("2007-02-10");
    expect(errorsOf(claimSchema.safeParse({ ...base, contractDate: "11.02.2007", jobStart: "2007-02-12" }))).toEqual({
      contractDate: "Datum des Arbeitsvertrags 11.02.2007 liegt in der Zukunft; spätestens 10.02.2007.",
    });
  });

  it("broker contract and job offer: tomorrow refused; the job itself may start later", () => {
    expect(errorsOf(claimSchema.safeParse({ ...base, brokerContractDate: "2007-02-11", jobOfferDate: "2007-02-11" }))).toEqual({
      brokerContractDate: "Datum des Vermittlungsvertrags 11.02.2007 liegt in der Zukunft; spätestens 10.02.2007.",
      jobOfferDate: "Datum des Stellenangebots 11.02.2007 liegt in der Zukunft; spätestens 10.02.2007.",
    });
    expect(claimSchema.parse({ ...base, jobStart: "2007-03-01" }).jobStart).toBe("2007-03-01");
  });

  it("birth date and the start of a previous employment: today accepted, tomorrow refused", () => {
    expect(clientSchema(TODAY).parse({ firstName: "A", lastName: "B", birthDate: "10.02.2007" }).birthDate).toBe("2007-02-10");
    expect(errorsOf(clientSchema(TODAY).safeParse({ firstName: "A", lastName: "B", birthDate: "11.02.2007" }))).toEqual({ birthDate: "Geburtsdatum 11.02.2007 liegt in der Zukunft; spätestens 10.02.2007." });
    expect(spellSchema(TODAY).parse({ employerName: "Holzbau", fromDate: "10.02.2007" }).fromDate).toBe("2007-02-10");
    expect(errorsOf(spellSchema(TODAY).safeParse({ employerName: "Holzbau", fromDate: "11.02.2007" }))).toEqual({ fromDate: "Von 11.02.2007 liegt in der Zukunft; spätestens 10.02.2007." });
  });
});

describe("one German error map for every schema", () => {
  it("zod's own defaults read German, also for a schema that states no messages", () => {
    const plain = z.object({ name: z.string().max(3), count: z.number().int().min(1), tags: z.array(z.string()).min(1), kind: z.enum(["a", "b"]), mail: z.string().email() });
    expect(errorsOf(plain.safeParse({ name: "abcd", count: 0, tags: [], kind: "c", mail: "x" }))).toEqual({
      name: "Höchstens 3 Zeichen.",
      count: "Mindestens 1.",
      tags: "Mindestens 1 Eintrag.",
      kind: "Ungültiger Wert; erlaubt: a, b.",
      mail: "Bitte eine gültige E-Mail-Adresse angeben.",
    });
    expect(errorsOf(plain.safeParse({ name: ["x"], count: "1", tags: "x", kind: "a", mail: "a@b.de" }))).toEqual({
      name: "Erwartet wird Text, nicht eine Liste.",
      count: "Erwartet wird eine Zahl, nicht Text.",
      tags: "Erwartet wird eine Liste, nicht Text.",
    });
    expect(errorsOf(plain.safeParse({ kind: "a", mail: "a@b.de", tags: ["x"], count: 1.5 }))).toEqual({ name: "Angabe fehlt.", count: "Erwartet wird eine ganze Zahl, nicht eine Dezimalzahl." });
    expect(errorsOf(z.coerce.number().safeParse("abc"))).toEqual({ _form: "Bitte eine Zahl angeben." });
  });

  it("is the map zod uses globally", () => {
    expect(z.getErrorMap()).toBe(germanErrorMap);
  });
});
