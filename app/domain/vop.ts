/**
 * Verification of Payee (Empfängerüberprüfung, EU Instant Payments Regulation 2024/886, EPC
 * VOP scheme): since 9 October 2025 the bank compares the payee name with the account
 * holder of the IBAN before a credit transfer. Results as in the scheme: match (MTCH), close
 * match (CMTC, with the holder's actual name), no match (NMTC), verification not possible
 * (NOAP). A "no match" stops the payment (DOMAIN.md § 3.3); a close match may be paid but is
 * flagged; so is "not possible".
 *
 * Results come back from the bank portal as a CSV file: semicolon-separated, UTF-8 with or
 * without BOM, header `IBAN;Name;Ergebnis;Vorgeschlagener Name`.
 */
import { parseCsv } from "./csv";
import { validateIban } from "./iban";

export const VOP_RESULTS = ["match", "close_match", "no_match", "not_possible"] as const;
export type VopResult = (typeof VOP_RESULTS)[number];

export const VOP_LABELS: Record<VopResult, string> = {
  match: "Übereinstimmung",
  close_match: "teilweise Übereinstimmung",
  no_match: "keine Übereinstimmung",
  not_possible: "Prüfung nicht möglich",
};

/** The EPC scheme's codes. */
export const VOP_CODES: Record<VopResult, string> = {
  match: "MTCH",
  close_match: "CMTC",
  no_match: "NMTC",
  not_possible: "NOAP",
};

export function vopLabel(result: VopResult): string {
  return VOP_LABELS[result];
}

export function isVopResult(value: unknown): value is VopResult {
  return typeof value === "string" && (VOP_RESULTS as readonly string[]).includes(value);
}

/** Why the payment must not leave (no match), or null: every other result lets it go. */
export function vopBlocks(result: VopResult): string | null {
  if (result === "no_match") {
    return "Die Empfängerüberprüfung ergab keine Übereinstimmung zwischen Name und IBAN des Zahlungsempfängers. Die Zahlung wird angehalten; bitte klären Sie die Bankverbindung mit dem Zahlungsempfänger.";
  }
  return null;
}

/** A hint shown beside a payment that may go but deserves a look (close match, not possible), or null. */
export function vopWarning(result: VopResult, suggestedName: string | null = null): string | null {
  if (result === "close_match") {
    return suggestedName
      ? `Die Empfängerüberprüfung ergab nur eine teilweise Übereinstimmung; die Bank nennt als Kontoinhaber „${suggestedName}“. Bitte prüfen Sie den Namen vor der Zahlung.`
      : "Die Empfängerüberprüfung ergab nur eine teilweise Übereinstimmung. Bitte prüfen Sie den Namen vor der Zahlung.";
  }
  if (result === "not_possible") {
    return "Die Empfängerüberprüfung war nicht möglich (z. B. Bank nimmt nicht teil). Die Zahlung ist zulässig, der Empfänger wurde aber nicht bestätigt.";
  }
  return null;
}

const BY_TEXT = new Map<string, VopResult>();
for (const r of VOP_RESULTS) {
  BY_TEXT.set(r, r);
  BY_TEXT.set(VOP_CODES[r].toLowerCase(), r);
  BY_TEXT.set(VOP_LABELS[r].toLowerCase(), r);
}

/** "Übereinstimmung", "MTCH", "match" (any case) → "match"; null if unknown. */
export function parseVopResult(value: string): VopResult | null {
  return BY_TEXT.get(value.trim().replace(/\s+/g, " ").toLowerCase()) ?? null;
}

export interface VopRow {
  iban: string;
  name: string;
  result: VopResult;
  suggestedName: string | null;
}

export interface VopFile {
  rows: VopRow[];
  errors: { line: number; message: string }[];
}

const HEADER = ["iban", "name", "ergebnis", "vorgeschlagener name"];

/**
 * Read a VOP result file. Good lines become rows; each bad line becomes an error with its line
 * number (the header is line 1) and a German message. A wrong header is one error at line 1.
 */
export function parseVopFile(text: string): VopFile {
  const csv = parseCsv(text);
  const errors: VopFile["errors"] = [];
  const rows: VopRow[] = [];
  const header = csv.header.map((h) => h.trim().toLowerCase());
  if (header.length === 0) return { rows, errors: [{ line: 1, message: "Die Datei ist leer." }] };
  const headerOk = csv.separator === ";" && (header.length === 3 || header.length === 4) && header.every((h, i) => h === HEADER[i]);
  if (!headerOk) {
    return {
      rows,
      errors: [{ line: 1, message: `Die Kopfzeile muss „IBAN;Name;Ergebnis;Vorgeschlagener Name“ lauten (Trennzeichen Semikolon), gefunden: „${csv.header.join(csv.separator)}“.` }],
    };
  }
  for (const { line, values } of csv.rows) {
    if (values.length > header.length) {
      errors.push({ line, message: `Die Zeile hat ${values.length} Spalten, erwartet sind ${header.length}.` });
      continue;
    }
    const [ibanText = "", nameText = "", resultText = "", suggestedText = ""] = values.map((v) => v.trim());
    const problems: string[] = [];
    const iban = validateIban(ibanText);
    if (!iban.ok) problems.push(`IBAN „${ibanText}“: ${iban.error}`);
    if (!nameText) problems.push("Der Name fehlt.");
    const result = parseVopResult(resultText);
    if (!result) {
      problems.push(`Unbekanntes Ergebnis „${resultText}“ (erlaubt: ${VOP_RESULTS.map((r) => `${VOP_LABELS[r]} / ${VOP_CODES[r]}`).join(", ")}).`);
    }
    if (problems.length > 0 || !iban.ok || !result) {
      errors.push({ line, message: problems.join(" ") });
      continue;
    }
    rows.push({ iban: iban.iban, name: nameText, result, suggestedName: suggestedText || null });
  }
  return { rows, errors };
}
