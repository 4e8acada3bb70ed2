import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { INSTANT, jsonTransformer } from "./columns";

/**
 * An `Idempotency-Key` sent with an API POST (ADR 0016): reserved while the first request runs,
 * then holding that request's final answer, which a retry with the same key gets again instead
 * of a second execution. Forgotten after `api.idempotencyHours`.
 */
@Entity({ name: "idempotency_keys" })
@Index("uq_idempotency_keys_scope_key", ["scope", "key"], { unique: true })
export class IdempotencyKey {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Whose key: `provider:<id>` (organisation token), `user:<id>` (personal token, portal form). */
  @Column({ type: "varchar", length: 100 })
  scope: string;

  /** The header value as sent: 1–255 visible ASCII characters. */
  @Column({ type: "varchar", length: 255 })
  key: string;

  @Column({ type: "varchar", length: 10 })
  method: string;

  /** Path and query of the first request (longer than 1000 characters: `sha256:<hex>` of it). */
  @Column({ type: "varchar", length: 1000 })
  path: string;

  /** SHA-256 (hex) of the canonical request body (see app/lib/fingerprint.server.ts). */
  @Column({ type: "varchar", length: 64 })
  fingerprint: string;

  /** in_progress (reserved, the first request runs) → done (its answer is stored). */
  @Column({ type: "varchar", length: 20 })
  state: string;

  @Column({ type: "integer", nullable: true })
  responseStatus: number | null;

  /** Only Content-Type and Location are kept (never cookies or other headers). */
  @Column({ type: "text", nullable: true, transformer: jsonTransformer })
  responseHeaders: Record<string, string> | null;

  @Column({ type: "text", nullable: true })
  responseBody: string | null;

  @Index("ix_idempotency_keys_created")
  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT, nullable: true })
  completedAt: string | null;
}
