import { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';

import { callerFromMetadata, isSystemCaller } from '@confer/grpc';
import { auth, common } from '@confer/proto';

import { SessionError } from './sessions.errors';
import { SessionGrant, SessionsService } from './sessions.service';

type SessionCalls =
  | 'refresh'
  | 'listSessions'
  | 'revokeSession'
  | 'revokeSessions'
  | 'listRecentlyRevokedSessions'
  | 'completeSecondFactor';

@Controller()
export class SessionsGrpcController implements Pick<auth.AuthServiceController, SessionCalls> {
  constructor(private readonly sessions: SessionsService) {}

  @GrpcMethod('AuthService', 'refresh')
  async refresh(request: auth.RefreshRequest): Promise<auth.TokenGrant> {
    return toTokenGrant(
      await this.sessions.refresh(request.refreshToken, {
        ip: request.clientIp,
        client: request.client,
      }),
    );
  }

  @GrpcMethod('AuthService', 'listSessions')
  async listSessions(
    request: auth.ListSessionsRequest,
    metadata: Metadata,
  ): Promise<auth.SessionList> {
    const caller = callerFromMetadata(metadata);
    const sessions = await this.sessions.list(caller.userId);

    return {
      items: sessions.map((session) => ({
        id: session.id,
        deviceName: session.deviceName,
        client: session.client,
        ip: session.ip,
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        current: session.id === request.currentSessionId,
        secondFactor: session.secondFactor,
      })),
    };
  }

  /** Ends one of the caller's own sessions; another user's is answered as unknown. */
  @GrpcMethod('AuthService', 'revokeSession')
  async revokeSession(
    request: auth.RevokeSessionRequest,
    metadata: Metadata,
  ): Promise<common.Empty> {
    const caller = callerFromMetadata(metadata);
    const session = await this.sessions.findLive(caller.userId, request.sessionId);
    if (!session) {
      throw SessionError.notFound();
    }
    await this.sessions.revoke(session.id, 'ended_by_user', caller.userId);

    return {};
  }

  @GrpcMethod('AuthService', 'revokeSessions')
  async revokeSessions(
    request: auth.RevokeSessionsRequest,
    metadata: Metadata,
  ): Promise<auth.RevokeSessionsResult> {
    const caller = callerFromMetadata(metadata);
    const revoked = await this.sessions.revokeAllOfUser(
      caller.userId,
      'ended_by_user',
      caller.userId,
      { except: request.exceptSessionId || undefined },
    );

    return { revoked };
  }

  @GrpcMethod('AuthService', 'listRecentlyRevokedSessions')
  async listRecentlyRevokedSessions(
    _request: common.Empty,
    metadata: Metadata,
  ): Promise<auth.RevokedSessionList> {
    requirePlatform(metadata);
    const entries = await this.sessions.recentlyRevoked();

    return {
      items: entries.map((entry) => ({
        sessionId: entry.sessionId,
        userId: entry.userId,
        revokedAt: entry.revokedAt.toISOString(),
        forgetAfter: entry.forgetAfter.toISOString(),
      })),
    };
  }

  @GrpcMethod('AuthService', 'completeSecondFactor')
  async completeSecondFactor(
    request: auth.CompleteSecondFactorRequest,
    metadata: Metadata,
  ): Promise<auth.TokenGrant> {
    requirePlatform(metadata);

    return toTokenGrant(
      await this.sessions.completeSecondFactor(request.sessionId, request.method),
    );
  }
}

function requirePlatform(metadata: Metadata): void {
  if (!isSystemCaller(callerFromMetadata(metadata))) {
    throw SessionError.platformOnly();
  }
}

export function toTokenGrant(grant: SessionGrant): auth.TokenGrant {
  return {
    accessToken: grant.accessToken,
    tokenType: grant.tokenType,
    expiresIn: grant.expiresIn,
    userId: grant.userId,
    orgId: grant.orgId,
    refreshToken: grant.refreshToken,
    refreshExpiresIn: grant.refreshExpiresIn,
    sessionId: grant.sessionId,
    secondFactor: grant.secondFactor,
  };
}
