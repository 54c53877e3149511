import { Module } from '@nestjs/common';

import { BlockChangedConsumer } from './block-changed.consumer';

/** Messaging's copy of the blacklists contacts keeps. */
@Module({ providers: [BlockChangedConsumer] })
export class BlocksModule {}
