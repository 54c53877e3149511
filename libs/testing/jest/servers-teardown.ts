import type { ContainerServers } from '../src/containers';

export default async function teardown(): Promise<void> {
  await (globalThis as { __conferContainers?: ContainerServers }).__conferContainers?.stop();
}
