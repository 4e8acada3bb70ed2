/**
 * Speed of e-invoice intake: reading and checking all 86 files of the KoSIT XRechnung test suite
 * (readAndCheck: DOCTYPE scan, well-formedness check, parse, business terms, rule table) against
 * fast-xml-parser parsing the same files alone, in the same run. No timed assertions; read the
 * ratio. Runnable alone: npx tsx scripts/bench-einvoice.ts  (BENCH_EINVOICE_RUNS, default 20)
 */
import fs from "node:fs";
import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { readAndCheck } from "../app/domain/einvoice";

const SUITE = path.resolve(__dirname, "..", "..", "shared", "standards", "xrechnung-testsuite", "src", "test");

function suiteFiles(dir = SUITE): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return suiteFiles(full);
    return e.name.endsWith(".xml") ? [full] : [];
  });
}

function time(label: string, runs: number, fn: () => void): number {
  fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  console.log(`  ${label.padEnd(62)} ${ms.toFixed(2).padStart(9)} ms`);
  return ms;
}

export async function benchEinvoice(runs = Number(process.env.BENCH_EINVOICE_RUNS ?? "20")): Promise<{ ours: number; parseOnly: number; ratio: number; invalid: number }> {
  const texts = suiteFiles().sort().map((f) => fs.readFileSync(f, "utf8"));
  const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
  console.log(`E-Rechnungen: ${texts.length} Dateien der XRechnung-Testsuite (${(bytes / 1024).toFixed(0)} KB), je Durchgang alle Dateien, ${runs} Durchgänge`);
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, processEntities: false });
  let invalid = 0;
  const ours = time("readAndCheck (lesen, Geschäftsbegriffe, Regeln)", runs, () => {
    invalid = 0;
    for (const t of texts) if (!readAndCheck(t).valid) invalid++;
  });
  const validateParse = time("fast-xml-parser: XMLValidator.validate + parse", runs, () => {
    for (const t of texts) {
      XMLValidator.validate(t);
      parser.parse(t);
    }
  });
  const parseOnly = time("fast-xml-parser: nur parse", runs, () => {
    for (const t of texts) parser.parse(t);
  });
  const ratio = ours / parseOnly;
  console.log(`  Verhältnis readAndCheck / nur parse: ${ratio.toFixed(2)}× (mit Wohlgeformtheitsprüfung: ${(validateParse / parseOnly).toFixed(2)}×)`);
  console.log(`  je Datei: ${(ours / texts.length).toFixed(3)} ms; ungültige Dateien: ${invalid} (erwartet 0)`);
  return { ours, parseOnly, ratio, invalid };
}

if (process.argv[1]?.endsWith("bench-einvoice.ts")) {
  benchEinvoice().then(
    (r) => process.exit(r.invalid === 0 ? 0 : 1),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
