import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { OutboxPublisher, recordAudit } from '@confer/events';
import { Caller, isSystemCaller } from '@confer/grpc';

import { MailDomainInput, normaliseDomain, validateMailDomain } from './mail-domain-input';
import { MailDomain } from './mail-domain.entity';
import { MailDomainError } from './mail-domains.errors';

const ORG_ADMIN_ROLE = 'org_admin';
const AUDIT_ACTION = 'settings.mail_domain_changed';

/**
 * Which IMAP server serves each domain. An organisation's administrators set
 * and see their own domains only; a domain belongs to the organisation that
 * set it first. Every change is an audit line, written in its transaction.
 */
@Injectable()
export class MailDomainsService {
  private readonly logger = new Logger(MailDomainsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
  ) {}

  async list(caller: Caller): Promise<MailDomain[]> {
    requireAdmin(caller);

    // Served by mail_domains_org.
    return this.dataSource
      .getRepository(MailDomain)
      .find({ where: { orgId: caller.orgId }, order: { domain: 'ASC' } });
  }

  /** The caller organisation's domain; the platform may read any (the login check does). */
  async get(caller: Caller, domainName: string): Promise<MailDomain> {
    if (!isSystemCaller(caller)) {
      requireAdmin(caller);
    }
    const domain = normaliseDomain(domainName) ?? domainName;
    const found = await this.dataSource.getRepository(MailDomain).findOneBy({ domain });
    if (!found || (!isSystemCaller(caller) && found.orgId !== caller.orgId)) {
      throw MailDomainError.notFound(domain);
    }

    return found;
  }

  /**
   * The server an organisation set for an address's domain, or undefined when
   * it set none (platform use). A domain held by another organisation is not
   * this organisation's server: whoever holds a domain must not be the one to
   * vouch for the passwords of another organisation's people.
   */
  async forAddress(email: string, orgId: string): Promise<MailDomain | undefined> {
    const domain = normaliseDomain(email.slice(email.lastIndexOf('@') + 1));
    if (!domain || !email.includes('@') || !orgId) {
      return undefined;
    }
    const found = await this.dataSource.getRepository(MailDomain).findOneBy({ domain });

    return found && found.orgId === orgId ? found : undefined;
  }

  /** Creates or replaces a domain's settings. */
  async put(caller: Caller, input: MailDomainInput, clientIp = ''): Promise<MailDomain> {
    requireAdmin(caller);
    const valid = validateMailDomain(input);
    const saved = await this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOneBy(MailDomain, { domain: valid.domain });
      if (existing && existing.orgId !== caller.orgId) {
        throw MailDomainError.taken(valid.domain);
      }
      const now = new Date();
      // Only the owning organisation's row is updated; two first writes racing
      // both insert, and the loser's conflicting insert updates nothing.
      const rows: Array<{ domain: string }> = await manager.query(
        `INSERT INTO mail_domains
           (domain, org_id, host, port, tls, reject_unauthorized, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (domain) DO UPDATE SET
           host = EXCLUDED.host, port = EXCLUDED.port, tls = EXCLUDED.tls,
           reject_unauthorized = EXCLUDED.reject_unauthorized,
           updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
         WHERE mail_domains.org_id = EXCLUDED.org_id
         RETURNING domain`,
        [
          valid.domain,
          caller.orgId,
          valid.host,
          valid.port,
          valid.tls,
          valid.rejectUnauthorized,
          now,
          caller.userId,
        ],
      );
      if (rows.length === 0) {
        throw MailDomainError.taken(valid.domain);
      }
      const row = manager.create(MailDomain, {
        ...valid,
        orgId: caller.orgId,
        updatedAt: now,
        updatedBy: caller.userId,
      });
      await recordAudit(manager, this.outbox, {
        orgId: caller.orgId,
        actorId: caller.userId,
        action: AUDIT_ACTION,
        details: {
          domain: valid.domain,
          change: existing ? 'updated' : 'created',
          host: valid.host,
          port: valid.port,
          tls: valid.tls,
          rejectUnauthorized: valid.rejectUnauthorized,
        },
        clientIp,
      });

      return row;
    });
    this.outbox.notify();
    this.logger.log(
      { domain: saved.domain, orgId: caller.orgId, userId: caller.userId },
      'mail domain saved',
    );

    return saved;
  }

  async delete(caller: Caller, domainName: string, clientIp = ''): Promise<void> {
    requireAdmin(caller);
    const domain = normaliseDomain(domainName) ?? domainName;
    await this.dataSource.transaction(async (manager) => {
      const deleted: [unknown[], number] = await manager.query(
        `DELETE FROM mail_domains WHERE domain = $1 AND org_id = $2 RETURNING domain`,
        [domain, caller.orgId],
      );
      if (deleted[1] === 0) {
        throw MailDomainError.notFound(domain);
      }
      await recordAudit(manager, this.outbox, {
        orgId: caller.orgId,
        actorId: caller.userId,
        action: AUDIT_ACTION,
        details: { domain, change: 'deleted' },
        clientIp,
      });
    });
    this.outbox.notify();
    this.logger.log({ domain, orgId: caller.orgId, userId: caller.userId }, 'mail domain deleted');
  }
}

function requireAdmin(caller: Caller): void {
  if (!caller.roles.includes(ORG_ADMIN_ROLE)) {
    throw MailDomainError.forbidden();
  }
}
