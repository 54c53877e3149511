import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Client } from 'minio';

import { DRIVE_CONFIG, DriveConfig } from '../config';

/**
 * The drive's bucket. At start it makes sure the bucket exists (replicas
 * racing to create it all succeed); readiness asks S3 about it on each probe.
 */
@Injectable()
export class ObjectStorage implements OnModuleInit {
  private readonly logger = new Logger(ObjectStorage.name);
  readonly client: Client;
  readonly bucket: string;

  constructor(@Inject(DRIVE_CONFIG) config: DriveConfig) {
    const { bucket, ...connection } = config.s3;
    this.client = new Client({ ...connection, pathStyle: true });
    this.bucket = bucket;
  }

  async onModuleInit(): Promise<void> {
    await this.ensureBucket();
  }

  async ensureBucket(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) {
      return;
    }
    try {
      await this.client.makeBucket(this.bucket);
      this.logger.log({ bucket: this.bucket }, 'bucket created');
    } catch (error) {
      // Another replica may have created it in between; only a bucket still missing is a failure.
      if (!(await this.client.bucketExists(this.bucket))) {
        throw error;
      }
    }
  }

  /** Readiness: S3 answers and the bucket is there. */
  readinessCheck() {
    return {
      name: 's3',
      check: async () => {
        if (!(await this.client.bucketExists(this.bucket))) {
          throw new Error(`bucket ${this.bucket} is missing`);
        }
      },
    };
  }
}
