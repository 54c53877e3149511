import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';

/** A person the issuer can sign in with the password grant. */
export interface KeycloakTestUser {
  username: string;
  password: string;
  email: string;
  emailVerified?: boolean;
  realmRoles?: string[];
  /** Fixed `sub`; a random UUID when absent. */
  id?: string;
}

export interface KeycloakIssuerOptions {
  realm?: string;
  /** The client tokens are issued to (`azp`, and in `aud` through an audience mapper). */
  clientId?: string;
  /** Access-token lifetime in seconds (Keycloak's default is 300). */
  tokenLifetimeSeconds?: number;
}

/** Claims to change in one issued token; `undefined` removes a claim. */
export type ClaimOverrides = Record<string, unknown>;

export interface IssueOptions {
  /** Sign with this key id instead of the current one (it must still be held). */
  kid?: string;
}

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

/**
 * A stand-in for one Keycloak realm on loopback, for tests and the
 * benchmark: Keycloak's paths (`/realms/{realm}/.well-known/openid-configuration`,
 * `…/protocol/openid-connect/certs`, `…/token` with the password grant) and
 * Keycloak's access-token claims (`iss` = realm URL, `typ: Bearer`, `azp`,
 * `aud`, `realm_access.roles`, `email`, `email_verified`,
 * `preferred_username`, `sid`), signed RS256 with a `kid`.
 *
 * Built on jose rather than oidc-provider: oidc-provider issues RFC 9068
 * access tokens (`at+jwt`, `client_id`), has no password grant, and cannot
 * sign the expired, not-yet-valid or foreign-audience tokens the tests need.
 *
 * Keys rotate like a realm's: `rotateKey()` adds a new current key and keeps
 * the old one published until `removeKey()`.
 */
export class KeycloakTestIssuer {
  readonly realm: string;
  readonly clientId: string;
  private readonly lifetimeSeconds: number;
  private readonly keys: SigningKey[] = [];
  private readonly users = new Map<string, KeycloakTestUser & { id: string }>();
  private server?: Server;
  private baseUrl = '';
  /** How many times the certs endpoint was read: rotation tests count refetches. */
  certsRequests = 0;

  private constructor(options: KeycloakIssuerOptions) {
    this.realm = options.realm ?? 'confer';
    this.clientId = options.clientId ?? 'confer-web';
    this.lifetimeSeconds = options.tokenLifetimeSeconds ?? 300;
  }

  /** Starts an issuer on a free loopback port with one signing key. */
  static async start(options: KeycloakIssuerOptions = {}): Promise<KeycloakTestIssuer> {
    const issuer = new KeycloakTestIssuer(options);
    await issuer.rotateKey();
    await issuer.listen();

    return issuer;
  }

  /** The server's base URL: what KEYCLOAK_URL is set to. */
  get url(): string {
    return this.baseUrl;
  }

  /** `<url>/realms/<realm>`: the tokens' `iss`. */
  get realmUrl(): string {
    return `${this.baseUrl}/realms/${this.realm}`;
  }

  get currentKid(): string {
    return this.keys[this.keys.length - 1].kid;
  }

  get publishedKids(): string[] {
    return this.keys.map((key) => key.kid);
  }

  addUser(user: KeycloakTestUser): KeycloakTestUser & { id: string } {
    const stored = { ...user, id: user.id ?? randomUUID() };
    this.users.set(user.username, stored);

    return stored;
  }

  /** Adds a new signing key and makes it current; the previous keys stay published. */
  async rotateKey(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    this.keys.push({ kid, privateKey, publicJwk });

    return kid;
  }

  /** Stops publishing a key, as a realm does once its rotation is over. */
  removeKey(kid: string): void {
    const index = this.keys.findIndex((key) => key.kid === kid);
    if (index >= 0 && this.keys.length > 1) {
      this.keys.splice(index, 1);
    }
  }

  /** A Keycloak-shaped access token for this user, with claims changed as asked. */
  async issue(
    user: KeycloakTestUser,
    overrides: ClaimOverrides = {},
    options: IssueOptions = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const id = user.id ?? this.users.get(user.username)?.id ?? randomUUID();
    const claims: Record<string, unknown> = {
      exp: now + this.lifetimeSeconds,
      iat: now,
      jti: randomUUID(),
      iss: this.realmUrl,
      // An audience mapper puts the client in `aud` next to Keycloak's default `account`.
      aud: [this.clientId, 'account'],
      sub: id,
      typ: 'Bearer',
      azp: this.clientId,
      sid: randomUUID(),
      acr: '1',
      realm_access: { roles: ['default-roles-' + this.realm, ...(user.realmRoles ?? [])] },
      resource_access: { account: { roles: ['manage-account', 'view-profile'] } },
      scope: 'openid profile email',
      email_verified: user.emailVerified ?? true,
      preferred_username: user.username,
      email: user.email,
      ...overrides,
    };
    for (const [name, value] of Object.entries(claims)) {
      if (value === undefined) {
        delete claims[name];
      }
    }
    const key = this.keys.find((candidate) => candidate.kid === (options.kid ?? this.currentKid));
    if (!key) {
      throw new Error(`the issuer holds no key ${options.kid}`);
    }

    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  private async listen(): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch(() => send(response, 500, { error: 'server_error' }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', this.baseUrl).pathname;
    const realmPath = `/realms/${this.realm}`;
    const oidc = `${realmPath}/protocol/openid-connect`;
    if (request.method === 'GET' && path === `${realmPath}/.well-known/openid-configuration`) {
      return send(response, 200, {
        issuer: this.realmUrl,
        jwks_uri: `${this.baseUrl}${oidc}/certs`,
        token_endpoint: `${this.baseUrl}${oidc}/token`,
        grant_types_supported: ['password'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (request.method === 'GET' && path === `${oidc}/certs`) {
      this.certsRequests += 1;

      return send(response, 200, { keys: this.keys.map((key) => key.publicJwk) });
    }
    if (request.method === 'POST' && path === `${oidc}/token`) {
      return this.passwordGrant(new URLSearchParams(await readBody(request)), response);
    }

    return send(response, 404, { error: 'not_found' });
  }

  private async passwordGrant(form: URLSearchParams, response: ServerResponse): Promise<void> {
    const user = this.users.get(form.get('username') ?? '');
    if (form.get('grant_type') !== 'password' || form.get('client_id') !== this.clientId) {
      return send(response, 400, { error: 'unauthorized_client' });
    }
    if (!user || user.password !== form.get('password')) {
      return send(response, 401, {
        error: 'invalid_grant',
        error_description: 'Invalid user credentials',
      });
    }

    return send(response, 200, {
      access_token: await this.issue(user),
      expires_in: this.lifetimeSeconds,
      token_type: 'Bearer',
      scope: 'openid profile email',
    });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 64 * 1024) {
      break;
    }
  }

  return text;
}
