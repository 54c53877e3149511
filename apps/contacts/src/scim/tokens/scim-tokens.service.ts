import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { OutboxPublisher, recordAudit } from '@confer/events';
import { Caller } from '@confer/grpc';

import { isUuid } from '../../persistence/postgres-errors';
import { ORG_ADMIN_ROLE } from '../../users/user-input';
import { ScimContext } from '../scim-context';
import { ScimError, ScimTokenError } from '../scim.errors';

export interface ScimTokenView {
  id: string;
  orgId: string;
  name: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Valid tokens an organisation may hold at once: enough for a few clients and a rotation. */
export const MAX_ACTIVE_TOKENS = 20;
export const MAX_TOKEN_NAME_LENGTH = 100;
/** last_used_at is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_SECONDS = 60;
/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
const SECRET_PREFIX = 'confer_scim_';

const CONTROL_CHARACTERS = /\p{Cc}/u;

interface TokenRow {
  id: string;
  org_id: string;
  name: string;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/**
 * The organisations' SCIM bearer tokens. The secret is shown once, when made;
 * only its SHA-256 is stored (256 random bits need no slow hash), so a copy of
 * the database authenticates nobody. Creating and revoking are audited.
 */
@Injectable()
export class ScimTokensService {
  private readonly logger = new Logger(ScimTokensService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
  ) {}

  /** `clientIp`, here and at revoke: the administrator's address, for the audit line. */
  async create(
    caller: Caller,
    name: string,
    clientIp?: string,
  ): Promise<{ token: ScimTokenView; secret: string }> {
    requireAdmin(caller);
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > MAX_TOKEN_NAME_LENGTH || CONTROL_CHARACTERS.test(trimmed)) {
      throw ScimTokenError.invalidName(MAX_TOKEN_NAME_LENGTH);
    }
    const id = randomUUID();
    const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.dataSource.transaction(async (manager) => {
      // Serialises token creation per organisation so the limit holds under concurrency.
      await manager.query('SELECT id FROM organisations WHERE id = $1 FOR UPDATE', [caller.orgId]);
      const [{ active }]: { active: number }[] = await manager.query(
        'SELECT count(*)::int AS active FROM scim_tokens WHERE org_id = $1 AND revoked_at IS NULL',
        [caller.orgId],
      );
      if (active >= MAX_ACTIVE_TOKENS) {
        throw ScimTokenError.tooMany(MAX_ACTIVE_TOKENS);
      }
      await manager.query(
        `INSERT INTO scim_tokens (id, org_id, name, token_hash, created_by)
         VALUES ($1, $2, $3, $4, $5)`,
        [id, caller.orgId, trimmed, hashOf(secret), caller.userId],
      );
      await recordAudit(manager, this.outbox, {
        orgId: caller.orgId,
        actorId: caller.userId,
        action: 'settings.scim_token_created',
        details: { scimClientId: id, name: trimmed },
        clientIp,
      });
    });
    this.outbox.notify();
    this.logger.log(
      { orgId: caller.orgId, scimClientId: id, userId: caller.userId },
      'scim token created',
    );

    return { token: await this.view(id), secret };
  }

  async list(caller: Caller): Promise<ScimTokenView[]> {
    requireAdmin(caller);
    // Served by scim_tokens_org_created_idx.
    const rows: TokenRow[] = await this.dataSource.query(
      `SELECT id, org_id, name, created_by, created_at, last_used_at, revoked_at
         FROM scim_tokens WHERE org_id = $1 ORDER BY created_at DESC, id`,
      [caller.orgId],
    );

    return rows.map(toView);
  }

  /** Revokes at once: the next request with the secret is refused. Revoking twice changes nothing. */
  async revoke(caller: Caller, id: string, clientIp?: string): Promise<ScimTokenView> {
    requireAdmin(caller);
    if (!isUuid(id)) {
      throw ScimTokenError.notFound(id);
    }
    const revoked = await this.dataSource.transaction(async (manager) => {
      const [row]: TokenRow[] = await manager.query(
        'SELECT id, revoked_at FROM scim_tokens WHERE id = $1 AND org_id = $2 FOR UPDATE',
        [id, caller.orgId],
      );
      if (!row) {
        throw ScimTokenError.notFound(id);
      }
      if (row.revoked_at) {
        return false;
      }
      await manager.query('UPDATE scim_tokens SET revoked_at = now() WHERE id = $1', [id]);
      await recordAudit(manager, this.outbox, {
        orgId: caller.orgId,
        actorId: caller.userId,
        action: 'settings.scim_token_revoked',
        details: { scimClientId: id },
        clientIp,
      });

      return true;
    });
    if (revoked) {
      this.outbox.notify();
      this.logger.log(
        { orgId: caller.orgId, scimClientId: id, userId: caller.userId },
        'scim token revoked',
      );
    }

    return this.view(id);
  }

  /** The organisation a presented secret acts for, or ScimError unauthorized. */
  async authenticate(secret: string, baseUrl: string): Promise<ScimContext> {
    if (!secret.startsWith(SECRET_PREFIX)) {
      throw ScimError.unauthorized();
    }
    // Served by scim_tokens_hash_key.
    const [row]: { id: string; org_id: string; domain: string }[] = await this.dataSource.query(
      `SELECT t.id, t.org_id, o.domain FROM scim_tokens t JOIN organisations o ON o.id = t.org_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [hashOf(secret)],
    );
    if (!row) {
      throw ScimError.unauthorized();
    }
    await this.dataSource.query(
      `UPDATE scim_tokens SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL
          OR last_used_at < now() - make_interval(secs => $2))`,
      [row.id, LAST_USED_RESOLUTION_SECONDS],
    );

    return { orgId: row.org_id, domain: row.domain, tokenId: row.id, baseUrl };
  }

  private async view(id: string): Promise<ScimTokenView> {
    const [row]: TokenRow[] = await this.dataSource.query(
      `SELECT id, org_id, name, created_by, created_at, last_used_at, revoked_at
         FROM scim_tokens WHERE id = $1`,
      [id],
    );

    return toView(row);
  }
}

function requireAdmin(caller: Caller): void {
  if (!caller.roles.includes(ORG_ADMIN_ROLE) || !isUuid(caller.orgId) || !isUuid(caller.userId)) {
    throw ScimTokenError.forbidden();
  }
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function toView(row: TokenRow): ScimTokenView {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
