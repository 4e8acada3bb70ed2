/**
 * The provider API's wire format, as zod schemas: the one source of the OpenAPI document
 * (app/lib/openapi.ts generates it from these with @asteasolutions/zod-to-openapi, ADR 0014)
 * and of the checks at run time. Requests are parsed with the request schemas (unknown fields
 * refused); responses leave through the response schemas (`reply()` in api.server.ts), so a
 * field that is not documented here cannot reach a client.
 *
 * One way of saying things: money in integer cents (`…Cents`), hours as numbers, dates
 * `YYYY-MM-DD`, instants ISO 8601 in UTC, every state as a stable code plus a German label
 * (`status`, `statusLabel`), lists as `{ items, total, page, pageSize, pages }`.
 */
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { CLAIM_STATES } from "~/domain/placement-claim.machine";
import { INSTALMENT_STATES } from "~/domain/fee-instalment.machine";
import { ASSIGNMENT_STATES } from "~/domain/placement";
import { claimedFeeCents } from "~/domain/placement.schema";
import { TENDER_STATES } from "~/domain/tender.machine";
import { OFFER_STATES } from "~/domain/tender";
import { isIsoDate } from "~/domain/time";
import { INVOICE_STATUSES, PROVIDER_INVOICE_STATES } from "~/domain/invoices";
import { EXIT_REASONS, PURCHASE_STATES } from "~/domain/places";
import { BILL_STATUSES } from "~/domain/place-bills";
import "~/domain/validation"; // the German zod error map

extendZodWithOpenApi(z);

export const API_DEFAULT_PAGE_SIZE = 25;
export const API_MAX_PAGE_SIZE = 100;

// ---- Primitives -------------------------------------------------------------------------

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Datum im Format JJJJ-MM-TT angeben.")
  .refine(isIsoDate, "Dieses Datum gibt es nicht.")
  .openapi({ format: "date", example: "2026-03-01" });
export const Instant = z.string().openapi({ format: "date-time", description: "Zeitpunkt, ISO 8601 in UTC", example: "2026-03-01T09:30:00.000Z" });
export const Cents = z.number().int().openapi({ description: "Betrag in Cent (ganze Zahl)", example: 200000 });
export const Id = z.number().int().positive();
const label = (what: string) => z.string().openapi({ description: `${what} auf Deutsch` });

export const FieldErrors = z
  .record(z.string())
  .openapi("FieldErrors", { description: "Je Feld oder Teil der Anfrage (Name wie in der Anfrage, verschachtelt mit Punkt, z. B. „lots.0.unitPriceCents“) die Meldung auf Deutsch" });

export const Problem = z
  .object({
    type: z.string().openapi({ example: "about:blank" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().openapi({ description: "Was geschehen ist und was zu tun ist, auf Deutsch" }),
    errors: FieldErrors.optional(),
  })
  .openapi("Problem", { description: "Fehler nach RFC 9457 (`application/problem+json`)" });

export const RuleResult = z
  .object({
    code: z.string().openapi({ description: "Regel und Kürzel, z. B. „R2-hours“" }),
    severity: z.enum(["error", "flag"]).openapi({ description: "error: führt zur Ablehnung; flag: Prüfhinweis für die Sachbearbeitung" }),
    message: z.string().openapi({ description: "Meldung auf Deutsch mit Werten und Rechtsgrundlage" }),
  })
  .openapi("RuleResult");

/** A page of a list. */
export function pageOf<T extends z.ZodTypeAny>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      total: z.number().int().openapi({ description: "Anzahl aller Einträge, die den Filtern entsprechen" }),
      page: z.number().int().openapi({ description: "Diese Seite (ab 1)" }),
      pageSize: z.number().int().openapi({ description: `Einträge je Seite (höchstens ${API_MAX_PAGE_SIZE})` }),
      pages: z.number().int().openapi({ description: "Anzahl der Seiten (mindestens 1)" }),
    })
    .openapi(name);
}

// ---- Query parameters -----------------------------------------------------------------------

const intParam = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `„${name}“ ist eine ganze Zahl von ${min} bis ${max}.` });
        return z.NEVER;
      }
      return n;
    })
    // The parameter arrives as text; the document shows the integer it stands for.
    .openapi({ type: "integer", minimum: min, maximum: max, default: fallback } as never);

export const PageQuery = z.object({
  page: intParam("page", 1, 1_000_000, 1).openapi({ description: "Seite, ab 1" }),
  pageSize: intParam("pageSize", 1, API_MAX_PAGE_SIZE, API_DEFAULT_PAGE_SIZE).openapi({ description: `Einträge je Seite, 1 bis ${API_MAX_PAGE_SIZE}` }),
});

const boolParam = (description: string) =>
  z.enum(["true", "false"]).optional().openapi({ description }).transform((v) => (v === undefined ? undefined : v === "true"));

export const TenderQuery = PageQuery.extend({
  acceptsOffers: boolParam("true: nur Ausschreibungen, die jetzt Angebote annehmen; false: nur andere"),
});
export const AssignmentQuery = PageQuery.extend({
  status: z.enum(["active", "all"]).default("active").openapi({ description: "„active“ (Vorgabe): nur gültige Zuweisungen; „all“: alle" }),
  q: z.string().max(100).optional().openapi({ description: "Suche in Zuweisungsnummer, Kennzeichen und (mit Einwilligung) Name" }),
});
export const PlacementQuery = PageQuery.extend({
  status: z.enum(CLAIM_STATES).optional(),
  q: z.string().max(100).optional().openapi({ description: "Suche in Nummer, Arbeitgeber und Kennzeichen des Kunden" }),
});
export const InvoiceQuery = PageQuery.extend({
  status: z.enum(INVOICE_STATUSES).optional().openapi({ description: "Nur Rechnungen in diesem Status (received, rejected, accepted, paid, cancelled)" }),
});
export const EventQuery = z.object({
  after: z
    .string()
    .regex(/^\d+$/, "„after“ ist ein Cursor aus einer früheren Antwort (Ziffern).")
    .max(15, "Diesen Cursor gibt es nicht: er ist länger als jeder Cursor dieser Schnittstelle. Bitte ab „0“ neu einlesen.")
    .optional()
    .openapi({ description: "Cursor der letzten Antwort (`cursor`); ohne: von Anfang an" }),
  limit: intParam("limit", 1, 500, 100).openapi({ description: "Höchstens so viele Ereignisse, 1 bis 500" }),
});

export const IdPath = z.object({ id: z.string().openapi({ type: "integer", description: "Kennung (ganze Zahl)" }) });
export const InstalmentPath = z.object({
  id: z.string().openapi({ type: "integer", description: "Kennung des Vermittlungsnachweises" }),
  number: z.string().openapi({ type: "integer", minimum: 1, description: "1 oder 2" }),
});

// ---- Resources -----------------------------------------------------------------------------

export const Me = z
  .object({
    id: Id.nullable().openapi({ description: "Die Person; null bei einem API-Schlüssel der Organisation" }),
    email: z.string().openapi({ description: "Adresse der Person; leer bei einem Schlüssel der Organisation" }),
    name: z.string(),
    role: z.string(),
    providerId: Id.nullable(),
  })
  .openapi("Me");

export const Provider = z
  .object({
    id: Id,
    kind: z.enum(["training", "broker", "agency"]),
    name: z.string(),
    legalForm: z.string(),
    address: z.object({ street: z.string(), postalCode: z.string(), city: z.string(), region: z.string() }),
    vatId: z.string().nullable(),
    email: z.string(),
    phone: z.string(),
    serviceCategories: z.array(z.string()),
    tradeRegistrationDate: IsoDate.nullable(),
    certificationState: z.enum(["valid", "expiring", "expired", "none"]),
    certifications: z.array(z.object({ certifyingBody: z.string(), certificateNumber: z.string(), validFrom: IsoDate, validUntil: IsoDate, scope: z.string() })),
    contacts: z.array(z.object({ name: z.string(), role: z.string(), email: z.string(), phone: z.string() })),
  })
  .openapi("Provider");

const TenderStatus = z.enum(TENDER_STATES);

export const TenderSummary = z
  .object({
    id: Id,
    reference: z.string(),
    title: z.string(),
    measureType: z.string().openapi({ description: "Art der Maßnahme (Code)" }),
    measure: label("Art der Maßnahme"),
    offersUntil: Instant.nullable(),
    status: TenderStatus,
    statusLabel: label("Status"),
    acceptsOffers: z.boolean().openapi({ description: "Nimmt jetzt Angebote an (veröffentlicht, Frist nicht abgelaufen)" }),
  })
  .openapi("TenderSummary");

export const Tender = z
  .object({
    id: Id,
    reference: z.string(),
    title: z.string(),
    description: z.string(),
    legalBasis: z.string(),
    measureType: z.string(),
    measure: label("Art der Maßnahme"),
    procedure: label("Verfahrensart"),
    status: TenderStatus,
    statusLabel: label("Status"),
    questionsUntil: Instant.nullable(),
    offersUntil: Instant.nullable(),
    bindingUntil: IsoDate.nullable(),
    maxPoints: z.number().int(),
    acceptsOffers: z.boolean(),
    acceptsQuestions: z.boolean(),
    lots: z.array(
      z
        .object({
          id: Id.openapi({ description: "Für „lotId“ im Angebot" }),
          number: z.number().int(),
          title: z.string(),
          quantity: z.number().int(),
          region: z.string(),
          startDate: IsoDate.nullable(),
          durationMonths: z.number().int().nullable(),
          priceUnit: z.string().openapi({ description: "Preiseinheit (Code), in der „unitPriceCents“ anzugeben ist" }),
          priceUnitLabel: label("Preiseinheit"),
        })
        .openapi("Lot"),
    ),
    criteria: z.array(
      z
        .object({
          id: Id,
          name: z.string(),
          weight: z.number(),
          isPrice: z.boolean(),
          description: z.string(),
          // Issue 12 point 7: the published method of a past-performance criterion, in words; null for other criteria.
          methodWords: z.string().nullable().openapi({ description: "Bei der Vorleistung (Leistungsbilanz): die veröffentlichte Wertungsmethode im Wortlaut; sonst null." }),
        })
        .openapi("AwardCriterion"),
    ),
    questions: z.array(
      z
        .object({ question: z.string(), answer: z.string(), answeredAt: Instant })
        .openapi("PublishedAnswer", { description: "Beantwortete Bieterfrage (ohne den Fragesteller)" }),
    ),
  })
  .openapi("Tender");

export const OfferStatus = z.enum(OFFER_STATES);

export const OwnOffer = z
  .object({
    id: Id,
    tenderId: Id,
    status: OfferStatus,
    statusLabel: label("Status"),
    version: z.number().int(),
    receivedAt: Instant,
    receivedSha256: z.string().openapi({ description: "SHA-256 des eingegangenen Angebots (Hex)" }),
    receivedBytes: z.number().int(),
    withdrawnAt: Instant.nullable(),
  })
  .openapi("OwnOffer");

export const OfferReceipt = z
  .object({
    offerId: Id,
    tenderReference: z.string(),
    receivedAt: Instant,
    sha256: z.string(),
    bytes: z.number().int(),
    version: z.number().int(),
    location: z.string().openapi({ description: "/api/v1/offers/{offerId}" }),
  })
  .openapi("OfferReceipt");

export const Assignment = z
  .object({
    assignmentId: Id.openapi({ description: "Für „assignmentId“ beim Einreichen eines Nachweises" }),
    assignment: z.string().openapi({ description: "Nummer der Zuweisung, z. B. VG-2026-000123" }),
    client: z.string().openapi({ description: "Kennzeichen des Kunden (Pseudonym), z. B. K-000042" }),
    name: z.string().nullable().openapi({ description: "Nur mit Einwilligung des Kunden" }),
    contact: z
      .object({ street: z.string(), postalCode: z.string(), city: z.string(), phone: z.string(), email: z.string() })
      .nullable()
      .openapi({ description: "Nur mit Einwilligung des Kunden" }),
    qualification: z.string(),
    targetOccupation: z.string(),
    region: z.string(),
    validFrom: IsoDate,
    validUntil: IsoDate,
    maxFeeCents: Cents.openapi({ description: "Höchste Vergütung in Cent" }),
    status: z.enum(ASSIGNMENT_STATES),
    statusLabel: label("Status"),
    legalBasis: z.enum(["voucher_421g", "avgs_45", "contract_37", "own_programme"]),
  })
  .openapi("Assignment");

const ClaimStatus = z.enum(CLAIM_STATES);
const InstalmentStatus = z.enum(INSTALMENT_STATES);

export const PlacementRow = z
  .object({
    id: Id,
    reference: z.string(),
    client: z.string().openapi({ description: "Kennzeichen des Kunden" }),
    employerName: z.string(),
    contractDate: IsoDate,
    jobStart: IsoDate,
    submittedAt: Instant,
    status: ClaimStatus,
    statusLabel: label("Status"),
    errors: z.number().int().openapi({ description: "Anzahl der Ablehnungsgründe" }),
    claimedFeeCents: Cents,
  })
  .openapi("PlacementRow");

export const Instalment = z
  .object({
    id: Id,
    claim: z.string().openapi({ description: "Nummer des Vermittlungsnachweises" }),
    number: z.number().int(),
    label: z.string(),
    amountCents: Cents,
    earliestOn: IsoDate.openapi({ description: "Erster Tag, an dem die Rate nachgewiesen werden kann: der Tag nach dem letzten Tag der Beschäftigungsdauer" }),
    deadlineOn: IsoDate.openapi({ description: "Letzter Tag für den Nachweis (§ 326 SGB III)" }),
    sameEmployerRequired: z.boolean(),
    confirmedUntil: IsoDate.nullable(),
    status: InstalmentStatus,
    statusLabel: label("Status"),
    paidOn: IsoDate.nullable().openapi({ description: "Tag der Auszahlung laut Kontoauszug (bei Status paid)" }),
  })
  .openapi("Instalment");

export const Placement = z
  .object({
    id: Id,
    reference: z.string(),
    status: ClaimStatus,
    statusLabel: label("Status"),
    channel: z.enum(["portal", "api"]),
    legalBasis: z.string(),
    legalBasisLabel: label("Rechtsgrundlage"),
    assignment: z.object({ id: Id, reference: z.string(), validFrom: IsoDate, validUntil: IsoDate, maxFeeCents: Cents }),
    client: z.object({ reference: z.string(), name: z.string().nullable().openapi({ description: "Nur mit Einwilligung des Kunden" }) }),
    employer: z.object({
      name: z.string(),
      street: z.string(),
      postalCode: z.string(),
      city: z.string(),
      vatId: z.string().nullable(),
      iban: z.string().nullable(),
      manager: z.string().nullable(),
    }),
    abroad: z.boolean(),
    contractDate: IsoDate,
    jobStart: IsoDate,
    weeklyHours: z.number().openapi({ description: "Wöchentliche Arbeitszeit in Stunden" }),
    insured: z.boolean(),
    fixedTermEnd: IsoDate.nullable(),
    occupation: z.string(),
    brokerContractDate: IsoDate.nullable(),
    jobOfferDate: IsoDate.nullable(),
    claimedFeeCents: Cents,
    submittedAt: Instant,
    decidedAt: Instant.nullable(),
    decisionNote: z.string(),
    employmentEndedOn: IsoDate.nullable(),
    rules: z.array(RuleResult).openapi({ description: "Nicht erfüllte Prüfregeln (Ablehnungsgründe)" }),
    instalments: z.array(Instalment),
    documents: z.array(
      z.object({
        id: Id.openapi({ description: "Im Trägerportal abrufbar unter /documents/{id}" }),
        kind: z.string(),
        kindLabel: label("Art"),
        filename: z.string(),
        uploadedAt: Instant,
        instalmentId: Id.nullable(),
      }),
    ),
    letters: z.array(z.object({ id: Id, title: z.string(), createdAt: Instant })),
  })
  .openapi("Placement");

export const PlacementReceipt = z
  .object({
    id: Id,
    reference: z.string().openapi({ description: "z. B. VN-2026-00042" }),
    status: ClaimStatus,
    statusLabel: label("Status"),
    location: z.string().openapi({ description: "/api/v1/placements/{id}" }),
  })
  .openapi("PlacementReceipt");

// Spelled out rather than Problem.extend(): an extension becomes allOf in the document, which a
// client generator and a strict validator read worse than one plain object.
export const PlacementRejected = z.object({
  ...Problem.shape,
  claim: PlacementReceipt,
  rules: z.array(RuleResult).openapi({ description: "Die nicht erfüllten Prüfregeln" }),
}).openapi("PlacementRejected", { description: "Problem (RFC 9457): bei Eingang abgelehnt; der Nachweis ist angelegt, der Bescheid im Portal" });

export const Event = z
  .object({
    id: z.string().openapi({ description: "Cursor dieses Ereignisses" }),
    type: z.string().openapi({ description: "Art (Code), z. B. „offer.received“" }),
    typeLabel: label("Art"),
    occurredAt: Instant,
    entity: z.object({
      type: z.string().openapi({ description: "z. B. tender, offer, placement, instalment" }),
      id: Id,
      reference: z.string().nullable(),
      href: z.string().nullable().openapi({ description: "Adresse in dieser Schnittstelle, unter der das Objekt gelesen werden kann" }),
    }),
    status: z.string().nullable(),
    statusLabel: z.string().nullable(),
  })
  .openapi("Event");

export const EventPage = z
  .object({
    items: z.array(Event),
    cursor: z.string().openapi({ description: "Beim nächsten Abruf als „after“ senden (auch wenn „items“ leer ist)" }),
    hasMore: z.boolean().openapi({ description: "true: es liegen schon weitere Ereignisse vor; sofort wieder abrufen" }),
  })
  .openapi("EventPage");

export const InvoiceFinding = z
  .object({
    rule: z.string().openapi({ description: "Regel: die Kennung des Standards (BR-…, BR-DE-…, BR-CO-…, XML-…) oder eine Prüfung bei Eingang (LEITWEG-ID, DUPLIKAT, VERKAEUFER)" }),
    message: z.string().openapi({ description: "Befund auf Deutsch" }),
    term: z.string().nullable().openapi({ description: "Betroffener Geschäftsbegriff, z. B. „BT-10“" }),
  })
  .openapi("InvoiceFinding");

export const Invoice = z
  .object({
    id: Id,
    reference: z.string().openapi({ description: "Eingangsnummer der Behörde, z. B. RE-2026-000042" }),
    number: z.string().openapi({ description: "Rechnungsnummer (BT-1); leer, wenn sie nicht lesbar war" }),
    status: z.enum(INVOICE_STATUSES).openapi({ description: "received, rejected (abgelehnt, siehe findings), accepted (angenommen, in Bearbeitung), paid, cancelled" }),
    statusLabel: label("Status"),
    state: z.enum(PROVIDER_INVOICE_STATES).openapi({ description: "Bearbeitungsstand: rejected, in_review, factually_correct, arithmetically_correct, ordered, in_payment_run, paid, cancelled" }),
    stateLabel: label("Bearbeitungsstand, z. B. „sachlich richtig“ oder „bezahlt am 03.04.2026“"),
    channel: z.enum(["portal", "api", "manual"]),
    form: z.string().openapi({ description: "ubl, cii, zugferd oder paper" }),
    issueDate: IsoDate.nullable().openapi({ description: "Rechnungsdatum (BT-2)" }),
    receivedAt: Instant,
    receivedOn: IsoDate.openapi({ description: "Eingangstag; Beginn des Zahlungsziels" }),
    dueOn: IsoDate.nullable().openapi({ description: "Fällig am (Eingang + Zahlungsziel, höchstens 60 Tage); null bei einer abgelehnten Rechnung" }),
    paidOn: IsoDate.nullable().openapi({ description: "Ausgezahlt am" }),
    currency: z.string(),
    grossCents: Cents.openapi({ description: "Rechnungsbetrag brutto (BT-112) in Cent" }),
    dueAmountCents: Cents.openapi({ description: "Zahlbetrag (BT-115) in Cent" }),
    contract: z.string().nullable().openapi({ description: "Nummer des zugeordneten Vertrags" }),
    findings: z.array(InvoiceFinding).openapi({ description: "Befunde der Prüfung bei Eingang (leer, wenn angenommen)" }),
    location: z.string().openapi({ description: "/api/v1/invoices/{id}" }),
  })
  .openapi("Invoice");

export const InvoiceReceipt = z
  .object({ id: Id, reference: z.string(), status: z.enum(INVOICE_STATUSES), statusLabel: label("Status"), location: z.string().openapi({ description: "/api/v1/invoices/{id}" }) })
  .openapi("InvoiceReceipt");

// Spelled out (see PlacementRejected): the refused invoice is stored; `errors` lists the findings by rule.
export const InvoiceRejected = z
  .object({
    ...Problem.shape,
    invoice: InvoiceReceipt,
    findings: z.array(InvoiceFinding).openapi({ description: "Alle Befunde; dieselben stehen je Regel in `errors`" }),
  })
  .openapi("InvoiceRejected", { description: "Problem (RFC 9457): die Rechnung ist eingegangen und gespeichert, aber abgelehnt; `errors` nennt je Regel den Befund" });

export const InvoicePage = pageOf(Invoice, "InvoicePage");

export const InvoiceMultipart = z
  .object({ file: z.instanceof(Blob).openapi({ type: "string", format: "binary", description: "Die Rechnung: XRechnung (XML, UBL oder CII) oder ZUGFeRD-/Factur-X-PDF" }) })
  .openapi("InvoiceMultipart");

export const TenderPage = pageOf(TenderSummary, "TenderPage");
export const OfferPage = pageOf(OwnOffer, "OfferPage");
export const AssignmentPage = pageOf(Assignment, "AssignmentPage");
export const PlacementPage = pageOf(PlacementRow, "PlacementPage");

// ---- Requests ------------------------------------------------------------------------------

const strictBoolean = (description: string) =>
  z.boolean({ required_error: "Angabe fehlt (true oder false).", invalid_type_error: "Bitte ja oder nein angeben (true oder false)." }).openapi({ description });

export const OfferSubmission = z
  .object({
    lots: z
      .array(
        z
          .object({
            lotId: Id,
            unitPriceCents: Cents.openapi({ description: "Preis in Cent in der Preiseinheit des Loses" }),
            successFeeCents: Cents.nullable().optional(),
          })
          .strict(),
      )
      .min(1, "Mindestens ein Los mit Preis angeben.")
      .max(100),
    declarations: z
      .object({
        eligible: strictBoolean("Eignung erklärt"),
        noExclusionGrounds: strictBoolean("Keine Ausschlussgründe (§§ 123, 124 GWB)"),
        certificateValid: strictBoolean("Zulassung (AZAV) gültig"),
      })
      .strict(),
    concept: z
      .object({ filename: z.string().min(1).max(200), contentBase64: z.string().min(1).openapi({ format: "byte" }) })
      .strict()
      .nullable()
      .optional()
      .openapi({ description: "Nur bei application/json: das Konzept als PDF, Base64-kodiert" }),
  })
  .strict()
  .openapi("OfferSubmission");
export type OfferSubmissionOutput = z.output<typeof OfferSubmission>;

export const OfferMultipart = z
  .object({
    offer: z.string().openapi({ description: "OfferSubmission als JSON, ohne „concept“" }),
    concept: z.instanceof(Blob).optional().openapi({ type: "string", format: "binary", description: "Das Konzept (PDF)" }),
  })
  .openapi("OfferMultipart");

export const PlacementSubmission = z
  .object({
    assignmentId: Id,
    employerName: z.string().max(200),
    employerStreet: z.string().max(200),
    employerPostalCode: z.string().max(10),
    employerCity: z.string().max(100),
    employerVatId: z.string().max(20).nullable().optional().openapi({ description: "USt-IdNr. des Arbeitgebers" }),
    employerIban: z.string().max(42).nullable().optional(),
    employerManager: z.string().max(200).nullable().optional().openapi({ description: "Geschäftsführer/Inhaber" }),
    abroad: strictBoolean("Beschäftigung im EU/EWR-Ausland (Vorgabe false)").optional(),
    contractDate: IsoDate.openapi({ description: "Datum des Arbeitsvertrags" }),
    jobStart: IsoDate.openapi({ description: "Beschäftigungsbeginn" }),
    weeklyHours: z.number().positive().max(80).openapi({ description: "Wöchentliche Arbeitszeit in Stunden, z. B. 38.5" }),
    insured: strictBoolean("sozialversicherungspflichtig"),
    fixedTermEnd: IsoDate.nullable().optional().openapi({ description: "Ende der Befristung (null: unbefristet)" }),
    occupation: z.string().max(200).openapi({ description: "Tätigkeit" }),
    brokerContractDate: IsoDate.nullable().optional().openapi({ description: "Datum des schriftlichen Vermittlungsvertrags mit dem Kunden" }),
    jobOfferDate: IsoDate.nullable().optional().openapi({ description: "Datum des Stellenangebots" }),
    // The domain's own field schema: the same checks and messages as the service applies.
    claimedFeeCents: claimedFeeCents.openapi({ description: "Geforderte Vergütung in Cent; ohne: der Betrag der Zuweisung" }),
  })
  .strict()
  .openapi("PlacementSubmission");

const pdfPart = (description: string) => z.instanceof(Blob).openapi({ type: "string", format: "binary", description });

export const PlacementMultipart = z
  .object({
    placement: z.string().openapi({ description: "PlacementSubmission als JSON" }),
    employmentContract: pdfPart("Arbeitsvertrag (PDF)"),
    employerConfirmation: pdfPart("Bestätigung des Arbeitgebers (PDF)"),
    brokerContract: pdfPart("Schriftlicher Vermittlungsvertrag mit dem Kunden (PDF)"),
  })
  .openapi("PlacementMultipart");

export const InstalmentProofMultipart = z
  .object({
    confirmation: pdfPart("Bestätigung des Arbeitgebers (PDF)"),
    confirmedUntil: IsoDate.openapi({ description: "Bis zu diesem Tag bestätigt der Arbeitgeber die ununterbrochene Beschäftigung" }),
    uninterrupted: z.enum(["true"]).openapi({ description: "Die Beschäftigung war ununterbrochen" }),
    sameEmployer: z.enum(["true", "false"]).optional().openapi({ description: "Für die 2. Rate: beim selben Arbeitgeber" }),
  })
  .openapi("InstalmentProofMultipart");
export type PlacementSubmissionOutput = z.output<typeof PlacementSubmission>;

// ---- Measure catalogue (issue 11) ----------------------------------------------------------------

const MEASURE_STATE_CODES = ["proposed", "active", "rejected", "closed"] as const;
const MEASURE_ORIGIN_CODES = ["contract", "ba", "certified", "employer"] as const;
const PRICE_MODEL_CODES = ["participant", "place_month", "hour", "mae_month", "none"] as const;
const PRO_RATA_CODES = ["days", "full", "from_16th"] as const;
const BILL_EVENT_CODES = ["entry", "completion", "success", "transfer"] as const;
const TARGET_GROUP_CODES = ["long_term_unemployed", "severely_disabled", "rehab", "youth", "single_parent", "language_needs"] as const;

export const MeasureQuery = PageQuery.extend({
  status: z.enum(MEASURE_STATE_CODES).optional().openapi({ description: "Nur Einträge in diesem Status (proposed, active, rejected, closed)" }),
});

export const MeasureEventFee = z
  .object({
    event: z.enum(BILL_EVENT_CODES).openapi({ description: "entry (Eintritt), completion (Abschluss), success (Integration), transfer (Übergang in betriebliche Ausbildung)" }),
    label: z.string().max(100).openapi({ description: "Bezeichnung, z. B. „Übergangsprämie“" }),
    amountCents: Cents,
  })
  .openapi("MeasureEventFee");

export const Measure = z
  .object({
    id: Id,
    reference: z.string().openapi({ description: "Katalognummer, z. B. M-2026-0012" }),
    title: z.string(),
    description: z.string(),
    typeCode: z.string().openapi({ description: "Maßnahmeart (bae, reha_bae, p421i, p37, training, employer_training, fbw, mae, qal, youth, other)" }),
    typeName: label("Maßnahmeart"),
    origin: z.enum(MEASURE_ORIGIN_CODES).openapi({ description: "contract (eigene Vergabe), ba (Plätze der BA, § 108 Abs. 6 GWB), certified (AZAV-zugelassen), employer" }),
    originLabel: label("Herkunft"),
    status: z.enum(MEASURE_STATE_CODES).openapi({ description: "proposed (Vorschlag, wird geprüft), active (im Katalog), rejected, closed" }),
    statusLabel: label("Status"),
    statusReason: z.string().openapi({ description: "Grund der Ablehnung oder Schließung" }),
    region: z.string(),
    location: z.string().openapi({ description: "Ort der Maßnahme (Anschrift)" }),
    format: z.enum(["group", "individual"]),
    entryMode: z.enum(["dates", "continuous"]),
    startDates: z.array(IsoDate).openapi({ description: "Feste Starttermine (entryMode dates)" }),
    duration: z.number().int(),
    durationUnit: z.enum(["month", "week", "day"]),
    weeklyHours: z.number().openapi({ description: "Stunden je Woche, z. B. 39.5" }),
    capacity: z.number().int().openapi({ description: "Plätze zur selben Zeit" }),
    priceModel: z.enum(PRICE_MODEL_CODES),
    priceModelLabel: label("Preismodell"),
    priceCents: Cents.openapi({ description: "Preis je Einheit des Preismodells in Cent" }),
    proRata: z.string().nullable().openapi({ description: "Angefangene Monate (nur monatliche Preismodelle): days, full oder from_16th; sonst null" }),
    eventFees: z.array(MeasureEventFee),
    targetGroups: z.array(z.enum(TARGET_GROUP_CODES)),
    minAge: z.number().int().nullable(),
    maxAge: z.number().int().nullable(),
    entryConditions: z.string(),
    validFrom: IsoDate.openapi({ description: "Einkauf möglich ab" }),
    validUntil: IsoDate.openapi({ description: "Einkauf möglich bis" }),
    baReference: z.string().nullable().openapi({ description: "Nummer der BA (origin ba)" }),
    azavNumber: z.string().nullable().openapi({ description: "Maßnahmezulassung (origin certified)" }),
    azavValidFrom: IsoDate.nullable(),
    azavValidUntil: IsoDate.nullable(),
    contract: z.string().nullable().openapi({ description: "Vertragsnummer (origin contract)" }),
    href: z.string().openapi({ description: "/api/v1/measures/{id}" }),
  })
  .openapi("Measure");

export const MeasurePage = pageOf(Measure, "MeasurePage");

export const MeasureProposal = z
  .object({
    typeCode: z.string().max(30).openapi({ description: "Maßnahmeart (siehe Measure.typeCode)" }),
    title: z.string().max(200),
    description: z.string().max(2000).optional(),
    region: z.string().max(100).optional(),
    location: z.string().max(200).optional(),
    format: z.enum(["group", "individual"]).optional().openapi({ description: "Vorgabe group" }),
    entryMode: z.enum(["dates", "continuous"]),
    startDates: z.array(IsoDate).max(100).optional().openapi({ description: "Pflicht bei entryMode dates; innerhalb von validFrom bis validUntil" }),
    duration: z.number().int().openapi({ description: "Dauer einer Teilnahme, mindestens 1" }),
    durationUnit: z.enum(["month", "week", "day"]),
    weeklyHours: z.number().openapi({ description: "Stunden je Woche, über 0 bis 80, z. B. 39.5" }),
    capacity: z.number().int().openapi({ description: "Plätze zur selben Zeit, mindestens 1" }),
    priceModel: z.enum(PRICE_MODEL_CODES).optional().openapi({ description: "Ohne Angabe: das Preismodell der Maßnahmeart" }),
    priceCents: Cents.openapi({ description: "Preis in Cent; 0 nur beim Preismodell none" }),
    proRata: z.enum(PRO_RATA_CODES).optional().openapi({ description: "Angefangene Monate: days, full oder from_16th; Pflicht bei place_month und mae_month" }),
    eventFees: z.array(MeasureEventFee.partial({ label: true })).max(10).optional(),
    targetGroups: z.array(z.enum(TARGET_GROUP_CODES)).optional(),
    minAge: z.number().int().nullable().optional(),
    maxAge: z.number().int().nullable().optional(),
    entryConditions: z.string().max(2000).optional(),
    validFrom: IsoDate,
    validUntil: IsoDate,
    baReference: z.string().max(100).optional().openapi({ description: "Pflicht für die BA (Herkunft ba)" }),
    azavNumber: z.string().max(100).optional().openapi({ description: "Pflicht für Bildungsträger (Herkunft certified)" }),
    azavValidFrom: IsoDate.nullable().optional(),
    azavValidUntil: IsoDate.nullable().optional(),
  })
  .strict()
  .openapi("MeasureProposal");
export type MeasureProposalOutput = z.output<typeof MeasureProposal>;
// ---- Participation (issue 11, point 6): entry, monthly attendance, exams, exit ---------------

export const PurchaseParticipation = z
  .object({
    id: Id,
    reference: z.string().openapi({ description: "Nummer des Platzkaufs" }),
    status: z.enum(PURCHASE_STATES),
    statusLabel: label("Status"),
    startDate: IsoDate.openapi({ description: "Geplanter Beginn" }),
    endDate: IsoDate.openapi({ description: "Geplantes Ende" }),
    entryDate: IsoDate.nullable().openapi({ description: "Gemeldeter Eintritt" }),
    exitDate: IsoDate.nullable().openapi({ description: "Gemeldeter Austritt" }),
    exitReason: z.string().nullable().openapi({ description: `Grund eines vorzeitigen Austritts (${EXIT_REASONS.join(", ")}); null ohne vorzeitigen Austritt` }),
  })
  .openapi("PurchaseParticipation");

export const EntryReport = z
  .object({
    entryDate: IsoDate.openapi({ description: "Tag des Eintritts: nicht in der Zukunft, höchstens 30 Tage vor dem geplanten Beginn" }),
  })
  .strict()
  .openapi("EntryReport");

const dayCount = (what: string) => z.number().int().min(0).max(31).openapi({ description: `Tage ${what}` });
export const AttendanceReport = z
  .object({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Monat im Format JJJJ-MM angeben.").openapi({ example: "2026-03", description: "Monat (JJJJ-MM) zwischen dem Monat des Eintritts und dem des Austritts bzw. dem laufenden Monat" }),
    daysPresent: dayCount("anwesend"),
    daysExcused: dayCount("entschuldigt gefehlt"),
    daysUnexcused: dayCount("unentschuldigt gefehlt"),
  })
  .strict()
  .openapi("AttendanceReport", { description: "Zusammen höchstens die Tage des Monats, die in die Teilnahme fallen (Eintritt bis Austritt bzw. geplantes Ende)" });

export const AttendanceMonthRow = z
  .object({
    month: z.string().openapi({ example: "2026-03" }),
    daysPresent: z.number().int(),
    daysExcused: z.number().int(),
    daysUnexcused: z.number().int(),
    daysInParticipation: z.number().int().openapi({ description: "Tage des Monats in der Teilnahme: das Höchste, was gemeldet werden kann" }),
    billed: z.boolean().openapi({ description: "Der Monat ist abgerechnet (bestätigt oder in Rechnung gestellt): keine Korrektur mehr" }),
    channel: z.enum(["portal", "api", "staff"]),
    reportedAt: Instant,
  })
  .openapi("AttendanceMonth");

export const AttendanceList = z
  .object({
    purchaseId: Id,
    reference: z.string(),
    items: z.array(AttendanceMonthRow),
  })
  .openapi("AttendanceList");

export const ExamReport = z
  .object({
    examName: z.string().min(1).max(200).openapi({ description: "Bezeichnung der Prüfung, z. B. „Gesellenprüfung Tischler“" }),
    examDate: IsoDate.openapi({ description: "Prüfungstag: nicht in der Zukunft, nicht vor dem Eintritt" }),
    passed: strictBoolean("bestanden"),
    grade: z.string().max(50).optional().openapi({ description: "Note (frei, z. B. „2,3“)" }),
  })
  .strict()
  .openapi("ExamReport");

export const ExamResultRow = z
  .object({
    id: Id,
    examName: z.string(),
    examDate: IsoDate,
    passed: z.boolean(),
    grade: z.string(),
  })
  .openapi("ExamResult");

export const ExitReport = z
  .object({
    exitDate: IsoDate.openapi({ description: "Letzter Tag der Teilnahme: nicht in der Zukunft, nicht vor dem Eintritt, nicht nach dem geplanten Ende" }),
    kind: z.enum(["completed", "dropped_out"]).openapi({ description: "completed: regulär abgeschlossen; dropped_out: vorzeitiger Austritt (mit Grund)" }),
    reason: z.enum(EXIT_REASONS).optional().openapi({ description: "Pflicht bei dropped_out" }),
    note: z.string().max(1000).optional().openapi({ description: "Erläuterung (Pflicht beim Grund „other“, mindestens 10 Zeichen)" }),
    earlyCompletionConfirmed: z
      .boolean()
      .optional()
      .openapi({ description: "Bei kind completed mit einem Austritt vor dem geplanten Ende Pflicht (true): bestätigt den regulären Abschluss vor dem geplanten Ende (wie das Kästchen im Portal); sonst 422 mit einem Hinweis im Feld earlyCompletionConfirmed" }),
  })
  .strict()
  .openapi("ExitReport");
// ---- Bills of places (issue 11, point 8) ----------------------------------------------------

export const BillQuery = PageQuery.extend({
  status: z.enum(BILL_STATUSES).optional().openapi({ description: "Nur Abrechnungen in diesem Status (proposed: zur Bestätigung, confirmed, invoiced: mit eigener E-Rechnung abgerechnet, cancelled)" }),
});

export const Bill = z
  .object({
    id: Id,
    reference: z.string().openapi({ description: "Nummer der Abrechnung, z. B. AB-2026-000042; wird bei der Bestätigung die Rechnungsnummer" }),
    purchase: z.string().openapi({ description: "Nummer des Platzkaufs (EP-…); in einer eigenen E-Rechnung als Bestellreferenz (BT-13) angeben" }),
    purchaseId: Id,
    client: z.string().openapi({ description: "Kennzeichen der Teilnehmerin bzw. des Teilnehmers (pseudonym)" }),
    kind: z.enum(["month", "event"]).openapi({ description: "month: Monatsabrechnung; event: Abrechnung auf ein Ereignis" }),
    event: z.string().nullable().openapi({ description: "entry, completion, success oder transfer (nur bei kind event)" }),
    periodStart: IsoDate,
    periodEnd: IsoDate,
    calculation: z.string().openapi({ description: "Die Berechnung in Worten (Tage, Regel, Preis)" }),
    amountCents: Cents.openapi({ description: "Betrag in Cent (umsatzsteuerfrei)" }),
    status: z.enum(BILL_STATUSES),
    statusLabel: label("Status"),
    invoiceId: Id.nullable().openapi({ description: "Die Rechnung, die aus der Bestätigung entstand oder der die Abrechnung zugeordnet ist (/api/v1/invoices/{id})" }),
    location: z.string().openapi({ description: "/api/v1/bills/{id}" }),
  })
  .openapi("Bill");

export const BillPage = pageOf(Bill, "BillPage");

export const BillConfirmation = z
  .object({
    bill: Bill,
    invoice: z.object({ id: Id, reference: z.string().openapi({ description: "Eingangsnummer der Rechnung (RE-…)" }), number: z.string().openapi({ description: "Rechnungsnummer = Nummer der Abrechnung" }), location: z.string().openapi({ description: "/api/v1/invoices/{id}" }) }),
  })
  .openapi("BillConfirmation");
// ---- Place purchases (issue 11): the provider's orders --------------------------------------

const PURCHASE_STATUS_CODES = ["ordered", "confirmed", "declined", "running", "completed", "dropped_out", "cancelled"] as const;

export const PurchaseQuery = PageQuery.extend({
  status: z.enum(PURCHASE_STATUS_CODES).optional().openapi({ description: "Nur Bestellungen in diesem Status (ordered, confirmed, declined, running, completed, dropped_out, cancelled)" }),
});

export const PurchaseParticipant = z
  .object({
    client: z.string().openapi({ description: "Kennzeichen der Teilnehmerin bzw. des Teilnehmers (pseudonym)" }),
    name: z.string().nullable().openapi({ description: "Name, nur mit Einwilligung und solange der Platz gehalten wird; sonst null" }),
    contact: z
      .object({ street: z.string(), postalCode: z.string(), city: z.string(), phone: z.string(), email: z.string() })
      .nullable()
      .openapi({ description: "Kontakt, nur mit Einwilligung; sonst null" }),
    ageAtStart: z.number().int().nullable().openapi({ description: "Alter bei Beginn (nur bei Maßnahmen mit Altersgrenze)" }),
    qualification: z.string(),
    targetOccupation: z.string().openapi({ description: "Zielberuf" }),
    entryDate: IsoDate.nullable().openapi({ description: "Gemeldeter Eintritt" }),
    exitDate: IsoDate.nullable().openapi({ description: "Gemeldeter Austritt" }),
  })
  .openapi("PurchaseParticipant");

export const Purchase = z
  .object({
    id: Id,
    reference: z.string().openapi({ description: "Bestellnummer, z. B. EP-2026-00042" }),
    status: z.enum(PURCHASE_STATUS_CODES),
    statusLabel: label("Status"),
    measure: z.object({ id: Id, reference: z.string(), title: z.string() }).openapi({ description: "Die Maßnahme des Katalogs" }),
    startDate: IsoDate.openapi({ description: "Geplanter Beginn" }),
    endDate: IsoDate.openapi({ description: "Geplantes Ende" }),
    priceModel: z.string().openapi({ description: "participant, place_month, hour, mae_month oder none" }),
    priceModelLabel: label("Vergütungsart"),
    price: z.string().openapi({ description: "Preis in Worten, z. B. „1.200,00 € je Platz und Monat“" }),
    priceCents: Cents,
    hours: z.number().int().nullable().openapi({ description: "Gekaufte Stunden (Vergütung je Stunde)" }),
    estimatedCents: Cents.openapi({ description: "Voraussichtliche Kosten des Platzes in Cent" }),
    orderedAt: Instant.nullable(),
    answerBy: IsoDate.nullable().openapi({ description: "Antwort erbeten bis" }),
    answeredAt: Instant.nullable(),
    statusReason: z.string().openapi({ description: "Begründung einer Ablehnung oder Stornierung" }),
    participant: PurchaseParticipant,
    orderDocument: z.string().nullable().openapi({ description: "Adresse des Bestellscheins (PDF), z. B. /documents/17" }),
    location: z.string().openapi({ description: "/api/v1/purchases/{id}" }),
  })
  .openapi("Purchase");

export const PurchasePage = pageOf(Purchase, "PurchasePage");

export const PurchaseDecline = z
  // The length rule is the machine's guard (422 with its German text), not a 400 of the schema.
  .object({ reason: z.string().max(1000).openapi({ description: "Grund der Absage (mindestens 10 Zeichen; sonst 422)" }) })
  .strict()
  .openapi("PurchaseDecline");

// ---- Provider comparison (issue 12, point 6): the provider's own outcomes ------------------

export const OUTCOME_MEASURE_KEYS = ["integration", "sustainability", "dropout", "exam", "cost_per_integration", "placement", "days_to_placement", "second_instalment", "cost_per_lasting"] as const;

export const ProviderOutcomeQuery = z.object({
  line: z.enum(["places", "brokers"]).optional().openapi({ description: "places: eingekaufte Plätze (Träger); brokers: Vermittlungen (Vermittler). Ohne: nach der Art der eigenen Organisation" }),
  measure: z.enum(OUTCOME_MEASURE_KEYS).optional().openapi({ description: "Nur diese Kennzahl; ohne: alle Kennzahlen der Linie" }),
  typeCode: z.string().regex(/^[a-z0-9_]{1,40}$/, "Maßnahmeart als Code angeben, z. B. „bae“.").optional().openapi({ description: "Nur diese Maßnahmeart (Code, z. B. „bae“)" }),
  period: z.enum(["year", "rolling12", "rolling24"]).optional().openapi({ description: "year: Kalenderjahr (mit `year`); rolling12/rolling24: die 12 bzw. 24 Monate bis `end`" }),
  year: z.string().regex(/^\d{4}$/, "Jahr vierstellig angeben, z. B. 2007.").optional().openapi({ description: "Kalenderjahr (bei period=year)" }),
  end: IsoDate.optional().openapi({ description: "Letzter Tag des rollierenden Zeitraums (bei rolling12/rolling24)" }),
});

const share = (what: string) => z.number().nullable().openapi({ description: `${what}; bei Quoten ein Anteil zwischen 0 und 1, bei Kosten Cent, bei Dauern Tage; null, wenn gesperrt oder nicht berechenbar` });

export const ProviderOutcome = z
  .object({
    measure: z.enum(OUTCOME_MEASURE_KEYS),
    measureLabel: label("Kennzahl"),
    definition: z.string().openapi({ description: "Was gezählt wird, auf Deutsch" }),
    unit: z.enum(["rate", "cents", "days"]),
    suppressed: z.enum(["none", "small", "secondary"]).openapi({ description: "none: ausgewiesen; small: weniger Fälle als die Mindestzahl; secondary: gesperrt, damit sich eine kleine Zahl nicht errechnen lässt. Gesperrt heißt: alle Zahlen dieser Kennzahl sind null" }),
    suppressedLabel: z.string().nullable().openapi({ description: "„< 3“ oder „gesperrt“; null, wenn ausgewiesen" }),
    k: z.number().int().nullable().openapi({ description: "Ereignisse (z. B. Integrationen)" }),
    n: z.number().int().nullable().openapi({ description: "Fälle (z. B. Austritte)" }),
    value: share("Eigener Wert"),
    low: share("Untere Grenze des 95-%-Vertrauensbereichs"),
    high: share("Obere Grenze des 95-%-Vertrauensbereichs"),
    expected: share("Erwarteter Wert nach der Zusammensetzung der eigenen Kundinnen und Kunden"),
    ratio: z.number().nullable().openapi({ description: "tatsächlich ÷ erwartet" }),
    ratioLow: z.number().nullable(),
    ratioHigh: z.number().nullable(),
    overall: share("Gesamtwert aller Träger (anonym)"),
    limits: z
      .object({ low95: z.number(), high95: z.number(), low998: z.number(), high998: z.number() })
      .nullable()
      .openapi({ description: "95-%- und 99,8-%-Grenzen um den Gesamtwert bei der eigenen Fallzahl" }),
    position: z.string().nullable().openapi({ description: "above998, above95, within, below95 oder below998 (Lage zu den Grenzen); null ohne Vergleich" }),
    positionLabel: z.string().nullable().openapi({ description: "Lage in Worten, z. B. „im Bereich des Erwartbaren“" }),
  })
  .openapi("ProviderOutcome");

export const ProviderOutcomes = z
  .object({
    provider: z.object({ name: z.string() }).openapi({ description: "Die eigene Organisation" }),
    line: z.enum(["places", "brokers"]),
    typeCode: z.string().nullable(),
    period: z.object({ kind: z.enum(["year", "rolling12", "rolling24"]), from: IsoDate, to: IsoDate, label: z.string() }),
    asOf: Instant.openapi({ description: "Datenstand: gezählt wird, was bis zu diesem Zeitpunkt erfasst war" }),
    minCell: z.number().int().openapi({ description: "Mindestzahl der Fälle, ab der ein Wert ausgewiesen wird" }),
    items: z.array(ProviderOutcome),
  })
  .openapi("ProviderOutcomes");
