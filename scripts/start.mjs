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

const { createRequestHandler } = await import("@remix-run/express");
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
    res.status(403).type("text/plain; charset=utf-8").send("Anfrage von fremder Herkunft abgewiesen.");
    return;
  }
  next();
});

app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));

app.all(
  "*",
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req, res) => ({ nonce: res.locals.nonce, clientAddress: req.ip ?? req.socket.remoteAddress ?? "unbekannt", arrivedAt: res.locals.arrivedAt }),
  }),
);

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
