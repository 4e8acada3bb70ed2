import type { ParticipationData } from "~/services/participation.server";

/**
 * The participation section of a purchase page (staff: /purchases/:id, portal:
 * /portal/purchases/:id): attendance, exams, outcomes and the report forms.
 * (Placeholder; implemented by the participation work.)
 */
export function ParticipationPanel(_props: { data: ParticipationData; purchaseId: number; status: string; mode: "staff" | "portal" }) {
  return null;
}
