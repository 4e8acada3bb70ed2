import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { INSTANT } from "./columns";

/** Transactional mail outbox: written in the same transaction as the change that causes the mail. */
@Entity({ name: "outbox_messages" })
@Index("ix_outbox_due", ["status", "nextAttemptAt"])
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 1000 })
  recipients: string;

  @Column({ type: "varchar", length: 300 })
  subject: string;

  @Column({ type: "text" })
  body: string;

  /** Optional attachment: a stored document id. */
  @Column({ type: "integer", nullable: true })
  attachmentDocumentId: number | null;

  /** pending → sent, or failed after the last attempt. */
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ type: "integer", default: 0 })
  attempts: number;

  @Column({ ...INSTANT })
  nextAttemptAt: string;

  /** A sender claims a message by setting this into the future (works across processes). */
  @Column({ ...INSTANT, nullable: true })
  lockedUntil: string | null;

  @Column({ type: "varchar", length: 200 })
  messageId: string;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT, nullable: true })
  sentAt: string | null;

  @Column({ type: "varchar", length: 1000, default: "" })
  lastError: string;

  /** Without SMTP the message is written as .eml under the data directory. */
  @Column({ type: "varchar", length: 300, nullable: true })
  emlPath: string | null;
}
