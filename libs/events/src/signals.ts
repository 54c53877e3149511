import { NatsConnection } from 'nats';

/**
 * Signals are ephemeral frames for one user's live sockets that are not part
 * of the change stream: no `seq`, nothing to replay, lost when nobody is
 * connected (a push-approval request, a notice that a session ended). They go
 * over core NATS on one subject per user; every gateway node holding one of the
 * user's sockets subscribes to it.
 */
export function signalSubject(prefix: string, userId: string): string {
  return `${prefix}.signal.user.${userId}`;
}

/**
 * One signal. `type` is dotted and stable (`two_factor.approval_requested`);
 * `data` is the frame's JSON body; with `sessionId` only that session's
 * sockets receive it, without it every socket of the user does.
 */
export interface SignalFrame {
  type: string;
  data: unknown;
  sessionId?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Publishes one signal to the user's sockets; fire and forget, like any core-NATS publish. */
export function publishSignal(
  connection: NatsConnection,
  prefix: string,
  userId: string,
  frame: SignalFrame,
): void {
  connection.publish(signalSubject(prefix, userId), encoder.encode(JSON.stringify(frame)));
}

/** A signal as received: null when the bytes are not a signal frame. */
export function parseSignal(data: Uint8Array): SignalFrame | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return null;
  }
  const { type, data: body, sessionId } = parsed as Record<string, unknown>;
  if (typeof type !== 'string' || type.length === 0) {
    return null;
  }
  if (sessionId !== undefined && typeof sessionId !== 'string') {
    return null;
  }

  return { type, data: body ?? null, ...(sessionId ? { sessionId } : {}) };
}
