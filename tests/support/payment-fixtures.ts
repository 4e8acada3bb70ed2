/**
 * Payment items for the run, statement and benchmark tests, inserted directly in the state a
 * test needs (the signing path has its own tests): ordered, with a Verification-of-Payee result.
 */
import type { EntityManager } from "typeorm";
import { PaymentItem } from "../../entities";
import { endToEndId } from "~/domain/finance";

/** Valid German IBANs (check digits correct). */
export const IBANS = ["DE89370400440532013000", "DE02500105170137075030", "DE75512108001245126199", "DE12500105170648489890", "DE02100100100006820101"];

let counter = 0;

export function itemRow(overrides: Partial<PaymentItem> = {}): Partial<PaymentItem> {
  counter++;
  const reference = overrides.reference ?? `ZA-2099-${String(counter).padStart(6, "0")}`;
  const at = "2026-01-05T09:00:00.000Z";
  return {
    reference,
    sourceType: "invoice",
    invoiceId: null,
    instalmentId: null,
    providerId: 1,
    payeeName: `Bildungsträger Müller & Söhne ${counter}`,
    iban: IBANS[counter % IBANS.length],
    bic: null,
    bankAccountId: null,
    amountCents: 10_000 + counter * 101,
    dueOn: "2026-01-10",
    purpose: `Rechnung RE-${counter}`,
    endToEndId: endToEndId(reference),
    budgetLineId: null,
    commitmentId: null,
    status: "ordered",
    holdReason: "",
    registeredById: null,
    factualById: null,
    factualAt: null,
    arithmeticById: null,
    arithmeticAt: null,
    orderById: null,
    orderAt: null,
    orderDocumentId: null,
    vopResult: "match",
    vopSuggestedName: "",
    vopCheckedAt: at,
    vopById: null,
    paymentRunId: null,
    paidOn: null,
    paidById: null,
    paidNote: "",
    bankLineId: null,
    cancelledAt: null,
    cancelReason: "",
    replacesId: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** Insert items (in chunks) and return them with their ids. */
export async function insertItems(m: EntityManager, rows: Partial<PaymentItem>[]): Promise<PaymentItem[]> {
  const out: PaymentItem[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const res = await m.getRepository(PaymentItem).insert(chunk as PaymentItem[]);
    out.push(...(await m.getRepository(PaymentItem).findByIds(res.identifiers.map((x) => x.id as number))));
  }
  return out;
}
