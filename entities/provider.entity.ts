import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { DATE, INSTANT, jsonTransformer } from "./columns";

/** Träger / privater Arbeitsvermittler / Bundesagentur für Arbeit. */
@Entity({ name: "providers" })
export class Provider {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Key from the authority's other systems; used to match CSV re-imports. */
  @Index("uq_providers_external_key", { unique: true })
  @Column({ type: "varchar", length: 50, nullable: true })
  externalKey: string | null;

  @Index("ix_providers_kind")
  @Column({ type: "varchar", length: 20 })
  kind: string;

  @Index("ix_providers_name")
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ type: "varchar", length: 50, default: "" })
  legalForm: string;

  @Column({ type: "varchar", length: 200, default: "" })
  street: string;

  @Column({ type: "varchar", length: 10, default: "" })
  postalCode: string;

  @Column({ type: "varchar", length: 100, default: "" })
  city: string;

  @Index("ix_providers_region")
  @Column({ type: "varchar", length: 100, default: "" })
  region: string;

  @Index("uq_providers_vat_id", { unique: true })
  @Column({ type: "varchar", length: 20, nullable: true })
  vatId: string | null;

  @Column({ type: "varchar", length: 254, default: "" })
  email: string;

  @Column({ type: "varchar", length: 50, default: "" })
  phone: string;

  @Column({ type: "text", transformer: jsonTransformer })
  serviceCategories: string[];

  /** Gewerbeanzeige für Arbeitsvermittlung (brokers). */
  @Column({ ...DATE, nullable: true })
  tradeRegistrationDate: string | null;

  @Column({ type: "boolean" })
  active: boolean;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;
}

@Entity({ name: "contact_persons" })
export class ContactPerson {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_contact_persons_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ type: "varchar", length: 100, default: "" })
  role: string;

  @Column({ type: "varchar", length: 254, default: "" })
  email: string;

  @Column({ type: "varchar", length: 50, default: "" })
  phone: string;
}

/** AZAV-Trägerzulassung. */
@Entity({ name: "certifications" })
export class Certification {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_certifications_provider")
  @Column({ type: "integer" })
  providerId: number;

  /** Fachkundige Stelle. */
  @Column({ type: "varchar", length: 200 })
  certifyingBody: string;

  @Column({ type: "varchar", length: 100 })
  certificateNumber: string;

  @Column({ ...DATE })
  validFrom: string;

  @Index("ix_certifications_valid_until")
  @Column({ ...DATE })
  validUntil: string;

  @Column({ type: "varchar", length: 500, default: "" })
  scope: string;

  @Column({ ...INSTANT })
  changedAt: string;

  @Column({ type: "integer", nullable: true })
  changedById: number | null;
}

@Entity({ name: "bank_accounts" })
export class BankAccount {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_bank_accounts_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "varchar", length: 34 })
  iban: string;

  @Column({ type: "varchar", length: 11, nullable: true })
  bic: string | null;

  @Column({ type: "varchar", length: 200 })
  holder: string;

  /** Superseded accounts are kept for the record. */
  @Column({ type: "boolean" })
  current: boolean;

  @Column({ ...INSTANT })
  changedAt: string;

  /** Who made this bank data effective: later four-eyes rules exclude this person from releasing payments. */
  @Column({ type: "integer", nullable: true })
  changedById: number | null;

  /** The provider user who asked for the change, if it came through the portal. */
  @Column({ type: "integer", nullable: true })
  requestedById: number | null;
}

/** A change a provider user asked for that waits for staff confirmation (bank data, certification). */
@Entity({ name: "provider_change_requests" })
export class ProviderChangeRequest {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_change_requests_provider")
  @Column({ type: "integer" })
  providerId: number;

  @Column({ type: "varchar", length: 30 })
  kind: string;

  @Column({ type: "text", transformer: jsonTransformer })
  payload: Record<string, unknown>;

  @Index("ix_change_requests_status")
  @Column({ type: "varchar", length: 20 })
  status: string;

  @Column({ type: "integer" })
  requestedById: number;

  @Column({ ...INSTANT })
  requestedAt: string;

  @Column({ type: "integer", nullable: true })
  decidedById: number | null;

  @Column({ ...INSTANT, nullable: true })
  decidedAt: string | null;

  @Column({ type: "varchar", length: 500, default: "" })
  decisionNote: string;
}
