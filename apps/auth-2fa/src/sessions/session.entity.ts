import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where a session's second factor stands: not asked for, owed (its tokens
 * carry `mfa: "pending"` and reach only the second-factor endpoints), or done.
 */
export type SecondFactorState = 'not_required' | 'pending' | 'enrolment_required' | 'passed';

/** One login on one device: what its refresh tokens renew and what signing out ends. */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('uuid', { name: 'org_id' })
  orgId!: string;

  /** The roles at the last login or refresh, put in the session's access tokens. */
  @Column('text', { array: true })
  roles!: string[];

  @Column('text', { name: 'device_name' })
  deviceName!: string;

  /** The client's name or user agent. */
  @Column('text')
  client!: string;

  /** The address of the last login or refresh. */
  @Column('text')
  ip!: string;

  /** RFC 8176 authentication methods so far: `pwd`, then e.g. `otp`. */
  @Column('text', { array: true })
  amr!: string[];

  @Column('text', { name: 'second_factor' })
  secondFactor!: SecondFactorState;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_seen_at' })
  lastSeenAt!: Date;

  /** When the current refresh token expires: the session ends then unless renewed. */
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('text', { name: 'revoked_reason', nullable: true })
  revokedReason!: string | null;
}
