/**
 * CSV for German Excel: UTF-8 with BOM, ";" as separator, CRLF line ends, RFC 4180 quoting.
 */
export const BOM = "\uFEFF";

/** Numbers and phone numbers ("-5", "+49 3578 7870") are harmless; other leading = + - @ are not. */
function needsFormulaGuard(s: string): boolean {
  return /^[=+\-@\t\r]/.test(s) && !/^-?\d+([.,]\d+)?$/.test(s) && !/^\+[\d\s()/-]+$/.test(s);
}

/** Undo the export's formula guard on import: "'=SUMME(…)" → "=SUMME(…)". */
export function unguard(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

function quote(value: unknown, separator: string): string {
  const s = value === null || value === undefined ? "" : String(value);
  // Guard against formula injection when the file is opened in a spreadsheet.
  const safe = needsFormulaGuard(s) ? `'${s}` : s;
  return /[";\r\n]/.test(safe) || safe.includes(separator) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: unknown[][], separator = ";"): string {
  const lines = [header, ...rows].map((row) => row.map((v) => quote(v, separator)).join(separator));
  return BOM + lines.join("\r\n") + "\r\n";
}

export interface ParsedCsv {
  header: string[];
  /** Each record with its line number in the file (1-based, header is line 1). */
  rows: { line: number; values: string[] }[];
  separator: string;
}

/**
 * Parse CSV text. Accepts a BOM, ";" or "," as separator (detected from the header line),
 * quoted fields with embedded separators, quotes and line breaks.
 */
export function parseCsv(text: string): ParsedCsv {
  let input = text.startsWith(BOM) ? text.slice(1) : text;
  input = input.replace(/\r\n?/g, "\n");
  const firstLine = input.split("\n", 1)[0] ?? "";
  const separator = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const records: { line: number; values: string[] }[] = [];
  let field = "";
  let values: string[] = [];
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (inQuotes) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && field === "") {
      inQuotes = true;
    } else if (ch === separator) {
      values.push(field);
      field = "";
    } else if (ch === "\n") {
      values.push(field);
      records.push({ line: recordLine, values });
      values = [];
      field = "";
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (field !== "" || values.length > 0) {
    values.push(field);
    records.push({ line: recordLine, values });
  }
  const nonEmpty = records.filter((r) => r.values.some((v) => v.trim() !== ""));
  const [head, ...rows] = nonEmpty;
  return { header: (head?.values ?? []).map((h) => h.trim()), rows, separator };
}

/**
 * The text of an uploaded CSV file as German offices produce it: UTF-8 (with or without BOM), or
 * Windows-1252 as Excel writes "CSV (Trennzeichen-getrennt)"; UTF-16 is named, not guessed.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: "utf-8" | "windows-1252" } | { error: string } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { error: "Die Datei ist UTF-16-kodiert; bitte als „CSV UTF-8“ oder „CSV (Trennzeichen-getrennt)“ speichern." };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}
