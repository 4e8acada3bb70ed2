import { Table, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Placement agreements with private brokers: fee schedules, standard terms, agreements,
 * pseudonymised clients with employment history, assignments (vouchers), placement claims with
 * their documents, fee instalments and payable items handed to finance.
 */
export class Placements1764200000000 implements MigrationInterface {
  name = "Placements1764200000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "fee_schedules",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "code", type: "varchar", length: "30" },
          { name: "name", type: "varchar", length: "200" },
          { name: "legalBasis", type: "varchar", length: "20" },
          { name: "validFrom", type: "varchar", length: "10" },
          { name: "instalments", type: "text" },
          { name: "rates", type: "text" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "createdById", type: "integer", isNullable: true },
        ],
        indices: [
          {
            name: "uq_fee_schedules_code",
            columnNames: ["code"],
            isUnique: true,
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "agreement_terms",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "title", type: "varchar", length: "200" },
          { name: "legalBasis", type: "varchar", length: "20" },
          { name: "feeScheduleId", type: "integer" },
          { name: "termMonths", type: "integer" },
          { name: "body", type: "text" },
          {
            name: "publishedAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "createdAt", type: "varchar", length: "24" },
        ],
        indices: [],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "placement_agreements",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "20" },
          { name: "providerId", type: "integer" },
          { name: "termsId", type: "integer", isNullable: true },
          { name: "legalBasis", type: "varchar", length: "20" },
          { name: "feeScheduleId", type: "integer" },
          { name: "validFrom", type: "varchar", length: "10" },
          { name: "validUntil", type: "varchar", length: "10" },
          { name: "status", type: "varchar", length: "20" },
          {
            name: "offeredAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "offeredById", type: "integer", isNullable: true },
          {
            name: "acceptedAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "acceptedById", type: "integer", isNullable: true },
          {
            name: "acceptedByName",
            type: "varchar",
            length: "200",
            default: "''",
          },
          {
            name: "statusReason",
            type: "varchar",
            length: "1000",
            default: "''",
          },
          { name: "documentId", type: "integer", isNullable: true },
          { name: "renewedFromId", type: "integer", isNullable: true },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_placement_agreements_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          {
            name: "ix_placement_agreements_provider",
            columnNames: ["providerId"],
          },
          {
            name: "ix_placement_agreements_valid_until",
            columnNames: ["validUntil"],
          },
          { name: "ix_placement_agreements_status", columnNames: ["status"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "clients",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "12" },
          { name: "firstName", type: "varchar", length: "100" },
          { name: "lastName", type: "varchar", length: "100" },
          {
            name: "birthDate",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "street", type: "varchar", length: "200", default: "''" },
          { name: "postalCode", type: "varchar", length: "10", default: "''" },
          { name: "city", type: "varchar", length: "100", default: "''" },
          { name: "phone", type: "varchar", length: "50", default: "''" },
          { name: "email", type: "varchar", length: "254", default: "''" },
          { name: "region", type: "varchar", length: "100", default: "''" },
          { name: "targetGroups", type: "text" },
          {
            name: "qualification",
            type: "varchar",
            length: "1000",
            default: "''",
          },
          {
            name: "targetOccupation",
            type: "varchar",
            length: "200",
            default: "''",
          },
          { name: "monthlyBenefitCents", type: "bigint", isNullable: true },
          { name: "householdSize", type: "integer", isNullable: true },
          {
            name: "healthNotes",
            type: "varchar",
            length: "1000",
            default: "''",
          },
          { name: "caseManagerId", type: "integer", isNullable: true },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_clients_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          { name: "ix_clients_last_name", columnNames: ["lastName"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "employment_spells",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "clientId", type: "integer" },
          { name: "employerName", type: "varchar", length: "200" },
          { name: "fromDate", type: "varchar", length: "10" },
          { name: "toDate", type: "varchar", length: "10", isNullable: true },
          { name: "insured", type: "boolean" },
          { name: "source", type: "varchar", length: "20" },
          { name: "createdAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "ix_employment_spells_client", columnNames: ["clientId"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "assignments",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "20" },
          { name: "clientId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "agreementId", type: "integer" },
          { name: "legalBasis", type: "varchar", length: "20" },
          { name: "issuedOn", type: "varchar", length: "10" },
          { name: "validFrom", type: "varchar", length: "10" },
          { name: "validUntil", type: "varchar", length: "10" },
          { name: "region", type: "varchar", length: "100", default: "''" },
          { name: "maxFeeCents", type: "bigint" },
          { name: "status", type: "varchar", length: "20" },
          {
            name: "consentAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "consentRecordedById", type: "integer", isNullable: true },
          {
            name: "consentWithdrawnAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "flag", type: "varchar", length: "500", default: "''" },
          { name: "createdById", type: "integer" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_assignments_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          { name: "ix_assignments_client", columnNames: ["clientId"] },
          { name: "ix_assignments_provider", columnNames: ["providerId"] },
          { name: "ix_assignments_valid_until", columnNames: ["validUntil"] },
          { name: "ix_assignments_status", columnNames: ["status"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "placement_claims",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "reference", type: "varchar", length: "20" },
          { name: "assignmentId", type: "integer" },
          { name: "clientId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "legalBasis", type: "varchar", length: "20" },
          { name: "employerName", type: "varchar", length: "200" },
          {
            name: "employerStreet",
            type: "varchar",
            length: "200",
            default: "''",
          },
          {
            name: "employerPostalCode",
            type: "varchar",
            length: "10",
            default: "''",
          },
          {
            name: "employerCity",
            type: "varchar",
            length: "100",
            default: "''",
          },
          {
            name: "employerVatId",
            type: "varchar",
            length: "20",
            isNullable: true,
          },
          {
            name: "employerIban",
            type: "varchar",
            length: "34",
            isNullable: true,
          },
          {
            name: "employerManager",
            type: "varchar",
            length: "200",
            isNullable: true,
          },
          { name: "abroad", type: "boolean" },
          { name: "contractDate", type: "varchar", length: "10" },
          { name: "jobStart", type: "varchar", length: "10" },
          { name: "weeklyHours", type: "integer" },
          { name: "insured", type: "boolean" },
          {
            name: "fixedTermEnd",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "occupation", type: "varchar", length: "200" },
          {
            name: "brokerContractDate",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          {
            name: "jobOfferDate",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "claimedFeeCents", type: "bigint" },
          { name: "status", type: "varchar", length: "20" },
          { name: "ruleResults", type: "text" },
          { name: "flagged", type: "boolean" },
          { name: "severeDisabilityException", type: "boolean" },
          { name: "channel", type: "varchar", length: "10" },
          { name: "submittedAt", type: "varchar", length: "24" },
          { name: "submittedById", type: "integer", isNullable: true },
          {
            name: "decidedAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "decidedById", type: "integer", isNullable: true },
          {
            name: "decisionNote",
            type: "varchar",
            length: "2000",
            default: "''",
          },
          { name: "decisionDocumentId", type: "integer", isNullable: true },
          {
            name: "employmentEndedOn",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          {
            name: "uq_placement_claims_reference",
            columnNames: ["reference"],
            isUnique: true,
          },
          {
            name: "ix_placement_claims_assignment",
            columnNames: ["assignmentId"],
          },
          { name: "ix_placement_claims_client", columnNames: ["clientId"] },
          { name: "ix_placement_claims_provider", columnNames: ["providerId"] },
          {
            name: "ix_placement_claims_contract_date",
            columnNames: ["contractDate"],
          },
          { name: "ix_placement_claims_status", columnNames: ["status"] },
          { name: "ix_placement_claims_flagged", columnNames: ["flagged"] },
          {
            name: "ix_placement_claims_submitted_at",
            columnNames: ["submittedAt"],
          },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "claim_documents",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "claimId", type: "integer" },
          { name: "instalmentId", type: "integer", isNullable: true },
          { name: "documentId", type: "integer" },
          { name: "kind", type: "varchar", length: "30" },
          { name: "uploadedAt", type: "varchar", length: "24" },
          { name: "uploadedById", type: "integer", isNullable: true },
        ],
        indices: [
          { name: "ix_claim_documents_claim", columnNames: ["claimId"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "fee_instalments",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "claimId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "number", type: "integer" },
          { name: "label", type: "varchar", length: "200" },
          { name: "amountCents", type: "bigint" },
          { name: "sameEmployer", type: "boolean" },
          { name: "earliestOn", type: "varchar", length: "10" },
          { name: "deadlineOn", type: "varchar", length: "10" },
          { name: "status", type: "varchar", length: "20" },
          {
            name: "confirmedUntil",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "dueAt", type: "varchar", length: "24", isNullable: true },
          { name: "earnedAt", type: "varchar", length: "24", isNullable: true },
          {
            name: "certifiedAt",
            type: "varchar",
            length: "24",
            isNullable: true,
          },
          { name: "certifiedById", type: "integer", isNullable: true },
          { name: "closedAt", type: "varchar", length: "24", isNullable: true },
          {
            name: "closeReason",
            type: "varchar",
            length: "500",
            default: "''",
          },
          {
            name: "lastReminderOn",
            type: "varchar",
            length: "10",
            isNullable: true,
          },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "ix_fee_instalments_claim", columnNames: ["claimId"] },
          { name: "uq_fee_instalments_claim_number", columnNames: ["claimId", "number"], isUnique: true },
          { name: "ix_fee_instalments_provider", columnNames: ["providerId"] },
          {
            name: "ix_fee_instalments_earliest_on",
            columnNames: ["earliestOn"],
          },
          {
            name: "ix_fee_instalments_deadline_on",
            columnNames: ["deadlineOn"],
          },
          { name: "ix_fee_instalments_status", columnNames: ["status"] },
        ],
      }),
      true
    );
    await queryRunner.createTable(
      new Table({
        name: "payable_items",
        columns: [
          {
            name: "id",
            type: "integer",
            isPrimary: true,
            isGenerated: true,
            generationStrategy: "increment",
          },
          { name: "instalmentId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "payeeName", type: "varchar", length: "200" },
          { name: "iban", type: "varchar", length: "34" },
          { name: "bic", type: "varchar", length: "11", isNullable: true },
          { name: "bankAccountId", type: "integer", isNullable: true },
          { name: "amountCents", type: "bigint" },
          { name: "budgetLine", type: "varchar", length: "50" },
          { name: "purpose", type: "varchar", length: "200" },
          { name: "status", type: "varchar", length: "20" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "certifiedById", type: "integer" },
        ],
        indices: [
          {
            name: "uq_payable_items_instalment",
            columnNames: ["instalmentId"],
            isUnique: true,
          },
          { name: "ix_payable_items_provider", columnNames: ["providerId"] },
          { name: "ix_payable_items_status", columnNames: ["status"] },
        ],
      }),
      true
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      "payable_items",
      "fee_instalments",
      "claim_documents",
      "placement_claims",
      "assignments",
      "employment_spells",
      "clients",
      "placement_agreements",
      "agreement_terms",
      "fee_schedules",
    ])
      await queryRunner.dropTable(table, true);
  }
}
