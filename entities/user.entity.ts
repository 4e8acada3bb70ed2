import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { INSTANT } from "./columns";

@Entity({ name: "users" })
export class User {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("uq_users_email", { unique: true })
  @Column({ type: "varchar", length: 254 })
  email: string;

  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ type: "varchar", length: 20 })
  role: string;

  /** Direct dial of the official, printed in the letters they sign (null: the letterhead's number). */
  @Column({ type: "varchar", length: 40, nullable: true })
  phone: string | null;

  @Index("ix_users_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  @Column({ type: "varchar", length: 200 })
  passwordHash: string;

  @Column({ type: "boolean" })
  active: boolean;

  /** Provider users only: administers the organisation's API tokens (set by a staff admin). */
  @Column({ type: "boolean" })
  providerAdmin: boolean;

  /** Staff only: may see the comparison of all providers (issue 12; granted by an administrator). */
  @Column({ type: "boolean" })
  comparisonAccess: boolean;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  updatedAt: string;

  @Column({ ...INSTANT, nullable: true })
  lastLoginAt: string | null;

  @Column({ ...INSTANT })
  passwordChangedAt: string;
}

@Entity({ name: "sessions" })
export class Session {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** SHA-256 of the random session token kept in the cookie. */
  @Index("uq_sessions_token", { unique: true })
  @Column({ type: "varchar", length: 64 })
  tokenHash: string;

  @Index("ix_sessions_user")
  @Column({ type: "integer" })
  userId: number;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT })
  expiresAt: string;
}

/** Failed logins, keyed by a hash of the account or the address (no personal data stored). */
@Entity({ name: "login_failures" })
@Index("ix_login_failures_key_at", ["keyHash", "at"])
export class LoginFailure {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 64 })
  keyHash: string;

  @Column({ ...INSTANT })
  at: string;
}

/**
 * A bearer token for the API (ADR 0014). An organisation token belongs to a provider
 * (`providerId`, no `userId`): it keeps working when the person who created it leaves. A personal
 * token belongs to a staff user (`userId`, no `providerId`) and ends with the user's account.
 */
@Entity({ name: "api_tokens" })
export class ApiToken {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Personal token: its owner (staff). Null for an organisation token. */
  @Index("ix_api_tokens_user")
  @Column({ type: "integer", nullable: true })
  userId: number | null;

  /** Organisation token: the provider it belongs to. Null for a personal token. */
  @Index("ix_api_tokens_provider")
  @Column({ type: "integer", nullable: true })
  providerId: number | null;

  @Column({ type: "varchar", length: 100 })
  name: string;

  /** SHA-256 of the token; the token itself is shown once and never stored. */
  @Index("uq_api_tokens_hash", { unique: true })
  @Column({ type: "varchar", length: 64 })
  tokenHash: string;

  /** The first characters, so a user can tell tokens apart. */
  @Column({ type: "varchar", length: 16 })
  prefix: string;

  /** Comma-separated scopes (app/domain/api-scopes.ts), e.g. "read,offers". */
  @Column({ type: "varchar", length: 100 })
  scopes: string;

  @Column({ ...INSTANT })
  createdAt: string;

  /** The person who created it (null: the command line or the system). */
  @Column({ type: "integer", nullable: true })
  createdById: number | null;

  /** The token stops working at this instant. */
  @Column({ ...INSTANT })
  expiresAt: string;

  @Column({ ...INSTANT, nullable: true })
  lastUsedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  revokedAt: string | null;

  /** Who revoked it (null: the system, e.g. when a personal token's user changed role). */
  @Column({ type: "integer", nullable: true })
  revokedById: number | null;
}
