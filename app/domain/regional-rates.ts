/** The setting comparison.regionalRates (kept apart from the statistics so the settings page does not bundle them). */
/** Setting comparison.regionalRates: "Kamenz=14,9; Hoyerswerda=19,8" → region (lower case) → per cent. */
export function parseRegionalRates(text: string): { rates: Map<string, number>; error: string | null } {
  const rates = new Map<string, number>();
  const parts = text.split(/[;\n]/).map((p) => p.trim()).filter(Boolean);
  for (const part of parts) {
    const m = /^([^=]+)=\s*(\d{1,2}(?:,\d{1,2})?)\s*%?$/.exec(part);
    if (!m) return { rates, error: `„${part.slice(0, 40)}“ ist keine Angabe der Form „Region=Quote“ (z. B. „Kamenz=14,9“; Quote in Prozent mit Komma).` };
    const region = m[1].trim();
    const rate = Number(m[2].replace(",", "."));
    if (rates.has(region.toLowerCase())) return { rates, error: `Die Region „${region}“ ist doppelt angegeben.` };
    rates.set(region.toLowerCase(), rate);
  }
  return { rates, error: null };
}
