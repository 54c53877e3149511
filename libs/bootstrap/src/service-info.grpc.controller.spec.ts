import { Test } from '@nestjs/testing';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { DataSource } from 'typeorm';

import { PlatformConfig } from '@confer/config';

import { PLATFORM_CONFIG, serviceInfoGrpcController } from './service-info.grpc.controller';

const platform = { app: 'drive', version: '1.2.3' } as PlatformConfig;

function fakeDataSource(rows: { name: string }[]): DataSource {
  return {
    options: { migrationsTableName: 'schema_migrations' },
    query: jest.fn(async () => rows),
  } as unknown as DataSource;
}

async function describeWith(rows: { name: string }[]) {
  const controller = serviceInfoGrpcController('drive');
  const moduleRef = await Test.createTestingModule({
    controllers: [controller],
    providers: [
      { provide: DataSource, useValue: fakeDataSource(rows) },
      { provide: PLATFORM_CONFIG, useValue: platform },
    ],
  }).compile();

  return moduleRef.get<{ describe(): Promise<unknown> }>(controller).describe();
}

describe(serviceInfoGrpcController.name, () => {
  it('serves describe on the gRPC service named by the key', () => {
    const controller = serviceInfoGrpcController('mailbridge');
    const patterns = Reflect.getMetadata(PATTERN_METADATA, controller.prototype.describe);

    expect(patterns).toEqual([
      expect.objectContaining({ service: 'MailBridgeService', rpc: 'describe' }),
    ]);
  });

  it('answers with the app name, version and newest applied migration', async () => {
    await expect(describeWith([{ name: 'Drive1700000000000' }])).resolves.toEqual({
      name: 'drive',
      version: '1.2.3',
      schemaVersion: 'Drive1700000000000',
    });
  });

  it('answers an empty schema version before any migration ran', async () => {
    await expect(describeWith([])).resolves.toMatchObject({ schemaVersion: '' });
  });
});
