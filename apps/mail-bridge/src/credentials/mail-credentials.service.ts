import { Inject, Injectable, Logger } from '@nestjs/common';

import { MAIL_BRIDGE_CONFIG, MailBridgeConfig } from '../config';
import { MailDomainsService } from '../mail-domains/mail-domains.service';
import { MailCredentialsError } from './credentials.errors';
import { imapLogin } from './imap-login';

export type CredentialCheck = 'ok' | 'bad_credentials' | 'unknown_domain';

/** Retry-After for an unreachable mail server: long enough not to hammer a server that is down. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Whether a password opens an address's mailbox: one IMAP LOGIN against the
 * server set for the address's domain, with the full address as the user
 * name. The mailbox password and the provider's app passwords both work,
 * since the mail server decides.
 */
@Injectable()
export class MailCredentialsService {
  private readonly logger = new Logger(MailCredentialsService.name);

  constructor(
    private readonly domains: MailDomainsService,
    @Inject(MAIL_BRIDGE_CONFIG) private readonly config: MailBridgeConfig,
  ) {}

  /** `orgId` is the signing-in user's organisation: only its own server for the domain counts. */
  async check(email: string, password: string, orgId: string): Promise<CredentialCheck> {
    const server = await this.domains.forAddress(email, orgId);
    if (!server) {
      return 'unknown_domain';
    }
    const started = Date.now();
    const outcome = await imapLogin(server, email, password, this.config.mailLogin.timeoutMs);
    const fields = { domain: server.domain, host: server.host, ms: Date.now() - started };
    if (outcome.result === 'unavailable') {
      this.logger.warn({ ...fields, reason: outcome.reason }, 'mail server unavailable for login');
      throw MailCredentialsError.serverUnavailable(server.domain, RETRY_AFTER_SECONDS);
    }
    this.logger.log({ ...fields, result: outcome.result }, 'mail credentials checked');

    return outcome.result === 'ok' ? 'ok' : 'bad_credentials';
  }
}
