// npm start: build if needed, migrate, seed demo data on first start, serve.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NODE_ENV ??= "production";
const require = createRequire(import.meta.url);

const SOURCES = ["app", "entities", "migrations", "remix.config.js", "package.json"];
function newestSource(p = null) {
  let newest = 0;
  const walk = (f) => {
    const st = fs.statSync(f);
    if (st.isDirectory()) for (const e of fs.readdirSync(f)) walk(path.join(f, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of p ?? SOURCES) if (fs.existsSync(s)) walk(s);
  return newest;
}

const buildFile = path.join(root, "build", "index.js");
const needsBuild = !fs.existsSync(buildFile) || fs.statSync(buildFile).mtimeMs < newestSource();
if (needsBuild && process.env.SKIP_BUILD !== "1") {
  console.log("Baue die Anwendung …");
  execFileSync(process.execPath, [require.resolve("@remix-run/dev/dist/cli.js"), "build"], { stdio: "inherit" });
}

const { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable } = await import("@remix-run/node");
const express = (await import("express")).default;
const build = await import(pathToFileURL(buildFile).href);
const app_ = build.entry.module;

const { seeded } = await app_.bootstrap();
const cfg = app_.config();

const app = express();
app.disable("x-powered-by");
if (process.env.TRUST_PROXY) app.set("trust proxy", process.env.TRUST_PROXY);

// Security headers on every response; a per-response nonce for Remix's inline scripts.
app.use((req, res, next) => {
  // The moment the request reached the server, before its body is read: the receipt time of an
  // offer (many offers arriving in the same second must not be refused because the server is busy).
  res.locals.arrivedAt = app_.nowIso();
  const nonce = crypto.randomBytes(16).toString("base64");
  res.locals.nonce = nonce;
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000");
  next();
});

// Cross-site POSTs are refused: a browser's Origin (or Sec-Fetch-Site) must be this site.
// Bearer-token API calls carry no cookies and are not subject to this check.
app.use((req, res, next) => {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
  const bearer = /^Bearer\s/i.test(req.get("authorization") ?? "") && req.path.startsWith("/api/");
  if (bearer) return next();
  const origin = req.get("origin");
  const site = req.get("sec-fetch-site");
  let foreign = false;
  if (origin) {
    try {
      foreign = new URL(origin).host !== req.get("host");
    } catch {
      foreign = true;
    }
  } else if (site && site !== "same-origin" && site !== "none") {
    foreign = true;
  }
  if (foreign) {
    const detail = "Anfrage von fremder Herkunft abgewiesen.";
    if (req.path.startsWith("/api/")) {
      // The API is server to server (no CORS): a browser on another site gets no answer it may read.
      res.status(403).type("application/problem+json; charset=utf-8").send(JSON.stringify({ type: "about:blank", title: "Keine Berechtigung", status: 403, detail: `${detail} Die Schnittstelle ist für Server gedacht: bitte mit API-Schlüssel im Kopf „Authorization: Bearer …“ anfragen.` }));
    } else {
      res.status(403).type("text/plain; charset=utf-8").send(detail);
    }
    return;
  }
  next();
});

// Request bodies are bounded while they arrive (by content type, chunked bodies included); past a
// limit the answer is 413 and the connection is closed. Remix reads the metered stream.
app.use(app_.limitRequestBodies());

// Rate limits per API token (requests per minute, counted per process; see
// app/lib/rate-limit.server.ts): RateLimit-* headers on every API answer with a bearer token, 429
// with Retry-After past a limit. After the body limit, so a refused body is drained through its meter.
app.use(app_.limitApiRequests());

app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));

// The Remix glue of @remix-run/express (createRemixRequest, sendRemixResponse), written out here
// because the request body must be the metered stream of the body limit, not the raw request.
function remixHeaders(requestHeaders) {
  const headers = new Headers();
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (!values) continue;
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else headers.set(key, values);
  }
  return headers;
}

async function sendRemixResponse(req, res, response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  // An answer before the whole body was read (a 413, or any refusal that did not need the body):
  // the connection cannot carry another request, so say so and close it (the body limit's linger
  // lets the client read this answer before the socket goes).
  if (response.status === 413 || (req.method !== "GET" && req.method !== "HEAD" && !req.complete)) res.setHeader("Connection", "close");
  if (response.headers.get("Content-Type")?.match(/text\/event-stream/i)) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/**
 * The Remix request for an express request, as @remix-run/express builds it, except that the body
 * is the metered stream of the body limit, and a refused body aborts the request's signal.
 */
function remixRequest(req, res) {
  const [, forwardedPort] = req.get("X-Forwarded-Host")?.split(":") ?? [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = [forwardedPort, hostPort].map((p) => Number.parseInt(p, 10)).find((p) => Number.isSafeInteger(p)) ?? "";
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  const controller = new AbortController();
  let finished = false;
  res.on("finish", () => (finished = true));
  res.on("close", () => {
    if (!finished) controller.abort();
  });
  const init = { method: req.method, headers: remixHeaders(req.headers), signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const metered = app_.meteredBody(req);
    if (metered) metered.signal.addEventListener("abort", () => controller.abort(), { once: true });
    init.body = createReadableStreamFromReadable(metered ? metered.body : req);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

const handleRemix = createRequestHandler(build, process.env.NODE_ENV);
app.all("*", async (req, res, next) => {
  try {
    const request = remixRequest(req, res);
    const loadContext = { nonce: res.locals.nonce, clientAddress: req.ip ?? req.socket.remoteAddress ?? "unbekannt", arrivedAt: res.locals.arrivedAt };
    const response = await handleRemix(request, loadContext);
    // A body over its limit has been answered with 413 already.
    if (app_.meteredBody(req)?.signal.aborted) return;
    await sendRemixResponse(req, res, response);
  } catch (error) {
    if (app_.meteredBody(req)?.signal.aborted) return;
    next(error);
  }
});

const server = app.listen(cfg.port, cfg.host, () => {
  const url = `http://${cfg.host}:${server.address().port}`;
  console.log(`Vergabe und Trägerverwaltung läuft auf ${url}`);
  console.log(`Datenbank: ${cfg.databaseKind === "sqlite" ? cfg.databaseUrl.replace(/^sqlite:/, "") : "PostgreSQL"}`);
  if (seeded) console.log("Demodaten wurden angelegt.");
  console.log("Demo-Zugänge: siehe README.md, Abschnitt „Demo-Zugänge“ (Passwort für alle: Demo-Passwort-2026).");
});
app_.startJobs();

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    app_.stopJobs().finally(() => process.exit(0));
  });
}
