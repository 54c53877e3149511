import { NotFoundException } from '@nestjs/common';

import { ConferError, RequestError } from '@confer/errors';

import { SCIM_ERROR_SCHEMA, scimErrorOf } from './scim-error.filter';

const request = { method: 'GET', path: '/scim/v2/Users' };

describe('scimErrorOf', () => {
  it('uses the SCIM status and scimType contacts sent in the details', () => {
    const error = new ConferError('conflict', 'scim.version_mismatch', 'Changed since.', {
      scimStatus: 412,
    });

    expect(scimErrorOf(error, request)).toEqual({
      status: 412,
      body: { schemas: [SCIM_ERROR_SCHEMA], status: '412', detail: 'Changed since.' },
    });
    const filter = new ConferError('malformed', 'scim.invalid_filter', 'Bad.', {
      scimStatus: 400,
      scimType: 'invalidFilter',
    });
    expect(scimErrorOf(filter, request).body).toMatchObject({
      status: '400',
      scimType: 'invalidFilter',
    });
  });

  it('names platform request errors in SCIM terms and keeps their status', () => {
    expect(scimErrorOf(RequestError.malformed('Not JSON.'), request)).toMatchObject({
      status: 400,
      body: { scimType: 'invalidSyntax' },
    });
    expect(scimErrorOf(RequestError.unsupportedMediaType('text/plain'), request).status).toBe(415);
    expect(scimErrorOf({ type: 'entity.too.large' }, request).status).toBe(413);
    expect(scimErrorOf(new NotFoundException(), request).status).toBe(404);
  });

  it('answers anything else as 500 without its text, quoting the correlation id', () => {
    const { status, body } = scimErrorOf(new Error('password=hunter2'), request, 'corr-1');

    expect(status).toBe(500);
    expect(body.detail).toContain('corr-1');
    expect(body.detail).not.toContain('hunter2');
  });
});
