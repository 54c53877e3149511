import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

import type { S3Settings } from './app-environment';

/** s3rver ships no types; this is the part of its API the stack uses. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

type S3rverConstructor = new (options: {
  port: number;
  address: string;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

/** s3rver's fixed credentials: it accepts these and nothing else. */
const S3RVER_KEY = 'S3RVER';

export interface LocalS3 {
  settings: S3Settings;
  close(): Promise<void>;
}

/**
 * Starts an S3-compatible server in this process on a free loopback port,
 * storing objects under `directory`, for stacks that were given no S3
 * endpoint. Drive creates its bucket itself; it is created here too so drive
 * is ready at once.
 */
export async function startLocalS3(directory: string, bucket: string): Promise<LocalS3> {
  mkdirSync(directory, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as S3rverConstructor;
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();

  return {
    settings: {
      endpoint: `http://127.0.0.1:${address.port}`,
      accessKey: S3RVER_KEY,
      secretKey: S3RVER_KEY,
      bucket,
      region: 'us-east-1',
    },
    close: () => server.close(),
  };
}
