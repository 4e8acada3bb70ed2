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

@Entity({ name: "api_tokens" })
export class ApiToken {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("ix_api_tokens_user")
  @Column({ type: "integer" })
  userId: number;

  @Column({ type: "varchar", length: 100 })
  name: string;

  /** SHA-256 of the token; the token itself is shown once and never stored. */
  @Index("uq_api_tokens_hash", { unique: true })
  @Column({ type: "varchar", length: 64 })
  tokenHash: string;

  /** The first characters, so a user can tell tokens apart. */
  @Column({ type: "varchar", length: 16 })
  prefix: string;

  @Column({ ...INSTANT })
  createdAt: string;

  @Column({ ...INSTANT, nullable: true })
  lastUsedAt: string | null;

  @Column({ ...INSTANT, nullable: true })
  revokedAt: string | null;
}
