import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginCookie, startServer, DEMO_PASSWORD, type TestServer } from "../setup/server";
import { createApiToken, createApiTokensInProcess, fillPattern, routeManifest, type ManifestRoute } from "../setup/server-tools";

/**
 * HTTP security of the running production server: headers, session cookie, cross-site POSTs,
 * login messages and throttling, deactivated users, health check, API errors and the OpenAPI
 * document. Requires a current build (`npx remix build`).
 */

const LOGIN_FAILED = "E-Mail-Adresse oder Passwort ist nicht korrekt.";
const LOGIN_THROTTLED = "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.";

let server: TestServer;
let manifest: ManifestRoute[];
let adminCookie: string;
let providerCookie: string;
let providerToken: string;
let staffToken: string;

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(server.baseUrl + path, { headers, redirect: "manual" });
}

async function postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(server.baseUrl + path, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const sameOrigin = () => ({ Origin: server.baseUrl });

function sidCookie(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith("sid="));
}

/** The text of the login form's error message. */
async function loginError(res: Response): Promise<string> {
  const html = await res.text();
  const m = /role="alert"[^>]*>([^<]*)</.exec(html);
  return m ? m[1].trim() : `(keine Meldung, Status ${res.status})`;
}

async function attemptLogin(email: string, password: string) {
  return postForm("/login", { email, password }, sameOrigin());
}

beforeAll(async () => {
  manifest = routeManifest();
  server = await startServer({ env: { TRUST_PROXY: "" } });
  // Tokens while nothing else writes: one through the command line, one in process (faster).
  providerToken = await createApiToken(server, "vermittler@jobbruecke-kamenz.example");
  [staffToken] = await createApiTokensInProcess(server, ["vergabe@asz-kamenz.example"]);
  adminCookie = await loginCookie(server.baseUrl, "admin@asz-kamenz.example");
  providerCookie = await loginCookie(server.baseUrl, "vermittler@jobbruecke-kamenz.example");
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("security headers", () => {
  function checkHtmlHeaders(res: Response, html: string, label: string, failures: string[], nonces: Set<string>) {
    const csp = res.headers.get("content-security-policy") ?? "";
    if (!/(^|;)\s*frame-ancestors 'none'\s*(;|$)/.test(csp)) failures.push(`${label}: CSP ohne frame-ancestors 'none'`);
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scriptSrc)?.[1];
    if (!nonce) failures.push(`${label}: script-src ohne Nonce (${scriptSrc})`);
    if (/'unsafe-inline'|'unsafe-eval'/.test(scriptSrc)) failures.push(`${label}: script-src erlaubt unsafe-*`);
    if (res.headers.get("x-content-type-options") !== "nosniff") failures.push(`${label}: X-Content-Type-Options fehlt`);
    if (!res.headers.get("referrer-policy")) failures.push(`${label}: Referrer-Policy fehlt`);
    if (nonce) {
      if (nonces.has(nonce)) failures.push(`${label}: Nonce wiederverwendet`);
      nonces.add(nonce);
      // Every script element of the page carries this response's nonce.
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
        if (!tag.includes(`nonce="${nonce}"`)) failures.push(`${label}: <script> ohne passende Nonce: ${tag.slice(0, 80)}`);
      }
    }
  }

  it("every HTML page (200, 401, 403, 404, 405) carries CSP with nonce, nosniff and Referrer-Policy", async () => {
    // Ids for the patterns: a provider and a user visible to the admin.
    const providers = await (await get("/providers", { Cookie: adminCookie })).text();
    const users = await (await get("/admin/users", { Cookie: adminCookie })).text();
    const providerId = /href="\/providers\/(\d+)"/.exec(providers)?.[1];
    const userId = /href="\/admin\/users\/(\d+)"/.exec(users)?.[1];
    expect(providerId && userId).toBeTruthy();

    const urls = new Set<string>();
    for (const r of manifest) {
      if (!r.hasComponent || !r.hasLoader) continue;
      const id = r.pattern.startsWith("/admin/users/") ? userId! : providerId!;
      urls.add(fillPattern(r.pattern, { id, lineId: 1, year: 2026, "*": "x" }));
    }
    urls.add("/gibt-es-nicht");

    const failures: string[] = [];
    const nonces = new Set<string>();
    const statuses = new Set<number>();
    let pages = 0;
    const visit = async (label: string, res: Response) => {
      const type = res.headers.get("content-type") ?? "";
      const body = await res.text();
      if (!type.startsWith("text/html")) return;
      pages++;
      statuses.add(res.status);
      checkHtmlHeaders(res, body, label, failures, nonces);
    };
    for (const url of urls) {
      for (const [who, cookie] of [["anonym", ""], ["admin", adminCookie], ["provider", providerCookie]] as const) {
        await visit(`GET ${url} als ${who}`, await get(url, cookie ? { Cookie: cookie } : {}));
      }
    }
    // A failed login (401) and a POST to a page without action (405).
    await visit("POST /login (falsch)", await attemptLogin("niemand@example.org", "falsch-falsch"));
    await visit("POST /", await postForm("/", {}, { ...sameOrigin(), Cookie: adminCookie }));

    expect(failures).toEqual([]);
    expect(pages).toBeGreaterThanOrEqual(urls.size);
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 401, 403, 404, 405]));
  });

  it("non-HTML answers (JSON, CSV, API errors, the cross-site refusal) carry nosniff as well", async () => {
    const answers = [
      await get("/healthz"),
      await get("/providers/export.csv", { Cookie: adminCookie }),
      await get("/api/v1/me"),
      await postForm("/login", {}, { Origin: "http://evil.example" }),
    ];
    for (const res of answers) {
      expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), res.url).toBeTruthy();
      await res.arrayBuffer();
    }
  });
});

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/ and not Secure over http", async () => {
    const res = await attemptLogin("pruefung@asz-kamenz.example", DEMO_PASSWORD);
    expect(res.status).toBe(302);
    const cookie = sidCookie(res)!;
    expect(cookie).toBeTruthy();
    const attrs = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attrs).toContain("httponly");
    expect(attrs).toContain("samesite=lax");
    expect(attrs).toContain("path=/");
    expect(attrs).not.toContain("secure");
    // A relative lifetime only: an absolute Expires from the application clock would make a
    // browser whose clock is later drop the cookie at once.
    expect(attrs.some((a) => a.startsWith("expires="))).toBe(false);
    const maxAge = Number(attrs.find((a) => a.startsWith("max-age="))?.slice("max-age=".length));
    expect(maxAge).toBeGreaterThan(3600);
    expect(maxAge).toBeLessThanOrEqual(24 * 3600);
  });

  it("carries the session's remaining lifetime as Max-Age, whatever the application clock says (in process)", async () => {
    const { sessionCookieHeader } = await import("~/lib/session.server");
    const { now, resetClock, setClock } = await import("~/lib/clock.server");
    try {
      // The application clock years before (and after) the real one: the cookie is the same.
      for (const instant of ["2019-03-01T09:00:00+01:00", "2041-07-01T09:00:00+02:00"]) {
        setClock(instant);
        const expiresAt = new Date(now().getTime() + 10 * 3600_000).toISOString();
        const cookie = await sessionCookieHeader(new Request("http://jobcenter.example/login", { method: "POST" }), "token-123", expiresAt);
        const attrs = cookie.split(";").map((a) => a.trim().toLowerCase());
        expect(attrs.some((a) => a.startsWith("expires="))).toBe(false);
        const maxAge = Number(attrs.find((a) => a.startsWith("max-age="))?.slice("max-age=".length));
        expect(maxAge).toBeGreaterThanOrEqual(10 * 3600 - 5);
        expect(maxAge).toBeLessThanOrEqual(10 * 3600);
      }
    } finally {
      resetClock();
    }
  });

  it("a spoofed X-Forwarded-Proto is ignored: the server does not trust proxies unless TRUST_PROXY is set", async () => {
    const res = await postForm("/login", { email: "pruefung@asz-kamenz.example", password: DEMO_PASSWORD }, { ...sameOrigin(), "X-Forwarded-Proto": "https" });
    expect(res.status).toBe(302);
    expect(sidCookie(res)!.toLowerCase()).not.toMatch(/;\s*secure/);
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("is Secure when the request came over https (sessionCookieHeader, in process)", async () => {
    const { sessionCookieHeader, clearSessionCookieHeader } = await import("~/lib/session.server");
    const expires = new Date(Date.now() + 3600_000).toISOString();
    const https = await sessionCookieHeader(new Request("https://jobcenter.example/login", { method: "POST" }), "token-123", expires);
    const http = await sessionCookieHeader(new Request("http://jobcenter.example/login", { method: "POST" }), "token-123", expires);
    const attrs = (c: string) => c.split(";").map((a) => a.trim().toLowerCase());
    expect(https.startsWith("sid=")).toBe(true);
    expect(attrs(https)).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax", "path=/"]));
    expect(attrs(http)).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/"]));
    expect(attrs(http)).not.toContain("secure");
    const cleared = await clearSessionCookieHeader(new Request("https://jobcenter.example/logout", { method: "POST" }));
    expect(attrs(cleared)).toEqual(expect.arrayContaining(["secure", "httponly", "max-age=0"]));
  });
});

describe("cross-site POSTs", () => {
  it("refuses a login with a foreign Origin or Sec-Fetch-Site: cross-site", async () => {
    for (const headers of [{ Origin: "http://evil.example" }, { "Sec-Fetch-Site": "cross-site" }, { Origin: "null" }] as Record<string, string>[]) {
      const res = await postForm("/login", { email: "pruefung@asz-kamenz.example", password: DEMO_PASSWORD }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(sidCookie(res)).toBeUndefined();
      expect(await res.text()).toMatch(/fremder Herkunft/);
    }
  });

  it("refuses a logout with a foreign Origin or Sec-Fetch-Site: cross-site; the session stays valid", async () => {
    const cookie = await loginCookie(server.baseUrl, "fallmanagement@asz-kamenz.example");
    for (const headers of [{ Origin: "http://evil.example" }, { "Sec-Fetch-Site": "cross-site" }] as Record<string, string>[]) {
      const res = await postForm("/logout", {}, { ...headers, Cookie: cookie });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      await res.arrayBuffer();
    }
    const still = await get("/providers", { Cookie: cookie });
    expect(still.status).toBe(200);
    await still.arrayBuffer();
  });

  it("refuses a cross-site state change by a signed-in user (data sheet)", async () => {
    const providers = await (await get("/providers", { Cookie: adminCookie })).text();
    const providerId = /href="\/providers\/(\d+)"/.exec(providers)![1];
    const res = await postForm(`/providers/${providerId}/datasheet`, {}, { Origin: "http://evil.example", Cookie: adminCookie });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
  });

  it("accepts same-origin login and logout (also with Sec-Fetch-Site: same-origin); logout ends the session", async () => {
    const res = await postForm("/login", { email: "fallmanagement@asz-kamenz.example", password: DEMO_PASSWORD }, { ...sameOrigin(), "Sec-Fetch-Site": "same-origin" });
    expect(res.status).toBe(302);
    const cookie = sidCookie(res)!.split(";")[0];
    const out = await postForm("/logout", {}, { ...sameOrigin(), "Sec-Fetch-Site": "same-origin", Cookie: cookie });
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("/login");
    expect(sidCookie(out)).toMatch(/Max-Age=0/i);
    const after = await get("/providers", { Cookie: cookie });
    expect(after.status).toBe(302);
    // The old cookie is still sent, so the login page says the session has ended.
    expect(after.headers.get("location")).toBe("/login?redirectTo=%2Fproviders&ended=1");
  });
});

describe("login", () => {
  it("gives the identical German message for a wrong password and an unknown e-mail address", async () => {
    const wrong = await attemptLogin("pruefung@asz-kamenz.example", "Falsches-Passwort-1");
    const unknown = await attemptLogin("unbekannt@asz-kamenz.example", "Falsches-Passwort-1");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(sidCookie(wrong)).toBeUndefined();
    expect(sidCookie(unknown)).toBeUndefined();
    const [a, b] = [await loginError(wrong), await loginError(unknown)];
    expect(a).toBe(LOGIN_FAILED);
    expect(b).toBe(a);
  });

  it("throttles an account after repeated failures, even with the right password; other accounts still log in", async () => {
    const email = "vergabe2@asz-kamenz.example";
    const messages: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await attemptLogin(email, `Falsch-${i}-Passwort`);
      // the sixth is throttled: 429 with Retry-After (seconds, within the 15-minute window)
      expect(res.status).toBe(i < 5 ? 401 : 429);
      if (i < 5) expect(res.headers.get("retry-after")).toBeNull();
      else expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
      expect(sidCookie(res)).toBeUndefined();
      messages.push(await loginError(res));
    }
    expect(messages.slice(0, 5)).toEqual(Array(5).fill(LOGIN_FAILED));
    expect(messages[5]).toBe(LOGIN_THROTTLED);

    const right = await attemptLogin(email, DEMO_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sidCookie(right)).toBeUndefined();
    expect(await loginError(right)).toBe(LOGIN_THROTTLED);

    const other = await attemptLogin("kasse@asz-kamenz.example", DEMO_PASSWORD);
    expect(other.status).toBe(302);
    expect(sidCookie(other)).toBeTruthy();
  });

  it("a deactivated user is signed out at once and cannot sign in again", async () => {
    const email = "kasse2@asz-kamenz.example";
    const cookie = await loginCookie(server.baseUrl, email);
    const before = await get("/providers", { Cookie: cookie });
    expect(before.status).toBe(200);
    await before.arrayBuffer();

    const list = await (await get(`/admin/users?q=${encodeURIComponent(email)}`, { Cookie: adminCookie })).text();
    const userId = /href="\/admin\/users\/(\d+)"/.exec(list)?.[1];
    expect(userId).toBeTruthy();
    const deactivate = await postForm(`/admin/users/${userId}`, { intent: "deactivate" }, { ...sameOrigin(), Cookie: adminCookie });
    expect(deactivate.status).toBe(302);
    expect(deactivate.headers.get("location")).toBe(`/admin/users/${userId}`);

    const after = await get("/providers", { Cookie: cookie });
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toBe("/login?redirectTo=%2Fproviders&ended=1");

    const again = await attemptLogin(email, DEMO_PASSWORD);
    expect(again.status).toBe(401);
    expect(sidCookie(again)).toBeUndefined();
    expect(await loginError(again)).toBe(LOGIN_FAILED);
  });
});

describe("health check", () => {
  it("/healthz answers 200 with the database kind, not cached", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok", database: "sqlite" });
  });

  it("/healthz answers 503 when the database is unreachable (in process)", async () => {
    const { resetConfigCache } = await import("~/lib/config.server");
    const { closeDb } = await import("~/lib/db.server");
    const { loader } = await import("~/routes/healthz");
    const saved = process.env.DATABASE_URL;
    await closeDb();
    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/none";
    resetConfigCache();
    try {
      const res = await loader();
      expect(res.status).toBe(503);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({ status: "unavailable", database: "postgres" });
    } finally {
      await closeDb();
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      resetConfigCache();
    }
  });
});

describe("API", () => {
  const isProblem = (res: Response) => /^application\/problem\+json/.test(res.headers.get("content-type") ?? "");

  it("/api/v1/openapi.json is an OpenAPI 3.1 document", async () => {
    const res = await get("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = JSON.parse(await res.text());
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info?.title).toBe("string");
    expect(typeof doc.info?.version).toBe("string");
    expect(doc.paths && typeof doc.paths).toBe("object");

    const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    const operationIds: string[] = [];
    // A shared response (`$ref` into components.responses) carries its description there.
    const described = (r: { description?: string; $ref?: string }) => (r.$ref ? doc.components?.responses?.[r.$ref.split("/").pop()!] ?? {} : r);
    for (const [p, item] of Object.entries<Record<string, { operationId?: string; responses?: Record<string, { description?: string; $ref?: string }> }>>(doc.paths)) {
      expect(p.startsWith("/"), p).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        expect(op.responses && Object.keys(op.responses).length, `${method} ${p}: responses`).toBeTruthy();
        for (const [code, r] of Object.entries(op.responses!)) {
          expect(code, `${method} ${p}`).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
          expect(typeof described(r).description, `${method} ${p} ${code}: description`).toBe("string");
        }
        if (op.operationId) operationIds.push(op.operationId);
      }
    }
    expect(new Set(operationIds).size).toBe(operationIds.length);

    // Every $ref points into the document.
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          if (k === "$ref" && typeof x === "string") refs.push(x);
          else walk(x);
        }
      }
    };
    walk(doc);
    for (const ref of refs) {
      expect(ref.startsWith("#/"), ref).toBe(true);
      const target = ref
        .slice(2)
        .split("/")
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
      expect(target, ref).toBeDefined();
    }
    // Security requirements name declared schemes.
    for (const req of doc.security ?? []) for (const name of Object.keys(req)) expect(doc.components?.securitySchemes?.[name], name).toBeDefined();
  });

  it("documents every /api/v1 route of the manifest", async () => {
    const doc = await (await get("/api/v1/openapi.json")).json();
    const base = (doc.servers?.[0]?.url ?? "/api/v1").replace(/\/$/, "");
    expect(base).toBe("/api/v1");
    const apiRoutes = manifest.filter((r) => r.id.startsWith("routes/api.v1.") && r.id !== "routes/api.v1.openapi[.json]");
    expect(apiRoutes.length).toBeGreaterThanOrEqual(2);
    const undocumented: string[] = [];
    for (const r of apiRoutes) {
      const p = r.pattern.slice(base.length).replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
      const item = doc.paths[p];
      if (!item) undocumented.push(`${r.id} (${p})`);
      else if (r.hasLoader && !item.get) {
        // A POST-only operation answers GET with 405 problem+json naming the allowed method.
        const res = await get(r.pattern.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "1"));
        if (res.status !== 405 || !isProblem(res) || !res.headers.get("allow")) undocumented.push(`${r.id}: GET (${res.status})`);
        await res.arrayBuffer().catch(() => undefined);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it("an unknown API path is 404 problem+json with a German detail (GET and POST)", async () => {
    for (const res of [await get("/api/v1/nope"), await fetch(`${server.baseUrl}/api/v1/nope`, { method: "POST", headers: { Authorization: `Bearer ${providerToken}` } })]) {
      expect(res.status).toBe(404);
      expect(isProblem(res)).toBe(true);
      const body = await res.json();
      expect(body).toMatchObject({ status: 404, title: "Nicht gefunden" });
      expect(body.detail).toMatch(/Schnittstelle gibt es nicht/);
    }
  });

  it("401 without or with an invalid token, 403 for staff, as problem+json", async () => {
    for (const path of ["/api/v1/me", "/api/v1/provider"]) {
      for (const headers of [{}, { Authorization: "Bearer vt_ungueltig" }, { Authorization: "Basic Zm9vOmJhcg==" }] as Record<string, string>[]) {
        const res = await get(path, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(isProblem(res)).toBe(true);
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
        const body = await res.json();
        expect(body).toMatchObject({ status: 401, title: "Nicht angemeldet" });
        expect(body.detail).toMatch(/API-Schlüssel/);
      }
      const staff = await get(path, { Authorization: `Bearer ${staffToken}` });
      expect(staff.status).toBe(403);
      expect(isProblem(staff)).toBe(true);
      expect(await staff.json()).toMatchObject({ status: 403, title: "Keine Berechtigung" });
      const ok = await get(path, { Authorization: `Bearer ${providerToken}` });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^application\/json/);
      await ok.arrayBuffer();
    }
  });

  it("a method the API does not offer is answered as problem+json too (405)", async () => {
    // Every /api/v1 route whose OpenAPI entry has no POST (the document itself has none).
    const doc = await (await get("/api/v1/openapi.json")).json();
    const getOnly = manifest
      .filter((r) => r.id.startsWith("routes/api.v1."))
      .map((r) => r.pattern)
      .filter((p) => !doc.paths[p.slice("/api/v1".length).replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}")]?.post);
    expect(getOnly.length).toBeGreaterThanOrEqual(3);
    const wrong: string[] = [];
    for (const path of getOnly) {
      const res = await fetch(server.baseUrl + path, { method: "POST", headers: { Authorization: `Bearer ${providerToken}`, "Content-Type": "application/json" }, body: "{}" });
      const type = res.headers.get("content-type") ?? "";
      const body = await res.text();
      if (res.status !== 405 || !type.startsWith("application/problem+json")) wrong.push(`POST ${path}: ${res.status} ${type} ${body.slice(0, 80)}`);
      else if (JSON.parse(body).status !== 405 || typeof JSON.parse(body).detail !== "string") wrong.push(`POST ${path}: ${body}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("server log", () => {
  it("does not log client errors (unknown URL 404, method 405) as server errors", async () => {
    const marker = `gibt-es-nicht-${Date.now()}`;
    const answers = [await get(`/${marker}`), await postForm("/healthz", {}, sameOrigin())];
    expect(answers.map((r) => r.status)).toEqual([404, 405]);
    for (const r of answers) await r.arrayBuffer();
    await new Promise((r) => setTimeout(r, 300));
    const lines = server
      .output()
      .split("\n")
      .filter((l) => l.includes(marker) || /Serverfehler \/healthz\b/.test(l));
    expect(lines).toEqual([]);
  });
});
