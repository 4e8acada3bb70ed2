/**
 * What the page benchmarks share (sections 10 and 12, and the staff page during the deadline
 * rush in section 4): timing helpers, starting the built server on a data directory, logging in
 * a demo user.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(__dirname, "..");

export function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
export function fmt(n: number, digits = 1): string {
  return n.toLocaleString("de-DE", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * The built server on `dataDir` (SQLite), answering on 127.0.0.1:port. `jobs`: the background
 * jobs run every JOB_INTERVAL_MS (default 5 s) as in production; otherwise once an hour, so that a
 * measurement at rest does not measure their first pass over ten years of data instead.
 */
export async function startServer(port: number, dataDir: string, jobs: boolean): Promise<ChildProcess> {
  if (!fs.existsSync(path.join(root, "build", "index.js"))) throw new Error("Kein Build: zuerst `npx remix build`.");
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", SKIP_BUILD: "1", JOB_INTERVAL_MS: jobs ? (process.env.JOB_INTERVAL_MS ?? "5000") : "3600000" };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  for (let i = 0; i < 900; i++) {
    await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/login`);
      if (res.ok) return child;
    } catch {
      // not up yet
    }
  }
  child.kill("SIGTERM");
  throw new Error("Server nicht erreichbar.");
}

/** Logs a demo user in (the demo password) and returns the session cookie. */
export async function login(base: string, email: string, password?: string): Promise<string> {
  const { DEMO_PASSWORD } = await import("../app/demo/demo-data.server");
  const body = new URLSearchParams({ email, password: password ?? DEMO_PASSWORD, redirectTo: "/" });
  const res = await fetch(`${base}/login`, { method: "POST", body, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" } });
  const set = res.headers.getSetCookie?.() ?? [res.headers.get("set-cookie") ?? ""];
  const cookie = set.map((c) => c.split(";")[0]).filter(Boolean).join("; ");
  if (res.status !== 302 || !cookie) throw new Error(`Anmeldung ${email} fehlgeschlagen (${res.status}).`);
  return cookie;
}

/** One page fetched and read to the end; its time in ms. */
export async function timedGet(url: string, cookie: string | null): Promise<{ status: number; ms: number }> {
  const start = process.hrtime.bigint();
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  await res.arrayBuffer();
  return { status: res.status, ms: ms(start) };
}
