import { appEnvironment, appPorts, stackPorts, STACK_APPS, StackSettings } from './app-environment';

const settings: StackSettings = {
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: 'nats://127.0.0.1:4222',
  redisUrl: 'redis://127.0.0.1:6379',
  s3: {
    endpoint: 'http://127.0.0.1:4568',
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    bucket: 'confer-drive',
    region: 'us-east-1',
  },
  prefix: 'e2e_1234',
  portOffset: 1000,
  logLevel: 'debug',
};

describe(appEnvironment.name, () => {
  it('moves every port by the offset, and leaves the gateway without a gRPC port', () => {
    expect(appPorts('messaging', 1000)).toEqual({ http: 4101, grpc: 51051 });
    expect(appPorts('gateway', 1000)).toEqual({ http: 4000, grpc: 0 });
  });

  it('names each database after the prefix and the app, with one NATS prefix for all', () => {
    const env = appEnvironment('mail-bridge', settings);

    expect(env).toMatchObject({
      HTTP_PORT: '4104',
      GRPC_PORT: '51054',
      DATABASE_NAME: 'e2e_1234_mail_bridge',
      NATS_PREFIX: 'e2e_1234',
      LOG_LEVEL: 'debug',
    });
  });

  it('points every gRPC address at the offset ports of the app it names', () => {
    const env = appEnvironment('gateway', settings);

    expect(env).toMatchObject({
      MESSAGING_GRPC_URL: '127.0.0.1:51051',
      DISCUSSION_GRPC_URL: '127.0.0.1:51052',
      CONTACTS_GRPC_URL: '127.0.0.1:51053',
      MAIL_BRIDGE_GRPC_URL: '127.0.0.1:51054',
      DRIVE_GRPC_URL: '127.0.0.1:51055',
      AUTH_2FA_GRPC_URL: '127.0.0.1:51056',
    });
    expect(env.GRPC_PORT).toBeUndefined();
    expect(env.GATEWAY_GRPC_URL).toBeUndefined();
  });

  it('gives the S3 settings to drive only', () => {
    expect(appEnvironment('drive', settings)).toMatchObject({
      S3_ENDPOINT: 'http://127.0.0.1:4568',
      S3_BUCKET: 'confer-drive',
    });
    expect(appEnvironment('messaging', settings).S3_ENDPOINT).toBeUndefined();
  });

  it('lists each port of the stack once', () => {
    const ports = stackPorts(0);

    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).toHaveLength(STACK_APPS.length * 2 - 1);
    expect(ports).toContain(3000);
  });
});
