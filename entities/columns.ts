import type { ValueTransformer } from "typeorm";

/** Money: integer euro cents in a bigint column, a JavaScript number in code. */
export const centsTransformer: ValueTransformer = {
  to: (v: number | null | undefined) => (v === null || v === undefined ? v : Math.round(v)),
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

/** A JSON value in a text column (portable across SQLite and PostgreSQL). */
export const jsonTransformer: ValueTransformer = {
  to: (v: unknown) => (v === undefined ? undefined : JSON.stringify(v ?? null)),
  from: (v: string | null) => (v === null || v === undefined ? null : JSON.parse(v)),
};

/** Column options for an instant: ISO 8601 UTC text of fixed width (sorts correctly). */
export const INSTANT = { type: "varchar", length: 24 } as const;
/** Column options for a business date: YYYY-MM-DD. */
export const DATE = { type: "varchar", length: 10 } as const;
