import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { meteredBody } from "./body-limit.server";
import { now } from "./clock.server";
import { getSettings } from "./settings.server";

/*
 * Rate limits per API token (ADR 0014, issue 9 point 11).
 *
 * Every request under /api/ that carries a bearer token counts against its token: at most
 * `api.rateLimitPerMinute` requests, and of them at most `api.writeRateLimitPerMinute` changes
 * (POST, PUT, PATCH, DELETE), per window of one minute that starts with the token's first request.
 * The key is a SHA-256 of the token, so counting needs no database lookup (an unknown token is
 * counted too, and then refused by the route with 401).
 *
 * THE COUNTERS ARE PER PROCESS: they live in this process's memory. Several server processes
 * behind a load balancer each allow the full limit, and a restart starts every window afresh.
 * A shared limit would need a shared store (the database or a cache); one process is what this
 * application runs today.
 *
 * Every such response carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
 * (seconds until the window ends) for the limit that is closest to being reached; past it the
 * answer is 429 problem+json with a German `detail` and `Retry-After` (seconds).
 */

export const WINDOW_MS = 60_000;

export interface Limits {
  /** Requests per window. */
  perMinute: number;
  /** Changes (POST, PUT, PATCH, DELETE) per window, counted in addition. */
  writesPerMinute: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The limit the headers report (the one closest to being reached, or the one exceeded). */
  limit: number;
  remaining: number;
  /** Whole seconds until the window ends (at least 1). */
  resetSeconds: number;
  /** Which limit the headers report. */
  kind: "all" | "write";
}

interface Window {
  start: number;
  all: number;
  writes: number;
}

/**
 * Fixed windows of `windowMs` per key, starting with the key's first request. A request that is
 * refused is not counted. Pure apart from the time passed in; tested in tests/unit/rate-limit.test.ts.
 */
export class RateLimitCounter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly windowMs: number = WINDOW_MS) {}

  /** Count a request of `key` at `at` (ms) against `limits`, if it is allowed. */
  hit(key: string, write: boolean, limits: Limits, at: number): RateDecision {
    this.sweep(at);
    let w = this.windows.get(key);
    if (!w || at - w.start >= this.windowMs || at < w.start) {
      w = { start: at, all: 0, writes: 0 };
      this.windows.set(key, w);
    }
    const resetSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - at) / 1000));
    const allOver = w.all >= limits.perMinute;
    const writeOver = write && w.writes >= limits.writesPerMinute;
    if (allOver || writeOver) {
      const kind = writeOver && !allOver ? "write" : "all";
      return { allowed: false, limit: kind === "write" ? limits.writesPerMinute : limits.perMinute, remaining: 0, resetSeconds, kind };
    }
    w.all++;
    if (write) w.writes++;
    const allLeft = limits.perMinute - w.all;
    const writeLeft = limits.writesPerMinute - w.writes;
    // A change reports the tighter of the two limits; a read the general one.
    if (write && writeLeft < allLeft) return { allowed: true, limit: limits.writesPerMinute, remaining: writeLeft, resetSeconds, kind: "write" };
    return { allowed: true, limit: limits.perMinute, remaining: allLeft, resetSeconds, kind: "all" };
  }

  /** Keys currently held (tests). */
  get size(): number {
    return this.windows.size;
  }

  /** Forget windows that have ended, at most once per window. */
  private sweep(at: number): void {
    if (at - this.lastSweep < this.windowMs) return;
    this.lastSweep = at;
    for (const [key, w] of this.windows) if (at - w.start >= this.windowMs) this.windows.delete(key);
  }
}

/** How long the limits read from the settings are reused: a changed setting takes effect within a minute. */
export const SETTINGS_TTL_MS = 30_000;

let cached: { at: number; limits: Limits } | null = null;

/** The limits from the settings, cached for SETTINGS_TTL_MS. */
export async function currentLimits(at: number = now().getTime()): Promise<Limits> {
  if (cached && at - cached.at < SETTINGS_TTL_MS && at >= cached.at) return cached.limits;
  const settings = await getSettings();
  const limits = { perMinute: settings["api.rateLimitPerMinute"], writesPerMinute: settings["api.writeRateLimitPerMinute"] };
  cached = { at, limits };
  return limits;
}

/** Tests: forget the cached limits. */
export function resetLimitCache(): void {
  cached = null;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The bearer token of an API request, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  if (!(req.url ?? "").startsWith("/api/")) return null;
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1] : null;
}

/** German detail of a 429. */
export function tooManyMessage(decision: RateDecision): string {
  const what = decision.kind === "write" ? `${decision.limit} ändernden Anfragen (POST, PUT, PATCH, DELETE)` : `${decision.limit} Anfragen`;
  return `Dieser API-Zugang hat die Grenze von ${what} je Minute erreicht. Bitte wiederholen Sie die Anfrage in ${decision.resetSeconds} Sekunden.`;
}

/**
 * Middleware (node/express signature) in front of Remix, after `limitRequestBodies`: counts
 * API requests with a bearer token, sets the rate-limit headers, answers 429 past a limit. A
 * refused request's body is read through the body meter and discarded, so that the connection
 * stays usable (a body past its limit still ends it with 413 handling).
 */
export function limitApiRequests(options: { counter?: RateLimitCounter; limits?: () => Promise<Limits>; clock?: () => number } = {}) {
  const counter = options.counter ?? new RateLimitCounter();
  const limits = options.limits ?? (() => currentLimits());
  const clock = options.clock ?? (() => now().getTime());
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const token = bearerToken(req);
    if (!token) return next();
    limits().then(
      (current) => {
        const key = crypto.createHash("sha256").update(token).digest("hex");
        const decision = counter.hit(key, WRITE_METHODS.has((req.method ?? "GET").toUpperCase()), current, clock());
        res.setHeader("RateLimit-Limit", String(decision.limit));
        res.setHeader("RateLimit-Remaining", String(decision.remaining));
        res.setHeader("RateLimit-Reset", String(decision.resetSeconds));
        if (decision.allowed) return next();
        const body = JSON.stringify({ type: "about:blank", title: "Zu viele Anfragen", status: 429, detail: tooManyMessage(decision) });
        res.writeHead(429, {
          "Content-Type": "application/problem+json; charset=utf-8",
          "Content-Length": Buffer.byteLength(body),
          "Retry-After": String(decision.resetSeconds),
        });
        res.end(body);
        // Read the unread body to its end (bounded by the body meter), so the connection stays usable.
        const metered = meteredBody(req);
        if (metered) metered.body.resume();
        else req.resume();
      },
      (error) => next(error),
    );
  };
}
