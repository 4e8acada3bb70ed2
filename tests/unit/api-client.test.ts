import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "~/lib/openapi";

/**
 * A provider's developer generates a client from /api/v1/openapi.json (openapi-typescript) and
 * calls us with openapi-fetch. This test does exactly that and type-checks a small program that
 * submits an offer, reports a placement with its PDFs and reads an instalment, without a single
 * cast: if the document loses a type (a bare object, a missing lot id, a file part that is not
 * binary), the program stops compiling. A second program must NOT compile (a euro string where
 * cents are required), so the check cannot pass by accepting anything.
 */

const root = path.resolve(__dirname, "../..");
// Inside the project, so the program resolves openapi-fetch from node_modules.
const dir = path.join(root, "node_modules", ".cache", "api-client-test");

const PROGRAM = `import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export async function integrate(token: string, concept: Blob, contract: Blob, confirmation: Blob, proof: Blob) {
  const api = createClient<paths>({ baseUrl: "https://jobcenter.example/api/v1", headers: { Authorization: \`Bearer \${token}\` } });

  const tenders = await api.GET("/tenders", { params: { query: { acceptsOffers: "true", page: 1, pageSize: 50 } } });
  if (!tenders.data) throw new Error(tenders.error?.detail);
  const first = tenders.data.items[0];
  const status: "draft" | "published" | "offers_closed" | "opened" | "evaluated" | "award_decided" | "bidders_informed" | "awarded" | "cancelled" = first.status;
  const label: string = first.statusLabel;

  const tender = await api.GET("/tenders/{id}", { params: { path: { id: first.id } } });
  if (!tender.data) throw new Error(tender.error?.detail);
  const lotIds: number[] = tender.data.lots.map((lot) => lot.id);

  const receipt = await api.POST("/tenders/{id}/offers", {
    params: { path: { id: first.id }, header: { "Idempotency-Key": "angebot-1" } },
    body: {
      lots: lotIds.map((lotId) => ({ lotId, unitPriceCents: 123456, successFeeCents: null })),
      declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true },
    },
  });
  const offerId: number | undefined = receipt.data?.offerId;
  // The multipart form of the same operation: openapi-fetch types the body by the first media type
  // (JSON), so the form is built from the document's OfferMultipart schema and sent as it is.
  const parts: components["schemas"]["OfferMultipart"] = { offer: JSON.stringify({ lots: [], declarations: {} }), concept };
  const form = new FormData();
  form.append("offer", parts.offer);
  if (parts.concept) form.append("concept", parts.concept);
  const multipart = await fetch(\`https://jobcenter.example/api/v1/tenders/\${first.id}/offers\`, { method: "POST", headers: { Authorization: \`Bearer \${token}\` }, body: form });

  const assignments = await api.GET("/assignments", { params: { query: { status: "active" } } });
  const assignmentId: number = assignments.data!.items[0].assignmentId;
  const placement = {
    assignmentId,
    employerName: "Lausitzer Metallbau GmbH",
    employerStreet: "Industriestraße 12",
    employerPostalCode: "02977",
    employerCity: "Hoyerswerda",
    contractDate: "2026-03-02",
    jobStart: "2026-03-16",
    weeklyHours: 38.5,
    insured: true,
    occupation: "Metallbauer",
    claimedFeeCents: 200000,
  };
  const reported = await api.POST("/placements", {
    params: { header: { "Idempotency-Key": "vermittlung-1" } },
    body: { placement: JSON.stringify(placement), employmentContract: contract, employerConfirmation: confirmation, brokerContract: contract },
    bodySerializer: (body) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(body)) form.append(name, value);
      return form;
    },
  });
  if (reported.response.status === 422 && reported.error) {
    const rules: string[] = "rules" in reported.error && reported.error.rules ? reported.error.rules.map((r) => r.code) : [];
    console.log(rules);
  }
  const claimId: number = reported.data!.id;
  const claim = await api.GET("/placements/{id}", { params: { path: { id: claimId } } });
  const due: number = claim.data!.instalments[0].amountCents;

  const instalment = await api.GET("/placements/{id}/instalments/{number}", { params: { path: { id: claimId, number: 1 } } });
  const state: "pending" | "due" | "earned" | "payable" | "paid" | "cancelled" | "lapsed" = instalment.data!.status;
  const cents: number = instalment.data!.amountCents;
  await api.POST("/placements/{id}/instalments/{number}", {
    params: { path: { id: claimId, number: 1 } },
    body: { confirmation: proof, confirmedUntil: "2026-04-27", uninterrupted: "true" },
    bodySerializer: (body) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(body)) if (value !== undefined) form.append(name, value);
      return form;
    },
  });

  const feed = await api.GET("/events", { params: { query: { after: "0", limit: 100 } } });
  const cursor: string = feed.data!.cursor;
  return { status, label, offerId, multipart: multipart.status, due, state, cents, cursor };
}
`;

const WRONG = `import createClient from "openapi-fetch";
import type { paths } from "./schema";

export async function wrong() {
  const api = createClient<paths>({ baseUrl: "https://jobcenter.example/api/v1" });
  await api.POST("/tenders/{id}/offers", {
    params: { path: { id: 1 } },
    body: { lots: [{ lotId: 1, unitPriceCents: "1.234,56" }], declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true } },
  });
}
`;

async function generate(): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const ast = await openapiTS(JSON.parse(JSON.stringify(openApiDocument)), {
    // The generator's documented way to type binary parts: format binary → Blob.
    transform(schema) {
      if (schema.format === "binary") return ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
    },
  });
  fs.writeFileSync(path.join(dir, "schema.ts"), astToString(ast));
}

async function typecheck(file: string): Promise<{ ok: boolean; output: string }> {
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  try {
    await promisify(execFile)(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--lib", "es2022,dom", "--skipLibCheck", path.join(dir, file)], { cwd: root });
    return { ok: true, output: "" };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

describe("a client generated from the OpenAPI document", () => {
  it("type-checks a program that submits an offer, reports a placement and reads an instalment, without casts", async () => {
    await generate();
    fs.writeFileSync(path.join(dir, "program.ts"), PROGRAM);
    expect(PROGRAM).not.toMatch(/\bas\s+(unknown|any|never)\b|<any>|@ts-/);
    const result = await typecheck("program.ts");
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  }, 120_000);

  it("refuses a program that sends a euro string where the document says cents", async () => {
    await generate();
    fs.writeFileSync(path.join(dir, "wrong.ts"), WRONG);
    const result = await typecheck("wrong.ts");
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/unitPriceCents|not assignable to type 'number'/);
  }, 120_000);
});
