import { CLAIM_STATE_LABELS } from "./placement-claim.machine";
import { INSTALMENT_STATE_LABELS } from "./fee-instalment.machine";
import { AGREEMENT_STATE_LABELS, ASSIGNMENT_STATE_LABELS } from "./placement";
import { TENDER_STATE_LABELS } from "./tender.machine";
import { formatCents } from "./money";
import { formatDate, formatDateTimeSeconds } from "./time";

/** German names for audit event codes (the code stays visible for auditors who filter by it). */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "auth.login": "Anmeldung",
  "auth.logout": "Abmeldung",
  "auth.login_failed": "Fehlgeschlagene Anmeldung",
  "auth.login_throttled": "Anmeldung gesperrt (Fehlversuche)",
  "auth.permission_denied": "Zugriff verweigert",
  "user.create": "Benutzer angelegt",
  "user.update": "Benutzer geändert",
  "user.deactivate": "Benutzer deaktiviert",
  "user.reactivate": "Benutzer reaktiviert",
  "user.password_reset": "Passwort zurückgesetzt",
  "user.password_change": "Passwort geändert",
  "api_token.create": "API-Zugang erstellt",
  "api_token.revoke": "API-Zugang widerrufen",
  "provider.create": "Träger angelegt",
  "provider.update": "Stammdaten geändert",
  "provider.deactivate": "Träger deaktiviert",
  "provider.reactivate": "Träger reaktiviert",
  "provider.contact_add": "Kontaktperson hinzugefügt",
  "provider.contact_remove": "Kontaktperson entfernt",
  "provider.contact_data_update": "Kontaktdaten im Portal geändert",
  "provider.certification_add": "Zulassung erfasst",
  "provider.certification_update": "Zulassung aktualisiert",
  "provider.certification_remove": "Zulassung entfernt",
  "provider.bank_account_change": "Bankverbindung geändert",
  "provider.change_request": "Änderung beantragt",
  "provider.change_approve": "Änderung bestätigt",
  "provider.change_reject": "Änderung abgelehnt",
  "provider.export": "Export",
  "provider.import": "Import",
  "document.generate": "Dokument erzeugt",
  "mail.failed": "E-Mail nicht zustellbar",
  "mail.retried": "E-Mail erneut eingereiht",
  "mail.download": "E-Mail geöffnet",
  "setting.update": "Einstellung geändert",
  "system.backup": "Datensicherung",
  "system.restore": "Datensicherung wiederhergestellt",
  "tender.create": "Ausschreibung angelegt",
  "tender.update": "Ausschreibung geändert",
  "tender.delete": "Ausschreibung gelöscht",
  "tender.lot_add": "Los angelegt",
  "tender.lot_update": "Los geändert",
  "tender.lot_remove": "Los entfernt",
  "tender.criteria_set": "Zuschlagskriterien festgelegt",
  "tender.deadlines_set": "Fristen festgelegt",
  "tender.attachment": "Vergabeunterlage hinzugefügt",
  "tender.publish": "Ausschreibung veröffentlicht",
  "tender.question": "Bieterfrage gestellt",
  "tender.answer": "Bieterfrage beantwortet",
  "tender.close_offers": "Angebotsfrist abgelaufen",
  "tender.opening_confirm": "Öffnung bestätigt (zweite Person)",
  "tender.open": "Angebote geöffnet",
  "tender.evaluate": "Wertung abgeschlossen",
  "tender.lot_decision": "Zuschlagsvorschlag für ein Los",
  "tender.decide_award": "Zuschlagsentscheidung getroffen",
  "tender.inform_bidders": "Bieter informiert (§ 134 GWB)",
  "tender.award": "Zuschlag erteilt",
  "tender.cancel": "Ausschreibung aufgehoben",
  "tender.record": "Vergabevermerk erstellt",
  "tender.record_note": "Vermerk zur Vergabeakte",
  "offer.submit": "Angebot abgegeben",
  "offer.replace": "Angebot ersetzt",
  "offer.withdraw": "Angebot zurückgezogen",
  "offer.late_refused": "Verspätetes Angebot zurückgewiesen",
  "offer.unseal": "Angebot entsiegelt",
  "offer.concept_read": "Konzept eines Angebots geöffnet",
  "offer.formal_check": "Formale Prüfung eines Angebots",
  "offer.score": "Angebot bewertet",
  "offer.past_performance": "Vorleistung berechnet (Leistungsbilanz)",
  "offer.low_price_justification": "Aufklärung ungewöhnlich niedriges Angebot",
  "demo_data.seed": "Demodaten angelegt",
  "fee-schedule.create": "Vergütungsregelung angelegt",
  "agreement-terms.publish": "Zulassungsbedingungen veröffentlicht",
  "agreement.offer": "Vermittlungsvereinbarung angeboten",
  "agreement.renew": "Vermittlungsvereinbarung zur Verlängerung angeboten",
  "agreement.accept": "Vermittlungsvereinbarung angenommen",
  "agreement.withdraw_offer": "Angebot der Vereinbarung zurückgezogen",
  "agreement.suspend": "Vermittlungsvereinbarung ruhend gestellt",
  "agreement.resume": "Vermittlungsvereinbarung wieder aktiv",
  "agreement.terminate": "Vermittlungsvereinbarung gekündigt",
  "agreement.expire": "Vermittlungsvereinbarung abgelaufen",
  "client.create": "Kunde angelegt",
  "client.update": "Kundendaten geändert",
  "client.spell-add": "Erwerbsbiografie ergänzt",
  "client.spell-remove": "Erwerbsbiografie: Eintrag gelöscht",
  "assignment.create": "Kunde zugewiesen",
  "assignment.consent": "Einwilligung erfasst",
  "assignment.consent-withdraw": "Einwilligung widerrufen",
  "assignment.withdraw": "Zuweisung zurückgenommen",
  "assignment.expire": "Zuweisung abgelaufen",
  "assignment.redeem": "Zuweisung eingelöst",
  "placement.submit": "Vermittlungsnachweis eingereicht",
  "placement.refused": "Vermittlungsnachweis bei Eingang abgelehnt",
  "placement.resubmit": "Vermittlungsnachweis erneut eingereicht",
  "placement.accept": "Vermittlungsnachweis anerkannt",
  "placement.reject": "Vermittlungsnachweis abgelehnt",
  "placement.request_documents": "Unterlagen angefordert",
  "placement.documents": "Unterlagen nachgereicht",
  "placement.withdraw": "Vermittlungsnachweis zurückgezogen",
  "placement.employment-end": "Ende der Beschäftigung gemeldet",
  "instalment.reach_duration": "Rate: Beschäftigungsdauer erreicht",
  "instalment.prove": "Rate: Arbeitgeberbestätigung eingereicht",
  "instalment.certify": "Rate sachlich richtig gezeichnet",
  "instalment.end_employment": "Rate entfallen (Beschäftigung beendet)",
  "instalment.lapse": "Rate: Ausschlussfrist versäumt",
  "instalment.remind": "Erinnerungen an Arbeitgeberbestätigungen",
  "instalment.reinstate": "Rate wieder aufgenommen (Korrektur)",
  "instalment.revoke": "Rate widerrufen",
  "instalment.pay": "Rate ausgezahlt",
  // Finance (issue 10)
  "budget.line-create": "Haushaltsstelle angelegt",
  "budget.year-set": "Haushaltsansatz festgesetzt",
  "budget.line-open": "Haushaltsstelle freigegeben",
  "budget.line-lock": "Haushaltsstelle gesperrt",
  "commitment.create": "Mittel gebunden",
  "commitment.release": "Restmittel freigegeben",
  "authority.grant": "Anordnungsbefugnis erteilt",
  "authority.revoke": "Anordnungsbefugnis entzogen",
  "measure.create": "Maßnahme in den Katalog aufgenommen",
  "measure.update": "Katalogeintrag geändert",
  "measure.propose": "Maßnahme vom Träger vorgeschlagen",
  "measure.accept": "Maßnahmevorschlag angenommen",
  "measure.reject": "Maßnahmevorschlag abgelehnt",
  "measure.close": "Maßnahme aus dem Katalog genommen",
  "purchase.request": "Platzkauf beantragt",
  "purchase.approve": "Platzkauf genehmigt (zweite Person)",
  "purchase.auto_approve": "Platzkauf ohne zweite Genehmigung freigegeben (bis zur Genehmigungsgrenze)",
  "purchase.refuse": "Platzkauf nicht genehmigt",
  "purchase.order": "Platz beim Träger bestellt",
  "purchase.order_document": "Bestellschein erstellt und mit der Bestellung versandt",
  "purchase.consent": "Einwilligung zur Datenweitergabe an den Träger erfasst",
  "purchase.consent_withdraw": "Einwilligung zur Datenweitergabe an den Träger widerrufen",
  "purchase.cancel_notice": "Stornierung dem Träger mitgeteilt",
  "purchase.confirm": "Platzbestellung vom Träger bestätigt",
  "purchase.decline": "Platzbestellung vom Träger abgelehnt",
  "purchase.start": "Eintritt gemeldet",
  "purchase.complete": "Teilnahme abgeschlossen",
  "purchase.drop_out": "Vorzeitiger Austritt gemeldet",
  "purchase.cancel": "Platzkauf storniert",
  "attendance.report": "Anwesenheit eines Monats gemeldet",
  "exam.report": "Prüfungsergebnis gemeldet",
  "outcome.record": "Verbleib erfasst",
  "bill.propose": "Abrechnungsvorschlag erstellt",
  "bill.confirm": "Abrechnung vom Träger bestätigt (Rechnung erzeugt)",
  "bill.match": "Eigene Rechnung des Trägers einer Abrechnung zugeordnet",
  "bill.cancel": "Abrechnungsvorschlag aufgehoben",
  "payment.create": "Zahlung angelegt",
  "invoice.receive": "Rechnung eingegangen und angenommen",
  "invoice.reject": "Rechnung bei Eingang abgelehnt",
  "invoice.register": "Rechnung von Hand erfasst",
  "invoice.match": "Rechnung einem Vertrag zugeordnet",
  "invoice.view_pdf": "Rechnungsansicht (PDF) erzeugt",
  "payment.sign_factual": "Zahlung sachlich richtig gezeichnet",
  "payment.sign_arithmetic": "Zahlung rechnerisch richtig gezeichnet",
  "payment.order": "Zahlung angeordnet",
  "payment.hold": "Zahlung angehalten",
  "payment.add_to_run": "Zahlung in Zahllauf aufgenommen",
  "payment.return_from_run": "Zahlung aus Zahllauf zurückgegeben",
  "payment.book": "Zahlung als ausgezahlt gebucht",
  "payment.cancel": "Zahlung storniert",
  "payment.withdraw": "Zahlung mit ihrer Rate zurückgenommen",
  "payment.vop": "Empfängerüberprüfung erfasst",
  "payment.assign_line": "Haushaltsstelle einer Zahlung zugeordnet",
  "payment-run.create": "Zahllauf begonnen",
  "payment-run.finish": "Zahllauf erstellt (Datei geschrieben)",
  "payment-run.send": "Zahllauf an die Bank übermittelt",
  "payment-run.complete": "Zahllauf vollständig gebucht",
  "payment-run.cancel": "Zahllauf storniert",
  "payment-run.abandon": "Halb erstellter Zahllauf verworfen",
  "bank-statement.import": "Kontoauszug eingelesen",
  "bank-statement.book-line": "Umsatz des Kontoauszugs von Hand zugeordnet",
  "bank-statement.ignore-line": "Umsatz des Kontoauszugs ohne Buchung erledigt",
  "placement.employment-end-correct": "Ende der Beschäftigung korrigiert",
  "demo.placements": "Demodaten Vermittlung angelegt",
  "demo.finance": "Demodaten Finanzen angelegt",
};

export function auditActionLabel(code: string): string {
  return AUDIT_ACTION_LABELS[code] ?? code;
}

/** Who acted, when it was not a person. */
const ACTOR_LABELS: Record<string, string> = { system: "System (Hintergrundaufgabe)", cli: "Kommandozeile" };

export function auditActorLabel(label: string): string {
  return ACTOR_LABELS[label] ?? label;
}

/** Kinds of records an entry refers to. */
export const AUDIT_ENTITY_LABELS: Record<string, string> = {
  "agreement-terms": "Zulassungsbedingungen",
  api_token: "API-Zugang",
  assignment: "Zuweisung",
  client: "Kunde",
  document: "Dokument",
  "fee-instalment": "Rate",
  "fee-schedule": "Vergütungsregelung",
  "budget-line": "Haushaltsstelle",
  commitment: "Mittelbindung",
  invoice: "Rechnung",
  "invoice-view": "Rechnungsansicht (PDF aus den Rechnungsdaten)",
  "payment-item": "Zahlung",
  "place-purchase": "Platzkauf",
  purchase: "Platzkauf",
  bill: "Abrechnung eines Platzes",
  measure: "Katalogeintrag (Maßnahme)",
  attendance: "Anwesenheit",
  exam: "Prüfungsergebnis",
  outcome: "Verbleib",
  "place-bill": "Abrechnung eines Platzes",
  "payment-run": "Zahllauf",
  "bank-statement": "Kontoauszug",
  // The change feed names claims and instalments as the API does (domain/events.ts).
  instalment: "Rate",
  offer: "Angebot",
  outbox_message: "E-Mail",
  "placement-agreement": "Vermittlungsvereinbarung",
  "placement-claim": "Vermittlungsnachweis",
  placement: "Vermittlungsnachweis",
  provider: "Träger",
  provider_change_request: "Änderungsantrag",
  setting: "Einstellung",
  tender: "Ausschreibung",
  "tender-public": "Ausschreibung (öffentlich)",
  tender_question: "Bieterfrage",
  user: "Benutzer",
};

export function auditEntityLabel(type: string): string {
  return AUDIT_ENTITY_LABELS[type] ?? type;
}

/**
 * Titles of the placement-claim rules (DOMAIN.md § 7 items 1–10), by the code that
 * placement-rules.ts reports and the audit entry stores.
 */
export const RULE_TITLES: Record<string, string> = {
  "R1-contract-date": "Arbeitsvertrag außerhalb der Gültigkeit der Zuweisung",
  "R1-job-start": "Beschäftigungsbeginn außerhalb der Gültigkeit der Zuweisung",
  "R1-issued-after-start": "Zuweisung nach Beschäftigungsbeginn ausgestellt",
  "R1-start-before-contract": "Beschäftigungsbeginn vor dem Arbeitsvertrag",
  "R2-hours": "Mindestarbeitszeit unterschritten",
  "R2-insured": "Keine versicherungspflichtige Beschäftigung",
  "R3-fixed-term": "Befristung unter der Mindestdauer",
  "R4-previous-employer": "Vorbeschäftigung beim selben Arbeitgeber",
  "R4-previous-employer-exception": "Vorbeschäftigung, Ausnahme für schwerbehinderte Menschen",
  "R5-identical": "Arbeitgeber und Vermittler identisch",
  "R5-vat-id": "Gleiche USt-IdNr. von Arbeitgeber und Vermittler",
  "R5-address": "Gleiche Anschrift von Arbeitgeber und Vermittler",
  "R5-iban": "Gleiche Bankverbindung von Arbeitgeber und Vermittler",
  "R5-manager": "Gleiche Geschäftsführung bei Arbeitgeber und Vermittler",
  "R6-broker-contract": "Kein vorheriger schriftlicher Vermittlungsvertrag",
  "R6-contract-after-offer": "Vermittlungsvertrag nach dem Stellenangebot",
  "R6-fee": "Vergütung übersteigt die Zuweisung",
  "R7-trade-registration": "Keine Gewerbeanzeige des Vermittlers",
  "R7-azav": "Keine gültige AZAV-Trägerzulassung",
  "R8-end-after-threshold": "Befristung endet kurz nach der Ratenschwelle",
  "R9-one-placement": "Zuweisung bereits vergütet",
  "R9-same-spell": "Beschäftigung bereits geltend gemacht",
  "R9-second-broker": "Weiterer Vermittler für denselben Kunden",
  "R9-parallel-assignment": "Gleichzeitige Zuweisungen an andere Vermittler",
  "R9-other-broker": "Zuweisung gilt für einen anderen Vermittler",
  "R10-exclusion-period": "Ausschlussfrist versäumt",
};

/** "R2-hours – Mindestarbeitszeit unterschritten"; an unknown code stays as it is. */
export function ruleLabel(code: string): string {
  const title = RULE_TITLES[code];
  return title ? `${code} – ${title}` : code;
}

const SEVERITY_LABELS: Record<string, string> = { error: "Ablehnung", flag: "Prüfhinweis" };

/** German names of the keys that services write into `details`. */
export const DETAIL_LABELS: Record<string, string> = {
  from: "vorher",
  to: "nachher",
  status: "Status",
  reason: "Begründung",
  reasons: "Begründung",
  note: "Vermerk",
  results: "Regelprüfung",
  before: "vorher",
  after: "nachher",
  changes: "Änderungen",
  fields: "geänderte Felder",
  claim: "Vermittlungsnachweis",
  client: "Kunde",
  assignment: "Zuweisung",
  agreement: "Vereinbarung",
  count: "Anzahl",
  day: "Stichtag",
  sha256: "Prüfsumme (SHA-256)",
  size: "Größe (Byte)",
  bytes: "Größe (Byte)",
  documentId: "Dokument Nr.",
  tenderId: "Ausschreibung Nr.",
  offerId: "Angebot Nr.",
  lotId: "Los Nr.",
  criterionId: "Kriterium Nr.",
  points: "Punkte",
  receivedAt: "Eingang",
  arrivedAt: "Eingang",
  at: "Zeitpunkt",
  offersUntil: "Angebotsfrist",
  result: "Ergebnis",
  letters: "Schreiben",
  standstillEndsAt: "Ende der Wartefrist",
  contracts: "Verträge",
  filter: "Filter",
  source: "Quelldatei",
  filename: "Dateiname",
  line: "Zeile",
  what: "Gegenstand",
  scale: "Umfang",
  providers: "Träger",
  users: "Benutzer",
  template: "Vorlage",
  kinds: "Unterlagen",
  spellId: "Beschäftigung Nr.",
  employer: "Arbeitgeber",
  maxFeeCents: "Höchstbetrag",
  valueCents: "geschätzter Auftragswert",
  consent: "Einwilligung",
  flag: "Hinweis",
  legalBasis: "Rechtsgrundlage",
  feeSchedule: "Vergütungsregelung",
  renewedFromId: "Verlängerung von Vereinbarung Nr.",
  code: "Kennung",
  rates: "Sätze",
  instalments: "Raten",
  termMonths: "Laufzeit (Monate)",
  regime: "Vergaberecht",
  retainUntil: "aufzubewahren bis",
  key: "Schlüssel",
  text: "Text",
  lot: "Los",
  attempts: "Versuche",
  lastError: "letzter Fehler",
  endedOn: "Ende der Beschäftigung",
  severeDisabilityException: "Ausnahme schwerbehinderte Menschen",
  requestedById: "beantragt von Benutzer Nr.",
  kind: "Art",
  payload: "Inhalt",
  auditEntries: "Protokolleinträge geprüft",
  files: "Dateien geprüft",
  name: "Name",
  email: "E-Mail",
  role: "Rolle",
  providerId: "Träger Nr.",
  title: "Titel",
  validFrom: "gültig ab",
  validUntil: "gültig bis",
  questionsUntil: "Fragen bis",
  bindingUntil: "Bindefrist bis",
  measureType: "Maßnahmeart",
  procedureType: "Verfahrensart",
  weight: "Gewichtung",
  isPrice: "Preiskriterium",
  certifyingBody: "Zertifizierungsstelle",
  certificateNumber: "Zertifikatsnummer",
  scope: "Geltungsbereich",
  phone: "Telefon",
  street: "Straße",
  postalCode: "PLZ",
  city: "Ort",
  vatId: "USt-IdNr.",
  iban: "IBAN",
  bic: "BIC",
  accountHolder: "Kontoinhaber",
  active: "aktiv",
  offers: "Angebote",
};

export interface AuditDetailRow {
  label: string;
  value: string;
}

const STATE_LABELS: Record<string, Record<string, string>> = {
  tender: TENDER_STATE_LABELS,
  "placement-claim": CLAIM_STATE_LABELS,
  "fee-instalment": INSTALMENT_STATE_LABELS,
  "placement-agreement": AGREEMENT_STATE_LABELS,
  assignment: ASSIGNMENT_STATE_LABELS,
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function formatValue(key: string, value: unknown, entityType: string): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "ja" : "nein";
  if (typeof value === "number") return /Cents$/.test(key) ? formatCents(value) : String(value);
  if (typeof value === "string") {
    if ((key === "from" || key === "to" || key === "status") && STATE_LABELS[entityType]?.[value]) return STATE_LABELS[entityType][value];
    if (key === "result" && (value === "admitted" || value === "excluded")) return value === "admitted" ? "zugelassen" : "ausgeschlossen";
    if (ISO_INSTANT.test(value)) return formatDateTimeSeconds(value);
    if (ISO_DATE.test(value)) return formatDate(value);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "–";
    return value
      .map((item) => {
        if (item && typeof item === "object" && typeof (item as { code?: unknown }).code === "string") {
          const r = item as { code: string; severity?: string };
          const severity = r.severity ? SEVERITY_LABELS[r.severity] ?? r.severity : null;
          return severity ? `${ruleLabel(r.code)} (${severity})` : ruleLabel(r.code);
        }
        return formatValue(key, item, entityType);
      })
      .join("; ");
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return "–";
    return entries
      .map(([k, v]) => {
        // a diff: { field: { before, after } }
        if (v && typeof v === "object" && !Array.isArray(v) && "before" in v && "after" in v) {
          const d = v as { before: unknown; after: unknown };
          return `${detailLabel(k)}: ${formatValue(k, d.before, entityType)} → ${formatValue(k, d.after, entityType)}`;
        }
        return `${detailLabel(k)}: ${formatValue(k, v, entityType)}`;
      })
      .join("; ");
  }
  return String(value);
}

export function detailLabel(key: string): string {
  return DETAIL_LABELS[key] ?? key;
}

/**
 * An entry's details as German label/value rows: states by their names, rule codes with their
 * titles, amounts in euro, dates and instants in German notation.
 */
export function describeAuditDetails(entityType: string, details: Record<string, unknown> | null): AuditDetailRow[] {
  if (!details) return [];
  return Object.entries(details)
    .filter(([, v]) => v !== undefined)
    .map(([key, value]) => ({ label: detailLabel(key), value: formatValue(key, value, entityType) }));
}
