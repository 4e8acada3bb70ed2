import { describe, expect, it } from "vitest";
import { formatIban, ibanMod97, normalizeIban, validateBic, validateIban } from "~/domain/iban";

const DE = "DE89370400440532013000";

function errorOf(input: string): string {
  const r = validateIban(input);
  if (r.ok) throw new Error(`expected ${input} to be invalid`);
  return r.error;
}

describe("validateIban: valid IBANs", () => {
  it("accepts the German reference IBAN in compact form", () => {
    expect(validateIban(DE)).toEqual({ ok: true, iban: DE });
  });

  it("accepts it with spaces and lower case, returning the normalised form", () => {
    expect(validateIban("de89 3704 0044 0532 0130 00")).toEqual({ ok: true, iban: DE });
    expect(validateIban("  DE89-3704-0044-0532-0130-00 ")).toEqual({ ok: true, iban: DE });
  });

  it("accepts an Austrian (20) and a Dutch (18, with letters in the BBAN) IBAN", () => {
    expect(validateIban("AT61 1904 3002 3457 3201")).toEqual({ ok: true, iban: "AT611904300234573201" });
    expect(validateIban("NL91 ABNA 0417 1643 00")).toEqual({ ok: true, iban: "NL91ABNA0417164300" });
  });

  it("mod 97 of a valid IBAN is 1", () => {
    expect(ibanMod97(DE)).toBe(1);
    expect(ibanMod97("NL91ABNA0417164300")).toBe(1);
  });
});

describe("validateIban: German error messages", () => {
  it("empty input", () => {
    expect(errorOf("")).toBe("Bitte geben Sie eine IBAN ein.");
    expect(errorOf("   ")).toBe("Bitte geben Sie eine IBAN ein.");
  });

  it("unknown country code", () => {
    expect(errorOf("XX89370400440532013000")).toBe("Der Ländercode „XX“ ist kein bekanntes IBAN-Land.");
  });

  it("digits where the country code belongs", () => {
    expect(errorOf("1289370400440532013000")).toMatch(/Ländercode aus zwei Buchstaben/);
  });

  it("characters other than letters and digits", () => {
    expect(errorOf("DE89/370400440532013000")).toBe("Die IBAN darf nur Buchstaben und Ziffern enthalten.");
  });

  it("check digits that are not digits", () => {
    expect(errorOf("DEAB370400440532013000")).toBe("Auf den Ländercode müssen zwei Prüfziffern folgen.");
  });

  it("German IBAN with 21 characters (one short)", () => {
    expect(errorOf(DE.slice(0, 21))).toBe("Eine IBAN aus DE hat 22 Stellen, diese hat 21.");
  });

  it("German IBAN with 23 characters (one long)", () => {
    expect(errorOf(`${DE}0`)).toBe("Eine IBAN aus DE hat 22 Stellen, diese hat 23.");
  });

  it("a single altered digit breaks the check digits", () => {
    // last digit 0 → 1
    expect(errorOf("DE89370400440532013001")).toMatch(/Prüfziffern der IBAN stimmen nicht/);
    // a digit in the middle
    expect(errorOf("DE89370400440532014000")).toMatch(/Prüfziffern der IBAN stimmen nicht/);
    // the check digits themselves
    expect(errorOf("DE88370400440532013000")).toMatch(/Prüfziffern der IBAN stimmen nicht/);
  });

  it("letters in a German BBAN", () => {
    expect(errorOf("DE8937040044053201300A")).toBe("Eine deutsche IBAN besteht nach „DE“ nur aus Ziffern.");
  });

  it("country-specific length also applies abroad (AT 20)", () => {
    expect(errorOf("AT6119043002345732011")).toBe("Eine IBAN aus AT hat 20 Stellen, diese hat 21.");
  });
});

describe("formatIban and normalizeIban", () => {
  it("groups by four and keeps the remainder", () => {
    expect(formatIban(DE)).toBe("DE89 3704 0044 0532 0130 00");
    expect(formatIban("de89 3704 0044 0532 0130 00")).toBe("DE89 3704 0044 0532 0130 00");
    expect(formatIban("AT611904300234573201")).toBe("AT61 1904 3002 3457 3201");
  });

  it("normalises spaces, hyphens and case", () => {
    expect(normalizeIban(" de89 3704-0044 ")).toBe("DE8937040044");
  });
});

describe("validateBic", () => {
  it("accepts 8 characters", () => {
    expect(validateBic("COBADEFF")).toEqual({ ok: true, bic: "COBADEFF" });
  });

  it("accepts 11 characters, normalising case and spaces", () => {
    expect(validateBic("cobade ffxxx")).toEqual({ ok: true, bic: "COBADEFFXXX" });
  });

  it.each([
    ["7 characters", "COBADEF"],
    ["9 characters", "COBADEFFX"],
    ["10 characters", "COBADEFFXX"],
    ["12 characters", "COBADEFFXXXX"],
    ["digit in the bank code", "C0BADEFF"],
    ["digit in the country code", "COBAD3FF"],
    ["empty", ""],
  ])("rejects %s", (_label, bic) => {
    const r = validateBic(bic);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe("Die BIC hat 8 oder 11 Zeichen (z. B. COBADEFFXXX).");
  });
});
