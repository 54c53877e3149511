import { ConfigError } from '@confer/config';

import { loadDriveConfig } from './config';

describe(loadDriveConfig.name, () => {
  it("defaults to a local s3rver's address and credentials", () => {
    expect(loadDriveConfig({}).s3).toEqual({
      endPoint: '127.0.0.1',
      port: 9000,
      useSSL: false,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      bucket: 'confer-drive',
      region: 'us-east-1',
    });
  });

  it('takes TLS and the default port from an https endpoint', () => {
    expect(loadDriveConfig({ S3_ENDPOINT: 'https://s3.example.com' }).s3).toMatchObject({
      endPoint: 's3.example.com',
      port: 443,
      useSSL: true,
    });
  });

  it('refuses a bucket name S3 would refuse, and a non-HTTP endpoint', () => {
    let error: unknown;
    try {
      loadDriveConfig({ S3_BUCKET: 'Confer_Drive', S3_ENDPOINT: 'ftp://files' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
  });
});
