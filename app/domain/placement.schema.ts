/**
 * Input schemas of the broker line (agreements, clients, assignments, claims, instalments):
 * German messages per field; the services parse with them (DESIGN.md § 2: zod schemas in the domain).
 */
import { z } from "zod";
import { validateIban } from "./iban";
import { parseEuroToCents } from "./money";
import { isLegalBasis, parseHours } from "./placement";
import { checkbox, idValue, optionalDate, requiredDate, textValue } from "./validation";

/** A checkbox or JSON boolean; "yes", 1 or a list are refused, never read as "no". */
const flag = checkbox;
/** Text from a form or JSON (missing → "", a number → its digits), trimmed, bounded; lists and objects are refused. */
const text = (max: number) => textValue.pipe(z.string().max(max, `Höchstens ${max} Zeichen.`));

export const scheduleSchema = z.object({
  code: z.string().trim().min(2, "Bitte ein Kürzel angeben.").max(30),
  name: z.string().trim().min(3, "Bitte eine Bezeichnung angeben.").max(200),
  legalBasis: z
    .string()
    .refine(isLegalBasis, "Bitte die Rechtsgrundlage wählen."),
  validFrom: requiredDate("Gültig ab"),
  firstAmount: z
    .string()
    .transform(
      (v, ctx) =>
        parseEuroToCents(v) ??
        (ctx.addIssue({
          code: "custom",
          message: "Bitte einen Betrag angeben, z. B. 1.000,00.",
        }),
        z.NEVER)
    ),
  firstDays: z.coerce
    .number({ invalid_type_error: "Bitte eine Zahl angeben." })
    .int()
    .min(1, "Mindestens 1 Tag.")
    .max(730),
  secondMonths: z.coerce
    .number({ invalid_type_error: "Bitte eine Zahl angeben." })
    .int()
    .min(1, "Mindestens 1 Monat.")
    .max(36),
  secondSameEmployer: z.string().optional(),
  rates: z.string().trim().min(1, "Bitte mindestens den Grundbetrag angeben."),
});

export const termsSchema = z.object({
  title: z
    .string()
    .trim()
    .min(5, "Bitte einen Titel angeben (mindestens 5 Zeichen).")
    .max(200),
  legalBasis: z
    .string()
    .refine(isLegalBasis, "Bitte die Rechtsgrundlage wählen."),
  feeScheduleId: z.coerce
    .number({ invalid_type_error: "Bitte die Vergütungsregelung wählen." })
    .int()
    .positive("Bitte die Vergütungsregelung wählen."),
  termMonths: z.coerce
    .number({ invalid_type_error: "Bitte eine Zahl angeben." })
    .int()
    .min(1, "Mindestens 1 Monat.")
    .max(60, "Höchstens 60 Monate."),
  body: z
    .string()
    .trim()
    .min(50, "Bitte die Bedingungen ausformulieren (mindestens 50 Zeichen).")
    .max(20000),
});

export const offerSchema = z.object({
  legalBasis: z
    .string()
    .refine(isLegalBasis, "Bitte die Rechtsgrundlage wählen."),
  validFrom: requiredDate("Gültig ab"),
  providerIds: z
    .array(z.coerce.number().int().positive())
    .min(1, "Bitte mindestens einen Vermittler auswählen."),
});

export const reasonSchema = z.object({
  reason: z.string().trim().max(1000).optional().default(""),
});

/** Client data; `today` (Berlin date) bounds the birth date. */
export const clientSchema = (today: string) => z.object({
  firstName: z.string().trim().min(1, "Bitte den Vornamen angeben.").max(100),
  lastName: z.string().trim().min(1, "Bitte den Nachnamen angeben.").max(100),
  birthDate: optionalDate("Geburtsdatum", { notAfter: today }),
  street: z.string().trim().max(200).optional().default(""),
  postalCode: z
    .string()
    .trim()
    .optional()
    .default("")
    .refine(
      (v) => v === "" || /^\d{5}$/.test(v),
      "Die Postleitzahl hat fünf Ziffern."
    ),
  city: z.string().trim().max(100).optional().default(""),
  phone: z.string().trim().max(50).optional().default(""),
  email: z
    .string()
    .trim()
    .max(254)
    .optional()
    .default("")
    .refine(
      (v) => v === "" || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
      "Bitte eine gültige E-Mail-Adresse angeben."
    ),
  region: z.string().trim().max(100).optional().default(""),
  targetGroups: z.array(z.string()).optional().default([]),
  qualification: z.string().trim().max(1000).optional().default(""),
  targetOccupation: z.string().trim().max(200).optional().default(""),
  monthlyBenefit: z
    .string()
    .optional()
    .default("")
    .transform((v, ctx) =>
      v.trim()
        ? parseEuroToCents(v) ??
          (ctx.addIssue({
            code: "custom",
            message: "Bitte einen Betrag angeben, z. B. 563,00.",
          }),
          z.NEVER)
        : null
    ),
  householdSize: z
    .string()
    .optional()
    .default("")
    .transform((v, ctx) =>
      v.trim()
        ? /^\d{1,2}$/.test(v.trim())
          ? Number(v)
          : (ctx.addIssue({
              code: "custom",
              message: "Bitte eine Zahl angeben.",
            }),
            z.NEVER)
        : null
    ),
  healthNotes: z.string().trim().max(1000).optional().default(""),
});

/** A past employment; `today` (Berlin date) bounds its start. */
export const spellSchema = (today: string) => z
  .object({
    employerName: z
      .string()
      .trim()
      .min(2, "Bitte den Arbeitgeber angeben.")
      .max(200),
    fromDate: requiredDate("Von", { notAfter: today }),
    toDate: optionalDate("Bis"),
    insured: z.string().optional(),
  })
  .refine((v) => !v.toDate || v.toDate >= v.fromDate, {
    message: "Das Ende liegt vor dem Beginn.",
    path: ["toDate"],
  });

export const assignSchema = z
  .object({
    providerId: z.coerce
      .number({ invalid_type_error: "Bitte einen Vermittler wählen." })
      .int()
      .positive("Bitte einen Vermittler wählen."),
    validFrom: requiredDate("Gültig ab"),
    validUntil: optionalDate("Gültig bis"),
    region: z.string().trim().max(100).optional().default(""),
    consent: z.string().optional(),
  })
  .refine((v) => !v.validUntil || v.validUntil >= v.validFrom, {
    message: "„Gültig bis“ liegt vor „Gültig ab“.",
    path: ["validUntil"],
  });

/** A JSON boolean: true or false, nothing else; required unless a default is given. */
const jsonBoolean = z.boolean({
  required_error: "Angabe fehlt (true oder false).",
  invalid_type_error: "Bitte ja oder nein angeben (true oder false).",
});

/** The fee as typed in the portal form, in euros ("2.000,00"). */
const claimedFeeEuros = z.preprocess(
      (v) => (typeof v === "number" ? String(v).replace(".", ",") : v ?? ""),
      z
        .string({ invalid_type_error: "Bitte einen Betrag angeben, z. B. 2.000,00." })
        .transform((v, ctx) => {
          if (!v.trim()) return null;
          const cents = parseEuroToCents(v);
          if (cents === null) {
            ctx.addIssue({ code: "custom", message: "Bitte einen Betrag angeben, z. B. 2.000,00." });
            return z.NEVER;
          }
          if (cents <= 0) {
            ctx.addIssue({ code: "custom", message: "Die Vergütung muss größer als 0,00 € sein." });
            return z.NEVER;
          }
          return cents;
        })
    );

/** The fee in integer cents, as the API sends it (claimedFeeCents); missing or null: the voucher's amount. */
export const claimedFeeCents = z
  .number({ invalid_type_error: "Bitte den Betrag in Cent als ganze Zahl angeben, z. B. 200000." })
  .int("Bitte den Betrag in Cent als ganze Zahl angeben, z. B. 200000.")
  .positive("Die Vergütung muss größer als 0,00 € sein.")
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/**
 * A placement claim (portal form and API JSON alike). `today` (the Berlin date of submission)
 * bounds the dates that must lie in the past: the employment contract, the broker contract and
 * the job offer. The job itself may start later. `json`: the API's JSON, where "insured" is
 * required and booleans are JSON booleans (a missing checkbox in a form simply means no).
 */
export const claimSchema = (today: string, options: { json?: boolean } = {}) => z
  .object({
    assignmentId: idValue("Bitte die Zuweisung wählen."),
    employerName: text(200).pipe(
      z.string().min(2, "Bitte den Arbeitgeber angeben.")
    ),
    employerStreet: text(200).pipe(
      z.string().min(2, "Bitte die Straße des Arbeitgebers angeben.")
    ),
    employerPostalCode: text(10).pipe(
      z.string().min(4, "Bitte die Postleitzahl angeben.")
    ),
    employerCity: text(100).pipe(z.string().min(2, "Bitte den Ort angeben.")),
    employerVatId: text(20).transform((v) =>
      v ? v.replace(/\s/g, "").toUpperCase() : null
    ),
    employerIban: text(42).transform((v, ctx) => {
      if (!v) return null;
      const r = validateIban(v);
      if (!r.ok) {
        ctx.addIssue({
          code: "custom",
          message: `IBAN des Arbeitgebers: ${r.error}`,
        });
        return z.NEVER;
      }
      return r.iban;
    }),
    employerManager: text(200).transform((v) => v || null),
    abroad: options.json ? jsonBoolean.optional().default(false) : flag,
    contractDate: requiredDate("Datum des Arbeitsvertrags", { notAfter: today }),
    jobStart: requiredDate("Beschäftigungsbeginn"),
    weeklyHours: z.preprocess(
      (v) => (typeof v === "number" ? String(v) : v ?? ""),
      z
        .string({ invalid_type_error: "Bitte die wöchentliche Arbeitszeit in Stunden angeben, z. B. 38,5." })
        .transform(
          (v, ctx) =>
            parseHours(v) ??
            (ctx.addIssue({
              code: "custom",
              message:
                "Bitte die wöchentliche Arbeitszeit in Stunden angeben, z. B. 38,5.",
            }),
            z.NEVER)
        )
    ),
    insured: options.json ? jsonBoolean : flag,
    fixedTermEnd: optionalDate("Befristet bis"),
    occupation: text(200).pipe(
      z.string().min(2, "Bitte die Tätigkeit angeben.")
    ),
    brokerContractDate: optionalDate("Datum des Vermittlungsvertrags", { notAfter: today }),
    jobOfferDate: optionalDate("Datum des Stellenangebots", { notAfter: today }),
    // Missing = the voucher's amount. Above the voucher is rule 6 (DOMAIN.md § 7), decided with a letter.
    // The API sends integer cents (its field claimedFeeCents), the portal form euros as typed.
    claimedFee: options.json ? claimedFeeCents : claimedFeeEuros,
  })
  .refine((v) => !v.fixedTermEnd || v.fixedTermEnd >= v.jobStart, {
    message: "Das Ende der Befristung liegt vor dem Beschäftigungsbeginn.",
    path: ["fixedTermEnd"],
  });

export const decideSchema = z.object({
  note: z.string().trim().max(2000).optional().default(""),
  severeDisabilityException: checkbox.optional(),
});

export const proofSchema = z.object({
  confirmedUntil: requiredDate("Bestätigt bis"),
  sameEmployer: checkbox,
  uninterrupted: checkbox,
});

export const endSchema = z.object({
  endedOn: requiredDate("Letzter Tag der Beschäftigung"),
});

export const correctionSchema = z.object({
  endedOn: optionalDate("Richtiges letztes Beschäftigungsdatum"),
  reason: z
    .string()
    .trim()
    .min(10, "Bitte begründen Sie die Korrektur (mindestens 10 Zeichen).")
    .max(1000),
});
