import WebSocket from 'ws';

/** A frame as the gateway sends it on /api/v1/live. */
export interface LiveFrame {
  type: string;
  seq?: number;
  id?: string;
  data?: unknown;
  error?: { code: string; message: string };
}

/**
 * A device's WebSocket to /api/v1/live: keeps every frame received, in
 * order, so a spec can wait for the one it expects and then check nothing
 * was doubled.
 */
export class LiveSocket {
  readonly frames: LiveFrame[] = [];
  private waiters: Array<() => void> = [];
  closed?: { code: number; reason: string };

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as LiveFrame);
      this.wakeAll();
    });
    // A refused or reset socket also closes; the close code is what specs assert.
    socket.on('error', () => undefined);
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wakeAll();
    });
  }

  /** Opens an authenticated socket (bearer header) and waits for the server's `ready` frame. */
  static async open(gatewayUrl: string, token: string, since?: number): Promise<LiveSocket> {
    const url = `${gatewayUrl.replace(/^http/, 'ws')}/api/v1/live${since === undefined ? '' : `?since=${since}`}`;
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const live = new LiveSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await live.next((frame) => frame.type === 'ready');

    return live;
  }

  /**
   * Opens a socket without waiting for `ready`: no credentials, or a token in
   * the query string, for protocol and authentication cases.
   */
  static async connect(
    gatewayUrl: string,
    options: { token?: string; since?: number; header?: boolean } = {},
  ): Promise<LiveSocket> {
    const url = new URL('/api/v1/live', gatewayUrl.replace(/^http/, 'ws'));
    if (options.since !== undefined) {
      url.searchParams.set('since', String(options.since));
    }
    if (options.token && !options.header) {
      url.searchParams.set('access_token', options.token);
    }
    const headers: Record<string, string> =
      options.token && options.header ? { authorization: `Bearer ${options.token}` } : {};
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    const live = new LiveSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });

    return live;
  }

  send(frame: object): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Sends text or bytes exactly as given (garbage, binary frames). */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? typeof data !== 'string' });
  }

  /** Resolves with the close code and reason once the server closed the socket. */
  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`socket still open after ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }

    return this.closed;
  }

  /** Frames of one type received so far, in order. */
  framesOf(type: string): LiveFrame[] {
    return this.frames.filter((frame) => frame.type === type);
  }

  /** The first frame (received so far or later) that matches, within the timeout. */
  async next(match: (frame: LiveFrame) => boolean, timeoutMs = 10_000): Promise<LiveFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) {
        return found;
      }
      if (this.closed) {
        throw new Error(
          `socket closed (${this.closed.code} ${this.closed.reason}) before the frame came`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    if (this.closed) {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
    });
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
