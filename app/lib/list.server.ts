import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { Provider } from "../../entities";
import { pageBounds, type SortDir } from "~/domain/list";

/** How a sort key maps to SQL: a column expression, optionally with where empty values go. */
export type SortColumn = string | { expr: string; nulls?: "first" | "last"; select?: boolean };

export interface Page<T> {
  rows: T[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  sort: string;
  dir: SortDir;
}

/**
 * Count, order by a whitelisted column and fetch one page (or every row with `all`, for CSV).
 * Only keys of `sortColumns` reach SQL; the tie breaker keeps pages stable.
 */
export async function paginate<E extends ObjectLiteral, S extends string>(
  qb: SelectQueryBuilder<E>,
  query: { sort: S; dir: SortDir; page: number; pageSize: number },
  options: {
    sortColumns: Record<S, SortColumn>;
    tieBreaker: string;
    all?: boolean;
    /** The count, if the caller knows it already (kept totals). */
    total?: number;
    /** The joins only add columns (each row has exactly one partner) and no filter uses them: count without them. */
    countWithoutJoins?: boolean;
  },
): Promise<Page<E> & { raw: Record<string, unknown>[] }> {
  // Without joins every row is one entity: a plain COUNT(*) (TypeORM's getCount counts DISTINCT ids,
  // which on SQLite sorts the whole selection first: 30–60 ms at ten years of data).
  const count = async () => {
    const counting = qb.clone();
    if (options.countWithoutJoins) counting.expressionMap.joinAttributes = [];
    if (counting.expressionMap.joinAttributes.length) return counting.getCount();
    return Number((await counting.select("COUNT(*)", "n").orderBy().getRawOne<{ n: string | number }>())?.n ?? 0);
  };
  const total = options.total ?? (await count());
  const pageSize = options.all ? Math.max(total, 1) : query.pageSize;
  const { page, pages, offset } = pageBounds(total, query.page, pageSize);
  const sort = (Object.keys(options.sortColumns) as S[]).includes(query.sort) ? query.sort : (Object.keys(options.sortColumns)[0] as S);
  const column = options.sortColumns[sort];
  const dir = query.dir === "desc" ? "DESC" : "ASC";
  if (typeof column === "string") qb.orderBy(column, dir);
  else {
    if (column.select) qb.addSelect(column.expr, "sort_key");
    const nulls = column.nulls === "first" ? "NULLS FIRST" : column.nulls === "last" ? "NULLS LAST" : undefined;
    qb.orderBy(column.select ? "sort_key" : column.expr, dir, nulls);
  }
  qb.addOrderBy(options.tieBreaker, dir);
  if (!options.all) qb.offset(offset).limit(pageSize);
  const { entities, raw } = await qb.getRawAndEntities();
  return { rows: entities, raw: raw as Record<string, unknown>[], total, page, pages, pageSize: query.pageSize, sort, dir: query.dir === "desc" ? "desc" : "asc" };
}

/**
 * A list's provider filter: the providers with at least one row in `target` (its `providerId`),
 * by name. One index probe per provider; a DISTINCT over every row read the whole table, and
 * offering all providers put two thousand options into the page at ten years of data.
 */
export async function providersWithRows(m: EntityManager, target: EntityTarget<ObjectLiteral>): Promise<{ value: string; label: string }[]> {
  const rows = await m
    .getRepository(Provider)
    .createQueryBuilder("p")
    .select(["p.id", "p.name"])
    .where(`EXISTS ${m.createQueryBuilder().subQuery().select("1").from(target, "x").where("x.providerId = p.id").getQuery()}`)
    .orderBy("p.name", "ASC")
    .getMany();
  return rows.map((p) => ({ value: String(p.id), label: p.name }));
}
