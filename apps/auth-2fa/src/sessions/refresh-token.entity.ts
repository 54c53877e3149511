import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One refresh token of a session's family, by its SHA-256; used once, then kept to spot reuse. */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryColumn('bytea', { name: 'token_hash' })
  tokenHash!: Buffer;

  @Column('uuid', { name: 'session_id' })
  sessionId!: string;

  @Column('timestamptz', { name: 'issued_at' })
  issuedAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt!: Date | null;
}
