import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { startServer, type TestServer } from "./server";

/**
 * A server that can be stopped and started again on the same data directory AND the same port,
 * with the application clock (APP_TIME, honoured outside production) moved on between phases.
 * Browser pages opened before a restart keep working against the new process.
 *
 * The first phase uses startServer(). Later phases start scripts/start.mjs here with PORT set to
 * the first phase's port: startServer() accepts PORT in `env`, but it polls (and reports as
 * baseUrl) the port it picked itself, so with a PORT override it waits for the wrong port until
 * its 120 s deadline.
 */
export interface PhasedServer {
  readonly baseUrl: string;
  readonly dataDir: string;
  /** Stop the running process (if any) and start a new one with the clock at `appTime`. */
  phase(appTime: string): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

const root = path.resolve(__dirname, "../..");

function health(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs, headers: { Connection: "close" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

export function phasedServer(dataDir: string): PhasedServer {
  let first: TestServer | null = null;
  let child: ChildProcess | null = null;
  let baseUrl = "";
  let out = "";

  const stopChild = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return resolve();
      c.once("exit", () => resolve());
      c.kill("SIGTERM");
      setTimeout(() => c.kill("SIGKILL"), 5000).unref();
    });

  const stopAll = async () => {
    if (first) await first.stop(); // dataDir was passed in: startServer() leaves it in place
    first = null;
    await stopChild();
  };

  return {
    get baseUrl() {
      return baseUrl;
    },
    dataDir,
    output: () => out + (first?.output() ?? ""),
    stop: stopAll,
    async phase(appTime: string) {
      const env = { APP_TIME: appTime, NODE_ENV: "test" };
      if (!baseUrl) {
        first = await startServer({ dataDir, env });
        baseUrl = first.baseUrl;
        return;
      }
      const previousEnv = first?.env;
      await stopAll();
      const port = new URL(baseUrl).port;
      const childEnv: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...(previousEnv ?? {}),
        PORT: port,
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        JOB_INTERVAL_MS: "500",
        SKIP_BUILD: "1",
        ...env,
      };
      delete childEnv.DATABASE_URL;
      out = "";
      const c = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env: childEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
      child = c;
      c.stdout!.on("data", (d) => (out += d.toString()));
      c.stderr!.on("data", (d) => (out += d.toString()));
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (c.exitCode !== null) throw new Error(`Server beendet (Code ${c.exitCode}):\n${out}`);
        if ((await health(`${baseUrl}/healthz`, 2000)) === 200) break;
        if (Date.now() > deadline) {
          c.kill("SIGKILL");
          throw new Error(`Server nicht erreichbar:\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    },
  };
}
