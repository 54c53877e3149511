import WebSocket from 'ws';

export interface LiveFrame<T = unknown> {
  type: string;
  seq?: number;
  id?: string;
  data?: T;
  error?: { code: string; message: string };
}

interface Pending {
  resolve: (frame: LiveFrame) => void;
  reject: (error: Error) => void;
}

/**
 * One device's WebSocket to the gateway: authenticates, hands every frame to
 * the listener, and turns request frames (message.send …) into promises
 * answered by their ack or error frame.
 */
export class LiveConnection {
  private nextRequest = 0;
  private readonly pending = new Map<string, Pending>();
  private listener: (frame: LiveFrame) => void = () => undefined;
  /** The position the server said the stream was at when the socket became ready. */
  readyPosition = 0;

  private constructor(private readonly socket: WebSocket) {}

  static connect(
    baseUrl: string,
    token: string,
    options: { since?: number; onFrame?: (frame: LiveFrame) => void; timeoutMs?: number } = {},
  ): Promise<LiveConnection> {
    const url = new URL('/api/v1/live', baseUrl.replace(/^http/, 'ws'));
    if (options.since !== undefined) {
      url.searchParams.set('since', String(options.since));
    }
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    const connection = new LiveConnection(socket);
    if (options.onFrame) {
      connection.listener = options.onFrame;
    }

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('live connection not ready in time'));
      }, options.timeoutMs ?? 15_000);
      socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as LiveFrame;
        if (frame.type === 'ready') {
          clearTimeout(timer);
          connection.readyPosition = frame.seq ?? 0;
          resolve(connection);
        }
        connection.dispatch(frame);
      });
      socket.on('close', (code, reason) => {
        clearTimeout(timer);
        const error = new Error(`live connection closed: ${code} ${reason.toString()}`);
        for (const pending of connection.pending.values()) {
          pending.reject(error);
        }
        connection.pending.clear();
        reject(error);
      });
      socket.on('error', () => undefined);
    });
  }

  onFrame(listener: (frame: LiveFrame) => void): void {
    this.listener = listener;
  }

  /** Sends a request frame and resolves with its ack (or rejects with its error). */
  request(frame: Record<string, unknown>): Promise<LiveFrame> {
    const id = String(++this.nextRequest);

    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ ...frame, id }));
    });
  }

  sendText(conversationId: string, clientMessageId: string, text: string): Promise<LiveFrame> {
    return this.request({ type: 'message.send', conversationId, clientMessageId, kind: 'text', text });
  }

  sendRaw(data: string): void {
    this.socket.send(data);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000, 'done');
    });
  }

  private dispatch(frame: LiveFrame): void {
    if (frame.id && this.pending.has(frame.id) && (frame.type.endsWith('.ack') || frame.type === 'error')) {
      const pending = this.pending.get(frame.id)!;
      this.pending.delete(frame.id);
      if (frame.type === 'error') {
        const error = new Error(`${frame.error?.code}: ${frame.error?.message}`);
        (error as Error & { code?: string }).code = frame.error?.code;
        pending.reject(error);
      } else {
        pending.resolve(frame);
      }

      return;
    }
    this.listener(frame);
  }
}
