import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { IdempotencyKey, Setting } from "../../entities";
import { now, nowIso, resetClock, setClock } from "~/lib/clock.server";
import { isUniqueViolation, tx } from "~/lib/db.server";
import { em } from "../setup/db";
import { problem } from "~/lib/http.server";
import { ABANDONED_AFTER_MS, fingerprintJson, forgetExpiredIdempotencyKeys, idempotent } from "~/services/idempotency.server";
import { freshDatabase } from "../setup/db";

/**
 * Idempotency-Key (issue 9 point 9, ADR 0016) against the database, in-process: replay, refusal
 * of a reused key, concurrent requests, freed keys, expiry. Runs on SQLite and, in CI, PostgreSQL.
 */

const SCOPE = "provider:1";
let seq = 0;
/** A fresh key per test, so that tests do not meet each other's keys. */
const newKey = () => `test-${Date.now().toString(36)}-${++seq}`;

function post(key: string | null, path = "/api/v1/placements", method = "POST"): Request {
  return new Request(`http://localhost${path}`, { method, headers: key === null ? {} : { "Idempotency-Key": key } });
}

/** A stand-in for a route's work: counts its runs, answers what it is told. */
function counter(answer: () => Response | Promise<Response> = () => created(1)) {
  const c = { runs: 0, run: async () => (c.runs++, answer()) };
  return c;
}

function created(id: number): Response {
  const location = `/api/v1/placements/${id}`;
  return new Response(JSON.stringify({ id, reference: `VN-2026-${String(id).padStart(5, "0")}`, status: "submitted", statusLabel: "eingereicht", location }), {
    status: 201,
    headers: { "Content-Type": "application/json; charset=utf-8", Location: location, "Set-Cookie": "x=1", "X-Other": "y" },
  });
}

async function snapshot(res: Response) {
  return { status: res.status, body: await res.text(), contentType: res.headers.get("content-type"), location: res.headers.get("location") };
}

async function rows(key: string) {
  return (await em()).getRepository(IdempotencyKey).find({ where: { scope: SCOPE, key } });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const BODY = { assignmentId: 7, employerName: "Kamenzer Logistik GmbH", weeklyHours: 38.5 };
const FP = fingerprintJson(BODY);

beforeAll(async () => {
  await freshDatabase();
});

beforeEach(() => {
  resetClock();
});

afterAll(() => {
  resetClock();
});

describe("idempotent(): keys and replays", () => {
  it("without an Idempotency-Key every request runs (no row is written)", async () => {
    const c = counter();
    expect((await idempotent(post(null), SCOPE, FP, c.run)).status).toBe(201);
    expect((await idempotent(post(null), SCOPE, FP, c.run)).status).toBe(201);
    expect(c.runs).toBe(2);
    expect(await (await em()).getRepository(IdempotencyKey).count()).toBe(0);
  });

  it("refuses a malformed key with 400 problem+json keyed by the header name; nothing runs", async () => {
    const c = counter();
    for (const bad of ["", "mit leerzeichen", "schlüssel", "tab\tkey", "x".repeat(256)]) {
      const res = await idempotent(new Request("http://localhost/api/v1/placements", { method: "POST", headers: [["Idempotency-Key", bad]] }), SCOPE, FP, c.run);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const body = await res.json();
      expect(body.errors["Idempotency-Key"]).toContain("1 bis 255 sichtbaren ASCII-Zeichen");
    }
    expect(c.runs).toBe(0);
    // 255 visible characters are a valid key.
    expect((await idempotent(post("~".repeat(255)), SCOPE, FP, c.run)).status).toBe(201);
    expect(c.runs).toBe(1);
  });

  it("the same key with the same body replays the first answer byte for byte; nothing runs again", async () => {
    const key = newKey();
    let id = 100;
    const c = counter(() => created(++id));
    const first = await snapshot(await idempotent(post(key), SCOPE, FP, c.run));
    expect(first).toMatchObject({ status: 201, location: "/api/v1/placements/101" });
    const again = await idempotent(post(key), SCOPE, FP, c.run);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    // Only Content-Type and Location are kept: never cookies or anything else.
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(again.headers.get("x-other")).toBeNull();
    expect(await snapshot(again)).toEqual(first);
    // The same body written with its keys in another order is the same request.
    const reordered = fingerprintJson({ weeklyHours: 38.5, employerName: "Kamenzer Logistik GmbH", assignmentId: 7 });
    expect(await snapshot(await idempotent(post(key), SCOPE, reordered, c.run))).toEqual(first);
    expect(c.runs).toBe(1);
    const [row] = await rows(key);
    expect(row).toMatchObject({ state: "done", method: "POST", path: "/api/v1/placements", fingerprint: FP, responseStatus: 201 });
    expect(row.responseHeaders).toEqual({ "Content-Type": "application/json; charset=utf-8", Location: "/api/v1/placements/101" });
    expect(row.completedAt).not.toBeNull();
  });

  it("the first answer of the first request is passed on unchanged (its cookies included)", async () => {
    const res = await idempotent(post(newKey()), SCOPE, FP, async () => created(5));
    expect(res.headers.get("set-cookie")).toBe("x=1");
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect((await res.json()).id).toBe(5);
  });

  it("the same key with another body, path or method is refused with 422; nothing runs", async () => {
    const key = newKey();
    const c = counter();
    await idempotent(post(key), SCOPE, FP, c.run);
    const attempts = [
      idempotent(post(key), SCOPE, fingerprintJson({ ...BODY, weeklyHours: 39 }), c.run),
      idempotent(post(key, "/api/v1/tenders/3/offers"), SCOPE, FP, c.run),
      idempotent(post(key, "/api/v1/placements?dryRun=1"), SCOPE, FP, c.run),
      idempotent(post(key, "/api/v1/placements", "PUT"), SCOPE, FP, c.run),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await res.json()).detail).toContain("bereits für eine andere Anfrage verwendet");
    }
    expect(c.runs).toBe(1);
  });

  it("keys belong to their scope: another organisation's identical key is its own", async () => {
    const key = newKey();
    const c = counter();
    await idempotent(post(key), "provider:1", FP, c.run);
    await idempotent(post(key), "provider:2", fingerprintJson({ other: true }), c.run);
    await idempotent(post(key), "user:9", FP, c.run);
    expect(c.runs).toBe(3);
  });

  it("409 and 422 answers are final: stored and replayed", async () => {
    for (const status of [409, 422]) {
      const key = newKey();
      const c = counter(() => problem(status, "Regel nicht erfüllt", `Abgelehnt (${status}).`, { Location: "/api/v1/placements/77" }));
      const first = await snapshot(await idempotent(post(key), SCOPE, FP, c.run));
      const again = await idempotent(post(key), SCOPE, FP, c.run);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await snapshot(again)).toEqual(first);
      expect(first.status).toBe(status);
      expect(c.runs).toBe(1);
    }
  });
});

describe("idempotent(): answers after which nothing happened free the key", () => {
  it("a 400 frees the key: the corrected request (another body) runs under the same key", async () => {
    const key = newKey();
    const bad = counter(() => problem(400, "Ungültige Eingabe", "Die Arbeitszeit fehlt.", {}, { errors: { weeklyHours: "Pflichtangabe." } }));
    const res = await idempotent(post(key), SCOPE, fingerprintJson({ assignmentId: 7 }), bad.run);
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual({ weeklyHours: "Pflichtangabe." });
    expect(await rows(key)).toEqual([]);
    const good = counter();
    expect((await idempotent(post(key), SCOPE, FP, good.run)).status).toBe(201);
    expect(good.runs).toBe(1);
  });

  it("401, 403, 404, 413, 415, 429 and 500 free the key as well", async () => {
    for (const status of [401, 403, 404, 413, 415, 429, 500]) {
      const key = newKey();
      await idempotent(post(key), SCOPE, FP, async () => problem(status, "Fehler", "Nichts geschehen."));
      expect(await rows(key), String(status)).toEqual([]);
    }
  });

  it("a thrown error frees the key and is rethrown; the retry runs", async () => {
    const key = newKey();
    await expect(
      idempotent(post(key), SCOPE, FP, async () => {
        throw new Error("Datenbank weg");
      }),
    ).rejects.toThrow("Datenbank weg");
    expect(await rows(key)).toEqual([]);
    const c = counter();
    expect((await idempotent(post(key), SCOPE, FP, c.run)).status).toBe(201);
    expect(c.runs).toBe(1);
  });
});

describe("idempotent(): concurrent requests with the same key", () => {
  it("of requests arriving together exactly one runs; the others get 409 with Retry-After: 1 while it runs, the replay after", async () => {
    const key = newKey();
    const hold = deferred();
    const started = deferred();
    const c = counter(async () => {
      started.resolve();
      await hold.promise;
      return created(42);
    });
    const all = Array.from({ length: 6 }, () => idempotent(post(key), SCOPE, FP, c.run));
    await started.promise;
    // The five that did not win answer while the winner still waits.
    const settled: Response[] = [];
    all.forEach((p) => void p.then((r) => settled.push(r)));
    for (let i = 0; i < 1000 && settled.length < 5; i++) await new Promise((r) => setTimeout(r, 10));
    expect(settled.length).toBe(5);
    for (const res of settled) {
      expect(res.status).toBe(409);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await res.json()).detail).toContain("noch bearbeitet");
    }
    expect(c.runs).toBe(1);
    hold.resolve();
    const statuses = (await Promise.all(all)).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const replay = await idempotent(post(key), SCOPE, FP, c.run);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(c.runs).toBe(1);
    expect(await rows(key)).toHaveLength(1);
  });

  it("with waitMs (the portal's double submit) the second waits for the first answer and gets it", async () => {
    const key = newKey();
    const hold = deferred();
    const started = deferred();
    const c = counter(async () => {
      started.resolve();
      await hold.promise;
      return created(43);
    });
    const first = idempotent(post(key), SCOPE, FP, c.run, { waitMs: 10_000 });
    await started.promise;
    const second = idempotent(post(key), SCOPE, FP, c.run, { waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    hold.resolve();
    const [a, b] = await Promise.all([first, second]);
    expect(await snapshot(b)).toEqual(await snapshot(a));
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(c.runs).toBe(1);
  });

  it("a waiting request runs itself when the first one failed and freed the key", async () => {
    const key = newKey();
    const hold = deferred();
    const started = deferred();
    let calls = 0;
    const run = async () => {
      calls++;
      if (calls === 1) {
        started.resolve();
        await hold.promise;
        return problem(503, "Nicht verfügbar", "Später erneut.");
      }
      return created(44);
    };
    const first = idempotent(post(key), SCOPE, FP, run, { waitMs: 10_000 });
    await started.promise;
    const second = idempotent(post(key), SCOPE, FP, run, { waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    hold.resolve();
    expect((await first).status).toBe(503);
    expect((await second).status).toBe(201);
    expect(calls).toBe(2);
  });

  it("the unique index on (scope, key) refuses a second row, and the error is recognised as such", async () => {
    const key = newKey();
    const row = { scope: SCOPE, key, method: "POST", path: "/x", fingerprint: FP, state: "in_progress", createdAt: nowIso() };
    await tx((m) => m.getRepository(IdempotencyKey).insert(row));
    const error = await tx((m) => m.getRepository(IdempotencyKey).insert(row)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error("something else"))).toBe(false);
  });

  it("a reservation whose process died (in progress for longer than the limit) is taken over by a retry", async () => {
    const key = newKey();
    const longAgo = new Date(now().getTime() - ABANDONED_AFTER_MS - 1000).toISOString();
    await tx((m) => m.getRepository(IdempotencyKey).insert({ scope: SCOPE, key, method: "POST", path: "/api/v1/placements", fingerprint: FP, state: "in_progress", createdAt: longAgo }));
    const c = counter();
    expect((await idempotent(post(key), SCOPE, FP, c.run)).status).toBe(201);
    expect(c.runs).toBe(1);
    expect((await rows(key))[0].state).toBe("done");
  });
});

describe("idempotent(): keys are forgotten after api.idempotencyHours", () => {
  it("after the default 24 hours a key may be used again, also for another body; before, it replays", async () => {
    const key = newKey();
    const c = counter();
    await idempotent(post(key), SCOPE, FP, c.run);
    // The boundary, to the second (the clock runs on during each call): a second before 24 hours
    // after the first use the key replays, a second after it is forgotten.
    const start = new Date((await rows(key))[0].createdAt);
    setClock(new Date(start.getTime() + 24 * 3600_000 - 1000));
    expect((await idempotent(post(key), SCOPE, FP, c.run)).headers.get("idempotent-replayed")).toBe("true");
    expect((await idempotent(post(key), SCOPE, fingerprintJson({ other: 1 }), c.run)).status).toBe(422);
    expect(c.runs).toBe(1);
    setClock(new Date(start.getTime() + 24 * 3600_000 + 1000));
    const reused = await idempotent(post(key), SCOPE, fingerprintJson({ other: 1 }), c.run);
    expect(reused.status).toBe(201);
    expect(reused.headers.get("idempotent-replayed")).toBeNull();
    expect(c.runs).toBe(2);
  });

  it("follows the setting, and the job removes what is older", async () => {
    const m = await em();
    await m.getRepository(IdempotencyKey).clear();
    await m.getRepository(Setting).save({ key: "api.idempotencyHours", value: 48, updatedAt: nowIso(), updatedById: null });
    try {
      const start = now();
      const old = newKey();
      const recent = newKey();
      await idempotent(post(old), SCOPE, FP, counter().run);
      setClock(new Date(start.getTime() + 30 * 3600_000));
      await idempotent(post(recent), SCOPE, FP, counter().run);
      // 30 hours later the 48-hour setting still replays.
      expect((await idempotent(post(old), SCOPE, FP, counter().run)).headers.get("idempotent-replayed")).toBe("true");
      expect(await forgetExpiredIdempotencyKeys()).toBe(0);
      setClock(new Date(start.getTime() + 49 * 3600_000));
      expect(await forgetExpiredIdempotencyKeys()).toBe(1);
      expect(await rows(old)).toEqual([]);
      expect(await rows(recent)).toHaveLength(1);
    } finally {
      await m.getRepository(Setting).delete({ key: "api.idempotencyHours" });
    }
  });
});
