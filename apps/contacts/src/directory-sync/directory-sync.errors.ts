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
