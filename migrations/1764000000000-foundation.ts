import { Table, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Foundation schema: accounts, sessions, API tokens, providers with contacts, certifications and
 * bank accounts, change requests, audit chain, documents, mail outbox, settings.
 * Written with the QueryRunner schema builder so it runs unchanged on SQLite and PostgreSQL.
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = "Foundation1764000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "users",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "email", type: "varchar", length: "254" },
          { name: "name", type: "varchar", length: "200" },
          { name: "role", type: "varchar", length: "20" },
          { name: "providerId", type: "integer", isNullable: true },
          { name: "passwordHash", type: "varchar", length: "200" },
          { name: "active", type: "boolean" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
          { name: "lastLoginAt", type: "varchar", length: "24", isNullable: true },
          { name: "passwordChangedAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "uq_users_email", columnNames: ["email"], isUnique: true },
          { name: "ix_users_provider", columnNames: ["providerId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "sessions",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tokenHash", type: "varchar", length: "64" },
          { name: "userId", type: "integer" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "expiresAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "uq_sessions_token", columnNames: ["tokenHash"], isUnique: true },
          { name: "ix_sessions_user", columnNames: ["userId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "login_failures",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "keyHash", type: "varchar", length: "64" },
          { name: "at", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "ix_login_failures_key_at", columnNames: ["keyHash","at"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "api_tokens",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "userId", type: "integer" },
          { name: "name", type: "varchar", length: "100" },
          { name: "tokenHash", type: "varchar", length: "64" },
          { name: "prefix", type: "varchar", length: "16" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "lastUsedAt", type: "varchar", length: "24", isNullable: true },
          { name: "revokedAt", type: "varchar", length: "24", isNullable: true },
        ],
        indices: [
          { name: "ix_api_tokens_user", columnNames: ["userId"] },
          { name: "uq_api_tokens_hash", columnNames: ["tokenHash"], isUnique: true },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "providers",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "externalKey", type: "varchar", length: "50", isNullable: true },
          { name: "kind", type: "varchar", length: "20" },
          { name: "name", type: "varchar", length: "200" },
          { name: "legalForm", type: "varchar", length: "50", default: "''" },
          { name: "street", type: "varchar", length: "200", default: "''" },
          { name: "postalCode", type: "varchar", length: "10", default: "''" },
          { name: "city", type: "varchar", length: "100", default: "''" },
          { name: "region", type: "varchar", length: "100", default: "''" },
          { name: "vatId", type: "varchar", length: "20", isNullable: true },
          { name: "email", type: "varchar", length: "254", default: "''" },
          { name: "phone", type: "varchar", length: "50", default: "''" },
          { name: "serviceCategories", type: "text" },
          { name: "tradeRegistrationDate", type: "varchar", length: "10", isNullable: true },
          { name: "active", type: "boolean" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "updatedAt", type: "varchar", length: "24" },
        ],
        indices: [
          { name: "uq_providers_external_key", columnNames: ["externalKey"], isUnique: true },
          { name: "ix_providers_kind", columnNames: ["kind"] },
          { name: "ix_providers_name", columnNames: ["name"] },
          { name: "ix_providers_region", columnNames: ["region"] },
          { name: "uq_providers_vat_id", columnNames: ["vatId"], isUnique: true },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "contact_persons",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "providerId", type: "integer" },
          { name: "name", type: "varchar", length: "200" },
          { name: "role", type: "varchar", length: "100", default: "''" },
          { name: "email", type: "varchar", length: "254", default: "''" },
          { name: "phone", type: "varchar", length: "50", default: "''" },
        ],
        indices: [
          { name: "ix_contact_persons_provider", columnNames: ["providerId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "certifications",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "providerId", type: "integer" },
          { name: "certifyingBody", type: "varchar", length: "200" },
          { name: "certificateNumber", type: "varchar", length: "100" },
          { name: "validFrom", type: "varchar", length: "10" },
          { name: "validUntil", type: "varchar", length: "10" },
          { name: "scope", type: "varchar", length: "500", default: "''" },
          { name: "changedAt", type: "varchar", length: "24" },
          { name: "changedById", type: "integer", isNullable: true },
        ],
        indices: [
          { name: "ix_certifications_provider", columnNames: ["providerId"] },
          { name: "ix_certifications_valid_until", columnNames: ["validUntil"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "bank_accounts",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "providerId", type: "integer" },
          { name: "iban", type: "varchar", length: "34" },
          { name: "bic", type: "varchar", length: "11", isNullable: true },
          { name: "holder", type: "varchar", length: "200" },
          { name: "current", type: "boolean" },
          { name: "changedAt", type: "varchar", length: "24" },
          { name: "changedById", type: "integer", isNullable: true },
          { name: "requestedById", type: "integer", isNullable: true },
        ],
        indices: [
          { name: "ix_bank_accounts_provider", columnNames: ["providerId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "provider_change_requests",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "providerId", type: "integer" },
          { name: "kind", type: "varchar", length: "30" },
          { name: "payload", type: "text" },
          { name: "status", type: "varchar", length: "20" },
          { name: "requestedById", type: "integer" },
          { name: "requestedAt", type: "varchar", length: "24" },
          { name: "decidedById", type: "integer", isNullable: true },
          { name: "decidedAt", type: "varchar", length: "24", isNullable: true },
          { name: "decisionNote", type: "varchar", length: "500", default: "''" },
        ],
        indices: [
          { name: "ix_change_requests_provider", columnNames: ["providerId"] },
          { name: "ix_change_requests_status", columnNames: ["status"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "audit_events",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "seq", type: "integer" },
          { name: "at", type: "varchar", length: "24" },
          { name: "actorId", type: "integer", isNullable: true },
          { name: "actorLabel", type: "varchar", length: "254" },
          { name: "action", type: "varchar", length: "80" },
          { name: "entityType", type: "varchar", length: "50", default: "''" },
          { name: "entityId", type: "varchar", length: "50", default: "''" },
          { name: "providerId", type: "integer", isNullable: true },
          { name: "summary", type: "varchar", length: "500" },
          { name: "details", type: "text" },
          { name: "prevHash", type: "varchar", length: "64" },
          { name: "hash", type: "varchar", length: "64" },
        ],
        indices: [
          { name: "uq_audit_events_seq", columnNames: ["seq"], isUnique: true },
          { name: "ix_audit_events_at", columnNames: ["at"] },
          { name: "ix_audit_events_action", columnNames: ["action"] },
          { name: "ix_audit_events_provider", columnNames: ["providerId"] },
          { name: "ix_audit_events_entity", columnNames: ["entityType","entityId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "documents",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "origin", type: "varchar", length: "20" },
          { name: "title", type: "varchar", length: "200" },
          { name: "filename", type: "varchar", length: "200" },
          { name: "contentType", type: "varchar", length: "100" },
          { name: "size", type: "integer" },
          { name: "sha256", type: "varchar", length: "64" },
          { name: "template", type: "varchar", length: "100", isNullable: true },
          { name: "entityType", type: "varchar", length: "50", default: "''" },
          { name: "entityId", type: "varchar", length: "50", default: "''" },
          { name: "providerId", type: "integer", isNullable: true },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "createdById", type: "integer", isNullable: true },
        ],
        indices: [
          { name: "ix_documents_sha256", columnNames: ["sha256"] },
          { name: "ix_documents_provider", columnNames: ["providerId"] },
          { name: "ix_documents_entity", columnNames: ["entityType","entityId"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "outbox_messages",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "recipients", type: "varchar", length: "1000" },
          { name: "subject", type: "varchar", length: "300" },
          { name: "body", type: "text" },
          { name: "attachmentDocumentId", type: "integer", isNullable: true },
          { name: "status", type: "varchar", length: "20" },
          { name: "attempts", type: "integer", default: "0" },
          { name: "nextAttemptAt", type: "varchar", length: "24" },
          { name: "lockedUntil", type: "varchar", length: "24", isNullable: true },
          { name: "messageId", type: "varchar", length: "200" },
          { name: "createdAt", type: "varchar", length: "24" },
          { name: "sentAt", type: "varchar", length: "24", isNullable: true },
          { name: "lastError", type: "varchar", length: "1000", default: "''" },
          { name: "emlPath", type: "varchar", length: "300", isNullable: true },
        ],
        indices: [
          { name: "ix_outbox_due", columnNames: ["status","nextAttemptAt"] },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: "settings",
        columns: [
          { name: "key", type: "varchar", length: "100", isPrimary: true },
          { name: "value", type: "text" },
          { name: "updatedAt", type: "varchar", length: "24" },
          { name: "updatedById", type: "integer", isNullable: true },
        ],
        indices: [

        ],
      }),
      true,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      "settings",
      "outbox_messages",
      "documents",
      "audit_events",
      "provider_change_requests",
      "bank_accounts",
      "certifications",
      "contact_persons",
      "providers",
      "api_tokens",
      "login_failures",
      "sessions",
      "users",
    ]) {
      await queryRunner.dropTable(table, true);
    }
  }
}
