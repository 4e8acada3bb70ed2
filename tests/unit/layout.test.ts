import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** The module layout of docs/decisions/0011-module-layout.md, checked over the source tree. */

const root = path.resolve(__dirname, "../..");
const app = path.join(root, "app");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const files = sourceFiles(app);
const known = new Set(files);

/** Static and dynamic imports of a file, resolved to files under app/ (packages left out). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
    const spec = m[1];
    let base: string | null = null;
    if (spec.startsWith("~/")) base = path.join(app, spec.slice(2));
    else if (spec.startsWith(".")) base = path.resolve(path.dirname(file), spec);
    if (!base) continue;
    const hit = ["", ".ts", ".tsx", "/index.ts"].map((ext) => base + ext).find((f) => known.has(f));
    if (hit) out.push(hit);
  }
  return out;
}

const graph = new Map(files.map((f) => [f, imports(f)]));
const layer = (f: string) => path.relative(app, f).split(path.sep)[0];

describe("module layout (ADR 0011)", () => {
  it("finds the layers it checks", () => {
    for (const dir of ["lib", "domain", "services", "demo", "jobs", "routes"]) {
      expect(files.some((f) => layer(f) === dir), dir).toBe(true);
    }
  });

  it("lib never imports services, demo, jobs or routes; domain imports only domain", () => {
    const offences: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        const from = layer(file);
        const to = layer(dep);
        if (from === "lib" && ["services", "demo", "jobs", "routes", "ui"].includes(to)) offences.push(`${path.relative(root, file)} → ${path.relative(root, dep)}`);
        if (from === "domain" && to !== "domain") offences.push(`${path.relative(root, file)} → ${path.relative(root, dep)}`);
        if (from === "services" && ["demo", "jobs", "routes"].includes(to)) offences.push(`${path.relative(root, file)} → ${path.relative(root, dep)}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it("no service is a demo generator: those live in app/demo", () => {
    expect(files.filter((f) => layer(f) === "services" && /demo/.test(path.basename(f)))).toEqual([]);
  });

  it("the modules under app/ form no import circle", () => {
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 1);
      stack.push(f);
      for (const dep of graph.get(f) ?? []) {
        if (state.get(dep) === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep].map((x) => path.relative(app, x)).join(" → "));
        else if (!state.get(dep)) visit(dep);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of files) if (!state.get(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
