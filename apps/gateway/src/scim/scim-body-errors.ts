import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

import { sendScimError } from './scim-error.filter';

const logger = new Logger('ScimBodyErrors');

/**
 * Express error middleware for /scim/v2: a body refused before any route runs
 * (not JSON, too large, a media type other than JSON or SCIM JSON) is answered
 * in SCIM's error format, as the route's own errors are.
 */
export function scimBodyErrors(
  error: unknown,
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (response.headersSent) {
    next(error);

    return;
  }
  sendScimError(request, response, error, logger);
}
