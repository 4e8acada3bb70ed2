import { z } from "zod";
import { ROLES, type Role } from "./permissions";

/** Roles an admin can grant the provider comparison (permission read:comparison:any). */
export const COMPARISON_ROLES: readonly Role[] = ["admin", "procurement", "case_manager", "auditor"];
// The German error map for every schema (DESIGN.md § 3: errors in German).
import "./validation";

export const userSchema = z
  .object({
    name: z.string().trim().min(2, "Bitte geben Sie den Namen an.").max(200, "Name: höchstens 200 Zeichen."),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .max(254, "E-Mail-Adresse: höchstens 254 Zeichen.")
      .refine((v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "Die E-Mail-Adresse ist ungültig."),
    phone: z
      .union([z.string(), z.null(), z.undefined()])
      .transform((v) => (v ?? "").trim().replace(/\s+/g, " "))
      .refine((v) => v === "" || /^\+?[0-9][0-9 ()/-]{3,38}$/.test(v), "Telefon: nur Ziffern, Leerzeichen, +, /, - und Klammern (z. B. 03578 787-214).")
      .transform((v) => (v === "" ? null : v)),
    role: z.enum(ROLES, { errorMap: () => ({ message: "Bitte wählen Sie eine Rolle." }) }),
    providerId: z
      .union([z.string(), z.number(), z.null()])
      .transform((v) => (v === null || v === "" ? null : Number(v)))
      .refine((v) => v === null || (Number.isInteger(v) && v > 0), "Ungültiger Träger."),
    /** Provider users: administers the organisation's API tokens (a check box: "1"/"on"; absent: no). */
    providerAdmin: z
      .union([z.boolean(), z.string(), z.null(), z.undefined()])
      .transform((v) => v === true || v === "1" || v === "on" || v === "true"),
    /** Staff of procurement, case management and audit (admin too): may see the comparison of all providers (a check box). */
    comparisonAccess: z
      .union([z.boolean(), z.string(), z.null(), z.undefined()])
      .transform((v) => v === true || v === "1" || v === "on" || v === "true"),
  })
  .superRefine((u, ctx) => {
    if (u.comparisonAccess && !COMPARISON_ROLES.includes(u.role)) {
      ctx.addIssue({ code: "custom", path: ["comparisonAccess"], message: "Den Trägervergleich können nur Vergabestelle, Fallmanagement, Prüfung und Administration sehen." });
    }
    if (u.role === "provider" && !u.providerId) {
      ctx.addIssue({ code: "custom", path: ["providerId"], message: "Ein Benutzer der Rolle „Träger / Vermittler“ gehört zu genau einer Organisation: bitte wählen." });
    }
    if (u.role !== "provider" && u.providerId) {
      ctx.addIssue({ code: "custom", path: ["providerId"], message: "Nur Benutzer der Rolle „Träger / Vermittler“ gehören zu einer Organisation." });
    }
    if (u.role !== "provider" && u.providerAdmin) {
      ctx.addIssue({ code: "custom", path: ["providerAdmin"], message: "Nur Benutzer der Rolle „Träger / Vermittler“ können die API-Zugänge ihrer Organisation verwalten." });
    }
  });
export type UserInput = z.output<typeof userSchema>;

/** Password rule: a minimum length (setting), and not only one repeated character. */
export function passwordProblem(password: string, minLength: number): string | null {
  if (password.length < minLength) return `Das Passwort muss mindestens ${minLength} Zeichen lang sein.`;
  if (/^(.)\1*$/.test(password)) return "Das Passwort darf nicht aus einem einzigen wiederholten Zeichen bestehen.";
  if (password.length > 200) return "Das Passwort darf höchstens 200 Zeichen lang sein.";
  return null;
}
