import { NatsConnection } from 'nats';

import { parseSignal, publishSignal, signalSubject } from './signals';

describe(publishSignal.name, () => {
  it('publishes the frame as JSON on the user subject, and parseSignal reads it back', () => {
    const published: Array<{ subject: string; data: Uint8Array }> = [];
    const connection = {
      publish: (subject: string, data: Uint8Array) => published.push({ subject, data }),
    } as unknown as NatsConnection;

    publishSignal(connection, 'confer', 'user-1', {
      type: 'two_factor.approval_requested',
      data: { approvalId: 'a-1' },
      sessionId: 's-1',
    });

    expect(published).toHaveLength(1);
    expect(published[0].subject).toBe(signalSubject('confer', 'user-1'));
    expect(published[0].subject).toBe('confer.signal.user.user-1');
    expect(parseSignal(published[0].data)).toEqual({
      type: 'two_factor.approval_requested',
      data: { approvalId: 'a-1' },
      sessionId: 's-1',
    });
  });
});

describe(parseSignal.name, () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('keeps a frame without a session id for every socket of the user', () => {
    expect(parseSignal(bytes('{"type":"x.y"}'))).toEqual({ type: 'x.y', data: null });
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[{"type":"x"}]'],
    ['no type', '{"data":1}'],
    ['an empty type', '{"type":""}'],
    ['a numeric session id', '{"type":"x","sessionId":3}'],
  ])('refuses %s', (_case, text) => {
    expect(parseSignal(bytes(text))).toBeNull();
  });
});
