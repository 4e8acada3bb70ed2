/**
 * Settings an authority can adjust (rules tagged [M] in DOMAIN.md become settings, not constants).
 * Defaults live here; changed values are stored in the settings table.
 */
export type SettingType = "string" | "text" | "integer";

export interface SettingDefinition {
  key: string;
  label: string;
  help?: string;
  group: string;
  type: SettingType;
  default: string | number;
  min?: number;
  max?: number;
}

export const SETTING_DEFINITIONS = [
  {
    key: "letterhead.authority",
    label: "Behörde (Briefkopf)",
    group: "Briefkopf",
    type: "string",
    default: "Landkreis Kamenz · Arbeits- und Sozialzentrum (ASZ)",
  },
  {
    key: "letterhead.address",
    label: "Anschrift (Briefkopf)",
    group: "Briefkopf",
    type: "text",
    default: "Macherstraße 55\n01917 Kamenz",
  },
  {
    key: "letterhead.contact",
    label: "Kontakt (Briefkopf)",
    group: "Briefkopf",
    type: "string",
    default: "Telefon 03578 7870 · asz@lra-kamenz.invalid",
  },
  {
    key: "letterhead.footer",
    label: "Fußzeile",
    group: "Briefkopf",
    type: "string",
    default: "Zugelassener kommunaler Träger nach § 6a SGB II",
  },
  {
    key: "security.minPasswordLength",
    label: "Mindestlänge für Passwörter",
    group: "Sicherheit",
    type: "integer",
    default: 10,
    min: 8,
    max: 64,
  },
  {
    key: "security.loginMaxFailuresPerAccount",
    label: "Fehlversuche je Konto bis zur Sperre",
    help: "Innerhalb des Zeitfensters; danach werden weitere Anmeldungen für dieses Konto abgewiesen.",
    group: "Sicherheit",
    type: "integer",
    default: 5,
    min: 3,
    max: 100,
  },
  {
    key: "security.loginMaxFailuresPerAddress",
    label: "Fehlversuche je Netzadresse bis zur Sperre",
    group: "Sicherheit",
    type: "integer",
    default: 20,
    min: 5,
    max: 1000,
  },
  {
    key: "security.loginWindowMinutes",
    label: "Zeitfenster für Fehlversuche (Minuten)",
    group: "Sicherheit",
    type: "integer",
    default: 15,
    min: 1,
    max: 1440,
  },
  {
    key: "security.sessionHours",
    label: "Gültigkeit einer Anmeldung (Stunden)",
    group: "Sicherheit",
    type: "integer",
    default: 10,
    min: 1,
    max: 72,
  },
  {
    key: "providers.certificateWarningDays",
    label: "Warnung vor Ablauf der Trägerzulassung (Tage)",
    group: "Träger",
    type: "integer",
    default: 90,
    min: 1,
    max: 365,
  },
  {
    key: "mail.maxAttempts",
    label: "Zustellversuche je E-Mail",
    group: "E-Mail",
    type: "integer",
    default: 8,
    min: 1,
    max: 50,
  },
  {
    key: "uploads.maxMegabytes",
    label: "Größte Datei beim Hochladen (MB)",
    group: "Dokumente",
    type: "integer",
    default: 20,
    min: 1,
    max: 200,
  },
] as const satisfies readonly SettingDefinition[];

export type SettingKey = (typeof SETTING_DEFINITIONS)[number]["key"];
export type SettingValues = { [K in SettingKey]: Extract<(typeof SETTING_DEFINITIONS)[number], { key: K }>["type"] extends "integer" ? number : string };

export function settingDefinition(key: string): SettingDefinition | undefined {
  return (SETTING_DEFINITIONS as readonly SettingDefinition[]).find((d) => d.key === key);
}

/** Validate a value typed into the settings form; returns the value or a German error. */
export function parseSettingValue(def: SettingDefinition, raw: string): { ok: true; value: string | number } | { ok: false; error: string } {
  if (def.type === "integer") {
    if (!/^-?\d+$/.test(raw.trim())) return { ok: false, error: `„${def.label}“ muss eine ganze Zahl sein.` };
    const n = Number(raw.trim());
    if (def.min !== undefined && n < def.min) return { ok: false, error: `„${def.label}“ muss mindestens ${def.min} sein.` };
    if (def.max !== undefined && n > def.max) return { ok: false, error: `„${def.label}“ darf höchstens ${def.max} sein.` };
    return { ok: true, value: n };
  }
  const value = def.type === "string" ? raw.trim() : raw.replace(/\r\n/g, "\n").trim();
  if (!value) return { ok: false, error: `„${def.label}“ darf nicht leer sein.` };
  return { ok: true, value };
}
