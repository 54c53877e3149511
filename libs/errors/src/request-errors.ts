import { ConferError, ErrorDetails } from './confer-error';

/** Errors about the request itself rather than any feature. */
export class RequestError extends ConferError {
  static malformed(message: string, details?: ErrorDetails): RequestError {
    return new RequestError('malformed', 'request.malformed', message, details);
  }

  static invalid(message: string, details?: ErrorDetails): RequestError {
    return new RequestError('malformed', 'request.invalid', message, details);
  }

  static tooLarge(message: string, details?: ErrorDetails): RequestError {
    return new RequestError('too_large', 'request.too_large', message, details);
  }

  /** The API reads JSON only; any other body type is refused before it is parsed. */
  static unsupportedMediaType(contentType: string): RequestError {
    return new RequestError(
      'unsupported_media_type',
      'request.unsupported_media_type',
      'Request bodies must be application/json.',
      { contentType },
    );
  }

  static routeNotFound(method: string, path: string): RequestError {
    return new RequestError(
      'not_found',
      'request.route_not_found',
      `No endpoint ${method} ${path}.`,
    );
  }

  static unavailable(dependency: string, retryAfterSeconds: number, cause?: unknown): RequestError {
    return new RequestError(
      'unavailable',
      'service.unavailable',
      `A service this request needs (${dependency}) is not answering; try again shortly.`,
      { dependency, retryAfterSeconds },
      { cause },
    );
  }
}

export class AuthError extends ConferError {
  static missingToken(): AuthError {
    return new AuthError('unauthenticated', 'auth.token_missing', 'A bearer token is required.');
  }

  static invalidToken(reason: string): AuthError {
    return new AuthError(
      'unauthenticated',
      'auth.token_invalid',
      'The bearer token is not valid.',
      {
        reason,
      },
    );
  }

  static expiredToken(): AuthError {
    return new AuthError('unauthenticated', 'auth.token_expired', 'The bearer token has expired.');
  }

  static badCredentials(): AuthError {
    return new AuthError(
      'unauthenticated',
      'auth.bad_credentials',
      'The e-mail address or password is wrong.',
    );
  }

  /** A token from a trusted outside issuer whose verified address names no active directory user. */
  static unknownUser(): AuthError {
    return new AuthError(
      'unauthenticated',
      'auth.unknown_user',
      'No active Confer user has the e-mail address this token was issued for.',
    );
  }

  static forbidden(message: string): AuthError {
    return new AuthError('forbidden', 'auth.forbidden', message);
  }

  static missingCaller(): AuthError {
    return new AuthError(
      'unauthenticated',
      'auth.caller_missing',
      'The call carries no caller identity.',
    );
  }
}
