import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'minio';
import S3rver from 's3rver';

import {
  dropDatabase,
  freePort,
  testServers,
  uniqueDatabaseName,
  uniqueToken,
} from '@confer/testing';

import { AppModule } from '../src/app.module';
import { loadDriveConfig } from '../src/config';
import { ObjectStorage } from '../src/storage/object-storage.service';

jest.setTimeout(60_000);

const servers = testServers();

describe(ObjectStorage.name, () => {
  const database = uniqueDatabaseName('drive_it');
  const prefix = uniqueToken('it');
  const bucket = `confer-drive-${prefix.replace(/_/g, '-')}`;
  let directory: string;
  let s3: S3rver;
  let s3Port: number;
  const apps: INestApplication[] = [];

  /** Starts the drive app in this process on free ports; resolves once it has started. */
  async function startDrive(): Promise<{ app: INestApplication; httpUrl: string }> {
    const httpPort = await freePort();
    const config = loadDriveConfig({
      LOG_LEVEL: 'silent',
      HTTP_PORT: String(httpPort),
      POSTGRES_URL: servers.postgresUrl,
      DATABASE_NAME: database,
      NATS_URL: servers.natsUrl,
      NATS_PREFIX: prefix,
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      S3_BUCKET: bucket,
    });
    const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
    await app.listen(httpPort, '127.0.0.1');
    apps.push(app);

    return { app, httpUrl: `http://127.0.0.1:${httpPort}` };
  }

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'confer-drive-s3-'));
    s3Port = await freePort();
    s3 = new S3rver({ port: s3Port, address: '127.0.0.1', directory, silent: true });
    await s3.run();
  });

  afterAll(async () => {
    for (const app of apps) {
      await app.close();
    }
    await s3?.close().catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
    await dropDatabase(servers.postgresUrl, database);
  });

  it('creates its bucket at start and reports S3 in readiness', async () => {
    const s3Client = new Client({
      endPoint: '127.0.0.1',
      port: s3Port,
      useSSL: false,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      pathStyle: true,
    });
    expect(await s3Client.bucketExists(bucket)).toBe(false);

    const { httpUrl } = await startDrive();
    const response = await fetch(`${httpUrl}/health/ready`);

    expect(await s3Client.bucketExists(bucket)).toBe(true);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ checks: { s3: { status: 'up' } } });
  });

  it('starts again when the bucket already exists', async () => {
    const [first, second] = await Promise.all([startDrive(), startDrive()]);

    for (const { httpUrl } of [first, second]) {
      expect((await fetch(`${httpUrl}/health/ready`)).status).toBe(200);
    }
  });

  it('is not ready while S3 does not answer', async () => {
    const { httpUrl } = await startDrive();
    await s3.close();
    const response = await fetch(`${httpUrl}/health/ready`);

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { s3: { status: 'down' } } });
  });
});
