import { ConferError } from '@confer/errors';
import { messaging } from '@confer/proto';

import { MAX_TEXT_CODE_POINTS, validateMessageInput } from './message-input';

const { MessageKind } = messaging;

function request(change: Partial<messaging.SendMessageRequest>): messaging.SendMessageRequest {
  return {
    conversationId: '00000000-0000-4000-8000-000000000001',
    clientMessageId: 'c1',
    kind: MessageKind.MESSAGE_KIND_TEXT,
    text: 'hi',
    emoji: '',
    ...change,
  };
}

function codeOf(change: Partial<messaging.SendMessageRequest>): string {
  try {
    validateMessageInput(request(change));
  } catch (error) {
    return (error as ConferError).code;
  }

  return 'valid';
}

describe(validateMessageInput.name, () => {
  it('keeps text as sent and marks it as text', () => {
    expect(validateMessageInput(request({ text: '  spaced  ' }))).toEqual({
      clientMessageId: 'c1',
      kind: 'text',
      text: '  spaced  ',
      emoji: null,
    });
  });

  it('counts length in code points, not UTF-16 units', () => {
    expect(codeOf({ text: '𝄞'.repeat(MAX_TEXT_CODE_POINTS) })).toBe('valid');
    expect(codeOf({ text: '𝄞'.repeat(MAX_TEXT_CODE_POINTS + 1) })).toBe('message.too_large');
  });

  it.each([
    ['a NUL character', 'before\u0000after'],
    ['a lone high surrogate', 'lone \ud800 surrogate'],
    ['a lone low surrogate', '\udc00'],
  ])('refuses text with %s as message.text_invalid', (_name, text) => {
    expect(codeOf({ text })).toBe('message.text_invalid');
  });

  it('accepts a surrogate pair', () => {
    expect(codeOf({ text: 'pair \ud83d\ude00' })).toBe('valid');
  });

  it('refuses whitespace-only text', () => {
    expect(codeOf({ text: ' \t\n' })).toBe('message.empty');
  });

  it.each(['a', 'A-z_09', 'x'.repeat(64), 'device.1:4f1c', 'a.b:c-d_e'])(
    'accepts the client message id %s',
    (clientMessageId) => {
      expect(codeOf({ clientMessageId })).toBe('valid');
    },
  );

  it.each(['', 'x'.repeat(65), 'a b', 'é', 'a/b', 'a\u0000b'])(
    'refuses the client message id "%s"',
    (clientMessageId) => {
      expect(codeOf({ clientMessageId })).toBe('message.client_id_invalid');
    },
  );

  it.each([':smile:', ':+1:', ':thumbs-up_2:', '👍', '👍🏽', '🇫🇷', '👩‍💻'])(
    'accepts the emoji %s',
    (emoji) => {
      expect(codeOf({ kind: MessageKind.MESSAGE_KIND_EMOJI, emoji })).toBe('valid');
    },
  );

  it.each(['smile', ':Smile:', '::', '👍👍', 'a👍', '', `:${'a'.repeat(63)}:`])(
    'refuses the emoji "%s"',
    (emoji) => {
      expect(codeOf({ kind: MessageKind.MESSAGE_KIND_EMOJI, emoji })).toBe('message.emoji_invalid');
    },
  );

  it('reads an unspecified kind as emoji only when just an emoji is given', () => {
    const unspecified = MessageKind.MESSAGE_KIND_UNSPECIFIED;

    expect(validateMessageInput(request({ kind: unspecified, text: '', emoji: ':ok:' })).kind).toBe(
      'emoji',
    );
    expect(validateMessageInput(request({ kind: unspecified })).kind).toBe('text');
  });
});
