import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * Start the real production server (scripts/start.mjs: build if needed, migrate, seed demo data)
 * on a free loopback port with its own data directory. Used by HTTP and browser tests.
 */
export interface TestServer {
  baseUrl: string;
  dataDir: string;
  env: Record<string, string>;
  /** The server's process id (e.g. to read its memory from /proc/<pid>/status). */
  pid: number;
  stop(): Promise<void>;
  output(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export async function startServer(options: { env?: Record<string, string>; dataDir?: string } = {}): Promise<TestServer> {
  const root = path.resolve(__dirname, "../..");
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "vt-srv-"));
  const cleanup = () => {
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    JOB_INTERVAL_MS: "500",
    // The test command builds once before the suites; servers never rebuild concurrently.
    SKIP_BUILD: "1",
    ...options.env,
  };
  delete env.DATABASE_URL;
  if (options.env?.DATABASE_URL) env.DATABASE_URL = options.env.DATABASE_URL;
  let out = "";
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (out += d.toString()));
  child.stderr!.on("data", (d) => (out += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Server beendet (Code ${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Server nicht erreichbar:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    dataDir,
    env,
    pid: child.pid!,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          cleanup();
          return resolve();
        }
        child.once("exit", () => {
          cleanup();
          resolve();
        });
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

export const DEMO_PASSWORD = "Demo-Passwort-2026";

/** Log in over HTTP; returns the Cookie header value for later requests. */
export async function loginCookie(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ email, password }).toString(),
  });
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("sid="));
  if (res.status !== 302 || !setCookie) throw new Error(`Anmeldung als ${email} fehlgeschlagen: ${res.status}`);
  return setCookie.split(";")[0];
}
