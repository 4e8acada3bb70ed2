/**
 * "Maßnahmen im Jahr" (issue 11): the figures of the Eingliederungsbericht computed from the
 * records of one year (pure; the service loads the facts). Counts of persons below 3 are
 * suppressed (DOMAIN.md § 4), also where they could be recovered from the other figures shown.
 */
import { INTEGRATION_STATUSES } from "./places";

export interface PurchaseFact {
  measureId: number;
  typeCode: string;
  origin: string;
  format: string;
  contractId: number | null;
  startDate: string;
  entryDate: string | null;
  exitDate: string | null;
  status: string;
  /** The outcome status recorded at exit (null: none recorded). */
  exitOutcome: string | null;
}

/** A figure as shown: the number, or null with "< 3" when it is suppressed. */
export interface Cell {
  value: number | null;
  text: string;
}

export interface TypeRow {
  typeCode: string;
  label: string;
  measures: Cell;
  entries: Cell;
  exits: Cell;
  dropouts: Cell;
  integrations: Cell;
  spentCents: number;
}

export interface MeasureFigures {
  year: number;
  bae: { fromBa: Cell; ownTender: Cell; ownCapacity: Cell };
  mae: { measures: Cell; participants: Cell; groupMeasures: Cell };
  employerTraining: { exits: Cell; placed: Cell; sharePercent: Cell };
  youth: { measures: Cell; participants: Cell };
  rehaBae: { starts: Cell };
  p421i: { measures: Cell; participants: Cell };
  rows: TypeRow[];
  /** The column totals of `rows` (label "Summe"). */
  total: TypeRow;
}

export const NOT_COUNTED_STATES: readonly string[] = ["cancelled", "declined"];
export const SUPPRESSED_TEXT = "< 3";

const fmt = (n: number) => n.toLocaleString("de-DE");

/** The text of a cell hidden only because it would give a small number away (secondary suppression). */
export const WITHHELD_TEXT = "gesperrt";

/**
 * A count of persons: 1 and 2 are suppressed as "< 3" (0 names nobody); `suppress` hides any
 * other count as "gesperrt" (it would let a small number be worked out from the others).
 */
export function personCell(n: number, suppress = false): Cell {
  if (n > 0 && n < 3) return { value: null, text: SUPPRESSED_TEXT };
  return suppress ? { value: null, text: WITHHELD_TEXT } : { value: n, text: fmt(n) };
}

/** A count of measures or places (not persons): shown as it is. */
export function plainCell(n: number): Cell {
  return { value: n, text: fmt(n) };
}

function inYear(date: string | null, year: number): boolean {
  return !!date && date.slice(0, 4) === String(year);
}

/**
 * The figures of `year`. Participants of a measure type are the purchases whose place is planned
 * to start in the year and did start (entry reported), not cancelled or declined; a measure
 * counts when at least one of them is in it. Entries, exits, drop-outs and integrations in the table are the actual dates reported.
 */
export function measureFigures(
  year: number,
  facts: readonly PurchaseFact[],
  opts: { contractQuantity: ReadonlyMap<number, number>; spentByType: ReadonlyMap<string, number>; typeLabels: ReadonlyMap<string, string> },
): MeasureFigures {
  // Participants: places planned to start in the year that actually started (the provider reported
  // the entry) — a place only requested, approved, ordered or confirmed is not a participant yet.
  const starting = facts.filter((f) => inYear(f.startDate, year) && f.entryDate !== null && !NOT_COUNTED_STATES.includes(f.status));
  const of = (pred: (f: PurchaseFact) => boolean) => starting.filter(pred);
  const distinct = (list: readonly PurchaseFact[]) => new Set(list.map((f) => f.measureId)).size;

  const fromBa = of((f) => f.typeCode === "bae" && f.origin === "ba");
  const own = of((f) => f.typeCode === "bae" && f.origin === "contract");
  const ownContracts = new Set(own.map((f) => f.contractId).filter((c): c is number => c !== null));
  const ownCapacity = [...ownContracts].reduce((a, c) => a + (opts.contractQuantity.get(c) ?? 0), 0);
  const mae = of((f) => f.typeCode === "mae");
  const maeGroup = new Set(mae.filter((f) => f.format === "group").map((f) => f.measureId)).size;

  const employerExits = facts.filter((f) => f.typeCode === "employer_training" && inYear(f.exitDate, year) && ["completed", "dropped_out"].includes(f.status));
  const placed = employerExits.filter((f) => f.exitOutcome !== null && INTEGRATION_STATUSES.includes(f.exitOutcome)).length;
  const youth = of((f) => f.typeCode === "youth");
  const reha = of((f) => f.typeCode === "reha_bae");
  const p421i = of((f) => f.typeCode === "p421i");

  const types = new Set<string>();
  for (const f of facts) if (inYear(f.startDate, year) || inYear(f.entryDate, year) || inYear(f.exitDate, year)) types.add(f.typeCode);
  for (const [t, cents] of opts.spentByType) if (cents) types.add(t);
  const order = [...opts.typeLabels.keys()];
  const counts: RowCounts[] = [...types]
    .sort((a, b) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)))
    .map((typeCode) => {
      const all = facts.filter((f) => f.typeCode === typeCode);
      const exits = all.filter((f) => inYear(f.exitDate, year) && ["completed", "dropped_out"].includes(f.status));
      return {
        typeCode,
        label: opts.typeLabels.get(typeCode) ?? typeCode,
        measures: distinct(starting.filter((f) => f.typeCode === typeCode)),
        entries: all.filter((f) => inYear(f.entryDate, year)).length,
        exits: exits.length,
        dropouts: exits.filter((f) => f.status === "dropped_out").length,
        integrations: exits.filter((f) => f.exitOutcome !== null && INTEGRATION_STATUSES.includes(f.exitOutcome)).length,
        spentCents: opts.spentByType.get(typeCode) ?? 0,
      };
    });
  const { rows, total } = suppressTable(counts);
  // The cards of employer-based training are the same counts as its table row: shown as there
  // (secondary suppression included), or the table's hidden cells could be read off the cards.
  const employerRow = rows.find((r) => r.typeCode === "employer_training");
  const exitsCell = employerRow?.exits ?? personCell(employerExits.length);
  const placedCell = employerRow?.integrations ?? personCell(placed);
  const share = employerExits.length ? Math.round((placed / employerExits.length) * 100) : 0;
  const shareCell: Cell = placedCell.value === null || exitsCell.value === null ? { value: null, text: WITHHELD_TEXT } : employerExits.length ? { value: share, text: `${share} %` } : { value: null, text: "–" };

  return {
    year,
    bae: { fromBa: personCell(fromBa.length), ownTender: personCell(own.length), ownCapacity: plainCell(ownCapacity) },
    mae: { measures: plainCell(distinct(mae)), participants: personCell(mae.length), groupMeasures: plainCell(maeGroup) },
    employerTraining: { exits: exitsCell, placed: placedCell, sharePercent: shareCell },
    youth: { measures: plainCell(distinct(youth)), participants: personCell(youth.length) },
    rehaBae: { starts: personCell(reha.length) },
    p421i: { measures: plainCell(distinct(p421i)), participants: personCell(p421i.length) },
    rows,
    total,
  };
}

/** The counts of one row of the per-type table before suppression. */
export interface RowCounts {
  typeCode: string;
  label: string;
  measures: number;
  entries: number;
  exits: number;
  dropouts: number;
  integrations: number;
  spentCents: number;
}

/** The person columns of the per-type table. */
export const PERSON_COLUMNS = ["entries", "exits", "dropouts", "integrations"] as const;
export type PersonColumn = (typeof PERSON_COLUMNS)[number];

/**
 * Which cells of a row are parts of another cell of the same row: exits = drop-outs + regular
 * completions, and exits = integrations + exits without integration. Entries (people entering
 * in the year) are another set of persons than the exits of the year, so they have no complement
 * in the row. When the part is shown next to its whole, the rest (whole − part) is known too.
 */
export const ROW_PARTS: readonly { whole: PersonColumn; part: PersonColumn }[] = [
  { whole: "exits", part: "dropouts" },
  { whole: "exits", part: "integrations" },
];

const small = (n: number) => n > 0 && n < 3;

/**
 * Primary and secondary suppression of the per-type table (DOMAIN.md §§ 4–5):
 * 1. primary: a count of 1 or 2 persons;
 * 2. in a row: a part whose whole is suppressed is suppressed, and a part is suppressed when its
 *    complement (whole − part) is 1 or 2 (the same in the total row);
 * 3. in a column (with its total shown): when the column holds suppressed cells and they could be
 *    recovered from the total — a single suppressed cell, or only cells of 1 or 2 — the smallest
 *    further cell of at least 3 is suppressed too, else the column's total.
 * Suppressing more cells in a row never makes a row's other cells recoverable, so the row rule
 * is applied first and the column rule after it.
 */
export function suppressTable(rows: readonly RowCounts[]): { rows: TypeRow[]; total: TypeRow } {
  const sum = (k: keyof RowCounts) => rows.reduce((a, r) => a + (r[k] as number), 0);
  const totalCounts: RowCounts = { typeCode: "total", label: "Summe", measures: sum("measures"), entries: sum("entries"), exits: sum("exits"), dropouts: sum("dropouts"), integrations: sum("integrations"), spentCents: sum("spentCents") };
  const all = [...rows, totalCounts];
  const hidden = all.map(() => new Set<PersonColumn>());
  all.forEach((r, i) => {
    for (const c of PERSON_COLUMNS) if (small(r[c])) hidden[i].add(c);
    for (const { whole, part } of ROW_PARTS) {
      if (hidden[i].has(whole) && r[part] > 0) hidden[i].add(part);
      if (small(r[whole] - r[part])) hidden[i].add(part);
    }
  });
  const t = rows.length; // index of the total row
  for (const c of PERSON_COLUMNS) {
    for (;;) {
      if (hidden[t].has(c)) break;
      const suppressed = rows.map((r, i) => ({ r, i })).filter(({ i }) => hidden[i].has(c));
      if (suppressed.length === 0) break;
      const safe = suppressed.length >= 2 && suppressed.some(({ r }) => r[c] >= 3);
      if (safe) break;
      const next = rows
        .map((r, i) => ({ r, i }))
        .filter(({ r, i }) => !hidden[i].has(c) && r[c] >= 3)
        .sort((a, b) => a.r[c] - b.r[c])[0];
      if (next) hidden[next.i].add(c);
      else hidden[t].add(c);
    }
  }
  const toRow = (r: RowCounts, i: number): TypeRow => ({
    typeCode: r.typeCode,
    label: r.label,
    measures: plainCell(r.measures),
    entries: personCell(r.entries, hidden[i].has("entries")),
    exits: personCell(r.exits, hidden[i].has("exits")),
    dropouts: personCell(r.dropouts, hidden[i].has("dropouts")),
    integrations: personCell(r.integrations, hidden[i].has("integrations")),
    spentCents: r.spentCents,
  });
  return { rows: rows.map(toRow), total: toRow(totalCounts, t) };
}
