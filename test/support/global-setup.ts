import { provideContainerServers } from '@confer/testing';

import { publishSharedStack, startE2eStack } from './e2e-stack';

type Started = Awaited<ReturnType<typeof startE2eStack>>;

/**
 * Jest global setup for the e2e project: one stack for the whole run, shared
 * with every spec file through useStack().
 */
export default async function globalSetup(): Promise<void> {
  // Containers for PostgreSQL, NATS and Redis where Docker runs and no address is given.
  await provideContainerServers();
  const stack = await startE2eStack();
  publishSharedStack(stack);
  (globalThis as { __conferE2eStack?: Started }).__conferE2eStack = stack;
}
