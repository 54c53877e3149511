import { OperationError } from './login-load';

export interface Grant {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
  secondFactor: 'not_required' | 'pending' | 'enrolment_required';
}

/** The gateway's public API (`/api/v1`), as a client calls it; every answer is checked. */
export class GatewayApi {
  constructor(readonly gatewayUrl: string) {}

  async call<T>(
    method: string,
    path: string,
    expected: number,
    options: { body?: unknown; token?: string } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
    }
    const response = await fetch(`${this.gatewayUrl}/api/v1${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (response.status !== expected) {
      let code = `http_${response.status}`;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? code;
      } catch {
        // Not JSON: the status names the failure.
      }
      throw new OperationError(`${method} ${path.split('?')[0]}: ${code}`);
    }

    return (text ? JSON.parse(text) : undefined) as T;
  }

  login(email: string, password: string, deviceName: string): Promise<Grant> {
    return this.call<Grant>('POST', '/auth/login', 200, {
      body: { email, password, deviceName },
    });
  }
}
