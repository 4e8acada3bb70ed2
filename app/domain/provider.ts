import { z } from "zod";
import { validateBic, validateIban } from "./iban";
import { addDays, isIsoDate, parseDate } from "./time";
import { optionalDate, requiredDate } from "./validation";

/** Träger und Vermittler: kinds, service categories, certification state, input schemas. */
export const PROVIDER_KINDS = ["training", "broker", "agency"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
export const PROVIDER_KIND_LABELS: Record<ProviderKind, string> = {
  training: "Bildungsträger",
  broker: "Privater Arbeitsvermittler",
  agency: "Bundesagentur für Arbeit",
};

/** Service categories: used to tell providers about matching tenders. */
export const SERVICE_CATEGORIES = [
  { code: "placement", label: "Arbeitsvermittlung" },
  { code: "bae", label: "Berufsausbildung in außerbetrieblichen Einrichtungen (BaE)" },
  { code: "activation", label: "Maßnahmen zur Aktivierung und Eingliederung (§ 45 SGB III)" },
  { code: "training", label: "Trainingsmaßnahmen" },
  { code: "fbw", label: "Berufliche Weiterbildung (FbW)" },
  { code: "youth", label: "Jugendberufshilfe" },
  { code: "qal", label: "Qualifizierung und Arbeit (QAL)" },
  { code: "work_opportunities", label: "Arbeitsgelegenheiten" },
  { code: "rehab", label: "Berufliche Rehabilitation" },
] as const;
export const SERVICE_CATEGORY_CODES = SERVICE_CATEGORIES.map((c) => c.code) as string[];
export function serviceCategoryLabel(code: string): string {
  return SERVICE_CATEGORIES.find((c) => c.code === code)?.label ?? code;
}

export type CertificationState = "valid" | "expiring" | "expired" | "none";
export const CERTIFICATION_STATE_LABELS: Record<CertificationState, string> = {
  valid: "gültig",
  expiring: "läuft bald ab",
  expired: "abgelaufen",
  none: "keine Zulassung",
};

/**
 * State of a provider's AZAV certification on a given day: the best of its certificates.
 * "expiring" when the latest valid certificate ends within `warningDays` days (inclusive).
 */
export function certificationState(
  certificates: { validFrom: string; validUntil: string }[],
  today: string,
  warningDays: number,
): CertificationState {
  if (certificates.length === 0) return "none";
  const current = certificates.filter((c) => c.validFrom <= today && c.validUntil >= today);
  if (current.length === 0) return "expired";
  const latestEnd = current.map((c) => c.validUntil).sort().at(-1)!;
  return latestEnd <= addDays(today, warningDays) ? "expiring" : "valid";
}

/** German VAT id: DE + 9 digits. Other EU ids: 2 letters + 2–13 characters. */
export function normalizeVatId(value: string): string {
  return value.replace(/[\s.-]/g, "").toUpperCase();
}
export function isValidVatId(vatId: string): boolean {
  if (vatId.startsWith("DE")) return /^DE\d{9}$/.test(vatId);
  return /^[A-Z]{2}[A-Z0-9]{2,13}$/.test(vatId);
}

const trimmed = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}: höchstens ${max} Zeichen.`);

const optionalEmail = () =>
  z
    .string()
    .trim()
    .default("")
    .refine((v) => v === "" || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "Die E-Mail-Adresse ist ungültig.");

const optionalPostalCode = () =>
  z
    .string()
    .trim()
    .default("")
    .refine((v) => v === "" || /^\d{5}$/.test(v), "Die Postleitzahl hat fünf Ziffern.");

export const providerSchema = z
  .object({
    kind: z.enum(PROVIDER_KINDS, { errorMap: () => ({ message: "Bitte wählen Sie die Art des Trägers." }) }),
    name: trimmed(200, "Name").min(2, "Bitte geben Sie den Namen an (mindestens 2 Zeichen)."),
    legalForm: trimmed(50, "Rechtsform").default(""),
    street: trimmed(200, "Straße").default(""),
    postalCode: optionalPostalCode(),
    city: trimmed(100, "Ort").default(""),
    region: trimmed(100, "Region").default(""),
    vatId: z
      .string()
      .default("")
      .transform((v) => normalizeVatId(v))
      .refine((v) => v === "" || isValidVatId(v), "Die USt-IdNr. hat die Form DE123456789.")
      .transform((v) => v || null),
    externalKey: trimmed(50, "Externer Schlüssel")
      .default("")
      .transform((v) => v || null),
    email: optionalEmail(),
    phone: trimmed(50, "Telefon").default(""),
    serviceCategories: z
      .array(z.string())
      .default([])
      .refine((list) => list.every((c) => SERVICE_CATEGORY_CODES.includes(c)), "Unbekannter Leistungsbereich."),
    tradeRegistrationDate: optionalDate("Datum der Gewerbeanzeige").default(""),
  })
  .superRefine((p, ctx) => {
    if (p.tradeRegistrationDate && p.kind !== "broker") {
      ctx.addIssue({ code: "custom", path: ["tradeRegistrationDate"], message: "Eine Gewerbeanzeige für Arbeitsvermittlung wird nur bei privaten Vermittlern erfasst." });
    }
  });
export type ProviderInput = z.output<typeof providerSchema>;

/** What a provider user may change in the portal without confirmation. */
export const providerContactSchema = z.object({
  street: trimmed(200, "Straße").default(""),
  postalCode: optionalPostalCode(),
  city: trimmed(100, "Ort").default(""),
  email: optionalEmail(),
  phone: trimmed(50, "Telefon").default(""),
});
export type ProviderContactInput = z.output<typeof providerContactSchema>;

export const contactPersonSchema = z.object({
  name: trimmed(200, "Name").min(2, "Bitte geben Sie den Namen der Kontaktperson an."),
  role: trimmed(100, "Funktion").default(""),
  email: optionalEmail(),
  phone: trimmed(50, "Telefon").default(""),
});
export type ContactPersonInput = z.output<typeof contactPersonSchema>;

export const certificationSchema = z
  .object({
    certifyingBody: trimmed(200, "Fachkundige Stelle").min(2, "Bitte geben Sie die fachkundige Stelle an."),
    certificateNumber: trimmed(100, "Zertifikatsnummer").min(1, "Bitte geben Sie die Zertifikatsnummer an."),
    validFrom: requiredDate("Gültig ab"),
    validUntil: requiredDate("Gültig bis"),
    scope: trimmed(500, "Geltungsbereich").default(""),
  })
  .superRefine((c, ctx) => {
    if (isIsoDate(c.validFrom) && isIsoDate(c.validUntil) && c.validUntil < c.validFrom) {
      ctx.addIssue({ code: "custom", path: ["validUntil"], message: "„Gültig bis“ liegt vor „Gültig ab“." });
    }
  });
export type CertificationInput = z.output<typeof certificationSchema>;

export const bankAccountSchema = z.object({
  iban: z.string().transform((v, ctx) => {
    const r = validateIban(v);
    if (!r.ok) {
      ctx.addIssue({ code: "custom", message: r.error });
      return z.NEVER;
    }
    return r.iban;
  }),
  bic: z
    .string()
    .nullable()
    .default("")
    .transform((v, ctx) => {
      if (!v || !v.trim()) return null;
      const r = validateBic(v);
      if (!r.ok) {
        ctx.addIssue({ code: "custom", message: r.error });
        return z.NEVER;
      }
      return r.bic;
    }),
  holder: trimmed(200, "Kontoinhaber").min(2, "Bitte geben Sie den Kontoinhaber an."),
});
export type BankAccountInput = z.output<typeof bankAccountSchema>;

/**
 * How a provider is named in a chooser: two brokers may share a name, so legal form, city and
 * the register number tell them apart ("Jobbrücke Kamenz (GmbH, Kamenz, Nr. 17)").
 */
export function providerChoiceLabel(p: { id: number; name: string; legalForm?: string | null; city?: string | null }): string {
  const parts = [p.legalForm?.trim(), p.city?.trim(), `Nr. ${p.id}`].filter((x): x is string => Boolean(x));
  return `${p.name} (${parts.join(", ")})`;
}
