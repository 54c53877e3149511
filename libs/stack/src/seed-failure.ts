import { isConferError } from '@confer/errors';

import { GatewayCallError } from './gateway-client';

/**
 * Why a seeding failed, on one line and without a stack: the error's code
 * (with the HTTP status of a failed gateway call) and its message, so an
 * operator can look the code up in the API reference or the app's log.
 */
export function describeSeedFailure(error: unknown): string {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  if (error instanceof GatewayCallError) {
    return `${error.code} (HTTP ${error.status}): ${oneLine(error.message)}`;
  }
  if (isConferError(error)) {
    return `${error.code}: ${oneLine(error.message)}`;
  }
  if (error instanceof Error) {
    return `${error.name}: ${oneLine(error.message)}`;
  }

  return oneLine(String(error));
}
