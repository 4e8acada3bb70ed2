import {
  Table,
  TableColumn,
  type MigrationInterface,
  type QueryRunner,
} from "typeorm";

/**
 * Finance (issue 10): budget lines and years, commitments, ordering authorities, invoices,
 * payment items (replacing payable_items: the certified broker instalments become items that
 * have their factual check signed), payment runs and bank statements. Contracts get their
 * agreed payment term and the budget line their cost is committed on.
 */
export class Finance1764500000000 implements MigrationInterface {
  name = "Finance1764500000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "budget_lines",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "number", type: "varchar", length: "40" },
          { name: "title", type: "varchar", length: "200" },
          { name: "active", type: "boolean" },
          { name: "createdAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_budget_lines_number",
            columnNames: ["number"],
            isUnique: true,
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "budget_years",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "budgetLineId", type: "integer" },
          { name: "year", type: "integer" },
          { name: "appropriationCents", type: "bigint" },
          { name: "authorisationCents", type: "bigint" },
          { name: "updatedAt", type: "varchar", length: "24" },
          { name: "updatedById", type: "integer", isNullable: true },
        ],
        indices: [
          {
            name: "uq_budget_years_line_year",
            columnNames: ["budgetLineId", "year"],
            isUnique: true,
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "commitments",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "30" },
          { name: "budgetLineId", type: "integer" },
          { name: "year", type: "integer" },
          { name: "sourceType", type: "varchar", length: "20" },
          { name: "sourceId", type: "integer", isNullable: true },
          { name: "providerId", type: "integer", isNullable: true },
          { name: "description", type: "varchar", length: "300" },
          { name: "amountCents", type: "bigint" },
          { name: "consumedCents", type: "bigint" },
          { name: "releasedCents", type: "bigint" },
          { name: "status", type: "varchar", length: "20" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "createdById", type: "integer", isNullable: true },
          { name: "closedAt", type: "varchar", length: "24", isNullable: true },
          {
            name: "closeReason",
            type: "varchar",
            length: "500",
            default: "''",
          },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_commitments_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          { name: "ix_commitments_provider", columnNames: ["providerId"] },
          { name: "ix_commitments_status", columnNames: ["status"] },
          {
            name: "ix_commitments_source",
            columnNames: ["sourceType", "sourceId"],
          },
          {
            name: "ix_commitments_line_year",
            columnNames: ["budgetLineId", "year"],
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "ordering_authorities",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "userId", type: "integer" },
          { name: "budgetLineId", type: "integer" },
          { name: "maxAmountCents", type: "bigint" },
          { name: "grantedById", type: "integer" },
          { name: "grantedAt", type: "varchar", length: "24" },
          {
            name: "revokedAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "revokedById", type: "integer", isNullable: true },
          { name: "note", type: "varchar", length: "500", default: "''" },
        ],
        indices: [
          {
            name: "ix_ordering_authorities_user_line",
            columnNames: ["userId", "budgetLineId"],
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "invoices",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "30" },
          { name: "providerId", type: "integer", isNullable: true },
          { name: "channel", type: "varchar", length: "20" },
          { name: "form", type: "varchar", length: "20" },
          { name: "documentId", type: "integer", isNullable: true },
          { name: "sha256", type: "varchar", length: "64", default: "''" },
          {
            name: "duplicateKey",
            type: "varchar",
            length: "300",
            isNullable: true,
          },
          { name: "number", type: "varchar", length: "200", default: "''" },
          {
            name: "issueDate",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "typeCode", type: "varchar", length: "10", default: "''" },
          { name: "currency", type: "varchar", length: "3", default: "'EUR'" },
          {
            name: "buyerReference",
            type: "varchar",
            length: "200",
            default: "''",
          },
          {
            name: "contractReference",
            type: "varchar",
            length: "200",
            default: "''",
          },
          {
            name: "orderReference",
            type: "varchar",
            length: "200",
            default: "''",
          },
          { name: "sellerName", type: "varchar", length: "200", default: "''" },
          { name: "iban", type: "varchar", length: "34", default: "''" },
          { name: "netCents", type: "bigint" },
          { name: "vatCents", type: "bigint" },
          { name: "grossCents", type: "bigint" },
          { name: "dueAmountCents", type: "bigint" },
          {
            name: "periodStart",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          {
            name: "periodEnd",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "receivedOn", type: "varchar", length: "10" },
          { name: "receivedAt", type: "varchar", length: "24" },
          { name: "termDays", type: "integer" },
          { name: "dueOn", type: "varchar", length: "10" },
          { name: "status", type: "varchar", length: "20" },
          { name: "findings", type: "text" },
          { name: "terms", type: "text", isNullable: true },
          { name: "contractId", type: "integer", isNullable: true },
          { name: "expectedCents", type: "bigint", isNullable: true },
          { name: "deviation", type: "varchar", length: "1000", default: "''" },
          { name: "submittedById", type: "integer", isNullable: true },
          { name: "registeredById", type: "integer", isNullable: true },
          { name: "note", type: "varchar", length: "500", default: "''" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_invoices_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          { name: "ix_invoices_provider", columnNames: ["providerId"] },
          {
            name: "uq_invoices_duplicate_key",
            columnNames: ["duplicateKey"],
            isUnique: true,
          },
          { name: "ix_invoices_received_on", columnNames: ["receivedOn"] },
          { name: "ix_invoices_due_on", columnNames: ["dueOn"] },
          { name: "ix_invoices_status", columnNames: ["status"] },
          { name: "ix_invoices_contract", columnNames: ["contractId"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "payment_items",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "30" },
          { name: "sourceType", type: "varchar", length: "20" },
          { name: "invoiceId", type: "integer", isNullable: true },
          { name: "instalmentId", type: "integer", isNullable: true },
          { name: "providerId", type: "integer" },
          { name: "payeeName", type: "varchar", length: "200" },
          { name: "iban", type: "varchar", length: "34" },
          { name: "bic", type: "varchar", length: "11", isNullable: true },
          { name: "bankAccountId", type: "integer", isNullable: true },
          { name: "amountCents", type: "bigint" },
          { name: "dueOn", type: "varchar", length: "10" },
          { name: "purpose", type: "varchar", length: "140" },
          { name: "endToEndId", type: "varchar", length: "35" },
          { name: "budgetLineId", type: "integer", isNullable: true },
          { name: "commitmentId", type: "integer", isNullable: true },
          { name: "status", type: "varchar", length: "20" },
          { name: "holdReason", type: "varchar", length: "500", default: "''" },
          { name: "registeredById", type: "integer", isNullable: true },
          { name: "factualById", type: "integer", isNullable: true },
          {
            name: "factualAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "arithmeticById", type: "integer", isNullable: true },
          {
            name: "arithmeticAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "orderById", type: "integer", isNullable: true },
          { name: "orderAt", type: "varchar", length: "24", isNullable: true },
          { name: "orderDocumentId", type: "integer", isNullable: true },
          {
            name: "vopResult",
            type: "varchar",
            length: "20",
            isNullable: true,
          },
          {
            name: "vopSuggestedName",
            type: "varchar",
            length: "200",
            default: "''",
          },
          {
            name: "vopCheckedAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "vopById", type: "integer", isNullable: true },
          { name: "paymentRunId", type: "integer", isNullable: true },
          { name: "paidOn", type: "varchar", length: "10", isNullable: true },
          { name: "paidById", type: "integer", isNullable: true },
          { name: "paidNote", type: "varchar", length: "500", default: "''" },
          { name: "bankLineId", type: "integer", isNullable: true },
          {
            name: "cancelledAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          {
            name: "cancelReason",
            type: "varchar",
            length: "500",
            default: "''",
          },
          { name: "replacesId", type: "integer", isNullable: true },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_payment_items_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          { name: "ix_payment_items_invoice", columnNames: ["invoiceId"] },
          {
            name: "ix_payment_items_instalment",
            columnNames: ["instalmentId"],
          },
          { name: "ix_payment_items_provider", columnNames: ["providerId"] },
          { name: "ix_payment_items_due_on", columnNames: ["dueOn"] },
          {
            name: "uq_payment_items_end_to_end",
            columnNames: ["endToEndId"],
            isUnique: true,
          },
          {
            name: "ix_payment_items_budget_line",
            columnNames: ["budgetLineId"],
          },
          { name: "ix_payment_items_status", columnNames: ["status"] },
          { name: "ix_payment_items_run", columnNames: ["paymentRunId"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "payment_runs",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "30" },
          { name: "status", type: "varchar", length: "20" },
          { name: "dueUntil", type: "varchar", length: "10" },
          { name: "executionDate", type: "varchar", length: "10" },
          { name: "messageId", type: "varchar", length: "35" },
          { name: "itemCount", type: "integer" },
          { name: "ctrlSumCents", type: "bigint" },
          { name: "fileDocumentId", type: "integer", isNullable: true },
          { name: "fileSha256", type: "varchar", length: "64", default: "''" },
          { name: "listDocumentId", type: "integer", isNullable: true },
          { name: "createdById", type: "integer" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "sentAt", type: "varchar", length: "24", isNullable: true },
          { name: "sentById", type: "integer", isNullable: true },
          {
            name: "cancelledAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "cancelledById", type: "integer", isNullable: true },
          {
            name: "cancelReason",
            type: "varchar",
            length: "500",
            default: "''",
          },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_payment_runs_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          { name: "ix_payment_runs_status", columnNames: ["status"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "payment_run_items",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "paymentRunId", type: "integer" },
          { name: "paymentItemId", type: "integer" },
          { name: "amountCents", type: "bigint" },
          { name: "endToEndId", type: "varchar", length: "35" },
        ],
        indices: [
          { name: "ix_payment_run_items_item", columnNames: ["paymentItemId"] },
          {
            name: "uq_payment_run_items_run_item",
            columnNames: ["paymentRunId", "paymentItemId"],
            isUnique: true,
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "bank_statements",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "kind", type: "varchar", length: "20" },
          { name: "documentId", type: "integer" },
          { name: "sha256", type: "varchar", length: "64" },
          { name: "messageId", type: "varchar", length: "100", default: "''" },
          { name: "entryCount", type: "integer" },
          { name: "matchedCount", type: "integer" },
          { name: "importedById", type: "integer" },
          { name: "importedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_bank_statements_sha256",
            columnNames: ["sha256"],
            isUnique: true,
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "bank_statement_lines",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "statementId", type: "integer" },
          {
            name: "entryRef",
            type: "varchar",
            length: "100",
            isNullable: true,
          },
          {
            name: "endToEndId",
            type: "varchar",
            length: "35",
            isNullable: true,
          },
          { name: "amountCents", type: "bigint" },
          { name: "creditDebit", type: "varchar", length: "4" },
          {
            name: "bookingDate",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          {
            name: "counterpartyName",
            type: "varchar",
            length: "200",
            default: "''",
          },
          {
            name: "counterpartyIban",
            type: "varchar",
            length: "34",
            default: "''",
          },
          { name: "remittance", type: "varchar", length: "500", default: "''" },
          { name: "paymentItemId", type: "integer", isNullable: true },
          { name: "status", type: "varchar", length: "20" },
          { name: "note", type: "varchar", length: "500", default: "''" },
          { name: "bookedById", type: "integer", isNullable: true },
          { name: "bookedAt", type: "varchar", length: "24", isNullable: true },
        ],
        indices: [
          {
            name: "ix_bank_statement_lines_statement",
            columnNames: ["statementId"],
          },
          { name: "ix_bank_statement_lines_e2e", columnNames: ["endToEndId"] },
          { name: "ix_bank_statement_lines_status", columnNames: ["status"] },
        ],
      }),
      true
    );
    await queryRunner.addColumn(
      "contracts",
      new TableColumn({
        name: "paymentTermDays",
        type: "integer",
        isNullable: true,
      })
    );
    await queryRunner.addColumn(
      "contracts",
      new TableColumn({
        name: "budgetLineId",
        type: "integer",
        isNullable: true,
      })
    );

    // The placeholder budget line numbers of the payable items become budget lines, the items payment items
    // whose factual check (the instalment's certification) is signed.
    await queryRunner.query(
      `INSERT INTO "budget_lines" ("number", "title", "active", "createdAt") SELECT DISTINCT p."budgetLine", 'Vermittlungsvergütungen', TRUE, '2000-01-01T00:00:00.000Z' FROM "payable_items" p`
    );
    await queryRunner.query(
      `INSERT INTO "payment_items" ("reference", "sourceType", "invoiceId", "instalmentId", "providerId", "payeeName", "iban", "bic", "bankAccountId", "amountCents", "dueOn", "purpose", "endToEndId", "budgetLineId", "commitmentId", "status", "holdReason", "registeredById", "factualById", "factualAt", "vopSuggestedName", "paidNote", "cancelReason", "createdAt", "updatedAt")
       SELECT 'ZU-' || p."id", 'instalment', NULL, p."instalmentId", p."providerId", p."payeeName", p."iban", p."bic", p."bankAccountId", p."amountCents", SUBSTR(p."createdAt", 1, 10), SUBSTR(p."purpose", 1, 140), 'VT-ZU-' || p."id",
              (SELECT b."id" FROM "budget_lines" b WHERE b."number" = p."budgetLine"), NULL,
              CASE p."status" WHEN 'open' THEN 'awaiting_arithmetic' ELSE p."status" END, '', NULL, p."certifiedById", p."createdAt", '', '', '', p."createdAt", p."createdAt"
       FROM "payable_items" p ORDER BY p."id"`
    );
    await queryRunner.dropTable("payable_items", true);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("contracts", "budgetLineId");
    await queryRunner.dropColumn("contracts", "paymentTermDays");
    for (const t of [
      "bank_statement_lines",
      "bank_statements",
      "payment_run_items",
      "payment_runs",
      "payment_items",
      "invoices",
      "ordering_authorities",
      "commitments",
      "budget_years",
      "budget_lines",
    ])
      await queryRunner.dropTable(t, true);
  }
}
