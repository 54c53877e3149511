import { releaseContainerServers } from '@confer/testing';

import type { startE2eStack } from './e2e-stack';
import { unpublishSharedStack } from './e2e-stack';

type Started = Awaited<ReturnType<typeof startE2eStack>>;

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { __conferE2eStack?: Started };
  unpublishSharedStack();
  await holder.__conferE2eStack?.stop();
  holder.__conferE2eStack = undefined;
  await releaseContainerServers();
}
