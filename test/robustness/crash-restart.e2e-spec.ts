import {
  ApiClient,
  Conversation,
  createGroup,
  createUsers,
  fullHistory,
  Message,
  signInAdmin,
  sleep,
  TestUser,
  useStack,
} from '../support';
import {
  Attempt,
  Device,
  newAttempt,
  sendOverHttp,
  sendOverSocket,
  sendUntilAcknowledged,
} from './burst';

/** Sends per sender in one burst: bounded, a few seconds of traffic. */
const SENDS_PER_SENDER = 40;

describe('acknowledged sends across crashes', () => {
  const stack = useStack({ own: true });
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await signInAdmin(stack().gatewayUrl);
  });

  /** Three senders (two over HTTP, one over a socket) sending as fast as answers come. */
  async function burst(
    senders: TestUser[],
    group: Conversation,
    socketSender: Device,
    onAcked: (count: number) => void,
  ): Promise<Attempt[]> {
    const attempts: Attempt[] = [];
    const acked = () => attempts.filter((a) => a.acked).length;
    await Promise.all(
      senders.map(async (sender, s) => {
        for (let i = 0; i < SENDS_PER_SENDER; i++) {
          const attempt = newAttempt(sender, `s${s} #${i}`);
          attempts.push(attempt);
          if (s === 0 && !socketSender.socket.closed) {
            await sendOverSocket(socketSender.socket, attempt, group.id);
          } else {
            await sendOverHttp(attempt, group.id);
          }
          onAcked(acked());
          if (!attempt.acked) {
            await sleep(50);
          }
        }
      }),
    );

    return attempts;
  }

  /** Retries every unacknowledged send with its clientMessageId, as a client would. */
  async function retryUnacknowledged(attempts: Attempt[], group: Conversation): Promise<Message[]> {
    const firstAcks = new Map(
      attempts.filter((a) => a.acked).map((a) => [a.clientMessageId, a.acked!]),
    );
    for (const attempt of attempts.filter((a) => !a.acked)) {
      // 503s with Retry-After are honoured while the gateway reconnects to messaging.
      await sendUntilAcknowledged(attempt, group.id);
    }
    // A retry of something acknowledged answers the first result, too.
    for (const attempt of attempts.filter((a) => firstAcks.has(a.clientMessageId)).slice(0, 10)) {
      const again: Attempt = { ...attempt, acked: undefined };
      await sendUntilAcknowledged(again, group.id);
      expect({ id: again.acked?.id, answer: again.answer }).toEqual({
        answer: expect.stringMatching(/^200/),
        id: firstAcks.get(attempt.clientMessageId)!.id,
      });
    }

    return [...firstAcks.values()];
  }

  async function expectExactlyOnce(
    attempts: Attempt[],
    firstAcks: Message[],
    group: Conversation,
    reader: TestUser,
    devices: Device[],
  ): Promise<void> {
    const history = await fullHistory(reader.api, group.id);
    const byClientId = new Map(history.map((m) => [`${m.senderId}/${m.clientMessageId}`, m]));

    expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
    expect(byClientId.size).toBe(history.length);
    for (const acked of firstAcks) {
      expect(byClientId.get(`${acked.senderId}/${acked.clientMessageId}`)?.id).toBe(acked.id);
    }
    expect(attempts.every((a) => a.acked)).toBe(true);
    expect(history.length).toBe(attempts.length);
    for (const device of devices) {
      await device.connect();
      await device.socket
        .next(() => device.messagesIn(group.id).length >= history.length, 15_000)
        .catch(() => undefined);
      await sleep(500);
      const seqs = device.changes().map((f) => f.seq as number);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      expect(device.messagesIn(group.id).map((m) => m.id)).toEqual(history.map((m) => m.id));
      await device.close();
    }
  }

  async function setUp() {
    const [alice, bob, carol] = await createUsers(admin, 3);
    const group = await createGroup(alice, [bob, carol]);
    const devices = await Promise.all(
      [alice, bob, carol, carol].map((user) =>
        new Device(() => stack().gatewayUrl, user).connect(),
      ),
    );

    return { alice, bob, carol, group, devices };
  }

  it('keeps every acknowledged send once, in gapless order, when messaging is killed mid-burst', async () => {
    const { alice, bob, carol, group, devices } = await setUp();
    const control = stack().control!;
    let killed: Promise<void> | undefined;

    const attempts = await burst([alice, bob, carol], group, devices[0], (acked) => {
      if (acked >= 25 && !killed) {
        killed = control.kill('messaging');
      }
    });
    await killed;
    const unacked = attempts.filter((a) => !a.acked).length;
    await control.restart('messaging');
    const firstAcks = await retryUnacknowledged(attempts, group);

    expect(unacked).toBeGreaterThan(0);
    // The gateway stayed up: the sockets opened before the crash get everything live.
    const history = await fullHistory(carol.api, group.id);
    for (const device of devices) {
      await device.socket
        .next(() => device.messagesIn(group.id).length >= history.length, 15_000)
        .catch(() => undefined);
      expect(device.sockets).toHaveLength(1);
      expect(device.messagesIn(group.id).map((m) => m.id)).toEqual(history.map((m) => m.id));
    }
    await expectExactlyOnce(attempts, firstAcks, group, carol, devices);
  }, 180_000);

  it('keeps every acknowledged send once, and resumes every device, when the gateway is killed mid-burst', async () => {
    const { alice, bob, carol, group, devices } = await setUp();
    const control = stack().control!;
    let killed: Promise<void> | undefined;

    const attempts = await burst([alice, bob, carol], group, devices[0], (acked) => {
      if (acked >= 25 && !killed) {
        killed = control.kill('gateway');
      }
    });
    await killed;
    const unacked = attempts.filter((a) => !a.acked).length;
    await control.restart('gateway');
    const firstAcks = await retryUnacknowledged(attempts, group);

    expect(unacked).toBeGreaterThan(0);
    expect(devices.every((device) => device.socket.closed)).toBe(true);
    await expectExactlyOnce(attempts, firstAcks, group, carol, devices);
  }, 180_000);

  it('gives a device whose connection dropped mid-stream every message once after it resumes', async () => {
    const { alice, bob, carol, group, devices } = await setUp();
    let cut = 0;

    const attempts = await burst([alice, bob, carol], group, devices[0], (acked) => {
      // Two receivers lose their network at different moments of the burst.
      if (acked >= 20 && cut === 0) {
        devices[2].cutOff();
        cut = 1;
      } else if (acked >= 60 && cut === 1) {
        devices[3].cutOff();
        cut = 2;
      }
    });
    const firstAcks = await retryUnacknowledged(attempts, group);

    expect(cut).toBe(2);
    await expectExactlyOnce(attempts, firstAcks, group, bob, devices.slice(1));
  }, 120_000);
});
