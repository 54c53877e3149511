import { ConferError } from './confer-error';
import { AuthError, RequestError } from './request-errors';

describe(ConferError.name, () => {
  it('maps each kind to its HTTP status', () => {
    expect(RequestError.malformed('x').httpStatus).toBe(400);
    expect(AuthError.missingToken().httpStatus).toBe(401);
    expect(AuthError.forbidden('no').httpStatus).toBe(403);
    expect(RequestError.tooLarge('big').httpStatus).toBe(413);
    expect(RequestError.unsupportedMediaType('text/plain').httpStatus).toBe(415);
    expect(RequestError.unavailable('messaging', 2).httpStatus).toBe(503);
  });

  it('keeps the subclass name and the cause', () => {
    const cause = new Error('socket closed');
    const error = RequestError.unavailable('messaging', 2, cause);

    expect(error.name).toBe('RequestError');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ dependency: 'messaging', retryAfterSeconds: 2 });
  });
});
