import { ConferError, ErrorKind } from '@confer/errors';

/** The scimType values of RFC 7644 section 3.12 that this service answers. */
export type ScimType =
  | 'invalidFilter'
  | 'invalidSyntax'
  | 'invalidValue'
  | 'invalidPath'
  | 'noTarget'
  | 'mutability'
  | 'uniqueness'
  | 'tooMany';

/**
 * A SCIM failure. The code is `scim.<what>`; details carry the HTTP status and
 * the scimType the gateway puts in the RFC 7644 error body, because SCIM needs
 * statuses (412) the platform's error kinds do not have.
 */
export class ScimError extends ConferError {
  private constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    scimStatus: number,
    scimType?: ScimType,
    options?: { cause?: unknown },
  ) {
    super(kind, code, message, { scimStatus, ...(scimType ? { scimType } : {}) }, options);
  }

  static unauthorized(): ScimError {
    return new ScimError(
      'unauthenticated',
      'scim.unauthorized',
      'A valid SCIM bearer token of the organisation is required.',
      401,
    );
  }

  static invalidFilter(message: string, options?: { cause?: unknown }): ScimError {
    return new ScimError(
      'malformed',
      'scim.invalid_filter',
      message,
      400,
      'invalidFilter',
      options,
    );
  }

  static invalidSyntax(message: string): ScimError {
    return new ScimError('malformed', 'scim.invalid_syntax', message, 400, 'invalidSyntax');
  }

  static invalidValue(message: string): ScimError {
    return new ScimError('malformed', 'scim.invalid_value', message, 400, 'invalidValue');
  }

  static invalidPath(message: string): ScimError {
    return new ScimError('malformed', 'scim.invalid_path', message, 400, 'invalidPath');
  }

  static noTarget(message: string): ScimError {
    return new ScimError('malformed', 'scim.no_target', message, 400, 'noTarget');
  }

  static mutability(attribute: string): ScimError {
    return new ScimError(
      'malformed',
      'scim.mutability',
      `The attribute "${attribute}" cannot be changed.`,
      400,
      'mutability',
    );
  }

  static uniqueness(message: string): ScimError {
    return new ScimError('conflict', 'scim.uniqueness', message, 409, 'uniqueness');
  }

  static tooMany(message: string): ScimError {
    return new ScimError('malformed', 'scim.too_many', message, 400, 'tooMany');
  }

  static notFound(resource: string, id: string): ScimError {
    return new ScimError('not_found', 'scim.not_found', `${resource} ${id} not found.`, 404);
  }

  /** Deleting a department would delete the departments below it with it. */
  static groupHasChildren(id: string): ScimError {
    return new ScimError(
      'conflict',
      'scim.group_has_children',
      `Group ${id} has sub-groups; delete or move them first.`,
      409,
    );
  }

  static versionMismatch(): ScimError {
    return new ScimError(
      'conflict',
      'scim.version_mismatch',
      'The resource has changed since the version named in If-Match.',
      412,
    );
  }
}

export class ScimTokenError extends ConferError {
  static notFound(id: string): ScimTokenError {
    return new ScimTokenError('not_found', 'scim_token.not_found', 'No such SCIM token.', { id });
  }

  static forbidden(): ScimTokenError {
    return new ScimTokenError(
      'forbidden',
      'scim_token.forbidden',
      'Only an administrator of the organisation may manage SCIM tokens.',
    );
  }

  static invalidName(max: number): ScimTokenError {
    return new ScimTokenError(
      'invalid',
      'scim_token.invalid_name',
      `A token name must be 1 to ${max} printable characters.`,
      { max },
    );
  }

  static tooMany(max: number): ScimTokenError {
    return new ScimTokenError(
      'conflict',
      'scim_token.too_many',
      `An organisation may hold at most ${max} valid SCIM tokens; revoke one first.`,
      { max },
    );
  }
}
