import { z } from 'zod';

import {
  loadConfig,
  serviceConfigSchema,
  ServiceConfig,
  toServiceConfig,
  urlVar,
} from '@confer/config';

const APP = 'drive';

const schema = serviceConfigSchema(APP, {
  /** The S3 API (MinIO, s3rver, any S3); path-style requests. */
  S3_ENDPOINT: urlVar('http://127.0.0.1:9000', ['http', 'https']),
  S3_ACCESS_KEY: z.string().min(1).default('S3RVER'),
  S3_SECRET_KEY: z.string().min(1).default('S3RVER'),
  // S3 bucket naming rules: 3-63 characters, lower case, digits, dots and hyphens.
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
    .default('confer-drive'),
  S3_REGION: z.string().min(1).default('us-east-1'),
});

export interface DriveConfig extends ServiceConfig {
  s3: S3Config;
}

export interface S3Config {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  /** Never logged. */
  secretKey: string;
  bucket: string;
  region: string;
}

export const DRIVE_CONFIG = Symbol('DRIVE_CONFIG');

export function loadDriveConfig(env?: Record<string, string | undefined>): DriveConfig {
  const vars = loadConfig(schema, env);

  return { ...toServiceConfig(APP, vars), s3: s3Config(vars) };
}

function s3Config(vars: z.output<typeof schema>): S3Config {
  const endpoint = new URL(vars.S3_ENDPOINT);
  const useSSL = endpoint.protocol === 'https:';

  return {
    endPoint: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: vars.S3_ACCESS_KEY,
    secretKey: vars.S3_SECRET_KEY,
    bucket: vars.S3_BUCKET,
    region: vars.S3_REGION,
  };
}
