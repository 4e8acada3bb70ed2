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
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API-Schlüssel aus dem Portal" } },
    schemas: {
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
