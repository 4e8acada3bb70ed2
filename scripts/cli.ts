/**
 * Command line: npm run cli -- <command> [args]
 *   user:create <email> <name> <role> [--provider <id>] [--password <pw>]
 *   token:create <email> [name] [--scopes read,offers,placements,invoices] [--until <TT.MM.JJJJ>]
 *                       a provider user's organisation gets the token, a staff user a personal one
 *   audit:verify
 *   backup <file>
 *   restore <file>      restore a backup into an empty DATA_DIR and verify it (SQLite only)
 *   demo-data --scale <n>
 *   jobs:run            one pass of the background jobs (mail sender)
 *   export:ocds <file>  every tender as one OCDS 1.1.5 release package (JSON)
 *   invoice:check <file>…  read and check e-invoices (XRechnung UBL/CII, ZUGFeRD PDF) without
 *                       storing anything and without opening the database; exit 1 when one is
 *                       invalid, 2 when a file cannot be read
 */
import path from "node:path";
import crypto from "node:crypto";
import fs from "node:fs";
import { User } from "../entities";
import { SYSTEM, verifyAuditChain } from "../app/lib/audit.server";
import { closeDb, db, em, refreshPlannerStatistics } from "../app/lib/db.server";
import { runDueJobs } from "../app/jobs/jobs.server";
import { createToken } from "../app/services/api-tokens.server";
import { backup, restore } from "../app/services/backup.server";
import { seedDemoData } from "../app/demo/demo-data.server";
import { seedDemoPlacements } from "../app/demo/demo-placements.server";
import { seedDemoTenders } from "../app/demo/demo-tenders.server";
import { seedDemoFinance } from "../app/demo/demo-finance-seed.server";
import { seedDemoPlaces } from "../app/demo/demo-places.server";
import { ocdsReleasePackage } from "../app/services/ocds.server";
import { createUser } from "../app/services/users.server";
import { readInvoiceFile } from "../app/lib/einvoice.server";

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const CLI: typeof SYSTEM = { id: null, label: "cli" };

/** "read,offers" → the names; the service refuses an unknown one with the list of known ones. */
function parseScopesOption(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter(Boolean);
}

/** invoice:check: no database, nothing stored; one verdict per file. */
async function invoiceCheck(files: string[]): Promise<number> {
  if (files.length === 0) {
    console.error("Aufruf: invoice:check <datei> [weitere Dateien …]");
    return 2;
  }
  let code = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(path.resolve(file));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "Datei nicht gefunden" : error instanceof Error ? error.message : String(error);
      console.error(`${file}: nicht lesbar (${reason})`);
      code = 2;
      continue;
    }
    const result = await readInvoiceFile(bytes, path.basename(file));
    if (result.valid) {
      console.log(`${file}: gültig`);
      continue;
    }
    console.log(`${file}: ungültig (${[...new Set(result.findings.map((f) => f.rule))].join(", ")})`);
    for (const f of result.findings) {
      const text = f.message.startsWith(`${f.rule}: `) ? f.message.slice(f.rule.length + 2) : f.message;
      console.log(`  ${f.rule}: ${text}`);
    }
    if (code === 0) code = 1;
  }
  return code;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case "invoice:check":
      return invoiceCheck(args);
    case "user:create": {
      const [email, name, role] = args;
      if (!email || !name || !role) {
        console.error("Aufruf: user:create <email> <name> <rolle> [--provider <id>] [--password <passwort>]");
        return 2;
      }
      const password = option(args, "--password") ?? crypto.randomBytes(12).toString("base64url");
      const user = await createUser(CLI, { email, name, role, providerId: option(args, "--provider") ?? null }, password);
      console.log(`Benutzer ${user.email} (Nr. ${user.id}, Rolle ${user.role}) angelegt.`);
      if (!option(args, "--password")) console.log(`Passwort: ${password}`);
      return 0;
    }
    case "token:create": {
      const positional = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].startsWith("--")));
      const [email, ...nameParts] = positional;
      if (!email) {
        console.error("Aufruf: token:create <email> [bezeichnung] [--scopes read,offers,placements,invoices] [--until TT.MM.JJJJ]");
        return 2;
      }
      const user = await (await em()).getRepository(User).findOne({ where: { email: email.toLowerCase() } });
      if (!user) {
        console.error(`Kein Benutzer mit der E-Mail-Adresse ${email}.`);
        return 1;
      }
      const scopes = option(args, "--scopes");
      const { token } = await createToken(CLI, user.id, nameParts.join(" ") || "Kommandozeile", {
        scopes: scopes !== undefined ? parseScopesOption(scopes) : undefined,
        validUntil: option(args, "--until"),
      });
      console.log(token);
      return 0;
    }
    case "audit:verify": {
      const report = await verifyAuditChain(await em());
      if (report.ok) {
        const anchored = report.anchoredSeq === null ? "" : ` Ende der Kette stimmt mit dem Anker außerhalb der Datenbank überein (Nr. ${report.anchoredSeq}).`;
        console.log(`Protokollkette in Ordnung: ${report.checked} Einträge geprüft.${anchored}`);
        return 0;
      }
      const b = report.brokenAt!;
      console.error(`Protokollkette GEBROCHEN bei Eintrag Nr. ${b.seq}${b.id === null ? "" : ` (id ${b.id})`}: ${b.reason}. ${report.checked} Einträge davor sind in Ordnung.`);
      return 1;
    }
    case "backup": {
      const [file] = args;
      if (!file) {
        console.error("Aufruf: backup <zieldatei>");
        return 2;
      }
      const result = await backup(path.resolve(file));
      console.log(`Sicherung geschrieben: ${result.file} (${result.files} gespeicherte Dateien, ${result.mails} E-Mails im Postausgang, ${result.bytes} Bytes).`);
      return 0;
    }
    case "restore": {
      const [file] = args;
      if (!file) {
        console.error("Aufruf: restore <sicherungsdatei> (in ein leeres Datenverzeichnis DATA_DIR)");
        return 2;
      }
      const result = await restore(path.resolve(file));
      const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
      console.log(
        `Sicherung wiederhergestellt und geprüft: ${Object.keys(result.tables).length} Tabellen mit ${rows} Zeilen, ${result.files} gespeicherte Dateien (Prüfsummen in Ordnung), ${result.mails} E-Mails im Postausgang, Protokollkette mit ${result.auditEntries} Einträgen in Ordnung.`,
      );
      return 0;
    }
    case "demo-data": {
      const scale = Number(option(args, "--scale") ?? "1");
      if (!(scale > 0)) {
        console.error("--scale muss eine positive Zahl sein.");
        return 2;
      }
      await db();
      const result = await seedDemoData({ scale });
      const placements = await seedDemoPlacements({ scale });
      const tenders = await seedDemoTenders();
      const finance = await seedDemoFinance({ scale });
      const places = await seedDemoPlaces({ scale });
      await refreshPlannerStatistics(); // statistics for the tables just filled
      console.log(`Demodaten: ${result.providers} Träger, ${result.users} Benutzer und ${tenders} Ausschreibungen angelegt.`);
      console.log(
        `Vermittlung: ${placements.agreements} Vereinbarungen, ${placements.clients} Kunden, ${placements.assignments} Zuweisungen, ${placements.claims} Vermittlungsnachweise, ${placements.instalments} Raten angelegt.`,
      );
      console.log(`Finanzen: ${finance.commitments} Mittelbindungen, ${finance.invoices} Rechnungen, ${finance.runs} Zahlläufe mit ${finance.paidItems} ausgezahlten Zahlungen angelegt.`);
      console.log(`Einzelplätze: ${places.measures} Maßnahmen, ${places.purchases} Platzkäufe für ${places.clients} Kunden, ${places.commitments} Mittelbindungen, ${places.bills} Abrechnungen, ${places.attendance} Anwesenheitsmonate, ${places.outcomes} Verbleibe angelegt.`);
      return 0;
    }
    case "jobs:run": {
      await runDueJobs();
      console.log("Hintergrundaufgaben ausgeführt.");
      return 0;
    }
    case "export:ocds": {
      const [file] = args;
      if (!file) {
        console.error("Aufruf: export:ocds <zieldatei>");
        return 2;
      }
      const pkg = await ocdsReleasePackage(undefined, { actor: CLI });
      fs.writeFileSync(path.resolve(file), `${JSON.stringify(pkg, null, 2)}\n`, "utf8");
      console.log(`OCDS-Paket geschrieben: ${path.resolve(file)} (${pkg.releases.length} Releases).`);
      return 0;
    }
    default:
      console.error("Befehle: user:create, token:create, audit:verify, backup, restore, demo-data, jobs:run, export:ocds, invoice:check");
      return 2;
  }
}

main(process.argv.slice(2))
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (error) => {
    console.error(error instanceof Error ? error.message : error);
    await closeDb().catch(() => undefined);
    process.exit(1);
  });

