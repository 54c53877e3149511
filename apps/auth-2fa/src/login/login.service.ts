import { Inject, Injectable, Logger } from '@nestjs/common';

import { AuthError, ConferError } from '@confer/errors';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { contacts } from '@confer/proto';

import { CredentialsService } from '../credentials/credentials.service';
import { CONTACTS, ContactsClient } from '../directory/contacts-client';
import { TokenIssuerService } from '../tokens/token-issuer.service';

export interface LoginGrant {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  userId: string;
  orgId: string;
}

/**
 * Local-password login. Unknown addresses, wrong passwords and disabled
 * users all get auth.bad_credentials after the same amount of hashing, so the
 * answer does not reveal which addresses have accounts.
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);

  constructor(
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
    private readonly credentials: CredentialsService,
    private readonly tokens: TokenIssuerService,
  ) {}

  async login(caller: Caller, email: string, password: string): Promise<LoginGrant> {
    const user = await this.findUser(email, caller.correlationId);
    const passwordMatches = await this.credentials.verify(user?.id, password);
    if (!user || !passwordMatches || user.status !== contacts.UserStatus.USER_STATUS_ACTIVE) {
      const reason = !user ? 'unknown address' : !passwordMatches ? 'wrong password' : 'disabled';
      this.logger.log({ userId: user?.id, reason }, 'login refused');
      throw AuthError.badCredentials();
    }
    const token = await this.tokens.issue({
      userId: user.id,
      orgId: user.orgId,
      roles: user.roles,
    });
    this.logger.log(
      { userId: user.id, orgId: user.orgId, sessionId: token.sessionId },
      'login succeeded',
    );

    return {
      accessToken: token.accessToken,
      tokenType: 'Bearer',
      expiresIn: token.expiresIn,
      userId: user.id,
      orgId: user.orgId,
    };
  }

  /** The directory's user for this address, or undefined; other failures (contacts down) propagate. */
  private async findUser(email: string, correlationId: string): Promise<contacts.User | undefined> {
    try {
      return await this.contacts.findUserByEmail(systemCaller(SYSTEM_USER_ID, correlationId), {
        email,
      });
    } catch (error) {
      if (error instanceof ConferError && error.code === 'user.not_found') {
        return undefined;
      }
      throw error;
    }
  }
}
