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
}

export const NOT_COUNTED_STATES: readonly string[] = ["cancelled", "declined"];
export const SUPPRESSED_TEXT = "< 3";

const fmt = (n: number) => n.toLocaleString("de-DE");

/** A count of persons: 1 and 2 are suppressed (0 names nobody). */
export function personCell(n: number, suppress = false): Cell {
  return suppress || (n > 0 && n < 3) ? { value: null, text: SUPPRESSED_TEXT } : { value: n, text: fmt(n) };
}

/** A count of measures or places (not persons): shown as it is. */
export function plainCell(n: number): Cell {
  return { value: n, text: fmt(n) };
}

function inYear(date: string | null, year: number): boolean {
  return !!date && date.slice(0, 4) === String(year);
}

/**
 * The figures of `year`. Participants of a measure type are the purchases whose place starts in
 * the year (planned start), not cancelled or declined; a measure counts when at least one of them
 * is in it. Entries, exits, drop-outs and integrations in the table are the actual dates reported.
 */
export function measureFigures(
  year: number,
  facts: readonly PurchaseFact[],
  opts: { contractQuantity: ReadonlyMap<number, number>; spentByType: ReadonlyMap<string, number>; typeLabels: ReadonlyMap<string, string> },
): MeasureFigures {
  const starting = facts.filter((f) => inYear(f.startDate, year) && !NOT_COUNTED_STATES.includes(f.status));
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
  // Secondary suppression: with the exits shown, a small number placed or not placed gives the other away.
  const hidePlaced = (placed > 0 && placed < 3) || (employerExits.length - placed > 0 && employerExits.length - placed < 3);
  const exitsCell = personCell(employerExits.length);
  const placedCell = personCell(placed, hidePlaced || exitsCell.value === null);
  const share = employerExits.length ? Math.round((placed / employerExits.length) * 100) : 0;
  const shareCell: Cell = placedCell.value === null || exitsCell.value === null ? { value: null, text: SUPPRESSED_TEXT } : employerExits.length ? { value: share, text: `${share} %` } : { value: null, text: "–" };

  const youth = of((f) => f.typeCode === "youth");
  const reha = of((f) => f.typeCode === "reha_bae");
  const p421i = of((f) => f.typeCode === "p421i");

  const types = new Set<string>();
  for (const f of facts) if (inYear(f.startDate, year) || inYear(f.entryDate, year) || inYear(f.exitDate, year)) types.add(f.typeCode);
  for (const [t, cents] of opts.spentByType) if (cents) types.add(t);
  const order = [...opts.typeLabels.keys()];
  const rows: TypeRow[] = [...types]
    .sort((a, b) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)))
    .map((typeCode) => {
      const all = facts.filter((f) => f.typeCode === typeCode);
      const exits = all.filter((f) => inYear(f.exitDate, year) && ["completed", "dropped_out"].includes(f.status));
      return {
        typeCode,
        label: opts.typeLabels.get(typeCode) ?? typeCode,
        measures: plainCell(distinct(starting.filter((f) => f.typeCode === typeCode))),
        entries: personCell(all.filter((f) => inYear(f.entryDate, year)).length),
        exits: personCell(exits.length),
        dropouts: personCell(exits.filter((f) => f.status === "dropped_out").length),
        integrations: personCell(exits.filter((f) => f.exitOutcome !== null && INTEGRATION_STATUSES.includes(f.exitOutcome)).length),
        spentCents: opts.spentByType.get(typeCode) ?? 0,
      };
    });

  return {
    year,
    bae: { fromBa: personCell(fromBa.length), ownTender: personCell(own.length), ownCapacity: plainCell(ownCapacity) },
    mae: { measures: plainCell(distinct(mae)), participants: personCell(mae.length), groupMeasures: plainCell(maeGroup) },
    employerTraining: { exits: exitsCell, placed: placedCell, sharePercent: shareCell },
    youth: { measures: plainCell(distinct(youth)), participants: personCell(youth.length) },
    rehaBae: { starts: personCell(reha.length) },
    p421i: { measures: plainCell(distinct(p421i)), participants: personCell(p421i.length) },
    rows,
  };
}
