import { Logger } from '@nestjs/common';
import { NatsConnection, Subscription } from 'nats';

import { LiveFrame, liveSubject, parseSignal, SignalFrame, signalSubject } from '@confer/events';

import { toApiChangeData } from '../sync/change.mapper';

/** Whoever wants a user's live frames: that user's sockets on this node. */
export interface LiveSink {
  deliver(frames: LiveFrame[]): void;
  /** An ephemeral signal frame (no seq), which the sink may keep for one session only. */
  signal(frame: SignalFrame): void;
}

interface UserSubscription {
  subscriptions: Subscription[];
  sinks: Set<LiveSink>;
}

/**
 * Two core-NATS subscriptions per connected user per gateway node (the change
 * stream's live frames and the user's signals), shared by all of that user's
 * sockets here (ref-counted), so a user with five devices costs one JSON parse
 * per delivery.
 */
export class LiveHub {
  private readonly logger = new Logger(LiveHub.name);
  private readonly users = new Map<string, UserSubscription>();

  constructor(
    private readonly nats: NatsConnection,
    private readonly prefix: string,
  ) {}

  get userCount(): number {
    return this.users.size;
  }

  /**
   * Adds a sink for a user. Resolves once the NATS server has the
   * subscription, so nothing published afterwards is missed.
   */
  async attach(userId: string, sink: LiveSink): Promise<void> {
    const existing = this.users.get(userId);
    if (existing) {
      existing.sinks.add(sink);

      return;
    }
    const sinks = new Set<LiveSink>([sink]);
    const live = this.nats.subscribe(liveSubject(this.prefix, userId), {
      callback: (error, message) => {
        if (!error) {
          this.dispatch(userId, sinks, message.data);
        }
      },
    });
    const signals = this.nats.subscribe(signalSubject(this.prefix, userId), {
      callback: (error, message) => {
        if (!error) {
          this.dispatchSignal(userId, sinks, message.data);
        }
      },
    });
    this.users.set(userId, { subscriptions: [live, signals], sinks });
    await this.nats.flush();
  }

  detach(userId: string, sink: LiveSink): void {
    const entry = this.users.get(userId);
    if (!entry) {
      return;
    }
    entry.sinks.delete(sink);
    if (entry.sinks.size === 0) {
      entry.subscriptions.forEach((subscription) => subscription.unsubscribe());
      this.users.delete(userId);
    }
  }

  close(): void {
    for (const entry of this.users.values()) {
      entry.subscriptions.forEach((subscription) => subscription.unsubscribe());
    }
    this.users.clear();
  }

  private dispatch(userId: string, sinks: Set<LiveSink>, data: Uint8Array): void {
    const frames = parseFrames(data);
    if (!frames) {
      this.logger.warn({ userId }, 'dropped an unreadable live delivery');

      return;
    }
    for (const sink of sinks) {
      sink.deliver(frames);
    }
  }

  private dispatchSignal(userId: string, sinks: Set<LiveSink>, data: Uint8Array): void {
    const frame = parseSignal(data);
    if (!frame) {
      this.logger.warn({ userId }, 'dropped an unreadable signal');

      return;
    }
    for (const sink of sinks) {
      sink.signal(frame);
    }
  }
}

const decoder = new TextDecoder();

/** A live delivery: a JSON array of `{type, seq, data}`; null when it is not one. */
export function parseFrames(data: Uint8Array): LiveFrame[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) {
    return null;
  }
  const valid = parsed.every(
    (frame: unknown) =>
      typeof frame === 'object' &&
      frame !== null &&
      typeof (frame as LiveFrame).type === 'string' &&
      Number.isSafeInteger((frame as LiveFrame).seq),
  );

  return valid
    ? (parsed as LiveFrame[]).map((frame) => ({
        ...frame,
        data: toApiChangeData(frame.type, frame.data),
      }))
    : null;
}
