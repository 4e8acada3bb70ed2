import Ajv2020 from "ajv/dist/2020";
import type { ValidateFunction } from "ajv";
import { openApiDocument } from "~/lib/openapi";

/**
 * The API contract as a test sees it: every answer of /api/v1 is checked against the OpenAPI
 * document with additional properties forbidden (a field the document does not list fails), the
 * status code must be documented for the operation, and the content type must be the documented
 * one. tests/setup/integration.ts runs every fetch of the integration suite to /api/ through it.
 */

type Json = Record<string, unknown>;
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** The document with `additionalProperties: false` on every object schema that does not say otherwise. */
function strictDocument(doc: unknown): Json {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Json;
    if (n.type === "object" && n.properties && !("additionalProperties" in n)) n.additionalProperties = false;
    Object.values(n).forEach(walk);
  };
  walk(copy.components);
  walk(copy.paths);
  return copy;
}

const pointer = (parts: string[]) => "#/" + parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

export interface ContractCall {
  method: string;
  url: string;
  status: number;
  operationId: string | null;
}

export class ApiContract {
  readonly doc: Json;
  private ajv: Ajv2020;
  private cache = new Map<string, ValidateFunction>();
  readonly calls: ContractCall[] = [];
  private paths: { template: string; pattern: RegExp }[];

  constructor(doc: unknown = openApiDocument) {
    this.doc = strictDocument(doc);
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    this.ajv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
    this.ajv.addFormat("date-time", (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)));
    this.ajv.addFormat("binary", true);
    this.ajv.addFormat("byte", true);
    this.ajv.addSchema(this.doc, "openapi");
    this.paths = Object.keys(this.doc.paths as Json).map((template) => ({
      template,
      pattern: new RegExp("^" + template.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
    }));
  }

  private validator(ref: string): ValidateFunction {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.getSchema(`openapi${ref}`) ?? this.ajv.compile({ $ref: `openapi${ref}` });
      this.cache.set(ref, v);
    }
    return v;
  }

  /** Resolve a `$ref` to a shared response into [pointer, object]. */
  private resolve(parts: string[], node: Json): [string[], Json] {
    if (typeof node.$ref === "string") {
      const target = node.$ref.slice(2).split("/");
      return this.resolve(target, target.reduce<Json>((o, k) => o[k] as Json, this.doc));
    }
    return [parts, node];
  }

  /** The problems of one answer (empty when it keeps to the document). `url` is the request's URL. */
  async check(method: string, url: string, res: Response): Promise<string[]> {
    const path = new URL(url).pathname.replace(/^\/api\/v1/, "");
    const text = await res.clone().text();
    const m = method.toLowerCase();
    const found = this.paths.find((p) => p.pattern.test(path));
    const op = found ? ((this.doc.paths as Json)[found.template] as Json)[m] as Json | undefined : undefined;
    const where = `${method.toUpperCase()} ${new URL(url).pathname} → ${res.status}`;
    this.calls.push({ method: m, url, status: res.status, operationId: (op?.operationId as string) ?? null });
    let responsePointer: string[];
    let response: Json | undefined;
    if (op) {
      const responses = op.responses as Json;
      if (!responses[String(res.status)]) return [`${where}: Statuscode nicht dokumentiert`];
      [responsePointer, response] = this.resolve(["paths", found!.template, m, "responses", String(res.status)], responses[String(res.status)] as Json);
    } else {
      // No such operation: only the shared 404/405 (and the shared 401/429 of the gate) may answer.
      const shared: Record<number, string> = { 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed", 413: "TooLarge", 429: "TooManyRequests" };
      const name = shared[res.status];
      if (!name) return [`${where}: keine Operation und kein gemeinsamer Statuscode`];
      responsePointer = ["components", "responses", name];
      response = (this.doc.components as Json).responses ? ((this.doc.components as Json).responses as Json)[name] as Json : undefined;
      if (!response) return [`${where}: gemeinsame Antwort ${name} fehlt im Dokument`];
    }
    const content = response.content as Json | undefined;
    const type = (res.headers.get("content-type") ?? "").split(";")[0].trim();
    if (!content) return text.length ? [`${where}: Antwort ohne dokumentierten Inhalt hat einen Inhalt`] : [];
    if (!content[type]) return [`${where}: Content-Type ${type || "(keiner)"} nicht dokumentiert (${Object.keys(content).join(", ")})`];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where}: kein JSON`];
    }
    const validate = this.validator(pointer([...responsePointer, "content", type, "schema"]));
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
  }

  /** Every operation of the document as `METHOD /path` with its operationId. */
  operations(): { key: string; operationId: string }[] {
    const out: { key: string; operationId: string }[] = [];
    for (const [p, item] of Object.entries(this.doc.paths as Record<string, Json>)) {
      for (const m of METHODS) if (item[m]) out.push({ key: `${m.toUpperCase()} ${p}`, operationId: (item[m] as Json).operationId as string });
    }
    return out;
  }
}

let shared: ApiContract | null = null;

/**
 * Wrap global fetch: each answer from an /api/ path (except the document itself) is checked;
 * a breach throws, so the test that made the call fails with the reason.
 */
export function enforceApiContract(): void {
  const original = globalThis.fetch;
  if ((original as { contract?: boolean }).contract) return;
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const res = await original(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const pathname = new URL(url).pathname;
    if (pathname.startsWith("/api/") && pathname !== "/api/v1/openapi.json") {
      shared ??= new ApiContract();
      const problems = await shared.check(method, url, res);
      if (problems.length) throw new Error(`API-Vertrag verletzt:\n${problems.join("\n")}`);
    }
    return res;
  };
  (wrapped as { contract?: boolean }).contract = true;
  globalThis.fetch = wrapped as typeof fetch;
}

/** The checker the fetch wrapper uses in this test file (its `calls` list what was called). */
export function sharedApiContract(): ApiContract {
  shared ??= new ApiContract();
  return shared;
}
