import { ValidationError } from "./errors";
import { parseEuroToCents } from "./money";
import { berlinLocalToUtc } from "./time";

/** Form fields of the tender page → service inputs (pure; German errors per field). */

export function lotFromForm(v: Record<string, unknown>) {
  const price = parseEuroToCents(String(v.estimatedUnitPrice ?? ""));
  const fee = String(v.estimatedSuccessFee ?? "").trim() ? parseEuroToCents(String(v.estimatedSuccessFee)) : null;
  const errors: Record<string, string> = {};
  if (price === null) errors.estimatedUnitPrice = "Bitte geben Sie den geschätzten Preis in Euro an, z. B. 1.234,56.";
  if (String(v.estimatedSuccessFee ?? "").trim() && fee === null) errors.estimatedSuccessFee = "Bitte geben Sie die Erfolgsprämie in Euro an.";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die Angaben zum Los.", errors);
  return { ...v, estimatedUnitPriceCents: price, estimatedSuccessFeeCents: fee };
}

export function criteriaFromForm(v: Record<string, unknown>) {
  const rows: { name: string; weight: number; isPrice: boolean; description: string }[] = [];
  for (let i = 0; i < 12; i++) {
    const name = String(v[`c-name-${i}`] ?? "").trim();
    if (!name) continue;
    const weightText = String(v[`c-weight-${i}`] ?? "").trim();
    if (!/^\d+$/.test(weightText)) throw new ValidationError(`Kriterium „${name}“: Bitte die Gewichtung als ganze Zahl in Prozent angeben.`, { criteria: "Gewichtungen sind ganze Zahlen." });
    rows.push({ name, weight: Number(weightText), isPrice: String(v["c-price"] ?? "") === String(i), description: String(v[`c-desc-${i}`] ?? "") });
  }
  return rows;
}

export function deadlinesFromForm(v: Record<string, unknown>) {
  const errors: Record<string, string> = {};
  const instant = (key: string, label: string) => {
    const raw = String(v[key] ?? "").trim();
    if (!raw) return null;
    const utc = berlinLocalToUtc(raw);
    if (!utc) errors[key] = `${label}: bitte Datum und Uhrzeit angeben.`;
    return utc;
  };
  const questionsUntil = instant("questionsUntil", "Fragen bis");
  const offersUntil = instant("offersUntil", "Angebote bis");
  const bindingRaw = String(v.bindingUntil ?? "").trim();
  const bindingUntil = bindingRaw ? (/^\d{4}-\d{2}-\d{2}$/.test(bindingRaw) ? bindingRaw : null) : null;
  if (bindingRaw && !bindingUntil) errors.bindingUntil = "Bindefrist: bitte ein Datum angeben.";
  if (Object.keys(errors).length) throw new ValidationError("Bitte prüfen Sie die Fristen.", errors);
  return { questionsUntil, offersUntil, bindingUntil };
}
