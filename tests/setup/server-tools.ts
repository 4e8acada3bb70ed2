import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import type { TestServer } from "./server";

/**
 * Helpers for HTTP tests against a server from startServer(): the Remix route manifest of the
 * build, API tokens from the command line, and in-process access to the server's SQLite file.
 */

const root = path.resolve(__dirname, "../..");

export interface ManifestRoute {
  id: string;
  parentId?: string;
  /** The full URL pattern, e.g. `/providers/:id/edit`, `/api/*`, `/`. */
  pattern: string;
  index: boolean;
  hasLoader: boolean;
  hasAction: boolean;
  /** A UI route (renders HTML) rather than a resource route. */
  hasComponent: boolean;
}

interface BuildRoute {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
  module: { loader?: unknown; action?: unknown; default?: unknown };
}

/** Every route of the current build (`npx remix build`), with its full URL pattern. */
export function routeManifest(): ManifestRoute[] {
  const require = createRequire(__filename);
  const build = require(path.join(root, "build", "index.js")) as { routes: Record<string, BuildRoute> };
  const routes = build.routes;
  const fullPath = (id: string): string => {
    const segments: string[] = [];
    for (let r: BuildRoute | undefined = routes[id]; r; r = r.parentId ? routes[r.parentId] : undefined) {
      if (r.path) segments.unshift(r.path.replace(/^\/+|\/+$/g, ""));
    }
    return "/" + segments.filter(Boolean).join("/");
  };
  return Object.values(routes).map((r) => ({
    id: r.id,
    parentId: r.parentId,
    pattern: fullPath(r.id),
    index: Boolean(r.index),
    hasLoader: typeof r.module.loader === "function",
    hasAction: typeof r.module.action === "function",
    hasComponent: typeof r.module.default === "function",
  }));
}

/** Fill `:param` and `*` in a pattern; throws when a value is missing. */
export function fillPattern(pattern: string, params: Record<string, string | number>): string {
  return pattern
    .split("/")
    .map((seg) => {
      if (seg === "*") {
        if (params["*"] === undefined) throw new Error(`Kein Wert für „*“ in ${pattern}`);
        return String(params["*"]);
      }
      // `:id.eml` → the value followed by the literal suffix.
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)(\?)?(.*)$/.exec(seg);
      if (!m) return seg;
      const value = params[m[1]];
      if (value === undefined) throw new Error(`Kein Wert für „:${m[1]}“ in ${pattern}`);
      return encodeURIComponent(String(value)) + m[3];
    })
    .join("/");
}

function runCli(server: TestServer, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = createRequire(__filename).resolve("tsx/cli");
  const env: Record<string, string> = { ...server.env, DATA_DIR: server.dataDir };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [tsx, path.join(root, "scripts", "cli.ts"), ...args], { cwd: root, env: env as unknown as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * A bearer token for the user, created with `tsx scripts/cli.ts token:create <email>` on the
 * server's data directory while the server runs. A second process on the SQLite file can meet
 * SQLITE_BUSY when several write at once; such a run is simply repeated.
 */
export async function createApiToken(server: TestServer, email: string, name = "Test"): Promise<string> {
  let last = "";
  for (let attempt = 1; attempt <= 6; attempt++) {
    const r = await runCli(server, ["token:create", email, name]);
    const token = r.stdout.trim().split("\n").pop()?.trim() ?? "";
    if (r.code === 0 && /^vt_\S+$/.test(token)) return token;
    last = `${r.code}: ${r.stdout}\n${r.stderr}`;
    if (!/SQLITE_BUSY|database is locked/.test(last)) break;
    await new Promise((res) => setTimeout(res, 200 + Math.random() * 800));
  }
  throw new Error(`token:create ${email} fehlgeschlagen: ${last}`);
}

/** Repeat `work` when SQLite reports SQLITE_BUSY (another process wrote in between). */
export async function retryBusy<T>(work: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (error) {
      if (i >= attempts || !/SQLITE_BUSY|database is locked/.test(String((error as Error)?.message ?? error))) throw error;
      await new Promise((res) => setTimeout(res, 100 + Math.random() * 400));
    }
  }
}

/**
 * Tokens for several users at once, created in this process with the same service the CLI uses
 * (one tsx process per token costs seconds). Runs while the server is up.
 */
export async function createApiTokensInProcess(server: TestServer, emails: string[], name = "Test"): Promise<string[]> {
  return withServerDb(server, async () => {
    const { em } = await import("./db");
    const { createToken } = await import("~/services/api-tokens.server");
    const { User } = await import("../../entities");
    const result: string[] = [];
    for (const email of emails) {
      const user = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
      const { token } = await retryBusy(() => createToken({ id: null, label: "test" }, user.id, name));
      result.push(token);
    }
    return result;
  });
}

/**
 * Run `work` with this process's data layer pointed at the server's SQLite file (config cache
 * reset, connection closed afterwards, environment restored).
 */
export async function withServerDb<T>(server: TestServer, work: () => Promise<T>): Promise<T> {
  const { resetConfigCache } = await import("~/lib/config.server");
  const { closeDb } = await import("~/lib/db.server");
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  await closeDb();
  process.env.DATA_DIR = server.dataDir;
  delete process.env.DATABASE_URL;
  resetConfigCache();
  try {
    return await work();
  } finally {
    await closeDb();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfigCache();
  }
}
