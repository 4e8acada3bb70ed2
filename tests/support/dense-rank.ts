/**
 * The attacker's check, written independently of the code under test: which unknowns a system of
 * linear equations (dense rows) fixes. Unknown i is fixed when adding the unit vector e_i does not
 * raise the rank (Gaussian elimination).
 */
export function denseRank(m: readonly (readonly number[])[], cols: number): number {
  const x = m.map((row) => [...row]);
  let k = 0;
  for (let c = 0; c < cols && k < x.length; c++) {
    const p = x.findIndex((row, i) => i >= k && Math.abs(row[c]) > 1e-9);
    if (p < 0) continue;
    [x[k], x[p]] = [x[p], x[k]];
    for (let i = 0; i < x.length; i++)
      if (i !== k && Math.abs(x[i][c]) > 1e-9) {
        const f = x[i][c] / x[k][c];
        x[i] = x[i].map((v, j) => v - f * x[k][j]);
      }
    k++;
  }
  return k;
}

/** For each unknown, whether the equations fix it. */
export function denseFixed(a: readonly (readonly number[])[], unknowns: number): boolean[] {
  const base = denseRank(a, unknowns);
  return Array.from({ length: unknowns }, (_, i) => denseRank([...a, Array.from({ length: unknowns }, (_, j) => (j === i ? 1 : 0))], unknowns) === base);
}
