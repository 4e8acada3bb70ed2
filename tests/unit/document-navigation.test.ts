import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * DESIGN.md § 7: a form or link that yields a file is a document navigation (reloadDocument),
 * never a client-side navigation (which lands on the file and shows a blank page). Checked over
 * the source: every <Form> whose action is a resource route answering with a document carries
 * reloadDocument.
 */
const root = path.resolve(__dirname, "../..");
const routesDir = path.join(root, "app/routes");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** URL pattern of a flat route file name: providers.$id.datasheet.ts → ^/providers/[^/]+/datasheet$ */
function urlPattern(file: string): RegExp {
  const name = path.basename(file).replace(/\.tsx?$/, "");
  const parts = name.split(".").filter((p) => p !== "_index").map((p) => (p.startsWith("$") ? "[^/]+" : p.replace(/\[|\]/g, "")));
  return new RegExp(`^/${parts.join("/")}$`);
}

/** Resource routes (no page) whose action answers with a stored document. */
const documentRoutes = fs
  .readdirSync(routesDir, { withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => path.join(routesDir, e.name))
  .filter((f) => {
    const text = fs.readFileSync(f, "utf8");
    return /export (async function|const) action/.test(text) && !/export default/.test(text) && /\/documents\//.test(text);
  });

describe("file links are document navigations", () => {
  it("finds the document routes it checks", () => {
    const names = documentRoutes.map((f) => path.basename(f));
    expect(names).toEqual(expect.arrayContaining(["providers.$id.datasheet.ts", "tenders.$id.record.ts"]));
  });

  it("every <Form> posting to a document route has reloadDocument", () => {
    const patterns = documentRoutes.map(urlPattern);
    const offences: string[] = [];
    let checked = 0;
    for (const file of sourceFiles(path.join(root, "app"))) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/<Form\b[^>]*>/g)) {
        const action = /action=\{?[`"]([^`"]+)[`"]\}?/.exec(m[0])?.[1];
        if (!action) continue;
        const url = action.replace(/\$\{[^}]+\}/g, "1").split("?")[0];
        if (!patterns.some((p) => p.test(url))) continue;
        checked++;
        if (!/\breloadDocument\b/.test(m[0])) offences.push(`${path.relative(root, file)}: ${m[0]}`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(offences).toEqual([]);
  });
});
