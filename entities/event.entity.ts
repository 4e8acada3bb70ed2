import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { INSTANT, jsonTransformer } from "./columns";

/**
 * The change feed (docs/decisions/0015-change-feed.md): one row per change a provider's system
 * may want to know, written in the same transaction as the change. Append-only; the id is the
 * order (event-writing transactions commit in id order, see services/events.server.ts).
 */
@Entity({ name: "api_events" })
@Index("ix_api_events_provider_id", ["providerId", "id"])
export class ApiEvent {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** The provider the event is for; null: every provider may see it (a tender was published). */
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  /** Stable type code (domain/events.ts), e.g. "offer.received". */
  @Column({ type: "varchar", length: 60 })
  type: string;

  /** "tender", "offer", "placement", "instalment". */
  @Column({ type: "varchar", length: 30 })
  entityType: string;

  @Column({ type: "integer" })
  entityId: number;

  /** The object's reference as shown to providers (never a client's name). */
  @Column({ type: "varchar", length: 100 })
  reference: string;

  /** The object's status code after the change, or null. */
  @Column({ type: "varchar", length: 30, nullable: true })
  status: string | null;

  @Column({ ...INSTANT })
  occurredAt: string;

  /** Small details the reader needs (e.g. an instalment's claim id and number for its address). */
  @Column({ type: "text", nullable: true, transformer: jsonTransformer })
  data: Record<string, unknown> | null;
}
