/**
 * Settings an authority can adjust (rules tagged [M] in DOMAIN.md become settings, not constants).
 * Defaults live here; changed values are stored in the settings table.
 */
import { DEFAULT_LEGAL_BASIS_PERIODS_TEXT, parseLegalBasisPeriods } from "./placement";
import { DEFAULT_THRESHOLDS_TEXT, parseThresholds } from "./tender";
import { MAX_PAYMENT_TERM_DAYS } from "./finance";
import { validateIban } from "./iban";
import { parseEuroToCents } from "./money";
import { parseRegionalRates } from "./regional-rates";

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
  /** Extra check of a text value's format (German error or null). */
  check?: (value: string) => string | null;
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
    key: "letters.objectionAddress",
    label: "Stelle für Widersprüche (Rechtsbehelfsbelehrung)",
    help: "Wird in jedem Bescheid genannt: bei dieser Stelle kann Widerspruch eingelegt werden.",
    group: "Briefkopf",
    type: "text",
    default: "Landkreis Kamenz, Arbeits- und Sozialzentrum, Macherstraße 55, 01917 Kamenz",
  },
  {
    key: "procurement.reviewBody",
    label: "Vergabekammer (Nachprüfung, § 160 GWB)",
    help: "Wird in der Information nach § 134 GWB oberhalb der EU-Schwellenwerte genannt.",
    group: "Vergabe",
    type: "text",
    default: "1. Vergabekammer des Freistaates Sachsen bei der Landesdirektion Sachsen, Braustraße 2, 04107 Leipzig",
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
  {
    key: "api.idempotencyHours",
    label: "Idempotency-Key: Aufbewahrung (Stunden)",
    help: "So lange beantwortet die Schnittstelle eine Wiederholung mit demselben Idempotency-Key mit der ersten Antwort, ohne etwas neu anzulegen; danach ist der Schlüssel vergessen und kann wieder verwendet werden.",
    group: "Schnittstelle (API)",
    type: "integer",
    default: 24,
    min: 1,
    max: 720,
  },
  {
    key: "procurement.thresholds",
    label: "EU-Schwellenwerte (netto, ganze Euro)",
    help: "Eine Zeile je Stichtag: gültig ab;soziale und andere besondere Dienstleistungen;allgemeine Dienstleistungen",
    group: "Vergabe",
    type: "text",
    default: DEFAULT_THRESHOLDS_TEXT,
    check: (v: string) => {
      const r = parseThresholds(v);
      return r.ok ? null : r.error;
    },
  },
  { key: "procurement.minDays.eu.open", label: "Mindestangebotsfrist EU, offenes Verfahren (Tage, elektronisch)", group: "Vergabe", type: "integer", default: 30, min: 1, max: 120 },
  { key: "procurement.minDays.eu.restricted", label: "Mindestangebotsfrist EU, nicht offenes Verfahren (Tage, elektronisch)", group: "Vergabe", type: "integer", default: 25, min: 1, max: 120 },
  { key: "procurement.minDays.eu.negotiated", label: "Mindestangebotsfrist EU, Verhandlungsverfahren (Tage, elektronisch)", group: "Vergabe", type: "integer", default: 25, min: 1, max: 120 },
  { key: "procurement.minDays.national.open", label: "Mindestangebotsfrist national, öffentliche Ausschreibung (Tage)", group: "Vergabe", type: "integer", default: 14, min: 1, max: 120 },
  { key: "procurement.minDays.national.restricted", label: "Mindestangebotsfrist national, beschränkte Ausschreibung (Tage)", group: "Vergabe", type: "integer", default: 10, min: 1, max: 120 },
  { key: "procurement.minDays.national.negotiated", label: "Mindestangebotsfrist national, Verhandlungsvergabe (Tage)", group: "Vergabe", type: "integer", default: 10, min: 1, max: 120 },
  { key: "procurement.maxPoints", label: "Höchstpunktzahl je Qualitätskriterium", help: "Praxis der BA: Konzeptkriterien 0 bis 3 Punkte.", group: "Vergabe", type: "integer", default: 3, min: 1, max: 100 },
  { key: "procurement.lowPricePercent", label: "Ungewöhnlich niedriges Angebot ab (% unter dem nächsten Angebot)", group: "Vergabe", type: "integer", default: 20, min: 1, max: 90 },
  { key: "procurement.retentionYears", label: "Aufbewahrung der Vergabeakte nach Zuschlag (Jahre)", group: "Vergabe", type: "integer", default: 3, min: 3, max: 30 },
  { key: "placement.assignmentValidityMonths", label: "Gültigkeit einer Zuweisung / eines Gutscheins (Monate, Vorschlag)", group: "Vermittlung", type: "integer", default: 3, min: 1, max: 24 },
  { key: "placement.agreementTermMonths", label: "Laufzeit einer Vermittlungsvereinbarung (Monate)", group: "Vermittlung", type: "integer", default: 12, min: 1, max: 60 },
  { key: "placement.renewalWindowDays", label: "Verlängerung anbieten, wenn die Vereinbarung endet innerhalb von (Tagen)", group: "Vermittlung", type: "integer", default: 60, min: 1, max: 365 },
  {
    key: "placement.suspiciousEndWindowDays",
    label: "Prüfhinweis, wenn die Beschäftigung kurz nach sechs Wochen oder sechs Monaten endet (Tage danach)",
    help: "Muster aus DOMAIN.md § 1.4; 0 schaltet den Hinweis ab.",
    group: "Vermittlung",
    type: "integer",
    default: 14,
    min: 0,
    max: 90,
  },
  {
    key: "placement.legalBasisPeriods",
    label: "Geltungszeiträume der Rechtsgrundlagen",
    help: "Eine Zeile je Zeitraum: Rechtsgrundlage;gültig ab;gültig bis (leer: gilt noch). Codes: voucher_421g (§ 421g SGB III a.F.), avgs_45 (§ 45 SGB III), contract_37 (§ 37 SGB III a.F.), own_programme. Ohne Zeile keine Begrenzung. Eine Vereinbarung muss in einem Zeitraum ihrer Rechtsgrundlage beginnen und endet spätestens mit ihm.",
    group: "Vermittlung",
    type: "text",
    default: DEFAULT_LEGAL_BASIS_PERIODS_TEXT,
    check: (v: string) => {
      const r = parseLegalBasisPeriods(v);
      return r.ok ? null : r.error;
    },
  },
  { key: "placement.sameSpellWindowDays", label: "Dieselbe Beschäftigung, wenn Arbeitgeber gleich und Beginn höchstens so viele Tage auseinander", group: "Vermittlung", type: "integer", default: 31, min: 0, max: 365 },
  { key: "placement.reminderIntervalDays", label: "Erinnerung an fehlende Arbeitgeberbestätigung alle (Tage)", group: "Vermittlung", type: "integer", default: 14, min: 1, max: 90 },
  { key: "placement.budgetLine", label: "Haushaltsstelle für Vermittlungsvergütungen", help: "Auf dieser Haushaltsstelle werden Vermittlungsgutscheine bei der Ausgabe gebunden und die Raten gezahlt.", group: "Haushalt und Zahlung", type: "string", default: "1.4820.7690" },
  { key: "finance.contractBudgetLine", label: "Haushaltsstelle für vergebene Maßnahmen (Verträge aus Ausschreibungen)", group: "Haushalt und Zahlung", type: "string", default: "1.4820.7600" },
  { key: "places.budgetLine", label: "Haushaltsstelle für Einzelplatzeinkauf", help: "Auf dieser Haushaltsstelle werden gekaufte Plätze in jedem Jahr ihrer Laufzeit gebunden und ihre Abrechnungen gezahlt.", group: "Haushalt und Zahlung", type: "string", default: "1.4820.7610" },
  {
    key: "places.approvalAbove",
    label: "Platzkauf: zweite Genehmigung bei Kosten über (EUR)",
    help: "Liegen die erwarteten Kosten eines Platzes über diesem Betrag, muss eine zweite Person mit Genehmigungsrecht zustimmen; bis einschließlich dieses Betrags wird der Platz sofort bestellt.",
    group: "Einzelplätze",
    type: "string",
    default: "10.000,00",
    check: (v: string) => (parseEuroToCents(v) === null || (parseEuroToCents(v) ?? -1) < 0 ? "Bitte geben Sie einen Betrag in Euro an, z. B. 10.000,00." : null),
  },
  { key: "places.orderAnswerDays", label: "Platzbestellung: Antwortfrist des Trägers (Tage)", help: "Bis dahin soll der Träger die Bestellung bestätigen oder ablehnen; danach erscheint sie als überfällig.", group: "Einzelplätze", type: "integer", default: 5, min: 1, max: 60 },
  { key: "places.outcomeFollowUpMonths", label: "Verbleib erneut erfassen nach (Monaten)", group: "Einzelplätze", type: "integer", default: 6, min: 1, max: 24 },
  {
    key: "finance.paymentTermDays",
    label: "Zahlungsziel für Rechnungen (Tage ab Eingang)",
    help: "§ 286 Abs. 3 BGB: 30 Tage; ein längeres Ziel nur ausdrücklich vereinbart und nie über 60 Tage (§ 271a Abs. 2 BGB).",
    group: "Haushalt und Zahlung",
    type: "integer",
    default: 30,
    min: 1,
    max: MAX_PAYMENT_TERM_DAYS,
  },
  { key: "finance.dueWarningDays", label: "Warnen, wenn eine Zahlung fällig wird in (Tagen)", group: "Haushalt und Zahlung", type: "integer", default: 7, min: 1, max: 60 },
  { key: "finance.nearLimitPercent", label: "Haushaltsstelle „fast ausgeschöpft“ ab (% gebunden)", group: "Haushalt und Zahlung", type: "integer", default: 90, min: 1, max: 100 },
  { key: "finance.leitwegId", label: "Leitweg-ID der Behörde (BT-10 in eingehenden Rechnungen)", help: "Rechnungen mit einer anderen Leitweg-ID werden bei der Annahme abgelehnt.", group: "Haushalt und Zahlung", type: "string", default: "14625000-ASZ01-89" },
  { key: "finance.debtorName", label: "Kontoinhaber des Auszahlungskontos (Zahllauf)", group: "Haushalt und Zahlung", type: "string", default: "Landkreis Kamenz Arbeits- und Sozialzentrum" },
  {
    key: "finance.debtorIban",
    label: "IBAN des Auszahlungskontos (Zahllauf)",
    group: "Haushalt und Zahlung",
    type: "string",
    default: "DE02120300000000202051",
    check: (v: string) => {
      const r = validateIban(v);
      return r.ok ? null : r.error;
    },
  },
  { key: "finance.debtorBic", label: "BIC des Auszahlungskontos (optional)", group: "Haushalt und Zahlung", type: "string", default: "BYLADEM1001" },
  {
    key: "api.tokenDefaultDays",
    label: "Gültigkeit eines neuen API-Zugangs, Vorschlag (Tage)",
    help: "Das Ablaufdatum, das das Formular vorschlägt; höchstens die Höchstdauer.",
    group: "Schnittstelle (API)",
    type: "integer",
    default: 365,
    min: 1,
    max: 3650,
  },
  {
    key: "api.tokenMaxDays",
    label: "Höchste Gültigkeit eines API-Zugangs (Tage)",
    help: "Kein Zugang gilt länger; danach muss die Organisation einen neuen erstellen.",
    group: "Schnittstelle (API)",
    type: "integer",
    default: 730,
    min: 1,
    max: 3650,
  },
  {
    key: "api.rateLimitPerMinute",
    label: "Anfragen je API-Zugang und Minute",
    help: "Darüber antwortet die Schnittstelle mit 429 und „Retry-After“. Gezählt wird je Serverprozess; eine Änderung wirkt spätestens nach einer Minute.",
    group: "Schnittstelle (API)",
    type: "integer",
    default: 120,
    min: 1,
    max: 100000,
  },
  {
    key: "api.writeRateLimitPerMinute",
    label: "Ändernde Anfragen (POST, PUT, PATCH, DELETE) je API-Zugang und Minute",
    help: "Zählt zusätzlich zur allgemeinen Grenze. Eine Änderung wirkt spätestens nach einer Minute.",
    group: "Schnittstelle (API)",
    type: "integer",
    default: 60,
    min: 1,
    max: 100000,
  },
  // Trägervergleich (issue 12)
  { key: "comparison.minCell", label: "Trägervergleich: Zellen unterdrücken unter (Personen)", help: "Kennzahlen mit weniger Personen werden nicht gezeigt (mit Sekundärsperrung).", group: "Trägervergleich", type: "integer", default: 3, min: 2, max: 50 },
  {
    key: "comparison.groupDisclosure",
    label: "Trägervergleich: Quoten von 0 % und 100 % sperren (1 = ja, 0 = nein)",
    help: "Eine Quote von 0 % oder 100 % verrät das Ergebnis jeder Person in ihr, auch in gesperrten Teilwerten (Gruppenoffenlegung). Bei 1 werden solche Quoten gesperrt, und gesperrte Werte ergeben zusammen nie 0 % oder 100 %. Über 0 entscheidet der oder die Datenschutzbeauftragte.",
    group: "Trägervergleich",
    type: "integer",
    default: 1,
    min: 0,
    max: 1,
  },
  {
    key: "comparison.insiderProtection",
    label: "Trägervergleich: Schutz vor Abzug eigener Zahlen (1 = ja, 0 = nein)",
    help: "Ein gesperrter Träger kennt seine eigenen Zahlen und könnte sie von der Summe abziehen. Bei 1 werden weitere Werte gesperrt, bis auch er keinen anderen gesperrten Wert errechnen kann. Für Berichte, die Trägern zugehen (z. B. ein Beirat mit Trägervertretern), 1 wählen; bei wenigen Trägern bleibt dann oft nur der Gesamtwert.",
    group: "Trägervergleich",
    type: "integer",
    default: 0,
    min: 0,
    max: 1,
  },
  {
    key: "comparison.regionalRates",
    label: "Trägervergleich: Arbeitslosenquote je Region (%)",
    help: "Paare „Region=Quote“, getrennt durch Semikolon, z. B. „Kamenz=14,9; Hoyerswerda=19,8“. Fließt in die Risikoadjustierung ein, wo bekannt.",
    group: "Trägervergleich",
    type: "text",
    default: "",
    check: (v: string) => parseRegionalRates(v).error,
  },
  {
    key: "comparison.defaultPeriod",
    label: "Trägervergleich: Zeitraum ohne Auswahl",
    help: "„year“ (letztes Kalenderjahr), „rolling12“ oder „rolling24“ (12 bzw. 24 Monate bis heute).",
    group: "Trägervergleich",
    type: "string",
    default: "rolling24",
    check: (v: string) => (["year", "rolling12", "rolling24"].includes(v.trim()) ? null : "Bitte „year“, „rolling12“ oder „rolling24“ angeben."),
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
  const problem = def.check?.(value);
  if (problem) return { ok: false, error: problem };
  return { ok: true, value };
}
