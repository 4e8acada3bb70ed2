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
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API-Schlüssel aus dem Portal" } },
    schemas: {
      Problem: {
        type: "object",
        required: ["title", "status", "detail"],
        properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" }, errors: { type: "object", additionalProperties: { type: "string" } } },
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
