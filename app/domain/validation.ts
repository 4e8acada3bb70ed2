import { z } from "zod";
import { parseDate } from "./time";
import { ValidationError } from "./errors";

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

/** A form or JSON value as text (missing → ""), trimmed. */
const textValue = z.preprocess(
  (v) => (v === undefined || v === null ? "" : String(v)),
  z.string().trim()
);

/** An optional date field (TT.MM.JJJJ or YYYY-MM-DD) → YYYY-MM-DD or null. */
export const optionalDate = (label: string) =>
  textValue.transform((v, ctx) => {
    if (!v) return null;
    const d = parseDate(v);
    if (!d) {
      ctx.addIssue({
        code: "custom",
        message: `${label}: bitte als TT.MM.JJJJ angeben.`,
      });
      return z.NEVER;
    }
    return d;
  });

/** A required date field (TT.MM.JJJJ or YYYY-MM-DD) → YYYY-MM-DD. */
export const requiredDate = (label: string) =>
  textValue.pipe(z.string().min(1, `${label} fehlt.`)).transform((v, ctx) => {
    const d = parseDate(v);
    if (!d) {
      ctx.addIssue({
        code: "custom",
        message: `${label}: bitte als TT.MM.JJJJ angeben.`,
      });
      return z.NEVER;
    }
    return d;
  });
