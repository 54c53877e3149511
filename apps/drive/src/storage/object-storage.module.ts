import { Global, Module } from '@nestjs/common';

import { ObjectStorage } from './object-storage.service';

/** The app's S3 client and bucket, for every feature that stores objects. */
@Global()
@Module({
  providers: [ObjectStorage],
  exports: [ObjectStorage],
})
export class ObjectStorageModule {}
