import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { centsTransformer, DATE, INSTANT, jsonTransformer } from "./columns";

/** Maßnahmeart (DOMAIN.md § 6), maintained as data: BaE, Reha-BaE, MAE, Trainingsmaßnahme, … */
@Entity({ name: "measure_types" })
export class MeasureType {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_measure_types_code", { unique: true })
  @Column({ type: "varchar", length: 30 })
  code: string;

  @Column({ type: "varchar", length: 200 })
  name: string;

  /** Legal basis and how it is paid, in words (shown in the catalogue). */
  @Column({ type: "varchar", length: 500, default: "" })
  description: string;

  /** The price model a new entry of this type starts with (participant, place_month, hour, mae_month, none). */
  @Column({ type: "varchar", length: 20 })
  defaultPriceModel: string;

  @Column({ type: "integer" })
  sortOrder: number;

  @Column({ type: "boolean" })
  active: boolean;
}

/**
 * Katalogeintrag: a measure places can be bought in. Where it comes from (origin): an awarded
 * contract lot, places the BA tendered and sells (§ 108 Abs. 6 GWB, no tender of our own), a
 * provider's AZAV-certified measure, or an employer (training at an employer, usually no price).
 */
@Entity({ name: "measures" })
// The list's default order (title, case-insensitive): an expression index, created by migration
// 1764980000000 (TypeORM cannot describe one, so it leaves it alone).
@Index("ix_measures_title_lower", { synchronize: false })
export class Measure {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_measures_reference", { unique: true })
  @Column({ type: "varchar", length: 20 })
  reference: string;

  /** The provider (Träger, BA, MAE host organisation's carrier); null for an employer's own measure. */
  @Index("ix_measures_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  @Index("ix_measures_type")
  @Column({ type: "varchar", length: 30 })
  typeCode: string;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "varchar", length: 2000, default: "" })
  description: string;

  /** contract | ba | certified | employer */
  @Index("ix_measures_origin")
  @Column({ type: "varchar", length: 20 })
  origin: string;

  @Index("ix_measures_contract")
  @Column({ type: "integer", nullable: true })
  contractId: number | null;

  /** The BA's measure or tender number (origin ba). */
  @Column({ type: "varchar", length: 100, default: "" })
  baReference: string;

  /** AZAV Maßnahmezulassung (origin certified). */
  @Column({ type: "varchar", length: 100, default: "" })
  azavNumber: string;

  @Column({ ...DATE, nullable: true })
  azavValidFrom: string | null;

  @Column({ ...DATE, nullable: true })
  azavValidUntil: string | null;

  /** Employer or MAE host organisation (Einsatzstelle), where the participant actually is. */
  @Column({ type: "varchar", length: 200, default: "" })
  hostName: string;

  @Index("ix_measures_region")
  @Column({ type: "varchar", length: 100, default: "" })
  region: string;

  @Column({ type: "varchar", length: 200, default: "" })
  location: string;

  /** group | individual (MAE: group measure or individual placement with a host). */
  @Column({ type: "varchar", length: 20 })
  format: string;

  /** dates (fixed start dates) | continuous (laufender Einstieg) */
  @Column({ type: "varchar", length: 20 })
  entryMode: string;

  /** Fixed start dates (entryMode dates), YYYY-MM-DD. */
  @Column({ type: "text", transformer: jsonTransformer })
  startDates: string[];

  /** Duration of one participation, with its unit: month | week | day. */
  @Column({ type: "integer" })
  duration: number;

  @Column({ type: "varchar", length: 10 })
  durationUnit: string;

  /** Hundredths of an hour per week. */
  @Column({ type: "integer" })
  weeklyHours: number;

  /** Places available at the same time. */
  @Column({ type: "integer" })
  capacity: number;

  /** participant | place_month | hour | mae_month | none */
  @Column({ type: "varchar", length: 20 })
  priceModel: string;

  /** Price per the model's unit (per participant, per place and month, per hour, per participant and month). */
  @Column({ type: "bigint", transformer: centsTransformer })
  priceCents: number;

  /** How entry and exit months are billed (place_month, mae_month): days | full | from_16th */
  @Column({ type: "varchar", length: 20 })
  proRata: string;

  /**
   * What is billed on events: [{ event: entry|completion|success|transfer, label, amountCents }].
   * Per-participant prices name their parts here; bonuses (the BaE transfer bonus) too.
   */
  @Column({ type: "text", transformer: jsonTransformer })
  eventFees: { event: string; label: string; amountCents: number }[];

  /** Target group codes (youth, long_term_unemployed, severely_disabled, rehab, …); empty = everyone. */
  @Column({ type: "text", transformer: jsonTransformer })
  targetGroups: string[];

  /** Age limits on the start date (inclusive), e.g. under 25 for youth measures. */
  @Column({ type: "integer", nullable: true })
  minAge: number | null;

  @Column({ type: "integer", nullable: true })
  maxAge: number | null;

  @Column({ type: "varchar", length: 2000, default: "" })
  entryConditions: string;

  /** Period the measure can be bought for. */
  @Column({ ...DATE })
  validFrom: string;

  @Index("ix_measures_valid_until")
  @Column({ ...DATE })
  validUntil: string;

  /** proposed (by a provider) | active | rejected | closed */
  @Index("ix_measures_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ type: "varchar", length: 1000, default: "" })
  statusReason: string;

  /** Provider user who proposed it (portal or API), if any. */
  @Column({ type: "integer", nullable: true })
  proposedById: number | null;

  @Column({ type: "integer", nullable: true })
  decidedById: number | null;

  @Column({ ...INSTANT, nullable: true })
  decidedAt: string | null;

  @Column({ type: "integer", nullable: true })
  createdById: number | null;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/**
 * Per status: how many place purchases there are and their estimated cost. Kept by database
 * triggers on place_purchases (migration 1764970000000), in the transaction of every insert,
 * status or amount change and delete, so it is never behind. The staff list's quick-filter
 * counts and the count and sum of an unfiltered or status-filtered selection read these few rows
 * instead of every purchase (ten years of data: 458,000 purchases, 35–50 ms a scan).
 */
@Entity({ name: "place_purchase_totals" })
export class PlacePurchaseTotal {
  @PrimaryColumn({ type: "varchar", length: 20 })
  status: string;

  @Column({ type: "integer" })
  purchases: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  estimatedCents: number;
}

/** Einzelplatzeinkauf: one place in a measure bought for one client. */
@Entity({ name: "place_purchases" })
@Index("ix_place_purchases_measure_status", ["measureId", "status"])
export class PlacePurchase {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_place_purchases_reference", { unique: true })
  @Column({ type: "varchar", length: 20 })
  reference: string;

  @Index("ix_place_purchases_measure")
  @Column({ type: "integer" })
  measureId: number;

  @Index("ix_place_purchases_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  @Index("ix_place_purchases_client")
  @Column({ type: "integer" })
  clientId: number;

  /** Planned period of the place. */
  @Index("ix_place_purchases_start")
  @Column({ ...DATE })
  startDate: string;

  @Column({ ...DATE })
  endDate: string;

  /** requested | approved | ordered | confirmed | declined | running | completed | dropped_out | cancelled */
  @Index("ix_place_purchases_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  /** Price as bought (copied from the catalogue entry: later changes do not alter an order). */
  @Column({ type: "varchar", length: 20 })
  priceModel: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  priceCents: number;

  @Column({ type: "varchar", length: 20 })
  proRata: string;

  @Column({ type: "text", transformer: jsonTransformer })
  eventFees: { event: string; label: string; amountCents: number }[];

  /** Hours bought (priceModel hour). */
  @Column({ type: "integer", nullable: true })
  hours: number | null;

  /** The expected cost committed over the years the place runs (rule 11). */
  @Index("ix_place_purchases_cents")
  @Column({ type: "bigint", transformer: centsTransformer })
  estimatedCents: number;

  @Column({ type: "integer", nullable: true })
  budgetLineId: number | null;

  /** Above the approval amount a second person approves (four-eyes). */
  @Column({ type: "boolean" })
  approvalNeeded: boolean;

  /** Client's consent to share name and contact with the provider (§ 4). */
  @Column({ ...INSTANT, nullable: true })
  consentAt: string | null;

  /** The consent withdrawn (rule 15: only active consent counts). */
  @Column({ ...INSTANT, nullable: true })
  consentWithdrawnAt: string | null;

  @Column({ type: "varchar", length: 2000, default: "" })
  note: string;

  @Column({ type: "integer" })
  requestedById: number;

  @Column({ ...INSTANT })
  requestedAt: string;

  @Column({ type: "integer", nullable: true })
  approvedById: number | null;

  @Column({ ...INSTANT, nullable: true })
  approvedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  orderedAt: string | null;

  /** The purchase order (Bestellschein) PDF, rendered outside the transaction. */
  @Column({ type: "integer", nullable: true })
  orderDocumentId: number | null;

  @Column({ type: "integer", nullable: true })
  answeredById: number | null;

  @Column({ ...INSTANT, nullable: true })
  answeredAt: string | null;

  /** Decline reason, cancellation reason. */
  @Column({ type: "varchar", length: 1000, default: "" })
  statusReason: string;

  /** Actual entry and exit as reported by the provider. */
  @Column({ ...DATE, nullable: true })
  entryDate: string | null;

  @Index("ix_place_purchases_exit")
  @Column({ ...DATE, nullable: true })
  exitDate: string | null;

  /** Early exit reason code (employment, training, illness, moved, no_show, dismissed, other) and text. */
  @Column({ type: "varchar", length: 30, nullable: true })
  exitReason: string | null;

  @Column({ type: "varchar", length: 1000, default: "" })
  exitNote: string;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** Monthly attendance of one participant, reported by the provider. */
@Entity({ name: "attendance_months" })
@Index("uq_attendance_months_purchase_month", ["purchaseId", "month"], { unique: true })
export class AttendanceMonth {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  purchaseId: number;

  /** YYYY-MM */
  @Column({ type: "varchar", length: 7 })
  month: string;

  @Column({ type: "integer" })
  daysPresent: number;

  @Column({ type: "integer" })
  daysExcused: number;

  @Column({ type: "integer" })
  daysUnexcused: number;

  /** portal | api | staff */
  @Column({ type: "varchar", length: 10 })
  channel: string;

  @Column({ type: "integer", nullable: true })
  reportedById: number | null;

  @Column({ ...INSTANT })
  reportedAt: string;
}

/** Prüfungsergebnis (BaE, FbW). */
@Entity({ name: "exam_results" })
export class ExamResult {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_exam_results_purchase")
  @Column({ type: "integer" })
  purchaseId: number;

  @Column({ type: "varchar", length: 200 })
  examName: string;

  @Column({ ...DATE })
  examDate: string;

  @Column({ type: "boolean" })
  passed: boolean;

  @Column({ type: "varchar", length: 50, default: "" })
  grade: string;

  @Column({ type: "varchar", length: 10 })
  channel: string;

  @Column({ type: "integer", nullable: true })
  reportedById: number | null;

  @Column({ ...INSTANT })
  reportedAt: string;
}

/**
 * Verbleib: what became of a participant, recorded by the case manager after exit and again
 * six months later (checkpoint exit | six_months). Broker placements count as outcomes too:
 * the comparison reads them from the accepted placement claims.
 */
@Entity({ name: "outcomes" })
@Index("uq_outcomes_purchase_checkpoint", ["purchaseId", "checkpoint"], { unique: true })
export class Outcome {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_outcomes_client")
  @Column({ type: "integer" })
  clientId: number;

  @Column({ type: "integer" })
  purchaseId: number;

  /** exit | six_months */
  @Column({ type: "varchar", length: 20 })
  checkpoint: string;

  /** employment | training | self_employment | none */
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ type: "varchar", length: 200, default: "" })
  employerName: string;

  /** Start of the employment, training or self-employment. */
  @Column({ ...DATE, nullable: true })
  startDate: string | null;

  /** Hundredths of an hour per week (employment). */
  @Column({ type: "integer", nullable: true })
  weeklyHours: number | null;

  /** The day the outcome was found (as of). */
  @Column({ ...DATE })
  asOf: string;

  @Column({ type: "varchar", length: 1000, default: "" })
  note: string;

  @Column({ type: "integer", nullable: true })
  recordedById: number | null;

  @Column({ ...INSTANT })
  recordedAt: string;
}

/**
 * Abrechnung of a place: a monthly bill proposed by the product (place_month, mae_month) or a bill
 * on an event the price model names (entry, completion, success, transfer). Unique per purchase,
 * kind, period and event: nothing is billed twice.
 */
@Entity({ name: "place_bills" })
@Index("uq_place_bills_key", ["purchaseId", "billKey"], { unique: true })
export class PlaceBill {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_place_bills_reference", { unique: true })
  @Column({ type: "varchar", length: 20 })
  reference: string;

  @Column({ type: "integer" })
  purchaseId: number;

  @Index("ix_place_bills_provider")
  @Column({ type: "integer" })
  providerId: number;

  /** month | event */
  @Column({ type: "varchar", length: 10 })
  kind: string;

  /** "month:2026-03" or "event:completion": what makes a bill unique for its purchase. */
  @Column({ type: "varchar", length: 40 })
  billKey: string;

  @Column({ ...DATE })
  periodStart: string;

  @Column({ ...DATE })
  periodEnd: string;

  @Column({ type: "varchar", length: 20, nullable: true })
  event: string | null;

  /** The calculation in words (days, pro rata rule, price). */
  @Column({ type: "varchar", length: 500 })
  calculation: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  amountCents: number;

  /** proposed | confirmed | invoiced (matched to the provider's own e-invoice) | cancelled */
  @Index("ix_place_bills_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Index("ix_place_bills_invoice")
  @Column({ type: "integer", nullable: true })
  invoiceId: number | null;

  @Column({ type: "integer", nullable: true })
  confirmedById: number | null;

  @Column({ ...INSTANT, nullable: true })
  confirmedAt: string | null;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}
