import { NatsConnection } from 'nats';

/**
 * Live deliveries go over core NATS, one subject per user: whatever gateway
 * node holds that user's sockets subscribes to it. Losing one costs nothing;
 * devices catch up from their sync cursor.
 */
export function liveSubject(prefix: string, userId: string): string {
  return `${prefix}.live.user.${userId}`;
}

/** What a device receives on its WebSocket, and what a live NATS message carries a list of. */
export interface LiveFrame {
  type: string;
  seq: number;
  data: unknown;
}

const encoder = new TextEncoder();

/** Publishes each user's frames as one NATS message (one publish per user per batch). */
export function publishLive(
  connection: NatsConnection,
  prefix: string,
  framesByUser: Map<string, LiveFrame[]>,
): void {
  for (const [userId, frames] of framesByUser) {
    if (frames.length > 0) {
      connection.publish(liveSubject(prefix, userId), encoder.encode(JSON.stringify(frames)));
    }
  }
}
