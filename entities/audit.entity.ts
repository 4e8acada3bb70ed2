import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { INSTANT, jsonTransformer } from "./columns";

/** Append-only, hash-chained audit log. Rows are never updated or deleted. */
@Entity({ name: "audit_events" })
@Index("ix_audit_events_entity", ["entityType", "entityId"])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Position in the chain (1, 2, 3 …), unique: two appends cannot claim the same place. */
  @Index("uq_audit_events_seq", { unique: true })
  @Column({ type: "integer" })
  seq: number;

  @Index("ix_audit_events_at")
  @Column({ ...INSTANT })
  at: string;

  @Column({ type: "integer", nullable: true })
  actorId: number | null;

  /** E-mail or "system", kept as written when the user is later renamed. */
  @Column({ type: "varchar", length: 254 })
  actorLabel: string;

  @Index("ix_audit_events_action")
  @Column({ type: "varchar", length: 80 })
  action: string;

  @Column({ type: "varchar", length: 50, default: "" })
  entityType: string;

  @Column({ type: "varchar", length: 50, default: "" })
  entityId: string;

  @Index("ix_audit_events_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  /** One German sentence for the list. */
  @Column({ type: "varchar", length: 500 })
  summary: string;

  /** Before/after and other details. */
  @Column({ type: "text", transformer: jsonTransformer })
  details: Record<string, unknown> | null;

  @Column({ type: "varchar", length: 64 })
  prevHash: string;

  @Column({ type: "varchar", length: 64 })
  hash: string;
}
