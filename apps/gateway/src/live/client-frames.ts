import { plainToInstance } from 'class-transformer';
import { IsIn, IsUUID, validate } from 'class-validator';

import { ConferError } from '@confer/errors';

import { findJsonProblem, jsonProblemError } from '../http/json-checks';
import { IsPosition } from '../http/paging.dto';
import { invalidRequest } from '../http/validation';
import { SendMessageDto } from '../messages/messages.dto';

/** Largest client frame read; anything bigger is a protocol error. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** A frame that breaks the protocol: the socket is closed with 4400. */
export class ProtocolError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ProtocolError';
  }
}

export type FrameId = string | number | null;

export type ClientFrame =
  | { type: 'auth'; token: string; since?: number }
  | { type: 'ping' }
  | RequestFrame<'message.send'>
  | RequestFrame<'conversation.read'>;

/**
 * A request to answer: its raw fields for validation, or, when the frame
 * holds what no request may (see findJsonProblem), the error to answer with.
 */
export interface RequestFrame<T extends string> {
  type: T;
  id: FrameId;
  raw: Record<string, unknown>;
  refused?: ConferError;
}

const REQUEST_TYPES = new Set(['message.send', 'conversation.read']);

/**
 * Reads one client frame: JSON, an object with a known type. Requests keep
 * their raw fields for validation (a bad request is answered with an error
 * frame); anything else unreadable is a ProtocolError.
 */
export function decodeClientFrame(data: Buffer | string): ClientFrame {
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (length > MAX_CLIENT_FRAME_BYTES) {
    throw new ProtocolError('frame too large');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString());
  } catch {
    throw new ProtocolError('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('not an object');
  }
  const frame = parsed as Record<string, unknown>;
  // The same walk as HTTP bodies get: no nesting the validators would recurse
  // through, no string PostgreSQL cannot store exactly.
  const problem = findJsonProblem(frame);
  if (typeof frame.type === 'string' && REQUEST_TYPES.has(frame.type)) {
    return {
      type: frame.type as 'message.send' | 'conversation.read',
      id: frameId(frame.id),
      raw: frame,
      ...(problem ? { refused: jsonProblemError(problem) } : {}),
    };
  }
  if (problem) {
    throw new ProtocolError(problem.reason);
  }
  if (frame.type === 'ping') {
    return { type: 'ping' };
  }
  if (frame.type === 'auth') {
    return authFrame(frame);
  }
  throw new ProtocolError('unknown frame type');
}

/** A resume position: a whole number from 0; anything else is a protocol error. */
export function parseSince(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const since = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    throw new ProtocolError('bad since');
  }

  return since;
}

function authFrame(frame: Record<string, unknown>): ClientFrame {
  if (typeof frame.token !== 'string' || frame.token.length === 0 || frame.token.length > 8192) {
    throw new ProtocolError('auth frame without token');
  }

  return { type: 'auth', token: frame.token, since: parseSince(frame.since) };
}

function frameId(value: unknown): FrameId {
  if (typeof value === 'string' && value.length > 0 && value.length <= 64) {
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return value;
  }

  return null;
}

export class MessageSendFrame extends SendMessageDto {
  @IsIn(['message.send'])
  type!: 'message.send';

  @IsUUID()
  conversationId!: string;
}

export class ConversationReadFrame {
  @IsIn(['conversation.read'])
  type!: 'conversation.read';

  @IsUUID()
  conversationId!: string;

  @IsPosition()
  seq!: number;
}

/**
 * Validates a request frame with the same rules as the HTTP endpoint
 * (unknown fields refused), throwing request.invalid with the bad fields.
 */
export async function validateRequestFrame<T extends object>(
  type: new () => T,
  raw: Record<string, unknown>,
): Promise<T> {
  // The id is the client's own correlation token, echoed back, not part of the request.
  const fields = { ...raw };
  delete fields.id;
  const instance = plainToInstance(type, fields);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw invalidRequest(errors);
  }

  return instance;
}

/** The error frame body of a failed request. */
export function errorOf(error: unknown): {
  code: string;
  message: string;
  details?: Record<string, unknown>;
} {
  if (error instanceof ConferError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  }

  return { code: 'internal', message: 'Something went wrong on our side.' };
}
