import { ValidationError } from "./errors";
import { parseEuroToCents } from "./money";
import { berlinLocalToUtc } from "./time";
import { DEFINITIONS_VERSION, type Band, type PastPerformanceMethod } from "./past-performance";

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
  const rows: { name: string; weight: number; isPrice: boolean; description: string; kind: string; method: PastPerformanceMethod | null }[] = [];
  for (let i = 0; i < 12; i++) {
    const name = String(v[`c-name-${i}`] ?? "").trim();
    if (!name) continue;
    const weightText = String(v[`c-weight-${i}`] ?? "").trim();
    if (!/^\d+$/.test(weightText)) throw new ValidationError(`Kriterium „${name}“: Bitte die Gewichtung als ganze Zahl in Prozent angeben.`, { criteria: "Gewichtungen sind ganze Zahlen." });
    const kind = String(v[`c-kind-${i}`] ?? "quality") === "past_performance" ? "past_performance" : "quality";
    rows.push({ name, weight: Number(weightText), isPrice: String(v["c-price"] ?? "") === String(i), description: String(v[`c-desc-${i}`] ?? ""), kind, method: kind === "past_performance" ? pastPerformanceFromForm(v) : null });
  }
  return rows;
}

/** "0,8" / "0.8" / "80" → number; "" or junk → NaN (the method's validation names the field). */
function decimal(text: unknown): number {
  const t = String(text ?? "").trim().replace(/\s/g, "");
  if (!/^-?\d+([.,]\d+)?$/.test(t)) return Number.NaN;
  return Number(t.replace(",", "."));
}

/**
 * The past-performance method fields (prefix pp-). Rates are entered in percent, ratios as
 * decimals; bands as "Schwelle=Punkte; …". Unparseable numbers become NaN so that the method's
 * validation reports them per field.
 */
export function pastPerformanceFromForm(v: Record<string, unknown>): PastPerformanceMethod {
  const basis = String(v["pp-basis"] ?? "ratio") === "rate" ? "rate" : "ratio";
  const unit = (x: number) => (basis === "rate" ? x / 100 : x);
  const bandsText = String(v["pp-bands"] ?? "").trim();
  const bands: Band[] = bandsText
    ? bandsText.split(/[;\n]+/).map((s) => s.trim()).filter(Boolean).map((part) => {
        const [t, p] = part.split("=");
        return { threshold: unit(decimal(t)), points: decimal(p) };
      })
    : [];
  const typeCode = String(v["pp-typeCode"] ?? "").trim();
  const scoring = String(v["pp-scoring"] ?? "linear");
  return {
    measure: String(v["pp-measure"] ?? "") as PastPerformanceMethod["measure"],
    typeCode: typeCode === "all" ? null : typeCode || null,
    periodKind: String(v["pp-periodKind"] ?? "months") as PastPerformanceMethod["periodKind"],
    periodLength: decimal(v["pp-periodLength"]),
    basis,
    scoring: scoring as PastPerformanceMethod["scoring"],
    zeroAt: scoring === "linear" ? unit(decimal(v["pp-zeroAt"])) : null,
    fullAt: scoring === "linear" ? unit(decimal(v["pp-fullAt"])) : null,
    bands: scoring === "bands" ? bands : [],
    minN: decimal(v["pp-minN"]),
    neutralPoints: decimal(v["pp-neutralPoints"]),
    interval: String(v["pp-interval"] ?? "ignore") === "significant" ? "significant" : "ignore",
    definitions: DEFINITIONS_VERSION,
  };
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
