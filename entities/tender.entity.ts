import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type { FigureInput, PastPerformanceMethod } from "../app/domain/past-performance";
import { centsTransformer, DATE, INSTANT, jsonTransformer } from "./columns";

/** Ausschreibung / Vergabeverfahren. */
@Entity({ name: "tenders" })
export class Tender {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** V-2026-014 */
  @Index("uq_tenders_reference", { unique: true })
  @Column({ type: "varchar", length: 20 })
  reference: string;

  @Column({ type: "varchar", length: 300 })
  title: string;

  @Column({ type: "text" })
  description: string;

  @Column({ type: "varchar", length: 30 })
  measureType: string;

  @Column({ type: "varchar", length: 200 })
  legalBasis: string;

  @Column({ type: "varchar", length: 20 })
  procedureType: string;

  /** eu | national, decided from the estimated value at publication (shown live before). */
  @Column({ type: "varchar", length: 10 })
  regime: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  estimatedValueCents: number;

  @Column({ type: "varchar", length: 500, default: "" })
  regimeReason: string;

  /** Scoring: maximum points per quality criterion (BA practice: 0–3). */
  @Column({ type: "integer" })
  maxPoints: number;

  @Index("ix_tenders_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ ...INSTANT, nullable: true })
  questionsUntil: string | null;

  @Index("ix_tenders_offers_until")
  @Column({ ...INSTANT, nullable: true })
  offersUntil: string | null;

  @Column({ ...DATE, nullable: true })
  bindingUntil: string | null;

  @Column({ ...INSTANT, nullable: true })
  publishedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  closedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  openedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  evaluatedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  awardDecidedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  informedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  standstillEndsAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  awardedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  cancelledAt: string | null;

  @Column({ type: "varchar", length: 1000, default: "" })
  cancelReason: string;

  /** The per-tender data key, wrapped by the sealing key (which never enters the database). */
  @Column({ type: "varchar", length: 200 })
  wrappedDataKey: string;

  /** § 8 Abs. 2 VgV notes kept with the file: reasons for the procedure, conflicts of interest, lots. */
  @Column({ type: "text", transformer: jsonTransformer })
  recordNotes: Record<string, string>;

  /** No deletion before this date (3 years after award, or after the contract ends). */
  @Column({ ...DATE, nullable: true })
  retainUntil: string | null;

  @Column({ type: "integer" })
  createdById: number;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

@Entity({ name: "lots" })
export class Lot {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_lots_tender")
  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  number: number;

  @Column({ type: "varchar", length: 300 })
  title: string;

  /** Places or participants. */
  @Column({ type: "integer" })
  quantity: number;

  @Column({ type: "varchar", length: 100, default: "" })
  region: string;

  @Column({ ...DATE })
  startDate: string;

  @Column({ type: "integer" })
  durationMonths: number;

  @Column({ type: "varchar", length: 30 })
  priceUnit: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  estimatedUnitPriceCents: number;

  @Column({ type: "bigint", transformer: centsTransformer, nullable: true })
  estimatedSuccessFeeCents: number | null;

  /** Award decision: the winning offer, or "no award" with reasons. */
  @Column({ type: "integer", nullable: true })
  awardedOfferId: number | null;

  @Column({ type: "varchar", length: 20, default: "" })
  awardDecision: string;

  @Column({ type: "text" })
  awardReasons: string;
}

@Entity({ name: "award_criteria" })
export class AwardCriterion {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_award_criteria_tender")
  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  position: number;

  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ type: "varchar", length: 1000, default: "" })
  description: string;

  @Column({ type: "integer" })
  weight: number;

  @Column({ type: "boolean" })
  isPrice: boolean;

  /** quality (scored by evaluators) | past_performance (computed from the outcome comparison, issue 12). */
  @Column({ type: "varchar", length: 20 })
  kind: string;

  /** The past-performance method (app/domain/past-performance.ts), frozen at publication; null for other kinds. */
  @Column({ type: "text", nullable: true, transformer: jsonTransformer })
  method: PastPerformanceMethod | null;
}

/** Bieterfrage: asked by a provider, answered by staff, published without the asker's identity. */
@Entity({ name: "tender_questions" })
export class TenderQuestion {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_tender_questions_tender")
  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "integer" })
  askedById: number;

  @Column({ type: "text" })
  question: string;

  @Column({ ...INSTANT })
  askedAt: string;

  @Column({ type: "text" })
  answer: string;

  @Column({ ...INSTANT, nullable: true })
  answeredAt: string | null;

  @Column({ type: "integer", nullable: true })
  answeredById: number | null;
}

/** Who downloaded the tender documents (gets the answers to bidder questions by mail). */
@Entity({ name: "tender_downloads" })
@Index("uq_tender_downloads", ["tenderId", "providerId"], { unique: true })
export class TenderDownload {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "integer" })
  userId: number;

  @Column({ ...INSTANT })
  at: string;
}

/**
 * Angebot. Contents (prices, declarations, concept document) are sealed: stored only as
 * AES-256-GCM ciphertext in the file store; the row keeps what may be known before opening.
 */
@Entity({ name: "offers" })
@Index("ix_offers_tender_provider", ["tenderId", "providerId"])
export class Offer {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  providerId: number;

  /** The person who submitted it; null when an organisation's API token did (see submittedByApiTokenId). */
  @Column({ type: "integer", nullable: true })
  submittedById: number | null;

  /** The API token it came through, if any. */
  @Column({ type: "integer", nullable: true })
  submittedByApiTokenId: number | null;

  /** submitted (the version that counts) | replaced | withdrawn | late (refused, kept for the record) */
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ type: "integer" })
  version: number;

  @Column({ ...INSTANT })
  receivedAt: string;

  /** SHA-256 of exactly what was received (the canonical offer JSON plus document bytes). */
  @Column({ type: "varchar", length: 64 })
  receivedSha256: string;

  @Column({ type: "integer" })
  receivedBytes: number;

  /** SHA-256 of the sealed blob in the file store, its IV and authentication tag. */
  @Column({ type: "varchar", length: 64 })
  sealedSha256: string;

  @Column({ type: "varchar", length: 40 })
  sealIv: string;

  @Column({ type: "varchar", length: 40 })
  sealTag: string;

  @Column({ ...INSTANT, nullable: true })
  withdrawnAt: string | null;

  @Column({ type: "integer", nullable: true })
  receiptDocumentId: number | null;

  /** Evaluation (after opening): formal check. */
  @Column({ type: "varchar", length: 20, default: "" })
  formalResult: string;

  @Column({ type: "varchar", length: 1000, default: "" })
  exclusionReason: string;

  @Column({ type: "integer", nullable: true })
  formalCheckedById: number | null;

  /** Written justification of an abnormally low price (§ 60 VgV). */
  @Column({ type: "text" })
  lowPriceJustification: string;
}

@Entity({ name: "opening_confirmations" })
@Index("uq_opening_confirmations", ["tenderId", "userId"], { unique: true })
export class OpeningConfirmation {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  userId: number;

  @Column({ ...INSTANT })
  at: string;
}

/** One evaluator's points for one quality criterion of one offer (independent scoring). */
@Entity({ name: "offer_scores" })
@Index("uq_offer_scores", ["offerId", "criterionId", "evaluatorId"], { unique: true })
export class OfferScore {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_offer_scores_tender")
  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  offerId: number;

  @Column({ type: "integer" })
  criterionId: number;

  @Column({ type: "integer" })
  evaluatorId: number;

  @Column({ type: "integer" })
  points: number;

  @Column({ type: "varchar", length: 2000, default: "" })
  note: string;

  @Column({ ...INSTANT })
  at: string;
}

/**
 * The computed points of a past-performance criterion for one offer (issue 12 point 7): the
 * figures used, as read at the offer deadline, and the rule applied. Written once after the
 * opening and never recomputed, so later changes of the data cannot change the evaluation.
 */
@Entity({ name: "past_performance_scores" })
@Index("uq_past_performance_scores", ["offerId", "criterionId"], { unique: true })
export class PastPerformanceScore {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_past_performance_scores_tender")
  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  offerId: number;

  @Column({ type: "integer" })
  criterionId: number;

  @Column({ type: "integer" })
  providerId: number;

  /** Points × 100 (two decimals, exact in every database). */
  @Column({ type: "integer" })
  pointsHundredths: number;

  /** scored | neutral (too little data) */
  @Column({ type: "varchar", length: 20 })
  status: string;

  /** The figure the points were computed from (the reference value when not significantly different). */
  @Column({ type: "text", nullable: true, transformer: jsonTransformer })
  valueUsed: number | null;

  @Column({ type: "varchar", length: 1000 })
  reason: string;

  /** The provider's figure as delivered by the comparison (null: no data). */
  @Column({ type: "text", nullable: true, transformer: jsonTransformer })
  figure: (FigureInput & { from: string; to: string; asOf: string; adjustment: string }) | null;

  /** The method applied (a copy of the frozen criterion method). */
  @Column({ type: "text", transformer: jsonTransformer })
  method: PastPerformanceMethod;

  @Column({ ...DATE })
  periodFrom: string;

  @Column({ ...DATE })
  periodTo: string;

  /** The data date: the offer deadline. */
  @Column({ ...INSTANT })
  asOf: string;

  @Column({ ...INSTANT })
  computedAt: string;
}

/** An awarded lot becomes a contract, visible to both sides and billable later. */
@Entity({ name: "contracts" })
export class Contract {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_contracts_reference", { unique: true })
  @Column({ type: "varchar", length: 30 })
  reference: string;

  @Index("ix_contracts_tender")
  @Column({ type: "integer" })
  tenderId: number;

  @Column({ type: "integer" })
  lotId: number;

  @Index("ix_contracts_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "integer" })
  offerId: number;

  @Column({ type: "integer" })
  quantity: number;

  @Column({ type: "varchar", length: 30 })
  priceUnit: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  unitPriceCents: number;

  @Column({ type: "bigint", transformer: centsTransformer, nullable: true })
  successFeeCents: number | null;

  /** Agreed payment term in days; null = the default term (setting finance.paymentTermDays), never over 60 (§ 271a BGB). */
  @Column({ type: "integer", nullable: true })
  paymentTermDays: number | null;

  /** The budget line its cost is committed on (rule 11). */
  @Column({ type: "integer", nullable: true })
  budgetLineId: number | null;

  @Column({ ...DATE })
  startDate: string;

  @Column({ ...DATE })
  endDate: string;

  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ ...INSTANT })
  concludedAt: string;
}
