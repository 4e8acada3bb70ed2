import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMAILS } from "../setup/route-table";
import { DEMO_PASSWORD, loginCookie, startServer, type TestServer } from "../setup/server";
import { retryBusy, withServerDb } from "../setup/server-tools";

/**
 * Organisation API tokens and rate limits over HTTP against the real server (ADR 0014, issue 9
 * points 10 and 11). Requires a current build (`npx remix build`).
 *
 * The demo broker DEMO-B-0001 has its administrator (vermittler@…, the demo's main user); the
 * test adds a second administrator who creates a token and then leaves, and a clerk who is no
 * administrator.
 */

let server: TestServer;
let providerId: number;
let tenderId: number;
let adminCookie: string;
let chiefCookie: string;
const CREATOR = "gruenderin@jobbruecke-kamenz.example";
const CLERK = "sachbearbeitung@jobbruecke-kamenz.example";
let creatorId: number;
let clerkCookie: string;

function api(path: string, token: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
  return fetch(server.baseUrl + path, { method: init.method ?? "GET", headers, body: init.body });
}

function post(path: string, cookie: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  return fetch(server.baseUrl + path, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: body.toString(),
  });
}

function page(path: string, cookie: string) {
  return fetch(server.baseUrl + path, { headers: { Cookie: cookie }, redirect: "manual" });
}

/** The page's HTML without React's text separators (`a <!-- -->b`). */
async function text(res: Response): Promise<string> {
  return (await res.text()).replace(/<!-- -->/g, "");
}

/** A token made in this process with the service the command line uses (scopes and expiry as given). */
async function tokenFor(email: string, name: string, options: { scopes?: string[] } = {}): Promise<{ token: string; id: number }> {
  return withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { createToken } = await import("~/services/api-tokens.server");
    const { User } = await import("../../entities");
    const user = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
    return retryBusy(() => createToken({ id: null, label: "test" }, user.id, name, options));
  });
}

async function expectProblem(res: Response, status: number): Promise<{ title: string; detail: string; status: number }> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const body = await res.json();
  expect(body.status).toBe(status);
  return body;
}

beforeAll(async () => {
  server = await startServer();
  ({ providerId, tenderId, creatorId } = await withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { createUser } = await import("~/services/users.server");
    const { SYSTEM } = await import("~/lib/audit.server");
    const { Tender, User } = await import("../../entities");
    const m = await em();
    const broker = await m.getRepository(User).findOneOrFail({ where: { email: EMAILS.provider } });
    expect(broker.providerAdmin).toBe(true); // the demo's main provider user administers its tokens
    const creator = await retryBusy(() => createUser(SYSTEM, { name: "Greta Gründer", email: CREATOR, role: "provider", providerId: broker.providerId, providerAdmin: true }, DEMO_PASSWORD));
    await retryBusy(() => createUser(SYSTEM, { name: "Sven Sachbearbeiter", email: CLERK, role: "provider", providerId: broker.providerId, providerAdmin: false }, DEMO_PASSWORD));
    const tender = await m.getRepository(Tender).findOneOrFail({ where: { status: "published" } });
    return { providerId: broker.providerId!, tenderId: tender.id, creatorId: creator.id };
  }));
  adminCookie = await loginCookie(server.baseUrl, EMAILS.admin);
  chiefCookie = await loginCookie(server.baseUrl, EMAILS.provider);
  clerkCookie = await loginCookie(server.baseUrl, CLERK);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("organisation tokens", () => {
  it("a token created in the portal belongs to the organisation: it keeps working when its creator is deactivated, and acts in the organisation's name", async () => {
    const creatorCookie = await loginCookie(server.baseUrl, CREATOR);
    const res = await post("/portal/tokens", creatorCookie, { intent: "create", name: "Fachverfahren Vermittlung", scopes: ["read", "placements"], validUntil: "" });
    expect(res.status).toBe(200);
    const html = await res.text();
    const token = /id="new-token">(vt_[A-Za-z0-9_-]+)</.exec(html)?.[1];
    expect(token, "the new token is shown once").toBeTruthy();

    const before = await api("/api/v1/provider", token!);
    expect(before.status).toBe(200);
    expect((await before.json()).id).toBe(providerId);

    // the creator leaves the organisation's service
    const off = await post(`/admin/users/${creatorId}`, adminCookie, { intent: "deactivate" });
    expect(off.status).toBe(302);
    expect((await page("/portal/tokens", creatorCookie)).status).toBe(302); // the person is out …
    const after = await api("/api/v1/provider", token!);
    expect(after.status).toBe(200); // … the organisation's token is not

    // the list names the creator; the audit trail records the creation by the person and nothing of the token's use as hers
    const list = await text(await page("/portal/tokens", chiefCookie));
    expect(list).toContain("Fachverfahren Vermittlung");
    expect(list).toContain("von Greta Gründer");
    expect(list).toContain("Lesen, Vermittlungen");
  });

  it("an expired token is refused with 401", async () => {
    const { token, id } = await tokenFor(EMAILS.provider, "Läuft ab");
    expect((await api("/api/v1/provider", token)).status).toBe(200);
    await withServerDb(server, async () => {
      const { tx } = await import("~/lib/db.server");
      const { ApiToken } = await import("../../entities");
      await retryBusy(() => tx((m) => m.getRepository(ApiToken).update({ id }, { expiresAt: new Date(Date.now() - 60_000).toISOString() })));
    });
    const res = await api("/api/v1/provider", token);
    const body = await expectProblem(res, 401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    expect(body.detail).toContain("Abgelaufene und widerrufene Schlüssel gelten nicht mehr.");
  });

  it("the organisation's administrator revokes a token in the portal: 401 from then on", async () => {
    const { token, id } = await tokenFor(EMAILS.provider, "Wird widerrufen");
    expect((await api("/api/v1/provider", token)).status).toBe(200);
    const res = await post("/portal/tokens", chiefCookie, { intent: "revoke", id: String(id) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Der Zugang wurde widerrufen.");
    await expectProblem(await api("/api/v1/provider", token), 401);
    const list = await text(await page("/portal/tokens", chiefCookie));
    expect(list).toMatch(/widerrufen<\/span><span class="muted"> am [^<]+ von Andreas Wolf/);
  });

  it("a token without the offers scope: 403 naming the scope on POST and DELETE of offers, 200 on GET", async () => {
    const { token } = await tokenFor(EMAILS.provider, "Nur lesen", { scopes: ["read"] });
    const list = await api(`/api/v1/tenders/${tenderId}/offers`, token);
    expect(list.status).toBe(200);
    expect(list.headers.get("ratelimit-limit")).toBe("120");

    const submit = await api(`/api/v1/tenders/${tenderId}/offers`, token, { method: "POST", body: "{}" });
    const body = await expectProblem(submit, 403);
    expect(body.detail).toContain("fehlt die Berechtigung „offers“");
    expect(submit.headers.get("www-authenticate")).toBe('Bearer realm="api", error="insufficient_scope", scope="offers"');
    const withdraw = await api("/api/v1/offers/1", token, { method: "DELETE" });
    expect((await expectProblem(withdraw, 403)).detail).toContain("„offers“");
    expect(withdraw.headers.get("www-authenticate")).toContain('scope="offers"');
    const claim = await api("/api/v1/placements", token, { method: "POST", body: "{}" });
    expect((await expectProblem(claim, 403)).detail).toContain("„placements“");
    expect(claim.headers.get("www-authenticate")).toContain('scope="placements"');

    // and a token that may only submit cannot read
    const { token: writeOnly } = await tokenFor(EMAILS.provider, "Nur Angebote", { scopes: ["offers"] });
    const read = await api("/api/v1/tenders", writeOnly);
    expect((await expectProblem(read, 403)).detail).toContain("fehlt die Berechtigung „read“");
  });

  it("only the organisation's administrator creates and revokes: another provider user sees the list and gets 403 on the actions", async () => {
    const { token, id } = await tokenFor(EMAILS.provider, "Bleibt bestehen");
    const view = await page("/portal/tokens", clerkCookie);
    expect(view.status).toBe(200);
    const html = await text(view);
    expect(html).toContain("Bleibt bestehen");
    expect(html).not.toContain("Schlüssel erzeugen");
    expect(html).toContain("kann nur die Administration Ihrer Organisation");

    expect((await post("/portal/tokens", clerkCookie, { intent: "create", name: "Heimlich", scopes: "read" })).status).toBe(403);
    expect((await post("/portal/tokens", clerkCookie, { intent: "revoke", id: String(id) })).status).toBe(403);
    expect((await api("/api/v1/provider", token)).status).toBe(200);

    // the administrator's empty form is a validation error, not a refusal
    const empty = await post("/portal/tokens", chiefCookie, { intent: "create", name: "", validUntil: "" });
    expect(empty.status).toBe(400);
    const emptyHtml = await text(empty);
    expect(emptyHtml).toContain("Bitte geben Sie dem Zugang einen Namen (2 bis 100 Zeichen).");
    expect(emptyHtml).toContain("Bitte wählen Sie mindestens eine Berechtigung.");
  });

  it("staff revoke a provider's token on the staff page; the revocation is audited", async () => {
    const { token, id } = await tokenFor(EMAILS.provider, "Vom Jobcenter gesperrt");
    const list = await page(`/admin/tokens?provider=${providerId}&state=active`, adminCookie);
    expect(list.status).toBe(200);
    expect(await text(list)).toContain("Vom Jobcenter gesperrt");
    const res = await post("/admin/tokens", adminCookie, { intent: "revoke", id: String(id) });
    expect(res.status).toBe(200);
    await expectProblem(await api("/api/v1/provider", token), 401);
    const revoked = await text(await page(`/admin/tokens?provider=${providerId}&state=revoked`, adminCookie));
    expect(revoked).toContain("Vom Jobcenter gesperrt");
    expect(revoked).toContain("von Petra Schulze");

    const audit = await withServerDb(server, async () => {
      const { em } = await import("../setup/db");
      const { AuditEvent } = await import("../../entities");
      return (await em()).getRepository(AuditEvent).find({ where: { entityType: "api_token", entityId: String(id) }, order: { seq: "ASC" } });
    });
    expect(audit.map((e) => [e.action, e.actorLabel, e.providerId])).toEqual([
      ["api_token.create", "test", providerId],
      ["api_token.revoke", EMAILS.admin, providerId],
    ]);
    // procurement may not
    const procurement = await loginCookie(server.baseUrl, EMAILS.procurement);
    expect((await page("/admin/tokens", procurement)).status).toBe(403);
  });
});

describe("rate limits per token", () => {
  it("past the setting's limit: 429 problem+json with Retry-After and RateLimit headers; other tokens and the web pages are unaffected", async () => {
    const { token } = await tokenFor(EMAILS.provider, "Eilig");
    const { token: calm } = await tokenFor(EMAILS.provider, "Gelassen");
    // An administrator lowers the limit: saved through the settings page, it applies at once.
    const saved = await post("/admin/settings", adminCookie, { "api.rateLimitPerMinute": "3" });
    expect(saved.status).toBe(302);
    try {
      const seen: [number, string | null, string | null][] = [];
      for (let i = 0; i < 3; i++) {
        const res = await api("/api/v1/provider", token);
        await res.arrayBuffer();
        seen.push([res.status, res.headers.get("ratelimit-limit"), res.headers.get("ratelimit-remaining")]);
        const reset = Number(res.headers.get("ratelimit-reset"));
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
      }
      expect(seen).toEqual([
        [200, "3", "2"],
        [200, "3", "1"],
        [200, "3", "0"],
      ]);
      const refused = await api("/api/v1/provider", token);
      const body = await expectProblem(refused, 429);
      expect(body.title).toBe("Zu viele Anfragen");
      expect(body.detail).toMatch(/^Dieser API-Zugang hat die Grenze von 3 Anfragen je Minute erreicht\. Bitte wiederholen Sie die Anfrage in \d+ Sekunden\.$/);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      expect(refused.headers.get("ratelimit-reset")).toBe(String(retryAfter));

      // a refused POST with a body leaves the connection usable (the body is read and discarded)
      const post429 = await api(`/api/v1/tenders/${tenderId}/offers`, token, { method: "POST", body: JSON.stringify({ padding: "x".repeat(200_000) }) });
      expect(post429.status).toBe(429);
      await post429.arrayBuffer();

      const other = await api("/api/v1/provider", calm);
      expect(other.status).toBe(200);
      expect(other.headers.get("ratelimit-remaining")).toBe("2");
      const html = await page("/portal/tokens", chiefCookie);
      expect(html.status).toBe(200);
      expect(html.headers.get("ratelimit-limit")).toBeNull();
    } finally {
      await post("/admin/settings", adminCookie, { "api.rateLimitPerMinute": "120" });
    }
  });
});
