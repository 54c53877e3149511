/**
 * A small client of the gateway's HTTP API, for tools, benchmarks and tests
 * that act as a person's device would: log in, create, send, read.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface LoginResult {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  userId: string;
  orgId: string;
}

export interface ApiUser {
  id: string;
  orgId: string;
  email: string;
  displayName: string;
}

export interface ApiConversation {
  id: string;
  kind: string;
  title: string;
  ownerId: string;
  lastSeq: number;
  readSeq: number;
  memberCount: number;
}

export interface ApiMessage {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  kind: string;
  text?: string;
  emoji?: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token?: string,
  ) {}

  get accessToken(): string | undefined {
    return this.token;
  }

  /** Logs in and keeps the token for later calls. */
  async login(email: string, password: string, deviceName = 'confer-tool'): Promise<LoginResult> {
    const result = await this.request<LoginResult>('POST', '/api/v1/auth/login', {
      email,
      password,
      deviceName,
    });
    this.token = result.accessToken;

    return result;
  }

  createUser(input: {
    email: string;
    displayName: string;
    password: string;
    roles?: string[];
  }): Promise<ApiUser> {
    return this.request('POST', '/api/v1/users', input);
  }

  createGroup(title: string, memberIds: string[]): Promise<ApiConversation> {
    return this.request('POST', '/api/v1/conversations', { title, memberIds });
  }

  addMembers(conversationId: string, userIds: string[]): Promise<ApiConversation> {
    return this.request('POST', `/api/v1/conversations/${conversationId}/members`, { userIds });
  }

  async leave(conversationId: string): Promise<void> {
    await this.request('POST', `/api/v1/conversations/${conversationId}/leave`);
  }

  getConversation(conversationId: string): Promise<ApiConversation> {
    return this.request('GET', `/api/v1/conversations/${conversationId}`);
  }

  sendText(
    conversationId: string,
    clientMessageId: string,
    text: string,
  ): Promise<{ message: ApiMessage }> {
    return this.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
      clientMessageId,
      kind: 'text',
      text,
    });
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
        ?.error;
      throw new ApiError(
        response.status,
        error?.code ?? 'unknown',
        error?.message ?? `HTTP ${response.status}`,
        error?.details,
      );
    }

    return parsed as T;
  }
}
