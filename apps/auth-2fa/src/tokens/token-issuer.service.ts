import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';

import { AUTH_CONFIG, AuthConfig } from '../config';
import { SIGNING_ALGORITHM, SigningKeysService } from '../signing-keys/signing-keys.service';

export interface TokenSubject {
  userId: string;
  orgId: string;
  roles: string[];
  /** The login session the token belongs to. */
  sessionId: string;
  /** RFC 8176 authentication methods, e.g. `['pwd']`, `['pwd', 'otp']`. */
  amr?: string[];
  /**
   * What the session still owes, when it owes something: `pending` (a second
   * factor). The gateway's session gate limits such tokens.
   */
  mfa?: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  sessionId: string;
}

/**
 * Signs access tokens of the shape every Confer token has, whoever issued it:
 * `sub` the user, `org` their organisation, `roles`, `sid` the login session,
 * `amr` and, while a second factor is owed, `mfa`, with `iss`, `aud`, `iat`,
 * `exp` and a unique `jti`; the header names the key.
 */
@Injectable()
export class TokenIssuerService {
  constructor(
    private readonly signingKeys: SigningKeysService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async issue(subject: TokenSubject, now: Date = new Date()): Promise<IssuedToken> {
    const { kid, privateKey } = await this.signingKeys.activeKey();
    const { issuer, audience, ttlSeconds } = this.config.tokens;
    const issuedAt = Math.floor(now.getTime() / 1000);
    const sessionId = subject.sessionId;
    const accessToken = await new SignJWT({
      org: subject.orgId,
      roles: subject.roles,
      sid: sessionId,
      ...(subject.amr && subject.amr.length > 0 ? { amr: subject.amr } : {}),
      ...(subject.mfa ? { mfa: subject.mfa } : {}),
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(subject.userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);

    return { accessToken, expiresIn: ttlSeconds, sessionId };
  }
}
