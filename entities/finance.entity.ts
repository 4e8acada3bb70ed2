import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { centsTransformer, DATE, INSTANT, jsonTransformer } from "./columns";

/** Haushaltsstelle: a budget line; its money per year is in BudgetYear. */
@Entity({ name: "budget_lines" })
export class BudgetLine {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** e.g. "1.4820.7690" (kameral) or a product account (doppisch). */
  @Index("uq_budget_lines_number", { unique: true })
  @Column({ type: "varchar", length: 40 })
  number: string;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "boolean" })
  active: boolean;

  @Column({ ...INSTANT })
  createdAt: string;
}

/** A budget line's appropriation (Ansatz) in one year; a later year may carry only a commitment authorisation (VE). */
@Entity({ name: "budget_years" })
@Index("uq_budget_years_line_year", ["budgetLineId", "year"], { unique: true })
export class BudgetYear {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  budgetLineId: number;

  @Column({ type: "integer" })
  year: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  appropriationCents: number;

  /** Verpflichtungsermächtigung: commitments this year may take on before the year's budget is adopted. */
  @Column({ type: "bigint", transformer: centsTransformer })
  authorisationCents: number;

  @Column({ ...INSTANT })
  updatedAt: string;

  @Column({ type: "integer", nullable: true })
  updatedById: number | null;
}

/** Mittelbindung: money bound for one order in one year of one budget line. */
@Entity({ name: "commitments" })
@Index("ix_commitments_line_year", ["budgetLineId", "year"])
@Index("ix_commitments_source", ["sourceType", "sourceId"])
export class Commitment {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_commitments_reference", { unique: true })
  @Column({ type: "varchar", length: 30 })
  reference: string;

  @Column({ type: "integer" })
  budgetLineId: number;

  @Index("ix_commitments_year")
  @Column({ type: "integer" })
  year: number;

  /** contract | voucher | purchase | manual */
  @Column({ type: "varchar", length: 20 })
  sourceType: string;

  @Column({ type: "integer", nullable: true })
  sourceId: number | null;

  @Index("ix_commitments_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  @Column({ type: "varchar", length: 300 })
  description: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  amountCents: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  consumedCents: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  releasedCents: number;

  /** open | closed (the rest released when the order ended or was cancelled) */
  @Index("ix_commitments_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ type: "integer", nullable: true })
  createdById: number | null;

  @Column({ ...INSTANT, nullable: true })
  closedAt: string | null;

  @Column({ type: "varchar", length: 500, default: "" })
  closeReason: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** Anordnungsbefugnis: a person may order payments from a budget line up to an amount. */
@Entity({ name: "ordering_authorities" })
@Index("ix_ordering_authorities_user_line", ["userId", "budgetLineId"])
export class OrderingAuthority {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  userId: number;

  @Column({ type: "integer" })
  budgetLineId: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  maxAmountCents: number;

  @Column({ type: "integer" })
  grantedById: number;

  @Column({ ...INSTANT })
  grantedAt: string;

  @Column({ ...INSTANT, nullable: true })
  revokedAt: string | null;

  @Column({ type: "integer", nullable: true })
  revokedById: number | null;

  @Column({ type: "varchar", length: 500, default: "" })
  note: string;
}

/** An incoming invoice: the original file, its business terms (EN 16931), the findings and what it bills. */
@Entity({ name: "invoices" })
export class Invoice {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_invoices_reference", { unique: true })
  @Column({ type: "varchar", length: 30 })
  reference: string;

  @Index("ix_invoices_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  /** portal | api | manual */
  @Column({ type: "varchar", length: 20 })
  channel: string;

  /** ubl | cii | zugferd | paper */
  @Column({ type: "varchar", length: 20 })
  form: string;

  /** The original file, byte for byte. */
  @Column({ type: "integer", nullable: true })
  documentId: number | null;

  @Column({ type: "varchar", length: 64, default: "" })
  sha256: string;

  /** Seller + invoice number of an accepted invoice; unique, so a duplicate cannot be accepted twice. */
  @Index("uq_invoices_duplicate_key", { unique: true })
  @Column({ type: "varchar", length: 300, nullable: true })
  duplicateKey: string | null;

  @Column({ type: "varchar", length: 200, default: "" })
  number: string;

  @Column({ ...DATE, nullable: true })
  issueDate: string | null;

  @Column({ type: "varchar", length: 10, default: "" })
  typeCode: string;

  @Column({ type: "varchar", length: 3, default: "EUR" })
  currency: string;

  @Column({ type: "varchar", length: 200, default: "" })
  buyerReference: string;

  @Column({ type: "varchar", length: 200, default: "" })
  contractReference: string;

  @Column({ type: "varchar", length: 200, default: "" })
  orderReference: string;

  @Column({ type: "varchar", length: 200, default: "" })
  sellerName: string;

  @Column({ type: "varchar", length: 34, default: "" })
  iban: string;

  @Column({ type: "bigint", transformer: centsTransformer })
  netCents: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  vatCents: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  grossCents: number;

  @Index("ix_invoices_due_amount")
  @Column({ type: "bigint", transformer: centsTransformer })
  dueAmountCents: number;

  @Column({ ...DATE, nullable: true })
  periodStart: string | null;

  @Column({ ...DATE, nullable: true })
  periodEnd: string | null;

  @Index("ix_invoices_received_on")
  @Column({ ...DATE })
  receivedOn: string;

  @Index("ix_invoices_received_at")
  @Column({ ...INSTANT })
  receivedAt: string;

  @Column({ type: "integer" })
  termDays: number;

  @Index("ix_invoices_due_on")
  @Column({ ...DATE })
  dueOn: string;

  /** received | rejected | accepted | paid | cancelled */
  @Index("ix_invoices_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  /** [{ rule, message, term? }] */
  @Column({ type: "text", transformer: jsonTransformer })
  findings: { rule: string; message: string; term?: string }[];

  /** The full business terms as read (null for a paper invoice entered by hand: its fields are the columns). */
  @Column({ type: "text", transformer: jsonTransformer, nullable: true })
  terms: unknown;

  @Index("ix_invoices_contract")
  @Column({ type: "integer", nullable: true })
  contractId: number | null;

  /** The place purchase it bills (a confirmed monthly bill or a matched e-invoice). */
  @Index("ix_invoices_purchase")
  @Column({ type: "integer", nullable: true })
  purchaseId: number | null;

  /** What the contract allows for the billed period, when it can be computed. */
  @Column({ type: "bigint", transformer: centsTransformer, nullable: true })
  expectedCents: number | null;

  /** A deviation for the factual check to look at (amount above what the contract allows, no period, …). */
  @Column({ type: "varchar", length: 1000, default: "" })
  deviation: string;

  @Column({ type: "integer", nullable: true })
  submittedById: number | null;

  /** Staff who registered a paper/PDF invoice by hand: excluded from signing its payment. */
  @Column({ type: "integer", nullable: true })
  registeredById: number | null;

  @Column({ type: "varchar", length: 500, default: "" })
  note: string;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** One payment to release: from an invoice or a certified broker instalment (rule 12). */
@Entity({ name: "payment_items" })
export class PaymentItem {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_payment_items_reference", { unique: true })
  @Column({ type: "varchar", length: 30 })
  reference: string;

  /** invoice | instalment */
  @Column({ type: "varchar", length: 20 })
  sourceType: string;

  @Index("ix_payment_items_invoice")
  @Column({ type: "integer", nullable: true })
  invoiceId: number | null;

  @Index("ix_payment_items_instalment")
  @Column({ type: "integer", nullable: true })
  instalmentId: number | null;

  @Index("ix_payment_items_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "varchar", length: 200 })
  payeeName: string;

  @Column({ type: "varchar", length: 34 })
  iban: string;

  @Column({ type: "varchar", length: 11, nullable: true })
  bic: string | null;

  @Column({ type: "integer", nullable: true })
  bankAccountId: number | null;

  @Column({ type: "bigint", transformer: centsTransformer })
  amountCents: number;

  @Index("ix_payment_items_due_on")
  @Column({ ...DATE })
  dueOn: string;

  /** Remittance information (invoice number or claim reference), at most 140 characters. */
  @Column({ type: "varchar", length: 140 })
  purpose: string;

  @Index("uq_payment_items_end_to_end", { unique: true })
  @Column({ type: "varchar", length: 35 })
  endToEndId: string;

  @Index("ix_payment_items_budget_line")
  @Column({ type: "integer", nullable: true })
  budgetLineId: number | null;

  @Column({ type: "integer", nullable: true })
  commitmentId: number | null;

  @Index("ix_payment_items_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  /** Why an item is on hold (bank data changed after signing, IBAN invalid, …). */
  @Column({ type: "varchar", length: 500, default: "" })
  holdReason: string;

  @Column({ type: "integer", nullable: true })
  registeredById: number | null;

  @Column({ type: "integer", nullable: true })
  factualById: number | null;

  @Column({ ...INSTANT, nullable: true })
  factualAt: string | null;

  @Column({ type: "integer", nullable: true })
  arithmeticById: number | null;

  @Column({ ...INSTANT, nullable: true })
  arithmeticAt: string | null;

  @Column({ type: "integer", nullable: true })
  orderById: number | null;

  @Column({ ...INSTANT, nullable: true })
  orderAt: string | null;

  @Column({ type: "integer", nullable: true })
  orderDocumentId: number | null;

  /** Verification of Payee: match | close_match | no_match | not_possible */
  @Column({ type: "varchar", length: 20, nullable: true })
  vopResult: string | null;

  @Column({ type: "varchar", length: 200, default: "" })
  vopSuggestedName: string;

  @Column({ ...INSTANT, nullable: true })
  vopCheckedAt: string | null;

  @Column({ type: "integer", nullable: true })
  vopById: number | null;

  @Index("ix_payment_items_run")
  @Column({ type: "integer", nullable: true })
  paymentRunId: number | null;

  @Index("ix_payment_items_paid_on")
  @Column({ ...DATE, nullable: true })
  paidOn: string | null;

  @Column({ type: "integer", nullable: true })
  paidById: number | null;

  @Column({ type: "varchar", length: 500, default: "" })
  paidNote: string;

  @Column({ type: "integer", nullable: true })
  bankLineId: number | null;

  @Column({ ...INSTANT, nullable: true })
  cancelledAt: string | null;

  @Column({ type: "varchar", length: 500, default: "" })
  cancelReason: string;

  /** A correction: the item this one replaces. */
  @Column({ type: "integer", nullable: true })
  replacesId: number | null;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** Zahllauf: ordered items leaving as one pain.001 file. */
@Entity({ name: "payment_runs" })
export class PaymentRun {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_payment_runs_reference", { unique: true })
  @Column({ type: "varchar", length: 30 })
  reference: string;

  /** building | created | sent | booked | cancelled */
  @Index("ix_payment_runs_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ ...DATE })
  dueUntil: string;

  @Column({ ...DATE })
  executionDate: string;

  @Column({ type: "varchar", length: 35 })
  messageId: string;

  @Column({ type: "integer" })
  itemCount: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  ctrlSumCents: number;

  @Column({ type: "integer", nullable: true })
  fileDocumentId: number | null;

  @Column({ type: "varchar", length: 64, default: "" })
  fileSha256: string;

  @Column({ type: "integer", nullable: true })
  listDocumentId: number | null;

  @Column({ type: "integer" })
  createdById: number;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT, nullable: true })
  sentAt: string | null;

  @Column({ type: "integer", nullable: true })
  sentById: number | null;

  @Column({ ...INSTANT, nullable: true })
  cancelledAt: string | null;

  @Column({ type: "integer", nullable: true })
  cancelledById: number | null;

  @Column({ type: "varchar", length: 500, default: "" })
  cancelReason: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

/** The items of a run as written into its file (kept when a run is cancelled, for the record). */
@Entity({ name: "payment_run_items" })
@Index("uq_payment_run_items_run_item", ["paymentRunId", "paymentItemId"], { unique: true })
export class PaymentRunItem {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  paymentRunId: number;

  @Index("ix_payment_run_items_item")
  @Column({ type: "integer" })
  paymentItemId: number;

  @Column({ type: "bigint", transformer: centsTransformer })
  amountCents: number;

  @Column({ type: "varchar", length: 35 })
  endToEndId: string;
}

/** An imported bank statement (camt.053) or debit notification (camt.054). */
@Entity({ name: "bank_statements" })
export class BankStatement {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 20 })
  kind: string;

  @Column({ type: "integer" })
  documentId: number;

  /** The same file is imported once. */
  @Index("uq_bank_statements_sha256", { unique: true })
  @Column({ type: "varchar", length: 64 })
  sha256: string;

  @Column({ type: "varchar", length: 100, default: "" })
  messageId: string;

  @Column({ type: "integer" })
  entryCount: number;

  @Column({ type: "integer" })
  matchedCount: number;

  @Column({ type: "integer" })
  importedById: number;

  @Column({ ...INSTANT })
  importedAt: string;
}

@Entity({ name: "bank_statement_lines" })
export class BankStatementLine {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_bank_statement_lines_statement")
  @Column({ type: "integer" })
  statementId: number;

  @Column({ type: "varchar", length: 100, nullable: true })
  entryRef: string | null;

  @Index("ix_bank_statement_lines_e2e")
  @Column({ type: "varchar", length: 35, nullable: true })
  endToEndId: string | null;

  @Column({ type: "bigint", transformer: centsTransformer })
  amountCents: number;

  @Column({ type: "varchar", length: 4 })
  creditDebit: string;

  @Column({ ...DATE, nullable: true })
  bookingDate: string | null;

  @Column({ type: "varchar", length: 200, default: "" })
  counterpartyName: string;

  @Column({ type: "varchar", length: 34, default: "" })
  counterpartyIban: string;

  @Column({ type: "varchar", length: 500, default: "" })
  remittance: string;

  @Column({ type: "integer", nullable: true })
  paymentItemId: number | null;

  /** matched | unmatched | booked (by hand) | ignored */
  @Index("ix_bank_statement_lines_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ type: "varchar", length: 500, default: "" })
  note: string;

  @Column({ type: "integer", nullable: true })
  bookedById: number | null;

  @Column({ ...INSTANT, nullable: true })
  bookedAt: string | null;
}
