/**
 * The OpenAPI 3.1 description of /api/v1. A test checks that every API route of the Remix
 * manifest appears here, so a new endpoint cannot go undocumented.
 */
const problem = {
  description: "Fehler (RFC 9457, `detail` auf Deutsch)",
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Vergabe und Trägerverwaltung – Schnittstelle für Träger und Vermittler",
    version: "1.0.0",
    description:
      "Schnittstelle für die Systeme der Träger und privaten Arbeitsvermittler. Authentifizierung mit einem persönlichen API-Schlüssel (im Portal unter „API-Zugänge“ erzeugt) im Kopf `Authorization: Bearer …`. Ein Zugang sieht nur die Daten der eigenen Organisation.",
  },
  servers: [{ url: "/api/v1" }],
  security: [{ bearer: [] }],
  paths: {
    "/me": {
      get: {
        operationId: "getMe",
        summary: "Der angemeldete Benutzer",
        responses: {
          "200": { description: "Benutzer", content: { "application/json": { schema: { $ref: "#/components/schemas/Me" } } } },
          "401": problem,
          "403": problem,
        },
      },
    },
    "/provider": {
      get: {
        operationId: "getOwnProvider",
        summary: "Die eigene Organisation (Stammdaten, Zulassungen, Kontaktpersonen)",
        responses: {
          "200": { description: "Organisation", content: { "application/json": { schema: { $ref: "#/components/schemas/Provider" } } } },
          "401": problem,
          "403": problem,
          "404": problem,
        },
      },
    },
    "/tenders": {
      get: {
        operationId: "listTenders",
        summary: "Veröffentlichte Ausschreibungen",
        responses: { "200": { description: "Liste", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/TenderSummary" } } } } }, "401": problem, "403": problem },
      },
    },
    "/tenders/{id}": {
      get: {
        operationId: "getTender",
        summary: "Eine Ausschreibung mit Losen, Kriterien und veröffentlichten Antworten auf Bieterfragen",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Ausschreibung", content: { "application/json": { schema: { type: "object" } } } }, "401": problem, "403": problem, "404": problem },
      },
    },
    "/tenders/{id}/offers": {
      get: {
        operationId: "listOwnOffers",
        summary: "Die eigenen Angebote zu einer Ausschreibung (Eingangsdaten)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Angebote", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/OwnOffer" } } } } }, "401": problem, "403": problem, "404": problem },
      },
      post: {
        operationId: "submitOffer",
        summary: "Angebot abgeben oder ersetzen (die zuletzt eingegangene Fassung zählt)",
        description: "Als JSON (Konzept Base64-kodiert) oder als multipart/form-data mit dem Teil „offer“ (JSON ohne concept) und der Datei „concept“ (PDF). Maßgeblich ist der Eingang beim Server; nach Ablauf der Angebotsfrist antwortet der Server mit 409.",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/OfferSubmission" } },
            "multipart/form-data": { schema: { type: "object", properties: { offer: { type: "string", description: "OfferSubmission als JSON, ohne concept" }, concept: { type: "string", format: "binary" } } } },
          },
        },
        responses: {
          "201": { description: "Eingangsbestätigung", content: { "application/json": { schema: { $ref: "#/components/schemas/OfferReceipt" } } } },
          "400": problem,
          "401": problem,
          "403": problem,
          "404": problem,
          "409": problem,
          "413": problem,
          "415": problem,
        },
      },
    },
    "/offers/{id}": {
      get: {
        operationId: "getOwnOffer",
        summary: "Ein eigenes Angebot (Eingangsdaten)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Angebot", content: { "application/json": { schema: { $ref: "#/components/schemas/OwnOffer" } } } }, "401": problem, "403": problem, "404": problem },
      },
      delete: {
        operationId: "withdrawOffer",
        summary: "Das aktuelle Angebot vor Ablauf der Angebotsfrist zurückziehen",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "204": { description: "zurückgezogen" }, "401": problem, "403": problem, "404": problem, "409": problem },
      },
    },
    "/assignments": {
      get: {
        operationId: "listOwnAssignments",
        summary: "Die eigenen Zuweisungen (Vermittlungsgutscheine) mit den Angaben, die ein Vermittler sehen darf",
        description:
          "Je Zuweisung das Kennzeichen des Kunden, Qualifikation, Zielberuf, Region, Gültigkeit und die höchste Vergütung. Name und Kontaktdaten nur, wenn der Kunde in die Weitergabe eingewilligt hat (§ 298 SGB III), sonst null. Leistungs-, Haushalts- und Gesundheitsdaten werden nie übermittelt.",
        parameters: [{ name: "status", in: "query", required: false, description: "„active“ (Vorgabe): nur gültige Zuweisungen; „all“: alle", schema: { type: "string", enum: ["active", "all"], default: "active" } }],
        responses: {
          "200": { description: "Zuweisungen", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Assignment" } } } } },
          "400": problem,
          "401": problem,
          "403": problem,
        },
      },
    },
    "/placements": {
      get: {
        operationId: "listOwnPlacements",
        summary: "Die eigenen Vermittlungsnachweise, neueste zuerst (25 je Seite)",
        parameters: [
          { name: "status", in: "query", required: false, schema: { type: "string", enum: ["submitted", "documents_requested", "accepted", "rejected", "withdrawn"] } },
          { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1, default: 1 } },
        ],
        responses: {
          "200": { description: "Eine Seite der Liste", content: { "application/json": { schema: { $ref: "#/components/schemas/PlacementList" } } } },
          "400": problem,
          "401": problem,
          "403": problem,
        },
      },
      post: {
        operationId: "submitPlacement",
        summary: "Eine Vermittlung melden (Vermittlungsnachweis einreichen)",
        description:
          "Als multipart/form-data mit dem Teil „placement“ (PlacementSubmission als JSON) und den PDF-Dateien „employmentContract“ (Arbeitsvertrag) und „employerConfirmation“ (Bestätigung des Arbeitgebers) und „brokerContract“ (schriftlicher Vermittlungsvertrag mit dem Kunden), alle drei Pflicht. Oder als application/json (PlacementSubmission) ohne Dateien: die Unterlagen sind dann vor der Entscheidung im Trägerportal nachzureichen. Der Nachweis wird bei Eingang nach den Prüfregeln geprüft; verletzt er eine Regel, wird er sofort abgelehnt (Bescheid im Portal) und der Server antwortet mit 422.",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["placement", "employmentContract", "employerConfirmation", "brokerContract"],
                properties: {
                  placement: { type: "string", description: "PlacementSubmission als JSON" },
                  employmentContract: { type: "string", format: "binary", description: "Arbeitsvertrag (PDF)" },
                  employerConfirmation: { type: "string", format: "binary", description: "Bestätigung des Arbeitgebers (PDF)" },
                  brokerContract: { type: "string", format: "binary", description: "Schriftlicher Vermittlungsvertrag mit dem Kunden (PDF, Pflicht)" },
                },
              },
            },
            "application/json": { schema: { $ref: "#/components/schemas/PlacementSubmission" } },
          },
        },
        responses: {
          "201": { description: "Eingegangen; wird geprüft. Kopf „Location“: die Adresse des Nachweises.", content: { "application/json": { schema: { $ref: "#/components/schemas/PlacementReceipt" } } } },
          "200": { description: "Derselbe Nachweis (gleiche Zuweisung, Arbeitgeber, Daten und Arbeitszeit) ging in den letzten 10 Minuten schon ein, z. B. bei einer Wiederholung: der vorhandene Nachweis wird zurückgegeben (`duplicate: true`), nichts wird neu angelegt.", content: { "application/json": { schema: { $ref: "#/components/schemas/PlacementReceipt" } } } },
          "400": { description: "Ungültige Angaben oder Dateien; `errors` nennt je Feld die Meldung (z. B. „employmentContract“: kein PDF)", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
          "401": problem,
          "403": problem,
          "409": problem,
          "413": problem,
          "415": problem,
          "422": {
            description: "Bei Eingang abgelehnt: `detail` nennt die Gründe auf Deutsch; `errors` die nicht erfüllten Prüfregeln, `claim` den angelegten (abgelehnten) Nachweis",
            content: { "application/problem+json": { schema: { $ref: "#/components/schemas/PlacementRejected" } } },
          },
        },
      },
    },
    "/placements/{id}": {
      get: {
        operationId: "getOwnPlacement",
        summary: "Ein eigener Vermittlungsnachweis mit Prüfergebnissen, Raten, Unterlagen und Bescheiden",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: { "200": { description: "Vermittlungsnachweis", content: { "application/json": { schema: { $ref: "#/components/schemas/Placement" } } } }, "401": problem, "403": problem, "404": problem },
      },
    },
    "/placements/{id}/instalments/{number}": {
      parameters: [
        { name: "id", in: "path", required: true, schema: { type: "integer" } },
        { name: "number", in: "path", required: true, schema: { type: "integer", minimum: 1 }, description: "1 oder 2" },
      ],
      get: {
        operationId: "getOwnInstalment",
        summary: "Eine Rate eines eigenen Vermittlungsnachweises",
        responses: { "200": { description: "Rate", content: { "application/json": { schema: { $ref: "#/components/schemas/Instalment" } } } }, "401": problem, "403": problem, "404": problem },
      },
      post: {
        operationId: "proveOwnInstalment",
        summary: "Bestätigung des Arbeitgebers für eine Rate einreichen",
        description:
          "multipart/form-data mit der PDF-Datei „confirmation“ und den Feldern „confirmedUntil“ (Datum, bis zu dem der Arbeitgeber die ununterbrochene Beschäftigung bestätigt), „uninterrupted“ (true) und für die 2. Rate „sameEmployer“ (true). Die Rate wird verdient, wenn die Beschäftigungsdauer erreicht und die Ausschlussfrist nicht abgelaufen ist; sonst 422 mit dem Grund (z. B. Tag 41 statt 42). 400 heißt ungültige Angaben oder Datei, 409 die Rate ist nicht (mehr) in einem Status, in dem sie nachgewiesen werden kann.",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["confirmation", "confirmedUntil", "uninterrupted"],
                properties: { confirmation: { type: "string", format: "binary" }, confirmedUntil: { type: "string", format: "date" }, uninterrupted: { type: "string", enum: ["true"] }, sameEmployer: { type: "string", enum: ["true", "false"] } },
              },
            },
          },
        },
        responses: { "200": { description: "Rate verdient", content: { "application/json": { schema: { $ref: "#/components/schemas/Instalment" } } } }, "400": problem, "401": problem, "403": problem, "404": problem, "409": problem, "413": problem, "415": problem, "422": problem },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API-Schlüssel aus dem Portal" } },
    schemas: {
      Instalment: {
        type: "object",
        properties: {
          id: { type: "integer" },
          claim: { type: "string", description: "Nummer des Vermittlungsnachweises" },
          number: { type: "integer" },
          label: { type: "string" },
          amountCents: { type: "integer" },
          earliestOn: { type: "string", format: "date", description: "Erster Tag, an dem die Rate fällig ist und nachgewiesen werden kann: der Tag nach dem letzten Tag der Beschäftigungsdauer" },
          deadlineOn: { type: "string", format: "date", description: "letzter Tag für den Nachweis (§ 326 SGB III)" },
          sameEmployerRequired: { type: "boolean" },
          confirmedUntil: { type: ["string", "null"], format: "date" },
          status: { type: "string", enum: ["pending", "due", "earned", "payable", "paid", "cancelled", "lapsed"] },
          statusLabel: { type: "string" },
        },
      },
      Problem: {
        type: "object",
        required: ["title", "status", "detail"],
        properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" }, errors: { type: "object", additionalProperties: { type: "string" } } },
      },
      TenderSummary: {
        type: "object",
        properties: { id: { type: "integer" }, reference: { type: "string" }, title: { type: "string" }, measure: { type: "string" }, offersUntil: { type: ["string", "null"], format: "date-time" }, status: { type: "string" }, acceptsOffers: { type: "boolean" } },
      },
      OfferSubmission: {
        type: "object",
        required: ["lots", "declarations"],
        properties: {
          lots: { type: "array", items: { type: "object", required: ["lotId", "unitPriceCents"], properties: { lotId: { type: "integer" }, unitPriceCents: { type: "integer", description: "Preis in Cent in der Preiseinheit des Loses" }, successFeeCents: { type: ["integer", "null"] } } } },
          declarations: { type: "object", required: ["eligible", "noExclusionGrounds", "certificateValid"], properties: { eligible: { type: "boolean" }, noExclusionGrounds: { type: "boolean" }, certificateValid: { type: "boolean" } } },
          concept: { type: ["object", "null"], properties: { filename: { type: "string" }, contentBase64: { type: "string" } } },
        },
      },
      OfferReceipt: {
        type: "object",
        properties: { offerId: { type: "integer" }, tenderReference: { type: "string" }, receivedAt: { type: "string", format: "date-time" }, sha256: { type: "string" }, bytes: { type: "integer" }, version: { type: "integer" } },
      },
      OwnOffer: {
        type: "object",
        properties: { id: { type: "integer" }, status: { type: "string", enum: ["submitted", "replaced", "withdrawn"] }, version: { type: "integer" }, receivedAt: { type: "string", format: "date-time" }, receivedSha256: { type: "string" }, receivedBytes: { type: "integer" } },
      },
      RuleResult: {
        type: "object",
        required: ["code", "severity", "message"],
        properties: {
          code: { type: "string", description: "Regel und Kürzel, z. B. „R2-hours“" },
          severity: { type: "string", enum: ["error", "flag"], description: "error: führt zur Ablehnung; flag: Prüfhinweis für die Sachbearbeitung" },
          message: { type: "string", description: "Meldung auf Deutsch mit Werten und Rechtsgrundlage" },
        },
      },
      Assignment: {
        type: "object",
        required: ["assignmentId", "assignment", "client", "name", "contact", "validFrom", "validUntil", "maxFeeCents", "status"],
        properties: {
          assignmentId: { type: "integer", description: "Für „assignmentId“ beim Einreichen eines Nachweises" },
          assignment: { type: "string", description: "Nummer der Zuweisung, z. B. VG-2026-000123" },
          client: { type: "string", description: "Kennzeichen des Kunden (Pseudonym), z. B. K-000042" },
          name: { type: ["string", "null"], description: "Nur mit Einwilligung des Kunden" },
          contact: { type: ["object", "null"], description: "Nur mit Einwilligung des Kunden", properties: { street: { type: "string" }, postalCode: { type: "string" }, city: { type: "string" }, phone: { type: "string" }, email: { type: "string" } } },
          qualification: { type: "string" },
          targetOccupation: { type: "string" },
          region: { type: "string" },
          validFrom: { type: "string", format: "date" },
          validUntil: { type: "string", format: "date" },
          maxFeeCents: { type: "integer", description: "Höchste Vergütung in Cent" },
          status: { type: "string", enum: ["active", "redeemed", "expired", "withdrawn"] },
          statusLabel: { type: "string" },
          legalBasis: { type: "string", enum: ["voucher_421g", "avgs_45", "contract_37", "own_programme"] },
        },
      },
      PlacementSubmission: {
        type: "object",
        required: ["assignmentId", "employerName", "employerStreet", "employerPostalCode", "employerCity", "contractDate", "jobStart", "weeklyHours", "insured", "occupation"],
        properties: {
          assignmentId: { type: "integer" },
          employerName: { type: "string" },
          employerStreet: { type: "string" },
          employerPostalCode: { type: "string" },
          employerCity: { type: "string" },
          employerVatId: { type: ["string", "null"], description: "USt-IdNr. des Arbeitgebers" },
          employerIban: { type: ["string", "null"] },
          employerManager: { type: ["string", "null"], description: "Geschäftsführer/Inhaber" },
          abroad: { type: "boolean", default: false, description: "Beschäftigung im EU/EWR-Ausland" },
          contractDate: { type: "string", description: "Datum des Arbeitsvertrags, JJJJ-MM-TT oder TT.MM.JJJJ" },
          jobStart: { type: "string", description: "Beschäftigungsbeginn, JJJJ-MM-TT oder TT.MM.JJJJ" },
          weeklyHours: { type: ["number", "string"], description: "Wöchentliche Arbeitszeit in Stunden, z. B. 38.5 oder „38,5“" },
          insured: { type: "boolean", description: "sozialversicherungspflichtig" },
          fixedTermEnd: { type: ["string", "null"], description: "Ende der Befristung (leer: unbefristet)" },
          occupation: { type: "string", description: "Tätigkeit" },
          brokerContractDate: { type: ["string", "null"], description: "Datum des schriftlichen Vermittlungsvertrags mit dem Kunden (muss vor dem Arbeitsvertrag liegen)" },
          jobOfferDate: { type: ["string", "null"], description: "Datum des Stellenangebots" },
          claimedFee: { type: ["number", "string", "null"], description: "Vergütung in Euro, z. B. 2000 oder „2.000,00“; leer: der Betrag der Zuweisung" },
        },
      },
      PlacementReceipt: {
        type: "object",
        required: ["id", "reference", "status", "location"],
        properties: {
          id: { type: "integer" },
          reference: { type: "string", description: "z. B. VN-2026-00042" },
          status: { type: "string", enum: ["submitted", "documents_requested", "accepted", "withdrawn"] },
          duplicate: { type: "boolean", description: "true: derselbe Nachweis war schon eingegangen (Antwort 200)" },
          statusLabel: { type: "string" },
          errors: { type: "array", items: { $ref: "#/components/schemas/RuleResult" }, description: "bei 201 immer leer" },
          location: { type: "string", description: "/api/v1/placements/{id}" },
        },
      },
      PlacementRejected: {
        type: "object",
        description: "Problem (RFC 9457) mit den Ergebnissen der Prüfregeln; anders als bei 400 ist `errors` hier eine Liste",
        required: ["title", "status", "detail", "claim", "errors"],
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer", enum: [422] },
          detail: { type: "string", description: "Die Ablehnungsgründe auf Deutsch" },
          claim: { type: "object", properties: { id: { type: "integer" }, reference: { type: "string" }, status: { type: "string", enum: ["rejected"] }, statusLabel: { type: "string" }, location: { type: "string" } } },
          errors: { type: "array", items: { $ref: "#/components/schemas/RuleResult" } },
        },
      },
      PlacementList: {
        type: "object",
        properties: {
          rows: {
            type: "array",
            items: {
              type: "object",
              properties: {
                id: { type: "integer" },
                reference: { type: "string" },
                client: { type: "string", description: "Kennzeichen des Kunden" },
                employerName: { type: "string" },
                contractDate: { type: "string", format: "date" },
                jobStart: { type: "string", format: "date" },
                submittedAt: { type: "string", format: "date-time" },
                status: { type: "string" },
                statusLabel: { type: "string" },
                flagged: { type: "boolean" },
                errors: { type: "integer", description: "Anzahl der Ablehnungsgründe" },
                claimedFeeCents: { type: "integer" },
              },
            },
          },
          total: { type: "integer" },
          page: { type: "integer" },
          pageSize: { type: "integer" },
          pages: { type: "integer" },
        },
      },
      Placement: {
        type: "object",
        properties: {
          id: { type: "integer" },
          reference: { type: "string" },
          status: { type: "string", enum: ["submitted", "documents_requested", "accepted", "rejected", "withdrawn"] },
          statusLabel: { type: "string" },
          channel: { type: "string", enum: ["portal", "api"] },
          legalBasis: { type: "string" },
          legalBasisLabel: { type: "string" },
          assignment: { type: "object", properties: { id: { type: "integer" }, reference: { type: "string" }, validFrom: { type: "string", format: "date" }, validUntil: { type: "string", format: "date" }, maxFeeCents: { type: "integer" } } },
          client: { type: "object", properties: { reference: { type: "string" }, name: { type: ["string", "null"], description: "Nur mit Einwilligung des Kunden" } } },
          employer: { type: "object", properties: { name: { type: "string" }, street: { type: "string" }, postalCode: { type: "string" }, city: { type: "string" }, vatId: { type: ["string", "null"] }, iban: { type: ["string", "null"] }, manager: { type: ["string", "null"] } } },
          abroad: { type: "boolean" },
          contractDate: { type: "string", format: "date" },
          jobStart: { type: "string", format: "date" },
          weeklyHours: { type: "number" },
          insured: { type: "boolean" },
          fixedTermEnd: { type: ["string", "null"], format: "date" },
          occupation: { type: "string" },
          brokerContractDate: { type: ["string", "null"], format: "date" },
          jobOfferDate: { type: ["string", "null"], format: "date" },
          claimedFeeCents: { type: "integer" },
          submittedAt: { type: "string", format: "date-time" },
          decidedAt: { type: ["string", "null"], format: "date-time" },
          decisionNote: { type: "string" },
          employmentEndedOn: { type: ["string", "null"], format: "date" },
          errors: { type: "array", items: { $ref: "#/components/schemas/RuleResult" } },
          instalments: {
            type: "array",
            items: {
              type: "object",
              properties: {
                id: { type: "integer" },
                number: { type: "integer" },
                label: { type: "string" },
                amountCents: { type: "integer" },
                sameEmployer: { type: "boolean" },
                earliestOn: { type: "string", format: "date", description: "Erster Tag, an dem die Rate fällig ist und nachgewiesen werden kann: der Tag nach dem letzten Tag der Beschäftigungsdauer" },
                deadlineOn: { type: "string", format: "date", description: "Letzter Tag für den Nachweis (§ 326 SGB III)" },
                status: { type: "string", enum: ["pending", "due", "earned", "payable", "paid", "cancelled", "lapsed"] },
                statusLabel: { type: "string" },
                confirmedUntil: { type: ["string", "null"], format: "date" },
              },
            },
          },
          documents: {
            type: "array",
            items: {
              type: "object",
              properties: { id: { type: "integer", description: "Im Trägerportal abrufbar unter /documents/{id}" }, kind: { type: "string" }, kindLabel: { type: "string" }, filename: { type: "string" }, uploadedAt: { type: "string", format: "date-time" }, instalmentId: { type: ["integer", "null"] } },
            },
          },
          letters: { type: "array", items: { type: "object", properties: { id: { type: "integer" }, title: { type: "string" }, createdAt: { type: "string", format: "date-time" } } } },
        },
      },
      Me: {
        type: "object",
        required: ["id", "email", "name", "role", "providerId"],
        properties: { id: { type: "integer" }, email: { type: "string" }, name: { type: "string" }, role: { type: "string" }, providerId: { type: ["integer", "null"] } },
      },
      Provider: {
        type: "object",
        required: ["id", "kind", "name"],
        properties: {
          id: { type: "integer" },
          kind: { type: "string", enum: ["training", "broker", "agency"] },
          name: { type: "string" },
          legalForm: { type: "string" },
          address: { type: "object", properties: { street: { type: "string" }, postalCode: { type: "string" }, city: { type: "string" }, region: { type: "string" } } },
          vatId: { type: ["string", "null"] },
          email: { type: "string" },
          phone: { type: "string" },
          serviceCategories: { type: "array", items: { type: "string" } },
          tradeRegistrationDate: { type: ["string", "null"], format: "date" },
          certificationState: { type: "string", enum: ["valid", "expiring", "expired", "none"] },
          certifications: {
            type: "array",
            items: { type: "object", properties: { certifyingBody: { type: "string" }, certificateNumber: { type: "string" }, validFrom: { type: "string", format: "date" }, validUntil: { type: "string", format: "date" }, scope: { type: "string" } } },
          },
          contacts: { type: "array", items: { type: "object", properties: { name: { type: "string" }, role: { type: "string" }, email: { type: "string" }, phone: { type: "string" } } } },
        },
      },
    },
  },
} as const;
