/**
 * TEMPORARY STUB of the "core" worker's service (issue 12). Exactly the contract's types and a
 * `providerFigures` answering from an in-memory map that tests set with `__setStubFigures`.
 * Dropped at the merge in favour of the real implementation.
 */
export type MeasureKey = "integration" | "sustainability" | "dropout" | "exam" | "cost_per_integration" | "placement" | "days_to_placement" | "second_instalment" | "cost_per_lasting";

export interface ProviderFigure {
  providerId: number;
  measure: MeasureKey;
  k: number;
  n: number;
  rate: number | null;
  low: number | null;
  high: number | null;
  expected: number | null;
  ratio: number | null;
  ratioLow: number | null;
  ratioHigh: number | null;
  overallRate: number | null;
  suppressed: boolean;
  from: string;
  to: string;
  asOf: string;
  adjustment: "regression" | "strata" | "none";
}

let stub = new Map<string, ProviderFigure>();

/** Test hook of the stub: figures per provider and measure (the period fields are filled from the query). */
export function __setStubFigures(figures: Omit<ProviderFigure, "from" | "to" | "asOf">[]) {
  stub = new Map(figures.map((f) => [`${f.providerId}:${f.measure}`, { ...f, from: "", to: "", asOf: "" }]));
}

/** Figures of the given providers for one measure, over [from, to], counting only what was recorded by `asOf`. Providers without data are absent from the map. */
export async function providerFigures(q: { providerIds: number[]; measure: MeasureKey; typeCode: string | null; from: string; to: string; asOf: string }): Promise<Map<number, ProviderFigure>> {
  const out = new Map<number, ProviderFigure>();
  for (const id of q.providerIds) {
    const f = stub.get(`${id}:${q.measure}`);
    if (f) out.set(id, { ...f, from: q.from, to: q.to, asOf: q.asOf });
  }
  return out;
}
