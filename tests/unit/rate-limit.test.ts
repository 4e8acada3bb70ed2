import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { limitApiRequests, RateLimitCounter, tooManyMessage, WINDOW_MS, type Limits } from "~/lib/rate-limit.server";

const T0 = 1_800_000_000_000;
const LIMITS: Limits = { perMinute: 5, writesPerMinute: 2 };

describe("RateLimitCounter: fixed windows of one minute per token", () => {
  it("request N is allowed, N+1 refused; refused requests are not counted", () => {
    const c = new RateLimitCounter();
    const seen = [1, 2, 3, 4, 5].map((i) => c.hit("k", false, LIMITS, T0 + i * 1000));
    expect(seen.map((d) => [d.allowed, d.limit, d.remaining])).toEqual([
      [true, 5, 4],
      [true, 5, 3],
      [true, 5, 2],
      [true, 5, 1],
      [true, 5, 0],
    ]);
    const sixth = c.hit("k", false, LIMITS, T0 + 6000);
    expect(sixth).toEqual({ allowed: false, limit: 5, remaining: 0, resetSeconds: 55, kind: "all" }); // the window began at T0 + 1 s, ends at T0 + 61 s
    expect(c.hit("k", false, LIMITS, T0 + 7000).allowed).toBe(false);
  });

  it("the window resets a minute after the token's first request, not earlier", () => {
    const c = new RateLimitCounter();
    for (let i = 0; i < 5; i++) c.hit("k", false, LIMITS, T0);
    expect(c.hit("k", false, LIMITS, T0 + WINDOW_MS - 1)).toMatchObject({ allowed: false, resetSeconds: 1 });
    expect(c.hit("k", false, LIMITS, T0 + WINDOW_MS)).toEqual({ allowed: true, limit: 5, remaining: 4, resetSeconds: 60, kind: "all" });
  });

  it("Reset counts whole seconds up", () => {
    const c = new RateLimitCounter();
    expect(c.hit("k", false, LIMITS, T0).resetSeconds).toBe(60);
    expect(c.hit("k", false, LIMITS, T0 + 500).resetSeconds).toBe(60);
    expect(c.hit("k", false, LIMITS, T0 + 1000).resetSeconds).toBe(59);
    expect(c.hit("k", false, LIMITS, T0 + 59_001).resetSeconds).toBe(1);
  });

  it("changes have their own lower limit on top; a refused change leaves reads free", () => {
    const c = new RateLimitCounter();
    expect(c.hit("k", true, LIMITS, T0)).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 60, kind: "write" });
    expect(c.hit("k", true, LIMITS, T0)).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 60, kind: "write" });
    expect(c.hit("k", true, LIMITS, T0)).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 60, kind: "write" });
    // a read reports the general limit: 2 of 5 used
    expect(c.hit("k", false, LIMITS, T0)).toEqual({ allowed: true, limit: 5, remaining: 2, resetSeconds: 60, kind: "all" });
    expect(c.hit("k", false, LIMITS, T0).remaining).toBe(1);
    expect(c.hit("k", false, LIMITS, T0).remaining).toBe(0);
    // both exhausted: the general limit is the one reported
    expect(c.hit("k", true, LIMITS, T0)).toMatchObject({ allowed: false, limit: 5, kind: "all" });
  });

  it("a change reports the general limit when that is the tighter one", () => {
    const c = new RateLimitCounter();
    const loose = { perMinute: 3, writesPerMinute: 10 };
    expect(c.hit("k", true, loose, T0)).toMatchObject({ limit: 3, remaining: 2, kind: "all" });
  });

  it("tokens are counted apart; ended windows are forgotten", () => {
    const c = new RateLimitCounter();
    for (let i = 0; i < 5; i++) c.hit("a", false, LIMITS, T0);
    expect(c.hit("a", false, LIMITS, T0).allowed).toBe(false);
    expect(c.hit("b", false, LIMITS, T0).allowed).toBe(true);
    expect(c.size).toBe(2);
    c.hit("c", false, LIMITS, T0 + 2 * WINDOW_MS);
    expect(c.size).toBe(1);
  });

  it("the German message names the limit and the wait", () => {
    expect(tooManyMessage({ allowed: false, limit: 120, remaining: 0, resetSeconds: 17, kind: "all" })).toBe("Dieser API-Zugang hat die Grenze von 120 Anfragen je Minute erreicht. Bitte wiederholen Sie die Anfrage in 17 Sekunden.");
    expect(tooManyMessage({ allowed: false, limit: 60, remaining: 0, resetSeconds: 3, kind: "write" })).toBe(
      "Dieser API-Zugang hat die Grenze von 60 ändernden Anfragen (POST, PUT, PATCH, DELETE) je Minute erreicht. Bitte wiederholen Sie die Anfrage in 3 Sekunden.",
    );
  });
});

/** A response double that records what the middleware wrote. */
function fakeResponse() {
  const headers: Record<string, string> = {};
  const res = {
    statusCode: 200,
    body: "",
    setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = v),
    writeHead: (status: number, h: Record<string, string | number>) => {
      res.statusCode = status;
      for (const [k, v] of Object.entries(h)) headers[k.toLowerCase()] = String(v);
    },
    end: (b: string) => void (res.body = b),
  };
  return { res, headers };
}

function fakeRequest(url: string, method: string, authorization?: string) {
  const req = Object.assign(new EventEmitter(), { url, method, headers: authorization ? { authorization } : {}, resume: () => undefined });
  return req as unknown as IncomingMessage;
}

async function run(mw: ReturnType<typeof limitApiRequests>, req: IncomingMessage) {
  const { res, headers } = fakeResponse();
  const passed = await new Promise<boolean>((resolve) => {
    mw(req, res as unknown as ServerResponse, () => resolve(true));
    setTimeout(() => resolve(false), 50);
  });
  return { passed, status: res.statusCode, headers, body: res.body };
}

describe("limitApiRequests: the middleware", () => {
  const mw = () => limitApiRequests({ limits: async () => ({ perMinute: 2, writesPerMinute: 1 }), clock: () => T0 });

  it("requests without a bearer token, or outside /api/, pass untouched", async () => {
    const m = mw();
    for (const req of [fakeRequest("/api/v1/me", "GET"), fakeRequest("/portal", "GET", "Bearer vt_x"), fakeRequest("/api/v1/me", "GET", "Basic abc")]) {
      for (let i = 0; i < 4; i++) {
        const r = await run(m, req);
        expect(r.passed).toBe(true);
        expect(r.headers["ratelimit-limit"]).toBeUndefined();
      }
    }
  });

  it("headers on every counted answer; over the limit 429 problem+json with Retry-After", async () => {
    const m = mw();
    const first = await run(m, fakeRequest("/api/v1/me", "GET", "Bearer vt_one"));
    expect(first).toMatchObject({ passed: true, headers: { "ratelimit-limit": "2", "ratelimit-remaining": "1", "ratelimit-reset": "60" } });
    expect((await run(m, fakeRequest("/api/v1/me", "GET", "bearer vt_one"))).headers["ratelimit-remaining"]).toBe("0");
    const refused = await run(m, fakeRequest("/api/v1/me", "GET", "Bearer vt_one"));
    expect(refused).toMatchObject({ passed: false, status: 429, headers: { "content-type": "application/problem+json; charset=utf-8", "retry-after": "60", "ratelimit-remaining": "0" } });
    expect(JSON.parse(refused.body)).toEqual({
      type: "about:blank",
      title: "Zu viele Anfragen",
      status: 429,
      detail: "Dieser API-Zugang hat die Grenze von 2 Anfragen je Minute erreicht. Bitte wiederholen Sie die Anfrage in 60 Sekunden.",
    });
    // another token is not affected
    expect((await run(m, fakeRequest("/api/v1/me", "GET", "Bearer vt_two"))).passed).toBe(true);
  });

  it("changes count against the write limit", async () => {
    const m = mw();
    expect((await run(m, fakeRequest("/api/v1/placements", "POST", "Bearer vt_w"))).headers).toMatchObject({ "ratelimit-limit": "1", "ratelimit-remaining": "0" });
    const refused = await run(m, fakeRequest("/api/v1/offers/1", "DELETE", "Bearer vt_w"));
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).detail).toContain("1 ändernden Anfragen");
    expect((await run(m, fakeRequest("/api/v1/me", "GET", "Bearer vt_w"))).passed).toBe(true);
  });
});
