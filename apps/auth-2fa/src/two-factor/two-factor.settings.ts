import { TwoFactorConfig } from './two-factor.config';

/** The second factor's configuration, injectable in its services (the keys go to SecretCipher). */
export type TwoFactorSettings = Omit<TwoFactorConfig, 'secretKeys'>;

export const TWO_FACTOR_SETTINGS = Symbol('TWO_FACTOR_SETTINGS');
