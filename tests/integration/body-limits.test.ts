import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../setup/server";
import { createApiTokensInProcess } from "../setup/server-tools";

/**
 * Request bodies are bounded while they arrive, on every route and also for chunked bodies (no
 * Content-Length): an oversize form, JSON or multipart body is answered with 413 and a German
 * message, the connection is closed, and the server's resident memory does not grow with the
 * body. Login throttling holds when the attempts come in parallel. Runs the production server
 * (requires a current build: `npx remix build`).
 */

const MB = 1048576;
const LOGIN_THROTTLED = "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.";

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startServer();
  [token] = await createApiTokensInProcess(server, ["vermittler@jobbruecke-kamenz.example"]);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

/** The server process's resident memory in bytes. */
function rss(): number {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)![1]) * 1024;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Bytes written before the answer came. */
  sent: number;
  /** The highest resident memory of the server seen while the request ran, over the value before it. */
  rssGrowth: number;
  /** The connection was closed by the server after the answer. */
  closed: Promise<boolean>;
}

/**
 * POST a body chunk by chunk (Transfer-Encoding: chunked, unless `headers` give a Content-Length),
 * stopping as soon as the server answers; samples the server's memory meanwhile.
 */
function send(path: string, headers: Record<string, string>, chunks: () => Generator<Buffer>): Promise<Answer> {
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 20);
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(server.baseUrl + path, { method: "POST", headers: { Origin: server.baseUrl, ...headers }, agent: false });
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        clearInterval(sampler);
        peak = Math.max(peak, rss());
        const closed = new Promise<boolean>((done) => {
          const socket = res.socket ?? req.socket;
          if (!socket || socket.destroyed) return done(true);
          const timer = setTimeout(() => done(false), 5000);
          socket.once("close", () => {
            clearTimeout(timer);
            done(true);
          });
        });
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent, rssGrowth: peak - before, closed });
      });
    });
    // Writing fails once the server has answered and closed the connection: that is expected.
    req.on("error", (error) => {
      if (!answered) {
        clearInterval(sampler);
        reject(error);
      }
    });
    const it = chunks();
    const pump = () => {
      while (!answered) {
        const next = it.next();
        if (next.done) {
          req.end();
          return;
        }
        sent += next.value.length;
        if (!req.write(next.value)) {
          req.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

const SLICE = Buffer.alloc(MB, "a");

/** `bytes` of filler in slices of 1 MB. */
function* filler(bytes: number, slice = SLICE): Generator<Buffer> {
  for (let left = bytes; left > 0; left -= slice.length) yield left >= slice.length ? slice : slice.subarray(0, left);
}

describe("request bodies are bounded while they arrive", () => {
  it("a 300 MB chunked form to POST /login (no session) gets 413 with a German message; memory stays flat", async () => {
    const answer = await send("/login", { "Content-Type": "application/x-www-form-urlencoded" }, function* () {
      yield Buffer.from("email=a%40b.example&password=");
      yield* filler(300 * MB);
    });
    expect(answer.status).toBe(413);
    expect(answer.headers["content-type"]).toMatch(/^text\/plain/);
    expect(answer.body).toMatch(/^Die gesendeten Daten sind zu groß \(höchstens 512 KB\)\./);
    expect(answer.headers.connection).toBe("close");
    expect(await answer.closed).toBe(true);
    expect(answer.sent).toBeLessThan(100 * MB);
    expect(answer.rssGrowth).toBeLessThan(50 * MB);
  });

  it("a 200 MB chunked JSON body to POST /api/v1/placements gets problem+json 413 before it is parsed", async () => {
    const answer = await send("/api/v1/placements", { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, function* () {
      yield Buffer.from('{"note":"');
      yield* filler(200 * MB);
      yield Buffer.from('"}');
    });
    expect(answer.status).toBe(413);
    expect(answer.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toEqual({ type: "about:blank", title: "Zu groß", status: 413, detail: "Die Angaben sind größer als 1 MB." });
    expect(answer.headers.connection).toBe("close");
    expect(await answer.closed).toBe(true);
    expect(answer.rssGrowth).toBeLessThan(50 * MB);
  });

  it("a chunked multipart body with ten 19 MB file parts under names the route does not expect gets 413; those parts are never held", async () => {
    // (a part without any name is refused by the multipart parser at its first header)
    const boundary = "----grenze7f3a";
    const answer = await send("/api/v1/placements", { "Content-Type": `multipart/form-data; boundary=${boundary}`, Authorization: `Bearer ${token}` }, function* () {
      for (let i = 0; i < 10; i++) {
        yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="anlage-${i}"; filename="teil-${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
        yield* filler(19 * MB);
        yield Buffer.from("\r\n");
      }
      yield Buffer.from(`--${boundary}--\r\n`);
    });
    expect(answer.status).toBe(413);
    // default upload limit 20 MB: three files, one spare, 1 MB of text and 1 MB for part headers
    expect(JSON.parse(answer.body).detail).toBe("Die gesendeten Daten sind zu groß (höchstens 20 MB je Datei und 82 MB insgesamt).");
    expect(answer.headers.connection).toBe("close");
    expect(await answer.closed).toBe(true);
    expect(answer.sent).toBeGreaterThan(82 * MB);
    expect(answer.sent).toBeLessThan(120 * MB);
    expect(answer.rssGrowth).toBeLessThan(50 * MB);
  });

  it("a multipart body with more than 200 parts gets 413 (part count)", async () => {
    const boundary = "xyzTeile";
    const part = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n`);
    const answer = await send("/api/v1/placements", { "Content-Type": `multipart/form-data; boundary=${boundary}`, Authorization: `Bearer ${token}` }, function* () {
      for (let i = 0; i < 5000; i++) yield part;
      yield Buffer.from(`--${boundary}--\r\n`);
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).detail).toBe("Die Anfrage hat zu viele Teile (höchstens 200).");
  });

  it("a declared Content-Length over the limit is refused before any of the body is read", async () => {
    const answer = await send("/login", { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(300 * MB) }, function* () {
      yield* filler(300 * MB);
    });
    expect(answer.status).toBe(413);
    expect(answer.sent).toBeLessThan(100 * MB);
    expect(answer.rssGrowth).toBeLessThan(50 * MB);
  });

  it("bodies within the limits still pass, chunked too: a JSON report reaches validation, a login form works", async () => {
    const json = await send("/api/v1/placements", { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, function* () {
      yield Buffer.from('{"assignmentId": 0, "note": "');
      yield Buffer.alloc(900_000, "b");
      yield Buffer.from('"}');
    });
    expect(json.status).not.toBe(413);
    expect(json.status).toBeGreaterThanOrEqual(400);
    expect(json.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const login = await send("/login", { "Content-Type": "application/x-www-form-urlencoded" }, function* () {
      yield Buffer.from(new URLSearchParams({ email: "kasse@asz-kamenz.example", password: "Demo-Passwort-2026" }).toString());
    });
    expect(login.status).toBe(302);
  });
});

describe("refusals in the server log", () => {
  it("a refused body is not logged as a server error (no stack, no failed response write)", () => {
    expect(server.output()).not.toMatch(/Serverfehler|ERR_HTTP_HEADERS_SENT|ERR_STREAM|Unhandled|TypeError/);
  });
});

describe("login throttling over HTTP", () => {
  it("30 parallel wrong passwords for one account: at most 5 are checked (401), the rest 429 with Retry-After and the German message", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${server.baseUrl}/login`, {
          method: "POST",
          redirect: "manual",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.baseUrl },
          body: new URLSearchParams({ email: "pruefung@asz-kamenz.example", password: `falsch-${i}-xxxxxxx` }).toString(),
        }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get("retry-after"), html: await res.text() })),
      ),
    );
    const checked = attempts.filter((a) => a.status === 401);
    const throttled = attempts.filter((a) => a.status === 429);
    expect(checked.length).toBeGreaterThanOrEqual(1);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(checked.length + throttled.length).toBe(30);
    for (const a of throttled) {
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(Number(a.retryAfter)).toBeLessThanOrEqual(15 * 60);
      expect(a.html).toContain(LOGIN_THROTTLED);
    }
  });
});
