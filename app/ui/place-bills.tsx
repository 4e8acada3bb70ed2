import type { PlaceBillRow } from "~/services/place-billing.server";

/**
 * The bills section of a purchase page (staff and portal). (Placeholder; implemented by the billing work.)
 */
export function PlaceBillsPanel(_props: { bills: PlaceBillRow[]; purchaseId: number; mode: "staff" | "portal" }) {
  return null;
}
