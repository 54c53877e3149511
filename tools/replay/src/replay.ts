import { randomBytes } from 'node:crypto';

import { ApiClient, LiveConnection, LiveFrame } from '@confer/chat-client';

import { DeliveryLedger, DeviceReport } from './delivery-ledger';
import { LogEvent, parseIrcLog } from './irc-log';

export interface ReplayOptions {
  gatewayUrl: string;
  adminEmail: string;
  adminPassword: string;
  logName: string;
  logText: string;
  /** Log minutes per real minute; 'max' sends as fast as the window allows. */
  speed: number | 'max';
  devicesPerPerson: number;
  /** Sends in flight at once at full speed. */
  window: number;
  onProgress?: (line: string) => void;
}

export interface UnreadMismatch {
  person: string;
  expected: number;
  actual: number;
}

export interface ReplayReport {
  log: string;
  conversationId: string;
  people: number;
  devices: number;
  sent: number;
  acknowledged: number;
  failed: number;
  skippedEmpty: number;
  lastSeq: number;
  totals: Omit<DeviceReport, 'person' | 'device'>;
  perDevice: DeviceReport[];
  unread: { checked: number; mismatched: UnreadMismatch[] };
  durationMs: number;
  ok: boolean;
}

interface Person {
  name: string;
  userId: string;
  client: ApiClient;
  devices: LiveConnection[];
}

const PASSWORD_BYTES = 12;
const SETUP_CONCURRENCY = 8;
const QUIET_PERIOD_MS = 5_000;
const PROGRESS_EVERY_MS = 10_000;
const SETTLE_LIMIT_MS = 60_000;

/**
 * Creates one user per speaker and one group chat for the log through the
 * public API, connects every speaker's devices, sends each line from its
 * speaker's connection, and reports what every device received.
 */
export async function replayLog(options: ReplayOptions): Promise<ReplayReport> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => undefined);
  const parsed = parseIrcLog(options.logText);
  const runId = randomBytes(3).toString('hex');
  const password = randomBytes(PASSWORD_BYTES).toString('base64url');
  const domain = options.adminEmail.split('@')[1];
  const admin = new ApiClient(options.gatewayUrl);
  await admin.login(options.adminEmail, options.adminPassword, 'confer-replay');

  const ledger = new DeliveryLedger();
  let conversationId = '';
  const onFrame = (person: string, device: number) => (frame: LiveFrame) => {
    const message = frame.data as
      { id?: string; seq?: number; conversationId?: string } | undefined;
    if (frame.type === 'message.created' && message?.conversationId === conversationId) {
      ledger.record(person, device, message.id ?? '', message.seq ?? 0);
    }
  };

  const host = await createPerson(
    admin,
    options,
    'replay-host',
    `${runId}`,
    domain,
    password,
    0,
    () => () => undefined,
  );
  progress(
    `creating ${parsed.people.length} people and connecting ${parsed.people.length * options.devicesPerPerson} devices`,
  );
  const people = new Map<string, Person>();
  // Nicks that differ only in punctuation or case would share an address: the index keeps them apart.
  const indexOf = new Map(parsed.people.map((name, index) => [name, index]));
  await forEachLimited(parsed.people, SETUP_CONCURRENCY, async (name) => {
    const suffix = `${runId}-${indexOf.get(name)}`;
    people.set(
      name,
      await createPerson(
        admin,
        options,
        name,
        suffix,
        domain,
        password,
        options.devicesPerPerson,
        (device) => onFrame(name, device),
      ),
    );
  });

  const initial = parsed.initialMembers.map((name) => people.get(name)!.userId);
  const group = await host.client.createGroup(
    `${options.logName} (${runId})`,
    initial.slice(0, 100),
  );
  conversationId = group.id;
  if (initial.length > 100) {
    await host.client.addMembers(conversationId, initial.slice(100));
  }
  for (const name of parsed.initialMembers) {
    ledger.joined(name, 0);
  }

  const counters = { sent: 0, acknowledged: 0, failed: 0, skippedEmpty: 0, lastSeq: 0 };
  const lastOwnSeq = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const drain = () => Promise.all([...inFlight]);
  const schedule = pacing(parsed.events, options.speed);
  const clock = Date.now();

  const lastDue = schedule.at(-1) ?? 0;
  progress(
    `replaying ${parsed.events.length} events into conversation ${conversationId}` +
      (lastDue > 0 ? `; at this speed the log takes ${formatDuration(lastDue)}` : ''),
  );
  let reported = Date.now();
  for (const [index, event] of parsed.events.entries()) {
    if (Date.now() - reported >= PROGRESS_EVERY_MS) {
      reported = Date.now();
      progress(
        `${index} of ${parsed.events.length} events, ${counters.acknowledged} messages acknowledged` +
          (lastDue > 0
            ? `, ${formatDuration(Math.max(0, clock + lastDue - Date.now()))} to go`
            : ''),
      );
    }
    const due = clock + schedule[index];
    if (due > Date.now()) {
      await sleep(due - Date.now());
    }
    const person = people.get(event.person)!;
    if (event.kind === 'leave') {
      if (ledger.isMember(person.name) && person.userId !== host.userId) {
        await drain();
        await person.client.leave(conversationId);
        ledger.left(person.name, counters.lastSeq);
      }
      continue;
    }
    if (!ledger.isMember(person.name)) {
      await drain();
      await host.client.addMembers(conversationId, [person.userId]);
      ledger.joined(person.name, counters.lastSeq);
      lastOwnSeq.delete(person.name);
    }
    if (event.kind === 'join') {
      continue;
    }
    if (event.text.trim() === '') {
      counters.skippedEmpty += 1;
      continue;
    }
    while (inFlight.size >= options.window) {
      await Promise.race(inFlight);
    }
    counters.sent += 1;
    const sending = send(person, conversationId, `${runId}-${event.line}`, event.text)
      .then((seq) => {
        counters.acknowledged += 1;
        counters.lastSeq = Math.max(counters.lastSeq, seq);
        lastOwnSeq.set(person.name, Math.max(lastOwnSeq.get(person.name) ?? 0, seq));
      })
      .catch(() => {
        counters.failed += 1;
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }
  await drain();

  progress('waiting for deliveries to settle');
  await settle(ledger, [...people.values()], options.devicesPerPerson, counters.lastSeq);

  const perDevice = [...people.values()].flatMap((person) =>
    person.devices.map((_, device) => ledger.report(person.name, device, counters.lastSeq)),
  );
  const unread = await checkUnread([...people.values()], ledger, lastOwnSeq, conversationId);
  await Promise.all([...people.values(), host].flatMap((p) => p.devices.map((d) => d.close())));

  const totals = perDevice.reduce(
    (sum, row) => ({
      expected: sum.expected + row.expected,
      delivered: sum.delivered + row.delivered,
      duplicated: sum.duplicated + row.duplicated,
      outOfOrder: sum.outOfOrder + row.outOfOrder,
      missing: sum.missing + row.missing,
      unexpected: sum.unexpected + row.unexpected,
    }),
    { expected: 0, delivered: 0, duplicated: 0, outOfOrder: 0, missing: 0, unexpected: 0 },
  );
  const ok =
    counters.failed === 0 &&
    counters.acknowledged === counters.sent &&
    totals.missing + totals.duplicated + totals.outOfOrder + totals.unexpected === 0 &&
    unread.mismatched.length === 0;

  return {
    log: options.logName,
    conversationId,
    people: people.size,
    devices: perDevice.length,
    ...counters,
    totals,
    perDevice,
    unread,
    durationMs: Date.now() - started,
    ok,
  };
}

async function createPerson(
  admin: ApiClient,
  options: ReplayOptions,
  name: string,
  suffix: string,
  domain: string,
  password: string,
  devices: number,
  onFrame: (device: number) => (frame: LiveFrame) => void,
): Promise<Person> {
  const local =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'someone';
  const email = `${local}.${suffix}@${domain}`;
  const user = await admin.createUser({ email, displayName: name, password });
  const client = new ApiClient(options.gatewayUrl);
  await client.login(email, password, 'confer-replay');
  const connections: LiveConnection[] = [];
  for (let device = 0; device < devices; device++) {
    connections.push(
      await LiveConnection.connect(options.gatewayUrl, client.accessToken!, {
        onFrame: onFrame(device),
      }),
    );
  }

  return { name, userId: user.id, client, devices: connections };
}

async function send(person: Person, conversationId: string, clientMessageId: string, text: string) {
  const ack = await person.devices[0].sendText(conversationId, clientMessageId, text);

  return (ack.data as { message: { seq: number } }).message.seq;
}

/** When each event is due, in ms from the start: the log's minutes spread evenly, scaled by speed. */
export function pacing(events: LogEvent[], speed: number | 'max'): number[] {
  if (speed === 'max') {
    return events.map(() => 0);
  }
  const perMinute = new Map<number, number>();
  let dayOffset = 0;
  let previous = events[0]?.minute ?? 0;
  const absolute = events.map((event) => {
    if (event.minute < previous - 12 * 60) {
      dayOffset += 24 * 60;
    }
    previous = event.minute;

    return event.minute + dayOffset;
  });
  for (const minute of absolute) {
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
  }
  const first = absolute[0] ?? 0;
  const seen = new Map<number, number>();

  return absolute.map((minute) => {
    const index = seen.get(minute) ?? 0;
    seen.set(minute, index + 1);
    const logMs = (minute - first) * 60_000 + (index / perMinute.get(minute)!) * 60_000;

    return logMs / speed;
  });
}

async function settle(ledger: DeliveryLedger, people: Person[], devices: number, lastSeq: number) {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let lastTotal = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    let total = 0;
    let complete = true;
    for (const person of people) {
      const expected = ledger.expectedSeqs(person.name, lastSeq).length;
      for (let device = 0; device < devices; device++) {
        const delivered = ledger.deliveredCount(person.name, device);
        total += delivered;
        complete &&= delivered >= expected;
      }
    }
    if (complete) {
      return;
    }
    if (total !== lastTotal) {
      lastTotal = total;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > QUIET_PERIOD_MS) {
      return;
    }
    await sleep(100);
  }
}

async function checkUnread(
  people: Person[],
  ledger: DeliveryLedger,
  lastOwnSeq: Map<string, number>,
  conversationId: string,
) {
  const mismatched: UnreadMismatch[] = [];
  let checked = 0;
  await forEachLimited(
    people.filter((person) => ledger.isMember(person.name)),
    SETUP_CONCURRENCY,
    async (person) => {
      const conversation = await person.client.getConversation(conversationId);
      const readFrom = Math.max(ledger.lastJoinSeq(person.name), lastOwnSeq.get(person.name) ?? 0);
      const expected = conversation.lastSeq - readFrom;
      const actual = conversation.lastSeq - conversation.readSeq;
      checked += 1;
      if (expected !== actual) {
        mismatched.push({ person: person.name, expected, actual });
      }
    },
  );

  return { checked, mismatched };
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);

  return minutes >= 90
    ? `${(minutes / 60).toFixed(1)} h`
    : minutes >= 1
      ? `${minutes} min`
      : `${Math.ceil(ms / 1000)} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
