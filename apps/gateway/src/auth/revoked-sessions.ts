import { randomUUID } from 'node:crypto';

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { NatsConnection, Subscription } from 'nats';

import { AuthError } from '@confer/errors';
import { eventSubject, NATS_CONNECTION } from '@confer/events';
import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';

import { AUTH, AuthClient } from '../clients/service-clients';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** Told of every session this node learns has ended: the live sockets close theirs. */
export type RevocationListener = (sessionId: string) => void;

/** A SessionRevoked event as published by auth-2fa (`confer.events.v1.SessionRevoked`). */
interface SessionRevokedEvent {
  sessionId?: unknown;
  forgetAfter?: unknown;
}

const RELOAD_RETRY_MS = 2000;

export function sessionEnded(): AuthError {
  return new AuthError(
    'unauthenticated',
    'auth.session_ended',
    'The session of this token has ended; sign in again.',
  );
}

/**
 * The sessions that ended while their access tokens may still be unexpired,
 * kept in memory so a request is checked without asking auth-2fa. Filled on
 * start (and again every resync interval, and after NATS reconnects) from
 * auth-2fa's ListRecentlyRevokedSessions, and between those from the
 * SessionRevoked events as they are published. Each id is forgotten once no
 * token of it can still be valid. Bounded: past the maximum the oldest ids go
 * first, which is logged, as their tokens would be accepted again until expiry.
 */
@Injectable()
export class RevokedSessions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RevokedSessions.name);
  /** Session id → when to forget it (ms since the epoch); insertion order is age order. */
  private readonly ended = new Map<string, number>();
  private readonly listeners = new Set<RevocationListener>();
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(AUTH) private readonly auth: AuthClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The clock; replaced in unit specs. */
  now: () => number = Date.now;

  /** Whether the session has ended (an empty id, a token without `sid`, never has). */
  isRevoked(sessionId: string): boolean {
    const forgetAt = sessionId ? this.ended.get(sessionId) : undefined;

    return forgetAt !== undefined && forgetAt > this.now();
  }

  /** Refuses with 401 auth.session_ended when the session has ended. */
  assertLive(sessionId: string): void {
    if (this.isRevoked(sessionId)) {
      throw sessionEnded();
    }
  }

  /** Records an ended session; known ones only have their deadline extended. */
  add(sessionId: string, forgetAt: number): void {
    if (!sessionId || forgetAt <= this.now()) {
      return;
    }
    const known = this.ended.get(sessionId);
    if (known === undefined) {
      this.ended.set(sessionId, forgetAt);
      this.trim();
      for (const listener of this.listeners) {
        listener(sessionId);
      }
    } else if (forgetAt > known) {
      this.ended.set(sessionId, forgetAt);
    }
  }

  onRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);

    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.ended.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Subscribed before loading, so nothing ended between the two is missed.
    this.subscription = this.nats.subscribe(
      eventSubject(this.config.nats.prefix, 'auth-2fa', 'session.revoked'),
      { callback: (error, message) => !error && this.onEvent(message.data) },
    );
    void this.watchReconnects();
    // Not awaited: the gateway starts while auth-2fa is still coming up, and
    // keeps trying until the first load succeeds.
    void this.reload();
    this.timer = setInterval(() => {
      this.sweep();
      void this.reload();
    }, this.config.auth.revocationResyncMs);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  /** Loads the recently ended sessions from auth-2fa; retried until it answers. */
  async reload(): Promise<void> {
    try {
      const { items } = await this.auth.listRecentlyRevokedSessions(
        systemCaller(SYSTEM_USER_ID, randomUUID()),
        {},
      );
      for (const item of items) {
        this.add(item.sessionId, Date.parse(item.forgetAfter));
      }
      this.logger.debug({ sessions: this.ended.size }, 'ended sessions loaded');
    } catch (error) {
      if (this.stopped) {
        return;
      }
      this.logger.warn({ err: error }, 'could not load ended sessions; retrying');
      setTimeout(() => void this.reload(), RELOAD_RETRY_MS).unref();
    }
  }

  private onEvent(data: Uint8Array): void {
    let event: SessionRevokedEvent;
    try {
      event = JSON.parse(new TextDecoder().decode(data)) as SessionRevokedEvent;
    } catch {
      this.logger.warn('dropped an unreadable session.revoked event');

      return;
    }
    const forgetAt = typeof event.forgetAfter === 'string' ? Date.parse(event.forgetAfter) : NaN;
    if (typeof event.sessionId !== 'string' || Number.isNaN(forgetAt)) {
      this.logger.warn('dropped a session.revoked event without session or deadline');

      return;
    }
    this.add(event.sessionId, forgetAt);
  }

  /** Events published while NATS was away are lost to a core subscription: reload after. */
  private async watchReconnects(): Promise<void> {
    for await (const status of this.nats.status()) {
      if (status.type === 'reconnect') {
        void this.reload();
      }
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [sessionId, forgetAt] of this.ended) {
      if (forgetAt <= now) {
        this.ended.delete(sessionId);
      }
    }
  }

  private trim(): void {
    const excess = this.ended.size - this.config.auth.revokedSessionsMax;
    if (excess <= 0) {
      return;
    }
    this.sweep();
    let dropped = 0;
    for (const sessionId of this.ended.keys()) {
      if (this.ended.size <= this.config.auth.revokedSessionsMax) {
        break;
      }
      this.ended.delete(sessionId);
      dropped += 1;
    }
    if (dropped > 0) {
      this.logger.warn({ dropped }, 'ended-session set full; oldest entries forgotten early');
    }
  }
}
