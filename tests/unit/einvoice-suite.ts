/** Shared helpers of the e-invoice tests: the KoSIT XRechnung 3.0 test suite files. */
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(__dirname, "../..");
export const suiteDir = path.resolve(root, "..", "shared", "standards", "xrechnung-testsuite", "src", "test");

export function suiteFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".xml")) out.push(full);
    }
  };
  walk(suiteDir);
  return out.sort();
}

export const rel = (file: string) => path.relative(suiteDir, file);
export const read = (relPath: string) => fs.readFileSync(path.join(suiteDir, relPath), "utf8");

export const UBL_0101 = "business-cases/standard/01.01a-INVOICE_ubl.xml";
export const CII_0101 = "business-cases/standard/01.01a-INVOICE_uncefact.xml";
