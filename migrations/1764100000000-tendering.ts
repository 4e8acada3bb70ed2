import { Table, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Tendering: tenders with lots and award criteria, bidder questions, document downloads,
 * sealed offers, opening confirmations, evaluation scores and contracts.
 */
export class Tendering1764100000000 implements MigrationInterface {
  name = "Tendering1764100000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "tenders",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "reference", type: "varchar", length: "20" },
          { name: "title", type: "varchar", length: "300" },
          { name: "description", type: "text" },
          { name: "measureType", type: "varchar", length: "30" },
          { name: "legalBasis", type: "varchar", length: "200" },
          { name: "procedureType", type: "varchar", length: "20" },
          { name: "regime", type: "varchar", length: "10" },
          { name: "estimatedValueCents", type: "bigint" },
          { name: "regimeReason", type: "varchar", length: "500", default: "''" },
          { name: "maxPoints", type: "integer" },
          { name: "status", type: "varchar", length: "20" },
          { name: "questionsUntil", type: "varchar", length: "24", isNullable: true },
          { name: "offersUntil", type: "varchar", length: "24", isNullable: true },
          { name: "bindingUntil", type: "varchar", length: "10", isNullable: true },
          { name: "publishedAt", type: "varchar", length: "24", isNullable: true },
          { name: "closedAt", type: "varchar", length: "24", isNullable: true },
          { name: "openedAt", type: "varchar", length: "24", isNullable: true },
          { name: "evaluatedAt", type: "varchar", length: "24", isNullable: true },
          { name: "awardDecidedAt", type: "varchar", length: "24", isNullable: true },
          { name: "informedAt", type: "varchar", length: "24", isNullable: true },
          { name: "standstillEndsAt", type: "varchar", length: "24", isNullable: true },
          { name: "awardedAt", type: "varchar", length: "24", isNullable: true },
          { name: "cancelledAt", type: "varchar", length: "24", isNullable: true },
          { name: "cancelReason", type: "varchar", length: "1000", default: "''" },
          { name: "wrappedDataKey", type: "varchar", length: "200" },
          { name: "recordNotes", type: "text" },
          { name: "retainUntil", type: "varchar", length: "10", isNullable: true },
          { name: "createdById", type: "integer" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "uq_tenders_reference", columnNames: ["reference"], isUnique: true },
          { name: "ix_tenders_status", columnNames: ["status"] },
          { name: "ix_tenders_offers_until", columnNames: ["offersUntil"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "lots",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "number", type: "integer" },
          { name: "title", type: "varchar", length: "300" },
          { name: "quantity", type: "integer" },
          { name: "region", type: "varchar", length: "100", default: "''" },
          { name: "startDate", type: "varchar", length: "10" },
          { name: "durationMonths", type: "integer" },
          { name: "priceUnit", type: "varchar", length: "30" },
          { name: "estimatedUnitPriceCents", type: "bigint" },
          { name: "estimatedSuccessFeeCents", type: "bigint", isNullable: true },
          { name: "awardedOfferId", type: "integer", isNullable: true },
          { name: "awardDecision", type: "varchar", length: "20", default: "''" },
          { name: "awardReasons", type: "text" },
        ],
        indices: [
          { name: "ix_lots_tender", columnNames: ["tenderId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "award_criteria",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "position", type: "integer" },
          { name: "name", type: "varchar", length: "200" },
          { name: "description", type: "varchar", length: "1000", default: "''" },
          { name: "weight", type: "integer" },
          { name: "isPrice", type: "boolean" },
        ],
        indices: [
          { name: "ix_award_criteria_tender", columnNames: ["tenderId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "tender_questions",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "askedById", type: "integer" },
          { name: "question", type: "text" },
          { name: "askedAt", type: "varchar", length: "24" },
          { name: "answer", type: "text" },
          { name: "answeredAt", type: "varchar", length: "24", isNullable: true },
          { name: "answeredById", type: "integer", isNullable: true },
        ],
        indices: [
          { name: "ix_tender_questions_tender", columnNames: ["tenderId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "tender_downloads",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "userId", type: "integer" },
          { name: "at", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "uq_tender_downloads", columnNames: ["tenderId","providerId"], isUnique: true },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "offers",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "submittedById", type: "integer" },
          { name: "status", type: "varchar", length: "20" },
          { name: "version", type: "integer" },
          { name: "receivedAt", type: "varchar", length: "24" },
          { name: "receivedSha256", type: "varchar", length: "64" },
          { name: "receivedBytes", type: "integer" },
          { name: "sealedSha256", type: "varchar", length: "64" },
          { name: "sealIv", type: "varchar", length: "40" },
          { name: "sealTag", type: "varchar", length: "40" },
          { name: "withdrawnAt", type: "varchar", length: "24", isNullable: true },
          { name: "receiptDocumentId", type: "integer", isNullable: true },
          { name: "formalResult", type: "varchar", length: "20", default: "''" },
          { name: "exclusionReason", type: "varchar", length: "1000", default: "''" },
          { name: "formalCheckedById", type: "integer", isNullable: true },
          { name: "lowPriceJustification", type: "text" },
        ],
        indices: [
          { name: "ix_offers_tender_provider", columnNames: ["tenderId","providerId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "opening_confirmations",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "userId", type: "integer" },
          { name: "at", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "uq_opening_confirmations", columnNames: ["tenderId","userId"], isUnique: true },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "offer_scores",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tenderId", type: "integer" },
          { name: "offerId", type: "integer" },
          { name: "criterionId", type: "integer" },
          { name: "evaluatorId", type: "integer" },
          { name: "points", type: "integer" },
          { name: "note", type: "varchar", length: "2000", default: "''" },
          { name: "at", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "ix_offer_scores_tender", columnNames: ["tenderId"] },
          { name: "uq_offer_scores", columnNames: ["offerId","criterionId","evaluatorId"], isUnique: true },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "contracts",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "reference", type: "varchar", length: "30" },
          { name: "tenderId", type: "integer" },
          { name: "lotId", type: "integer" },
          { name: "providerId", type: "integer" },
          { name: "offerId", type: "integer" },
          { name: "quantity", type: "integer" },
          { name: "priceUnit", type: "varchar", length: "30" },
          { name: "unitPriceCents", type: "bigint" },
          { name: "successFeeCents", type: "bigint", isNullable: true },
          { name: "startDate", type: "varchar", length: "10" },
          { name: "endDate", type: "varchar", length: "10" },
          { name: "status", type: "varchar", length: "20" },
          { name: "concludedAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "uq_contracts_reference", columnNames: ["reference"], isUnique: true },
          { name: "ix_contracts_tender", columnNames: ["tenderId"] },
          { name: "ix_contracts_provider", columnNames: ["providerId"] },
        ],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["contracts", "offer_scores", "opening_confirmations", "offers", "tender_downloads", "tender_questions", "award_criteria", "lots", "tenders"]) {
      await queryRunner.dropTable(table, true);
    }
  }
}
