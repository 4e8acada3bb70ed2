import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "~/domain/permissions";
import { all, DUMMY_IDS, EMAILS, loadIds, OTHER_PROVIDER_EMAIL, PRINCIPALS, routeTable as table, STAFF, type Ids, type Outcome, type Principal, type Rule } from "../setup/route-table";
import { loginCookie, startServer, type TestServer } from "../setup/server";
import { createApiToken, createApiTokensInProcess, fillPattern, routeManifest, withServerDb, type ManifestRoute } from "../setup/server-tools";

/**
 * Route authorization: every route of the Remix manifest has an entry in the route table
 * (tests/setup/route-table.ts, shared with the accessibility check) with the expected answer for
 * each role and for anonymous visitors, for GET and for POST. A new route without an entry (or
 * an entry for a route that is gone) fails the suite.
 *
 * Requires a current build (`npx remix build`).
 */

let server: TestServer;
let manifest: ManifestRoute[];
let ids: Ids;
const cookies = {} as Record<Role, string>;
const tokens = {} as Record<Role, string>;
let otherProviderCookie: string;
let otherProviderToken: string;

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
  const restTokens = await createApiTokensInProcess(server, [...rest.map((r) => EMAILS[r]), OTHER_PROVIDER_EMAIL]);
  otherProviderToken = restTokens.pop()!;
  rest.forEach((r, i) => (tokens[r] = restTokens[i]));
  for (const r of roles) cookies[r] = await loginCookie(server.baseUrl, EMAILS[r]);
  otherProviderCookie = await loginCookie(server.baseUrl, OTHER_PROVIDER_EMAIL);

  ids = await loadIds(server, cookies.procurement);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("route table", () => {
  it("has exactly one entry per route of the manifest", () => {
    const dummy: Ids = DUMMY_IDS;
    const inTable = Object.keys(table(dummy));
    const inManifest = manifest.map((r) => r.id);
    const missing = inManifest.filter((id) => !inTable.includes(id));
    const stale = inTable.filter((id) => !inManifest.includes(id));
    // missing: routes without an entry in the table; stale: entries for routes that are gone.
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    expect(inManifest.length).toBeGreaterThanOrEqual(25);
  });

  it("states POST expectations for every route with an action", () => {
    const dummy: Ids = DUMMY_IDS;
    const t = table(dummy);
    const lacking = manifest.filter((r) => r.hasAction && t[r.id] && !t[r.id].post).map((r) => r.id);
    expect(lacking, "routes with an action but no POST expectations").toEqual([]);
  });

  it("marks only the root as layout, and API rules only for /api/ URLs", () => {
    const t = table(DUMMY_IDS);
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

/** Every route for every role: some pages compute reports over the demo data (comparison, PDFs). */
const ROUTE_SWEEP_TIMEOUT_MS = 240_000;

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
  }, ROUTE_SWEEP_TIMEOUT_MS);

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
  }, ROUTE_SWEEP_TIMEOUT_MS);

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
  it("a training provider's user is refused the broker portal and the broker API (403, in German)", async () => {
    // The same role as the broker, but the organisation (DEMO-T-0001) is a training provider.
    for (const url of ["/portal/clients", "/portal/placements", "/portal/placements/new", `/portal/placements/${ids.claimB}`, "/portal/agreements"]) {
      const res = await request(url, { cookie: otherProviderCookie });
      expect(res.status, url).toBe(403);
      const html = await res.text();
      expect(html, url).toContain("Vermittlern");
      expect(html, url).not.toContain("Vermittlung melden</a>");
    }
    for (const [post, body] of [
      [`/portal/placements/${ids.claimB}`, "intent=withdraw"],
      ["/portal/agreements", `intent=document&id=${ids.agreementB}`],
      ["/portal/agreements", `intent=accept&id=${ids.agreementB}`],
    ]) {
      const res = await fetch(server.baseUrl + post, {
        method: "POST",
        headers: { Cookie: otherProviderCookie, Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
        body,
        redirect: "manual",
      });
      expect(res.status, `${post} ${body}`).toBe(403);
      await res.arrayBuffer();
    }
    for (const url of ["/api/v1/assignments?status=all", "/api/v1/placements", `/api/v1/placements/${ids.claimB}`]) {
      const res = await request(url, { token: otherProviderToken });
      expect(res.status, url).toBe(403);
      expect(res.headers.get("content-type"), url).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail, url).toContain("Vermittlern");
    }
    // Its own portal pages stay open.
    for (const url of ["/portal", "/portal/tenders", "/portal/contracts"]) {
      const res = await request(url, { cookie: otherProviderCookie });
      expect(res.status, url).toBe(200);
      await res.arrayBuffer();
    }
  });

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
      const { em } = await import("../setup/db");
      const { FeeInstalment, PlacementClaim } = await import("../../entities");
      const { addDays } = await import("~/domain/time");
      const m = await em();
      const i = await m.getRepository(FeeInstalment).findOneOrFail({ where: { providerId: ids.providerB, status: "due", number: 1 } });
      const claim = await m.getRepository(PlacementClaim).findOneByOrFail({ id: i.claimId });
      // earliestOn is the day after day 42 (a period is complete when its last day is over).
      return { claimId: i.claimId, day41: addDays(i.earliestOn, -2), day42: addDays(i.earliestOn, -1), jobStart: claim.jobStart };
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
      const { em } = await import("../setup/db");
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
