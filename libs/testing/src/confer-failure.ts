import { ConferError } from '@confer/errors';

/** The ConferError a call fails with; anything else, or success, fails the test. */
export async function conferFailure(call: Promise<unknown>): Promise<ConferError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ConferError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}
