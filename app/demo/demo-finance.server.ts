/**
 * Demo data of the finance line: the authority's budget lines with their appropriations from
 * 2005 to four years ahead (later years as commitment authorisations), and who may order
 * payments from them. Runs inside seedDemoData's transaction, before vouchers and contracts
 * are committed.
 */
import type { EntityManager } from "typeorm";
import { BudgetLine, BudgetYear, OrderingAuthority, User } from "../../entities";

/** The demo's budget lines: number, title, appropriation per year in 2007 (scaled a little per year). */
export const DEMO_BUDGET_LINES = [
  { number: "1.4820.7690", title: "Vermittlungsvergütungen private Arbeitsvermittler (§ 16 SGB II i. V. m. § 421g SGB III a. F. / § 45 SGB III)", base2007Cents: 450_000_00 },
  { number: "1.4820.7600", title: "Eingliederungsleistungen – vergebene Maßnahmen (Ausschreibungen)", base2007Cents: 4_800_000_00 },
  // Sized for the places demo including the training measures of the comparison (about 1,000 participants a year from 2009).
  { number: "1.4820.7610", title: "Eingliederungsleistungen – Einzelplatzeinkauf", base2007Cents: 1_500_000_00 },
] as const;

export async function seedDemoBudget(m: EntityManager, today: string, at: string): Promise<{ lines: number; years: number }> {
  const thisYear = Number(today.slice(0, 4));
  const lastYear = Math.max(2027, thisYear + 4);
  let years = 0;
  const lineIds: number[] = [];
  for (const spec of DEMO_BUDGET_LINES) {
    let line = await m.getRepository(BudgetLine).findOne({ where: { number: spec.number } });
    if (!line) line = await m.getRepository(BudgetLine).save({ number: spec.number, title: spec.title, active: true, createdAt: at });
    lineIds.push(line.id);
    const rows = [];
    for (let year = 2005; year <= lastYear; year++) {
      if (await m.getRepository(BudgetYear).exist({ where: { budgetLineId: line.id, year } })) continue;
      // Adopted budgets up to next year; beyond that only a commitment authorisation (VE) for multi-year orders.
      const amount = Math.round((spec.base2007Cents * (1 + 0.03 * (year - 2007))) / 100) * 100;
      const adopted = year <= thisYear + 1;
      rows.push({ budgetLineId: line.id, year, appropriationCents: adopted ? amount : 0, authorisationCents: adopted ? 0 : Math.round(amount * 0.8), updatedAt: at, updatedById: null });
    }
    if (rows.length) await m.getRepository(BudgetYear).insert(rows);
    years += rows.length;
  }
  // Four eyes need people: the second finance user orders large amounts, the first small ones.
  const grants: [string, number][] = [
    ["kasse2@asz-kamenz.example", 100_000_00],
    ["kasse@asz-kamenz.example", 5_000_00],
  ];
  const admin = await m.getRepository(User).findOne({ where: { email: "admin@asz-kamenz.example" } });
  for (const [email, max] of grants) {
    const u = await m.getRepository(User).findOne({ where: { email } });
    if (!u || !admin) continue;
    for (const budgetLineId of lineIds) {
      if (await m.getRepository(OrderingAuthority).exist({ where: { userId: u.id, budgetLineId } })) continue;
      await m.getRepository(OrderingAuthority).insert({ userId: u.id, budgetLineId, maxAmountCents: max, grantedById: admin.id, grantedAt: at, revokedAt: null, revokedById: null, note: "Demodaten" });
    }
  }
  return { lines: DEMO_BUDGET_LINES.length, years };
}
