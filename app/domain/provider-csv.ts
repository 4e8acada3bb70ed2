import { certificationSchema, bankAccountSchema, providerSchema, PROVIDER_KIND_LABELS, PROVIDER_KINDS, SERVICE_CATEGORIES, type BankAccountInput, type CertificationInput, type ProviderInput } from "./provider";
import { parseCsv, unguard } from "./csv";
import { formatDate } from "./time";

/**
 * The provider CSV format, shared by export and import so an exported file re-imports unchanged.
 * Columns are German; the order does not matter on import, the header names do.
 */
export const PROVIDER_CSV_COLUMNS = [
  { key: "externalKey", header: "Externer Schlüssel" },
  { key: "kind", header: "Art" },
  { key: "name", header: "Name" },
  { key: "legalForm", header: "Rechtsform" },
  { key: "street", header: "Straße" },
  { key: "postalCode", header: "PLZ" },
  { key: "city", header: "Ort" },
  { key: "region", header: "Region" },
  { key: "vatId", header: "USt-IdNr." },
  { key: "email", header: "E-Mail" },
  { key: "phone", header: "Telefon" },
  { key: "serviceCategories", header: "Leistungsbereiche" },
  { key: "tradeRegistrationDate", header: "Gewerbeanzeige vom" },
  { key: "certifyingBody", header: "Zulassung: Fachkundige Stelle" },
  { key: "certificateNumber", header: "Zulassung: Zertifikatsnummer" },
  { key: "validFrom", header: "Zulassung: gültig ab" },
  { key: "validUntil", header: "Zulassung: gültig bis" },
  { key: "scope", header: "Zulassung: Geltungsbereich" },
  { key: "iban", header: "IBAN" },
  { key: "bic", header: "BIC" },
  { key: "holder", header: "Kontoinhaber" },
] as const;
export type ProviderCsvKey = (typeof PROVIDER_CSV_COLUMNS)[number]["key"];

const PROVIDER_FIELDS: Record<string, ProviderCsvKey> = {
  kind: "kind",
  name: "name",
  legalForm: "legalForm",
  street: "street",
  postalCode: "postalCode",
  city: "city",
  region: "region",
  vatId: "vatId",
  externalKey: "externalKey",
  email: "email",
  phone: "phone",
  serviceCategories: "serviceCategories",
  tradeRegistrationDate: "tradeRegistrationDate",
};

export function kindFromCsv(value: string): string {
  const v = value.trim();
  if ((PROVIDER_KINDS as readonly string[]).includes(v)) return v;
  const found = Object.entries(PROVIDER_KIND_LABELS).find(([, label]) => label.toLowerCase() === v.toLowerCase());
  if (found) return found[0];
  if (/^(bildungstr|tr[aä]ger)/i.test(v)) return "training";
  if (/vermittl/i.test(v)) return "broker";
  if (/^(ba|bundesagentur)/i.test(v)) return "agency";
  return v;
}

/** "Arbeitsvermittlung, FbW" or codes "placement|fbw" → codes; unknown names stay (the schema flags them). */
export function categoriesFromCsv(value: string): string[] {
  return value
    .split(/[,|]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => SERVICE_CATEGORIES.find((c) => c.code === s || c.label.toLowerCase() === s.toLowerCase() || c.label.toLowerCase().startsWith(s.toLowerCase()))?.code ?? s);
}

export function categoriesToCsv(codes: string[]): string {
  return codes.map((c) => SERVICE_CATEGORIES.find((x) => x.code === c)?.label ?? c).join(", ");
}

export interface ImportRecord {
  line: number;
  provider: ProviderInput;
  certification: CertificationInput | null;
  bankAccount: BankAccountInput | null;
}

export interface ImportIssue {
  line: number;
  column: string;
  message: string;
}

const HEADER_TO_KEY = new Map(PROVIDER_CSV_COLUMNS.map((c) => [c.header.toLowerCase(), c.key]));

/**
 * Validate a whole provider CSV file. Returns every problem by line and column (German), or the
 * parsed records when there is none. Pure: matching against the database happens in the service.
 */
export function validateProviderCsv(text: string): { records: ImportRecord[]; issues: ImportIssue[] } {
  const { header, rows } = parseCsv(text);
  const issues: ImportIssue[] = [];
  if (header.length === 0) return { records: [], issues: [{ line: 1, column: "–", message: "Die Datei ist leer." }] };
  const keys = header.map((h) => HEADER_TO_KEY.get(h.toLowerCase()) ?? null);
  header.forEach((h, i) => {
    if (!keys[i]) issues.push({ line: 1, column: h || `Spalte ${i + 1}`, message: `Unbekannte Spalte „${h}“. Erlaubt sind: ${PROVIDER_CSV_COLUMNS.map((c) => c.header).join("; ")}.` });
  });
  for (const required of ["kind", "name"] as const) {
    if (!keys.includes(required)) issues.push({ line: 1, column: PROVIDER_CSV_COLUMNS.find((c) => c.key === required)!.header, message: "Pflichtspalte fehlt." });
  }
  if (issues.length) return { records: [], issues };
  if (rows.length === 0) return { records: [], issues: [{ line: 2, column: "–", message: "Die Datei enthält keine Datenzeilen." }] };

  const headerOf = (key: ProviderCsvKey) => PROVIDER_CSV_COLUMNS.find((c) => c.key === key)!.header;
  const records: ImportRecord[] = [];
  const seenVat = new Map<string, number>();
  const seenKey = new Map<string, number>();
  for (const row of rows) {
    const get = (key: ProviderCsvKey) => {
      const i = keys.indexOf(key);
      return i >= 0 ? unguard((row.values[i] ?? "").trim()) : "";
    };
    if (row.values.length > header.length && row.values.slice(header.length).some((v) => v.trim())) {
      issues.push({ line: row.line, column: "–", message: `Die Zeile hat ${row.values.length} Felder, die Kopfzeile nur ${header.length}. Bitte Trennzeichen und Anführungszeichen prüfen.` });
      continue;
    }
    const rawProvider: Record<string, unknown> = {};
    for (const [field, key] of Object.entries(PROVIDER_FIELDS)) rawProvider[field] = get(key);
    rawProvider.kind = kindFromCsv(get("kind"));
    rawProvider.serviceCategories = categoriesFromCsv(get("serviceCategories"));
    const before = issues.length;
    const p = providerSchema.safeParse(rawProvider);
    if (!p.success) {
      for (const issue of p.error.issues) {
        const field = String(issue.path[0] ?? "name");
        issues.push({ line: row.line, column: headerOf(PROVIDER_FIELDS[field] ?? "name"), message: issue.message });
      }
    }
    let certification: CertificationInput | null = null;
    const certKeys = ["certifyingBody", "certificateNumber", "validFrom", "validUntil", "scope"] as const;
    if (certKeys.some((k) => get(k))) {
      const c = certificationSchema.safeParse(Object.fromEntries(certKeys.map((k) => [k, get(k)])));
      if (c.success) certification = c.data;
      else for (const issue of c.error.issues) issues.push({ line: row.line, column: headerOf(String(issue.path[0] ?? "certificateNumber") as ProviderCsvKey), message: issue.message });
    }
    let bankAccount: BankAccountInput | null = null;
    if (get("iban") || get("holder") || get("bic")) {
      const b = bankAccountSchema.safeParse({ iban: get("iban"), bic: get("bic"), holder: get("holder") || get("name") });
      if (b.success) bankAccount = b.data;
      else for (const issue of b.error.issues) issues.push({ line: row.line, column: headerOf(String(issue.path[0] ?? "iban") as ProviderCsvKey), message: issue.message });
    }
    if (p.success) {
      if (!p.data.vatId && !p.data.externalKey) {
        issues.push({ line: row.line, column: `${headerOf("vatId")} / ${headerOf("externalKey")}`, message: "Weder USt-IdNr. noch externer Schlüssel angegeben: Der Datensatz ließe sich bei einem erneuten Import nicht zuordnen." });
      }
      if (p.data.vatId) {
        const first = seenVat.get(p.data.vatId);
        if (first) issues.push({ line: row.line, column: headerOf("vatId"), message: `Die USt-IdNr. ${p.data.vatId} steht schon in Zeile ${first}.` });
        else seenVat.set(p.data.vatId, row.line);
      }
      if (p.data.externalKey) {
        const first = seenKey.get(p.data.externalKey);
        if (first) issues.push({ line: row.line, column: headerOf("externalKey"), message: `Der Schlüssel ${p.data.externalKey} steht schon in Zeile ${first}.` });
        else seenKey.set(p.data.externalKey, row.line);
      }
    }
    if (issues.length === before && p.success) records.push({ line: row.line, provider: p.data, certification, bankAccount });
  }
  return { records: issues.length ? [] : records, issues };
}

/** One CSV row for a provider with its latest certification and current bank account. */
export function providerCsvRow(
  p: Omit<ProviderInput, "kind"> & { kind: string },
  cert: CertificationInput | null,
  bank: BankAccountInput | null,
): string[] {
  const values: Record<ProviderCsvKey, string> = {
    externalKey: p.externalKey ?? "",
    kind: PROVIDER_KIND_LABELS[p.kind as keyof typeof PROVIDER_KIND_LABELS] ?? p.kind,
    name: p.name,
    legalForm: p.legalForm,
    street: p.street,
    postalCode: p.postalCode,
    city: p.city,
    region: p.region,
    vatId: p.vatId ?? "",
    email: p.email,
    phone: p.phone,
    serviceCategories: categoriesToCsv(p.serviceCategories),
    tradeRegistrationDate: p.tradeRegistrationDate ? formatDate(p.tradeRegistrationDate) : "",
    certifyingBody: cert?.certifyingBody ?? "",
    certificateNumber: cert?.certificateNumber ?? "",
    validFrom: cert ? formatDate(cert.validFrom) : "",
    validUntil: cert ? formatDate(cert.validUntil) : "",
    scope: cert?.scope ?? "",
    iban: bank?.iban ?? "",
    bic: bank?.bic ?? "",
    holder: bank?.holder ?? "",
  };
  return PROVIDER_CSV_COLUMNS.map((c) => values[c.key]);
}
