import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { centsTransformer, DATE, INSTANT, jsonTransformer } from "./columns";

/** Fee schedule (Vergütungsregelung): instalments and totals are data, each rate with a valid-from date. */
@Entity({ name: "fee_schedules" })
export class FeeSchedule {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_fee_schedules_code", { unique: true })
  @Column({ type: "varchar", length: 30 })
  code: string;

  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ type: "varchar", length: 20 })
  legalBasis: string;

  @Column({ ...DATE })
  validFrom: string;

  /** InstalmentRule[] */
  @Column({ type: "text", transformer: jsonTransformer })
  instalments: unknown[];

  /** FeeRate[] */
  @Column({ type: "text", transformer: jsonTransformer })
  rates: unknown[];

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ type: "integer", nullable: true })
  createdById: number | null;
}

/** Published standard terms for open admission (Zulassungsbedingungen). */
@Entity({ name: "agreement_terms" })
export class AgreementTerms {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "varchar", length: 20 })
  legalBasis: string;

  @Column({ type: "integer" })
  feeScheduleId: number;

  @Column({ type: "integer" })
  termMonths: number;

  @Column({ type: "text" })
  body: string;

  @Column({ ...INSTANT, nullable: true })
  publishedAt: string | null;

  @Column({ ...INSTANT })
  createdAt: string;
}

/** Vermittlungsvereinbarung with one broker. */
@Entity({ name: "placement_agreements" })
export class PlacementAgreement {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_placement_agreements_reference", { unique: true })
  @Column({ type: "varchar", length: 20 })
  reference: string;

  @Index("ix_placement_agreements_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "integer", nullable: true })
  termsId: number | null;

  @Column({ type: "varchar", length: 20 })
  legalBasis: string;

  @Column({ type: "integer" })
  feeScheduleId: number;

  @Column({ ...DATE })
  validFrom: string;

  @Index("ix_placement_agreements_valid_until")
  @Column({ ...DATE })
  validUntil: string;

  @Index("ix_placement_agreements_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ ...INSTANT, nullable: true })
  offeredAt: string | null;

  @Column({ type: "integer", nullable: true })
  offeredById: number | null;

  @Column({ ...INSTANT, nullable: true })
  acceptedAt: string | null;

  @Column({ type: "integer", nullable: true })
  acceptedById: number | null;

  /** Name of the person who accepted, as shown then. */
  @Column({ type: "varchar", length: 200, default: "" })
  acceptedByName: string;

  @Column({ type: "varchar", length: 1000, default: "" })
  statusReason: string;

  @Column({ type: "integer", nullable: true })
  documentId: number | null;

  @Column({ type: "integer", nullable: true })
  renewedFromId: number | null;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** Kunde (eLb), pseudonymised: brokers see the reference; name and contact only with consent. */
@Entity({ name: "clients" })
export class Client {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_clients_reference", { unique: true })
  @Column({ type: "varchar", length: 12 })
  reference: string;

  @Column({ type: "varchar", length: 100 })
  firstName: string;

  @Index("ix_clients_last_name")
  @Column({ type: "varchar", length: 100 })
  lastName: string;

  @Column({ ...DATE, nullable: true })
  birthDate: string | null;

  @Column({ type: "varchar", length: 200, default: "" })
  street: string;

  @Column({ type: "varchar", length: 10, default: "" })
  postalCode: string;

  @Column({ type: "varchar", length: 100, default: "" })
  city: string;

  @Column({ type: "varchar", length: 50, default: "" })
  phone: string;

  @Column({ type: "varchar", length: 254, default: "" })
  email: string;

  @Column({ type: "varchar", length: 100, default: "" })
  region: string;

  /** Recorded target groups (long_term_unemployed, severely_disabled); age groups follow from the birth date. */
  @Column({ type: "text", transformer: jsonTransformer })
  targetGroups: string[];

  @Column({ type: "varchar", length: 1000, default: "" })
  qualification: string;

  /** Unemployed since (first day; null: not known) – a covariate of the provider comparison. */
  @Column({ ...DATE, nullable: true })
  unemployedSince: string | null;

  @Column({ type: "varchar", length: 200, default: "" })
  targetOccupation: string;

  /** Internal only, never shown to brokers (DOMAIN.md § 4): benefit, household, health. */
  @Column({ type: "bigint", nullable: true, transformer: centsTransformer })
  monthlyBenefitCents: number | null;

  @Column({ type: "integer", nullable: true })
  householdSize: number | null;

  @Column({ type: "varchar", length: 1000, default: "" })
  healthNotes: string;

  @Column({ type: "integer", nullable: true })
  caseManagerId: number | null;

  @Index("ix_clients_created_at")
  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** Erwerbsbiografie: insured employment spells, for the four-year previous-employer rule. */
@Entity({ name: "employment_spells" })
export class EmploymentSpell {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_employment_spells_client")
  @Column({ type: "integer" })
  clientId: number;

  @Column({ type: "varchar", length: 200 })
  employerName: string;

  @Column({ ...DATE })
  fromDate: string;

  @Column({ ...DATE, nullable: true })
  toDate: string | null;

  @Column({ type: "boolean" })
  insured: boolean;

  /** "history" (entered by the case manager) or "placement" (from an accepted claim). */
  @Column({ type: "varchar", length: 20 })
  source: string;

  @Column({ ...INSTANT })
  createdAt: string;
}

/** Zuweisung / Vermittlungsgutschein: a client assigned to a broker for a period. */
@Entity({ name: "assignments" })
export class Assignment {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_assignments_reference", { unique: true })
  @Column({ type: "varchar", length: 20 })
  reference: string;

  @Index("ix_assignments_client")
  @Column({ type: "integer" })
  clientId: number;

  @Index("ix_assignments_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "integer" })
  agreementId: number;

  @Column({ type: "varchar", length: 20 })
  legalBasis: string;

  @Index("ix_assignments_issued")
  @Column({ ...DATE })
  issuedOn: string;

  @Column({ ...DATE })
  validFrom: string;

  @Index("ix_assignments_valid_until")
  @Column({ ...DATE })
  validUntil: string;

  @Index("ix_assignments_region")
  @Column({ type: "varchar", length: 100, default: "" })
  region: string;

  /** The voucher amount for this client (fee schedule and target groups on the issue date). */
  @Column({ type: "bigint", transformer: centsTransformer })
  maxFeeCents: number;

  @Index("ix_assignments_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  /** Client's consent to share name and contact with this broker (§ 298 SGB III). */
  @Column({ ...INSTANT, nullable: true })
  consentAt: string | null;

  @Column({ type: "integer", nullable: true })
  consentRecordedById: number | null;

  @Column({ ...INSTANT, nullable: true })
  consentWithdrawnAt: string | null;

  /** Set when a parallel assignment to another broker was allowed but flagged. */
  @Column({ type: "varchar", length: 500, default: "" })
  flag: string;

  @Column({ type: "integer" })
  createdById: number;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** Vermittlungsnachweis: the broker's claim for a success fee. */
@Entity({ name: "placement_claims" })
export class PlacementClaim {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_placement_claims_reference", { unique: true })
  @Column({ type: "varchar", length: 20 })
  reference: string;

  @Index("ix_placement_claims_assignment")
  @Column({ type: "integer" })
  assignmentId: number;

  @Index("ix_placement_claims_client")
  @Column({ type: "integer" })
  clientId: number;

  @Index("ix_placement_claims_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "varchar", length: 20 })
  legalBasis: string;

  @Column({ type: "varchar", length: 200 })
  employerName: string;

  @Column({ type: "varchar", length: 200, default: "" })
  employerStreet: string;

  @Column({ type: "varchar", length: 10, default: "" })
  employerPostalCode: string;

  @Column({ type: "varchar", length: 100, default: "" })
  employerCity: string;

  @Column({ type: "varchar", length: 20, nullable: true })
  employerVatId: string | null;

  @Column({ type: "varchar", length: 34, nullable: true })
  employerIban: string | null;

  @Column({ type: "varchar", length: 200, nullable: true })
  employerManager: string | null;

  @Column({ type: "boolean" })
  abroad: boolean;

  @Index("ix_placement_claims_contract_date")
  @Column({ ...DATE })
  contractDate: string;

  @Column({ ...DATE })
  jobStart: string;

  /** Hundredths of an hour. */
  @Column({ type: "integer" })
  weeklyHours: number;

  @Column({ type: "boolean" })
  insured: boolean;

  @Column({ ...DATE, nullable: true })
  fixedTermEnd: string | null;

  @Column({ type: "varchar", length: 200 })
  occupation: string;

  @Column({ ...DATE, nullable: true })
  brokerContractDate: string | null;

  @Column({ ...DATE, nullable: true })
  jobOfferDate: string | null;

  @Column({ type: "bigint", transformer: centsTransformer })
  claimedFeeCents: number;

  @Index("ix_placement_claims_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  /** RuleResult[] of the latest check. */
  @Column({ type: "text", transformer: jsonTransformer })
  ruleResults: unknown[];

  /** Any "flag" result: needs a reviewer's note. */
  @Index("ix_placement_claims_flagged")
  @Column({ type: "boolean" })
  flagged: boolean;

  @Column({ type: "boolean" })
  severeDisabilityException: boolean;

  @Column({ type: "varchar", length: 10 })
  channel: string;

  @Index("ix_placement_claims_submitted_at")
  @Column({ ...INSTANT })
  submittedAt: string;

  @Column({ type: "integer", nullable: true })
  submittedById: number | null;

  /** The API token it came through, if any (an organisation token has no person behind it). */
  @Column({ type: "integer", nullable: true })
  submittedByApiTokenId: number | null;

  @Column({ ...INSTANT, nullable: true })
  decidedAt: string | null;

  @Column({ type: "integer", nullable: true })
  decidedById: number | null;

  @Column({ type: "varchar", length: 2000, default: "" })
  decisionNote: string;

  @Column({ type: "integer", nullable: true })
  decisionDocumentId: number | null;

  /**
   * The decision (accept, reject, request_documents) whose letter is not stored yet: set in the
   * decision's transaction, the letter is rendered after it (outside the write gate) and stored
   * in a short transaction that clears this. The background job produces letters left undone by
   * a stopped process (renderMissingDecisionLetters).
   */
  @Index("ix_placement_claims_letter_due")
  @Column({ type: "varchar", length: 20, nullable: true })
  letterDue: string | null;

  @Column({ ...DATE, nullable: true })
  employmentEndedOn: string | null;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** Uploaded proof attached to a claim or an instalment. */
@Entity({ name: "claim_documents" })
export class ClaimDocument {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_claim_documents_claim")
  @Column({ type: "integer" })
  claimId: number;

  @Column({ type: "integer", nullable: true })
  instalmentId: number | null;

  @Column({ type: "integer" })
  documentId: number;

  /** employment_contract, employer_confirmation, broker_contract, confirmation_42_days, confirmation_6_months, other */
  @Column({ type: "varchar", length: 30 })
  kind: string;

  @Column({ ...INSTANT })
  uploadedAt: string;

  @Column({ type: "integer", nullable: true })
  uploadedById: number | null;
}

/** 1./2. Rate of a success fee. */
@Entity({ name: "fee_instalments" })
@Index("uq_fee_instalments_claim_number", ["claimId", "number"], { unique: true })
export class FeeInstalment {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_fee_instalments_claim")
  @Column({ type: "integer" })
  claimId: number;

  @Index("ix_fee_instalments_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "integer" })
  number: number;

  @Column({ type: "varchar", length: 200 })
  label: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  amountCents: number;

  @Column({ type: "boolean" })
  sameEmployer: boolean;

  @Index("ix_fee_instalments_earliest_on")
  @Column({ ...DATE })
  earliestOn: string;

  @Index("ix_fee_instalments_deadline_on")
  @Column({ ...DATE })
  deadlineOn: string;

  @Index("ix_fee_instalments_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ ...DATE, nullable: true })
  confirmedUntil: string | null;

  @Column({ ...INSTANT, nullable: true })
  dueAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  earnedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  certifiedAt: string | null;

  @Column({ type: "integer", nullable: true })
  certifiedById: number | null;

  @Column({ ...INSTANT, nullable: true })
  closedAt: string | null;

  @Column({ type: "varchar", length: 500, default: "" })
  closeReason: string;

  @Column({ ...DATE, nullable: true })
  lastReminderOn: string | null;

  @Column({ ...INSTANT })
  updatedAt: string;
}
