import { z } from "zod";
import { formatDate, parseDate } from "./time";
import { ValidationError } from "./errors";

const TYPE_NAMES: Record<string, string> = {
  string: "Text",
  number: "eine Zahl",
  integer: "eine ganze Zahl",
  float: "eine Dezimalzahl",
  bigint: "eine Zahl",
  nan: "keine Zahl",
  boolean: "ja oder nein (true/false)",
  array: "eine Liste",
  object: "ein Objekt",
  date: "ein Datum",
  null: "null",
  undefined: "keine Angabe",
  symbol: "ein Symbol",
  function: "eine Funktion",
};
const typeName = (t: string) => TYPE_NAMES[t] ?? t;

/**
 * The one German error text table for every zod schema (portal forms and API alike). Messages a
 * schema states itself (`.min(2, "Bitte …")`) take precedence; everything else reads German here
 * instead of zod's English defaults. Installed globally below, so no schema can miss it.
 */
export const germanErrorMap: z.ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === "undefined") return { message: "Angabe fehlt." };
      if (issue.received === "nan") return { message: "Bitte eine Zahl angeben." };
      return { message: `Erwartet wird ${typeName(issue.expected)}, nicht ${typeName(issue.received)}.` };
    case z.ZodIssueCode.too_small: {
      const n = Number(issue.minimum);
      if (issue.type === "string") return { message: n <= 1 ? "Angabe fehlt." : `Mindestens ${n} Zeichen.` };
      if (issue.type === "array" || issue.type === "set") return { message: `Mindestens ${n} ${n === 1 ? "Eintrag" : "Einträge"}.` };
      if (issue.type === "date") return { message: `Frühestens ${issue.minimum}.` };
      return { message: issue.inclusive ? `Mindestens ${n}.` : `Muss größer als ${n} sein.` };
    }
    case z.ZodIssueCode.too_big: {
      const n = Number(issue.maximum);
      if (issue.type === "string") return { message: `Höchstens ${n} Zeichen.` };
      if (issue.type === "array" || issue.type === "set") return { message: `Höchstens ${n} ${n === 1 ? "Eintrag" : "Einträge"}.` };
      if (issue.type === "date") return { message: `Spätestens ${issue.maximum}.` };
      return { message: issue.inclusive ? `Höchstens ${n}.` : `Muss kleiner als ${n} sein.` };
    }
    case z.ZodIssueCode.invalid_enum_value:
      return { message: `Ungültiger Wert; erlaubt: ${issue.options.map(String).join(", ")}.` };
    case z.ZodIssueCode.invalid_literal:
      return { message: `Erwartet wird ${JSON.stringify(issue.expected)}.` };
    case z.ZodIssueCode.invalid_string:
      if (issue.validation === "email") return { message: "Bitte eine gültige E-Mail-Adresse angeben." };
      if (issue.validation === "url") return { message: "Bitte eine gültige Adresse (URL) angeben." };
      return { message: "Ungültiges Format." };
    case z.ZodIssueCode.invalid_date:
      return { message: "Ungültiges Datum." };
    case z.ZodIssueCode.unrecognized_keys:
      return { message: `Unbekannte Angaben: ${issue.keys.join(", ")}.` };
    case z.ZodIssueCode.not_multiple_of:
      return { message: `Muss ein Vielfaches von ${String(issue.multipleOf)} sein.` };
    case z.ZodIssueCode.not_finite:
      return { message: "Bitte eine endliche Zahl angeben." };
    case z.ZodIssueCode.custom:
      return { message: issue.message ?? "Ungültige Angabe." };
    default:
      return { message: ctx.defaultError && /[äöüß]|bitte|ungültig/i.test(ctx.defaultError) ? ctx.defaultError : "Ungültige Angabe." };
  }
};
z.setErrorMap(germanErrorMap);

/** zod issues → { field: first German message }. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

/** Parse input or throw a ValidationError carrying the field messages. */
export function parseOrThrow<S extends z.ZodTypeAny>(
  schema: S,
  input: unknown,
  message = "Bitte prüfen Sie die markierten Angaben."
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success)
    throw new ValidationError(message, fieldErrors(result.error));
  return result.data;
}

/** FormData → plain object; repeated keys (checkboxes) become arrays when listed in `arrays`. */
export function formObject(
  form: FormData,
  arrays: string[] = []
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const values = form
      .getAll(key)
      .filter((v): v is string => typeof v === "string");
    out[key] = arrays.includes(key) ? values : values[0] ?? "";
  }
  for (const key of arrays) if (!(key in out)) out[key] = [];
  return out;
}

/**
 * A form or JSON value as text: missing → "", a number → its digits, trimmed. Lists, objects and
 * booleans stay what they are and fail as the wrong type (never "a,b" or "[object Object]").
 */
export const textValue = z.preprocess(
  (v) => (v === undefined || v === null ? "" : typeof v === "number" ? String(v) : v),
  z.string().trim()
);

/**
 * A checkbox or JSON boolean: true/false, "on", "true"/"false", "ja"/"nein"; missing or empty =
 * false. Anything else ("yes", 1, a list) is refused as the wrong type instead of being read as no.
 */
export const checkbox = z.preprocess((v) => {
  if (v === undefined || v === null || v === "") return false;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "on" || t === "true" || t === "ja") return true;
    if (t === "false" || t === "nein" || t === "off") return false;
  }
  return v;
}, z.boolean({ invalid_type_error: "Bitte ja oder nein angeben (true oder false)." }));

/** A positive whole number id (a select value or JSON number); `message` for anything else. */
export const idValue = (message: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v === "" ? undefined : v),
    z.number({ invalid_type_error: message, required_error: message }).int(message).positive(message)
  );

export interface DateOptions {
  /** The date must not lie after this day (YYYY-MM-DD), e.g. today for a contract already signed. */
  notAfter?: string | null;
}

function toDate(label: string, v: string, ctx: z.RefinementCtx, options: DateOptions): string {
  const d = parseDate(v);
  if (!d) {
    ctx.addIssue({ code: "custom", message: `${label}: bitte als TT.MM.JJJJ angeben.` });
    return z.NEVER;
  }
  if (options.notAfter && d > options.notAfter) {
    ctx.addIssue({ code: "custom", message: `${label} ${formatDate(d)} liegt in der Zukunft; spätestens ${formatDate(options.notAfter)}.` });
    return z.NEVER;
  }
  return d;
}

/** An optional date field (TT.MM.JJJJ or YYYY-MM-DD) → YYYY-MM-DD or null. */
export const optionalDate = (label: string, options: DateOptions = {}) =>
  textValue.transform((v, ctx) => (v ? toDate(label, v, ctx, options) : null));

/** A required date field (TT.MM.JJJJ or YYYY-MM-DD) → YYYY-MM-DD. */
export const requiredDate = (label: string, options: DateOptions = {}) =>
  textValue.pipe(z.string().min(1, `${label} fehlt.`)).transform((v, ctx) => toDate(label, v, ctx, options));
