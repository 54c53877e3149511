import { randomUUID } from 'node:crypto';

import { SYSTEM_USER_ID, systemCaller } from '@confer/grpc';

import { AuthClient } from '../clients/service-clients';

/** The issuer's public keys (a JWK Set document) and the claims tokens must carry. */
export interface IssuerKeys {
  jwks: { keys: Array<Record<string, unknown>> };
  issuer: string;
  audience: string;
}

/** Where the built-in verifier gets its keys; a fake in tests. */
export interface JwksSource {
  fetch(): Promise<IssuerKeys>;
}

/** Reads the built-in issuer's keys from auth-2fa over gRPC, as the platform itself. */
export class AuthServiceJwksSource implements JwksSource {
  constructor(private readonly auth: AuthClient) {}

  async fetch(): Promise<IssuerKeys> {
    const answer = await this.auth.getJwks(systemCaller(SYSTEM_USER_ID, randomUUID()), {});

    return {
      jwks: JSON.parse(answer.json) as IssuerKeys['jwks'],
      issuer: answer.issuer,
      audience: answer.audience,
    };
  }
}
