import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { CONTACTS } from '../clients/service-clients';
import { GatewayConfig } from '../config';
import { openApiDocument } from '../http/http-setup';
import { ScimTokensHttpController } from './scim-tokens.http.controller';

interface Operation {
  responses: Record<string, { description?: string }>;
}

describe(ScimTokensHttpController.name, () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ScimTokensHttpController],
      providers: [{ provide: CONTACTS, useValue: {} }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
  });

  afterAll(async () => {
    await app.close();
  });

  it('describes every success answer in the OpenAPI document, token creation included', () => {
    const config = { platform: { version: 'spec' } } as GatewayConfig;
    const paths = openApiDocument(app, config).paths as Record<string, Record<string, Operation>>;
    const successes = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([status]) => status.startsWith('2'))
          .map(([status, response]) => ({
            route: `${method.toUpperCase()} ${path} ${status}`,
            description: response.description ?? '',
          })),
      ),
    );

    expect(successes.map((success) => success.route)).toContain('POST /admin/scim/tokens 201');
    expect(successes.filter((success) => success.description.trim() === '')).toEqual([]);
  });
});
