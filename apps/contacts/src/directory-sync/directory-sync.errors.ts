import { ConferError } from '@confer/errors';

/** Refusals of the sync API. */
export class DirectorySyncError extends ConferError {
  static notConfigured(orgId: string): DirectorySyncError {
    return new DirectorySyncError(
      'invalid',
      'directory_sync.not_configured',
      'No directory server is configured for this organisation.',
      { orgId },
    );
  }

  static alreadyRunning(orgId: string): DirectorySyncError {
    return new DirectorySyncError(
      'conflict',
      'directory_sync.already_running',
      'A directory sync of this organisation is already running.',
      { orgId },
    );
  }

  static runNotFound(id: string): DirectorySyncError {
    return new DirectorySyncError(
      'not_found',
      'directory_sync.run_not_found',
      'No such sync run.',
      {
        id,
      },
    );
  }

  static queueUnavailable(cause: unknown): DirectorySyncError {
    return new DirectorySyncError(
      'unavailable',
      'directory_sync.queue_unavailable',
      'The sync could not be queued; try again shortly.',
      {},
      { cause },
    );
  }

  /** A run that ended while a second delivery of its job was starting; internal only. */
  static runOver(id: string): DirectorySyncError {
    return new DirectorySyncError('conflict', 'directory_sync.run_over', 'The run is over.', {
      id,
    });
  }

  static forbidden(): DirectorySyncError {
    return new DirectorySyncError(
      'forbidden',
      'directory_sync.forbidden',
      'Only an administrator of the organisation may run a directory sync.',
    );
  }
}

/** Why a run failed as a whole; stored with the run as its error code and message. */
export class SyncRunError extends ConferError {
  static bindFailed(bindDn: string, cause: unknown): SyncRunError {
    return new SyncRunError(
      'unavailable',
      'ldap.bind_failed',
      'The directory server refused the bind DN or password.',
      { bindDn },
      { cause },
    );
  }

  static unavailable(cause: unknown): SyncRunError {
    return new SyncRunError(
      'unavailable',
      'ldap.unavailable',
      'The directory server could not be reached or dropped the connection.',
      {},
      { cause },
    );
  }

  static searchFailed(resultCode: number, cause: unknown): SyncRunError {
    return new SyncRunError(
      'unavailable',
      'ldap.search_failed',
      `The directory server refused a search (LDAP result code ${resultCode}).`,
      { resultCode },
      { cause },
    );
  }
}

/** Refusals of the directory settings API. */
export class LdapSettingsError extends ConferError {
  static invalid(fields: Record<string, string[]>): LdapSettingsError {
    return new LdapSettingsError(
      'invalid',
      'ldap_settings.invalid',
      'The directory settings have invalid fields; nothing was changed.',
      { fields },
    );
  }

  static notConfigured(orgId: string): LdapSettingsError {
    return new LdapSettingsError(
      'not_found',
      'ldap_settings.not_configured',
      'No directory server is configured for this organisation.',
      { orgId },
    );
  }

  static forbidden(): LdapSettingsError {
    return new LdapSettingsError(
      'forbidden',
      'ldap_settings.forbidden',
      'Only an administrator of the organisation may read or change its directory settings.',
    );
  }
}
