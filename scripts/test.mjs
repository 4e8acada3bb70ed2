// npm test: the whole suite (unit, integration, browser). Installs the system packages the
// suite needs on a Debian machine as root, or stops at once naming the missing package.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const require = createRequire(import.meta.url);

const NEEDED = [
  { pkg: "chromium", file: "/usr/bin/chromium", why: "Browser-Tests" },
  { pkg: "poppler-utils", file: "/usr/bin/pdftotext", why: "Textprüfung erzeugter PDF-Dokumente" },
];
const missing = NEEDED.filter((n) => !fs.existsSync(n.file));
if (missing.length) {
  const names = missing.map((m) => m.pkg);
  const isRoot = process.getuid?.() === 0;
  const hasApt = fs.existsSync("/usr/bin/apt-get");
  if (isRoot && hasApt) {
    console.log(`Installiere fehlende Systempakete: ${names.join(", ")} …`);
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", ...names], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } else {
    for (const m of missing) console.error(`Fehlendes Systempaket „${m.pkg}“ (${m.file}) für ${m.why}. Bitte installieren: apt-get install -y ${m.pkg}`);
    process.exit(1);
  }
}

console.log("Baue die Anwendung für die Tests …");
execFileSync(process.execPath, [require.resolve("@remix-run/dev/dist/cli.js"), "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });

const args = process.argv.slice(2);
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const result = spawnSync(process.execPath, [vitest, "run", ...args], { stdio: "inherit", env: process.env });
process.exit(result.status ?? 1);
