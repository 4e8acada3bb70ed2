import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";

/**
 * All configuration comes from the environment, read here and nowhere else.
 * Every variable is documented in README.md with its default.
 */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  databaseKind: "sqlite" | "postgres";
  smtpUrl: string | null;
  mailFrom: string;
  production: boolean;
  appTime: string | null;
  publicUrl: string;
}

let cached: AppConfig | null = null;

export function config(): AppConfig {
  if (cached) return cached;
  const env = process.env;
  const dataDir = path.resolve(env.DATA_DIR || "./data");
  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(dataDir, "app.sqlite")}`;
  const databaseKind = /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgres" : "sqlite";
  const port = Number(env.PORT || 3000);
  const host = env.HOST || "127.0.0.1";
  cached = {
    port,
    host,
    dataDir,
    databaseUrl,
    databaseKind,
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || "Vergabe und Trägerverwaltung <noreply@jobcenter.invalid>",
    production: env.NODE_ENV === "production",
    appTime: env.APP_TIME || null,
    publicUrl: env.PUBLIC_URL || `http://${host}:${port}`,
  };
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfigCache() {
  cached = null;
}

export function sqliteFile(cfg = config()): string {
  return cfg.databaseUrl.replace(/^sqlite:/, "");
}

export function ensureDataDir(cfg = config()) {
  fs.mkdirSync(cfg.dataDir, { recursive: true });
}

/** SESSION_SECRET, or a secret generated once into the data directory. */
export function sessionSecret(cfg = config()): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  ensureDataDir(cfg);
  const file = path.join(cfg.dataDir, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = crypto.randomBytes(32).toString("hex");
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
