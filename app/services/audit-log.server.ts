import { AuditEvent } from "../../entities";
import { auditActionLabel, auditActorLabel, auditEntityLabel, describeAuditDetails, type AuditDetailRow } from "~/domain/audit-labels";
import { berlinLocalToUtc } from "~/domain/time";
import { em } from "~/lib/db.server";

export interface AuditQuery {
  q?: string;
  action?: string;
  actor?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

/** Browse the audit log (admin, auditor): filter by text, event (or event group), actor, record and period. */
export async function queryAudit(query: AuditQuery) {
  const manager = await em();
  const qb = manager.getRepository(AuditEvent).createQueryBuilder("e");
  if (query.q?.trim()) qb.andWhere("LOWER(e.summary) LIKE :q", { q: `%${query.q.trim().toLowerCase()}%` });
  // One event exactly ("tender.open" must not also match "tender.opening_confirm"); a value
  // ending in "." is a group ("tender." = every tender event).
  const action = query.action?.trim();
  if (action?.endsWith(".")) qb.andWhere("e.action LIKE :action", { action: `${action}%` });
  else if (action) qb.andWhere("e.action = :action", { action });
  if (query.actor?.trim()) qb.andWhere("LOWER(e.actorLabel) LIKE :actor", { actor: `%${query.actor.trim().toLowerCase()}%` });
  if (query.entityType?.trim()) qb.andWhere("e.entityType = :et", { et: query.entityType.trim() });
  if (query.entityId?.trim()) qb.andWhere("e.entityId = :eid", { eid: query.entityId.trim() });
  const from = query.from ? berlinLocalToUtc(`${query.from}T00:00`) : null;
  const to = query.to ? berlinLocalToUtc(`${query.to}T23:59:59`) : null;
  if (from) qb.andWhere("e.at >= :from", { from });
  if (to) qb.andWhere("e.at <= :to", { to });
  const pageSize = query.pageSize ?? 50;
  const total = await qb.clone().getCount();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(query.page ?? 1, 1), pages);
  const events = await qb.orderBy("e.seq", "DESC").offset((page - 1) * pageSize).limit(pageSize).getMany();
  return { rows: events.map(auditRow), total, page, pages };
}

/** One entry as the audit page shows it: German labels next to the stored codes. */
export interface AuditRow {
  id: number;
  seq: number;
  at: string;
  actor: string;
  action: string;
  actionLabel: string;
  entityType: string;
  entityLabel: string;
  entityId: string;
  summary: string;
  details: AuditDetailRow[];
  /** The stored details, unchanged, for the auditor who needs the exact content. */
  rawDetails: string | null;
}

function auditRow(e: AuditEvent): AuditRow {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at,
    actor: auditActorLabel(e.actorLabel),
    action: e.action,
    actionLabel: auditActionLabel(e.action),
    entityType: e.entityType,
    entityLabel: e.entityType ? auditEntityLabel(e.entityType) : "",
    entityId: e.entityId,
    summary: e.summary,
    details: describeAuditDetails(e.entityType, e.details),
    rawDetails: e.details ? JSON.stringify(e.details, null, 2) : null,
  };
}

/** The filter choices: every action and record kind in the log, with German names, sorted by them. */
export async function auditFilterOptions(): Promise<{ actions: { value: string; label: string }[]; entityTypes: { value: string; label: string }[] }> {
  const manager = await em();
  const distinct = async (column: "action" | "entityType") =>
    (await manager.getRepository(AuditEvent).createQueryBuilder("e").select(`DISTINCT e.${column}`, "value").getRawMany<{ value: string }>()).map((r) => r.value).filter(Boolean);
  const byLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label, "de");
  return {
    actions: (await distinct("action")).map((value) => ({ value, label: auditActionLabel(value) })).sort(byLabel),
    entityTypes: (await distinct("entityType")).map((value) => ({ value, label: auditEntityLabel(value) })).sort(byLabel),
  };
}
