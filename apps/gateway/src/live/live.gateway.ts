import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NatsConnection } from 'nats';
import { Gauge } from 'prom-client';
import { WebSocket, WebSocketServer } from 'ws';

import { NATS_CONNECTION } from '@confer/events';

import { bearerToken } from '../auth/authenticated-request';
import { RevokedSessions } from '../auth/revoked-sessions';
import { SESSION_GATE, SessionGate, TOKEN_VERIFIER, TokenVerifier } from '../auth/token-verifier';
import { MESSAGING, MessagingClient } from '../clients/service-clients';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { MessagesService } from '../messages/messages.service';
import { MAX_CLIENT_FRAME_BYTES, parseSince } from './client-frames';
import { CLOSE } from './close-codes';
import { LiveConnection, LiveContext } from './live-connection';
import { LiveHub } from './live-hub';

export const LIVE_PATH = '/api/v1/live';

/** How often the shared sweep runs: the precision of auth deadlines and token expiry. */
const SWEEP_INTERVAL_MS = 1000;

const openSockets = new Gauge({
  name: 'confer_gateway_live_sockets',
  help: 'WebSocket connections open on this gateway node.',
});

/**
 * The WebSocket endpoint, on the same HTTP server as the REST API (the `ws`
 * package, no Nest adapter). Holds this node's connections and runs the one
 * sweep that does every socket's timed work.
 */
@Injectable()
export class LiveGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveGateway.name);
  private readonly connections = new Set<LiveConnection>();
  private readonly hub: LiveHub;
  private readonly context: LiveContext;
  private server?: WebSocketServer;
  private httpServer?: Server;
  private sweepTimer?: NodeJS.Timeout;
  private stopRevocations?: () => void;
  private nextHeartbeatAt = 0;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(TOKEN_VERIFIER) verifier: TokenVerifier,
    @Inject(SESSION_GATE) gate: SessionGate,
    @Inject(MESSAGING) messaging: MessagingClient,
    messages: MessagesService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly revoked: RevokedSessions,
  ) {
    this.hub = new LiveHub(nats, config.nats.prefix);
    this.context = {
      verifier,
      gate,
      revoked,
      hub: this.hub,
      messaging,
      messages,
      settings: config.live,
      forget: (connection) => {
        if (this.connections.delete(connection)) {
          openSockets.dec();
        }
      },
      now: Date.now,
    };
  }

  onApplicationBootstrap(): void {
    this.server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      // Frames above the protocol's 64 KiB are refused with 4400 by the
      // connection; ws itself stops reading (1009) well past that.
      maxPayload: MAX_CLIENT_FRAME_BYTES * 2,
    });
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.nextHeartbeatAt = Date.now() + this.config.live.heartbeatMs;
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    this.stopRevocations = this.revoked.onRevoked((sessionId) => this.endSession(sessionId));
  }

  /**
   * Closes this node's sockets of an ended session with 4401 "session ended".
   * A scan of the node's sockets: sessions end seldom next to frames sent.
   */
  private endSession(sessionId: string): void {
    let closed = 0;
    for (const connection of this.connections) {
      if (connection.sessionId === sessionId) {
        connection.close(CLOSE.SESSION_ENDED);
        closed += 1;
      }
    }
    if (closed > 0) {
      this.logger.log({ sessionId, sockets: closed }, 'closed live sockets of an ended session');
    }
  }

  /** Before the HTTP server closes: stop taking sockets and tell every device to go elsewhere. */
  beforeApplicationShutdown(): void {
    this.httpServer?.off('upgrade', this.onUpgrade);
    clearInterval(this.sweepTimer);
    this.stopRevocations?.();
    const count = this.connections.size;
    for (const connection of this.connections) {
      connection.close(CLOSE.GOING_AWAY);
    }
    this.hub.close();
    this.server?.close();
    this.logger.log({ sockets: count }, 'closed live sockets for shutdown');
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://gateway');
    if (url.pathname !== LIVE_PATH || !this.server) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');

      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request, url));
  };

  private accept(ws: WebSocket, request: IncomingMessage, url: URL): void {
    const connection = new LiveConnection(ws, this.context);
    this.connections.add(connection);
    openSockets.inc();
    let since: number | undefined;
    try {
      since = parseSince(url.searchParams.get('since') ?? undefined);
    } catch {
      connection.start({});
      connection.close(CLOSE.PROTOCOL_ERROR);

      return;
    }
    const token =
      bearerToken(request.headers.authorization) ??
      url.searchParams.get('access_token') ??
      undefined;
    connection.start({ token, since });
  }

  private sweep(): void {
    const now = Date.now();
    const heartbeatDue = now >= this.nextHeartbeatAt;
    if (heartbeatDue) {
      this.nextHeartbeatAt = now + this.config.live.heartbeatMs;
    }
    for (const connection of this.connections) {
      connection.sweep(now, heartbeatDue);
    }
  }
}
