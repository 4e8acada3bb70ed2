/**
 * IBAN validation per ISO 13616 (country code, length per country, mod-97 check digits).
 * The error names the problem in German.
 */

/** IBAN lengths for SEPA countries and a few more (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24,
  FI: 18, FR: 27, GB: 22, GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21,
  LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24,
  SI: 19, SK: 24, SM: 27, VA: 22,
};

export type IbanResult = { ok: true; iban: string } | { ok: false; error: string };

export function normalizeIban(input: string): string {
  return input.replace(/[\s-]/g, "").toUpperCase();
}

/** ISO 7064 mod 97-10 over the rearranged IBAN. */
export function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

export function validateIban(input: string): IbanResult {
  const iban = normalizeIban(input);
  if (!iban) return { ok: false, error: "Bitte geben Sie eine IBAN ein." };
  if (!/^[A-Z0-9]+$/.test(iban)) {
    return { ok: false, error: "Die IBAN darf nur Buchstaben und Ziffern enthalten." };
  }
  const country = iban.slice(0, 2);
  if (!/^[A-Z]{2}$/.test(country)) {
    return { ok: false, error: "Die IBAN muss mit einem Ländercode aus zwei Buchstaben beginnen (z. B. DE)." };
  }
  const expected = IBAN_LENGTHS[country];
  if (!expected) {
    return { ok: false, error: `Der Ländercode „${country}“ ist kein bekanntes IBAN-Land.` };
  }
  if (!/^\d{2}$/.test(iban.slice(2, 4))) {
    return { ok: false, error: "Auf den Ländercode müssen zwei Prüfziffern folgen." };
  }
  if (iban.length !== expected) {
    return {
      ok: false,
      error: `Eine IBAN aus ${country} hat ${expected} Stellen, diese hat ${iban.length}.`,
    };
  }
  if (country === "DE" && !/^DE\d{20}$/.test(iban)) {
    return { ok: false, error: "Eine deutsche IBAN besteht nach „DE“ nur aus Ziffern." };
  }
  if (ibanMod97(iban) !== 1) {
    return { ok: false, error: "Die Prüfziffern der IBAN stimmen nicht. Bitte prüfen Sie die Eingabe auf Tippfehler." };
  }
  return { ok: true, iban };
}

/** "DE89 3704 0044 0532 0130 00" */
export function formatIban(iban: string): string {
  return normalizeIban(iban).replace(/(.{4})/g, "$1 ").trim();
}

/** BIC (ISO 9362): 8 or 11 characters. */
export function validateBic(input: string): { ok: true; bic: string } | { ok: false; error: string } {
  const bic = input.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) {
    return { ok: false, error: "Die BIC hat 8 oder 11 Zeichen (z. B. COBADEFFXXX)." };
  }
  return { ok: true, bic };
}
