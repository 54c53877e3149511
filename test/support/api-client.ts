import { randomUUID } from 'node:crypto';

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** The error body every endpoint answers with. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    correlationId: string;
  };
}

/**
 * The gateway's HTTP API as a client sees it, signed in or not. Requests
 * return status, body and headers and never throw on an error status, so a
 * spec asserts on exactly what the API answered.
 */
export class ApiClient {
  constructor(
    readonly gatewayUrl: string,
    readonly token?: string,
    readonly userId?: string,
  ) {}

  /** Signs in through POST /auth/login and returns a client that sends the token. */
  static async login(gatewayUrl: string, email: string, password: string): Promise<ApiClient> {
    const response = await new ApiClient(gatewayUrl).post<{ accessToken: string; userId: string }>(
      '/auth/login',
      { email, password, deviceName: 'e2e' },
    );
    if (response.status !== 200) {
      throw new Error(
        `login of ${email} answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }

    return new ApiClient(gatewayUrl, response.body.accessToken, response.body.userId);
  }

  get<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = unknown>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  delete<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  /** A GET outside the API's base path: `/health/ready`, `/api/docs`. */
  getOutsideApi<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.send<T>('GET', `${this.gatewayUrl}${path}`);
  }

  /** Any method on `/api/v1` + path. */
  request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.send<T>(method, `${this.gatewayUrl}/api/v1${path}`, body, headers);
  }

  private async send<T>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a docs page): the text itself.
    }

    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
  /** Signed in as this user. */
  api: ApiClient;
}

/**
 * Creates a user in the demo organisation through POST /users (as its
 * org_admin) with a unique address, and signs them in.
 */
export async function createUser(
  admin: ApiClient,
  options: { displayName?: string; roles?: string[] } = {},
): Promise<TestUser> {
  const local = `e2e.${randomUUID().slice(0, 8)}`;
  const email = `${local}@demo.confer.example`;
  const password = `pw-${randomUUID()}`;
  const displayName = options.displayName ?? `E2E ${local}`;
  const response = await admin.post<{ id: string }>('/users', {
    email,
    displayName,
    password,
    ...(options.roles ? { roles: options.roles } : {}),
  });
  if (response.status !== 201) {
    throw new Error(`POST /users answered ${response.status}: ${JSON.stringify(response.body)}`);
  }

  return {
    id: response.body.id,
    email,
    password,
    displayName,
    api: await ApiClient.login(admin.gatewayUrl, email, password),
  };
}

/**
 * Sends a body exactly as given (not JSON-encoded by the client): malformed
 * JSON, oversize bodies. Answers like ApiClient's calls.
 */
export async function sendRawBody<T = ApiErrorBody>(
  api: ApiClient,
  method: string,
  path: string,
  rawBody: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${api.gatewayUrl}/api/v1${path}`, {
    method,
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
      ...headers,
    },
    body: rawBody,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: the text itself.
  }

  return { status: response.status, body: parsed as T, headers: response.headers };
}
