/** A failed gateway call: the API's error code and the HTTP status. */
export class GatewayCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayCallError';
  }
}

export interface GatewayRequest {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the gateway's public API (`/api/v1` + path) and returns the JSON body. */
export async function callGateway<T>(
  gatewayUrl: string,
  path: string,
  request: GatewayRequest = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (request.token) {
    headers.authorization = `Bearer ${request.token}`;
  }
  const method = request.method ?? (request.body === undefined ? 'GET' : 'POST');
  const response = await fetch(`${gatewayUrl}/api/v1${path}`, {
    method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new GatewayCallError(
      response.status,
      error?.code ?? 'unknown',
      `${method} ${path} answered ${response.status}: ${error?.message ?? text}`,
    );
  }

  return json as T;
}

export interface LoginResult {
  accessToken: string;
  userId: string;
  orgId: string;
}

export function login(gatewayUrl: string, email: string, password: string): Promise<LoginResult> {
  return callGateway<LoginResult>(gatewayUrl, '/auth/login', {
    body: { email, password, deviceName: 'confer-seed' },
  });
}
