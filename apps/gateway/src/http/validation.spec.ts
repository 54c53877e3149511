import { ArgumentMetadata } from '@nestjs/common';

import { ConferError } from '@confer/errors';

import { LoginDto } from '../auth/auth.dto';
import { CreateConversationDto } from '../conversations/conversations.dto';
import { ListMessagesQueryDto, MarkReadDto, SendMessageDto } from '../messages/messages.dto';
import { SyncQueryDto } from '../sync/sync.dto';
import { CreateUserDto } from '../users/users.dto';
import { requestValidationPipe, uuidParam } from './validation';

const pipe = requestValidationPipe();
const USER_ID = '0c0c6a55-5a57-4b1e-9d0e-6f7f1f3c2b1a';

async function failure(
  value: unknown,
  metatype: ArgumentMetadata['metatype'],
  type: ArgumentMetadata['type'] = 'body',
) {
  try {
    await pipe.transform(value, { type, metatype });
  } catch (error) {
    return error as ConferError;
  }
  throw new Error('expected the pipe to refuse');
}

describe('request validation', () => {
  it('turns query strings into typed values', async () => {
    const query = (await pipe.transform(
      { limit: '20', seq: '7', direction: 'forward' },
      { type: 'query', metatype: ListMessagesQueryDto },
    )) as ListMessagesQueryDto;

    expect(query).toMatchObject({ limit: 20, seq: 7, direction: 'forward' });
  });

  it('refuses unknown fields with 400 request.invalid', async () => {
    const error = await failure({ title: 'x', memberIds: [], admin: true }, CreateConversationDto);

    expect(error.code).toBe('request.invalid');
    expect(error.httpStatus).toBe(400);
    expect(error.details?.fields).toHaveProperty('admin');
  });

  it('refuses missing fields and wrong types', async () => {
    const error = await failure({ memberIds: 'everyone' }, CreateConversationDto);

    expect(Object.keys(error.details?.fields as object).sort()).toEqual(['memberIds', 'title']);
  });

  it('gives each bad field one clear message: required when missing, else its first check', async () => {
    const missing = await failure({ email: 'ann@example.com' }, LoginDto);
    const wrongType = await failure({ email: 'ann', password: 5 }, LoginDto);
    const tooLong = await failure(
      { email: 'ann@example.com', password: 'x'.repeat(257) },
      LoginDto,
    );

    expect(missing.details?.fields).toEqual({ password: ['password is required'] });
    expect(wrongType.details?.fields).toEqual({
      email: ['email must be an email'],
      password: ['password must be a string'],
    });
    expect(tooLong.details?.fields).toEqual({
      password: ['password must be shorter than or equal to 256 characters'],
    });
  });

  it('refuses member ids that are not UUIDs', async () => {
    const error = await failure({ title: 'x', memberIds: [USER_ID, 'bob'] }, CreateConversationDto);

    expect(error.details?.fields).toHaveProperty('memberIds');
  });

  it('refuses a limit above the maximum', async () => {
    const error = await failure({ limit: '500' }, ListMessagesQueryDto, 'query');

    expect(error.details?.fields).toHaveProperty('limit');
  });

  it.each([
    ['a history seq of 1e23', { seq: '99999999999999999999999' }, ListMessagesQueryDto, 'seq'],
    ['a history seq past 2^53', { seq: '9007199254740993' }, ListMessagesQueryDto, 'seq'],
    ['a sync since of 1e23', { since: '1e23' }, SyncQueryDto, 'since'],
  ] as const)('refuses %s with 400 request.invalid', async (_name, query, metatype, field) => {
    const error = await failure(query, metatype, 'query');

    expect([error.httpStatus, error.code]).toEqual([400, 'request.invalid']);
    expect(error.details?.fields).toHaveProperty(field);
  });

  it('refuses a read seq past 2^53 and takes the largest safe one', async () => {
    const error = await failure({ seq: 2 ** 53 }, MarkReadDto);
    const largest = (await pipe.transform(
      { seq: Number.MAX_SAFE_INTEGER },
      { type: 'body', metatype: MarkReadDto },
    )) as MarkReadDto;

    expect(error.details?.fields).toHaveProperty('seq');
    expect(largest.seq).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('accepts the documented client message id characters', async () => {
    const body = (await pipe.transform(
      { clientMessageId: 'device.1:a-b_c', kind: 'text', text: 'hi' },
      { type: 'body', metatype: SendMessageDto },
    )) as SendMessageDto;

    expect(body.clientMessageId).toBe('device.1:a-b_c');
  });

  it('requires text for a text message and emoji for an emoji message', async () => {
    const text = await failure({ clientMessageId: 'c1', kind: 'text' }, SendMessageDto);
    const emoji = await failure({ clientMessageId: 'c1', kind: 'emoji' }, SendMessageDto);

    expect(text.details?.fields).toHaveProperty('text');
    expect(emoji.details?.fields).toHaveProperty('emoji');
  });

  it('refuses a weak user payload field by field', async () => {
    const error = await failure(
      { email: 'not-an-address', displayName: '', password: 'short', roles: ['Admin!'] },
      CreateUserDto,
    );

    expect(Object.keys(error.details?.fields as object).sort()).toEqual([
      'displayName',
      'email',
      'password',
      'roles',
    ]);
  });

  it('answers a path id that is not a UUID with request.invalid naming the parameter', async () => {
    let error: ConferError | undefined;
    try {
      await uuidParam('id').transform('42', { type: 'param', data: 'id' });
    } catch (caught) {
      error = caught as ConferError;
    }

    expect(error?.code).toBe('request.invalid');
    expect(error?.details).toEqual({ fields: { id: ['must be a UUID'] } });
  });
});
