import { Inject, Injectable, Logger } from '@nestjs/common';

import { AuthError, ConferError } from '@confer/errors';
import { Caller, SYSTEM_USER_ID, systemCaller } from '@confer/grpc';
import { contacts, mailbridge } from '@confer/proto';

import { CredentialsService } from '../credentials/credentials.service';
import { CONTACTS, ContactsClient } from '../directory/contacts-client';
import { SessionGrant, SessionsService } from '../sessions/sessions.service';
import { SignInService } from '../two-factor/sign-in.service';
import { LoginError } from './login.errors';
import { LoginThrottle } from './login-throttle';
import { MAIL_BRIDGE, MailBridgeClient } from './mail-bridge-client';

/** Where a login comes from, recorded on its session. */
export interface LoginOrigin {
  deviceName: string;
  client: string;
  ip: string;
  /** A trusted-device credential from an earlier second factor, or empty. */
  trustedDeviceToken?: string;
}

type PasswordCheck = 'ok' | 'wrong' | 'no_user' | 'disabled';

/**
 * Login with an address and a password. When the address's domain has a mail
 * server (mail-bridge knows it), the password is the mailbox password or a
 * mail app password, checked with one IMAP LOGIN; otherwise it is the local
 * password. Unknown addresses, wrong passwords and disabled users all get
 * auth.bad_credentials, so the answer does not tell which addresses have
 * accounts. Failed attempts earn growing delays (LoginThrottle).
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);

  constructor(
    @Inject(CONTACTS) private readonly contacts: ContactsClient,
    @Inject(MAIL_BRIDGE) private readonly mailBridge: MailBridgeClient,
    private readonly credentials: CredentialsService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly secondFactor: SignInService,
  ) {}

  async login(
    caller: Caller,
    email: string,
    password: string,
    origin: LoginOrigin,
  ): Promise<SessionGrant> {
    const user = await this.findUser(email, caller.correlationId);
    // Attempts are counted against the directory's own spelling of the address:
    // the directory folds many spellings into one (case, IDNA mappings such as
    // a soft hyphen or a full stop of another script in the domain), and each
    // must not earn fresh attempts at the same account.
    const account = user?.email || email;
    // The owner's trusted computer is spared the account-wide delay anyone can cause.
    const trustedDevice =
      !!user &&
      (await this.secondFactor.presentsTrustedDevice(user.id, origin.trustedDeviceToken ?? ''));
    // A delayed key is refused on a read; only then is the attempt counted.
    const delayed = await this.throttle.retryAfter(account, origin.ip, { trustedDevice });
    const begun =
      delayed > 0
        ? { wait: delayed }
        : await this.throttle.begin(account, origin.ip, { trustedDevice });
    if ('wait' in begun) {
      this.logger.log(
        { ip: origin.ip, retryAfterSeconds: begun.wait },
        'login refused while delayed',
      );
      throw LoginError.tooManyAttempts(begun.wait);
    }
    let checked: { check: PasswordCheck; method: 'mail' | 'local' };
    try {
      checked = await this.checkPassword(caller, user, email, password);
    } catch (error) {
      await this.throttle.undecided(begun.attempt);
      throw error;
    }
    const { check, method } = checked;
    if (check !== 'ok' || !user) {
      // Counted already, by begin.
      const reason = check === 'no_user' ? await this.unknownReason(caller, email) : check;
      this.logger.log({ userId: user?.id, reason, method, ip: origin.ip }, 'login refused');
      throw AuthError.badCredentials();
    }
    await this.throttle.succeeded(account, origin.ip, begun.attempt);
    const decision = await this.secondFactor.decide({
      userId: user.id,
      orgId: user.orgId,
      trustedDeviceToken: origin.trustedDeviceToken ?? '',
      clientIp: origin.ip,
    });
    const grant = await this.sessions.start({
      userId: user.id,
      orgId: user.orgId,
      roles: user.roles,
      deviceName: origin.deviceName,
      client: origin.client,
      ip: origin.ip,
      // RFC 8176 `swk`: a trusted device's key stood in for the second factor.
      amr: decision.trustedDeviceId ? ['pwd', 'swk'] : ['pwd'],
      secondFactor: decision.secondFactor,
    });
    this.logger.log(
      { userId: user.id, orgId: user.orgId, sessionId: grant.sessionId, method },
      'login succeeded',
    );

    return grant;
  }

  /**
   * Checks the password the way the user's domain asks for. A mail server that
   * cannot be reached fails the login with mail.server_unavailable (not a
   * failed attempt: the password was never checked).
   */
  private async checkPassword(
    caller: Caller,
    user: contacts.User | undefined,
    email: string,
    password: string,
  ): Promise<{ check: PasswordCheck; method: 'mail' | 'local' }> {
    const active = user?.status === contacts.UserStatus.USER_STATUS_ACTIVE;
    if (user && active) {
      // Only the user's own organisation's mail server may vouch for the password.
      const { result } = await this.mailBridge.checkCredentials(this.platform(caller), {
        email: user.email || email,
        password,
        orgId: user.orgId,
      });
      if (result === mailbridge.CredentialCheck.CREDENTIAL_CHECK_OK) {
        return { check: 'ok', method: 'mail' };
      }
      if (result === mailbridge.CredentialCheck.CREDENTIAL_CHECK_BAD_CREDENTIALS) {
        return { check: 'wrong', method: 'mail' };
      }
    }
    // No mail server for the domain (or no usable user): the local password.
    // Without a user a dummy hash is still spent, so the time taken does not
    // tell whether the address exists.
    const matches = await this.credentials.verify(user?.id, password);
    if (!user) {
      return { check: 'no_user', method: 'local' };
    }
    if (!active) {
      return { check: 'disabled', method: 'local' };
    }

    return { check: matches ? 'ok' : 'wrong', method: 'local' };
  }

  /** For the log only: whether anyone could sign in with this address's domain at all. */
  private async unknownReason(caller: Caller, email: string): Promise<string> {
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    try {
      await this.mailBridge.getMailDomain(this.platform(caller), { domain });

      return 'unknown address';
    } catch (error) {
      if (error instanceof ConferError && error.code === 'mail.domain_not_found') {
        return 'unknown address in a domain without a mail server';
      }

      return 'unknown address';
    }
  }

  private platform(caller: Caller): Caller {
    return systemCaller(SYSTEM_USER_ID, caller.correlationId);
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
