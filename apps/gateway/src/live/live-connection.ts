import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';

import { ConferError } from '@confer/errors';
import { LiveFrame, SignalFrame } from '@confer/events';
import { Caller } from '@confer/grpc';

import { callerOf } from '../auth/authenticated-request';
import { RevokedSessions } from '../auth/revoked-sessions';
import { SessionGate, TokenVerifier, VerifiedToken } from '../auth/token-verifier';
import { MessagingClient } from '../clients/service-clients';
import { MessagesService } from '../messages/messages.service';
import { toLiveFrame } from '../sync/change.mapper';
import {
  ClientFrame,
  ConversationReadFrame,
  decodeClientFrame,
  errorOf,
  MessageSendFrame,
  ProtocolError,
  validateRequestFrame,
} from './client-frames';
import { CLOSE, CloseReason } from './close-codes';
import { FloodLimiter } from './flood-limiter';
import { FrameSequencer } from './frame-sequencer';
import { LiveHub, LiveSink } from './live-hub';

/** What every connection on a node shares: one object, not one closure per socket. */
export interface LiveContext {
  verifier: TokenVerifier;
  gate: SessionGate;
  /** Ended sessions: a socket of one is refused, or closed when it ends later. */
  revoked: Pick<RevokedSessions, 'isRevoked'>;
  hub: LiveHub;
  messaging: MessagingClient;
  messages: MessagesService;
  settings: { framesPerSecond: number; replayLimit: number; authTimeoutMs: number };
  forget(connection: LiveConnection): void;
  now(): number;
}

/** Frames queued in the socket's send buffer beyond which the client counts as too slow. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const REPLAY_PAGE_SIZE = 200;
const LIVE_ROUTE = { path: '/api/v1/live', method: 'GET' };

/**
 * One device's socket: authentication (upgrade header, query or first frame),
 * the ready frame, resume from `since`, live frames in order, and the client's
 * requests. Timers live in the node's shared sweep, not here.
 */
export class LiveConnection implements LiveSink {
  private readonly logger = new Logger(LiveConnection.name);
  private readonly limiter: FloodLimiter;
  private readonly authDeadline: number;
  private token?: VerifiedToken;
  private sequencer?: FrameSequencer;
  private authenticating = false;
  /** The resume point given on the upgrade URL, for a device that authenticates by frame. */
  private initialSince?: number;
  private missedPongs = 0;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly context: LiveContext,
  ) {
    const { settings, now } = context;
    this.limiter = new FloodLimiter(settings.framesPerSecond, settings.framesPerSecond * 2, now);
    this.authDeadline = now() + settings.authTimeoutMs;
  }

  /** Wires the socket; `credentials` are what the upgrade request carried, if anything. */
  start(credentials: { token?: string; since?: number }): void {
    this.initialSince = credentials.since;
    this.socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.socket.on('pong', () => {
      this.missedPongs = 0;
    });
    this.socket.on('close', () => this.onClosed());
    this.socket.on('error', () => this.close(CLOSE.PROTOCOL_ERROR));
    if (credentials.token) {
      void this.authenticate(credentials.token, credentials.since);
    }
  }

  /** The Confer session this socket belongs to, once authenticated (Keycloak sessions are not ours). */
  get sessionId(): string | undefined {
    return this.token?.issuer === 'confer' ? this.token.sessionId : undefined;
  }

  /** The node's sweep: auth deadline, token expiry, ended sessions and heartbeats. */
  sweep(now: number, heartbeatDue: boolean): void {
    if (this.closed) {
      return;
    }
    if (!this.token) {
      if (now >= this.authDeadline) {
        this.close(CLOSE.AUTH_TIMEOUT);
      }

      return;
    }
    if (now >= this.token.expiresAt) {
      this.close(CLOSE.AUTH_EXPIRED);

      return;
    }
    // The ending is normally pushed at once (LiveGateway); this catches one
    // that arrived while the socket was still authenticating.
    if (this.sessionId && this.context.revoked.isRevoked(this.sessionId)) {
      this.close(CLOSE.SESSION_ENDED);

      return;
    }
    if (heartbeatDue) {
      if (this.missedPongs >= 2) {
        this.socket.terminate();

        return;
      }
      this.missedPongs += 1;
      this.socket.ping();
    }
  }

  deliver(frames: LiveFrame[]): void {
    this.sequencer?.live(frames);
  }

  /**
   * An ephemeral frame (libs/events signals): written as `{type, data}`
   * without seq, outside the ordered stream; one addressed to another
   * session of the user is not for this socket.
   */
  signal(frame: SignalFrame): void {
    if (!this.token || (frame.sessionId && frame.sessionId !== this.sessionId)) {
      return;
    }
    this.write({ type: frame.type, data: frame.data });
  }

  close(reason: CloseReason): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.socket.close(reason.code, reason.reason);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) {
      return;
    }
    if (!this.limiter.take()) {
      this.close(CLOSE.TOO_MANY_FRAMES);

      return;
    }
    let frame: ClientFrame;
    try {
      if (isBinary) {
        throw new ProtocolError('binary frame');
      }
      frame = decodeClientFrame(
        Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer),
      );
    } catch {
      this.close(CLOSE.PROTOCOL_ERROR);

      return;
    }
    this.missedPongs = 0;
    if (frame.type === 'ping') {
      this.write({ type: 'pong' });
    } else if (frame.type === 'auth') {
      if (this.token || this.authenticating) {
        this.close(CLOSE.PROTOCOL_ERROR);
      } else {
        void this.authenticate(frame.token, frame.since ?? this.initialSince);
      }
    } else if (!this.token && this.authenticating) {
      // The socket's credentials are being checked (they came with the
      // upgrade): a request sent before `ready` is answered, not punished.
      this.write({
        type: 'error',
        id: frame.id ?? null,
        error: {
          code: 'live.not_ready',
          message: 'Wait for the ready frame before sending requests.',
        },
      });
    } else if (!this.token) {
      this.close(CLOSE.PROTOCOL_ERROR);
    } else {
      void this.handleRequest(frame);
    }
  }

  private async authenticate(token: string, since: number | undefined): Promise<void> {
    this.authenticating = true;
    try {
      const verified = await this.context.verifier.verify(token);
      if (verified.issuer === 'confer' && this.context.revoked.isRevoked(verified.sessionId)) {
        this.close(CLOSE.SESSION_ENDED);

        return;
      }
      await this.context.gate.admit(verified, LIVE_ROUTE);
      if (this.closed) {
        return;
      }
      this.token = verified;
      const sequencer = new FrameSequencer(
        (frame) => this.write(frame),
        0,
        this.context.settings.replayLimit,
      );
      this.sequencer = sequencer;
      // Live frames are held from the moment the subscription exists until
      // the replay is written, so none falls between the two.
      sequencer.beginReplay();
      await this.context.hub.attach(verified.userId, this);
      // Where the stream is final now, asked after subscribing so that no
      // frame above it is missed. A device with nothing to resume from starts
      // there; so does one whose resume point is beyond it (no stream ever
      // handed that out), since resuming from it would drop every frame up to
      // it: that device is told to resync.
      const { position } = await this.context.messaging.getSyncPosition(this.caller(), {});
      if (this.closed) {
        return;
      }
      const ahead = since !== undefined && since > position;
      const start = since === undefined || ahead ? position : since;
      sequencer.skipTo(start);
      this.write({ type: 'ready', seq: start, data: { userId: verified.userId } });
      if (ahead) {
        this.write({ type: 'resync.required', seq: position, data: null });
      }
      const caughtUp = since === undefined || ahead || (await this.replay(since));
      const complete = sequencer.endReplay();
      if (!caughtUp || !complete) {
        this.write({ type: 'resync.required', seq: sequencer.lastSeq, data: null });
      }
    } catch (error) {
      this.close(closeReasonOf(error));
    } finally {
      this.authenticating = false;
    }
  }

  /** Replays Sync pages from `since`; false when the gap was too large to replay. */
  private async replay(since: number): Promise<boolean> {
    const sequencer = this.sequencer as FrameSequencer;
    let position = since;
    let replayed = 0;
    for (;;) {
      const page = await this.context.messaging.sync(this.caller(), {
        since: position,
        limit: REPLAY_PAGE_SIZE,
      });
      if (this.closed) {
        return true;
      }
      sequencer.replay(page.items.map(toLiveFrame));
      replayed += page.items.length;
      position = page.nextSince;
      if (!page.hasMore) {
        return true;
      }
      if (replayed >= this.context.settings.replayLimit) {
        return false;
      }
    }
  }

  private async handleRequest(frame: Extract<ClientFrame, { raw: unknown }>): Promise<void> {
    try {
      if (frame.refused) {
        throw frame.refused;
      }
      if (frame.type === 'message.send') {
        const body = await validateRequestFrame(MessageSendFrame, frame.raw);
        const data = await this.context.messages.send(this.caller(), body.conversationId, body);
        this.write({ type: 'message.ack', id: frame.id, data });
      } else {
        const body = await validateRequestFrame(ConversationReadFrame, frame.raw);
        const data = await this.context.messages.markRead(this.caller(), body.conversationId, body);
        this.write({ type: 'conversation.read.ack', id: frame.id, data });
      }
    } catch (error) {
      if (!(error instanceof ConferError) || error.kind === 'internal') {
        this.logger.error({ err: error, userId: this.token?.userId }, 'live request failed');
      }
      this.write({ type: 'error', id: frame.id, error: errorOf(error) });
    }
  }

  private caller(): Caller {
    return callerOf(this.token as VerifiedToken, randomUUID());
  }

  private write(frame: object): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) {
      return;
    }
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(CLOSE.SLOW_CONSUMER);

      return;
    }
    this.socket.send(JSON.stringify(frame));
  }

  private onClosed(): void {
    this.closed = true;
    if (this.token) {
      this.context.hub.detach(this.token.userId, this);
    }
    this.context.forget(this);
  }
}

function closeReasonOf(error: unknown): CloseReason {
  if (
    error instanceof ConferError &&
    (error.kind === 'unauthenticated' || error.kind === 'forbidden')
  ) {
    return error.code === 'auth.token_expired' ? CLOSE.AUTH_EXPIRED : CLOSE.AUTH_FAILED;
  }

  return CLOSE.TRY_AGAIN_LATER;
}
