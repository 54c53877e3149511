import { ConferError } from '@confer/errors';

import {
  ConversationReadFrame,
  decodeClientFrame,
  MAX_CLIENT_FRAME_BYTES,
  MessageSendFrame,
  parseSince,
  ProtocolError,
  validateRequestFrame,
} from './client-frames';

const CONVERSATION_ID = '7d9f3c1e-2b4a-4c6d-8e0f-1a2b3c4d5e6f';

async function validationError(promise: Promise<unknown>): Promise<ConferError> {
  try {
    await promise;
  } catch (error) {
    return error as ConferError;
  }
  throw new Error('expected a validation error');
}

describe(decodeClientFrame.name, () => {
  it('reads ping, auth and request frames', () => {
    expect(decodeClientFrame('{"type":"ping"}')).toEqual({ type: 'ping' });
    expect(decodeClientFrame('{"type":"auth","token":"t","since":42}')).toEqual({
      type: 'auth',
      token: 't',
      since: 42,
    });
    expect(decodeClientFrame(Buffer.from('{"type":"message.send","id":"a1"}'))).toMatchObject({
      type: 'message.send',
      id: 'a1',
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['an array', '[1,2]'],
    ['a string', '"ping"'],
    ['an unknown type', '{"type":"message.delete"}'],
    ['no type', '{"id":1}'],
    ['an auth frame without token', '{"type":"auth"}'],
    ['an auth frame with a bad since', '{"type":"auth","token":"t","since":-3}'],
  ])('refuses %s as a protocol error', (_name, raw) => {
    expect(() => decodeClientFrame(raw)).toThrow(ProtocolError);
  });

  it('refuses frames over 64 KiB', () => {
    const raw = JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_CLIENT_FRAME_BYTES) });

    expect(() => decodeClientFrame(raw)).toThrow('frame too large');
  });

  it.each([
    ['arrays nested 30,000 deep', `${'['.repeat(30_000)}${']'.repeat(30_000)}`, 'too_deep'],
    ['a NUL character', '"before\\u0000after"', 'nul_character'],
    ['a lone surrogate', '"lone \\ud800 surrogate"', 'ill_formed_unicode'],
  ])('refuses a request whose text holds %s with request.invalid', (_name, text, reason) => {
    const frame = decodeClientFrame(
      `{"type":"message.send","id":"s1","conversationId":"${CONVERSATION_ID}","text":${text}}`,
    );

    expect(frame).toMatchObject({ type: 'message.send', id: 's1' });
    const refused = (frame as { refused?: ConferError }).refused;
    expect([refused?.code, refused?.details?.reason]).toEqual(['request.invalid', reason]);
  });

  it('refuses a seq beyond 2^53 on conversation.read with request.invalid', async () => {
    const error = await validationError(
      validateRequestFrame(ConversationReadFrame, {
        type: 'conversation.read',
        conversationId: CONVERSATION_ID,
        seq: 1e23,
      }),
    );

    expect([error.code, Object.keys(error.details?.fields as object)]).toEqual([
      'request.invalid',
      ['seq'],
    ]);
  });

  it.each([
    ['a ping nested too deep', `{"type":"ping","pad":${'['.repeat(100)}${']'.repeat(100)}}`],
    ['an auth frame with a NUL in its token', '{"type":"auth","token":"t\\u0000"}'],
  ])('refuses %s as a protocol error', (_name, raw) => {
    expect(() => decodeClientFrame(raw)).toThrow(ProtocolError);
  });

  it('keeps an unusable request id as null so the error can still be answered', () => {
    expect(decodeClientFrame('{"type":"conversation.read","id":{"x":1}}')).toMatchObject({
      id: null,
    });
  });
});

describe(parseSince.name, () => {
  it('accepts whole numbers from zero, as numbers or digits', () => {
    expect(parseSince('0')).toBe(0);
    expect(parseSince('1042')).toBe(1042);
    expect(parseSince(7)).toBe(7);
    expect(parseSince(undefined)).toBeUndefined();
  });

  it.each(['-1', '1.5', 'abc', 1.5, -2])('refuses %p', (value) => {
    expect(() => parseSince(value)).toThrow(ProtocolError);
  });
});

describe(validateRequestFrame.name, () => {
  it('accepts a valid message.send, leaving the id out of the request', async () => {
    const frame = await validateRequestFrame(MessageSendFrame, {
      type: 'message.send',
      id: 'r1',
      conversationId: CONVERSATION_ID,
      clientMessageId: 'c-1',
      kind: 'text',
      text: 'hello',
    });

    expect(frame).toMatchObject({ conversationId: CONVERSATION_ID, kind: 'text', text: 'hello' });
  });

  it('answers request.invalid naming each bad field', async () => {
    const error = await validationError(
      validateRequestFrame(MessageSendFrame, {
        type: 'message.send',
        id: 'r1',
        conversationId: 'nope',
        clientMessageId: 'c 1',
        kind: 'text',
        extra: true,
      }),
    );

    expect(error.code).toBe('request.invalid');
    expect(Object.keys(error.details?.fields as object).sort()).toEqual(
      ['clientMessageId', 'conversationId', 'extra', 'text'].sort(),
    );
  });

  it('requires a whole, non-negative seq on conversation.read', async () => {
    const error = await validationError(
      validateRequestFrame(ConversationReadFrame, {
        type: 'conversation.read',
        conversationId: CONVERSATION_ID,
        seq: -1,
      }),
    );

    expect(error.details?.fields).toHaveProperty('seq');
  });
});
