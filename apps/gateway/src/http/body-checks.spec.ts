import type { Request, Response } from 'express';

import { ConferError } from '@confer/errors';

import { nameParserErrors, refuseUnusableJson, requireJsonBody } from './body-checks';

function request(headers: Record<string, string>, body?: unknown): Request {
  return { headers, body } as unknown as Request;
}

/** What the middleware passed to next: undefined to go on, else the error's status and code. */
function outcome(run: (next: (error?: unknown) => void) => void): string | undefined {
  let passed: unknown = 'next not called';
  run((error) => {
    passed = error;
  });
  if (passed === undefined) {
    return undefined;
  }

  return passed instanceof ConferError ? `${passed.httpStatus} ${passed.code}` : String(passed);
}

const response = {} as Response;

describe(requireJsonBody.name, () => {
  it.each([
    ['application/json', { 'content-type': 'application/json', 'content-length': '2' }],
    [
      'JSON with a charset',
      { 'content-type': 'Application/JSON; charset=utf-8', 'content-length': '2' },
    ],
    ['no body and no type', {}],
    ['an empty body of another type', { 'content-type': 'text/plain', 'content-length': '0' }],
  ])('lets %s through', (_name, headers) => {
    expect(outcome((next) => requireJsonBody(request(headers), response, next))).toBeUndefined();
  });

  it.each([
    ['a form', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '9' }],
    ['text', { 'content-type': 'text/plain', 'content-length': '2' }],
    ['a chunked body without a type', { 'transfer-encoding': 'chunked' }],
    ['a JSON look-alike', { 'content-type': 'application/jsonp', 'content-length': '2' }],
  ])('refuses %s with 415 request.unsupported_media_type', (_name, headers) => {
    expect(outcome((next) => requireJsonBody(request(headers), response, next))).toBe(
      '415 request.unsupported_media_type',
    );
  });
});

describe(refuseUnusableJson.name, () => {
  it('lets an ordinary body and a missing one through', () => {
    expect(
      outcome((next) => refuseUnusableJson(request({}, { text: 'hi' }), response, next)),
    ).toBeUndefined();
    expect(outcome((next) => refuseUnusableJson(request({}), response, next))).toBeUndefined();
  });

  it.each([
    ['too deep', JSON.parse(`${'['.repeat(40_000)}${']'.repeat(40_000)}`)],
    ['holding a NUL', { text: 'a\u0000b' }],
    ['holding a lone surrogate', { text: 'a\ud800b' }],
  ])('refuses a body %s with 400 request.invalid', (_name, body) => {
    expect(outcome((next) => refuseUnusableJson(request({}, body), response, next))).toBe(
      '400 request.invalid',
    );
  });
});

describe(nameParserErrors.name, () => {
  it.each([
    ['entity.parse.failed', '400 request.malformed'],
    ['charset.unsupported', '415 request.unsupported_media_type'],
    ['encoding.unsupported', '415 request.unsupported_media_type'],
  ])('answers the parser error %s as %s', (type, expected) => {
    expect(outcome((next) => nameParserErrors({ type }, request({}), response, next))).toBe(
      expected,
    );
  });

  it('passes other errors on unchanged', () => {
    const error = { type: 'entity.too.large' };
    let passed: unknown;
    nameParserErrors(error, request({}), response, (value?: unknown) => {
      passed = value;
    });

    expect(passed).toBe(error);
  });
});
