import { Inject, Injectable, Logger } from '@nestjs/common';

import { AuthError } from '@confer/errors';
import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { CONTACTS, ContactsClient } from '../directory/contacts-client';
import { SessionGrant, SessionsService } from '../sessions/sessions.service';
import { SignInService } from '../two-factor/sign-in.service';

/** A sign-in the gateway vouches for after verifying a token of the configured realm. */
export interface SsoLogin {
  userId: string;
  deviceName: string;
  client: string;
  ip: string;
  /** The outside token's issuer and subject, for the log only. */
  issuer: string;
  subject: string;
  correlationId: string;
}

/**
 * Single sign-on: the gateway has verified a Keycloak access token and mapped
 * it to a directory user; this starts an ordinary Confer session for that
 * user, so SSO users get the same tokens, refresh, session list and second
 * factor as a password login. The user is read again here, so one disabled
 * since the gateway's cached look-up is refused.
 */
@Injectable()
export class SsoLoginService {
  private readonly logger = new Logger(SsoLoginService.name);

  constructor(
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
    private readonly sessions: SessionsService,
    private readonly secondFactor: SignInService,
  ) {}

  async login(request: SsoLogin): Promise<SessionGrant> {
    const { items } = await this.contacts.getUsers(
      systemCaller(SYSTEM_USER_ID, request.correlationId),
      { userIds: [request.userId] },
    );
    const user = items.find((candidate) => candidate.id === request.userId);
    if (!user || user.status !== contacts.UserStatus.USER_STATUS_ACTIVE) {
      this.logger.log(
        { userId: request.userId, reason: user ? 'disabled' : 'not in the directory' },
        'single sign-on refused',
      );
      throw AuthError.unknownUser();
    }
    const decision = await this.secondFactor.decide({
      userId: user.id,
      orgId: user.orgId,
      trustedDeviceToken: '',
      clientIp: request.ip,
    });
    const grant = await this.sessions.start({
      userId: user.id,
      orgId: user.orgId,
      roles: user.roles,
      deviceName: request.deviceName,
      client: request.client,
      ip: request.ip,
      // RFC 8176 has no value for "authenticated by another party"; the realm's own methods are not known here.
      amr: [],
      secondFactor: decision.secondFactor,
    });
    this.logger.log(
      {
        userId: user.id,
        orgId: user.orgId,
        sessionId: grant.sessionId,
        issuer: request.issuer,
        subject: request.subject,
      },
      'single sign-on session started',
    );

    return grant;
  }
}
