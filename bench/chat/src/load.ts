import { build, Histogram } from 'hdr-histogram-js';

import { LiveFrame } from '@confer/chat-client';

import { BenchUser, closePopulation, createPopulation } from './population';

export interface LoadOptions {
  gatewayUrl: string;
  adminEmail: string;
  adminPassword: string;
  users: number;
  groupSize: number;
  ratePerSecond: number;
  durationSeconds: number;
  warmupSeconds: number;
  onProgress?: (line: string) => void;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadReport {
  users: number;
  groupSize: number;
  targetRate: number;
  durationSeconds: number;
  sent: number;
  acknowledged: number;
  errors: number;
  achievedRate: number;
  deliveriesExpected: number;
  deliveriesMeasured: number;
  deliveriesMissing: number;
  /** Intended send time to arrival on each recipient device, in ms. */
  delivery: LatencySummary;
  /** Intended send time to the sender's acknowledgement, in ms. */
  ack: LatencySummary;
}

/**
 * Open-model load: messages are due at a fixed rate whatever the system does,
 * and latency is measured from when each was due (not when it could be sent),
 * so a slow server cannot hide its queueing. Users are in groups of
 * `groupSize`; each message reaches the other members' devices.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const progress = options.onProgress ?? (() => undefined);
  const due = new Map<string, { at: number; measured: boolean; remaining: number }>();
  const delivery = histogram();
  const ack = histogram();
  let deliveriesMeasured = 0;

  progress(`creating ${options.users} users with one device each`);
  const users = await createPopulation({
    ...options,
    devicesPerUser: 1,
    onFrame: (_user, _device, frame: LiveFrame) => {
      if (frame.type !== 'message.created') {
        return;
      }
      const message = frame.data as { clientMessageId: string; senderId: string };
      const entry = due.get(message.clientMessageId);
      if (!entry || users[_user]?.userId === message.senderId) {
        return;
      }
      entry.remaining -= 1;
      if (entry.measured) {
        delivery.recordValue(Math.max(1, Math.round((performance.now() - entry.at) * 1000)));
        deliveriesMeasured += 1;
      }
      if (entry.remaining === 0) {
        due.delete(message.clientMessageId);
      }
    },
  });
  const groups = await formGroups(users, options.groupSize);
  progress(`${groups.length} groups of ${options.groupSize}; sending ${options.ratePerSecond}/s for ${options.durationSeconds} s after ${options.warmupSeconds} s warm-up`);

  const total = Math.round(options.ratePerSecond * (options.warmupSeconds + options.durationSeconds));
  const warmupCount = Math.round(options.ratePerSecond * options.warmupSeconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const start = performance.now() + 100;
  let sent = 0;
  let acknowledged = 0;
  let errors = 0;
  let deliveriesExpected = 0;
  const pending: Promise<void>[] = [];

  for (let i = 0; i < total; i++) {
    const at = start + i * intervalMs;
    const wait = at - performance.now();
    if (wait > 1) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const sender = users[i % users.length];
    const group = groups[Math.floor((i % users.length) / options.groupSize)];
    const clientMessageId = `b${i}`;
    const measured = i >= warmupCount;
    due.set(clientMessageId, { at, measured, remaining: options.groupSize - 1 });
    if (measured) {
      deliveriesExpected += options.groupSize - 1;
    }
    sent += 1;
    pending.push(
      sender.devices[0].sendText(group, clientMessageId, `load message ${i}`).then(
        () => {
          acknowledged += 1;
          if (measured) {
            ack.recordValue(Math.max(1, Math.round((performance.now() - at) * 1000)));
          }
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  const sendingEnded = performance.now();
  await Promise.all(pending);
  await waitFor(() => due.size === 0, 15_000);
  await closePopulation(users);
  const elapsedSeconds = (sendingEnded - start) / 1000;

  return {
    users: options.users,
    groupSize: options.groupSize,
    targetRate: options.ratePerSecond,
    durationSeconds: options.durationSeconds,
    sent,
    acknowledged,
    errors,
    achievedRate: Math.round(sent / elapsedSeconds),
    deliveriesExpected,
    deliveriesMeasured,
    deliveriesMissing: deliveriesExpected - deliveriesMeasured,
    delivery: summarise(delivery),
    ack: summarise(ack),
  };
}

async function formGroups(users: BenchUser[], size: number): Promise<string[]> {
  const groups: string[] = [];
  for (let first = 0; first + size <= users.length; first += size) {
    const members = users.slice(first, first + size);
    const conversation = await members[0].client.createGroup(
      `bench group ${first / size}`,
      members.slice(1).map((m) => m.userId),
    );
    groups.push(conversation.id);
  }

  return groups;
}

function histogram(): Histogram {
  // Microseconds from 1 µs to 10 minutes, 3 significant digits.
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

function summarise(h: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us / 10) / 100;

  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

async function waitFor(condition: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
