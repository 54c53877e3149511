import { AppName, grpcUrlVariable, SERVICE_PORTS } from '@confer/config';

/** Every app of the platform, in the order they are started and listed. */
export const STACK_APPS = Object.keys(SERVICE_PORTS) as AppName[];

/** The apps that serve gRPC, and so have a `<APP>_GRPC_URL` others point at. */
export const GRPC_APPS = STACK_APPS.filter((app) => SERVICE_PORTS[app].grpc !== 0);

export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

/** Where the servers every app shares are, and what this stack calls its own. */
export interface StackSettings {
  postgresUrl: string;
  natsUrl: string;
  redisUrl: string;
  s3: S3Settings;
  /**
   * First token of database names (`<prefix>_<app>`) and the NATS prefix, so
   * several stacks (a dev stack and test runs) share one set of servers.
   */
  prefix: string;
  /** Added to every default port, so a test stack never collides with a dev stack. */
  portOffset: number;
  logLevel: string;
}

export interface AppPorts {
  http: number;
  grpc: number;
}

export function appPorts(app: AppName, portOffset: number): AppPorts {
  const ports = SERVICE_PORTS[app];

  return {
    http: ports.http + portOffset,
    grpc: ports.grpc === 0 ? 0 : ports.grpc + portOffset,
  };
}

/** Every port a stack listens on with this offset, to check they are free before starting. */
export function stackPorts(portOffset: number, apps: readonly AppName[] = STACK_APPS): number[] {
  return apps.flatMap((app) => {
    const ports = appPorts(app, portOffset);

    return ports.grpc === 0 ? [ports.http] : [ports.http, ports.grpc];
  });
}

export function databaseName(prefix: string, app: AppName): string {
  return `${prefix}_${app.replace(/-/g, '_')}`;
}

/**
 * The environment one app is started with. Every app gets every gRPC address
 * (an app ignores the ones it does not call), so adding a call between
 * services needs no change here.
 */
export function appEnvironment(app: AppName, settings: StackSettings): Record<string, string> {
  const ports = appPorts(app, settings.portOffset);
  const grpcUrls = Object.fromEntries(
    GRPC_APPS.map((other) => [
      grpcUrlVariable(other),
      `127.0.0.1:${appPorts(other, settings.portOffset).grpc}`,
    ]),
  );
  const env: Record<string, string> = {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(ports.http),
    LOG_LEVEL: settings.logLevel,
    POSTGRES_URL: settings.postgresUrl,
    DATABASE_NAME: databaseName(settings.prefix, app),
    NATS_URL: settings.natsUrl,
    NATS_PREFIX: settings.prefix,
    REDIS_URL: settings.redisUrl,
    ...grpcUrls,
  };
  if (ports.grpc !== 0) {
    env.GRPC_HOST = '127.0.0.1';
    env.GRPC_PORT = String(ports.grpc);
  }
  if (app === 'drive') {
    env.S3_ENDPOINT = settings.s3.endpoint;
    env.S3_ACCESS_KEY = settings.s3.accessKey;
    env.S3_SECRET_KEY = settings.s3.secretKey;
    env.S3_BUCKET = settings.s3.bucket;
    env.S3_REGION = settings.s3.region;
  }

  return env;
}
