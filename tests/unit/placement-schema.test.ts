import { describe, expect, it } from "vitest";
import { assignSchema, claimSchema, correctionSchema } from "~/domain/placement.schema";
import { fieldErrors } from "~/domain/validation";

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
