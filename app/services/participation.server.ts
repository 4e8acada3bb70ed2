/**
 * Participation (issue 11, point 6): what the provider reports (entry, monthly attendance, exams,
 * exit) and the outcomes the case manager records after exit and six months later.
 * (Interface agreed between the place services; implemented by the participation work.)
 */
import type { CurrentUser } from "./auth.server";

export interface AttendanceRow {
  month: string;
  daysPresent: number;
  daysExcused: number;
  daysUnexcused: number;
  channel: string;
  reportedAt: string;
}
export interface ExamRow {
  id: number;
  examName: string;
  examDate: string;
  passed: boolean;
  grade: string;
}
export interface OutcomeRow {
  id: number;
  checkpoint: string;
  checkpointLabel: string;
  status: string;
  statusLabel: string;
  employerName: string;
  startDate: string | null;
  weeklyHours: number | null;
  asOf: string;
  note: string;
}
export interface ParticipationData {
  attendance: AttendanceRow[];
  exams: ExamRow[];
  /** Staff only; empty for provider users. */
  outcomes: OutcomeRow[];
  /** May the user report entry/attendance/exams/exit now (state and permission)? */
  canReport: boolean;
  /** May the user record an outcome now (staff after exit)? */
  canRecordOutcome: boolean;
}

/** The participation of one purchase as the user may see it (the purchase must be reachable for the user). */
export async function participationOf(_user: CurrentUser, _purchaseId: number): Promise<ParticipationData> {
  return { attendance: [], exams: [], outcomes: [], canReport: false, canRecordOutcome: false };
}
