/**
 * The OpenAPI 3.1 description of /api/v1, generated from the zod schemas of api-contract.ts
 * (ADR 0014): the same schemas parse the requests and shape the responses, so the document and
 * the code cannot drift. A test checks that every API route of the Remix manifest appears here.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import * as c from "./api-contract";

type Responses = RouteConfig["responses"];
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

const registry = new OpenAPIRegistry();
registry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "API-Schlüssel der Organisation (im Trägerportal unter „API-Zugänge“ erzeugt), mit Berechtigungen (scopes) und Ablaufdatum",
});

registry.register("Problem", c.Problem);
const problemContent = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
const SHARED: Record<string, string> = {
  BadRequest: "Ungültige Anfrage: `detail` sagt was, `errors` nennt je Feld oder Teil der Anfrage die Meldung",
  Unauthorized: "Kein, ein unbekannter, abgelaufener oder widerrufener API-Schlüssel (Kopf `WWW-Authenticate: Bearer`)",
  Forbidden: "Der Schlüssel hat nicht die nötige Berechtigung (scope) oder die Rolle darf das nicht; auch Anfragen mit fremdem `Origin` ohne Schlüssel",
  NotFound: "Nicht gefunden, auch Objekte anderer Organisationen",
  MethodNotAllowed: "Diese Methode gibt es für diese Adresse nicht (Kopf `Allow` nennt die erlaubten)",
  Conflict: "Der Zustand erlaubt es nicht (mehr), z. B. Angebotsfrist abgelaufen; oder eine Anfrage mit demselben Idempotency-Key läuft noch",
  TooLarge: "Zu groß (Dateien, JSON); die Verbindung wird danach geschlossen",
  UnsupportedMediaType: "Nicht unterstütztes Format (Content-Type)",
  Unprocessable: "Eine Regel ist nicht erfüllt; oder der Idempotency-Key wurde schon für eine andere Anfrage verwendet",
  TooManyRequests: "Zu viele Anfragen mit diesem Schlüssel: Kopf `Retry-After` nennt die Sekunden bis zum nächsten Versuch",
  InternalError: "Interner Fehler; die Anfrage kann später wiederholt werden (mit demselben Idempotency-Key)",
};
for (const [name, description] of Object.entries(SHARED)) registry.registerComponent("responses", name, { description, content: problemContent });
registry.registerComponent("parameters", "IdempotencyKey", {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Eindeutiger Schlüssel dieser Anfrage (1–255 sichtbare ASCII-Zeichen, z. B. eine UUID). Eine Wiederholung mit demselben Schlüssel und demselben Inhalt erhält die erste Antwort (Kopf `Idempotent-Replayed: true`) und legt nichts neu an; derselbe Schlüssel mit anderem Inhalt wird mit 422 abgewiesen. Schlüssel gelten 24 Stunden je Organisation.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
});

/** The answers every operation can give. */
const common: Responses = { "401": ref("Unauthorized"), "403": ref("Forbidden"), "429": ref("TooManyRequests"), "500": ref("InternalError") };
const ok = (description: string, schema: Parameters<typeof registry.register>[1]) => ({ description, content: { "application/json": { schema } } });
const idempotency = [{ $ref: "#/components/parameters/IdempotencyKey" }];
/** What a POST with a body and files can be refused with. */
const uploadRefusals: Responses = {
  "400": ref("BadRequest"),
  "404": ref("NotFound"),
  "409": ref("Conflict"),
  "413": ref("TooLarge"),
  "415": ref("UnsupportedMediaType"),
  "422": ref("Unprocessable"),
};

function path(route: RouteConfig) {
  registry.registerPath({ ...route, responses: { ...route.responses, ...common } });
}

path({
  method: "get",
  path: "/me",
  operationId: "getMe",
  summary: "Der Zugang, mit dem angefragt wird",
  responses: { "200": ok("Benutzer", c.Me) },
});
path({
  method: "get",
  path: "/provider",
  operationId: "getOwnProvider",
  summary: "Die eigene Organisation (Stammdaten, Zulassungen, Kontaktpersonen)",
  responses: { "200": ok("Organisation", c.Provider), "404": ref("NotFound") },
});
path({
  method: "get",
  path: "/tenders",
  operationId: "listTenders",
  summary: "Veröffentlichte Ausschreibungen, Angebotsfrist absteigend",
  request: { query: c.TenderQuery },
  responses: { "200": ok("Eine Seite der Liste", c.TenderPage), "400": ref("BadRequest") },
});
path({
  method: "get",
  path: "/tenders/{id}",
  operationId: "getTender",
  summary: "Eine Ausschreibung mit Losen, Kriterien und veröffentlichten Antworten auf Bieterfragen",
  request: { params: c.IdPath },
  responses: { "200": ok("Ausschreibung", c.Tender), "404": ref("NotFound") },
});
path({
  method: "get",
  path: "/tenders/{id}/offers",
  operationId: "listOwnOffers",
  summary: "Die eigenen Angebote zu einer Ausschreibung (Eingangsdaten), neueste Fassung zuerst",
  request: { params: c.IdPath, query: c.PageQuery },
  responses: { "200": ok("Eine Seite der Liste", c.OfferPage), "400": ref("BadRequest"), "404": ref("NotFound") },
});
path({
  method: "post",
  path: "/tenders/{id}/offers",
  operationId: "submitOffer",
  summary: "Angebot abgeben oder ersetzen (die zuletzt eingegangene Fassung zählt)",
  description:
    "Als application/json (OfferSubmission, Konzept Base64-kodiert) oder als multipart/form-data mit dem Teil „offer“ (OfferSubmission als JSON, ohne „concept“) und der Datei „concept“ (PDF). Maßgeblich ist der Eingang beim Server; nach Ablauf der Angebotsfrist antwortet der Server mit 409. Erfordert die Berechtigung „offers“.",
  parameters: idempotency,
  request: {
    params: c.IdPath,
    body: { required: true, content: { "application/json": { schema: c.OfferSubmission }, "multipart/form-data": { schema: c.OfferMultipart } } },
  },
  responses: {
    "201": { ...ok("Eingangsbestätigung; Kopf „Location“: die Adresse des Angebots", c.OfferReceipt) },
    ...uploadRefusals,
  },
});
path({
  method: "get",
  path: "/offers/{id}",
  operationId: "getOwnOffer",
  summary: "Ein eigenes Angebot (Eingangsdaten)",
  request: { params: c.IdPath },
  responses: { "200": ok("Angebot", c.OwnOffer), "404": ref("NotFound") },
});
path({
  method: "delete",
  path: "/offers/{id}",
  operationId: "withdrawOffer",
  summary: "Das aktuelle Angebot vor Ablauf der Angebotsfrist zurückziehen (Berechtigung „offers“)",
  request: { params: c.IdPath },
  responses: { "204": { description: "zurückgezogen" }, "404": ref("NotFound"), "409": ref("Conflict") },
});
path({
  method: "get",
  path: "/assignments",
  operationId: "listOwnAssignments",
  summary: "Die eigenen Zuweisungen (Vermittlungsgutscheine) mit den Angaben, die ein Vermittler sehen darf",
  description:
    "Je Zuweisung das Kennzeichen des Kunden, Qualifikation, Zielberuf, Region, Gültigkeit und die höchste Vergütung, zuerst die, die am frühesten enden. Name und Kontaktdaten nur, wenn der Kunde in die Weitergabe eingewilligt hat (§ 298 SGB III), sonst null. Leistungs-, Haushalts- und Gesundheitsdaten werden nie übermittelt.",
  request: { query: c.AssignmentQuery },
  responses: { "200": ok("Eine Seite der Liste", c.AssignmentPage), "400": ref("BadRequest") },
});
path({
  method: "get",
  path: "/placements",
  operationId: "listOwnPlacements",
  summary: "Die eigenen Vermittlungsnachweise, neueste zuerst",
  request: { query: c.PlacementQuery },
  responses: { "200": ok("Eine Seite der Liste", c.PlacementPage), "400": ref("BadRequest") },
});
path({
  method: "post",
  path: "/placements",
  operationId: "submitPlacement",
  summary: "Eine Vermittlung melden (Vermittlungsnachweis einreichen)",
  description:
    "Als multipart/form-data mit dem Teil „placement“ (PlacementSubmission als JSON) und den PDF-Dateien „employmentContract“, „employerConfirmation“ und „brokerContract“; oder als application/json (PlacementSubmission) ohne Dateien: die Unterlagen sind dann vor der Entscheidung im Trägerportal nachzureichen. Der Nachweis wird bei Eingang nach den Prüfregeln geprüft; verletzt er eine Regel, wird er sofort abgelehnt (Bescheid im Portal) und der Server antwortet mit 422. Wiederholungen nur mit demselben Idempotency-Key: ohne Schlüssel legt jede Anfrage einen neuen Nachweis an. Erfordert die Berechtigung „placements“.",
  parameters: idempotency,
  request: { body: { required: true, content: { "multipart/form-data": { schema: c.PlacementMultipart }, "application/json": { schema: c.PlacementSubmission } } } },
  responses: {
    "201": ok("Eingegangen; wird geprüft. Kopf „Location“: die Adresse des Nachweises", c.PlacementReceipt),
    "400": ref("BadRequest"),
    "409": ref("Conflict"),
    "413": ref("TooLarge"),
    "415": ref("UnsupportedMediaType"),
    "422": {
      description: "Bei Eingang abgelehnt: `detail` nennt die Gründe, `rules` die nicht erfüllten Prüfregeln, `claim` den angelegten (abgelehnten) Nachweis. Oder: der Idempotency-Key wurde schon für eine andere Anfrage verwendet (dann ohne `claim`).",
      content: { "application/problem+json": { schema: c.PlacementRejected.partial({ claim: true, rules: true }) } },
    },
  },
});
path({
  method: "get",
  path: "/placements/{id}",
  operationId: "getOwnPlacement",
  summary: "Ein eigener Vermittlungsnachweis mit Prüfergebnissen, Raten, Unterlagen und Bescheiden",
  request: { params: c.IdPath },
  responses: { "200": ok("Vermittlungsnachweis", c.Placement), "404": ref("NotFound") },
});
path({
  method: "get",
  path: "/placements/{id}/instalments/{number}",
  operationId: "getOwnInstalment",
  summary: "Eine Rate eines eigenen Vermittlungsnachweises",
  request: { params: c.InstalmentPath },
  responses: { "200": ok("Rate", c.Instalment), "404": ref("NotFound") },
});
path({
  method: "post",
  path: "/placements/{id}/instalments/{number}",
  operationId: "proveOwnInstalment",
  summary: "Bestätigung des Arbeitgebers für eine Rate einreichen",
  description:
    "Die Rate wird verdient, wenn die Beschäftigungsdauer erreicht und die Ausschlussfrist nicht abgelaufen ist; sonst 422 mit dem Grund (z. B. Tag 41 statt 42). 409: die Rate ist nicht (mehr) in einem Status, in dem sie nachgewiesen werden kann. Erfordert die Berechtigung „placements“.",
  parameters: idempotency,
  request: { params: c.InstalmentPath, body: { required: true, content: { "multipart/form-data": { schema: c.InstalmentProofMultipart } } } },
  responses: {
    "200": ok("Rate verdient", c.Instalment),
    ...uploadRefusals,
  },
});
path({
  method: "get",
  path: "/invoices",
  operationId: "listOwnInvoices",
  summary: "Die eigenen Rechnungen mit Bearbeitungsstand, neueste zuerst",
  request: { query: c.InvoiceQuery },
  responses: { "200": ok("Eine Seite der Liste", c.InvoicePage), "400": ref("BadRequest") },
});
path({
  method: "post",
  path: "/invoices",
  operationId: "submitInvoice",
  summary: "Eine E-Rechnung einreichen (XRechnung oder ZUGFeRD)",
  description:
    "Die Rechnung als Inhalt mit Content-Type application/xml oder text/xml (XRechnung, UBL oder CII) oder application/pdf (ZUGFeRD/Factur-X mit eingebetteter XML-Datei); oder als multipart/form-data mit dem Teil „file“. Die Datei wird unverändert gespeichert und nach EN 16931 und XRechnung geprüft; bei Eingang außerdem: die Leitweg-ID (BT-10) muss die der Behörde sein (Befund LEITWEG-ID), der Verkäufer (BT-31 bzw. BT-27) muss die eigene Organisation sein (VERKAEUFER), und dieselbe Rechnungsnummer wird nur einmal angenommen (DUPLIKAT). Eine Rechnung mit Befunden wird trotzdem gespeichert (Status „rejected“, im Portal und unter `location` lesbar); der Server antwortet dann mit 422, bei einer schon angenommenen Rechnungsnummer mit 409, jeweils mit `invoice` (die gespeicherte Rechnung) und den Befunden in `findings` und `errors`. Wiederholungen nur mit demselben Idempotency-Key. Erfordert die Berechtigung „invoices“.",
  parameters: idempotency,
  request: {
    body: {
      required: true,
      content: {
        "application/xml": { schema: { type: "string", description: "XRechnung (UBL oder CII)" } },
        "text/xml": { schema: { type: "string", description: "XRechnung (UBL oder CII)" } },
        "application/pdf": { schema: { type: "string", format: "binary", description: "ZUGFeRD-/Factur-X-PDF" } },
        "multipart/form-data": { schema: c.InvoiceMultipart },
      },
    },
  },
  responses: {
    "201": ok("Eingegangen und angenommen; Kopf „Location“: die Adresse der Rechnung", c.Invoice),
    "400": ref("BadRequest"),
    "409": {
      description: "Diese Rechnungsnummer ist schon angenommen (Befund DUPLIKAT); die erneut eingereichte Datei ist als abgelehnt gespeichert (`invoice`). Oder: eine Anfrage mit demselben Idempotency-Key läuft noch (dann ohne `invoice`).",
      content: { "application/problem+json": { schema: c.InvoiceRejected.partial({ invoice: true, findings: true }) } },
    },
    "413": ref("TooLarge"),
    "415": ref("UnsupportedMediaType"),
    "422": {
      description: "Bei Eingang abgelehnt: `findings` und `errors` nennen die Befunde mit Regel, `invoice` die gespeicherte (abgelehnte) Rechnung. Oder: der Idempotency-Key wurde schon für eine andere Anfrage verwendet (dann ohne `invoice`).",
      content: { "application/problem+json": { schema: c.InvoiceRejected.partial({ invoice: true, findings: true }) } },
    },
  },
});
path({
  method: "get",
  path: "/invoices/{id}",
  operationId: "getOwnInvoice",
  summary: "Eine eigene Rechnung mit Bearbeitungsstand, Befunden, Fälligkeit und Zahltag",
  request: { params: c.IdPath },
  responses: { "200": ok("Rechnung", c.Invoice), "404": ref("NotFound") },
});
path({
  method: "get",
  path: "/events",
  operationId: "listEvents",
  summary: "Was sich geändert hat (Änderungsverlauf), in Reihenfolge, ab einem Cursor",
  description:
    "Neue Ausschreibungen und Antworten auf Bieterfragen (für alle), eingegangene und zurückgezogene eigene Angebote, Entscheidungen über eigene Nachweise, fällige und bezahlte Raten, eingegangene, abgelehnte und bezahlte eigene Rechnungen. Den `cursor` der Antwort speichern und beim nächsten Abruf als `after` senden: so fehlt nichts und nichts kommt doppelt, auch über Neustarts des Servers hinweg. Ist `hasMore` true, sofort weiter abrufen, sonst in Abständen (z. B. jede Minute). Die Reihenfolge ist die der Cursor, nicht die der Zeitpunkte; Cursor können Lücken haben. Ein Cursor jenseits des neuesten Ereignisses ist ein Fehler (400, z. B. nach der Wiederherstellung einer Datensicherung beim Träger): dann mit „0“ neu beginnen. Unbekannte Ereignisarten sind zu übergehen.",
  request: { query: c.EventQuery },
  responses: { "200": ok("Ereignisse nach dem Cursor", c.EventPage), "400": ref("BadRequest") },
});

// ---- Measure catalogue (issue 11) ----
path({
  method: "get",
  path: "/measures",
  operationId: "listOwnMeasures",
  summary: "Die eigenen Katalogeinträge und Maßnahmevorschläge, neueste zuerst",
  description: "Einträge aus eigenen Verträgen (nach einem Zuschlag) und die eigenen Vorschläge mit ihrem Stand. Erfordert die Berechtigung „read“.",
  request: { query: c.MeasureQuery },
  responses: { "200": ok("Eine Seite der Liste", c.MeasurePage), "400": ref("BadRequest") },
});
path({
  method: "post",
  path: "/measures",
  operationId: "proposeMeasure",
  summary: "Eine Maßnahme für den Katalog vorschlagen",
  description:
    "Ein Bildungsträger schlägt eine nach AZAV zugelassene Maßnahme vor (Nummer und Gültigkeit der Maßnahmezulassung sind Pflicht), die Bundesagentur für Arbeit Plätze der BA (Nummer der BA ist Pflicht; Kooperation öffentlicher Auftraggeber nach § 108 Abs. 6 GWB). Der Vorschlag hat den Status „proposed“; Plätze können erst nach der Annahme durch das Jobcenter gekauft werden (Ereignis measure.accepted oder measure.rejected im Änderungsverlauf). Ist eine Regel nicht erfüllt (z. B. capacity 0, validUntil vor validFrom, Preis 0 ohne Preismodell none, Mindestalter über Höchstalter), antwortet der Server mit 422 und nennt in `errors` je Feld die Meldung. Private Arbeitsvermittler schlagen keine Maßnahmen vor (403). Wiederholungen nur mit demselben Idempotency-Key. Erfordert die Berechtigung „places“.",
  parameters: idempotency,
  request: { body: { required: true, content: { "application/json": { schema: c.MeasureProposal } } } },
  responses: {
    "201": ok("Vorgeschlagen; Kopf „Location“: die Adresse des Eintrags", c.Measure),
    "400": ref("BadRequest"),
    "409": ref("Conflict"),
    "413": ref("TooLarge"),
    "415": ref("UnsupportedMediaType"),
    "422": { description: "Eine Regel des Katalogs ist nicht erfüllt: `errors` nennt je Feld die Meldung. Oder: der Idempotency-Key wurde schon für eine andere Anfrage verwendet.", content: problemContent },
  },
});
path({
  method: "get",
  path: "/measures/{id}",
  operationId: "getOwnMeasure",
  summary: "Ein eigener Katalogeintrag oder Vorschlag mit seinem Stand",
  request: { params: c.IdPath },
  responses: { "200": ok("Katalogeintrag", c.Measure), "404": ref("NotFound") },
});
// ---- Participation (issue 11, point 6) ------------------------------------------------------
/** What a participation report can be refused with (JSON body). */
const reportRefusals: Responses = {
  "400": ref("BadRequest"),
  "404": ref("NotFound"),
  "409": ref("Conflict"),
  "415": ref("UnsupportedMediaType"),
  "422": ref("Unprocessable"),
};
const jsonBody = (schema: Parameters<typeof registry.register>[1]) => ({ body: { required: true, content: { "application/json": { schema } } } });
path({
  method: "post",
  path: "/purchases/{id}/entry",
  operationId: "reportEntry",
  summary: "Eintritt eines Teilnehmers melden",
  description:
    "Der bestätigte Platz beginnt (Status running). Das Eintrittsdatum darf nicht in der Zukunft liegen und höchstens 30 Tage vor dem geplanten Beginn; sonst 422 mit `errors.entryDate`. 409: der Platz ist nicht (mehr) bestätigt. Nur eigene Platzkäufe (sonst 404). Erfordert die Berechtigung „places“.",
  parameters: idempotency,
  request: { params: c.IdPath, ...jsonBody(c.EntryReport) },
  responses: { "200": ok("Eintritt gemeldet", c.PurchaseParticipation), ...reportRefusals },
});
path({
  method: "get",
  path: "/purchases/{id}/attendance",
  operationId: "listAttendance",
  summary: "Gemeldete Anwesenheit eines eigenen Platzkaufs, je Monat",
  request: { params: c.IdPath },
  responses: { "200": ok("Monate", c.AttendanceList), "404": ref("NotFound") },
});
path({
  method: "post",
  path: "/purchases/{id}/attendance",
  operationId: "reportAttendance",
  summary: "Anwesenheit eines Monats melden oder korrigieren",
  description:
    "Ein Monat je Meldung; eine weitere Meldung desselben Monats korrigiert ihn, bis er abgerechnet ist (danach 409). Der Monat muss zwischen dem Monat des Eintritts und dem des Austritts bzw. dem laufenden Monat liegen; anwesend, entschuldigt und unentschuldigt zusammen höchstens die Tage des Monats in der Teilnahme (422 mit `errors`). 409 vor dem Eintritt. Erfordert die Berechtigung „places“.",
  parameters: idempotency,
  request: { params: c.IdPath, ...jsonBody(c.AttendanceReport) },
  responses: { "200": ok("Monat gespeichert", c.AttendanceMonthRow), ...reportRefusals },
});
path({
  method: "post",
  path: "/purchases/{id}/exams",
  operationId: "reportExam",
  summary: "Prüfungsergebnis melden",
  description: "Prüfungstag nicht in der Zukunft und nicht vor dem Eintritt (422). 409 vor dem Eintritt. Erfordert die Berechtigung „places“.",
  parameters: idempotency,
  request: { params: c.IdPath, ...jsonBody(c.ExamReport) },
  responses: { "201": ok("Prüfungsergebnis gespeichert", c.ExamResultRow), ...reportRefusals },
});
path({
  method: "post",
  path: "/purchases/{id}/exit",
  operationId: "reportExit",
  summary: "Abschluss oder vorzeitigen Austritt melden",
  description:
    "`completed`: regulär abgeschlossen; vor dem geplanten Ende nur mit `\"earlyCompletionConfirmed\": true` (sonst 422 mit dem Feldfehler `earlyCompletionConfirmed`); `dropped_out`: vorzeitiger Austritt mit `reason` (beim Grund „other“ mit `note`). Austritt nicht in der Zukunft, nicht vor dem Eintritt, nicht nach dem geplanten Ende, nicht vor einem bereits bestätigten Abrechnungsmonat und nicht vor einem Monat mit gemeldeter Anwesenheit (422). Abrechnungsvorschläge nach dem Austritt werden aufgehoben, der des Austrittsmonats neu berechnet. 409: der Platz läuft nicht. Erfordert die Berechtigung „places“.",
  parameters: idempotency,
  request: { params: c.IdPath, ...jsonBody(c.ExitReport) },
  responses: { "200": ok("Austritt gemeldet", c.PurchaseParticipation), ...reportRefusals },
});
// ---- Place purchases (issue 11) ----------------------------------------------------------------
path({
  method: "get",
  path: "/purchases",
  operationId: "listOwnPurchases",
  summary: "Die eigenen Platzbestellungen (Einzelplätze), späteste Beginne zuerst",
  request: { query: c.PurchaseQuery },
  responses: { "200": ok("Eine Seite der Liste", c.PurchasePage), "400": ref("BadRequest") },
});
path({
  method: "get",
  path: "/purchases/{id}",
  operationId: "getOwnPurchase",
  summary: "Eine eigene Platzbestellung mit Teilnehmer/in (pseudonym; Name und Kontakt nur mit Einwilligung) und Bestellschein",
  request: { params: c.IdPath },
  responses: { "200": ok("Platzbestellung", c.Purchase), "404": ref("NotFound") },
});
path({
  method: "post",
  path: "/purchases/{id}/confirm",
  operationId: "confirmOwnPurchase",
  summary: "Eine Platzbestellung bestätigen",
  description: "Nur im Status „ordered“; sonst 409. Ohne Inhalt. Erfordert die Berechtigung „places“.",
  parameters: idempotency,
  request: { params: c.IdPath },
  responses: { "200": ok("Bestätigt", c.Purchase), "404": ref("NotFound"), "409": ref("Conflict"), "422": ref("Unprocessable") },
});
path({
  method: "post",
  path: "/purchases/{id}/decline",
  operationId: "declineOwnPurchase",
  summary: "Eine Platzbestellung ablehnen (mit Begründung)",
  description: "Nur im Status „ordered“; sonst 409. Ohne Begründung (mindestens 10 Zeichen) 422. Die gebundenen Mittel werden freigegeben. Erfordert die Berechtigung „places“.",
  parameters: idempotency,
  request: { params: c.IdPath, body: { required: true, content: { "application/json": { schema: c.PurchaseDecline } } } },
  responses: { "200": ok("Abgelehnt", c.Purchase), "400": ref("BadRequest"), "404": ref("NotFound"), "409": ref("Conflict"), "415": ref("UnsupportedMediaType"), "422": ref("Unprocessable") },
});

const DESCRIPTION = `Schnittstelle für die Systeme der Träger und privaten Arbeitsvermittler (Server zu Server).

**Anmeldung.** API-Schlüssel der Organisation im Kopf \`Authorization: Bearer …\`. Schlüssel erzeugt die Administratorin bzw. der Administrator des Trägers im Portal unter „API-Zugänge“: mit Namen, Berechtigungen (\`read\`: lesen; \`offers\`: Angebote abgeben und zurückziehen; \`placements\`: Vermittlungen melden und Raten nachweisen; \`invoices\`: Rechnungen) und Ablaufdatum. Ein Schlüssel gehört der Organisation, nicht einer Person; er sieht nur die Daten der eigenen Organisation.

**Formate.** JSON in UTF-8. Beträge in Cent als ganze Zahlen (\`…Cents\`), Stunden als Zahl, Daten \`JJJJ-MM-TT\`, Zeitpunkte ISO 8601 in UTC. Jeder Status als fester Code (\`status\`) mit deutscher Bezeichnung (\`statusLabel\`). Unbekannte Felder, Teile (multipart) und Abfrageparameter werden abgewiesen (400), ebenso ein Teil oder Parameter, der zweimal vorkommt.

**Listen.** \`page\` (ab 1) und \`pageSize\` (1 bis ${c.API_MAX_PAGE_SIZE}, Vorgabe ${c.API_DEFAULT_PAGE_SIZE}); Antwort \`{ items, total, page, pageSize, pages }\`. Der Änderungsverlauf \`/events\` blättert mit Cursor.

**Fehler.** Immer \`application/problem+json\` (RFC 9457) mit \`detail\` auf Deutsch; bei 400 nennt \`errors\` je Feld oder Teil der Anfrage die Meldung.

**Wiederholen.** Jeder POST nimmt einen \`Idempotency-Key\`: dieselbe Anfrage mit demselben Schlüssel wird nur einmal ausgeführt.

**Grenzen.** Dateien höchstens 20 MB je Datei (Einstellung der Behörde; 413 darüber), JSON höchstens 1 MB (ein Angebot mit Base64-Konzept: das Dateilimit mal 4/3). Anfragen je Schlüssel und Minute begrenzt (Einstellungen der Behörde; Vorgabe 120, davon ändernde Anfragen – POST, PUT, PATCH, DELETE – 60): jede Antwort auf eine Anfrage mit Schlüssel trägt \`RateLimit-Limit\`, \`RateLimit-Remaining\` und \`RateLimit-Reset\` (Sekunden), darüber 429 mit \`Retry-After\`.

**Kein CORS.** Die Schnittstelle ist für Server gedacht: Browser-Anfragen von fremden Seiten werden nicht zugelassen (keine CORS-Köpfe; POST mit fremdem \`Origin\` ohne Schlüssel: 403).

**Versionen.** Der Pfad trägt die Hauptversion (\`/api/v1\`). Innerhalb von v1 kommen nur neue Adressen, neue optionale Anfragefelder, neue Antwortfelder und neue Statuscodes oder Ereignisarten hinzu; Clients müssen unbekannte Antwortfelder und Ereignisarten übergehen. Was wegfällt oder seine Bedeutung ändert, kommt in eine neue Hauptversion; die alte läuft danach mindestens zwölf Monate weiter und wird mit dem Kopf \`Deprecation\` angekündigt.`;

// ---- Bills of places (issue 11, point 8)
path({
  method: "get",
  path: "/bills",
  operationId: "listOwnBills",
  summary: "Die eigenen Abrechnungen der gekauften Plätze, neueste zuerst",
  request: { query: c.BillQuery },
  responses: { "200": ok("Eine Seite der Liste", c.BillPage), "400": ref("BadRequest") },
});
path({
  method: "get",
  path: "/bills/{id}",
  operationId: "getOwnBill",
  summary: "Eine eigene Abrechnung",
  request: { params: c.IdPath },
  responses: { "200": ok("Abrechnung", c.Bill), "404": ref("NotFound") },
});
path({
  method: "post",
  path: "/bills/{id}/confirm",
  operationId: "confirmOwnBill",
  summary: "Eine vorgeschlagene Abrechnung bestätigen: daraus wird eine Rechnung (umsatzsteuerfrei) mit Zahlung an die hinterlegte Bankverbindung",
  description:
    "Ohne Inhalt. 201 mit der Rechnung; eine Wiederholung mit demselben Idempotency-Key erhält dieselbe Antwort. 409, wenn die Abrechnung nicht (mehr) zur Bestätigung offen ist (schon bestätigt oder mit eigener E-Rechnung abgerechnet); 422, wenn keine Bankverbindung hinterlegt ist; 404 für Abrechnungen anderer Organisationen. Erfordert die Berechtigung „invoices“.",
  parameters: idempotency,
  request: { params: c.IdPath },
  responses: { "201": ok("Bestätigt; Kopf „Location“: die Adresse der Rechnung", c.BillConfirmation), "404": ref("NotFound"), "409": ref("Conflict"), "422": ref("Unprocessable") },
});

// ---- The provider's own outcomes (issue 12, point 6)
path({
  method: "get",
  path: "/provider/outcomes",
  operationId: "getOwnOutcomes",
  summary: "Die eigenen Ergebnisse je Kennzahl, mit Fallzahl und Vertrauensbereich, gegen den anonymen Gesamtwert und die Grenzen bei der eigenen Fallzahl",
  description:
    "Dieselben Zahlen wie im Trägerportal unter „Ergebnisse“: je Kennzahl der eigene Wert mit k, n und 95-%-Vertrauensbereich, der erwartete Wert nach der Zusammensetzung der eigenen Kundinnen und Kunden, der Gesamtwert aller Träger (ohne Namen und ohne Zahlen einzelner anderer Träger) und die 95-%- und 99,8-%-Grenzen bei der eigenen Fallzahl. Werte mit weniger Fällen als der Mindestzahl (Vorgabe 3) sind gesperrt (`suppressed`), alle ihre Zahlen dann null. Erfordert die Berechtigung „read“.",
  request: { query: c.ProviderOutcomeQuery },
  responses: { "200": ok("Die eigenen Ergebnisse", c.ProviderOutcomes), "400": ref("BadRequest") },
});

export const openApiDocument = new OpenApiGeneratorV31(registry.definitions).generateDocument({
  openapi: "3.1.0",
  info: { title: "Vergabe und Trägerverwaltung – Schnittstelle für Träger und Vermittler", version: "1.1.0", description: DESCRIPTION },
  servers: [{ url: "/api/v1" }],
  security: [{ bearer: [] }],
});
