import { In } from "typeorm";
import { BankAccount, Certification, Provider } from "../../entities";
import { ValidationError } from "~/domain/errors";
import { toCsv } from "~/domain/csv";
import { PROVIDER_CSV_COLUMNS, providerCsvRow, validateProviderCsv, type ImportIssue } from "~/domain/provider-csv";
import { appendAudit } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { em, tx } from "~/lib/db.server";
import { actorOf, type CurrentUser } from "./auth.server";
import { applyBankAccount, applyCertification, diff, listProviders, snapshot, type ProviderQuery } from "./providers.server";

/** The import failed; nothing was written. `issues` name line and column. */
export class ImportError extends ValidationError {
  constructor(readonly issues: ImportIssue[]) {
    super(`Die Datei wurde nicht importiert: ${issues.length} ${issues.length === 1 ? "Fehler" : "Fehler"} gefunden.`);
  }
}

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** Export the filtered list (all pages) as CSV for German Excel. The export is audited. */
export async function exportProvidersCsv(user: CurrentUser, query: ProviderQuery): Promise<{ csv: string; count: number }> {
  const { rows } = await listProviders(query, { all: true });
  const manager = await em();
  const ids = rows.map((r) => r.id);
  const [providers, certs, banks] = ids.length
    ? await Promise.all([
        manager.getRepository(Provider).find({ where: { id: In(ids) } }),
        manager.getRepository(Certification).find({ where: { providerId: In(ids) }, order: { validUntil: "DESC" } }),
        manager.getRepository(BankAccount).find({ where: { providerId: In(ids), current: true } }),
      ])
    : [[], [], []];
  const byId = new Map(providers.map((p) => [p.id, p]));
  const lines = rows.map((r) => {
    const p = byId.get(r.id)!;
    const cert = certs.find((c) => c.providerId === r.id) ?? null;
    const bank = banks.find((b) => b.providerId === r.id) ?? null;
    return providerCsvRow(p, cert, bank ? { iban: bank.iban, bic: bank.bic, holder: bank.holder } : null);
  });
  await tx(async (m) => {
    await appendAudit(m, actorOf(user), {
      action: "provider.export",
      summary: `Trägerliste als CSV exportiert (${rows.length} Einträge)`,
      details: { filter: query, count: rows.length },
    });
  });
  return { csv: toCsv(PROVIDER_CSV_COLUMNS.map((c) => c.header), lines), count: rows.length };
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Import providers from CSV: the whole file is validated first and then written in one
 * transaction, completely or not at all. Rows match existing providers on external key or
 * VAT id; importing the same file again changes nothing.
 */
export async function importProvidersCsv(user: CurrentUser, text: string, filename = "import.csv"): Promise<ImportResult> {
  if (Buffer.byteLength(text, "utf8") > MAX_IMPORT_BYTES) throw new ImportError([{ line: 1, column: "–", message: "Die Datei ist größer als 5 MB." }]);
  if (text.includes("\u0000")) throw new ImportError([{ line: 1, column: "–", message: "Die Datei ist keine Textdatei (CSV)." }]);
  const { records, issues } = validateProviderCsv(text);
  if (issues.length) throw new ImportError(issues);

  return tx(async (m) => {
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
    const dbIssues: ImportIssue[] = [];
    const repo = m.getRepository(Provider);
    for (const record of records) {
      const input = record.provider;
      const byKey = input.externalKey ? await repo.findOne({ where: { externalKey: input.externalKey } }) : null;
      const byVat = input.vatId ? await repo.findOne({ where: { vatId: input.vatId } }) : null;
      if (byKey && byVat && byKey.id !== byVat.id) {
        dbIssues.push({ line: record.line, column: "USt-IdNr.", message: `Der externe Schlüssel gehört zu „${byKey.name}“, die USt-IdNr. zu „${byVat.name}“.` });
        continue;
      }
      let provider = byKey ?? byVat;
      let changed = false;
      if (!provider) {
        const at = nowIso();
        provider = await repo.save(repo.create({ ...input, active: true, createdAt: at, updatedAt: at }));
        await appendAudit(m, actorOf(user), {
          action: "provider.create",
          summary: `Träger „${provider.name}“ per CSV-Import angelegt`,
          entityType: "provider",
          entityId: provider.id,
          providerId: provider.id,
          details: { after: snapshot(provider), source: filename, line: record.line },
        });
        result.created++;
      } else {
        const before = snapshot(provider);
        const merged = { ...provider, ...input, externalKey: input.externalKey ?? provider.externalKey, vatId: input.vatId ?? provider.vatId };
        const changes = diff(before, snapshot(merged as Provider));
        if (Object.keys(changes).length) {
          await repo.update({ id: provider.id }, { ...input, externalKey: merged.externalKey, vatId: merged.vatId, updatedAt: nowIso() });
          await appendAudit(m, actorOf(user), {
            action: "provider.update",
            summary: `Stammdaten von „${provider.name}“ per CSV-Import geändert (${Object.keys(changes).join(", ")})`,
            entityType: "provider",
            entityId: provider.id,
            providerId: provider.id,
            details: { changes, source: filename, line: record.line },
          });
          changed = true;
        }
      }
      if (record.certification) {
        const existing = await m.getRepository(Certification).findOne({ where: { providerId: provider.id, certificateNumber: record.certification.certificateNumber } });
        const c = record.certification;
        if (!existing) {
          await applyCertification(m, user, provider.id, c);
          changed = true;
        } else if (existing.validFrom !== c.validFrom || existing.validUntil !== c.validUntil || existing.certifyingBody !== c.certifyingBody || existing.scope !== c.scope) {
          await m.getRepository(Certification).update({ id: existing.id }, { ...c, changedAt: nowIso(), changedById: user.id });
          await appendAudit(m, actorOf(user), {
            action: "provider.certification_update",
            summary: `Trägerzulassung ${c.certificateNumber} per CSV-Import aktualisiert`,
            entityType: "provider",
            entityId: provider.id,
            providerId: provider.id,
            details: { before: { validFrom: existing.validFrom, validUntil: existing.validUntil, certifyingBody: existing.certifyingBody, scope: existing.scope }, after: c },
          });
          changed = true;
        }
      }
      if (record.bankAccount) {
        const current = await m.getRepository(BankAccount).findOne({ where: { providerId: provider.id, current: true } });
        const b = record.bankAccount;
        if (!current || current.iban !== b.iban || (current.bic ?? null) !== (b.bic ?? null) || current.holder !== b.holder) {
          await applyBankAccount(m, user, provider.id, b, null);
          changed = true;
        }
      }
      if (byKey || byVat) {
        if (changed) result.updated++;
        else result.unchanged++;
      }
    }
    if (dbIssues.length) throw new ImportError(dbIssues);
    await appendAudit(m, actorOf(user), {
      action: "provider.import",
      summary: `CSV-Import „${filename}“: ${result.created} neu, ${result.updated} geändert, ${result.unchanged} unverändert`,
      details: { ...result, filename },
    });
    return result;
  });
}
