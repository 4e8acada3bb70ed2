import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { INSTANT } from "./columns";

/** A stored file: a generated PDF or an upload. Content lives in the file store, addressed by SHA-256. */
@Entity({ name: "documents" })
@Index("ix_documents_entity", ["entityType", "entityId"])
export class Document {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** "generated" or "upload". */
  @Column({ type: "varchar", length: 20 })
  origin: string;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "varchar", length: 200 })
  filename: string;

  @Column({ type: "varchar", length: 100 })
  contentType: string;

  @Column({ type: "integer" })
  size: number;

  @Index("ix_documents_sha256")
  @Column({ type: "varchar", length: 64 })
  sha256: string;

  /** Template name for generated documents. */
  @Column({ type: "varchar", length: 100, nullable: true })
  template: string | null;

  @Column({ type: "varchar", length: 50, default: "" })
  entityType: string;

  @Column({ type: "varchar", length: 50, default: "" })
  entityId: string;

  /** Owning provider organisation: provider users see only their own documents. */
  @Index("ix_documents_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ type: "integer", nullable: true })
  createdById: number | null;

  /**
   * Generated documents: SHA-256 over the template text, the data and the letterhead (without
   * the print stamp such as "Stand: …"). Asking again for an unchanged document returns the
   * stored one instead of a new copy.
   */
  @Column({ type: "varchar", length: 64, nullable: true })
  sourceHash: string | null;
}
