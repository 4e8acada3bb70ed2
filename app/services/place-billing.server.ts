/**
 * Billing of places (issue 11, point 8): monthly bill proposals (place and month, MAE), bills on
 * events (entry, completion, success, transfer), the provider's confirmation that turns a bill
 * into an invoice for the finance line, and matching the provider's own e-invoices.
 * (Interface agreed between the place services; implemented by the billing work.)
 */
import type { CurrentUser } from "./auth.server";

export interface PlaceBillRow {
  id: number;
  reference: string;
  kind: string;
  periodStart: string;
  periodEnd: string;
  event: string | null;
  calculation: string;
  amountCents: number;
  status: string;
  statusLabel: string;
  invoiceId: number | null;
}

/** The bills of one purchase as the user may see them (the purchase must be reachable for the user). */
export async function billsOf(_user: CurrentUser, _purchaseId: number): Promise<PlaceBillRow[]> {
  return [];
}
