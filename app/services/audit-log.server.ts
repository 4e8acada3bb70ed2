import { AuditEvent } from "../../entities";
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

/** Browse the audit log (admin, auditor): filter by text, action prefix, actor, record and period. */
export async function queryAudit(query: AuditQuery) {
  const manager = await em();
  const qb = manager.getRepository(AuditEvent).createQueryBuilder("e");
  if (query.q?.trim()) qb.andWhere("LOWER(e.summary) LIKE :q", { q: `%${query.q.trim().toLowerCase()}%` });
  if (query.action?.trim()) qb.andWhere("e.action LIKE :action", { action: `${query.action.trim()}%` });
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
  const rows = await qb.orderBy("e.seq", "DESC").offset((page - 1) * pageSize).limit(pageSize).getMany();
  return { rows, total, page, pages };
}

export async function auditActions(): Promise<string[]> {
  const manager = await em();
  const raw = await manager.getRepository(AuditEvent).createQueryBuilder("e").select("DISTINCT e.action", "action").orderBy("action").getRawMany<{ action: string }>();
  return raw.map((r) => r.action);
}
