import { randomUUID } from 'node:crypto';

import { LiveFrame, LiveSocket, Message, TestUser } from '../support';

/** One send a client attempted, and what (if anything) acknowledged it. */
export interface Attempt {
  sender: TestUser;
  clientMessageId: string;
  text: string;
  /** The message an HTTP 200/201 or a message.ack answered with. */
  acked?: Message;
  /** The last answer: an HTTP status and error code, or what the socket said. */
  answer?: string;
}

/**
 * A device across reconnections: every socket it opened, each resumed from
 * the last seq the previous ones delivered, as a client would do.
 */
export class Device {
  readonly sockets: LiveSocket[] = [];

  constructor(
    private readonly gatewayUrl: () => string,
    readonly user: TestUser,
  ) {}

  get socket(): LiveSocket {
    return this.sockets[this.sockets.length - 1];
  }

  /** Opens a socket from the last seq seen (none on the first connection). */
  async connect(): Promise<this> {
    this.sockets.push(
      await LiveSocket.open(this.gatewayUrl(), this.user.api.token!, this.lastSeq()),
    );

    return this;
  }

  /** Drops the connection without a close handshake, as a lost network does. */
  cutOff(): void {
    (this.socket as unknown as { socket: { terminate(): void } }).socket.terminate();
  }

  /** The change frames of every socket, in the order they came. */
  changes(): LiveFrame[] {
    return this.sockets.flatMap((socket) =>
      socket.frames.filter(
        (frame) =>
          typeof frame.seq === 'number' && frame.type !== 'ready' && frame.id === undefined,
      ),
    );
  }

  messagesIn(conversationId: string): Message[] {
    return this.changes()
      .filter((frame) => frame.type === 'message.created')
      .map((frame) => frame.data as Message)
      .filter((message) => message.conversationId === conversationId);
  }

  lastSeq(): number | undefined {
    const seqs = this.sockets.flatMap((socket) =>
      socket.frames.filter((f) => typeof f.seq === 'number').map((f) => f.seq as number),
    );

    return seqs.length ? Math.max(...seqs) : undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((socket) => socket.close()));
  }
}

/** Sends over HTTP; a refused connection or a 5xx leaves the attempt unacknowledged. */
export async function sendOverHttp(attempt: Attempt, conversationId: string): Promise<void> {
  try {
    const response = await attempt.sender.api.post<{ message: Message }>(
      `/conversations/${conversationId}/messages`,
      { clientMessageId: attempt.clientMessageId, kind: 'text', text: attempt.text },
    );
    attempt.answer = `${response.status} ${(response.body as { error?: { code: string } }).error?.code ?? ''}`;
    if (response.status === 200 || response.status === 201) {
      attempt.acked = response.body.message;
    }
  } catch (error) {
    // The gateway is down: not acknowledged.
    attempt.answer = String(error);
  }
}

/** Sends on a socket and waits for its answer; an error frame or a close is no ack. */
export async function sendOverSocket(
  socket: LiveSocket,
  attempt: Attempt,
  conversationId: string,
): Promise<void> {
  const id = randomUUID();
  try {
    socket.send({
      type: 'message.send',
      id,
      conversationId,
      clientMessageId: attempt.clientMessageId,
      kind: 'text',
      text: attempt.text,
    });
    const answer = await socket.next((frame) => frame.id === id, 15_000);
    if (answer.type === 'message.ack') {
      attempt.acked = (answer.data as { message: Message }).message;
    }
  } catch {
    // Closed or unanswered: not acknowledged.
  }
}

export function newAttempt(sender: TestUser, label: string): Attempt {
  return { sender, clientMessageId: randomUUID(), text: label };
}

/**
 * Sends until acknowledged, as a client does: waits as long as a 503's
 * Retry-After asks, for at most `withinMs`. Answers how long it took.
 */
export async function sendUntilAcknowledged(
  attempt: Attempt,
  conversationId: string,
  withinMs = 30_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const retryAfter = await sendOverHttpOnce(attempt, conversationId);
    if (attempt.acked || Date.now() - started > withinMs || retryAfter === undefined) {
      return Date.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter * 1000, 1000)));
  }
}

/** One HTTP send; answers the Retry-After seconds of a 503 (1 when the gateway is down). */
async function sendOverHttpOnce(
  attempt: Attempt,
  conversationId: string,
): Promise<number | undefined> {
  try {
    const response = await attempt.sender.api.post<{ message: Message; error?: { code: string } }>(
      `/conversations/${conversationId}/messages`,
      { clientMessageId: attempt.clientMessageId, kind: 'text', text: attempt.text },
    );
    attempt.answer = `${response.status} ${response.body.error?.code ?? ''}`;
    if (response.status === 200 || response.status === 201) {
      attempt.acked = response.body.message;
    }

    return response.status === 503 ? Number(response.headers.get('retry-after') ?? 1) : undefined;
  } catch (error) {
    attempt.answer = String(error);

    return 1;
  }
}
