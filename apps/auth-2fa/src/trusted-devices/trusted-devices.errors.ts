import { ConferError } from '@confer/errors';

export class TrustedDeviceError extends ConferError {
  static notFound(): TrustedDeviceError {
    return new TrustedDeviceError(
      'not_found',
      'two_factor.trusted_device_not_found',
      'No such trusted device.',
    );
  }
}
