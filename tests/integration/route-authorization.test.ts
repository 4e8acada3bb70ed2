import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "~/domain/permissions";
import { loginCookie, startServer, type TestServer } from "../setup/server";
import { createApiToken, createApiTokensInProcess, fillPattern, retryBusy, routeManifest, withServerDb, type ManifestRoute } from "../setup/server-tools";

/**
 * Route authorization: every route of the Remix manifest has an entry in the table below with
 * the expected answer for each role and for anonymous visitors, for GET and for POST. A new
 * route without an entry (or an entry for a route that is gone) fails the suite.
 *
 * Requires a current build (`npx remix build`).
 */

type Principal = Role | "anonymous";
const PRINCIPALS: Principal[] = ["anonymous", ...ROLES];
const STAFF: Role[] = ["admin", "procurement", "case_manager", "finance", "auditor"];

/**
 * Expected answer. "login": 302 to /login?redirectTo=<the requested path>. A redirect: 302 to
 * exactly that Location (string) or one matching the RegExp.
 */
type Outcome = 200 | 400 | 401 | 403 | 404 | 405 | 409 | 415 | "login" | { redirect: string | RegExp };
type Access = Record<Principal, Outcome>;

interface Ids {
  providerB: number; // DEMO-B-0001, the organisation of vermittler@…
  providerT: number; // DEMO-T-0001, the organisation of traeger@…
  providerUserB: number; // the user id of vermittler@…
  documentB: number; // a data sheet of DEMO-B-0001
  mail: number; // an outbox message
  tender: number; // the published demo BaE tender
  offerT: number; // the demo offer of DEMO-T-0001 to that tender
  agreementB: number; // the current placement agreement of DEMO-B-0001
  client: number; // a demo client
  claimB: number; // a placement claim of DEMO-B-0001
  claimOther: number; // a placement claim of another broker
}

interface Rule {
  /** Values for the pattern's parameters (`:id`, `*`). */
  params?: Record<string, string | number>;
  /** Authenticate with the role's API bearer token instead of the session cookie. */
  api?: boolean;
  /** Expected Content-Type (prefix) of a 200 answer to GET. */
  type?: string;
  get: Access;
  /** POST with an empty form body. Required when the route has an action; otherwise 405 for all. */
  post?: Access;
  /** POST with a session of its own (the request ends the session). */
  freshSessionForPost?: boolean;
  /** The layout route: no URL of its own, its loader runs with every page. */
  layout?: true;
}

function all(outcome: Outcome): Access {
  return Object.fromEntries(PRINCIPALS.map((p) => [p, outcome])) as Access;
}

/** Roles in `allowed` get `ok`, the other roles 403, anonymous visitors the login redirect. */
function permitted(allowed: Role[], opts: { ok?: Outcome; denied?: Outcome; anonymous?: Outcome } = {}): Access {
  const result = { anonymous: opts.anonymous ?? "login" } as Access;
  for (const r of ROLES) result[r] = allowed.includes(r) ? (opts.ok ?? 200) : (opts.denied ?? 403);
  return result;
}

const HTML = "text/html";
const JSON_TYPE = "application/json";

function table(ids: Ids): Record<string, Rule> {
  const home = { ...all({ redirect: "/" }), anonymous: 200, provider: { redirect: "/portal" } } as Access;
  return {
    root: { layout: true, get: all(200) },
    "routes/_index": { type: HTML, get: { ...permitted(STAFF), provider: { redirect: "/portal" } } },
    "routes/login": {
      type: HTML,
      get: home,
      // Empty form: 400 for visitors; a signed-in user is sent home by the loader.
      post: { ...home, anonymous: 400 },
    },
    "routes/logout": { get: all({ redirect: "/" }), post: all({ redirect: "/login" }), freshSessionForPost: true },
    "routes/healthz": { type: JSON_TYPE, get: all(200) },
    "routes/account.password": { type: HTML, get: permitted([...ROLES]), post: permitted([...ROLES], { ok: 400 }) },

    "routes/admin.users._index": { type: HTML, get: permitted(["admin"]) },
    "routes/admin.users.new": { type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: 400 }) },
    "routes/admin.users.$id": { params: { id: ids.providerUserB }, type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: 400 }) },
    "routes/admin.mail._index": { type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: 404 }) },
    "routes/admin.mail.$id[.eml]": { params: { id: ids.mail }, type: "message/rfc822", get: permitted(["admin"]) },
    "routes/admin.settings": { type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: { redirect: "/admin/settings" } }) },
    "routes/audit._index": { type: HTML, get: permitted(["admin", "auditor"]) },

    "routes/portal._index": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.tokens": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },

    "routes/providers._index": { type: HTML, get: permitted(STAFF) },
    "routes/providers.new": { type: HTML, get: permitted(["admin", "procurement"]), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.import": { type: HTML, get: permitted(["admin", "procurement"]), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.requests": { type: HTML, get: permitted(["admin", "procurement", "finance"]), post: permitted(["admin", "procurement", "finance"], { ok: 404 }) },
    "routes/providers.export[.csv]": { type: "text/csv", get: permitted(["admin", "procurement", "finance", "auditor"]) },
    "routes/providers.$id._index": { params: { id: ids.providerB }, type: HTML, get: permitted(STAFF), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.$id.edit": { params: { id: ids.providerB }, type: HTML, get: permitted(["admin", "procurement"]), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.$id.datasheet": {
      params: { id: ids.providerB },
      // GET only leads back to the provider page (which then checks access itself).
      get: all({ redirect: `/providers/${ids.providerB}` }),
      // POST generates a data sheet: staff for any provider, a provider user for its own.
      post: permitted([...ROLES], { ok: { redirect: /^\/documents\/\d+$/ } }),
    },
    "routes/documents.$id": { params: { id: ids.documentB }, type: "application/pdf", get: permitted([...ROLES]) },

    // The API is read-only: POST is 405 for everyone (whether or not the route exports an action).
    "routes/tenders._index": { type: HTML, get: permitted(STAFF) },
    "routes/tenders.new": { type: HTML, get: permitted(["procurement"]), post: permitted(["procurement"], { ok: 400 }) },
    // Without an intent the action answers 400 "Unbekannte Aktion" to procurement; others lack the permission.
    "routes/tenders.$id._index": { params: { id: ids.tender }, type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    // The demo tender is not opened yet: the evaluation page answers 409 to procurement (sealed until opened).
    "routes/tenders.$id.evaluation": { params: { id: ids.tender }, get: permitted(["procurement"], { ok: 409 }), post: permitted(["procurement"], { ok: 400 }) },
    // POST with an empty form: procurement is sent back to the tender page with a message.
    "routes/tenders.$id.attachments": { params: { id: ids.tender }, get: permitted(["procurement"], { ok: { redirect: `/tenders/${ids.tender}` } }), post: permitted(["procurement"], { ok: { redirect: `/tenders/${ids.tender}` } }) },
    "routes/tenders.$id.record": {
      params: { id: ids.tender },
      get: permitted(STAFF, { ok: { redirect: `/tenders/${ids.tender}` } }),
      post: permitted(STAFF, { ok: { redirect: /^\/documents\/\d+$/ } }),
    },
    "routes/portal.tenders._index": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.tenders.$id": { params: { id: ids.tender }, type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.tenders.$id.document": { params: { id: ids.tender }, get: permitted(["provider"], { ok: { redirect: /^\/documents\/\d+$/ } }) },
    // The demo offer belongs to another provider: the provider user (DEMO-B-0001) gets 404.
    "routes/offers.$id.receipt": { params: { id: ids.offerT }, get: permitted(["provider"], { ok: 404 }) },
    "routes/portal.contracts": { type: HTML, get: permitted(["provider"]) },

    "routes/api.v1.me": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.provider": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.openapi[.json]": { api: true, type: JSON_TYPE, get: all(200), post: all(405) },
    "routes/$": { params: { "*": "gibt-es-nicht" }, get: all(404) },
    "routes/api.v1.tenders._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.tenders.$id._index": { api: true, params: { id: ids.tender }, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    // POST with an empty form body: the provider gets 415 (JSON or multipart expected).
    "routes/api.v1.tenders.$id.offers": { api: true, params: { id: ids.tender }, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    // GET shows an own offer (the demo offer belongs to another organisation: 404); POST is 405, withdrawal is DELETE.
    "routes/api.v1.offers.$id": { api: true, params: { id: ids.offerT }, get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 }, post: all(405) },
    // The broker line (issue 4). Pages with several actions answer an empty POST with 400 "Unbekannte Aktion" after the permission check.
    "routes/agreements._index": { type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    "routes/agreements.offer": { type: HTML, get: permitted(["procurement"]), post: permitted(["procurement"], { ok: 400 }) },
    "routes/agreements.$id": { params: { id: ids.agreementB }, type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    "routes/agreements.schedules": { type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    "routes/clients._index": { type: HTML, get: permitted(["case_manager"]) },
    "routes/clients.new": { type: HTML, get: permitted(["case_manager"]), post: permitted(["case_manager"], { ok: 400 }) },
    "routes/clients.$id": { params: { id: ids.client }, type: HTML, get: permitted(["case_manager"]), post: permitted(["case_manager"], { ok: 400 }) },
    "routes/placements._index": { type: HTML, get: permitted(STAFF), post: permitted(["procurement", "case_manager"], { ok: 400 }) },
    "routes/placements.$id": { params: { id: ids.claimB }, type: HTML, get: permitted(STAFF), post: permitted(["procurement", "case_manager"], { ok: 400 }) },
    "routes/payables._index": { type: HTML, get: permitted(["admin", "finance", "auditor"]) },
    "routes/payables.export[.csv]": { type: "text/csv", get: permitted(["admin", "finance", "auditor"]) },
    "routes/portal.agreements": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.clients": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.placements._index": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.placements.new": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.placements.$id": { params: { id: ids.claimB }, type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/api.v1.assignments": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    // POST with an empty form body: 415 (JSON or multipart expected).
    "routes/api.v1.placements._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    "routes/api.v1.placements.$id": { api: true, params: { id: ids.claimB }, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    // The submitted demo claim has no instalments yet: 404; POST with a form body: 415 (multipart expected).
    "routes/api.v1.placements.$id.instalments.$number": {
      api: true,
      params: { id: ids.claimB, number: 1 },
      get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 },
      post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 },
    },
    "routes/tenders.$id.ocds[.json]": { params: { id: ids.tender }, type: JSON_TYPE, get: permitted(STAFF) },
    "routes/api.$": { api: true, params: { "*": "v1/nope" }, get: all(404), post: all(404) },
  };
}

const EMAILS: Record<Role, string> = {
  admin: "admin@asz-kamenz.example",
  procurement: "vergabe@asz-kamenz.example",
  case_manager: "fallmanagement@asz-kamenz.example",
  finance: "kasse@asz-kamenz.example",
  auditor: "pruefung@asz-kamenz.example",
  provider: "vermittler@jobbruecke-kamenz.example",
};
const OTHER_PROVIDER_EMAIL = "traeger@bildungswerk-lausitz.example";

let server: TestServer;
let manifest: ManifestRoute[];
let ids: Ids;
const cookies = {} as Record<Role, string>;
const tokens = {} as Record<Role, string>;
let otherProviderCookie: string;

async function request(url: string, init: { method?: string; cookie?: string; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.cookie) headers.Cookie = init.cookie;
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const method = init.method ?? "GET";
  if (method === "POST") {
    headers.Origin = server.baseUrl;
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  return fetch(server.baseUrl + url, { method, headers, body: method === "POST" ? "" : undefined, redirect: "manual" });
}

async function postDatasheet(providerId: number, cookie: string) {
  return request(`/providers/${providerId}/datasheet`, { method: "POST", cookie });
}

/** The id from a redirect to /documents/<id>. */
function documentIdFrom(res: Response): number {
  const m = /^\/documents\/(\d+)$/.exec(res.headers.get("location") ?? "");
  if (res.status !== 302 || !m) throw new Error(`Erwartet: Weiterleitung auf /documents/<id>, erhalten ${res.status} ${res.headers.get("location")}`);
  return Number(m[1]);
}

beforeAll(async () => {
  manifest = routeManifest();
  server = await startServer({ env: { TRUST_PROXY: "" } });
  const roles = [...ROLES];
  // Tokens first, while nothing else writes to the database. One through the command line
  // (`tsx scripts/cli.ts token:create`), as an operator would; the rest with the same service
  // in this process, because every tsx start costs seconds.
  tokens.provider = await createApiToken(server, EMAILS.provider);
  const rest = roles.filter((r) => r !== "provider");
  const [otherToken, ...restTokens] = await createApiTokensInProcess(server, [OTHER_PROVIDER_EMAIL, ...rest.map((r) => EMAILS[r])]);
  rest.forEach((r, i) => (tokens[r] = restTokens[i]));
  for (const r of roles) cookies[r] = await loginCookie(server.baseUrl, EMAILS[r]);
  otherProviderCookie = await loginCookie(server.baseUrl, OTHER_PROVIDER_EMAIL);

  const me = async (token: string) => {
    const res = await request("/api/v1/me", { token });
    if (res.status !== 200) throw new Error(`/api/v1/me: ${res.status}`);
    return (await res.json()) as { id: number; providerId: number };
  };
  const [meB, meT] = await Promise.all([me(tokens.provider), me(otherToken)]);

  const documentB = documentIdFrom(await postDatasheet(meB.providerId, cookies.procurement));

  // The outbox starts empty (no screen sends mail yet): put one message in it.
  const mail = await withServerDb(server, async () => {
    const { tx } = await import("~/lib/db.server");
    const { enqueueMail } = await import("~/lib/mailer.server");
    const row = await retryBusy(() => tx((m) => enqueueMail(m, { to: "pruefung@example.org", subject: "Testnachricht Berechtigungen", text: "Hallo" })));
    return row.id;
  });

  const { tender, offerT } = await withServerDb(server, async () => {
    const { em } = await import("~/lib/db.server");
    const { Offer, Tender } = await import("../../entities");
    const m = await em();
    const published = await m.getRepository(Tender).findOneOrFail({ where: { status: "published" } });
    const offer = await m.getRepository(Offer).findOneOrFail({ where: { tenderId: published.id, providerId: meT.providerId } });
    return { tender: published.id, offerT: offer.id };
  });

  const placement = await withServerDb(server, async () => {
    const { em } = await import("~/lib/db.server");
    const { PlacementAgreement, PlacementClaim } = await import("../../entities");
    const { Not } = await import("typeorm");
    const m = await em();
    const agreement = await m.getRepository(PlacementAgreement).findOneOrFail({ where: { providerId: meB.providerId, status: "active" } });
    const claimB = await m.getRepository(PlacementClaim).findOneOrFail({ where: { providerId: meB.providerId, status: "submitted" } });
    const claimOther = await m.getRepository(PlacementClaim).findOneOrFail({ where: { providerId: Not(meB.providerId), status: "submitted" } });
    return { agreementB: agreement.id, client: claimB.clientId, claimB: claimB.id, claimOther: claimOther.id };
  });

  ids = { providerB: meB.providerId, providerT: meT.providerId, providerUserB: meB.id, documentB, mail, tender, offerT, ...placement };
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("route table", () => {
  it("has exactly one entry per route of the manifest", () => {
    const dummy: Ids = { providerB: 1, providerT: 2, providerUserB: 1, documentB: 1, mail: 1, tender: 1, offerT: 1, agreementB: 1, client: 1, claimB: 1, claimOther: 2 };
    const inTable = Object.keys(table(dummy));
    const inManifest = manifest.map((r) => r.id);
    const missing = inManifest.filter((id) => !inTable.includes(id));
    const stale = inTable.filter((id) => !inManifest.includes(id));
    // missing: routes without an entry in the table; stale: entries for routes that are gone.
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    expect(inManifest.length).toBeGreaterThanOrEqual(25);
  });

  it("states POST expectations for every route with an action", () => {
    const dummy: Ids = { providerB: 1, providerT: 2, providerUserB: 1, documentB: 1, mail: 1, tender: 1, offerT: 1, agreementB: 1, client: 1, claimB: 1, claimOther: 2 };
    const t = table(dummy);
    const lacking = manifest.filter((r) => r.hasAction && t[r.id] && !t[r.id].post).map((r) => r.id);
    expect(lacking, "routes with an action but no POST expectations").toEqual([]);
  });

  it("marks only the root as layout, and API rules only for /api/ URLs", () => {
    const t = table({ providerB: 1, providerT: 2, providerUserB: 1, documentB: 1, mail: 1, tender: 1, offerT: 1, agreementB: 1, client: 1, claimB: 1, claimOther: 2 });
    for (const r of manifest) {
      const rule = t[r.id];
      if (!rule) continue;
      expect(Boolean(rule.layout), r.id).toBe(r.parentId === undefined);
      expect(Boolean(rule.api), r.id).toBe(r.pattern.startsWith("/api/"));
    }
  });
});

function describeOutcome(res: Response): string {
  const loc = res.headers.get("location");
  return `${res.status}${loc ? ` → ${loc}` : ""}`;
}

function check(res: Response, expected: Outcome, url: string, failures: string[], label: string, type?: string) {
  const got = describeOutcome(res);
  if (expected === "login") {
    const loc = res.headers.get("location") ?? "";
    if (res.status !== 302 || loc !== `/login?redirectTo=${encodeURIComponent(url)}`) failures.push(`${label}: erwartet Anmeldung, erhalten ${got}`);
    return;
  }
  if (typeof expected === "object") {
    const loc = res.headers.get("location") ?? "";
    const ok = res.status === 302 && (typeof expected.redirect === "string" ? loc === expected.redirect : expected.redirect.test(loc));
    if (!ok) failures.push(`${label}: erwartet 302 → ${String(expected.redirect)}, erhalten ${got}`);
    return;
  }
  if (res.status !== expected) {
    failures.push(`${label}: erwartet ${expected}, erhalten ${got}`);
    return;
  }
  const contentType = res.headers.get("content-type") ?? "";
  if (expected === 200 && type && !contentType.startsWith(type)) failures.push(`${label}: Content-Type ${contentType}, erwartet ${type}`);
  if ((expected === 401 || expected === 403) && label.includes("/api/") && !contentType.startsWith("application/problem+json")) {
    failures.push(`${label}: API-Fehler ohne problem+json (${contentType})`);
  }
  if (expected === 401 && label.includes("/api/") && !/^Bearer/.test(res.headers.get("www-authenticate") ?? "")) failures.push(`${label}: 401 ohne WWW-Authenticate: Bearer`);
}

async function credentials(rule: Rule, who: Principal, fresh = false): Promise<{ cookie?: string; token?: string }> {
  if (who === "anonymous") return {};
  if (rule.api) return { token: tokens[who] };
  return { cookie: fresh ? await loginCookie(server.baseUrl, EMAILS[who]) : cookies[who] };
}

/** Run `work` for every non-layout route of the manifest, a few routes at a time. */
async function eachRoute(t: Record<string, Rule>, work: (route: ManifestRoute, rule: Rule, url: string) => Promise<void>) {
  const queue = manifest.filter((r) => t[r.id] && !t[r.id].layout);
  const worker = async () => {
    for (let route = queue.shift(); route; route = queue.shift()) {
      const rule = t[route.id];
      await work(route, rule, fillPattern(route.pattern, rule.params ?? {}));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}

describe("every route, every role", () => {
  it("GET answers as the table says", async () => {
    const t = table(ids);
    const failures: string[] = [];
    let checked = 0;
    await eachRoute(t, async (route, rule, url) => {
      await Promise.all(
        PRINCIPALS.map(async (who) => {
          const res = await request(url, await credentials(rule, who));
          await res.arrayBuffer();
          check(res, rule.get[who], url, failures, `GET ${url} als ${who}`, rule.type);
          checked++;
        }),
      );
    });
    expect(failures).toEqual([]);
    expect(checked).toBe(manifest.filter((r) => !t[r.id]?.layout).length * PRINCIPALS.length);
  });

  it("POST answers as the table says (405 where there is no action)", async () => {
    const t = table(ids);
    const failures: string[] = [];
    await eachRoute(t, async (route, rule, url) => {
      const expected = rule.post ?? all(405);
      await Promise.all(
        PRINCIPALS.map(async (who) => {
          const res = await request(url, { method: "POST", ...(await credentials(rule, who, rule.freshSessionForPost)) });
          await res.arrayBuffer();
          check(res, expected[who], url, failures, `POST ${url} als ${who}`);
        }),
      );
    });
    expect(failures).toEqual([]);
  });

  it("the API ignores session cookies (no bearer token → 401)", async () => {
    for (const path of ["/api/v1/me", "/api/v1/provider"]) {
      for (const r of ROLES) {
        const res = await request(path, { cookie: cookies[r] });
        expect(res.status, `${path} mit Sitzungscookie als ${r}`).toBe(401);
        expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        await res.arrayBuffer();
      }
    }
  });
});

describe("object-level access of provider users", () => {
  it("a provider user cannot open another provider's record (staff-only page)", async () => {
    const res = await request(`/providers/${ids.providerT}`, { cookie: cookies.provider });
    expect(res.status).toBe(403);
    const own = await request(`/providers/${ids.providerB}`, { cookie: cookies.provider });
    expect(own.status).toBe(403);
  });

  it("another broker's placement claim is 404 in the portal and the API, its agreement too", async () => {
    for (const url of [`/portal/placements/${ids.claimOther}`]) {
      const res = await request(url, { cookie: cookies.provider });
      expect(res.status, url).toBe(404);
      await res.arrayBuffer();
    }
    const api = await request(`/api/v1/placements/${ids.claimOther}`, { token: tokens.provider });
    expect(api.status).toBe(404);
    await api.arrayBuffer();
    // A POST naming another broker's claim changes nothing: withdrawal is refused with 404.
    const post = await fetch(`${server.baseUrl}/portal/placements/${ids.claimOther}`, {
      method: "POST",
      headers: { Cookie: cookies.provider, Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=withdraw",
      redirect: "manual",
    });
    expect(post.status).toBe(404);
    await post.arrayBuffer();
    const own = await request(`/api/v1/placements/${ids.claimB}`, { token: tokens.provider });
    expect(own.status).toBe(200);
    const body = await own.text();
    for (const secret of ["monthlyBenefit", "householdSize", "healthNotes", "targetGroups"]) expect(body).not.toContain(secret);
  });

  it("an instalment proof through the API: day 41 refused with the reason, day 42 earns it; another broker's instalment is 404", async () => {
    const due = await withServerDb(server, async () => {
      const { em } = await import("~/lib/db.server");
      const { FeeInstalment, PlacementClaim } = await import("../../entities");
      const { addDays } = await import("~/domain/time");
      const m = await em();
      const i = await m.getRepository(FeeInstalment).findOneOrFail({ where: { providerId: ids.providerB, status: "due", number: 1 } });
      const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: i.claimId });
      return { claimId: i.claimId, day41: addDays(i.earliestOn, -1), day42: i.earliestOn, jobStart: claim.jobStart };
    });
    const { PDFDocument } = await import("pdf-lib");
    const doc = await PDFDocument.create();
    doc.addPage();
    const pdf = await doc.save();
    const post = (confirmedUntil: string, token = tokens.provider, claimId = due.claimId) => {
      const form = new FormData();
      form.append("confirmation", new Blob([Buffer.from(pdf)], { type: "application/pdf" }), "bestaetigung.pdf");
      form.append("confirmedUntil", confirmedUntil);
      form.append("uninterrupted", "true");
      return fetch(`${server.baseUrl}/api/v1/placements/${claimId}/instalments/1`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form });
    };
    const tooEarly = await post(due.day41);
    expect(tooEarly.status).toBe(422); // the guard refuses: a rule, not malformed input (ADR 0010)
    expect(((await tooEarly.json()) as { detail: string }).detail).toContain("das ist Tag 41; für die 1. Rate ist Tag 42");
    const other = await post(due.day42, tokens.procurement);
    expect(other.status).toBe(403);
    await other.arrayBuffer();
    const ok = await post(due.day42);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ number: 1, status: "earned", confirmedUntil: due.day42 });
    const again = await post(due.day42);
    expect(again.status).toBe(409);
    await again.arrayBuffer();
  });

  it("the assigned clients in the API are the own organisation's only, without internal data", async () => {
    const res = await request("/api/v1/assignments?status=all", { token: tokens.provider });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of ["monthlyBenefit", "householdSize", "healthNotes", "targetGroups", "severely_disabled"]) expect(text).not.toContain(secret);
    const rows = JSON.parse(text) as { assignment: string; name: string | null; contact: unknown }[] | { items: { assignment: string; name: string | null; contact: unknown }[] };
    const list = Array.isArray(rows) ? rows : rows.items;
    expect(list.length).toBeGreaterThan(0);
    const ownRefs = await withServerDb(server, async () => {
      const { em } = await import("~/lib/db.server");
      const { Assignment } = await import("../../entities");
      return (await (await em()).getRepository(Assignment).find({ where: { providerId: ids.providerB } })).map((a) => a.reference);
    });
    for (const r of list) expect(ownRefs).toContain(r.assignment);
    // Name and contact only with consent.
    for (const r of list) if (r.name === null) expect(r.contact).toBeNull();
  });

  it("the API shows a provider user its own organisation only", async () => {
    const res = await request("/api/v1/provider", { token: tokens.provider });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: number };
    expect(body.id).toBe(ids.providerB);
  });

  it("another organisation's document is 404 for a provider user, visible to staff", async () => {
    const docT = documentIdFrom(await postDatasheet(ids.providerT, cookies.admin));
    const foreign = await request(`/documents/${docT}`, { cookie: cookies.provider });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("content-type") ?? "").not.toMatch(/pdf/);
    await foreign.arrayBuffer();
    // …and the other way round.
    const foreignForT = await request(`/documents/${ids.documentB}`, { cookie: otherProviderCookie });
    expect(foreignForT.status).toBe(404);
    await foreignForT.arrayBuffer();
    // The owner and staff see it.
    const ownT = await request(`/documents/${docT}`, { cookie: otherProviderCookie });
    expect(ownT.status).toBe(200);
    expect(ownT.headers.get("content-type")).toMatch(/^application\/pdf/);
    await ownT.arrayBuffer();
    for (const r of STAFF) {
      const staff = await request(`/documents/${docT}`, { cookie: cookies[r] });
      expect(staff.status, r).toBe(200);
      await staff.arrayBuffer();
    }
  });

  it("a provider user generates its own data sheet, but not another provider's", async () => {
    const own = await postDatasheet(ids.providerB, cookies.provider);
    const docId = documentIdFrom(own);
    const pdf = await request(`/documents/${docId}`, { cookie: cookies.provider });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toMatch(/^application\/pdf/);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");

    const other = await postDatasheet(ids.providerT, cookies.provider);
    expect(other.status).toBe(404);
    expect(other.headers.get("location")).toBeNull();
    await other.arrayBuffer();
  });

  it("unknown or malformed ids are 404, not errors", async () => {
    for (const url of [`/documents/999999`, `/documents/abc`, `/providers/999999`, `/admin/users/999999`, `/admin/mail/999999.eml`]) {
      const res = await request(url, { cookie: cookies.admin });
      expect(res.status, url).toBe(404);
      await res.arrayBuffer();
    }
  });
});
