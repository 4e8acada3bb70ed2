/** Money is integer euro cents; never floats. Shown as "1.234,56 €". */

export function formatCents(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "–";
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const euros = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, "0");
  const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${negative ? "-" : ""}${grouped},${rest} €`;
}

/**
 * Parse an amount as people type it in Germany: "1.234,56", "1234,5", "1234", "1.234 €",
 * also "1234.56" (a dot followed by exactly two digits at the end). Returns cents or null.
 */
export function parseEuroToCents(input: string): number | null {
  let v = input.replace(/\s|€|EUR/gi, "");
  if (!v) return null;
  const negative = v.startsWith("-");
  if (negative) v = v.slice(1);
  let euros: string;
  let cents = "";
  if (/^\d{1,3}(\.\d{3})*(,\d{1,2})?$/.test(v) || /^\d+(,\d{1,2})?$/.test(v)) {
    const [e, c = ""] = v.split(",");
    euros = e.replace(/\./g, "");
    cents = c;
  } else if (/^\d+\.\d{2}$/.test(v)) {
    [euros, cents] = v.split(".");
  } else {
    return null;
  }
  const value = Number(euros) * 100 + Number(cents.padEnd(2, "0") || "0");
  if (!Number.isSafeInteger(value)) return null;
  return negative ? -value : value;
}
