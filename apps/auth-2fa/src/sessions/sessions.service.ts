import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { OutboxPublisher, recordAudit, SYSTEM_ACTOR, writeOutbox } from '@confer/events';
import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { currentCorrelationId } from '@confer/logging';
import { contacts } from '@confer/proto';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { CONTACTS, ContactsClient } from '../directory/contacts-client';
import { TokenIssuerService } from '../tokens/token-issuer.service';
import { newRefreshToken, refreshTokenHash } from './refresh-token';
import { SecondFactorState, Session } from './session.entity';
import { SessionError } from './sessions.errors';

/** Who a new session is for and where it comes from. */
export interface SessionStart {
  userId: string;
  orgId: string;
  roles: string[];
  deviceName: string;
  client: string;
  ip: string;
  /** RFC 8176 methods of the login, e.g. `['pwd']`. */
  amr: string[];
  secondFactor?: SecondFactorState;
}

/** What a login, a refresh or a passed second factor hands the client. */
export interface SessionGrant {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  userId: string;
  orgId: string;
  sessionId: string;
  secondFactor: SecondFactorState;
}

export type RevocationReason = 'signed_out' | 'ended_by_user' | 'refresh_reused' | 'user_disabled';

export interface RevokedSessionEntry {
  sessionId: string;
  userId: string;
  revokedAt: Date;
  forgetAfter: Date;
}

/** What the `mfa` claim says for each state; a state absent here owes nothing. */
const MFA_CLAIM: Partial<Record<SecondFactorState, string>> = {
  pending: 'pending',
  enrolment_required: 'enrol',
};

/**
 * Login sessions: each has one family of refresh tokens, rotated on every use
 * and each usable once. A token presented twice means two parties hold it, so
 * the whole session ends. Ending a session is published as SessionRevoked
 * through the outbox, in the same transaction, for gateways to refuse its
 * access tokens at once.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenIssuerService,
    private readonly outbox: OutboxPublisher,
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Starts a session after a successful login and grants its first tokens. */
  async start(start: SessionStart): Promise<SessionGrant> {
    const now = new Date();
    const refreshToken = newRefreshToken();
    const session = await this.dataSource.transaction(async (manager) => {
      const created = manager.create(Session, {
        id: randomUUID(),
        userId: start.userId,
        orgId: start.orgId,
        roles: start.roles,
        deviceName: start.deviceName,
        client: start.client,
        ip: start.ip,
        amr: start.amr,
        secondFactor: start.secondFactor ?? 'not_required',
        createdAt: now,
        lastSeenAt: now,
        expiresAt: this.refreshExpiry(now),
        revokedAt: null,
        revokedReason: null,
      });
      await manager.insert(Session, created);
      await this.storeRefreshToken(manager, created.id, refreshToken, now);
      await recordAudit(manager, this.outbox, {
        orgId: created.orgId,
        actorId: created.userId,
        subjectUserId: created.userId,
        action: 'session.started',
        details: { sessionId: created.id, deviceName: created.deviceName, amr: created.amr },
        clientIp: created.ip,
        occurredAt: now,
      });

      return created;
    });
    this.outbox.notify();

    return this.grant(session, refreshToken, now);
  }

  /**
   * Exchanges a refresh token for new tokens. The user is read again from the
   * directory: roles may have changed, and a disabled or deleted user's
   * session ends instead.
   */
  async refresh(
    refreshToken: string,
    origin: { ip: string; client: string },
  ): Promise<SessionGrant> {
    const hash = refreshTokenHash(refreshToken);
    const now = new Date();
    const session = await this.sessionOfToken(hash);
    if (!session) {
      throw SessionError.refreshInvalid();
    }
    if (session.revokedAt) {
      throw SessionError.sessionEnded();
    }
    const user = await this.currentUser(session);
    if (!user.active) {
      await this.revoke(session.id, 'user_disabled', SYSTEM_ACTOR);
      throw SessionError.sessionEnded();
    }
    const next = newRefreshToken();
    const outcome = await this.dataSource.transaction(async (manager) => {
      // Marking the token used and checking it was unused is one statement, so
      // of two refreshes racing with the same token exactly one wins.
      const used = updatedRows<{ expires_at: Date }>(
        await manager.query(
          `UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL
           RETURNING expires_at`,
          [hash, now],
        ),
      );
      if (used.length === 0) {
        return 'reused' as const;
      }
      if (used[0].expires_at <= now) {
        return 'expired' as const;
      }
      const renewed = updatedRows<Record<string, unknown>>(
        await manager.query(
          `UPDATE sessions SET roles = $2, ip = $3, client = $4, last_seen_at = $5, expires_at = $6
           WHERE id = $1 AND revoked_at IS NULL
           RETURNING *`,
          [
            session.id,
            user.roles,
            origin.ip || session.ip,
            origin.client || session.client,
            now,
            this.refreshExpiry(now),
          ],
        ),
      );
      if (renewed.length === 0) {
        return 'ended' as const;
      }
      await this.storeRefreshToken(manager, session.id, next, now);

      return toSession(renewed[0]);
    });
    if (outcome === 'reused') {
      this.logger.warn(
        { sessionId: session.id, userId: session.userId },
        'refresh token reused; ending the session',
      );
      // Whoever presented the spent token holds this user's credentials: the
      // line is the user's, as every other line about their sessions is.
      await this.revoke(session.id, 'refresh_reused', session.userId);
      throw SessionError.refreshReused();
    }
    if (outcome === 'expired') {
      throw SessionError.refreshExpired();
    }
    if (outcome === 'ended') {
      throw SessionError.sessionEnded();
    }
    this.logger.debug({ sessionId: session.id, userId: session.userId }, 'session refreshed');

    return this.grant(outcome, next, now);
  }

  /** The user's sessions that have not ended, newest first. */
  async list(userId: string): Promise<Session[]> {
    // Served by sessions_user_live.
    return this.dataSource
      .getRepository(Session)
      .createQueryBuilder('session')
      .where('session.user_id = :userId AND session.revoked_at IS NULL', { userId })
      .andWhere('session.expires_at > now()')
      .orderBy('session.created_at', 'DESC')
      .getMany();
  }

  /** A session of this user that has not ended, or undefined. */
  async findLive(userId: string, sessionId: string): Promise<Session | undefined> {
    const session = await this.dataSource
      .getRepository(Session)
      .findOneBy({ id: sessionId, userId });

    return session && !session.revokedAt ? session : undefined;
  }

  /**
   * Ends one session; false when it had already ended (nothing is published
   * twice). `actorId` is who ended it, for the audit line.
   */
  async revoke(sessionId: string, reason: RevocationReason, actorId: string): Promise<boolean> {
    const ended = await this.dataSource.transaction((manager) =>
      this.revokeWhere(manager, 'id = $1', [sessionId], reason, actorId),
    );
    if (ended.length > 0) {
      this.outbox.notify();
    }

    return ended.length > 0;
  }

  /** Ends every live session of a user, except one when given; returns how many ended. */
  async revokeAllOfUser(
    userId: string,
    reason: RevocationReason,
    actorId: string,
    options: { except?: string; manager?: EntityManager } = {},
  ): Promise<number> {
    const run = (manager: EntityManager) =>
      options.except
        ? this.revokeWhere(
            manager,
            'user_id = $1 AND id <> $2',
            [userId, options.except],
            reason,
            actorId,
          )
        : this.revokeWhere(manager, 'user_id = $1', [userId], reason, actorId);
    const ended = options.manager
      ? await run(options.manager)
      : await this.dataSource.transaction(run);
    if (ended.length > 0) {
      this.outbox.notify();
    }

    return ended.length;
  }

  /** Sessions ended within one access-token lifetime: their tokens may still be unexpired. */
  async recentlyRevoked(): Promise<RevokedSessionEntry[]> {
    const ttl = this.config.tokens.ttlSeconds;
    // Served by sessions_revoked_at.
    const rows: Array<{ id: string; user_id: string; revoked_at: Date }> =
      await this.dataSource.query(
        `SELECT id, user_id, revoked_at FROM sessions
         WHERE revoked_at IS NOT NULL AND revoked_at > now() - make_interval(secs => $1)`,
        [ttl],
      );

    return rows.map((row) => ({
      sessionId: row.id,
      userId: row.user_id,
      revokedAt: row.revoked_at,
      forgetAfter: new Date(row.revoked_at.getTime() + ttl * 1000),
    }));
  }

  /**
   * The session's second factor has passed: it is marked so, `method` joins
   * its `amr`, and fresh tokens without `mfa` are granted. The refresh token
   * handed out while the factor was owed is retired: presenting it later
   * counts as reuse.
   */
  async completeSecondFactor(sessionId: string, method: string): Promise<SessionGrant> {
    const now = new Date();
    const refreshToken = newRefreshToken();
    const session = await this.dataSource.transaction(async (manager) => {
      const rows = updatedRows<Record<string, unknown>>(
        await manager.query(
          `UPDATE sessions
           SET second_factor = 'passed',
               amr = CASE WHEN $2 = '' OR $2 = ANY(amr) THEN amr ELSE array_append(amr, $2) END,
               last_seen_at = $3, expires_at = $4
           WHERE id = $1 AND revoked_at IS NULL
           AND second_factor IN ('pending', 'enrolment_required')
           RETURNING *`,
          [sessionId, method, now, this.refreshExpiry(now)],
        ),
      );
      if (rows.length === 0) {
        const existing = await manager.findOneBy(Session, { id: sessionId });
        throw !existing || existing.revokedAt
          ? SessionError.sessionEnded()
          : SessionError.secondFactorNotPending();
      }
      await manager.query(
        `UPDATE refresh_tokens SET used_at = $2 WHERE session_id = $1 AND used_at IS NULL`,
        [sessionId, now],
      );
      await this.storeRefreshToken(manager, sessionId, refreshToken, now);

      return toSession(rows[0]);
    });
    this.logger.log({ sessionId, userId: session.userId }, 'second factor passed');

    return this.grant(session, refreshToken, now);
  }

  private async revokeWhere(
    manager: EntityManager,
    condition: string,
    parameters: unknown[],
    reason: RevocationReason,
    actorId: string,
  ): Promise<Session[]> {
    const now = new Date();
    const reasonIndex = parameters.length + 1;
    const rows = updatedRows<Record<string, unknown>>(
      await manager.query(
        `UPDATE sessions SET revoked_at = $${reasonIndex + 1}, revoked_reason = $${reasonIndex}
         WHERE ${condition} AND revoked_at IS NULL
         RETURNING *`,
        [...parameters, reason, now],
      ),
    );
    const ended = rows.map(toSession);
    const forgetAfter = new Date(now.getTime() + this.config.tokens.ttlSeconds * 1000);
    await writeOutbox(
      manager,
      ended.map((session) => ({
        subject: this.outbox.subject('session.revoked'),
        payload: {
          orgId: session.orgId,
          userId: session.userId,
          sessionId: session.id,
          reason,
          revokedAt: now.toISOString(),
          forgetAfter: forgetAfter.toISOString(),
        },
      })),
    );
    for (const session of ended) {
      await recordAudit(manager, this.outbox, {
        orgId: session.orgId,
        actorId,
        subjectUserId: session.userId,
        action: reason === 'refresh_reused' ? 'session.refresh_reused' : 'session.ended',
        details: { sessionId: session.id, reason, deviceName: session.deviceName },
        occurredAt: now,
      });
      this.logger.log({ sessionId: session.id, userId: session.userId, reason }, 'session ended');
    }

    return ended;
  }

  private async currentUser(session: Session): Promise<{ roles: string[]; active: boolean }> {
    const { items } = await this.contacts.getUsers(
      systemCaller(SYSTEM_USER_ID, currentCorrelationId() ?? randomUUID()),
      { userIds: [session.userId] },
    );
    const user = items.find((candidate) => candidate.id === session.userId);

    return {
      roles: user?.roles ?? [],
      active: user?.status === contacts.UserStatus.USER_STATUS_ACTIVE,
    };
  }

  private async sessionOfToken(hash: Buffer): Promise<Session | undefined> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT s.* FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
       WHERE t.token_hash = $1`,
      [hash],
    );

    return rows.length > 0 ? toSession(rows[0]) : undefined;
  }

  private async storeRefreshToken(
    manager: EntityManager,
    sessionId: string,
    token: string,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at)
       VALUES ($1, $2, $3, $4)`,
      [refreshTokenHash(token), sessionId, now, this.refreshExpiry(now)],
    );
  }

  private refreshExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.tokens.refreshTtlSeconds * 1000);
  }

  private async grant(session: Session, refreshToken: string, now: Date): Promise<SessionGrant> {
    const issued = await this.tokens.issue(
      {
        userId: session.userId,
        orgId: session.orgId,
        roles: session.roles,
        sessionId: session.id,
        amr: session.amr,
        mfa: MFA_CLAIM[session.secondFactor],
      },
      now,
    );

    return {
      accessToken: issued.accessToken,
      tokenType: 'Bearer',
      expiresIn: issued.expiresIn,
      refreshToken,
      refreshExpiresIn: this.config.tokens.refreshTtlSeconds,
      userId: session.userId,
      orgId: session.orgId,
      sessionId: session.id,
      secondFactor: session.secondFactor,
    };
  }
}

/** TypeORM answers an UPDATE ... RETURNING on PostgreSQL with `[rows, rowCount]`. */
function updatedRows<T>(result: [T[], number]): T[] {
  return result[0];
}

/** A sessions row as PostgreSQL returned it (snake case) turned into the entity. */
function toSession(row: Record<string, unknown>): Session {
  return Object.assign(new Session(), {
    id: row.id,
    userId: row.user_id,
    orgId: row.org_id,
    roles: row.roles,
    deviceName: row.device_name,
    client: row.client,
    ip: row.ip,
    amr: row.amr,
    secondFactor: row.second_factor,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  });
}
