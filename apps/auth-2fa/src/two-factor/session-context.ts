import { createHash } from 'node:crypto';

import { AuthError } from '@confer/errors';
import { Caller } from '@confer/grpc';
import { twoFactor } from '@confer/proto';

import { TwoFactorError } from './two-factor.errors';

/** The caller and the session a request came from, as the gateway read it from the token. */
export interface RequestOrigin {
  userId: string;
  orgId: string;
  sessionId: string;
  clientIp: string;
  deviceName: string;
}

/** Every second-factor call is a person's: the platform caller has no session to act for. */
export function originOf(
  caller: Caller,
  session: twoFactor.SessionContext | undefined,
): RequestOrigin {
  if (!session?.sessionId) {
    throw AuthError.forbidden('This call needs the session it is made from.');
  }
  if (!isUuid(session.sessionId)) {
    // Confer's sessions are uuids; anything else (a Keycloak session) is not one this app keeps.
    throw TwoFactorError.sessionNotSupported();
  }

  return {
    userId: caller.userId,
    orgId: caller.orgId,
    sessionId: session.sessionId,
    clientIp: session.clientIp,
    deviceName: session.deviceName,
  };
}

/** Binding tokens and device credentials are stored as their SHA-256 only. */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A canonical uuid, as the ids this app issues and stores in uuid columns. */
export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
